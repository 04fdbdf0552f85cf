//! The HTTP client an attempt is sent with.
//!
//! By default the runtime sends with hyper-util's pooled client over rustls (webpki roots),
//! which takes the request's URI as built: a signed query of ~300 characters is parsed once
//! (as an `http::Uri`). reqwest, which the runtime used before, parses a request's URL three
//! times (the caller's `Url`, again in its redirect layer even with redirects off, and once
//! more for the response), about a sixth of a small read's client CPU. reqwest remains the
//! client when the caller gives one ([`crate::config::ConfigBuilder::http_client`]) and when
//! the environment names a proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` or their lower-case
//! forms), whose handling, `NO_PROXY` included, stays reqwest's.

use crate::clock::Clock;
use crate::transport::ConnectTimeout;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::client::legacy::connect::HttpConnector;
use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The user agent of every request.
const AGENT: &str = concat!("cds-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// How long an idle pooled connection is kept.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// `localhost`'s addresses (loopback by definition, never asked of DNS); the port is set by
/// the connector.
pub(crate) const LOCALHOST: [SocketAddr; 2] = [
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0),
    SocketAddr::new(std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), 0),
];

/// The environment variables that make reqwest send through a proxy.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The connector of the default client: TCP (with `localhost` resolved locally), then TLS for
/// `https`, bounded by the connect timeout.
type Connector =
    crate::transport::ConnectWithin<hyper_rustls::HttpsConnector<HttpConnector<LocalhostResolver>>>;

/// The client that sends every attempt of a [`crate::config::Config`].
#[derive(Clone)]
pub(crate) enum HttpClient {
    /// hyper-util's pooled client (the default).
    Direct(hyper_util::client::legacy::Client<Connector, Full<Bytes>>),
    /// reqwest: the caller's, or built because the environment names a proxy.
    Reqwest(reqwest::Client),
}

/// An answer whose body is still to be read.
pub(crate) enum Incoming {
    /// From the default client.
    Direct(hyper::Response<hyper::body::Incoming>),
    /// From reqwest.
    Reqwest(reqwest::Response),
}

/// A failure to get an answer, with whether it happened while connecting.
pub(crate) struct SendError {
    /// No connection was made (the request never left).
    pub connect: bool,
    /// Whether reqwest saw a timeout of its own (a caller's client may have one).
    pub timed_out: bool,
    /// What went wrong, causes included, without the URL.
    pub message: String,
}

impl HttpClient {
    /// The default client: hyper-util's unless the environment names a proxy.
    pub(crate) fn build(clock: Arc<dyn Clock>, connect_timeout: Duration) -> Result<Self, String> {
        let layer = ConnectTimeout {
            clock,
            timeout: connect_timeout,
        };
        if proxy_in_environment() {
            return reqwest_client(layer).map(HttpClient::Reqwest);
        }
        Self::direct(layer)
    }

    /// hyper-util's pooled client over rustls, its connector bounded by `layer`.
    fn direct(layer: ConnectTimeout) -> Result<Self, String> {
        let mut tcp = HttpConnector::new_with_resolver(LocalhostResolver::default());
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| e.to_string())?
            .https_or_http()
            .enable_http1();
        #[cfg(feature = "http2")]
        let tls = tls.enable_http2();
        let connector = tower_layer::Layer::layer(&layer, tls.wrap_connector(tcp));
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .pool_idle_timeout(POOL_IDLE)
                .pool_timer(hyper_util::rt::TokioTimer::new())
                .build(connector);
        Ok(HttpClient::Direct(client))
    }

    /// Sends `request` and waits for the answer's head.
    pub(crate) async fn send(&self, request: http::Request<Bytes>) -> Result<Incoming, SendError> {
        match self {
            HttpClient::Direct(client) => {
                let (mut parts, body) = request.into_parts();
                parts
                    .headers
                    .insert(USER_AGENT, HeaderValue::from_static(AGENT));
                let request = http::Request::from_parts(parts, Full::new(body));
                client
                    .request(request)
                    .await
                    .map(Incoming::Direct)
                    .map_err(|e| SendError {
                        connect: e.is_connect(),
                        timed_out: false,
                        message: with_causes(&e),
                    })
            }
            HttpClient::Reqwest(client) => {
                let request = reqwest::Request::try_from(request).map_err(reqwest_failure)?;
                client
                    .execute(request)
                    .await
                    .map(Incoming::Reqwest)
                    .map_err(reqwest_failure)
            }
        }
    }
}

