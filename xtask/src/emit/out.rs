//! The sink a module's emitters push into, in place of tuples of token streams.

use proc_macro2::TokenStream;

/// What one module file is made of, each part in the order it was pushed.
#[derive(Default)]
pub(super) struct ModuleOut {
    /// Methods of the module's client: the scope-bounded forwarders.
    pub client: Vec<TokenStream>,
    /// The scope-free request functions of `mod calls`.
    pub calls: Vec<TokenStream>,
    /// The statics of `pub mod operations`.
    pub operations: Vec<TokenStream>,
    /// Module-level items: query builders, parameter structs, types, the event enum.
    pub items: Vec<TokenStream>,
}
