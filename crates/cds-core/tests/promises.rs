//! The promises of `docs/runtime-promises.md` that need a server, each against a scripted
//! server on 127.0.0.1 (see `common`). Timeouts run on a `FakeClock` where the promise is
//! about time, so they fire when the test moves the clock, not after real seconds.

mod common;

use cds_core::clock::{Clock, FakeClock};
use cds_core::operation::{Pagination, Waiter};
use cds_core::{Error, RateLimit, RetryConfig, RetryQuotaConfig, ServiceClient, WaitOptions};
use common::{config, json, ok, Reply, Server, LINE, LIST, READ, WRITE};
use futures_util::TryStreamExt as _;
use serde_json::{json as value, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn client(config: &cds_core::Config) -> ServiceClient {
    ServiceClient::new(config, &LINE)
}

async fn read(client: &ServiceClient) -> Result<cds_core::Response<Value>, Error> {
    client.execute::<_, Value>(&READ, &value!({})).await
}

/// Runs `call` while moving `clock` forward by `step` whenever a timer waits, until it ends.
async fn drive<T: Send + 'static>(
    clock: &FakeClock,
    step: Duration,
    call: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    let task = tokio::spawn(call);
    while !task.is_finished() {
        tokio::time::sleep(Duration::from_millis(2)).await;
        if clock.pending_timers() > 0 {
            clock.advance(step);
        }
    }
    task.await.expect("the call does not panic")
}

#[tokio::test]
async fn paging_stops_past_ten_thousand_pages() {
    static PAGES: Pagination = Pagination {
        page: "PageNumber",
        size: "PageSize",
        items: "/Data/Items",
        total: None,
    };
    // Every page is full and new: only the cap can end the walk.
    let server = Server::start(|n| {
        Reply::Bytes(json(
            200,
            &format!(r#"{{"Code":"Success","Data":{{"Items":[{n}]}}}}"#),
            "",
        ))
    })
    .await;
    let client = client(&config(&server).build().expect("config"));
    let items: Result<Vec<Value>, Error> =
        cds_core::paginate::items(client, &LIST, &PAGES, value!({"PageSize": 1}))
            .try_collect()
            .await;
    match items {
        Err(Error::Pagination { page, reason, .. }) => {
            assert_eq!(page, 10_001, "{reason}");
            assert!(reason.contains("10000"), "{reason}");
        }
        other => panic!("expected the page cap, got {:?}", other.map(|v| v.len())),
    }
    assert_eq!(server.count(), 10_001);
}

#[tokio::test]
async fn a_content_length_over_the_cap_is_refused_before_reading() {
    // Headers promise a terabyte; no body byte ever comes. Reading would hang until the
    // attempt timed out; refusing on the header answers at once.
    let server = Server::start(|_| {
        Reply::BytesThenHang(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    let config = config(&server)
        .max_response_bytes(1024)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("config");
    let started = Instant::now();
    let err = read(&client(&config)).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused at once"
    );
    assert_eq!(server.count(), 1, "never retried");
}

#[tokio::test]
async fn a_redirect_is_refused_its_location_shown_without_query_and_no_referer_sent() {
    let server = Server::start(|_| {
        Reply::Bytes(json(
            307,
            "{}",
            "location: http://127.0.0.1:9/elsewhere?Signature=leak&x=1#frag\r\n",
        ))
    })
    .await;
    let err = read(&client(&config(&server).build().expect("config")))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Redirect { status: 307, .. }), "{text}");
    assert!(text.contains("http://127.0.0.1:9/elsewhere"), "{text}");
    assert!(
        !text.contains("leak") && !text.contains("Signature") && !text.contains("frag"),
        "{text}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "not followed, not retried");
    assert!(!seen[0].headers.contains("referer"), "{}", seen[0].headers);
}

/// A listener whose accept queue is full: the kernel drops new SYNs, so a connect hangs.
fn unanswered_listener() -> (
    std::net::SocketAddr,
    Vec<std::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let fill = (0..4)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()
        })
        .collect();
    (addr, fill, listener)
}

