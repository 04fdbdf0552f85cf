//! Access keys for the CDS `Action` RPC and tokens for the REST product lines.
//!
//! Secrets are held in [`secrecy::SecretString`]: `Debug` prints `[REDACTED]`, and nothing in
//! this crate formats a secret into a log line or an error.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// An AccessKeyId and its AccessKeySecret (用户中心 → 用户安全 → 密钥管理).
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    signer: std::sync::Arc<crate::sign::Signer>,
}

impl Credentials {
    /// Credentials from an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        let secret = SecretString::from(secret.into());
        Self {
            access_key_id: access_key_id.into(),
            // Only the HMAC key schedule is kept, not the secret text.
            signer: std::sync::Arc::new(crate::sign::Signer::new(secret.expose_secret())),
        }
    }

    /// The AccessKeyId (not secret: it is sent with every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The signer keyed with the AccessKeySecret.
    pub(crate) fn signer(&self) -> &crate::sign::Signer {
        &self.signer
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// A bearer token; `Debug` redacts it.
#[derive(Clone)]
pub struct BearerToken(SecretString);

impl BearerToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }

    /// The token, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::new("AKID", "s3cr3t-value");
        let shown = format!("{c:?} {c:#?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("s3cr3t-value"));
        let t = BearerToken::new("tok-123456");
        assert!(!format!("{t:?}").contains("tok-123456"));
    }
}
