// Get Order requires two permissions, both: ECOM.READ_ORDERS and
// ECOM.ORDER_READ_ALL_EXTENDED_FIELDS. Read Orders grants both; Manage Events plus Read Orders
// too (each permission by any of the declared scopes).
use wix_rest::ecom_orders_v1::EcomOrdersV1;
use wix_rest::permissions::{EcomOrderReadAllExtendedFields, EcomReadOrders};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Orders;

#[wix_rest::scope_set(EVENTS_MANAGE_EVENTS, DC_STORES_READ_ORDERS)]
struct EventsAndOrders;

async fn get(client: &Client) {
    let _ = EcomOrdersV1::new(&Orders::open(client)).get_order("o1").await;
    let _ = EcomOrdersV1::new(&EventsAndOrders::open(client)).get_order("o1").await;
}

/// A generic helper states both bounds.
async fn get_with<S: EcomReadOrders + EcomOrderReadAllExtendedFields>(client: &Client) {
    let _ = EcomOrdersV1::new(&S::open(client)).get_order("o1").await;
}

fn main() {
    let _ = get;
    let _ = get_with::<Orders>;
}
