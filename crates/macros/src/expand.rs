//! parse -> validate -> expand, on proc_macro2 types so it is unit-testable.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{LitStr, Path, Token};

use crate::table::{PERMISSION_TRAITS, SCOPES, ScopeRow};

/// One scope as the user wrote it.
enum ScopeArg {
    Constant(Path),
    Id(LitStr),
}

impl ScopeArg {
    fn span(&self) -> Span {
        match self {
            ScopeArg::Constant(p) => p.span(),
            ScopeArg::Id(l) => l.span(),
        }
    }
}

const EXAMPLE: &str = "a scope constant like `DC_STORES_READ_PRODUCTS` or a scope id like \"SCOPE.DC-STORES.READ-PRODUCTS\"";

fn parse_args(input: ParseStream) -> syn::Result<Vec<ScopeArg>> {
    let mut args = Vec::new();
    while !input.is_empty() {
        if input.peek(LitStr) {
            args.push(ScopeArg::Id(input.parse()?));
        } else if input.peek(syn::Ident) || input.peek(Token![::]) {
            let path: Path = input.parse()?;
            if let Some(seg) = path.segments.iter().find(|s| !s.arguments.is_empty()) {
                return Err(syn::Error::new(
                    seg.arguments.span(),
                    format!("expected {EXAMPLE}, not a path with generic arguments"),
                ));
            }
            args.push(ScopeArg::Constant(path));
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
    let mut rows: Vec<(&'static ScopeRow, Span)> = Vec::new();
    for arg in &parsed {
        let found = match arg {
            ScopeArg::Constant(path) => {
                let name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                SCOPES.iter().find(|s| s.constant == name).ok_or_else(|| {
                    let hint = did_you_mean(&name, SCOPES.iter().map(|s| s.constant)).map_or_else(
                        || "; the scopes are the constants of `wix_rest::scopes`".to_owned(),
                        |c| format!("; did you mean `{c}`?"),
                    );
                    syn::Error::new(path.span(), format!("unknown scope `{name}`{hint}"))
                })
            }
            ScopeArg::Id(lit) => {
                let id = lit.value();
                SCOPES.iter().find(|s| s.id == id).ok_or_else(|| {
                    let hint = did_you_mean(&id, SCOPES.iter().map(|s| s.id)).map_or_else(
                        || "; the scope ids are listed in `wix_rest::scopes`".to_owned(),
                        |c| format!("; did you mean \"{c}\"?"),
                    );
                    syn::Error::new(lit.span(), format!("unknown scope \"{id}\"{hint}"))
                })
            }
        };
        match found {
            Ok(row) => {
                if rows.iter().any(|(r, _)| std::ptr::eq(*r, row)) {
                    errors.push(syn::Error::new(
                        arg.span(),
                        format!("the scope `{}` ({}) is listed twice", row.constant, row.id),
                    ));
                } else {
                    rows.push((row, arg.span()));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    rows.into_iter().map(|(r, _)| r).collect()
}

fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The `ScopeSet` impl and one permission-trait impl per granted permission. With errors, every
/// permission is granted, so that one mistake is reported once and not at every call.
fn impls(target: &TokenStream, rows: &[&'static ScopeRow], has_errors: bool) -> TokenStream {
    let constants = rows.iter().map(|r| format_ident!("{}", r.constant));
    let mut traits: Vec<&str> = if has_errors {
        PERMISSION_TRAITS.to_vec()
    } else {
        rows.iter().flat_map(|r| r.grants.iter().copied()).collect()
    };
    traits.sort_unstable();
    traits.dedup();
    let traits = traits.iter().map(|t| format_ident!("{}", t));
    quote! {
        impl ::wix_rest::ScopeSet for #target {
            const SCOPES: &'static [&'static ::wix_rest::Scope] = &[#(&::wix_rest::scopes::#constants),*];
        }
        #(impl ::wix_rest::permissions::#traits for #target {})*
    }
}

fn errors_tokens(errors: Vec<syn::Error>) -> TokenStream {
    errors.into_iter().map(|e| e.to_compile_error()).collect()
}

pub fn scope_set(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let rows = resolve(args, &mut errors);
    let input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            let e = syn::Error::new(
                Span::call_site(),
                "#[scope_set] goes on a unit struct, like `pub struct StoreSync;`",
            );
            return item
                .into_iter()
                .chain(errors_tokens(errors))
                .chain(e.to_compile_error())
                .collect();
        }
    };
    let unit_struct =
        matches!(&input.data, syn::Data::Struct(s) if matches!(s.fields, syn::Fields::Unit));
    if !unit_struct || !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.ident.span(),
            "a scope set is a unit struct without generics, like `pub struct StoreSync;`",
        ));
        return quote!(#item)
            .into_iter()
            .chain(errors_tokens(errors))
            .collect();
    }
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

pub fn scopes_fn(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let rows = resolve(args, &mut errors);
    let mut tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let is_fn = tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "fn"));
    let body = match tokens.last() {
        Some(TokenTree::Group(g)) if is_fn && g.delimiter() == Delimiter::Brace => g.clone(),
        _ => {
            let e = syn::Error::new(
                Span::call_site(),
                "#[scopes] goes on a function with a body; for a reusable set, put #[scope_set] on a struct",
            );
            return item
                .into_iter()
                .chain(errors_tokens(errors))
                .chain(e.to_compile_error())
                .collect();
        }
    };
    let has_errors = !errors.is_empty();
    let impls = impls(&quote!(Scopes), &rows, has_errors);
    let errors = errors_tokens(errors);
    let original = body.stream();
    let mut new_body = Group::new(
        Delimiter::Brace,
        quote! {
            /// The scopes declared on this function by `#[wix_rest::scopes]`.
            #[allow(dead_code)]
            struct Scopes;
            #impls
            #errors
            #original
        },
    );
    new_body.set_span(body.span());
    tokens.pop();
    tokens.push(TokenTree::Group(new_body));
    tokens.into_iter().collect()
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
        assert!(out.contains("WixStoresReadProducts for App"), "{out}");
        assert!(!out.contains("WixStoresModifyProducts for App"), "{out}");
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
        for t in PERMISSION_TRAITS {
            assert!(out.contains(&format!("{t} for App")), "{out}");
        }
    }

    #[test]
    fn the_body_of_a_function_gets_the_scope_set() {
        let out = scopes_fn(
            "DC_STORES_READ_PRODUCTS".parse().unwrap(),
            "async fn f() { body(); }".parse().unwrap(),
        )
        .to_string();
        assert!(out.starts_with("async fn f ()"), "{out}");
        assert!(out.contains("struct Scopes ;"), "{out}");
        assert!(out.ends_with("body () ; }"), "{out}");
    }
}
