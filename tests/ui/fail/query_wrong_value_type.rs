use wix_rest::stores_orders_v2::QueryOrdersQuery;

fn main() {
    // `number` is a 64-bit integer.
    let _ = QueryOrdersQuery::new().number().gt("10021");
}
