//! One scope set, declared once, used by functions and types.
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::stores_orders_v2::{QueryOrdersRequest, StoresOrdersV2};
use wix_rest::{Client, Credentials, ScopeSet, Scoped};

/// What the store-sync app requests at install.
#[wix_rest::scope_set(DC_STORES_MANAGE_PRODUCTS, DC_STORES_MANAGE_ORDERS)]
pub struct StoreSync;

struct Syncer<'c> {
    wix: Scoped<'c, StoreSync>,
}

impl Syncer<'_> {
    async fn count(&self) -> i32 {
        let page = StoresOrdersV2::new(&self.wix).query_orders(&QueryOrdersRequest::default()).await;
        page.ok().and_then(|p| p.total_results).unwrap_or(0)
    }
}

async fn remove(wix: Scoped<'_, StoreSync>, id: &str) {
    let _ = StoresCatalogV1::new(&wix).delete_product(id).await;
}

fn main() {
    let client = Client::new(Credentials::access_token("t")).unwrap();
    let syncer = Syncer { wix: StoreSync::open(&client) };
    let _ = syncer.count();
    let _ = remove(syncer.wix, "p1");
    println!("{:?}", syncer.wix);
}
