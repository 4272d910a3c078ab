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
//!
//! A token must carry a numeric `exp` (and, unless the age check is turned off, a numeric `iat`
//! no older than [`WebhookVerifier::max_age`], default [`DEFAULT_MAX_AGE`]). A verified event
//! exposes what an app deduplicates on ([`RawEvent::delivery_id`], [`RawEvent::id`],
//! [`RawEvent::event_time`]); [`Deduplicator`] is a small in-memory helper for it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::store::{DeliveryStore, Guard, StoreFuture, StoreSettings};

/// The default oldest webhook accepted, by its `iat`: one day.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Clock skew tolerated on `iat` in the future and on `exp` in the past, in seconds.
const LEEWAY_SECS: u64 = 60;

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
    max_age: Option<Duration>,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("algorithm", &"RS256")
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    data: StringOrJson,
    /// Required and numeric (also checked by `jsonwebtoken`).
    exp: u64,
    #[serde(default)]
    iat: Option<u64>,
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
    /// The event's id, when Wix sends one (domain events' `id`).
    pub id: Option<String>,
    /// When the event happened (domain events' `eventTime`, ISO 8601), when Wix sends it.
    pub event_time: Option<String>,
    /// The token's `iat` (seconds since the epoch), when sent.
    pub issued_at: Option<u64>,
    /// The token's `exp` (seconds since the epoch).
    pub expires_at: u64,
    /// What identifies this delivery for deduplication: the event type and [`Self::id`] when
    /// Wix sends an id, else the token's signature (a replayed token has the same one).
    pub delivery_id: String,
}

impl WebhookVerifier {
    /// A verifier for the app's public key (PEM, as shown in the app dashboard).
    pub fn from_pem(public_key_pem: &[u8]) -> Result<Self, WebhookError> {
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(public_key_pem)
            .map_err(|e| WebhookError::InvalidKey(e.to_string()))?;
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        // Wix's tokens carry no audience or issuer to check; `exp` is required and numeric.
        validation.set_required_spec_claims(&["exp"]);
        validation.validate_exp = true;
        validation.validate_aud = false;
        validation.leeway = LEEWAY_SECS;
        Ok(WebhookVerifier {
            key,
            validation,
            max_age: Some(DEFAULT_MAX_AGE),
        })
    }

    /// Rejects tokens issued (`iat`) longer than `max_age` ago; `None` turns the age check off
    /// (then `iat` is not required). Default: [`DEFAULT_MAX_AGE`].
    #[must_use]
    pub fn max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Verifies the raw body of a webhook POST and opens its envelope.
    pub fn verify(&self, body: &str) -> Result<RawEvent, WebhookError> {
        let body = body.trim();
        let token = jsonwebtoken::decode::<Claims>(body, &self.key, &self.validation)
            .map_err(|e| WebhookError::Rejected(e.to_string()))?;
        let Claims { data, exp, iat } = token.claims;
        if let Some(max_age) = self.max_age {
            let now = unix_now();
            let Some(iat) = iat else {
                return Err(WebhookError::Rejected(
                    "the token has no numeric `iat`, so its age is unknown".to_owned(),
                ));
            };
            if iat > now.saturating_add(LEEWAY_SECS) {
                return Err(WebhookError::Rejected(format!(
                    "the token was issued in the future (iat {iat}, now {now})"
                )));
            }
            if now.saturating_sub(iat) > max_age.as_secs().saturating_add(LEEWAY_SECS) {
                return Err(WebhookError::Rejected(format!(
                    "the token is {} s old, older than the {} s allowed",
                    now.saturating_sub(iat),
                    max_age.as_secs()
                )));
            }
            // A token valid for longer than the maximum age would outlive every replay check
            // (and pin its delivery in a `Deduplicator`): Wix's tokens expire within it.
            let latest = now
                .saturating_add(max_age.as_secs())
                .saturating_add(LEEWAY_SECS);
            if exp > latest {
                return Err(WebhookError::Rejected(format!(
                    "the token expires {} s from now (exp {exp}), later than the {} s maximum age allows",
                    exp.saturating_sub(now),
                    max_age.as_secs()
                )));
            }
        }
        let signature = body.rsplit('.').next().unwrap_or_default();
        let envelope_json = data.into_string();
        if !is_object(&envelope_json) {
            return Err(WebhookError::Malformed {
                event_type: String::new(),
                what: "the JWT's data claim",
                path: ".".to_owned(),
                message: "expected a JSON object holding eventType, instanceId and data".to_owned(),
            });
        }
        let envelope: Envelope = parse("", "the JWT's data claim", &envelope_json)?;
        let identity = match envelope.identity {
            None => None,
            Some(StringOrJson::Json(v)) => Some(v),
            Some(StringOrJson::String(s)) if s.is_empty() => None,
            Some(StringOrJson::String(s)) => {
                Some(parse(&envelope.event_type, "the event's identity", &s)?)
            }
        };
        let data = envelope
            .data
            .map(StringOrJson::into_string)
            .unwrap_or_else(|| "{}".to_owned());
        let ids: EventIds = serde_json::from_str(&data).unwrap_or_default();
        let id = ids.id.and_then(json_text).filter(|id| !id.is_empty());
        let delivery_id = match &id {
            Some(id) => format!("{}:{id}", envelope.event_type),
            None => format!("jwt:{signature}"),
        };
        Ok(RawEvent {
            data,
            event_type: envelope.event_type,
            instance_id: envelope.instance_id,
            identity,
            id,
            event_time: ids.event_time.and_then(json_text),
            issued_at: iat,
            expires_at: exp,
            delivery_id,
        })
    }
}

