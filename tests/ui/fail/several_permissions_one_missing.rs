// Get Order requires two permissions, both: ECOM.READ_ORDERS and
// ECOM.ORDER_READ_ALL_EXTENDED_FIELDS. Manage Events grants the first only, so the call does not
// compile, and the error names the missing one.
use wix_rest::ecom_orders_v1::EcomOrdersV1;
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(EVENTS_MANAGE_EVENTS)]
struct Events;

async fn get(client: &Client) {
    let _ = EcomOrdersV1::new(&Events::open(client)).get_order("o1").await;
}

fn main() {
    let _ = get;
}
