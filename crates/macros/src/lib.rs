//! Compile-time permission scope checks for `wix-rest`.
//!
//! An app declares the Wix permission scopes it holds; the declaration becomes a type that
//! implements one trait per permission those scopes grant, and every generated API method is
//! bounded by its permission's trait. A call that no declared scope allows does not compile.
//!
//! The macros read only the scope table `cargo xtask codegen` writes into this crate
//! (`src/table.rs`); they never read the specs or the network.
//!
//! `ScopeSet` and the permission traits are `unsafe` traits: these attributes are the only
//! checked way to implement them. They write `unsafe impl`s after resolving every declared
//! scope in the table; the `unsafe_code` lint does not report an external macro's output, so
//! they work in crates with `#![forbid(unsafe_code)]`, where a hand-written impl cannot exist.
//!
//! Mistakes are one error each, from the macro, at the user's tokens: an unknown scope (with a
//! suggestion), a permission id (`WIX_STORES.MODIFY_PRODUCTS`, what a 403 names) or a permission
//! constant or trait where a scope is expected (answered with the scopes that grant it), a
//! scope's display name (`"Manage Products"`, answered with its constant and id), a path prefix
//! other than `scopes::` or `wix_rest::scopes::`, a scope listed twice, a second attribute on
//! one item, an attribute on the wrong kind of item. After an error the set grants every
//! permission, so that the mistake is not reported again at every call.
//!
//! A scope set missing a permission that several calls need gives one error per call, each at
//! its call, naming the permission and the scopes that grant it: the compiler checks each
//! call's bound, and a macro, which sees tokens and not types, cannot know which calls need
//! which permission in order to merge them.
//!
//! Use them through `wix_rest` (`wix_rest::scope_set`, `wix_rest::scopes`), which they expand
//! to paths into.

mod expand;
mod hint;
mod table;

use proc_macro::TokenStream;

/// Declares a reusable scope set on a unit struct: the scopes an app requests at install.
///
/// ```ignore
/// #[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, "SCOPE.DC-STORES.MANAGE-ORDERS")]
/// pub struct StoreSync;
///
/// let wix = StoreSync::open(&client); // a `Scoped<'_, StoreSync>`
/// let products = StoresCatalogV1::new(&wix).query_products(&request).await?;
/// ```
///
/// Scopes are named by their constant in `wix_rest::scopes` (written `X`, `scopes::X` or
/// `wix_rest::scopes::X`; any other prefix is an error) or by their Wix id as a string.
///
/// The attribute goes once on a unit struct without generics; on a type alias, a function or a
/// struct that already has one, it is an error.
#[proc_macro_attribute]
pub fn scope_set(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::scope_set(args.into(), item.into()).into()
}

/// Declares the scopes a function may use. Inside the function, the type `Scopes` is that set:
/// `Scopes::open(&client)` gives the scoped client the module clients are made from.
///
/// The set is a struct named after the function (`sync_products` → `SyncProductsScopes`), so
/// that compiler messages name the function, `async` or not; `Scopes` is an alias of it. The
/// function's inner attributes (`#![allow(..)]`) stay first in its body. It goes on free
/// functions and on methods with a body; on an impl block, a trait or a trait method
/// declaration it is an error.
///
/// ```ignore
/// #[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
/// async fn product_names(client: &Client) -> wix_rest::Result<Vec<String>> {
///     let wix = Scopes::open(client);
///     let page = StoresCatalogV1::new(&wix).query_products(&Default::default()).await?;
///     Ok(page.products.unwrap_or_default().into_iter().filter_map(|p| p.name).collect())
/// }
/// ```
#[proc_macro_attribute]
pub fn scopes(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::scopes_fn(args.into(), item.into()).into()
}
