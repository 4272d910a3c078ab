//! Parse -> validate -> lower: turns the spec files into the plain [`model`](crate::model),
//! reporting every problem of the whole set with file, line, column and a hint.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diag::{Diagnostic, did_you_mean};
use crate::model::*;
use crate::raw::{self, AdditionalProperties, RawModule, RawRegistry, RawSchema};
use crate::yaml_pos::{PosIndex, Seg, Want, YamlPath, display_path};

/// A spec file: its name as diagnostics show it, and its text.
pub struct SpecFile {
    pub name: String,
    pub source: String,
}

/// The registry file's name.
pub const REGISTRY_FILE: &str = "scopes.yaml";

const DEFAULT_HOST: &str = "https://www.wixapis.com";
const OPERATORS: &[&str] = &[
    "$eq",
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$hasSome",
    "$hasAll",
    "$startsWith",
    "$contains",
    "$exists",
    "$isEmpty",
];
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Lowers a spec set: `scopes.yaml` plus module files (any order; the result is sorted).
pub fn lower(files: &[SpecFile]) -> Result<Spec, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let registry_file = files.iter().find(|f| file_stem(&f.name) == "scopes");
    let registry = match registry_file {
        Some(file) => lower_registry(file, &mut diags),
        None => {
            diags.push(Diagnostic {
                file: REGISTRY_FILE.to_owned(),
                line: 1,
                column: 1,
                message: "the scope registry `scopes.yaml` is missing".to_owned(),
                hint: Some("every spec set needs one; see specs/README.md".to_owned()),
            });
            None
        }
    };
    let empty = Registry {
        permissions: Vec::new(),
        scopes: Vec::new(),
    };
    let registry_ref = registry.as_ref().unwrap_or(&empty);
    let mut modules = Vec::new();
    for file in files.iter().filter(|f| file_stem(&f.name) != "scopes") {
        if let Some(module) = lower_module(file, registry_ref, &mut diags) {
            modules.push(module);
        }
    }
    // Two modules must not claim the same Rust name.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for m in &modules {
        if let Some(first) = seen.insert(m.rust_name.clone(), m.source.clone()) {
            diags.push(Diagnostic {
                file: m.source.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "module `{}` has the same Rust name as the module of {first}",
                    m.name
                ),
                hint: Some("give each module its own `module:` name".to_owned()),
            });
        }
    }
    diags.sort();
    diags.dedup();
    if !diags.is_empty() {
        return Err(diags);
    }
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Spec {
        registry: registry.expect("no diagnostics means the registry lowered"),
        modules,
    })
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.strip_suffix(".yaml").unwrap_or(base)
}

/// Diagnostics of one file, placed with its position index.
struct Ctx<'a> {
    file: &'a str,
    index: PosIndex,
    diags: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn error(
        &mut self,
        path: &[Seg],
        want: Want,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let pos = self.index.find(path, want);
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint,
        });
    }

    fn line_of(&self, path: &[Seg]) -> usize {
        self.index.find(path, Want::Value).line
    }

    fn unknown_keys(&mut self, keys: &[YamlPath]) {
        for path in keys {
            let key = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => continue,
            };
            let parent = display_path(&path[..path.len() - 1]);
            let place = if parent.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("in `{parent}`")
            };
            let hint = match did_you_mean(&key, raw::KNOWN_KEYS.iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "remove it; specs/README.md lists the keys each section takes".to_owned(),
            };
            self.error(
                path,
                Want::Key,
                format!("unknown key `{key}` {place}"),
                Some(hint),
            );
        }
    }
}

fn child(path: &[Seg], key: &str) -> YamlPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

fn item(path: &[Seg], index: usize) -> YamlPath {
    let mut p = path.to_vec();
    p.push(Seg::Index(index));
    p
}

