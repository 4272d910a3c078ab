//! The one path generated code takes into the runtime. Not a public API: it may change in any
//! release, together with the generator.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::client::RawResponse;
use crate::error::Error;
use crate::operation::Operation;
pub use crate::paging::BoxStream;
pub use crate::query;
pub use futures_core::Stream;

/// A boxed, `Send` future: what generated methods return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
pub use serde;
pub use serde_json;

/// Everything but unreserved characters (RFC 3986) is escaped in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded as one path segment.
pub fn segment(value: &str) -> impl fmt::Display + '_ {
    utf8_percent_encode(value, SEGMENT)
}

/// Encodes a request body.
pub fn json_body<T: Serialize + ?Sized>(
    op: &'static Operation,
    body: &T,
) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|source| Error::Encode {
        method: op.name,
        source,
    })
}

/// Decodes a response body; an error names the method and the JSON path that failed.
/// An empty body reads as `{}`.
pub fn decode<T: DeserializeOwned>(
    op: &'static Operation,
    body: &[u8],
    request_id: Option<String>,
) -> Result<T, Error> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // The fast path: plain serde_json. Only a body that fails is decoded again, tracking the
    // path, so the error names where it failed.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => Err(decode_slow::<T>(op, body, request_id)),
    }
}

#[cold]
#[inline(never)]
fn decode_slow<T: DeserializeOwned>(
    op: &'static Operation,
    body: &[u8],
    request_id: Option<String>,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => decode_error(op, e, request_id),
        // The plain decoder also refuses trailing characters after the value.
        Ok(_) => Error::Decode {
            method: op.name,
            path: String::new(),
            message: de
                .end()
                .err()
                .map_or_else(|| "the body does not decode".to_owned(), |e| e.to_string()),
            request_id,
        },
    }
}

#[cold]
fn decode_error(
    op: &'static Operation,
    error: serde_path_to_error::Error<serde_json::Error>,
    request_id: Option<String>,
) -> Error {
    Error::Decode {
        method: op.name,
        path: error.path().to_string(),
        message: error.into_inner().to_string(),
        request_id,
    }
}

/// A required path parameter bound to a body field was `None`.
#[cold]
pub fn missing(op: &'static Operation, field: &'static str) -> Error {
    Error::MissingPathParameter {
        method: op.name,
        field,
    }
}

/// Sends a request and decodes its response.
///
/// # Safety
///
/// The caller has proved, by a bound on the permission trait of `op.permission` for the scope
/// set of the handle the call comes from, that the declared scopes grant `op.permission`
/// (generated methods do, in their `where` clause). `op` must be the metadata of the endpoint
/// `path` names. This is the same contract as [`Client::request_unchecked`](crate::Client::request_unchecked).
pub async unsafe fn call<T: DeserializeOwned>(
    client: &crate::Client,
    op: &'static Operation,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
) -> Result<T, Error> {
    let response = client.execute(op, path, query, body).await?;
    decode(op, &response.body, response.request_id)
}

/// 64-bit integers: Wix documents them as integers but often sends them as strings
/// (`"numericId": "1567588455405000"`). Both decode; they encode as JSON numbers.
pub mod int64 {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrString {
        Number(i64),
        String(String),
    }

    fn convert<E: serde::de::Error>(value: NumberOrString) -> Result<i64, E> {
        match value {
            NumberOrString::Number(n) => Ok(n),
            NumberOrString::String(s) => s.trim().parse().map_err(|_| {
                E::custom(format!("expected a 64-bit integer, found the string {s:?}"))
            }),
        }
    }

    /// For a required `i64` field.
    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        convert(NumberOrString::deserialize(deserializer)?)
    }

    /// For an optional `i64` field (use with `#[serde(default)]`).
    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        Option::<NumberOrString>::deserialize(deserializer)?
            .map(convert)
            .transpose()
    }
}

/// Reads a string, for the `Deserialize` impls of generated string enums.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

pub use crate::paging::{
    Page, crawl, crawl_filter, crawl_sort, cursor, cursor_pages, offset, offset_pages,
};
