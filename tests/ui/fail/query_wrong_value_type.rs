use wix_rest::stores_catalog_v1::QueryProductsQuery;

fn main() {
    // `numericId` is a 64-bit integer.
    let _ = QueryProductsQuery::new().numeric_id().gt("1567588455405000");
}
