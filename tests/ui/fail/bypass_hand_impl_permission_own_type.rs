//! A type the macros did not declare cannot be given a permission by hand.
struct Mine;

impl wix_rest::permissions::WixStoresModifyProducts for Mine {}

fn main() {}
