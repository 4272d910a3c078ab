//! A module file: the client with one scope-bounded method per Wix method, the scope-free
//! request functions (`calls`), the `operations` metadata, and the module's items.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::access::optional_read;
use super::docs::{docs, inner_docs};
use super::events::events_tokens;
use super::forwarder::{Forwarder, access_bound, access_doc};
use super::ident;
use super::out::ModuleOut;
use super::types::{ty_tokens, type_def};
use crate::layout::{Layout, Names};
use crate::model::*;

pub(super) fn module_rs(module: &Module, layout: &Layout) -> TokenStream {
    let client = ident(&module.type_name);
    let client_name = &module.type_name;
    let title = &module.title;
    if module.name == SHARED_MODULE {
        return shared_module_rs(module);
    }
    // A module with no methods (a package of webhooks only) uses little of its imports.
    let allow_unused = module
        .methods
        .is_empty()
        .then(|| quote!(#[allow(unused_imports)]));
    // Structs get their serde impls from `rt::object!`; enums name the traits.
    let serde_use = module
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Enum { .. } | TypeKind::OneOf { .. }))
        .then(|| {
            quote!(
                use serde::{Deserialize, Serialize};
            )
        });
    let names = layout.names_from(module);
    let imports = module.imports.iter().map(|i| ident(i));
    let shared = &names.shared;
    let uses = (!module.imports.is_empty()).then(|| {
        quote! {
            #[doc(no_inline)]
            pub use #shared::{#(#imports),*};
        }
    });
    let module_docs = inner_docs(&format!(
        "{}\n\n{}\n\nVersion track `{}`; host `{}`. Generated from `{}`.",
        module.title, module.docs, module.version, module.host, module.source
    ));
    let mut out = ModuleOut::default();
    for m in &module.methods {
        method(module, m, &names, &mut out);
    }
    out.items.extend(module.types.iter().flat_map(type_def));
    out.items.push(events_tokens(module, &names));
    let ModuleOut {
        client: methods,
        calls,
        operations,
        items,
    } = out;
    let client_doc = docs(&format!(
        "The {title} client: one async method per Wix method.\n\nMade from a [`Scoped`] client; a method compiles only when the scope set `S` grants its permission. It is `Copy`, and its methods take it by value."
    ));
    quote! {
        #module_docs

        #serde_use
        #allow_unused
        use wix_rest_runtime::__private as rt;
        #allow_unused
        use wix_rest_runtime::{Error, ScopeSet, Scoped};

        #uses

        #client_doc
        pub struct #client<'a, S: ScopeSet> {
            wix: Scoped<'a, S>,
        }

        impl<S: ScopeSet> Clone for #client<'_, S> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<S: ScopeSet> Copy for #client<'_, S> {}

        impl<S: ScopeSet> std::fmt::Debug for #client<'_, S> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#client_name).field("wix", &self.wix).finish()
            }
        }

        impl<'a, S: ScopeSet> #client<'a, S> {
            /// The client of this module for a scoped client.
            pub fn new(wix: &Scoped<'a, S>) -> Self {
                Self { wix: *wix }
            }

            #(#methods)*
        }

        /// The requests themselves, free of the scope set: each is compiled once, whatever the
        /// number of scope sets an app declares. They are `#[inline]`: a request and the
        /// decoding of its response are compiled in the app that calls them, not in this crate.
        ///
        /// SAFETY (of every `unsafe { rt::call(..) }` below): this module is private, and each
        /// function is called only by the method of the same name on the module client (or by a
        /// paging function called only by such a method), whose `where` clause bounds the scope
        /// set by the permission trait of the operation it sends. That bound is the proof
        /// `rt::call` requires.
        mod calls {
            #allow_unused
            use super::*;

            #(#calls)*
        }

        /// The metadata of each method: path, permission, the scopes that grant it, retry safety.
        pub mod operations {
            #allow_unused
            use wix_rest_runtime::{HttpMethod, Operation, Requires};

            #(#operations)*
        }

        #(#items)*
    }
}