fn lower_registry(file: &SpecFile, diags: &mut Vec<Diagnostic>) -> Option<Registry> {
    let decoded = match raw::decode::<RawRegistry>(&file.source) {
        Ok(d) => d,
        Err(e) => {
            diags.push(yaml_error(&file.name, e));
            return None;
        }
    };
    let mut cx = Ctx {
        file: &file.name,
        index: PosIndex::new(&file.source),
        diags,
    };
    cx.unknown_keys(&decoded.unknown_keys);
    let raw = decoded.value;

    let mut permission_ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in raw.permissions.iter().enumerate() {
        let path = item(&[Seg::Key("permissions".into())], i);
        if !is_wix_id(&p.id) {
            cx.error(
                &child(&path, "id"),
                Want::Value,
                format!("`{}` is not a permission id", p.id),
                Some("write it as Wix does, like `WIX_STORES.READ_PRODUCTS`".to_owned()),
            );
        }
        if let Some(first) = permission_ids.insert(&p.id, i) {
            let line = cx.line_of(&item(&[Seg::Key("permissions".into())], first));
            cx.error(
                &child(&path, "id"),
                Want::Value,
                format!("permission `{}` is listed twice", p.id),
                Some(format!("it is first listed on line {line}; remove one")),
            );
        }
    }
    let mut scope_ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let path = item(&[Seg::Key("scopes".into())], i);
        if !is_wix_id(&s.id) || !s.id.starts_with("SCOPE.") {
            cx.error(
                &child(&path, "id"),
                Want::Value,
                format!("`{}` is not a scope id", s.id),
                Some(
                    "scope ids start with `SCOPE.`, like `SCOPE.DC-STORES.READ-PRODUCTS`"
                        .to_owned(),
                ),
            );
        }
        if let Some(first) = scope_ids.insert(&s.id, i) {
            let line = cx.line_of(&item(&[Seg::Key("scopes".into())], first));
            cx.error(
                &child(&path, "id"),
                Want::Value,
                format!("scope `{}` is listed twice", s.id),
                Some(format!("it is first listed on line {line}; remove one")),
            );
        }
    }
    // Direct grants, then includes.
    let mut direct: Vec<Vec<String>> = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let path = item(&[Seg::Key("scopes".into())], i);
        let mut grants = Vec::new();
        for (j, g) in s.grants.iter().enumerate() {
            if permission_ids.contains_key(g.as_str()) {
                grants.push(g.clone());
            } else {
                cx.error(
                    &item(&child(&path, "grants"), j),
                    Want::Value,
                    format!(
                        "scope `{}` grants `{g}`, which is not listed under `permissions`",
                        s.id
                    ),
                    Some(match did_you_mean(g, permission_ids.keys().copied()) {
                        Some(p) => format!("did you mean `{p}`?"),
                        None => format!("add `{g}` to `permissions`"),
                    }),
                );
            }
        }
        for (j, inc) in s.includes.iter().enumerate() {
            if !scope_ids.contains_key(inc.as_str()) {
                cx.error(
                    &item(&child(&path, "includes"), j),
                    Want::Value,
                    format!("unknown scope `{inc}` in the includes of `{}`", s.id),
                    Some(match did_you_mean(inc, scope_ids.keys().copied()) {
                        Some(p) => format!("did you mean `{p}`?"),
                        None => "list the scope under `scopes` first".to_owned(),
                    }),
                );
            } else if inc == &s.id {
                cx.error(
                    &item(&child(&path, "includes"), j),
                    Want::Value,
                    format!("scope `{}` includes itself", s.id),
                    Some("remove it".to_owned()),
                );
            }
        }
        direct.push(grants);
    }
    // Resolve includes transitively; cycles are harmless once each scope is visited once.
    let mut scopes = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let mut visited = BTreeSet::new();
        let mut stack = vec![i];
        let mut granted = BTreeSet::new();
        while let Some(k) = stack.pop() {
            if !visited.insert(k) {
                continue;
            }
            granted.extend(direct[k].iter().cloned());
            for inc in &raw.scopes[k].includes {
                if let Some(&idx) = scope_ids.get(inc.as_str()) {
                    stack.push(idx);
                }
            }
        }
        let path = item(&[Seg::Key("scopes".into())], i);
        if granted.is_empty() {
            cx.error(
                &child(&path, "id"),
                Want::Value,
                format!("scope `{}` grants no permission", s.id),
                Some(
                    "add the permissions it grants under `grants`, or remove the scope".to_owned(),
                ),
            );
        }
        // Keep registry order for the permissions of a scope.
        let permissions = raw
            .permissions
            .iter()
            .filter(|p| granted.contains(&p.id))
            .map(|p| p.id.clone())
            .collect();
        scopes.push(Scope {
            const_name: const_name(s.id.trim_start_matches("SCOPE.")),
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_else(|| s.name.clone()),
            permissions,
        });
    }
    for (i, p) in raw.permissions.iter().enumerate() {
        if !scopes.iter().any(|s| s.permissions.contains(&p.id)) {
            cx.error(
                &child(&item(&[Seg::Key("permissions".into())], i), "id"),
                Want::Value,
                format!("no scope grants the permission `{}`", p.id),
                Some("add it to the `grants` of the scopes that grant it".to_owned()),
            );
        }
    }
    let mut consts = BTreeMap::new();
    for (i, s) in scopes.iter().enumerate() {
        if let Some(other) = consts.insert(s.const_name.clone(), s.id.clone()) {
            cx.error(
                &child(&item(&[Seg::Key("scopes".into())], i), "id"),
                Want::Value,
                format!(
                    "scopes `{other}` and `{}` would both be named `{}` in Rust",
                    s.id, s.const_name
                ),
                Some("scope ids must differ in more than punctuation".to_owned()),
            );
        }
    }
    let permissions = raw
        .permissions
        .into_iter()
        .map(|p| Permission {
            const_name: const_name(&p.id),
            trait_name: p.id.replace(['.', '-'], "_").to_upper_camel_case(),
            description: p
                .description
                .unwrap_or_else(|| format!("The Wix permission `{}`.", p.id)),
            id: p.id,
        })
        .collect();
    Some(Registry {
        permissions,
        scopes,
    })
}

fn is_wix_id(id: &str) -> bool {
    !id.is_empty()
        && id.contains('.')
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

fn const_name(id: &str) -> String {
    id.replace(['.', '-'], "_").to_shouty_snake_case()
}

fn yaml_error(file: &str, e: raw::DecodeError) -> Diagnostic {
    // serde_yaml says "... at line L column C"; we place it ourselves, and keep the rest
    // (", while scanning a quoted scalar at line 3 column 11" says where the trouble began).
    let message = e
        .message
        .replacen(&format!(" at line {} column {}", e.line, e.column), "", 1);
    let hint = if message.contains("missing field") {
        "add the field; specs/README.md shows what each section needs"
    } else if message.contains("invalid type") {
        "check the value's type (a list, a mapping, a string, a number)"
    } else {
        "fix the YAML here"
    };
    Diagnostic {
        file: file.to_owned(),
        line: e.line,
        column: e.column,
        message,
        hint: Some(hint.to_owned()),
    }
}

/// What lowering one module needs to keep while it walks.
struct ModuleCx<'a, 'b> {
    cx: Ctx<'a>,
    module_type: String,
    /// Raw type name -> Rust type name, for `$ref`.
    refs: BTreeMap<String, String>,
    /// Rust type name -> definition.
    types: BTreeMap<String, TypeDef>,
    /// Rust type name -> where it was defined (for collisions).
    defined_at: BTreeMap<String, YamlPath>,
    registry: &'b Registry,
}

fn lower_module(
    file: &SpecFile,
    registry: &Registry,
    diags: &mut Vec<Diagnostic>,
) -> Option<Module> {
    let decoded = match raw::decode::<RawModule>(&file.source) {
        Ok(d) => d,
        Err(e) => {
            diags.push(yaml_error(&file.name, e));
            return None;
        }
    };
    let raw: RawModule = decoded.value;
    let mut cx = Ctx {
        file: &file.name,
        index: PosIndex::new(&file.source),
        diags,
    };
    cx.unknown_keys(&decoded.unknown_keys);
    let root: YamlPath = Vec::new();

    let stem = file_stem(&file.name);
    if raw.module != stem {
        cx.error(
            &child(&root, "module"),
            Want::Value,
            format!("module `{}` is in the file `{stem}.yaml`", raw.module),
            Some(format!(
                "name the module `{stem}` or rename the file to `{}.yaml`",
                raw.module
            )),
        );
    }
    if raw.module.is_empty()
        || !raw
            .module
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        cx.error(
            &child(&root, "module"),
            Want::Value,
            format!("module name `{}` is not kebab-case", raw.module),
            Some("use lowercase letters, digits and `-`, like `stores-catalog-v1`".to_owned()),
        );
    }
    let host = raw.host.clone().unwrap_or_else(|| DEFAULT_HOST.to_owned());
    if !(host.starts_with("https://") || host.starts_with("http://"))
        || host.ends_with('/')
        || host[8..].contains('/')
    {
        cx.error(
            &child(&root, "host"),
            Want::Value,
            format!("host `{host}` is not a scheme and host name"),
            Some(
                "write it like `https://www.wixapis.com`, with no path or trailing slash"
                    .to_owned(),
            ),
        );
    }

    let module_type = raw.module.to_upper_camel_case();
    let mut m = ModuleCx {
        cx,
        module_type: module_type.clone(),
        refs: BTreeMap::new(),
        types: BTreeMap::new(),
        defined_at: BTreeMap::new(),
        registry,
    };

    // Names first, so that `$ref`s can point forwards.
    let types_path = child(&root, "types");
    for (name, _) in &raw.types.0 {
        let rust = name.to_upper_camel_case();
        let path = child(&types_path, name);
        if rust.is_empty()
            || name
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii_alphabetic())
        {
            m.cx.error(
                &path,
                Want::Key,
                format!("type name `{name}` is not a valid name"),
                Some("use a PascalCase name like `Product`".to_owned()),
            );
            continue;
        }
        if let Some(prev) = m.refs.values().find(|r| **r == rust) {
            let prev = prev.clone();
            m.cx.error(
                &path,
                Want::Key,
                format!("type `{name}` has the Rust name `{rust}`, like another type"),
                Some(format!("rename one of the types named `{prev}`")),
            );
            continue;
        }
        m.refs.insert(name.clone(), rust);
    }
    for (name, schema) in &raw.types.0 {
        let Some(rust) = m.refs.get(name).cloned() else {
            continue;
        };
        let path = child(&types_path, name);
        m.define_named(&rust, schema, &path);
    }

    // Methods.
    let mut methods = Vec::new();
    let mut method_names: BTreeMap<String, YamlPath> = BTreeMap::new();
    for (i, rm) in raw.methods.iter().enumerate() {
        let path = item(&child(&root, "methods"), i);
        let rust_name = rust_ident(&rm.name.to_snake_case());
        if rm.name.trim().is_empty() {
            m.cx.error(
                &child(&path, "name"),
                Want::Value,
                "a method has an empty name",
                Some("give it Wix's name, like `Query Products`".to_owned()),
            );
            continue;
        }
        if let Some(first) = method_names.get(&rust_name) {
            let line = m.cx.line_of(first);
            m.cx.error(&child(&path, "name"), Want::Value,
                format!("duplicate method name `{}` (Rust `{rust_name}`)", rm.name),
                Some(format!("the first method of that name is on line {line}; method names must be unique in a module")));
            continue;
        }
        method_names.insert(rust_name.clone(), path.clone());
        if let Some(method) = m.lower_method(rm, rust_name, &path) {
            methods.push(method);
        }
    }

    // Webhooks.
    let mut webhooks = Vec::new();
    let mut event_types: BTreeMap<String, YamlPath> = BTreeMap::new();
    for (i, rw) in raw.webhooks.iter().enumerate() {
        let path = item(&child(&root, "webhooks"), i);
        if let Some(first) = event_types.get(&rw.event_type) {
            let line = m.cx.line_of(first);
            m.cx.error(
                &child(&path, "event_type"),
                Want::Value,
                format!("event type `{}` is listed twice", rw.event_type),
                Some(format!("it is first listed on line {line}")),
            );
            continue;
        }
        event_types.insert(rw.event_type.clone(), path.clone());
        if let Some(w) = m.lower_webhook(rw, &path) {
            webhooks.push(w);
        }
    }

    m.check_generated_names(&methods, !webhooks.is_empty());
    mark_boxes(&mut m.types);
    let ModuleCx { types, .. } = m;
    Some(Module {
        rust_name: raw.module.to_snake_case(),
        type_name: module_type,
        name: raw.module,
        title: raw.title,
        version: raw.version,
        host,
        docs: raw.docs.unwrap_or_default(),
        source: file.name.clone(),
        methods,
        webhooks,
        types: types.into_values().collect(),
    })
}

