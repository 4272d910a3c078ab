//! A permission trait's name where a scope is expected.
#[wix_rest::scope_set(wix_rest::scopes::DC_STORES_READ_ORDERS, WixStoresReadProducts)]
struct Reader;

fn main() {}
