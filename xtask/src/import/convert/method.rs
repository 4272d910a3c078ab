//! A method: its path, parameters, body, response and permission, from `meta.d.ts`, `meta.js`
//! and the universal declarations' JSDoc.

use super::*;
use crate::model::HttpMethod;
use crate::spec::keyword::{HTTP_METHODS, ParamLocation};

impl Cx<'_> {
    pub(super) fn method(
        &mut self,
        f: &crate::import::ts::Function,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> Option<spec::Method> {
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
            Ty::Lit(_) if post_instead => HttpMethod::Post,
            Ty::Lit(v) => match HTTP_METHODS.parse(v) {
                Ok(h) => h,
                Err(hint) => {
                    self.err(META, &f.name, format!("HTTP method `{v}`: {hint}"));
                    return None;
                }
            },
            other => {
                self.err(
                    META,
                    &f.name,
                    format!("HTTP method `{other:?}` is not a string literal"),
                );
                return None;
            }
        };
        if http.as_str() != js.http && !post_instead {
            self.err(
                META,
                &f.name,
                format!(
                    "HTTP method `{}` here, `{}` in meta.js",
                    http.as_str(),
                    js.http
                ),
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
        // The path: `{name}` of a path parameter stays; `{a.b}` binds a body field, which the
        // generator supports only with a body. Without one, it becomes a path argument.
        let path_names: Vec<String> = crate::template::params(&path).map(str::to_owned).collect();
        let mut rest_path = path.clone();
        let mut params = Vec::new();
        let request_decl = self.interface_props(&request);
        self.note_numbers(&request, &response, &js.floats);
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
            let description = request_decl
                .iter()
                .find(|q| q.name == *name || q.name == arg)
                .and_then(|q| doc_text(&q.doc));
            params.push(spec::Param {
                name: arg,
                location: ParamLocation::Path.into(),
                description,
                schema: Some(Schema::of(SchemaType::String)),
                required: None,
            });
        }

        // Permissions.
        let (ids, permission) = self.permission_tags(&f.name, &doc, permissions);
        self.fqns.insert(js.fqn.clone(), ids.clone());
        if let Some(fqn) = doc.first("fqn") {
            self.fqns.insert(fqn.to_owned(), ids);
        }

        // The request: a JSON body, or query parameters.
        let path_set: BTreeSet<&str> = path_names.iter().map(String::as_str).collect();
        let mut body = None;
        if js.body || post_instead {
            body = Some(self.reference(&request));
        } else if js.query {
            let mut dropped = Vec::new();
            for q in request_decl
                .iter()
                .filter(|q| !path_set.contains(q.name.as_str()))
            {
                self.query_params(&request, &mut dropped, &q.name, q, &mut params, 0);
            }
            if !dropped.is_empty() {
                let list: Vec<String> = dropped.iter().map(|d| format!("`{d}`")).collect();
                docs.push_str(&format!(
                    "\n\nNot sent: {} (lists of objects and maps do not fit a query string; Wix's SDK leaves them out too).",
                    list.join(", ")
                ));
            }
        }
        let in_body = js.body || post_instead;
        let paging = self.paging(&request, &response, in_body, &params);
        Some(spec::Method {
            name: display_name(&f.name),
            docs: Some(docs),
            deprecated: deprecation(&doc),
            http: http.into(),
            path: rest_path,
            permission,
            params,
            request: body,
            request_encoding: None,
            response: Some(self.reference(&response)),
            retry_safe: None,
            paging,
            query: None,
        })
    }

    /// A request field as query parameters: scalars as they are, objects flattened to dotted
    /// names; lists and open values are left to the body-less request's docs.
    pub(super) fn query_params(
        &mut self,
        request: &str,
        dropped: &mut Vec<String>,
        name: &str,
        p: &Prop,
        out: &mut Vec<spec::Param>,
        depth: usize,
    ) {
        let (ty, _) = strip_null(&p.ty);
        let at = self.field_at(request, name).unwrap_or_default();
        // A scalar, or a list of them: the key repeated, as Wix's SDK sends it.
        let scalar = match &ty {
            Ty::Array(item) => self
                .scalar_param(&strip_null(item).0, &at)
                .map(|items| Schema {
                    items: Some(Box::new(items)),
                    ..Schema::of(SchemaType::Array)
                }),
            other => self.scalar_param(other, &at),
        };
        if let Some(schema) = scalar {
            out.push(spec::Param {
                name: name.to_owned(),
                location: ParamLocation::Query.into(),
                description: doc_text(&p.doc),
                schema: Some(schema),
                required: None,
            });
            return;
        }
        if let Ty::Ref(n, a) = &ty {
            if a.is_empty() && depth < 4 {
                let props = self.interface_props(n);
                if !props.is_empty() {
                    for sub in props {
                        self.query_params(
                            request,
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

    /// The schema of a query parameter's value (at `at`, as [`Cx::schema`] names fields): a
    /// string (or timestamp), integer or float, boolean, enum or string literals; `None` for
    /// anything else.
    pub(super) fn scalar_param(&mut self, ty: &Ty, at: &str) -> Option<Schema> {
        match ty {
            Ty::String | Ty::Date => Some(Schema::of(SchemaType::String)),
            Ty::Number => Some(self.number_schema(at)),
            Ty::Boolean => Some(Schema::of(SchemaType::Boolean)),
            Ty::Ref(n, a) if a.is_empty() => self.enum_name(n).map(|e| {
                self.want(&e);
                reference(&e)
            }),
            Ty::Union(v) if v.iter().all(|t| matches!(t, Ty::Lit(_))) => {
                Some(Schema::of(SchemaType::String))
            }
            _ => None,
        }
    }
}
