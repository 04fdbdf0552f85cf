//! Client configuration: credentials, region, endpoint override, timeouts, retries, and the one
//! shared HTTP client.

use crate::auth::Authenticate;
use crate::clock::{Clock, Skew, SystemClock};
use crate::credentials::{BearerToken, Credentials};
use crate::error::ConfigError;
use crate::limit::{RateLimit, RateLimiters};
use crate::retry::{RetryConfig, RetryQuota};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The three CDS access regions (访问地址).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Region {
    /// 中国大陆: `cdsapi.capitalonline.net`.
    #[default]
    Mainland,
    /// 亚太地区: `cdsapi-asia.capitalonline.net`.
    Asia,
    /// 欧美地区: `cdsapi-us.capitalonline.net`.
    Us,
}

impl Region {
    /// The `cdsapi` host of this region.
    pub const fn cdsapi_host(self) -> &'static str {
        match self {
            Region::Mainland => "cdsapi.capitalonline.net",
            Region::Asia => "cdsapi-asia.capitalonline.net",
            Region::Us => "cdsapi-us.capitalonline.net",
        }
    }
}

impl std::str::FromStr for Region {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mainland" | "cn" | "china" => Ok(Region::Mainland),
            "asia" | "apac" => Ok(Region::Asia),
            "us" | "eu" | "europe" | "america" => Ok(Region::Us),
            _ => Err(ConfigError::InvalidRegion(s.to_string())),
        }
    }
}

/// Default cap of a response body: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// Everything a generated client needs. Cheap to clone: the HTTP client, the retry quota, the
/// rate limiters and the clock-skew correction are shared by every clone.
#[derive(Clone)]
pub struct Config {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) bearer: Option<BearerToken>,
    pub(crate) authenticator: Option<Arc<dyn Authenticate>>,
    pub(crate) region: Region,
    pub(crate) endpoint: Option<String>,
    pub(crate) region_id: Option<String>,
    pub(crate) retry: RetryConfig,
    pub(crate) http: crate::http_client::HttpClient,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) skew: Arc<Skew>,
    pub(crate) quota: Option<Arc<RetryQuota>>,
    pub(crate) limiters: Arc<RateLimiters>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials)
            .field("bearer", &self.bearer)
            .field(
                "authenticator",
                &self.authenticator.as_ref().map(|_| "<custom>"),
            )
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("region_id", &self.region_id)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("clock_skew_secs", &self.skew.seconds())
            .field("limiters", &self.limiters)
            .finish()
    }
}

/// Names of the environment variables a product line reads its configuration from.
///
/// Every name that is set is required (non-empty), except `region` (it has a default) and an
/// endpoint set with [`EnvNames::optional_endpoint`]. Generated crates declare theirs, e.g.
/// `pub const ENV: EnvNames = EnvNames::new().endpoint("ACME_ENDPOINT").token("ACME_TOKEN");`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EnvNames {
    /// `scheme://host[:port]` replacing scheme and host of every request.
    pub endpoint: Option<&'static str>,
    /// AccessKeyId (HMAC lines).
    pub secret_id: Option<&'static str>,
    /// AccessKeySecret (HMAC lines).
    pub secret_key: Option<&'static str>,
    /// Access region: `mainland`, `asia` or `us` (optional, default mainland).
    pub region: Option<&'static str>,
    /// Bearer token.
    pub token: Option<&'static str>,
    /// Region id sent in the line's region header.
    pub region_id: Option<&'static str>,
    /// Whether the endpoint variable may be absent (lines with a default host).
    pub endpoint_optional: bool,
    /// A header that authenticates every request, as `Name: value` (lines whose
    /// authentication is the caller's: read into a [`crate::auth::StaticHeaders`]; optional).
    pub auth_header: Option<&'static str>,
}

