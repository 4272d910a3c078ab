//! Webhook verification: Wix POSTs a JWT signed RS256 with the app's key pair; only a JWT that
//! verifies against the app's public key is opened.
//!
//! The JWT's `data` claim is a JSON string holding `{eventType, instanceId, data, identity}`,
//! where `data` and `identity` are JSON strings again. Older Stores events carry their payload
//! as `data` directly ([`RawEvent::payload`]); newer "domain events" wrap the entity in an
//! envelope ([`RawEvent::domain_event`]).
//!
//! The scope-checked way to handle events is each generated module's `Webhooks<S>` router,
//! whose `on_<event>` methods compile only when the scope set `S` grants the event's permission;
//! this module stays the raw layer under it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why a webhook was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The public key is not a usable RSA public key in PEM form.
    #[error("the webhook public key is not an RSA public key in PEM form: {0}")]
    InvalidKey(String),
    /// The body is not a JWT signed with the app's key, or it has expired: it must be dropped.
    #[error("webhook rejected: {0}")]
    Rejected(String),
    /// The JWT verified but its content is not what Wix sends.
    #[error("webhook `{event_type}`: {what} does not match its type at `{path}`: {message}")]
    Malformed {
        /// The event type, when it could be read.
        event_type: String,
        /// Which part failed (`the JWT's data claim`, `the event's data`, ...).
        what: &'static str,
        /// The JSON path that failed.
        path: String,
        /// What serde said.
        message: String,
    },
}

/// Verifies webhook JWTs with the app's public key.
#[derive(Clone)]
pub struct WebhookVerifier {
    key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("algorithm", &"RS256")
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    data: StringOrJson,
}

/// A field Wix documents as "stringified JSON"; an object is accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrJson {
    String(String),
    Json(serde_json::Value),
}

impl StringOrJson {
    fn into_string(self) -> String {
        match self {
            StringOrJson::String(s) => s,
            StringOrJson::Json(v) => v.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    event_type: String,
    #[serde(default)]
    instance_id: String,
    #[serde(default)]
    data: Option<StringOrJson>,
    #[serde(default)]
    identity: Option<StringOrJson>,
}

/// A verified webhook, before its payload is given a type.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RawEvent {
    /// The event type, e.g. `ProductCreated` or `wix.ecom.v1.order_created`.
    pub event_type: String,
    /// The app instance the event is for (one per site the app is installed on).
    pub instance_id: String,
    /// The event's data, as the JSON text Wix sent.
    pub data: String,
    /// Who caused the event, as Wix sent it, when it did.
    pub identity: Option<serde_json::Value>,
}

impl WebhookVerifier {
    /// A verifier for the app's public key (PEM, as shown in the app dashboard).
    pub fn from_pem(public_key_pem: &[u8]) -> Result<Self, WebhookError> {
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(public_key_pem)
            .map_err(|e| WebhookError::InvalidKey(e.to_string()))?;
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        // Wix's tokens carry no audience or issuer to check; `exp` is checked when present.
        validation.required_spec_claims.clear();
        validation.validate_aud = false;
        Ok(WebhookVerifier { key, validation })
    }

    /// Verifies the raw body of a webhook POST and opens its envelope.
    pub fn verify(&self, body: &str) -> Result<RawEvent, WebhookError> {
        let token = jsonwebtoken::decode::<Claims>(body.trim(), &self.key, &self.validation)
            .map_err(|e| WebhookError::Rejected(e.to_string()))?;
        let envelope_json = token.claims.data.into_string();
        let envelope: Envelope = parse("", "the JWT's data claim", &envelope_json)?;
        let identity = match envelope.identity {
            None => None,
            Some(StringOrJson::Json(v)) => Some(v),
            Some(StringOrJson::String(s)) if s.is_empty() => None,
            Some(StringOrJson::String(s)) => {
                Some(parse(&envelope.event_type, "the event's identity", &s)?)
            }
        };
        Ok(RawEvent {
            data: envelope
                .data
                .map(StringOrJson::into_string)
                .unwrap_or_else(|| "{}".to_owned()),
            event_type: envelope.event_type,
            instance_id: envelope.instance_id,
            identity,
        })
    }
}

impl RawEvent {
    /// The data as a legacy event's payload (older Stores events carry it directly).
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
        parse(&self.event_type, "the event's data", &self.data)
    }

