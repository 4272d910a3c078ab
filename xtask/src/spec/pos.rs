//! Where each node of a YAML document is, so that problems found after decoding can still be
//! reported at their line and column. serde_yaml decodes; this index only locates.

use saphyr_parser::{Event, Parser};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path into a document, e.g. `methods[2].permission`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YamlPath(Vec<Seg>);

impl YamlPath {
    /// The document's root.
    pub fn root() -> YamlPath {
        YamlPath(Vec::new())
    }

    /// The value under the mapping key `key` of this node.
    pub fn key(&self, key: &str) -> YamlPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        YamlPath(segs)
    }

    /// The item `index` of this sequence.
    pub fn index(&self, index: usize) -> YamlPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        YamlPath(segs)
    }

    /// Appends a step in place.
    pub fn push(&mut self, seg: Seg) {
        self.0.push(seg);
    }
}

impl std::ops::Deref for YamlPath {
    type Target = [Seg];

    fn deref(&self) -> &[Seg] {
        &self.0
    }
}

/// Formats a path the way diagnostics show it.
pub fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

#[derive(Debug)]
enum Node {
    Map {
        at: Pos,
        entries: Vec<(String, Pos, Node)>,
    },
    Seq {
        at: Pos,
        items: Vec<Node>,
    },
    Scalar {
        at: Pos,
    },
}

impl Node {
    fn at(&self) -> Pos {
        match self {
            Node::Map { at, .. } | Node::Seq { at, .. } | Node::Scalar { at } => *at,
        }
    }
}

/// The positions of one document's nodes.
#[derive(Debug)]
pub struct PosIndex {
    root: Option<Node>,
}

/// Where a diagnostic is anchored: at the mapping key of the last path step (for "unknown key",
/// or a whole entry) or at its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The mapping key of the last path step.
    Key,
    /// The value at the path.
    Value,
}

impl PosIndex {
    /// Indexes `source`. A document that does not parse gives an empty index (serde_yaml then
    /// reports the syntax error with its own position).
    pub fn new(source: &str) -> PosIndex {
        let mut stack: Vec<(Node, Option<(String, Pos)>)> = Vec::new();
        let mut pending_key: Vec<Option<(String, Pos)>> = Vec::new();
        let mut root = None;
        let mut parser = Parser::new_from_str(source);
        while let Some(Ok((event, span))) = parser.next_event() {
            let at = Pos {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            let node = match event {
                Event::MappingStart(..) => {
                    stack.push((
                        Node::Map {
                            at,
                            entries: Vec::new(),
                        },
                        None,
                    ));
                    pending_key.push(None);
                    continue;
                }
                Event::SequenceStart(..) => {
                    stack.push((
                        Node::Seq {
                            at,
                            items: Vec::new(),
                        },
                        None,
                    ));
                    pending_key.push(None);
                    continue;
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    pending_key.pop();
                    match stack.pop() {
                        Some((node, _)) => node,
                        None => break,
                    }
                }
                Event::Scalar(value, ..) => {
                    // A scalar in key position of a mapping is a key, not a node.
                    if let (Some((Node::Map { .. }, _)), Some(slot)) =
                        (stack.last(), pending_key.last_mut())
                        && slot.is_none()
                    {
                        *slot = Some((value.into_owned(), at));
                        continue;
                    }
                    Node::Scalar { at }
                }
                Event::Alias(_) => Node::Scalar { at },
                _ => continue,
            };
            match stack.last_mut() {
                Some((Node::Map { entries, .. }, _)) => {
                    let key = pending_key.last_mut().and_then(Option::take);
                    let (key, key_at) = key.unwrap_or_else(|| (String::new(), node.at()));
                    entries.push((key, key_at, node));
                }
                Some((Node::Seq { items, .. }, _)) => items.push(node),
                _ => root = Some(node),
            }
        }
        PosIndex { root }
    }

    /// The position of `path`; when the path goes further than the document, the position of
    /// the deepest node it reaches.
    pub fn find(&self, path: &[Seg], anchor: Anchor) -> Pos {
        let Some(mut node) = self.root.as_ref() else {
            return Pos { line: 1, column: 1 };
        };
        let mut best = node.at();
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let next = match (node, seg) {
                (Node::Map { entries, .. }, Seg::Key(k)) => {
                    match entries.iter().find(|(key, _, _)| key == k) {
                        Some((_, key_at, _)) if last && anchor == Anchor::Key => return *key_at,
                        Some((_, _, child)) => child,
                        None => return best,
                    }
                }
                (Node::Seq { items, .. }, Seg::Index(i)) => match items.get(*i) {
                    Some(child) => child,
                    None => return best,
                },
                _ => return best,
            };
            node = next;
            best = node.at();
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_values_and_items() {
        let src = "module: a\nmethods:\n  - name: Get\n    http: GTE\n  - name: Put\n";
        let index = PosIndex::new(src);
        let http = YamlPath::root().key("methods").index(0).key("http");
        assert_eq!(
            index.find(&http, Anchor::Value),
            Pos {
                line: 4,
                column: 11
            }
        );
        assert_eq!(index.find(&http, Anchor::Key), Pos { line: 4, column: 5 });
        let second = YamlPath::root().key("methods").index(1);
        assert_eq!(
            index.find(&second, Anchor::Value),
            Pos { line: 5, column: 5 }
        );
        let missing = YamlPath::root().key("methods").index(1).key("path");
        assert_eq!(
            index.find(&missing, Anchor::Value),
            Pos { line: 5, column: 5 }
        );
        assert_eq!(display_path(&http), "methods[0].http");
    }

    #[test]
    fn flow_mappings_are_indexed_too() {
        let index = PosIndex::new("a:\n  b: { $ref: Nope, description: x }\n");
        let path = YamlPath::root().key("a").key("b").key("$ref");
        assert_eq!(
            index.find(&path, Anchor::Value),
            Pos {
                line: 2,
                column: 14
            }
        );
    }
}
