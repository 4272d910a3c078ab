// Wix publishes no permission for Update Order Status (`permission: unpublished`): no scope set
// can call it, not even the broadest eCommerce one. The error says so and points at
// `Client::request_unchecked`.
use wix_rest::ecom_orders_v1::{EcomOrdersV1, UpdateOrderStatusRequest};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(DC_ECOM_MEGA_MANAGE_ECOM)]
struct Ecom;

async fn update(client: &Client, request: &UpdateOrderStatusRequest) {
    let _ = EcomOrdersV1::new(&Ecom::open(client))
        .update_order_status("o1", request)
        .await;
}

fn main() {
    let _ = update;
}
