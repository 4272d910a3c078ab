//! A method: HTTP method, permission, parameters, path bindings, request and response; then its
//! paging and query capabilities.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use super::{ModuleLowering, rust_ident};
use crate::model::*;
use crate::spec;
use crate::spec::keyword::{
    BODY_ENCODINGS, HTTP_METHODS, PARAM_LOCATIONS, ParamLocation, SchemaType,
};
use crate::spec::pos::{Anchor, YamlPath};
use crate::template::{self as path, Part};

impl ModuleLowering<'_, '_> {
    pub(super) fn lower_method(
        &mut self,
        rm: &spec::Method,
        rust_name: String,
        path: &YamlPath,
    ) -> Option<Method> {
        let http = match HTTP_METHODS.parse(&rm.http) {
            Ok(http) => Some(http),
            Err(hint) => {
                self.report.error(
                    &path.key("http"),
                    Anchor::Value,
                    format!("invalid HTTP method `{}` in method `{}`", rm.http, rm.name),
                    Some(hint),
                );
                None
            }
        };
        let access = self.access(&rm.permission, &path.key("permission"));
        let method_type = rust_name.to_upper_camel_case();
        let request = rm
            .request
            .as_ref()
            .map(|s| self.lower_schema(s, &path.key("request"), &format!("{method_type}Request")));
        let request_encoding = self.request_encoding(rm, request.as_ref(), path);
        let response = rm.response.as_ref().map(|s| {
            self.lower_schema(s, &path.key("response"), &format!("{method_type}Response"))
        });
        if http == Some(HttpMethod::Get) && rm.request.is_some() {
            self.report.error(
                &path.key("request"),
                Anchor::Key,
                format!("method `{}` is a GET with a request body", rm.name),
                Some("GET requests carry no body; use `params` with `in: query`".to_owned()),
            );
        }

        // Parameters.
        let mut args: BTreeMap<&str, (&spec::Param, YamlPath)> = BTreeMap::new();
        let mut query_params = Vec::new();
        for (i, p) in rm.params.iter().enumerate() {
            let ppath = path.key("params").index(i);
            let ty = match &p.schema {
                Some(s) => self.lower_schema(
                    s,
                    &ppath.key("schema"),
                    &format!("{method_type}{}", p.name.to_upper_camel_case()),
                ),
                None => Ty::String,
            };
            let string_enum = |n: &str| {
                matches!(
                    self.type_def(n).map(|t| &t.kind),
                    Some(TypeKind::Enum { .. })
                )
            };
            let scalar = |ty: &Ty| match ty {
                Ty::String | Ty::Timestamp | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool => {
                    true
                }
                Ty::Named(n) => string_enum(n),
                _ => false,
            };
            // A list goes as the key repeated (`fields=A&fields=B`), as Wix's SDK sends it; only
            // in the query string.
            let fits = match &ty {
                Ty::Array(inner) => {
                    scalar(inner) && PARAM_LOCATIONS.parse(&p.location) == Ok(ParamLocation::Query)
                }
                other => scalar(other),
            };
            if !fits {
                self.report.error(
                    &ppath.key("schema"),
                    Anchor::Value,
                    format!(
                        "parameter `{}` must be a string, number or boolean (or, in the query, a list of them)",
                        p.name
                    ),
                    None,
                );
            }
            match PARAM_LOCATIONS.parse(&p.location) {
                Ok(ParamLocation::Path) => {
                    if args.insert(&p.name, (p, ppath.clone())).is_some() {
                        self.report.error(
                            &ppath.key("name"),
                            Anchor::Value,
                            format!("parameter `{}` is listed twice", p.name),
                            None,
                        );
                    }
                }
                Ok(ParamLocation::Query) => query_params.push(QueryParam {
                    rust_name: rust_ident(&p.name.replace('.', "_").to_snake_case()),
                    wire: p.name.clone(),
                    ty,
                    required: p.required.unwrap_or(false),
                    description: p
                        .description
                        .clone()
                        .unwrap_or_else(|| format!("The `{}` query parameter.", p.name)),
                }),
                Err(hint) => self.report.error(
                    &ppath.key("in"),
                    Anchor::Value,
                    format!("invalid parameter location `{}`", p.location),
                    Some(hint),
                ),
            }
        }

        // The path template: each `{name}` is a path argument or a dotted body field.
        let (parts, errors) = path::parse(&rm.path);
        for error in errors {
            let (message, hint) = error.describe(&rm.path);
            self.report
                .error(&path.key("path"), Anchor::Value, message, hint);
        }
        let mut path_parts = Vec::new();
        let mut used = BTreeSet::new();
        for part in parts {
            let name = match part {
                Part::Literal(l) => {
                    path_parts.push(PathPart::Literal(l.to_owned()));
                    continue;
                }
                Part::Param(name) => name,
            };
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
                    Err(why) => self.report.error(
                        &path.key("path"),
                        Anchor::Value,
                        format!("path parameter `{{{name}}}` has no binding: {why}"),
                        Some(format!("the request body must have the field `{name}`")),
                    ),
                }
            } else {
                self.report.error(
                    &path.key("path"),
                    Anchor::Value,
                    format!("path parameter `{{{name}}}` has no binding"),
                    Some(format!(
                        "add a `params` entry `{{ name: {name}, in: path }}`, or bind it to a body field with a dotted name like `{{product.id}}`"
                    )),
                );
            }
        }
        for (name, (_, ppath)) in &args {
            if !used.contains(*name) {
                self.report.error(
                    &ppath.key("name"),
                    Anchor::Value,
                    format!("path parameter `{name}` is not in the path `{}`", rm.path),
                    Some(format!(
                        "add `{{{name}}}` to the path, or make it `in: query`"
                    )),
                );
            }
        }

        let params_type = (!query_params.is_empty()).then(|| format!("{method_type}Params"));
        let paging = rm.paging.as_ref().and_then(|p| {
            self.lower_paging(
                p,
                &path.key("paging"),
                &rust_name,
                request.as_ref(),
                response.as_ref(),
                &query_params,
            )
        });
        let query = rm.query.as_ref().and_then(|q| {
            let item_ty = paging.as_ref().map(|p| p.item_ty.clone());
            let caps =
                self.lower_query(q, &path.key("query"), request.as_ref(), item_ty.as_ref())?;
            Some(Query {
                caps,
                builder: format!("{method_type}Query"),
                same_as: None,
                fields_mod: format!("{}_fields", rust_name.trim_start_matches("r#")),
            })
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
            deprecated: rm.deprecated.clone(),
            rust_name,
            http,
            path: rm.path.clone(),
            path_parts,
            query_params,
            params_type,
            access,
            sends_empty_object: request.is_none()
                && matches!(http, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch),
            request,
            request_encoding,
            response,
            paging,
            query,
        })
    }

    /// How the request body is sent (`request_encoding:`, JSON by default): a form body is an
    /// object, a binary one is `type: string, format: binary`.
    fn request_encoding(
        &mut self,
        rm: &spec::Method,
        request: Option<&Ty>,
        path: &YamlPath,
    ) -> BodyEncoding {
        let Some(word) = &rm.request_encoding else {
            return BodyEncoding::Json;
        };
        let epath = path.key("request_encoding");
        let encoding = match BODY_ENCODINGS.parse(word) {
            Ok(encoding) => encoding,
            Err(hint) => {
                self.report.error(
                    &epath,
                    Anchor::Value,
                    format!("unknown request encoding `{word}` in method `{}`", rm.name),
                    Some(hint),
                );
                return BodyEncoding::Json;
            }
        };
        let binary_schema = rm.request.as_ref().is_some_and(|s| {
            s.ty.as_ref().map(|t| t.parse()) == Some(Ok(SchemaType::String))
                && s.format.as_deref() == Some("binary")
        });
        let problem = match (encoding, request) {
            (_, None) => Some("the method has no `request` to encode"),
            (BodyEncoding::Form, Some(Ty::Named(_))) => None,
            (BodyEncoding::Form, Some(_)) => {
                Some("a form body is an object: its fields are the form's pairs")
            }
            (BodyEncoding::Binary, Some(_)) if !binary_schema => {
                Some("a binary body is `{ type: string, format: binary }`")
            }
            _ => None,
        };
        if let Some(problem) = problem {
            self.report.error(
                &epath,
                Anchor::Value,
                format!(
                    "method `{}` cannot send a `{word}` body: {problem}",
                    rm.name
                ),
                None,
            );
        }
        encoding
    }
}