impl EnvNames {
    /// No variables.
    pub const fn new() -> Self {
        Self {
            endpoint: None,
            secret_id: None,
            secret_key: None,
            region: None,
            token: None,
            region_id: None,
            endpoint_optional: false,
            auth_header: None,
        }
    }

    /// The (required) endpoint variable.
    pub const fn endpoint(mut self, name: &'static str) -> Self {
        self.endpoint = Some(name);
        self.endpoint_optional = false;
        self
    }

    /// An endpoint variable that may be absent (the line has a default host).
    pub const fn optional_endpoint(mut self, name: &'static str) -> Self {
        self.endpoint = Some(name);
        self.endpoint_optional = true;
        self
    }

    /// The AccessKeyId variable.
    pub const fn secret_id(mut self, name: &'static str) -> Self {
        self.secret_id = Some(name);
        self
    }

    /// The AccessKeySecret variable.
    pub const fn secret_key(mut self, name: &'static str) -> Self {
        self.secret_key = Some(name);
        self
    }

    /// The (optional) region variable.
    pub const fn region(mut self, name: &'static str) -> Self {
        self.region = Some(name);
        self
    }

    /// The bearer token variable.
    pub const fn token(mut self, name: &'static str) -> Self {
        self.token = Some(name);
        self
    }

    /// The region id variable.
    pub const fn region_id(mut self, name: &'static str) -> Self {
        self.region_id = Some(name);
        self
    }

    /// The (optional) authentication header variable, `Name: value`.
    pub const fn auth_header(mut self, name: &'static str) -> Self {
        self.auth_header = Some(name);
        self
    }

    /// Every variable declared, with its role (`endpoint`, `secret_id`, `secret_key`,
    /// `region`, `token`, `region_id`, `auth_header`).
    pub fn declared(&self) -> Vec<(&'static str, &'static str)> {
        [
            ("endpoint", self.endpoint),
            ("secret_id", self.secret_id),
            ("secret_key", self.secret_key),
            ("region", self.region),
            ("token", self.token),
            ("region_id", self.region_id),
            ("auth_header", self.auth_header),
        ]
        .into_iter()
        .filter_map(|(role, name)| name.map(|n| (role, n)))
        .collect()
    }
}

/// The CDS `Action` RPC lines: `CDS_SECRET_ID`, `CDS_SECRET_KEY` (required), `CDS_REGION`
/// and `CDS_ENDPOINT` (optional).
pub const RPC: EnvNames = EnvNames::new()
    .secret_id("CDS_SECRET_ID")
    .secret_key("CDS_SECRET_KEY")
    .region("CDS_REGION")
    .optional_endpoint("CDS_ENDPOINT");

