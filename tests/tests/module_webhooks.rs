//! Every webhook sample of every module's fixture, end to end: signed RS256 with the test app
//! key the way Wix signs (the double-stringified `data` claim), verified, typed by
//! `wix_rest::events::Event::from_raw` into its module's variant and its event's variant, and
//! serialized back: a legacy payload must equal the sample, a domain event's whole envelope
//! (`DomainEvent<T>`) too. The samples must cover every event type of every module.
//!
//! `webhooks.rs` has the forgery cases; the signing helpers are copied from there.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wix_rest::events::Event;
use wix_rest::webhook::WebhookVerifier;
use wix_rest_tests::assert_json_equivalent;
use wix_rest_tests::jwt::{
    APP_PRIVATE, APP_PUBLIC, INSTANCE_ID, deliver, fresh_claims, sign_rs256,
};

/// Every fixture, with the number of webhook samples it holds (a shrunken fixture fails).
const FIXTURES: &[(&str, &str, usize)] = &[
    (
        "bookings-v2",
        include_str!("../fixtures/bookings-v2.examples.json"),
        0,
    ),
    (
        "contacts-v4",
        include_str!("../fixtures/contacts-v4.examples.json"),
        1,
    ),
    (
        "data-items-v2",
        include_str!("../fixtures/data-items-v2.examples.json"),
        0,
    ),
    (
        "ecom-orders-v1",
        include_str!("../fixtures/ecom-orders-v1.examples.json"),
        1,
    ),
    (
        "events-v3",
        include_str!("../fixtures/events-v3.examples.json"),
        0,
    ),
    (
        "members-v1",
        include_str!("../fixtures/members-v1.examples.json"),
        0,
    ),
    ("oauth", include_str!("../fixtures/oauth.examples.json"), 1),
    (
        "stores-carts",
        include_str!("../fixtures/stores-carts.examples.json"),
        4,
    ),
    (
        "stores-catalog-v1",
        include_str!("../fixtures/stores-catalog-v1.examples.json"),
        7,
    ),
    (
        "stores-catalog-v1.002",
        include_str!("../fixtures/stores-catalog-v1.002.examples.json"),
        0,
    ),
    (
        "stores-catalog-v3",
        include_str!("../fixtures/stores-catalog-v3.examples.json"),
        0,
    ),
    (
        "stores-inventory-v1",
        include_str!("../fixtures/stores-inventory-v1.examples.json"),
        2,
    ),
    (
        "stores-orders-v2",
        include_str!("../fixtures/stores-orders-v2.examples.json"),
        1,
    ),
];

/// The payload of a module's event serialized back, after checking the event variant is the
/// event type's: `payloads!(event_type, inner, module: "WireType" => Variant, ...)`.
macro_rules! payloads {
    ($event_type:expr, $inner:expr, $module:ident: $($wire:literal => $variant:ident),+ $(,)?) => {{
        use wix_rest::$module::Event as ModuleEvent;
        let inner: &ModuleEvent = $inner;
        assert_eq!(inner.event_type(), $event_type, "the event's own event type");
        match ($event_type, inner) {
            $(($wire, ModuleEvent::$variant(payload)) => serde_json::to_value(payload),)+
            (event_type, other) => panic!("{event_type}: typed as the wrong variant: {other:?}"),
        }
        .expect("serialize the payload")
    }};
}

/// The typed event, serialized back, after checking it is a variant of the fixture's module.
fn typed_payload(fixture: &str, event_type: &str, event: &Event) -> Value {
    match (fixture, event) {
        ("contacts-v4", Event::ContactsV4(e)) => payloads!(event_type, e, contacts_v4:
            "wix.contacts.v4.contact_created" => ContactCreated),
        ("ecom-orders-v1", Event::EcomOrdersV1(e)) => payloads!(event_type, e, ecom_orders_v1:
            "wix.ecom.v1.order_created" => OrderCreated),
        ("oauth", Event::Oauth(e)) => payloads!(event_type, e, oauth:
            "AppInstalled" => AppInstalled),
        ("stores-carts", Event::StoresCarts(e)) => payloads!(event_type, e, stores_carts:
            "CartAbandoned" => CartAbandoned,
            "CartRecovered" => CartRecovered,
            "CartCreated" => CartCreated,
            "CartCompleted" => CartCompleted),
        ("stores-catalog-v1", Event::StoresCatalogV1(e)) => {
            payloads!(event_type, e, stores_catalog_v1:
            "CollectionCreated" => CollectionCreated,
            "CollectionChanged" => CollectionChanged,
            "CollectionDeleted" => CollectionDeleted,
            "ProductCreated" => ProductCreated,
            "ProductChanged" => ProductChanged,
            "ProductDeleted" => ProductDeleted,
            "VariantsChanged" => VariantsChanged)
        }
        ("stores-inventory-v1", Event::StoresInventoryV1(e)) => {
            payloads!(event_type, e, stores_inventory_v1:
            "InventoryItemChanged" => InventoryItemChanged,
            "InventoryVariantsChanged" => InventoryVariantsChanged)
        }
        ("stores-orders-v2", Event::StoresOrdersV2(e)) => {
            payloads!(event_type, e, stores_orders_v2:
            "OrderEvent" => OrderEvent)
        }
        (fixture, other) => {
            panic!("{fixture}: {event_type} typed as {other:?}, not as an event of the module")
        }
    }
}

