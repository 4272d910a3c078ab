//! The serde impls of generated structs, written by the generator rather than derived.
//!
//! `#[derive(Deserialize)]` writes, per struct, a field enum with its own visitor (three
//! `visit_*` methods of one arm per field), a sequence visitor and a map visitor with a duplicate
//! check per field: most of what the compiler checks in a generated module. The generator writes
//! instead one `visit_map` per struct, one `match` arm per field, and this module holds what
//! every struct shares: the visitor, the key type, the missing-field error. The wire format is
//! the derive's for JSON: a map in, a struct (or, with unknown fields kept, a map) out; absent
//! and `null` optional fields read as `None`; unknown fields are skipped, or kept by open
//! structs. Where a key is sent twice, the last value wins, as in JavaScript's `JSON.parse`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

/// A generated struct: its name and how it reads itself from a map.
pub trait Object: Sized {
    /// The struct's name, for error messages ("expected Product").
    const NAME: &'static str;

    /// Reads the struct from the entries of a map.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<T>(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// A map key, borrowed from the input when the input allows it (no allocation per field).
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key as an owned string (for the unknown fields an open struct keeps).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }
}

/// Reads a string the way a map key is read: borrowed when the input allows it. For the
/// `Deserialize` impls of generated string enums.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
    deserializer.deserialize_str(KeyVisitor)
}

/// Reads a required field's value into its slot.
pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an optional field's value into its slot: `null` is `None`.
pub fn nullable<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Reads a required int64 field (a number or a string) into its slot.
pub fn int64<'de, A: MapAccess<'de>>(map: &mut A, slot: &mut Option<i64>) -> Result<(), A::Error> {
    *slot = Some(map.next_value::<super::int64::Wire>()?.0);
    Ok(())
}

/// Reads an optional int64 field (a number, a string or `null`) into its slot.
pub fn nullable_int64<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<i64>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<Option<super::int64::Wire>>()?.map(|v| v.0);
    Ok(())
}

/// Keeps the value of a key an open struct does not know, under that key.
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    unknown: &mut serde_json::Map<String, serde_json::Value>,
    key: Key<'de>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    unknown.insert(key.into_string(), value);
    Ok(())
}

