//! Iterating every item of a page-numbered listing as a `futures::Stream`.

use crate::client::{Response, ServiceClient};
use crate::error::Error;
use crate::operation::{Operation, Pagination};
use futures_util::stream::{self, Stream, StreamExt as _, TryStreamExt as _};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashSet;
use std::hash::{Hash as _, Hasher as _};

/// Refuse to walk more pages than this (a server that never stops answering full pages):
/// 10,000 pages are 500,000 items at the default page size, more than any documented listing
/// holds. Reaching it is an [`Error::Pagination`], not a silent stop.
pub const MAX_PAGES: i64 = 10_000;

/// Default page size when the caller sets none.
const DEFAULT_PAGE_SIZE: i64 = 50;

/// One page of a listing, as [`pages`] yields it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Page {
    /// Its page number.
    pub number: i64,
    /// The answer, as received (its `raw()` is the whole body).
    pub response: Response<Value>,
    /// The items at the pagination's pointer (empty when absent).
    pub items: Vec<Value>,
}

/// Where a walk is: the input to send, the next page number, items seen, and the pages seen.
struct Walk {
    input: serde_json::Map<String, Value>,
    page: i64,
    first_page: i64,
    size: i64,
    seen: i64,
    fingerprints: HashSet<u64>,
}

impl Walk {
    fn new(pagination: &Pagination, input: Value) -> Walk {
        let mut input = match input {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        let first_page = input.get(pagination.page).and_then(as_i64).unwrap_or(1);
        let size = input
            .get(pagination.size)
            .and_then(as_i64)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        input.insert(pagination.size.into(), Value::from(size));
        Walk {
            input,
            page: first_page,
            first_page,
            size,
            seen: 0,
            fingerprints: HashSet::new(),
        }
    }

    /// Fetches the next page; returns it and the walk's state after it (`None`: it was the
    /// last).
    async fn next(
        mut self,
        client: &ServiceClient,
        op: &'static Operation,
        pagination: &'static Pagination,
    ) -> Result<(Page, Option<Walk>), Error> {
        let page = self.page;
        self.input.insert(pagination.page.into(), Value::from(page));
        let response = client
            .execute_value(op, Value::Object(self.input.clone()))
            .await?;
        let items: Vec<Value> = match response.raw().pointer(pagination.items) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        if !items.is_empty() {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            Value::Array(items.clone()).to_string().hash(&mut hasher);
            if !self.fingerprints.insert(hasher.finish()) {
                return Err(Error::Pagination {
                    operation: op.name,
                    page,
                    reason: "the server answered a page identical to an earlier one".into(),
                });
            }
        }
        if page - self.first_page >= MAX_PAGES {
            return Err(Error::Pagination {
                operation: op.name,
                page,
                reason: format!("more than {MAX_PAGES} pages"),
            });
        }
        self.seen += items.len() as i64;
        let total = pagination
            .total
            .and_then(|p| response.raw().pointer(p))
            .and_then(as_i64);
        let done = items.is_empty()
            || (items.len() as i64) < self.size
            || total.is_some_and(|t| self.seen >= t);
        self.page += 1;
        let next = (!done).then_some(self);
        Ok((
            Page {
                number: page,
                response,
                items,
            },
            next,
        ))
    }
}

/// Streams every page of `op` as received, starting from the caller's page number (or 1),
/// with the stopping rules of [`items`] (an empty or short page, the documented total; a
/// repeated page or more than [`MAX_PAGES`] pages end the stream with
/// [`Error::Pagination`]). For callers that need more of each answer than its items (a merged
/// answer, the envelope's counters).
pub fn pages(
    client: ServiceClient,
    op: &'static Operation,
    pagination: &'static Pagination,
    input: Value,
) -> impl Stream<Item = Result<Page, Error>> + Send {
    let state = Some(Walk::new(pagination, input));
    stream::try_unfold(state, move |state| {
        let client = client.clone();
        async move {
            let Some(walk) = state else {
                return Ok(None);
            };
            let (page, next) = walk.next(&client, op, pagination).await?;
            Ok(Some((page, next)))
        }
    })
    .boxed()
}

/// Streams the items of every page of `op`, starting from the caller's page number (or 1).
///
/// `input` is the serialized input struct. Paging stops at an empty or short page, or when
/// the documented total is reached. A server that answers a page identical to an earlier one
/// (it ignores the page number) ends the stream with [`Error::Pagination`] rather than
/// looping or silently truncating; so does going past [`MAX_PAGES`].
pub fn items<T>(
    client: ServiceClient,
    op: &'static Operation,
    pagination: &'static Pagination,
    input: Value,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: DeserializeOwned + Send + 'static,
{
    let state = Some(Walk::new(pagination, input));
    stream::try_unfold(state, move |state| {
        let client = client.clone();
        async move {
            let Some(walk) = state else {
                return Ok(None);
            };
            let (page, next) = walk.next(&client, op, pagination).await?;
            let response = &page.response;
            let decoded = page
                .items
                .iter()
                .map(|item| {
                    T::deserialize(item).map_err(|e| Error::Decode {
                        operation: op.name,
                        status: response.status,
                        request_id: response.request_id.clone(),
                        reason: format!("page item does not match the documented shape: {e}"),
                        body_start: crate::redact::quote_body(
                            item.to_string().as_bytes(),
                            200,
                            client.service().sensitive_fields,
                        ),
                    })
                })
                .collect::<Result<Vec<T>, Error>>()?;
            Ok(Some((decoded, next)))
        }
    })
    .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
