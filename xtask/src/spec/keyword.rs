//! The keywords of the spec format, each enum parsed from one table that also gives the
//! "did you mean" and the "use one of ..." hint (serde_derive's `RENAME_RULES` idea). Adding a
//! keyword is adding a row.

use crate::diag::one_of;
use crate::model::{BodyEncoding, Envelope, HttpMethod, Operator, QueryEncoding};

/// The spellings of one keyword enum.
pub struct Keywords<T: 'static> {
    /// Each spelling and what it means, in the order the hint lists them.
    pub table: &'static [(&'static str, T)],
    /// Said after the list when no spelling is close: what the choice is about.
    pub note: &'static str,
}

impl<T: Copy + PartialEq> Keywords<T> {
    /// The value `word` spells, or the hint for a word that spells none.
    pub fn parse(&self, word: &str) -> Result<T, String> {
        self.table
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, value)| *value)
            .ok_or_else(|| one_of(word, self.names(), || self.use_one_of()))
    }

    /// How `value` is spelled.
    pub fn name_of(&self, value: T) -> &'static str {
        self.table
            .iter()
            .find(|(_, v)| *v == value)
            .map(|(name, _)| *name)
            .expect("every value of a keyword enum has a row")
    }

    /// Every spelling, in table order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.table.iter().map(|(name, _)| *name)
    }

    /// "use one of `a`, `b` or `c`" and the note.
    pub fn use_one_of(&self) -> String {
        let names: Vec<String> = self.names().map(|n| format!("`{n}`")).collect();
        let list = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        format!("use one of {list}{}", self.note)
    }
}

/// A keyword enum and the table that spells it: what a [`super::Word`] parses to and is written
/// from.
pub trait Keyword: Copy + PartialEq + 'static {
    const WORDS: Keywords<Self>;
}

macro_rules! keyword {
    ($($ty:ty => $table:ident),* $(,)?) => {
        $(impl Keyword for $ty {
            const WORDS: Keywords<Self> = $table;
        })*
    };
}

keyword! {
    HttpMethod => HTTP_METHODS,
    ParamLocation => PARAM_LOCATIONS,
    PagingStyleWord => PAGING_STYLES,
    PermissionWord => PERMISSION_WORDS,
    QueryEncoding => QUERY_ENCODINGS,
    BodyEncoding => BODY_ENCODINGS,
    Envelope => ENVELOPES,
    SchemaType => SCHEMA_TYPES,
    Operator => OPERATORS,
}

impl HttpMethod {
    /// As the spec and the wire spell it: `GET`.
    pub fn as_str(self) -> &'static str {
        HTTP_METHODS.name_of(self)
    }
}

impl Operator {
    /// As Wix spells it: `$hasSome`.
    pub fn wire(self) -> &'static str {
        OPERATORS.name_of(self)
    }
}

/// `http:` of a method.
pub const HTTP_METHODS: Keywords<HttpMethod> = Keywords {
    table: &[
        ("GET", HttpMethod::Get),
        ("POST", HttpMethod::Post),
        ("PUT", HttpMethod::Put),
        ("PATCH", HttpMethod::Patch),
        ("DELETE", HttpMethod::Delete),
    ],
    note: " (in capitals)",
};

/// Where a parameter goes (`in:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` of the path.
    Path,
    /// A query parameter.
    Query,
}

/// `in:` of a parameter.
pub const PARAM_LOCATIONS: Keywords<ParamLocation> = Keywords {
    table: &[
        ("path", ParamLocation::Path),
        ("query", ParamLocation::Query),
    ],
    note: "; the body is described by `request`",
};

/// A paging style as written; `none` says the method does not page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagingStyleWord {
    /// `none`
    None,
    /// `offset`
    Offset,
    /// `cursor`
    Cursor,
}

/// `style:` of a method's paging.
pub const PAGING_STYLES: Keywords<PagingStyleWord> = Keywords {
    table: &[
        ("none", PagingStyleWord::None),
        ("offset", PagingStyleWord::Offset),
        ("cursor", PagingStyleWord::Cursor),
    ],
    note: "",
};

