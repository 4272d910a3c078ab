//! Paging: the style and fields of a method that pages (offset, cursor), from its request and
//! response declarations.

use super::*;
use crate::spec::keyword::PagingStyleWord;

impl Cx<'_> {
    /// The paging of a method, read from the shapes of its request and response: a
    /// `cursorPaging { limit, cursor }` or `paging { limit, offset }` object (at the top of the
    /// request or one object down), a `pagingMetadata` with `cursors.next` (and `hasNext`), and
    /// the one list of entities in the response. `None` when any part is missing or ambiguous,
    /// or the limit has no `@max` (the page size Wix allows).
    pub(super) fn paging(
        &self,
        request: &str,
        response: &str,
        in_body: bool,
        params: &[spec::Param],
    ) -> Option<spec::Paging> {
        let prop = |t: &str, name: &str| self.prop(t, name);
        // Candidate paging objects: (path, style, max).
        let mut found: Vec<(String, PagingStyleWord, u32)> = Vec::new();
        let mut look = |prefix: &str, t: &str| {
            for (field, style, position) in [
                ("cursorPaging", PagingStyleWord::Cursor, "cursor"),
                ("paging", PagingStyleWord::Offset, "offset"),
            ] {
                let Some(p) = prop(t, field) else { continue };
                let Some(pt) = named(&p.ty) else { continue };
                let limit = prop(&pt, "limit")?;
                prop(&pt, position)?;
                let max: u32 = limit.doc.first("max")?.trim().parse().ok()?;
                found.push((format!("{prefix}{field}"), style, max));
            }
            Some(())
        };
        look("", request);
        for p in self.interface_props(request) {
            if let Some(t) = named(&p.ty) {
                if self.pkg.meta_dts.interfaces.contains_key(&t) {
                    look(&format!("{}.", p.name), &t);
                }
            }
        }
        // Cursor paging first: where a request has both, it is the one Wix recommends.
        found.sort_by_key(|(_, style, _)| *style != PagingStyleWord::Cursor);
        let (at, style, max) = found.into_iter().next()?;
        if !in_body {
            // Through query parameters: both must be there.
            let position = if style == PagingStyleWord::Cursor {
                "cursor"
            } else {
                "offset"
            };
            let has = |n: String| params.iter().any(|p| p.name == n);
            if !has(format!("{at}.limit")) || !has(format!("{at}.{position}")) {
                return None;
            }
        }
        // The response: the one list of entities, and the paging metadata.
        let lists: Vec<String> = self
            .interface_props(response)
            .into_iter()
            .filter(|p| matches!(strip_null(&p.ty).0, Ty::Array(ref i) if named(i).is_some_and(|n| self.pkg.meta_dts.interfaces.contains_key(&n))))
            .map(|p| p.name)
            .collect();
        let [items] = lists.as_slice() else {
            return None;
        };
        let mut out = spec::Paging {
            style: style.into(),
            max_page_size: Some(max),
            request: Some(at),
            items: Some(items.clone()),
            next_cursor: None,
            has_next: None,
            total: None,
            crawl: None,
        };
        // The paging metadata: `pagingMetadata`, or `metadata` in some packages.
        let meta = ["pagingMetadata", "metadata"]
            .into_iter()
            .find_map(|n| prop(response, n).and_then(|p| named(&p.ty)).map(|t| (n, t)));
        if style == PagingStyleWord::Cursor {
            let (at, meta) = meta?;
            let cursors = prop(&meta, "cursors").and_then(|p| named(&p.ty))?;
            prop(&cursors, "next")?;
            out.next_cursor = Some(format!("{at}.cursors.next"));
            if prop(&meta, "hasNext").is_some_and(|p| strip_null(&p.ty).0 == Ty::Boolean) {
                out.has_next = Some(format!("{at}.hasNext"));
            }
        }
        Some(out)
    }
}
