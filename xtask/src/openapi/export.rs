//! `cargo xtask export-openapi`: the spec set as an OpenAPI 3.0 document.
//!
//! Exported from the raw spec files, after the set has been validated and lowered: the raw
//! form is the spec format itself (OpenAPI schema vocabulary, dotted paging and query paths,
//! formats as written), so each schema, paging and query section is carried over as written and
//! the import writes it back as it was; the lowered model has resolved those into Rust types and
//! field steps, which would have to be turned back into spec text. The model supplies only what
//! lowering derives: the scopes that grant each method's permission.
//!
//! Mapping: one operation per method (`operationId` = `{module}_{method}` in snake case,
//! `summary` = Wix's name, `description` = its docs, tag = the module), path and query
//! parameters, an `application/json` request body, the `200` response; every module type in
//! `components.schemas` as `ModuleType.Type`; the `wixAuth` API-key scheme for the
//! `Authorization` header (sent as is, no `Bearer`); a `$ref` with a description beside it is
//! written `allOf: [$ref]` with the description (OpenAPI 3.0 ignores siblings of `$ref`). The
//! output is deterministic: spec order, no timestamps.

use crate::model::Access;
use crate::spec::keyword::PermissionWord;
use heck::ToSnakeCase;
use openapiv3::{
    APIKeyLocation, Components, Info, MediaType, OpenAPI, Operation, Parameter, ParameterData,
    ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
    Server, StatusCode,
};
use serde_json::{Value, json};
use serde_yaml::Value as Yaml;

use super::{AUTH_SCHEME, component_name};
use crate::lower::is_extra_registry;
use crate::model::{Module, Spec};
use crate::{SpecFile, diag};

/// Exports the spec set (`module`: one module only) as an OpenAPI 3.0 document.
pub fn export(files: &[SpecFile], module: Option<&str>) -> Result<OpenAPI, String> {
    let spec: Spec = crate::load(files).map_err(|d| diag::render(&d))?;
    let mut modules: Vec<(&Module, Yaml)> = Vec::new();
    // One module comes with the shared module when it uses shared types.
    let needs_shared = module.is_some_and(|want| {
        spec.modules
            .iter()
            .any(|m| m.name == want && !m.imports.is_empty())
    });
    for m in &spec.modules {
        let shared = needs_shared && m.name == crate::model::SHARED_MODULE;
        if module.is_some_and(|want| want != m.name) && !shared {
            continue;
        }
        let file = files
            .iter()
            .find(|f| f.name == m.source && !is_extra_registry(&f.name))
            .expect("every module comes from a file");
        let yaml: Yaml = serde_yaml::from_str(&file.source).map_err(|e| e.to_string())?;
        modules.push((m, yaml));
    }
    if let Some(want) = module
        && modules.is_empty()
    {
        let names: Vec<&str> = spec.modules.iter().map(|m| m.name.as_str()).collect();
        return Err(format!("no module `{want}`; modules: {}", names.join(", ")));
    }

    let mut doc = OpenAPI {
        openapi: "3.0.3".to_owned(),
        info: Info {
            title: "Wix REST API".to_owned(),
            version: "1".to_owned(),
            description: Some(
                "Exported by `cargo xtask export-openapi` from the wix-rest specs.".to_owned(),
            ),
            ..Info::default()
        },
        ..OpenAPI::default()
    };
    if let [(m, _)] = modules.as_slice() {
        doc.info.title = m.title.clone();
        doc.info.version = m.version.clone();
        doc.info.description = (!m.docs.is_empty()).then(|| m.docs.clone());
        doc.servers = vec![Server {
            url: m.host.clone(),
            ..Server::default()
        }];
    }
    let mut components = Components::default();
    components.security_schemes.insert(
        AUTH_SCHEME.to_owned(),
        ReferenceOr::Item(SecurityScheme::APIKey {
            location: APIKeyLocation::Header,
            name: "Authorization".to_owned(),
            description: Some(
                "A Wix API key or OAuth access token, sent as is in the `Authorization` header (no `Bearer` prefix).".to_owned(),
            ),
            extensions: Default::default(),
        }),
    );
    let mut module_infos = Vec::new();
    for (m, yaml) in &modules {
        module_infos.push(json!({
            "module": m.name,
            "title": m.title,
            "version": m.version,
            "host": m.host,
            "docs": m.docs,
            "webhooks": to_json(yaml.get("webhooks").unwrap_or(&Yaml::Sequence(Vec::new()))),
        }));
        if let Some(Yaml::Mapping(types)) = yaml.get("types") {
            for (name, schema) in types {
                let name = name.as_str().unwrap_or_default();
                let schema: Schema = schema_yaml(schema, &m.type_name)
                    .map_err(|e| format!("{}: type `{name}`: {e}", m.source))?;
                components.schemas.insert(
                    component_name(&m.type_name, name),
                    ReferenceOr::Item(schema),
                );
            }
        }
        let methods = yaml
            .get("methods")
            .and_then(Yaml::as_sequence)
            .cloned()
            .unwrap_or_default();
        for (method, raw) in m.methods.iter().zip(&methods) {
            let op = operation(m, method, raw)?;
            let item = doc
                .paths
                .paths
                .entry(method.path.clone())
                .or_insert_with(|| ReferenceOr::Item(PathItem::default()));
            let ReferenceOr::Item(item) = item else {
                unreachable!("only items are inserted")
            };
            if modules.len() > 1 {
                let server = Server {
                    url: m.host.clone(),
                    ..Server::default()
                };
                if item.servers.iter().any(|s| s.url != m.host) {
                    return Err(format!(
                        "path `{}` is in modules of different hosts",
                        method.path
                    ));
                }
                if item.servers.is_empty() {
                    item.servers.push(server);
                }
            }
            let slot = match method.http {
                crate::model::HttpMethod::Get => &mut item.get,
                crate::model::HttpMethod::Post => &mut item.post,
                crate::model::HttpMethod::Put => &mut item.put,
                crate::model::HttpMethod::Patch => &mut item.patch,
                crate::model::HttpMethod::Delete => &mut item.delete,
            };
            if slot.is_some() {
                return Err(format!(
                    "{} {} is defined twice",
                    method.http.as_str(),
                    method.path
                ));
            }
            *slot = Some(op);
        }
    }
    doc.components = Some(components);
    doc.extensions
        .insert("x-wix-modules".to_owned(), Value::Array(module_infos));
    Ok(doc)
}

