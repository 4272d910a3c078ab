//! A permission id (what a 403 names) where a scope is expected.
#[wix_rest::scope_set("WIX_STORES.MODIFY_PRODUCTS")]
struct Writer;

fn main() {}
