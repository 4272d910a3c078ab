//! The registry files: `scopes.rs` (a constant per scope), `permissions.rs` (a constant and a
//! trait per permission), and the scope table the proc-macro reads.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::docs;
use super::ident;
use crate::model::Registry;

/// The registry as the proc-macro reads it: scope constants, ids and the permission traits
/// each grants. The macro crate never reads the specs.
pub(super) fn macro_table(registry: &Registry, crate_name: &str) -> TokenStream {
    let krate = crate_name.replace('-', "_");
    let rows = registry.scopes.iter().map(|s| {
        let constant = &s.const_name;
        let id = &s.id;
        let name = &s.name;
        let grants = s
            .permissions
            .iter()
            .map(|p| &registry.permission(p).trait_name);
        quote! {
            ScopeRow { constant: #constant, id: #id, name: #name, grants: &[#(#grants),*] },
        }
    });
    let permissions = registry.permissions.iter().map(|p| {
        let id = &p.id;
        let constant = &p.const_name;
        let trait_name = &p.trait_name;
        let identity = Literal::u64_unsuffixed(p.identity);
        quote! {
            PermissionRow { id: #id, constant: #constant, trait_name: #trait_name, identity: #identity },
        }
    });
    quote! {
        //! The scope registry as the macros see it, written by `cargo xtask codegen`.

        /// The crate the scopes, permissions and `ScopeSet` live in, as the user's code names it:
        /// every path the macros write starts with `::CRATE::`.
        pub(crate) const CRATE: &str = #krate;

        /// A scope: its constant in `wix_rest::scopes`, its Wix id, the name the Wix dashboard
        /// shows, and the traits (in `wix_rest::permissions`) of the permissions it grants.
        pub(crate) struct ScopeRow {
            pub(crate) constant: &'static str,
            pub(crate) id: &'static str,
            pub(crate) name: &'static str,
            pub(crate) grants: &'static [&'static str],
        }

        /// A permission: its Wix id (what a 403 names), its constant, its trait in
        /// `wix_rest::permissions` and the identity the trait takes as its constant parameter
        /// (what an impl the macros write names, as a literal).
        pub(crate) struct PermissionRow {
            pub(crate) id: &'static str,
            pub(crate) constant: &'static str,
            pub(crate) trait_name: &'static str,
            pub(crate) identity: u64,
        }

        /// Every scope, in registry order.
        pub(crate) const SCOPES: &[ScopeRow] = &[#(#rows)*];

        /// Every permission, in registry order.
        pub(crate) const PERMISSIONS: &[PermissionRow] = &[#(#permissions)*];
    }
}

pub(super) fn scopes_rs(registry: &Registry) -> TokenStream {
    let items = registry.scopes.iter().map(|s| {
        let name = ident(&s.const_name);
        let id = &s.id;
        let display = &s.name;
        let description = &s.description;
        let perms = &s.permissions;
        let doc = docs(&format!(
            "**{}** (`{}`): {}\n\nGrants: {}.",
            s.name,
            s.id,
            s.description,
            s.permissions
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        quote! {
            #doc
            pub const #name: Scope = Scope {
                id: #id,
                name: #display,
                description: #description,
                permissions: &[#(#perms),*],
            };
        }
    });
    let all = registry.scopes.iter().map(|s| ident(&s.const_name));
    quote! {
        //! Wix permission scopes: what a site owner grants an app at install. Each grants a set of
        //! permissions (see [`crate::permissions`]).
        use crate::Scope;

        #(#items)*

        /// Every scope, in registry order.
        pub const ALL: &[&Scope] = &[#(&#all),*];

        /// The scope with this Wix id (`SCOPE.DC-STORES.READ-PRODUCTS`).
        pub fn by_id(id: &str) -> Option<&'static Scope> {
            ALL.iter().copied().find(|s| s.id == id)
        }
    }
}

pub(super) fn permissions_rs(registry: &Registry) -> TokenStream {
    let items = registry.permissions.iter().map(|p| {
        let name = ident(&p.const_name);
        let trait_name = ident(&p.trait_name);
        let id = &p.id;
        let description = &p.description;
        let granting: Vec<String> = registry.granting(&p.id).map(|s| format!("`{}` ({})", s.id, s.name)).collect();
        let doc = docs(&format!("`{}`: {}\n\nGranted by: {}.", p.id, p.description, granting.join(", ")));
        let trait_doc = docs(&format!(
            "Implemented by the scope sets that grant `{}`; every method that requires it is bounded by it (with `ID` left to its default, this permission's identity).\n\n# Safety\n\nAn impl asserts that the scope set's declared scopes grant `{}`. `#[scope_set]` and `#[scopes]` write it, with the identity as a literal, after checking the scopes against the scope table; a hand-written `unsafe impl` is the unchecked escape hatch (see [`ScopeSet`]).",
            p.id, p.id
        ));
        let identity = Literal::u64_unsuffixed(p.identity);
        let message = format!("the scope set `{{Self}}` does not grant the permission `{}`", p.id);
        let label = format!("this method requires `{}`", p.id);
        let consts: Vec<String> = registry.granting(&p.id).map(|s| format!("{} ({})", s.const_name, s.id)).collect();
        let note = match &p.no_scope {
            None => format!("add one of these scopes to the scope set's declaration: {}", consts.join(", ")),
            Some(why) => format!("no scope set is checked to grant `{}`: {why} Use `Client::request_unchecked` once Wix's documentation says which scope grants it", p.id),
        };
        let doc = match &p.no_scope {
            None => doc,
            Some(why) => docs(&format!("`{}`: {}\n\nGranted by no scope that Wix names: {why}", p.id, p.description)),
        };
        quote! {
            #doc
            pub const #name: Permission = Permission { id: #id, description: #description };

            #trait_doc
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub unsafe trait #trait_name<const ID: u64 = #identity>: ScopeSet {}
        }
    });
    let all = registry.permissions.iter().map(|p| ident(&p.const_name));
    quote! {
        //! Wix permissions: what each method requires. Each has a constant (its id and description)
        //! and a trait, implemented by the scope sets whose scopes grant it. The traits are
        //! `unsafe`: only the checked declarations (`#[scope_set]`, `#[scopes]`) implement them.
        use crate::{Permission, ScopeSet};

        #(#items)*

        /// Every permission, in registry order.
        pub const ALL: &[&Permission] = &[#(&#all),*];

        /// The bound of the methods for which Wix's metadata names no permission. No scope set
        /// implements it (the macros never do), so such a method compiles for none: what it
        /// requires is unknown, and the scope check promises only what it can prove. Call it
        /// with `Client::request_unchecked` once Wix's documentation says what it requires.
        ///
        /// # Safety
        ///
        /// An impl would assert that the scope set holds whatever Wix requires for these methods;
        /// nothing can check that.
        #[diagnostic::on_unimplemented(
            message = "Wix's metadata names no permission for this method, so no scope set `{Self}` is checked to call it",
            label = "Wix publishes no permission for this method",
            note = "call it with `Client::request_unchecked` once Wix's documentation says what it requires"
        )]
        pub unsafe trait Unpublished: ScopeSet {}
    }
}
