//! Stores Catalog V1 against a real HTTP server on loopback: every request/response example of
//! Wix's reference page (`tests/fixtures/stores-catalog-v1.examples.json`) is replayed through
//! the generated client, and both sides are checked: what the server received (verb, path,
//! auth headers, JSON body) and what the client decoded (the typed response, serialized back,
//! must carry everything the example response carried).
//!
//! Also: path parameters are percent-encoded, a path parameter bound to a body field must be
//! set, offset paging and the `numericId` crawl.

use futures_util::StreamExt;
use serde_json::{Value, json};
use wix_rest::stores_catalog_v1::{
    AddProductMediaRequest, AddProductMediaToChoicesRequest, AddProductsToCollectionRequest,
    CreateCollectionRequest, CreateProductRequest, Product, ProductOptionsAvailabilityRequest,
    Query, QueryCollectionsRequest, QueryProductsRequest, QueryVariantsRequest,
    RemoveProductMediaFromChoicesRequest, RemoveProductMediaRequest,
    RemoveProductsFromCollectionRequest, StoresCatalogV1, UpdateCollectionRequest,
    UpdateProductRequest, UpdateVariantsRequest, operations,
};
use wix_rest::{Error, Operation, ScopeSet};
use wix_rest_tests::{API_KEY, SITE_ID, assert_request_body, bad_request, client_for};
use wix_rest_tests::{Recorded, Reply, TestServer, assert_json_equivalent};

const FIXTURE: &str = include_str!("../fixtures/stores-catalog-v1.examples.json");

/// The module's methods the reference page has no example for (their examples, if any, come
/// from other pages); every other method of the spec must have exactly one, so a shrunken
/// fixture fails.
const WITHOUT_EXAMPLE: &[&str] = &["Query Products Reader"];

/// The Wix names of the module's methods in `specs/`, as the generator reads them.
fn spec_methods() -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let files = xtask::read_specs(&root, "specs").expect("specs/ is readable");
    let spec = xtask::load(&files)
        .unwrap_or_else(|d| panic!("the specs are valid: {}", xtask::diag::render(&d)));
    let module = spec
        .modules
        .iter()
        .find(|m| m.name == "stores-catalog-v1")
        .expect("the specs have stores-catalog-v1");
    module.methods.iter().map(|m| m.wix_name.clone()).collect()
}

/// The scopes the tests hold: every method of the module needs one of them.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, DC_STORES_MANAGE_PRODUCTS)]
struct Catalog;

/// One method example of the fixture.
#[derive(Clone, Debug)]
struct Example {
    /// Wix's name of the method, e.g. `Create Collection`.
    method: String,
    /// The verb the example's curl uses.
    http: String,
    /// The path of the example's URL (without host and query).
    path: String,
    /// The request body (`null` when the example sends none).
    request: Value,
    /// The response body.
    response: Value,
    /// The line of the source page, for messages.
    line: u64,
}

impl Example {
    fn context(&self) -> String {
        format!("{} (page line {})", self.method, self.line)
    }

    /// The path parameter of the example: the segment after `/stores/v1/{collections|products}`.
    fn path_id(&self) -> String {
        let segments: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let id = segments.get(3).unwrap_or_else(|| {
            panic!(
                "{}: the URL path {} has no id segment",
                self.context(),
                self.path
            )
        });
        // The ids of the page are plain; a reserved character would be percent-encoded by the
        // client and the exact path comparison below would need to decode it first.
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "{}: the id {id:?} needs percent-encoding",
            self.context()
        );
        (*id).to_owned()
    }
}

fn examples() -> Vec<Example> {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("the fixture is JSON");
    let methods = fixture["methods"]
        .as_array()
        .expect("the fixture has a `methods` array");
    methods
        .iter()
        .map(|m| {
            let field = |name: &str| {
                m[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("example {m} has no string `{name}`"))
                    .to_owned()
            };
            Example {
                method: field("method"),
                http: field("http"),
                path: url_path(&field("url")),
                request: m["request"].clone(),
                response: m["response"].clone(),
                line: m["line"].as_u64().unwrap_or(0),
            }
        })
        .collect()
}

