use wix_rest::query::SortOrder;
use wix_rest::stores_orders_v2::QueryOrdersQuery;

fn main() {
    // `archived` can be filtered but not sorted by.
    let _ = QueryOrdersQuery::new().sort_by_archived(SortOrder::Asc);
}
