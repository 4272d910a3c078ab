//! The one error type of every call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::operation::Operation;

/// Everything that can go wrong when calling Wix or receiving a webhook.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Wix answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The response was not the JSON the spec describes.
    #[error("{method}: the response does not match its type at `{path}`: {message}")]
    Decode {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// The JSON path of the value that failed to decode, e.g. `products[3].priceData.price`.
        path: String,
        /// What serde said.
        message: String,
        /// The `x-wix-request-id` of the response.
        request_id: Option<String>,
    },
    /// The request body could not be encoded.
    #[error("{method}: could not encode the request: {source}")]
    Encode {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A path parameter bound to a request body field (like `{product.id}`) was not set.
    #[error("{method}: the request field `{field}` is required, as it is part of the URL path")]
    MissingPathParameter {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// The dotted body field, e.g. `product.id`.
        field: &'static str,
    },
    /// A path parameter would change the endpoint called: empty, `.` or `..` (which a URL
    /// resolves to another path), or a path that does not fit the method's template. Nothing
    /// was sent.
    #[error("{method}: the path parameter `{parameter}` {problem}; nothing was sent")]
    InvalidPathParameter {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// The parameter as the method's path template names it (`id`, `product.id`).
        parameter: String,
        /// What is wrong with its value.
        problem: &'static str,
    },
    /// The scope set a method was called through was not declared with a scope that grants the
    /// method's permission, though its type implements the permission's trait: an `unsafe impl`
    /// the checked attributes did not write (a dependency's macro can write one without the
    /// app's crate seeing `unsafe`). Nothing was sent.
    #[error(
        "{method}: the scope set `{scope_set}` does not declare a scope that grants `{permission}`, though its type implements that permission's trait (an impl the scope attributes did not write); nothing was sent"
    )]
    NotGranted {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// The permission the method requires.
        permission: &'static str,
        /// The scope set's type.
        scope_set: &'static str,
    },
    /// The connection failed or timed out.
    #[error("{method}: the request could not be sent: {source}")]
    Transport {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// What the HTTP client said.
        source: reqwest::Error,
    },
    /// No complete answer came within the attempt's timeout or before the call's deadline
    /// (including waits for the rate limit or for a token renewal).
    #[error("{method}: no complete answer in time (attempt timeout or call deadline)")]
    Timeout {
        /// The Rust name of the method that was called.
        method: &'static str,
    },
    /// The response body is larger than the client's cap
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); it was
    /// not read further.
    #[error("{method}: the response body is larger than the {limit}-byte cap")]
    ResponseTooLarge {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// The cap, in bytes.
        limit: usize,
    },
    /// Renewing the app access token failed. Every call that waited for that renewal gets this
    /// same error; the calls are not retried (the token request had its own retries).
    #[error(transparent)]
    Token(Arc<Error>),
    /// Retries ran out of time before Wix answered with success.
    #[error(
        "{method}: gave up after {attempts} attempts in {elapsed:?}; the last attempt failed with: {last}"
    )]
    RetriesExhausted {
        /// The Rust name of the method that was called.
        method: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// How long the attempts took in all.
        elapsed: Duration,
        /// The error of the last attempt.
        last: Box<Error>,
    },
    /// A pager could not go on (e.g. an item lacks the field a crawl pages by).
    #[error("{method}: paging stopped: {message}")]
    Paging {
        /// The Rust name of the method that was paged.
        method: &'static str,
        /// Why.
        message: String,
    },
    /// The client was configured wrongly (bad base URL, unusable header value, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A webhook was rejected.
    #[error(transparent)]
    Webhook(#[from] crate::webhook::WebhookError),
}

impl Error {
    /// The HTTP status, for an error Wix answered with.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::RetriesExhausted { last, .. } => last.status(),
            Error::Token(error) => error.status(),
            _ => None,
        }
    }

    /// Wix's error code (`INVALID_ARGUMENT`, `PERMISSION_DENIED`, ...), for an error Wix answered with.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.code),
            Error::RetriesExhausted { last, .. } => last.code(),
            Error::Token(error) => error.code(),
            _ => None,
        }
    }

    /// The `x-wix-request-id` of the failed response, to quote to Wix support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            Error::RetriesExhausted { last, .. } => last.request_id(),
            Error::Token(error) => error.request_id(),
            _ => None,
        }
    }
}