/// `https://www.wixapis.com/stores/v1/collections?x=1` -> `/stores/v1/collections`.
fn url_path(url: &str) -> String {
    let after_scheme = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{url} is not an absolute URL"))
        .1;
    let path = after_scheme
        .find('/')
        .map_or("/", |slash| &after_scheme[slash..]);
    path.split(['?', '#']).next().unwrap_or(path).to_owned()
}

/// The verb the spec (and so the client) uses for an example.
fn expected_verb(example: &Example) -> &str {
    match example.method.as_str() {
        // The page's curl example for Add Product Media To Choices says `-X POST`, but the
        // method's own verb line says PATCH, and the spec follows the verb line (Wix's current
        // reference agrees: `PATCH /stores/v1/products/{id}/choices/media`). The fixture keeps
        // the page's POST; the client must send PATCH.
        "Add Product Media To Choices" => {
            assert_eq!(
                example.http,
                "POST",
                "{}: the fixture's verb changed; revisit this exception",
                example.context()
            );
            "PATCH"
        }
        _ => &example.http,
    }
}

/// The typed request body of an example: its `request` JSON read as `$ty`.
macro_rules! typed {
    ($example:expr, $ty:ty) => {
        serde_json::from_value::<$ty>($example.request.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: the example request does not read as {}: {e}",
                $example.context(),
                stringify!($ty)
            )
        })
    };
}

/// A call that returns a typed response: the response as JSON.
macro_rules! returns {
    ($call:expr) => {
        $call
            .await
            .map(|response| Some(serde_json::to_value(&response).expect("serialize the response")))
    };
}

/// A call that returns `()`.
macro_rules! returns_nothing {
    ($call:expr) => {
        $call.await.map(|()| None)
    };
}