#[tokio::test]
async fn the_connect_timeout_is_ten_seconds_on_the_clock_and_the_request_never_left() {
    assert_eq!(
        cds_core::config::DEFAULT_CONNECT_TIMEOUT,
        Duration::from_secs(10)
    );
    let (addr, _fill, _listener) = unanswered_listener();
    let clock = FakeClock::new();
    let config = cds_core::Config::builder()
        .credentials(cds_core::Credentials::new("AKID", "s"))
        .endpoint(format!("http://{addr}"))
        .clock(clock.clone())
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let client = client(&config);
    let call = tokio::spawn(async move { client.execute::<_, Value>(&WRITE, &value!({})).await });
    while clock.pending_timers() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    clock.advance(Duration::from_millis(9_900));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!call.is_finished(), "not before ten seconds");
    clock.advance(Duration::from_millis(100));
    let err = call.await.expect("joins").unwrap_err();
    match &err {
        Error::Transport {
            not_sent,
            message,
            attempts,
            ..
        } => {
            assert!(*not_sent, "{err}");
            assert!(message.contains("connect timeout of 10s"), "{message}");
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected a transport error, got {other}"),
    }
}

#[tokio::test]
async fn the_last_attempt_is_cut_to_what_is_left_of_the_budget() {
    let server = Server::start(|_| Reply::Hang).await;
    let clock = FakeClock::new();
    let config = config(&server)
        .clock(clock.clone())
        .timeout(Duration::from_secs(30))
        .retry(
            RetryConfig::new()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(1))
                .operation_timeout(Some(Duration::from_secs(45))),
        )
        .build()
        .expect("config");
    let client = client(&config);
    let err = drive(&clock, Duration::from_secs(1), async move {
        read(&client).await
    })
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                timed_out: true,
                ..
            }
        ),
        "{err}"
    );
    // 30 s, then the 15 s that were left: the budget, not 60 s.
    let spent = clock.elapsed();
    assert!(
        spent >= Duration::from_secs(45) && spent <= Duration::from_secs(46),
        "{spent:?}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn adaptive_rate_limiting_slows_down_on_429_and_on_throttling_codes() {
    let server = Server::start(|n| match n {
        0 => Reply::Bytes(json(429, "{}", "")),
        1 => Reply::Bytes(ok()),
        _ => Reply::Bytes(json(
            400,
            r#"{"Code":"Throttling.User","Message":"slow down","RequestId":"r"}"#,
            "",
        )),
    })
    .await;
    let config = config(&server)
        .clock(FakeClock::new())
        .rate_limit(RateLimit::new(8.0, 10).adaptive(true))
        .retry(RetryConfig::new().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("config");
    let client = client(&config);
    read(&client).await.expect("the retry succeeds");
    // Halved by the 429, then 5 % of 8 regained by the success.
    assert_eq!(config.current_rate("testline"), Some(4.4));
    let err = read(&client).await.unwrap_err();
    assert_eq!(err.code(), Some("Throttling.User"));
    assert_eq!(config.current_rate("testline"), Some(2.2));
}

#[tokio::test]
async fn values_that_cannot_be_encoded_fail_before_sending() {
    struct Unencodable;
    impl serde::Serialize for Unencodable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no JSON for this"))
        }
    }
    let server = Server::start(|_| Reply::Bytes(ok())).await;
    let client = client(&config(&server).build().expect("config"));
    let err = client
        .execute::<_, Value>(&WRITE, &Unencodable)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidParameter { reason, .. } if reason.contains("no JSON")),
        "{err}"
    );
    assert!(client.prepare(&WRITE, &Unencodable).is_err());
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn the_retry_quota_bounds_retries_across_concurrent_calls() {
    let server = Arc::new(Server::start(|_| Reply::Bytes(json(503, "{}", ""))).await);
    let config = config(&server)
        .clock(FakeClock::new())
        .retry(
            RetryConfig::new()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .quota(Some(RetryQuotaConfig::new(50))),
        )
        .build()
        .expect("config");
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let client = client(&config);
            tokio::spawn(async move { read(&client).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.expect("joins").is_err());
    }
    // 40 first attempts, and retries for 50 tokens at 5 each: 10, not 80.
    assert_eq!(server.count(), 50);
}

