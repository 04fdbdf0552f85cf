//! Client configuration: credentials, region, endpoint override, timeouts, retries, and the one
//! shared HTTP client.

use crate::auth::Authenticate;
use crate::credentials::{BearerToken, Credentials};
use crate::error::ConfigError;
use crate::retry::RetryConfig;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The three CDS access regions (访问地址).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// Everything a generated client needs. Cheap to clone (the HTTP client is shared).
#[derive(Clone)]
pub struct Config {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) bearer: Option<BearerToken>,
    pub(crate) authenticator: Option<Arc<dyn Authenticate>>,
    pub(crate) region: Region,
    pub(crate) endpoint: Option<String>,
    pub(crate) region_id: Option<String>,
    pub(crate) retry: RetryConfig,
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Duration,
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
            .finish()
    }
}

impl Config {
    /// A builder for explicit values.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Configuration of the CDS `Action` RPC lines from the environment:
    /// `CDS_SECRET_ID`, `CDS_SECRET_KEY` (required, non-empty), `CDS_REGION` (`mainland`,
    /// `asia` or `us`; default mainland) and `CDS_ENDPOINT` (`scheme://host[:port]` replacing
    /// scheme and host for every product line, each keeping its path).
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and embedding).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let non_empty = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let id = non_empty("CDS_SECRET_ID").ok_or(ConfigError::Missing("CDS_SECRET_ID"))?;
        let key = non_empty("CDS_SECRET_KEY").ok_or(ConfigError::Missing("CDS_SECRET_KEY"))?;
        let mut builder = Config::builder().credentials(Credentials::new(id, key));
        if let Some(region) = non_empty("CDS_REGION") {
            builder = builder.region(region.parse()?);
        }
        if let Some(endpoint) = non_empty("CDS_ENDPOINT") {
            builder = builder.endpoint(endpoint);
        }
        builder.build()
    }

    /// Configuration of the BridgX line from `BRIDGX_ENDPOINT` and `BRIDGX_TOKEN` (both required).
    pub fn bridgx_from_env() -> Result<Config, ConfigError> {
        let var = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        Config::builder()
            .endpoint(var("BRIDGX_ENDPOINT")?)
            .bearer_token(var("BRIDGX_TOKEN")?)
            .build()
    }

    /// Configuration of the CECSTACK ECS line from `CECSTACK_ENDPOINT` and `CECSTACK_REGION_ID`
    /// (both required). Authentication is added with [`ConfigBuilder::authenticator`].
    pub fn cecstack_from_env() -> Result<ConfigBuilder, ConfigError> {
        let var = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        Ok(Config::builder()
            .endpoint(var("CECSTACK_ENDPOINT")?)
            .region_id(var("CECSTACK_REGION_ID")?))
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
}

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
}

impl ConfigBuilder {
    /// AccessKeyId and AccessKeySecret for the RPC lines.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Bearer token for BridgX.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(BearerToken::new(token));
        self
    }

    /// Authentication hook for CECSTACK (see [`crate::auth`]).
    pub fn authenticator(mut self, auth: impl Authenticate + 'static) -> Self {
        self.authenticator = Some(Arc::new(auth));
        self
    }

    /// Access region (default mainland).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// `scheme://host[:port]` that replaces scheme and host of every request.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Region id sent in the product line's region header (CECSTACK `x-regionid`).
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

    /// Use this HTTP client instead of building one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Validates and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        if let Some(endpoint) = &self.endpoint {
            validate_endpoint(endpoint)?;
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .pool_idle_timeout(Duration::from_secs(90))
                .tcp_nodelay(true)
                .user_agent(concat!("cds-sdk-rust/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| ConfigError::Http(e.to_string()))?,
        };
        Ok(Config {
            credentials: self.credentials,
            bearer: self.bearer,
            authenticator: self.authenticator,
            region: self.region,
            endpoint: self.endpoint.map(|e| e.trim_end_matches('/').to_string()),
            region_id: self.region_id,
            retry: self.retry.unwrap_or_default(),
            http,
            timeout: self.timeout.unwrap_or(Duration::from_secs(30)),
        })
    }
}

fn validate_endpoint(endpoint: &str) -> Result<(), ConfigError> {
    let rest = endpoint
        .strip_prefix("http://")
        .or_else(|| endpoint.strip_prefix("https://"))
        .ok_or_else(|| ConfigError::InvalidEndpoint(endpoint.to_string()))?;
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
        return Err(ConfigError::InvalidEndpoint(endpoint.to_string()));
    }
    Ok(())
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
}