/// The document as JSON text (two-space indents, a final newline).
pub fn to_string(doc: &OpenAPI) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("an OpenAPI document serializes");
    s.push('\n');
    s
}

fn operation(m: &Module, method: &crate::model::Method, raw: &Yaml) -> Result<Operation, String> {
    let mut op = Operation {
        tags: vec![m.name.clone()],
        summary: Some(method.wix_name.clone()),
        description: (!method.docs.is_empty()).then(|| method.docs.clone()),
        operation_id: Some(format!(
            "{}_{}",
            m.rust_name,
            method.rust_name.trim_start_matches("r#").to_snake_case()
        )),
        ..Operation::default()
    };
    let params = raw
        .get("params")
        .and_then(Yaml::as_sequence)
        .cloned()
        .unwrap_or_default();
    let declared: Vec<&str> = params
        .iter()
        .filter_map(|p| p.get("name")?.as_str())
        .collect();
    for p in &params {
        let name = p
            .get("name")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
            .to_owned();
        let string = Yaml::Mapping([("type".into(), "string".into())].into_iter().collect());
        let schema: ReferenceOr<Schema> =
            schema_yaml(p.get("schema").unwrap_or(&string), &m.type_name)?;
        let location = p.get("in").and_then(Yaml::as_str).unwrap_or("query");
        let data = ParameterData {
            name,
            description: p
                .get("description")
                .and_then(Yaml::as_str)
                .map(str::to_owned),
            required: location == "path"
                || p.get("required").and_then(Yaml::as_bool).unwrap_or(false),
            deprecated: None,
            format: ParameterSchemaOrContent::Schema(schema),
            example: None,
            examples: Default::default(),
            explode: None,
            extensions: Default::default(),
        };
        op.parameters.push(ReferenceOr::Item(if location == "path" {
            Parameter::Path {
                parameter_data: data,
                style: Default::default(),
            }
        } else {
            Parameter::Query {
                parameter_data: data,
                allow_reserved: false,
                style: Default::default(),
                allow_empty_value: None,
            }
        }));
    }
    // A dotted `{collection.id}` is bound to a body field: declared for OpenAPI tools, marked
    // so that the import leaves it out.
    for name in crate::template::params(&method.path) {
        if declared.contains(&name) {
            continue;
        }
        let mut data = ParameterData {
            name: name.to_owned(),
            description: Some(format!("The request body's `{name}`.")),
            required: true,
            deprecated: None,
            format: ParameterSchemaOrContent::Schema(
                serde_json::from_value(json!({ "type": "string" })).expect("a schema"),
            ),
            example: None,
            examples: Default::default(),
            explode: None,
            extensions: Default::default(),
        };
        data.extensions
            .insert("x-wix-body-field".to_owned(), Value::Bool(true));
        op.parameters.push(ReferenceOr::Item(Parameter::Path {
            parameter_data: data,
            style: Default::default(),
        }));
    }
    if let Some(request) = raw.get("request") {
        let mut body = RequestBody {
            required: true,
            ..RequestBody::default()
        };
        body.content.insert(
            method.request_encoding.content_type().to_owned(),
            media(request, &m.type_name)?,
        );
        op.request_body = Some(ReferenceOr::Item(body));
    }
    let mut ok = Response {
        description: "OK".to_owned(),
        ..Response::default()
    };
    if let Some(response) = raw.get("response") {
        ok.content.insert(
            "application/json".to_owned(),
            media(response, &m.type_name)?,
        );
    }
    op.responses
        .responses
        .insert(StatusCode::Code(200), ReferenceOr::Item(ok));
    match &method.access {
        Access::All(reqs) => {
            let mut r = openapiv3::SecurityRequirement::default();
            r.insert(AUTH_SCHEME.to_owned(), Vec::new());
            op.security = Some(vec![r]);
            let ids: Vec<&str> = reqs.iter().map(|r| r.permission.as_str()).collect();
            let permission = if ids.len() == 1 {
                json!(ids[0])
            } else {
                json!(ids)
            };
            op.extensions
                .insert("x-wix-permission".to_owned(), permission);
            let scopes: Vec<&str> = method
                .access
                .scopes()
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            op.extensions
                .insert("x-wix-scopes".to_owned(), json!(scopes));
        }
        Access::Unpublished => {
            let mut r = openapiv3::SecurityRequirement::default();
            r.insert(AUTH_SCHEME.to_owned(), Vec::new());
            op.security = Some(vec![r]);
            op.extensions.insert(
                "x-wix-permission".to_owned(),
                json!(PermissionWord::Unpublished.as_str()),
            );
            op.extensions.insert("x-wix-scopes".to_owned(), json!([]));
        }
        Access::Open => {
            op.security = Some(Vec::new());
            op.extensions.insert(
                "x-wix-permission".to_owned(),
                json!(PermissionWord::None.as_str()),
            );
            op.extensions.insert("x-wix-scopes".to_owned(), json!([]));
        }
    }
    for (key, ext) in [
        ("retry_safe", "x-wix-retry-safe"),
        ("paging", "x-wix-paging"),
        ("query", "x-wix-query"),
        ("deprecated", "x-wix-deprecated"),
    ] {
        if let Some(v) = raw.get(key) {
            op.extensions.insert(ext.to_owned(), to_json(v));
        }
    }
    op.deprecated = method.deprecated.is_some();
    Ok(op)
}

