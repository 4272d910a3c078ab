//! Webhooks end to end with real RSA keys and real JWTs: the tests sign the way Wix signs
//! (RS256, the app's key pair, the double-stringified `data` claim), the verifier opens them,
//! and forgeries of every classic kind are rejected. (Every webhook of every module is typed in
//! `module_webhooks.rs`; typing errors are shown here on the stable pets fixture.)
//!
//! The keys under `tests/fixtures/keys/` are test-only (see the README there).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use wix_rest::events::Event;
use wix_rest::webhook::{RawEvent, WebhookError};
use wix_rest_tests::jwt::{
    APP_PRIVATE, APP_PUBLIC, INSTANCE_ID, OTHER_PRIVATE, fresh_claims, now, sign_rs256, verifier,
    wix_claims,
};

/// Base64url without padding, as JWTs use it (kept here to add no dependency).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[track_caller]
fn assert_rejected(result: Result<RawEvent, WebhookError>, reason: Option<&str>, case: &str) {
    match result {
        Err(WebhookError::Rejected(message)) => {
            if let Some(reason) = reason {
                assert!(
                    message.contains(reason),
                    "{case}: rejected, but for {message:?} rather than {reason}"
                );
            }
        }
        Err(other) => panic!("{case}: expected Rejected, got {other:?}"),
        Ok(raw) => panic!("{case}: a forged webhook was accepted: {raw:?}"),
    }
}

#[test]
fn the_base64url_encoder_is_right() {
    assert_eq!(base64url(b""), "");
    assert_eq!(base64url(b"f"), "Zg");
    assert_eq!(base64url(b"fo"), "Zm8");
    assert_eq!(base64url(b"foo"), "Zm9v");
    assert_eq!(base64url(b"foob"), "Zm9vYg");
    assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    assert_eq!(
        base64url(br#"{"alg":"RS256","typ":"JWT"}"#),
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    );
}

#[test]
fn a_body_with_surrounding_whitespace_verifies() {
    let token = sign_rs256(
        &fresh_claims("CollectionDeleted", &json!({"collectionId": "c1"})),
        APP_PRIVATE,
    );
    let raw = verifier().verify(&format!("{token}\r\n")).unwrap();
    assert_eq!(raw.event_type, "CollectionDeleted");
}

#[test]
fn a_webhook_signed_with_another_key_is_rejected() {
    let token = sign_rs256(
        &fresh_claims("ProductDeleted", &json!({"productId": "p1"})),
        OTHER_PRIVATE,
    );
    assert_rejected(
        verifier().verify(&token),
        Some("InvalidSignature"),
        "another key",
    );
}

#[test]
fn a_tampered_payload_is_rejected() {
    let claims = fresh_claims("ProductDeleted", &json!({"productId": "p1"}));
    let token = sign_rs256(&claims, APP_PRIVATE);
    let verifier = verifier();
    verifier
        .verify(&token)
        .expect("the untouched token verifies");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[1],
        base64url(claims.to_string().as_bytes()),
        "the payload segment is the base64url of the claims"
    );

    // One character of the payload segment changed.
    let mut payload: Vec<char> = parts[1].chars().collect();
    let middle = payload.len() / 2;
    payload[middle] = if payload[middle] == 'A' { 'B' } else { 'A' };
    let payload: String = payload.into_iter().collect();
    assert_ne!(payload, parts[1]);
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_rejected(verifier.verify(&tampered), None, "one payload character");

    // A well-formed payload, one character of the JSON changed (another instance), keeping the
    // header and signature: the attack a forger would try.
    let mut other_instance = INSTANCE_ID.to_owned();
    other_instance.replace_range(0..1, "7");
    let mut forged_claims = claims.clone();
    forged_claims["data"] = Value::String(
        claims["data"]
            .as_str()
            .unwrap()
            .replace(INSTANCE_ID, &other_instance),
    );
    assert_ne!(forged_claims, claims);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64url(forged_claims.to_string().as_bytes()),
        parts[2]
    );
    assert_rejected(
        verifier.verify(&forged),
        Some("InvalidSignature"),
        "another instance id under the original signature",
    );
}

