use wix_rest::query::SortOrder;
use wix_rest::stores_catalog_v1::QueryProductsQuery;

fn main() {
    // `description` can be filtered but not sorted by.
    let _ = QueryProductsQuery::new().sort_by_description(SortOrder::Asc);
}
