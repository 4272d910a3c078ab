//! Every module besides Stores Catalog V1 (which has `stores_catalog_v1.rs`) against a real HTTP
//! server on loopback, the way `stores_catalog_v1.rs` does it: each request/response example of
//! `tests/fixtures/<module>.examples.json` is replayed through the generated client, and both
//! sides are checked. The server side: verb, path, query string, `authorization` and
//! `wix-site-id` (or their absence, for the one method that needs no permission) and the JSON
//! body. The client side: the typed response, serialized back, equals the response served.
//!
//! Also the older Wix Stores page's Catalog V1 examples (`stores-catalog-v1.002`), every paging
//! stream (cursor, offset and the `number` crawl), List Members' paging by query parameters and
//! the OAuth token request made under app credentials.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures_util::StreamExt;
use serde_json::{Value, json};
use wix_rest::{Client, Credentials, Error, Operation, ScopeSet};
use wix_rest_tests::{API_KEY, SITE_ID, assert_request_body, bad_request, client_for};
use wix_rest_tests::{Recorded, Reply, TestServer, assert_json_equivalent};

// The scopes the tests hold, per module: each grants the module's read and write permissions.
#[wix_rest::scope_set(DC_BOOKINGS_READ_BOOKINGS, DC_BOOKINGS_MANAGE_BOOKINGS)]
struct Bookings;
#[wix_rest::scope_set(DC_CONTACTS_READ_CONTACTS, DC_CONTACTS_MANAGE_CONTACTS)]
struct Contacts;
#[wix_rest::scope_set(DC_DATA_READ, DC_DATA_WRITE)]
struct DataItems;
#[wix_rest::scope_set(DC_STORES_READ_ORDERS, DC_STORES_MANAGE_ORDERS)]
struct Orders;
#[wix_rest::scope_set(DC_EVENTS_READ_EVENTS)]
struct Events;
#[wix_rest::scope_set(DC_MEMBERS_READ_MEMBERS)]
struct Members;
#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Carts;
#[wix_rest::scope_set(STORES_PRODUCT_READ, STORES_PRODUCT_WRITE)]
struct CatalogV3;
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, DC_STORES_MANAGE_PRODUCTS)]
struct Inventory;
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct CatalogV1;
/// Create Access Token needs no permission: it compiles under any scope set, even one whose
/// scope has nothing to do with OAuth.
#[wix_rest::scope_set(DC_MEMBERS_READ_MEMBERS)]
struct AnyApp;

// ------------------------------------------------------------------------------ the fixtures

/// One method example of a fixture.
#[derive(Clone, Debug)]
struct Example {
    /// The fixture's name, e.g. `contacts-v4`.
    fixture: &'static str,
    /// Wix's name of the method, e.g. `Create Contact`.
    method: String,
    /// The example's number among the method's examples.
    number: u64,
    /// The verb of the example.
    http: String,
    /// The URL as the fixture writes it.
    url: String,
    /// The path the request must reach (the URL's, unless the test moved it: see `moved_to`).
    path: String,
    /// The raw query string of the URL.
    query: Option<String>,
    /// The request body (`null` when the example sends none).
    request: Value,
    /// The response body (`null` when the page shows none).
    response: Value,
    /// The line of the source page; `None` for hand-written examples.
    line: Option<u64>,
}

impl Example {
    fn context(&self) -> String {
        let origin = self.line.map_or_else(
            || "hand-written".to_owned(),
            |line| format!("page line {line}"),
        );
        format!(
            "{}: {} #{} ({origin})",
            self.fixture, self.method, self.number
        )
    }

    /// The path parameters: the example's path read against the operation's template, whose
    /// literal segments it must match.
    fn path_params(&self, op: &Operation) -> BTreeMap<String, String> {
        let template: Vec<&str> = op.path.split('/').collect();
        let actual: Vec<&str> = self.path.split('/').collect();
        assert_eq!(
            template.len(),
            actual.len(),
            "{}: the path {} does not fit the template {}",
            self.context(),
            self.path,
            op.path
        );
        let mut params = BTreeMap::new();
        for (t, a) in template.iter().zip(&actual) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    // Plain ids only: a reserved character would be percent-encoded by the
                    // client and the exact path comparison would need to decode it first.
                    assert!(
                        !a.is_empty()
                            && a.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
                        "{}: the path parameter {name} = {a:?} is empty or needs percent-encoding",
                        self.context()
                    );
                    params.insert(name.to_owned(), (*a).to_owned());
                }
                None => assert_eq!(
                    t,
                    a,
                    "{}: the path {} does not fit the template {}",
                    self.context(),
                    self.path,
                    op.path
                ),
            }
        }
        params
    }

    /// A query parameter of the URL (the fixtures' values need no decoding).
    fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    /// The example, replayed against `path` rather than its URL's path (each caller says why).
    fn moved_to(mut self, path: String) -> Example {
        self.path = path;
        self
    }
}

