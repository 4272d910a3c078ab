//! `extern crate self as wix_rest` makes `::wix_rest` name this crate, so the paths the scope
//! attributes write resolve here; a module re-exporting the real Modify Products trait under
//! the Read Products name would turn a read grant into a write grant. The attributes write each
//! permission's identity as a literal (`WixStoresReadProducts<ID>`), so the impl they write
//! lands on an identity no method requires: the delete still needs Manage Products. No
//! `unsafe` token in this crate, which forbids it.
#![forbid(unsafe_code)]

extern crate self as wix_rest;
extern crate wix_rest as real;

pub use real::*;

pub mod permissions {
    pub use real::permissions::*;
    pub use real::permissions::WixStoresModifyProducts as WixStoresReadProducts;
}

pub mod scopes {
    pub use real::scopes::*;
}

use real::stores_catalog_v1::StoresCatalogV1;

#[real::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

async fn delete(client: &real::Client) {
    let _ = StoresCatalogV1::new(&Catalog::open(client))
        .delete_product("p1")
        .await;
}

fn main() {
    let _ = delete;
}
