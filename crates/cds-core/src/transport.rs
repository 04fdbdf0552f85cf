//! One HTTP exchange: send a built request, then stream the body up to a size cap, within the
//! attempt's timeout; and the connect timeout, as a layer of the HTTP client's connector.
//!
//! Both timeouts run on the configuration's [`Clock`], so a test with a fake clock decides
//! when they fire. Redirects are never followed here (neither HTTP client follows one, see
//! [`crate::http_client`], and the caller refuses any 3xx it sees), so a signed request and its
//! body go only where the configuration says.

use crate::clock::Clock;
use crate::http_client::HttpClient;
use crate::retry::Failure;
use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The HTTP answer of one attempt.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The headers that may carry a request id, most usual first (names made once, not parsed
/// on every answer).
static REQUEST_ID_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("x-requestid"),
];

impl Answer {
    /// The request id from the usual headers.
    pub fn header_request_id(&self) -> Option<String> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|h| self.headers.get(h))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// A header as text.
    pub fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Why an attempt produced no answer.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// A transport failure of this retry class, described without secrets.
    Failed(Failure, String),
    /// The body is longer than the cap (status of the answer).
    TooLarge(u16),
}

/// A body being received: a body that arrives in one chunk (most answers) is kept as it
/// came, without a copy; later chunks are gathered into one buffer.
#[derive(Default)]
enum Body {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::One(bytes) => bytes.len(),
            Body::Many(buffer) => buffer.len(),
        }
    }

    /// Adds `chunk`; a buffer started for a second chunk gets at least `capacity` bytes.
    fn push(&mut self, chunk: Bytes, capacity: usize) {
        match std::mem::take(self) {
            Body::Empty => *self = Body::One(chunk),
            Body::One(first) => {
                let mut buffer = BytesMut::with_capacity(capacity.max(first.len() + chunk.len()));
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                *self = Body::Many(buffer);
            }
            Body::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                *self = Body::Many(buffer);
            }
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Body::Empty => Bytes::new(),
            Body::One(bytes) => bytes,
            Body::Many(buffer) => buffer.freeze(),
        }
    }
}

/// Sends `request` with `http` and reads the whole answer within `timeout` of `clock`'s time,
/// refusing bodies longer than `max_body` bytes.
pub(crate) async fn exchange(
    clock: &dyn Clock,
    http: &HttpClient,
    request: http::Request<Bytes>,
    timeout: Duration,
    max_body: u64,
) -> Result<Answer, AttemptError> {
    let work = async {
        let mut response = http.send(request).await.map_err(|e| {
            let failure = if e.connect {
                Failure::ConnectFailed
            } else if e.timed_out {
                Failure::TimedOut
            } else {
                Failure::Interrupted
            };
            AttemptError::Failed(failure, e.message)
        })?;
        let status = response.status();
        let headers = response.take_headers();
        let length = response.content_length();
        if length.is_some_and(|len| len > max_body) {
            return Err(AttemptError::TooLarge(status));
        }
        let cap = usize::try_from(max_body).unwrap_or(usize::MAX);
        let hint = length.and_then(|l| usize::try_from(l).ok());
        let mut body = Body::default();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len().saturating_add(chunk.len()) > cap {
                        return Err(AttemptError::TooLarge(status));
                    }
                    body.push(chunk, hint.unwrap_or(8 * 1024).min(cap));
                }
                Ok(None) => break,
                Err(message) => {
                    return Err(AttemptError::Failed(
                        Failure::Interrupted,
                        format!("reading the body: {message}"),
                    ));
                }
            }
        }
        Ok(Answer {
            status,
            headers,
            body: body.into_bytes(),
        })
    };
    match crate::clock::timeout(clock, timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(AttemptError::Failed(
            Failure::TimedOut,
            format!("no complete answer within {timeout:?}"),
        )),
    }
}

/// The connect timeout, as a layer of the HTTP client's connector: a connection not made
/// within the timeout (of the configuration's clock) fails with [`ConnectTimedOut`], which
/// the HTTP client reports as a connect error (the request never left).
#[derive(Clone)]
pub(crate) struct ConnectTimeout {
    pub clock: Arc<dyn Clock>,
    pub timeout: Duration,
}

