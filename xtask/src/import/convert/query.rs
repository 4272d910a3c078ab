//! Query capabilities: which fields of a method's items filter and sort, with which operators
//! (from the package's `*QuerySpec` declarations).

use super::*;
use crate::model::{Operator, QueryEncoding};

impl Cx<'_> {
    /// Typed query capabilities from the universal declarations' query specs
    /// (`interface ProductQuerySpec extends QuerySpec { wql: [{ fields, operators, sort }] }`),
    /// for the method a `typedQuery*` helper names by its `@fqn`: the filterable fields (SDK
    /// names like `_id` in their wire form `id`), their operators (`'*'`: every operator Wix's
    /// `@wix/sdk-types` applies to the field's type), and whether they sort. Only for a paged
    /// method whose request has `query.filter` (an object) and `query.sort` (a list of
    /// `fieldName`/`order`); fields the items do not have, or that are objects, are left out.
    pub(super) fn query_capabilities(&mut self, methods: &mut [spec::Method]) {
        let universal = &self.pkg.universal;
        let specs: Vec<(&String, &Interface)> = universal
            .interfaces
            .iter()
            .filter(|(_, i)| i.extends.iter().any(|e| e == "QuerySpec"))
            .collect();
        for f in &universal.functions {
            let (Some(suffix), Some(fqn)) = (f.name.strip_prefix("typedQuery"), f.doc.first("fqn"))
            else {
                continue;
            };
            let spec = match specs.as_slice() {
                [only] => Some(only.1),
                many => many
                    .iter()
                    .find(|(n, _)| {
                        let stem = n.trim_end_matches("QuerySpec");
                        let stem =
                            stem.trim_start_matches(|c: char| c == 'V' || c.is_ascii_digit());
                        !stem.is_empty() && suffix.starts_with(stem)
                    })
                    .map(|(_, i)| *i),
            };
            let Some(spec) = spec else { continue };
            let Some(index) = self.method_by_fqn(methods, fqn) else {
                continue;
            };
            if let Some(q) = self.query_block(&methods[index], spec) {
                methods[index].query = Some(q);
            }
        }
    }

    pub(super) fn method_by_fqn(&self, methods: &[spec::Method], fqn: &str) -> Option<usize> {
        let name = self
            .pkg
            .meta_dts
            .functions
            .iter()
            .find(|f| {
                self.pkg
                    .meta_js
                    .method(&f.name)
                    .is_some_and(|m| m.fqn == fqn)
                    || self
                        .pkg
                        .universal
                        .functions
                        .iter()
                        .any(|u| u.name == f.name && u.doc.first("fqn") == Some(fqn))
            })
            .map(|f| display_name(&f.name))?;
        methods.iter().position(|m| m.name == name)
    }

    pub(super) fn query_block(
        &self,
        method: &spec::Method,
        spec: &Interface,
    ) -> Option<spec::Query> {
        let items_field = method.paging.as_ref()?.items.as_deref()?;
        let request = method.request.as_ref()?.reference.as_deref()?;
        let response = method.response.as_ref()?.reference.as_deref()?;
        let prop = |t: &str, name: &str| self.prop(t, name);
        // `query.filter` (an open object) and `query.sort` (a list of Sorting).
        let query = named(&prop(request, "query")?.ty)?;
        let filter = prop(&query, "filter")?;
        let open = match strip_null(&filter.ty).0 {
            Ty::Any => true,
            Ty::Ref(n, a) => n == "Record" && a.get(1) == Some(&Ty::Any),
            _ => false,
        };
        let sort = prop(&query, "sort")?;
        let sorting = match strip_null(&sort.ty).0 {
            Ty::Array(item) => named(&item),
            _ => None,
        }?;
        if !open || prop(&sorting, "fieldName").is_none() || prop(&sorting, "order").is_none() {
            return None;
        }
        let item = match strip_null(&prop(response, items_field)?.ty).0 {
            Ty::Array(i) => named(&i),
            _ => None,
        }?;
        let wql = spec.props.iter().find(|p| p.name == "wql")?;
        let Ty::Tuple(groups) = &wql.ty else {
            return None;
        };
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for g in groups {
            let Ty::Object(g) = g else { continue };
            let get = |n: &str| g.iter().find(|p| p.name == n).map(|p| &p.ty);
            let names: Vec<String> = match get("fields") {
                Some(Ty::Tuple(v)) => v
                    .iter()
                    .filter_map(|t| match t {
                        Ty::Lit(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => continue,
            };
            let sortable = matches!(get("sort"), Some(Ty::Lit(s)) if s != "NONE");
            for sdk_name in names {
                // The SDK's system fields (`_id`, `_createdDate`) are `id`, `createdDate` on
                // the wire.
                let wire: Vec<&str> = sdk_name
                    .split('.')
                    .map(|s| s.trim_start_matches('_'))
                    .collect();
                let wire = wire.join(".");
                let Some(kind) = self.field_kind(&item, &wire) else {
                    continue;
                };
                let operators: Vec<Operator> = match get("operators") {
                    Some(Ty::Lit(star)) if star == "*" => kind.all_operators().to_vec(),
                    // Operators the runtime does not know are left out.
                    Some(Ty::Tuple(v)) => v
                        .iter()
                        .filter_map(|t| match t {
                            Ty::Lit(s) => crate::spec::keyword::OPERATORS.parse(s).ok(),
                            _ => None,
                        })
                        .collect(),
                    _ => continue,
                };
                if operators.is_empty() || !seen.insert(wire.clone()) {
                    continue;
                }
                fields.push(spec::QueryField {
                    field: wire,
                    ty: None,
                    format: None,
                    description: None,
                    operators: operators.into_iter().map(Into::into).collect(),
                    sortable,
                });
            }
        }
        if fields.is_empty() {
            return None;
        }
        Some(spec::Query {
            encoding: QueryEncoding::Object.into(),
            filter: "query.filter".into(),
            sort: "query.sort".into(),
            fields,
        })
    }

    /// What kind of value the dotted wire field `path` of `item` holds, for the operators
    /// `'*'` stands for; `None` for objects, lists of objects and unknown fields.
    pub(super) fn field_kind(&self, item: &str, path: &str) -> Option<FieldKind> {
        let mut ty = Ty::Ref(item.to_owned(), Vec::new());
        for part in path.split('.') {
            let t = match strip_null(&ty).0 {
                Ty::Array(inner) => *inner,
                other => other,
            };
            let Ty::Ref(n, _) = strip_null(&t).0 else {
                return None;
            };
            ty = self
                .interface_props(&n)
                .into_iter()
                .find(|p| p.name == part)?
                .ty;
        }
        let (ty, _) = strip_null(&ty);
        let scalar = |t: &Ty| match t {
            Ty::String => Some(FieldKind::String),
            Ty::Number => Some(FieldKind::Number),
            Ty::Boolean => Some(FieldKind::Boolean),
            Ty::Date => Some(FieldKind::Date),
            Ty::Ref(n, a) if a.is_empty() && self.enum_name(n).is_some() => Some(FieldKind::Enum),
            Ty::Union(v) if v.iter().all(|t| matches!(t, Ty::Lit(_))) => Some(FieldKind::Enum),
            _ => None,
        };
        match &ty {
            Ty::Array(inner) => scalar(&strip_null(inner).0).map(|_| FieldKind::ArrayOfPrimitives),
            other => scalar(other),
        }
    }
}

/// A filterable field's kind, as `@wix/sdk-types` sorts fields to give `'*'` (all applicable
/// operators) its meaning (`ApplicableOperators`).
#[derive(Clone, Copy)]
pub(super) enum FieldKind {
    String,
    Enum,
    Number,
    Boolean,
    Date,
    ArrayOfPrimitives,
}

impl FieldKind {
    /// `StringOperators`, `EnumOperators`, ... of `@wix/sdk-types`.
    pub(super) fn all_operators(self) -> &'static [Operator] {
        use Operator::*;
        match self {
            FieldKind::String => &[
                Eq, Ne, Gt, Lt, Gte, Lte, IsEmpty, Exists, In, Nin, StartsWith,
            ],
            FieldKind::Enum => &[Eq, Ne, In, Nin, Exists],
            FieldKind::Number | FieldKind::Date => &[Eq, Ne, Gt, Lt, Gte, Lte, Exists, In, Nin],
            FieldKind::Boolean => &[Eq, Ne, Exists, In, Nin],
            FieldKind::ArrayOfPrimitives => &[HasAll, HasSome, IsEmpty, Exists],
        }
    }
}
