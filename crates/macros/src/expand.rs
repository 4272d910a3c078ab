//! parse -> validate -> expand, on proc_macro2 types so it is unit-testable.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{LitStr, Path, Token};

use crate::hint::did_you_mean;
use crate::table::{CRATE, PERMISSIONS, PermissionRow, SCOPES, ScopeRow};

/// One scope as the user wrote it, with its tokens (for error spans).
enum ScopeArg {
    /// `DC_STORES_READ_PRODUCTS`, `wix_rest::scopes::DC_STORES_READ_PRODUCTS`, ...
    Constant(Path),
    /// `"SCOPE.DC-STORES.READ-PRODUCTS"`
    Id(LitStr),
    /// `WIX_STORES.MODIFY_PRODUCTS` written bare: a permission id, never a scope.
    Dotted(String, TokenStream),
}

impl ScopeArg {
    fn tokens(&self) -> TokenStream {
        match self {
            ScopeArg::Constant(p) => p.to_token_stream(),
            ScopeArg::Id(l) => l.to_token_stream(),
            ScopeArg::Dotted(_, t) => t.clone(),
        }
    }
}

const EXAMPLE: &str = "a scope constant like `DC_STORES_READ_PRODUCTS` or a scope id like \"SCOPE.DC-STORES.READ-PRODUCTS\"";

