//! A scope set cannot be written by hand: `ScopeSet` is an `unsafe` trait, and a safe impl of it
//! does not compile.
use wix_rest::{Scope, ScopeSet};

struct Everything;

impl ScopeSet for Everything {
    const SCOPES: &'static [&'static Scope] = &[&wix_rest::scopes::DC_STORES_MANAGE_PRODUCTS];
}

fn main() {}
