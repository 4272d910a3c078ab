//! Schemas to types: named types, inline objects and string enums become type definitions
//! named after where they stand; the rest lowers to [`Ty`].

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{ModuleLowering, rust_ident};
use crate::diag::one_of;
use crate::keyword::{SCHEMA_TYPES, SchemaType};
use crate::model::*;
use crate::raw::{self, AdditionalProperties, RawSchema};
use crate::yaml_pos::{Anchor, YamlPath};

impl ModuleLowering<'_, '_> {
    /// Defines the named type `rust` (from `types:`).
    pub(super) fn define_named(&mut self, rust: &str, schema: &RawSchema, path: &YamlPath) {
        if schema.reference.is_some() {
            self.report.error(
                path,
                Anchor::Key,
                format!("type `{rust}` is only a `$ref`"),
                Some("refer to the target type directly".to_owned()),
            );
            return;
        }
        match self.lower_schema(schema, path, rust) {
            Ty::Named(n) if n == rust => {}
            _ => self.report.error(path, Anchor::Key, format!("type `{rust}` is neither an object with properties nor a string enum"),
                Some("named types must be `type: object` with `properties`, or `type: string` with `enum`".to_owned())),
        }
    }

    fn add_type(&mut self, def: TypeDef, path: &YamlPath) -> Ty {
        let name = def.name.clone();
        if let Some(prev) = self.defined_at.get(&name) {
            let line = self.report.line_of(prev);
            self.report.error(
                path,
                Anchor::Key,
                format!(
                    "the inline type here is named `{name}`, like the type defined on line {line}"
                ),
                Some("give the shared shape a named type under `types:` and use `$ref`".to_owned()),
            );
        } else {
            self.defined_at.insert(name.clone(), path.clone());
            self.types.insert(name.clone(), def);
        }
        Ty::Named(name)
    }

    /// Lowers a schema; objects with properties and string enums become types named `name`.
    pub(super) fn lower_schema(&mut self, s: &RawSchema, path: &YamlPath, name: &str) -> Ty {
        if let Some(r) = &s.reference {
            let extra = s.ty.is_some()
                || s.properties.is_some()
                || s.items.is_some()
                || s.enumeration.is_some()
                || s.additional_properties.is_some()
                || s.format.is_some()
                || s.required.is_some();
            if extra {
                self.report.error(
                    &path.key("$ref"),
                    Anchor::Key,
                    "a `$ref` cannot be combined with other schema keys",
                    Some("only `description` and `deprecated` may stand beside `$ref`".to_owned()),
                );
            }
            return match self.refs.get(r) {
                Some(rust) => Ty::Named(rust.clone()),
                None => {
                    let hint = one_of(r, self.refs.keys().map(String::as_str), || {
                        "define it under `types:` in this file".to_owned()
                    });
                    self.report.error(
                        &path.key("$ref"),
                        Anchor::Value,
                        format!("unknown `$ref` `{r}`"),
                        Some(hint),
                    );
                    Ty::Json
                }
            };
        }
        // A schema without `type` says what it is by its keys.
        let ty = match s.ty.as_deref() {
            Some(word) => match SCHEMA_TYPES.parse(word) {
                Ok(ty) => Some(ty),
                Err(hint) => {
                    self.report.error(
                        &path.key("type"),
                        Anchor::Value,
                        format!("unknown type `{word}`"),
                        Some(hint),
                    );
                    return Ty::Json;
                }
            },
            None if s.properties.is_some() || s.additional_properties.is_some() => {
                Some(SchemaType::Object)
            }
            None if s.items.is_some() => Some(SchemaType::Array),
            None if s.enumeration.is_some() => Some(SchemaType::String),
            None => None,
        };
        let bad_format = |this: &mut Self, allowed: &str| {
            if let Some(f) = &s.format {
                this.report.error(
                    &path.key("format"),
                    Anchor::Value,
                    format!(
                        "format `{f}` does not apply to type `{}`",
                        ty.map_or("any", |t| SCHEMA_TYPES.name_of(t))
                    ),
                    Some(format!("formats for this type: {allowed}")),
                );
            }
        };
        match ty {
            None => Ty::Json,
            Some(SchemaType::String) => {
                match s.format.as_deref() {
                    None | Some("date-time") | Some("date") | Some("uri") | Some("uuid")
                    | Some("email") | Some("byte") | Some("password") => {}
                    Some(_) => {
                        bad_format(self, "date-time, date, uri, uuid, email, byte, password")
                    }
                }
                match &s.enumeration {
                    None if s.format.as_deref() == Some("password") => Ty::Secret,
                    None => Ty::String,
                    Some(values) => self.lower_enum(values, s, path, name),
                }
            }
            Some(SchemaType::Integer) => match s.format.as_deref() {
                None | Some("int32") => Ty::I32,
                Some("int64") => Ty::I64,
                Some(_) => {
                    bad_format(self, "int32, int64");
                    Ty::I64
                }
            },
            Some(SchemaType::Number) => match s.format.as_deref() {
                None | Some("double") => Ty::F64,
                Some("float") => Ty::F32,
                Some(_) => {
                    bad_format(self, "float, double");
                    Ty::F64
                }
            },
            Some(SchemaType::Boolean) => {
                bad_format(self, "none");
                Ty::Bool
            }
            Some(SchemaType::Array) => match &s.items {
                Some(items) => Ty::Array(Box::new(self.lower_schema(
                    items,
                    &path.key("items"),
                    &format!("{name}Item"),
                ))),
                None => {
                    self.report.error(
                        path,
                        Anchor::Key,
                        "an array schema needs `items`",
                        Some("add `items:` with the element schema".to_owned()),
                    );
                    Ty::Array(Box::new(Ty::Json))
                }
            },
            Some(SchemaType::Object) => match (&s.properties, &s.additional_properties) {
                (Some(props), None) | (Some(props), Some(AdditionalProperties::Any(false))) => {
                    self.lower_struct(props, s, path, name, false)
                }
                (Some(props), Some(AdditionalProperties::Any(true))) => {
                    self.lower_struct(props, s, path, name, true)
                }
                (Some(_), Some(AdditionalProperties::Schema(_))) => {
                    self.report.error(
                        &path.key("additionalProperties"),
                        Anchor::Key,
                        "an object with `properties` can only have `additionalProperties: true`",
                        Some("model a map of typed values as a property of its own".to_owned()),
                    );
                    Ty::Json
                }
                (None, Some(AdditionalProperties::Schema(v))) => {
                    Ty::Map(Box::new(self.lower_schema(
                        v,
                        &path.key("additionalProperties"),
                        &format!("{name}Value"),
                    )))
                }
                (None, Some(AdditionalProperties::Any(_))) | (None, None) => Ty::Json,
            },
        }
    }

