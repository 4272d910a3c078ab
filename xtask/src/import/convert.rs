//! One package's declarations to a spec module: methods (from `meta.d.ts`, `meta.js` and the
//! universal declarations' JSDoc), webhooks, and every type they reach, with the permissions and
//! scopes Wix tags them with. Nothing here is invented: what the metadata does not say is left
//! out of the spec and said in its docs.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToTitleCase;
use serde_yaml::{Mapping, Value as Yaml};

use super::js::{JsMeta, REST_HOST};
use super::ts::{Decls, Doc, Interface, Prop, Ty};

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
    pub module: Mapping,
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

/// The name of the permission a method has when Wix tags it with none (a spec keyword).
pub const UNPUBLISHED: &str = "unpublished";

struct Cx<'p> {
    pkg: &'p Package,
    fqns: BTreeMap<String, Vec<String>>,
    errors: Vec<ImportError>,
    /// Types to emit, by name, in the order first reached.
    wanted: Vec<String>,
    wanted_set: BTreeSet<String>,
}

/// Converts a package to the module `module`.
pub fn convert(pkg: &Package, module: &str, title: &str) -> Result<Converted, Vec<ImportError>> {
    let mut cx = Cx {
        pkg,
        fqns: BTreeMap::new(),
        errors: Vec::new(),
        wanted: Vec::new(),
        wanted_set: BTreeSet::new(),
    };
    for p in &pkg.meta_js.problems {
        cx.err("build/cjs/meta.js", "meta.js", p.clone());
    }
    let mut permissions: BTreeMap<String, PermissionFacts> = BTreeMap::new();
    let mut methods = Vec::new();
    for f in &pkg.meta_dts.functions {
        if let Some(m) = cx.method(f, &mut permissions) {
            methods.push(Yaml::Mapping(m));
        }
    }
    cx.query_capabilities(&mut methods);
    let mut webhooks = Vec::new();
    for f in &pkg.universal.functions {
        if f.doc.has("webhook") {
            if let Some(w) = cx.webhook(f, &mut permissions) {
                webhooks.push(Yaml::Mapping(w));
            }
        }
    }
    // Every type the methods and webhooks reach, in the order reached.
    let mut types = Mapping::new();
    let mut i = 0;
    while i < cx.wanted.len() {
        let name = cx.wanted[i].clone();
        i += 1;
        if let Some(schema) = cx.named_type(&name) {
            types.insert(spec_name(&name).into(), Yaml::Mapping(schema));
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let mut out = Mapping::new();
    out.insert("module".into(), module.into());
    out.insert("title".into(), title.into());
    let version = module
        .rsplit('-')
        .next()
        .filter(|v| v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("v1");
    out.insert("version".into(), version.into());
    out.insert(
        "docs".into(),
        format!(
            "The methods and webhooks of Wix's `{}` package, version {}.",
            pkg.name, pkg.version
        )
        .into(),
    );
    let (n_methods, n_webhooks) = (methods.len(), webhooks.len());
    out.insert("methods".into(), Yaml::Sequence(methods));
    if !webhooks.is_empty() {
        out.insert("webhooks".into(), Yaml::Sequence(webhooks));
    }
    out.insert("types".into(), Yaml::Mapping(types));
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

    fn method(
        &mut self,
        f: &super::ts::Function,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> Option<Mapping> {
        const META: &str = "build/cjs/meta.d.ts";
        let Some(Ty::Ref(meta_name, args)) = &f.ret else {
            self.err(
                META,
                &f.name,
                "not a `__PublicMethodMetaInfo<...>` declaration".into(),
            );
            return None;
        };
        if meta_name != "__PublicMethodMetaInfo" || args.len() != 6 {
            self.err(
                META,
                &f.name,
                format!("returns `{meta_name}` with {} type arguments; expected `__PublicMethodMetaInfo` with 6", args.len()),
            );
            return None;
        }
        let Some(js) = self.pkg.meta_js.method(&f.name).cloned() else {
            self.err(
                "build/cjs/meta.js",
                &f.name,
                "no request metadata for this method".into(),
            );
            return None;
        };
        // With no `www.wixapis.com` mapping, the SDK sends the service path as it is: so does
        // the spec, and its docs say so.
        let (path, unmapped) = match self.pkg.meta_js.rest_path(&js) {
            Ok(p) => (p, false),
            Err(raw) => (raw, true),
        };
        // A GET whose request may not fit a query string has Wix's own fallback: POST with a
        // JSON body to the same path. The spec sends that form, which carries every field.
        let post_instead = js.query && js.post_fallback;
        let http = match &args[0] {
            Ty::Lit(_) if post_instead => "POST".to_owned(),
            Ty::Lit(v) => v.clone(),
            other => {
                self.err(
                    META,
                    &f.name,
                    format!("HTTP method `{other:?}` is not a string literal"),
                );
                return None;
            }
        };
        if http != js.http && !post_instead {
            self.err(
                META,
                &f.name,
                format!("HTTP method `{http}` here, `{}` in meta.js", js.http),
            );
        }
        let request = match &args[3] {
            Ty::Ref(n, a) if a.is_empty() => n.clone(),
            other => {
                self.err(
                    META,
                    &f.name,
                    format!("request type `{other:?}` is not a type name"),
                );
                return None;
            }
        };
        let response = match &args[5] {
            Ty::Ref(n, a) if a.is_empty() => n.clone(),
            other => {
                self.err(
                    META,
                    &f.name,
                    format!("response type `{other:?}` is not a type name"),
                );
                return None;
            }
        };
        let path_params: Vec<String> = match &args[1] {
            Ty::Object(props) => props.iter().map(|p| p.name.clone()).collect(),
            other => {
                self.err(
                    META,
                    &f.name,
                    format!("path parameters `{other:?}` are not an object type"),
                );
                return None;
            }
        };
        let universal = self
            .pkg
            .universal
            .functions
            .iter()
            .find(|u| u.name == f.name && u.doc.first("fqn").is_some())
            .or_else(|| {
                self.pkg
                    .universal
                    .functions
                    .iter()
                    .find(|u| u.doc.first("fqn") == Some(js.fqn.as_str()))
            });
        let doc = universal.map(|u| u.doc.clone()).unwrap_or_default();

        let mut m = Mapping::new();
        m.insert("name".into(), display_name(&f.name).into());
        let mut docs = doc_text(&doc).unwrap_or_else(|| {
            format!(
                "Wix's `{}` (the package documents it with no text).",
                js.fqn
            )
        });
        if post_instead {
            docs.push_str(&format!(
                "\n\nSent as `POST` with a JSON body: the fallback Wix's SDK uses for this `{}` when its request does not fit the query string.",
                js.http
            ));
        }
        if unmapped {
            docs.push_str(&format!(
                "\n\nThe package maps this method's path to no `{REST_HOST}` prefix; like Wix's SDK, the client sends the service path `{}` as it is.",
                js.proto_path
            ));
        }
        m.insert("docs".into(), docs.into());
        if let Some(note) = deprecation(&doc) {
            m.insert("deprecated".into(), note.into());
        }
        m.insert("http".into(), http.clone().into());
        // The path: `{name}` of a path parameter stays; `{a.b}` binds a body field, which the
        // generator supports only with a body. Without one, it becomes a path argument.
        let path_names: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        let mut rest_path = path.clone();
        let mut params = Vec::new();
        let request_decl = self.interface_props(&request);
        for name in &path_names {
            let body_field = name.contains('.') && (js.body || post_instead);
            if body_field {
                continue;
            }
            // `{product.id}` on a method without a body: the argument is the path parameter
            // the metadata names (`productId`).
            let arg = if name.contains('.') {
                let flat: String =
                    heck::ToLowerCamelCase::to_lower_camel_case(name.replace('.', "_").as_str());
                let chosen = path_params
                    .iter()
                    .find(|p| **p == flat)
                    .cloned()
                    .unwrap_or(flat);
                rest_path = rest_path.replace(&format!("{{{name}}}"), &format!("{{{chosen}}}"));
                chosen
            } else {
                name.clone()
            };
            let mut p = Mapping::new();
            p.insert("name".into(), arg.clone().into());
            p.insert("in".into(), "path".into());
            let described = request_decl
                .iter()
                .find(|q| q.name == *name || q.name == arg)
                .and_then(|q| doc_text(&q.doc));
            if let Some(d) = described {
                p.insert("description".into(), d.into());
            }
            p.insert("schema".into(), schema_type("string"));
            params.push(Yaml::Mapping(p));
        }
        m.insert("path".into(), rest_path.into());

        // Permissions.
        let (ids, permission) = self.permission_tags(&f.name, &doc, permissions);
        self.fqns.insert(js.fqn.clone(), ids.clone());
        if let Some(fqn) = doc.first("fqn") {
            self.fqns.insert(fqn.to_owned(), ids);
        }
        m.insert("permission".into(), permission);

        // The request: a JSON body, or query parameters.
        let path_set: BTreeSet<&str> = path_names.iter().map(String::as_str).collect();
        if js.body || post_instead {
            m.insert("request".into(), self.reference(&request));
        } else if js.query {
            let mut dropped = Vec::new();
            for q in request_decl
                .iter()
                .filter(|q| !path_set.contains(q.name.as_str()))
            {
                self.query_params(&mut dropped, &q.name, q, &mut params, 0);
            }
            if !dropped.is_empty() {
                let list: Vec<String> = dropped.iter().map(|d| format!("`{d}`")).collect();
                let docs = m
                    .get("docs")
                    .and_then(Yaml::as_str)
                    .unwrap_or_default()
                    .to_owned();
                m.insert(
                    "docs".into(),
                    format!(
                        "{docs}\n\nNot sent: {} (lists of objects and maps do not fit a query string; Wix's SDK leaves them out too).",
                        list.join(", ")
                    )
                    .into(),
                );
            }
        }
        let in_body = js.body || post_instead;
        if let Some(p) = self.paging(&request, &response, in_body, &params) {
            m.insert("paging".into(), Yaml::Mapping(p));
        }
        if !params.is_empty() {
            m.insert("params".into(), Yaml::Sequence(params));
        }
        m.insert("response".into(), self.reference(&response));
        Some(m)
    }

    /// Typed query capabilities from the universal declarations' query specs
    /// (`interface ProductQuerySpec extends QuerySpec { wql: [{ fields, operators, sort }] }`),
    /// for the method a `typedQuery*` helper names by its `@fqn`: the filterable fields (SDK
    /// names like `_id` in their wire form `id`), their operators (`'*'`: every operator Wix's
    /// `@wix/sdk-types` applies to the field's type), and whether they sort. Only for a paged
    /// method whose request has `query.filter` (an object) and `query.sort` (a list of
    /// `fieldName`/`order`); fields the items do not have, or that are objects, are left out.
    fn query_capabilities(&mut self, methods: &mut [Yaml]) {
        let universal = &self.pkg.universal;
        let specs: Vec<(&String, &Interface)> = universal
            .interfaces
            .iter()
            .filter(|(_, i)| i.extends.iter().any(|e| e == "QuerySpec"))
            .collect();
        for f in &universal.functions {
            let (Some(suffix), Some(fqn)) = (f.name.strip_prefix("typedQuery"), f.doc.first("fqn"))
            else {
                continue;
            };
            let spec = match specs.as_slice() {
                [only] => Some(only.1),
                many => many
                    .iter()
                    .find(|(n, _)| {
                        let stem = n.trim_end_matches("QuerySpec");
                        let stem =
                            stem.trim_start_matches(|c: char| c == 'V' || c.is_ascii_digit());
                        !stem.is_empty() && suffix.starts_with(stem)
                    })
                    .map(|(_, i)| *i),
            };
            let Some(spec) = spec else { continue };
            let Some(index) = self.method_by_fqn(methods, fqn) else {
                continue;
            };
            if let Some(q) = self.query_block(&methods[index], spec) {
                if let Some(m) = methods[index].as_mapping_mut() {
                    m.insert("query".into(), Yaml::Mapping(q));
                }
            }
        }
    }

    fn method_by_fqn(&self, methods: &[Yaml], fqn: &str) -> Option<usize> {
        let name = self
            .pkg
            .meta_dts
            .functions
            .iter()
            .find(|f| {
                self.pkg
                    .meta_js
                    .method(&f.name)
                    .is_some_and(|m| m.fqn == fqn)
                    || self
                        .pkg
                        .universal
                        .functions
                        .iter()
                        .any(|u| u.name == f.name && u.doc.first("fqn") == Some(fqn))
            })
            .map(|f| display_name(&f.name))?;
        methods
            .iter()
            .position(|m| m["name"].as_str() == Some(name.as_str()))
    }

    fn query_block(&self, method: &Yaml, spec: &Interface) -> Option<Mapping> {
        let items_field = method["paging"]["items"].as_str()?;
        let request = method["request"]["$ref"].as_str()?;
        let response = method["response"]["$ref"].as_str()?;
        let prop = |t: &str, name: &str| self.prop(t, name);
        // `query.filter` (an open object) and `query.sort` (a list of Sorting).
        let query = named(&prop(request, "query")?.ty)?;
        let filter = prop(&query, "filter")?;
        let open = match strip_null(&filter.ty).0 {
            Ty::Any => true,
            Ty::Ref(n, a) => n == "Record" && a.get(1) == Some(&Ty::Any),
            _ => false,
        };
        let sort = prop(&query, "sort")?;
        let sorting = match strip_null(&sort.ty).0 {
            Ty::Array(item) => named(&item),
            _ => None,
        }?;
        if !open || prop(&sorting, "fieldName").is_none() || prop(&sorting, "order").is_none() {
            return None;
        }
        let item = match strip_null(&prop(response, items_field)?.ty).0 {
            Ty::Array(i) => named(&i),
            _ => None,
        }?;
        let wql = spec.props.iter().find(|p| p.name == "wql")?;
        let Ty::Tuple(groups) = &wql.ty else {
            return None;
        };
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for g in groups {
            let Ty::Object(g) = g else { continue };
            let get = |n: &str| g.iter().find(|p| p.name == n).map(|p| &p.ty);
            let names: Vec<String> = match get("fields") {
                Some(Ty::Tuple(v)) => v
                    .iter()
                    .filter_map(|t| match t {
                        Ty::Lit(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => continue,
            };
            let sortable = matches!(get("sort"), Some(Ty::Lit(s)) if s != "NONE");
            for sdk_name in names {
                // The SDK's system fields (`_id`, `_createdDate`) are `id`, `createdDate` on
                // the wire.
                let wire: Vec<&str> = sdk_name
                    .split('.')
                    .map(|s| s.trim_start_matches('_'))
                    .collect();
                let wire = wire.join(".");
                let Some(kind) = self.field_kind(&item, &wire) else {
                    continue;
                };
                let operators: Vec<String> = match get("operators") {
                    Some(Ty::Lit(star)) if star == "*" => kind
                        .all_operators()
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                    Some(Ty::Tuple(v)) => v
                        .iter()
                        .filter_map(|t| match t {
                            Ty::Lit(s) => Some(s.clone()),
                            _ => None,
                        })
                        .filter(|op| crate::keyword::OPERATORS.parse(op).is_ok())
                        .collect(),
                    _ => continue,
                };
                if operators.is_empty() || !seen.insert(wire.clone()) {
                    continue;
                }
                let mut f = Mapping::new();
                f.insert("field".into(), wire.into());
                f.insert(
                    "operators".into(),
                    Yaml::Sequence(operators.into_iter().map(Yaml::from).collect()),
                );
                f.insert("sortable".into(), sortable.into());
                fields.push(Yaml::Mapping(f));
            }
        }
        if fields.is_empty() {
            return None;
        }
        let mut q = Mapping::new();
        q.insert("encoding".into(), "object".into());
        q.insert("filter".into(), "query.filter".into());
        q.insert("sort".into(), "query.sort".into());
        q.insert("fields".into(), Yaml::Sequence(fields));
        Some(q)
    }

    /// What kind of value the dotted wire field `path` of `item` holds, for the operators
    /// `'*'` stands for; `None` for objects, lists of objects and unknown fields.
    fn field_kind(&self, item: &str, path: &str) -> Option<FieldKind> {
        let mut ty = Ty::Ref(item.to_owned(), Vec::new());
        for part in path.split('.') {
            let t = match strip_null(&ty).0 {
                Ty::Array(inner) => *inner,
                other => other,
            };
            let Ty::Ref(n, _) = strip_null(&t).0 else {
                return None;
            };
            ty = self
                .interface_props(&n)
                .into_iter()
                .find(|p| p.name == part)?
                .ty;
        }
        let (ty, _) = strip_null(&ty);
        let scalar = |t: &Ty| match t {
            Ty::String => Some(FieldKind::String),
            Ty::Number => Some(FieldKind::Number),
            Ty::Boolean => Some(FieldKind::Boolean),
            Ty::Date => Some(FieldKind::Date),
            Ty::Ref(n, a) if a.is_empty() && self.enum_name(n).is_some() => Some(FieldKind::Enum),
            Ty::Union(v) if v.iter().all(|t| matches!(t, Ty::Lit(_))) => Some(FieldKind::Enum),
            _ => None,
        };
        match &ty {
            Ty::Array(inner) => scalar(&strip_null(inner).0).map(|_| FieldKind::ArrayOfPrimitives),
            other => scalar(other),
        }
    }

    /// The paging of a method, read from the shapes of its request and response: a
    /// `cursorPaging { limit, cursor }` or `paging { limit, offset }` object (at the top of the
    /// request or one object down), a `pagingMetadata` with `cursors.next` (and `hasNext`), and
    /// the one list of entities in the response. `None` when any part is missing or ambiguous,
    /// or the limit has no `@max` (the page size Wix allows).
    fn paging(
        &self,
        request: &str,
        response: &str,
        in_body: bool,
        params: &[Yaml],
    ) -> Option<Mapping> {
        let prop = |t: &str, name: &str| self.prop(t, name);
        // Candidate paging objects: (path, style, max).
        let mut found: Vec<(String, &str, u32)> = Vec::new();
        let mut look = |prefix: &str, t: &str| {
            for (field, style, position) in [
                ("cursorPaging", "cursor", "cursor"),
                ("paging", "offset", "offset"),
            ] {
                let Some(p) = prop(t, field) else { continue };
                let Some(pt) = named(&p.ty) else { continue };
                let limit = prop(&pt, "limit")?;
                prop(&pt, position)?;
                let max: u32 = limit.doc.first("max")?.trim().parse().ok()?;
                found.push((format!("{prefix}{field}"), style, max));
            }
            Some(())
        };
        look("", request);
        for p in self.interface_props(request) {
            if let Some(t) = named(&p.ty) {
                if self.pkg.meta_dts.interfaces.contains_key(&t) {
                    look(&format!("{}.", p.name), &t);
                }
            }
        }
        // Cursor paging first: where a request has both, it is the one Wix recommends.
        found.sort_by_key(|(_, style, _)| *style != "cursor");
        let (at, style, max) = found.into_iter().next()?;
        if !in_body {
            // Through query parameters: both must be there.
            let position = if style == "cursor" {
                "cursor"
            } else {
                "offset"
            };
            let has = |n: String| {
                params
                    .iter()
                    .any(|p| p["name"].as_str() == Some(n.as_str()))
            };
            if !has(format!("{at}.limit")) || !has(format!("{at}.{position}")) {
                return None;
            }
        }
        // The response: the one list of entities, and the paging metadata.
        let lists: Vec<String> = self
            .interface_props(response)
            .into_iter()
            .filter(|p| matches!(strip_null(&p.ty).0, Ty::Array(ref i) if named(i).is_some_and(|n| self.pkg.meta_dts.interfaces.contains_key(&n))))
            .map(|p| p.name)
            .collect();
        let [items] = lists.as_slice() else {
            return None;
        };
        let mut out = Mapping::new();
        out.insert("style".into(), style.into());
        out.insert("max_page_size".into(), Yaml::Number(max.into()));
        out.insert("request".into(), at.into());
        out.insert("items".into(), items.clone().into());
        // The paging metadata: `pagingMetadata`, or `metadata` in some packages.
        let meta = ["pagingMetadata", "metadata"]
            .into_iter()
            .find_map(|n| prop(response, n).and_then(|p| named(&p.ty)).map(|t| (n, t)));
        if style == "cursor" {
            let (at, meta) = meta?;
            let cursors = prop(&meta, "cursors").and_then(|p| named(&p.ty))?;
            prop(&cursors, "next")?;
            out.insert("next_cursor".into(), format!("{at}.cursors.next").into());
            if prop(&meta, "hasNext").is_some_and(|p| strip_null(&p.ty).0 == Ty::Boolean) {
                out.insert("has_next".into(), format!("{at}.hasNext").into());
            }
        }
        Some(out)
    }

    /// A request field as query parameters: scalars as they are, objects flattened to dotted
    /// names; lists and open values are left to the body-less request's docs.
    fn query_params(
        &mut self,
        dropped: &mut Vec<String>,
        name: &str,
        p: &Prop,
        out: &mut Vec<Yaml>,
        depth: usize,
    ) {
        let (ty, _) = strip_null(&p.ty);
        // A scalar, or a list of them: the key repeated, as Wix's SDK sends it.
        let scalar = match &ty {
            Ty::Array(item) => self.scalar_param(&strip_null(item).0).map(|items| {
                let mut s = single("type", "array");
                s.insert("items".into(), items);
                Yaml::Mapping(s)
            }),
            other => self.scalar_param(other),
        };
        if let Some(schema) = scalar {
            let mut q = Mapping::new();
            q.insert("name".into(), name.into());
            q.insert("in".into(), "query".into());
            if let Some(d) = doc_text(&p.doc) {
                q.insert("description".into(), d.into());
            }
            q.insert("schema".into(), schema);
            out.push(Yaml::Mapping(q));
            return;
        }
        if let Ty::Ref(n, a) = &ty {
            if a.is_empty() && depth < 4 {
                let props = self.interface_props(n);
                if !props.is_empty() {
                    for sub in props {
                        self.query_params(
                            dropped,
                            &format!("{name}.{}", sub.name),
                            &sub,
                            out,
                            depth + 1,
                        );
                    }
                    return;
                }
            }
        }
        // Lists of objects and maps: Wix's SDK drops them from a query string too.
        dropped.push(name.to_owned());
    }

    /// The schema of a query parameter's value: a string (or timestamp), number, boolean,
    /// enum or string literals; `None` for anything else.
    fn scalar_param(&mut self, ty: &Ty) -> Option<Yaml> {
        match ty {
            Ty::String | Ty::Date => Some(schema_type("string")),
            Ty::Number => Some(schema_type("number")),
            Ty::Boolean => Some(schema_type("boolean")),
            Ty::Ref(n, a) if a.is_empty() => self.enum_name(n).map(|e| {
                self.want(&e);
                reference(&e)
            }),
            Ty::Union(v) if v.iter().all(|t| matches!(t, Ty::Lit(_))) => {
                Some(schema_type("string"))
            }
            _ => None,
        }
    }

    /// The `permission:` of a method or webhook tagged by `doc` (Wix's `@permissionId`s: one,
    /// several, or none, `unpublished`), recording the scopes its tags name for each.
    fn permission_tags(
        &self,
        function: &str,
        doc: &Doc,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> (Vec<String>, Yaml) {
        let ids: Vec<String> = doc.all("permissionId").map(str::to_owned).collect();
        let scopes = scope_tags(doc);
        for id in &ids {
            let facts = permissions.entry(id.clone()).or_default();
            if !scopes.is_empty() {
                facts
                    .sources
                    .insert(format!("{}@{} {function}", self.pkg.name, self.pkg.version));
            }
            facts.scopes.extend(scopes.clone());
        }
        let yaml = match ids.as_slice() {
            [] => UNPUBLISHED.into(),
            [one] => one.clone().into(),
            many => Yaml::Sequence(many.iter().cloned().map(Yaml::from).collect()),
        };
        (ids, yaml)
    }

    fn webhook(
        &mut self,
        f: &super::ts::Function,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> Option<Mapping> {
        let file = self.pkg.universal_file.clone();
        let Some(event_type) = f.doc.first("eventType").map(str::to_owned) else {
            self.err(&file, &f.name, "a `@webhook` with no `@eventType`".into());
            return None;
        };
        let envelope = f.params.first().and_then(|(_, t)| match t {
            Ty::Function(args) => match args.first() {
                Some(Ty::Ref(n, a)) if a.is_empty() => Some(n.clone()),
                _ => None,
            },
            _ => None,
        });
        let Some(envelope) = envelope else {
            self.err(
                &file,
                &f.name,
                "the handler's event parameter is not a named envelope type".into(),
            );
            return None;
        };
        let Some(env) = self.pkg.universal.interfaces.get(&envelope).cloned() else {
            self.err(
                &file,
                &f.name,
                format!("envelope `{envelope}` is not declared"),
            );
            return None;
        };
        let (_, permission) = self.permission_tags(&f.name, &f.doc, permissions);
        let mut w = Mapping::new();
        // `onProductCreated` -> `Product Created`.
        let name = f.name.strip_prefix("on").unwrap_or(&f.name);
        w.insert("name".into(), display_name(name).into());
        let mut docs = doc_text(&f.doc).unwrap_or_else(|| format!("The `{event_type}` event."));
        if f.doc.has("deprecated") {
            docs.push_str("\n\nDeprecated by Wix.");
        }
        w.insert("docs".into(), docs.into());
        w.insert("event_type".into(), event_type.into());
        w.insert("permission".into(), permission);
        // `entity` (created/updated) or `data` (action events) is the payload; `metadata`
        // is the envelope the runtime decodes. An envelope with neither carries no payload.
        let payload = env
            .props
            .iter()
            .find(|p| p.name == "entity" || p.name == "data")
            .map(|p| p.ty.clone());
        // `metadata: BaseEventMetadata`: an older event whose data is the payload itself;
        // `metadata: EventMetadata`: a domain event around the entity.
        let legacy = env.props.iter().any(|p| {
            p.name == "metadata" && matches!(&p.ty, Ty::Ref(n, _) if n == "BaseEventMetadata")
        });
        w.insert(
            "envelope".into(),
            if legacy { "legacy" } else { "domain" }.into(),
        );
        let payload = match payload {
            Some(Ty::Ref(n, a)) if a.is_empty() => {
                if self.pkg.meta_dts.interfaces.contains_key(&n) {
                    self.reference(&n)
                } else {
                    // The SDK type has no REST twin in meta.d.ts: keep the payload open.
                    open_object(&format!("`{n}` (the package declares no REST shape of it)"))
                }
            }
            _ => open_object("the event carries no entity"),
        };
        w.insert("payload".into(), payload);
        Some(w)
    }

    /// The property `name` of interface `t` (or of one it extends).
    fn prop(&self, t: &str, name: &str) -> Option<Prop> {
        self.interface_props(t).into_iter().find(|p| p.name == name)
    }

    /// The properties of interface `name`, with those of the interfaces it extends (own first).
    fn interface_props(&self, name: &str) -> Vec<Prop> {
        let mut out: Vec<Prop> = Vec::new();
        let mut seen = BTreeSet::new();
        self.collect_props(name, &mut out, &mut seen, 0);
        out
    }

    fn collect_props(
        &self,
        name: &str,
        out: &mut Vec<Prop>,
        seen: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > 16 || !seen.insert(name.to_owned()) {
            return;
        }
        let Some(i) = self.pkg.meta_dts.interfaces.get(name) else {
            return;
        };
        for p in &i.props {
            if !out.iter().any(|q| q.name == p.name) {
                out.push(p.clone());
            }
        }
        for parent in &i.extends {
            self.collect_props(parent, out, seen, depth + 1);
        }
    }

    /// `XWithLiterals` or `X` naming an enum: the enum's name.
    fn enum_name(&self, n: &str) -> Option<String> {
        let d = &self.pkg.meta_dts;
        if d.enums.contains_key(n) {
            return Some(n.to_owned());
        }
        if let Some(a) = d.aliases.get(n) {
            if let Ty::Union(parts) = &a.ty {
                for p in parts {
                    if let Ty::Ref(e, args) = p {
                        if args.is_empty() && d.enums.contains_key(e) {
                            return Some(e.clone());
                        }
                    }
                }
            }
        }
        None
    }

    fn reference(&mut self, name: &str) -> Yaml {
        if let Some(e) = self.enum_name(name) {
            self.want(&e);
            return reference(&e);
        }
        self.want(name);
        reference(name)
    }

    fn named_type(&mut self, name: &str) -> Option<Mapping> {
        let d = &self.pkg.meta_dts;
        if let Some(e) = d.enums.get(name) {
            let mut s = Mapping::new();
            s.insert("type".into(), "string".into());
            let mut desc = doc_text(&e.doc).unwrap_or_default();
            let documented: Vec<String> = e
                .members
                .iter()
                .filter_map(|(v, doc)| {
                    doc_text(doc).map(|t| format!("- `{v}`: {}", t.replace('\n', " ")))
                })
                .collect();
            if !documented.is_empty() {
                if !desc.is_empty() {
                    desc.push_str("\n\n");
                }
                desc.push_str(&documented.join("\n"));
            }
            if !desc.is_empty() {
                s.insert("description".into(), desc.into());
            }
            s.insert(
                "enum".into(),
                Yaml::Sequence(
                    e.members
                        .iter()
                        .map(|(v, _)| Yaml::from(v.clone()))
                        .collect(),
                ),
            );
            return Some(s);
        }
        if let Some(i) = d.interfaces.get(name).cloned() {
            return Some(self.object(name, &i));
        }
        if let Some(a) = d.aliases.get(name).cloned() {
            return Some(self.schema(name, &a.ty, &a.doc).0);
        }
        self.err(
            "build/cjs/meta.d.ts",
            name,
            "a type the methods use is not declared in meta.d.ts".into(),
        );
        None
    }

    fn object(&mut self, name: &str, i: &Interface) -> Mapping {
        let props = self.interface_props(name);
        let mut s = Mapping::new();
        s.insert("type".into(), "object".into());
        let mut desc = doc_text(&i.doc).unwrap_or_default();
        // `extends XOneOf`: at most one of that interface's fields is set.
        for parent in &i.extends {
            if let Some(p) = self.pkg.meta_dts.interfaces.get(parent) {
                if parent.ends_with("OneOf") && !p.props.is_empty() {
                    let names: Vec<String> =
                        p.props.iter().map(|p| format!("`{}`", p.name)).collect();
                    if !desc.is_empty() {
                        desc.push_str("\n\n");
                    }
                    desc.push_str(&format!(
                        "At most one of {} is set (a oneOf group).",
                        names.join(", ")
                    ));
                }
            }
        }
        if !desc.is_empty() {
            s.insert("description".into(), desc.into());
        }
        s.extend(self.properties(name, &props));
        s
    }

    /// `properties`, `required` and `additionalProperties` of an object type with `props`
    /// (`at`: where it stands, for messages). An index signature makes it open; no fields at
    /// all, an open object kept as it came.
    fn properties(&mut self, at: &str, props: &[Prop]) -> Mapping {
        let mut properties = Mapping::new();
        let mut required = Vec::new();
        let mut open = false;
        for p in props {
            if p.name == "[key: string]" {
                open = true;
                continue;
            }
            let (schema, _) = self.schema(&format!("{at}.{}", p.name), &p.ty, &p.doc);
            properties.insert(p.name.clone().into(), Yaml::Mapping(schema));
            if !p.optional {
                required.push(Yaml::from(p.name.clone()));
            }
        }
        let mut s = Mapping::new();
        if !required.is_empty() {
            s.insert("required".into(), Yaml::Sequence(required));
        }
        let empty = properties.is_empty();
        s.insert("properties".into(), Yaml::Mapping(properties));
        if open || empty {
            s.insert("additionalProperties".into(), true.into());
        }
        s
    }

    /// The schema of a type; the bool says whether it was nullable.
    fn schema(&mut self, at: &str, ty: &Ty, doc: &Doc) -> (Mapping, bool) {
        let (ty, nullable) = strip_null(ty);
        let mut s = match &ty {
            Ty::String => string_schema(doc),
            Ty::Number => {
                let mut s = Mapping::new();
                s.insert("type".into(), "number".into());
                s
            }
            Ty::Boolean => single("type", "boolean"),
            Ty::Date => {
                let mut s = single("type", "string");
                s.insert("format".into(), "date-time".into());
                s
            }
            Ty::Any | Ty::Null | Ty::Undefined | Ty::Void => Mapping::new(),
            Ty::Lit(v) => {
                let mut s = single("type", "string");
                s.insert("enum".into(), Yaml::Sequence(vec![v.clone().into()]));
                s
            }
            Ty::Union(parts) if parts.iter().all(|t| matches!(t, Ty::Lit(_))) => {
                let mut s = single("type", "string");
                s.insert(
                    "enum".into(),
                    Yaml::Sequence(
                        parts
                            .iter()
                            .filter_map(|t| match t {
                                Ty::Lit(v) => Some(Yaml::from(v.clone())),
                                _ => None,
                            })
                            .collect(),
                    ),
                );
                s
            }
            Ty::Array(item) => {
                let mut s = single("type", "array");
                let (items, _) = self.schema(at, item, &Doc::default());
                s.insert("items".into(), Yaml::Mapping(items));
                s
            }
            Ty::Ref(n, args) if n == "Record" && args.len() == 2 => {
                let mut s = single("type", "object");
                match &args[1] {
                    Ty::Any => {
                        s.insert("additionalProperties".into(), true.into());
                    }
                    v => {
                        let (vs, _) = self.schema(at, v, &Doc::default());
                        s.insert("additionalProperties".into(), Yaml::Mapping(vs));
                    }
                }
                s
            }
            // Bytes: base64 on the wire.
            Ty::Ref(n, args) if n == "Uint8Array" && args.is_empty() => {
                let mut s = single("type", "string");
                s.insert("format".into(), "byte".into());
                s
            }
            Ty::Ref(n, args) if args.is_empty() => match self.reference(n) {
                Yaml::Mapping(m) => m,
                _ => unreachable!("a reference is a mapping"),
            },
            // Inline object types: declared as they are, under the field.
            Ty::Object(props) => {
                let mut s = single("type", "object");
                s.extend(self.properties(at, props));
                s
            }
            other => {
                let (file, decl) = ("build/cjs/meta.d.ts", at.split('.').next().unwrap_or(at));
                self.err(
                    file,
                    decl,
                    format!(
                        "type construct `{}` (at `{at}`) is not understood",
                        show(other)
                    ),
                );
                Mapping::new()
            }
        };
        if let Some(d) = doc_text(doc) {
            if !s.contains_key("$ref") {
                s.insert("description".into(), d.into());
            }
        }
        if doc.has("deprecated") && !s.contains_key("$ref") {
            s.insert("deprecated".into(), true.into());
        }
        if nullable && !s.is_empty() && !s.contains_key("$ref") {
            s.insert("nullable".into(), true.into());
        }
        (s, nullable)
    }
}

/// A filterable field's kind, as `@wix/sdk-types` sorts fields to give `'*'` (all applicable
/// operators) its meaning (`ApplicableOperators`).
#[derive(Clone, Copy)]
enum FieldKind {
    String,
    Enum,
    Number,
    Boolean,
    Date,
    ArrayOfPrimitives,
}

impl FieldKind {
    /// `StringOperators`, `EnumOperators`, ... of `@wix/sdk-types`.
    fn all_operators(self) -> &'static [&'static str] {
        match self {
            FieldKind::String => &[
                "$eq",
                "$ne",
                "$gt",
                "$lt",
                "$gte",
                "$lte",
                "$isEmpty",
                "$exists",
                "$in",
                "$nin",
                "$startsWith",
            ],
            FieldKind::Enum => &["$eq", "$ne", "$in", "$nin", "$exists"],
            FieldKind::Number | FieldKind::Date => &[
                "$eq", "$ne", "$gt", "$lt", "$gte", "$lte", "$exists", "$in", "$nin",
            ],
            FieldKind::Boolean => &["$eq", "$ne", "$exists", "$in", "$nin"],
            FieldKind::ArrayOfPrimitives => &["$hasAll", "$hasSome", "$isEmpty", "$exists"],
        }
    }
}

fn show(t: &Ty) -> String {
    match t {
        Ty::Unknown(s) => s.clone(),
        Ty::Union(v) => v.iter().map(show).collect::<Vec<_>>().join(" | "),
        Ty::Ref(n, a) if a.is_empty() => n.clone(),
        Ty::Ref(n, a) => format!("{n}<{}>", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

/// The interface or enum a (possibly nullable) type names.
fn named(ty: &Ty) -> Option<String> {
    match strip_null(ty).0 {
        Ty::Ref(n, a) if a.is_empty() => Some(n),
        _ => None,
    }
}

/// `T | null` / `T | undefined` -> (`T`, true).
fn strip_null(t: &Ty) -> (Ty, bool) {
    match t {
        Ty::Union(parts) => {
            let rest: Vec<Ty> = parts
                .iter()
                .filter(|p| !matches!(p, Ty::Null | Ty::Undefined))
                .cloned()
                .collect();
            let nullable = rest.len() != parts.len();
            // `XWithLiterals`-style unions of an enum and its literals: the enum.
            let enum_ref = rest
                .iter()
                .find(|p| matches!(p, Ty::Ref(_, a) if a.is_empty()));
            let t = match (rest.len(), enum_ref) {
                (1, _) => rest[0].clone(),
                (_, Some(r)) if rest.iter().all(|p| matches!(p, Ty::Lit(_)) || p == r) => r.clone(),
                _ => Ty::Union(rest),
            };
            (t, nullable)
        }
        other => (other.clone(), false),
    }
}

/// A string's schema, with the format its JSDoc gives where the spec format has one.
fn string_schema(doc: &Doc) -> Mapping {
    let mut s = single("type", "string");
    match doc.first("format") {
        Some("GUID") => {
            s.insert("format".into(), "uuid".into());
        }
        Some("WEB_URL") => {
            s.insert("format".into(), "uri".into());
        }
        Some("EMAIL") => {
            s.insert("format".into(), "email".into());
        }
        _ => {}
    }
    s
}

fn single(k: &str, v: &str) -> Mapping {
    let mut m = Mapping::new();
    m.insert(k.into(), v.into());
    m
}

fn schema_type(t: &str) -> Yaml {
    Yaml::Mapping(single("type", t))
}

fn reference(name: &str) -> Yaml {
    Yaml::Mapping(single("$ref", &spec_name(name)))
}

/// The spec's name of a TypeScript type: its own, unless the generator reserves it (`Option`,
/// `Error`, ...) or it starts with `_`, then prefixed with `Wix`.
pub fn spec_name(ts: &str) -> String {
    // `_String`: not a Rust type name as it is.
    let trimmed = ts.trim_start_matches('_');
    // `Event` and `Webhooks` name a module's webhook enum and router.
    if trimmed != ts
        || crate::lower::RESERVED_TYPE_NAMES.contains(&ts)
        || matches!(ts, "Event" | "Webhooks")
    {
        format!("Wix{trimmed}")
    } else {
        ts.to_owned()
    }
}

fn open_object(why: &str) -> Yaml {
    let mut s = single("type", "object");
    s.insert(
        "description".into(),
        format!("Kept as it came: {why}.").into(),
    );
    s.insert("additionalProperties".into(), true.into());
    s.insert("properties".into(), Yaml::Mapping(Mapping::new()));
    Yaml::Mapping(s)
}

/// The `@permissionScope` / `@permissionScopeId` pairs of a JSDoc block.
pub fn scope_tags(doc: &Doc) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut name: Option<&str> = None;
    for (tag, value) in &doc.tags {
        match tag.as_str() {
            "permissionScope" => name = Some(value),
            "permissionScopeId" => {
                out.insert(value.clone(), name.take().unwrap_or(value).to_owned());
            }
            _ => {}
        }
    }
    out
}
