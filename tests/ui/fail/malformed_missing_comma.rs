#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS DC_STORES_MANAGE_ORDERS)]
struct Catalog;

fn main() {}
