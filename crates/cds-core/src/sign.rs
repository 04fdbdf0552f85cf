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
use sha1::Sha1;
use std::fmt::Write as _;

/// `SignatureMethod` common parameter value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` common parameter value.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Upper-case hex digits.
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `UNRESERVED[b]`: byte `b` is kept as is by RFC 3986 (`A-Z a-z 0-9 - _ . ~`).
///
/// The encoders below are hand-written table lookups rather than the `percent-encoding`
/// crate's chunk iterator: signing sits on every call's path, and the benchmark
/// (`benches/signing.rs`) measured the iterator at about 0.3 µs more per signature.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c == b'~';
        b += 1;
    }
    table
};

/// Whether every byte of `input` is unreserved. Written as a fold without an early exit, of
/// range checks rather than table lookups, so that the compiler checks many bytes per
/// instruction: most names and values (ids, UUIDs, keys) need no escaping at all.
#[inline]
fn all_unreserved(input: &[u8]) -> bool {
    input.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_') | (b == b'.') | (b == b'~'))
    })
}

/// Appends `input` percent-encoded to `out`, each reserved byte written as `prefix` + hex:
/// an input without reserved bytes is copied in one go, otherwise runs of unreserved bytes are.
#[inline]
fn push_with_prefix(out: &mut Vec<u8>, input: &str, prefix: &[u8]) {
    if all_unreserved(input.as_bytes()) {
        out.extend_from_slice(input.as_bytes());
        return;
    }
    let mut rest = input.as_bytes();
    while !rest.is_empty() {
        let run = rest
            .iter()
            .position(|&b| !UNRESERVED[b as usize])
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..run]);
        let Some(&b) = rest.get(run) else { break };
        out.extend_from_slice(prefix);
        out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        rest = &rest[run + 1..];
    }
}

/// Appends the RFC 3986 encoding of `input` to `out`.
fn push_encoded(out: &mut Vec<u8>, input: &str) {
    push_with_prefix(out, input, b"%");
}

/// Appends the encoding of the encoding of `input` (what encoding a canonical query that
/// contains `input` encoded once gives): a `%XY` becomes `%25XY`.
fn push_double_encoded(out: &mut Vec<u8>, input: &str) {
    push_with_prefix(out, input, b"%25");
}

/// Output of the encoders is ASCII by construction.
fn ascii_to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the RFC 3986 encoding of `input` to `out`.
pub fn encode_into(out: &mut String, input: &str) {
    let mut bytes = Vec::with_capacity(input.len() * 3);
    push_encoded(&mut bytes, input);
    out.push_str(&ascii_to_string(bytes));
}

/// The RFC 3986 encoding of `input` (space as `%20`, upper-case hex).
pub fn encode(input: &str) -> String {
    let mut bytes = Vec::with_capacity(input.len() + 8);
    push_encoded(&mut bytes, input);
    ascii_to_string(bytes)
}

/// Most requests carry at most this many parameters; ordering them needs no allocation.
const INLINE_PARAMS: usize = 24;

/// The first 8 bytes of a name as a big-endian number (zero-padded): two of these compare as
/// the names' bytes do, unless they are equal.
fn prefix(s: &str) -> u64 {
    let bytes = s.as_bytes();
    match bytes.get(..8) {
        Some(head) => head.iter().fold(0, |k, &b| k << 8 | u64::from(b)),
        None => {
            let k: u64 = bytes.iter().fold(0, |k, &b| k << 8 | u64::from(b));
            // An empty name shifts by 64: all padding.
            k.checked_shl(8 * (8 - bytes.len() as u32)).unwrap_or(0)
        }
    }
}