#[tokio::test]
async fn an_absurd_server_date_makes_no_later_call_panic() {
    let server = Server::start(|_| {
        let mut answer = ok();
        let at = answer
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a line");
        answer.splice(
            at + 2..at + 2,
            b"date: Fri, 31 Dec 9999 23:59:59 GMT\r\n".iter().copied(),
        );
        Reply::Bytes(answer)
    })
    .await;
    let clock = FakeClock::new();
    let config = config(&server)
        .clock(clock.clone())
        .build()
        .expect("config");
    let client = client(&config);
    read(&client).await.expect("first call");
    clock.advance(Duration::from_millis(1_500));
    read(&client).await.expect("a later call");
    read(&client.clone()).await.expect("a clone's call");
    assert_eq!(config.clock_skew_secs(), 0, "the date is ignored");
    let sent = server.seen();
    let timestamp = sent[1]
        .line
        .split(['?', '&', ' '])
        .find_map(|p| p.strip_prefix("Timestamp="))
        .expect("a timestamp");
    assert!(!timestamp.starts_with("9999"), "{timestamp}");
}

#[derive(Debug, Default)]
struct TaskAnswer {
    status: Option<String>,
}

impl cds_core::de::Fields for TaskAnswer {
    const NAME: &'static str = "TaskAnswer";
    fn field<'de, D: serde::Deserializer<'de>>(
        &mut self,
        key: &str,
        value: D,
    ) -> Result<(), D::Error> {
        match key {
            "Data" => {
                let data: Value = serde::Deserialize::deserialize(value)?;
                self.status = data["Status"].as_str().map(str::to_string);
            }
            _ => cds_core::de::skip(value)?,
        }
        Ok(())
    }
}
cds_core::impl_deserialize!(TaskAnswer);

static TASKS: Waiter = Waiter {
    poller: &READ,
    id_param: "ThingId",
    status: "/Data/Status",
    success: &["FINISH"],
    failure: &["ERROR"],
    reason: None,
    fresh_uuid_params: &[],
};

