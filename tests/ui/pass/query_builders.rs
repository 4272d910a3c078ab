//! Typed queries compile for the documented operators and sortable fields.
use wix_rest::query::SortOrder;
use wix_rest::stores_orders_v2::{OrderPaymentStatus, QueryOrdersQuery, QueryOrdersRequest};

fn main() {
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .id()
        .starts_with("o-")
        .number()
        .gt(10_021_i64)
        .payment_status()
        .has_some([OrderPaymentStatus::Paid, OrderPaymentStatus::NotPaid])
        .archived()
        .eq(false)
        .sort_by_number(SortOrder::Asc)
        .apply_to(&mut request);
    assert!(request.query.unwrap().filter.unwrap().contains("$startsWith"));
}
