//! Paging as a [`Stream`] of items: offset paging, cursor paging, and the Stores V1 crawl by an
//! ascending numeric field for stores over 10k items.
//!
//! The generated `*_stream` methods build on these; they can also page anything by hand.
//!
//! A misbehaving server cannot make a stream run for ever: a cursor stream ends with
//! [`Error::Paging`] when Wix sends a cursor it already sent, and every stream ends with it after
//! [`MAX_EMPTY_PAGES`] empty pages in a row that each say there is more. A stream stops at
//! `hasNext: false` and at the total (`totalResults`) when the fetch function reports them in a
//! [`Page`] ([`offset_pages`], [`cursor_pages`]).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream;

use crate::error::Error;
use crate::operation::Operation;

/// A boxed, `Send` stream: what the paging functions and the generated `*_stream` methods return.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;

/// Consecutive empty pages that still say "more" a stream accepts before it ends with an error.
pub const MAX_EMPTY_PAGES: u32 = 8;

/// One page, with what Wix said about the pages after it. Only `items` is required; each of the
/// others, when given, can end the stream early.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The cursor of the next page (`pagingMetadata.cursors.next`), for cursor paging.
    pub next_cursor: Option<String>,
    /// `pagingMetadata.hasNext`, when sent: `false` ends the stream.
    pub has_next: Option<bool>,
    /// The number of items the query matches (`totalResults`), when sent: the stream ends once
    /// it has yielded that many.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page of `items`, with nothing said about the next pages.
    pub fn new(items: Vec<T>) -> Self {
        Page {
            items,
            next_cursor: None,
            has_next: None,
            total: None,
        }
    }

    /// Sets the next cursor.
    pub fn next_cursor(mut self, cursor: Option<String>) -> Self {
        self.next_cursor = cursor;
        self
    }

    /// Sets `hasNext`.
    pub fn has_next(mut self, has_next: Option<bool>) -> Self {
        self.has_next = has_next;
        self
    }

    /// Sets the total (`totalResults`). A negative total (a server bug) is ignored.
    pub fn total(mut self, total: Option<i64>) -> Self {
        self.total = total.and_then(|t| u64::try_from(t).ok());
        self
    }
}

/// Pages with `limit`/`offset` until a page comes back shorter than `page_size`.
///
/// `fetch(offset, limit)` returns one page of items. [`offset_pages`] also stops at the total.
pub fn offset<'a, T, F, Fut>(page_size: u32, mut fetch: F) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(u32, u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    offset_pages("offset paging", page_size, move |offset, limit| {
        let fut = fetch(offset, limit);
        async move { fut.await.map(Page::new) }
    })
}

/// Pages with `limit`/`offset` until a page comes back shorter than `page_size`, Wix says
/// `hasNext: false`, or the stream has yielded `total` items. `method` names the method in
/// errors.
pub fn offset_pages<'a, T, F, Fut>(
    method: &'static str,
    page_size: u32,
    mut fetch: F,
) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(u32, u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let page_size = page_size.max(1);
    items(
        method,
        move |offset: u32| {
            let fut = fetch(offset, page_size);
            async move {
                let page = fut.await?;
                let len = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
                let more = len >= page_size && page.has_next != Some(false);
                // An offset past u32 (a server that never ends): stop rather than wrap.
                let next = offset.checked_add(page_size).filter(|_| more);
                Ok((page.items, page.total, next))
            }
        },
        |_: &u32| Ok(()),
        0,
    )
}

/// Pages with a cursor until Wix sends no next cursor.
///
/// `fetch(cursor)` returns one page of items and the next cursor (`None` for the first page).
/// [`cursor_pages`] also stops at `hasNext: false` and at the total.
pub fn cursor<'a, T, F, Fut>(mut fetch: F) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'a,
{
    cursor_pages("cursor paging", move |cursor| {
        let fut = fetch(cursor);
        async move {
            let (items, next) = fut.await?;
            Ok(Page::new(items).next_cursor(next))
        }
    })
}

/// Pages with a cursor until Wix sends no next cursor or `hasNext: false`, or the stream has
/// yielded `total` items; ends with [`Error::Paging`] when Wix sends a cursor it already sent
/// (the stream would loop for ever). `method` names the method in errors.
pub fn cursor_pages<'a, T, F, Fut>(
    method: &'static str,
    mut fetch: F,
) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let mut seen: HashSet<String> = HashSet::new();
    items(
        method,
        move |cursor: Option<String>| {
            let fut = fetch(cursor);
            async move {
                let page = fut.await?;
                let has_next = page.has_next;
                let next = page
                    .next_cursor
                    .filter(|c| !c.is_empty() && has_next != Some(false))
                    .map(Some);
                Ok((page.items, page.total, next))
            }
        },
        move |next: &Option<String>| match next {
            Some(cursor) if !seen.insert(cursor.clone()) => Err(format!(
                "Wix sent the cursor `{cursor}` a second time; following it would loop for ever"
            )),
            _ => Ok(()),
        },
        None,
    )
}

