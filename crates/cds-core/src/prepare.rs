//! The first stage of a call: the exact request that would be sent, built without any I/O.
//!
//! [`crate::ServiceClient::prepare`] checks the input (required parameters, path values), the
//! line's authentication and the endpoint, then builds method, URL (signed query included for
//! the RPC lines), headers (authentication included) and JSON body. The retry loop prepares a
//! fresh request for every attempt (new nonce and timestamp); the CLI's `--dry-run` prints one.
//!
//! A [`PreparedRequest`] holds secrets (the signature, a bearer token, an authenticator's
//! headers, sensitive parameters such as passwords): its `Display` and `Debug` redact them,
//! so it can be shown; only [`PreparedRequest::url`], [`PreparedRequest::headers`] and
//! [`PreparedRequest::body`] give the values as they would be sent.

use crate::redact;
use std::fmt;

use crate::redact::REDACTED;

/// A request ready to send: method, URL, headers and body.
#[derive(Clone)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// The operation's name (the RPC `Action`).
    pub operation: &'static str,
    /// HTTP method (`GET`, `POST`, …).
    pub method: &'static str,
    /// Scheme, host, path and query, exactly as sent.
    pub url: String,
    /// Headers, exactly as sent (authentication included), besides `content-type` for a body.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if the request has one.
    pub body: Option<Vec<u8>>,
    /// Header names whose values are secret (compared case-insensitively).
    pub(crate) secret_headers: Vec<String>,
    /// The line's sensitive field names.
    pub(crate) sensitive: &'static [&'static str],
}

impl PreparedRequest {
    /// The URL with the signature and sensitive query values replaced by [`REDACTED`].
    pub fn url_redacted(&self) -> String {
        let (base, query) = match self.url.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (self.url.as_str(), None),
        };
        let Some(query) = query.filter(|q| !q.is_empty()) else {
            return self.url.clone();
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| {
                let name = pair.split_once('=').map_or(pair, |(name, _)| name);
                if self.is_secret_query_name(&decode_name(name)) {
                    format!("{name}={REDACTED}")
                } else {
                    pair.to_string()
                }
            })
            .collect();
        format!("{base}?{}", pairs.join("&"))
    }

    /// The headers with secret values replaced by [`REDACTED`].
    pub fn headers_redacted(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let shown = if self.is_secret_header(name) {
                    REDACTED.to_string()
                } else {
                    value.clone()
                };
                (name.clone(), shown)
            })
            .collect()
    }

    /// The body as JSON with sensitive members replaced by `[REDACTED]` (at any depth);
    /// `None` without a body.
    pub fn body_redacted(&self) -> Option<serde_json::Value> {
        let body = self.body.as_deref()?;
        Some(match serde_json::from_slice(body) {
            Ok(value) => redact::redact_value(&value, self.sensitive),
            Err(_) => serde_json::Value::String(redact::quote_body(body, 2000, self.sensitive)),
        })
    }

    /// The query parameters as sent, decoded (for inspection and tests).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        reqwest::Url::parse(&self.url)
            .map(|url| {
                url.query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn is_secret_header(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case("authorization")
            || self
                .secret_headers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
            || redact::is_sensitive(name, self.sensitive)
    }

    /// The signature is not the secret, but with its timestamp and nonce it makes the
    /// request replayable for the timestamp window: it is never shown.
    fn is_secret_query_name(&self, name: &str) -> bool {
        name == "Signature" || redact::is_sensitive(name, self.sensitive)
    }

    /// The request for the HTTP client. The URL is taken as an `http::Uri` as it is (the
    /// runtime builds it escaped); one the URI grammar refuses goes through the URL parser,
    /// which escapes what needs it.
    pub(crate) fn into_http(self) -> Result<http::Request<bytes::Bytes>, String> {
        let uri = match http::Uri::try_from(self.url.as_str()) {
            Ok(uri) => uri,
            Err(_) => {
                let url = reqwest::Url::parse(&self.url).map_err(|e| e.to_string())?;
                http::Uri::try_from(url.as_str()).map_err(|e| e.to_string())?
            }
        };
        let mut builder = http::Request::builder().method(self.method).uri(uri);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = match self.body {
            Some(body) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                bytes::Bytes::from(body)
            }
            None => bytes::Bytes::new(),
        };
        builder.body(body).map_err(|e| e.to_string())
    }
}

