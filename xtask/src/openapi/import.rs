//! `cargo xtask import-openapi`: an OpenAPI 3.0 document as a spec module.
//!
//! The document is parsed into `openapiv3` types and converted construct by construct; what the
//! spec format cannot say is an [`Unsupported`] naming its JSON pointer, and nothing is written.
//! With `skip_unsupported`, an operation with an unsupported construct is left out instead and
//! listed; an unsupported named schema is always an error.
//!
//! Rules (also in `specs/README.md`):
//! - A document exported by `export-openapi` (it has `x-wix-modules`) imports back to its spec:
//!   names from `summary`, the `x-wix-*` extensions restored, the `ModuleType.` prefix of
//!   component names removed.
//! - Otherwise method names come from `operationId` (`instance_view` -> `Instance View`), docs
//!   from `summary` and `description`.
//! - Named schemas that are objects, string enums, `oneOf` or `allOf` become `types:`; the
//!   others (aliases of strings, integers, arrays, maps) are written inline where they are used.
//!   A `oneOf` of string enums is one string enum; a `oneOf` whose variants are inline objects
//!   sharing a required one-value string enum property is tagged by it (`discriminator`).
//!   An integer enum keeps its type and lists its values in the description.
//! - Permissions: `x-wix-permission` when present. Otherwise from the operation's (or the
//!   document's) security requirement: one OAuth scope `s` -> permission `MODULE.S`, granted by
//!   scope `SCOPE.MODULE.S`; no scope at all -> the module's placeholder permission `MODULE.API`,
//!   granted by `SCOPE.MODULE.API`. Such permissions are not Wix data: they go to a registry
//!   file of the module's own, `NAME.scopes.yaml`, whose descriptions say where they come from.
//! - Host: the module's `host` from `x-wix-modules`, else the first server's URL when it is a
//!   scheme and host, else `https://localhost` (the header comment says so).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToTitleCase, ToUpperCamelCase};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, OpenAPI, Operation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use serde_yaml::{Mapping, Value as Yaml};

use super::escape;
use crate::model::BodyEncoding;
use crate::spec::keyword::BODY_ENCODINGS;

/// An object's properties, as `openapiv3` holds them.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// A construct the spec format cannot say, at a JSON pointer of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// `#/paths/~1instances/get/responses/200/content`
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// What an import writes: the module file and, for permissions that are not Wix data, the
/// module's registry; and the operations left out (with `skip_unsupported`).
#[derive(Debug)]
pub struct Imported {
    /// `specs/NAME.yaml`
    pub module: String,
    /// `NAME.scopes.yaml`, when the module needs permissions of its own.
    pub registry: Option<String>,
    pub skipped: Vec<Unsupported>,
}

/// Parses a document (JSON, or YAML).
pub fn parse(text: &str) -> Result<OpenAPI, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))
    } else {
        serde_yaml::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))
    }
}

