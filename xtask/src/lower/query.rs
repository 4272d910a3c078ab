//! A method's typed query capabilities: where the filter and sort go, their wire form, and the
//! fields with their operators.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{ModuleLowering, rust_ident};
use crate::model::*;
use crate::spec::keyword::{OPERATORS, QUERY_ENCODINGS};
use crate::spec::pos::{Anchor, YamlPath};
use crate::spec::{self, Schema as RawSchema};

impl ModuleLowering<'_, '_> {
    pub(super) fn lower_query(
        &mut self,
        q: &spec::Query,
        path: &YamlPath,
        request: Option<&Ty>,
        item_ty: Option<&Ty>,
    ) -> Option<QueryCaps> {
        let encoding = match QUERY_ENCODINGS.parse(&q.encoding) {
            Ok(encoding) => encoding,
            Err(hint) => {
                self.report.error(
                    &path.key("encoding"),
                    Anchor::Value,
                    format!("unknown query encoding `{}`", q.encoding),
                    Some(hint),
                );
                return None;
            }
        };
        let mut operators: Vec<Vec<Operator>> = Vec::new();
        for (i, f) in q.fields.iter().enumerate() {
            let fpath = path.key("fields").index(i);
            let mut ops = Vec::new();
            for (j, op) in f.operators.iter().enumerate() {
                match OPERATORS.parse(op) {
                    Ok(op) => ops.push(op),
                    Err(hint) => self.report.error(
                        &fpath.key("operators").index(j),
                        Anchor::Value,
                        format!("unknown query operator `{op}`"),
                        Some(hint),
                    ),
                }
            }
            operators.push(ops);
        }
        let (Some(request), Some(item_ty)) = (request, item_ty) else {
            self.report.error(
                path,
                Anchor::Key,
                "a `query` block needs a `request` body and `paging` with `items`",
                Some("the filter and sort are written into the request; the items' type gives each field's type".to_owned()),
            );
            return None;
        };
        let filter = self.query_place(path, q, encoding, "filter", &q.filter, request);
        let sort = self.query_place(path, q, encoding, "sort", &q.sort, request);
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for ((i, f), operators) in q.fields.iter().enumerate().zip(operators) {
            let fpath = path.key("fields").index(i);
            if !seen.insert(f.field.clone()) {
                self.report.error(
                    &fpath.key("field"),
                    Anchor::Value,
                    format!("query field `{}` is listed twice", f.field),
                    None,
                );
                continue;
            }
            let declared = f.ty.as_ref().map(|ty| {
                let schema = RawSchema {
                    ty: Some(ty.clone()),
                    format: f.format.clone(),
                    ..RawSchema::default()
                };
                let name = format!("{}Query", f.field.replace('.', "_").to_upper_camel_case());
                self.lower_schema(&schema, &fpath, &name)
            });
            let resolved = match declared {
                Some(ty) => Ok(ty),
                None => self.resolve_through_arrays(item_ty, &f.field),
            };
            let (value_ty, description) = match resolved {
                Ok(ty) => {
                    let ty = match ty {
                        Ty::Array(inner) => *inner,
                        other => other,
                    };
                    let last = f.field.rsplit('.').next().unwrap_or(&f.field);
                    let parent = &f.field[..f.field.len() - last.len()];
                    let docs = match &f.description {
                        Some(d) => d.clone(),
                        None => self.field_docs(item_ty, parent.trim_end_matches('.'), last),
                    };
                    (ty, docs)
                }
                Err(why) => {
                    self.report.error(
                        &fpath.key("field"),
                        Anchor::Value,
                        format!("query field `{}`: {why}", f.field),
                        Some("query fields are fields of the items the method returns; for a name that only filters, give its `type` (and `description`)".to_owned()),
                    );
                    continue;
                }
            };
            let is_enum = |ty: &Ty| match ty {
                Ty::Named(n) => matches!(
                    self.type_def(n).map(|t| &t.kind),
                    Some(TypeKind::Enum { .. })
                ),
                _ => false,
            };
            if !(matches!(
                value_ty,
                Ty::String | Ty::Timestamp | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool
            ) || is_enum(&value_ty))
            {
                self.report.error(
                    &fpath.key("field"),
                    Anchor::Value,
                    format!("query field `{}` is not a string, number, boolean or enum (or an array of one)", f.field),
                    Some("only scalar fields can be filtered; when the filter compares a value inside an object, give the field's `type`".to_owned()),
                );
                continue;
            }
            let snake = f.field.replace('.', "_").to_snake_case();
            fields.push(QueryField {
                rust_name: rust_ident(&snake),
                marker: snake.to_upper_camel_case(),
                sort_fn: f.sortable.then(|| format!("sort_by_{snake}")),
                value_ty,
                description,
                field: f.field.clone(),
                operators,
            });
        }
        Some(QueryCaps {
            encoding,
            filter: filter?,
            sort: sort?,
            fields,
        })
    }

    /// Where the filter (or sort) goes, and whether its type can hold the wire form.
    fn query_place(
        &mut self,
        path: &YamlPath,
        q: &spec::Query,
        encoding: QueryEncoding,
        key: &str,
        at: &str,
        request: &Ty,
    ) -> Option<Vec<Step>> {
        let steps = match self.resolve_steps(request, at) {
            Ok(steps) => steps,
            Err(why) => {
                self.report.error(
                    &path.key(key),
                    Anchor::Value,
                    format!("query `{key}`: {why}"),
                    Some("give the dotted path of the field in the request body".to_owned()),
                );
                return None;
            }
        };
        let ty = &steps.last()?.ty;
        let fits = match (encoding, key, ty) {
            (QueryEncoding::JsonString, _, Ty::String) => true,
            (QueryEncoding::Object, _, Ty::Json) => true,
            (QueryEncoding::Object, "filter", Ty::Map(_)) => true,
            (QueryEncoding::Object, "sort", Ty::Array(inner)) => match &**inner {
                Ty::Json => true,
                Ty::Named(n) => {
                    self.field(n, "fieldName").is_some() && self.field(n, "order").is_some()
                }
                _ => false,
            },
            _ => false,
        };
        if !fits {
            let want = match (encoding, key) {
                (QueryEncoding::JsonString, _) => "a string (the JSON is sent as a string)",
                (QueryEncoding::Object, "filter") => "a free-form object (a schema without `type`)",
                _ => "an array of objects with `fieldName` and `order`",
            };
            self.report.error(
                &path.key(key),
                Anchor::Value,
                format!("query `{key}`: `{at}` cannot hold the {} form", q.encoding),
                Some(format!("with `encoding: {}` it must be {want}", q.encoding)),
            );
            return None;
        }
        Some(steps)
    }
}
