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
///
/// One visitor takes either form straight from the deserializer (an `untagged` enum would buffer
/// each value and build an error message for every string before trying the string variant).
pub mod int64 {
    use super::*;
    use serde::de::{Unexpected, Visitor};

    struct Int64;

    impl<'de> Visitor<'de> for Int64 {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 64-bit integer, as a number or a string")
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<i64, E> {
            Ok(value)
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<i64, E> {
            i64::try_from(value).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<i64, E> {
            value.trim().parse().map_err(|_| {
                E::custom(format!(
                    "expected a 64-bit integer, found the string {value:?}"
                ))
            })
        }
    }

    struct OptionalInt64;

    impl<'de> Visitor<'de> for OptionalInt64 {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 64-bit integer, as a number or a string, or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Option<i64>, D::Error> {
            required(deserializer).map(Some)
        }
    }

    /// For a required `i64` field.
    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(Int64)
    }

    /// For an optional `i64` field (use with `#[serde(default)]`).
    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        deserializer.deserialize_option(OptionalInt64)
    }

    #[cfg(test)]
    mod tests {
        use serde::Deserialize;

        #[derive(Debug, Deserialize)]
        struct Ints {
            #[serde(deserialize_with = "super::required")]
            a: i64,
            #[serde(default, deserialize_with = "super::optional")]
            b: Option<i64>,
        }

        fn ints(json: &str) -> Result<(i64, Option<i64>), String> {
            serde_json::from_str::<Ints>(json)
                .map(|i| (i.a, i.b))
                .map_err(|e| e.to_string())
        }

        #[test]
        fn numbers_and_strings_decode() {
            assert_eq!(ints(r#"{"a": 1, "b": -2}"#), Ok((1, Some(-2))));
            assert_eq!(
                ints(r#"{"a": "9007199254740993", "b": " -7 "}"#),
                Ok((9_007_199_254_740_993, Some(-7)))
            );
            assert_eq!(ints(r#"{"a": 9223372036854775807}"#), Ok((i64::MAX, None)));
            assert_eq!(ints(r#"{"a": -1, "b": null}"#), Ok((-1, None)));
        }

        #[test]
        fn anything_else_fails() {
            let err = ints(r#"{"a": "12x"}"#).unwrap_err();
            assert!(err.contains(r#"found the string "12x""#), "{err}");
            assert!(ints(r#"{"a": 9223372036854775808}"#).is_err());
            assert!(ints(r#"{"a": 1.5}"#).is_err());
            assert!(ints(r#"{"a": true}"#).is_err());
            assert!(ints(r#"{"a": null}"#).is_err());
            assert!(ints(r#"{"a": 1, "b": [1]}"#).is_err());
        }
    }
}

/// Reads a string, for the `Deserialize` impls of generated string enums.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

pub use crate::paging::{
    Page, crawl, crawl_filter, crawl_sort, cursor, cursor_pages, offset, offset_pages,
};
