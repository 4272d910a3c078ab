//! [`Hook`]: a point where an app adds headers to every request and observes every response
//! (metrics, logs, tracing headers), without touching what a request calls.
//!
//! A hook sees each attempt: a retried call runs the hooks once per attempt, and the token
//! request of app credentials is an attempt like any other. It cannot change the method, the
//! URL or the body, so it cannot turn a scope-checked call into a different one; its headers
//! are the only thing it adds, and it cannot set the ones that decide who is calling, where, or
//! with which method ([`RequestParts::insert_header`] lists them).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;
use crate::operation::Operation;

/// Sees every attempt a [`Client`](crate::Client) makes: [`Hook::on_request`] before it is
/// sent (to add headers), [`Hook::on_response`] when it ends (to observe it).
///
/// Added with [`ClientBuilder::hook`](crate::ClientBuilder::hook) or
/// [`AppBuilder::hook`](crate::AppBuilder::hook). Hooks run in the order they were added, on
/// the task that makes the call: keep them short and never block.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use wix_rest_runtime::{Hook, RequestParts, ResponseInfo};
///
/// /// Tags every request and counts the failures.
/// #[derive(Default)]
/// struct Tagging {
///     failures: AtomicUsize,
/// }
///
/// impl Hook for Tagging {
///     fn on_request(&self, request: &mut RequestParts<'_>) {
///         let added = request.insert_header("x-app-request".parse().unwrap(), "sync".parse().unwrap());
///         assert!(added.is_ok());
///         // The headers that decide who calls, where and how are refused:
///         assert!(request.insert_header(reqwest::header::AUTHORIZATION, "x".parse().unwrap()).is_err());
///     }
///
///     fn on_response(&self, response: &ResponseInfo<'_>) {
///         if response.error().is_some() {
///             self.failures.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
/// ```
pub trait Hook: Send + Sync {
    /// Called right before an attempt is sent, after the credentials' headers are set; may add
    /// headers ([`RequestParts::insert_header`]).
    fn on_request(&self, request: &mut RequestParts<'_>) {
        let _ = request;
    }

    /// Called when an attempt ends: with its status, or with the error it ended with.
    fn on_response(&self, response: &ResponseInfo<'_>) {
        let _ = response;
    }
}

/// An attempt about to be sent, as a [`Hook`] sees it: what it calls and its headers
/// (read-only), and the headers a hook may add.
pub struct RequestParts<'a> {
    pub(crate) operation: &'static Operation,
    pub(crate) attempt: u32,
    pub(crate) url: &'a reqwest::Url,
    pub(crate) headers: &'a mut HeaderMap,
}

impl RequestParts<'_> {
    /// The Wix method called (its module, name, HTTP method, path template, permission).
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The attempt's number: 1, then 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The full URL, query included.
    pub fn url(&self) -> &reqwest::Url {
        self.url
    }

    /// The headers sent (the credentials' are marked sensitive: `Debug` does not show them).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// Adds a header (replacing one with the same name that a hook added before), unless it
    /// is one that decides who is calling, where or how: `authorization`, `host`, every
    /// `wix-*` and `x-wix-*` header (`wix-site-id`, `wix-account-id`, ...), the body's framing
    /// (`content-type`, `content-length`, `transfer-encoding`), the connection's (`connection`,
    /// `upgrade`, `te`, `expect`), method overrides (`x-http-method-override`,
    /// `x-http-method`, `x-method-override`) and the headers proxies route by (`forwarded`,
    /// `x-forwarded-host`, `x-forwarded-prefix`, `x-original-url`, `x-rewrite-url`). Those are
    /// refused and nothing is set.
    pub fn insert_header(
        &mut self,
        name: HeaderName,
        value: HeaderValue,
    ) -> Result<(), ProtectedHeader> {
        if is_protected(&name) {
            return Err(ProtectedHeader(name));
        }
        self.headers.insert(name, value);
        Ok(())
    }
}

/// The headers a hook may not set.
const PROTECTED: &[&str] = &[
    "authorization",
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "expect",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
    "forwarded",
    "x-forwarded-host",
    "x-forwarded-prefix",
    "x-original-url",
    "x-rewrite-url",
];

fn is_protected(name: &HeaderName) -> bool {
    let name = name.as_str();
    PROTECTED.contains(&name) || name.starts_with("wix-") || name.starts_with("x-wix-")
}

/// A header a [`Hook`] may not set (see [`RequestParts::insert_header`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a hook may not set the header `{0}`: it decides who is calling, where or how")]
pub struct ProtectedHeader(pub HeaderName);

impl fmt::Debug for RequestParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestParts")
            .field("operation", &self.operation.name)
            .field("attempt", &self.attempt)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .finish()
    }
}

/// How an attempt ended, as a [`Hook`] sees it.
pub struct ResponseInfo<'a> {
    pub(crate) operation: &'static Operation,
    pub(crate) attempt: u32,
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<&'a Error>,
}

impl ResponseInfo<'_> {
    /// The Wix method called.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The attempt's number: 1, then 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP status, when a response arrived (`None` for a transport error or a timeout).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Wix's `x-wix-request-id`, when the response had one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
    }

    /// From the send to the end of the body (or the failure).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The attempt's error, if it failed (an error status, a transport error, a timeout, a body
    /// too large); `None` for a success.
    pub fn error(&self) -> Option<&Error> {
        self.error
    }
}

impl fmt::Debug for ResponseInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseInfo")
            .field("operation", &self.operation.name)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("elapsed", &self.elapsed)
            .field("error", &self.error)
            .finish()
    }
}

/// The hooks of a client: shared by every clone and by every instance of an app.
#[derive(Clone, Default)]
pub(crate) struct Hooks(Arc<Vec<Arc<dyn Hook>>>);

impl Hooks {
    pub(crate) fn push(&mut self, hook: Arc<dyn Hook>) {
        Arc::make_mut(&mut self.0).push(hook);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn on_request(&self, request: &mut RequestParts<'_>) {
        for hook in self.0.iter() {
            hook.on_request(request);
        }
    }

    pub(crate) fn on_response(&self, response: &ResponseInfo<'_>) {
        for hook in self.0.iter() {
            hook.on_response(response);
        }
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}