    /// The data as a domain event's envelope around an entity of type `T`.
    pub fn domain_event<T: DeserializeOwned>(&self) -> Result<DomainEvent<T>, WebhookError> {
        parse(&self.event_type, "the event's data", &self.data)
    }
}

fn parse<T: DeserializeOwned>(
    event_type: &str,
    what: &'static str,
    json: &str,
) -> Result<T, WebhookError> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| WebhookError::Malformed {
        event_type: event_type.to_owned(),
        what,
        path: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

/// The envelope of a newer Wix "domain event" (`wix.ecom.v1.order_created`, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DomainEvent<T> {
    /// The event's id.
    #[serde(default)]
    pub id: String,
    /// The entity's fully qualified name, e.g. `wix.ecom.v1.order`.
    #[serde(default)]
    pub entity_fqdn: String,
    /// What happened, e.g. `created`.
    #[serde(default)]
    pub slug: String,
    /// The id of the entity.
    #[serde(default)]
    pub entity_id: String,
    /// When it happened (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Set for `created` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_event: Option<CreatedEvent<T>>,
    /// Set for `updated` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_event: Option<UpdatedEvent<T>>,
    /// Set for `deleted` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_event: Option<DeletedEvent<T>>,
    /// Set for action events (anything but create, update and delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_event: Option<ActionEvent>,
    /// Envelope fields these bindings do not know (`originatedFrom`, ...), kept as sent.
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

impl<T> DomainEvent<T> {
    /// The entity as it is now (created or updated), or as it was (deleted).
    pub fn entity(&self) -> Option<&T> {
        self.created_event
            .as_ref()
            .map(|e| &e.entity)
            .or_else(|| self.updated_event.as_ref().map(|e| &e.current_entity))
            .or_else(|| {
                self.deleted_event
                    .as_ref()
                    .and_then(|e| e.deleted_entity.as_ref())
            })
    }
}

/// `createdEvent` of a domain event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedEvent<T> {
    /// The created entity.
    pub entity: T,
}

/// `updatedEvent` of a domain event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatedEvent<T> {
    /// The entity after the update.
    pub current_entity: T,
}

/// `deletedEvent` of a domain event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedEvent<T> {
    /// The entity before it was deleted, when Wix sends it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_entity: Option<T>,
    /// Fields these bindings do not know (`movedToTrash`, ...), kept as sent.
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

/// `actionEvent` of a domain event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionEvent {
    /// The action's body, as Wix sent it.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub body: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_envelopes_round_trip_with_fields_we_do_not_know() {
        for envelope in [
            serde_json::json!({
                "id": "e1", "entityFqdn": "wix.contacts.v4.contact", "slug": "updated",
                "entityId": "c1", "eventTime": "2026-11-24T00:00:00Z",
                "updatedEvent": {"currentEntity": {"id": "c1"}},
                "originatedFrom": "v4", "entityEventSequence": "7",
            }),
            serde_json::json!({
                "id": "e2", "entityFqdn": "wix.contacts.v4.contact", "slug": "deleted",
                "entityId": "c1", "deletedEvent": {"movedToTrash": true},
            }),
            serde_json::json!({
                "id": "e3", "entityFqdn": "wix.ecom.v1.order", "slug": "approved",
                "entityId": "o1", "actionEvent": {"body": {"order": {"id": "o1"}}},
            }),
        ] {
            let event: DomainEvent<serde_json::Value> =
                serde_json::from_value(envelope.clone()).unwrap();
            assert_eq!(serde_json::to_value(&event).unwrap(), envelope);
        }
    }
}