impl Config {
    /// A builder for explicit values.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Configuration of the CDS `Action` RPC lines from the environment ([`RPC`]):
    /// `CDS_SECRET_ID`, `CDS_SECRET_KEY` (required, non-empty), `CDS_REGION` (`mainland`,
    /// `asia` or `us`; default mainland) and `CDS_ENDPOINT` (`scheme://host[:port]` replacing
    /// scheme and host for every product line, each keeping its path).
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_env_names(&RPC)
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and embedding).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Self::from_lookup_names(&RPC, lookup)
    }

    /// Configuration from the environment variables `names` (see [`EnvNames`]).
    pub fn from_env_names(names: &EnvNames) -> Result<Config, ConfigError> {
        Self::builder_from_env(names)?.build()
    }

    /// A builder preset from the environment variables `names`, for adding what the
    /// environment does not hold (an authenticator, retries, limits).
    pub fn builder_from_env(names: &EnvNames) -> Result<ConfigBuilder, ConfigError> {
        Self::builder_from_lookup(names, |name| std::env::var(name).ok())
    }

    /// [`Config::from_env_names`] reading variables through `lookup`.
    pub fn from_lookup_names(
        names: &EnvNames,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        Self::builder_from_lookup(names, lookup)?.build()
    }

    /// [`Config::builder_from_env`] reading variables through `lookup`.
    pub fn builder_from_lookup(
        names: &EnvNames,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ConfigBuilder, ConfigError> {
        let optional = |name: Option<&'static str>| {
            name.and_then(|n| lookup(n).filter(|v| !v.trim().is_empty()))
        };
        let required = |name: Option<&'static str>| -> Result<Option<String>, ConfigError> {
            match name {
                None => Ok(None),
                Some(n) => lookup(n)
                    .filter(|v| !v.trim().is_empty())
                    .map(Some)
                    .ok_or(ConfigError::Missing(n)),
            }
        };
        let mut builder = Config::builder();
        let id = required(names.secret_id)?;
        let key = required(names.secret_key)?;
        match (id, key) {
            (Some(id), Some(key)) => builder = builder.credentials(Credentials::new(id, key)),
            (None, None) => {}
            (None, Some(_)) => {
                return Err(ConfigError::Missing(
                    "secret id variable (EnvNames::secret_id)",
                ))
            }
            (Some(_), None) => {
                return Err(ConfigError::Missing(
                    "secret key variable (EnvNames::secret_key)",
                ))
            }
        }
        if let Some(region) = optional(names.region) {
            builder = builder.region(region.parse()?);
        }
        let endpoint = if names.endpoint_optional {
            optional(names.endpoint)
        } else {
            required(names.endpoint)?
        };
        if let Some(endpoint) = endpoint {
            builder = builder.endpoint(endpoint.trim());
        }
        if let Some(token) = required(names.token)? {
            builder = builder.bearer_token(token);
        }
        if let Some(region_id) = required(names.region_id)? {
            builder = builder.region_id(region_id);
        }
        if let Some(header) = optional(names.auth_header) {
            let (name, value) = header
                .split_once(':')
                .map(|(n, v)| (n.trim(), v.trim()))
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())
                .ok_or(ConfigError::InvalidAuthHeader(
                    names.auth_header.unwrap_or(""),
                ))?;
            builder = builder.authenticator(crate::auth::StaticHeaders::new().header(name, value));
        }
        Ok(builder)
    }

    /// The configured region.
    pub fn region(&self) -> Region {
        self.region
    }

    /// The endpoint override, if any.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// Tokens left in the retry quota (`None` when the quota is off).
    pub fn retry_quota_available(&self) -> Option<u32> {
        self.quota.as_ref().map(|q| q.available())
    }

    /// The clock-skew correction currently applied to signed timestamps, in seconds
    /// (server minus local).
    pub fn clock_skew_secs(&self) -> i64 {
        self.skew.seconds()
    }

    /// The current rate of `product`'s rate limit in requests per second (lower than
    /// configured while an adaptive limit is slowed down), if the line is limited and has
    /// been used.
    pub fn current_rate(&self, product: &str) -> Option<f64> {
        self.limiters.current_rate(product)
    }

    /// The cap of response bodies, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}