/// Imports `doc` as the module `module`. `source` names the document in the header comment.
pub fn import(
    doc: &OpenAPI,
    module: &str,
    source: &str,
    skip_unsupported: bool,
) -> Result<Imported, Vec<Unsupported>> {
    let mut errors = Vec::new();
    if !doc.openapi.starts_with("3.0") {
        errors.push(unsupported(
            "#/openapi",
            format!("OpenAPI version `{}`; 3.0.x is supported", doc.openapi),
        ));
        return Err(errors);
    }
    let module_type = module.to_upper_camel_case();
    let wix_info: Option<&Value> = doc
        .extensions
        .get("x-wix-modules")
        .and_then(Value::as_array)
        .and_then(|ms| {
            ms.iter()
                .find(|m| m["module"] == module)
                .or(if ms.len() == 1 { ms.first() } else { None })
        });
    let several_modules = doc
        .extensions
        .get("x-wix-modules")
        .and_then(Value::as_array)
        .is_some_and(|m| m.len() > 1);
    let webhooks = wix_info
        .and_then(|i| i["webhooks"].as_array())
        .is_some_and(|w| !w.is_empty());
    let mut cx = Schemas::new(doc, &module_type, several_modules, webhooks);

    // Named types.
    let mut types = Mapping::new();
    for (key, schema) in cx.named.clone() {
        let ptr = format!("#/components/schemas/{}", escape(&key));
        let Some(s) = doc.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
            continue;
        };
        let mut v = cx.convert(s, &ptr, 0);
        if v.get("additionalProperties") == Some(&Yaml::Bool(true)) && !v.contains_key("properties")
        {
            v.insert("properties".into(), Yaml::Mapping(Mapping::new()));
        }
        types.insert(Yaml::from(schema), Yaml::Mapping(v));
    }
    errors.append(&mut cx.errors);

    // Methods.
    let mut methods = Vec::new();
    let mut skipped = Vec::new();
    let mut permissions: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let module_shouty = module.to_shouty_snake_case();
    for (path, item) in doc.paths.paths.iter() {
        let pptr = format!("#/paths/{}", escape(path));
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                errors.push(unsupported(&pptr, "a path item `$ref`".to_owned()));
                continue;
            }
        };
        for (verb, op) in [
            ("get", &item.get),
            ("put", &item.put),
            ("post", &item.post),
            ("delete", &item.delete),
            ("patch", &item.patch),
            ("options", &item.options),
            ("head", &item.head),
            ("trace", &item.trace),
        ] {
            let Some(op) = op else { continue };
            if several_modules && wix_info.is_some() && !op.tags.iter().any(|t| t == module) {
                continue;
            }
            let optr = format!("{pptr}/{verb}");
            let before = cx.errors.len();
            let m = method(
                &mut cx,
                doc,
                path,
                verb,
                op,
                item,
                &optr,
                wix_info.is_some(),
                &module_shouty,
                &mut permissions,
            );
            let errs: Vec<Unsupported> = cx.errors.drain(before..).collect();
            match (errs.is_empty(), skip_unsupported) {
                (true, _) => methods.push(Yaml::Mapping(m)),
                (false, true) => skipped.extend(errs),
                (false, false) => errors.extend(errs),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // The module file.
    let mut out = Mapping::new();
    out.insert("module".into(), module.into());
    let host = match wix_info {
        Some(info) => info["host"]
            .as_str()
            .unwrap_or("https://www.wixapis.com")
            .to_owned(),
        None => doc
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned())
            .filter(|u| {
                (u.starts_with("https://") || u.starts_with("http://")) && u.split('/').count() == 3
            })
            .unwrap_or_else(|| "https://localhost".to_owned()),
    };
    let (title, version, docs) = match wix_info {
        Some(info) => (
            info["title"].as_str().unwrap_or_default().to_owned(),
            info["version"].as_str().unwrap_or_default().to_owned(),
            info["docs"].as_str().unwrap_or_default().to_owned(),
        ),
        None => (
            doc.info.title.clone(),
            doc.info.version.clone(),
            doc.info.description.clone().unwrap_or_default(),
        ),
    };
    out.insert("title".into(), title.into());
    out.insert("version".into(), version.into());
    out.insert("host".into(), host.clone().into());
    if !docs.is_empty() {
        out.insert("docs".into(), docs.into());
    }
    out.insert("methods".into(), Yaml::Sequence(methods));
    if let Some(w) = wix_info
        .map(|i| &i["webhooks"])
        .and_then(Value::as_array)
        .filter(|w| !w.is_empty())
    {
        out.insert(
            "webhooks".into(),
            serde_yaml::to_value(w).expect("JSON is YAML"),
        );
    }
    out.insert("types".into(), Yaml::Mapping(types));
    let mut header = format!(
        "# Imported by `cargo xtask import-openapi` from {source} (OpenAPI {}).\n",
        doc.openapi
    );
    if wix_info.is_none() {
        header.push_str("# Not Wix data: permissions are derived as specs/README.md describes (see the registry\n");
        header.push_str(&format!(
            "# {module}.scopes.yaml or scopes.yaml next to this file)"
        ));
        if host == "https://localhost" {
            header.push_str("; the document names no server, so the host is `https://localhost`");
        }
        header.push_str(".\n");
    }
    let module_text =
        header + &serde_yaml::to_string(&Yaml::Mapping(out)).expect("YAML serializes");

    let registry = (!permissions.is_empty()).then(|| {
        let mut perms = Vec::new();
        let mut scopes = Vec::new();
        for (id, (scope_id, scope_name, description)) in &permissions {
            let mut p = Mapping::new();
            p.insert("id".into(), id.clone().into());
            p.insert("description".into(), description.clone().into());
            perms.push(Yaml::Mapping(p));
            let mut s = Mapping::new();
            s.insert("id".into(), scope_id.clone().into());
            s.insert("name".into(), scope_name.clone().into());
            s.insert("description".into(), description.clone().into());
            s.insert("grants".into(), Yaml::Sequence(vec![id.clone().into()]));
            scopes.push(Yaml::Mapping(s));
        }
        let mut r = Mapping::new();
        r.insert("permissions".into(), Yaml::Sequence(perms));
        r.insert("scopes".into(), Yaml::Sequence(scopes));
        format!(
            "# The registry of the imported module `{module}`: derived from its OpenAPI document by\n# `cargo xtask import-openapi`, not Wix permissions.\n"
        ) + &serde_yaml::to_string(&Yaml::Mapping(r)).expect("YAML serializes")
    });
    Ok(Imported {
        module: module_text,
        registry,
        skipped,
    })
}

