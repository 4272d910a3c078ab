#[wix_rest::scope_set(LAUNCH_ROCKETS)]
struct Catalog;

fn main() {}
