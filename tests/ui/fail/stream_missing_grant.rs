use wix_rest::stores_catalog_v1::{QueryProductsRequest, StoresCatalogV1};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(DC_STORES_MANAGE_ORDERS)]
struct Orders;

fn main() {
    let client = Client::new(wix_rest::Credentials::access_token("t")).unwrap();
    let wix = Orders::open(&client);
    let _ = StoresCatalogV1::new(&wix).query_products_crawl(QueryProductsRequest::default());
}
