#[wix_rest::scope_set()]
struct Catalog;

fn main() {}
