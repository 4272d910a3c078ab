//! `#[scopes]` on a function whose body starts with inner attributes compiles, as the same
//! function without the attribute does: they stay first in the block.
#![deny(unused_variables)]
use wix_rest::ScopeSet;

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
fn quiet() -> usize {
    #![allow(unused_variables)]
    //! Inner doc comments are inner attributes too.
    let unused = 1;
    Scopes::SCOPES.len()
}

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn quiet_async() -> usize {
    #![allow(unused_variables)]
    let unused = 1;
    Scopes::SCOPES.len()
}

fn main() {
    assert_eq!(quiet(), 1);
    let _ = quiet_async();
}