/// Crawls by an ascending numeric field (Stores V1's `numericId`): each page asks for the items
/// after the last one seen, until a page comes back empty. Unlike offset paging this reaches
/// past Wix's 10k-item query window.
///
/// `fetch(after)` returns the items whose key is greater than `after` (all for `None`), in
/// ascending order; `key` reads an item's key. The key must grow from page to page, so the
/// crawl always ends.
pub fn crawl<'a, T, F, Fut>(
    method: &'static str,
    key: fn(&T) -> Option<i64>,
    mut fetch: F,
) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(Option<i64>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    items(
        method,
        move |previous: Option<i64>| {
            let fut = fetch(previous);
            async move {
                let page = fut.await?;
                let Some(last) = page.last() else {
                    return Ok((page, None, None));
                };
                let last = key(last).ok_or_else(|| Error::Paging {
                    method,
                    message: "an item has no value in the field the crawl pages by".to_owned(),
                })?;
                if previous.is_some_and(|p| last <= p) {
                    return Err(Error::Paging {
                        method,
                        message: format!(
                            "the crawl key went backwards ({last} after {previous:?}); is the sort ascending?"
                        ),
                    });
                }
                Ok((page, None, Some(Some(last))))
            }
        },
        |_: &Option<i64>| Ok(()),
        None,
    )
}

/// The shared engine. `next_page(state)` yields a page, the total when known, and the next state
/// (`None`: this was the last page); `check(next)` refuses a next state (a repeated cursor).
/// Empty pages that say "more" are skipped, up to [`MAX_EMPTY_PAGES`] in a row; an error ends
/// the stream after it is yielded.
fn items<'a, T, S, F, Fut, C>(
    method: &'static str,
    next_page: F,
    check: C,
    initial: S,
) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    S: Send + 'a,
    F: FnMut(S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>, Option<S>), Error>> + Send + 'a,
    C: FnMut(&S) -> Result<(), String> + Send + 'a,
{
    struct Pager<S, T, F, C> {
        next_page: F,
        check: C,
        state: Option<S>,
        buffer: VecDeque<T>,
        yielded: u64,
        remaining: Option<u64>,
        empty_in_a_row: u32,
        pending_error: Option<String>,
    }
    let stop = |method: &'static str, message: String| Error::Paging { method, message };
    // Boxed once per stream: callers `.next().await` it without pinning, and name its type.
    Box::pin(stream::unfold(
        Pager {
            next_page,
            check,
            state: Some(initial),
            buffer: VecDeque::new(),
            yielded: 0,
            remaining: None,
            empty_in_a_row: 0,
            pending_error: None,
        },
        move |mut pager| async move {
            loop {
                if pager.remaining == Some(0) {
                    return None;
                }
                if let Some(item) = pager.buffer.pop_front() {
                    pager.yielded = pager.yielded.saturating_add(1);
                    pager.remaining = pager.remaining.map(|r| r.saturating_sub(1));
                    return Some((Ok(item), pager));
                }
                if let Some(message) = pager.pending_error.take() {
                    return Some((Err(stop(method, message)), pager));
                }
                let state = pager.state.take()?;
                match (pager.next_page)(state).await {
                    Ok((page, total, next)) => {
                        if let Some(total) = total {
                            let remaining = total.saturating_sub(pager.yielded);
                            if page.len() as u64 > remaining {
                                // The server's count contradicts its items: yield what it sent,
                                // then say so, rather than silently dropping items.
                                let message = format!(
                                    "the response says the query matches {total} items, but its page brings {} after {} already yielded",
                                    page.len(),
                                    pager.yielded
                                );
                                pager.remaining = None;
                                pager.buffer.extend(page);
                                pager.pending_error = Some(message);
                                continue;
                            }
                            pager.remaining = Some(remaining);
                        }
                        if page.is_empty() && next.is_some() {
                            pager.empty_in_a_row = pager.empty_in_a_row.saturating_add(1);
                            if pager.empty_in_a_row >= MAX_EMPTY_PAGES {
                                let message = format!(
                                    "{MAX_EMPTY_PAGES} empty pages in a row, each saying there is more"
                                );
                                return Some((Err(stop(method, message)), pager));
                            }
                        } else if !page.is_empty() {
                            pager.empty_in_a_row = 0;
                        }
                        if let Some(next) = &next
                            && let Err(message) = (pager.check)(next)
                        {
                            // Yield what this page brought, then the error.
                            pager.buffer.extend(page);
                            pager.pending_error = Some(message);
                            continue;
                        }
                        pager.buffer.extend(page);
                        pager.state = next;
                    }
                    Err(error) => return Some((Err(error), pager)),
                }
            }
        },
    ))
}

/// The Stores V1 crawl's filter: the caller's filter (a JSON object in a string) with
/// `{field: {"$gt": after}}` added, replacing any condition on `field`.
pub fn crawl_filter(
    op: &'static Operation,
    existing: Option<&str>,
    field: &str,
    after: Option<i64>,
) -> Result<String, Error> {
    let mut filter = match existing.map(str::trim).filter(|s| !s.is_empty()) {
        None => serde_json::Map::new(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => {
                return Err(Error::Paging {
                    method: op.name,
                    message: format!("the request's filter is not a JSON object: {text}"),
                });
            }
        },
    };
    filter.remove(field);
    if let Some(after) = after {
        filter.insert(field.to_owned(), serde_json::json!({ "$gt": after }));
    }
    Ok(serde_json::Value::Object(filter).to_string())
}

/// The Stores V1 crawl's sort: `field` ascending.
pub fn crawl_sort(field: &str) -> String {
    serde_json::json!([{ field: "asc" }]).to_string()
}
