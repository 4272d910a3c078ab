#[wix_rest::scope_set("SCOPE.DC-STORES.READ-PRODUCT")]
struct Catalog;

fn main() {}
