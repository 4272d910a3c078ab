#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog<T>(T);

fn main() {}
