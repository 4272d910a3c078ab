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

    pub(super) fn reference(&mut self, name: &str) -> Yaml {
        if let Some(e) = self.enum_name(name) {
            self.want(&e);
            return reference(&e);
        }
        self.want(name);
        reference(name)
    }

    pub(super) fn named_type(&mut self, name: &str) -> Option<Mapping> {
        let d = &self.pkg.meta_dts;
        if let Some(e) = d.enums.get(name) {
            let mut s = Mapping::new();
            s.insert("type".into(), "string".into());
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
            if !desc.is_empty() {
                s.insert("description".into(), desc.into());
            }
            s.insert(
                "enum".into(),
                Yaml::Sequence(
                    e.members
                        .iter()
                        .map(|(v, _)| Yaml::from(v.clone()))
                        .collect(),
                ),
            );
            return Some(s);
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

    pub(super) fn object(&mut self, name: &str, i: &Interface) -> Mapping {
        let props = self.interface_props(name);
        let mut s = Mapping::new();
        s.insert("type".into(), "object".into());
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
        if !desc.is_empty() {
            s.insert("description".into(), desc.into());
        }
        s.extend(self.properties(name, &props));
        s
    }

    /// `properties`, `required` and `additionalProperties` of an object type with `props`
    /// (`at`: where it stands, for messages). An index signature makes it open; no fields at
    /// all, an open object kept as it came.
    pub(super) fn properties(&mut self, at: &str, props: &[Prop]) -> Mapping {
        let mut properties = Mapping::new();
        let mut required = Vec::new();
        let mut open = false;
        for p in props {
            if p.name == "[key: string]" {
                open = true;
                continue;
            }
            let (schema, _) = self.schema(&format!("{at}.{}", p.name), &p.ty, &p.doc);
            properties.insert(p.name.clone().into(), Yaml::Mapping(schema));
            if !p.optional {
                required.push(Yaml::from(p.name.clone()));
            }
        }
        let mut s = Mapping::new();
        if !required.is_empty() {
            s.insert("required".into(), Yaml::Sequence(required));
        }
        let empty = properties.is_empty();
        s.insert("properties".into(), Yaml::Mapping(properties));
        if open || empty {
            s.insert("additionalProperties".into(), true.into());
        }
        s
    }

    /// The schema of a type; the bool says whether it was nullable.
    pub(super) fn schema(&mut self, at: &str, ty: &Ty, doc: &Doc) -> (Mapping, bool) {
        let (ty, nullable) = strip_null(ty);
        let mut s = match &ty {
            Ty::String => string_schema(doc),
            Ty::Number => {
                let mut s = Mapping::new();
                s.insert("type".into(), "number".into());
                s
            }
            Ty::Boolean => single("type", "boolean"),
            Ty::Date => {
                let mut s = single("type", "string");
                s.insert("format".into(), "date-time".into());
                s
            }
            Ty::Any | Ty::Null | Ty::Undefined | Ty::Void => Mapping::new(),
            Ty::Lit(v) => {
                let mut s = single("type", "string");
                s.insert("enum".into(), Yaml::Sequence(vec![v.clone().into()]));
                s
            }
            Ty::Union(parts) if parts.iter().all(|t| matches!(t, Ty::Lit(_))) => {
                let mut s = single("type", "string");
                s.insert(
                    "enum".into(),
                    Yaml::Sequence(
                        parts
                            .iter()
                            .filter_map(|t| match t {
                                Ty::Lit(v) => Some(Yaml::from(v.clone())),
                                _ => None,
                            })
                            .collect(),
                    ),
                );
                s
            }
            Ty::Array(item) => {
                let mut s = single("type", "array");
                let (items, _) = self.schema(at, item, &Doc::default());
                s.insert("items".into(), Yaml::Mapping(items));
                s
            }
            Ty::Ref(n, args) if n == "Record" && args.len() == 2 => {
                let mut s = single("type", "object");
                match &args[1] {
                    Ty::Any => {
                        s.insert("additionalProperties".into(), true.into());
                    }
                    v => {
                        let (vs, _) = self.schema(at, v, &Doc::default());
                        s.insert("additionalProperties".into(), Yaml::Mapping(vs));
                    }
                }
                s
            }
            // Bytes: base64 on the wire.
            Ty::Ref(n, args) if n == "Uint8Array" && args.is_empty() => {
                let mut s = single("type", "string");
                s.insert("format".into(), "byte".into());
                s
            }
            Ty::Ref(n, args) if args.is_empty() => match self.reference(n) {
                Yaml::Mapping(m) => m,
                _ => unreachable!("a reference is a mapping"),
            },
            // Inline object types: declared as they are, under the field.
            Ty::Object(props) => {
                let mut s = single("type", "object");
                s.extend(self.properties(at, props));
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
                Mapping::new()
            }
        };
        if let Some(d) = doc_text(doc) {
            if !s.contains_key("$ref") {
                s.insert("description".into(), d.into());
            }
        }
        if doc.has("deprecated") && !s.contains_key("$ref") {
            s.insert("deprecated".into(), true.into());
        }
        if nullable && !s.is_empty() && !s.contains_key("$ref") {
            s.insert("nullable".into(), true.into());
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
pub(super) fn string_schema(doc: &Doc) -> Mapping {
    let mut s = single("type", "string");
    match doc.first("format") {
        Some("GUID") => {
            s.insert("format".into(), "uuid".into());
        }
        Some("WEB_URL") => {
            s.insert("format".into(), "uri".into());
        }
        Some("EMAIL") => {
            s.insert("format".into(), "email".into());
        }
        _ => {}
    }
    s
}

pub(super) fn single(k: &str, v: &str) -> Mapping {
    let mut m = Mapping::new();
    m.insert(k.into(), v.into());
    m
}

pub(super) fn schema_type(t: &str) -> Yaml {
    Yaml::Mapping(single("type", t))
}

pub(super) fn reference(name: &str) -> Yaml {
    Yaml::Mapping(single("$ref", &spec_name(name)))
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

pub(super) fn open_object(why: &str) -> Yaml {
    let mut s = single("type", "object");
    s.insert(
        "description".into(),
        format!("Kept as it came: {why}.").into(),
    );
    s.insert("additionalProperties".into(), true.into());
    s.insert("properties".into(), Yaml::Mapping(Mapping::new()));
    Yaml::Mapping(s)
}