fn parse_args(input: ParseStream) -> syn::Result<Vec<ScopeArg>> {
    let mut args = Vec::new();
    while !input.is_empty() {
        if input.peek(LitStr) {
            args.push(ScopeArg::Id(input.parse()?));
        } else if input.peek(syn::Ident::peek_any) || input.peek(Token![::]) {
            let path: Path = input.parse()?;
            if let Some(seg) = path.segments.iter().find(|s| !s.arguments.is_empty()) {
                return Err(syn::Error::new(
                    seg.arguments.span(),
                    format!("expected {EXAMPLE}, not a path with generic arguments"),
                ));
            }
            if input.peek(Token![.]) {
                // `WIX_STORES.MODIFY_PRODUCTS`: a permission id as a 403 prints it.
                let mut text = path.to_token_stream().to_string().replace(' ', "");
                let mut tokens = path.to_token_stream();
                while input.peek(Token![.]) {
                    let dot: Token![.] = input.parse()?;
                    let part: syn::Ident = input.call(syn::Ident::parse_any)?;
                    text.push('.');
                    text.push_str(&part.to_string());
                    dot.to_tokens(&mut tokens);
                    part.to_tokens(&mut tokens);
                }
                args.push(ScopeArg::Dotted(text, tokens));
            } else {
                args.push(ScopeArg::Constant(path));
            }
        } else {
            return Err(input.error(format!("expected {EXAMPLE}")));
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(args)
}

/// `CONSTANT (SCOPE.ID, "Name")` for each scope that grants the permission.
fn granting(permission: &PermissionRow) -> String {
    let scopes: Vec<String> = SCOPES
        .iter()
        .filter(|s| s.grants.contains(&permission.trait_name))
        .map(|s| format!("{} ({}, \"{}\")", s.constant, s.id, s.name))
        .collect();
    if scopes.is_empty() {
        "no scope in the table grants it".to_owned()
    } else {
        format!(
            "declare one of the scopes that grant it: {}",
            scopes.join(", ")
        )
    }
}

/// The error for a permission (by id, constant or trait) written where a scope is expected.
fn permission_error(written: &str, permission: &PermissionRow, tokens: &TokenStream) -> syn::Error {
    let what = if written == permission.id {
        format!("`{written}` is a permission (what a method requires and a 403 names), not a scope")
    } else {
        format!(
            "`{written}` names the permission `{}`, not a scope",
            permission.id
        )
    };
    syn::Error::new_spanned(tokens, format!("{what}; {}", granting(permission)))
}

/// The error for a scope's display name (what the Wix dashboard shows) written as its id.
fn display_name_error(written: &str, scopes: &[&ScopeRow], tokens: &TokenStream) -> syn::Error {
    let list: Vec<String> = scopes
        .iter()
        .map(|s| format!("`{}` (\"{}\")", s.constant, s.id))
        .collect();
    syn::Error::new_spanned(
        tokens,
        format!(
            "\"{written}\" is the name the Wix dashboard shows for a scope, not its id; write {}",
            list.join(" or ")
        ),
    )
}

/// A string (id, permission id or display name) to its scope, or the error that explains it.
fn lookup_text(text: &str, tokens: &TokenStream, quoted: bool) -> syn::Result<&'static ScopeRow> {
    if let Some(row) = SCOPES.iter().find(|s| s.id == text) {
        return Ok(row);
    }
    if let Some(p) = PERMISSIONS.iter().find(|p| p.id == text) {
        return Err(permission_error(text, p, tokens));
    }
    let by_name: Vec<&ScopeRow> = SCOPES
        .iter()
        .filter(|s| s.name.eq_ignore_ascii_case(text.trim()))
        .collect();
    if !by_name.is_empty() {
        return Err(display_name_error(text, &by_name, tokens));
    }
    let hint = did_you_mean(text, SCOPES.iter().map(|s| s.id)).map_or_else(
        || format!("; the scope ids are listed in `{CRATE}::scopes`"),
        |c| format!("; did you mean \"{c}\"?"),
    );
    let shown = if quoted {
        format!("\"{text}\"")
    } else {
        format!("`{text}`")
    };
    Err(syn::Error::new_spanned(
        tokens,
        format!("unknown scope {shown}{hint}"),
    ))
}

/// The prefixes a scope constant may carry: none, `scopes::`, `wix_rest::scopes::` (with or
/// without a leading `::`). The macro reads names, not resolved paths, so any other prefix
/// would be silently ignored: it is an error.
fn legitimate_prefix(path: &Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match names.len() {
        1 => path.leading_colon.is_none(),
        2 => path.leading_colon.is_none() && names[0] == "scopes",
        3 => names[0] == CRATE && names[1] == "scopes",
        _ => false,
    }
}

fn lookup_constant(path: &Path) -> syn::Result<&'static ScopeRow> {
    let tokens = path.to_token_stream();
    let name = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if !legitimate_prefix(path) {
        let prefix: Vec<String> = path
            .segments
            .iter()
            .take(path.segments.len() - 1)
            .map(|s| s.ident.to_string())
            .collect();
        let lead = if path.leading_colon.is_some() {
            "::"
        } else {
            ""
        };
        return Err(syn::Error::new_spanned(
            tokens,
            format!(
                "`{lead}{}` is not the scopes module of {CRATE}: write the scope as `{name}`, `scopes::{name}` or `{CRATE}::scopes::{name}` (the macro reads the name, it does not resolve the path)",
                prefix.join("::")
            ),
        ));
    }
    if let Some(row) = SCOPES.iter().find(|s| s.constant == name) {
        return Ok(row);
    }
    if let Some(p) = PERMISSIONS
        .iter()
        .find(|p| p.constant == name || p.trait_name == name)
    {
        return Err(permission_error(&name, p, &tokens));
    }
    let hint = did_you_mean(&name, SCOPES.iter().map(|s| s.constant)).map_or_else(
        || format!("; the scopes are the constants of `{CRATE}::scopes`"),
        |c| format!("; did you mean `{c}`?"),
    );
    Err(syn::Error::new_spanned(
        tokens,
        format!("unknown scope `{name}`{hint}"),
    ))
}

