//! The serde impls of generated structs: the `object!` macro (one invocation per struct, its
//! field table) and what its expansion calls.
//!
//! `#[derive(Deserialize)]` writes, per struct, a field enum with its own visitor (three
//! `visit_*` methods of one arm per field), a sequence visitor and a map visitor with a duplicate
//! check per field: most of what the compiler checks in a generated module. The macro writes
//! instead one `visit_map` per struct, one `match` arm per field, and one chain of writer calls;
//! this module holds what every struct shares: the visitor, the key type, the readers, the
//! writers, the missing-field error. The wire format is
//! the derive's for JSON: a map in, a struct (or, with unknown fields kept, a map) out; absent
//! and `null` optional fields read as `None`; unknown fields are kept (in the struct's
//! [`UnknownFields`]) and written back after the known ones; the macro can still write a
//! struct that skips them. Where a key is sent twice, the last value wins, as in JavaScript's `JSON.parse`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::UnknownFields;

/// A generated struct: its name and how it reads itself from a map.
pub trait Object: Sized {
    /// The struct's name, for error messages ("expected Product").
    const NAME: &'static str;

    /// The wire names of its fields (what `deserialize_struct` announces; an empty body reads
    /// as an object only for a struct without fields).
    const FIELDS: &'static [&'static str];

    /// Reads the struct from the entries of a map.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor::<T>(PhantomData))
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
    /// The key as an owned string (for the unknown fields a struct keeps).
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

/// The value of a key the struct does not know: kept under that key in the struct's
/// [`UnknownFields`] when `keep` holds them (`[&mut fields]`), skipped when it is empty (`[]`, a
/// struct that keeps none).
pub fn unknown<'de, A: MapAccess<'de>, const N: usize>(
    map: &mut A,
    key: Key<'de>,
    keep: [&mut UnknownFields; N],
) -> Result<(), A::Error> {
    match keep.into_iter().next() {
        Some(unknown) => {
            let value = map.next_value()?;
            unknown.insert(key.into_string(), value);
            Ok(())
        }
        None => map.next_value::<de::IgnoredAny>().map(drop),
    }
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

/// Writes a struct that keeps unknown fields as a map, entry by entry; like
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
    pub fn end_with(self, unknown: &UnknownFields) -> Result<S::Ok, S::Error> {
        let mut s = self.state?;
        for (key, value) in unknown {
            s.serialize_entry(key, value)?;
        }
        s.end()
    }
}

