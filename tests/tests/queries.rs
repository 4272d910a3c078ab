//! Typed queries: the exact wire form each builder writes, and that it reaches Wix unchanged.

use serde_json::json;
use wix_rest::query::SortOrder;
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
        .sort_by_numeric_id(SortOrder::Asc)
        .sort_by_name(SortOrder::Desc)
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
            paging: Some(Paging {
                limit: Some(10),
                offset: Some(20),
            }),
            sort: Some(r#"[{"lastUpdated":"desc"}]"#.to_owned()),
            ..Query::default()
        }),
        ..QueryProductsRequest::default()
    };
    QueryProductsQuery::new()
        .id()
        .eq("p1")
        .apply_to(&mut request);
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
    let server =
        TestServer::start(|_, _| Reply::json(&json!({"products": [], "totalResults": 0}))).await;
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let mut request = QueryProductsRequest::default();
    QueryProductsQuery::new()
        .slug()
        .starts_with("shirt-")
        .sort_by_slug(SortOrder::Asc)
        .apply_to(&mut request);
    StoresCatalogV1::new(&Catalog::open(&client))
        .query_products(&request)
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].json(),
        json!({"query": {"filter": r#"{"slug":{"$startsWith":"shirt-"}}"#, "sort": r#"[{"slug":"asc"}]"#}})
    );
}
// ---------------------------------------------------------------- Stores Orders V2: Query Orders
//
// The only typed query builder outside Stores Catalog V1: `QueryOrdersQuery` (the "Fields That
// Allow Filtering" table of the older Wix Stores page). Its wire form is Stores V1's: `filter`
// and `sort` are JSON in strings, under `query`. serde_json is built without `preserve_order`,
// so the filter's fields come out in alphabetical order, whatever the order they were added in.

#[test]
fn stores_orders_v2_every_field_with_an_enum_value_and_two_sorts() {
    use wix_rest::stores_orders_v2::{OrderPaymentStatus, QueryOrdersQuery, QueryOrdersRequest};
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .payment_status()
        .eq(OrderPaymentStatus::Paid)
        .number()
        .gt(10_000_i64)
        .number()
        .lte(20_000_i64)
        .date_created()
        .gte(wix_rest::Timestamp::parse("2025-01-01T00:00:00Z").unwrap())
        .archived()
        .eq(false)
        .read()
        .ne(true)
        .id()
        .has_some(["o1", "o2"])
        .line_items_product_id()
        .has_all(["p1", "p2"])
        .line_items_name()
        .eq("Indonesian Blend")
        .billing_info_address_full_name()
        .lt("M")
        .buyer_info_id()
        .eq("c1")
        .sort_by_number(SortOrder::Desc)
        .sort_by_date_created(SortOrder::Asc)
        .apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"query": {
            "filter": concat!(
                r#"{"archived":{"$eq":false},"billingInfo.address.fullName":{"$lt":"M"},"#,
                r#""buyerInfo.id":{"$eq":"c1"},"dateCreated":{"$gte":"2025-01-01T00:00:00.000Z"},"#,
                r#""id":{"$hasSome":["o1","o2"]},"lineItems.name":{"$eq":"Indonesian Blend"},"#,
                r#""lineItems.productId":{"$hasAll":["p1","p2"]},"#,
                r#""number":{"$gt":10000,"$lte":20000},"paymentStatus":{"$eq":"PAID"},"#,
                r#""read":{"$ne":true}}"#,
            ),
            "sort": r#"[{"number":"desc"},{"dateCreated":"asc"}]"#,
        }})
    );
}

#[test]
fn stores_orders_v2_enum_lists_unknown_values_and_any_of() {
    use wix_rest::stores_orders_v2::{OrderPaymentStatus, QueryOrdersQuery, QueryOrdersRequest};
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .any_of([
            QueryOrdersQuery::new().payment_status().has_some([
                OrderPaymentStatus::PartiallyRefunded,
                OrderPaymentStatus::FullyRefunded,
            ]),
            // A value these bindings do not know is sent as given.
            QueryOrdersQuery::new()
                .payment_status()
                .ne(OrderPaymentStatus::Unknown("PENDING_REFUND".to_owned())),
        ])
        .payment_status()
        .starts_with("PARTIALLY")
        .sort_by_payment_status(SortOrder::Asc)
        .sort_by_id(SortOrder::Desc)
        .apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"query": {
            "filter": concat!(
                r#"{"$or":[{"paymentStatus":{"$hasSome":["PARTIALLY_REFUNDED","FULLY_REFUNDED"]}},"#,
                r#"{"paymentStatus":{"$ne":"PENDING_REFUND"}}],"#,
                r#""paymentStatus":{"$startsWith":"PARTIALLY"}}"#,
            ),
            "sort": r#"[{"paymentStatus":"asc"},{"id":"desc"}]"#,
        }})
    );
}

#[test]
fn stores_orders_v2_applying_keeps_paging_and_a_missing_sort_keeps_the_old_one() {
    use wix_rest::stores_orders_v2::{Paging, Query, QueryOrdersQuery, QueryOrdersRequest};
    let mut request = QueryOrdersRequest {
        query: Some(Query {
            paging: Some(Paging {
                limit: Some(50),
                offset: Some(100),
            }),
            filter: Some(r#"{"archived":{"$eq":true}}"#.to_owned()),
            sort: Some(r#"[{"dateCreated":"desc"}]"#.to_owned()),
        }),
    };
    QueryOrdersQuery::new()
        .number()
        .has_some([10_021_i64, 10_022])
        .apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"query": {
            "paging": {"limit": 50, "offset": 100},
            "filter": r#"{"number":{"$hasSome":[10021,10022]}}"#,
            "sort": r#"[{"dateCreated":"desc"}]"#,
        }})
    );
}

#[tokio::test]
async fn stores_orders_v2_the_built_query_reaches_the_server_as_built() {
    use wix_rest::stores_orders_v2::{
        OrderPaymentStatus, QueryOrdersQuery, QueryOrdersRequest, StoresOrdersV2,
    };

    #[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
    struct Orders;

    let server =
        TestServer::start(|_, _| Reply::json(&json!({"orders": [], "totalResults": 0}))).await;
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .payment_status()
        .eq(OrderPaymentStatus::NotPaid)
        .sort_by_date_created(SortOrder::Asc)
        .apply_to(&mut request);
    StoresOrdersV2::new(&Orders::open(&client))
        .query_orders(&request)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].path, "/stores/v2/orders/query");
    assert_eq!(
        requests[0].json(),
        json!({"query": {
            "filter": r#"{"paymentStatus":{"$eq":"NOT_PAID"}}"#,
            "sort": r#"[{"dateCreated":"asc"}]"#,
        }})
    );
}
