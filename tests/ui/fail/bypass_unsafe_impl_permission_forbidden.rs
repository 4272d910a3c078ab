//! Under `#![forbid(unsafe_code)]` the escape hatch is closed: the macro-declared set works
//! (see `pass/forbid_unsafe_code.rs`), a hand-written `unsafe impl` does not.
#![forbid(unsafe_code)]

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

unsafe impl wix_rest::permissions::WixStoresModifyProducts for Reader {}

fn main() {}
