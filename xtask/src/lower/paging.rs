//! A method's paging: the style, where the paging fields are (a paging object in the body, or
//! query parameters of a GET), the items, the next cursor, and the Stores V1 crawl. Every field
//! the stream sets or reads is resolved here, so the emitter looks nothing up.

use super::ModuleLowering;
use crate::model::*;
use crate::spec;
use crate::spec::keyword::{PAGING_STYLES, PagingStyleWord};
use crate::spec::pos::{Anchor, YamlPath};

impl ModuleLowering<'_, '_> {
    pub(super) fn lower_paging(
        &mut self,
        p: &spec::Paging,
        path: &YamlPath,
        method: &str,
        request: Option<&Ty>,
        response: Option<&Ty>,
        query_params: &[QueryParam],
    ) -> Option<Paging> {
        let cursor_style = match PAGING_STYLES.parse(&p.style) {
            Ok(PagingStyleWord::None) => return None,
            Ok(PagingStyleWord::Offset) => false,
            Ok(PagingStyleWord::Cursor) => true,
            Err(hint) => {
                self.report.error(
                    &path.key("style"),
                    Anchor::Value,
                    format!("unknown paging style `{}`", p.style),
                    Some(hint),
                );
                return None;
            }
        };
        let style_name = p.style.as_str();
        let Some(max_page_size) = p.max_page_size else {
            self.report.error(
                &path.key("style"),
                Anchor::Value,
                format!("paging style `{style_name}` without a page-size limit"),
                Some("add `max_page_size`, the most items the method returns per page".to_owned()),
            );
            return None;
        };
        if max_page_size == 0 {
            self.report.error(
                &path.key("max_page_size"),
                Anchor::Value,
                "`max_page_size` must be at least 1",
                None,
            );
        }
        let required = |key: &str, value: &Option<String>, this: &mut Self| -> Option<String> {
            if value.is_none() {
                this.report.error(
                    path,
                    Anchor::Value,
                    format!("paging style `{style_name}` needs `{key}`"),
                    Some("see the paging section of specs/README.md".to_owned()),
                );
            }
            value.clone()
        };
        let request_at = required("request", &p.request, self);
        let items_at = required("items", &p.items, self);
        let next_at = if cursor_style {
            required("next_cursor", &p.next_cursor, self)
        } else {
            None
        };
        let (Some(request_at), Some(items_at)) = (request_at, items_at) else {
            return None;
        };
        // The field that says where the page starts.
        let position_name = if cursor_style { "cursor" } else { "offset" };
        // A GET pages through query parameters: `request: paging` names `paging.limit` and
        // `paging.cursor` (or `paging.offset`).
        let param = |name: &str| {
            query_params
                .iter()
                .find(|q| q.wire == format!("{request_at}.{name}"))
                .filter(|q| !q.required)
                .map(|q| FieldRef {
                    rust_name: q.rust_name.clone(),
                    ty: q.ty.clone(),
                    required: false,
                })
        };
        let in_params = match (request, param("limit"), param(position_name)) {
            (None, Some(limit), Some(position)) => Some((limit, position)),
            _ => None,
        };
        let (Some(resp_ty), true) = (response, request.is_some() || in_params.is_some()) else {
            self.report.error(
                path,
                Anchor::Key,
                "a paged method needs a `response`, and a `request` body or query parameters",
                Some(format!(
                    "give the body, or `params` named `{request_at}.limit` and `{request_at}.{position_name}` (`in: query`)"
                )),
            );
            return None;
        };
        let bad = |this: &mut Self, key: &str, why: String| this.bad_paging(path, key, why);

        let items = match self.resolve_steps(resp_ty, &items_at) {
            Ok(s) => s,
            Err(why) => {
                bad(self, "items", format!("paging `items`: {why}"));
                return None;
            }
        };
        let item_ty = match items.last().map(|s| &s.ty) {
            Some(Ty::Array(inner)) => (**inner).clone(),
            _ => {
                bad(
                    self,
                    "items",
                    format!("paging `items`: `{items_at}` is not an array"),
                );
                return None;
            }
        };
        let style = match next_at {
            None => PagingStyle::Offset,
            Some(at) => match self.resolve_steps(resp_ty, &at) {
                Ok(s) if s.last().is_some_and(|s| s.ty == Ty::String) => {
                    PagingStyle::Cursor { next_cursor: s }
                }
                Ok(_) => {
                    bad(
                        self,
                        "next_cursor",
                        format!("paging `next_cursor`: `{at}` is not a string"),
                    );
                    return None;
                }
                Err(why) => {
                    bad(self, "next_cursor", format!("paging `next_cursor`: {why}"));
                    return None;
                }
            },
        };
        // What the response says about the pages after it.
        let end_marker =
            |this: &mut Self, key: &str, at: &Option<String>, fits: fn(&Ty) -> bool, what: &str| {
                let at = at.as_ref()?;
                match this.resolve_steps(resp_ty, at) {
                    Ok(s) if s.last().is_some_and(|s| fits(&s.ty)) => Some(s),
                    Ok(_) => {
                        this.bad_paging(path, key, format!("paging `{key}`: `{at}` is not {what}"));
                        None
                    }
                    Err(why) => {
                        this.bad_paging(path, key, format!("paging `{key}`: {why}"));
                        None
                    }
                }
            };
        let has_next = end_marker(
            self,
            "has_next",
            &p.has_next,
            |t| *t == Ty::Bool,
            "a boolean",
        );
        let total = end_marker(
            self,
            "total",
            &p.total,
            |t| matches!(t, Ty::I32 | Ty::I64),
            "an integer",
        );
        let stream_fn = format!("{}_stream", method.trim_start_matches("r#"));

        let (limit, position, location) = match in_params {
            Some((limit, position)) => {
                if p.crawl.is_some() {
                    bad(
                        self,
                        "crawl",
                        "paging `crawl` needs a request body with `filter` and `sort`".to_owned(),
                    );
                }
                (limit, position, PagingLocation::Params)
            }
            None => self.body_paging(p, path, method, request, &request_at, &style, &item_ty)?,
        };
        // The stream sets the limit and offset from integers (or plain numbers, where Wix's
        // metadata types them so) and the cursor from an optional string.
        let integer = |f: &FieldRef| matches!(f.ty, Ty::I32 | Ty::I64 | Ty::F64);
        let position_fits = match style {
            PagingStyle::Offset => integer(&position),
            PagingStyle::Cursor { .. } => position.ty == Ty::String && !position.required,
        };
        if !integer(&limit) || !position_fits {
            self.report.error(
                &path.key("request"),
                Anchor::Value,
                format!(
                    "paging `request`: `{request_at}` needs a numeric `limit` and {}",
                    match style {
                        PagingStyle::Offset => "a numeric `offset`",
                        PagingStyle::Cursor { .. } => "an optional string `cursor`",
                    }
                ),
                Some("the stream sets them on every page; give the fields those types".to_owned()),
            );
            return None;
        }
        Some(Paging {
            max_page_size,
            stream_fn,
            items,
            item_ty,
            limit,
            position,
            has_next,
            total,
            style,
            location,
        })
    }