fn unsupported(pointer: &str, message: String) -> Unsupported {
    Unsupported {
        pointer: pointer.to_owned(),
        message,
    }
}

#[allow(clippy::too_many_arguments)]
fn method(
    cx: &mut Schemas,
    doc: &OpenAPI,
    path: &str,
    verb: &str,
    op: &Operation,
    item: &openapiv3::PathItem,
    optr: &str,
    wix: bool,
    module_shouty: &str,
    permissions: &mut BTreeMap<String, (String, String, String)>,
) -> Mapping {
    let mut m = Mapping::new();
    if matches!(verb, "options" | "head" | "trace") {
        cx.errors.push(unsupported(
            optr,
            format!(
                "HTTP method `{}`; GET, POST, PUT, PATCH and DELETE are supported",
                verb.to_uppercase()
            ),
        ));
        return m;
    }
    let name = if wix {
        op.summary.clone()
    } else {
        op.operation_id.as_ref().map(|id| id.to_title_case())
    };
    let Some(name) = name else {
        cx.errors.push(unsupported(
            optr,
            "an operation without `operationId` (the method's name)".to_owned(),
        ));
        return m;
    };
    m.insert("name".into(), name.into());
    let docs = if wix {
        op.description.clone()
    } else {
        match (&op.summary, &op.description) {
            (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
            (Some(s), None) => Some(s.clone()),
            (None, d) => d.clone(),
        }
    };
    if let Some(d) = docs.filter(|d| !d.is_empty()) {
        m.insert("docs".into(), d.into());
    }
    m.insert("http".into(), verb.to_uppercase().into());
    m.insert("path".into(), path.into());

    // Permission: the export writes one as a string, several (all required) as a list.
    let exported = op.extensions.get("x-wix-permission");
    if let Some(list) = exported.and_then(Value::as_array) {
        let ids: Option<Vec<Yaml>> = list
            .iter()
            .map(|p| p.as_str().map(|p| Yaml::from(p.to_owned())))
            .collect();
        match ids {
            Some(ids) => {
                m.insert("permission".into(), Yaml::Sequence(ids));
            }
            None => cx.errors.push(unsupported(
                &format!("{optr}/x-wix-permission"),
                "a permission list with an entry that is not a string".to_owned(),
            )),
        }
    }
    let permission = match exported.and_then(Value::as_str) {
        _ if exported.is_some_and(Value::is_array) => None,
        Some(p) => Some(p.to_owned()),
        None => Some({
            let reqs = op.security.as_ref().or(doc.security.as_ref());
            let scopes: BTreeSet<&str> = reqs
                .into_iter()
                .flatten()
                .flat_map(|r| r.values().flatten())
                .map(String::as_str)
                .collect();
            let sptr = format!("{optr}/security");
            match scopes.len() {
                0 => {
                    let id = format!("{module_shouty}.API");
                    permissions.entry(id.clone()).or_insert_with(|| (
                        format!("SCOPE.{module_shouty}.API"),
                        format!("{} API", doc.info.title),
                        format!("Placeholder of the imported module: its OpenAPI document ({}) states no permission for its operations. Not a Wix permission.", doc.info.title),
                    ));
                    id
                }
                1 => {
                    let scope = scopes.into_iter().next().expect("one");
                    let shouty = scope
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                        .to_shouty_snake_case();
                    let id = format!("{module_shouty}.{shouty}");
                    permissions.entry(id.clone()).or_insert_with(|| (
                        format!("SCOPE.{module_shouty}.{shouty}"),
                        scope.to_owned(),
                        format!("The OAuth scope `{scope}` of the imported OpenAPI document. Not a Wix permission."),
                    ));
                    id
                }
                _ => {
                    cx.errors.push(unsupported(&sptr, "an operation that requires several OAuth scopes; a method requires one permission".to_owned()));
                    String::new()
                }
            }
        }),
    };
    if let Some(permission) = permission {
        m.insert("permission".into(), permission.into());
    }

    // Parameters.
    let mut params = Vec::new();
    for (i, p) in item
        .parameters
        .iter()
        .map(|p| (None, p))
        .chain(op.parameters.iter().enumerate().map(|(i, p)| (Some(i), p)))
    {
        let pptr = match i {
            Some(i) => format!("{optr}/parameters/{i}"),
            None => format!(
                "{}/parameters",
                optr.rsplit_once('/').map_or(optr, |(a, _)| a)
            ),
        };
        let p = match p {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { .. } => {
                cx.errors
                    .push(unsupported(&pptr, "a parameter `$ref`".to_owned()));
                continue;
            }
        };
        let (location, data) = match p {
            Parameter::Path { parameter_data, .. } => ("path", parameter_data),
            Parameter::Query { parameter_data, .. } => ("query", parameter_data),
            Parameter::Header { .. } | Parameter::Cookie { .. } => {
                cx.errors.push(unsupported(
                    &pptr,
                    "a header or cookie parameter; path and query parameters are supported"
                        .to_owned(),
                ));
                continue;
            }
        };
        if data.extensions.get("x-wix-body-field") == Some(&Value::Bool(true)) {
            continue;
        }
        let mut pm = Mapping::new();
        pm.insert("name".into(), data.name.clone().into());
        pm.insert("in".into(), location.into());
        if let Some(d) = &data.description {
            pm.insert("description".into(), d.clone().into());
        }
        match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let mut s = cx.convert(s, &format!("{pptr}/schema"), 0);
                s.remove("nullable");
                pm.insert("schema".into(), Yaml::Mapping(s));
            }
            ParameterSchemaOrContent::Content(_) => {
                cx.errors.push(unsupported(
                    &format!("{pptr}/content"),
                    "a parameter with `content`; give it a `schema`".to_owned(),
                ));
            }
        }
        if location == "query" && data.required {
            pm.insert("required".into(), true.into());
        }
        params.push(Yaml::Mapping(pm));
    }
    if !params.is_empty() {
        m.insert("params".into(), Yaml::Sequence(params));
    }

    // Request body.
    if let Some(body) = &op.request_body {
        let bptr = format!("{optr}/requestBody");
        match body {
            ReferenceOr::Reference { .. } => cx
                .errors
                .push(unsupported(&bptr, "a request body `$ref`".to_owned())),
            ReferenceOr::Item(b) => match body_schema(&b.content, REQUEST_ENCODINGS) {
                Ok(Some((ct, encoding, schema))) => {
                    let v = match (encoding, schema) {
                        // Bytes are bytes, whatever the schema says of them.
                        (BodyEncoding::Binary, _) | (_, None) => binary_schema(),
                        (_, Some(s)) => {
                            cx.convert(s, &format!("{bptr}/content/{}/schema", escape(ct)), 0)
                        }
                    };
                    m.insert("request".into(), Yaml::Mapping(v));
                    if encoding != BodyEncoding::Json {
                        m.insert(
                            "request_encoding".into(),
                            BODY_ENCODINGS.name_of(encoding).into(),
                        );
                    }
                }
                Ok(None) => {}
                Err(ct) => cx.errors.push(unsupported(
                    &format!("{bptr}/content/{}", escape(&ct)),
                    format!(
                        "a `{ct}` request body; `application/json`, `application/x-www-form-urlencoded` and `application/octet-stream` bodies are supported"
                    ),
                )),
            },
        }
    }

    // The first 2XX response.
    let ok = op.responses.responses.iter().find(|(code, _)| match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    });
    if let Some((code, resp)) = ok {
        let rptr = format!("{optr}/responses/{code}");
        match resp {
            ReferenceOr::Reference { .. } => cx
                .errors
                .push(unsupported(&rptr, "a response `$ref`".to_owned())),
            ReferenceOr::Item(r) => match body_schema(&r.content, &[BodyEncoding::Json]) {
                Ok(Some((ct, _, Some(s)))) => {
                    let v = cx.convert(s, &format!("{rptr}/content/{}/schema", escape(ct)), 0);
                    m.insert("response".into(), Yaml::Mapping(v));
                }
                // No content (a JSON body always has a schema here).
                Ok(None | Some((_, _, None))) => {}
                Err(ct) => cx.errors.push(unsupported(
                    &format!("{rptr}/content/{}", escape(&ct)),
                    format!("a `{ct}` response; only `application/json` responses are supported"),
                )),
            },
        }
    }

    for (ext, key) in [
        ("x-wix-retry-safe", "retry_safe"),
        ("x-wix-paging", "paging"),
        ("x-wix-query", "query"),
        ("x-wix-deprecated", "deprecated"),
    ] {
        if let Some(v) = op.extensions.get(ext) {
            m.insert(key.into(), serde_yaml::to_value(v).expect("JSON is YAML"));
        }
    }
    m
}

