//! The runtime half of every generated client: checks, builds, authenticates, sends,
//! retries and decodes one operation call.
//!
//! A call is stages, each testable alone:
//! 1. **plan** (no I/O, no time): everything that can fail without the network (input, path
//!    parameters, authentication settings, endpoint, body encoding) fails here as
//!    [`Error::Config`] / [`Error::InvalidParameter`] / [`Error::MissingParameter`], after zero
//!    attempts;
//! 2. **prepare** each attempt ([`ServiceClient::prepare`] shows one): signed anew (fresh
//!    nonce and timestamp) or authenticated, as a [`PreparedRequest`];
//! 3. **exchange** it (the rate limiter first; the body streamed up to the size cap, within
//!    the attempt's timeout);
//! 4. **classify** the outcome ([`retry::classify`]: every retry decision), and wait, re-send
//!    or return as it says, within the retry quota and the operation's budget.

use crate::config::Config;
use crate::de::Fields;
use crate::error::{ConfigError, Error};
use crate::operation::{AuthScheme, Host, Operation, Protocol, Service};
use crate::prepare::PreparedRequest;
use crate::redact;
use crate::request::RequestParts;
use crate::retry::{self, Decision, Event, Failure, Outcome, Verdict};
use crate::sign;
use crate::transport::{self, Answer, AttemptError};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
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

/// Generated outputs redact their sensitive fields in their own `Debug`; an untyped output (a
/// `serde_json::Value`) is shown redacted here.
impl<O: fmt::Debug + 'static> fmt::Debug for Response<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let untyped = (&self.output as &dyn std::any::Any)
            .downcast_ref::<Value>()
            .map(|v| redact::redact_value(v, self.sensitive));
        let output: &dyn fmt::Debug = match &untyped {
            Some(redacted) => redacted,
            None => &self.output,
        };
        f.debug_struct("Response")
            .field("output", output)
            .field("raw", &self.raw_redacted())
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// The call behind a generated request's `send_with_response()`: its required-field check
/// (`checked`), then [`ServiceClient::execute`]. Generic and owning its input, so that a line
/// crate's `#[inline]` request methods leave it to be compiled where an operation is called,
/// not once per operation in the line crate.
pub async fn send<I, O>(
    client: ServiceClient,
    op: &'static Operation,
    input: I,
    checked: Result<(), Error>,
) -> Result<Response<O>, Error>
where
    I: Serialize + Send,
    O: Fields + Send,
{
    checked?;
    client.execute(op, &input).await
}

/// [`send`], returning the typed output only.
pub async fn send_output<I, O>(
    client: ServiceClient,
    op: &'static Operation,
    input: I,
    checked: Result<(), Error>,
) -> Result<O, Error>
where
    I: Serialize + Send,
    O: Fields + Send,
{
    Ok(send(client, op, input, checked).await?.output)
}

/// [`ServiceClient::execute_binary`] behind a generated request of a file answer.
pub async fn send_binary<I: Serialize + Send>(
    client: ServiceClient,
    op: &'static Operation,
    input: I,
    checked: Result<(), Error>,
) -> Result<Response<bytes::Bytes>, Error> {
    checked?;
    client.execute_binary(op, &input).await
}

