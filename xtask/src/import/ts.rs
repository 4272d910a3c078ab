//! TypeScript declaration files (`meta.d.ts`, `*.universal-*.d.ts`) read with `oxc_parser` into
//! a small owned model: interfaces, enums, type aliases and declared functions, each with its
//! JSDoc. Type syntax the importer does not understand is kept as [`Ty::Unknown`] with its source
//! text, so that the converter can name the declaration it appears in.

use std::collections::{BTreeMap, HashMap};

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Comment, Declaration, Expression, FormalParameters, PropertyKey, Statement, TSEnumMemberName,
    TSLiteral, TSSignature, TSType, TSTypeName,
};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};

/// A type as written in a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Number,
    Boolean,
    /// `Date`: Wix's REST timestamps (RFC 3339 strings on the wire).
    Date,
    /// `any`, `unknown`, `object`, `Record<string, any>`-like open values.
    Any,
    Null,
    Undefined,
    Void,
    /// A named type, with type arguments (`Record<string, X>`, `__PublicMethodMetaInfo<...>`).
    Ref(String, Vec<Ty>),
    Array(Box<Ty>),
    Union(Vec<Ty>),
    /// A string literal type: `'PARAGRAPH'`.
    Lit(String),
    /// An inline object type: `{ productId: string }`.
    Object(Vec<Prop>),
    /// A function type: its parameters' types.
    Function(Vec<Ty>),
    /// A tuple type: `['_id', 'name']` (the query specs of the universal declarations).
    Tuple(Vec<Ty>),
    /// A construct this reader does not model, with its source text.
    Unknown(String),
}

/// A JSDoc comment: the text before the first tag, and the tags in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub tags: Vec<(String, String)>,
}

impl Doc {
    /// The values of every `@name` tag.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.tags
            .iter()
            .filter(move |(t, _)| t == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first `@name` tag.
    pub fn first<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).next()
    }

    /// Whether the comment has the tag `@name`.
    pub fn has(&self, name: &str) -> bool {
        self.all(name).next().is_some()
    }
}

/// A property of an interface or object type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prop {
    pub name: String,
    pub optional: bool,
    pub ty: Ty,
    pub doc: Doc,
}

/// `interface X extends A, B { ... }`
#[derive(Clone, Debug)]
pub struct Interface {
    pub extends: Vec<String>,
    pub props: Vec<Prop>,
    pub doc: Doc,
}

/// `declare enum X { A = "A", ... }`: the members' string values.
#[derive(Clone, Debug)]
pub struct Enum {
    pub members: Vec<(String, Doc)>,
    pub doc: Doc,
}

/// `type X = ...`
#[derive(Clone, Debug)]
pub struct Alias {
    pub ty: Ty,
    pub doc: Doc,
}

/// `declare function f(params): R;`
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub params: Vec<(String, Ty)>,
    pub ret: Option<Ty>,
    pub doc: Doc,
}

/// Every declaration of one file, by name; functions in file order.
#[derive(Clone, Debug, Default)]
pub struct Decls {
    pub interfaces: BTreeMap<String, Interface>,
    pub enums: BTreeMap<String, Enum>,
    pub aliases: BTreeMap<String, Alias>,
    pub functions: Vec<Function>,
}

/// Parses a declaration file. `Err` carries the parser's messages with line numbers.
pub fn parse(text: &str) -> Result<Decls, String> {
    let allocator = Allocator::default();
    let source_type = SourceType::d_ts();
    let ret = Parser::new(&allocator, text, source_type).parse();
    if let Some(why) = syntax_errors(text, &ret) {
        return Err(format!("not a TypeScript declaration file: {why}"));
    }
    let reader = Reader {
        text,
        docs: jsdoc_index(&ret.program.comments, text),
    };
    let mut decls = Decls::default();
    for stmt in &ret.program.body {
        reader.statement(stmt, &mut decls);
    }
    Ok(decls)
}

