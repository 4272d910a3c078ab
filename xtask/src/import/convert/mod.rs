//! One package's declarations to a spec module: methods (from `meta.d.ts`, `meta.js` and the
//! universal declarations' JSDoc), webhooks, and every type they reach, with the permissions and
//! scopes Wix tags them with. Nothing here is invented: what the metadata does not say is left
//! out of the spec and said in its docs.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToTitleCase;

use super::js::{JsMeta, REST_HOST};
use super::ts::{Decls, Doc, Interface, Prop, Ty};
use crate::spec::keyword::SchemaType;
use crate::spec::{self, AdditionalProperties, OrderedMap, Schema};

mod access;
mod method;
mod numbers;
mod paging;
mod query;
mod types;
mod webhook;

pub use access::scope_tags;
pub use types::spec_name;

use types::{named, open_object, reference, strip_null};

/// A package as read: its name and version, and its three metadata files.
pub struct Package {
    pub name: String,
    pub version: String,
    pub meta_dts: Decls,
    pub universal: Decls,
    /// The universal declaration file's name in the package (for error messages).
    pub universal_file: String,
    pub meta_js: JsMeta,
}

/// What a package says about a permission: where it is used, and the scopes its tags list.
#[derive(Clone, Debug, Default)]
pub struct PermissionFacts {
    /// `SCOPE.DC-STORES.MANAGE-PRODUCTS` -> display name (`Manage Products`).
    pub scopes: BTreeMap<String, String>,
    /// Where each scope tag was read: `@wix/auto_sdk_x@1.0.1 onProductCreated`.
    pub sources: BTreeSet<String>,
}

/// The converted module.
#[derive(Debug)]
pub struct Converted {
    pub module: spec::Module,
    /// Permission id -> facts, for the registry.
    pub permissions: BTreeMap<String, PermissionFacts>,
    /// Method FQN (as `meta.js` and the JSDoc `@fqn` name it) -> its permission ids: how the
    /// scope tags of older versions, which name no permission, are matched.
    pub fqns: BTreeMap<String, Vec<String>>,
    /// Method and webhook counts, for the summary.
    pub methods: usize,
    pub webhooks: usize,
}

/// An error: the package, file and declaration, and what is wrong.
#[derive(Debug)]
pub struct ImportError {
    pub package: String,
    pub file: String,
    pub declaration: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: `{}`: {}",
            self.package, self.file, self.declaration, self.message
        )
    }
}

struct Cx<'p> {
    pkg: &'p Package,
    fqns: BTreeMap<String, Vec<String>>,
    errors: Vec<ImportError>,
    /// Types to emit, by name, in the order first reached.
    wanted: Vec<String>,
    wanted_set: BTreeSet<String>,
    /// The floats the methods send or receive, as [`Cx::schema`] names fields (`Type.field`).
    floats: BTreeSet<String>,
    /// The types (and inline objects, `Type.field`) some method sends or receives.
    reached: BTreeSet<String>,
}

/// Converts a package to the module `module`.
pub fn convert(pkg: &Package, module: &str, title: &str) -> Result<Converted, Vec<ImportError>> {
    let mut cx = Cx {
        pkg,
        fqns: BTreeMap::new(),
        errors: Vec::new(),
        wanted: Vec::new(),
        wanted_set: BTreeSet::new(),
        floats: BTreeSet::new(),
        reached: BTreeSet::new(),
    };
    for p in &pkg.meta_js.problems {
        cx.err("build/cjs/meta.js", "meta.js", p.clone());
    }
    let mut permissions: BTreeMap<String, PermissionFacts> = BTreeMap::new();
    let mut methods = Vec::new();
    for f in &pkg.meta_dts.functions {
        if let Some(m) = cx.method(f, &mut permissions) {
            methods.push(m);
        }
    }
    cx.query_capabilities(&mut methods);
    let mut webhooks = Vec::new();
    for f in &pkg.universal.functions {
        if f.doc.has("webhook") {
            if let Some(w) = cx.webhook(f, &mut permissions) {
                webhooks.push(w);
            }
        }
    }
    // Every type the methods and webhooks reach, in the order reached.
    let mut types = OrderedMap::default();
    let mut i = 0;
    while i < cx.wanted.len() {
        let name = cx.wanted[i].clone();
        i += 1;
        if let Some(schema) = cx.named_type(&name) {
            types.insert(spec_name(&name), schema);
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let version = module
        .rsplit('-')
        .next()
        .filter(|v| v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("v1");
    let (n_methods, n_webhooks) = (methods.len(), webhooks.len());
    let out = spec::Module {
        module: module.to_owned(),
        title: title.to_owned(),
        version: version.to_owned(),
        host: None,
        docs: Some(format!(
            "The methods and webhooks of Wix's `{}` package, version {}.",
            pkg.name, pkg.version
        )),
        methods,
        webhooks,
        types,
    };
    Ok(Converted {
        module: out,
        fqns: cx.fqns,
        permissions,
        methods: n_methods,
        webhooks: n_webhooks,
    })
}

/// `getProductBySlug` -> `Get Product By Slug`.
pub fn display_name(function: &str) -> String {
    function.to_title_case()
}

/// Wix's deprecation of a method, as one note: `@deprecated` (with its text), the
/// `@targetRemovalDate` and the `@replacedBy` method.
fn deprecation(doc: &Doc) -> Option<String> {
    if !doc.has("deprecated") {
        return None;
    }
    let mut note = String::from("deprecated by Wix");
    let why = doc
        .first("deprecated")
        .unwrap_or_default()
        .replace('\n', " ");
    if !why.is_empty() {
        note.push_str(&format!(": {why}"));
    }
    if let Some(date) = doc.first("targetRemovalDate") {
        note.push_str(&format!("; removal planned for {date}"));
    }
    if let Some(by) = doc.first("replacedBy") {
        note.push_str(&format!("; replaced by `{by}`"));
    }
    Some(note)
}

/// The doc text of a declaration, or `None` when it has none.
fn doc_text(doc: &Doc) -> Option<String> {
    let t = doc.text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Cx<'_> {
    fn err(&mut self, file: &str, declaration: &str, message: String) {
        self.errors.push(ImportError {
            package: format!("{}@{}", self.pkg.name, self.pkg.version),
            file: file.to_owned(),
            declaration: declaration.to_owned(),
            message,
        });
    }

    fn want(&mut self, name: &str) {
        if self.wanted_set.insert(name.to_owned()) {
            self.wanted.push(name.to_owned());
        }
    }
}