fn load(fixture: &'static str, text: &str) -> Vec<Example> {
    let json: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{fixture}: the fixture is not JSON: {e}"));
    let methods = json["methods"]
        .as_array()
        .unwrap_or_else(|| panic!("{fixture}: no `methods` array"));
    methods
        .iter()
        .map(|m| {
            let field = |name: &str| {
                m[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("{fixture}: example {m} has no string `{name}`"))
                    .to_owned()
            };
            let url = field("url");
            let after_scheme = url
                .split_once("://")
                .unwrap_or_else(|| panic!("{fixture}: {url} is not an absolute URL"))
                .1;
            let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
            let (path, query) = match path_and_query.split_once('?') {
                Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
                None => (path_and_query.to_owned(), None),
            };
            Example {
                fixture,
                method: field("method"),
                number: m["example"].as_u64().unwrap_or(1),
                http: field("http"),
                url,
                path,
                query,
                request: m["request"].clone(),
                response: m["response"].clone(),
                line: m["line"].as_u64(),
            }
        })
        .collect()
}

/// The method examples of `tests/fixtures/<name>.examples.json`.
macro_rules! fixture {
    ($name:literal) => {
        load(
            $name,
            include_str!(concat!("../fixtures/", $name, ".examples.json")),
        )
    };
}

/// The Wix names of a module's methods, from its spec.
fn spec_methods(module: &str) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let files = xtask::read_specs(&root.join("specs"), "specs").expect("read specs/");
    let spec = xtask::load(&files).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
    let module = spec
        .modules
        .iter()
        .find(|m| m.name == module)
        .unwrap_or_else(|| panic!("no module {module} in specs/"));
    module.methods.iter().map(|m| m.wix_name.clone()).collect()
}

/// The fixture holds `count` examples (a shrunken fixture fails) and, when `module` is given,
/// at least one for every method of the module's spec.
#[track_caller]
fn assert_examples(examples: &[Example], count: usize, module: Option<&str>) {
    let fixture = examples.first().map_or("?", |e| e.fixture);
    assert_eq!(
        examples.len(),
        count,
        "{fixture}: the fixture's number of method examples changed"
    );
    if let Some(module) = module {
        let covered: BTreeSet<String> = examples.iter().map(|e| e.method.clone()).collect();
        assert_eq!(
            covered,
            spec_methods(module),
            "{fixture}: every method of the spec needs an example, and only those"
        );
    }
}

/// The response of the first example of each method that shows one: what the server answers
/// for an example the page shows without a response.
fn responses(examples: &[Example]) -> BTreeMap<String, Value> {
    let mut responses = BTreeMap::new();
    for example in examples.iter().filter(|e| !e.response.is_null()) {
        responses
            .entry(example.method.clone())
            .or_insert_with(|| example.response.clone());
    }
    responses
}

fn served(example: &Example, responses: &BTreeMap<String, Value>) -> Value {
    if !example.response.is_null() {
        return example.response.clone();
    }
    responses.get(&example.method).cloned().unwrap_or_else(|| {
        panic!(
            "{}: the example has no response and no other example of the method has one",
            example.context()
        )
    })
}

// ------------------------------------------------------------------------------ the replay

/// One example against its own server, which answers `served` to anything.
struct Replay {
    server: TestServer,
    client: Client,
    example: Example,
    served: Value,
}

impl Replay {
    async fn start(example: &Example) -> Replay {
        Replay::serving(example, example.response.clone()).await
    }

    async fn serving(example: &Example, served: Value) -> Replay {
        assert!(
            served.is_object(),
            "{}: the response to serve is not an object: {served}",
            example.context()
        );
        let reply = served.clone();
        let server = TestServer::start(move |_, _| Reply::json(&reply)).await;
        let client = client_for(&server);
        Replay {
            server,
            client,
            example: example.clone(),
            served,
        }
    }

    /// Checks both sides of the call an arm made: `op` is the operation it called, `result` its
    /// typed response serialized back (`null` for a method that returns `()`).
    fn check(self, (op, result): (&'static Operation, Result<Value, Error>)) {
        let example = &self.example;
        let context = example.context();
        assert_eq!(op.wix_name, example.method, "{context}: wrong arm");
        assert_eq!(
            op.http_method.as_str(),
            example.http,
            "{context}: the operation's verb"
        );
        example.path_params(op);

        // Client side: the call succeeded and lost nothing of the response.
        let actual = result.unwrap_or_else(|e| panic!("{context}: the call failed: {e}\n{e:?}"));
        if actual.is_null() {
            // A method typed as returning nothing must not drop a response Wix documents.
            assert_json_equivalent(
                &json!({}),
                &self.served,
                &format!("{context}: the method returns (), so the response must be empty"),
            );
        } else {
            assert_json_equivalent(
                &self.served,
                &actual,
                &format!("{context}: typed response serialized back"),
            );
        }

        // Server side.
        let requests = self.server.requests();
        assert_eq!(requests.len(), 1, "{context}: exactly one request");
        let request = &requests[0];
        assert_eq!(request.method, example.http, "{context}: HTTP method");
        assert_eq!(request.path, example.path, "{context}: path");
        assert_eq!(request.query, example.query, "{context}: query string");
        match op.permission {
            Some(_) => {
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
            }
            None => {
                assert_eq!(
                    request.header("authorization"),
                    None,
                    "{context}: a method that needs no permission is sent without credentials"
                );
                assert_eq!(
                    request.header("wix-site-id"),
                    None,
                    "{context}: wix-site-id"
                );
            }
        }
        // The body: the example's request; `{}` for a POST, PATCH or PUT without one; nothing
        // for GET and DELETE.
        let expected_body = match (example.http.as_str(), &example.request) {
            ("GET" | "DELETE", Value::Null) => None,
            ("GET" | "DELETE", body) => {
                panic!("{context}: a GET or DELETE example with a body {body}")
            }
            (_, Value::Null) => Some(json!({})),
            (_, body) => Some(body.clone()),
        };
        assert_request_body(request, expected_body.as_ref(), &context);
    }
}

/// The typed request body of an example: its `request` JSON read as the type the method
/// takes (inferred from the call it is passed to).
macro_rules! body {
    ($example:expr) => {
        serde_json::from_value($example.request.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: the example request does not read as the method's request type: {e}",
                $example.context()
            )
        })
    };
}

