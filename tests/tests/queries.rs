//! Typed queries: the exact wire form each builder writes, and that it reaches Wix unchanged.

use serde_json::json;
use wix_rest::query::Order;
use wix_rest::stores_catalog_v1::{
    Paging, ProductProductType, Query, QueryProductsQuery, QueryProductsRequest, StoresCatalogV1,
};
use wix_rest::{Client, Credentials, ScopeSet};
use wix_rest_tests::{Reply, TestServer};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

#[test]
fn stores_v1_filter_and_sort_are_json_in_strings() {
    let mut request = QueryProductsRequest::default();
    QueryProductsQuery::new()
        .name()
        .starts_with("Cac")
        .numeric_id()
        .gt(1_567_588_455_405_000_i64)
        .numeric_id()
        .lte(1_567_588_455_405_999_i64)
        .product_type()
        .eq(ProductProductType::Physical)
        .sort_by_numeric_id(Order::Asc)
        .sort_by_name(Order::Desc)
        .apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"query": {
            "filter": r#"{"name":{"$startsWith":"Cac"},"numericId":{"$gt":1567588455405000,"$lte":1567588455405999},"productType":{"$eq":"physical"}}"#,
            "sort": r#"[{"numericId":"asc"},{"name":"desc"}]"#,
        }})
    );
}

#[test]
fn any_of_is_an_or_and_repeated_operators_are_an_and() {
    let mut request = QueryProductsRequest::default();
    QueryProductsQuery::new()
        .any_of([
            QueryProductsQuery::new().sku().eq("A-1"),
            QueryProductsQuery::new().sku().has_some(["B-1", "B-2"]),
        ])
        .name()
        .contains("cactus")
        .name()
        .contains("green")
        .apply_to(&mut request);
    let filter: serde_json::Value =
        serde_json::from_str(request.query.unwrap().filter.as_deref().unwrap()).unwrap();
    assert_eq!(
        filter,
        json!({"$and": [
            {"$or": [{"sku": {"$eq": "A-1"}}, {"sku": {"$hasSome": ["B-1", "B-2"]}}], "name": {"$contains": "cactus"}},
            {"name": {"$contains": "green"}},
        ]})
    );
}

#[test]
fn applying_keeps_paging_and_a_missing_sort_keeps_the_old_one() {
    let mut request = QueryProductsRequest {
        query: Some(Query {
            paging: Some(Paging { limit: Some(10), offset: Some(20) }),
            sort: Some(r#"[{"lastUpdated":"desc"}]"#.to_owned()),
            ..Query::default()
        }),
        ..QueryProductsRequest::default()
    };
    QueryProductsQuery::new().id().eq("p1").apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"query": {
            "paging": {"limit": 10, "offset": 20},
            "filter": r#"{"id":{"$eq":"p1"}}"#,
            "sort": r#"[{"lastUpdated":"desc"}]"#,
        }})
    );
}

#[tokio::test]
async fn the_built_query_reaches_the_server_as_built() {
    let server = TestServer::start(|_, _| Reply::json(&json!({"products": [], "totalResults": 0}))).await;
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let mut request = QueryProductsRequest::default();
    QueryProductsQuery::new()
        .slug()
        .starts_with("shirt-")
        .sort_by_slug(Order::Asc)
        .apply_to(&mut request);
    StoresCatalogV1::new(&Catalog::open(&client)).query_products(&request).await.unwrap();
    assert_eq!(
        server.requests()[0].json(),
        json!({"query": {"filter": r#"{"slug":{"$startsWith":"shirt-"}}"#, "sort": r#"[{"slug":"asc"}]"#}})
    );
}
