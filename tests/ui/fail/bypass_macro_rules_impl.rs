//! A `macro_rules!` that looks like a declaration is checked like any other code: its impl of a
//! permission trait needs `unsafe`.
macro_rules! grant_write {
    ($set:ty) => {
        impl wix_rest::permissions::WixStoresModifyProducts for $set {}
    };
}

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

grant_write!(Reader);

fn main() {}
