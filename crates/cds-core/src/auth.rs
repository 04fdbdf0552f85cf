//! Authentication of the REST product lines.
//!
//! Lines with `AuthScheme::Bearer` use a bearer token ([`crate::ConfigBuilder::bearer_token`]).
//! Lines with `AuthScheme::Pluggable` document a signing scheme that this SDK's sources do not
//! describe, so it is **not implemented**; instead a caller plugs in an [`Authenticate`]
//! implementation, which sees the prepared request and may add headers or query parameters. [`StaticHeaders`] covers gateways that take a fixed token
//! header.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// A REST request before authentication, as an [`Authenticate`] implementation sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthRequest<'a> {
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

/// The former name of [`AuthRequest`].
#[deprecated(
    since = "0.2.0",
    note = "renamed AuthRequest; `cds_core::PreparedRequest` is now the whole request a call sends"
)]
pub type PreparedRequest<'a> = AuthRequest<'a>;

impl<'a> AuthRequest<'a> {
    /// A request to authenticate (for testing an [`Authenticate`] implementation).
    pub fn new(
        method: &'a str,
        path: &'a str,
        query: &'a [(String, String)],
        headers: &'a [(String, String)],
        body: Option<&'a [u8]>,
    ) -> Self {
        Self {
            method,
            path,
            query,
            headers,
            body,
        }
    }
}

/// What an [`Authenticate`] implementation adds to a request:
/// `AuthAdditions::new().header("X-Auth-Token", token)`.
#[derive(Default)]
#[non_exhaustive]
pub struct AuthAdditions {
    /// Headers to add (values may be secret; they are never logged).
    pub headers: Vec<(String, String)>,
    /// Query parameters to add.
    pub query: Vec<(String, String)>,
}

impl AuthAdditions {
    /// Nothing to add yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
}

impl fmt::Debug for AuthAdditions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        let query: Vec<&str> = self.query.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("AuthAdditions")
            .field("headers", &names)
            .field("query", &query)
            .finish_non_exhaustive()
    }
}

/// Adds authentication to a prepared request; called on every attempt.
pub trait Authenticate: Send + Sync {
    /// Returns what to add to `request`.
    fn authenticate(&self, request: &AuthRequest<'_>) -> AuthAdditions;
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
    fn authenticate(&self, _request: &AuthRequest<'_>) -> AuthAdditions {
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
        let req = AuthRequest {
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
