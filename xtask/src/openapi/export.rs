//! `cargo xtask export-openapi`: the spec set as an OpenAPI 3.0 document.
//!
//! Exported from the spec files decoded as the format's node types ([`crate::spec`]), after the
//! set has been validated and lowered: those nodes are the spec format itself (OpenAPI schema
//! vocabulary, dotted paging and query paths, formats as written), so each schema, paging and
//! query section is carried over as written and the import writes it back as it was; the lowered
//! model has resolved those into Rust types and field steps, which would have to be turned back
//! into spec text. The model supplies only what lowering derives: the scopes that grant each
//! method's permission.
//!
//! Mapping: one operation per method (`operationId` = `{module}_{method}` in snake case,
//! `summary` = Wix's name, `description` = its docs, tag = the module), path and query
//! parameters, an `application/json` request body, the `200` response; every module type in
//! `components.schemas` as `ModuleType.Type`; the `wixAuth` API-key scheme for the
//! `Authorization` header (sent as is, no `Bearer`); a `$ref` with a description beside it is
//! written `allOf: [$ref]` with the description (OpenAPI 3.0 ignores siblings of `$ref`). The
//! output is deterministic: spec order, no timestamps.

use crate::model::Access;
use crate::spec::keyword::{ParamLocation, PermissionWord, SchemaType};
use crate::spec::{self, AdditionalProperties};
use heck::ToSnakeCase;
use openapiv3::{
    APIKeyLocation, Components, Info, MediaType, OpenAPI, Operation, Parameter, ParameterData,
    ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
    Server, StatusCode,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::{AUTH_SCHEME, component_name};
use crate::lower::is_extra_registry;
use crate::model::{Module, Spec};
use crate::{SpecFile, diag};

/// Exports the spec set (`module`: one module only) as an OpenAPI 3.0 document.
pub fn export(files: &[SpecFile], module: Option<&str>) -> Result<OpenAPI, String> {
    let spec: Spec = crate::load(files).map_err(|d| diag::render(&d))?;
    let mut modules: Vec<(&Module, spec::Module)> = Vec::new();
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
        let raw = spec::decode::<spec::Module>(&file.source)
            .map_err(|e| format!("{}:{}:{}: {}", file.name, e.line, e.column, e.message))?
            .value;
        modules.push((m, raw));
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
    for (m, raw) in &modules {
        module_infos.push(json!({
            "module": m.name,
            "title": m.title,
            "version": m.version,
            "host": m.host,
            "docs": m.docs,
            "webhooks": to_json(&raw.webhooks),
        }));
        for (name, schema) in &raw.types.0 {
            let schema: Schema = openapi_schema(schema, &m.type_name)
                .map_err(|e| format!("{}: type `{name}`: {e}", m.source))?;
            components.schemas.insert(
                component_name(&m.type_name, name),
                ReferenceOr::Item(schema),
            );
        }
        for (method, raw) in m.methods.iter().zip(&raw.methods) {
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

fn operation(
    m: &Module,
    method: &crate::model::Method,
    raw: &spec::Method,
) -> Result<Operation, String> {
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
    let declared: Vec<&str> = raw.params.iter().map(|p| p.name.as_str()).collect();
    for p in &raw.params {
        let string = spec::Schema::of(SchemaType::String);
        let schema: ReferenceOr<Schema> =
            openapi_schema(p.schema.as_ref().unwrap_or(&string), &m.type_name)?;
        let in_path = p.location.parse() == Ok(ParamLocation::Path);
        let data = ParameterData {
            name: p.name.clone(),
            description: p.description.clone(),
            required: in_path || p.required.unwrap_or(false),
            deprecated: None,
            format: ParameterSchemaOrContent::Schema(schema),
            example: None,
            examples: Default::default(),
            explode: None,
            extensions: Default::default(),
        };
        op.parameters.push(ReferenceOr::Item(if in_path {
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
    if let Some(request) = &raw.request {
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
    if let Some(response) = &raw.response {
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
    for (ext, value) in [
        ("x-wix-retry-safe", raw.retry_safe.as_ref().map(to_json)),
        ("x-wix-paging", raw.paging.as_ref().map(to_json)),
        ("x-wix-query", raw.query.as_ref().map(to_json)),
        ("x-wix-deprecated", raw.deprecated.as_ref().map(to_json)),
    ] {
        if let Some(v) = value {
            op.extensions.insert(ext.to_owned(), v);
        }
    }
    op.deprecated = method.deprecated.is_some();
    Ok(op)
}

fn media(schema: &spec::Schema, module_type: &str) -> Result<MediaType, String> {
    let schema = openapi_schema(schema, module_type)?;
    Ok(MediaType {
        schema: Some(schema),
        ..MediaType::default()
    })
}

/// A spec node as an extension's JSON value.
fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("a spec node is JSON")
}

/// A spec schema as an OpenAPI schema: `$ref: Name` -> `#/components/schemas/Module.Name`,
/// and a `$ref` with keys beside it -> `allOf: [{$ref}]` with those keys. Rewritten on the
/// spec's schema and decoded from its JSON text, so that properties keep their order (a
/// `serde_json::Value`'s map would sort them).
fn openapi_schema<T: serde::de::DeserializeOwned>(
    schema: &spec::Schema,
    module_type: &str,
) -> Result<T, String> {
    let mut s = schema.clone();
    rewrite(&mut s, module_type);
    let text = serde_json::to_string(&s).expect("a spec schema is JSON");
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Rewrites the `$ref`s of `s` and of the schemas inside it; not those beside a `$ref`, nor the
/// one it becomes (which is why this is not `Schema::walk_mut`, which would visit it again).
fn rewrite(s: &mut spec::Schema, module_type: &str) {
    if let Some(name) = s.reference.take() {
        // `common.Paging`: the shared module's component.
        let shared = format!("{}.", crate::model::SHARED_MODULE);
        let component = match name.strip_prefix(&shared) {
            Some(t) => component_name(
                &heck::ToUpperCamelCase::to_upper_camel_case(crate::model::SHARED_MODULE),
                t,
            ),
            None => component_name(module_type, &name),
        };
        let target = spec::Schema::reference(format!("#/components/schemas/{component}"));
        if s.is_empty() {
            *s = target;
        } else {
            s.all_of = Some(vec![target]);
        }
        return;
    }
    for (_, p) in s.properties.iter_mut().flat_map(|p| &mut p.0) {
        rewrite(p, module_type);
    }
    if let Some(items) = &mut s.items {
        rewrite(items, module_type);
    }
    if let Some(AdditionalProperties::Schema(a)) = &mut s.additional_properties {
        rewrite(a, module_type);
    }
    for parts in [&mut s.one_of, &mut s.all_of].into_iter().flatten() {
        for p in parts {
            rewrite(p, module_type);
        }
    }
}
