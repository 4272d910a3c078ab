//! `#[scopes]` on an impl block.
struct App;

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
impl App {
    fn read(&self) {}
}

fn main() {}