/// A query name with its `%XY` escapes decoded (names are ASCII in practice).
fn decode_name(name: &str) -> String {
    percent_decode(name).unwrap_or_else(|| name.to_string())
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `METHOD URL`, then one `name: value` line per header, then a blank line and the body:
/// secrets redacted.
impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url_redacted())?;
        for (name, value) in self.headers_redacted() {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = self.body_redacted() {
            writeln!(f, "content-type: application/json")?;
            writeln!(f)?;
            match body {
                serde_json::Value::String(text) => write!(f, "{text}")?,
                json => write!(f, "{json}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url_redacted())
            .field("headers", &self.headers_redacted())
            .field("body", &self.body_redacted())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, body: Option<&[u8]>) -> PreparedRequest {
        PreparedRequest {
            operation: "Op",
            method: if body.is_some() { "POST" } else { "GET" },
            url: url.to_string(),
            headers: vec![("X-Line".into(), "v".into())],
            body: body.map(<[u8]>::to_vec),
            secret_headers: Vec::new(),
            sensitive: &[],
        }
    }

    #[test]
    fn an_escaped_url_is_sent_as_built() {
        let url = "http://127.0.0.1:9/a/?B=c%2Fd%3Ae&Signature=x%2By%3D";
        let http = request(url, None).into_http().expect("request");
        assert_eq!(http.uri().to_string(), url);
        assert_eq!(http.method(), http::Method::GET);
        assert_eq!(http.headers()["x-line"], "v");
        assert!(http.headers().get(http::header::CONTENT_TYPE).is_none());
        assert!(http.body().is_empty());
    }

    #[test]
    fn a_url_outside_the_uri_grammar_is_escaped_by_the_url_parser() {
        let http = request("http://127.0.0.1:9/a b/?q=x y|z", Some(b"{}"))
            .into_http()
            .expect("request");
        assert_eq!(
            http.uri().to_string(),
            "http://127.0.0.1:9/a%20b/?q=x%20y|z"
        );
        assert_eq!(
            http.headers()[http::header::CONTENT_TYPE],
            "application/json"
        );
        assert_eq!(http.body().as_ref(), b"{}");
    }

    /// Text aimed at the URI grammar's edges: unreserved ASCII mixed with every reserved
    /// and sub-delimiter byte, `%`, space, `~`, quotes, control bytes and multi-byte UTF-8.
    fn edgy_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Z", "0", "-", "_", ".", "~", "=", "&", "+", "%", "/", ":", "?", "#", "[",
                "]", "@", "!", "$", "'", "(", ")", "*", ",", ";", " ", "\"", "|", "{", "^", "`",
                "\\", "<", "\u{1}", "\u{7f}", "\t", "é", "中", "🦀",
            ]),
            0..8,
        )
        .prop_map(|pieces| pieces.concat())
    }

    const BASES: [&str; 3] = [
        "http://127.0.0.1:9/",
        "https://cdsapi.capitalonline.net/ccs/",
        "http://[::1]:8080/a/b/",
    ];

    proptest::proptest! {
        /// The fast path sends a URL the runtime built (its query escaped by
        /// `sign::canonical_query`) byte for byte as the URL parser serialises it: the URI
        /// grammar and the URL parser agree on everything the runtime writes.
        #[test]
        fn a_built_url_goes_out_as_the_url_parser_writes_it(
            base in proptest::sample::select(BASES.to_vec()),
            params in proptest::collection::vec((edgy_text(), edgy_text()), 0..5),
        ) {
            let pairs: Vec<(&str, &str)> =
                params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let url = format!("{base}?{}", crate::sign::canonical_query(&pairs));
            let oracle = reqwest::Url::parse(&url).expect("a URL");
            let sent = request(&url, None).into_http().expect("request");
            proptest::prop_assert_eq!(sent.uri().to_string(), oracle.as_str());
        }

        /// Any query text, escaped or not: the request either fails to build or reaches the
        /// server with the parameters the URL parser reads from the same text.
        #[test]
        fn any_query_text_arrives_with_the_parameters_the_url_parser_reads(
            base in proptest::sample::select(BASES.to_vec()),
            query in edgy_text(),
        ) {
            let url = format!("{base}?{query}");
            let pairs = |text: &str| reqwest::Url::parse(text).map(|u| {
                u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect::<Vec<_>>()
            });
            if let Ok(sent) = request(&url, None).into_http() {
                let expected = pairs(&url).expect("what was sent parses");
                proptest::prop_assert_eq!(pairs(&sent.uri().to_string()).ok(), Some(expected));
            }
        }
    }

    #[test]
    fn an_unparsable_url_is_an_error_not_a_panic() {
        assert!(request("not a url", None).into_http().is_err());
    }
}