/// Names every generated module uses: the imports of its file and the std prelude.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Serialize",
    "Deserialize",
    "Error",
    "ScopeSet",
    "Scoped",
    "Client",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "ToString",
    "Iterator",
    "IntoIterator",
];

impl ModuleCx<'_, '_> {
    /// A spec type must not take a name the generator gives to something else.
    fn check_generated_names(&mut self, methods: &[Method], has_events: bool) {
        let mut generated: BTreeMap<String, String> = BTreeMap::new();
        generated.insert(self.module_type.clone(), "the module's client".to_owned());
        if has_events {
            generated.insert(
                "Event".to_owned(),
                "the module's webhook event enum".to_owned(),
            );
        }
        for m in methods {
            let pascal = m.rust_name.to_upper_camel_case();
            if !m.query_params.is_empty() {
                generated.insert(
                    format!("{pascal}Params"),
                    format!("the query parameters of `{}`", m.wix_name),
                );
            }
            if m.query.is_some() {
                generated.insert(
                    format!("{pascal}Query"),
                    format!("the query builder of `{}`", m.wix_name),
                );
            }
        }
        for name in RESERVED_TYPE_NAMES {
            generated.insert(
                (*name).to_owned(),
                "an item every generated module uses".to_owned(),
            );
        }
        let clashes: Vec<(String, String, YamlPath)> = self
            .types
            .keys()
            .filter_map(|name| {
                let what = generated.get(name)?;
                Some((
                    name.clone(),
                    what.clone(),
                    self.defined_at.get(name)?.clone(),
                ))
            })
            .collect();
        for (name, what, path) in clashes {
            self.cx.error(
                &path,
                Want::Key,
                format!("type `{name}` has the name of {what}"),
                Some(
                    "rename the type (or, for an inline type, give the shape a named type)"
                        .to_owned(),
                ),
            );
        }
    }

    /// `none` says, explicitly, that no permission is needed.
    fn check_permission(&mut self, permission: &str, path: &[Seg]) -> Option<String> {
        if permission == "none" {
            return None;
        }
        if self.registry.permissions.iter().any(|p| p.id == permission) {
            return Some(permission.to_owned());
        }
        let hint = match did_you_mean(
            permission,
            self.registry.permissions.iter().map(|p| p.id.as_str()),
        ) {
            Some(p) => format!("did you mean `{p}`?"),
            None => "list it under `permissions` in scopes.yaml, with the scopes that grant it"
                .to_owned(),
        };
        self.cx.error(
            path,
            Want::Value,
            format!("unknown permission `{permission}`: no scope in scopes.yaml grants it"),
            Some(hint),
        );
        Some(permission.to_owned())
    }

