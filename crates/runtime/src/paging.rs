//! Paging as a [`Stream`] of items: offset paging, cursor paging, and the Stores V1 crawl by an
//! ascending numeric field for stores over 10k items.
//!
//! The generated `*_stream` methods build on these; they can also page anything by hand.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream;

use crate::error::Error;

/// A boxed, `Send` stream: what the paging functions and the generated `*_stream` methods return.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;

/// Pages with `limit`/`offset` until a page comes back shorter than `page_size`.
///
/// `fetch(offset, limit)` returns one page of items.
pub fn offset<'a, T, F, Fut>(page_size: u32, mut fetch: F) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(u32, u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    let page_size = page_size.max(1);
    items(
        move |state: &mut u32| {
            let offset = *state;
            let fut = fetch(offset, page_size);
            async move {
                let page = fut.await?;
                let more = page.len() as u32 >= page_size;
                Ok((page, more, offset + page_size))
            }
        },
        0,
    )
}

/// Pages with a cursor until Wix sends no next cursor.
///
/// `fetch(cursor)` returns one page of items and the next cursor (`None` for the first page).
pub fn cursor<'a, T, F, Fut>(mut fetch: F) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'a,
{
    items(
        move |state: &mut Option<String>| {
            let fut = fetch(state.clone());
            async move {
                let (page, next) = fut.await?;
                let next = next.filter(|c| !c.is_empty());
                let more = next.is_some();
                Ok((page, more, next))
            }
        },
        None,
    )
}

/// Crawls by an ascending numeric field (Stores V1's `numericId`): each page asks for the items
/// after the last one seen, until a page comes back empty. Unlike offset paging this reaches
/// past Wix's 10k-item query window.
///
/// `fetch(after)` returns the items whose key is greater than `after` (all for `None`), in
/// ascending order; `key` reads an item's key.
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
        move |state: &mut Option<i64>| {
            let fut = fetch(*state);
            let previous = *state;
            async move {
                let page = fut.await?;
                let Some(last) = page.last() else {
                    return Ok((page, false, previous));
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
                Ok((page, true, Some(last)))
            }
        },
        None,
    )
}

/// The shared engine: `next_page(state)` yields a page, whether to go on, and the next state.
/// Empty pages that say "more" are skipped; an error ends the stream after it is yielded.
fn items<'a, T, S, F, Fut>(next_page: F, initial: S) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    S: Send + 'a,
    F: FnMut(&mut S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, bool, S), Error>> + Send + 'a,
{
    struct Pager<S, T, F> {
        next_page: F,
        state: Option<S>,
        buffer: VecDeque<T>,
    }
    // Boxed once per stream: callers `.next().await` it without pinning, and name its type.
    Box::pin(stream::unfold(
        Pager {
            next_page,
            state: Some(initial),
            buffer: VecDeque::new(),
        },
        |mut pager| async move {
            loop {
                if let Some(item) = pager.buffer.pop_front() {
                    return Some((Ok(item), pager));
                }
                let mut state = pager.state.take()?;
                match (pager.next_page)(&mut state).await {
                    Ok((page, more, next)) => {
                        pager.buffer.extend(page);
                        pager.state = more.then_some(next);
                    }
                    Err(error) => return Some((Err(error), pager)),
                }
            }
        },
    ))
}