/// Replays one example against its own server and checks both sides.
async fn replay(example: &Example) {
    let context = example.context();
    let response = example.response.clone();
    let server = TestServer::start(move |_, _| Reply::json(&response)).await;
    let client = client_for(&server);
    let api = StoresCatalogV1::new(&Catalog::open(&client));

    let verb = expected_verb(example);
    // What the server must receive as body: the example's request; `{}` for a POST, PATCH or
    // PUT without one; nothing for GET and DELETE.
    let mut expected_body: Option<Value> = match (verb, &example.request) {
        ("GET" | "DELETE", Value::Null) => None,
        ("GET" | "DELETE", request) => {
            panic!("{context}: a {verb} example with a request body: {request}")
        }
        (_, Value::Null) => Some(json!({})),
        (_, request) => Some(request.clone()),
    };

    let id = || example.path_id();
    let (operation, result): (&'static Operation, Result<Option<Value>, Error>) =
        match example.method.as_str() {
            "Create Collection" => (
                &operations::CREATE_COLLECTION,
                returns!(api.create_collection(&typed!(example, CreateCollectionRequest))),
            ),
            "Get Collection" => (
                &operations::GET_COLLECTION,
                returns!(api.get_collection(&id())),
            ),
            "Add Products To Collection" => (
                &operations::ADD_PRODUCTS_TO_COLLECTION,
                returns_nothing!(api.add_products_to_collection(
                    &id(),
                    &typed!(example, AddProductsToCollectionRequest)
                )),
            ),
            "Remove Products From Collection" => (
                &operations::REMOVE_PRODUCTS_FROM_COLLECTION,
                returns_nothing!(api.remove_products_from_collection(
                    &id(),
                    &typed!(example, RemoveProductsFromCollectionRequest)
                )),
            ),
            "Query Collections" => (
                &operations::QUERY_COLLECTIONS,
                returns!(api.query_collections(&typed!(example, QueryCollectionsRequest))),
            ),
            "Update Collection Properties" => {
                // The path is `/stores/v1/collections/{collection.id}`: the id is a field of the
                // body. The page's curl puts it in the URL only, so the typed request gets it
                // from the URL, and the body sent carries it as well (Wix binds `collection.id`
                // of the body and the path to the same field).
                let mut body = typed!(example, UpdateCollectionRequest);
                body.collection.id.get_or_insert_with(id);
                with_body_id(&mut expected_body, "collection", &id());
                (
                    &operations::UPDATE_COLLECTION_PROPERTIES,
                    returns!(api.update_collection_properties(&body)),
                )
            }
            "Delete Collection" => (
                &operations::DELETE_COLLECTION,
                returns_nothing!(api.delete_collection(&id())),
            ),
            "Create Product" => (
                &operations::CREATE_PRODUCT,
                returns!(api.create_product(&typed!(example, CreateProductRequest))),
            ),
            "Get Product" => (&operations::GET_PRODUCT, returns!(api.get_product(&id()))),
            "Query Products" => (
                &operations::QUERY_PRODUCTS,
                returns!(api.query_products(&typed!(example, QueryProductsRequest))),
            ),
            "Update Product" => {
                // `/stores/v1/products/{product.id}`: as for Update Collection Properties.
                let mut body = typed!(example, UpdateProductRequest);
                body.product.id.get_or_insert_with(id);
                with_body_id(&mut expected_body, "product", &id());
                (
                    &operations::UPDATE_PRODUCT,
                    returns!(api.update_product(&body)),
                )
            }
            "Delete Product" => (
                &operations::DELETE_PRODUCT,
                returns_nothing!(api.delete_product(&id())),
            ),
            "Delete Product Options" => (
                &operations::DELETE_PRODUCT_OPTIONS,
                returns_nothing!(api.delete_product_options(&id())),
            ),
            "Product Options Availability" => (
                &operations::PRODUCT_OPTIONS_AVAILABILITY,
                returns!(api.product_options_availability(
                    &id(),
                    &typed!(example, ProductOptionsAvailabilityRequest)
                )),
            ),
            "Add Product Media" => (
                &operations::ADD_PRODUCT_MEDIA,
                returns_nothing!(
                    api.add_product_media(&id(), &typed!(example, AddProductMediaRequest))
                ),
            ),
            "Remove Product Media" => (
                &operations::REMOVE_PRODUCT_MEDIA,
                returns_nothing!(
                    api.remove_product_media(&id(), &typed!(example, RemoveProductMediaRequest))
                ),
            ),
            "Add Product Media To Choices" => (
                &operations::ADD_PRODUCT_MEDIA_TO_CHOICES,
                returns_nothing!(api.add_product_media_to_choices(
                    &id(),
                    &typed!(example, AddProductMediaToChoicesRequest)
                )),
            ),
            "Remove Product Media From Choices" => (
                &operations::REMOVE_PRODUCT_MEDIA_FROM_CHOICES,
                returns_nothing!(api.remove_product_media_from_choices(
                    &id(),
                    &typed!(example, RemoveProductMediaFromChoicesRequest)
                )),
            ),
            "Query Variants" => (
                &operations::QUERY_VARIANTS,
                returns!(api.query_variants(&id(), &typed!(example, QueryVariantsRequest))),
            ),
            "Update Variants" => (
                &operations::UPDATE_VARIANTS,
                returns!(api.update_variants(&id(), &typed!(example, UpdateVariantsRequest))),
            ),
            "Reset All Variant Data" => {
                // The method takes no body (the page documents no request fields); it sends `{}`,
                // which is also what the page's curl sends.
                (
                    &operations::RESET_ALL_VARIANT_DATA,
                    returns_nothing!(api.reset_all_variant_data(&id())),
                )
            }
            other => panic!(
                "{context}: no test arm for the Wix method {other:?}; add one (a new example must \
                 not be skipped)"
            ),
        };

    // The arm called the method the example is for.
    assert_eq!(operation.wix_name, example.method, "{context}: wrong arm");
    assert_eq!(
        operation.http_method.as_str(),
        verb,
        "{context}: the operation's verb"
    );

    // Client side: the call succeeded and lost nothing of the response.
    let typed_response =
        result.unwrap_or_else(|e| panic!("{context}: the call failed: {e}\n{e:?}"));
    match typed_response {
        Some(actual) => assert_json_equivalent(
            &example.response,
            &actual,
            &format!("{context}: typed response serialized back"),
        ),
        // A method typed as returning nothing must not drop a response Wix documents.
        None => assert_json_equivalent(
            &json!({}),
            &example.response,
            &format!("{context}: the method returns (), so the example's response must be empty"),
        ),
    }

    // Server side.
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "{context}: the server should get exactly one request"
    );
    let request = &requests[0];
    assert_eq!(request.method, verb, "{context}: HTTP method");
    assert_eq!(request.path, example.path, "{context}: path");
    assert_eq!(request.query, None, "{context}: query string");
    assert_eq!(
        request.header("authorization"),
        Some(API_KEY),
        "{context}: authorization (the key as is, no Bearer)"
    );
    assert_eq!(
        request.header("wix-site-id"),
        Some(SITE_ID),
        "{context}: wix-site-id"
    );
    assert_request_body(
        request,
        expected_body.as_ref(),
        &format!("{context} ({verb})"),
    );
}

