//! A permission id written bare, as a 403 prints it.
#[wix_rest::scopes(WIX_STORES.MODIFY_PRODUCTS)]
fn write() {}

fn main() {}
