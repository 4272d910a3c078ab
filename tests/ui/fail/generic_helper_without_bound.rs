use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{ScopeSet, Scoped};

// A helper generic over any scope set must say which permission it needs.
async fn get<S: ScopeSet>(wix: &Scoped<'_, S>) {
    let _ = StoresCatalogV1::new(wix).get_collection_by_slug("cacti").await;
}

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

fn main() {
    let _ = get::<Catalog>;
}