/// Time allowed to make a connection, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed for one attempt (the whole exchange, body included), by default.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Config`] from explicit values.
#[derive(Default)]
pub struct ConfigBuilder {
    credentials: Option<Credentials>,
    bearer: Option<BearerToken>,
    authenticator: Option<Arc<dyn Authenticate>>,
    region: Region,
    endpoint: Option<String>,
    region_id: Option<String>,
    retry: Option<RetryConfig>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_bytes: Option<u64>,
    clock: Option<Arc<dyn Clock>>,
    rate_limit: Option<RateLimit>,
    rate_limits: HashMap<String, RateLimit>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("credentials", &self.credentials)
            .field("bearer", &self.bearer)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("region_id", &self.region_id)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// AccessKeyId and AccessKeySecret for the RPC lines.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Bearer token for lines authenticated with `Authorization: Bearer`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(BearerToken::new(token));
        self
    }

    /// Authentication hook for lines with pluggable authentication (see [`crate::auth`]).
    pub fn authenticator(mut self, auth: impl Authenticate + 'static) -> Self {
        self.authenticator = Some(Arc::new(auth));
        self
    }

    /// Access region (default mainland).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// `scheme://host[:port]` that replaces scheme and host of every request. `https://` is
    /// required except for loopback hosts (see [`ConfigBuilder::allow_insecure_http`]);
    /// `user:password@` is refused.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Allows a plain `http://` endpoint on a non-loopback host. Bodies (which carry
    /// passwords) and tokens then travel in clear: only for trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Region id sent in the product line's region header.
    pub fn region_id(mut self, region_id: impl Into<String>) -> Self {
        self.region_id = Some(region_id.into());
        self
    }

    /// Retry policy (default: [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Per-attempt timeout covering the whole exchange (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a longer one fails
    /// with [`crate::Error::ResponseTooLarge`] without being read further.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The clock used for retry waits, deadlines, rate limiting and timestamps (tests pass a
    /// [`crate::clock::FakeClock`]).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// A client-side rate limit applied to every product line (each line has its own bucket).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// A client-side rate limit for one product line (`product` as in
    /// [`crate::operation::Service::product`]), overriding [`ConfigBuilder::rate_limit`].
    pub fn rate_limit_for(mut self, product: impl Into<String>, limit: RateLimit) -> Self {
        self.rate_limits.insert(product.into(), limit);
        self
    }

    /// Send with this reqwest client instead of the runtime's own. It should not follow
    /// redirects (`reqwest::redirect::Policy::none()`); the runtime refuses any 3xx it sees.
    ///
    /// Without it, the runtime sends with hyper-util's pooled client over rustls (a signed URL
    /// is parsed once, not three times as in reqwest), or with a reqwest client it builds when
    /// the environment names a proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, or their
    /// lower-case forms), so that reqwest's proxy rules, `NO_PROXY` included, apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Validates and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let endpoint = match &self.endpoint {
            Some(endpoint) => Some(validate_endpoint(endpoint, self.allow_insecure_http)?),
            None => None,
        };
        let clock: Arc<dyn Clock> = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let http = match self.http {
            Some(http) => crate::http_client::HttpClient::Reqwest(http),
            None => crate::http_client::HttpClient::build(
                clock.clone(),
                self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            )
            .map_err(ConfigError::Http)?,
        };
        let retry = self.retry.unwrap_or_default();
        let quota = retry.quota.clone().map(|q| Arc::new(RetryQuota::new(q)));
        Ok(Config {
            credentials: self.credentials,
            bearer: self.bearer,
            authenticator: self.authenticator,
            region: self.region,
            endpoint,
            region_id: self.region_id,
            retry,
            http,
            timeout: self.timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            clock,
            skew: Arc::new(Skew::default()),
            quota,
            limiters: Arc::new(RateLimiters::new(self.rate_limit, self.rate_limits)),
        })
    }
}