/// Adds `id` to `body[object].id`, for a path parameter bound to a body field.
fn with_body_id(body: &mut Option<Value>, object: &str, id: &str) {
    let body = body.as_mut().expect("a PATCH has a body");
    let object = body[object]
        .as_object_mut()
        .unwrap_or_else(|| panic!("the body has no `{object}` object"));
    object
        .entry("id")
        .or_insert_with(|| Value::String(id.to_owned()));
}

#[tokio::test]
async fn every_example_round_trips() {
    let examples = examples();
    let mut seen = std::collections::BTreeSet::new();
    for example in &examples {
        assert!(
            seen.insert(example.method.clone()),
            "{}: two examples for one method; this test expects one each",
            example.context()
        );
    }
    let expected: std::collections::BTreeSet<String> = spec_methods()
        .into_iter()
        .filter(|m| !WITHOUT_EXAMPLE.contains(&m.as_str()))
        .collect();
    assert_eq!(
        seen, expected,
        "the fixture holds one example of every method of the spec (but {WITHOUT_EXAMPLE:?})"
    );
    for example in &examples {
        replay(example).await;
    }
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = TestServer::start(|_, _| {
        Reply::json(&json!({"collection": {"id": "a b/c", "name": "Odd", "media": {"items": []}}}))
    })
    .await;
    let client = client_for(&server);
    let response = StoresCatalogV1::new(&Catalog::open(&client))
        .get_collection("a b/c")
        .await
        .unwrap();
    assert_eq!(response.collection.id.as_deref(), Some("a b/c"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/stores/v1/collections/a%20b%2Fc");
}

#[tokio::test]
async fn a_body_bound_path_parameter_must_be_set() {
    let server = TestServer::start(|_, _| Reply::json(&json!({}))).await;
    let client = client_for(&server);
    let mut request = UpdateProductRequest::default();
    request.product.name = Some("No id".to_owned());
    assert_eq!(request.product.id, None);
    let error = StoresCatalogV1::new(&Catalog::open(&client))
        .update_product(&request)
        .await
        .expect_err("an update without product.id must fail");
    match error {
        Error::MissingPathParameter { field, method } => {
            assert_eq!(field, "product.id");
            assert_eq!(method, "update_product");
        }
        other => panic!("expected MissingPathParameter, got {other:?}"),
    }
    assert!(
        server.requests().is_empty(),
        "nothing may be sent when the path cannot be built"
    );
}

/// A fake product as Wix sends it (the 64-bit `numericId` as a string).
fn fake_product(id: String, numeric_id: i64, collection: &str) -> Value {
    json!({
        "id": id,
        "name": format!("Product {id}"),
        "numericId": numeric_id.to_string(),
        "collectionIds": [collection],
        "visible": true,
    })
}

#[tokio::test]
async fn query_products_stream_pages_by_offset() {
    const TOTAL: usize = 250;
    let server = TestServer::start(|req: &Recorded, _| {
        let body = req.json();
        let paging = &body["query"]["paging"];
        let (Some(offset), Some(limit)) = (paging["offset"].as_u64(), paging["limit"].as_u64())
        else {
            return bad_request(format!("no query.paging offset and limit in {body}"));
        };
        if limit != 100 {
            return bad_request(format!("limit {limit}, expected the maximum, 100"));
        }
        let (start, end) = (
            (offset as usize).min(TOTAL),
            (offset as usize + limit as usize).min(TOTAL),
        );
        let products: Vec<Value> = (start..end)
            .map(|i| fake_product(format!("p{i}"), 1000 + i as i64, "c1"))
            .collect();
        Reply::json(&json!({"products": products, "totalResults": TOTAL}))
    })
    .await;
    let client = client_for(&server);
    let request = QueryProductsRequest {
        query: Some(Query {
            filter: Some(r#"{"visible":true}"#.to_owned()),
            ..Query::default()
        }),
        ..QueryProductsRequest::default()
    };
    let items: Vec<Result<Product, Error>> = StoresCatalogV1::new(&Catalog::open(&client))
        .query_products_stream(request)
        .collect()
        .await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("every page succeeds").id.expect("an id"))
        .collect();
    let expected: Vec<String> = (0..TOTAL).map(|i| format!("p{i}")).collect();
    assert_eq!(ids, expected, "all products, in order, once each");

    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "pages of 100, 100 and 50; the short page ends it"
    );
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/stores/v1/products/query");
        let body = req.json();
        assert_eq!(
            body["query"]["paging"],
            json!({"limit": 100, "offset": i * 100})
        );
        assert_eq!(
            body["query"]["filter"], r#"{"visible":true}"#,
            "the caller's filter is kept"
        );
    }
}

