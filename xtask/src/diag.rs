//! Spec diagnostics: what is wrong, where (file, line, column), and how to fix it.
//!
//! Every check of the lowering reports through a [`Reporter`], which places the problem with the
//! file's position index; nothing stops at the first error. The typo hint is the one the scope
//! macros use too (`crates/macros/src/hint.rs`).

use std::fmt;

use crate::spec::pos::{Anchor, PosIndex, Seg, YamlPath, display_path};

#[path = "../../crates/macros/src/hint.rs"]
mod hint;

pub use hint::did_you_mean;

/// One problem in the spec set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file, as given to the loader (relative to the workspace root when run by xtask).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, one after the other, then a count.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let n = diagnostics.len();
    out.push_str(&format!(
        "{n} error{} in the specs; nothing was generated\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// "did you mean `x`?" when a candidate is close to `word`, else `otherwise`.
pub fn one_of<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match did_you_mean(word, candidates) {
        Some(close) => format!("did you mean `{close}`?"),
        None => otherwise(),
    }
}

/// The diagnostics of one spec file, each placed with the file's position index. The index is
/// a second parse of the file, so it is built only when there is something to place.
pub struct Reporter<'a> {
    file: &'a str,
    source: &'a str,
    index: std::cell::OnceCell<PosIndex>,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// A reporter for `file`, whose text is `source`, collecting into `diags`.
    pub fn new(file: &'a str, source: &'a str, diags: &'a mut Vec<Diagnostic>) -> Self {
        Reporter {
            file,
            source,
            index: std::cell::OnceCell::new(),
            diags,
        }
    }

    fn index(&self) -> &PosIndex {
        self.index.get_or_init(|| PosIndex::new(self.source))
    }

    /// Reports a problem at `path` (its key or its value), with an optional hint.
    pub fn error(
        &mut self,
        path: &YamlPath,
        anchor: Anchor,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let pos = self.index().find(path, anchor);
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint,
        });
    }

    /// The line of the value at `path` (for "first defined on line N").
    pub fn line_of(&self, path: &YamlPath) -> usize {
        self.index().find(path, Anchor::Value).line
    }

    /// Reports the keys serde passed over, with the closest known key as a hint.
    pub fn unknown_keys(&mut self, keys: &[YamlPath], known: &[&str]) {
        for path in keys {
            let Some(Seg::Key(key)) = path.last() else {
                continue;
            };
            let key = key.clone();
            let parent = display_path(&path[..path.len() - 1]);
            let place = if parent.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("in `{parent}`")
            };
            let hint = one_of(&key, known.iter().copied(), || {
                "remove it; specs/README.md lists the keys each section takes".to_owned()
            });
            self.error(
                path,
                Anchor::Key,
                format!("unknown key `{key}` {place}"),
                Some(hint),
            );
        }
    }
}
