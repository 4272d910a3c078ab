//! A crate that forbids unsafe code can declare scope sets and call methods: the attributes'
//! `unsafe impl`s are the output of an external macro, which the `unsafe_code` lint exempts.
#![forbid(unsafe_code)]
use wix_rest::stores_catalog_v1::{StoresCatalogV1, Webhooks};
use wix_rest::{Client, Credentials, ScopeSet};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, "SCOPE.DC-STORES.MANAGE-ORDERS")]
pub struct App;

#[wix_rest::scopes(DC_STORES_MANAGE_PRODUCTS)]
async fn remove(client: &Client, id: &str) -> bool {
    StoresCatalogV1::new(&Scopes::open(client)).delete_product(id).await.is_ok()
}

struct Service {
    client: Client,
}

impl Service {
    #[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
    fn count(&self) -> usize {
        let _ = StoresCatalogV1::new(&Scopes::open(&self.client)).get_collection_by_slug("cacti");
        Scopes::SCOPES.len()
    }
}

fn main() {
    let client = Client::new(Credentials::access_token("t")).unwrap();
    let _ = StoresCatalogV1::new(&App::open(&client)).get_collection_by_slug("cacti");
    let _ = remove(&client, "p1");
    let router: Webhooks<'_, App> = Webhooks::new().on_product_created(|_| {});
    assert_eq!(router.event_types(), ["com.wix.ecommerce.catalog.api.v1.ProductCreated"]);
    assert_eq!(Service { client }.count(), 1);
}
