//! The scope-checked webhook router (`<module>::Webhooks<S>`), end to end: genuine webhooks
//! signed RS256 with the test app key, verified by the raw `WebhookVerifier`, then dispatched to
//! the handlers of the events the scope set covers. (That an event the scopes do not cover has
//! no handler to register is a compile-time check: `tests/ui/fail/webhook_missing_grant.rs`.)
//! The routing is generator and runtime behaviour: it runs on the pets fixture (a domain event,
//! Pet Created, and a legacy one, Pet Adopted); every real module's webhooks are typed in
//! `module_webhooks.rs`.

use serde_json::{Value, json};
use wix_rest::oauth;
use wix_rest::webhook::WebhookError;
use wix_rest_pets_fixture::pets_v1::{self, PetKind};
use wix_rest_tests::jwt::{
    APP_PRIVATE, OTHER_PRIVATE, deliver, fresh_claims, sign_rs256, verifier,
};
use wix_rest_tests::pets::PetsReader;

/// The domain-event envelope of Pet Created.
fn pet_created(id: &str) -> Value {
    json!({
        "id": format!("e-{id}"), "entityFqdn": "wix.pets.v1.pet", "slug": "created", "entityId": id,
        "createdEvent": {"entity": {"id": id, "kind": "cat"}},
    })
}

#[test]
fn verified_events_reach_the_handler_of_their_type_and_no_other() {
    let verifier = verifier();
    let mut pets: pets_v1::Webhooks<'_, PetsReader, String> = pets_v1::Webhooks::new()
        .on_pet_created(|created| format!("created {}", created.entity_id))
        .on_pet_adopted(|adopted| format!("adopted {}", adopted.pet_id.unwrap_or_default()));
    assert_eq!(
        pets.event_types(),
        ["wix.pets.v1.pet_created", "PetAdopted"]
    );

    let created = deliver(
        &verifier,
        "wix.pets.v1.pet_created",
        &pet_created("p1"),
        "created",
    );
    assert_eq!(
        pets.dispatch(&created).unwrap().as_deref(),
        Some("created p1")
    );
    let adopted = deliver(&verifier, "PetAdopted", &json!({"petId": "p2"}), "adopted");
    assert_eq!(
        pets.dispatch(&adopted).unwrap().as_deref(),
        Some("adopted p2")
    );

    // An event of another module: not handled.
    let other = deliver(
        &verifier,
        "AppInstalled",
        &json!({"appId": "a1"}),
        "AppInstalled",
    );
    assert_eq!(pets.dispatch(&other).unwrap(), None);
}

#[test]
fn an_event_of_the_module_without_a_handler_is_not_handled() {
    let verifier = verifier();
    let mut pets: pets_v1::Webhooks<'_, PetsReader> =
        pets_v1::Webhooks::new().on_pet_adopted(|_| ());
    assert_eq!(pets.event_types(), ["PetAdopted"]);
    let created = deliver(
        &verifier,
        "wix.pets.v1.pet_created",
        &pet_created("p1"),
        "c",
    );
    assert_eq!(pets.dispatch(&created).unwrap(), None);
}

#[test]
fn a_later_handler_replaces_an_earlier_one_and_state_is_kept() {
    let verifier = verifier();
    let mut seen = Vec::new();
    {
        let mut pets: pets_v1::Webhooks<'_, PetsReader> = pets_v1::Webhooks::new()
            .on_pet_created(|_| panic!("replaced"))
            .on_pet_created(|created| {
                let pet = created.created_event.unwrap().entity;
                seen.push((pet.id, pet.kind));
            });
        assert_eq!(pets.event_types(), ["wix.pets.v1.pet_created"]);
        for id in ["p1", "p2"] {
            let raw = deliver(&verifier, "wix.pets.v1.pet_created", &pet_created(id), id);
            assert_eq!(pets.dispatch(&raw).unwrap(), Some(()));
        }
    }
    assert_eq!(
        seen,
        [
            ("p1".to_owned(), Some(PetKind::Cat)),
            ("p2".to_owned(), Some(PetKind::Cat))
        ]
    );
}

#[test]
fn a_handled_event_whose_data_does_not_match_its_type_is_an_error() {
    let verifier = verifier();
    let mut pets: pets_v1::Webhooks<'_, PetsReader> =
        pets_v1::Webhooks::new().on_pet_adopted(|_| ());
    let raw = deliver(&verifier, "PetAdopted", &json!({"petId": 7}), "malformed");
    match pets.dispatch(&raw) {
        Err(WebhookError::Malformed {
            event_type, path, ..
        }) => {
            assert_eq!(event_type, "PetAdopted");
            assert_eq!(path, "petId");
        }
        other => panic!("expected a malformed-event error, got {other:?}"),
    }
    // In a domain event's entity, the path runs through the envelope.
    let mut created = pet_created("p1");
    created["createdEvent"]["entity"]["age"] = json!("old");
    let raw = deliver(&verifier, "wix.pets.v1.pet_created", &created, "malformed");
    let mut pets: pets_v1::Webhooks<'_, PetsReader> =
        pets_v1::Webhooks::new().on_pet_created(|_| ());
    match pets.dispatch(&raw) {
        Err(WebhookError::Malformed { path, .. }) => {
            assert_eq!(path, "createdEvent.entity.age");
        }
        other => panic!("expected a malformed-event error, got {other:?}"),
    }
}

#[test]
fn events_every_app_receives_are_routed_for_any_scope_set() {
    #[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
    struct Listener;

    let verifier = verifier();
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
    let data: Value = json!({"petId": "p1"});
    let forged = sign_rs256(&fresh_claims("PetAdopted", &data), OTHER_PRIVATE);
    assert!(matches!(
        verifier().verify(&forged),
        Err(WebhookError::Rejected(_))
    ));
    let genuine = sign_rs256(&fresh_claims("PetAdopted", &data), APP_PRIVATE);
    assert!(verifier().verify(&genuine).is_ok());
}