/// Checks an endpoint and returns it normalised (`scheme://host[:port]`, no trailing slash).
///
/// Refused: anything but `http`/`https`, a path, query or fragment, `user:password@`, and
/// plain `http` to a host that is not loopback unless `allow_insecure_http`.
fn validate_endpoint(endpoint: &str, allow_insecure_http: bool) -> Result<String, ConfigError> {
    let invalid =
        |why: &str| ConfigError::InvalidEndpoint(format!("{}: {why}", redact_userinfo(endpoint)));
    let trimmed = endpoint.trim();
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
        return Err(invalid("expected http(s)://host[:port]"));
    }
    let url = reqwest::Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the endpoint (user:password@) are refused",
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("expected no path, query or fragment"));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid("no host"));
    };
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(host) {
        return Err(invalid(
            "plain http is only allowed to loopback hosts (use https, or ConfigBuilder::allow_insecure_http)",
        ));
    }
    Ok(trimmed.trim_end_matches('/').to_string())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        // Only the name itself: `*.localhost` names are resolved through DNS like any other.
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// The endpoint with any `user:password@` removed, for error messages.
fn redact_userinfo(endpoint: &str) -> String {
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        return endpoint.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://[REDACTED]@{}", &rest[at + 1..]),
        None => endpoint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn missing_or_empty_secret_is_an_error() {
        let err = Config::from_lookup(lookup(&[("CDS_SECRET_ID", "id")])).unwrap_err();
        assert!(err.to_string().contains("CDS_SECRET_KEY"), "{err}");
        let err = Config::from_lookup(lookup(&[("CDS_SECRET_ID", "id"), ("CDS_SECRET_KEY", " ")]))
            .unwrap_err();
        assert!(err.to_string().contains("CDS_SECRET_KEY"), "{err}");
    }

    #[test]
    fn reads_region_and_endpoint() {
        let c = Config::from_lookup(lookup(&[
            ("CDS_SECRET_ID", "id"),
            ("CDS_SECRET_KEY", "key-material"),
            ("CDS_REGION", "asia"),
            ("CDS_ENDPOINT", "http://127.0.0.1:8080/"),
        ]))
        .unwrap();
        assert_eq!(c.region(), Region::Asia);
        assert_eq!(c.endpoint(), Some("http://127.0.0.1:8080"));
        assert!(!format!("{c:?}").contains("key-material"));
    }

    #[test]
    fn rejects_bad_region_and_endpoint() {
        assert!("mars".parse::<Region>().is_err());
        let err = Config::builder()
            .endpoint("127.0.0.1:80")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("127.0.0.1:80"));
        assert!(Config::builder().endpoint("http://h/path").build().is_err());
    }

    #[test]
    fn plain_http_only_to_loopback_unless_opted_in() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
            "https://example.com",
        ] {
            assert!(Config::builder().endpoint(ok).build().is_ok(), "{ok}");
        }
        for refused in [
            "http://example.com",
            "http://a.localhost",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
        ] {
            let err = Config::builder().endpoint(refused).build().unwrap_err();
            assert!(
                err.to_string().contains("allow_insecure_http"),
                "{refused}: {err}"
            );
        }
        assert!(Config::builder()
            .endpoint("http://example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok());
    }

    #[test]
    fn credentials_in_the_endpoint_are_refused_and_not_echoed() {
        let err = Config::builder()
            .endpoint("https://alice:hunter2@example.com")
            .build()
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("user:password@") && !text.contains("hunter2"),
            "{text}"
        );
    }

    #[test]
    fn env_names_require_what_they_name() {
        const ENV: EnvNames = EnvNames::new()
            .endpoint("ACME_ENDPOINT")
            .token("ACME_TOKEN");
        let err =
            Config::from_lookup_names(&ENV, lookup(&[("ACME_ENDPOINT", "https://b.example")]))
                .unwrap_err();
        assert!(err.to_string().contains("ACME_TOKEN"), "{err}");
        let err = Config::from_lookup_names(&ENV, lookup(&[("ACME_TOKEN", "t")])).unwrap_err();
        assert!(err.to_string().contains("ACME_ENDPOINT"), "{err}");
        let c = Config::from_lookup_names(
            &ENV,
            lookup(&[
                ("ACME_ENDPOINT", "https://b.example/"),
                ("ACME_TOKEN", "tok-xyz"),
            ]),
        )
        .unwrap();
        assert_eq!(c.endpoint(), Some("https://b.example"));
        assert!(c.bearer.is_some() && !format!("{c:?}").contains("tok-xyz"));
        // The RPC names keep region and endpoint optional.
        let c = Config::from_lookup(lookup(&[("CDS_SECRET_ID", "i"), ("CDS_SECRET_KEY", "k")]))
            .unwrap();
        assert_eq!((c.region(), c.endpoint()), (Region::Mainland, None));
    }
}
