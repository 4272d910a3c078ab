//! An `unsafe impl` in a local `macro_rules!` is the crate's own unsafe code: refused under
//! `#![forbid(unsafe_code)]` (only the external, checked attributes are exempt).
#![forbid(unsafe_code)]

macro_rules! grant_write {
    ($set:ty) => {
        unsafe impl wix_rest::permissions::WixStoresModifyProducts for $set {}
    };
}

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

grant_write!(Reader);

fn main() {}
