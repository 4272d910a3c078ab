//! Typed queries compile for the documented operators and sortable fields.
use wix_rest::query::SortOrder;
use wix_rest::stores_catalog_v1::{QueryProductsQuery, QueryProductsRequest};

fn main() {
    let mut request = QueryProductsRequest::default();
    QueryProductsQuery::new()
        .name()
        .starts_with("Cac")
        .numeric_id()
        .gt(1_567_588_455_405_000_i64)
        .sku()
        .has_some(["A-1", "B-2"])
        .sort_by_numeric_id(SortOrder::Asc)
        .apply_to(&mut request);
    assert!(request.query.unwrap().filter.unwrap().contains("$startsWith"));
}