impl Incoming {
    /// The status code.
    pub(crate) fn status(&self) -> u16 {
        match self {
            Incoming::Direct(response) => response.status().as_u16(),
            Incoming::Reqwest(response) => response.status().as_u16(),
        }
    }

    /// The headers, taken out of the answer.
    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        match self {
            Incoming::Direct(response) => std::mem::take(response.headers_mut()),
            Incoming::Reqwest(response) => std::mem::take(response.headers_mut()),
        }
    }

    /// The body's announced length (`Content-Length`), when the answer announced one.
    pub(crate) fn content_length(&self) -> Option<u64> {
        match self {
            Incoming::Direct(response) => hyper::body::Body::size_hint(response.body()).exact(),
            Incoming::Reqwest(response) => response.content_length(),
        }
    }

    /// The next piece of the body; `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, String> {
        match self {
            Incoming::Direct(response) => loop {
                match response.body_mut().frame().await {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(with_causes(&e)),
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Ok(Some(data));
                        }
                        // Trailers carry no body bytes.
                    }
                }
            },
            Incoming::Reqwest(response) => response
                .chunk()
                .await
                .map_err(|e| reqwest_failure(e).message),
        }
    }
}

/// Whether the environment names a proxy for reqwest to use.
fn proxy_in_environment() -> bool {
    names_a_proxy(|name| std::env::var_os(name))
}

/// Whether `lookup` (of the environment) gives a non-empty value to a proxy variable.
fn names_a_proxy(lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    PROXY_VARIABLES
        .iter()
        .any(|name| lookup(name).is_some_and(|value| !value.is_empty()))
}

/// The reqwest client built when a proxy is configured: the same limits as the default one.
fn reqwest_client(layer: ConnectTimeout) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connector_layer(layer)
        .resolve_to_addrs("localhost", &LOCALHOST)
        .pool_idle_timeout(POOL_IDLE)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .user_agent(AGENT)
        .build()
        .map_err(|e| e.to_string())
}

/// A reqwest failure, without its URL (it holds the signed query).
fn reqwest_failure(e: reqwest::Error) -> SendError {
    let e = e.without_url();
    SendError {
        connect: e.is_connect(),
        timed_out: e.is_timeout(),
        message: with_causes(&e),
    }
}

/// An error's text followed by each of its causes.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The system resolver, except that `localhost` is loopback without asking DNS.
#[derive(Clone)]
pub(crate) struct LocalhostResolver(GaiResolver);

impl Default for LocalhostResolver {
    fn default() -> Self {
        LocalhostResolver(GaiResolver::new())
    }
}

