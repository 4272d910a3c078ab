//! The spec language, in one place: the format's node types ([`format`]), which both the
//! loader (`lower`) and every writer (the package import, the OpenAPI import and export, the
//! overrides) use, its keywords ([`keyword`]), and where each node of a file is ([`pos`]).
//! Nothing reads or writes a spec as an untyped YAML map.

pub mod format;
pub mod keyword;
pub mod pos;

pub use format::*;

use serde::Serialize;
use serde::de::{Deserialize, Deserializer, Visitor};

use pos::{Seg, YamlPath};

/// A decoded file, with the paths of the keys serde passed over.
pub struct Decoded<T> {
    pub value: T,
    pub unknown_keys: Vec<YamlPath>,
}

/// A YAML or type error serde_yaml stopped at.
pub struct DecodeError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Decodes `source`, collecting (not rejecting) unknown keys.
pub fn decode<T: for<'de> Deserialize<'de>>(source: &str) -> Result<Decoded<T>, DecodeError> {
    let mut unknown_keys = Vec::new();
    let de = serde_yaml::Deserializer::from_str(source);
    let value = serde_ignored::deserialize(de, |path| unknown_keys.push(to_yaml_path(&path)))
        .map_err(|e: serde_yaml::Error| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            DecodeError {
                message: e.to_string(),
                line,
                column,
            }
        })?;
    Ok(Decoded {
        value,
        unknown_keys,
    })
}

/// A node as a spec file writes it (keys in the format's order, absent ones left out).
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).expect("a spec node serializes")
}

/// Every key of the format's module and registry files, for "did you mean" on an unknown one:
/// asked of the node types themselves, so a key added to a struct is known here.
pub fn known_keys() -> Vec<&'static str> {
    let mut keys = Vec::new();
    keys.extend(keys_of::<Registry>());
    keys.extend(keys_of::<Permission>());
    keys.extend(keys_of::<Scope>());
    keys.extend(keys_of::<Module>());
    keys.extend(keys_of::<Method>());
    keys.extend(keys_of::<Param>());
    keys.extend(keys_of::<Paging>());
    keys.extend(keys_of::<Query>());
    keys.extend(keys_of::<QueryField>());
    keys.extend(keys_of::<Webhook>());
    keys.extend(keys_of::<Schema>());
    keys.extend(keys_of::<Discriminator>());
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The keys a derived struct reads, as serde's derive lists them for `deserialize_struct`.
pub fn keys_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Keys(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Keys {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut keys = Keys(None);
    let _ = T::deserialize(&mut keys);
    keys.0.unwrap_or(&[])
}

fn to_yaml_path(path: &serde_ignored::Path) -> YamlPath {
    use serde_ignored::Path;
    match path {
        Path::Root => YamlPath::root(),
        Path::Seq { parent, index } => {
            let mut p = to_yaml_path(parent);
            p.push(Seg::Index(*index));
            p
        }
        Path::Map { parent, key } => {
            let mut p = to_yaml_path(parent);
            p.push(Seg::Key(key.clone()));
            p
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => to_yaml_path(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_node_type_knows_its_keys() {
        assert!(keys_of::<Method>().contains(&"retry_safe"));
        assert!(keys_of::<Schema>().contains(&"$ref"));
        assert!(keys_of::<Param>().contains(&"in"));
        let all = known_keys();
        assert!(all.contains(&"propertyName") && all.contains(&"no_scope"));
        assert!(!all.contains(&"ref"));
    }

    #[test]
    fn a_module_reads_and_writes_back_the_same_text() {
        let text = "\
module: m
title: M
version: v1
methods:
- name: Get Thing
  http: GET
  path: /v1/things/{id}
  permission: A.READ
  params:
  - name: id
    in: path
    schema:
      type: string
  response:
    $ref: Thing
types:
  Thing:
    type: object
    required:
    - id
    properties:
      id:
        type: string
";
        let m: Module = decode(text).ok().expect("decodes").value;
        assert_eq!(to_yaml(&m), text);
    }
}