/// The id and time of a domain event's data, read leniently (legacy payloads have neither).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EventIds {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    event_time: Option<serde_json::Value>,
}

fn json_text(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether `json` is an object (a struct read by serde's derive would also take an array, by
/// position).
fn is_object(json: &str) -> bool {
    json.trim_start().starts_with('{')
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Remembers the deliveries seen recently, so a replayed or re-sent webhook is handled once.
///
/// In memory, per process: an app running several processes shares a
/// [`DeliveryStore`](crate::store::DeliveryStore) instead, through [`Deliveries::shared`]. A
/// delivery is remembered until its token expires (after
/// which the verifier rejects a replay anyway) or for `window`, whichever is later, but never
/// for more than twice `window` (the verifier's maximum age rejects tokens valid for longer),
/// and at most `capacity` deliveries are kept (the oldest are forgotten first).
#[derive(Debug)]
pub struct Deduplicator {
    window: Duration,
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    until: HashMap<String, u64>,
    order: VecDeque<(String, u64)>,
}

impl Deduplicator {
    /// Remembers deliveries for `window` at least, and at most `capacity` of them.
    pub fn new(window: Duration, capacity: usize) -> Self {
        Deduplicator {
            window,
            capacity: capacity.max(1),
            seen: Mutex::default(),
        }
    }

    /// `true` the first time a delivery is seen, `false` for a replay or a re-sent event.
    pub fn first_delivery(&self, event: &RawEvent) -> bool {
        let keep_for = keep_for(self.window, event.expires_at);
        self.claim_id(&event.delivery_id, keep_for)
    }

    /// Forgets a delivery, so that Wix's next attempt of it is handled (its handler failed).
    pub fn forget(&self, delivery_id: &str) {
        self.lock().until.remove(delivery_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // A poisoned lock only means a thread panicked holding it; every change is one insert
        // or removal.
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records `delivery_id` for `keep_for`: `true` when it was not recorded.
    fn claim_id(&self, delivery_id: &str, keep_for: Duration) -> bool {
        let now = unix_now();
        let keep_until = now.saturating_add(keep_for.as_secs().max(1));
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget what expired, and the oldest beyond capacity.
        while let Some((key, until)) = seen.order.front().cloned() {
            if until > now && seen.order.len() < self.capacity {
                break;
            }
            seen.order.pop_front();
            if seen.until.get(&key) == Some(&until) {
                seen.until.remove(&key);
            }
        }
        if seen
            .until
            .get(delivery_id)
            .is_some_and(|&until| until > now)
        {
            return false;
        }
        seen.until.insert(delivery_id.to_owned(), keep_until);
        seen.order.push_back((delivery_id.to_owned(), keep_until));
        true
    }
}

/// How long a delivery is remembered: until its token expires (a replay after that is
/// rejected anyway), at least `window`, at most twice `window`.
fn keep_for(window: Duration, expires_at: u64) -> Duration {
    let window = window.as_secs();
    let now = unix_now();
    let seconds = expires_at
        .saturating_sub(now)
        .clamp(window, window.saturating_mul(2));
    Duration::from_secs(seconds)
}

impl DeliveryStore for Deduplicator {
    fn claim<'a>(&'a self, delivery_id: &'a str, keep_for: Duration) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.claim_id(delivery_id, keep_for))))
    }

    fn forget<'a>(&'a self, delivery_id: &'a str) -> StoreFuture<'a, ()> {
        Deduplicator::forget(self, delivery_id);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A type a verified webhook can be typed as: each generated module's `Event` (its events
/// only), the crate's `events::Event` (every event, unknown ones included), or [`RawEvent`]
/// itself (untyped).
pub trait FromRawEvent: Sized {
    /// `None` when the event's type is not one of this type's; else the event typed, or why
    /// its content does not match.
    fn from_raw_event(raw: &RawEvent) -> Option<Result<Self, WebhookError>>;
}

impl FromRawEvent for RawEvent {
    fn from_raw_event(raw: &RawEvent) -> Option<Result<Self, WebhookError>> {
        Some(Ok(raw.clone()))
    }
}

/// De-duplication of webhook deliveries, in this process or shared by every replica.
///
/// [`Deliveries::in_process`] is a [`Deduplicator`]; [`Deliveries::shared`] claims each delivery
/// in a [`DeliveryStore`](crate::store::DeliveryStore) (e.g. `RedisStore`), so that a webhook
/// Wix re-sends to another replica is handled once, and records it in this process too: while
/// the store is down (see [`crate::store`] for what happens then), the process still turns away
/// what it saw itself.
pub struct Deliveries {
    local: Deduplicator,
    shared: Option<(Arc<dyn DeliveryStore>, Guard)>,
}

impl std::fmt::Debug for Deliveries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliveries")
            .field("window", &self.local.window)
            .field("shared", &self.shared.is_some())
            .finish()
    }
}

impl Deliveries {
    /// De-duplication in this process only.
    pub fn in_process(deduplicator: Deduplicator) -> Self {
        Deliveries {
            local: deduplicator,
            shared: None,
        }
    }

    /// De-duplication shared through `store`, each delivery remembered as [`Deduplicator`]
    /// does (the default window, [`DEFAULT_MAX_AGE`]).
    pub fn shared(store: Arc<dyn DeliveryStore>, settings: StoreSettings) -> Self {
        Deliveries {
            local: Deduplicator::default(),
            shared: Some((store, Guard::new("delivery store", settings))),
        }
    }

    /// `true` the first time any replica sees this delivery, `false` for a duplicate.
    pub async fn first_delivery(&self, event: &RawEvent) -> bool {
        let first_here = self.local.first_delivery(event);
        let Some((store, guard)) = &self.shared else {
            return first_here;
        };
        let keep = keep_for(self.local.window, event.expires_at);
        match guard.run(store.claim(&event.delivery_id, keep)).await {
            Some(first) => first,
            // The store is away: what this process saw is all there is to go on.
            None => first_here,
        }
    }

    /// Forgets the delivery everywhere, so that Wix's next attempt is handled (call it when
    /// handling failed and the endpoint answers an error).
    pub async fn forget(&self, event: &RawEvent) {
        self.local.forget(&event.delivery_id);
        if let Some((store, guard)) = &self.shared {
            guard.run(store.forget(&event.delivery_id)).await;
        }
    }
}

impl Default for Deliveries {
    fn default() -> Self {
        Deliveries::in_process(Deduplicator::default())
    }
}

impl Default for Deduplicator {
    /// Remembers deliveries for [`DEFAULT_MAX_AGE`], at most 100,000 of them.
    fn default() -> Self {
        Deduplicator::new(DEFAULT_MAX_AGE, 100_000)
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
///
/// Wix sends the entity as a JSON string (`createdEvent.entityAsJson`,
/// `updatedEvent.currentEntityAsJson`, `deletedEvent.deletedEntityAsJson`,
/// `actionEvent.bodyAsJson`); Wix's SDK hands it on as an object (`entity`, `currentEntity`,
/// `deletedEntity`, `body`). Both forms decode to the same value, and a decoded event is
/// written back in the form it came in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_event: Option<CreatedEvent<T>>,
    /// Set for `updated` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_event: Option<UpdatedEvent<T>>,
    /// Set for `deleted` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_event: Option<DeletedEvent<T>>,
    /// Set for action events (anything but create, update and delete): the action's body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_event: Option<ActionEvent<T>>,
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

    /// An action event's body (a booking confirmed, a contact merged, ...).
    pub fn body(&self) -> Option<&T> {
        self.action_event.as_ref().map(|e| &e.body)
    }

    /// What the event carries: the entity of a created, updated or deleted event, or an action
    /// event's body.
    pub fn payload(&self) -> Option<&T> {
        self.entity().or_else(|| self.body())
    }
}

/// Which form a part of a domain event came in: Wix's wire form (a JSON string under
/// `*AsJson`) or the SDK's object form. Written back the same way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Form {
    #[default]
    Json,
    Object,
}

/// `createdEvent` of a domain event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreatedEvent<T> {
    /// The created entity.
    pub entity: T,
    /// Fields these bindings do not know (`restoreInfo`, ...), kept as sent.
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
    form: Form,
}

/// `updatedEvent` of a domain event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UpdatedEvent<T> {
    /// The entity after the update.
    pub current_entity: T,
    /// Fields these bindings do not know, kept as sent.
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
    form: Form,
}

/// `deletedEvent` of a domain event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DeletedEvent<T> {
    /// The entity before it was deleted, when Wix sends it.
    pub deleted_entity: Option<T>,
    /// Fields these bindings do not know (`movedToTrash`, ...), kept as sent.
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
    form: Form,
}

/// `actionEvent` of a domain event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ActionEvent<T> {
    /// The action's body.
    pub body: T,
    /// Fields these bindings do not know, kept as sent.
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
    form: Form,
}

