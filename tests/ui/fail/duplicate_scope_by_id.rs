#[wix_rest::scope_set(wix_rest::scopes::DC_STORES_READ_PRODUCTS, "SCOPE.DC-STORES.READ-PRODUCTS")]
struct Catalog;

fn main() {}
