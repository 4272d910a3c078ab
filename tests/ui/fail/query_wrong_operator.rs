use wix_rest::stores_orders_v2::QueryOrdersQuery;

fn main() {
    // `archived` is filtered with $eq and $ne only.
    let _ = QueryOrdersQuery::new().archived().gt(true);
}
