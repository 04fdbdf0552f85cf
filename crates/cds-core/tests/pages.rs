//! `paginate::pages`: every page's whole answer, with the stopping rules of `paginate::items`.

mod common;

use cds_core::operation::Pagination;
use cds_core::{Error, ServiceClient};
use common::{config, json, Reply, Server, LINE, LIST};
use futures_util::TryStreamExt as _;
use serde_json::json as value;

static PAGES: Pagination = Pagination {
    page: "PageNumber",
    size: "PageSize",
    items: "/Data/Items",
    total: Some("/Data/Total"),
};

#[tokio::test]
async fn pages_yield_each_answer_from_the_callers_page_and_stop_at_the_total() {
    let server = Server::start(|n| {
        let items = if n < 2 { "[1,2]" } else { "[9]" };
        let body = format!(r#"{{"Code":"Success","Data":{{"Items":{items},"Total":5,"N":{n}}}}}"#);
        Reply::Bytes(json(
            200,
            &body.replace("[1,2]", &format!("[{},{}]", 2 * n, 2 * n + 1)),
            "",
        ))
    })
    .await;
    let client = ServiceClient::new(&config(&server).build().expect("config"), &LINE);
    let pages: Vec<cds_core::paginate::Page> = cds_core::paginate::pages(
        client,
        &LIST,
        &PAGES,
        value!({"PageSize": 2, "PageNumber": 3}),
    )
    .try_collect()
    .await
    .expect("pages");
    let numbers: Vec<i64> = pages.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [3, 4, 5]);
    assert_eq!(pages[0].items, [value!(0), value!(1)]);
    assert_eq!(pages[1].response.raw()["Data"]["N"], 1);
    assert_eq!(pages[2].items, [value!(9)]);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_repeated_page_ends_the_pages_with_a_pagination_error() {
    let server = Server::start(|_| {
        Reply::Bytes(json(
            200,
            r#"{"Code":"Success","Data":{"Items":[1,2]}}"#,
            "",
        ))
    })
    .await;
    let client = ServiceClient::new(&config(&server).build().expect("config"), &LINE);
    let pages: Result<Vec<_>, Error> =
        cds_core::paginate::pages(client, &LIST, &PAGES, value!({"PageSize": 2}))
            .try_collect()
            .await;
    assert!(
        matches!(pages, Err(Error::Pagination { page: 2, .. })),
        "{pages:?}"
    );
    assert_eq!(server.count(), 2);
}

/// A server that always answers a full page of distinct items (its own page counter), with the
/// total given as `total` (or none).
async fn endless(total: Option<&'static str>) -> Server {
    Server::start(move |n| {
        let total = total
            .map(|t| format!(r#","Total":{t}"#))
            .unwrap_or_default();
        let body = format!(
            r#"{{"Code":"Success","Data":{{"Items":[{},{}]{total}}}}}"#,
            2 * n,
            2 * n + 1
        );
        Reply::Bytes(json(200, &body, ""))
    })
    .await
}

async fn count_pages(server: &Server, pagination: &'static Pagination) -> usize {
    let client = ServiceClient::new(&config(server).build().expect("config"), &LINE);
    let pages: Vec<cds_core::paginate::Page> =
        cds_core::paginate::pages(client, &LIST, pagination, value!({"PageSize": 2}))
            .try_collect()
            .await
            .expect("pages");
    pages.len()
}

#[tokio::test]
async fn the_total_stops_the_walk_as_a_number_and_as_text() {
    for total in ["4", r#""4""#, r#"" 4 ""#] {
        let server = endless(Some(total)).await;
        assert_eq!(count_pages(&server, &PAGES).await, 2, "Total {total}");
        assert_eq!(server.count(), 2, "Total {total}");
    }
    // Items seen are counted across pages: a total of 5 needs a third page.
    let server = endless(Some("5")).await;
    assert_eq!(count_pages(&server, &PAGES).await, 3);
}

#[tokio::test]
async fn a_short_page_stops_the_walk_without_a_total() {
    static NO_TOTAL: Pagination = Pagination {
        total: None,
        ..PAGES
    };
    let server = Server::start(|n| {
        let items = if n == 0 { "[1,2]" } else { "[3]" };
        let body = format!(r#"{{"Code":"Success","Data":{{"Items":{items}}}}}"#);
        Reply::Bytes(json(200, &body, ""))
    })
    .await;
    assert_eq!(count_pages(&server, &NO_TOTAL).await, 2);
    assert_eq!(server.count(), 2);
}
