//! [`UnknownFields`]: what a generated struct keeps of a Wix object beyond the fields it knows.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The fields of a Wix object these bindings do not know (fields Wix added after the package
/// the crate was generated from, or that its metadata leaves out), kept as Wix sent them and
/// written back after the known ones, so that reading a value and sending it back loses
/// nothing.
///
/// Every generated struct has one (`unknown_fields`). It costs one pointer when there are none:
/// the map is allocated only when a field is kept.
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Map<String, Value>>>);

impl UnknownFields {
    /// None kept.
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// Whether none are kept.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    /// The value of the field `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// Keeps `value` under `key` (it is sent with the object); returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0
            .get_or_insert_with(Default::default)
            .insert(key.into(), value)
    }

    /// Stops keeping the field `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.as_mut()?.remove(key)
    }

    /// The fields, in the order of their keys.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    /// The fields as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        UnknownFields((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::FlatMap<
        std::option::Iter<'a, Box<Map<String, Value>>>,
        &'a Map<String, Value>,
        fn(&'a Box<Map<String, Value>>) -> &'a Map<String, Value>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().flat_map(|m| &**m)
    }
}

impl Serialize for UnknownFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for UnknownFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(UnknownFields::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pointer_and_no_map_until_a_field_is_kept() {
        assert_eq!(
            std::mem::size_of::<UnknownFields>(),
            std::mem::size_of::<usize>()
        );
        let mut u = UnknownFields::new();
        assert!(u.is_empty() && u.0.is_none());
        assert_eq!(u, UnknownFields::from(Map::new()));
        u.insert("a", Value::from(1));
        assert_eq!((u.len(), u.get("a")), (1, Some(&Value::from(1))));
        assert_eq!(format!("{u:?}"), r#"{"a": Number(1)}"#);
        assert_eq!(u.remove("a"), Some(Value::from(1)));
        assert_eq!(u, UnknownFields::new());
    }
}