fn task_status(status: &str) -> Reply {
    Reply::Bytes(json(
        200,
        &format!(r#"{{"Code":"Success","Data":{{"Status":"{status}"}}}}"#),
        "",
    ))
}

#[tokio::test]
async fn budgets_and_deadlines_of_duration_max_panic_nowhere() {
    let server = Server::start(|n| task_status(if n < 2 { "DOING" } else { "FINISH" })).await;
    let clock = FakeClock::new();
    let config = config(&server)
        .clock(clock.clone())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry(
            RetryConfig::new()
                .operation_timeout(Some(Duration::MAX))
                .max_backoff(Duration::MAX),
        )
        .build()
        .expect("config");
    let client = client(&config);
    read(&client)
        .await
        .expect("a call with an unbounded budget");
    let done = cds_core::Wait::<TaskAnswer>::new(client.clone(), &TASKS, "t-1")
        .deadline(Duration::MAX)
        .poll_interval(Duration::MAX, Duration::MAX)
        .send()
        .await
        .expect("waits until FINISH");
    assert_eq!(done.status.as_deref(), Some("FINISH"));
    let _ = clock.now();
}

#[tokio::test]
async fn a_short_wait_polls_until_its_deadline_not_one_interval() {
    let server = Server::start(|_| task_status("DOING")).await;
    let clock = FakeClock::new();
    let config = config(&server)
        .clock(clock.clone())
        .build()
        .expect("config");
    let err = cds_core::Wait::<TaskAnswer>::new(client(&config), &TASKS, "t-2")
        .options(WaitOptions::new().deadline(Duration::from_secs(1)))
        .send()
        .await
        .unwrap_err();
    match err {
        Error::WaiterTimeout {
            waited,
            last_status,
            ..
        } => {
            assert!(
                waited >= Duration::from_millis(800) && waited <= Duration::from_secs(1),
                "{waited:?}"
            );
            assert_eq!(last_status, "DOING");
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        server.count(),
        2,
        "a first poll, and a last one before the deadline"
    );
}

#[tokio::test]
async fn a_flood_of_100_continue_times_out_near_the_attempt_timeout() {
    let server = Server::start(|_| Reply::ContinueFlood).await;
    let config = config(&server)
        .timeout(Duration::from_millis(400))
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let started = Instant::now();
    let err = read(&client(&config)).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Transport {
                timed_out: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        took < Duration::from_millis(700),
        "{took:?} for a 400 ms timeout"
    );
}

#[tokio::test]
async fn a_response_gives_its_status_request_id_body_and_a_redacted_debug() {
    let body = r#"{"Code":"Success","Message":"ok","RequestId":"req-7","Data":{"Password":"p4ss","Name":"n"}}"#;
    let server = Server::start(move |_| Reply::Bytes(json(200, body, ""))).await;
    let response = read(&client(&config(&server).build().expect("config")))
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-7"));
    assert_eq!(response.body(), body.as_bytes());
    assert_eq!(response.raw()["Data"]["Name"], "n");
    let shown = format!("{response:?}");
    assert!(
        !shown.contains("p4ss") && shown.contains("[REDACTED]"),
        "{shown}"
    );
    assert_eq!(response.raw_redacted()["Data"]["Password"], "[REDACTED]");
    assert_eq!(
        response.clone().into_raw()["Data"]["Password"],
        "p4ss",
        "the data is never altered"
    );
}

#[tokio::test]
async fn a_file_answer_is_returned_as_bytes_and_errors_still_map() {
    static EXPORT: cds_core::operation::Operation = cds_core::operation::Operation {
        binary_response: true,
        ..cds_core::operation::Operation::new(
            "ExportThing",
            cds_core::operation::Method::Get,
            true,
            &[],
        )
    };
    let server = Server::start(|n| match n {
        0 => Reply::Bytes(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.ms-excel\r\ncontent-length: 4\r\n\r\nXLS!"
                .to_vec(),
        ),
        1 => Reply::Bytes(json(200, r#"{"Code":"NoData","Message":"nothing"}"#, "")),
        _ => Reply::Bytes(json(400, r#"{"Code":"Bad","Message":"no"}"#, "")),
    })
    .await;
    let client = client(&config(&server).build().expect("config"));
    let file = client
        .execute_binary(&EXPORT, &value!({}))
        .await
        .expect("the file");
    assert_eq!(&file.output[..], b"XLS!");
    let err = client
        .execute_binary(&EXPORT, &value!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("NoData"),
        "a JSON failure envelope at 200 is an error"
    );
    let err = client
        .execute_binary(&EXPORT, &value!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Bad"));
}

#[test]
fn a_body_goes_with_posts_and_body_parameters_only() {
    static PUT_NO_BODY_PARAMS: cds_core::operation::Operation =
        cds_core::operation::Operation::new("Touch", cds_core::operation::Method::Put, false, &[]);
    static DELETE: cds_core::operation::Operation = cds_core::operation::Operation::new(
        "Drop",
        cds_core::operation::Method::Delete,
        false,
        &[],
    );
    let config = cds_core::Config::builder()
        .credentials(cds_core::Credentials::new("AKID", "s"))
        .build()
        .expect("config");
    let c = client(&config);
    let body = |op| c.prepare_value(op, value!({})).expect("prepared").body;
    assert_eq!(
        body(&WRITE),
        Some(b"{}".to_vec()),
        "a POST always sends a JSON body"
    );
    assert_eq!(body(&PUT_NO_BODY_PARAMS), Some(b"{}".to_vec()));
    assert_eq!(
        body(&READ),
        None,
        "a GET without body parameters sends none"
    );
    assert_eq!(body(&DELETE), None);
    let named = c
        .prepare_value(&WRITE, value!({"Name": "x"}))
        .expect("prepared");
    assert_eq!(named.body.as_deref(), Some(&br#"{"Name":"x"}"#[..]));
}

#[tokio::test]
async fn missing_authentication_fails_before_waiting_for_the_rate_limiter() {
    let clock = FakeClock::new();
    let config = cds_core::Config::builder()
        .endpoint("http://127.0.0.1:9")
        .clock(clock.clone())
        .rate_limit(RateLimit::new(0.01, 1))
        .build()
        .expect("config");
    let c = client(&config);
    for _ in 0..2 {
        let err = c.execute::<_, Value>(&READ, &value!({})).await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err}");
    }
    // The REST schemes too, each missing its own secret (the other scheme's is configured).
    use cds_core::operation::{AuthScheme, Host, Operation, Protocol, Service};
    static REST_READ: Operation = Operation {
        path: Some("/things"),
        ..READ
    };
    const fn rest(auth: AuthScheme) -> Service {
        Service {
            protocol: Protocol::Rest,
            auth,
            host: Host::Endpoint,
            path: "",
            ..LINE
        }
    }
    static BEARER: Service = rest(AuthScheme::Bearer);
    static PLUGGABLE: Service = rest(AuthScheme::Pluggable);
    static HMAC_REST: Service = rest(AuthScheme::HmacSha1);
    let with_bearer = cds_core::Config::builder()
        .endpoint("http://127.0.0.1:9")
        .clock(clock.clone())
        .rate_limit(RateLimit::new(0.01, 1))
        .bearer_token("tok")
        .build()
        .expect("config");
    let with_authenticator = cds_core::Config::builder()
        .endpoint("http://127.0.0.1:9")
        .clock(clock.clone())
        .rate_limit(RateLimit::new(0.01, 1))
        .authenticator(cds_core::auth::StaticHeaders::new())
        .build()
        .expect("config");
    for (config, line) in [
        (&with_authenticator, &BEARER),
        (&with_bearer, &PLUGGABLE),
        (&with_bearer, &HMAC_REST),
    ] {
        let c = ServiceClient::new(config, line);
        for _ in 0..2 {
            let err = c
                .execute::<_, Value>(&REST_READ, &value!({}))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }
    assert!(
        clock.sleeps().is_empty(),
        "no token was waited for: {:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn a_budget_spent_before_the_first_attempt_reports_zero_attempts() {
    let server = Server::start(|_| Reply::Bytes(ok())).await;
    let config = config(&server)
        .retry(RetryConfig::new().operation_timeout(Some(Duration::ZERO)))
        .build()
        .expect("config");
    match read(&client(&config)).await.unwrap_err() {
        Error::Transport {
            attempts,
            timed_out,
            ..
        } => {
            assert_eq!(attempts, 0);
            assert!(timed_out);
        }
        other => panic!("{other}"),
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_timestamp_rejection_that_teaches_the_skew_is_resent_once_even_for_a_write() {
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
    let rejected = json(
        400,
        r#"{"Code":"InvalidTimeStamp.Expired","Message":"clock"}"#,
        &format!("date: {later}\r\n"),
    );
    let server = Server::start(move |n| match n {
        0 => Reply::Bytes(rejected.clone()),
        _ => Reply::Bytes(ok()),
    })
    .await;
    let config = config(&server).build().expect("config");
    client(&config)
        .execute::<_, Value>(&WRITE, &value!({}))
        .await
        .expect("the re-signed write succeeds");
    assert_eq!(server.count(), 2);
    assert!(
        (3590..=3610).contains(&config.clock_skew_secs()),
        "{}",
        config.clock_skew_secs()
    );
    let stamps: Vec<String> = server
        .seen()
        .iter()
        .map(|s| {
            s.line
                .split(['?', '&', ' '])
                .find_map(|p| p.strip_prefix("Timestamp="))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_ne!(
        stamps[0], stamps[1],
        "the second is signed with the server's time"
    );

    // Rejected again with the same time learnt: not resent a second time.
    let again = json(
        400,
        r#"{"Code":"InvalidTimeStamp.Expired","Message":"clock"}"#,
        &format!("date: {later}\r\n"),
    );
    let stubborn = Server::start(move |_| Reply::Bytes(again.clone())).await;
    let err = client(&common::config(&stubborn).build().expect("config"))
        .execute::<_, Value>(&WRITE, &value!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidTimeStamp.Expired"));
    assert_eq!(stubborn.count(), 2, "one resend, no more");
}
