//! Typed filters and sorts for query methods.
//!
//! The generator writes, per query method, a builder whose field methods return a [`Field`]
//! offering only the operators Wix documents for that field (each operator is a trait of
//! [`ops`] the field's marker type implements), and `sort_by_*` methods for the sortable fields
//! only. A wrong operator or an unsortable sort is a compile error. The builder then writes the
//! module's wire form: Stores V1 sends `filter` and `sort` as JSON in strings, newer modules
//! send objects.

use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value, json};

/// A sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// A filter and a sort, as built: conditions combine with "and".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    conditions: Vec<Value>,
    sort: Vec<(&'static str, SortOrder)>,
}

impl Query {
    /// Adds `{field: {op: value}}`.
    pub fn push(&mut self, field: &'static str, op: &'static str, value: Value) {
        self.conditions.push(json!({ field: { op: value } }));
    }

    /// Adds `{"$or": [...]}` of the alternatives' filters (their sorts are ignored).
    pub fn any_of(&mut self, alternatives: impl IntoIterator<Item = Query>) {
        let alternatives: Vec<Value> = alternatives.into_iter().map(|q| q.filter()).collect();
        if !alternatives.is_empty() {
            self.conditions.push(json!({ "$or": alternatives }));
        }
    }

    /// Adds a sort key, after those already added.
    pub fn sort(&mut self, field: &'static str, order: SortOrder) {
        self.sort.push((field, order));
    }

    /// The filter object. Conditions on distinct fields share one object
    /// (`{"a": {"$eq": 1}, "b": {"$gt": 2}}`); two conditions on one field with distinct
    /// operators share the field's object; anything else is joined with `$and`.
    pub fn filter(&self) -> Value {
        let mut merged = Map::new();
        let mut rest = Vec::new();
        for condition in &self.conditions {
            let Value::Object(map) = condition else {
                continue;
            };
            let Some((field, ops)) = map.iter().next() else {
                continue;
            };
            match (merged.get_mut(field), ops) {
                (None, _) => {
                    merged.insert(field.clone(), ops.clone());
                }
                (Some(Value::Object(existing)), Value::Object(new))
                    if field != "$or" && new.keys().all(|op| !existing.contains_key(op)) =>
                {
                    existing.extend(new.clone());
                }
                _ => rest.push(condition.clone()),
            }
        }
        if rest.is_empty() {
            Value::Object(merged)
        } else {
            let mut all = vec![Value::Object(merged)];
            all.extend(rest);
            json!({ "$and": all })
        }
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty() && self.sort.is_empty()
    }

    /// Whether a sort was added.
    pub fn has_sort(&self) -> bool {
        !self.sort.is_empty()
    }

    /// The Stores V1 filter: the filter object as a JSON string.
    pub fn filter_string(&self) -> String {
        self.filter().to_string()
    }

    /// The Stores V1 sort: `[{"field": "asc"}]` as a JSON string.
    pub fn sort_string(&self) -> String {
        let keys: Vec<Value> = self
            .sort
            .iter()
            .map(|(field, order)| json!({ *field: if *order == SortOrder::Asc { "asc" } else { "desc" } }))
            .collect();
        Value::Array(keys).to_string()
    }

    /// The newer modules' sort: `[{"fieldName": "field", "order": "ASC"}]`.
    pub fn sort_objects(&self) -> Value {
        self.sort
            .iter()
            .map(|(field, order)| {
                json!({ "fieldName": field, "order": if *order == SortOrder::Asc { "ASC" } else { "DESC" } })
            })
            .collect()
    }
}

/// Implemented by the generated builders.
pub trait QueryBuilder: Sized {
    /// The query being built.
    fn query_mut(&mut self) -> &mut Query;
}

/// A field a query method can filter by: implemented by the generated marker types.
pub trait FieldSpec {
    /// The wire name (maybe dotted).
    const NAME: &'static str;
    /// The type of the values the field is compared with.
    type Value: Serialize;
}

/// The operators, one trait each; a field's marker implements those Wix documents for it.
pub mod ops {
    use super::FieldSpec;

    // Written out: diagnostic attributes take literal strings only.

    /// The `$eq` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$eq`",
        label = "Wix does not accept `$eq` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Eq: FieldSpec {}

    /// The `$ne` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$ne`",
        label = "Wix does not accept `$ne` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Ne: FieldSpec {}

    /// The `$gt` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$gt`",
        label = "Wix does not accept `$gt` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Gt: FieldSpec {}

    /// The `$gte` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$gte`",
        label = "Wix does not accept `$gte` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Gte: FieldSpec {}

    /// The `$lt` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$lt`",
        label = "Wix does not accept `$lt` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Lt: FieldSpec {}

    /// The `$lte` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$lte`",
        label = "Wix does not accept `$lte` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Lte: FieldSpec {}

    /// The `$in` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$in`",
        label = "Wix does not accept `$in` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait In: FieldSpec {}

    /// The `$nin` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$nin`",
        label = "Wix does not accept `$nin` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Nin: FieldSpec {}

    /// The `$hasSome` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$hasSome`",
        label = "Wix does not accept `$hasSome` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait HasSome: FieldSpec {}

    /// The `$hasAll` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$hasAll`",
        label = "Wix does not accept `$hasAll` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait HasAll: FieldSpec {}

    /// The `$startsWith` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$startsWith`",
        label = "Wix does not accept `$startsWith` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait StartsWith: FieldSpec {}

    /// The `$contains` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$contains`",
        label = "Wix does not accept `$contains` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Contains: FieldSpec {}

