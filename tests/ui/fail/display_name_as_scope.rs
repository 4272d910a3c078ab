//! A scope's display name (what the Wix dashboard shows) where its id is expected.
#[wix_rest::scopes("Manage Products")]
fn write() {}

fn main() {}
