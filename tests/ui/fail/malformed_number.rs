#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, 42)]
struct Catalog;

fn main() {}
