//! Errors: configuration problems, bad input found before any I/O, transport failures, service
//! errors from the response envelope, undecodable responses, and waiter outcomes.
//!
//! Every variant that concerns a call names the operation; those that concern a response carry
//! the HTTP status and the request id. No variant ever holds a secret.

use std::time::Duration;

/// A configuration problem, reported when the [`crate::Config`] is built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable or setting is missing or empty.
    #[error("missing configuration: {0} is not set (or is empty)")]
    Missing(&'static str),
    /// `CDS_REGION` is not one of mainland, asia, us.
    #[error("invalid region {0:?}: expected mainland, asia or us")]
    InvalidRegion(String),
    /// The endpoint is not `scheme://host[:port]`.
    #[error("invalid endpoint {0:?}: expected http(s)://host[:port]")]
    InvalidEndpoint(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
    /// The authentication header variable is not `Name: value` (its value is never shown).
    #[error("{0} must hold `Name: value` (e.g. `X-Auth-Token: …`)")]
    InvalidAuthHeader(&'static str),
    /// The system clock cannot give a documented `Timestamp` (before 1970 or after 9999).
    #[error("the system clock is outside the years 1970-9999: no request can be signed")]
    Clock,
}

/// The result code, message and request id of a failed call, as the service reported them.
///
/// Read it through its fields or accessors; build one (in tests) with [`ServiceError::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// Result code (`Code` / `code`).
    pub code: String,
    /// Message (`Message` / `Msg` / `message` / `msg`).
    pub message: String,
    /// Request id, if the response carried one.
    pub request_id: Option<String>,
}

impl ServiceError {
    /// A service error of `operation` answered with HTTP `status` and result `code`.
    pub fn new(operation: &'static str, status: u16, code: impl Into<String>) -> Self {
        Self {
            operation,
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
        }
    }

    /// With this message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// With this request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Result code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Request id, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// Any failure of a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot serve this call (e.g. no credentials).
    #[error("{operation}: {source}")]
    Config {
        /// Operation name.
        operation: &'static str,
        /// What is missing.
        #[source]
        source: ConfigError,
    },
    /// A required parameter was not set; nothing was sent.
    #[error("{operation}: missing required parameter {parameter}")]
    MissingParameter {
        /// Operation name.
        operation: &'static str,
        /// Wire name of the parameter.
        parameter: &'static str,
    },
    /// A parameter could not be encoded; nothing was sent.
    #[error("{operation}: invalid parameter {parameter}: {reason}")]
    InvalidParameter {
        /// Operation name.
        operation: &'static str,
        /// Wire name of the parameter.
        parameter: String,
        /// Why.
        reason: String,
    },
    /// The request failed in transport (connect, timeout, reading the body).
    #[error("{operation}: transport error after {attempts} attempt(s): {message}")]
    Transport {
        /// Operation name.
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// Whether the request certainly never reached the server.
        not_sent: bool,
        /// Whether the attempt timed out.
        timed_out: bool,
        /// Description of the failure.
        message: String,
    },
    /// The service answered with a failure code in its envelope.
    #[error(
        "{}: service error {} (HTTP {}): {} [request id: {}]",
        .0.operation, .0.code, .0.status, .0.message, .0.request_id.as_deref().unwrap_or("none")
    )]
    Service(ServiceError),
    /// The service answered with an HTTP error status and no usable envelope.
    #[error("{operation}: HTTP {status} [request id: {}]: {body_start}", request_id.as_deref().unwrap_or("none"))]
    Http {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Request id from the headers, if any.
        request_id: Option<String>,
        /// The start of the body.
        body_start: String,
    },
    /// The response body is not JSON, or does not match the documented shape.
    #[error("{operation}: cannot decode response (HTTP {status}) [request id: {}]: {reason}; body starts: {body_start}", request_id.as_deref().unwrap_or("none"))]
    Decode {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Request id, if one could be found.
        request_id: Option<String>,
        /// What went wrong.
        reason: String,
        /// The start of the body (at most 200 characters).
        body_start: String,
    },
    /// The server answered with a redirection (3xx). Redirects are never followed: they would
    /// replay a signed request, its body and its credentials to another place.
    #[error(
        "{operation}: HTTP {status} redirect to {location} refused (redirects are never followed)"
    )]
    Redirect {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Scheme, host and path of the `Location` header (query removed), or "(none)".
        location: String,
    },
    /// The response body is larger than the configured limit
    /// ([`crate::ConfigBuilder::max_response_bytes`]); reading stopped there.
    #[error("{operation}: response body exceeds the limit of {limit} bytes (HTTP {status})")]
    ResponseTooLarge {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },
    /// A paginated listing cannot go on: the server repeated a page, or the page cap was hit.
    #[error("{operation}: paging stopped at page {page}: {reason}")]
    Pagination {
        /// Operation name.
        operation: &'static str,
        /// Page number at which paging stopped.
        page: i64,
        /// Why.
        reason: String,
    },
    /// A waited-for task reported failure.
    #[error("{operation}: task {task_id} failed with status {status}: {reason}")]
    TaskFailed {
        /// Polling operation.
        operation: &'static str,
        /// Task / event id.
        task_id: String,
        /// Final status.
        status: String,
        /// Failure reason as reported (or "no reason given").
        reason: String,
    },
    /// A waiter's deadline passed before the task finished.
    #[error(
        "{operation}: task {task_id} not finished after {waited:?} (last status: {last_status})"
    )]
    WaiterTimeout {
        /// Polling operation.
        operation: &'static str,
        /// Task / event id.
        task_id: String,
        /// Time waited.
        waited: Duration,
        /// Last status seen.
        last_status: String,
    },
}

impl Error {
    /// The service error, if this is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The result code the service returned, if any.
    pub fn code(&self) -> Option<&str> {
        self.as_service().map(|e| e.code.as_str())
    }

    /// The request id of the failing response, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Http { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }
}

/// The first `max` characters of a body, for error messages.
pub(crate) fn body_start(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}
