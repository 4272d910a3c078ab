//! Two `#[scope_set]` on one type: one error, from the macro.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
#[wix_rest::scope_set(DC_STORES_MANAGE_ORDERS)]
struct App;

fn main() {}