/// Skips the value of a key the struct does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// serde's "missing field" error for the first of `fields` (`(missing, name)`) that is missing:
/// generated code checks every required field in one `match` and calls this when one is absent.
pub fn missing<E: de::Error>(fields: &[(bool, &'static str)]) -> E {
    match fields.iter().find(|(missing, _)| *missing) {
        Some((_, name)) => E::missing_field(name),
        None => E::custom("a required field is missing"),
    }
}

/// Writes a struct field by field, as one chain of calls: the first error is kept and the
/// writes after it are skipped (one `?` per struct, not one per field).
pub struct StructWriter<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> StructWriter<S> {
    /// Starts a struct of `len` fields (the fields that will be written, not skipped).
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Self {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes a field.
    pub fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(s) = &mut self.state
            && let Err(error) = s.serialize_field(key, value)
        {
            self.state = Err(error);
        }
        self
    }

    /// Writes an optional field, or skips it when it is `None`.
    pub fn optional<T: Serialize>(mut self, key: &'static str, value: &Option<T>) -> Self {
        if let Ok(s) = &mut self.state {
            let written = match value {
                Some(_) => s.serialize_field(key, value),
                None => s.skip_field(key),
            };
            if let Err(error) = written {
                self.state = Err(error);
            }
        }
        self
    }

    /// Ends the struct, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// Writes an open struct (one that keeps unknown fields) as a map, entry by entry; like
/// [`StructWriter`], the first error is kept.
pub struct MapWriter<S: Serializer> {
    state: Result<S::SerializeMap, S::Error>,
}

impl<S: Serializer> MapWriter<S> {
    /// Starts the map.
    pub fn new(serializer: S) -> Self {
        Self {
            state: serializer.serialize_map(None),
        }
    }

    /// Writes an entry.
    pub fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(s) = &mut self.state
            && let Err(error) = s.serialize_entry(key, value)
        {
            self.state = Err(error);
        }
        self
    }

    /// Writes an optional entry when it is `Some`.
    pub fn optional<T: Serialize>(self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            Some(_) => self.field(key, value),
            None => self,
        }
    }

    /// Writes the unknown fields kept when the struct was read, and ends the map.
    pub fn end_with(
        self,
        unknown: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<S::Ok, S::Error> {
        let mut s = self.state?;
        for (key, value) in unknown {
            s.serialize_entry(key, value)?;
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct written the way the generator writes them: one required field, one optional,
    /// unknown fields skipped.
    #[derive(Debug, PartialEq)]
    struct Pet {
        name: String,
        age: Option<u32>,
    }

    impl Object for Pet {
        const NAME: &'static str = "Pet";

        fn visit_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut f0 = None;
            let mut f1 = None;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match &*key {
                    "name" => value(&mut map, &mut f0),
                    "age" => nullable(&mut map, &mut f1),
                    _ => skip(&mut map),
                }?;
            }
            match (f0,) {
                (Some(f0),) => Ok(Self { name: f0, age: f1 }),
                (f0,) => Err(missing(&[(f0.is_none(), "name")])),
            }
        }
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    impl Serialize for Pet {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            StructWriter::new(serializer, "Pet", 1 + usize::from(self.age.is_some()))
                .field("name", &self.name)
                .optional("age", &self.age)
                .end()
        }
    }

    fn pet(json: &str) -> Result<Pet, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_fields_in_any_order_and_skips_unknown_ones() {
        let want = Pet {
            name: "Rex".into(),
            age: Some(3),
        };
        assert_eq!(
            pet(r#"{"age": 3, "x": [1, {"y": null}], "name": "Rex"}"#),
            Ok(want)
        );
        assert_eq!(
            pet(r#"{"name": "Rex", "age": null}"#),
            Ok(Pet {
                name: "Rex".into(),
                age: None
            })
        );
        // Escaped keys are read too (owned, not borrowed).
        assert_eq!(
            pet(r#"{"n\u0061me": "Rex"}"#),
            Ok(Pet {
                name: "Rex".into(),
                age: None
            })
        );
        // The last of two equal keys wins, as in JavaScript.
        assert_eq!(pet(r#"{"name": "A", "name": "B"}"#).unwrap().name, "B");
        // From an owned deserializer (keys as `String`).
        let value = serde_json::json!({"name": "Rex", "age": 3});
        assert_eq!(Pet::deserialize(value).unwrap().age, Some(3));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            pet(r#"{"age": 3}"#).unwrap_err(),
            "missing field `name` at line 1 column 10"
        );
        assert!(
            pet("[]")
                .unwrap_err()
                .starts_with("invalid type: sequence, expected struct Pet")
        );
        assert!(
            pet(r#"{"name": 1}"#)
                .unwrap_err()
                .starts_with("invalid type: integer `1`")
        );
    }

    #[test]
    fn writes_optional_fields_only_when_set() {
        let json = |p: &Pet| serde_json::to_string(p).unwrap();
        assert_eq!(
            json(&Pet {
                name: "Rex".into(),
                age: None
            }),
            r#"{"name":"Rex"}"#
        );
        assert_eq!(
            json(&Pet {
                name: "Rex".into(),
                age: Some(3)
            }),
            r#"{"name":"Rex","age":3}"#
        );
    }

    #[test]
    fn strings_borrow_when_they_can() {
        let mut de = serde_json::Deserializer::from_str(r#""plain""#);
        assert!(matches!(string(&mut de).unwrap().0, Cow::Borrowed("plain")));
        let mut de = serde_json::Deserializer::from_str(r#""esc\"aped""#);
        assert_eq!(&*string(&mut de).unwrap(), "esc\"aped");
    }
}