/// A product line's client runtime: configuration plus the line's static description.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    /// Shared, so that cloning a client (every request builder does) is one reference count.
    config: Arc<Config>,
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
            config: Arc::new(config.clone()),
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

    /// The request `op` with `input` would send now: checked, authenticated and (for the RPC
    /// lines) signed with a fresh nonce and timestamp, without any I/O. Its `Display` shows it
    /// with every secret redacted (signature, tokens, authenticator headers, sensitive
    /// fields). Fails like a call would before sending: missing parameters, missing
    /// authentication or endpoint, values that cannot be encoded.
    pub fn prepare<I: Serialize>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<PreparedRequest, Error> {
        let plan = self.plan(op, to_input(op, input)?)?;
        self.sign(op, &plan)
    }

    /// [`ServiceClient::prepare`] for parameters given as a JSON object keyed by wire names.
    pub fn prepare_value(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<PreparedRequest, Error> {
        let plan = self.plan(op, input)?;
        self.sign(op, &plan)
    }

    async fn call(
        &self,
        op: &'static Operation,
        input: Value,
        decode: DecodeBody<'_>,
    ) -> Result<Done, Error> {
        let plan = self.plan(op, input)?;
        let span = tracing::info_span!(
            "cds.call",
            product = self.service.product,
            action = op.name,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run_with_retries(op, &plan, decode)
            .instrument(span)
            .await
    }

    /// Everything about a request that does not change between attempts, checked: the
    /// parameters split by location (required ones present), the authentication configured,
    /// the base URL, the body encoded.
    fn plan(&self, op: &'static Operation, input: Value) -> Result<Plan, Error> {
        let path = op.path.unwrap_or(self.service.path);
        let parts = RequestParts::split(op, path, input)?;
        self.check_auth(op)?;
        let base = self.base_url(op)?;
        let sends_body = parts.has_body_params
            || (op.method != crate::operation::Method::Get
                && op.method != crate::operation::Method::Delete);
        let body = if sends_body {
            let encoded = match &parts.body_root {
                Some(root) => serde_json::to_vec(root),
                None => serde_json::to_vec(&parts.body),
            };
            Some(encoded.map_err(|e| Error::InvalidParameter {
                operation: op.name,
                parameter: "<body>".into(),
                reason: e.to_string(),
            })?)
        } else {
            None
        };
        Ok(Plan { parts, base, body })
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

    /// The loop: prepare an attempt, exchange it, let [`retry::classify`] judge the outcome,
    /// and wait, re-send or return as it says.
    async fn run_with_retries(
        &self,
        op: &'static Operation,
        plan: &Plan,
        decode: DecodeBody<'_>,
    ) -> Result<Done, Error> {
        let config = &self.config;
        let clock = config.clock.as_ref();
        let mut attempts = retry::Attempts::new(&config.retry, clock.now());
        let mut skew_resent = false;
        loop {
            let attempt = attempts.start();
            tracing::Span::current().record("attempt", attempt);
            config.limiters.acquire(clock, self.service.product).await;
            let Some(timeout) = attempts.attempt_timeout(config.timeout, clock.now()) else {
                return Err(self.transport_error(
                    op,
                    attempt - 1,
                    Failure::TimedOut,
                    "the operation's time budget is spent".into(),
                ));
            };
            let skew_before = config.skew.seconds();
            let request =
                self.sign(op, plan)?
                    .into_http()
                    .map_err(|reason| Error::InvalidParameter {
                        operation: op.name,
                        parameter: "<request>".into(),
                        reason,
                    })?;
            let exchanged = transport::exchange(
                clock,
                &config.http,
                request,
                timeout,
                config.max_response_bytes,
            )
            .await;
            let answer = match exchanged {
                Ok(answer) => answer,
                Err(AttemptError::TooLarge(status)) => {
                    return Err(Error::ResponseTooLarge {
                        operation: op.name,
                        status,
                        limit: config.max_response_bytes,
                    })
                }
                Err(AttemptError::Failed(failure, message)) => {
                    let verdict = retry::classify(&Outcome::new(op.read, Event::Failed(failure)));
                    if let Some(delay) = self.backoff(&verdict, &mut attempts) {
                        tracing::debug!(?failure, ?delay, "retrying");
                        clock.sleep(delay).await;
                        continue;
                    }
                    return Err(self.transport_error(op, attempt, failure, message));
                }
            };
            if let Some(date) = answer.header(&reqwest::header::DATE) {
                config.skew.observe(date, clock.system_now());
            }
            let status = answer.status;
            if (300..400).contains(&status) {
                return Err(Error::Redirect {
                    operation: op.name,
                    status,
                    location: answer
                        .header(&reqwest::header::LOCATION)
                        .map(location_without_query)
                        .unwrap_or_else(|| "(none)".into()),
                });
            }
            // Only an answer that may be retried has a wait worth reading.
            let retry_after = if retry::is_transient_status(status) {
                retry::retry_after(&answer.headers, clock.system_now())
            } else {
                None
            };
            let verdict = retry::classify(&Outcome::new(
                op.read,
                Event::Status {
                    status,
                    retry_after,
                },
            ));
            self.feed_limiter(&verdict);
            if let Some(delay) = self.backoff(&verdict, &mut attempts) {
                tracing::debug!(status, ?delay, "retrying");
                clock.sleep(delay).await;
                continue;
            }
            let result = self.finish(answer, decode);
            let event = match &result {
                Ok(_) => Event::Success,
                Err(Error::Service(e)) => Event::Service {
                    code: &e.code,
                    skew_corrected: config.skew.seconds() != skew_before,
                },
                Err(_) => return result,
            };
            let verdict = retry::classify(&Outcome::new(op.read, event).skew_resent(skew_resent));
            self.feed_limiter(&verdict);
            match verdict.decision {
                Decision::ResendNow => {
                    skew_resent = true;
                    tracing::debug!(
                        skew = config.skew.seconds(),
                        "clock skew corrected; re-sending"
                    );
                    continue;
                }
                Decision::Stop | Decision::Backoff { .. } => {}
            }
            if result.is_ok() {
                config.limiters.on_success(self.service.product);
                if let Some(q) = &config.quota {
                    q.on_success(attempts.spent());
                }
            }
            return result;
        }
    }

    /// The wait before retrying as `verdict` says, if attempts, budget and quota allow one.
    fn backoff(&self, verdict: &Verdict, attempts: &mut retry::Attempts) -> Option<Duration> {
        let Decision::Backoff {
            failure,
            retry_after,
        } = verdict.decision
        else {
            return None;
        };
        attempts.retry_wait(
            failure,
            retry_after,
            self.config.clock.now(),
            self.config.quota.as_deref(),
        )
    }

    /// Tells an adaptive rate limit that the line throttled us.
    fn feed_limiter(&self, verdict: &Verdict) {
        if verdict.throttled {
            self.config.limiters.on_throttled(self.service.product);
        }
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

    /// One attempt's request: the plan authenticated now (fresh nonce and timestamp for the
    /// RPC lines, the bearer token or the authenticator's additions for REST).
    fn sign(&self, op: &'static Operation, plan: &Plan) -> Result<PreparedRequest, Error> {
        let parts = &plan.parts;
        let mut headers = parts.headers.clone();
        let mut secret_headers = Vec::new();
        let query = match self.service.protocol {
            Protocol::Rpc { version } => self.rpc_query(op, version, parts)?,
            Protocol::Rest => {
                if let (Some(name), Some(region)) =
                    (self.service.region_header, &self.config.region_id)
                {
                    headers.push((name.to_string(), region.clone()));
                }
                let mut query = parts.query.clone();
                let before = headers.len();
                self.rest_auth(
                    op,
                    &parts.path,
                    &mut query,
                    &mut headers,
                    plan.body.as_deref(),
                )?;
                secret_headers.extend(headers[before..].iter().map(|(name, _)| name.clone()));
                let pairs: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                sign::canonical_query(&pairs)
            }
        };
        let mut url = String::with_capacity(plan.base.len() + parts.path.len() + query.len() + 2);
        url.push_str(&plan.base);
        url.push_str(&parts.path);
        if matches!(self.service.protocol, Protocol::Rpc { .. }) && !url.ends_with('/') {
            // The document's sample code requests `<url>/?<query>`.
            url.push('/');
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(PreparedRequest {
            operation: op.name,
            method: op.method.as_str(),
            url,
            headers,
            body: plan.body.clone(),
            secret_headers,
            sensitive: self.service.sensitive_fields,
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
        let local = self.config.clock.system_now();
        let timestamp = sign::timestamp_of(self.config.skew.apply(local))
            .or_else(|| sign::timestamp_of(local))
            .ok_or(Error::Config {
                operation: op.name,
                source: ConfigError::Clock,
            })?;
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
                let add = auth.authenticate(&crate::auth::AuthRequest {
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
        Ok(())
    }
}

/// What does not change between the attempts of a call (see [`ServiceClient::plan`]).
struct Plan {
    parts: RequestParts,
    base: String,
    body: Option<Vec<u8>>,
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
        .header(&reqwest::header::CONTENT_TYPE)
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
}

/// A `Location` value without its query and fragment (they may carry a signed query).
fn location_without_query(location: &str) -> String {
    let end = location.find(['?', '#']).unwrap_or(location.len());
    location[..end].to_string()
}
