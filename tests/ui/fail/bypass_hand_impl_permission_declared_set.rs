//! A read-only scope set does not gain write access with one line: permission traits are
//! `unsafe`, and a safe impl of one does not compile.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

impl wix_rest::permissions::WixStoresModifyProducts for Reader {}

fn main() {}