/// The request body encodings imported, in order of preference.
const REQUEST_ENCODINGS: &[BodyEncoding] =
    &[BodyEncoding::Json, BodyEncoding::Form, BodyEncoding::Binary];

/// The content of a body in the first of `encodings` it offers (parameters such as
/// `; charset=utf-8` aside): its content type, encoding and schema (`None` only for bytes, whose
/// schema says nothing more); `Ok(None)` for no content or JSON without a schema; `Err(type)`
/// when none of `encodings` is offered.
#[allow(clippy::type_complexity)]
fn body_schema<'a>(
    content: &'a openapiv3::Content,
    encodings: &[BodyEncoding],
) -> Result<Option<(&'a str, BodyEncoding, Option<&'a ReferenceOr<Schema>>)>, String> {
    if content.is_empty() {
        return Ok(None);
    }
    for &encoding in encodings {
        for (ct, media) in content {
            let essence = ct.split(';').next().unwrap_or_default().trim();
            if essence != encoding.content_type() {
                continue;
            }
            let schema = media.schema.as_ref();
            return Ok(match (encoding, schema) {
                (BodyEncoding::Json, None) => None,
                // A form is its object's fields: without a schema there are none to send.
                (BodyEncoding::Form, None) => continue,
                _ => Some((ct.as_str(), encoding, schema)),
            });
        }
    }
    Err(content.keys().next().cloned().unwrap_or_default())
}

