#[wix_rest::scope_set(wix_rest::scopes::DC_STORES_READ_PRODUCTS<u8>)]
struct Catalog;

fn main() {}
