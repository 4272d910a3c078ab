//! A module file: its header, named types, methods and webhooks; then the module-wide checks
//! (shared query builders, names the generator takes).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{DEFAULT_HOST, ModuleLowering, SpecFile, file_stem, graph, rust_ident, yaml_error};
use crate::diag::{Diagnostic, Reporter};
use crate::model::*;
use crate::spec::pos::{Anchor, YamlPath};
use crate::spec::{self, Module as RawModule};

pub(super) fn lower_module(
    file: &SpecFile,
    registry: &Registry,
    shared: Option<&Module>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Module> {
    let decoded = match spec::decode::<RawModule>(&file.source) {
        Ok(d) => d,
        Err(e) => {
            diags.push(yaml_error(&file.name, e));
            return None;
        }
    };
    let raw: RawModule = decoded.value;
    let mut report = Reporter::new(&file.name, &file.source, diags);
    report.unknown_keys(&decoded.unknown_keys, &spec::known_keys());
    let root = YamlPath::root();

    let stem = file_stem(&file.name);
    if raw.module != stem {
        report.error(
            &root.key("module"),
            Anchor::Value,
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
        report.error(
            &root.key("module"),
            Anchor::Value,
            format!("module name `{}` is not kebab-case", raw.module),
            Some("use lowercase letters, digits and `-`, like `stores-catalog-v1`".to_owned()),
        );
    }
    let host = raw.host.clone().unwrap_or_else(|| DEFAULT_HOST.to_owned());
    let scheme_len = if host.starts_with("https://") {
        Some(8)
    } else if host.starts_with("http://") {
        Some(7)
    } else {
        None
    };
    if scheme_len.is_none_or(|n| host[n..].is_empty() || host[n..].contains('/')) {
        report.error(
            &root.key("host"),
            Anchor::Value,
            format!("host `{host}` is not a scheme and host name"),
            Some(
                "write it like `https://www.wixapis.com`, with no path or trailing slash"
                    .to_owned(),
            ),
        );
    }

    let module_type = raw.module.to_upper_camel_case();
    let mut m = ModuleLowering {
        report,
        module_type: module_type.clone(),
        refs: BTreeMap::new(),
        raw_types: raw.types.0.iter().cloned().collect(),
        types: BTreeMap::new(),
        defined_at: BTreeMap::new(),
        registry,
        shared,
        imports: BTreeSet::new(),
    };

    // Names first, so that `$ref`s can point forwards.
    let types_path = root.key("types");
    for (name, _) in &raw.types.0 {
        let rust = name.to_upper_camel_case();
        let path = types_path.key(name);
        if rust.is_empty()
            || name
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii_alphabetic())
        {
            m.report.error(
                &path,
                Anchor::Key,
                format!("type name `{name}` is not a valid name"),
                Some("use a PascalCase name like `Product`".to_owned()),
            );
            continue;
        }
        if let Some(prev) = m.refs.values().find(|r| **r == rust) {
            let prev = prev.clone();
            m.report.error(
                &path,
                Anchor::Key,
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
        m.define_named(&rust, schema, &types_path.key(name));
    }

    // Methods.
    let mut methods = Vec::new();
    let mut method_names: BTreeMap<String, YamlPath> = BTreeMap::new();
    for (i, rm) in raw.methods.iter().enumerate() {
        let path = root.key("methods").index(i);
        let rust_name = rust_ident(&rm.name.to_snake_case());
        if rm.name.trim().is_empty() {
            m.report.error(
                &path.key("name"),
                Anchor::Value,
                "a method has an empty name",
                Some("give it Wix's name, like `Query Products`".to_owned()),
            );
            continue;
        }
        if let Some(first) = method_names.get(&rust_name) {
            let line = m.report.line_of(first);
            m.report.error(
                &path.key("name"),
                Anchor::Value,
                format!("duplicate method name `{}` (Rust `{rust_name}`)", rm.name),
                Some(format!(
                    "the first method of that name is on line {line}; method names must be unique in a module"
                )),
            );
            continue;
        }
        method_names.insert(rust_name.clone(), path.clone());
        if let Some(method) = m.lower_method(rm, rust_name, &path) {
            methods.push(method);
        }
    }
    share_query_builders(&mut methods);

    // Webhooks.
    let mut webhooks = Vec::new();
    let mut event_types: BTreeMap<String, YamlPath> = BTreeMap::new();
    for (i, rw) in raw.webhooks.iter().enumerate() {
        let path = root.key("webhooks").index(i);
        if let Some(first) = event_types.get(&rw.event_type) {
            let line = m.report.line_of(first);
            m.report.error(
                &path.key("event_type"),
                Anchor::Value,
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
    graph::mark_boxes(&mut m.types);
    if raw.module == SHARED_MODULE && (!methods.is_empty() || !webhooks.is_empty()) {
        m.report.error(
            &root.key("module"),
            Anchor::Value,
            format!("the shared module `{SHARED_MODULE}` has methods or webhooks"),
            Some("it holds only the types other modules share".to_owned()),
        );
    }
    let ModuleLowering { types, imports, .. } = m;
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
        imports: imports.into_iter().collect(),
    })
}

/// Methods with the same request type and the same query capabilities share the first one's
/// builder: the later ones name it by an alias.
fn share_query_builders(methods: &mut [Method]) {
    for i in 1..methods.len() {
        let (earlier, rest) = methods.split_at_mut(i);
        let later = &mut rest[0];
        let Some(query) = &mut later.query else {
            continue;
        };
        let first = earlier.iter().find(|e| {
            e.request == later.request && e.query.as_ref().is_some_and(|q| q.caps == query.caps)
        });
        if let Some(first) = first {
            query.same_as = first.query.as_ref().map(|q| q.builder.clone());
        }
    }
}

/// Names every generated module uses: the imports of its file and the std prelude.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
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

impl ModuleLowering<'_, '_> {
    /// A spec type must not take a name the generator gives to something else. The names are
    /// read from the lowered methods: the rule that makes them lives in one place.
    fn check_generated_names(&mut self, methods: &[Method], has_events: bool) {
        let mut generated: BTreeMap<String, String> = BTreeMap::new();
        generated.insert(self.module_type.clone(), "the module's client".to_owned());
        if has_events {
            for (name, what) in [
                ("Event", "the module's webhook event enum"),
                ("Webhooks", "the module's webhook router"),
            ] {
                generated.insert(name.to_owned(), what.to_owned());
            }
        }
        for m in methods {
            if let Some(params) = &m.params_type {
                generated.insert(
                    params.clone(),
                    format!("the query parameters of `{}`", m.wix_name),
                );
            }
            if let Some(query) = &m.query {
                generated.insert(
                    query.builder.clone(),
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
            self.report.error(
                &path,
                Anchor::Key,
                format!("type `{name}` has the name of {what}"),
                Some(
                    "rename the type (or, for an inline type, give the shape a named type)"
                        .to_owned(),
                ),
            );
        }
    }
}