/// `{ type: string, format: binary }`.
fn binary_schema() -> Mapping {
    let mut m = Mapping::new();
    m.insert("type".into(), "string".into());
    m.insert("format".into(), "binary".into());
    m
}

/// Schema conversion: which components are named types, and the converter.
struct Schemas<'a> {
    doc: &'a OpenAPI,
    /// Component key -> type name, for the components that become `types:`.
    named: Vec<(String, String)>,
    errors: Vec<Unsupported>,
    /// The document is an export of a spec set with the shared module: its `Common.*`
    /// components stay `common.*` references.
    shared_module: bool,
}

const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uri",
    "uuid",
    "email",
    "byte",
    "binary",
    "ip",
    "ipv4",
    "ipv6",
    "hostname",
    "password",
];
const INTEGER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
];

impl<'a> Schemas<'a> {
    fn new(doc: &'a OpenAPI, module_type: &str, only_prefixed: bool, webhooks: bool) -> Self {
        let prefix = format!("{module_type}.");
        let mut named = Vec::new();
        if let Some(c) = &doc.components {
            for (key, s) in &c.schemas {
                if only_prefixed && !key.starts_with(&prefix) {
                    continue;
                }
                let ReferenceOr::Item(s) = s else { continue };
                if is_type(doc, s) {
                    let bare = key.strip_prefix(&prefix).unwrap_or(key);
                    let name = if bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && bare.starts_with(|c: char| c.is_ascii_alphabetic())
                    {
                        bare.to_owned()
                    } else {
                        bare.to_upper_camel_case()
                    };
                    // A name the generator takes for itself gets the module's in front.
                    let mut name = name;
                    while crate::lower::RESERVED_TYPE_NAMES.contains(&name.as_str())
                        || name == module_type
                        || (webhooks
                            && ["Event", "Webhooks", "WebhookHandler"].contains(&name.as_str()))
                        || named.iter().any(|(_, n)| *n == name)
                    {
                        name = format!("{module_type}{name}");
                    }
                    named.push((key.clone(), name));
                }
            }
        }
        let shared_module = doc
            .extensions
            .get("x-wix-modules")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|ms| {
                ms.iter()
                    .any(|m| m["module"] == crate::model::SHARED_MODULE)
            });
        Schemas {
            doc,
            named,
            errors: Vec::new(),
            shared_module,
        }
    }

    fn err(&mut self, ptr: &str, message: impl Into<String>) {
        self.errors.push(unsupported(ptr, message.into()));
    }

    /// A `$ref`: the type's name, or the alias's schema written inline.
    fn reference(&mut self, r: &str, ptr: &str, depth: usize) -> Mapping {
        let mut out = Mapping::new();
        let Some(key) = r.strip_prefix("#/components/schemas/") else {
            self.err(
                ptr,
                format!("`$ref` `{r}`; only `#/components/schemas/...` references are supported"),
            );
            return out;
        };
        if let Some((_, name)) = self.named.iter().find(|(k, _)| k == key) {
            out.insert("$ref".into(), name.clone().into());
            return out;
        }
        // A type of the shared module of an exported spec set (`Common.Paging`): it stays there.
        if let Some(shared) = key.strip_prefix(&format!(
            "{}.",
            crate::model::SHARED_MODULE.to_upper_camel_case()
        )) {
            if self.shared_module {
                out.insert(
                    "$ref".into(),
                    format!("{}.{shared}", crate::model::SHARED_MODULE).into(),
                );
                return out;
            }
        }
        let target = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(key));
        match target {
            Some(s) if depth < 16 => self.convert(
                s,
                &format!("#/components/schemas/{}", escape(key)),
                depth + 1,
            ),
            Some(_) => {
                self.err(
                    ptr,
                    format!("`$ref` `{r}`: a cycle of schemas that are not objects"),
                );
                out
            }
            None => {
                self.err(
                    ptr,
                    format!("`$ref` `{r}` names no schema of `components.schemas`"),
                );
                out
            }
        }
    }

    fn convert(&mut self, s: &ReferenceOr<Schema>, ptr: &str, depth: usize) -> Mapping {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, depth),
            ReferenceOr::Item(s) => self.schema(s, ptr, depth),
        }
    }

    fn boxed(&mut self, s: &ReferenceOr<Box<Schema>>, ptr: &str, depth: usize) -> Mapping {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, depth),
            ReferenceOr::Item(s) => self.schema(s, ptr, depth),
        }
    }

    fn schema(&mut self, s: &Schema, ptr: &str, depth: usize) -> Mapping {
        let data = &s.schema_data;
        let mut out = Mapping::new();
        let mut note = None;
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                out.insert("type".into(), "string".into());
                let f = match &t.format {
                    VariantOrUnknownOrEmpty::Item(f) => Some(match f {
                        StringFormat::Date => "date",
                        StringFormat::DateTime => "date-time",
                        StringFormat::Password => "password",
                        StringFormat::Byte => "byte",
                        StringFormat::Binary => "binary",
                    }),
                    VariantOrUnknownOrEmpty::Unknown(u) => {
                        STRING_FORMATS.contains(&u.as_str()).then_some(u.as_str())
                    }
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                if let Some(f) = f {
                    out.insert("format".into(), f.into());
                }
                let values: Vec<Yaml> = t
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Yaml::from(v.clone()))
                    .collect();
                if !values.is_empty() {
                    out.insert("enum".into(), Yaml::Sequence(values));
                }
            }
            SchemaKind::Type(Type::Integer(t)) => {
                out.insert("type".into(), "integer".into());
                let f = match &t.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                    VariantOrUnknownOrEmpty::Unknown(u) => {
                        INTEGER_FORMATS.contains(&u.as_str()).then_some(u.as_str())
                    }
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                if let Some(f) = f {
                    out.insert("format".into(), f.into());
                }
                let values: Vec<String> =
                    t.enumeration.iter().flatten().map(i64::to_string).collect();
                if !values.is_empty() {
                    note = Some(format!("One of {}.", values.join(", ")));
                }
            }
            SchemaKind::Type(Type::Number(t)) => {
                out.insert("type".into(), "number".into());
                match &t.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => {
                        out.insert("format".into(), "float".into());
                    }
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => {
                        out.insert("format".into(), "double".into());
                    }
                    _ => {}
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                out.insert("type".into(), "boolean".into());
            }
            SchemaKind::Type(Type::Object(o)) => {
                out.insert("type".into(), "object".into());
                self.object(
                    &mut out,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    ptr,
                    depth,
                );
            }
            SchemaKind::Type(Type::Array(a)) => {
                out.insert("type".into(), "array".into());
                let items = match &a.items {
                    Some(i) => {
                        let mut v = self.boxed(i, &format!("{ptr}/items"), depth);
                        if v.get("nullable") == Some(&Yaml::Bool(true)) {
                            self.err(&format!("{ptr}/items"), "`nullable` array items");
                            v.remove("nullable");
                        }
                        v
                    }
                    None => Mapping::new(),
                };
                out.insert("items".into(), Yaml::Mapping(items));
            }
            SchemaKind::OneOf { one_of } => self.one_of(&mut out, one_of, data, ptr, depth),
            SchemaKind::AllOf { all_of } => {
                if let [single] = all_of.as_slice() {
                    out = self.convert(single, &format!("{ptr}/allOf/0"), depth);
                } else {
                    let parts: Vec<Yaml> = all_of
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            Yaml::Mapping(self.convert(p, &format!("{ptr}/allOf/{i}"), depth))
                        })
                        .collect();
                    out.insert("allOf".into(), Yaml::Sequence(parts));
                }
            }
            SchemaKind::AnyOf { .. } => {
                self.err(&format!("{ptr}/anyOf"), "`anyOf`; use `oneOf` or `allOf`")
            }
            SchemaKind::Not { .. } => self.err(&format!("{ptr}/not"), "`not`"),
            SchemaKind::Any(a) => self.any(&mut out, a, data, ptr, depth),
        }
        // The schema's own description and flags, over those of what it refers to.
        let description = match (
            data.description.clone().or_else(|| data.title.clone()),
            note,
        ) {
            (Some(d), Some(n)) => Some(format!("{d} {n}")),
            (d, n) => d.or(n),
        };
        if let Some(d) = description {
            out.insert("description".into(), d.into());
        }
        if data.nullable {
            out.insert("nullable".into(), true.into());
        }
        if data.deprecated {
            out.insert("deprecated".into(), true.into());
        }
        out
    }

    fn object(
        &mut self,
        out: &mut Mapping,
        properties: &Properties,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        ptr: &str,
        depth: usize,
    ) {
        if !properties.is_empty() {
            let mut props = Mapping::new();
            for (name, p) in properties {
                let v = self.boxed(p, &format!("{ptr}/properties/{}", escape(name)), depth);
                props.insert(name.clone().into(), Yaml::Mapping(v));
            }
            out.insert("properties".into(), Yaml::Mapping(props));
        }
        if !required.is_empty() {
            out.insert(
                "required".into(),
                Yaml::Sequence(required.iter().map(|r| r.clone().into()).collect()),
            );
        }
        match additional {
            None | Some(AdditionalProperties::Any(false)) => {}
            Some(AdditionalProperties::Any(true)) => {
                out.insert("additionalProperties".into(), true.into());
            }
            Some(AdditionalProperties::Schema(_)) if !properties.is_empty() => {
                self.err(
                    &format!("{ptr}/additionalProperties"),
                    "an `additionalProperties` schema beside `properties`",
                );
            }
            Some(AdditionalProperties::Schema(s)) => {
                let v = self.convert(s, &format!("{ptr}/additionalProperties"), depth);
                out.insert("additionalProperties".into(), Yaml::Mapping(v));
            }
        }
    }

    fn one_of(
        &mut self,
        out: &mut Mapping,
        parts: &[ReferenceOr<Schema>],
        data: &openapiv3::SchemaData,
        ptr: &str,
        depth: usize,
    ) {
        // A oneOf of string enums is one string enum.
        let strings: Option<Vec<String>> = parts
            .iter()
            .map(|p| match p {
                ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::Type(Type::String(t)),
                    ..
                }) if !t.enumeration.is_empty() => {
                    Some(t.enumeration.iter().flatten().cloned().collect::<Vec<_>>())
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
        if let Some(values) = strings {
            out.insert("type".into(), "string".into());
            out.insert(
                "enum".into(),
                Yaml::Sequence(values.into_iter().map(Yaml::from).collect()),
            );
            return;
        }
        // A oneOf of plain strings (an id or a name) is a string.
        let variants: Vec<Mapping> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.convert(p, &format!("{ptr}/oneOf/{i}"), depth))
            .collect();
        if variants
            .iter()
            .all(|v| v.get("type") == Some(&Yaml::from("string")) && !v.contains_key("enum"))
        {
            out.insert("type".into(), "string".into());
            return;
        }
        let tag = match &data.discriminator {
            Some(d) => Some(d.property_name.clone()),
            None => infer_tag(parts),
        };
        let variants: Vec<Yaml> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let vptr = format!("{ptr}/oneOf/{i}");
                if tag.is_some() && matches!(p, ReferenceOr::Reference { .. }) {
                    self.err(&vptr, "a `$ref` variant of a `oneOf` with a discriminator; the variants must be inline objects");
                }
                Yaml::Mapping(self.convert(p, &vptr, depth))
            })
            .collect();
        if let Some(tag) = tag {
            let mut d = Mapping::new();
            d.insert("propertyName".into(), tag.into());
            out.insert("discriminator".into(), Yaml::Mapping(d));
        }
        out.insert("oneOf".into(), Yaml::Sequence(variants));
    }

    fn any(
        &mut self,
        out: &mut Mapping,
        a: &AnySchema,
        data: &openapiv3::SchemaData,
        ptr: &str,
        depth: usize,
    ) {
        if !a.any_of.is_empty() {
            return self.err(&format!("{ptr}/anyOf"), "`anyOf`; use `oneOf` or `allOf`");
        }
        if a.not.is_some() {
            return self.err(&format!("{ptr}/not"), "`not`");
        }
        if !a.one_of.is_empty() {
            return self.one_of(out, &a.one_of, data, ptr, depth);
        }
        if !a.all_of.is_empty() {
            let parts: Vec<Yaml> = a
                .all_of
                .iter()
                .enumerate()
                .map(|(i, p)| Yaml::Mapping(self.convert(p, &format!("{ptr}/allOf/{i}"), depth)))
                .collect();
            out.insert("allOf".into(), Yaml::Sequence(parts));
            if !a.properties.is_empty() {
                self.object(out, &a.properties, &a.required, None, ptr, depth);
            }
            return;
        }
        if let Some(t) = &a.typ {
            out.insert("type".into(), t.clone().into());
        }
        if let Some(f) = &a.format
            && (STRING_FORMATS.contains(&f.as_str())
                || INTEGER_FORMATS.contains(&f.as_str())
                || f == "float"
                || f == "double")
        {
            out.insert("format".into(), f.clone().into());
        }
        let values: Vec<Yaml> = a
            .enumeration
            .iter()
            .filter_map(|v| v.as_str())
            .map(|v| Yaml::from(v.to_owned()))
            .collect();
        if !values.is_empty() {
            out.insert("enum".into(), Yaml::Sequence(values));
        }
        if let Some(i) = &a.items {
            let v = self.boxed(i, &format!("{ptr}/items"), depth);
            out.insert("items".into(), Yaml::Mapping(v));
        }
        if !a.properties.is_empty() || a.additional_properties.is_some() {
            self.object(
                out,
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                ptr,
                depth,
            );
        }
    }
}

