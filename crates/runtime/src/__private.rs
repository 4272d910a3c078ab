//! The one path generated code takes into the runtime. Not a public API: it may change in any
//! release, together with the generator.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::client::{Body, RawResponse};
use crate::error::Error;
use crate::operation::{Operation, Requires};
pub use crate::paging::BoxStream;
pub use crate::query;
pub use crate::scoped::Sender;
pub use futures_core::Stream;

pub mod object;
/// `rt::object! { .. }`: the serde impls of a generated struct (see [`object`]).
pub use crate::__object as object;

/// A boxed, `Send` future: what generated methods return.
pub use crate::decode::BoxFuture;
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

/// Encodes a JSON request body.
pub fn json_body<T: Serialize + ?Sized>(op: &'static Operation, body: &T) -> Result<Body, Error> {
    serde_json::to_vec(body)
        .map(Body::json)
        .map_err(|source| Error::Encode {
            method: op.name,
            source,
        })
}

/// The `{}` body Wix's examples send to a POST, PUT or PATCH method without parameters.
pub fn empty_json_body() -> Body {
    Body::json(b"{}".to_vec())
}

/// Encodes an `application/x-www-form-urlencoded` request body: the fields of the object
/// `body` serializes to, as pairs (a list as the key once per value, `null` left out). A field
/// that is an object, or a list holding one, cannot be a form value: an [`Error::Encode`] names it.
pub fn form_body<T: Serialize + ?Sized>(op: &'static Operation, body: &T) -> Result<Body, Error> {
    use serde_json::Value;
    let encode = |source| Error::Encode {
        method: op.name,
        source,
    };
    let error = |message: String| encode(<serde_json::Error as serde::ser::Error>::custom(message));
    let value = serde_json::to_value(body).map_err(encode)?;
    let Value::Object(fields) = value else {
        return Err(error("a form body is an object of fields".to_owned()));
    };
    fn scalar(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &fields {
        let values = match value {
            Value::Null => continue,
            Value::Array(items) => items.iter().filter(|v| !v.is_null()).collect(),
            one => vec![one],
        };
        for value in values {
            let text = scalar(value).ok_or_else(|| {
                error(format!(
                    "the form field `{key}` holds an object or a nested list; a form carries strings, numbers and booleans"
                ))
            })?;
            form.append_pair(key, &text);
        }
    }
    Ok(Body {
        bytes: form.finish().into_bytes().into(),
        content_type: "application/x-www-form-urlencoded",
    })
}

/// An `application/octet-stream` request body: the bytes as given.
pub fn binary_body(bytes: &[u8]) -> Body {
    Body {
        bytes: bytes.to_vec().into(),
        content_type: "application/octet-stream",
    }
}

pub use crate::decode::decode;

/// A required path parameter bound to a body field was `None`.
#[cold]
pub fn missing(op: &'static Operation, field: &'static str) -> Error {
    Error::MissingPathParameter {
        method: op.name,
        field,
    }
}

/// Sends a request and decodes its response. The path and the body come as the results of
/// building them: an error there (a path field missing from the body, a body that does not
/// encode) is the future's output, and nothing is sent. Generated methods build both before the
/// call, so that their own code has no `async` block: one future per method, written here.
///
/// Before anything is sent, the permissions of `op.requires` are checked against the ones the
/// scope set was declared with ([`Error::NotGranted`]: an impl of a permission trait that the
/// scope attributes did not write), and `path` against `op.path`'s template
/// ([`Error::InvalidPathParameter`]: a parameter that is empty, `.` or `..`).
///
/// # Safety
///
/// The caller has proved, by a bound on the permission trait of `op.requires` for the scope
/// set of the handle the call comes from, that the declared scopes grant `op.requires`
/// (generated methods do, in their `where` clause). `op` must be the metadata of the endpoint
/// `path` names. This is the same contract as [`Client::request_unchecked`](crate::Client::request_unchecked).
pub unsafe fn call<'f, T: DeserializeOwned + 'f>(
    wix: Sender<'f>,
    op: &'static Operation,
    path: Result<String, Error>,
    query: Vec<(&'static str, String)>,
    body: Result<Option<Body>, Error>,
) -> BoxFuture<'f, Result<T, Error>> {
    Box::pin(async move {
        let path = checked(wix, op, path)?;
        wix.client.execute_decode(op, path, query, body?).await
    })
}

/// [`call`] for a method whose response has no content: whatever body comes back is checked to
/// be JSON and dropped.
///
/// # Safety
///
/// As for [`call`].
pub unsafe fn call_no_content<'f>(
    wix: Sender<'f>,
    op: &'static Operation,
    path: Result<String, Error>,
    query: Vec<(&'static str, String)>,
    body: Result<Option<Body>, Error>,
) -> BoxFuture<'f, Result<(), Error>> {
    Box::pin(async move {
        let path = checked(wix, op, path)?;
        wix.client
            .execute_decode::<serde::de::IgnoredAny>(op, path, query, body?)
            .await
            .map(drop)
    })
}

