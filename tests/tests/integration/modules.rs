//! Every module against a real HTTP server on loopback, both sides checked. The server side:
//! verb, path, query string, `authorization` and `wix-site-id` (or their absence, for the one
//! method that needs no permission) and the JSON body. The client side: the typed response,
//! serialized back, equals the response served.
//!
//! - The hand-written modules (CMS data items, OAuth, the legacy Stores carts and orders) replay
//!   the request/response examples of `tests/fixtures/<module>.examples.json`.
//! - The modules imported from Wix's metadata (stores catalog V1 and V3, inventory, eCommerce
//!   orders, contacts, members, bookings, events) replay bodies built from their own types
//!   (`wix_rest_tests::samples`): every field of the request and of the response, so that a
//!   field lost or renamed by the generator fails, whatever Wix publishes next.
//! - Paging streams (cursor, offset and the `number` crawl) and the OAuth token request made
//!   under app credentials.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures_util::StreamExt;
use serde_json::{Value, json};
use wix_rest::{Client, Credentials, Error, Operation, ScopeSet};
use wix_rest_tests::samples::{self, Sampler};
use wix_rest_tests::{API_KEY, SITE_ID, assert_request_body, bad_request, client_for};
use wix_rest_tests::{Recorded, Reply, TestServer, assert_json_equivalent};