/// An error status Wix answered with, and everything its body said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The method that was called.
    pub operation: &'static Operation,
    /// The HTTP status.
    pub status: u16,
    /// Wix's error code: the body's `code` when sent, else the one Wix documents for the status
    /// (`INVALID_ARGUMENT`, `UNAUTHENTICATED`, `PERMISSION_DENIED`, `NOT_FOUND`, ...).
    pub code: String,
    /// The body's `message`.
    pub message: String,
    /// `details.applicationError`, when sent.
    pub application_error: Option<ApplicationError>,
    /// `details.validationError`, when sent.
    pub validation_error: Option<ValidationError>,
    /// The `x-wix-request-id` response header.
    pub request_id: Option<String>,
    /// How long Wix asked us to wait (`Retry-After`), when it did.
    pub retry_after: Option<Duration>,
}

/// `details.applicationError` of a Wix error body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApplicationError {
    /// The application's error code.
    #[serde(default)]
    pub code: String,
    /// What went wrong.
    #[serde(default)]
    pub description: String,
    /// More data, as Wix sent it.
    #[serde(default)]
    pub data: serde_json::Value,
}

/// `details.validationError` of a Wix error body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ValidationError {
    /// The fields that failed validation.
    #[serde(default)]
    pub field_violations: Vec<FieldViolation>,
}

/// One field that failed validation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldViolation {
    /// The field's path.
    #[serde(default)]
    pub field: String,
    /// What is wrong with it.
    #[serde(default)]
    pub description: String,
    /// The rule it broke, when sent.
    #[serde(default)]
    pub violated_rule: Option<String>,
    /// The rule's name, when sent.
    #[serde(default)]
    pub rule_name: Option<String>,
    /// More data, as Wix sent it.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
}

/// A string field of an error body; anything else (absent, a number, an object) is `None`.
fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// `details.applicationError`, field by field: a field of an unexpected type is dropped, the rest
/// is kept.
fn application_error(value: &Value) -> Option<ApplicationError> {
    if !value.is_object() {
        return None;
    }
    Some(ApplicationError {
        code: text(value, "code").unwrap_or_default(),
        description: text(value, "description").unwrap_or_default(),
        data: value.get("data").cloned().unwrap_or_default(),
    })
}

/// `details.validationError`, field by field, violation by violation.
fn validation_error(value: &Value) -> Option<ValidationError> {
    if !value.is_object() {
        return None;
    }
    let field_violations = value
        .get("fieldViolations")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter(|v| v.is_object())
                .map(|v| FieldViolation {
                    field: text(v, "field").unwrap_or_default(),
                    description: text(v, "description").unwrap_or_default(),
                    violated_rule: text(v, "violatedRule"),
                    rule_name: text(v, "ruleName"),
                    data: v.get("data").cloned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ValidationError { field_violations })
}

/// The code Wix's error table gives each status.
fn code_for_status(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ALREADY_EXISTS",
        412 => "FAILED_PRECONDITION",
        428 => "PRECONDITION_REQUIRED",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

impl ApiError {
    pub(crate) fn from_response(
        operation: &'static Operation,
        status: u16,
        request_id: Option<String>,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> ApiError {
        // Field by field: one field of an unexpected type must not drop the others.
        let parsed: Value = serde_json::from_slice(body).unwrap_or_default();
        let details = parsed.get("details").cloned().unwrap_or_default();
        let message = text(&parsed, "message").unwrap_or_else(|| {
            // Not Wix's JSON (a proxy's page, say): keep what was said, but not a whole HTML page.
            let text = String::from_utf8_lossy(body);
            text.chars().take(512).collect()
        });
        ApiError {
            operation,
            status,
            code: text(&parsed, "code").unwrap_or_else(|| code_for_status(status).to_owned()),
            message,
            application_error: details.get("applicationError").and_then(application_error),
            validation_error: details.get("validationError").and_then(validation_error),
            request_id,
            retry_after,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operation;
        write!(f, "{}: HTTP {} {}", op.name, self.status, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(app) = &self.application_error {
            write!(f, " [{}: {}]", app.code, app.description)?;
        }
        if let Some(validation) = &self.validation_error {
            for v in &validation.field_violations {
                write!(f, " [field `{}`: {}]", v.field, v.description)?;
            }
        }
        if self.status == 403 && !op.requires.permissions().is_empty() {
            let permission = op.requires.permissions().join(" and ");
            write!(f, "; `{}` needs the permission {permission}", op.name)?;
            if op.scopes.is_empty() {
                write!(f, ", which no known scope grants")?;
            } else {
                write!(f, ", granted by ")?;
                for (i, scope) in op.scopes.iter().enumerate() {
                    if i > 0 {
                        write!(f, " or ")?;
                    }
                    write!(f, "{} ({})", scope.id, scope.name)?;
                }
                write!(f, ": add one of these to the app's permissions")?;
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (x-wix-request-id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
