//! `cargo xtask import-openapi`: an OpenAPI 3.0 document as a spec module.
//!
//! The document is parsed into `openapiv3` types and converted construct by construct into the
//! spec format's node types ([`crate::spec`]), written with [`spec::to_yaml`]; what the spec
//! format cannot say is an [`Unsupported`] naming its JSON pointer, and nothing is written.
//! With `skip_unsupported`, an operation with an unsupported construct is left out instead and
//! listed; an unsupported named schema is always an error.
//!
//! Rules (also in `specs/README.md`):
//! - A document exported by `export-openapi` (it has `x-wix-modules`) imports back to its spec:
//!   names from `summary`, the `x-wix-*` extensions restored, the `ModuleType.` prefix of
//!   component names removed. The extensions that carry spec text (`x-wix-paging`,
//!   `x-wix-query`, the webhooks of `x-wix-modules`, ...) are read as their node types: one that
//!   does not fit, has a key the format does not have or a keyword it does not spell is
//!   unsupported, at its pointer.
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
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::escape;
use crate::model::{BodyEncoding, HttpMethod};
use crate::spec::keyword::{Keyword, ParamLocation, SchemaType};
use crate::spec::{self, OrderedMap, PermissionRef, Word};

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
    // The module's entry of `x-wix-modules`, and its index there.
    let wix_info: Option<(usize, &Value)> = doc
        .extensions
        .get("x-wix-modules")
        .and_then(Value::as_array)
        .and_then(|ms| {
            ms.iter()
                .enumerate()
                .find(|(_, m)| m["module"] == module)
                .or(if ms.len() == 1 {
                    ms.first().map(|m| (0, m))
                } else {
                    None
                })
        });
    let several_modules = doc
        .extensions
        .get("x-wix-modules")
        .and_then(Value::as_array)
        .is_some_and(|m| m.len() > 1);
    let has_webhooks = wix_info
        .and_then(|(_, i)| i["webhooks"].as_array())
        .is_some_and(|w| !w.is_empty());
    let mut cx = Schemas::new(doc, &module_type, several_modules, has_webhooks);

    // Named types.
    let mut types = OrderedMap::default();
    for (key, schema) in cx.named.clone() {
        let ptr = format!("#/components/schemas/{}", escape(&key));
        let Some(s) = doc.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
            continue;
        };
        let mut v = cx.convert(s, &ptr, 0);
        if v.additional_properties == Some(spec::AdditionalProperties::Any(true))
            && v.properties.is_none()
        {
            v.properties = Some(OrderedMap::default());
        }
        types.insert(schema, v);
    }
    errors.append(&mut cx.errors);

    // Webhooks: the export writes them in the spec format, in `x-wix-modules`.
    let mut webhooks = Vec::new();
    if let Some((index, info)) = wix_info {
        let wptr = format!("#/x-wix-modules/{index}/webhooks");
        match &info["webhooks"] {
            Value::Null => {}
            Value::Array(list) => {
                for (j, w) in list.iter().enumerate() {
                    let ptr = format!("{wptr}/{j}");
                    let w = decode_extension::<spec::Webhook>(w, &ptr, "a webhook", &mut errors);
                    if let Some(w) = w {
                        check_word(&w.envelope, &format!("{ptr}/envelope"), &mut errors);
                        check_schema_words(&w.payload, &format!("{ptr}/payload"), &mut errors);
                        webhooks.push(w);
                    }
                }
            }
            _ => errors.push(unsupported(
                &wptr,
                "`webhooks` that are not a list".to_owned(),
            )),
        }
    }

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
        for (verb, http, op) in [
            ("get", Some(HttpMethod::Get), &item.get),
            ("put", Some(HttpMethod::Put), &item.put),
            ("post", Some(HttpMethod::Post), &item.post),
            ("delete", Some(HttpMethod::Delete), &item.delete),
            ("patch", Some(HttpMethod::Patch), &item.patch),
            ("options", None, &item.options),
            ("head", None, &item.head),
            ("trace", None, &item.trace),
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
                (verb, http),
                op,
                item,
                &optr,
                wix_info.is_some(),
                &module_shouty,
                &mut permissions,
            );
            let errs: Vec<Unsupported> = cx.errors.drain(before..).collect();
            match (errs.is_empty(), skip_unsupported) {
                (true, _) => methods.push(m.expect("an operation without errors is a method")),
                (false, true) => skipped.extend(errs),
                (false, false) => errors.extend(errs),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // The module file.
    let host = match wix_info {
        Some((_, info)) => info["host"]
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
        Some((_, info)) => (
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
    let out = spec::Module {
        module: module.to_owned(),
        title,
        version,
        host: Some(host.clone()),
        docs: (!docs.is_empty()).then_some(docs),
        methods,
        webhooks,
        types,
    };
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
    let module_text = header + &spec::to_yaml(&out);

    let registry = (!permissions.is_empty()).then(|| {
        let mut r = spec::Registry::default();
        for (id, (scope_id, scope_name, description)) in &permissions {
            r.permissions.push(spec::Permission {
                id: id.clone(),
                description: Some(description.clone()),
                source: None,
                no_scope: None,
            });
            r.scopes.push(spec::Scope {
                id: scope_id.clone(),
                name: scope_name.clone(),
                description: Some(description.clone()),
                grants: vec![id.clone()],
                includes: Vec::new(),
                source: None,
            });
        }
        format!(
            "# The registry of the imported module `{module}`: derived from its OpenAPI document by\n# `cargo xtask import-openapi`, not Wix permissions.\n"
        ) + &spec::to_yaml(&r)
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

/// An extension value the export writes in the spec format (`x-wix-paging`, a webhook of
/// `x-wix-modules`, ...) as its node type, or `None` when it does not fit (an error at `ptr`).
/// A key the type does not have is an error at the key's pointer. `what` (`a paging block`)
/// names the value in the errors.
fn decode_extension<T: DeserializeOwned>(
    value: &Value,
    ptr: &str,
    what: &str,
    errors: &mut Vec<Unsupported>,
) -> Option<T> {
    let mut unknown = Vec::new();
    let decoded: Result<T, serde_json::Error> = serde_ignored::deserialize(value, |path| {
        let key = match &path {
            serde_ignored::Path::Map { key, .. } => key.clone(),
            _ => String::new(),
        };
        unknown.push((pointer_of(ptr, &path), key));
    });
    for (p, key) in unknown {
        let hint = crate::diag::one_of(&key, spec::known_keys(), || {
            "specs/README.md lists the keys each section takes".to_owned()
        });
        errors.push(unsupported(
            &p,
            format!("unknown key `{key}` in {what}; {hint}"),
        ));
    }
    decoded
        .map_err(|e| {
            errors.push(unsupported(
                ptr,
                format!("{what} that does not fit the spec format: {e}"),
            ))
        })
        .ok()
}

/// The JSON pointer of a value serde passed over, below `base`.
fn pointer_of(base: &str, path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => base.to_owned(),
        Path::Seq { parent, index } => format!("{}/{index}", pointer_of(base, parent)),
        Path::Map { parent, key } => format!("{}/{}", pointer_of(base, parent), escape(key)),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => pointer_of(base, parent),
    }
}

/// A keyword read from an extension: one of its table's, else an error at `ptr`.
fn check_word<K: Keyword>(word: &Word<K>, ptr: &str, errors: &mut Vec<Unsupported>) {
    if let Err(hint) = word.parse() {
        errors.push(unsupported(ptr, format!("`{word}`; {hint}")));
    }
}

/// The `type:` keywords of a schema read from an extension, and of the schemas inside it.
fn check_schema_words(s: &spec::Schema, ptr: &str, errors: &mut Vec<Unsupported>) {
    if let Some(t) = &s.ty {
        check_word(t, &format!("{ptr}/type"), errors);
    }
    if let Some(i) = &s.items {
        check_schema_words(i, &format!("{ptr}/items"), errors);
    }
    for (name, p) in s.properties.iter().flat_map(|p| &p.0) {
        check_schema_words(p, &format!("{ptr}/properties/{}", escape(name)), errors);
    }
    if let Some(spec::AdditionalProperties::Schema(a)) = &s.additional_properties {
        check_schema_words(a, &format!("{ptr}/additionalProperties"), errors);
    }
    for (key, list) in [("oneOf", &s.one_of), ("allOf", &s.all_of)] {
        for (i, p) in list.iter().flatten().enumerate() {
            check_schema_words(p, &format!("{ptr}/{key}/{i}"), errors);
        }
    }
}

/// The method of an operation; `None` when it cannot be one (the errors say why: `cx.errors`
/// has at least one more entry).
#[allow(clippy::too_many_arguments)]
fn method(
    cx: &mut Schemas,
    doc: &OpenAPI,
    path: &str,
    (verb, http): (&str, Option<HttpMethod>),
    op: &Operation,
    item: &openapiv3::PathItem,
    optr: &str,
    wix: bool,
    module_shouty: &str,
    permissions: &mut BTreeMap<String, (String, String, String)>,
) -> Option<spec::Method> {
    let Some(http) = http else {
        cx.errors.push(unsupported(
            optr,
            format!(
                "HTTP method `{}`; GET, POST, PUT, PATCH and DELETE are supported",
                verb.to_uppercase()
            ),
        ));
        return None;
    };
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
        return None;
    };
    let docs = if wix {
        op.description.clone()
    } else {
        match (&op.summary, &op.description) {
            (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
            (Some(s), None) => Some(s.clone()),
            (None, d) => d.clone(),
        }
    };
    let docs = docs.filter(|d| !d.is_empty());

    // Permission: the export writes one as a string, several (all required) as a list.
    let permission = match op.extensions.get("x-wix-permission") {
        Some(Value::Array(list)) => {
            let ids: Option<Vec<String>> =
                list.iter().map(|p| p.as_str().map(str::to_owned)).collect();
            if ids.is_none() {
                cx.errors.push(unsupported(
                    &format!("{optr}/x-wix-permission"),
                    "a permission list with an entry that is not a string".to_owned(),
                ));
            }
            ids.map(PermissionRef::All)
        }
        Some(Value::String(p)) => Some(PermissionRef::One(p.clone())),
        _ => {
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
                    Some(PermissionRef::One(id))
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
                    Some(PermissionRef::One(id))
                }
                _ => {
                    cx.errors.push(unsupported(&sptr, "an operation that requires several OAuth scopes; a method requires one permission".to_owned()));
                    None
                }
            }
        }
    };

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
            Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
            Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
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
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let mut s = cx.convert(s, &format!("{pptr}/schema"), 0);
                s.nullable = None;
                Some(s)
            }
            ParameterSchemaOrContent::Content(_) => {
                cx.errors.push(unsupported(
                    &format!("{pptr}/content"),
                    "a parameter with `content`; give it a `schema`".to_owned(),
                ));
                None
            }
        };
        params.push(spec::Param {
            name: data.name.clone(),
            location: location.into(),
            description: data.description.clone(),
            schema,
            required: (location == ParamLocation::Query && data.required).then_some(true),
        });
    }

    // Request body.
    let mut request = None;
    let mut request_encoding = None;
    if let Some(body) = &op.request_body {
        let bptr = format!("{optr}/requestBody");
        match body {
            ReferenceOr::Reference { .. } => cx
                .errors
                .push(unsupported(&bptr, "a request body `$ref`".to_owned())),
            ReferenceOr::Item(b) => match body_schema(&b.content, REQUEST_ENCODINGS) {
                Ok(Some((ct, encoding, schema))) => {
                    request = Some(match (encoding, schema) {
                        // Bytes are bytes, whatever the schema says of them.
                        (BodyEncoding::Binary, _) | (_, None) => binary_schema(),
                        (_, Some(s)) => {
                            cx.convert(s, &format!("{bptr}/content/{}/schema", escape(ct)), 0)
                        }
                    });
                    if encoding != BodyEncoding::Json {
                        request_encoding = Some(Word::from(encoding));
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
    let mut response = None;
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
                    response =
                        Some(cx.convert(s, &format!("{rptr}/content/{}/schema", escape(ct)), 0));
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

    // What the export writes as extensions, in the spec format.
    let retry_safe: Option<bool> =
        cx.extension(op, "x-wix-retry-safe", optr, "a `retry_safe` flag");
    let paging: Option<spec::Paging> = cx.extension(op, "x-wix-paging", optr, "a paging block");
    if let Some(p) = &paging {
        check_word(
            &p.style,
            &format!("{optr}/x-wix-paging/style"),
            &mut cx.errors,
        );
    }
    let query: Option<spec::Query> = cx.extension(op, "x-wix-query", optr, "a query block");
    if let Some(q) = &query {
        let qptr = format!("{optr}/x-wix-query");
        check_word(&q.encoding, &format!("{qptr}/encoding"), &mut cx.errors);
        for (i, f) in q.fields.iter().enumerate() {
            let fptr = format!("{qptr}/fields/{i}");
            if let Some(t) = &f.ty {
                check_word(t, &format!("{fptr}/type"), &mut cx.errors);
            }
            for (j, o) in f.operators.iter().enumerate() {
                check_word(o, &format!("{fptr}/operators/{j}"), &mut cx.errors);
            }
        }
    }
    let deprecated: Option<String> =
        cx.extension(op, "x-wix-deprecated", optr, "a `deprecated` note");

    Some(spec::Method {
        name,
        docs,
        deprecated,
        http: http.into(),
        path: path.to_owned(),
        permission: permission?,
        params,
        request,
        request_encoding,
        response,
        retry_safe,
        paging,
        query,
    })
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
fn binary_schema() -> spec::Schema {
    spec::Schema {
        format: Some("binary".to_owned()),
        ..spec::Schema::of(SchemaType::String)
    }
}

/// Whether `s` says `type: <ty>`.
fn is_of(s: &spec::Schema, ty: SchemaType) -> bool {
    s.ty.as_ref().is_some_and(|t| t.parse() == Ok(ty))
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

    /// The extension `name` of an operation as the spec node `T`, or `None` (absent, or an
    /// error recorded).
    fn extension<T: DeserializeOwned>(
        &mut self,
        op: &Operation,
        name: &str,
        optr: &str,
        what: &str,
    ) -> Option<T> {
        let value = op.extensions.get(name)?;
        let ptr = format!("{optr}/{}", escape(name));
        decode_extension(value, &ptr, what, &mut self.errors)
    }

    /// A `$ref`: the type's name, or the alias's schema written inline.
    fn reference(&mut self, r: &str, ptr: &str, depth: usize) -> spec::Schema {
        let Some(key) = r.strip_prefix("#/components/schemas/") else {
            self.err(
                ptr,
                format!("`$ref` `{r}`; only `#/components/schemas/...` references are supported"),
            );
            return spec::Schema::default();
        };
        if let Some((_, name)) = self.named.iter().find(|(k, _)| k == key) {
            return spec::Schema::reference(name.clone());
        }
        // A type of the shared module of an exported spec set (`Common.Paging`): it stays there.
        if let Some(shared) = key.strip_prefix(&format!(
            "{}.",
            crate::model::SHARED_MODULE.to_upper_camel_case()
        )) {
            if self.shared_module {
                return spec::Schema::reference(format!(
                    "{}.{shared}",
                    crate::model::SHARED_MODULE
                ));
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
                spec::Schema::default()
            }
            None => {
                self.err(
                    ptr,
                    format!("`$ref` `{r}` names no schema of `components.schemas`"),
                );
                spec::Schema::default()
            }
        }
    }

    fn convert(&mut self, s: &ReferenceOr<Schema>, ptr: &str, depth: usize) -> spec::Schema {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, depth),
            ReferenceOr::Item(s) => self.schema(s, ptr, depth),
        }
    }

    fn boxed(&mut self, s: &ReferenceOr<Box<Schema>>, ptr: &str, depth: usize) -> spec::Schema {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, depth),
            ReferenceOr::Item(s) => self.schema(s, ptr, depth),
        }
    }

    fn schema(&mut self, s: &Schema, ptr: &str, depth: usize) -> spec::Schema {
        let data = &s.schema_data;
        let mut out = spec::Schema::default();
        let mut note = None;
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                out.ty = Some(SchemaType::String.into());
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
                out.format = f.map(str::to_owned);
                let values: Vec<String> = t.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    out.enumeration = Some(values);
                }
            }
            SchemaKind::Type(Type::Integer(t)) => {
                out.ty = Some(SchemaType::Integer.into());
                let f = match &t.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                    VariantOrUnknownOrEmpty::Unknown(u) => {
                        INTEGER_FORMATS.contains(&u.as_str()).then_some(u.as_str())
                    }
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                out.format = f.map(str::to_owned);
                let values: Vec<String> =
                    t.enumeration.iter().flatten().map(i64::to_string).collect();
                if !values.is_empty() {
                    note = Some(format!("One of {}.", values.join(", ")));
                }
            }
            SchemaKind::Type(Type::Number(t)) => {
                out.ty = Some(SchemaType::Number.into());
                out.format = match &t.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float".to_owned()),
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => {
                        Some("double".to_owned())
                    }
                    _ => None,
                };
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                out.ty = Some(SchemaType::Boolean.into());
            }
            SchemaKind::Type(Type::Object(o)) => {
                out.ty = Some(SchemaType::Object.into());
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
                out.ty = Some(SchemaType::Array.into());
                let items = match &a.items {
                    Some(i) => {
                        let mut v = self.boxed(i, &format!("{ptr}/items"), depth);
                        if v.nullable == Some(true) {
                            self.err(&format!("{ptr}/items"), "`nullable` array items");
                            v.nullable = None;
                        }
                        v
                    }
                    None => spec::Schema::default(),
                };
                out.items = Some(Box::new(items));
            }
            SchemaKind::OneOf { one_of } => self.one_of(&mut out, one_of, data, ptr, depth),
            SchemaKind::AllOf { all_of } => {
                if let [single] = all_of.as_slice() {
                    out = self.convert(single, &format!("{ptr}/allOf/0"), depth);
                } else {
                    let parts: Vec<spec::Schema> = all_of
                        .iter()
                        .enumerate()
                        .map(|(i, p)| self.convert(p, &format!("{ptr}/allOf/{i}"), depth))
                        .collect();
                    out.all_of = Some(parts);
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
            out.description = Some(d);
        }
        if data.nullable {
            out.nullable = Some(true);
        }
        if data.deprecated {
            out.deprecated = Some(true);
        }
        out
    }

    fn object(
        &mut self,
        out: &mut spec::Schema,
        properties: &Properties,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        ptr: &str,
        depth: usize,
    ) {
        if !properties.is_empty() {
            let mut props = OrderedMap::default();
            for (name, p) in properties {
                let v = self.boxed(p, &format!("{ptr}/properties/{}", escape(name)), depth);
                props.insert(name.clone(), v);
            }
            out.properties = Some(props);
        }
        if !required.is_empty() {
            out.required = Some(required.to_vec());
        }
        match additional {
            None | Some(AdditionalProperties::Any(false)) => {}
            Some(AdditionalProperties::Any(true)) => {
                out.additional_properties = Some(spec::AdditionalProperties::Any(true));
            }
            Some(AdditionalProperties::Schema(_)) if !properties.is_empty() => {
                self.err(
                    &format!("{ptr}/additionalProperties"),
                    "an `additionalProperties` schema beside `properties`",
                );
            }
            Some(AdditionalProperties::Schema(s)) => {
                let v = self.convert(s, &format!("{ptr}/additionalProperties"), depth);
                out.additional_properties = Some(spec::AdditionalProperties::Schema(Box::new(v)));
            }
        }
    }

    fn one_of(
        &mut self,
        out: &mut spec::Schema,
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
            out.ty = Some(SchemaType::String.into());
            out.enumeration = Some(values);
            return;
        }
        // A oneOf of plain strings (an id or a name) is a string.
        let variants: Vec<spec::Schema> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.convert(p, &format!("{ptr}/oneOf/{i}"), depth))
            .collect();
        if variants
            .iter()
            .all(|v| is_of(v, SchemaType::String) && v.enumeration.is_none())
        {
            out.ty = Some(SchemaType::String.into());
            return;
        }
        let tag = match &data.discriminator {
            Some(d) => Some(d.property_name.clone()),
            None => infer_tag(parts),
        };
        let variants: Vec<spec::Schema> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let vptr = format!("{ptr}/oneOf/{i}");
                if tag.is_some() && matches!(p, ReferenceOr::Reference { .. }) {
                    self.err(&vptr, "a `$ref` variant of a `oneOf` with a discriminator; the variants must be inline objects");
                }
                self.convert(p, &vptr, depth)
            })
            .collect();
        if let Some(tag) = tag {
            out.discriminator = Some(spec::Discriminator { property_name: tag });
        }
        out.one_of = Some(variants);
    }

    fn any(
        &mut self,
        out: &mut spec::Schema,
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
            let parts: Vec<spec::Schema> = a
                .all_of
                .iter()
                .enumerate()
                .map(|(i, p)| self.convert(p, &format!("{ptr}/allOf/{i}"), depth))
                .collect();
            out.all_of = Some(parts);
            if !a.properties.is_empty() {
                self.object(out, &a.properties, &a.required, None, ptr, depth);
            }
            return;
        }
        if let Some(t) = &a.typ {
            match crate::spec::keyword::SCHEMA_TYPES.parse(t) {
                Ok(ty) => out.ty = Some(ty.into()),
                Err(hint) => self.err(&format!("{ptr}/type"), format!("`type` `{t}`; {hint}")),
            }
        }
        if let Some(f) = &a.format
            && (STRING_FORMATS.contains(&f.as_str())
                || INTEGER_FORMATS.contains(&f.as_str())
                || f == "float"
                || f == "double")
        {
            out.format = Some(f.clone());
        }
        let values: Vec<String> = a
            .enumeration
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
            .collect();
        if !values.is_empty() {
            out.enumeration = Some(values);
        }
        if let Some(i) = &a.items {
            let v = self.boxed(i, &format!("{ptr}/items"), depth);
            out.items = Some(Box::new(v));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of one `GET /x` operation with `extensions`, as an export writes it (one
    /// module in `x-wix-modules`, with `webhooks`).
    fn exported(extensions: Value, webhooks: Value) -> OpenAPI {
        let mut op = serde_json::json!({
            "summary": "Get X",
            "x-wix-permission": "T.READ",
            "responses": { "200": { "description": "OK" } },
        });
        op.as_object_mut()
            .unwrap()
            .extend(extensions.as_object().unwrap().clone());
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "T", "version": "1" },
            "paths": { "/x": { "get": op } },
            "x-wix-modules": [{
                "module": "t", "title": "T", "version": "v1",
                "host": "https://www.wixapis.com", "docs": "", "webhooks": webhooks,
            }],
        }))
        .unwrap()
    }

    fn errors(doc: &OpenAPI) -> Vec<String> {
        import(doc, "t", "t.json", false)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn extensions_are_read_as_spec_nodes() {
        let doc = exported(
            serde_json::json!({
                "x-wix-retry-safe": true,
                "x-wix-paging": { "style": "cursor", "max_page_size": 100 },
            }),
            serde_json::json!([]),
        );
        let text = import(&doc, "t", "t.json", false).unwrap().module;
        let module: spec::Module = spec::decode(&text).ok().unwrap().value;
        let m = &module.methods[0];
        assert_eq!(m.retry_safe, Some(true));
        let paging = m.paging.as_ref().unwrap();
        assert_eq!(&*paging.style, "cursor");
        assert_eq!(paging.max_page_size, Some(100));
    }

    #[test]
    fn an_extension_that_does_not_fit_names_its_pointer() {
        let doc = exported(
            serde_json::json!({
                "x-wix-retry-safe": "yes",
                "x-wix-paging": { "style": "cursr", "maxPageSize": 100 },
            }),
            serde_json::json!([{ "name": "Created", "permission": "none" }]),
        );
        assert_eq!(
            errors(&doc),
            [
                "#/x-wix-modules/0/webhooks/0: a webhook that does not fit the spec format: missing field `event_type`",
                "#/paths/~1x/get/x-wix-retry-safe: a `retry_safe` flag that does not fit the spec format: invalid type: string \"yes\", expected a boolean",
                "#/paths/~1x/get/x-wix-paging/maxPageSize: unknown key `maxPageSize` in a paging block; did you mean `max_page_size`?",
                "#/paths/~1x/get/x-wix-paging/style: `cursr`; did you mean `cursor`?",
            ]
        );
    }

    #[test]
    fn a_schema_type_no_keyword_spells_is_unsupported() {
        let doc: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "T", "version": "1" },
            "paths": {},
            "components": { "schemas": { "Thing": {
                "properties": { "a": { "type": "null" } },
            } } },
        }))
        .unwrap();
        assert_eq!(
            errors(&doc),
            [
                "#/components/schemas/Thing/properties/a/type: `type` `null`; use one of `object`, `array`, `string`, `integer`, `number` or `boolean`"
            ]
        );
    }
}
