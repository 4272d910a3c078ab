//! `#[scopes]` on a trait method declaration, which has no body.
trait Sync {
    #[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
    fn read(&self);
}

fn main() {}