/// The shared module: its types only, each compiled only with the features of the modules that
/// use it (a module's build compiles the shared types it needs, not all of them).
fn shared_module_rs(module: &Module) -> TokenStream {
    let module_docs = inner_docs(&format!(
        "{}\n\n{}\n\nEach type is compiled with the features of the modules that use it.\n\nGenerated from `{}`.",
        module.title, module.docs, module.source
    ));
    let mut items = TokenStream::new();
    for t in &module.types {
        let features = &t.users;
        // Every item of the type (its definition and its impls) under the same `cfg`.
        let cfg = quote!(#[cfg(any(#(feature = #features),*))]);
        for item in type_def(t) {
            items.extend(cfg.clone());
            items.extend(item);
        }
    }
    quote! {
        #module_docs

        #[allow(unused_imports)]
        use serde::{Deserialize, Serialize};
        #[allow(unused_imports)]
        use wix_rest_runtime::__private as rt;

        #items
    }
}

fn method(module: &Module, m: &Method, names: &Names, out: &mut ModuleOut) {
    let name = ident(&m.rust_name);
    let op_name = ident(&m.const_name);
    let op = quote!(&operations::#op_name);
    let scopes = m.access.scopes();
    let requirement = access_doc(&m.access);
    let encoding = match m.request_encoding {
        BodyEncoding::Json => String::new(),
        other => format!(" · body sent as `{}`", other.content_type()),
    };
    let mut doc = docs(&format!(
        "{}\n\n`{} {}` · Wix: *{}*{encoding}\n\n{requirement}",
        m.docs,
        m.http.as_str(),
        m.path,
        m.wix_name,
    ));
    if let Some(note) = &m.deprecated {
        doc.extend(quote!(#[deprecated(note = #note)]));
    }

    if let Some(query) = &m.query {
        out.items.push(super::query::builder(module, m, query));
    }

    // Arguments, in order: path arguments, query parameters, body.
    let mut params = Vec::new();
    let mut args: Vec<TokenStream> = Vec::new();
    let mut prelude = Vec::new();
    let mut body_parts = Vec::new();
    let mut body_vars = Vec::new();
    let mut format_str = String::new();
    let mut format_args = Vec::new();
    for part in &m.path_parts {
        match part {
            PathPart::Literal(l) => format_str.push_str(&l.replace('{', "{{").replace('}', "}}")),
            PathPart::Arg { rust_name, .. } => {
                let a = ident(rust_name);
                params.push(quote!(#a: &'f str));
                args.push(quote!(#a));
                format_str.push_str("{}");
                format_args.push(quote!(rt::segment(#a)));
            }
            PathPart::Body { dotted, steps } => {
                let var = format_ident!("path_{}", format_args.len());
                let expr = optional_read(quote!(body), steps, true);
                body_parts.push(quote! {
                    #expr.map(ToString::to_string).ok_or_else(|| rt::missing(#op, #dotted))
                });
                body_vars.push(var.clone());
                format_str.push_str("{}");
                format_args.push(quote!(rt::segment(&#var)));
            }
        }
    }
    let format = if format_args.is_empty() {
        quote!(#format_str.to_owned())
    } else {
        quote!(format!(#format_str, #(#format_args),*))
    };
    // The path, or the error of a path field missing from the body (returned when awaited).
    let path_expr = if body_parts.is_empty() {
        quote!(Ok(#format))
    } else {
        quote!(rt::path_fields([#(#body_parts),*]).map(|[#(#body_vars),*]| #format))
    };

    let query_expr = match &m.params_type {
        None => quote!(Vec::new()),
        Some(params_type) => {
            let params_name = ident(params_type);
            out.items.push(params_struct(module, m, &params_name));
            let pushes = m.query_params.iter().map(|p| {
                let f = ident(&p.rust_name);
                let wire = &p.wire;
                let value = |ty: &Ty| match ty {
                    Ty::Named(_) => quote!(v.as_str().to_owned()),
                    _ => quote!(v.to_string()),
                };
                match (&p.ty, p.required) {
                    // A list: the key once per value.
                    (Ty::Array(inner), true) => {
                        let value = value(inner);
                        quote! { for v in &params.#f { query.push((#wire, #value)); } }
                    }
                    (Ty::Array(inner), false) => {
                        let value = value(inner);
                        quote! { for v in params.#f.iter().flatten() { query.push((#wire, #value)); } }
                    }
                    (ty, true) => {
                        let value = value(ty);
                        quote! { { let v = &params.#f; query.push((#wire, #value)); } }
                    }
                    (ty, false) => {
                        let value = value(ty);
                        quote! { if let Some(v) = &params.#f { query.push((#wire, #value)); } }
                    }
                }
            });
            params.push(quote!(params: &'f #params_name));
            args.push(quote!(params));
            prelude.push(quote! {
                let mut query = Vec::new();
                #(#pushes)*
            });
            quote!(query)
        }
    };

    let body_expr = match &m.request {
        Some(_) if m.request_encoding == BodyEncoding::Binary => {
            params.push(quote!(body: &'f [u8]));
            args.push(quote!(body));
            quote!(Ok(Some(rt::binary_body(body))))
        }
        Some(ty) => {
            let t = ty_tokens(ty);
            params.push(quote!(body: &'f #t));
            args.push(quote!(body));
            match m.request_encoding {
                BodyEncoding::Form => quote!(rt::form_body(#op, body).map(Some)),
                _ => quote!(rt::json_body(#op, body).map(Some)),
            }
        }
        None if m.sends_empty_object => quote!(Ok(Some(rt::empty_json_body()))),
        None => quote!(Ok(None)),
    };
    let (ret, call) = match &m.response {
        Some(ty) => {
            let t = ty_tokens(ty);
            (
                t,
                quote!(unsafe { rt::call(client, #op, path, #query_expr, #body_expr) }),
            )
        }
        None => (
            quote!(()),
            quote!(unsafe { rt::call_no_content(client, #op, path, #query_expr, #body_expr) }),
        ),
    };
    let bound = access_bound(&m.access, &names.permissions);
    out.client.push(
        Forwarder {
            doc: &doc,
            name: &name,
            future: true,
            params: &params,
            args: &args,
            ret: quote!(rt::BoxFuture<'f, Result<#ret, Error>>),
            bound: &bound,
        }
        .tokens(),
    );
    out.calls.push(quote! {
        #[inline]
        pub(super) fn #name<'f>(client: rt::Sender<'f>, #(#params),*) -> rt::BoxFuture<'f, Result<#ret, Error>> {
            #(#prelude)*
            let path = #path_expr;
            #call
        }
    });

    if let Some(paging) = &m.paging {
        super::paging::streams(m, paging, &bound, out);
    }

    out.operations
        .push(operation(module, m, &scopes, &names.scopes));
}

/// The struct of a method's query parameters.
fn params_struct(module: &Module, m: &Method, params_name: &Ident) -> TokenStream {
    let fields = m.query_params.iter().map(|p| {
        let f = ident(&p.rust_name);
        let ty = ty_tokens(&p.ty);
        let ty = if p.required { ty } else { quote!(Option<#ty>) };
        let doc = docs(&p.description);
        quote!(#doc pub #f: #ty,)
    });
    let doc = format!(
        " The query parameters of [`{}::{}`].",
        module.type_name, m.rust_name
    );
    let derive_default = m
        .query_params
        .iter()
        .all(|p| !p.required)
        .then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, #derive_default PartialEq)]
        pub struct #params_name {
            #(#fields)*
        }
    }
}

/// The `operations` static of a method.
fn operation(
    module: &Module,
    m: &Method,
    scopes: &[&ScopeRef],
    scopes_module: &TokenStream,
) -> TokenStream {
    let op_name = ident(&m.const_name);
    let wix_name = &m.wix_name;
    let http = ident(m.http.variant());
    let host = &module.host;
    let path = &m.path;
    let requires = match &m.access {
        Access::Open => quote!(Requires::Nothing),
        Access::Unpublished => quote!(Requires::Unpublished),
        Access::All(reqs) => {
            let ids = reqs.iter().map(|r| &r.permission);
            quote!(Requires::All(&[#(#ids),*]))
        }
    };
    let module_name = &module.name;
    let rust_name = &m.rust_name;
    let retry_safe = m.retry_safe;
    let scope_consts = scopes.iter().map(|s| ident(&s.const_name));
    let op_doc = format!(
        " [`{}::{}`](super::{}::{}): `{} {}`.",
        module.type_name,
        m.rust_name,
        module.type_name,
        m.rust_name,
        m.http.as_str(),
        m.path
    );
    quote! {
        #[doc = #op_doc]
        pub static #op_name: Operation = Operation {
            module: #module_name,
            name: #rust_name,
            wix_name: #wix_name,
            http_method: HttpMethod::#http,
            host: #host,
            path: #path,
            requires: #requires,
            scopes: &[#(&#scopes_module::#scope_consts),*],
            retry_safe: #retry_safe,
        };
    }
}
