//! The legitimate ways to name a scope: its constant, `scopes::X`, `wix_rest::scopes::X`
//! (with or without a leading `::`) and its Wix id.
use wix_rest::{ScopeSet, scopes};

#[wix_rest::scope_set(
    DC_STORES_READ_PRODUCTS,
    scopes::DC_STORES_READ_ORDERS,
    wix_rest::scopes::DC_CONTACTS_READ_CONTACTS,
    ::wix_rest::scopes::DC_MEMBERS_READ_MEMBERS,
    "SCOPE.DC-EVENTS.READ-EVENTS",
)]
struct Reader;

fn main() {
    assert_eq!(Reader::SCOPES.len(), 5);
    assert_eq!(Reader::SCOPES[1], &scopes::DC_STORES_READ_ORDERS);
}
