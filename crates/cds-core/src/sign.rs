//! The CDS `Action` RPC signature (签名机制 of the OpenAPI v1.2 document).
//!
//! 1. Sort all parameters (common ones included, `Signature` excluded) by name.
//! 2. Percent-encode names and values with RFC 3986 (unreserved `A-Z a-z 0-9 - _ . ~` kept,
//!    everything else `%XY` in upper-case hex of the UTF-8 bytes, space as `%20`), join as
//!    `name=value` with `&`: the canonical query.
//! 3. `StringToSign = METHOD + "&%2F&" + encode(canonical query)`.
//! 4. `Signature = base64(HMAC-SHA1(AccessKeySecret, StringToSign))`.
//!
//! The HMAC key is the AccessKeySecret **as is**: the document's prose adds a trailing `&`, but
//! its own sample code and the vendor's SDKs key the HMAC with the bare secret (see the notes of
//! `spec/billing/product.yaml`). The query sent on the wire uses the same encoding, so a `+` in a
//! signature arrives as `%2B`.
//!
//! ```
//! let params = [("Action", "DescribeTask"), ("TaskId", "a b")];
//! let sts = cds_core::sign::string_to_sign("GET", &params);
//! assert_eq!(sts, "GET&%2F&Action%3DDescribeTask%26TaskId%3Da%2520b");
//! let sig = cds_core::sign::signature("secret", &sts);
//! assert_eq!(sig.len(), 28); // base64 of 20 bytes
//! ```

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;
use std::fmt::Write as _;

/// Characters that RFC 3986 leaves unencoded: `A-Z a-z 0-9 - _ . ~`; everything else is encoded.
pub const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `SignatureMethod` common parameter value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` common parameter value.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Appends the RFC 3986 encoding of `input` to `out`.
pub fn encode_into(out: &mut String, input: &str) {
    for chunk in percent_encoding::utf8_percent_encode(input, RFC3986) {
        out.push_str(chunk);
    }
}

/// The RFC 3986 encoding of `input` (space as `%20`, upper-case hex).
pub fn encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    encode_into(&mut out, input);
    out
}

/// The canonical query: parameters sorted by name, names and values encoded, joined with `&`.
///
/// This is also the query string sent on the wire (before `&Signature=…` is appended).
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(b.1)));
    let capacity = params
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>()
        * 3
        / 2;
    let mut out = String::with_capacity(capacity);
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, name);
        out.push('=');
        encode_into(&mut out, value);
    }
    out
}

/// `METHOD&%2F&` followed by the encoded canonical query of `params` (all parameters, common
/// ones included, `Signature` excluded). Sorting and encoding happen here.
pub fn string_to_sign(method: &str, params: &[(&str, &str)]) -> String {
    string_to_sign_from_canonical(method, &canonical_query(params))
}

/// The string to sign for an already built canonical query (see [`canonical_query`]).
pub fn string_to_sign_from_canonical(method: &str, canonical: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonical.len() * 5 / 4);
    out.push_str(method);
    out.push_str("&%2F&");
    encode_into(&mut out, canonical);
    out
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`; the key is the secret as is (no trailing `&`).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs `params` and returns the complete query string for the wire:
/// the canonical query followed by `&Signature=<encoded signature>`.
pub fn signed_query(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    let mut query = canonical_query(params);
    let sig = signature(secret, &string_to_sign_from_canonical(method, &query));
    query.reserve(12 + sig.len() * 3 / 2);
    query.push_str("&Signature=");
    encode_into(&mut query, &sig);
    query
}

/// A UTC timestamp in the documented `yyyy-MM-ddTHH:mm:ssZ` form.
pub fn timestamp(now: time::OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let mut out = String::with_capacity(20);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    out
}

/// A fresh `SignatureNonce`: a random UUID.
pub fn nonce() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode_per_rfc3986() {
        assert_eq!(encode("a b"), "a%20b");
        assert_eq!(encode("+*~%/=&"), "%2B%2A~%25%2F%3D%26");
        assert_eq!(encode("-_.~AZaz09"), "-_.~AZaz09");
        assert_eq!(encode("中"), "%E4%B8%AD");
        assert_eq!(encode("😀"), "%F0%9F%98%80");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn canonical_query_sorts_by_name() {
        let q = canonical_query(&[("b", "2"), ("a", "1"), ("B", "0")]);
        assert_eq!(q, "B=0&a=1&b=2");
    }

    #[test]
    fn string_to_sign_double_encodes_the_canonical_query() {
        let sts = string_to_sign("GET", &[("k", "a b"), ("e", "")]);
        assert_eq!(sts, "GET&%2F&e%3D%26k%3Da%2520b");
    }

    #[test]
    fn signature_matches_rfc2202_hmac_sha1_vector() {
        // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
        let sig = signature("Jefe", "what do ya want for nothing?");
        assert_eq!(sig, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    #[test]
    fn signed_query_encodes_the_signature() {
        let q = signed_query("GET", &[("Action", "X")], "Jefe");
        let sig = signature("Jefe", &string_to_sign("GET", &[("Action", "X")]));
        assert!(q.starts_with("Action=X&Signature="));
        assert_eq!(q, format!("Action=X&Signature={}", encode(&sig)));
        assert!(!q["Action=X&Signature=".len()..].contains(['+', '/', '=']));
    }

    #[test]
    fn timestamp_has_documented_shape() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_514_808_000).expect("valid");
        assert_eq!(timestamp(t), "2018-01-01T12:00:00Z");
    }
}
