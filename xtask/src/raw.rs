//! The spec files as written: serde structs that mirror the YAML, strings left unchecked so that
//! lowering can report every problem at once. Nothing outside `load` and `lower` sees these.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::yaml_pos::{Seg, YamlPath};

/// `scopes.yaml`.
#[derive(Debug, Deserialize)]
pub struct RawRegistry {
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
    #[serde(default)]
    pub scopes: Vec<RawScope>,
}

#[derive(Debug, Deserialize)]
pub struct RawPermission {
    pub id: String,
    pub description: Option<String>,
    /// Where the scopes that grant it were read (imported registries).
    pub source: Option<String>,
    /// Why no scope grants it: Wix names none. Without it, a permission no scope grants is an
    /// error.
    pub no_scope: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawScope {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub grants: Vec<String>,
    #[serde(default)]
    pub includes: Vec<String>,
    /// Where the scope was read.
    pub source: Option<String>,
}

/// One module file.
#[derive(Debug, Deserialize)]
pub struct RawModule {
    pub module: String,
    pub title: String,
    pub version: String,
    pub host: Option<String>,
    pub docs: Option<String>,
    #[serde(default)]
    pub methods: Vec<RawMethod>,
    #[serde(default)]
    pub webhooks: Vec<RawWebhook>,
    #[serde(default)]
    pub types: OrderedMap<RawSchema>,
}

#[derive(Debug, Deserialize)]
pub struct RawMethod {
    pub name: String,
    pub docs: Option<String>,
    pub http: String,
    pub path: String,
    pub permission: RawPermissionRef,
    #[serde(default)]
    pub params: Vec<RawParam>,
    pub request: Option<RawSchema>,
    /// How the request body is sent: `json` (the default), `form` or `binary`.
    pub request_encoding: Option<String>,
    pub response: Option<RawSchema>,
    pub retry_safe: Option<bool>,
    pub paging: Option<RawPaging>,
    pub query: Option<RawQuery>,
    /// Why the method is deprecated (Wix's note, its removal date, its replacement).
    pub deprecated: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawParam {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub description: Option<String>,
    pub schema: Option<RawSchema>,
    pub required: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct RawPaging {
    pub style: String,
    pub max_page_size: Option<u32>,
    pub request: Option<String>,
    pub items: Option<String>,
    pub next_cursor: Option<String>,
    pub has_next: Option<String>,
    pub total: Option<String>,
    pub crawl: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawQuery {
    pub encoding: String,
    pub filter: String,
    pub sort: String,
    #[serde(default)]
    pub fields: Vec<RawQueryField>,
}

#[derive(Debug, Deserialize)]
pub struct RawQueryField {
    pub field: String,
    /// For a filter name that is not a field of the items (`collections.id`): its schema.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub operators: Vec<String>,
    #[serde(default)]
    pub sortable: bool,
}

#[derive(Debug, Deserialize)]
pub struct RawWebhook {
    pub name: String,
    pub docs: Option<String>,
    pub event_type: String,
    pub permission: RawPermissionRef,
    pub envelope: String,
    pub payload: RawSchema,
}

/// `permission:` of a method or webhook: a permission id, `none`, `unpublished`, or a list of
/// permission ids that are all required.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawPermissionRef {
    One(String),
    All(Vec<String>),
}

/// A schema in the OpenAPI 3 vocabulary.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawSchema {
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    pub properties: Option<OrderedMap<RawSchema>>,
    pub required: Option<Vec<String>>,
    pub items: Option<Box<RawSchema>>,
    #[serde(rename = "enum")]
    pub enumeration: Option<Vec<String>>,
    #[serde(rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub deprecated: Option<bool>,
    /// `true`: the value may be `null` (an `Option` in Rust, even when required).
    pub nullable: Option<bool>,
    /// A value of exactly one of these schemas: a Rust enum.
    #[serde(rename = "oneOf")]
    pub one_of: Option<Vec<RawSchema>>,
    /// A value of all of these object schemas: one struct with all their properties.
    #[serde(rename = "allOf")]
    pub all_of: Option<Vec<RawSchema>>,
    /// For `oneOf`: the property whose value says which variant a value is.
    pub discriminator: Option<RawDiscriminator>,
}

/// `discriminator:` of a `oneOf`.
#[derive(Clone, Debug, Deserialize)]
pub struct RawDiscriminator {
    #[serde(rename = "propertyName")]
    pub property_name: String,
}

/// `additionalProperties`: `true` (any value) or a schema.
#[derive(Clone, Debug)]
pub enum AdditionalProperties {
    Any(bool),
    Schema(Box<RawSchema>),
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false` or a schema")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(AdditionalProperties::Any(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let de = serde::de::value::MapAccessDeserializer::new(map);
                RawSchema::deserialize(de).map(|s| AdditionalProperties::Schema(Box::new(s)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A mapping that keeps the order it was written in (properties are emitted in that order).
#[derive(Clone, Debug)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    entries.push((k, v));
                }
                Ok(OrderedMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// Every key the format knows, for "did you mean" on an unknown one.
pub const KNOWN_KEYS: &[&str] = &[
    "permissions",
    "source",
    "deprecated",
    "no_scope",
    "scopes",
    "id",
    "name",
    "description",
    "grants",
    "includes",
    "module",
    "title",
    "version",
    "host",
    "docs",
    "methods",
    "webhooks",
    "types",
    "http",
    "path",
    "permission",
    "params",
    "request",
    "request_encoding",
    "response",
    "retry_safe",
    "paging",
    "query",
    "in",
    "schema",
    "required",
    "style",
    "max_page_size",
    "items",
    "next_cursor",
    "has_next",
    "total",
    "crawl",
    "encoding",
    "fields",
    "field",
    "operators",
    "sortable",
    "event_type",
    "envelope",
    "payload",
    "type",
    "format",
    "properties",
    "enum",
    "additionalProperties",
    "$ref",
    "deprecated",
    "nullable",
    "oneOf",
    "allOf",
    "discriminator",
    "propertyName",
];

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
