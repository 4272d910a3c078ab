#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
fn catalog() {}

fn main() {
    catalog();
}
