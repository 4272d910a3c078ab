//! A scope-checked method as generated: its permission bound, the sentence of its docs that says
//! what it requires, and the one template of the public method that forwards to `calls`.
//! Client methods, streams and webhook handlers all take theirs from here.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::ident;
use crate::model::*;

/// A client method: the public method is a forwarder bounded by the permission's trait; the
/// request is built in a scope-free function of `calls`.
pub(super) struct Forwarder<'t> {
    pub doc: &'t TokenStream,
    pub name: &'t Ident,
    /// `Some` for a method that borrows its arguments for `'f` (a future); streams borrow `'a`.
    pub future: bool,
    /// Parameter declarations after `self`.
    pub params: &'t [TokenStream],
    /// The arguments passed on to `calls::name`, after the client.
    pub args: &'t [TokenStream],
    pub ret: TokenStream,
    /// `S: crate::permissions::Trait,`, or nothing for a method that needs no permission.
    pub bound: &'t TokenStream,
}

impl Forwarder<'_> {
    /// The one template of a scope-checked method.
    pub(super) fn tokens(&self) -> TokenStream {
        let Forwarder {
            doc,
            name,
            params,
            args,
            ret,
            bound,
            ..
        } = self;
        let (generics, outlives) = if self.future {
            (quote!(<'f>), quote!('a: 'f,))
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        quote! {
            #doc
            pub fn #name #generics(self, #(#params),*) -> #ret
            where
                #outlives
                #bound
            {
                calls::#name(self.wix.sender(), #(#args),*)
            }
        }
    }
}

/// The bound of an [`Access`]: `S: <permissions>::Trait,` (one trait per required permission,
/// in the permissions module as the layout names it from here), `S: <permissions>::Unpublished,`,
/// or nothing.
pub(super) fn access_bound(access: &Access, permissions: &TokenStream) -> TokenStream {
    match access {
        Access::All(reqs) => {
            let ts = reqs.iter().map(|r| ident(&r.trait_name));
            quote!(S: #(#permissions::#ts)+*,)
        }
        Access::Unpublished => quote!(S: #permissions::Unpublished,),
        Access::Open => TokenStream::new(),
    }
}

/// The sentence of a method's or webhook's docs that says what it requires.
pub(super) fn access_doc(access: &Access) -> String {
    let one = |r: &Requirement| {
        if r.scopes.is_empty() {
            format!(
                "`{}` (Wix's metadata names no scope that grants it: no scope set is checked to hold it; see `Client::request_unchecked`)",
                r.permission
            )
        } else {
            format!(
                "`{}`, granted by any of: {}",
                r.permission,
                r.scopes
                    .iter()
                    .map(|s| format!("`{}` ({})", s.id, s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    match access {
        Access::Open => "Requires no permission.".to_owned(),
        Access::Unpublished => "Wix's metadata names no permission for it, so no scope set is checked to grant it: it compiles for none. Call it with `Client::request_unchecked` once Wix's documentation says what it requires.".to_owned(),
        Access::All(reqs) if reqs.len() == 1 => format!("Requires the permission {}.", one(&reqs[0])),
        Access::All(reqs) => format!(
            "Requires all of these permissions: {}.",
            reqs.iter().map(one).collect::<Vec<_>>().join("; ")
        ),
    }
}
