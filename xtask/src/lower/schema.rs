//! Schemas to types: named types, inline objects and string enums become type definitions
//! named after where they stand; the rest lowers to [`Ty`].

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{ModuleLowering, rust_ident};
use crate::diag::one_of;
use crate::model::*;
use crate::spec::keyword::{SCHEMA_TYPES, SchemaType};
use crate::spec::pos::{Anchor, YamlPath};
use crate::spec::{self, AdditionalProperties, Schema as RawSchema};

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
                Some("named types must be `type: object` with `properties` (or `allOf`), `type: string` with `enum`, or a `oneOf`".to_owned())),
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
        if let Some(parts) = &s.all_of {
            return self.lower_all_of(parts, s, path, name);
        }
        if let Some(parts) = &s.one_of {
            return self.lower_one_of(parts, s, path, name);
        }
        if s.discriminator.is_some() {
            self.report.error(
                &path.key("discriminator"),
                Anchor::Key,
                "`discriminator` applies to a `oneOf` only",
                Some("remove it, or list the variants under `oneOf`".to_owned()),
            );
        }
        for (key, inner) in [
            ("items", s.items.as_deref()),
            (
                "additionalProperties",
                match &s.additional_properties {
                    Some(AdditionalProperties::Schema(v)) => Some(&**v),
                    _ => None,
                },
            ),
        ] {
            if inner.is_some_and(|i| i.nullable == Some(true)) {
                self.report.error(
                    &path.key(key).key("nullable"),
                    Anchor::Key,
                    format!("`nullable` is not supported in `{key}`"),
                    Some(
                        "`nullable: true` applies to object properties (they become `Option`)"
                            .to_owned(),
                    ),
                );
            }
        }
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
            if let Some(name) = r.strip_prefix(&format!("{SHARED_MODULE}.")) {
                let rust = name.to_upper_camel_case();
                let known = self
                    .shared
                    .is_some_and(|m| m.types.iter().any(|t| t.name == rust));
                if !known {
                    self.report.error(
                        &path.key("$ref"),
                        Anchor::Value,
                        format!("unknown `$ref` `{r}`: the `{SHARED_MODULE}` module has no type `{name}`"),
                        Some(format!("define it under `types:` in {SHARED_MODULE}.yaml")),
                    );
                    return Ty::Json;
                }
                if self.refs.values().any(|own| *own == rust) {
                    self.report.error(
                        &path.key("$ref"),
                        Anchor::Value,
                        format!("`{r}` has the Rust name of a type of this module"),
                        Some("rename the module's own type".to_owned()),
                    );
                }
                self.imports.insert(rust.clone());
                return Ty::Named(rust);
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
                    | Some("email") | Some("byte") | Some("binary") | Some("ip") | Some("ipv4")
                    | Some("ipv6") | Some("hostname") | Some("password") => {}
                    Some(_) => bad_format(
                        self,
                        "date-time, date, uri, uuid, email, byte, binary, ip, ipv4, ipv6, hostname, password",
                    ),
                }
                match &s.enumeration {
                    None if s.format.as_deref() == Some("password") => Ty::Secret,
                    None if s.format.as_deref() == Some("date-time") => Ty::Timestamp,
                    None => Ty::String,
                    Some(values) => self.lower_enum(values, s, path, name),
                }
            }
            Some(SchemaType::Integer) => match s.format.as_deref() {
                None | Some("int32") | Some("int8") | Some("int16") | Some("uint8")
                | Some("uint16") => Ty::I32,
                Some("int64") | Some("uint32") | Some("uint64") => Ty::I64,
                Some(_) => {
                    bad_format(
                        self,
                        "int8, int16, int32, int64, uint8, uint16, uint32, uint64",
                    );
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
                // Open or not, a struct keeps what it does not know (`additionalProperties`
                // decides nothing more).
                (Some(props), None | Some(AdditionalProperties::Any(_))) => {
                    self.lower_struct(props, s, path, name)
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
                derives_default: false,
                users: Vec::new(),
            },
            path,
        )
    }

    fn lower_struct(
        &mut self,
        props: &spec::OrderedMap<RawSchema>,
        s: &RawSchema,
        path: &YamlPath,
        name: &str,
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
            if rust_name.is_empty() || rust_name == "r#" || rust_name == UNKNOWN_FIELDS {
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
                required: required.contains(wire.as_str()) && ps.nullable != Some(true),
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
                kind: TypeKind::Struct { fields },
                derives_default: false,
                users: Vec::new(),
            },
            path,
        )
    }

    /// `allOf`: one struct with the properties of every part (inline objects or `$ref`s to
    /// named ones). `allOf: [$ref]` alone is that type (a description may stand beside it).
    fn lower_all_of(
        &mut self,
        parts: &[RawSchema],
        s: &RawSchema,
        path: &YamlPath,
        name: &str,
    ) -> Ty {
        let ap = path.key("allOf");
        if parts.len() == 1 && parts[0].reference.is_some() && s.properties.is_none() {
            return self.lower_schema(&parts[0], &ap.index(0), name);
        }
        let mut merged = RawSchema {
            ty: Some(SchemaType::Object.into()),
            description: s.description.clone(),
            properties: Some(spec::OrderedMap::default()),
            required: Some(Vec::new()),
            ..RawSchema::default()
        };
        let own = (s.properties.is_some()).then(|| RawSchema {
            all_of: None,
            ..s.clone()
        });
        let mut pending: Vec<(RawSchema, YamlPath, usize)> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), ap.index(i), 0))
            .chain(own.map(|o| (o, path.clone(), 0)))
            .collect();
        pending.reverse();
        while let Some((part, ppath, depth)) = pending.pop() {
            let part = match &part.reference {
                Some(r) => match self.raw_types.get(r) {
                    Some(t) if depth < 8 => t.clone(),
                    _ => {
                        self.lower_schema(&part, &ppath, name);
                        continue;
                    }
                },
                None => part,
            };
            if let Some(nested) = &part.all_of {
                for p in nested.iter().rev() {
                    pending.push((p.clone(), ppath.clone(), depth + 1));
                }
                continue;
            }
            let Some(props) = &part.properties else {
                self.report.error(
                    &ppath,
                    Anchor::Key,
                    "an `allOf` part must be an object with `properties`",
                    Some(
                        "list objects only, inline or as a `$ref` to a named object type"
                            .to_owned(),
                    ),
                );
                continue;
            };
            let into = merged.properties.as_mut().expect("set above");
            for (k, v) in &props.0 {
                if into.0.iter().any(|(have, _)| have == k) {
                    self.report.error(
                        &ppath,
                        Anchor::Key,
                        format!("property `{k}` is in two parts of the `allOf` of `{name}`"),
                        Some("each property may come from one part only".to_owned()),
                    );
                    continue;
                }
                into.0.push((k.clone(), v.clone()));
            }
            merged
                .required
                .as_mut()
                .expect("set above")
                .extend(part.required.iter().flatten().cloned());
        }
        let props = merged.properties.take().expect("set above");
        self.lower_struct(&props, &merged, path, name)
    }

    /// `oneOf`: a Rust enum, one variant per schema; tagged by `discriminator.propertyName`
    /// when given (each variant then an inline object whose tag property is a one-value enum).
    fn lower_one_of(
        &mut self,
        parts: &[RawSchema],
        s: &RawSchema,
        path: &YamlPath,
        name: &str,
    ) -> Ty {
        let op = path.key("oneOf");
        if parts.is_empty() {
            self.report.error(
                &op,
                Anchor::Key,
                "`oneOf` lists no schema",
                Some("list at least one variant".to_owned()),
            );
            return Ty::Json;
        }
        let tag = s.discriminator.as_ref().map(|d| d.property_name.clone());
        let mut variants: Vec<Variant> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let ppath = op.index(i);
            let (base, tag_value, ty) = if let Some(tag) = &tag {
                let value = match (&part.reference, &part.properties) {
                    (None, Some(props)) => {
                        props.0.iter().find(|(k, _)| k == tag).and_then(|(_, v)| {
                            match v.enumeration.as_deref() {
                                Some([one]) => Some(one.clone()),
                                _ => None,
                            }
                        })
                    }
                    _ => None,
                };
                let Some(value) = value else {
                    self.report.error(
                        &ppath,
                        Anchor::Key,
                        format!("this variant of `{name}` has no property `{tag}` with a one-value `enum`"),
                        Some(format!("with `discriminator`, each variant is an inline object whose `{tag}` property is `{{ type: string, enum: [its value] }}`")),
                    );
                    continue;
                };
                if variants
                    .iter()
                    .any(|v| v.tag_value.as_deref() == Some(value.as_str()))
                {
                    self.report.error(
                        &ppath,
                        Anchor::Key,
                        format!("tag value `{value}` selects two variants of `{name}`"),
                        None,
                    );
                    continue;
                }
                let mut rest = part.clone();
                if let Some(props) = rest.properties.as_mut() {
                    props.0.retain(|(k, _)| k != tag);
                }
                if let Some(req) = rest.required.as_mut() {
                    req.retain(|r| r != tag);
                }
                let base = variant_name(&value);
                let props = rest.properties.clone().unwrap_or_default();
                let ty = (!props.0.is_empty())
                    .then(|| self.lower_struct(&props, &rest, &ppath, &format!("{name}{base}")));
                (base, Some(value), ty)
            } else {
                let base = match (&part.reference, &part.properties, &part.enumeration) {
                    (Some(r), _, _) => self
                        .refs
                        .get(r)
                        .cloned()
                        .unwrap_or_else(|| r.to_upper_camel_case()),
                    (None, Some(props), _) if props.0.len() == 1 => variant_name(&props.0[0].0),
                    (None, None, Some(values)) if values.len() == 1 => variant_name(&values[0]),
                    _ => match part.ty.as_deref() {
                        Some(t) => variant_name(t),
                        None => format!("V{}", i + 1),
                    },
                };
                let ty = self.lower_schema(part, &ppath, &format!("{name}{base}"));
                (base, None, Some(ty))
            };
            let mut vname = base.clone();
            let mut n = 2;
            while variants.iter().any(|v| v.name == vname) {
                vname = format!("{base}{n}");
                n += 1;
            }
            let docs = part
                .description
                .clone()
                .unwrap_or_else(|| match &tag_value {
                    Some(v) => format!("`{v}`."),
                    None => format!("The `{vname}` variant."),
                });
            variants.push(Variant {
                name: vname,
                tag_value,
                ty,
                docs,
            });
        }
        let docs = s
            .description
            .clone()
            .unwrap_or_else(|| format!("One of the `{name}` variants."));
        self.add_type(
            TypeDef {
                name: name.to_owned(),
                docs,
                kind: TypeKind::OneOf { tag, variants },
                derives_default: false,
                users: Vec::new(),
            },
            path,
        )
    }
}

/// A Rust variant name for a wire word: `range_from` -> `RangeFrom`, `512` -> `V512`.
fn variant_name(word: &str) -> String {
    let mut v = word.to_upper_camel_case();
    if v.is_empty() || !v.starts_with(|c: char| c.is_ascii_alphabetic()) {
        v = format!("V{v}");
    }
    if v == "Self" {
        v.push_str("Value");
    }
    v
}