/// The parser's first errors with their lines (`line 2: Unexpected token`), or `None` when the
/// file parsed.
pub fn syntax_errors(text: &str, ret: &oxc_parser::ParserReturn) -> Option<String> {
    if !ret.panicked && !ret.diagnostics.has_errors() {
        return None;
    }
    let messages: Vec<String> = ret
        .diagnostics
        .errors()
        .take(3)
        .map(|e| {
            let at = e
                .labels
                .first()
                .map(|l| line_of(text, l.offset()))
                .unwrap_or(0);
            format!("line {at}: {}", e.message)
        })
        .collect();
    Some(if messages.is_empty() {
        "the parser gave up".to_owned()
    } else {
        messages.join("; ")
    })
}

/// The 1-based line of byte `offset`.
pub fn line_of(text: &str, offset: u32) -> usize {
    text.as_bytes()[..(offset as usize).min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn jsdoc_index<'t>(comments: &[Comment], text: &'t str) -> HashMap<u32, &'t str> {
    let mut map = HashMap::new();
    for c in comments {
        if c.is_jsdoc() {
            // The last comment before a token wins (it is the one that documents it).
            map.insert(c.attached_to, c.span.source_text(text));
        }
    }
    map
}

/// Splits a JSDoc block into text and tags.
pub fn parse_doc(comment: &str) -> Doc {
    let body = comment
        .trim()
        .trim_start_matches("/**")
        .trim_end_matches("*/");
    let mut text = Vec::new();
    let mut tags: Vec<(String, String)> = Vec::new();
    for raw_line in body.lines() {
        let line = raw_line.trim();
        let line = line.strip_prefix('*').unwrap_or(line);
        let line = line.strip_prefix(' ').unwrap_or(line).trim_end();
        if let Some(tag) = line.strip_prefix('@') {
            let (name, value) = tag.split_once([' ', '\t']).unwrap_or((tag, ""));
            tags.push((name.to_owned(), value.trim().to_owned()));
        } else if let Some((_, value)) = tags.last_mut() {
            // A tag's value goes on until the next tag.
            if !line.is_empty() {
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(line);
            }
        } else {
            text.push(line.to_owned());
        }
    }
    while text.last().is_some_and(|l| l.is_empty()) {
        text.pop();
    }
    while text.first().is_some_and(|l| l.is_empty()) {
        text.remove(0);
    }
    Doc {
        text: text.join("\n"),
        tags,
    }
}

struct Reader<'t> {
    text: &'t str,
    docs: HashMap<u32, &'t str>,
}

