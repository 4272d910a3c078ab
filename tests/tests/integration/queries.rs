//! Typed queries: the exact wire form each builder writes, and that it reaches Wix unchanged.

use serde_json::json;
use wix_rest::query::SortOrder;
use wix_rest::{Client, Credentials, ScopeSet};
use wix_rest_tests::{Reply, TestServer};

// ---------------------------------------------------------------- Stores Orders V2: Query Orders
//
// The one typed query builder of the Wix specs: `QueryOrdersQuery` (the "Fields That Allow
// Filtering" table of the older Wix Stores page; the imported modules publish no filterable
// fields). Its wire form is the Stores V1 one: `filter` and `sort` are JSON in strings, under
// `query`. The object-encoded form is tested on the pets fixture (`fixture_crate.rs`).
// serde_json is built without `preserve_order`, so the filter's fields come out in alphabetical
// order, whatever the order they were added in.

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
                ..Default::default()
            }),
            filter: Some(r#"{"archived":{"$eq":true}}"#.to_owned()),
            sort: Some(r#"[{"dateCreated":"desc"}]"#.to_owned()),
            ..Default::default()
        }),
        ..Default::default()
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

#[test]
fn stores_orders_v2_any_of_is_an_or_and_a_repeated_operator_is_an_and() {
    use wix_rest::stores_orders_v2::{QueryOrdersQuery, QueryOrdersRequest};
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .any_of([
            QueryOrdersQuery::new().id().eq("o1"),
            QueryOrdersQuery::new().id().has_some(["o2", "o3"]),
        ])
        .line_items_name()
        .eq("cactus")
        .line_items_name()
        .eq("green")
        .apply_to(&mut request);
    let filter: serde_json::Value =
        serde_json::from_str(request.query.unwrap().filter.as_deref().unwrap()).unwrap();
    assert_eq!(
        filter,
        json!({"$and": [
            {"$or": [{"id": {"$eq": "o1"}}, {"id": {"$hasSome": ["o2", "o3"]}}], "lineItems.name": {"$eq": "cactus"}},
            {"lineItems.name": {"$eq": "green"}},
        ]})
    );
}
