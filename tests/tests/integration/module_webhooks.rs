//! Every webhook of every module of `specs/`, end to end: a sample built from the event's own
//! payload type (`wix_rest_tests::samples`), in its envelope (a domain event's entity or action
//! body where its slug puts it, in both forms: Wix's wire form, a JSON string under
//! `entityAsJson`/`currentEntityAsJson`/`deletedEntityAsJson`/`bodyAsJson`, and the SDK's object
//! form), signed RS256 with the test app key the way Wix signs (the double-stringified
//! `data` claim), verified, and typed by `wix_rest::events::Event::from_raw` into its module's
//! variant with its real event type. The payload is typed, not only accepted: a value of the
//! wrong type at one of its fields is refused, naming the JSON path.
//!
//! The list of webhooks comes from the specs; `webhooks.rs` has the forgery cases.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wix_rest::events::Event;
use wix_rest::webhook::{WebhookError, WebhookVerifier};
use wix_rest_tests::jwt::{
    APP_PRIVATE, APP_PUBLIC, INSTANCE_ID, deliver, fresh_claims, sign_rs256,
};
use wix_rest_tests::samples::{self, Sampler};
use xtask::model::Envelope;

/// The module (by spec name) and the module's own event type of a typed event: one arm per
/// module with webhooks, `(spec name, Event variant, generated module)`.
macro_rules! modules_with_webhooks {
    ($($name:literal => $variant:ident: $module:ident),+ $(,)?) => {
        const MODULES_WITH_WEBHOOKS: &[&str] = &[$($name),+];

        fn module_and_event_type(event: &Event) -> Option<(&'static str, &'static str)> {
            match event {
                $(Event::$variant(e) => Some(($name, e.event_type())),)+
                _ => None,
            }
        }

        fn module_event_types(module: &str) -> &'static [&'static str] {
            match module {
                $($name => wix_rest::$module::Event::EVENT_TYPES,)+
                other => panic!("{other}: not a module with webhooks"),
            }
        }
    };
}

modules_with_webhooks! {
    "bookings-v2" => BookingsV2: bookings_v2,
    "categories" => Categories: categories,
    "contacts-v4" => ContactsV4: contacts_v4,
    "ecom-abandoned-checkouts" => EcomAbandonedCheckouts: ecom_abandoned_checkouts,
    "ecom-cart" => EcomCart: ecom_cart,
    "ecom-checkout" => EcomCheckout: ecom_checkout,
    "ecom-current-cart" => EcomCurrentCart: ecom_current_cart,
    "ecom-order-fulfillments" => EcomOrderFulfillments: ecom_order_fulfillments,
    "ecom-orders-v1" => EcomOrdersV1: ecom_orders_v1,
    "events-v3" => EventsV3: events_v3,
    "members-v1" => MembersV1: members_v1,
    "oauth" => Oauth: oauth,
    "stores-abandoned-carts" => StoresAbandonedCarts: stores_abandoned_carts,
    "stores-catalog-v1" => StoresCatalogV1: stores_catalog_v1,
    "stores-catalog-v3" => StoresCatalogV3: stores_catalog_v3,
    "stores-inventory-items-v3" => StoresInventoryItemsV3: stores_inventory_items_v3,
    "stores-inventory-v1" => StoresInventoryV1: stores_inventory_v1,
}

/// How a domain event carries its payload.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    /// As Wix sends it: a string of JSON under `*AsJson` (`meta.d.ts`'s `EntityCreatedEvent`, ...).
    Wire,
    /// As Wix's SDK hands it on: the object itself.
    Object,
}

/// Where a domain event carries its payload: the entity of a created, updated or deleted event,
/// the body of any other action.
fn entity_slot(event_type: &str, form: Form) -> String {
    let slug = event_type.rsplit('_').next().unwrap_or_default();
    let slot = match slug {
        "created" => "createdEvent.entity",
        "updated" => "updatedEvent.currentEntity",
        "deleted" => "deletedEvent.deletedEntity",
        _ => "actionEvent.body",
    };
    match form {
        Form::Object => slot.to_owned(),
        Form::Wire => format!("{slot}AsJson"),
    }
}

/// The webhook's `data`: the payload as is (legacy), or in its domain-event envelope.
fn envelope(envelope: Envelope, event_type: &str, payload: Value, form: Form) -> Value {
    match envelope {
        Envelope::Legacy => payload,
        Envelope::Domain => {
            let (fqdn, _) = event_type.rsplit_once('_').unwrap_or((event_type, ""));
            let mut data = json!({
                "id": "event-1", "entityFqdn": fqdn, "slug": "created", "entityId": "entity-1",
                "eventTime": samples::TIMESTAMP,
            });
            let slot = entity_slot(event_type, form);
            let (outer, inner) = slot.split_once('.').unwrap();
            data[outer] = match form {
                Form::Object => json!({ inner: payload }),
                Form::Wire => json!({ inner: payload.to_string() }),
            };
            data
        }
    }
}

