//! Authentication of the REST product lines.
//!
//! BridgX uses a bearer token ([`crate::ConfigBuilder::bearer_token`]). CECSTACK documents that
//! its requests are signed as described in a separate guide (《公共说明 API 参考》) that is not
//! among the documents this SDK is built from, so its scheme is **not implemented**; instead a
//! caller plugs in an [`Authenticate`] implementation, which sees the prepared request and may
//! add headers or query parameters. [`StaticHeaders`] covers gateways that take a fixed token
//! header.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// A prepared REST request, as an [`Authenticate`] implementation sees it.
#[derive(Debug)]
pub struct PreparedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path, parameters substituted and percent-encoded.
    pub path: &'a str,
    /// Query parameters (unencoded).
    pub query: &'a [(String, String)],
    /// Headers set so far.
    pub headers: &'a [(String, String)],
    /// JSON body, if any.
    pub body: Option<&'a [u8]>,
}

/// What an [`Authenticate`] implementation adds to a request.
#[derive(Default)]
pub struct AuthAdditions {
    /// Headers to add (values may be secret; they are never logged).
    pub headers: Vec<(String, String)>,
    /// Query parameters to add.
    pub query: Vec<(String, String)>,
}

/// Adds authentication to a prepared request; called on every attempt.
pub trait Authenticate: Send + Sync {
    /// Returns what to add to `request`.
    fn authenticate(&self, request: &PreparedRequest<'_>) -> AuthAdditions;
}

/// Adds the same headers to every request (for example a token header).
#[derive(Clone)]
pub struct StaticHeaders {
    headers: Vec<(String, SecretString)>,
}

impl StaticHeaders {
    /// No headers yet.
    pub fn new() -> Self {
        Self {
            headers: Vec::new(),
        }
    }

    /// Adds a header; its value is treated as a secret.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into(), SecretString::from(value.into())));
        self
    }
}

impl Default for StaticHeaders {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for StaticHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("StaticHeaders")
            .field("headers", &names)
            .field("values", &"[REDACTED]")
            .finish()
    }
}

impl Authenticate for StaticHeaders {
    fn authenticate(&self, _request: &PreparedRequest<'_>) -> AuthAdditions {
        AuthAdditions {
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.expose_secret().to_string()))
                .collect(),
            query: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_headers_add_headers_and_hide_values() {
        let auth = StaticHeaders::new().header("X-Auth-Token", "tok-secret");
        let req = PreparedRequest {
            method: "GET",
            path: "/api/ecs/v1/flavors",
            query: &[],
            headers: &[],
            body: None,
        };
        let add = auth.authenticate(&req);
        assert_eq!(
            add.headers,
            vec![("X-Auth-Token".to_string(), "tok-secret".to_string())]
        );
        assert!(!format!("{auth:?}").contains("tok-secret"));
    }
}