/// One part of a domain event as read: its value (from `object_key`, or parsed from the JSON
/// string under `json_key`), the form it came in, and the other fields.
struct Part<T> {
    value: Option<T>,
    form: Form,
    rest: serde_json::Map<String, serde_json::Value>,
}

impl<T: DeserializeOwned> Part<T> {
    /// Reads the part through serde's map access, so that an error in the object form carries
    /// its whole JSON path (`createdEvent.entity.name`); one inside a JSON string is placed at
    /// the string (`createdEvent.entityAsJson`) and says where in the string it is.
    fn read<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        object_key: &'static str,
        json_key: &'static str,
    ) -> Result<Part<T>, D::Error> {
        deserializer.deserialize_map(PartVisitor {
            object_key,
            json_key,
            value: std::marker::PhantomData,
        })
    }

    fn required<E: serde::de::Error>(
        self,
        object_key: &str,
        json_key: &str,
    ) -> Result<(T, Form, serde_json::Map<String, serde_json::Value>), E> {
        match self.value {
            Some(v) => Ok((v, self.form, self.rest)),
            None => Err(E::custom(format!(
                "missing field `{json_key}` (or `{object_key}`)"
            ))),
        }
    }
}

struct PartVisitor<T> {
    object_key: &'static str,
    json_key: &'static str,
    value: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for PartVisitor<T> {
    type Value = Part<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an object with `{}` or `{}`",
            self.json_key, self.object_key
        )
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Part<T>, A::Error> {
        let mut part = Part {
            value: None,
            form: Form::Json,
            rest: serde_json::Map::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == self.object_key {
                match map.next_value::<Option<T>>()? {
                    Some(v) => {
                        part.value = Some(v);
                        part.form = Form::Object;
                    }
                    None => {
                        part.rest.insert(key, serde_json::Value::Null);
                    }
                }
            } else if key == self.json_key {
                match map.next_value_seed(JsonString::<T>(std::marker::PhantomData))? {
                    Some(v) => {
                        part.value = Some(v);
                        part.form = Form::Json;
                    }
                    // Said to be absent: kept so that it is written back as it came.
                    None => {
                        part.rest.insert(key, serde_json::Value::Null);
                    }
                }
            } else {
                let v = map.next_value()?;
                part.rest.insert(key, v);
            }
        }
        Ok(part)
    }
}