    fn lower_method(
        &mut self,
        rm: &raw::RawMethod,
        rust_name: String,
        path: &[Seg],
    ) -> Option<Method> {
        let http = match rm.http.as_str() {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "PATCH" => Some(HttpMethod::Patch),
            "DELETE" => Some(HttpMethod::Delete),
            other => {
                let hint = match did_you_mean(other, ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
                    Some(h) if h != other => format!("did you mean `{h}`?"),
                    _ => "use one of GET, POST, PUT, PATCH, DELETE (in capitals)".to_owned(),
                };
                self.cx.error(
                    &child(path, "http"),
                    Want::Value,
                    format!("invalid HTTP method `{other}` in method `{}`", rm.name),
                    Some(hint),
                );
                None
            }
        };
        let permission = self.check_permission(&rm.permission, &child(path, "permission"));
        let method_type = rust_name.to_upper_camel_case();
        let request = rm.request.as_ref().map(|s| {
            self.lower_schema(s, &child(path, "request"), &format!("{method_type}Request"))
        });
        let response = rm.response.as_ref().map(|s| {
            self.lower_schema(
                s,
                &child(path, "response"),
                &format!("{method_type}Response"),
            )
        });
        if http == Some(HttpMethod::Get) && rm.request.is_some() {
            self.cx.error(
                &child(path, "request"),
                Want::Key,
                format!("method `{}` is a GET with a request body", rm.name),
                Some("GET requests carry no body; use `params` with `in: query`".to_owned()),
            );
        }

        // Parameters.
        let mut args: BTreeMap<&str, (&raw::RawParam, YamlPath)> = BTreeMap::new();
        let mut query_params = Vec::new();
        for (i, p) in rm.params.iter().enumerate() {
            let ppath = item(&child(path, "params"), i);
            let ty = match &p.schema {
                Some(s) => self.lower_schema(
                    s,
                    &child(&ppath, "schema"),
                    &format!("{method_type}{}", p.name.to_upper_camel_case()),
                ),
                None => Ty::String,
            };
            if !matches!(
                ty,
                Ty::String | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool | Ty::Named(_)
            ) {
                self.cx.error(
                    &child(&ppath, "schema"),
                    Want::Value,
                    format!("parameter `{}` must be a string, number or boolean", p.name),
                    None,
                );
            }
            match p.location.as_str() {
                "path" => {
                    if args.insert(&p.name, (p, ppath.clone())).is_some() {
                        self.cx.error(
                            &child(&ppath, "name"),
                            Want::Value,
                            format!("parameter `{}` is listed twice", p.name),
                            None,
                        );
                    }
                }
                "query" => query_params.push(QueryParam {
                    rust_name: rust_ident(&p.name.replace('.', "_").to_snake_case()),
                    wire: p.name.clone(),
                    ty,
                    required: p.required.unwrap_or(false),
                    description: p
                        .description
                        .clone()
                        .unwrap_or_else(|| format!("The `{}` query parameter.", p.name)),
                }),
                other => {
                    let hint = match did_you_mean(other, ["path", "query"]) {
                        Some(h) => format!("did you mean `{h}`?"),
                        None => {
                            "use `path` or `query`; the body is described by `request`".to_owned()
                        }
                    };
                    self.cx.error(
                        &child(&ppath, "in"),
                        Want::Value,
                        format!("invalid parameter location `{other}`"),
                        Some(hint),
                    );
                }
            }
        }

        // The path template.
        let mut path_parts = Vec::new();
        let mut used = BTreeSet::new();
        let mut rest = rm.path.as_str();
        if !rm.path.starts_with('/') {
            self.cx.error(
                &child(path, "path"),
                Want::Value,
                format!("path `{}` does not start with `/`", rm.path),
                Some("write the path without the host, like `/stores/v1/products`".to_owned()),
            );
        }
        while !rest.is_empty() {
            match rest.find('{') {
                None => {
                    if rest.contains('}') {
                        self.cx.error(
                            &child(path, "path"),
                            Want::Value,
                            format!("unbalanced `}}` in path `{}`", rm.path),
                            None,
                        );
                    }
                    path_parts.push(PathPart::Literal(rest.to_owned()));
                    break;
                }
                Some(open) => {
                    if open > 0 {
                        path_parts.push(PathPart::Literal(rest[..open].to_owned()));
                    }
                    let Some(close) = rest[open..].find('}') else {
                        self.cx.error(
                            &child(path, "path"),
                            Want::Value,
                            format!("unclosed `{{` in path `{}`", rm.path),
                            None,
                        );
                        break;
                    };
                    let name = &rest[open + 1..open + close];
                    rest = &rest[open + close + 1..];
                    if let Some((p, _)) = args.get(name) {
                        used.insert(name.to_owned());
                        path_parts.push(PathPart::Arg {
                            rust_name: rust_ident(&name.to_snake_case()),
                            description: p
                                .description
                                .clone()
                                .unwrap_or_else(|| format!("The `{name}` path parameter.")),
                        });
                    } else if name.contains('.') {
                        let steps = match &request {
                            Some(req) => self.resolve_steps(req, name),
                            None => Err("the method has no request body".to_owned()),
                        };
                        match steps {
                            Ok(steps) => path_parts.push(PathPart::Body {
                                dotted: name.to_owned(),
                                steps,
                            }),
                            Err(why) => self.cx.error(
                                &child(path, "path"),
                                Want::Value,
                                format!("path parameter `{{{name}}}` has no binding: {why}"),
                                Some(format!("the request body must have the field `{name}`")),
                            ),
                        }
                    } else {
                        self.cx.error(&child(path, "path"), Want::Value,
                            format!("path parameter `{{{name}}}` has no binding"),
                            Some(format!("add a `params` entry `{{ name: {name}, in: path }}`, or bind it to a body field with a dotted name like `{{product.id}}`")));
                    }
                }
            }
        }
        for (name, (_, ppath)) in &args {
            if !used.contains(*name) {
                self.cx.error(
                    &child(ppath, "name"),
                    Want::Value,
                    format!("path parameter `{name}` is not in the path `{}`", rm.path),
                    Some(format!(
                        "add `{{{name}}}` to the path, or make it `in: query`"
                    )),
                );
            }
        }

        let paging = rm.paging.as_ref().and_then(|p| {
            self.lower_paging(
                p,
                &child(path, "paging"),
                request.as_ref(),
                response.as_ref(),
                &query_params,
            )
        });
        let query = rm.query.as_ref().and_then(|q| {
            let item_ty = paging.as_ref().map(|p| p.item_ty.clone());
            self.lower_query(q, &child(path, "query"), request.as_ref(), item_ty.as_ref())
        });
        let http = http?;
        Some(Method {
            const_name: rust_name.to_shouty_snake_case(),
            wix_name: rm.name.clone(),
            docs: rm
                .docs
                .clone()
                .unwrap_or_else(|| format!("Calls Wix's {}.", rm.name)),
            retry_safe: rm.retry_safe.unwrap_or(http == HttpMethod::Get),
            rust_name,
            http,
            path: rm.path.clone(),
            path_parts,
            query_params,
            permission,
            request,
            response,
            paging,
            query,
        })
    }

