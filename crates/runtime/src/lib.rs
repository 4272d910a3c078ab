//! Runtime for the generated Wix REST API bindings (`wix-rest`).
//!
//! The generated crate holds the typed models and one thin async method per Wix method; everything
//! those methods share lives here, written once: authentication ([`Credentials`]), the transport
//! with retries ([`RetryPolicy`]) and a client-side rate limit ([`RateLimit`]), one [`Error`] type,
//! paging as a [`Stream`](futures_core::Stream) of items ([`paging`]), webhook verification
//! ([`webhook`]), [`Timestamp`] for date-time fields, an [`App`] serving many sites (one
//! [`Client`] per app instance), and [`Hook`]s that add headers and observe responses.
//!
//! Generated code reaches this crate only through [`__private`], so the runtime can change without
//! regenerating the world.

#![warn(missing_docs)]

mod app;
mod auth;
#[cfg(feature = "axum")]
pub mod axum;
mod client;
mod decode;
mod error;
mod hook;
mod limit;
mod operation;
pub mod paging;
mod path;
pub mod query;
mod rate_limit;
mod retry;
mod scoped;
mod secret;
pub mod store;
mod timestamp;
mod unknown;
pub mod webhook;

#[doc(hidden)]
pub mod __private;

pub use app::{App, AppBuilder, DEFAULT_MAX_CACHED_INSTANCES};
pub use auth::{Credentials, Secret};
pub use client::{Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use error::{ApiError, ApplicationError, Error, FieldViolation, ValidationError};
pub use hook::{Hook, ProtectedHeader, RequestParts, ResponseInfo};
pub use operation::{DEFAULT_HOST, HttpMethod, Operation, Permission, Requires, Scope};
pub use rate_limit::{RateLimit, SharedRateLimit};
pub use retry::RetryPolicy;
pub use scoped::{ScopeSet, Scoped};
pub use timestamp::{Timestamp, TimestampError};
pub use unknown::UnknownFields;

/// What an app's code needs in scope to use the API: `use wix_rest::prelude::*;`.
pub mod prelude {
    /// `.next()`, `.try_collect()`, ... on the `*_stream` methods' streams.
    pub use futures_util::{StreamExt, TryStreamExt};

    /// `.open(&client)` on a scope set.
    pub use crate::ScopeSet;
}

/// The result type of every call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
