//! Runtime of the Capital Online (CDS) Rust SDK.
//!
//! The generated crates (`cds-ccs`, `cds-billing`, …) describe their operations as static data
//! ([`operation`]) and call [`ServiceClient`] to do the rest: split parameters by location and
//! check the required ones ([`request`]), sign the query ([`sign`]) or authenticate REST calls
//! ([`auth`]), send with one shared HTTP client and retry what is safe to retry ([`retry`]),
//! decode the envelope ([`envelope`]) and the typed output in one pass ([`de`], lenient
//! scalars; [`ser`] encodes generated types), wait for tasks ([`waiter`]) and walk pages
//! ([`paginate`]).
//!
//! Nothing product-specific lives here.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = cds_core::Config::from_env()?; // CDS_SECRET_ID, CDS_SECRET_KEY, CDS_REGION, CDS_ENDPOINT
//! # let _ = config;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod auth;
pub mod client;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod de;
pub mod envelope;
pub mod error;
pub mod fixture;
mod http_client;
pub mod limit;
pub mod model;
pub mod operation;
pub mod paginate;
pub mod prepare;
pub mod redact;
pub mod request;
pub mod retry;
pub mod ser;
pub mod sign;
#[cfg(test)]
mod test_server;
mod transport;
pub mod validate;
pub mod waiter;

pub use client::{Response, ServiceClient};
pub use config::{Config, ConfigBuilder, EnvNames, Region};
pub use credentials::{BearerToken, Credentials};
pub use error::{ConfigError, Error, ServiceError};
pub use limit::RateLimit;
pub use prepare::PreparedRequest;
pub use retry::{RetryConfig, RetryQuotaConfig};
pub use validate::BuildError;
pub use waiter::{Wait, WaitOptions};

/// The bytes of a binary answer (an operation whose success answer is a file).
pub use bytes::Bytes;

/// Re-exports used by generated code, so generated crates need no direct dependency on them.
#[doc(hidden)]
pub mod __private {
    pub use futures_util::stream::Stream;
    pub use serde;
    pub use serde_json;
}