/// The scopes of the arguments; problems are collected, not fatal.
fn resolve(args: TokenStream, errors: &mut Vec<syn::Error>) -> Vec<&'static ScopeRow> {
    let parsed = match parse_args.parse2(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    if parsed.is_empty() {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!("declare at least one scope: {EXAMPLE}"),
        ));
    }
    let mut rows: Vec<&'static ScopeRow> = Vec::new();
    for arg in &parsed {
        let found = match arg {
            ScopeArg::Constant(path) => lookup_constant(path),
            ScopeArg::Id(lit) => lookup_text(&lit.value(), &arg.tokens(), true),
            ScopeArg::Dotted(text, tokens) => lookup_text(text, tokens, false),
        };
        match found {
            Ok(row) => {
                if rows.iter().any(|r| std::ptr::eq(*r, row)) {
                    errors.push(syn::Error::new_spanned(
                        arg.tokens(),
                        format!("the scope `{}` ({}) is listed twice", row.constant, row.id),
                    ));
                } else {
                    rows.push(row);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    rows
}

/// The `ScopeSet` impl and one permission-trait impl per granted permission. With errors, every
/// permission is granted, so that one mistake is reported once and not at every call.
///
/// The traits are `unsafe`: these impls are the checked proof the generated methods rely on.
/// Every token but `target` is spanned at the macro's call site, so the impls belong to the
/// macro's expansion and the `unsafe_code` lint of the user's crate (an external macro's
/// output) does not fire: `#![forbid(unsafe_code)]` crates can declare scope sets.
///
/// Paths are names the user's crate resolves (`::wix_rest` can be redirected by
/// `extern crate self as wix_rest`), so what grants a permission is not the path but the
/// literals: each permission trait is implemented with its identity written out
/// (`WixStoresReadProducts<IDENTITY>`), and `ScopeSet::GRANTED` lists the granted permission ids
/// as strings. A path renamed to another permission's trait gets an impl for an identity that
/// trait's methods do not require.
fn impls(target: &TokenStream, rows: &[&'static ScopeRow], has_errors: bool) -> TokenStream {
    let constants = rows.iter().map(|r| format_ident!("{}", r.constant));
    let mut granted: Vec<&'static PermissionRow> = if has_errors {
        PERMISSIONS.iter().collect()
    } else {
        rows.iter()
            .flat_map(|r| r.grants.iter())
            .map(|t| {
                PERMISSIONS
                    .iter()
                    .find(|p| p.trait_name == *t)
                    .expect("the table lists every permission a scope grants")
            })
            .collect()
    };
    granted.sort_unstable_by_key(|p| p.id);
    granted.dedup_by_key(|p| p.id);
    let ids = granted.iter().map(|p| p.id);
    let traits = granted.iter().map(|p| {
        let name = format_ident!("{}", p.trait_name);
        let identity = proc_macro2::Literal::u64_unsuffixed(p.identity);
        quote!(#name<#identity>)
    });
    let krate = format_ident!("{CRATE}");
    quote! {
        // SAFETY: the scopes were checked against the committed scope table by the macro, and
        // each permission trait below is one of a permission they grant, named by its identity.
        unsafe impl ::#krate::ScopeSet for #target {
            const SCOPES: &'static [&'static ::#krate::Scope] = &[#(&::#krate::scopes::#constants),*];
            const GRANTED: &'static [&'static str] = &[#(#ids),*];
        }
        #(unsafe impl ::#krate::permissions::#traits for #target {})*
    }
}

fn errors_tokens(errors: Vec<syn::Error>) -> TokenStream {
    errors.into_iter().map(|e| e.to_compile_error()).collect()
}

/// Whether an attribute (its path) is one of ours: `scope_set`, `scopes`, with any prefix.
fn is_ours(path: &Path) -> Option<String> {
    let last = path.segments.last()?.ident.to_string();
    (last == "scope_set" || last == "scopes").then_some(last)
}

/// The error for a second scope attribute on one item (the first one is being expanded).
fn second_attribute_error(attr: &syn::Attribute, which: &str, own: &str) -> syn::Error {
    let message = if which == own {
        format!(
            "a second #[{which}] on the same item: declare the scopes in one list, like #[{own}(A, B)]"
        )
    } else {
        format!("#[{which}] on an item that already has #[{own}]: declare the scopes in one list")
    };
    syn::Error::new_spanned(attr, message)
}

pub fn scope_set(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let rows = resolve(args, &mut errors);
    let mut input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            let message = match syn::parse2::<syn::Item>(item.clone()) {
                Ok(syn::Item::Type(alias)) => format!(
                    "#[scope_set] goes on a unit struct, not on a type alias: a scope set is its own type, like `pub struct {};`; an alias of a declared set needs no attribute",
                    alias.ident
                ),
                Ok(syn::Item::Fn(_)) => {
                    "#[scope_set] goes on a unit struct, like `pub struct StoreSync;`; for the scopes of one function, put #[scopes] on it".to_owned()
                }
                _ => "#[scope_set] goes on a unit struct, like `pub struct StoreSync;`".to_owned(),
            };
            let e = syn::Error::new(Span::call_site(), message);
            return item
                .into_iter()
                .chain(errors_tokens(errors))
                .chain(e.to_compile_error())
                .collect();
        }
    };
    // A second scope attribute on the same struct: one error here, and it is removed so that it
    // does not expand into conflicting impls.
    let mut duplicate = false;
    input.attrs.retain(|attr| match is_ours(attr.path()) {
        Some(which) => {
            errors.push(second_attribute_error(attr, &which, "scope_set"));
            duplicate = true;
            false
        }
        None => true,
    });
    let unit_struct =
        matches!(&input.data, syn::Data::Struct(s) if matches!(s.fields, syn::Fields::Unit));
    if !unit_struct || !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.ident.span(),
            "a scope set is a unit struct without generics, like `pub struct StoreSync;`",
        ));
        return quote!(#input)
            .into_iter()
            .chain(errors_tokens(errors))
            .collect();
    }
    let item = if duplicate { quote!(#input) } else { item };
    let name = input.ident.to_token_stream();
    let has_errors = !errors.is_empty();
    let impls = impls(&name, &rows, has_errors);
    let errors = errors_tokens(errors);
    quote! {
        #item
        #impls
        #errors
    }
}

/// `sync_products` -> `SyncProductsScopes`: the scope set of a function, named after it so
/// that compiler messages name the function (a `Scopes` in every function would print as a
/// path through the function, `{closure#0}` included for an `async fn`).
fn set_name(function: &syn::Ident) -> syn::Ident {
    let name = function.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let mut pascal = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            pascal.extend(first.to_uppercase());
            pascal.push_str(chars.as_str());
        }
    }
    format_ident!("{pascal}Scopes")
}

