use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet};

struct Sync {
    client: Client,
}

impl Sync {
    #[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
    async fn remove(&self, id: &str) {
        let wix = Scopes::open(&self.client);
        let _ = StoresCatalogV1::new(&wix).delete_collection(id).await;
    }
}

fn main() {
    let _ = Sync::remove;
}
