use wix_rest::stores_catalog_v1::QueryProductsQuery;

fn main() {
    // `description` is filtered with $eq, $ne, $hasSome, $contains and $startsWith only.
    let _ = QueryProductsQuery::new().description().gt("b");
}