    fn lower_paging(
        &mut self,
        p: &raw::RawPaging,
        path: &[Seg],
        request: Option<&Ty>,
        response: Option<&Ty>,
        query_params: &[QueryParam],
    ) -> Option<Paging> {
        let style = match p.style.as_str() {
            "none" => return None,
            "offset" => PagingStyle::Offset,
            "cursor" => PagingStyle::Cursor,
            other => {
                let hint = did_you_mean(other, ["none", "offset", "cursor"]).map_or_else(
                    || "use `none`, `offset` or `cursor`".to_owned(),
                    |h| format!("did you mean `{h}`?"),
                );
                self.cx.error(
                    &child(path, "style"),
                    Want::Value,
                    format!("unknown paging style `{other}`"),
                    Some(hint),
                );
                return None;
            }
        };
        let style_name = p.style.as_str();
        let Some(max_page_size) = p.max_page_size else {
            self.cx.error(
                &child(path, "style"),
                Want::Value,
                format!("paging style `{style_name}` without a page-size limit"),
                Some("add `max_page_size`, the most items the method returns per page".to_owned()),
            );
            return None;
        };
        if max_page_size == 0 {
            self.cx.error(
                &child(path, "max_page_size"),
                Want::Value,
                "`max_page_size` must be at least 1",
                None,
            );
        }
        let required = |key: &str, value: &Option<String>, this: &mut Self| -> Option<String> {
            if value.is_none() {
                this.cx.error(
                    path,
                    Want::Value,
                    format!("paging style `{style_name}` needs `{key}`"),
                    Some("see the paging section of specs/README.md".to_owned()),
                );
            }
            value.clone()
        };
        let request_at = required("request", &p.request, self);
        let items_at = required("items", &p.items, self);
        let next_at = if style == PagingStyle::Cursor {
            required("next_cursor", &p.next_cursor, self)
        } else {
            None
        };
        let (Some(request_at), Some(items_at)) = (request_at, items_at) else {
            return None;
        };
        // A GET pages through query parameters: `request: paging` names `paging.limit` and
        // `paging.cursor` (or `paging.offset`).
        let second = match style {
            PagingStyle::Offset => "offset",
            PagingStyle::Cursor => "cursor",
        };
        let param = |name: &str| {
            query_params
                .iter()
                .find(|q| q.wire == format!("{request_at}.{name}"))
        };
        let in_params = match (request, param("limit"), param(second)) {
            (None, Some(limit), Some(other)) if !limit.required && !other.required => {
                Some(ParamsPaging {
                    limit: limit.rust_name.clone(),
                    limit_ty: limit.ty.clone(),
                    other: other.rust_name.clone(),
                    other_ty: other.ty.clone(),
                })
            }
            _ => None,
        };
        let (Some(resp_ty), true) = (response, request.is_some() || in_params.is_some()) else {
            self.cx.error(
                path,
                Want::Key,
                "a paged method needs a `response`, and a `request` body or query parameters",
                Some(format!("give the body, or `params` named `{request_at}.limit` and `{request_at}.{second}` (`in: query`)")),
            );
            return None;
        };
        let bad = |this: &mut Self, key: &str, why: String| {
            this.cx.error(
                &child(path, key),
                Want::Value,
                why,
                Some("the dotted path must name fields of the body's types".to_owned()),
            );
        };
        let req_ty = request.cloned().unwrap_or(Ty::Json);
        let request_steps = match &in_params {
            Some(_) => Ok(Vec::new()),
            None => self.resolve_steps(&req_ty, &request_at),
        };
        let request_steps = match request_steps {
            Ok(s) => s,
            Err(why) => {
                bad(self, "request", format!("paging `request`: {why}"));
                return None;
            }
        };
        let request_type = match request_steps.last().map(|s| &s.ty) {
            Some(Ty::Named(n)) => n.clone(),
            None if in_params.is_some() => String::new(),
            _ => {
                bad(
                    self,
                    "request",
                    format!("paging `request`: `{request_at}` is not an object"),
                );
                return None;
            }
        };
        let wanted: &[&str] = match style {
            PagingStyle::Offset => &["limit", "offset"],
            PagingStyle::Cursor => &["limit", "cursor"],
        };
        for f in wanted.iter().filter(|_| in_params.is_none()) {
            if self.field(&request_type, f).is_none() {
                bad(
                    self,
                    "request",
                    format!("paging `request`: `{request_at}` has no field `{f}`"),
                );
                return None;
            }
        }
        let items = match self.resolve_steps(resp_ty, &items_at) {
            Ok(s) => s,
            Err(why) => {
                bad(self, "items", format!("paging `items`: {why}"));
                return None;
            }
        };
        let item_ty = match items.last().map(|s| &s.ty) {
            Some(Ty::Array(inner)) => (**inner).clone(),
            _ => {
                bad(
                    self,
                    "items",
                    format!("paging `items`: `{items_at}` is not an array"),
                );
                return None;
            }
        };
        let next_cursor = match next_at {
            Some(at) => match self.resolve_steps(resp_ty, &at) {
                Ok(s) if s.last().is_some_and(|s| s.ty == Ty::String) => s,
                Ok(_) => {
                    bad(
                        self,
                        "next_cursor",
                        format!("paging `next_cursor`: `{at}` is not a string"),
                    );
                    return None;
                }
                Err(why) => {
                    bad(self, "next_cursor", format!("paging `next_cursor`: {why}"));
                    return None;
                }
            },
            None => Vec::new(),
        };
        let crawl = match &p.crawl {
            None => None,
            Some(_) if in_params.is_some() => {
                bad(
                    self,
                    "crawl",
                    "paging `crawl` needs a request body with `filter` and `sort`".to_owned(),
                );
                None
            }
            Some(field) => {
                let key = match &item_ty {
                    Ty::Named(n) => self.field(n, field).map(|f| Step {
                        rust_field: f.rust_name.clone(),
                        optional: !f.required,
                        ty: f.ty.clone(),
                    }),
                    _ => None,
                };
                let query = request_steps[..request_steps.len() - 1].to_vec();
                let query_type = match query.last().map(|s| &s.ty) {
                    Some(Ty::Named(n)) => Some(n.clone()),
                    _ => None,
                };
                let has_strings = query_type.as_ref().is_some_and(|q| {
                    ["filter", "sort"]
                        .iter()
                        .all(|f| self.field(q, f).is_some_and(|f| f.ty == Ty::String))
                });
                match key {
                    Some(key)
                        if matches!(key.ty, Ty::I64 | Ty::I32)
                            && has_strings
                            && style == PagingStyle::Offset =>
                    {
                        Some(Crawl {
                            wire: field.clone(),
                            key,
                            query,
                        })
                    }
                    _ => {
                        bad(
                            self,
                            "crawl",
                            format!(
                                "paging `crawl`: the items need an integer field `{field}`, and the object holding the paging needs string fields `filter` and `sort`, with offset paging"
                            ),
                        );
                        None
                    }
                }
            }
        };
        Some(Paging {
            style,
            max_page_size,
            request: request_steps,
            request_type,
            in_params,
            items,
            item_ty,
            next_cursor,
            crawl,
        })
    }

