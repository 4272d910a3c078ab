//! The scope-checked webhook router (`<module>::Webhooks<S>`), end to end: genuine webhooks
//! signed RS256 with the test app key, verified by the raw `WebhookVerifier`, then dispatched to
//! the handlers of the events the scope set covers. (That an event the scopes do not cover has
//! no handler to register is a compile-time check: `tests/ui/fail/webhook_missing_grant.rs`.)

use serde_json::{Value, json};
use wix_rest::webhook::WebhookError;
use wix_rest::{ecom_orders_v1, oauth, stores_catalog_v1};
use wix_rest_tests::jwt::{
    APP_PRIVATE, OTHER_PRIVATE, deliver, fresh_claims, sign_rs256, verifier,
};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, DC_STORES_READ_ORDERS)]
struct Listener;

#[test]
fn verified_events_reach_the_handler_of_their_type_and_no_other() {
    let verifier = verifier();
    let mut catalog: stores_catalog_v1::Webhooks<'_, Listener, String> =
        stores_catalog_v1::Webhooks::new()
            .on_product_created(|created| format!("created {}", created.product_id))
            .on_product_deleted(|deleted| format!("deleted {}", deleted.product_id));
    assert_eq!(catalog.event_types(), ["ProductCreated", "ProductDeleted"]);

    let created = deliver(
        &verifier,
        "ProductCreated",
        &json!({"productId": "p1", "name": "Cactus"}),
        "ProductCreated",
    );
    assert_eq!(
        catalog.dispatch(&created).unwrap().as_deref(),
        Some("created p1")
    );
    let deleted = deliver(
        &verifier,
        "ProductDeleted",
        &json!({"productId": "p2"}),
        "ProductDeleted",
    );
    assert_eq!(
        catalog.dispatch(&deleted).unwrap().as_deref(),
        Some("deleted p2")
    );

    // An event of the module with no handler, and an event of another module: not handled.
    let collection = deliver(
        &verifier,
        "CollectionDeleted",
        &json!({"collectionId": "c1"}),
        "c",
    );
    assert_eq!(catalog.dispatch(&collection).unwrap(), None);
    let other = deliver(
        &verifier,
        "AppInstalled",
        &json!({"appId": "a1"}),
        "AppInstalled",
    );
    assert_eq!(catalog.dispatch(&other).unwrap(), None);
}

#[test]
fn a_later_handler_replaces_an_earlier_one_and_state_is_kept() {
    let verifier = verifier();
    let mut seen = Vec::new();
    {
        let mut catalog: stores_catalog_v1::Webhooks<'_, Listener> =
            stores_catalog_v1::Webhooks::new()
                .on_product_deleted(|_| panic!("replaced"))
                .on_product_deleted(|deleted| seen.push(deleted.product_id));
        assert_eq!(catalog.event_types(), ["ProductDeleted"]);
        for id in ["p1", "p2"] {
            let raw = deliver(&verifier, "ProductDeleted", &json!({"productId": id}), id);
            assert_eq!(catalog.dispatch(&raw).unwrap(), Some(()));
        }
    }
    assert_eq!(seen, ["p1", "p2"]);
}

#[test]
fn a_handled_event_whose_data_does_not_match_its_type_is_an_error() {
    let verifier = verifier();
    let mut catalog: stores_catalog_v1::Webhooks<'_, Listener> =
        stores_catalog_v1::Webhooks::new().on_product_deleted(|_| ());
    let raw = deliver(
        &verifier,
        "ProductDeleted",
        &json!({"productId": 7}),
        "malformed",
    );
    match catalog.dispatch(&raw) {
        Err(WebhookError::Malformed {
            event_type, path, ..
        }) => {
            assert_eq!(event_type, "ProductDeleted");
            assert_eq!(path, "productId");
        }
        other => panic!("expected a malformed-event error, got {other:?}"),
    }
}

#[test]
fn domain_events_and_events_every_app_receives_are_routed_too() {
    let verifier = verifier();
    let mut orders: ecom_orders_v1::Webhooks<'_, Listener, Option<String>> =
        ecom_orders_v1::Webhooks::new().on_order_created(|event| event.entity_id.clone().into());
    let envelope = json!({
        "id": "e1", "entityFqdn": "wix.ecom.v1.order", "slug": "created", "entityId": "o1",
        "createdEvent": {"entity": {"id": "o1"}},
    });
    let raw = deliver(
        &verifier,
        "wix.ecom.v1.order_created",
        &envelope,
        "order created",
    );
    assert_eq!(orders.dispatch(&raw).unwrap(), Some(Some("o1".to_owned())));

    // App Installed needs no permission; the router of any scope set handles it.
    let mut installs: oauth::Webhooks<'_, Listener, Option<String>> =
        oauth::Webhooks::new().on_app_installed(|installed| installed.app_id);
    let raw = deliver(
        &verifier,
        "AppInstalled",
        &json!({"appId": "a1"}),
        "AppInstalled",
    );
    assert_eq!(
        installs.dispatch(&raw).unwrap(),
        Some(Some("a1".to_owned()))
    );
}

#[test]
fn forgeries_never_reach_a_router() {
    // The router takes only a `RawEvent`, which only the verifier makes: a webhook signed with
    // another key is refused before any dispatch.
    let data: Value = json!({"productId": "p1"});
    let forged = sign_rs256(&fresh_claims("ProductDeleted", &data), OTHER_PRIVATE);
    assert!(matches!(
        verifier().verify(&forged),
        Err(WebhookError::Rejected(_))
    ));
    let genuine = sign_rs256(&fresh_claims("ProductDeleted", &data), APP_PRIVATE);
    assert!(verifier().verify(&genuine).is_ok());
}
