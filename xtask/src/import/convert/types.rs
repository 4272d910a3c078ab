//! Types: every declaration a method or webhook reaches, as spec schemas (objects, enums,
//! unions, references), and the TypeScript-to-spec naming.

use super::*;

impl Cx<'_> {
    /// The property `name` of interface `t` (or of one it extends).
    pub(super) fn prop(&self, t: &str, name: &str) -> Option<Prop> {
        self.interface_props(t).into_iter().find(|p| p.name == name)
    }

    /// The properties of interface `name`, with those of the interfaces it extends (own first).
    pub(super) fn interface_props(&self, name: &str) -> Vec<Prop> {
        let mut out: Vec<Prop> = Vec::new();
        let mut seen = BTreeSet::new();
        self.collect_props(name, &mut out, &mut seen, 0);
        out
    }

    pub(super) fn collect_props(
        &self,
        name: &str,
        out: &mut Vec<Prop>,
        seen: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > 16 || !seen.insert(name.to_owned()) {
            return;
        }
        let Some(i) = self.pkg.meta_dts.interfaces.get(name) else {
            return;
        };
        for p in &i.props {
            if !out.iter().any(|q| q.name == p.name) {
                out.push(p.clone());
            }
        }
        for parent in &i.extends {
            self.collect_props(parent, out, seen, depth + 1);
        }
    }

    /// `XWithLiterals` or `X` naming an enum: the enum's name.
    pub(super) fn enum_name(&self, n: &str) -> Option<String> {
        let d = &self.pkg.meta_dts;
        if d.enums.contains_key(n) {
            return Some(n.to_owned());
        }
        if let Some(a) = d.aliases.get(n) {
            if let Ty::Union(parts) = &a.ty {
                for p in parts {
                    if let Ty::Ref(e, args) = p {
                        if args.is_empty() && d.enums.contains_key(e) {
                            return Some(e.clone());
                        }
                    }
                }
            }
        }
        None
    }

    pub(super) fn reference(&mut self, name: &str) -> Schema {
        if let Some(e) = self.enum_name(name) {
            self.want(&e);
            return reference(&e);
        }
        self.want(name);
        reference(name)
    }

    pub(super) fn named_type(&mut self, name: &str) -> Option<Schema> {
        let d = &self.pkg.meta_dts;
        if let Some(e) = d.enums.get(name) {
            let mut desc = doc_text(&e.doc).unwrap_or_default();
            let documented: Vec<String> = e
                .members
                .iter()
                .filter_map(|(v, doc)| {
                    doc_text(doc).map(|t| format!("- `{v}`: {}", t.replace('\n', " ")))
                })
                .collect();
            if !documented.is_empty() {
                if !desc.is_empty() {
                    desc.push_str("\n\n");
                }
                desc.push_str(&documented.join("\n"));
            }
            return Some(Schema {
                description: (!desc.is_empty()).then_some(desc),
                enumeration: Some(e.members.iter().map(|(v, _)| v.clone()).collect()),
                ..Schema::of(SchemaType::String)
            });
        }
        if let Some(i) = d.interfaces.get(name).cloned() {
            return Some(self.object(name, &i));
        }
        if let Some(a) = d.aliases.get(name).cloned() {
            return Some(self.schema(name, &a.ty, &a.doc).0);
        }
        self.err(
            "build/cjs/meta.d.ts",
            name,
            "a type the methods use is not declared in meta.d.ts".into(),
        );
        None
    }

    pub(super) fn object(&mut self, name: &str, i: &Interface) -> Schema {
        let props = self.interface_props(name);
        let mut desc = doc_text(&i.doc).unwrap_or_default();
        // `extends XOneOf`: at most one of that interface's fields is set.
        for parent in &i.extends {
            if let Some(p) = self.pkg.meta_dts.interfaces.get(parent) {
                if parent.ends_with("OneOf") && !p.props.is_empty() {
                    let names: Vec<String> =
                        p.props.iter().map(|p| format!("`{}`", p.name)).collect();
                    if !desc.is_empty() {
                        desc.push_str("\n\n");
                    }
                    desc.push_str(&format!(
                        "At most one of {} is set (a oneOf group).",
                        names.join(", ")
                    ));
                }
            }
        }
        let mut s = Schema {
            description: (!desc.is_empty()).then_some(desc),
            ..Schema::of(SchemaType::Object)
        };
        self.properties(name, &props, &mut s);
        s
    }

    /// Sets `properties`, `required` and `additionalProperties` of the object schema `s` from
    /// `props` (`at`: where it stands, for messages). An index signature makes it open; no
    /// fields at all, an open object kept as it came.
    pub(super) fn properties(&mut self, at: &str, props: &[Prop], s: &mut Schema) {
        let mut properties = OrderedMap::default();
        let mut required = Vec::new();
        let mut open = false;
        for p in props {
            if p.name == "[key: string]" {
                open = true;
                continue;
            }
            let (schema, _) = self.schema(&format!("{at}.{}", p.name), &p.ty, &p.doc);
            properties.insert(p.name.clone(), schema);
            if !p.optional {
                required.push(p.name.clone());
            }
        }
        if !required.is_empty() {
            s.required = Some(required);
        }
        if open || properties.is_empty() {
            s.additional_properties = Some(AdditionalProperties::Any(true));
        }
        s.properties = Some(properties);
    }

    /// The schema of a type; the bool says whether it was nullable.
    pub(super) fn schema(&mut self, at: &str, ty: &Ty, doc: &Doc) -> (Schema, bool) {
        let (ty, nullable) = strip_null(ty);
        let mut s = match &ty {
            Ty::String => string_schema(doc),
            Ty::Number => self.number_schema(at),
            Ty::Boolean => Schema::of(SchemaType::Boolean),
            Ty::Date => Schema {
                format: Some("date-time".into()),
                ..Schema::of(SchemaType::String)
            },
            Ty::Any | Ty::Null | Ty::Undefined | Ty::Void => Schema::default(),
            Ty::Lit(v) => Schema {
                enumeration: Some(vec![v.clone()]),
                ..Schema::of(SchemaType::String)
            },
            Ty::Union(parts) if parts.iter().all(|t| matches!(t, Ty::Lit(_))) => Schema {
                enumeration: Some(
                    parts
                        .iter()
                        .filter_map(|t| match t {
                            Ty::Lit(v) => Some(v.clone()),
                            _ => None,
                        })
                        .collect(),
                ),
                ..Schema::of(SchemaType::String)
            },
            Ty::Array(item) => {
                let (items, _) = self.schema(at, item, &Doc::default());
                Schema {
                    items: Some(Box::new(items)),
                    ..Schema::of(SchemaType::Array)
                }
            }
            Ty::Ref(n, args) if n == "Record" && args.len() == 2 => {
                let values = match &args[1] {
                    Ty::Any => AdditionalProperties::Any(true),
                    v => AdditionalProperties::Schema(Box::new(
                        self.schema(at, v, &Doc::default()).0,
                    )),
                };
                Schema {
                    additional_properties: Some(values),
                    ..Schema::of(SchemaType::Object)
                }
            }
            // Bytes: base64 on the wire.
            Ty::Ref(n, args) if n == "Uint8Array" && args.is_empty() => Schema {
                format: Some("byte".into()),
                ..Schema::of(SchemaType::String)
            },
            Ty::Ref(n, args) if args.is_empty() => self.reference(n),
            // Inline object types: declared as they are, under the field.
            Ty::Object(props) => {
                let mut s = Schema::of(SchemaType::Object);
                self.properties(at, props, &mut s);
                s
            }
            other => {
                let (file, decl) = ("build/cjs/meta.d.ts", at.split('.').next().unwrap_or(at));
                self.err(
                    file,
                    decl,
                    format!(
                        "type construct `{}` (at `{at}`) is not understood",
                        show(other)
                    ),
                );
                Schema::default()
            }
        };
        if s.reference.is_none() {
            if let Some(d) = doc_text(doc) {
                // A note the schema carries (a number's kind Wix does not say) follows the docs.
                s.description = Some(match s.description.take() {
                    Some(note) => format!("{d}\n\n{note}"),
                    None => d,
                });
            }
            if doc.has("deprecated") {
                s.deprecated = Some(true);
            }
            if nullable && !s.is_empty() {
                s.nullable = Some(true);
            }
        }
        (s, nullable)
    }
}