fn media(schema: &Yaml, module_type: &str) -> Result<MediaType, String> {
    let schema = schema_yaml(schema, module_type)?;
    Ok(MediaType {
        schema: Some(schema),
        ..MediaType::default()
    })
}

fn to_json(v: &Yaml) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A spec schema as an OpenAPI schema: `$ref: Name` -> `#/components/schemas/Module.Name`,
/// and a `$ref` with keys beside it -> `allOf: [{$ref}]` with those keys. Rewritten as YAML and
/// decoded from it, so that properties keep their order (a `serde_json` map would sort them).
fn schema_yaml<T: serde::de::DeserializeOwned>(
    schema: &Yaml,
    module_type: &str,
) -> Result<T, String> {
    let mut v = schema.clone();
    rewrite(&mut v, module_type);
    serde_yaml::from_value(v).map_err(|e| e.to_string())
}

fn rewrite(v: &mut Yaml, module_type: &str) {
    let Yaml::Mapping(map) = v else { return };
    if let Some(Yaml::String(name)) = map.remove("$ref") {
        // `common.Paging`: the shared module's component.
        let shared = format!("{}.", crate::model::SHARED_MODULE);
        let component = match name.strip_prefix(&shared) {
            Some(t) => component_name(
                &heck::ToUpperCamelCase::to_upper_camel_case(crate::model::SHARED_MODULE),
                t,
            ),
            None => component_name(module_type, &name),
        };
        let mut target = serde_yaml::Mapping::new();
        target.insert(
            "$ref".into(),
            format!("#/components/schemas/{component}").into(),
        );
        if map.is_empty() {
            *v = Yaml::Mapping(target);
        } else {
            map.insert("allOf".into(), Yaml::Sequence(vec![Yaml::Mapping(target)]));
        }
        return;
    }
    if let Some(Yaml::Mapping(props)) = map.get_mut("properties") {
        for (_, p) in props.iter_mut() {
            rewrite(p, module_type);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            rewrite(inner, module_type);
        }
    }
    for key in ["oneOf", "allOf"] {
        if let Some(Yaml::Sequence(parts)) = map.get_mut(key) {
            for p in parts {
                rewrite(p, module_type);
            }
        }
    }
}
