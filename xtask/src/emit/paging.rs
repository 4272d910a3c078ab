//! The streams of a paged method: one per paging location and style, each a scope-free
//! function in `calls` driving a runtime pager (`rt::offset`, `rt::cursor`, `rt::crawl`), and its
//! scope-bounded forwarder.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::access::{mut_creating, optional_read};
use super::docs::docs;
use super::forwarder::Forwarder;
use super::ident;
use super::out::ModuleOut;
use super::types::ty_tokens;
use crate::model::*;

/// The streams of `m` into `out`.
pub(super) fn streams(m: &Method, paging: &Paging, bound: &TokenStream, out: &mut ModuleOut) {
    let common = Common {
        m,
        paging,
        name: ident(&m.rust_name),
        item_ty: ty_tokens(&paging.item_ty),
        max: paging.max_page_size,
        items: optional_read(quote!(response), &paging.items, false),
        ends: Ends::of(paging),
        stream_args: StreamArgs::of(m),
        bound,
    };
    match &paging.location {
        PagingLocation::Params => params_stream(&common, out),
        PagingLocation::Body {
            to_paging,
            cleared_after_first,
            crawl,
        } => {
            body_stream(&common, to_paging, cleared_after_first.as_ref(), out);
            if let Some(crawl) = crawl {
                crawl_stream(&common, crawl, out);
            }
        }
    }
}

/// What every stream of a method shares.
struct Common<'m> {
    m: &'m Method,
    paging: &'m Paging,
    /// The method the stream calls for each page.
    name: Ident,
    item_ty: TokenStream,
    max: u32,
    /// The items of a page, from `response`.
    items: TokenStream,
    ends: Ends,
    stream_args: StreamArgs,
    bound: &'m TokenStream,
}

/// What a response says about the pages after it (`hasNext`, the total), read before its items
/// are moved out: statements binding them, and the `rt::Page` builder calls that pass them on.
struct Ends {
    read: TokenStream,
    calls: TokenStream,
}

