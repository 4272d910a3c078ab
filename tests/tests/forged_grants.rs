//! A permission trait implemented by a dependency's macro, in a crate that forbids unsafe code:
//! Rust lets it compile (`unsafe` in an external macro's expansion is not linted), so the
//! runtime catches it. The scope attributes record the permissions the declared scopes grant
//! (`ScopeSet::GRANTED`, literals from the scope table); a call whose permission is not among
//! them fails with `Error::NotGranted` and nothing reaches the server.
#![forbid(unsafe_code)]

use serde_json::json;
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, Credentials, Error, ScopeSet};
use wix_rest_tests::{Reply, TestServer};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

wix_rest_tests::forge_modify_products!(Catalog);

#[tokio::test]
async fn a_forged_grant_is_refused_at_the_call_and_nothing_is_sent() {
    let server = TestServer::start(|_, _| Reply::json(&json!({"collection": {"id": "c1"}}))).await;
    let client = Client::builder(Credentials::api_key_for_site("k", "site"))
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let stores = StoresCatalogV1::new(&Catalog::open(&client));
    let error = stores.delete_product("p1").await.unwrap_err();
    let Error::NotGranted {
        method,
        permission,
        scope_set,
    } = error
    else {
        panic!("{error}")
    };
    assert_eq!(
        (method, permission),
        ("delete_product", "WIX_STORES.MODIFY_PRODUCTS")
    );
    assert!(scope_set.ends_with("Catalog"), "{scope_set}");
    assert!(server.requests().is_empty(), "nothing was sent");

    // What the declared scope grants still goes through, and the set says what it declared.
    stores.get_collection_by_slug("c1").await.unwrap();
    assert_eq!(server.requests().len(), 1);
    assert!(Catalog::grants("WIX_STORES.READ_PRODUCTS"));
    assert!(!Catalog::grants("WIX_STORES.MODIFY_PRODUCTS"));
}
