//! `#[scope_set]` on a type alias.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
type Reader = ();

fn main() {}
