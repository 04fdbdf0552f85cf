//! The runtime half of every generated client: builds, authenticates, sends, retries and
//! decodes one operation call.

use crate::config::Config;
use crate::error::{ConfigError, Error};
use crate::operation::{AuthScheme, Host, Operation, Protocol, Service};
use crate::request::RequestParts;
use crate::retry::{Failure, Retry};
use crate::sign;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;

/// A decoded response: the typed output plus what a caller may need besides it.
#[derive(Debug, Clone)]
pub struct Response<O> {
    /// The typed output (the whole body, envelope fields included where documented).
    pub output: O,
    /// The raw JSON body.
    pub raw: Value,
    /// HTTP status.
    pub status: u16,
    /// Request id, if the response carried one.
    pub request_id: Option<String>,
}

/// A product line's client runtime: configuration plus the line's static description.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    config: Config,
    service: &'static Service,
}

/// The HTTP answer of one attempt.
struct Answer {
    status: u16,
    request_id: Option<String>,
    body: bytes::Bytes,
}

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

    /// Calls `op` with `input` (a generated input struct) and decodes the output type `O`.
    pub async fn execute<I, O>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<Response<O>, Error>
    where
        I: Serialize,
        O: DeserializeOwned,
    {
        let value = serde_json::to_value(input).map_err(|e| Error::InvalidParameter {
            operation: op.name,
            parameter: "<input>".into(),
            reason: e.to_string(),
        })?;
        let raw = self.execute_value(op, value).await?;
        let output = O::deserialize(&raw.raw).map_err(|e| Error::Decode {
            operation: op.name,
            status: raw.status,
            request_id: raw.request_id.clone(),
            reason: format!("response does not match the documented shape: {e}"),
            body_start: crate::error::body_start(raw.raw.to_string().as_bytes(), 200),
        })?;
        Ok(Response {
            output,
            raw: raw.raw,
            status: raw.status,
            request_id: raw.request_id,
        })
    }

    /// Calls `op` with parameters given as a JSON object keyed by wire names; returns the raw
    /// body. Used by waiters, paginators and callers who want untyped access.
    pub async fn execute_value(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<Response<Value>, Error> {
        let path = op.path.unwrap_or(self.service.path);
        let parts = RequestParts::split(op, path, input)?;
        let base = self.base_url(op)?;
        let span = tracing::info_span!(
            "cds.call",
            product = self.service.product,
            action = op.name,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run_with_retries(op, &base, &parts)
            .instrument(span)
            .await
    }

    async fn run_with_retries(
        &self,
        op: &'static Operation,
        base: &str,
        parts: &RequestParts,
    ) -> Result<Response<Value>, Error> {
        let mut delays = self.config.retry.delays();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            let outcome = self.attempt(op, base, parts).await;
            let failure = match &outcome {
                Ok(answer) if answer.status == 429 || answer.status >= 500 => {
                    Some(Failure::Status(answer.status))
                }
                Ok(_) => None,
                Err(failure) => Some(failure.0),
            };
            if let Some(failure) = failure {
                if Retry::should_retry(op.read, failure) {
                    if let Some(delay) = delays.next() {
                        tracing::debug!(?failure, ?delay, "retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                }
            }
            return match outcome {
                Ok(answer) => self.finish(op, answer),
                Err(AttemptError(failure, message)) => Err(Error::Transport {
                    operation: op.name,
                    attempts: attempt,
                    not_sent: failure == Failure::ConnectFailed,
                    timed_out: failure == Failure::TimedOut,
                    message,
                }),
            };
        }
    }

    fn finish(&self, op: &'static Operation, answer: Answer) -> Result<Response<Value>, Error> {
        let span = tracing::Span::current();
        span.record("status", answer.status);
        let decoded =
            self.service
                .envelope
                .decode(op.name, answer.status, answer.request_id, &answer.body);
        match &decoded {
            Ok(d) => {
                if let Some(id) = &d.request_id {
                    span.record("request_id", id.as_str());
                }
                tracing::debug!("call succeeded");
            }
            Err(e) => tracing::debug!(error = %e, "call failed"),
        }
        let decoded = decoded?;
        Ok(Response {
            output: Value::Null,
            raw: decoded.body,
            status: answer.status,
            request_id: decoded.request_id,
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
                source: ConfigError::Missing("endpoint (Config::builder().endpoint(..))"),
            }),
        }
    }

    /// One attempt: sign (fresh nonce and timestamp), send, read the whole body.
    async fn attempt(
        &self,
        op: &'static Operation,
        base: &str,
        parts: &RequestParts,
    ) -> Result<Answer, AttemptError> {
        let request = self
            .build_request(op, base, parts)
            .map_err(|e| AttemptError(Failure::ConnectFailed, e.to_string()))?;
        let exchange = async {
            let response = self.config.http.execute(request).await.map_err(classify)?;
            let status = response.status().as_u16();
            let request_id = ["x-request-id", "request-id", "x-requestid"]
                .iter()
                .find_map(|h| response.headers().get(*h))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response.bytes().await.map_err(|e| {
                AttemptError(Failure::Interrupted, format!("reading the body: {e}"))
            })?;
            Ok(Answer {
                status,
                request_id,
                body,
            })
        };
        match tokio::time::timeout(self.config.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(AttemptError(
                Failure::TimedOut,
                format!("no complete answer within {:?}", self.config.timeout),
            )),
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
            source: ConfigError::Missing("CDS_SECRET_ID / CDS_SECRET_KEY (credentials)"),
        })?;
        let nonce = sign::nonce();
        let timestamp = sign::current_timestamp();
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
                    source: ConfigError::Missing("bearer token (BRIDGX_TOKEN)"),
                })?;
                headers.push(("Authorization".into(), format!("Bearer {}", token.expose())));
            }
            AuthScheme::Pluggable | AuthScheme::HmacSha1 => {
                if let Some(auth) = &self.config.authenticator {
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

/// A failed attempt: its retry class and a description (never containing secrets).
struct AttemptError(Failure, String);

fn classify(e: reqwest::Error) -> AttemptError {
    // reqwest's Display never includes header values; the URL holds only public parameters
    // and the signature, which is no secret. Strip the URL anyway to keep messages short.
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
    AttemptError(failure, message)
}