/// Calls `f` with the indices of `params` in signing order: by name, then value (byte
/// order). An insertion sort of indices keyed by each name's 8-byte prefix, on the stack:
/// requests carry a dozen parameters, mostly in order already, and names usually differ in
/// their first 8 bytes, so most comparisons are one integer comparison.
fn with_order<R>(params: &[(&str, &str)], f: impl FnOnce(&[usize]) -> R) -> R {
    fn sort(params: &[(&str, &str)], keys: &mut [u64], order: &mut [usize]) {
        for (i, (key, slot)) in keys.iter_mut().zip(order.iter_mut()).enumerate() {
            *key = prefix(params[i].0);
            *slot = i;
        }
        let less = |a: usize, b: usize| match keys[a].cmp(&keys[b]) {
            std::cmp::Ordering::Equal => params[a] < params[b],
            other => other.is_lt(),
        };
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && less(order[j], order[j - 1]) {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let n = params.len();
    if n <= INLINE_PARAMS {
        let mut keys = [0u64; INLINE_PARAMS];
        let mut order = [0usize; INLINE_PARAMS];
        sort(params, &mut keys[..n], &mut order[..n]);
        f(&order[..n])
    } else {
        let mut keys = vec![0u64; n];
        let mut order = vec![0usize; n];
        sort(params, &mut keys, &mut order);
        f(&order)
    }
}

/// The canonical query and the string to sign, built in one pass over the sorted parameters.
fn canonical_and_string_to_sign(method: &str, params: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let mut canonical = Vec::new();
    let mut sts = Vec::new();
    build(method, params, &mut canonical, &mut sts);
    (canonical, sts)
}

/// Fills `canonical` (the wire query, with room left for the signature) and `sts` (the string
/// to sign); both are cleared first.
///
/// Nearly every request's names and values need no escaping but the timestamp's `:` (ids,
/// UUIDs, numbers, keys). So each name and value is first checked on its own (unreserved
/// bytes and `:` only: never `=` or `&`, which only the separators written here may be);
/// when all pass, they are copied as they are, in signing order, into `canonical`, the string
/// to sign is built from them around the separators and the few `:`, and the `:` of the
/// canonical query are escaped in place. Otherwise both are built byte by byte.
fn build(method: &str, params: &[(&str, &str)], canonical: &mut Vec<u8>, sts: &mut Vec<u8>) {
    let raw: usize = params.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    canonical.clear();
    sts.clear();
    // Room for the signature the caller appends (`&Signature=` and 28 base64 characters,
    // encoded) without growing.
    canonical.reserve(raw + raw / 2 + 96);
    sts.reserve(method.len() + 5 + raw * 2);
    sts.extend_from_slice(method.as_bytes());
    sts.extend_from_slice(b"&%2F&");
    // Each name and value on its own: a `=` or `&` inside one must be escaped, so it must
    // never pass for a separator of the joined copy.
    let copyable = params.iter().all(|(name, value)| {
        unreserved_or_colon(name.as_bytes()) & unreserved_or_colon(value.as_bytes())
    });
    with_order(params, |order| {
        let sorted = || order.iter().map(|&i| params[i]);
        // At most this many `:` take the fast path (a request has the timestamp's two).
        const MAX_COLONS: usize = 8;
        let mut colons = [0usize; MAX_COLONS];
        let mut count = usize::MAX;
        if copyable {
            for (i, (name, value)) in sorted().enumerate() {
                if i > 0 {
                    canonical.push(b'&');
                }
                canonical.extend_from_slice(name.as_bytes());
                canonical.push(b'=');
                canonical.extend_from_slice(value.as_bytes());
            }
            count = 0;
            for at in memchr::memchr_iter(b':', canonical) {
                if count == MAX_COLONS {
                    count = usize::MAX;
                    break;
                }
                colons[count] = at;
                count += 1;
            }
        }
        if count != usize::MAX {
            let colons = &colons[..count];
            let mut next = 0;
            let mut offset = 0;
            for (i, (name, value)) in sorted().enumerate() {
                if i > 0 {
                    sts.extend_from_slice(b"%26");
                    offset += 1;
                }
                push_piece(sts, name, offset, colons, &mut next);
                offset += name.len();
                sts.extend_from_slice(b"%3D");
                offset += 1;
                push_piece(sts, value, offset, colons, &mut next);
                offset += value.len();
            }
            for &at in colons.iter().rev() {
                canonical.splice(at..at + 1, *b"%3A");
            }
            return;
        }
        canonical.clear();
        for (i, (name, value)) in sorted().enumerate() {
            if i > 0 {
                canonical.push(b'&');
                sts.extend_from_slice(b"%26");
            }
            push_encoded(canonical, name);
            push_double_encoded(sts, name);
            canonical.push(b'=');
            sts.extend_from_slice(b"%3D");
            push_encoded(canonical, value);
            push_double_encoded(sts, value);
        }
    });
}

/// Appends `text`, which starts at `offset` of the copied query, to the string to sign, each
/// of its `:` (the `colons` from `next` on that fall inside it) written `%253A`.
#[inline]
fn push_piece(sts: &mut Vec<u8>, text: &str, offset: usize, colons: &[usize], next: &mut usize) {
    let end = offset + text.len();
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(&at) = colons.get(*next).filter(|&&at| at < end) {
        sts.extend_from_slice(&bytes[start..at - offset]);
        sts.extend_from_slice(b"%253A");
        start = at - offset + 1;
        *next += 1;
    }
    sts.extend_from_slice(&bytes[start..]);
}

/// Whether `bytes` (one name or one value) holds only unreserved bytes and `:` (every
/// request's `Timestamp` has two); see [`all_unreserved`] for why it is written so. `=` and
/// `&` are refused: inside a name or value they must be escaped.
#[inline]
fn unreserved_or_colon(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_alphanumeric()
            | (b == b'-')
            | (b == b'_')
            | (b == b'.')
            | (b == b'~')
            | (b == b':'))
    })
}