impl Ends {
    fn of(paging: &Paging) -> Ends {
        let mut read = TokenStream::new();
        let mut calls = TokenStream::new();
        if let Some(steps) = &paging.has_next {
            let value = optional_read(quote!(&response), steps, true);
            read.extend(quote!(let has_next = #value.copied();));
            calls.extend(quote!(.has_next(has_next)));
        }
        if let Some(steps) = &paging.total {
            let value = optional_read(quote!(&response), steps, true);
            read.extend(quote!(let total = #value.map(|t| i64::from(*t));));
            calls.extend(quote!(.total(total)));
        }
        Ends { read, calls }
    }
}

/// What every stream function of a method takes besides the request: the path arguments and
/// the query parameters. Declarations for a stream function (borrowing `'a`) and the arguments
/// passed on.
#[derive(Clone)]
struct StreamArgs {
    params: Vec<TokenStream>,
    args: Vec<TokenStream>,
}

impl StreamArgs {
    fn of(m: &Method) -> StreamArgs {
        let mut params = Vec::new();
        let mut args = Vec::new();
        for part in &m.path_parts {
            if let PathPart::Arg { rust_name, .. } = part {
                let p = ident(rust_name);
                params.push(quote!(#p: &'a str));
                args.push(quote!(#p));
            }
        }
        if let Some(params_type) = &m.params_type {
            let p = ident(params_type);
            params.push(quote!(params: &'a #p));
            args.push(quote!(params));
        }
        StreamArgs { params, args }
    }
}

/// The request type of a method that pages in its body (lowering checked it has one).
fn request_tokens(m: &Method) -> TokenStream {
    ty_tokens(
        m.request
            .as_ref()
            .expect("lowering gives a body-paged method a request"),
    )
}

/// `paging.field = value;` for a field of the paging object; `value` is a `u32` expression, or
/// `None` for the page-size constant.
/// `max` as a literal of the field's number type (Wix's metadata types some limits as plain
/// numbers: `100.0` then).
fn number_lit(ty: &Ty, max: u32) -> TokenStream {
    if *ty == Ty::F64 {
        let lit = Literal::f64_unsuffixed(f64::from(max));
        quote!(#lit)
    } else {
        let lit = Literal::u32_unsuffixed(max);
        quote!(#lit)
    }
}

fn set_field(field: &FieldRef, value: Option<TokenStream>, max: u32) -> TokenStream {
    let fi = ident(&field.rust_name);
    let value = match (value, &field.ty) {
        (None, ty) => number_lit(ty, max),
        (Some(v), Ty::I32) => quote!(#v as i32),
        (Some(v), Ty::I64) => quote!(i64::from(#v)),
        (Some(v), Ty::F64) => quote!(f64::from(#v)),
        (Some(v), _) => v,
    };
    if field.required {
        quote!(paging.#fi = #value;)
    } else {
        quote!(paging.#fi = Some(#value);)
    }
}

/// A stream function in `calls` and its public forwarder.
#[allow(clippy::too_many_arguments)]
fn push_stream(
    out: &mut ModuleOut,
    fn_name: &str,
    doc: &TokenStream,
    stream_args: &StreamArgs,
    request: (TokenStream, TokenStream),
    item_ty: &TokenStream,
    body: TokenStream,
    bound: &TokenStream,
) {
    let name = ident(fn_name);
    let (request_param, request_arg) = request;
    let mut params = stream_args.params.clone();
    params.push(request_param);
    let mut args = stream_args.args.clone();
    args.push(request_arg);
    let ret = quote!(rt::BoxStream<'a, Result<#item_ty, Error>>);
    out.calls.push(quote! {
        #[inline]
        pub(super) fn #name<'a>(client: rt::Sender<'a>, #(#params),*) -> #ret {
            #body
        }
    });
    out.client.push(
        Forwarder {
            doc,
            name: &name,
            future: false,
            params: &params,
            args: &args,
            ret,
            bound,
        }
        .tokens(),
    );
}

/// Offset or cursor paging through a paging object in the request body.
fn body_stream(
    c: &Common,
    to_paging: &[Step],
    cleared_after_first: Option<&ClearedFields>,
    out: &mut ModuleOut,
) {
    let Common {
        m,
        paging,
        name,
        item_ty,
        max,
        items,
        ends,
        stream_args,
        bound,
    } = c;
    let max = *max;
    let method_name = &m.rust_name;
    let Ends {
        read: read_ends,
        calls: end_calls,
    } = ends;
    let req_ty = request_tokens(m);
    let reach = mut_creating(quote!(request), to_paging);
    let args = &stream_args.args;
    let (doc, body) = match &paging.style {
        PagingStyle::Offset => {
            let set_limit = set_field(&paging.limit, Some(quote!(limit)), max);
            let set_offset = set_field(&paging.position, Some(quote!(offset)), max);
            let doc = docs(&format!(
                "Every item of [`Self::{}`], page after page (offset paging, {max} per page).\n\nThe paging of `request` is overwritten; its filter and sort are kept.",
                m.rust_name
            ));
            let body = quote! {
                rt::offset_pages(#method_name, #max, move |offset, limit| {
                    let mut request = request.clone();
                    let paging = #reach;
                    #set_limit
                    #set_offset
                    async move {
                        let response = #name(client, #(#args,)* &request).await?;
                        #read_ends
                        Ok(rt::Page::new(#items.unwrap_or_default()) #end_calls)
                    }
                })
            };
            (doc, body)
        }
        PagingStyle::Cursor { next_cursor } => {
            let set_limit = set_field(&paging.limit, None, max);
            let cursor = ident(&paging.position.rust_name);
            let next = optional_read(quote!(&response), next_cursor, true);
            // After the first page the cursor carries the filter and sort: send only the cursor.
            let clear_after_first = cleared_after_first.map(|cleared| {
                let parent = mut_creating(quote!(request), &cleared.to_parent);
                let clears = cleared.fields.iter().map(|f| {
                    let fi = ident(f);
                    quote!(parent.#fi = None;)
                });
                quote! {
                    if has_cursor {
                        let parent = #parent;
                        #(#clears)*
                    }
                }
            });
            // Only a request that has fields to clear after the first page asks.
            let has_cursor = clear_after_first
                .is_some()
                .then(|| quote!(let has_cursor = cursor.is_some();));
            let doc = docs(&format!(
                "Every item of [`Self::{}`], page after page (cursor paging, {max} per page).\n\nThe first request carries the filter and sort of `request`; the next ones carry only the cursor, which holds them.",
                m.rust_name
            ));
            let body = quote! {
                rt::cursor_pages(#method_name, move |cursor| {
                    let mut request = request.clone();
                    #has_cursor
                    let paging = #reach;
                    #set_limit
                    paging.#cursor = cursor;
                    #clear_after_first
                    async move {
                        let response = #name(client, #(#args,)* &request).await?;
                        let next = #next.cloned();
                        #read_ends
                        Ok(rt::Page::new(#items.unwrap_or_default()).next_cursor(next) #end_calls)
                    }
                })
            };
            (doc, body)
        }
    };
    push_stream(
        out,
        &paging.stream_fn,
        &doc,
        stream_args,
        (quote!(request: #req_ty), quote!(request)),
        item_ty,
        body,
        bound,
    );
}

/// The Stores V1 crawl by an ascending numeric field.
fn crawl_stream(c: &Common, crawl: &Crawl, out: &mut ModuleOut) {
    let Common {
        m,
        paging,
        name,
        item_ty,
        max,
        items,
        stream_args,
        bound,
        ..
    } = c;
    let max = *max;
    let req_ty = request_tokens(m);
    let args = &stream_args.args;
    let key_field = ident(&crawl.key.rust_field);
    let key_expr = match (crawl.key.optional, &crawl.key.ty) {
        (true, Ty::I32) => quote!(item.#key_field.map(i64::from)),
        (true, _) => quote!(item.#key_field),
        (false, Ty::I32) => quote!(Some(i64::from(item.#key_field))),
        (false, _) => quote!(Some(item.#key_field)),
    };
    let query_reach = mut_creating(quote!(request), &crawl.to_query);
    let wire = &crawl.wire;
    let method_name = &m.rust_name;
    let set_limit = set_field(&paging.limit, None, max);
    let clear_offset = {
        let fi = ident(&paging.position.rust_name);
        if paging.position.required {
            quote!(paging.#fi = 0;)
        } else {
            quote!(paging.#fi = None;)
        }
    };
    let paging_field = {
        let step = &crawl.query_to_paging;
        let f = ident(&step.rust_field);
        if step.optional {
            quote!(query.#f.get_or_insert_with(Default::default))
        } else {
            quote!(&mut query.#f)
        }
    };
    let doc = docs(&format!(
        "Every item of [`Self::{}`], crawled by ascending `{wire}`: for stores over 10k items, where offset paging stops.\n\nEach page asks for the items whose `{wire}` is greater than the last one seen; the filter of `request` is kept (its `{wire}` condition is replaced) and its sort is replaced by `{wire}` ascending.",
        m.rust_name
    ));
    let op_name = ident(&m.const_name);
    let body = quote! {
        fn key(item: &#item_ty) -> Option<i64> { #key_expr }
        rt::crawl(#method_name, key, move |after| {
            let mut request = request.clone();
            async move {
                let query = #query_reach;
                query.filter = Some(rt::crawl_filter(&operations::#op_name, query.filter.as_deref(), #wire, after)?);
                query.sort = Some(rt::crawl_sort(#wire));
                let paging = #paging_field;
                #set_limit
                #clear_offset
                let response = #name(client, #(#args,)* &request).await?;
                Ok(#items.unwrap_or_default())
            }
        })
    };
    push_stream(
        out,
        &crawl.crawl_fn,
        &doc,
        stream_args,
        (quote!(request: #req_ty), quote!(request)),
        item_ty,
        body,
        bound,
    );
}

/// The stream of a GET that pages through query parameters (`paging.limit`, `paging.cursor`).
fn params_stream(c: &Common, out: &mut ModuleOut) {
    let Common {
        m,
        paging,
        name,
        item_ty,
        max,
        items,
        ends,
        bound,
        ..
    } = c;
    let max = *max;
    let method_name = &m.rust_name;
    let Ends {
        read: read_ends,
        calls: end_calls,
    } = ends;
    let params_ty = ident(
        m.params_type
            .as_ref()
            .expect("lowering pages a GET only through its query parameters"),
    );
    let max_lit = number_lit(&paging.limit.ty, max);
    let limit = ident(&paging.limit.rust_name);
    let position = ident(&paging.position.rust_name);
    // The params struct is the request here: the stream takes it by value.
    let mut stream_args = StreamArgs::of(m);
    stream_args.params.pop();
    stream_args.args.pop();
    let args = &stream_args.args;
    let (body, style) = match &paging.style {
        PagingStyle::Cursor { next_cursor } => {
            let next = optional_read(quote!(&response), next_cursor, true);
            let body = quote! {
                rt::cursor_pages(#method_name, move |cursor| {
                    let mut params = params.clone();
                    params.#limit = Some(#max_lit);
                    params.#position = cursor;
                    async move {
                        let response = #name(client, #(#args,)* &params).await?;
                        let next = #next.cloned();
                        #read_ends
                        Ok(rt::Page::new(#items.unwrap_or_default()).next_cursor(next) #end_calls)
                    }
                })
            };
            (body, "cursor")
        }
        PagingStyle::Offset => {
            let offset = match paging.position.ty {
                Ty::I64 => quote!(i64::from(offset)),
                Ty::F64 => quote!(f64::from(offset)),
                _ => quote!(offset as i32),
            };
            let body = quote! {
                rt::offset_pages(#method_name, #max, move |offset, _limit| {
                    let mut params = params.clone();
                    params.#limit = Some(#max_lit);
                    params.#position = Some(#offset);
                    async move {
                        let response = #name(client, #(#args,)* &params).await?;
                        #read_ends
                        Ok(rt::Page::new(#items.unwrap_or_default()) #end_calls)
                    }
                })
            };
            (body, "offset")
        }
    };
    let doc = docs(&format!(
        "Every item of [`Self::{}`], page after page ({style} paging in the query parameters, {max} per page).\n\nThe paging of `params` is overwritten; its other parameters are kept.",
        m.rust_name
    ));
    push_stream(
        out,
        &paging.stream_fn,
        &doc,
        &stream_args,
        (quote!(params: #params_ty), quote!(params)),
        item_ty,
        body,
        bound,
    );
}