/// A Query Products server over `products` (ascending `numericId`) that answers the way Wix does
/// to the crawl: `filter` and `sort` are JSON in strings, at most 100 per page, `{}` when nothing
/// matches. Anything else it does not understand is a 400.
fn crawl_server_reply(products: &[(String, i64, String)], req: &Recorded) -> Reply {
    let body = req.json();
    let query = &body["query"];
    let Some(sort) = query["sort"].as_str() else {
        return bad_request(format!("no query.sort string in {body}"));
    };
    match serde_json::from_str::<Value>(sort) {
        Ok(sort) if sort == json!([{"numericId": "asc"}]) => {}
        _ => return bad_request(format!("sort {sort:?}, expected numericId ascending")),
    }
    if query["paging"]["limit"] != json!(100) || !query["paging"]["offset"].is_null() {
        return bad_request(format!(
            "paging {}, expected limit 100 and no offset",
            query["paging"]
        ));
    }
    let filter = match query["filter"].as_str() {
        None => json!({}),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(filter @ Value::Object(_)) => filter,
            _ => return bad_request(format!("filter {text:?} is not a JSON object")),
        },
    };
    let mut after = None;
    let mut collections: Option<Vec<String>> = None;
    for (field, condition) in filter.as_object().unwrap() {
        match (field.as_str(), condition.as_object()) {
            ("numericId", Some(c)) if c.len() == 1 && c["$gt"].is_i64() => {
                after = c["$gt"].as_i64();
            }
            ("collectionIds", Some(c)) if c.len() == 1 && c["$hasSome"].is_array() => {
                collections = Some(
                    c["$hasSome"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                );
            }
            _ => return bad_request(format!("unexpected condition {field}: {condition}")),
        }
    }
    let page: Vec<Value> = products
        .iter()
        .filter(|(_, numeric_id, _)| after.is_none_or(|after| *numeric_id > after))
        .filter(|(_, _, collection)| {
            collections
                .as_ref()
                .is_none_or(|wanted| wanted.contains(collection))
        })
        .take(100)
        .map(|(id, numeric_id, collection)| fake_product(id.clone(), *numeric_id, collection))
        .collect();
    if page.is_empty() {
        // Wix answers an empty object when nothing matches.
        Reply::json(&json!({}))
    } else {
        Reply::json(&json!({"products": page}))
    }
}