/// The canonical query: parameters sorted by name, names and values encoded, joined with `&`.
///
/// This is also the query string sent on the wire (before `&Signature=…` is appended).
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let raw: usize = params.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = Vec::with_capacity(raw + raw / 2);
    with_order(params, |order| {
        for (i, (name, value)) in order.iter().map(|&i| params[i]).enumerate() {
            if i > 0 {
                out.push(b'&');
            }
            push_encoded(&mut out, name);
            out.push(b'=');
            push_encoded(&mut out, value);
        }
    });
    ascii_to_string(out)
}

/// `METHOD&%2F&` followed by the encoded canonical query of `params` (all parameters, common
/// ones included, `Signature` excluded). Sorting and encoding happen here.
pub fn string_to_sign(method: &str, params: &[(&str, &str)]) -> String {
    ascii_to_string(canonical_and_string_to_sign(method, params).1)
}

/// The string to sign for an already built canonical query (see [`canonical_query`]).
pub fn string_to_sign_from_canonical(method: &str, canonical: &str) -> String {
    let mut out = Vec::with_capacity(method.len() + 5 + canonical.len() * 5 / 4);
    out.extend_from_slice(method.as_bytes());
    out.extend_from_slice(b"&%2F&");
    push_encoded(&mut out, canonical);
    ascii_to_string(out)
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`; the key is the secret as is (no trailing `&`).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    Signer::new(secret).signature(string_to_sign)
}

/// Signs `params` and returns the complete query string for the wire:
/// the canonical query followed by `&Signature=<encoded signature>`.
pub fn signed_query(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    Signer::new(secret).signed_query(method, params)
}

/// A signer holding the HMAC key schedule of one secret, so that each request pays only for
/// hashing its own string to sign. `Debug` never shows the key.
#[derive(Clone)]
pub struct Signer {
    keyed: Hmac<Sha1>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([REDACTED])")
    }
}

impl Signer {
    /// A signer for `secret` (used as is, no trailing `&`).
    pub fn new(secret: &str) -> Self {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        let keyed = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        Self { keyed }
    }

    /// `base64(HMAC-SHA1(secret, string_to_sign))`.
    pub fn signature(&self, string_to_sign: &str) -> String {
        self.sign_bytes(string_to_sign.as_bytes())
    }

    fn sign_bytes(&self, message: &[u8]) -> String {
        let mut out = [0u8; 28];
        let sig = self.sign_into(message, &mut out);
        String::from_utf8_lossy(sig).into_owned()
    }

    /// `base64(HMAC-SHA1(key, message))` written into `out`, without allocating.
    fn sign_into<'o>(&self, message: &[u8], out: &'o mut [u8; 28]) -> &'o [u8] {
        let mut mac = self.keyed.clone();
        mac.update(message);
        let written = base64::engine::general_purpose::STANDARD
            .encode_slice(mac.finalize().into_bytes(), out)
            .unwrap_or(0);
        &out[..written]
    }

    /// Signs `params` and returns the complete wire query (see [`signed_query`]).
    pub fn signed_query(&self, method: &str, params: &[(&str, &str)]) -> String {
        let mut query = Vec::new();
        let mut sts = Vec::new();
        build(method, params, &mut query, &mut sts);
        let mut out = [0u8; 28];
        let sig = self.sign_into(&sts, &mut out);
        query.extend_from_slice(b"&Signature=");
        // Base64's three reserved characters, escaped without the general encoder.
        for &b in sig {
            match b {
                b'+' => query.extend_from_slice(b"%2B"),
                b'/' => query.extend_from_slice(b"%2F"),
                b'=' => query.extend_from_slice(b"%3D"),
                _ => query.push(b),
            }
        }
        ascii_to_string(query)
    }
}

/// A UTC timestamp in the documented `yyyy-MM-ddTHH:mm:ssZ` form.
pub fn timestamp(now: time::OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let Ok(year @ 0..=9999) = u32::try_from(now.year()) else {
        return timestamp_formatted(now);
    };
    // Four-digit years (every real call's) are written digit by digit: `write!` with padding
    // cost more than the rest of the timestamp's work.
    let mut out = [0u8; 20];
    let mut put = |at: usize, value: u32, digits: usize| {
        let mut v = value;
        for i in (0..digits).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, u32::from(u8::from(now.month())), 2);
    put(8, u32::from(now.day()), 2);
    put(11, u32::from(now.hour()), 2);
    put(14, u32::from(now.minute()), 2);
    put(17, u32::from(now.second()), 2);
    out[4] = b'-';
    out[7] = b'-';
    out[10] = b'T';
    out[13] = b':';
    out[16] = b':';
    out[19] = b'Z';
    ascii_to_string(out.to_vec())
}

/// [`timestamp`] through `write!`: years without exactly four digits.
fn timestamp_formatted(now: time::OffsetDateTime) -> String {
    let mut out = String::with_capacity(22);
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

/// The `Timestamp` of `at`, or `None` when `at` is before 1970 or after 9999 (the documented
/// form has four year digits).
pub fn timestamp_of(at: std::time::SystemTime) -> Option<String> {
    let secs = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?).ok()?;
    (at.year() <= 9999).then(|| timestamp(at))
}

/// The current UTC time as a `Timestamp` parameter.
pub fn current_timestamp() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// A fresh `SignatureNonce`: a random (version 4) UUID.
///
/// The bits come from `fastrand`'s per-thread generator (seeded once per thread), not from the
/// operating system: a nonce must be unique, not secret (the signature covers it, and the
/// secret never leaves the client), and a `getrandom` system call on every request was the
/// largest difference between an SDK call and a bare HTTP request in the call benchmark.
pub fn nonce() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text)
        .to_string()
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
    fn one_pass_string_to_sign_equals_encoding_the_canonical_query() {
        let params = [("b", "a b+*~%/=&中😀"), ("A", ""), ("k=", "&")];
        let canonical = canonical_query(&params);
        assert_eq!(
            string_to_sign("POST", &params),
            string_to_sign_from_canonical("POST", &canonical)
        );
    }

    #[test]
    fn the_copying_fast_path_equals_encoding_byte_by_byte() {
        // Only `:` to escape (the fast path), then one `+` more (the byte-by-byte path).
        let fast = [("Timestamp", "2026-11-23T10:00:00Z"), ("Action", "X")];
        let slow = [("Timestamp", "2026-11-23T10:00:00Z"), ("Action", "X+")];
        for params in [&fast[..], &slow[..]] {
            let canonical = canonical_query(params);
            let (built, sts) = canonical_and_string_to_sign("GET", params);
            assert_eq!(ascii_to_string(built), canonical);
            assert_eq!(
                ascii_to_string(sts),
                string_to_sign_from_canonical("GET", &canonical)
            );
        }
        assert_eq!(
            canonical_query(&fast),
            "Action=X&Timestamp=2026-11-23T10%3A00%3A00Z"
        );
    }

    /// `params` sorted in signing order (see [`with_order`]).
    fn with_sorted<R>(params: &[(&str, &str)], f: impl FnOnce(&[(&str, &str)]) -> R) -> R {
        with_order(params, |order| {
            let sorted: Vec<(&str, &str)> = order.iter().map(|&i| params[i]).collect();
            f(&sorted)
        })
    }

    #[test]
    fn the_sort_orders_as_bytes_do() {
        let names = [
            "SignatureVersion",
            "SignatureNonce",
            "Signature",
            "S",
            "",
            "SignatureMethod",
            "Sign",
            "b",
            "a\u{0}",
            "a",
            "Zz",
            "中文",
            "SignatureMethod",
        ];
        let params: Vec<(&str, &str)> = names.iter().map(|n| (*n, "v")).collect();
        let mut expected = params.clone();
        expected.sort();
        let owned = |sorted: &[(&str, &str)]| -> Vec<(String, String)> {
            sorted
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(with_sorted(&params, owned), owned(&expected));
        let many: Vec<(&str, &str)> = names.iter().cycle().take(40).map(|n| (*n, "")).collect();
        let mut expected = many.clone();
        expected.sort();
        assert_eq!(with_sorted(&many, owned), owned(&expected));
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
    fn cached_signer_matches_the_plain_functions() {
        let params = [("Action", "X"), ("V", "a b")];
        let signer = Signer::new("Jefe");
        assert_eq!(
            signer.signed_query("GET", &params),
            signed_query("GET", &params, "Jefe")
        );
        assert_eq!(
            signer.signature("what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk="
        );
        assert!(!format!("{signer:?}").contains("Jefe"));
    }

    #[test]
    fn nonces_are_version_4_uuids_and_differ() {
        let a = nonce();
        let b = nonce();
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn timestamp_is_the_civil_date_of_any_instant() {
        /// The proleptic Gregorian date of `days` since 1970-01-01 (Hinnant's
        /// `civil_from_days`), written here from the algorithm, not from `time`.
        fn civil(days: i64) -> (i64, u32, u32) {
            let z = days + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z.rem_euclid(146_097);
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
            let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
            let year = yoe + era * 400 + i64::from(month <= 2);
            (year, month, day)
        }
        let first = time::OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT);
        let last = time::OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);
        let (low, high) = (first.unix_timestamp(), last.unix_timestamp());
        let year_0 = -62_167_219_200_i64; // 0000-01-01T00:00:00Z
        let year_10000 = 253_402_300_800_i64; // 10000-01-01T00:00:00Z
        let edges = proptest::prop_oneof![
            low..=high,
            (year_0 - 86_400)..(year_0 + 86_400),
            (year_10000 - 86_400)..=high.min(year_10000 + 86_400),
            -86_400_i64..86_400,
        ];
        proptest::proptest!(|(secs in edges)| {
            let at = time::OffsetDateTime::from_unix_timestamp(secs).expect("in range");
            let (year, month, day) = civil(secs.div_euclid(86_400));
            let of_day = secs.rem_euclid(86_400);
            let expected = format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                of_day / 3600,
                of_day / 60 % 60,
                of_day % 60
            );
            proptest::prop_assert_eq!(timestamp(at), expected);
        });
    }

    #[test]
    fn timestamp_has_documented_shape() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_514_808_000).expect("valid");
        assert_eq!(timestamp(t), "2018-01-01T12:00:00Z");
    }

    #[test]
    fn the_current_timestamp_is_now_in_the_documented_form() {
        let before = time::OffsetDateTime::now_utc().unix_timestamp();
        let stamp = current_timestamp();
        let after = time::OffsetDateTime::now_utc().unix_timestamp();
        let candidates: Vec<String> = (before..=after)
            .map(|secs| timestamp(time::OffsetDateTime::from_unix_timestamp(secs).expect("now")))
            .collect();
        assert!(candidates.contains(&stamp), "{stamp} not in {candidates:?}");
    }

    #[test]
    fn a_signer_debugs_as_redacted_and_never_shows_its_secret() {
        let shown = format!("{:?}", Signer::new("very-secret-key"));
        assert_eq!(shown, "Signer([REDACTED])");
    }
}
