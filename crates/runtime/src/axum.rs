//! A webhook endpoint for axum (feature `axum`): the [`Webhook`] extractor verifies the JWT Wix
//! posts, de-duplicates the delivery through the endpoint's [`Deliveries`] (in-process or shared
//! by every replica) and types the event; the handler runs once per delivery.
//!
//! Wix posts the signed JWT itself as the request body and retries a delivery that is not
//! answered with a 2xx. The extractor answers for the handler when the handler must not run:
//!
//! | delivery | answer |
//! |---|---|
//! | not a JWT signed with the app's key, expired, or too old | 401, never handled |
//! | signed, but its content does not match its event type | 400 |
//! | signed, of an event type the extractor's type does not have | 200, not handled |
//! | a duplicate (a delivery any replica has handled) | 200, not handled again |
//! | larger than [`WebhookEndpoint::max_body_bytes`] | 413 |
//!
//! A handler that cannot handle the event now calls [`Webhook::retry_later`]: the delivery is
//! forgotten, and the 503 it returns makes Wix send it again.
//!
//! ```no_run
//! # #[cfg(feature = "axum")]
//! # mod doc {
//! use wix_rest_runtime::axum::{Webhook, WebhookEndpoint};
//! use wix_rest_runtime::webhook::{Deliveries, RawEvent, WebhookVerifier};
//!
//! async fn on_webhook(webhook: Webhook<RawEvent>) -> &'static str {
//!     println!("{} for {}", webhook.event.event_type, webhook.event.instance_id);
//!     "ok"
//! }
//!
//! fn endpoint(public_key_pem: &[u8]) -> WebhookEndpoint {
//!     let verifier = WebhookVerifier::from_pem(public_key_pem).expect("the app's public key");
//!     WebhookEndpoint::new(verifier, Deliveries::default())
//! }
//! # }
//! ```
//! (`axum::Router::new().route("/webhooks", post(on_webhook)).with_state(endpoint(..))`, or a
//! state of the app's own from which a `WebhookEndpoint` is had through `FromRef`.)

use std::sync::Arc;

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http_body_util::{BodyExt, Limited};

use crate::webhook::{Deliveries, FromRawEvent, RawEvent, WebhookError, WebhookVerifier};

/// The largest webhook body read by default: 1 MiB (Wix's events are a few kilobytes).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the [`Webhook`] extractor needs: the app's verifier and the deliveries seen. Put it in
/// the router's state (or make it reachable from the state through `FromRef`). Cheap to clone.
#[derive(Clone, Debug)]
pub struct WebhookEndpoint {
    verifier: Arc<WebhookVerifier>,
    deliveries: Arc<Deliveries>,
    max_body_bytes: usize,
}

impl WebhookEndpoint {
    /// An endpoint verifying with `verifier` and de-duplicating through `deliveries`.
    pub fn new(verifier: WebhookVerifier, deliveries: Deliveries) -> Self {
        WebhookEndpoint {
            verifier: Arc::new(verifier),
            deliveries: Arc::new(deliveries),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The largest body read (default [`DEFAULT_MAX_BODY_BYTES`]); a larger one is answered 413.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The deliveries seen.
    pub fn deliveries(&self) -> &Deliveries {
        &self.deliveries
    }
}

/// A verified webhook delivered for the first time, typed as `E` (a module's `Event`, the
/// crate's `events::Event`, or [`RawEvent`]). See the [module](self) for what is answered when
/// the extraction fails.
#[derive(Debug)]
pub struct Webhook<E = RawEvent> {
    /// The event, typed.
    pub event: E,
    /// The verified event as Wix sent it (instance, ids, times, data as JSON text).
    pub raw: RawEvent,
    deliveries: Arc<Deliveries>,
}

impl<E> Webhook<E> {
    /// The handler could not handle the event now: forgets the delivery (on every replica),
    /// and returns 503 for the handler to answer, so that Wix sends the event again.
    pub async fn retry_later(self) -> StatusCode {
        self.deliveries.forget(&self.raw).await;
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Why the extractor answered instead of the handler.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body is not a JWT signed with the app's key, or it expired or is too old (401).
    #[error("{0}")]
    Forged(WebhookError),
    /// The JWT verified, but its content does not match its event type (400).
    #[error("{0}")]
    Malformed(WebhookError),
    /// The body is not UTF-8 text (400): Wix posts the JWT as the body.
    #[error("the body is not text: Wix posts the signed JWT itself as the request body")]
    NotText,
    /// The body is larger than the endpoint reads (413).
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    /// The body could not be read (400).
    #[error("the body could not be read: {0}")]
    Unreadable(String),
    /// A verified event of a type the extractor's event type does not have (200: acknowledged,
    /// not handled).
    #[error("event type `{0}` is not handled here")]
    NotHandled(String),
    /// A delivery already handled (200: acknowledged, not handled again).
    #[error("delivery `{0}` was already handled")]
    Duplicate(String),
}

impl WebhookRejection {
    /// The status the endpoint answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Forged(_) => StatusCode::UNAUTHORIZED,
            WebhookRejection::Malformed(_)
            | WebhookRejection::NotText
            | WebhookRejection::Unreadable(_) => StatusCode::BAD_REQUEST,
            WebhookRejection::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::NotHandled(_) | WebhookRejection::Duplicate(_) => StatusCode::OK,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_client_error() {
            tracing::warn!(%status, rejection = %self, "webhook rejected");
        } else {
            tracing::debug!(rejection = %self, "webhook acknowledged without handling");
        }
        (status, self.to_string()).into_response()
    }
}

impl<S, E> FromRequest<S> for Webhook<E>
where
    S: Send + Sync,
    WebhookEndpoint: FromRef<S>,
    E: FromRawEvent + Send,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let endpoint = WebhookEndpoint::from_ref(state);
        let limit = endpoint.max_body_bytes;
        let body = match Limited::new(request.into_body(), limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Err(WebhookRejection::TooLarge(limit));
            }
            Err(error) => return Err(WebhookRejection::Unreadable(error.to_string())),
        };
        let text = std::str::from_utf8(&body).map_err(|_| WebhookRejection::NotText)?;
        let raw = endpoint
            .verifier
            .verify(text.trim())
            .map_err(|error| match error {
                WebhookError::Malformed { .. } => WebhookRejection::Malformed(error),
                other => WebhookRejection::Forged(other),
            })?;
        let event = match E::from_raw_event(&raw) {
            None => return Err(WebhookRejection::NotHandled(raw.event_type)),
            Some(Err(error)) => return Err(WebhookRejection::Malformed(error)),
            Some(Ok(event)) => event,
        };
        if !endpoint.deliveries.first_delivery(&raw).await {
            return Err(WebhookRejection::Duplicate(raw.delivery_id));
        }
        Ok(Webhook {
            event,
            raw,
            deliveries: endpoint.deliveries,
        })
    }
}