    fn lower_query(
        &mut self,
        q: &raw::RawQuery,
        path: &[Seg],
        request: Option<&Ty>,
        item_ty: Option<&Ty>,
    ) -> Option<QueryCaps> {
        let encoding = match q.encoding.as_str() {
            "json_string" => QueryEncoding::JsonString,
            "object" => QueryEncoding::Object,
            other => {
                self.cx.error(
                    &child(path, "encoding"),
                    Want::Value,
                    format!("unknown query encoding `{other}`"),
                    Some("use `json_string` (Stores V1) or `object`".to_owned()),
                );
                return None;
            }
        };
        for (i, f) in q.fields.iter().enumerate() {
            let fpath = item(&child(path, "fields"), i);
            for (j, op) in f.operators.iter().enumerate() {
                if !OPERATORS.contains(&op.as_str()) {
                    let hint = did_you_mean(op, OPERATORS.iter().copied()).map_or_else(
                        || format!("use one of {}", OPERATORS.join(" ")),
                        |h| format!("did you mean `{h}`?"),
                    );
                    self.cx.error(
                        &item(&child(&fpath, "operators"), j),
                        Want::Value,
                        format!("unknown query operator `{op}`"),
                        Some(hint),
                    );
                }
            }
        }
        let (Some(request), Some(item_ty)) = (request, item_ty) else {
            self.cx.error(
                path,
                Want::Key,
                "a `query` block needs a `request` body and `paging` with `items`",
                Some("the filter and sort are written into the request; the items' type gives each field's type".to_owned()),
            );
            return None;
        };
        // Where the filter and sort go, and whether their types can hold the wire form.
        let place = |this: &mut Self, key: &str, at: &str| -> Option<Vec<Step>> {
            let steps = match this.resolve_steps(request, at) {
                Ok(steps) => steps,
                Err(why) => {
                    this.cx.error(
                        &child(path, key),
                        Want::Value,
                        format!("query `{key}`: {why}"),
                        Some("give the dotted path of the field in the request body".to_owned()),
                    );
                    return None;
                }
            };
            let ty = &steps.last()?.ty;
            let fits = match (encoding, key, ty) {
                (QueryEncoding::JsonString, _, Ty::String) => true,
                (QueryEncoding::Object, _, Ty::Json) => true,
                (QueryEncoding::Object, "filter", Ty::Map(_)) => true,
                (QueryEncoding::Object, "sort", Ty::Array(inner)) => match &**inner {
                    Ty::Json => true,
                    Ty::Named(n) => {
                        this.field(n, "fieldName").is_some() && this.field(n, "order").is_some()
                    }
                    _ => false,
                },
                _ => false,
            };
            if !fits {
                let want = match (encoding, key) {
                    (QueryEncoding::JsonString, _) => "a string (the JSON is sent as a string)",
                    (QueryEncoding::Object, "filter") => {
                        "a free-form object (a schema without `type`)"
                    }
                    _ => "an array of objects with `fieldName` and `order`",
                };
                this.cx.error(
                    &child(path, key),
                    Want::Value,
                    format!("query `{key}`: `{at}` cannot hold the {} form", q.encoding),
                    Some(format!("with `encoding: {}` it must be {want}", q.encoding)),
                );
                return None;
            }
            Some(steps)
        };
        let filter = place(self, "filter", &q.filter);
        let sort = place(self, "sort", &q.sort);
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, f) in q.fields.iter().enumerate() {
            let fpath = item(&child(path, "fields"), i);
            if !seen.insert(f.field.clone()) {
                self.cx.error(
                    &child(&fpath, "field"),
                    Want::Value,
                    format!("query field `{}` is listed twice", f.field),
                    None,
                );
                continue;
            }
            let declared = f.ty.as_ref().map(|ty| {
                let schema = RawSchema {
                    ty: Some(ty.clone()),
                    format: f.format.clone(),
                    ..RawSchema::default()
                };
                let name = format!("{}Query", f.field.replace('.', "_").to_upper_camel_case());
                self.lower_schema(&schema, &fpath, &name)
            });
            let resolved = match declared {
                Some(ty) => Ok(ty),
                None => self.resolve_through_arrays(item_ty, &f.field),
            };
            let (value_ty, description) = match resolved {
                Ok(ty) => {
                    let ty = match ty {
                        Ty::Array(inner) => *inner,
                        other => other,
                    };
                    let last = f.field.rsplit('.').next().unwrap_or(&f.field);
                    let parent = &f.field[..f.field.len() - last.len()];
                    let docs = match &f.description {
                        Some(d) => d.clone(),
                        None => self.field_docs(item_ty, parent.trim_end_matches('.'), last),
                    };
                    (ty, docs)
                }
                Err(why) => {
                    self.cx.error(&child(&fpath, "field"), Want::Value, format!("query field `{}`: {why}", f.field),
                        Some("query fields are fields of the items the method returns; for a name that only filters, give its `type` (and `description`)".to_owned()));
                    continue;
                }
            };
            let is_enum = |ty: &Ty| match ty {
                Ty::Named(n) => matches!(
                    self.types.get(n).map(|t| &t.kind),
                    Some(TypeKind::Enum { .. })
                ),
                _ => false,
            };
            if !(matches!(
                value_ty,
                Ty::String | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool
            ) || is_enum(&value_ty))
            {
                self.cx.error(&child(&fpath, "field"), Want::Value,
                    format!("query field `{}` is not a string, number, boolean or enum (or an array of one)", f.field),
                    Some("only scalar fields can be filtered; when the filter compares a value inside an object, give the field's `type`".to_owned()));
                continue;
            }
            let snake = f.field.replace('.', "_").to_snake_case();
            fields.push(QueryField {
                rust_name: rust_ident(&snake),
                marker: snake.to_upper_camel_case(),
                value_ty,
                description,
                field: f.field.clone(),
                operators: f.operators.clone(),
                sortable: f.sortable,
            });
        }
        Some(QueryCaps {
            encoding,
            filter: filter?,
            sort: sort?,
            fields,
        })
    }

    /// The type of a dotted field, looking into the elements of arrays on the way
    /// (`lineItems.productId`).
    fn resolve_through_arrays(&self, from: &Ty, dotted: &str) -> Result<Ty, String> {
        let mut ty = from.clone();
        for part in dotted.split('.') {
            while let Ty::Array(inner) = ty {
                ty = *inner;
            }
            ty = self
                .resolve_steps(&ty, part)?
                .pop()
                .map(|s| s.ty)
                .unwrap_or(Ty::Json);
        }
        Ok(ty)
    }

    /// The description of field `last` of the object at `parent` (dotted) under `ty`.
    fn field_docs(&self, ty: &Ty, parent: &str, last: &str) -> String {
        let owner = if parent.is_empty() {
            Some(ty.clone())
        } else {
            self.resolve_through_arrays(ty, parent).ok()
        };
        let owner = match owner {
            Some(Ty::Array(inner)) => *inner,
            Some(other) => other,
            None => return String::new(),
        };
        match owner {
            Ty::Named(n) => self
                .field(&n, last)
                .map(|f| f.docs.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn lower_webhook(&mut self, rw: &raw::RawWebhook, path: &[Seg]) -> Option<Webhook> {
        let permission = self.check_permission(&rw.permission, &child(path, "permission"));
        let envelope = match rw.envelope.as_str() {
            "legacy" => Some(Envelope::Legacy),
            "domain" => Some(Envelope::Domain),
            other => {
                self.cx.error(&child(path, "envelope"), Want::Value, format!("unknown envelope `{other}`"),
                    Some("use `legacy` (the payload is the data) or `domain` (the entity in a domain-event envelope)".to_owned()));
                None
            }
        };
        let variant = rw
            .event_type
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_upper_camel_case();
        if variant.is_empty() {
            self.cx.error(
                &child(path, "event_type"),
                Want::Value,
                "empty event type",
                None,
            );
            return None;
        }
        let payload = self.lower_schema(
            &rw.payload,
            &child(path, "payload"),
            &format!("{variant}Payload"),
        );
        Some(Webhook {
            wix_name: rw.name.clone(),
            docs: rw
                .docs
                .clone()
                .unwrap_or_else(|| format!("The {} webhook.", rw.name)),
            variant,
            event_type: rw.event_type.clone(),
            permission,
            envelope: envelope?,
            payload,
        })
    }

    fn field(&self, type_name: &str, wire: &str) -> Option<&Field> {
        match &self.types.get(type_name)?.kind {
            TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == wire),
            TypeKind::Enum { .. } => None,
        }
    }

    /// Follows a dotted path of wire names from a type.
    fn resolve_steps(&self, from: &Ty, dotted: &str) -> Result<Vec<Step>, String> {
        let mut ty = from.clone();
        let mut steps = Vec::new();
        for part in dotted.split('.') {
            let Ty::Named(name) = &ty else {
                return Err(format!(
                    "`{part}` is looked up in a value that is not an object"
                ));
            };
            let Some(field) = self.field(name, part) else {
                let known: Vec<&str> = match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, .. }) => {
                        fields.iter().map(|f| f.wire.as_str()).collect()
                    }
                    _ => Vec::new(),
                };
                let hint = did_you_mean(part, known)
                    .map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                return Err(format!("`{name}` has no field `{part}`{hint}"));
            };
            steps.push(Step {
                rust_field: field.rust_name.clone(),
                optional: !field.required,
                ty: field.ty.clone(),
            });
            ty = field.ty.clone();
        }
        Ok(steps)
    }

    fn define_named(&mut self, rust: &str, schema: &RawSchema, path: &[Seg]) {
        if schema.reference.is_some() {
            self.cx.error(
                path,
                Want::Key,
                format!("type `{rust}` is only a `$ref`"),
                Some("refer to the target type directly".to_owned()),
            );
            return;
        }
        match self.lower_schema(schema, path, rust) {
            Ty::Named(n) if n == rust => {}
            _ => self.cx.error(path, Want::Key, format!("type `{rust}` is neither an object with properties nor a string enum"),
                Some("named types must be `type: object` with `properties`, or `type: string` with `enum`".to_owned())),
        }
    }

    fn add_type(&mut self, def: TypeDef, path: &[Seg]) -> Ty {
        let name = def.name.clone();
        if let Some(prev) = self.defined_at.get(&name) {
            let line = self.cx.line_of(prev);
            self.cx.error(
                path,
                Want::Key,
                format!(
                    "the inline type here is named `{name}`, like the type defined on line {line}"
                ),
                Some("give the shared shape a named type under `types:` and use `$ref`".to_owned()),
            );
        } else {
            self.defined_at.insert(name.clone(), path.to_vec());
            self.types.insert(name.clone(), def);
        }
        Ty::Named(name)
    }

    /// Lowers a schema; objects with properties and string enums become types named `name`.
    fn lower_schema(&mut self, s: &RawSchema, path: &[Seg], name: &str) -> Ty {
        if let Some(r) = &s.reference {
            let extra = s.ty.is_some()
                || s.properties.is_some()
                || s.items.is_some()
                || s.enumeration.is_some()
                || s.additional_properties.is_some()
                || s.format.is_some()
                || s.required.is_some();
            if extra {
                self.cx.error(
                    &child(path, "$ref"),
                    Want::Key,
                    "a `$ref` cannot be combined with other schema keys",
                    Some("only `description` and `deprecated` may stand beside `$ref`".to_owned()),
                );
            }
            return match self.refs.get(r) {
                Some(rust) => Ty::Named(rust.clone()),
                None => {
                    let hint = did_you_mean(r, self.refs.keys().map(String::as_str)).map_or_else(
                        || "define it under `types:` in this file".to_owned(),
                        |h| format!("did you mean `{h}`?"),
                    );
                    self.cx.error(
                        &child(path, "$ref"),
                        Want::Value,
                        format!("unknown `$ref` `{r}`"),
                        Some(hint),
                    );
                    Ty::Json
                }
            };
        }
        let ty = s.ty.as_deref().or_else(|| {
            if s.properties.is_some() || s.additional_properties.is_some() {
                Some("object")
            } else if s.items.is_some() {
                Some("array")
            } else if s.enumeration.is_some() {
                Some("string")
            } else {
                None
            }
        });
        let bad_format = |this: &mut Self, allowed: &str| {
            if let Some(f) = &s.format {
                this.cx.error(
                    &child(path, "format"),
                    Want::Value,
                    format!(
                        "format `{f}` does not apply to type `{}`",
                        ty.unwrap_or("any")
                    ),
                    Some(format!("formats for this type: {allowed}")),
                );
            }
        };
        match ty {
            None => Ty::Json,
            Some("string") => {
                match s.format.as_deref() {
                    None | Some("date-time") | Some("date") | Some("uri") | Some("uuid")
                    | Some("email") | Some("byte") | Some("password") => {}
                    Some(_) => {
                        bad_format(self, "date-time, date, uri, uuid, email, byte, password")
                    }
                }
                match &s.enumeration {
                    None if s.format.as_deref() == Some("password") => Ty::Secret,
                    None => Ty::String,
                    Some(values) => self.lower_enum(values, s, path, name),
                }
            }
            Some("integer") => match s.format.as_deref() {
                None | Some("int32") => Ty::I32,
                Some("int64") => Ty::I64,
                Some(_) => {
                    bad_format(self, "int32, int64");
                    Ty::I64
                }
            },
            Some("number") => match s.format.as_deref() {
                None | Some("double") => Ty::F64,
                Some("float") => Ty::F32,
                Some(_) => {
                    bad_format(self, "float, double");
                    Ty::F64
                }
            },
            Some("boolean") => {
                bad_format(self, "none");
                Ty::Bool
            }
            Some("array") => match &s.items {
                Some(items) => Ty::Array(Box::new(self.lower_schema(
                    items,
                    &child(path, "items"),
                    &format!("{name}Item"),
                ))),
                None => {
                    self.cx.error(
                        path,
                        Want::Key,
                        "an array schema needs `items`",
                        Some("add `items:` with the element schema".to_owned()),
                    );
                    Ty::Array(Box::new(Ty::Json))
                }
            },
            Some("object") => match (&s.properties, &s.additional_properties) {
                (Some(props), None) | (Some(props), Some(AdditionalProperties::Any(false))) => {
                    self.lower_struct(props, s, path, name, false)
                }
                (Some(props), Some(AdditionalProperties::Any(true))) => {
                    self.lower_struct(props, s, path, name, true)
                }
                (Some(_), Some(AdditionalProperties::Schema(_))) => {
                    self.cx.error(
                        &child(path, "additionalProperties"),
                        Want::Key,
                        "an object with `properties` can only have `additionalProperties: true`",
                        Some("model a map of typed values as a property of its own".to_owned()),
                    );
                    Ty::Json
                }
                (None, Some(AdditionalProperties::Schema(v))) => {
                    Ty::Map(Box::new(self.lower_schema(
                        v,
                        &child(path, "additionalProperties"),
                        &format!("{name}Value"),
                    )))
                }
                (None, Some(AdditionalProperties::Any(_))) | (None, None) => Ty::Json,
            },
            Some(other) => {
                let hint = did_you_mean(
                    other,
                    ["object", "array", "string", "integer", "number", "boolean"],
                )
                .map_or_else(
                    || "use object, array, string, integer, number or boolean".to_owned(),
                    |h| format!("did you mean `{h}`?"),
                );
                self.cx.error(
                    &child(path, "type"),
                    Want::Value,
                    format!("unknown type `{other}`"),
                    Some(hint),
                );
                Ty::Json
            }
        }
    }

    fn lower_enum(&mut self, values: &[String], s: &RawSchema, path: &[Seg], name: &str) -> Ty {
        let mut out: Vec<EnumValue> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let mut variant = v.to_upper_camel_case();
            if variant.is_empty() || !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
                variant = format!("V{variant}");
            }
            if variant == "Unknown" || variant == "Self" {
                variant.push_str("Value");
            }
            if out.iter().any(|e| e.wire == *v) {
                self.cx.error(
                    &item(&child(path, "enum"), i),
                    Want::Value,
                    format!("enum value `{v}` is listed twice"),
                    None,
                );
                continue;
            }
            let base = variant.clone();
            let mut n = 2;
            while out.iter().any(|e| e.variant == variant) {
                variant = format!("{base}{n}");
                n += 1;
            }
            out.push(EnumValue {
                wire: v.clone(),
                variant,
            });
        }
        let docs = s
            .description
            .clone()
            .unwrap_or_else(|| format!("One of the `{name}` values."));
        self.add_type(
            TypeDef {
                name: name.to_owned(),
                docs,
                kind: TypeKind::Enum { values: out },
            },
            path,
        )
    }

    fn lower_struct(
        &mut self,
        props: &raw::OrderedMap<RawSchema>,
        s: &RawSchema,
        path: &[Seg],
        name: &str,
        open: bool,
    ) -> Ty {
        let required: BTreeSet<&str> = s.required.iter().flatten().map(String::as_str).collect();
        for (i, r) in s.required.iter().flatten().enumerate() {
            if !props.0.iter().any(|(k, _)| k == r) {
                let hint = did_you_mean(r, props.0.iter().map(|(k, _)| k.as_str())).map_or_else(
                    || "list only fields under `properties`".to_owned(),
                    |h| format!("did you mean `{h}`?"),
                );
                self.cx.error(
                    &item(&child(path, "required"), i),
                    Want::Value,
                    format!("required field `{r}` is not a property of `{name}`"),
                    Some(hint),
                );
            }
        }
        // Reserve the name before the fields, so nested types can refer back to it.
        let mut fields = Vec::new();
        let props_path = child(path, "properties");
        for (wire, ps) in &props.0 {
            let fpath = child(&props_path, wire);
            let rust_name = rust_ident(&wire.to_snake_case());
            if rust_name.is_empty() || rust_name == "r#" || (open && rust_name == UNKNOWN_FIELDS) {
                self.cx.error(
                    &fpath,
                    Want::Key,
                    format!("property `{wire}` has no usable Rust name"),
                    None,
                );
                continue;
            }
            if fields.iter().any(|f: &Field| f.rust_name == rust_name) {
                self.cx.error(&fpath, Want::Key, format!("property `{wire}` has the Rust name `{rust_name}`, like another property of `{name}`"), None);
                continue;
            }
            let ty =
                self.lower_schema(ps, &fpath, &format!("{name}{}", wire.to_upper_camel_case()));
            fields.push(Field {
                docs: ps
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("The `{wire}` field.")),
                deprecated: ps.deprecated.unwrap_or(false),
                required: required.contains(wire.as_str()),
                boxed: false,
                wire: wire.clone(),
                rust_name,
                ty,
            });
        }
        let docs = s
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{name}` object."));
        self.add_type(
            TypeDef {
                name: name.to_owned(),
                docs,
                kind: TypeKind::Struct { fields, open },
            },
            path,
        )
    }
}

fn rust_ident(name: &str) -> String {
    if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Boxes the fields whose type contains, without an indirection, the struct itself.
fn mark_boxes(types: &mut BTreeMap<String, TypeDef>) {
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|(name, def)| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        Ty::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(direct.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (name, def) in types.iter() {
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for (i, f) in fields.iter().enumerate() {
                if let Ty::Named(target) = &f.ty
                    && reaches(target, name)
                {
                    to_box.push((name.clone(), i));
                }
            }
        }
    }
    for (name, i) in to_box {
        if let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = types.get_mut(&name)
        {
            fields[i].boxed = true;
        }
    }
}