/// A value sent as a string of JSON (`null`: none), parsed where it stands so that an error is
/// placed at the string.
struct JsonString<T>(std::marker::PhantomData<fn() -> T>);

impl<'de, T: DeserializeOwned> serde::de::DeserializeSeed<'de> for JsonString<T> {
    type Value = Option<T>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        use serde::de::Error;
        let Some(text) = Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? else {
            return Ok(None);
        };
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de)
            .map(Some)
            .map_err(|e| {
                D::Error::custom(format!(
                    "in its JSON string, at `{}`: {}",
                    e.path(),
                    e.inner()
                ))
            })
    }
}

/// Writes a part: its value under `object_key` or as a JSON string under `json_key`, then the
/// other fields.
fn write_part<S: serde::Serializer, T: Serialize>(
    serializer: S,
    value: Option<&T>,
    form: Form,
    (object_key, json_key): (&'static str, &'static str),
    rest: &serde_json::Map<String, serde_json::Value>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error, SerializeMap};
    let mut map = serializer.serialize_map(None)?;
    match (value, form) {
        (Some(v), Form::Object) => map.serialize_entry(object_key, v)?,
        (Some(v), Form::Json) => {
            let text = serde_json::to_string(v).map_err(S::Error::custom)?;
            map.serialize_entry(json_key, &text)?;
        }
        (None, _) => {}
    }
    for (k, v) in rest {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

macro_rules! domain_part {
    ($part:ident, $field:ident, $object:literal, $json:literal, required) => {
        impl<'de, T: DeserializeOwned> Deserialize<'de> for $part<T> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (value, form, rest) =
                    Part::<T>::read(deserializer, $object, $json)?.required($object, $json)?;
                Ok($part {
                    $field: value,
                    unknown_fields: rest,
                    form,
                })
            }
        }
        impl<T: Serialize> Serialize for $part<T> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                write_part(
                    serializer,
                    Some(&self.$field),
                    self.form,
                    ($object, $json),
                    &self.unknown_fields,
                )
            }
        }
    };
}