/// Whether a named schema becomes a type of `types:` (else it is written inline where used).
fn is_type(doc: &OpenAPI, s: &Schema) -> bool {
    match &s.schema_kind {
        // An open object with no listed property is a struct that keeps every field.
        SchemaKind::Type(Type::Object(o)) => {
            !o.properties.is_empty()
                || matches!(
                    o.additional_properties,
                    Some(AdditionalProperties::Any(true))
                )
        }
        SchemaKind::Type(Type::String(t)) => !t.enumeration.is_empty(),
        SchemaKind::OneOf { one_of } => !one_of.iter().all(|p| plain_string(doc, p, 0)),
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        SchemaKind::Any(a) => {
            !a.properties.is_empty() || !a.one_of.is_empty() || a.all_of.len() > 1
        }
        _ => false,
    }
}

/// The property every variant has, required, as a one-value string enum: a oneOf's tag.
fn infer_tag(parts: &[ReferenceOr<Schema>]) -> Option<String> {
    let objects: Vec<(&Properties, &Vec<String>)> = parts
        .iter()
        .map(|p| match p {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Object(o)),
                ..
            }) => Some((&o.properties, &o.required)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, _) = objects.first()?;
    first.keys().find(|k| {
        objects.iter().all(|(props, required)| {
            required.contains(k)
                && matches!(props.get(*k), Some(ReferenceOr::Item(s)) if matches!(&s.schema_kind, SchemaKind::Type(Type::String(t)) if t.enumeration.len() == 1))
        })
    }).cloned()
}

/// A string schema without `enum`, inline or through `$ref`s and one-part `allOf`s
/// (`NameOrId`'s variants): a `oneOf` of those is written `type: string`.
fn plain_string(doc: &OpenAPI, s: &ReferenceOr<Schema>, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match s {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|k| doc.components.as_ref()?.schemas.get(k))
            .is_some_and(|t| plain_string(doc, t, depth + 1)),
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::String(t)),
            ..
        }) => t.enumeration.is_empty(),
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::AllOf { all_of },
            ..
        }) => {
            matches!(all_of.as_slice(), [one] if plain_string(doc, one, depth + 1))
        }
        _ => false,
    }
}
