//! OpenAPI 3.0 interop, with the `openapiv3` crate's types: [`export`] writes a document of the
//! spec set, [`import`] turns a document into a spec module (and, when needed, its registry).
//!
//! The Wix facts that OpenAPI has no field for travel as `x-wix-*` extensions, so that an
//! export imports back to an equivalent spec: per operation `x-wix-permission`, `x-wix-scopes`
//! (informative: the registry decides), `x-wix-retry-safe`, `x-wix-paging`, `x-wix-query`;
//! per document `x-wix-modules` (each module's name, title, version, host, docs, webhooks).

pub mod export;
pub mod import;

/// The security scheme of Wix's `Authorization` header.
pub const AUTH_SCHEME: &str = "wixAuth";

/// The component name of a module's type: `StoresCatalogV1.Product` (modules cannot collide).
pub fn component_name(module_type: &str, type_name: &str) -> String {
    format!("{module_type}.{type_name}")
}

/// A JSON pointer token (`/` -> `~1`, `~` -> `~0`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
