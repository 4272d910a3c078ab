//! Calls inside closures, helper functions and macros are checked like any other.
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet, Scoped};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

fn handle<'c>(wix: &Scoped<'c, Catalog>) -> StoresCatalogV1<'c, Catalog> {
    StoresCatalogV1::new(wix)
}

macro_rules! get {
    ($wix:expr, $id:expr) => {
        handle(&$wix).get_collection_by_slug($id)
    };
}

fn main() {
    let client = Client::new(wix_rest::Credentials::access_token("t")).unwrap();
    let wix = Catalog::open(&client);
    let by_id = |id: &'static str| handle(&wix).get_collection_by_slug(id);
    let _ = by_id("c1");
    let _ = get!(wix, "p1");
}
