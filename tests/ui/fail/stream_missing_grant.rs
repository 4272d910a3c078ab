use wix_rest::stores_orders_v2::{QueryOrdersRequest, StoresOrdersV2};
use wix_rest::{Client, ScopeSet};

// A stream (here the `number` crawl) needs its method's permission like the method does.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

fn main() {
    let client = Client::new(wix_rest::Credentials::access_token("t")).unwrap();
    let wix = Catalog::open(&client);
    let _ = StoresOrdersV2::new(&wix).query_orders_crawl(QueryOrdersRequest::default());
}