/// Calls a method for an example: `call!(ex, OPERATION, api.method(...))`, or with the
/// example's path parameters `call!(ex, OPERATION, |p| api.method(&p("id"), ...))`. Yields the
/// operation and the typed response serialized back, for `Replay::check`. `operations` is the
/// module's, in scope where the macro is used.
macro_rules! call {
    ($example:ident, $op:ident, |$p:ident| $call:expr) => {{
        let op: &'static Operation = &operations::$op;
        let params = $example.path_params(op);
        let $p = |name: &str| -> String {
            params.get(name).cloned().unwrap_or_else(|| {
                panic!(
                    "{}: {} has no parameter {name}",
                    $example.context(),
                    op.path
                )
            })
        };
        (
            op,
            $call
                .await
                .map(|response| serde_json::to_value(&response).expect("serialize the response")),
        )
    }};
    ($example:ident, $op:ident, $call:expr) => {{
        let op: &'static Operation = &operations::$op;
        (
            op,
            $call
                .await
                .map(|response| serde_json::to_value(&response).expect("serialize the response")),
        )
    }};
}

fn no_arm(example: &Example) -> ! {
    panic!(
        "{}: no test arm for the Wix method {:?}; add one (a new example must not be skipped)",
        example.context(),
        example.method
    )
}

// ------------------------------------------------------------------------------ one test per module