impl Reader<'_> {
    fn doc(&self, span: Span) -> Doc {
        self.docs
            .get(&span.start)
            .map(|c| parse_doc(c))
            .unwrap_or_default()
    }

    fn statement(&self, stmt: &Statement, decls: &mut Decls) {
        match stmt {
            Statement::ExportDeclaration(e) => {
                // The comment sits before `export`.
                let doc = self.doc(e.span);
                self.declaration(&e.declaration, Some(doc), decls);
            }
            _ => {
                if let Some(d) = stmt.as_declaration() {
                    self.declaration(d, None, decls);
                }
            }
        }
    }

    fn declaration(&self, d: &Declaration, doc: Option<Doc>, decls: &mut Decls) {
        let doc_of = |span: Span| match &doc {
            Some(d) if !d.tags.is_empty() || !d.text.is_empty() => d.clone(),
            _ => self.doc(span),
        };
        match d {
            Declaration::TSInterfaceDeclaration(i) => {
                let extends = i
                    .extends
                    .iter()
                    .map(|h| match &h.type_name {
                        TSTypeName::IdentifierReference(id) => id.name.to_string(),
                        other => self.src(other.span()),
                    })
                    .collect();
                let props = i
                    .body
                    .body
                    .iter()
                    .filter_map(|s| self.signature(s))
                    .collect();
                decls.interfaces.insert(
                    i.id.name.to_string(),
                    Interface {
                        extends,
                        props,
                        doc: doc_of(i.span),
                    },
                );
            }
            Declaration::TSEnumDeclaration(e) => {
                let members = e
                    .body
                    .members
                    .iter()
                    .map(|m| {
                        let value = match &m.initializer {
                            Some(Expression::StringLiteral(s)) => s.value.to_string(),
                            _ => match &m.id {
                                TSEnumMemberName::Identifier(id) => id.name.to_string(),
                                TSEnumMemberName::String(s) => s.value.to_string(),
                                other => self.src(other.span()),
                            },
                        };
                        (value, self.doc(m.span))
                    })
                    .collect();
                decls.enums.insert(
                    e.id.name.to_string(),
                    Enum {
                        members,
                        doc: doc_of(e.span),
                    },
                );
            }
            Declaration::TSTypeAliasDeclaration(a) => {
                decls.aliases.insert(
                    a.id.name.to_string(),
                    Alias {
                        ty: self.ty(&a.type_annotation),
                        doc: doc_of(a.span),
                    },
                );
            }
            Declaration::FunctionDeclaration(f) => {
                let Some(id) = &f.id else { return };
                decls.functions.push(Function {
                    name: id.name.to_string(),
                    params: self.params(&f.params),
                    ret: f.return_type.as_ref().map(|r| self.ty(&r.type_annotation)),
                    doc: doc_of(f.span),
                });
            }
            _ => {}
        }
    }

    fn params(&self, params: &FormalParameters) -> Vec<(String, Ty)> {
        params
            .items
            .iter()
            .map(|p| {
                let name = p
                    .pattern
                    .get_identifier_name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                let ty = p
                    .type_annotation
                    .as_ref()
                    .map(|t| self.ty(&t.type_annotation))
                    .unwrap_or(Ty::Any);
                (name, ty)
            })
            .collect()
    }

    fn signature(&self, s: &TSSignature) -> Option<Prop> {
        match s {
            TSSignature::TSPropertySignature(p) => {
                let name = match &p.key {
                    PropertyKey::StaticIdentifier(id) => id.name.to_string(),
                    PropertyKey::StringLiteral(s) => s.value.to_string(),
                    other => self.src(other.span()),
                };
                let ty = p
                    .type_annotation
                    .as_ref()
                    .map(|t| self.ty(&t.type_annotation))
                    .unwrap_or(Ty::Any);
                Some(Prop {
                    name,
                    optional: p.optional,
                    ty,
                    doc: self.doc(p.span),
                })
            }
            TSSignature::TSIndexSignature(i) => Some(Prop {
                name: "[key: string]".to_owned(),
                optional: true,
                ty: self.ty(&i.type_annotation.type_annotation),
                doc: self.doc(i.span),
            }),
            // Methods and call signatures are SDK surface, not data.
            _ => None,
        }
    }

    fn src(&self, span: Span) -> String {
        span.source_text(self.text).to_owned()
    }

    fn ty(&self, t: &TSType) -> Ty {
        match t {
            TSType::TSStringKeyword(_) => Ty::String,
            TSType::TSNumberKeyword(_) => Ty::Number,
            TSType::TSBooleanKeyword(_) => Ty::Boolean,
            TSType::TSAnyKeyword(_) | TSType::TSUnknownKeyword(_) | TSType::TSObjectKeyword(_) => {
                Ty::Any
            }
            TSType::TSNullKeyword(_) => Ty::Null,
            TSType::TSUndefinedKeyword(_) => Ty::Undefined,
            TSType::TSVoidKeyword(_) => Ty::Void,
            TSType::TSParenthesizedType(p) => self.ty(&p.type_annotation),
            TSType::TSArrayType(a) => Ty::Array(Box::new(self.ty(&a.element_type))),
            TSType::TSUnionType(u) => Ty::Union(u.types.iter().map(|t| self.ty(t)).collect()),
            TSType::TSLiteralType(l) => match &l.literal {
                TSLiteral::StringLiteral(s) => Ty::Lit(s.value.to_string()),
                _ => Ty::Unknown(self.src(l.span)),
            },
            TSType::TSTypeLiteral(o) => {
                Ty::Object(o.members.iter().filter_map(|s| self.signature(s)).collect())
            }
            TSType::TSTupleType(t) => Ty::Tuple(
                t.element_types
                    .iter()
                    .map(|e| match e.as_ts_type() {
                        Some(t) => self.ty(t),
                        None => Ty::Unknown(self.src(e.span())),
                    })
                    .collect(),
            ),
            TSType::TSFunctionType(f) => {
                Ty::Function(self.params(&f.params).into_iter().map(|(_, t)| t).collect())
            }
            TSType::TSTypeReference(r) => {
                let name = match &r.type_name {
                    TSTypeName::IdentifierReference(id) => id.name.to_string(),
                    other => return Ty::Unknown(self.src(other.span())),
                };
                let args: Vec<Ty> = r
                    .type_arguments
                    .as_ref()
                    .map(|a| a.params.iter().map(|t| self.ty(t)).collect())
                    .unwrap_or_default();
                if name == "Date" && args.is_empty() {
                    Ty::Date
                } else {
                    Ty::Ref(name, args)
                }
            }
            other => Ty::Unknown(self.src(other.span())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_interfaces_enums_aliases_functions_and_their_docs() {
        let text = r#"
/** A product. */
interface Product extends ProductOneOf {
    /**
     * Product ID.
     * @format GUID
     * @readonly
     */
    id?: string | null;
    created?: Date | null;
    tags: string[];
    extra?: Record<string, any>;
    kind?: KindWithLiterals;
    inline?: { a: number };
}
declare enum Kind {
    /** Physical. */
    PHYSICAL = "PHYSICAL",
    DIGITAL = "DIGITAL"
}
type KindWithLiterals = Kind | 'PHYSICAL' | 'DIGITAL';
/**
 * Gets a product.
 * @permissionId STORES.PRODUCT_READ
 * @permissionId STORES.OTHER
 */
declare function getProduct(): Meta<'GET', { productId: string }, A, B>;
export { getProduct };
"#;
        let d = parse(text).unwrap();
        let p = &d.interfaces["Product"];
        assert_eq!(p.extends, ["ProductOneOf"]);
        assert_eq!(p.doc.text, "A product.");
        assert_eq!(p.props[0].name, "id");
        assert!(p.props[0].optional);
        assert_eq!(p.props[0].ty, Ty::Union(vec![Ty::String, Ty::Null]));
        assert_eq!(p.props[0].doc.text, "Product ID.");
        assert_eq!(p.props[0].doc.first("format"), Some("GUID"));
        assert!(p.props[0].doc.has("readonly"));
        assert_eq!(p.props[1].ty, Ty::Union(vec![Ty::Date, Ty::Null]));
        assert!(!p.props[2].optional);
        assert_eq!(p.props[2].ty, Ty::Array(Box::new(Ty::String)));
        assert_eq!(
            p.props[3].ty,
            Ty::Ref("Record".into(), vec![Ty::String, Ty::Any])
        );
        assert!(matches!(&p.props[5].ty, Ty::Object(props) if props[0].ty == Ty::Number));
        let e = &d.enums["Kind"];
        assert_eq!(e.members[0].0, "PHYSICAL");
        assert_eq!(e.members[0].1.text, "Physical.");
        assert!(matches!(&d.aliases["KindWithLiterals"].ty, Ty::Union(v) if v.len() == 3));
        let f = &d.functions[0];
        assert_eq!(f.name, "getProduct");
        assert_eq!(
            f.doc.all("permissionId").collect::<Vec<_>>(),
            ["STORES.PRODUCT_READ", "STORES.OTHER"]
        );
        let Some(Ty::Ref(name, args)) = &f.ret else {
            panic!("{:?}", f.ret)
        };
        assert_eq!(name, "Meta");
        assert_eq!(args[0], Ty::Lit("GET".into()));
        assert!(matches!(&args[1], Ty::Object(p) if p[0].name == "productId"));
    }

    #[test]
    fn a_syntax_error_names_the_line() {
        let e = parse("interface A {\n  a: ;\n}").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }
}
