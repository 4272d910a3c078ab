//! Helpers generic over the scope set state the permission they need, and any set that grants
//! it can call them.
use wix_rest::permissions::WixStoresReadProducts;
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet, Scoped};

async fn name_of<S: WixStoresReadProducts>(wix: &Scoped<'_, S>, id: &str) -> Option<String> {
    StoresCatalogV1::new(wix).get_collection_by_slug(id).await.ok()?.collection?.name
}

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn read(client: &Client) -> Option<String> {
    name_of(&Scopes::open(client), "c1").await
}

#[wix_rest::scopes(DC_STORES_MANAGE_PRODUCTS)]
fn sync_handle(client: &Client) -> usize {
    let wix = Scopes::open(client);
    let _ = name_of(&wix, "c1");
    Scopes::SCOPES.len()
}

fn main() {
    let _ = read;
    let client = Client::new(wix_rest::Credentials::access_token("t")).unwrap();
    assert_eq!(sync_handle(&client), 1);
}