/// The words `permission:` takes instead of permission ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionWord {
    /// `none`: the method needs no permission (Wix says so).
    None,
    /// `unpublished`: Wix's metadata names no permission for it.
    Unpublished,
}

/// `permission:` of a method or webhook, when it is not a permission id.
pub const PERMISSION_WORDS: Keywords<PermissionWord> = Keywords {
    table: &[
        ("none", PermissionWord::None),
        ("unpublished", PermissionWord::Unpublished),
    ],
    note: "",
};

impl PermissionWord {
    /// As a spec spells it.
    pub fn as_str(self) -> &'static str {
        PERMISSION_WORDS.name_of(self)
    }
}

impl PagingStyleWord {
    /// As a spec spells it.
    pub fn as_str(self) -> &'static str {
        PAGING_STYLES.name_of(self)
    }
}

/// `encoding:` of a query block.
pub const QUERY_ENCODINGS: Keywords<QueryEncoding> = Keywords {
    table: &[
        ("json_string", QueryEncoding::JsonString),
        ("object", QueryEncoding::Object),
    ],
    note: " (`json_string`: the filter and sort are sent as JSON strings, as in Stores V1)",
};

/// `request_encoding:` of a method.
pub const BODY_ENCODINGS: Keywords<BodyEncoding> = Keywords {
    table: &[
        ("json", BodyEncoding::Json),
        ("form", BodyEncoding::Form),
        ("binary", BodyEncoding::Binary),
    ],
    note: " (`form`: an object's fields as `application/x-www-form-urlencoded`; `binary`: `type: string, format: binary` sent as `application/octet-stream`)",
};

/// `envelope:` of a webhook.
pub const ENVELOPES: Keywords<Envelope> = Keywords {
    table: &[("legacy", Envelope::Legacy), ("domain", Envelope::Domain)],
    note: " (`legacy`: the payload is the data; `domain`: the entity in a domain-event envelope)",
};

/// A schema's `type:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaType {
    /// `object`
    Object,
    /// `array`
    Array,
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
}

/// `type:` of a schema.
pub const SCHEMA_TYPES: Keywords<SchemaType> = Keywords {
    table: &[
        ("object", SchemaType::Object),
        ("array", SchemaType::Array),
        ("string", SchemaType::String),
        ("integer", SchemaType::Integer),
        ("number", SchemaType::Number),
        ("boolean", SchemaType::Boolean),
    ],
    note: "",
};

/// The query operators Wix documents, each with its operator trait in the runtime
/// (`wix_rest_runtime::query::ops`).
pub const OPERATORS: Keywords<Operator> = Keywords {
    table: &[
        ("$eq", Operator::Eq),
        ("$ne", Operator::Ne),
        ("$gt", Operator::Gt),
        ("$gte", Operator::Gte),
        ("$lt", Operator::Lt),
        ("$lte", Operator::Lte),
        ("$in", Operator::In),
        ("$nin", Operator::Nin),
        ("$hasSome", Operator::HasSome),
        ("$hasAll", Operator::HasAll),
        ("$startsWith", Operator::StartsWith),
        ("$contains", Operator::Contains),
        ("$exists", Operator::Exists),
        ("$isEmpty", Operator::IsEmpty),
    ],
    note: "",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_parses_names_and_hints_from_the_same_rows() {
        assert_eq!(HTTP_METHODS.parse("PATCH"), Ok(HttpMethod::Patch));
        assert_eq!(
            HTTP_METHODS.parse("GTE"),
            Err("did you mean `GET`?".to_owned())
        );
        assert_eq!(
            HTTP_METHODS.parse("OPTIONS"),
            Err("use one of `GET`, `POST`, `PUT`, `PATCH` or `DELETE` (in capitals)".to_owned())
        );
        assert_eq!(HTTP_METHODS.name_of(HttpMethod::Delete), "DELETE");
    }

    #[test]
    fn every_operator_round_trips() {
        for (name, op) in OPERATORS.table {
            assert_eq!(OPERATORS.parse(name), Ok(*op));
            assert_eq!(op.wire(), *name);
        }
    }
}