    /// The `$exists` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$exists`",
        label = "Wix does not accept `$exists` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait Exists: FieldSpec {}

    /// The `$isEmpty` operator.
    #[diagnostic::on_unimplemented(
        message = "the field `{Self}` cannot be filtered with `$isEmpty`",
        label = "Wix does not accept `$isEmpty` on this field",
        note = "a field offers only the operators of its method's \"Fields That Allow Filtering\" table"
    )]
    pub trait IsEmpty: FieldSpec {}
}

/// One field of a builder, waiting for its operator.
#[must_use = "a field does nothing until an operator is applied"]
pub struct Field<B, F> {
    builder: B,
    field: PhantomData<fn() -> F>,
}

fn to_json<T: Serialize>(value: T) -> Value {
    // The values are strings, numbers, booleans and string enums: they always serialize.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl<B: QueryBuilder, F: FieldSpec> Field<B, F> {
    /// Starts a condition on `F` for `builder`.
    pub fn new(builder: B) -> Self {
        Field {
            builder,
            field: PhantomData,
        }
    }

    fn with(mut self, op: &'static str, value: Value) -> B {
        self.builder.query_mut().push(F::NAME, op, value);
        self.builder
    }

    fn list(values: impl IntoIterator<Item = impl Into<F::Value>>) -> Value {
        Value::Array(values.into_iter().map(|v| to_json(v.into())).collect())
    }

    /// Equal to (`$eq`).
    pub fn eq(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Eq,
    {
        self.with("$eq", to_json(value.into()))
    }

    /// Not equal to (`$ne`).
    pub fn ne(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Ne,
    {
        self.with("$ne", to_json(value.into()))
    }

    /// Greater than (`$gt`).
    pub fn gt(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Gt,
    {
        self.with("$gt", to_json(value.into()))
    }

    /// Greater than or equal to (`$gte`).
    pub fn gte(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Gte,
    {
        self.with("$gte", to_json(value.into()))
    }

    /// Less than (`$lt`).
    pub fn lt(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Lt,
    {
        self.with("$lt", to_json(value.into()))
    }

    /// Less than or equal to (`$lte`).
    pub fn lte(self, value: impl Into<F::Value>) -> B
    where
        F: ops::Lte,
    {
        self.with("$lte", to_json(value.into()))
    }

    /// One of `values` (`$in`).
    pub fn is_in(self, values: impl IntoIterator<Item = impl Into<F::Value>>) -> B
    where
        F: ops::In,
    {
        self.with("$in", Self::list(values))
    }

    /// None of `values` (`$nin`).
    pub fn not_in(self, values: impl IntoIterator<Item = impl Into<F::Value>>) -> B
    where
        F: ops::Nin,
    {
        self.with("$nin", Self::list(values))
    }

    /// An array field holding at least one of `values` (`$hasSome`).
    pub fn has_some(self, values: impl IntoIterator<Item = impl Into<F::Value>>) -> B
    where
        F: ops::HasSome,
    {
        self.with("$hasSome", Self::list(values))
    }

    /// An array field holding all of `values` (`$hasAll`).
    pub fn has_all(self, values: impl IntoIterator<Item = impl Into<F::Value>>) -> B
    where
        F: ops::HasAll,
    {
        self.with("$hasAll", Self::list(values))
    }

    /// A string starting with `prefix` (`$startsWith`).
    pub fn starts_with(self, prefix: impl Into<String>) -> B
    where
        F: ops::StartsWith,
    {
        self.with("$startsWith", Value::String(prefix.into()))
    }

    /// A string containing `part` (`$contains`).
    pub fn contains(self, part: impl Into<String>) -> B
    where
        F: ops::Contains,
    {
        self.with("$contains", Value::String(part.into()))
    }

    /// Set, or not set (`$exists`).
    pub fn exists(self, exists: bool) -> B
    where
        F: ops::Exists,
    {
        self.with("$exists", Value::Bool(exists))
    }

    /// Empty, or not empty (`$isEmpty`).
    pub fn is_empty(self, empty: bool) -> B
    where
        F: ops::IsEmpty,
    {
        self.with("$isEmpty", Value::Bool(empty))
    }
}

/// Converts a built filter or sort into the typed field of a request (its type was checked by
/// the generator to hold the wire form).
pub fn into_field<T: serde::de::DeserializeOwned + Default>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_merge_per_field_and_fall_back_to_and() {
        let mut q = Query::default();
        q.push("price", "$gt", json!(1));
        q.push("price", "$lt", json!(5));
        q.push("name", "$eq", json!("x"));
        assert_eq!(
            q.filter(),
            json!({"price": {"$gt": 1, "$lt": 5}, "name": {"$eq": "x"}})
        );
        q.push("price", "$gt", json!(2));
        assert_eq!(
            q.filter(),
            json!({"$and": [{"price": {"$gt": 1, "$lt": 5}, "name": {"$eq": "x"}}, {"price": {"$gt": 2}}]})
        );
    }

    #[test]
    fn sorts_have_both_wire_forms() {
        let mut q = Query::default();
        q.sort("numericId", SortOrder::Asc);
        q.sort("name", SortOrder::Desc);
        assert_eq!(q.sort_string(), r#"[{"numericId":"asc"},{"name":"desc"}]"#);
        assert_eq!(
            q.sort_objects(),
            json!([{"fieldName": "numericId", "order": "ASC"}, {"fieldName": "name", "order": "DESC"}])
        );
    }
}
