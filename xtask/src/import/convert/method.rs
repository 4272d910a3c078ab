//! A method: its path, parameters, body, response and permission, from `meta.d.ts`, `meta.js`
//! and the universal declarations' JSDoc.

use super::*;

impl Cx<'_> {
    pub(super) fn method(
        &mut self,
        f: &crate::import::ts::Function,
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
        let path_names: Vec<String> = crate::template::params(&path).map(str::to_owned).collect();
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

    /// A request field as query parameters: scalars as they are, objects flattened to dotted
    /// names; lists and open values are left to the body-less request's docs.
    pub(super) fn query_params(
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
    pub(super) fn scalar_param(&mut self, ty: &Ty) -> Option<Yaml> {
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
}
