//! One HTTP exchange: send a built request, then stream the body up to a size cap.
//!
//! Redirects are never followed here (the HTTP client is built without a redirect policy, and
//! the caller refuses any 3xx it sees), so a signed request and its body go only where the
//! configuration says.

use crate::retry::Failure;
use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use std::time::Duration;

/// The HTTP answer of one attempt.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// The request id from the usual headers.
    pub fn header_request_id(&self) -> Option<String> {
        ["x-request-id", "request-id", "x-requestid"]
            .iter()
            .find_map(|h| self.headers.get(*h))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
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

/// Sends `request` with `http` and reads the whole answer within `timeout`, refusing bodies
/// longer than `max_body` bytes.
pub(crate) async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    max_body: u64,
) -> Result<Answer, AttemptError> {
    let work = async {
        let mut response = http.execute(request).await.map_err(|e| {
            let (failure, message) = classify(e);
            AttemptError::Failed(failure, message)
        })?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        if response.content_length().is_some_and(|len| len > max_body) {
            return Err(AttemptError::TooLarge(status));
        }
        let cap = usize::try_from(max_body).unwrap_or(usize::MAX);
        let hint = response
            .content_length()
            .and_then(|l| usize::try_from(l).ok());
        let mut body = BytesMut::with_capacity(hint.unwrap_or(8 * 1024).min(cap));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len().saturating_add(chunk.len()) > cap {
                        return Err(AttemptError::TooLarge(status));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let (_, message) = classify(e);
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
            body: body.freeze(),
        })
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(AttemptError::Failed(
            Failure::TimedOut,
            format!("no complete answer within {timeout:?}"),
        )),
    }
}

fn classify(e: reqwest::Error) -> (Failure, String) {
    // reqwest's Display never includes header values; strip the URL anyway (it holds the
    // signed query) to keep messages short.
    let e = e.without_url();
    let failure = if e.is_connect() {
        Failure::ConnectFailed
    } else if e.is_timeout() {
        Failure::TimedOut
    } else {
        Failure::Interrupted
    };
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    (failure, message)
}
