//! A prefix other than `wix_rest::scopes` is not ignored: the macro reads the name, so a path
//! into another crate or module would silently name a wix_rest scope.
mod my_scopes {
    pub const DC_STORES_READ_PRODUCTS: &str = "mine";
}

#[wix_rest::scope_set(my_scopes::DC_STORES_READ_PRODUCTS)]
struct Reader;

fn main() {}