/// The number of leading tokens of a block that are inner attributes (`#![allow(..)]`).
fn inner_attributes_len(body: &[TokenTree]) -> usize {
    let mut n = 0;
    while let [
        TokenTree::Punct(hash),
        TokenTree::Punct(bang),
        TokenTree::Group(group),
        ..,
    ] = &body[n..]
    {
        if hash.as_char() == '#' && bang.as_char() == '!' && group.delimiter() == Delimiter::Bracket
        {
            n += 3;
        } else {
            break;
        }
    }
    n
}

pub fn scopes_fn(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let rows = resolve(args, &mut errors);
    let misplaced = |message: &str, errors: Vec<syn::Error>| -> TokenStream {
        let e = syn::Error::new(Span::call_site(), message);
        item.clone()
            .into_iter()
            .chain(errors_tokens(errors))
            .chain(e.to_compile_error())
            .collect()
    };
    let function = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(function)) => function,
        Ok(syn::Item::Impl(_)) => {
            return misplaced(
                "#[scopes] goes on a function, not on an impl block: put it on each method that calls Wix, or declare a #[scope_set] struct and use it in the methods",
                errors,
            );
        }
        Ok(syn::Item::Trait(_)) => {
            return misplaced(
                "#[scopes] goes on a function with a body, not on a trait: scopes are declared where the calls are, in the implementations",
                errors,
            );
        }
        _ if syn::parse2::<syn::TraitItemFn>(item.clone()).is_ok_and(|f| f.default.is_none()) => {
            return misplaced(
                "#[scopes] needs a function body, and a trait method declaration has none: put #[scopes] on the method in each impl",
                errors,
            );
        }
        _ => {
            return misplaced(
                "#[scopes] goes on a function with a body; for a reusable set, put #[scope_set] on a struct",
                errors,
            );
        }
    };
    let set = set_name(&function.sig.ident);

    // The tokens as written (spans kept): outer attributes, signature, body.
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let Some(TokenTree::Group(body)) = tokens.pop() else {
        unreachable!("a parsed function ends with its body")
    };
    // A second scope attribute on the same function: one error, and it is removed.
    let mut kept: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let (TokenTree::Punct(hash), Some(TokenTree::Group(group))) =
            (&tokens[i], tokens.get(i + 1))
            && hash.as_char() == '#'
            && hash.spacing() == Spacing::Alone
            && group.delimiter() == Delimiter::Bracket
            && let Ok(attr) = syn::Attribute::parse_outer
                .parse2(quote!(#hash #group))
                .map(|mut a| a.remove(0))
            && let Some(which) = is_ours(attr.path())
        {
            errors.push(second_attribute_error(&attr, &which, "scopes"));
            i += 2;
            continue;
        }
        kept.push(tokens[i].clone());
        i += 1;
    }

    let has_errors = !errors.is_empty();
    let impls = impls(&set.to_token_stream(), &rows, has_errors);
    let errors = errors_tokens(errors);
    // Inner attributes (`#![allow(..)]`) must stay first in the block.
    let original: Vec<TokenTree> = body.stream().into_iter().collect();
    let (inner, rest) = original.split_at(inner_attributes_len(&original));
    let inner: TokenStream = inner.iter().cloned().collect();
    let rest: TokenStream = rest.iter().cloned().collect();
    let doc = format!(
        " The scopes declared on `{}` by `#[{CRATE}::scopes]`.",
        function.sig.ident
    );
    let alias_doc = format!(" The scopes declared on this function by `#[{CRATE}::scopes]`.");
    let mut new_body = Group::new(
        Delimiter::Brace,
        quote! {
            #inner
            #[doc = #doc]
            #[allow(dead_code)]
            struct #set;
            #[doc = #alias_doc]
            #[allow(dead_code)]
            type Scopes = #set;
            #impls
            #errors
            #rest
        },
    );
    new_body.set_span(body.span());
    kept.push(TokenTree::Group(new_body));
    kept.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_set(args: &str) -> String {
        scope_set(args.parse().unwrap(), "pub struct App;".parse().unwrap()).to_string()
    }

    #[test]
    fn any_scope_grants_its_permissions_and_nothing_else() {
        let out = expand_set("DC_STORES_READ_PRODUCTS");
        let read = PERMISSIONS
            .iter()
            .find(|p| p.id == "WIX_STORES.READ_PRODUCTS")
            .unwrap();
        let granted = format!("WixStoresReadProducts < {} > for App", read.identity);
        assert!(out.contains(&granted), "{out}");
        assert!(out.contains("\"WIX_STORES.READ_PRODUCTS\""), "{out}");
        assert!(!out.contains("WixStoresModifyProducts"), "{out}");
        assert!(!out.contains("\"WIX_STORES.MODIFY_PRODUCTS\""), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn ids_and_paths_name_the_same_scope() {
        let by_id = expand_set("\"SCOPE.DC-STORES.READ-PRODUCTS\"");
        let by_path = expand_set("wix_rest::scopes::DC_STORES_READ_PRODUCTS");
        assert_eq!(by_id, by_path);
    }

    #[test]
    fn mistakes_are_errors_with_hints_and_grant_everything() {
        let out = expand_set("DC_STORES_READ_PRODUTCS");
        assert!(
            out.contains("did you mean `DC_STORES_READ_PRODUCTS`?"),
            "{out}"
        );
        for p in PERMISSIONS {
            let written = format!("{} < {} > for App", p.trait_name, p.identity);
            assert!(out.contains(&written), "{written}: {out}");
        }
    }

    #[test]
    fn the_body_of_a_function_gets_a_scope_set_named_after_it() {
        let out = scopes_fn(
            "DC_STORES_READ_PRODUCTS".parse().unwrap(),
            "async fn sync_products() { body(); }".parse().unwrap(),
        )
        .to_string();
        assert!(out.starts_with("async fn sync_products ()"), "{out}");
        assert!(out.contains("struct SyncProductsScopes ;"), "{out}");
        assert!(out.contains("type Scopes = SyncProductsScopes ;"), "{out}");
        assert!(
            out.contains("unsafe impl :: wix_rest :: ScopeSet for SyncProductsScopes"),
            "{out}"
        );
        assert!(out.ends_with("body () ; }"), "{out}");
    }

    #[test]
    fn inner_attributes_stay_first_in_the_body() {
        let out = scopes_fn(
            "DC_STORES_READ_PRODUCTS".parse().unwrap(),
            "fn f() { #![allow(unused)] #![allow(dead_code)] body(); }"
                .parse()
                .unwrap(),
        )
        .to_string();
        assert!(
            out.replace(' ', "")
                .starts_with("fnf(){#![allow(unused)]#![allow(dead_code)]#[doc="),
            "{out}"
        );
    }

    #[test]
    fn permissions_and_display_names_are_explained() {
        let out = expand_set("\"WIX_STORES.MODIFY_PRODUCTS\"");
        assert!(out.contains("is a permission"), "{out}");
        assert!(out.contains("DC_STORES_MANAGE_PRODUCTS"), "{out}");
        let out = expand_set("WIX_STORES.MODIFY_PRODUCTS");
        assert!(out.contains("is a permission"), "{out}");
        let out = expand_set("WixStoresModifyProducts");
        assert!(
            out.contains("names the permission `WIX_STORES.MODIFY_PRODUCTS`"),
            "{out}"
        );
        let out = expand_set("\"Manage Products\"");
        assert!(out.contains("the name the Wix dashboard shows"), "{out}");
        assert!(out.contains("DC_STORES_MANAGE_PRODUCTS"), "{out}");
    }

    #[test]
    fn only_the_scopes_module_of_wix_rest_is_a_prefix() {
        for ok in [
            "DC_STORES_READ_PRODUCTS",
            "scopes::DC_STORES_READ_PRODUCTS",
            "wix_rest::scopes::DC_STORES_READ_PRODUCTS",
            "::wix_rest::scopes::DC_STORES_READ_PRODUCTS",
        ] {
            assert!(!expand_set(ok).contains("compile_error"), "{ok}");
        }
        for bad in [
            "other::DC_STORES_READ_PRODUCTS",
            "other::scopes::DC_STORES_READ_PRODUCTS",
            "crate::scopes::DC_STORES_READ_PRODUCTS",
            "::DC_STORES_READ_PRODUCTS",
            "wix_rest::DC_STORES_READ_PRODUCTS",
        ] {
            let out = expand_set(bad);
            assert!(
                out.contains("is not the scopes module of wix_rest"),
                "{bad}: {out}"
            );
        }
    }

    #[test]
    fn a_second_attribute_is_one_error_and_is_removed() {
        let out = scope_set(
            "DC_STORES_READ_PRODUCTS".parse().unwrap(),
            "#[wix_rest::scope_set(DC_STORES_MANAGE_ORDERS)] pub struct App;"
                .parse()
                .unwrap(),
        )
        .to_string();
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(!out.contains("DC_STORES_MANAGE_ORDERS)"), "{out}");
        assert!(out.contains("a second #[scope_set]"), "{out}");
    }
}