impl tower_service::Service<Name> for LocalhostResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if name.as_str().eq_ignore_ascii_case("localhost") {
            return Box::pin(std::future::ready(Ok(LOCALHOST.to_vec().into_iter())));
        }
        let resolving = self.0.call(name);
        Box::pin(async move { Ok(resolving.await?.collect::<Vec<_>>().into_iter()) })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::test_server::{answer_at_once, one_exchange};

    fn layer() -> ConnectTimeout {
        ConnectTimeout {
            clock: Arc::new(SystemClock),
            timeout: Duration::from_secs(10),
        }
    }

    /// The default client, whatever the environment says about proxies.
    pub(crate) fn direct_client() -> HttpClient {
        HttpClient::direct(layer()).expect("client")
    }

    fn get(url: String) -> http::Request<Bytes> {
        http::Request::get(url).body(Bytes::new()).expect("request")
    }

    #[tokio::test]
    async fn the_uri_goes_out_as_built_with_the_user_agent_and_no_referer() {
        let (addr, server) =
            one_exchange(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-request-id: r1\r\n\r\n{}")
                .await;
        let target = "/billing/?A=b%2Fc%3Ad&Signature=x%2By%3D&E=%E4%B8%AD";
        let request = get(format!("http://{addr}{target}"));
        let mut answer = direct_client()
            .send(request)
            .await
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(answer.status(), 200);
        let headers = answer.take_headers();
        assert_eq!(answer.content_length(), Some(2));
        assert_eq!(headers["x-request-id"], "r1");
        assert_eq!(
            answer.chunk().await.expect("body"),
            Some(Bytes::from_static(b"{}"))
        );
        assert_eq!(answer.chunk().await.expect("end"), None);
        let head = server.await.expect("server").to_ascii_lowercase();
        let first = head.lines().next().unwrap_or_default().to_string();
        assert_eq!(
            first,
            format!("get {} http/1.1", target.to_ascii_lowercase())
        );
        assert!(
            head.contains(&format!("user-agent: {}", AGENT.to_ascii_lowercase())),
            "{head}"
        );
        assert!(head.contains(&format!("host: {addr}")), "{head}");
        assert!(!head.contains("referer"), "{head}");
    }

    #[tokio::test]
    async fn the_proxy_clients_reqwest_follows_no_redirect_and_names_the_sdk() {
        let (addr, server) = one_exchange(
            b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /elsewhere?Signature=s\r\ncontent-length: 0\r\n\r\n",
        )
        .await;
        let client = HttpClient::Reqwest(reqwest_client(layer()).expect("client"));
        let answer = client
            .send(get(format!("http://{addr}/a?B=c")))
            .await
            .ok()
            .expect("answer");
        assert_eq!(
            answer.status(),
            307,
            "the redirect is the caller's to refuse"
        );
        let head = server.await.expect("server").to_ascii_lowercase();
        assert!(
            head.contains(&format!("user-agent: {}", AGENT.to_ascii_lowercase())),
            "{head}"
        );
        assert!(!head.contains("referer"), "{head}");
    }

    #[tokio::test]
    async fn https_to_a_server_without_tls_fails_while_connecting() {
        let addr = answer_at_once(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
        let Err(error) = direct_client().send(get(format!("https://{addr}/"))).await else {
            panic!("a plain-text server passed for TLS");
        };
        assert!(error.connect, "{}", error.message);
        assert!(!error.timed_out);
        assert!(
            !error.message.contains("connect timeout"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_built_client_is_hyper_utils_unless_the_environment_names_a_proxy() {
        let client =
            HttpClient::build(Arc::new(SystemClock), Duration::from_secs(10)).expect("client");
        let proxied = names_a_proxy(|name| std::env::var_os(name));
        assert_eq!(matches!(client, HttpClient::Reqwest(_)), proxied);
    }

    #[test]
    fn only_a_non_empty_proxy_variable_hands_the_client_to_reqwest() {
        use std::ffi::OsString;
        assert!(!names_a_proxy(|_| None));
        assert!(!names_a_proxy(|_| Some(OsString::new())));
        for variable in PROXY_VARIABLES {
            let set = |name: &str| (name == variable).then(|| OsString::from("http://proxy:3128"));
            assert!(names_a_proxy(set), "{variable}");
        }
        let unrelated = |name: &str| (name == "NO_PROXY").then(|| OsString::from("*"));
        assert!(!names_a_proxy(unrelated));
    }

    #[tokio::test]
    async fn localhost_is_loopback_without_dns() {
        let mut resolver = LocalhostResolver::default();
        for host in ["localhost", "LocalHost"] {
            let name: Name = host.parse().expect("name");
            let addrs: Vec<SocketAddr> = tower_service::Service::call(&mut resolver, name)
                .await
                .expect("addrs")
                .collect();
            assert_eq!(addrs, LOCALHOST.to_vec(), "{host}");
        }
    }
}