fn verify_and_type(verifier: &WebhookVerifier, event_type: &str, data: &Value) -> Event {
    let raw = deliver(verifier, event_type, data, event_type);
    Event::from_raw(&raw)
        .unwrap_or_else(|e| panic!("{event_type}: the sample does not match its type: {e}"))
}

#[test]
fn every_webhook_of_every_module_is_signed_verified_and_typed() {
    let spec = samples::spec();
    let verifier = WebhookVerifier::from_pem(APP_PUBLIC).expect("the app's public key");
    let with_webhooks: Vec<&str> = spec
        .modules
        .iter()
        .filter(|m| !m.webhooks.is_empty())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        with_webhooks, MODULES_WITH_WEBHOOKS,
        "the modules with webhooks in specs/ (add a module to `modules_with_webhooks!`)"
    );
    let (mut typed, mut refused) = (0, 0);
    let mut seen = BTreeSet::new();
    // An event type some modules share (Ecom Cart and Ecom Current Cart publish the same cart
    // events) is typed by the first of them, in module order, as `Event::from_raw` tries them.
    let first_module = |event_type: &str| {
        spec.modules
            .iter()
            .find(|m| m.webhooks.iter().any(|w| w.event_type == event_type))
            .map(|m| m.name.as_str())
    };
    for module in spec.modules.iter().filter(|m| !m.webhooks.is_empty()) {
        let sampler = Sampler::new(&spec, module);
        let spec_types: Vec<&str> = module
            .webhooks
            .iter()
            .map(|w| w.event_type.as_str())
            .collect();
        let mut generated = module_event_types(&module.name).to_vec();
        generated.sort_unstable();
        let mut wanted = spec_types.clone();
        wanted.sort_unstable();
        assert_eq!(
            generated, wanted,
            "{}: the generated event types",
            module.name
        );

        for (webhook, form) in module
            .webhooks
            .iter()
            .flat_map(|w| [(w, Form::Wire), (w, Form::Object)])
        {
            if webhook.envelope == Envelope::Legacy && form == Form::Object {
                continue;
            }
            let event_type = webhook.event_type.as_str();
            let context = format!("{}: {event_type} ({form:?} form)", module.name);
            seen.insert(event_type.to_owned());
            let payload = sampler.value(&webhook.payload);
            let data = envelope(webhook.envelope, event_type, payload.clone(), form);
            let event = verify_and_type(&verifier, event_type, &data);
            assert_eq!(
                module_and_event_type(&event),
                Some((first_module(event_type).unwrap(), event_type)),
                "{context}: typed as {event:?}"
            );
            typed += 1;

            // The payload's own fields are typed: the wrong type at one is refused, at its path.
            let Some(leaf) = sampler.typed_leaf(&webhook.payload, &payload) else {
                continue;
            };
            let slot = match webhook.envelope {
                Envelope::Legacy => String::new(),
                Envelope::Domain => entity_slot(event_type, form),
            };
            let join = |a: &str, b: &str| {
                [a, b]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(".")
                    .replace(".[", "[")
            };
            let wrong_value = json!([["not", "this", "type"]]);
            // The error's path: the field itself, or (inside a string of JSON) the string, with
            // the field's path inside it in the message.
            let (wrong, path, inner) = if form == Form::Wire && webhook.envelope == Envelope::Domain
            {
                let mut wrong_payload = payload.clone();
                samples::replace_at(&mut wrong_payload, &leaf, wrong_value);
                let wrong = envelope(webhook.envelope, event_type, wrong_payload, form);
                (wrong, slot.clone(), Some(leaf.clone()))
            } else {
                let path = join(&slot, &leaf);
                let mut wrong = data.clone();
                samples::replace_at(&mut wrong, &path, wrong_value);
                (wrong, path, None)
            };
            let token = sign_rs256(&fresh_claims(event_type, &wrong), APP_PRIVATE);
            let raw = verifier.verify(&token).expect("a genuine webhook");
            match Event::from_raw(&raw) {
                Err(WebhookError::Malformed {
                    event_type: reported,
                    path: at,
                    message,
                    ..
                }) => {
                    assert_eq!(reported, event_type, "{context}");
                    assert_eq!(at, path, "{context}: the path of the wrong value");
                    if let Some(inner) = inner {
                        assert!(
                            message.contains(&format!("in its JSON string, at `{inner}`")),
                            "{context}: {message}"
                        );
                    }
                }
                other => panic!("{context}: a wrong type at `{path}` was not refused: {other:?}"),
            }
            refused += 1;
        }
    }
    let all: usize = spec.modules.iter().map(|m| m.webhooks.len()).sum();
    let domain: usize = spec
        .modules
        .iter()
        .flat_map(|m| &m.webhooks)
        .filter(|w| w.envelope == Envelope::Domain)
        .count();
    assert_eq!(
        typed,
        all + domain,
        "every webhook of the specs (domain events in both forms)"
    );
    assert!(seen.len() <= all);
    // Most payloads have a typed field to break (not only action bodies and `Json` fields).
    assert!(
        refused > all,
        "{refused} deliveries of {all} webhooks checked for a wrong type"
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