/// Every event type of every module.
fn every_event_type() -> BTreeSet<&'static str> {
    let per_module: [&[&'static str]; 7] = [
        wix_rest::contacts_v4::Event::EVENT_TYPES,
        wix_rest::ecom_orders_v1::Event::EVENT_TYPES,
        wix_rest::oauth::Event::EVENT_TYPES,
        wix_rest::stores_carts::Event::EVENT_TYPES,
        wix_rest::stores_catalog_v1::Event::EVENT_TYPES,
        wix_rest::stores_inventory_v1::Event::EVENT_TYPES,
        wix_rest::stores_orders_v2::Event::EVENT_TYPES,
    ];
    let all: Vec<&'static str> = per_module
        .iter()
        .flat_map(|types| types.iter().copied())
        .collect();
    let set: BTreeSet<&'static str> = all.iter().copied().collect();
    assert_eq!(
        set.len(),
        all.len(),
        "an event type belongs to two modules: {all:?}"
    );
    set
}

/// Every webhook's event type in `specs/`, as the generator reads them.
fn spec_event_types() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let files = xtask::read_specs(&root, "specs").expect("specs/ is readable");
    let spec = xtask::load(&files)
        .unwrap_or_else(|d| panic!("the specs are valid: {}", xtask::diag::render(&d)));
    let all: BTreeSet<String> = spec
        .modules
        .iter()
        .flat_map(|m| m.webhooks.iter().map(|w| w.event_type.clone()))
        .collect();
    assert!(!all.is_empty(), "the specs have webhooks");
    all
}

#[test]
fn every_sample_webhook_of_every_module_verifies_and_is_typed() {
    let verifier = WebhookVerifier::from_pem(APP_PUBLIC).expect("the app's public key");
    let mut seen = BTreeSet::new();
    for &(fixture, text, count) in FIXTURES {
        let json: Value = serde_json::from_str(text).expect("the fixture is JSON");
        let webhooks = json["webhooks"]
            .as_array()
            .unwrap_or_else(|| panic!("{fixture}: no `webhooks` array"));
        assert_eq!(
            webhooks.len(),
            count,
            "{fixture}: the number of webhook samples changed"
        );
        for webhook in webhooks {
            let event_type = webhook["event"].as_str().expect("an `event` string");
            let data = &webhook["data"];
            let context = format!("{fixture}: {event_type}");
            assert!(
                seen.insert(event_type.to_owned()),
                "{context}: a second sample"
            );

            let raw = deliver(&verifier, event_type, data, &context);

            let event = Event::from_raw(&raw)
                .unwrap_or_else(|e| panic!("{context}: the sample does not match its type: {e}"));
            let payload = typed_payload(fixture, event_type, &event);
            // For a domain event this is the whole envelope (`DomainEvent<T>` serialized).
            assert_json_equivalent(
                data,
                &payload,
                &format!("{context}: payload serialized back"),
            );
        }
    }
    let known = every_event_type();
    let generated: BTreeSet<String> = known.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        generated,
        spec_event_types(),
        "the generated modules' event types are the specs' webhooks (a module missing from \
         `every_event_type`?)"
    );
    let seen: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(
        seen, known,
        "every event type has a sample, and nothing else does"
    );
}

#[test]
fn app_installed_needs_no_permission_and_carries_the_instance_in_its_envelope() {
    use wix_rest::oauth::{AppInstalled, Event as OauthEvent};
    let payload = json!({"appId": "2f1e0d9c-8b7a-4654-9321-0fedcba98765", "originInstanceId": "", "extra": [1]});
    let token = sign_rs256(&fresh_claims("AppInstalled", &payload), APP_PRIVATE);
    let raw = WebhookVerifier::from_pem(APP_PUBLIC)
        .unwrap()
        .verify(&token)
        .unwrap();
    // The instance the app asks tokens for is the envelope's, not a payload field.
    assert_eq!(raw.instance_id, INSTANCE_ID);
    match Event::from_raw(&raw).unwrap() {
        Event::Oauth(OauthEvent::AppInstalled(AppInstalled {
            app_id,
            origin_instance_id,
            unknown_fields,
            ..
        })) => {
            assert_eq!(
                app_id.as_deref(),
                Some("2f1e0d9c-8b7a-4654-9321-0fedcba98765")
            );
            assert_eq!(origin_instance_id.as_deref(), Some(""));
            assert_eq!(unknown_fields.get("extra"), Some(&json!([1])));
        }
        other => panic!("expected an OAuth App Installed event, got {other:?}"),
    }
}