pub(super) fn show(t: &Ty) -> String {
    match t {
        Ty::Unknown(s) => s.clone(),
        Ty::Union(v) => v.iter().map(show).collect::<Vec<_>>().join(" | "),
        Ty::Ref(n, a) if a.is_empty() => n.clone(),
        Ty::Ref(n, a) => format!("{n}<{}>", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

/// The interface or enum a (possibly nullable) type names.
pub(super) fn named(ty: &Ty) -> Option<String> {
    match strip_null(ty).0 {
        Ty::Ref(n, a) if a.is_empty() => Some(n),
        _ => None,
    }
}

/// `T | null` / `T | undefined` -> (`T`, true).
pub(super) fn strip_null(t: &Ty) -> (Ty, bool) {
    match t {
        Ty::Union(parts) => {
            let rest: Vec<Ty> = parts
                .iter()
                .filter(|p| !matches!(p, Ty::Null | Ty::Undefined))
                .cloned()
                .collect();
            let nullable = rest.len() != parts.len();
            // `XWithLiterals`-style unions of an enum and its literals: the enum.
            let enum_ref = rest
                .iter()
                .find(|p| matches!(p, Ty::Ref(_, a) if a.is_empty()));
            let t = match (rest.len(), enum_ref) {
                (1, _) => rest[0].clone(),
                (_, Some(r)) if rest.iter().all(|p| matches!(p, Ty::Lit(_)) || p == r) => r.clone(),
                _ => Ty::Union(rest),
            };
            (t, nullable)
        }
        other => (other.clone(), false),
    }
}

/// A string's schema, with the format its JSDoc gives where the spec format has one.
pub(super) fn string_schema(doc: &Doc) -> Schema {
    let format = match doc.first("format") {
        Some("GUID") => Some("uuid"),
        Some("WEB_URL") => Some("uri"),
        Some("EMAIL") => Some("email"),
        _ => None,
    };
    Schema {
        format: format.map(str::to_owned),
        ..Schema::of(SchemaType::String)
    }
}

pub(super) fn reference(name: &str) -> Schema {
    Schema::reference(spec_name(name))
}

/// The spec's name of a TypeScript type: its own, unless the generator reserves it (`Option`,
/// `Error`, ...) or it starts with `_`, then prefixed with `Wix`.
pub fn spec_name(ts: &str) -> String {
    // `_String`: not a Rust type name as it is.
    let trimmed = ts.trim_start_matches('_');
    // `Event` and `Webhooks` name a module's webhook enum and router.
    if trimmed != ts
        || crate::lower::RESERVED_TYPE_NAMES.contains(&ts)
        || matches!(ts, "Event" | "Webhooks")
    {
        format!("Wix{trimmed}")
    } else {
        ts.to_owned()
    }
}

pub(super) fn open_object(why: &str) -> Schema {
    Schema {
        description: Some(format!("Kept as it came: {why}.")),
        properties: Some(OrderedMap::default()),
        additional_properties: Some(AdditionalProperties::Any(true)),
        ..Schema::of(SchemaType::Object)
    }
}