impl<S> tower_layer::Layer<S> for ConnectTimeout {
    type Service = ConnectWithin<S>;
    fn layer(&self, inner: S) -> Self::Service {
        ConnectWithin {
            inner,
            clock: self.clock.clone(),
            timeout: self.timeout,
        }
    }
}

/// A connector service bounded by a connect timeout (see [`ConnectTimeout`]).
#[derive(Clone)]
pub(crate) struct ConnectWithin<S> {
    inner: S,
    clock: Arc<dyn Clock>,
    timeout: Duration,
}

/// The error of a boxed connector.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// No connection within the connect timeout.
#[derive(Debug)]
pub(crate) struct ConnectTimedOut(pub Duration);

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no connection within the connect timeout of {:?}",
            self.0
        )
    }
}

impl std::error::Error for ConnectTimedOut {}

impl<S, R> tower_service::Service<R> for ConnectWithin<S>
where
    S: tower_service::Service<R, Error = BoxError>,
    S::Future: Send + 'static,
    S::Response: 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let connecting = self.inner.call(request);
        let clock = self.clock.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            match crate::clock::timeout(clock.as_ref(), timeout, connecting).await {
                Ok(result) => result,
                Err(_) => Err(Box::new(ConnectTimedOut(timeout)) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::test_server::one_exchange;

    /// One exchange with a server answering `answer`, the body capped at `max_body`.
    async fn exchange_with(answer: &'static [u8], max_body: u64) -> Result<Answer, AttemptError> {
        let (addr, _server) = one_exchange(answer).await;
        let request = http::Request::get(format!("http://{addr}/"))
            .body(Bytes::new())
            .expect("request");
        let http = crate::http_client::tests::direct_client();
        exchange(
            &SystemClock,
            &http,
            request,
            Duration::from_secs(10),
            max_body,
        )
        .await
    }

    #[tokio::test]
    async fn an_announced_length_at_the_cap_is_read_and_one_over_is_refused_unread() {
        const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        let answer = exchange_with(ANSWER, 5).await.expect("at the cap");
        assert_eq!(answer.body, Bytes::from_static(b"hello"));
        assert!(matches!(
            exchange_with(ANSWER, 4).await,
            Err(AttemptError::TooLarge(200))
        ));
    }

    #[tokio::test]
    async fn a_streamed_body_at_the_cap_is_read_and_one_over_is_refused() {
        const ANSWER: &[u8] =
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n";
        let answer = exchange_with(ANSWER, 5).await.expect("at the cap");
        assert_eq!(answer.body, Bytes::from_static(b"hello"));
        assert!(matches!(
            exchange_with(ANSWER, 4).await,
            Err(AttemptError::TooLarge(200))
        ));
    }

    #[test]
    fn the_request_id_comes_from_the_first_usual_header_present() {
        let answer = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, reqwest::header::HeaderValue::from_static(value));
            }
            Answer {
                status: 200,
                headers,
                body: Bytes::new(),
            }
        };
        assert_eq!(answer(&[]).header_request_id(), None);
        assert_eq!(
            answer(&[("x-requestid", "c")])
                .header_request_id()
                .as_deref(),
            Some("c")
        );
        let all = answer(&[
            ("x-requestid", "c"),
            ("request-id", "b"),
            ("x-request-id", "a"),
        ]);
        assert_eq!(all.header_request_id().as_deref(), Some("a"));
        let two = answer(&[("x-requestid", "c"), ("request-id", "b")]);
        assert_eq!(two.header_request_id().as_deref(), Some("b"));
    }

    #[test]
    fn a_body_keeps_every_chunk_in_order() {
        let chunks: [&[u8]; 4] = [b"{\"a\":", b"", b"[1,2]", b"}"];
        for n in 0..=chunks.len() {
            let mut body = Body::default();
            for chunk in &chunks[..n] {
                body.push(Bytes::from_static(chunk), 2);
            }
            let expected: Vec<u8> = chunks[..n].concat();
            assert_eq!(body.len(), expected.len(), "{n} chunks");
            assert_eq!(body.into_bytes(), expected, "{n} chunks");
        }
    }

    #[test]
    fn a_one_chunk_body_is_the_chunk_itself() {
        let chunk = Bytes::from(vec![7_u8; 100]);
        let mut body = Body::default();
        body.push(chunk.clone(), 8 * 1024);
        let bytes = body.into_bytes();
        assert_eq!(bytes.as_ptr(), chunk.as_ptr(), "no copy");
    }
}