domain_part!(CreatedEvent, entity, "entity", "entityAsJson", required);
domain_part!(
    UpdatedEvent,
    current_entity,
    "currentEntity",
    "currentEntityAsJson",
    required
);
domain_part!(ActionEvent, body, "body", "bodyAsJson", required);

impl<'de, T: DeserializeOwned> Deserialize<'de> for DeletedEvent<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let part = Part::<T>::read(deserializer, "deletedEntity", "deletedEntityAsJson")?;
        Ok(DeletedEvent {
            deleted_entity: part.value,
            unknown_fields: part.rest,
            form: part.form,
        })
    }
}

impl<T: Serialize> Serialize for DeletedEvent<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_part(
            serializer,
            self.deleted_entity.as_ref(),
            self.form,
            ("deletedEntity", "deletedEntityAsJson"),
            &self.unknown_fields,
        )
    }
}

/// Verified events routed to handlers by event type: the plumbing under each generated module's
/// `Webhooks` router.
///
/// Apps use the generated routers, whose `on_<event>` methods compile only when the scope set
/// grants the permission Wix requires to send the event. Registering here checks no scope
/// ([`Router::on_unchecked`]): like [`RawEvent`] and `Event::from_raw`, it is the raw layer, and it
/// sends nothing to Wix.
pub struct Router<'h, R> {
    handlers: Vec<(&'static str, Handler<'h, R>)>,
}

/// A registered handler: decodes the event's data and calls the app's closure.
type Handler<'h, R> = Box<dyn FnMut(&RawEvent) -> Result<R, WebhookError> + Send + 'h>;

impl<'h, R> Router<'h, R> {
    /// A router that handles no event yet.
    pub fn new() -> Self {
        Router {
            handlers: Vec::new(),
        }
    }

    /// Handles `event_type` with `handler`, replacing any earlier handler of it. No scope is
    /// checked here.
    pub fn on_unchecked(
        &mut self,
        event_type: &'static str,
        handler: impl FnMut(&RawEvent) -> Result<R, WebhookError> + Send + 'h,
    ) {
        self.handlers.retain(|(t, _)| *t != event_type);
        self.handlers.push((event_type, Box::new(handler)));
    }