/// 230 products with Wix-sized numeric ids, ascending; every third is in collection `c1`.
fn crawl_catalog() -> Vec<(String, i64, String)> {
    (0..230)
        .map(|i| {
            let collection = if i % 3 == 0 { "c1" } else { "c2" };
            (
                format!("p{i}"),
                1_567_588_455_405_000 + i * 1_000 + i % 7,
                collection.to_owned(),
            )
        })
        .collect()
}

/// The filter of a recorded crawl request, parsed.
fn recorded_filter(req: &Recorded) -> Value {
    let body = req.json();
    let text = body["query"]["filter"]
        .as_str()
        .unwrap_or_else(|| panic!("no filter string in {body}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("filter {text:?} is not JSON: {e}"))
}

#[tokio::test]
async fn query_products_crawl_reads_every_product_by_numeric_id() {
    let catalog = crawl_catalog();
    let served = catalog.clone();
    let server = TestServer::start(move |req, _| crawl_server_reply(&served, req)).await;
    let client = client_for(&server);
    let items: Vec<Result<Product, Error>> = StoresCatalogV1::new(&Catalog::open(&client))
        .query_products_crawl(QueryProductsRequest::default())
        .collect()
        .await;
    let got: Vec<(String, i64)> = items
        .into_iter()
        .map(|item| {
            let product = item.expect("every page succeeds");
            (
                product.id.expect("an id"),
                product.numeric_id.expect("a numericId"),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = catalog
        .iter()
        .map(|(id, numeric_id, _)| (id.clone(), *numeric_id))
        .collect();
    assert_eq!(got, expected, "all 230 products, in order, once each");

    // 100, 100, 30, then an empty page ends the crawl.
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        4,
        "three full or partial pages and one empty"
    );
    let last_of_page = [
        None,
        Some(catalog[99].1),
        Some(catalog[199].1),
        Some(catalog[229].1),
    ];
    for (req, after) in requests.iter().zip(last_of_page) {
        assert_eq!(req.path, "/stores/v1/products/query");
        let filter = recorded_filter(req);
        match after {
            None => assert_eq!(
                filter,
                json!({}),
                "the first page has no numericId condition"
            ),
            Some(after) => assert_eq!(filter, json!({"numericId": {"$gt": after}})),
        }
    }
}

#[tokio::test]
async fn query_products_crawl_keeps_the_callers_filter() {
    let catalog = crawl_catalog();
    let served = catalog.clone();
    let server = TestServer::start(move |req, _| crawl_server_reply(&served, req)).await;
    let client = client_for(&server);
    let user_filter = json!({"collectionIds": {"$hasSome": ["c1"]}});
    let request = QueryProductsRequest {
        query: Some(Query {
            filter: Some(user_filter.to_string()),
            ..Query::default()
        }),
        ..QueryProductsRequest::default()
    };
    let items: Vec<Result<Product, Error>> = StoresCatalogV1::new(&Catalog::open(&client))
        .query_products_crawl(request)
        .collect()
        .await;
    let got: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("every page succeeds").id.expect("an id"))
        .collect();
    let in_c1: Vec<&(String, i64, String)> = catalog.iter().filter(|p| p.2 == "c1").collect();
    let expected: Vec<String> = in_c1.iter().map(|p| p.0.clone()).collect();
    assert_eq!(expected.len(), 77);
    assert_eq!(got, expected, "only the products of c1, in order");

    // One page of 77, then an empty page.
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(recorded_filter(&requests[0]), user_filter);
    assert_eq!(
        recorded_filter(&requests[1]),
        json!({
            "collectionIds": {"$hasSome": ["c1"]},
            "numericId": {"$gt": in_c1[76].1},
        }),
        "the caller's condition stays alongside the numericId one"
    );
}
