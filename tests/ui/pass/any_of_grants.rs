//! A method compiles under any scope that grants its permission.
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, Credentials, ScopeSet};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

#[wix_rest::scope_set("SCOPE.DC-STORES.MANAGE-PRODUCTS")]
struct Manager;

#[wix_rest::scope_set(wix_rest::scopes::DC_STORES_MANAGE_ORDERS, DC_STORES_READ_PRODUCTS)]
struct Mixed;

async fn calls(client: &Client) {
    let _ = StoresCatalogV1::new(&Reader::open(client)).get_collection_by_slug("cacti").await;
    // Manage Products grants the read permission too (the registry says so).
    let _ = StoresCatalogV1::new(&Manager::open(client)).get_collection_by_slug("cacti").await;
    let _ = StoresCatalogV1::new(&Manager::open(client)).delete_collection("c1").await;
    let _ = StoresCatalogV1::new(&Mixed::open(client)).get_collection_by_slug("cacti").await;
}

fn main() {
    let _ = calls;
    let client = Client::new(Credentials::access_token("t")).unwrap();
    assert_eq!(Reader::open(&client).scopes()[0].id, "SCOPE.DC-STORES.READ-PRODUCTS");
    // Every permission the scope grants, sorted: the registry's, not a copy of it.
    let mut granted = wix_rest::scopes::DC_STORES_READ_PRODUCTS.permissions.to_vec();
    granted.sort_unstable();
    assert_eq!(Reader::permissions(), granted);
    assert!(Reader::permissions().contains(&"WIX_STORES.READ_PRODUCTS"));
    assert!(Manager::grants("WIX_STORES.MODIFY_PRODUCTS"));
    assert!(!Reader::grants("WIX_STORES.MODIFY_PRODUCTS"));
    assert_eq!(Mixed::SCOPES.len(), 2);
}
