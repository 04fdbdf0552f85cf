//! The runtime half of every generated client: checks, builds, authenticates, sends,
//! retries and decodes one operation call.
//!
//! Order of a call: everything that can fail without the network (input, path parameters,
//! authentication settings, endpoint) is checked first and fails as [`Error::Config`] /
//! [`Error::InvalidParameter`] / [`Error::MissingParameter`] after zero attempts; then each
//! attempt waits for the rate limiter, is signed anew, sent, and its body streamed up to the
//! size cap; failures are retried as [`crate::retry`] says, within the retry quota and the
//! operation's total budget.

use crate::config::Config;
use crate::de::Fields;
use crate::error::{ConfigError, Error};
use crate::operation::{AuthScheme, Host, Operation, Protocol, Service};
use crate::redact;
use crate::request::RequestParts;
use crate::retry::{self, Failure, Retry};
use crate::sign;
use crate::transport::{self, Answer, AttemptError};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use tracing::Instrument as _;

/// A decoded response: the typed output plus what a caller may need besides it.
///
/// The body is kept as it arrived; [`Response::raw`] parses it into a `serde_json::Value` only
/// when first asked, so a caller who only wants the typed output never pays for it. Its
/// `Debug` redacts the product line's sensitive fields in `raw`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Response<O> {
    /// The typed output (the whole body, envelope fields included where documented).
    pub output: O,
    /// HTTP status.
    pub status: u16,
    /// Request id, if the response carried one.
    pub request_id: Option<String>,
    body: bytes::Bytes,
    raw: std::sync::OnceLock<Value>,
    sensitive: &'static [&'static str],
}

impl<O> Response<O> {
    /// A response (for tests and mocks); nothing is redacted beyond
    /// [`redact::ALWAYS_SENSITIVE`] unless [`Response::with_sensitive_fields`] says so.
    pub fn new(output: O, raw: Value, status: u16, request_id: Option<String>) -> Self {
        Self {
            output,
            status,
            request_id,
            body: bytes::Bytes::new(),
            raw: std::sync::OnceLock::from(raw),
            sensitive: &[],
        }
    }

    /// Redacts these wire names too when shown.
    pub fn with_sensitive_fields(mut self, fields: &'static [&'static str]) -> Self {
        self.sensitive = fields;
        self
    }

    /// The typed output.
    pub fn output(&self) -> &O {
        &self.output
    }

    /// The typed output, by value.
    pub fn into_output(self) -> O {
        self.output
    }

    /// The JSON body, parsed on first use (`Null` for binary answers and bodies that are not
    /// JSON).
    pub fn raw(&self) -> &Value {
        self.raw
            .get_or_init(|| serde_json::from_slice(&self.body).unwrap_or(Value::Null))
    }

    /// The JSON body, by value (parsed now unless it already was).
    pub fn into_raw(self) -> Value {
        self.raw();
        self.raw.into_inner().unwrap_or(Value::Null)
    }

    /// The body's bytes as they arrived (empty for a response made with [`Response::new`]
    /// and for binary answers, whose bytes are the output).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Request id, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The raw body with sensitive fields redacted, for display.
    pub fn raw_redacted(&self) -> Value {
        redact::redact_value(self.raw(), self.sensitive)
    }
}

impl<O: fmt::Debug> fmt::Debug for Response<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("output", &self.output)
            .field("raw", &self.raw_redacted())
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// A product line's client runtime: configuration plus the line's static description.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    config: Config,
    service: &'static Service,
}

/// A successful call: the answer's facts (the decoded body went to the caller's decoder).
struct Done {
    status: u16,
    request_id: Option<String>,
    body: bytes::Bytes,
}

/// Decodes a final answer's body (given the request id from its headers) into the caller's
/// output slot, returning the request id, or the call's error. Type-erased so that the retry
/// loop is compiled once, not once per output type.
type DecodeBody<'a> =
    &'a mut (dyn FnMut(&Answer, Option<String>) -> Result<Option<String>, Error> + Send);

