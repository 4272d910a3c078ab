//! The escape hatch (`unsafe impl`) is refused in a crate that forbids unsafe code.
#![forbid(unsafe_code)]
use wix_rest::{Scope, ScopeSet};

struct Everything;

unsafe impl ScopeSet for Everything {
    const SCOPES: &'static [&'static Scope] = &[&wix_rest::scopes::DC_STORES_MANAGE_PRODUCTS];
    const GRANTED: &'static [&'static str] = &["WIX_STORES.MODIFY_PRODUCTS"];
}

fn main() {}