// The scopes the tests hold, per module: each grants the permissions of the methods called.
#[wix_rest::scope_set(DC_DATA_READ, DC_DATA_WRITE)]
struct DataItems;
#[wix_rest::scope_set(DC_STORES_READ_ORDERS, DC_STORES_MANAGE_ORDERS)]
struct Orders;
#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Carts;
#[wix_rest::scope_set(DC_STORES_MEGA_MANAGE_STORES)]
struct Stores;
#[wix_rest::scope_set(DC_ECOM_MEGA_MANAGE_ECOM)]
struct Ecom;
#[wix_rest::scope_set(DC_CONTACTS_MANAGE_CONTACTS)]
struct Contacts;
#[wix_rest::scope_set(DC_MEMBERS_MANAGE_MEMBERS)]
struct Members;
#[wix_rest::scope_set(DC_BOOKINGS_MANAGE_BOOKINGS)]
struct Bookings;
#[wix_rest::scope_set(DC_EVENTS_READ_EVENTS)]
struct Events;
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
            include_str!(concat!("../../fixtures/", $name, ".examples.json")),
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
        match op.requires {
            wix_rest::Requires::All(_) | wix_rest::Requires::Unpublished => {
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
            wix_rest::Requires::Nothing => {
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
                assert_eq!(
                    operations::CREATE_ACCESS_TOKEN.requires,
                    wix_rest::Requires::Nothing
                );
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
    assert_examples(&examples, 2, Some("stores-carts"));
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

// ------------------------------------------------------------------------------ imported modules

/// A method of an imported module and the bodies built from its types: every field of its
/// request and of its response (`samples::Sampler`).
struct Built {
    context: String,
    /// The path the request must reach: the template with every parameter `text-1` (the
    /// sampler's string, which path arguments and body fields alike carry here).
    path: String,
    request: Option<Value>,
    response: Value,
}

impl Built {
    fn new(module: &str, method: &str) -> Built {
        let spec = samples::spec();
        let m = spec
            .modules
            .iter()
            .find(|m| m.name == module)
            .unwrap_or_else(|| panic!("no module {module}"));
        let sampler = Sampler::new(&spec, m);
        let method = m
            .methods
            .iter()
            .find(|x| x.rust_name == method)
            .unwrap_or_else(|| panic!("{module}: no method {method}"));
        let mut path = String::new();
        let mut rest = method.path.as_str();
        while let Some((before, after)) = rest.split_once('{') {
            path.push_str(before);
            path.push_str("text-1");
            rest = after.split_once('}').expect("a closed parameter").1;
        }
        path.push_str(rest);
        let response = method
            .response
            .as_ref()
            .map_or_else(|| json!({}), |t| sampler.value(t));
        assert!(
            response.as_object().is_some_and(|o| !o.is_empty()),
            "{module}: {}: a response with fields to check",
            method.wix_name
        );
        Built {
            context: format!("{module}: {}", method.wix_name),
            path,
            request: method.request.as_ref().map(|t| sampler.value(t)),
            response,
        }
    }

    /// The built request read as the method's request type, which must keep all of it.
    fn request<T: serde::de::DeserializeOwned + serde::Serialize>(&self) -> T {
        let value = self.request.clone().expect("a method with a request body");
        let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: the built request does not read as its type: {e}",
                self.context
            )
        });
        assert_json_equivalent(
            &value,
            &serde_json::to_value(&typed).unwrap(),
            &format!("{}: the request type keeps every field", self.context),
        );
        typed
    }

    fn check(&self, op: &Operation, server: &TestServer, result: Result<Value, Error>) {
        let context = &self.context;
        let got = result.unwrap_or_else(|e| panic!("{context}: the call failed: {e}\n{e:?}"));
        assert_json_equivalent(
            &self.response,
            &got,
            &format!("{context}: typed response serialized back"),
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{context}: exactly one request");
        let request = &requests[0];
        assert_eq!(
            request.method,
            op.http_method.as_str(),
            "{context}: HTTP method"
        );
        assert_eq!(request.path, self.path, "{context}: path");
        assert_eq!(request.header("authorization"), Some(API_KEY), "{context}");
        assert_eq!(request.header("wix-site-id"), Some(SITE_ID), "{context}");
        assert_request_body(request, self.request.as_ref(), context);
    }
}

/// Replays one method of an imported module with built bodies:
/// `replay_built!(module, "spec-name", OPERATION, Client<Scopes>, |api, body: Type| call)`.
macro_rules! replay_built {
    ($module:ident, $spec:literal, $op:ident, $client:ident<$scopes:ident>, |$api:ident, $body:ident: $req:ty| $call:expr) => {{
        use wix_rest::$module::*;
        let op: &'static Operation = &operations::$op;
        let built = Built::new($spec, op.name);
        let $body: $req = built.request();
        let reply = built.response.clone();
        let server = TestServer::start(move |_, _| Reply::json(&reply)).await;
        let client = client_for(&server);
        let $api = $client::new(&$scopes::open(&client));
        let result = $call
            .await
            .map(|response| serde_json::to_value(&response).expect("serialize the response"));
        built.check(op, &server, result);
    }};
    ($module:ident, $spec:literal, $op:ident, $client:ident<$scopes:ident>, |$api:ident| $call:expr) => {{
        use wix_rest::$module::*;
        let op: &'static Operation = &operations::$op;
        let built = Built::new($spec, op.name);
        assert!(built.request.is_none(), "{}: a body to send", built.context);
        let reply = built.response.clone();
        let server = TestServer::start(move |_, _| Reply::json(&reply)).await;
        let client = client_for(&server);
        let $api = $client::new(&$scopes::open(&client));
        let result = $call
            .await
            .map(|response| serde_json::to_value(&response).expect("serialize the response"));
        built.check(op, &server, result);
    }};
}

#[tokio::test]
async fn stores_catalog_v1_create_product() {
    replay_built!(
        stores_catalog_v1,
        "stores-catalog-v1",
        CREATE_PRODUCT,
        StoresCatalogV1<Stores>,
        |api, body: CreateProductRequest| api.create_product(&body)
    );
}

#[tokio::test]
async fn stores_catalog_v3_create_product() {
    replay_built!(
        stores_catalog_v3,
        "stores-catalog-v3",
        CREATE_PRODUCT,
        StoresCatalogV3<Stores>,
        |api, body: CreateProductRequest| api.create_product(&body)
    );
}

/// A path parameter and a body.
#[tokio::test]
async fn stores_inventory_v1_get_inventory_variants() {
    replay_built!(
        stores_inventory_v1,
        "stores-inventory-v1",
        GET_INVENTORY_VARIANTS,
        StoresInventoryV1<Stores>,
        |api, body: GetInventoryVariantsRequest| api.get_inventory_variants("text-1", &body)
    );
}

#[tokio::test]
async fn ecom_orders_v1_create_order() {
    replay_built!(
        ecom_orders_v1,
        "ecom-orders-v1",
        CREATE_ORDER,
        EcomOrdersV1<Ecom>,
        |api, body: CreateOrderRequest| api.create_order(&body)
    );
}

#[tokio::test]
async fn contacts_v4_create_contact() {
    replay_built!(
        contacts_v4,
        "contacts-v4",
        CREATE_CONTACT,
        ContactsV4<Contacts>,
        |api, body: CreateContactRequest| api.create_contact(&body)
    );
}

#[tokio::test]
async fn members_v1_create_member() {
    replay_built!(
        members_v1,
        "members-v1",
        CREATE_MEMBER,
        MembersV1<Members>,
        |api, body: CreateMemberRequest| api.create_member(&body)
    );
}

#[tokio::test]
async fn bookings_v2_create_booking() {
    replay_built!(
        bookings_v2,
        "bookings-v2",
        CREATE_BOOKING,
        BookingsV2<Bookings>,
        |api, body: CreateBookingRequest| api.create_booking(&body)
    );
}

#[tokio::test]
async fn events_v3_get_event() {
    replay_built!(events_v3, "events-v3", GET_EVENT, EventsV3<Events>, |api| {
        api.get_event("text-1", Box::leak(Box::default()))
    });
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
        unknown_fields: Default::default(),
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
        // Numerically: the imported specs type some page sizes as `number` (sent as `100.0`).
        assert_json_equivalent(
            &expected,
            &paging_sent,
            &format!("{path}: request {i}'s {paging}.cursorPaging"),
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

    case!(data_items_v2, DataItemsV2, DataItems, query_data_items_stream, QueryDataItemsRequest,
        items: "dataItems", paging: "query", path: "/wix-data/v2/items/query", max: 100,
        item: items("id"), extra: json!({"dataCollectionId": "Books"}));
    // An imported module: the path and the page size are the spec's.
    let (path, max) = stream_of("stores-catalog-v3", "query_products");
    assert_eq!(
        path,
        wix_rest::stores_catalog_v3::operations::QUERY_PRODUCTS.path
    );
    {
        use wix_rest::stores_catalog_v3::*;
        // A closed type: only its fields come back.
        let expected: [Value; 3] = ["a", "b", "c"].map(|id| json!({"id": id}));
        let request = filter_and_sort("query", json!({}));
        let server = cursor_server("products", expected.clone()).await;
        let client = client_for(&server);
        let typed =
            serde_json::from_value::<V3QueryProductsRequest>(request.clone()).expect("the request");
        let got = collect_json!(
            StoresCatalogV3::new(&Stores::open(&client)).query_products_stream(typed)
        );
        assert_eq!(got, expected, "{path}: the items of both pages, in order");
        assert_cursor_requests(&server, &path, "query", max, &request);
    }
}

/// The path and page size of a method's stream, from the spec.
fn stream_of(module: &str, method: &str) -> (String, u32) {
    let spec = samples::spec();
    let module = spec.modules.iter().find(|m| m.name == module).unwrap();
    let method = module
        .methods
        .iter()
        .find(|m| m.rust_name == method)
        .unwrap();
    let paging = method.paging.as_ref().expect("a paged method");
    (method.path.clone(), paging.max_page_size)
}

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