impl ServiceClient {
    /// A client for `service` with `config`.
    pub fn new(config: &Config, service: &'static Service) -> Self {
        Self {
            config: config.clone(),
            service,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The product line's description.
    pub fn service(&self) -> &'static Service {
        self.service
    }

    /// Calls `op` with `input` (a generated input struct) and decodes the output type `O`
    /// straight from the body (see [`Envelope::decode_typed`](crate::operation::Envelope::decode_typed)).
    pub async fn execute<I, O>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<Response<O>, Error>
    where
        I: Serialize,
        O: Fields + Send,
    {
        let value = to_input(op, input)?;
        let service = self.service;
        let mut slot = None;
        let mut decode = |answer: &Answer, header_id: Option<String>| {
            let typed = service.envelope.decode_typed::<O>(
                op.name,
                answer.status,
                header_id,
                &answer.body,
                service.sensitive_fields,
            )?;
            slot = Some((typed.output, typed.raw));
            Ok(typed.request_id)
        };
        let done = self.call(op, value, &mut decode).await?;
        let Some((output, raw)) = slot else {
            return Err(not_decoded(op, &done));
        };
        Ok(Response {
            output,
            status: done.status,
            request_id: done.request_id,
            body: done.body,
            raw: raw.map(std::sync::OnceLock::from).unwrap_or_default(),
            sensitive: self.service.sensitive_fields,
        })
    }

    /// Decodes a raw response into `O` like [`ServiceClient::execute`] does.
    pub fn decode_output<O: Fields>(
        &self,
        op: &'static Operation,
        raw: Response<Value>,
    ) -> Result<Response<O>, Error> {
        let text = raw.raw().to_string();
        let typed = self
            .service
            .envelope
            .decode_typed::<O>(
                op.name,
                raw.status,
                raw.request_id.clone(),
                text.as_bytes(),
                self.service.sensitive_fields,
            )
            .map_err(|e| match e {
                // The envelope was judged when `raw` was received; only the shape can fail.
                Error::Service(_) | Error::Http { .. } => Error::Decode {
                    operation: op.name,
                    status: raw.status,
                    request_id: raw.request_id.clone(),
                    reason: format!("response does not match the documented shape: {e}"),
                    body_start: redact::quote_body(
                        text.as_bytes(),
                        200,
                        self.service.sensitive_fields,
                    ),
                },
                other => other,
            })?;
        Ok(Response {
            output: typed.output,
            status: raw.status,
            request_id: raw.request_id.clone(),
            body: raw.body.clone(),
            raw: raw.raw,
            sensitive: self.service.sensitive_fields,
        })
    }

    /// Calls `op` with parameters given as a JSON object keyed by wire names; returns the raw
    /// body. Used by waiters, paginators and callers who want untyped access.
    pub async fn execute_value(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<Response<Value>, Error> {
        let service = self.service;
        let mut slot = None;
        let mut decode = |answer: &Answer, header_id: Option<String>| {
            let decoded = service.envelope.decode_redacting(
                op.name,
                answer.status,
                header_id,
                &answer.body,
                service.sensitive_fields,
            )?;
            slot = Some(decoded.body);
            Ok(decoded.request_id)
        };
        let done = self.call(op, input, &mut decode).await?;
        let Some(raw) = slot else {
            return Err(not_decoded(op, &done));
        };
        Ok(Response {
            output: Value::Null,
            status: done.status,
            request_id: done.request_id,
            body: done.body,
            raw: std::sync::OnceLock::from(raw),
            sensitive: self.service.sensitive_fields,
        })
    }

    /// Calls an operation whose success answer is a file (`binary_response`): returns the
    /// body's bytes undecoded. HTTP error statuses and JSON error envelopes still become
    /// errors; `raw` is `Null`.
    pub async fn execute_binary<I: Serialize>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<Response<bytes::Bytes>, Error> {
        let value = to_input(op, input)?;
        let service = self.service;
        let mut decode = |answer: &Answer, header_id: Option<String>| {
            if (200..300).contains(&answer.status) && !is_json(answer) {
                return Ok(header_id);
            }
            let decoded = service.envelope.decode_redacting(
                op.name,
                answer.status,
                header_id,
                &answer.body,
                service.sensitive_fields,
            )?;
            Ok(decoded.request_id)
        };
        let done = self.call(op, value, &mut decode).await?;
        Ok(Response {
            output: done.body,
            status: done.status,
            request_id: done.request_id,
            body: bytes::Bytes::new(),
            raw: std::sync::OnceLock::from(Value::Null),
            sensitive: self.service.sensitive_fields,
        })
    }

    async fn call(
        &self,
        op: &'static Operation,
        input: Value,
        decode: DecodeBody<'_>,
    ) -> Result<Done, Error> {
        let path = op.path.unwrap_or(self.service.path);
        let parts = RequestParts::split(op, path, input)?;
        self.check_auth(op)?;
        let base = self.base_url(op)?;
        let span = tracing::info_span!(
            "cds.call",
            product = self.service.product,
            action = op.name,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run_with_retries(op, &base, &parts, decode)
            .instrument(span)
            .await
    }

    /// Fails before any request when the line's authentication is not configured: a request
    /// is never sent unauthenticated.
    fn check_auth(&self, op: &'static Operation) -> Result<(), Error> {
        let missing = |what: &'static str| Error::Config {
            operation: op.name,
            source: ConfigError::Missing(what),
        };
        match (self.service.protocol, self.service.auth) {
            (Protocol::Rpc { .. }, _) if self.config.credentials.is_none() => Err(missing(
                "credentials (AccessKeyId / AccessKeySecret: ConfigBuilder::credentials)",
            )),
            (Protocol::Rest, AuthScheme::Bearer) if self.config.bearer.is_none() => {
                Err(missing("bearer token (ConfigBuilder::bearer_token)"))
            }
            (Protocol::Rest, AuthScheme::Pluggable | AuthScheme::HmacSha1)
                if self.config.authenticator.is_none() =>
            {
                Err(missing("authenticator (ConfigBuilder::authenticator)"))
            }
            _ => Ok(()),
        }
    }

    async fn run_with_retries(
        &self,
        op: &'static Operation,
        base: &str,
        parts: &RequestParts,
        decode: DecodeBody<'_>,
    ) -> Result<Done, Error> {
        let config = &self.config;
        let clock = config.clock.as_ref();
        let started = clock.now();
        let deadline = config
            .retry
            .operation_timeout
            .map(|budget| started + budget);
        let mut backoff = config.retry.backoff();
        let mut attempt: u32 = 0;
        let mut spent: u32 = 0;
        let mut skew_retried = false;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            config.limiters.acquire(clock, self.service.product).await;
            let remaining = deadline.map(|d| d.saturating_duration_since(clock.now()));
            if remaining.is_some_and(|r| r.is_zero()) {
                return Err(self.transport_error(
                    op,
                    attempt - 1,
                    Failure::TimedOut,
                    "the operation's time budget is spent".into(),
                ));
            }
            let timeout = remaining.map_or(config.timeout, |r| r.min(config.timeout));
            let skew_used = config.skew.seconds();
            let request = self.build_request(op, base, parts)?;
            let outcome =
                transport::exchange(&config.http, request, timeout, config.max_response_bytes)
                    .await;
            let answer = match outcome {
                Ok(answer) => answer,
                Err(AttemptError::TooLarge(status)) => {
                    return Err(Error::ResponseTooLarge {
                        operation: op.name,
                        status,
                        limit: config.max_response_bytes,
                    })
                }
                Err(AttemptError::Failed(failure, message)) => {
                    if let Some(delay) = self.retry_wait(
                        op,
                        failure,
                        attempt,
                        &mut backoff,
                        None,
                        deadline,
                        &mut spent,
                    ) {
                        tracing::debug!(?failure, ?delay, "retrying");
                        clock.sleep(delay).await;
                        continue;
                    }
                    return Err(self.transport_error(op, attempt, failure, message));
                }
            };
            if let Some(date) = answer.header("date") {
                config.skew.observe(date, clock.system_now());
            }
            let status = answer.status;
            if (300..400).contains(&status) {
                return Err(Error::Redirect {
                    operation: op.name,
                    status,
                    location: answer
                        .header("location")
                        .map(location_without_query)
                        .unwrap_or_else(|| "(none)".into()),
                });
            }
            if status == 429 || status >= 500 {
                if status == 429 {
                    config.limiters.on_throttled(self.service.product);
                }
                let wish = retry::retry_after(&answer.headers, clock.system_now());
                let failure = Failure::Status(status);
                if let Some(delay) = self.retry_wait(
                    op,
                    failure,
                    attempt,
                    &mut backoff,
                    wish,
                    deadline,
                    &mut spent,
                ) {
                    tracing::debug!(?failure, ?delay, "retrying");
                    clock.sleep(delay).await;
                    continue;
                }
            }
            let result = self.finish(answer, decode);
            match &result {
                Ok(_) => {
                    config.limiters.on_success(self.service.product);
                    if let Some(q) = &config.quota {
                        q.on_success(spent);
                    }
                }
                Err(Error::Service(e)) => {
                    let code = e.code.to_ascii_lowercase();
                    if code.contains("throttl") || code.contains("toomanyrequests") {
                        config.limiters.on_throttled(self.service.product);
                    }
                    // The server refused our timestamp and told us its time: the request was
                    // rejected before any processing, so sending it once more, with the
                    // corrected timestamp, is safe even for a write.
                    let skew_rejected =
                        code.contains("timestamp") || code.contains("timetooskewed");
                    if skew_rejected && !skew_retried && config.skew.seconds() != skew_used {
                        skew_retried = true;
                        tracing::debug!(
                            skew = config.skew.seconds(),
                            "clock skew corrected; retrying"
                        );
                        continue;
                    }
                }
                Err(_) => {}
            }
            return result;
        }
    }

    /// The wait before another attempt after `failure`, or `None` when the call must stop:
    /// not retryable, attempts used up, quota empty, or the wait would overrun the budget.
    #[allow(clippy::too_many_arguments)]
    fn retry_wait(
        &self,
        op: &'static Operation,
        failure: Failure,
        attempt: u32,
        backoff: &mut retry::Backoff,
        retry_after: Option<std::time::Duration>,
        deadline: Option<std::time::Instant>,
        spent: &mut u32,
    ) -> Option<std::time::Duration> {
        let config = &self.config;
        if !Retry::should_retry(op.read, failure) || attempt >= config.retry.max_attempts {
            return None;
        }
        let delay = retry::retry_delay(backoff.next_delay(), retry_after);
        if deadline.is_some_and(|d| config.clock.now() + delay >= d) {
            tracing::debug!(
                ?delay,
                "no retry: the wait would overrun the operation budget"
            );
            return None;
        }
        if let Some(quota) = &config.quota {
            match quota.acquire(failure) {
                Some(cost) => *spent += cost,
                None => {
                    tracing::debug!("no retry: the retry quota is empty");
                    return None;
                }
            }
        }
        Some(delay)
    }

    fn transport_error(
        &self,
        op: &'static Operation,
        attempts: u32,
        failure: Failure,
        message: String,
    ) -> Error {
        Error::Transport {
            operation: op.name,
            attempts,
            not_sent: failure == Failure::ConnectFailed,
            timed_out: failure == Failure::TimedOut,
            message,
        }
    }

    fn finish(&self, answer: Answer, decode: DecodeBody<'_>) -> Result<Done, Error> {
        let span = tracing::Span::current();
        span.record("status", answer.status);
        let header_request_id = answer.header_request_id();
        if tracing::enabled!(tracing::Level::TRACE) {
            let shown = redact::quote_body(&answer.body, 2000, self.service.sensitive_fields);
            tracing::trace!(body = %shown, "response body");
        }
        let decoded = decode(&answer, header_request_id);
        match &decoded {
            Ok(request_id) => {
                if let Some(id) = request_id {
                    span.record("request_id", id.as_str());
                }
                tracing::debug!("call succeeded");
            }
            Err(e) => tracing::debug!(error = %e, "call failed"),
        }
        let request_id = decoded?;
        Ok(Done {
            status: answer.status,
            request_id,
            body: answer.body,
        })
    }

    /// Scheme and host for `op`: the endpoint override, or the host of the line / operation.
    fn base_url(&self, op: &'static Operation) -> Result<String, Error> {
        if let Some(endpoint) = &self.config.endpoint {
            return Ok(endpoint.clone());
        }
        match op.host.unwrap_or(self.service.host) {
            Host::Cdsapi => Ok(format!("https://{}", self.config.region.cdsapi_host())),
            Host::Api => Ok("https://api.capitalonline.net".to_string()),
            Host::Endpoint => Err(Error::Config {
                operation: op.name,
                source: ConfigError::Missing("endpoint (ConfigBuilder::endpoint)"),
            }),
        }
    }

    fn build_request(
        &self,
        op: &'static Operation,
        base: &str,
        parts: &RequestParts,
    ) -> Result<reqwest::Request, Error> {
        let method = reqwest::Method::from_bytes(op.method.as_str().as_bytes()).map_err(|e| {
            Error::InvalidParameter {
                operation: op.name,
                parameter: "<method>".into(),
                reason: e.to_string(),
            }
        })?;
        let sends_body = parts.has_body_params
            || (op.method != crate::operation::Method::Get
                && op.method != crate::operation::Method::Delete);
        let body = if sends_body {
            let encoded = match &parts.body_root {
                Some(root) => serde_json::to_vec(root),
                None => serde_json::to_vec(&parts.body),
            };
            Some(encoded.unwrap_or_else(|_| b"{}".to_vec()))
        } else {
            None
        };
        let mut headers = parts.headers.clone();
        let query = match self.service.protocol {
            Protocol::Rpc { version } => self.rpc_query(op, version, parts)?,
            Protocol::Rest => {
                if let (Some(name), Some(region)) =
                    (self.service.region_header, &self.config.region_id)
                {
                    headers.push((name.to_string(), region.clone()));
                }
                let mut query = parts.query.clone();
                self.rest_auth(op, &parts.path, &mut query, &mut headers, body.as_deref())?;
                let pairs: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                sign::canonical_query(&pairs)
            }
        };
        let mut url = String::with_capacity(base.len() + parts.path.len() + query.len() + 2);
        url.push_str(base);
        url.push_str(&parts.path);
        if matches!(self.service.protocol, Protocol::Rpc { .. }) && !url.ends_with('/') {
            // The document's sample code requests `<url>/?<query>`.
            url.push('/');
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url).map_err(|e| Error::InvalidParameter {
            operation: op.name,
            parameter: "<url>".into(),
            reason: format!("{e}"),
        })?;
        let mut builder = self.config.http.request(method, url);
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        builder.build().map_err(|e| Error::InvalidParameter {
            operation: op.name,
            parameter: "<request>".into(),
            reason: e.to_string(),
        })
    }

    /// Common parameters, fresh nonce and timestamp, signed query.
    fn rpc_query(
        &self,
        op: &'static Operation,
        version: &str,
        parts: &RequestParts,
    ) -> Result<String, Error> {
        let credentials = self.config.credentials.as_ref().ok_or(Error::Config {
            operation: op.name,
            source: ConfigError::Missing("credentials (ConfigBuilder::credentials)"),
        })?;
        let nonce = sign::nonce();
        let now = self.config.skew.apply(self.config.clock.system_now());
        let timestamp = sign::timestamp(time::OffsetDateTime::from(now));
        let mut params: Vec<(&str, &str)> = Vec::with_capacity(parts.query.len() + 7);
        params.extend([
            ("Action", op.name),
            ("AccessKeyId", credentials.access_key_id()),
            ("SignatureMethod", sign::SIGNATURE_METHOD),
            ("SignatureNonce", nonce.as_str()),
            ("SignatureVersion", sign::SIGNATURE_VERSION),
            ("Timestamp", timestamp.as_str()),
            ("Version", version),
        ]);
        params.extend(parts.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        Ok(credentials
            .signer()
            .signed_query(op.method.as_str(), &params))
    }

    fn rest_auth(
        &self,
        op: &'static Operation,
        path: &str,
        query: &mut Vec<(String, String)>,
        headers: &mut Vec<(String, String)>,
        body: Option<&[u8]>,
    ) -> Result<(), Error> {
        match self.service.auth {
            AuthScheme::Bearer => {
                let token = self.config.bearer.as_ref().ok_or(Error::Config {
                    operation: op.name,
                    source: ConfigError::Missing("bearer token (ConfigBuilder::bearer_token)"),
                })?;
                headers.push(("Authorization".into(), format!("Bearer {}", token.expose())));
            }
            AuthScheme::Pluggable | AuthScheme::HmacSha1 => {
                let auth = self.config.authenticator.as_ref().ok_or(Error::Config {
                    operation: op.name,
                    source: ConfigError::Missing("authenticator (ConfigBuilder::authenticator)"),
                })?;
                {
                    let add = auth.authenticate(&crate::auth::PreparedRequest {
                        method: op.method.as_str(),
                        path,
                        query,
                        headers,
                        body,
                    });
                    headers.extend(add.headers);
                    query.extend(add.query);
                }
            }
        }
        Ok(())
    }
}

fn to_input<I: Serialize>(op: &'static Operation, input: &I) -> Result<Value, Error> {
    serde_json::to_value(input).map_err(|e| Error::InvalidParameter {
        operation: op.name,
        parameter: "<input>".into(),
        reason: e.to_string(),
    })
}

/// A call that succeeded without its decoder storing an output (cannot happen: the decoder
/// stores one whenever it returns `Ok`), reported rather than panicking.
fn not_decoded(op: &'static Operation, done: &Done) -> Error {
    Error::Decode {
        operation: op.name,
        status: done.status,
        request_id: done.request_id.clone(),
        reason: "the answer was not decoded".into(),
        body_start: String::new(),
    }
}

fn is_json(answer: &Answer) -> bool {
    answer
        .header("content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
}

/// A `Location` value without its query and fragment (they may carry a signed query).
fn location_without_query(location: &str) -> String {
    let end = location.find(['?', '#']).unwrap_or(location.len());
    location[..end].to_string()
}