    /// The event types a handler is registered for, in registration order.
    pub fn event_types(&self) -> Vec<&'static str> {
        self.handlers.iter().map(|(t, _)| *t).collect()
    }

    /// Calls the handler of a verified event: `Ok(None)` when no handler is registered for its
    /// type.
    pub fn dispatch(&mut self, raw: &RawEvent) -> Result<Option<R>, WebhookError> {
        match self.handlers.iter_mut().find(|(t, _)| *t == raw.event_type) {
            Some((_, handler)) => handler(raw).map(Some),
            None => Ok(None),
        }
    }
}

impl<R> Default for Router<'_, R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R> std::fmt::Debug for Router<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("event_types", &self.event_types())
            .finish_non_exhaustive()
    }
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
            serde_json::json!({
                "id": "e4", "entityFqdn": "wix.contacts.v4.contact", "slug": "created",
                "entityId": "c1",
                "createdEvent": {"entityAsJson": "{\"id\":\"c1\",\"revision\":\"1\"}", "restoreInfo": {}},
            }),
            serde_json::json!({
                "id": "e5", "entityFqdn": "wix.contacts.v4.contact", "slug": "deleted",
                "entityId": "c1",
                "deletedEvent": {"deletedEntityAsJson": null},
            }),
        ] {
            let event: DomainEvent<serde_json::Value> =
                serde_json::from_value(envelope.clone()).unwrap();
            assert_eq!(serde_json::to_value(&event).unwrap(), envelope);
        }
    }

    /// Wix's wire form (`*AsJson` strings) and the SDK's object form read the same.
    #[test]
    fn both_envelope_forms_decode_to_the_same_payload() {
        #[derive(Debug, PartialEq, Deserialize, Serialize)]
        struct Contact {
            id: String,
        }
        let cases = [
            ("createdEvent", "entity", "entityAsJson"),
            ("updatedEvent", "currentEntity", "currentEntityAsJson"),
            ("deletedEvent", "deletedEntity", "deletedEntityAsJson"),
            ("actionEvent", "body", "bodyAsJson"),
        ];
        for (part, object_key, json_key) in cases {
            let object: DomainEvent<Contact> = serde_json::from_value(serde_json::json!({
                "id": "e", part: {object_key: {"id": "c1"}},
            }))
            .unwrap();
            let wire: DomainEvent<Contact> = serde_json::from_value(serde_json::json!({
                "id": "e", part: {json_key: "{\"id\":\"c1\"}"},
            }))
            .unwrap();
            let want = Contact { id: "c1".into() };
            assert_eq!(object.payload(), Some(&want), "{part} object form");
            assert_eq!(wire.payload(), Some(&want), "{part} wire form");
        }
    }

    #[test]
    fn a_bad_entity_string_is_an_error_naming_where() {
        #[derive(Debug, Deserialize)]
        struct Contact {
            #[allow(dead_code)]
            id: String,
        }
        let raw = RawEvent {
            event_type: "wix.contacts.v4.contact_created".into(),
            instance_id: "i".into(),
            data: r#"{"createdEvent":{"entityAsJson":"{\"id\":7}"}}"#.into(),
            identity: None,
            id: None,
            event_time: None,
            issued_at: None,
            expires_at: 0,
            delivery_id: "d".into(),
        };
        match raw.domain_event::<Contact>().unwrap_err() {
            WebhookError::Malformed { path, message, .. } => {
                assert_eq!(path, "createdEvent.entityAsJson");
                assert!(message.contains("in its JSON string, at `id`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let raw = RawEvent {
            data: r#"{"createdEvent":{"entityAsJson":5}}"#.into(),
            ..raw
        };
        let err = raw.domain_event::<Contact>().unwrap_err().to_string();
        assert!(err.contains("expected a string"), "{err}");
        let raw = RawEvent {
            data: r#"{"createdEvent":{}}"#.into(),
            ..raw
        };
        let err = raw.domain_event::<Contact>().unwrap_err().to_string();
        assert!(err.contains("missing field `entityAsJson`"), "{err}");
    }
}
