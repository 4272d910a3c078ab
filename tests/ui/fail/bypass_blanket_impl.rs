//! A library cannot ship a blanket impl that upgrades every scope set with one permission to
//! another: even written `unsafe`, the orphan rules reject an impl of a foreign trait for a type
//! parameter.
use wix_rest::permissions::{WixStoresModifyProducts, WixStoresReadProducts};

unsafe impl<S: WixStoresReadProducts> WixStoresModifyProducts for S {}

fn main() {}
