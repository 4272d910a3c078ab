use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Orders;

fn main() {
    let client = Client::new(wix_rest::Credentials::access_token("t")).unwrap();
    let wix = Orders::open(&client);
    let get = |slug: &'static str| StoresCatalogV1::new(&wix).get_collection_by_slug(slug);
    let _ = get("cacti");
}
