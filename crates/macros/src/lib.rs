//! Compile-time permission scope checks for `wix-rest`.
//!
//! An app declares the Wix permission scopes it holds; the declaration becomes a type that
//! implements one trait per permission those scopes grant, and every generated API method is
//! bounded by its permission's trait. A call that no declared scope allows does not compile.
//!
//! The macros read only the scope table `cargo xtask codegen` writes into this crate
//! (`src/table.rs`); they never read the specs or the network.
//!
//! Use them through `wix_rest` (`wix_rest::scope_set`, `wix_rest::scopes`), which they expand
//! to paths into.

mod expand;
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
/// Scopes are named by their constant in `wix_rest::scopes` (a path ending in it works too) or
/// by their Wix id as a string.
#[proc_macro_attribute]
pub fn scope_set(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::scope_set(args.into(), item.into()).into()
}

/// Declares the scopes a function may use. Inside the function, the type `Scopes` is that set:
/// `Scopes::open(&client)` gives the scoped client the module clients are made from.
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
