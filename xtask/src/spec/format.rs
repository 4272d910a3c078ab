//! The spec format: one struct per kind of node, read by `lower` and written by the importers.
//! Field order is the order a written file lists its keys; a key that is absent is not written.
//! Keywords are [`Word`]s: read as they are spelled (lowering reports a wrong one with its
//! position), written only from a keyword table's value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::keyword::{Keyword, PermissionWord};
use crate::model::{BodyEncoding, Envelope, HttpMethod, Operator, QueryEncoding};

use super::keyword::{PagingStyleWord, ParamLocation, SchemaType};

/// `scopes.yaml`, `wix.scopes.yaml`: permissions and the scopes that grant them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Registry {
    #[serde(default)]
    pub permissions: Vec<Permission>,
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Permission {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the scopes that grant it were read (imported registries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why no scope grants it: Wix names none. Without it, a permission no scope grants is an
    /// error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_scope: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Scope {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    /// Where the scope was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One module file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Module {
    pub module: String,
    pub title: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<Webhook>,
    #[serde(default)]
    pub types: OrderedMap<Schema>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Method {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Why the method is deprecated (Wix's note, its removal date, its replacement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    pub http: Word<HttpMethod>,
    pub path: String,
    pub permission: PermissionRef,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Schema>,
    /// How the request body is sent: `json` (the default), `form` or `binary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_encoding: Option<Word<BodyEncoding>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Schema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_safe: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Query>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Param {
    pub name: String,
    #[serde(rename = "in")]
    pub location: Word<ParamLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Paging {
    pub style: Word<PagingStyleWord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawl: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Query {
    pub encoding: Word<QueryEncoding>,
    pub filter: String,
    pub sort: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<QueryField>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct QueryField {
    pub field: String,
    /// For a filter name that is not a field of the items (`collections.id`): its schema.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<Word<SchemaType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub operators: Vec<Word<Operator>>,
    #[serde(default)]
    pub sortable: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Webhook {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    pub event_type: String,
    pub permission: PermissionRef,
    pub envelope: Word<Envelope>,
    pub payload: Schema,
}

/// `permission:` of a method or webhook: a permission id, `none`, `unpublished`, or a list of
/// permission ids that are all required.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PermissionRef {
    One(String),
    All(Vec<String>),
}

impl PermissionRef {
    /// `none` or `unpublished`.
    pub fn word(word: PermissionWord) -> PermissionRef {
        PermissionRef::One(word.as_str().to_owned())
    }

    /// The permission ids a method is tagged with: `unpublished` for none, one id, or all.
    pub fn ids(ids: &[String]) -> PermissionRef {
        match ids {
            [] => PermissionRef::word(PermissionWord::Unpublished),
            [one] => PermissionRef::One(one.clone()),
            many => PermissionRef::All(many.to_vec()),
        }
    }
}

/// A schema in the OpenAPI 3 vocabulary.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Schema {
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<Word<SchemaType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enumeration: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<OrderedMap<Schema>>,
    #[serde(
        rename = "additionalProperties",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_properties: Option<AdditionalProperties>,
    /// A value of exactly one of these schemas: a Rust enum.
    #[serde(rename = "oneOf", default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Schema>>,
    /// A value of all of these object schemas: one struct with all their properties.
    #[serde(rename = "allOf", default, skip_serializing_if = "Option::is_none")]
    pub all_of: Option<Vec<Schema>>,
    /// For `oneOf`: the property whose value says which variant a value is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<Discriminator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// `true`: the value may be `null` (an `Option` in Rust, even when required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
}

impl Schema {
    /// `type: <ty>`.
    pub fn of(ty: SchemaType) -> Schema {
        Schema {
            ty: Some(ty.into()),
            ..Schema::default()
        }
    }

    /// `$ref: <name>`.
    pub fn reference(name: impl Into<String>) -> Schema {
        Schema {
            reference: Some(name.into()),
            ..Schema::default()
        }
    }

    /// Whether nothing is said: any value.
    pub fn is_empty(&self) -> bool {
        *self == Schema::default()
    }

    /// Calls `f` on this schema and every schema inside it, outside in.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Schema)) {
        f(self);
        if let Some(i) = &mut self.items {
            i.walk_mut(f);
        }
        if let Some(p) = &mut self.properties {
            for (_, s) in &mut p.0 {
                s.walk_mut(f);
            }
        }
        if let Some(AdditionalProperties::Schema(s)) = &mut self.additional_properties {
            s.walk_mut(f);
        }
        for list in [&mut self.one_of, &mut self.all_of].into_iter().flatten() {
            for s in list {
                s.walk_mut(f);
            }
        }
    }

    /// Calls `f` on this schema and every schema inside it, outside in.
    pub fn walk(&self, f: &mut impl FnMut(&Schema)) {
        f(self);
        if let Some(i) = &self.items {
            i.walk(f);
        }
        if let Some(p) = &self.properties {
            for (_, s) in &p.0 {
                s.walk(f);
            }
        }
        if let Some(AdditionalProperties::Schema(s)) = &self.additional_properties {
            s.walk(f);
        }
        for list in [&self.one_of, &self.all_of].into_iter().flatten() {
            for s in list {
                s.walk(f);
            }
        }
    }
}

impl Module {
    /// Every schema of the module: bodies, parameters, payloads and named types.
    pub fn schemas_mut(&mut self) -> impl Iterator<Item = &mut Schema> {
        let methods = self.methods.iter_mut().flat_map(|m| {
            m.params
                .iter_mut()
                .filter_map(|p| p.schema.as_mut())
                .chain(m.request.as_mut())
                .chain(m.response.as_mut())
        });
        let webhooks = self.webhooks.iter_mut().map(|w| &mut w.payload);
        let types = self.types.0.iter_mut().map(|(_, s)| s);
        methods.chain(webhooks).chain(types)
    }
}

/// `discriminator:` of a `oneOf`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Discriminator {
    #[serde(rename = "propertyName")]
    pub property_name: String,
}

/// `additionalProperties`: `true` (any value) or a schema.
#[derive(Clone, Debug, PartialEq)]
pub enum AdditionalProperties {
    Any(bool),
    Schema(Box<Schema>),
}

impl Serialize for AdditionalProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AdditionalProperties::Any(b) => serializer.serialize_bool(*b),
            AdditionalProperties::Schema(s) => s.serialize(serializer),
        }
    }
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
                Schema::deserialize(de).map(|s| AdditionalProperties::Schema(Box::new(s)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A keyword as a file spells it. Read, it may spell nothing (lowering says so, with the hint
/// of its table); written, it comes from a value of the table, so a writer cannot misspell it.
#[derive(Clone, PartialEq, Eq)]
pub struct Word<K> {
    text: String,
    kind: PhantomData<fn() -> K>,
}

impl<K: Keyword> Word<K> {
    /// The value it spells, or the hint for a word that spells none.
    pub fn parse(&self) -> Result<K, String> {
        K::WORDS.parse(&self.text)
    }
}

impl<K> Word<K> {
    /// As written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<K: Keyword> From<K> for Word<K> {
    fn from(value: K) -> Self {
        Word {
            text: K::WORDS.name_of(value).to_owned(),
            kind: PhantomData,
        }
    }
}

impl<K> std::ops::Deref for Word<K> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl<K> fmt::Debug for Word<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<K> fmt::Display for Word<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<K> Serialize for Word<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, K> Deserialize<'de> for Word<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Word {
            text,
            kind: PhantomData,
        })
    }
}

/// A mapping that keeps the order it was written in (properties are emitted in that order).
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`: in place when the key is there, else at the end.
    pub fn insert(&mut self, key: impl Into<String>, value: V) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
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
