//! A `Scoped` handle is made only by `ScopeSet::open`: its fields are private.
use std::marker::PhantomData;
use wix_rest::{Client, Scoped};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

fn forge(client: &Client) -> Scoped<'_, Reader> {
    Scoped { client, scopes: PhantomData }
}

fn main() {
    let _ = forge;
}
