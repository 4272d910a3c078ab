#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
struct Catalog;

fn main() {}