/// The checks of [`call`] before anything is sent: the declared grants, then the path.
fn checked(
    wix: Sender<'_>,
    op: &'static Operation,
    path: Result<String, Error>,
) -> Result<String, Error> {
    let missing = match op.requires {
        Requires::Nothing => None,
        Requires::Unpublished => Some("unpublished"),
        Requires::All(permissions) => permissions
            .iter()
            .copied()
            .find(|p| !crate::scoped::granted(wix.granted, p)),
    };
    if let Some(permission) = missing {
        return Err(Error::NotGranted {
            method: op.name,
            permission,
            scope_set: wix.set,
        });
    }
    let path = path?;
    crate::path::check(op, &path)?;
    Ok(path)
}

/// The path fields read from a request body, or the first one's error.
pub fn path_fields<const N: usize>(
    fields: [Result<String, Error>; N],
) -> Result<[String; N], Error> {
    let mut first_error = None;
    let values = fields.map(|field| {
        field.unwrap_or_else(|error| {
            first_error.get_or_insert(error);
            String::new()
        })
    });
    match first_error {
        Some(error) => Err(error),
        None => Ok(values),
    }
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

    /// An `i64` as Wix sends it, number or string: what a generated `visit_map` reads an int64
    /// field as (`Option<Wire>` for an optional one: absent or `null` is `None`).
    pub struct Wire(pub i64);

    impl<'de> Deserialize<'de> for Wire {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(Int64).map(Wire)
        }
    }

    #[cfg(test)]
    mod tests {
        use serde::Deserialize;

        use super::Wire;

        #[derive(Deserialize)]
        struct Ints {
            a: Wire,
            #[serde(default)]
            b: Option<Wire>,
        }

        fn ints(json: &str) -> Result<(i64, Option<i64>), String> {
            serde_json::from_str::<Ints>(json)
                .map(|i| (i.a.0, i.b.map(|b| b.0)))
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

pub use crate::paging::{
    Page, crawl, crawl_filter, crawl_sort, cursor, cursor_pages, offset, offset_pages,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{byte_offset, json_path_at};

    /// The path at the first `^` of `marked` (removed before scanning).
    fn at(marked: &str) -> String {
        let offset = marked.find('^').expect("a ^ marks the position");
        json_path_at(marked.replace('^', "").as_bytes(), offset)
    }

    #[test]
    fn nested_objects_and_arrays() {
        assert_eq!(at(r#"{"a":{"b":^7}}"#), "a.b");
        assert_eq!(at(r#"{"a":{"b":7^}}"#), "a.b");
        assert_eq!(at(r#"{"a":[1,2,{"c":[true,^"x"]}]}"#), "a[2].c[1]");
        assert_eq!(at(r#"[[1],[2,^3]]"#), "[1][1]");
        assert_eq!(at(r#"{"a":{"b":1},"c":^2}"#), "c");
        assert_eq!(at(r#"{"a":[1,2],"b":{"c":{}},"d":^0}"#), "d");
    }

    #[test]
    fn the_root_and_containers_not_yet_entered() {
        assert_eq!(at(r#"^{"a":1}"#), ".");
        assert_eq!(at(r#"{"a":1} ^trailing"#), ".");
        assert_eq!(at(r#"{"a":[^]}"#), "a");
        assert_eq!(at(r#"{"a":{^}}"#), "a");
        assert_eq!(at(r#"{"a":{"b":[1]},^"c":2}"#), ".");
    }

    #[test]
    fn strings_with_escapes_and_brackets() {
        assert_eq!(at(r#"{"a\"{[":{"]}\u0041":^1}}"#), r#"a"{[.]}A"#);
        assert_eq!(at(r#"{"k":"va\"l,ue]}","n":^1}"#), "n");
        assert_eq!(at(r#"{"k":["a,b","c\\",^1]}"#), "k[2]");
    }

    #[test]
    fn errors_inside_keys_and_values() {
        // Inside a key: the key is not known yet, its object is.
        assert_eq!(at(r#"{"a":{"bad^\x":1}}"#), "a");
        // Inside a string value: its key.
        assert_eq!(at(r#"{"a":{"b":"bad^\x"}}"#), "a.b");
        // A key with an invalid escape is kept as written.
        assert_eq!(at(r#"{"x\q":^1}"#), r#"x\q"#);
    }

    #[test]
    fn whitespace_and_newlines() {
        let body = "{\n  \"a\" : [\n    1 ,\n    { \"b\" :\n 7 }\n  ]\n}";
        let error =
            serde_json::from_str::<serde_json::Value>(&body.replace('7', "7x")).unwrap_err();
        let offset = byte_offset(body.as_bytes(), error.line(), error.column());
        assert_eq!(json_path_at(body.as_bytes(), offset), "a[1].b");
        assert_eq!(byte_offset(b"ab\ncd", 2, 1), 4);
        assert_eq!(byte_offset(b"ab", 0, 0), 0);
        assert_eq!(byte_offset(b"ab", 9, 9), 2);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        width: u32,
    }

    static OP: Operation = Operation {
        module: "m",
        name: "get_thing",
        wix_name: "Get Thing",
        http_method: crate::HttpMethod::Get,
        host: "https://example.com",
        path: "/",
        requires: crate::operation::Requires::Nothing,
        scopes: &[],
        retry_safe: true,
    };

    #[test]
    fn form_bodies_carry_scalars_and_lists_of_scalars() {
        let body = form_body(
            &OP,
            &serde_json::json!({"b": [1, null, true], "a": "x y", "n": null}),
        )
        .unwrap();
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(&body.bytes[..], b"a=x+y&b=1&b=true");
        let err = form_body(&OP, &serde_json::json!({"a": {"b": 1}})).unwrap_err();
        assert!(
            err.to_string()
                .contains("the form field `a` holds an object"),
            "{err}"
        );
        assert!(form_body(&OP, &serde_json::json!([1])).is_err());
    }

    #[test]
    fn decode_names_the_method_and_the_path() {
        let body = br#"{"items":[{"width":1},{"width":"wide"}]}"#;
        let Err(Error::Decode {
            method,
            path,
            message,
            ..
        }) = decode::<Outer>(&OP, body, None)
        else {
            panic!("a decode error")
        };
        assert_eq!((method, path.as_str()), ("get_thing", "items[1].width"));
        assert!(
            message.starts_with("invalid type: string \"wide\""),
            "{message}"
        );
        let Err(Error::Decode { path, .. }) = decode::<Outer>(&OP, b"{\"items\":[]} x", None)
        else {
            panic!("a decode error")
        };
        assert_eq!(path, ".");
        assert!(decode::<Outer>(&OP, b"{\"items\":[{\"width\":2}]}", None).is_ok());
    }
}