/// The `Serialize`, `Deserialize` and [`Object`] impls of a generated struct, from its field table:
///
/// ```text
/// object! { Name { "wireName" field: read write, ... } [unknown FIELD] [required { FIELD "wire" ... }] }
/// ```
///
/// `read` is the reader of the field's value ([`value`], [`nullable`], [`int64`],
/// [`nullable_int64`]); `write` is the writer's method (`field` for a required field,
/// `optional` for an optional one); `unknown FIELD` names the [`UnknownFields`] a struct keeps unknown
/// fields in (a closed struct skips them, see [`unknown`]); `required` lists the required fields
/// and their wire names. A struct without required fields starts from its `Default` and reads
/// each field in place; one with required fields reads into one local per field (named as the
/// field: the macro's own names are hygienic, so no field name can clash with them) and checks
/// the required ones in one `match`.
///
/// One invocation per struct is a few tokens the generator prints and `syn` does not parse,
/// where written-out impls were half the generated lines and most of the generation time.
#[doc(hidden)]
#[macro_export]
macro_rules! __object {
    // No required field: read in place into the default.
    (
        $name:ident { $( $wire:literal $field:ident : $read:ident $write:ident ),* $(,)? }
        $( unknown $unknown:ident )?
    ) => {
        $crate::__object!(@serialize $name [$( $unknown )?] { $( $wire $field $write ),* });
        $crate::__object!(@deserialize $name);
        impl $crate::__private::object::Object for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[$( $wire ),*];

            // A struct without fields only has unknown ones.
            #[allow(unused_mut, clippy::match_single_binding)]
            fn visit_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> Result<Self, A::Error> {
                let mut out = <Self as Default>::default();
                while let Some(key) = map.next_key::<$crate::__private::object::Key<'de>>()? {
                    match &*key {
                        $( $wire => $crate::__private::object::$read(&mut map, &mut out.$field), )*
                        _ => $crate::__private::object::unknown(
                            &mut map,
                            key,
                            [$( &mut out.$unknown )?],
                        ),
                    }?;
                }
                Ok(out)
            }
        }
    };
    // Required fields: one local per field, the required ones checked at the end.
    (
        $name:ident { $( $wire:literal $field:ident : $read:ident $write:ident ),* $(,)? }
        $( unknown $unknown:ident )?
        required { $( $req:ident $req_wire:literal )+ }
    ) => {
        $crate::__object!(@serialize $name [$( $unknown )?] { $( $wire $field $write ),* });
        $crate::__object!(@deserialize $name);
        impl $crate::__private::object::Object for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[$( $wire ),*];

            fn visit_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> Result<Self, A::Error> {
                $( let mut $field = None; )*
                $( let mut $unknown = $crate::UnknownFields::new(); )?
                while let Some(key) = map.next_key::<$crate::__private::object::Key<'de>>()? {
                    match &*key {
                        $( $wire => $crate::__private::object::$read(&mut map, &mut $field), )*
                        _ => $crate::__private::object::unknown(
                            &mut map,
                            key,
                            [$( &mut $unknown )?],
                        ),
                    }?;
                }
                match ($( $req, )+) {
                    ($( Some($req), )+) => Ok(Self { $( $field, )* $( $unknown )? }),
                    ($( $req, )+) => Err($crate::__private::object::missing(&[
                        $( ($req.is_none(), $req_wire) ),+
                    ])),
                }
            }
        }
    };
    (@deserialize $name:ident) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::__private::object::deserialize(deserializer)
            }
        }
    };
    // A closed struct is a serde struct of the fields written (its length counts them).
    (@serialize $name:ident [] { $( $wire:literal $field:ident $write:ident ),* }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                let len = 0 $( + $crate::__private::object::count::$write(&self.$field) )*;
                $crate::__private::object::StructWriter::new(serializer, stringify!($name), len)
                    $( .$write($wire, &self.$field) )*
                    .end()
            }
        }
    };
    // A struct that keeps unknown fields is a map: its fields, then the unknown ones.
    (@serialize $name:ident [$unknown:ident] { $( $wire:literal $field:ident $write:ident ),* }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                $crate::__private::object::MapWriter::new(serializer)
                    $( .$write($wire, &self.$field) )*
                    .end_with(&self.$unknown)
            }
        }
    };
}

/// How many fields a writer method writes for a value: `field` always one, `optional` one
/// when set (the length a closed struct announces).
pub mod count {
    /// A required field: always written.
    pub fn field<T: ?Sized>(_: &T) -> usize {
        1
    }

    /// An optional field: written when set.
    pub fn optional<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct as the generator writes them: one required field, one optional, unknown fields
    /// skipped.
    #[derive(Debug, PartialEq)]
    struct Pet {
        name: String,
        age: Option<u32>,
    }

    crate::__object! {
        Pet { "name" name: value field, "age" age: nullable optional, }
        required { name "name" }
    }

    /// Open, with an int64 and a field named like the macro's own locals (hygiene keeps them
    /// apart).
    #[derive(Debug, Default, PartialEq)]
    struct Open {
        map: Option<String>,
        big: Option<i64>,
        unknown_fields: UnknownFields,
    }

    crate::__object! {
        Open { "map" map: nullable optional, "big" big: nullable_int64 optional, }
        unknown unknown_fields
    }

    /// Open with a required field; closed without one.
    #[derive(Debug, PartialEq)]
    struct OpenRequired {
        key: i64,
        unknown_fields: UnknownFields,
    }

    crate::__object! {
        OpenRequired { "key" key: int64 field, }
        unknown unknown_fields
        required { key "key" }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Empty {}

    crate::__object! { Empty {} }

    #[test]
    fn every_form_of_the_macro_reads_and_writes() {
        let open: Open = serde_json::from_str(r#"{"map": "m", "big": "12", "x": [1]}"#).unwrap();
        assert_eq!(open.map.as_deref(), Some("m"));
        assert_eq!(open.big, Some(12));
        assert_eq!(
            serde_json::to_value(&open).unwrap(),
            serde_json::json!({"map": "m", "big": 12, "x": [1]})
        );
        let req: OpenRequired = serde_json::from_str(r#"{"key": 7, "y": true}"#).unwrap();
        assert_eq!((req.key, req.unknown_fields.len()), (7, 1));
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"key":7,"y":true}"#
        );
        let err = serde_json::from_str::<OpenRequired>("{}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("missing field `key`"), "{err}");
        assert_eq!(
            serde_json::from_str::<Empty>(r#"{"a": 1}"#).unwrap(),
            Empty {}
        );
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
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