#[tokio::test]
async fn bookings_v2() {
    use wix_rest::bookings_v2::*;
    let examples = fixture!("bookings-v2");
    assert_examples(&examples, 2, Some("bookings-v2"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = BookingsV2::new(&Bookings::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Query Extended Bookings" => call!(
                ex,
                QUERY_EXTENDED_BOOKINGS,
                api.query_extended_bookings(&body!(ex))
            ),
            "Create Booking" => call!(ex, CREATE_BOOKING, api.create_booking(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn contacts_v4() {
    use wix_rest::contacts_v4::*;
    let examples = fixture!("contacts-v4");
    assert_examples(&examples, 3, Some("contacts-v4"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = ContactsV4::new(&Contacts::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Query Contacts" => call!(ex, QUERY_CONTACTS, api.query_contacts(&body!(ex))),
            "Create Contact" => call!(ex, CREATE_CONTACT, api.create_contact(&body!(ex))),
            "Update Contact" => call!(ex, UPDATE_CONTACT, |p| api
                .update_contact(&p("contactId"), &body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn data_items_v2() {
    use wix_rest::data_items_v2::*;
    let examples = fixture!("data-items-v2");
    assert_examples(&examples, 3, Some("data-items-v2"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = DataItemsV2::new(&DataItems::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Query Data Items" => call!(ex, QUERY_DATA_ITEMS, api.query_data_items(&body!(ex))),
            "Insert Data Item" => call!(ex, INSERT_DATA_ITEM, api.insert_data_item(&body!(ex))),
            "Save Data Item" => call!(ex, SAVE_DATA_ITEM, api.save_data_item(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn ecom_orders_v1() {
    use wix_rest::ecom_orders_v1::*;
    let examples = fixture!("ecom-orders-v1");
    assert_examples(&examples, 3, Some("ecom-orders-v1"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = EcomOrdersV1::new(&Orders::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Order" => call!(ex, GET_ORDER, |p| api.get_order(&p("id"))),
            "Search Orders" => call!(ex, SEARCH_ORDERS, api.search_orders(&body!(ex))),
            "Create Order" => call!(ex, CREATE_ORDER, api.create_order(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn events_v3() {
    use wix_rest::events_v3::*;
    let examples = fixture!("events-v3");
    assert_examples(&examples, 1, Some("events-v3"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = EventsV3::new(&Events::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Query Events" => call!(ex, QUERY_EVENTS, api.query_events(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn members_v1() {
    use wix_rest::members_v1::*;
    let examples = fixture!("members-v1");
    assert_examples(&examples, 3, Some("members-v1"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = MembersV1::new(&Members::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Member" => call!(ex, GET_MEMBER, |p| api.get_member(&p("id"))),
            "List Members" => {
                // The paging is in the URL's query string (`paging.limit=2`); the server checks
                // the query string the client sends equals it.
                let params = ListMembersParams {
                    paging_limit: ex
                        .query_param("paging.limit")
                        .map(|v| v.parse().expect("a limit")),
                    paging_cursor: ex.query_param("paging.cursor"),
                };
                assert!(
                    ex.query.is_some(),
                    "{}: the example pages by query parameters",
                    ex.context()
                );
                call!(ex, LIST_MEMBERS, api.list_members(&params))
            }
            "Query Members" => call!(ex, QUERY_MEMBERS, api.query_members(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

/// The `Debug` rendering `debug` shows the masked `Secret("***")`, and never `secret` itself.
#[track_caller]
fn assert_hidden(debug: String, secret: &str, what: &str) {
    assert!(!secret.is_empty(), "{what}: an empty secret proves nothing");
    assert!(
        !debug.contains(secret),
        "{what}: the secret shows in Debug output: {debug}"
    );
    assert!(
        debug.contains("Secret(\"***\")"),
        "{what}: Debug output without the masked secret: {debug}"
    );
}

#[tokio::test]
async fn oauth() {
    use wix_rest::oauth::*;
    let examples = fixture!("oauth");
    assert_examples(&examples, 1, Some("oauth"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = Oauth::new(&AnyApp::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Create Access Token" => {
                // No permission: `Replay::check` asserts the request carries no `authorization`
                // and no `wix-site-id`, although the client holds an API key for a site.
                assert_eq!(operations::CREATE_ACCESS_TOKEN.permission, None);
                assert!(operations::CREATE_ACCESS_TOKEN.scopes.is_empty());
                let body: CreateAccessTokenRequest = body!(ex);
                assert_eq!(body.grant_type, GrantType::ClientCredentials);
                assert_hidden(
                    format!("{body:?}"),
                    body.client_secret.expose(),
                    "the request",
                );
                assert_hidden(
                    format!("{:?}", body.client_secret),
                    body.client_secret.expose(),
                    "client_secret",
                );
                let result = api.create_access_token(&body).await;
                if let Ok(response) = &result {
                    let token = response.access_token.expose();
                    assert_eq!(Some(token), ex.response["access_token"].as_str());
                    assert_hidden(format!("{response:?}"), token, "the response");
                    assert_hidden(
                        format!("{:?}", response.access_token),
                        token,
                        "access_token",
                    );
                }
                let result =
                    result.map(|response| serde_json::to_value(&response).expect("serialize"));
                (&operations::CREATE_ACCESS_TOKEN, result)
            }
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn stores_carts() {
    use wix_rest::stores_carts::*;
    let examples = fixture!("stores-carts");
    assert_examples(&examples, 4, Some("stores-carts"));
    for ex in examples {
        // The module's host is https://ecom.wix.com; the base URL override sends it here.
        assert!(
            ex.url.starts_with("https://ecom.wix.com/"),
            "{}: host",
            ex.context()
        );
        let r = Replay::start(&ex).await;
        let api = StoresCarts::new(&Carts::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Abandoned Cart" => {
                call!(ex, GET_ABANDONED_CART, |p| api.get_abandoned_cart(&p("id")))
            }
            "Query Abandoned Carts" => call!(
                ex,
                QUERY_ABANDONED_CARTS,
                api.query_abandoned_carts(&body!(ex))
            ),
            "Get Cart" => call!(ex, GET_CART, |p| api.get_cart(&p("id"))),
            "Get Cart Checkout Url" => call!(ex, GET_CART_CHECKOUT_URL, |p| api
                .get_cart_checkout_url(&p("id"))),
            _ => no_arm(&ex),
        };
        assert_eq!(
            outcome.0.host,
            "https://ecom.wix.com",
            "{}: the operation's host",
            ex.context()
        );
        r.check(outcome);
    }
}

#[tokio::test]
async fn stores_catalog_v3() {
    use wix_rest::stores_catalog_v3::*;
    let examples = fixture!("stores-catalog-v3");
    assert_examples(&examples, 5, Some("stores-catalog-v3"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = StoresCatalogV3::new(&CatalogV3::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Search Products" => call!(ex, SEARCH_PRODUCTS, api.search_products(&body!(ex))),
            "Get Product" => call!(ex, GET_PRODUCT, |p| api.get_product(&p("productId"))),
            "Create Product" => call!(ex, CREATE_PRODUCT, api.create_product(&body!(ex))),
            "Create Product With Inventory" => call!(
                ex,
                CREATE_PRODUCT_WITH_INVENTORY,
                api.create_product_with_inventory(&body!(ex))
            ),
            "Bulk Update Products" => call!(
                ex,
                BULK_UPDATE_PRODUCTS,
                api.bulk_update_products(&body!(ex))
            ),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn stores_inventory_v1() {
    use wix_rest::stores_inventory_v1::*;
    let examples = fixture!("stores-inventory-v1");
    assert_examples(&examples, 4, Some("stores-inventory-v1"));
    for ex in examples {
        let r = Replay::start(&ex).await;
        let api = StoresInventoryV1::new(&Inventory::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Item Inventory Status" => call!(ex, GET_ITEM_INVENTORY_STATUS, |p| api
                .get_item_inventory_status(&p("id"))),
            "Get Variant Inventory Status" => call!(ex, GET_VARIANT_INVENTORY_STATUS, |p| api
                .get_variant_inventory_status(&p("itemId"), &p("variantId"))),
            // The path parameters are fields of the body (`{item.id}`, `{variant.itemId}`,
            // `{variant.variantId}`): the path the server gets is built from the body.
            "Update Item Inventory Status" => call!(
                ex,
                UPDATE_ITEM_INVENTORY_STATUS,
                api.update_item_inventory_status(&body!(ex))
            ),
            "Update Variant Inventory Status" => call!(
                ex,
                UPDATE_VARIANT_INVENTORY_STATUS,
                api.update_variant_inventory_status(&body!(ex))
            ),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

#[tokio::test]
async fn stores_orders_v2() {
    use wix_rest::stores_orders_v2::*;
    let examples = fixture!("stores-orders-v2");
    assert_examples(&examples, 9, Some("stores-orders-v2"));
    // The page's examples are requests only: the server answers them with the response of the
    // hand-written example of the same method.
    let responses = responses(&examples);
    let order_id = examples
        .iter()
        .find(|e| e.method == "Get Order" && e.line.is_none())
        .map(|e| e.path.rsplit('/').next().unwrap().to_owned())
        .expect("a hand-written Get Order example");
    let mut moved = 0;
    for ex in examples {
        let ex = match ex.url.as_str() {
            // Three Query Orders examples come from the older page's own URL,
            // `https://www.wix.com/_api/orders-server/v2/orders/query`. The spec's (and Wix's
            // documented) path is `/stores/v2/orders/query`: replay them there.
            "https://www.wix.com/_api/orders-server/v2/orders/query" => {
                moved += 1;
                ex.moved_to("/stores/v2/orders/query".to_owned())
            }
            // The page's Get Order example writes the id as `<ID>`: replay it with the id of
            // the hand-written example.
            "https://www.wixapis.com/stores/v2/orders/<ID>" => {
                moved += 1;
                ex.moved_to(format!("/stores/v2/orders/{order_id}"))
            }
            _ => ex,
        };
        let r = Replay::serving(&ex, served(&ex, &responses)).await;
        let api = StoresOrdersV2::new(&Orders::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Order" => call!(ex, GET_ORDER, |p| api.get_order(&p("id"))),
            "Query Orders" => call!(ex, QUERY_ORDERS, api.query_orders(&body!(ex))),
            "Create Fulfillment" => call!(ex, CREATE_FULFILLMENT, |p| api
                .create_fulfillment(&p("orderId"), &body!(ex))),
            "Update Fulfillment" => call!(ex, UPDATE_FULFILLMENT, |p| api.update_fulfillment(
                &p("orderId"),
                &p("fulfillmentId"),
                &body!(ex)
            )),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
    assert_eq!(
        moved, 4,
        "the examples replayed at another path than their URL's"
    );
}

/// The older Wix Stores page's Catalog V1 examples. It writes path parameters as `{id}` and
/// shows some examples without a response: those are replayed with the id, and answered with
/// the response, of the current page's example of the same method
/// (`stores-catalog-v1.examples.json`).
#[tokio::test]
async fn stores_catalog_v1_older_page() {
    use wix_rest::stores_catalog_v1::*;
    let examples = fixture!("stores-catalog-v1.002");
    assert_examples(&examples, 6, None);
    let current = fixture!("stores-catalog-v1");
    let responses = responses(&current);
    for ex in examples {
        let twin = current
            .iter()
            .find(|c| c.method == ex.method)
            .unwrap_or_else(|| panic!("{}: no example of the current page", ex.context()));
        let ex = if ex.path.contains("{id}") {
            let segments: Vec<&str> = ex.path.split('/').collect();
            let twin_segments: Vec<&str> = twin.path.split('/').collect();
            assert_eq!(
                segments.len(),
                twin_segments.len(),
                "{}: {}",
                ex.context(),
                twin.path
            );
            let path: Vec<&str> = segments
                .iter()
                .zip(&twin_segments)
                .map(|(s, t)| if *s == "{id}" { *t } else { *s })
                .collect();
            let path = path.join("/");
            ex.moved_to(path)
        } else {
            ex
        };
        let r = Replay::serving(&ex, served(&ex, &responses)).await;
        let api = StoresCatalogV1::new(&CatalogV1::open(&r.client));
        let outcome = match ex.method.as_str() {
            "Get Collection" => call!(ex, GET_COLLECTION, |p| api.get_collection(&p("id"))),
            "Query Collections" => call!(ex, QUERY_COLLECTIONS, api.query_collections(&body!(ex))),
            "Get Product" => call!(ex, GET_PRODUCT, |p| api.get_product(&p("id"))),
            "Product Options Availability" => call!(ex, PRODUCT_OPTIONS_AVAILABILITY, |p| api
                .product_options_availability(&p("id"), &body!(ex))),
            "Query Products" => call!(ex, QUERY_PRODUCTS, api.query_products(&body!(ex))),
            _ => no_arm(&ex),
        };
        r.check(outcome);
    }
}

// ------------------------------------------------------------------------------ OAuth under app credentials

#[tokio::test]
async fn create_access_token_under_app_credentials_fetches_no_token_first() {
    use wix_rest::oauth::*;
    let server = TestServer::start(|_, _| {
        Reply::json(
            &json!({"access_token": "token-1", "token_type": "Bearer", "expires_in": 14400}),
        )
    })
    .await;
    let client = Client::builder(Credentials::oauth_app("app-id", "app-secret", "instance-1"))
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let request = CreateAccessTokenRequest {
        grant_type: GrantType::ClientCredentials,
        client_id: "app-id".to_owned(),
        client_secret: "app-secret".into(),
        instance_id: "instance-2".to_owned(),
    };
    let response = Oauth::new(&AnyApp::open(&client))
        .create_access_token(&request)
        .await
        .unwrap();
    assert_eq!(response.access_token.expose(), "token-1");
    assert_hidden(
        format!("{client:?}"),
        "app-secret",
        "the client's credentials",
    );
    // The call itself, and nothing before it: the client's own token is not needed for a
    // method that is sent without credentials.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/oauth2/token");
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(
        requests[0].json(),
        json!({"grant_type": "client_credentials", "client_id": "app-id",
               "client_secret": "app-secret", "instance_id": "instance-2"})
    );
}

// ------------------------------------------------------------------------------ paging

/// List Members pages by the query parameters `paging.limit` and `paging.cursor`. Paging by
/// hand: the next cursor of a response goes into the following call's `paging.cursor`.
#[tokio::test]
async fn list_members_pages_by_query_parameters() {
    use wix_rest::members_v1::*;
    let server = TestServer::start(|req: &Recorded, _| match req.query.as_deref() {
        Some("paging.limit=2") => Reply::json(&json!({
            "members": [{"id": "m1"}, {"id": "m2"}],
            "pagingMetadata": {"count": 2, "cursors": {"next": "eyJvZmZzZXQiOjJ9"}, "hasNext": true},
        })),
        Some(_) | None => Reply::json(&json!({
            "members": [{"id": "m3"}],
            "pagingMetadata": {"count": 1, "cursors": {}, "hasNext": false},
        })),
    })
    .await;
    let client = client_for(&server);
    let api = MembersV1::new(&Members::open(&client));

    let mut params = ListMembersParams {
        paging_limit: Some(2),
        paging_cursor: None,
    };
    let mut ids = Vec::new();
    loop {
        let page = api.list_members(&params).await.unwrap();
        ids.extend(
            page.members
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.id.unwrap()),
        );
        match page
            .paging_metadata
            .and_then(|m| m.cursors)
            .and_then(|c| c.next)
        {
            Some(next) => params.paging_cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(ids, ["m1", "m2", "m3"]);

    // A cursor with characters a query string must escape, and no parameters at all.
    api.list_members(&ListMembersParams {
        paging_limit: None,
        paging_cursor: Some("a+b/c=d&e".to_owned()),
    })
    .await
    .unwrap();
    api.list_members(&ListMembersParams::default())
        .await
        .unwrap();

    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("paging.limit=2".to_owned()),
            Some("paging.limit=2&paging.cursor=eyJvZmZzZXQiOjJ9".to_owned()),
            Some("paging.cursor=a%2Bb%2Fc%3Dd%26e".to_owned()),
            None,
        ]
    );
    for request in server.requests() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/members/v1/members");
        assert!(request.body.is_empty());
    }
}

/// `list_members_stream` does the same by itself: the page maximum in `paging.limit`, the next
/// cursor in `paging.cursor`, the caller's other parameters kept.
#[tokio::test]
async fn list_members_stream_pages_by_query_parameters() {
    use wix_rest::members_v1::*;
    let server = TestServer::start(|req: &Recorded, _| match req.query.as_deref() {
        Some("paging.limit=100") => Reply::json(&json!({
            "members": [{"id": "m1"}, {"id": "m2"}],
            "pagingMetadata": {"cursors": {"next": "c/2"}, "hasNext": true},
        })),
        _ => Reply::json(&json!({"members": [{"id": "m3"}], "pagingMetadata": {"cursors": {}}})),
    })
    .await;
    let client = client_for(&server);
    let ids: Vec<String> = MembersV1::new(&Members::open(&client))
        .list_members_stream(ListMembersParams::default())
        .map(|member| member.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, ["m1", "m2", "m3"]);
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("paging.limit=100".to_owned()),
            Some("paging.limit=100&paging.cursor=c%2F2".to_owned()),
        ]
    );
}

/// A cursor-paged method's server: the first page holds two items and the next cursor
/// `cursor-2`, the second one item and no next cursor (`cursors: {}`, `hasNext: false`).
async fn cursor_server(items_field: &'static str, items: [Value; 3]) -> TestServer {
    TestServer::start(move |_, index| match index {
        0 => Reply::json(&json!({
            items_field: [items[0].clone(), items[1].clone()],
            "pagingMetadata": {"count": 2, "cursors": {"next": "cursor-2"}, "hasNext": true},
        })),
        1 => Reply::json(&json!({
            items_field: [items[2].clone()],
            "pagingMetadata": {"count": 1, "cursors": {}, "hasNext": false},
        })),
        _ => bad_request(format!("request {index}: the stream should have stopped")),
    })
    .await
}

/// The requests of a cursor stream: two POSTs to `path` with the caller's request, whose
/// `<paging>.cursorPaging` is `{limit: max}` and then `{limit: max, cursor: "cursor-2"}`.
#[track_caller]
fn assert_cursor_requests(
    server: &TestServer,
    path: &str,
    paging: &str,
    max: u32,
    request: &Value,
) {
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{path}: two pages, then no next cursor");
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method, "POST", "{path}");
        assert_eq!(req.path, path);
        let mut body = req.json();
        let paging_sent = body[paging]
            .as_object_mut()
            .and_then(|o| o.remove("cursorPaging"))
            .unwrap_or_else(|| panic!("{path}: no {paging}.cursorPaging in {}", req.json()));
        let expected = match i {
            0 => json!({"limit": max}),
            _ => json!({"limit": max, "cursor": "cursor-2"}),
        };
        assert_eq!(
            paging_sent, expected,
            "{path}: request {i}'s {paging}.cursorPaging"
        );
        // The first page carries the caller's filter and sort; later pages only the cursor,
        // which holds them.
        let mut expected_body = request.clone();
        if i > 0 {
            if let Some(object) = expected_body[paging].as_object_mut() {
                object.remove("filter");
                object.remove("sort");
            }
        }
        assert_eq!(
            body, expected_body,
            "{path}: request {i} carries the filter and sort on the first page only"
        );
    }
}

/// Collects a stream of typed items into their JSON.
macro_rules! collect_json {
    ($stream:expr) => {
        $stream
            .map(|item| {
                serde_json::to_value(item.expect("every page succeeds")).expect("serialize")
            })
            .collect::<Vec<Value>>()
            .await
    };
}

/// Every cursor-paged method's `_stream`: it reads pages until no next cursor comes back,
/// sends the cursor it got in `cursorPaging.cursor`, at the method's page maximum, and sends the
/// caller's filter and sort with the first page only.
#[tokio::test]
async fn cursor_streams_follow_the_next_cursor_until_there_is_none() {
    let items = |field: &str| ["a", "b", "c"].map(|id| json!({field: id, "extra": {"kept": true}}));
    let filter_and_sort = |at: &str, extra: Value| {
        let mut request = json!({at: {
            "filter": {"status": {"$eq": "X"}},
            "sort": [{"fieldName": "createdDate", "order": "DESC"}],
        }});
        if let (Some(request), Value::Object(extra)) = (request.as_object_mut(), extra) {
            request.extend(extra);
        }
        request
    };

    macro_rules! case {
        ($module:ident, $client:ident, $scopes:ident, $stream:ident, $request:ident,
         items: $items:literal, paging: $at:literal, path: $path:literal, max: $max:literal,
         item: $item:expr, extra: $extra:expr) => {{
            use wix_rest::$module::*;
            let expected: [Value; 3] = $item;
            let request = filter_and_sort($at, $extra);
            let server = cursor_server($items, expected.clone()).await;
            let client = client_for(&server);
            let typed = serde_json::from_value::<$request>(request.clone()).expect("the request");
            let got = collect_json!($client::new(&$scopes::open(&client)).$stream(typed));
            assert_eq!(
                got, expected,
                "{}: the items of both pages, in order",
                $path
            );
            assert_cursor_requests(&server, $path, $at, $max, &request);
        }};
    }

    case!(members_v1, MembersV1, Members, query_members_stream, QueryMembersRequest,
        items: "members", paging: "query", path: "/members/v1/members/query", max: 100,
        item: items("id"), extra: json!({}));
    case!(contacts_v4, ContactsV4, Contacts, query_contacts_stream, QueryContactsRequest,
        items: "contacts", paging: "query", path: "/contacts/v4/contacts/query", max: 1000,
        item: items("id"), extra: json!({}));
    case!(events_v3, EventsV3, Events, query_events_stream, QueryEventsRequest,
        items: "events", paging: "query", path: "/events/v3/events/query", max: 100,
        item: items("id"), extra: json!({}));
    case!(data_items_v2, DataItemsV2, DataItems, query_data_items_stream, QueryDataItemsRequest,
        items: "dataItems", paging: "query", path: "/wix-data/v2/items/query", max: 100,
        item: items("id"), extra: json!({"dataCollectionId": "Books"}));
    case!(bookings_v2, BookingsV2, Bookings, query_extended_bookings_stream, QueryExtendedBookingsRequest,
        items: "extendedBookings", paging: "query", path: "/_api/bookings-reader/v2/extended-bookings/query", max: 100,
        item: ["a", "b", "c"].map(|id| json!({"booking": {"id": id}, "allowedActions": {"cancel": true}})),
        extra: json!({}));
    case!(ecom_orders_v1, EcomOrdersV1, Orders, search_orders_stream, SearchOrdersRequest,
        items: "orders", paging: "search", path: "/ecom/v1/orders/search", max: 100,
        item: items("id"), extra: json!({}));
    case!(stores_catalog_v3, StoresCatalogV3, CatalogV3, search_products_stream, SearchProductsRequest,
        items: "products", paging: "search", path: "/stores/v3/products/search", max: 100,
        item: items("id"), extra: json!({}));
}

/// An offset-paged method's server over `total` items: each page is `limit` items from
/// `offset` (read from `query.paging`), the item `{"id": "<n>"}`.
async fn offset_server(items_field: &'static str, total: usize) -> TestServer {
    TestServer::start(move |req: &Recorded, _| {
        let body = req.json();
        let paging = &body["query"]["paging"];
        let (Some(offset), Some(limit)) = (paging["offset"].as_u64(), paging["limit"].as_u64())
        else {
            return bad_request(format!("no query.paging offset and limit in {body}"));
        };
        let (start, end) = (
            (offset as usize).min(total),
            (offset as usize + limit as usize).min(total),
        );
        let page: Vec<Value> = (start..end)
            .map(|i| json!({"id": format!("{i}")}))
            .collect();
        Reply::json(&json!({items_field: page, "totalResults": total}))
    })
    .await
}

/// The requests of an offset stream over 150 items: pages of 100 at offsets 0 and 100, the
/// short second page ending it; the caller's filter and sort are kept.
#[track_caller]
fn assert_offset_requests(server: &TestServer, path: &str, request: &Value) {
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{path}: pages of 100 and 50");
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, path);
        let mut body = req.json();
        let paging = body["query"].as_object_mut().unwrap().remove("paging");
        assert_eq!(
            paging,
            Some(json!({"limit": 100, "offset": i * 100})),
            "{path}: request {i}"
        );
        assert_eq!(
            &body, request,
            "{path}: the caller's filter and sort are kept"
        );
    }
}

#[tokio::test]
async fn offset_streams_page_until_a_short_page() {
    let ids: Vec<Value> = (0..150).map(|i| json!(format!("{i}"))).collect();
    {
        use wix_rest::stores_carts::*;
        let request = json!({"query": {"filter": r#"{"status": "RECOVERED"}"#, "sort": r#"[{"abandonTime": "desc"}]"#}});
        let server = offset_server("abandonedCarts", 150).await;
        let client = client_for(&server);
        let typed = serde_json::from_value::<QueryAbandonedCartsRequest>(request.clone()).unwrap();
        let got = collect_json!(
            StoresCarts::new(&Carts::open(&client)).query_abandoned_carts_stream(typed)
        );
        let got: Vec<Value> = got.into_iter().map(|c| c["id"].clone()).collect();
        assert_eq!(got, ids);
        assert_offset_requests(&server, "/v1/abandonedCarts/query", &request);
    }
    {
        use wix_rest::stores_orders_v2::*;
        let request = json!({"query": {"filter": r#"{"paymentStatus": "PAID"}"#, "sort": r#"[{"dateCreated": "asc"}]"#}});
        let server = offset_server("orders", 150).await;
        let client = client_for(&server);
        let typed = serde_json::from_value::<QueryOrdersRequest>(request.clone()).unwrap();
        let got =
            collect_json!(StoresOrdersV2::new(&Orders::open(&client)).query_orders_stream(typed));
        let got: Vec<Value> = got.into_iter().map(|o| o["id"].clone()).collect();
        assert_eq!(got, ids);
        assert_offset_requests(&server, "/stores/v2/orders/query", &request);
    }
}

/// Query Orders' crawl by `number` (for stores over 10k orders): sorted by `number` ascending,
/// each page filtered to the numbers after the last one seen, until an empty page; the caller's
/// condition stays.
#[tokio::test]
async fn query_orders_crawl_reads_every_order_by_number() {
    use wix_rest::stores_orders_v2::*;
    // 150 orders, numbers 10001..=10150 (sent as numbers), every other one paid.
    let numbers: Vec<i64> = (10_001..=10_150).collect();
    let served = numbers.clone();
    let server = TestServer::start(move |req: &Recorded, _| {
        let body = req.json();
        let query = &body["query"];
        if query["sort"] != json!(r#"[{"number":"asc"}]"#) {
            return bad_request(format!("sort {}, expected number ascending", query["sort"]));
        }
        if query["paging"] != json!({"limit": 100}) {
            return bad_request(format!(
                "paging {}, expected limit 100 and no offset",
                query["paging"]
            ));
        }
        let Some(Ok(filter)) = query["filter"].as_str().map(serde_json::from_str::<Value>) else {
            return bad_request(format!(
                "filter {} is not JSON in a string",
                query["filter"]
            ));
        };
        if filter["paymentStatus"] != json!({"$eq": "PAID"}) {
            return bad_request(format!("the caller's condition is gone: {filter}"));
        }
        let after = filter["number"]["$gt"].as_i64();
        let page: Vec<Value> = served
            .iter()
            .filter(|n| *n % 2 == 1 && after.is_none_or(|after| **n > after))
            .take(100)
            .map(|n| json!({"id": format!("o{n}"), "number": n, "paymentStatus": "PAID"}))
            .collect();
        Reply::json(&json!({"orders": page, "totalResults": page.len()}))
    })
    .await;
    let client = client_for(&server);
    let mut request = QueryOrdersRequest::default();
    QueryOrdersQuery::new()
        .payment_status()
        .eq(OrderPaymentStatus::Paid)
        .apply_to(&mut request);
    let got: Vec<i64> = StoresOrdersV2::new(&Orders::open(&client))
        .query_orders_crawl(request)
        .map(|order| {
            order
                .expect("every page succeeds")
                .number
                .expect("a number")
        })
        .collect()
        .await;
    let paid: Vec<i64> = numbers.into_iter().filter(|n| n % 2 == 1).collect();
    assert_eq!(got, paid, "all 75 paid orders, in order, once each");

    // 75 orders on one page, then an empty page.
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let filters: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_str(r.json()["query"]["filter"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(filters[0], json!({"paymentStatus": {"$eq": "PAID"}}));
    assert_eq!(
        filters[1],
        json!({"paymentStatus": {"$eq": "PAID"}, "number": {"$gt": 10_149}})
    );
}