    /// The paging object in the request body: its fields, what later pages clear, the crawl.
    #[allow(clippy::too_many_arguments)]
    fn body_paging(
        &mut self,
        p: &spec::Paging,
        path: &YamlPath,
        method: &str,
        request: Option<&Ty>,
        request_at: &str,
        style: &PagingStyle,
        item_ty: &Ty,
    ) -> Option<(FieldRef, FieldRef, PagingLocation)> {
        let position_name = match style {
            PagingStyle::Offset => "offset",
            PagingStyle::Cursor { .. } => "cursor",
        };
        let bad = |this: &mut Self, key: &str, why: String| this.bad_paging(path, key, why);
        let req_ty = request.cloned().unwrap_or(Ty::Json);
        let to_paging = match self.resolve_steps(&req_ty, request_at) {
            Ok(s) => s,
            Err(why) => {
                bad(self, "request", format!("paging `request`: {why}"));
                return None;
            }
        };
        let paging_type = match to_paging.last().map(|s| &s.ty) {
            Some(Ty::Named(n)) => n.clone(),
            _ => {
                bad(
                    self,
                    "request",
                    format!("paging `request`: `{request_at}` is not an object"),
                );
                return None;
            }
        };
        let field_ref = |this: &mut Self, name: &str| -> Option<FieldRef> {
            let found = this.field(&paging_type, name).map(|f| FieldRef {
                rust_name: f.rust_name.clone(),
                ty: f.ty.clone(),
                required: f.required,
            });
            if found.is_none() {
                bad(
                    this,
                    "request",
                    format!("paging `request`: `{request_at}` has no field `{name}`"),
                );
            }
            found
        };
        let limit = field_ref(self, "limit")?;
        let position = field_ref(self, position_name)?;

        // The object holding the paging object (the request itself at the top level): where
        // the filter and sort are.
        let to_parent = &to_paging[..to_paging.len() - 1];
        let parent_type = match to_parent.last() {
            Some(step) => match &step.ty {
                Ty::Named(n) => Some(n.clone()),
                _ => None,
            },
            None => match &req_ty {
                Ty::Named(n) => Some(n.clone()),
                _ => None,
            },
        };
        // After the first page the cursor carries the filter and sort: later pages send only
        // the cursor.
        let cleared_after_first = match (style, &parent_type) {
            (PagingStyle::Cursor { .. }, Some(parent)) => {
                let fields: Vec<String> = match self.type_def(parent).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields
                        .iter()
                        .filter(|f| !f.required && (f.wire == "filter" || f.wire == "sort"))
                        .map(|f| f.rust_name.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                (!fields.is_empty()).then(|| ClearedFields {
                    to_parent: to_parent.to_vec(),
                    fields,
                })
            }
            _ => None,
        };

        let crawl = match &p.crawl {
            None => None,
            Some(field) => {
                let key = match item_ty {
                    Ty::Named(n) => self.field(n, field).map(|f| Step {
                        rust_field: f.rust_name.clone(),
                        optional: !f.required,
                        ty: f.ty.clone(),
                    }),
                    _ => None,
                };
                // The crawl writes its filter and sort into the object that holds the paging
                // object (Stores V1: `query { filter, sort, paging }`), so that object needs
                // string fields `filter` and `sort`.
                let has_strings = !to_parent.is_empty()
                    && parent_type.as_ref().is_some_and(|q| {
                        ["filter", "sort"]
                            .iter()
                            .all(|f| self.field(q, f).is_some_and(|f| f.ty == Ty::String))
                    });
                match key {
                    Some(key)
                        if matches!(key.ty, Ty::I64 | Ty::I32)
                            && has_strings
                            && matches!(style, PagingStyle::Offset) =>
                    {
                        Some(Box::new(Crawl {
                            crawl_fn: format!("{}_crawl", method.trim_start_matches("r#")),
                            wire: field.clone(),
                            key,
                            to_query: to_parent.to_vec(),
                            query_to_paging: to_paging[to_paging.len() - 1].clone(),
                        }))
                    }
                    _ => {
                        bad(
                            self,
                            "crawl",
                            format!(
                                "paging `crawl`: the items need an integer field `{field}`, and the object holding the paging needs string fields `filter` and `sort`, with offset paging"
                            ),
                        );
                        None
                    }
                }
            }
        };
        Some((
            limit,
            position,
            PagingLocation::Body {
                to_paging,
                cleared_after_first,
                crawl,
            },
        ))
    }

    /// A paging key that does not name what it must.
    fn bad_paging(&mut self, path: &YamlPath, key: &str, why: String) {
        self.report.error(
            &path.key(key),
            Anchor::Value,
            why,
            Some("the dotted path must name fields of the body's types".to_owned()),
        );
    }
}