    fn lower_enum(&mut self, values: &[String], s: &RawSchema, path: &YamlPath, name: &str) -> Ty {
        let mut out: Vec<EnumValue> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let mut variant = v.to_upper_camel_case();
            if variant.is_empty() || !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
                variant = format!("V{variant}");
            }
            if variant == "Unknown" || variant == "Self" {
                variant.push_str("Value");
            }
            if out.iter().any(|e| e.wire == *v) {
                self.report.error(
                    &path.key("enum").index(i),
                    Anchor::Value,
                    format!("enum value `{v}` is listed twice"),
                    None,
                );
                continue;
            }
            let base = variant.clone();
            let mut n = 2;
            while out.iter().any(|e| e.variant == variant) {
                variant = format!("{base}{n}");
                n += 1;
            }
            out.push(EnumValue {
                wire: v.clone(),
                variant,
            });
        }
        let docs = s
            .description
            .clone()
            .unwrap_or_else(|| format!("One of the `{name}` values."));
        self.add_type(
            TypeDef {
                name: name.to_owned(),
                docs,
                kind: TypeKind::Enum { values: out },
            },
            path,
        )
    }

    fn lower_struct(
        &mut self,
        props: &raw::OrderedMap<RawSchema>,
        s: &RawSchema,
        path: &YamlPath,
        name: &str,
        open: bool,
    ) -> Ty {
        let required: BTreeSet<&str> = s.required.iter().flatten().map(String::as_str).collect();
        for (i, r) in s.required.iter().flatten().enumerate() {
            if !props.0.iter().any(|(k, _)| k == r) {
                let hint = one_of(r, props.0.iter().map(|(k, _)| k.as_str()), || {
                    "list only fields under `properties`".to_owned()
                });
                self.report.error(
                    &path.key("required").index(i),
                    Anchor::Value,
                    format!("required field `{r}` is not a property of `{name}`"),
                    Some(hint),
                );
            }
        }
        // Reserve the name before the fields, so nested types can refer back to it.
        let mut fields = Vec::new();
        let props_path = path.key("properties");
        for (wire, ps) in &props.0 {
            let fpath = props_path.key(wire);
            let rust_name = rust_ident(&wire.to_snake_case());
            if rust_name.is_empty() || rust_name == "r#" || (open && rust_name == UNKNOWN_FIELDS) {
                self.report.error(
                    &fpath,
                    Anchor::Key,
                    format!("property `{wire}` has no usable Rust name"),
                    None,
                );
                continue;
            }
            if fields.iter().any(|f: &Field| f.rust_name == rust_name) {
                self.report.error(&fpath, Anchor::Key, format!("property `{wire}` has the Rust name `{rust_name}`, like another property of `{name}`"), None);
                continue;
            }
            let ty =
                self.lower_schema(ps, &fpath, &format!("{name}{}", wire.to_upper_camel_case()));
            fields.push(Field {
                docs: ps
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("The `{wire}` field.")),
                deprecated: ps.deprecated.unwrap_or(false),
                required: required.contains(wire.as_str()),
                boxed: false,
                wire: wire.clone(),
                rust_name,
                ty,
            });
        }
        let docs = s
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{name}` object."));
        self.add_type(
            TypeDef {
                name: name.to_owned(),
                docs,
                kind: TypeKind::Struct { fields, open },
            },
            path,
        )
    }
}
