//! Response decoding: plain serde_json on the body, and on failure the method and the JSON path
//! where it failed (found by a scanner that knows nothing of the target type).

use serde::Deserializer;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::operation::Operation;

/// A boxed, sendable future: what a generated method returns, and the token request.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Decodes a response body; an error names the method and the JSON path that failed.
///
/// An empty body (what a `204`, or a `200` without content, brings) reads as `{}` only for a
/// type that expects nothing of it: a struct without fields, or a type read from any JSON (the
/// unit of a method without content). A struct with fields fails, naming the method: an empty
/// answer where Wix describes content is not a success.
pub fn decode<T: DeserializeOwned>(
    op: &'static Operation,
    body: &[u8],
    request_id: Option<String>,
) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(EmptyBody).map_err(|error| Error::Decode {
            method: op.name,
            path: ".".to_owned(),
            message: error.to_string(),
            request_id,
        });
    }
    // The fast path: plain serde_json, the only deserializer instantiated per type. A body that
    // fails is not decoded again: the error's line and column locate the JSON path, found by a
    // scanner that knows nothing of `T`.
    serde_json::from_slice(body).map_err(|error| decode_error(op, body, &error, request_id))
}

/// An empty response body, as a deserializer: an object without entries for whatever accepts
/// one, and an error for a struct that announces fields.
struct EmptyBody;

impl<'de> Deserializer<'de> for EmptyBody {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(NoEntries)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if fields.is_empty() {
            return visitor.visit_map(NoEntries);
        }
        Err(serde::de::Error::custom(format!(
            "the response body is empty, where a JSON object (`{name}`) was expected"
        )))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The entries of an empty object: none.
struct NoEntries;

impl<'de> serde::de::MapAccess<'de> for NoEntries {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        _seed: V,
    ) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("an empty object has no values"))
    }
}

#[cold]
#[inline(never)]
fn decode_error(
    op: &'static Operation,
    body: &[u8],
    error: &serde_json::Error,
    request_id: Option<String>,
) -> Error {
    Error::Decode {
        method: op.name,
        path: json_path_at(body, byte_offset(body, error.line(), error.column())),
        message: error.to_string(),
        request_id,
    }
}

/// The byte offset of serde_json's 1-based `line` and `column` (0: no position, the start).
pub(crate) fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = if line == 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(i, _)| i + 1)
    };
    line_start.saturating_add(column).min(body.len())
}

/// A container open at the scanned position.
enum Frame {
    /// An object: the key whose value is being read, once read whole.
    Object { key: Option<String>, in_value: bool },
    /// An array: the index of the element being read, once one has started (or a comma
    /// announced it).
    Array { index: usize, started: bool },
}

/// The JSON path (`products[3].priceData.price`, `.` for the root) of the value being read at
/// byte `offset` of `body`: the keys and indexes of the containers open there. Non-generic, for
/// error messages only; tolerant of malformed JSON (it reports what it has seen).
pub(crate) fn json_path_at(body: &[u8], offset: usize) -> String {
    let end = offset.min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let byte = body[i];
        // A value starts here: the element of an array has begun.
        if !matches!(
            byte,
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b']' | b'}'
        ) && let Some(Frame::Array { started, .. }) = stack.last_mut()
        {
            *started = true;
        }
        match byte {
            b'{' => stack.push(Frame::Object {
                key: None,
                in_value: false,
            }),
            b'[' => stack.push(Frame::Array {
                index: 0,
                started: false,
            }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                Some(Frame::Array { index, started }) => {
                    // The next element is the one being read.
                    *index = index.saturating_add(1);
                    *started = true;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < body.len() && body[j] != b'"' {
                    j += if body[j] == b'\\' { 2 } else { 1 };
                }
                if j >= end {
                    // The position is inside this string: a key not read whole names nothing.
                    break;
                }
                if let Some(Frame::Object {
                    key,
                    in_value: false,
                }) = stack.last_mut()
                {
                    let raw = &body[start..j];
                    // Escapes decoded when they are valid JSON, else the raw text.
                    let quoted = &body[i..=j];
                    *key = Some(
                        serde_json::from_slice::<String>(quoted)
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(key),
                in_value: _,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array {
                index,
                started: true,
            } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}