#[test]
fn an_expired_webhook_is_rejected() {
    let now = now();
    let claims = wix_claims(
        "ProductDeleted",
        INSTANCE_ID,
        &json!({"productId": "p1"}),
        now - 7200,
        now - 3600,
    );
    let token = sign_rs256(&claims, APP_PRIVATE);
    assert_rejected(
        verifier().verify(&token),
        Some("ExpiredSignature"),
        "expired",
    );
}

#[test]
fn an_hs256_token_keyed_with_the_public_key_is_rejected() {
    // The classic algorithm confusion: a verifier that trusts the header's `alg` would check
    // this HMAC with the (public) key bytes as the secret, and accept it.
    let claims = fresh_claims("ProductDeleted", &json!({"productId": "p1"}));
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(APP_PUBLIC),
    )
    .unwrap();
    assert_rejected(
        verifier().verify(&token),
        Some("InvalidAlgorithm"),
        "HS256 with the public key",
    );
}

#[test]
fn an_unsigned_alg_none_token_is_rejected() {
    let claims = fresh_claims("ProductDeleted", &json!({"productId": "p1"}));
    let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64url(claims.to_string().as_bytes());
    let verifier = verifier();
    assert_rejected(
        verifier.verify(&format!("{header}.{payload}.")),
        None,
        "alg none, empty signature",
    );
    // The same with the lowercase/uppercase variants some libraries accept.
    let header = base64url(br#"{"alg":"None","typ":"JWT"}"#);
    assert_rejected(
        verifier.verify(&format!("{header}.{payload}.")),
        None,
        "alg None",
    );
    // And an RS256 header with no signature at all.
    let header = base64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    assert_rejected(
        verifier.verify(&format!("{header}.{payload}.")),
        None,
        "RS256 header, empty signature",
    );
}

#[test]
fn a_garbage_body_is_rejected() {
    let verifier = verifier();
    for body in [
        "",
        "not a jwt",
        "a.b.c",
        "{\"data\": \"{}\"}",
        "eyJhbGciOiJSUzI1NiJ9..",
    ] {
        assert_rejected(verifier.verify(body), None, &format!("body {body:?}"));
    }
}

#[test]
fn an_unknown_event_type_verifies_and_is_unknown() {
    let token = sign_rs256(
        &fresh_claims("SomethingNew", &json!({"anything": [1, 2, 3]})),
        APP_PRIVATE,
    );
    let raw = verifier().verify(&token).expect("a genuine webhook");
    assert_eq!(raw.event_type, "SomethingNew");
    match Event::from_raw(&raw).expect("an unknown type is not an error") {
        Event::Unknown { event_type } => assert_eq!(event_type, "SomethingNew"),
        other => panic!("expected Event::Unknown, got {other:?}"),
    }
    // The data stays available, untyped.
    let data: Value = serde_json::from_str(&raw.data).unwrap();
    assert_eq!(data, json!({"anything": [1, 2, 3]}));
}

#[track_caller]
fn assert_malformed(event_type: &str, payload: Value, expected_path: &str) {
    let token = sign_rs256(&fresh_claims(event_type, &payload), APP_PRIVATE);
    let raw = verifier().verify(&token).expect("the signature is genuine");
    match wix_rest_pets_fixture::events::Event::from_raw(&raw) {
        Err(WebhookError::Malformed {
            event_type: reported,
            path,
            what,
            message,
        }) => {
            assert_eq!(reported, event_type);
            assert_eq!(path, expected_path, "{what}: {message}");
        }
        other => panic!("{event_type}: expected Malformed at {expected_path}, got {other:?}"),
    }
}

#[test]
fn a_known_event_whose_data_does_not_match_its_type_is_malformed() {
    assert_malformed("PetAdopted", json!({"petId": 123}), "petId");
    assert_malformed(
        "wix.pets.v1.pet_created",
        json!({
            "id": "e1", "entityFqdn": "wix.pets.v1.pet", "slug": "created", "entityId": "p1",
            "createdEvent": {"entity": {"id": "p1", "tags": ["calm", false]}},
        }),
        "createdEvent.entity.tags[1]",
    );
}
