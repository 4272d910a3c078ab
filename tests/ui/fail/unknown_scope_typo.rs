#[wix_rest::scope_set(DC_STORES_READ_PRODUTCS)]
struct Catalog;

fn main() {}
