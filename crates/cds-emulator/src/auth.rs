//! Authentication: the HMAC-SHA1 query signature (with timestamp freshness and single-use
//! nonces that are forgotten once their timestamp is out of the window), bearer tokens, and
//! the tenant a credential names.

use crate::verify;
use crate::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, BEARER_TOKEN};
use cds_core::operation::{AuthScheme, LineDescription, Protocol};
use std::collections::{BTreeMap, HashMap};

/// How far a timestamp may be from now (the documented 15 minutes).
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// A refusal: HTTP status, error code, message.
pub(crate) type Refusal = (u16, &'static str, String);

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    (status, code, message.into())
}

/// Nonces seen, each kept until the timestamp it came with leaves the window (a replay after
/// that is refused for its timestamp anyway).
#[derive(Debug, Default)]
pub(crate) struct Nonces {
    /// Nonce → Unix time after which it may be forgotten.
    seen: HashMap<String, i64>,
    /// Insertions since the last sweep.
    since_sweep: usize,
}

impl Nonces {
    /// Records `nonce` (valid until `expires`); false when it was seen already.
    pub fn insert(&mut self, nonce: &str, expires: i64, now: i64) -> bool {
        self.since_sweep += 1;
        if self.since_sweep >= 1024 || self.since_sweep > self.seen.len() {
            self.seen.retain(|_, e| *e >= now);
            self.since_sweep = 0;
        }
        match self.seen.get(nonce) {
            Some(e) if *e >= now => false,
            _ => {
                self.seen.insert(nonce.to_string(), expires);
                true
            }
        }
    }

    /// Number of nonces held.
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

/// What authentication needs to know of a request.
pub(crate) struct Credentials<'a> {
    pub method: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a BTreeMap<String, String>,
}

/// Authenticates a request for `line`; returns its tenant (`""` for the default credentials).
/// `now` is the emulated server's Unix time; `nonces` is locked only for a valid signature.
pub(crate) fn authenticate(
    line: &LineDescription,
    req: &Credentials<'_>,
    now: i64,
    nonces: &std::sync::Mutex<Nonces>,
) -> Result<String, Refusal> {
    let service = line.service;
    if let Some(h) = service.region_header {
        if req
            .headers
            .get(&h.to_ascii_lowercase())
            .is_none_or(|v| v.is_empty())
        {
            return Err(refuse(
                400,
                "MissingRegionId",
                format!("The {h} header is required."),
            ));
        }
    }
    match (service.protocol, service.auth) {
        (Protocol::Rpc { version }, _) => {
            let get = |name: &str| {
                req.query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let Some(partition) = get("AccessKeyId").and_then(|k| tenant(k, ACCESS_KEY_ID)) else {
                return Err(refuse(
                    403,
                    "InvalidAccessKeyId.NotFound",
                    "The AccessKeyId is not known.",
                ));
            };
            if get("SignatureMethod") != Some("HMAC-SHA1") || get("SignatureVersion") != Some("1.0")
            {
                return Err(refuse(
                    400,
                    "InvalidSignatureMethod",
                    "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.",
                ));
            }
            if get("Version") != Some(version) {
                return Err(refuse(
                    400,
                    "InvalidVersion",
                    format!("Version must be {version}."),
                ));
            }
            let Some(ts) = get("Timestamp").and_then(verify::parse_timestamp) else {
                return Err(refuse(
                    400,
                    "InvalidTimeStamp.Format",
                    "Timestamp must be yyyy-MM-ddTHH:mm:ssZ.",
                ));
            };
            let ts = ts.unix_timestamp();
            if (now - ts).abs() > MAX_CLOCK_SKEW_SECS {
                return Err(refuse(
                    400,
                    "InvalidTimeStamp.Expired",
                    "The Timestamp is too far from the current time.",
                ));
            }
            let Some(nonce) = get("SignatureNonce").filter(|n| !n.is_empty()) else {
                return Err(refuse(
                    400,
                    "MissingSignatureNonce",
                    "SignatureNonce is required.",
                ));
            };
            let Some(signature) = get("Signature") else {
                return Err(refuse(400, "MissingSignature", "Signature is required."));
            };
            if verify::expected_signature(req.method, req.query, ACCESS_KEY_SECRET) != signature {
                return Err(refuse(
                    400,
                    "SignatureDoesNotMatch",
                    "The request signature does not match.",
                ));
            }
            let fresh = nonces.lock().unwrap_or_else(|e| e.into_inner()).insert(
                nonce,
                ts + MAX_CLOCK_SKEW_SECS,
                now,
            );
            if !fresh {
                return Err(refuse(
                    400,
                    "SignatureNonceUsed",
                    "The SignatureNonce has been used.",
                ));
            }
            Ok(partition)
        }
        (Protocol::Rest, AuthScheme::Bearer) => req
            .headers
            .get("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| tenant(t, BEARER_TOKEN))
            .ok_or_else(|| refuse(401, "Unauthorized", "A valid bearer token is required.")),
        // Pluggable authentication is not checked; an emulator bearer token still names the
        // tenant (never the credential itself, which may be a secret).
        _ => Ok(req
            .headers
            .get("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| tenant(t, BEARER_TOKEN))
            .unwrap_or_default()),
    }
}

/// The tenant named by a credential: `""` for `base` itself, `T` for `base.T`; `None` for
/// anything else (not accepted).
pub(crate) fn tenant(credential: &str, base: &str) -> Option<String> {
    let rest = credential.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('.')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_expire_with_their_timestamp() {
        let mut n = Nonces::default();
        assert!(n.insert("a", 100 + MAX_CLOCK_SKEW_SECS, 100));
        assert!(!n.insert("a", 100 + MAX_CLOCK_SKEW_SECS, 200), "replayed");
        // Long after: the sweep forgets it (a replay would fail for its timestamp anyway).
        for i in 0..2000 {
            n.insert(&format!("x{i}"), 5000 + MAX_CLOCK_SKEW_SECS, 5000);
        }
        let later = 5000 + MAX_CLOCK_SKEW_SECS + 1;
        for i in 0..2000 {
            n.insert(&format!("y{i}"), later + MAX_CLOCK_SKEW_SECS, later);
        }
        assert!(n.len() <= 2000 + 1024, "old nonces are swept: {}", n.len());
    }

    #[test]
    fn tenants() {
        assert_eq!(tenant("k", "k").as_deref(), Some(""));
        assert_eq!(tenant("k.a", "k").as_deref(), Some("a"));
        assert_eq!(tenant("k.", "k"), None);
        assert_eq!(tenant("kx", "k"), None);
    }
}
