//! The signer against an oracle written here from the document's prose (签名机制), sharing no
//! code with `cds_core::sign`, on inputs aimed at the boundaries of the signer's fast paths.
//!
//! The fast path copies names and values as they are when none needs escaping; the inputs
//! below are built from ASCII unreserved characters mixed with each reserved byte (`=` and `&`
//! above all, which are also the query's own separators), `:` (every timestamp has two),
//! control bytes, multi-byte UTF-8 and empty strings, so that every hand-over between the
//! fast and the slow path is drawn often. `any::<String>()` almost never draws an ASCII
//! string with `=` or `&`: the fast path once shipped broken on exactly those.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha1::Sha1;

/// The oracle: the document's algorithm, step by step, as plainly as possible.
mod prose {
    use super::*;

    /// "Percent-encode with RFC 3986": `A-Z a-z 0-9 - _ . ~` are kept, every other byte of
    /// the UTF-8 text is `%` followed by two upper-case hex digits.
    pub fn percent(text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            let keep = byte.is_ascii_uppercase()
                || byte.is_ascii_lowercase()
                || byte.is_ascii_digit()
                || matches!(byte, b'-' | b'_' | b'.' | b'~');
            if keep {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    /// "Sort the parameters by name" (byte order; equal names by value), encode each name and
    /// value, join `name=value` pairs with `&`.
    pub fn canonical(params: &[(String, String)]) -> String {
        let mut sorted: Vec<&(String, String)> = params.iter().collect();
        sorted.sort_by(|a, b| {
            a.0.as_bytes()
                .cmp(b.0.as_bytes())
                .then(a.1.as_bytes().cmp(b.1.as_bytes()))
        });
        let pairs: Vec<String> = sorted
            .iter()
            .map(|(name, value)| format!("{}={}", percent(name), percent(value)))
            .collect();
        pairs.join("&")
    }

    /// `StringToSign = HTTPMethod + "&" + percent("/") + "&" + percent(canonical)`.
    pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
        format!("{method}&{}&{}", percent("/"), percent(&canonical(params)))
    }

    /// `base64(HMAC-SHA1(secret, StringToSign))`, keyed with the bare secret (the document's
    /// own sample does; its prose's trailing `&` is not used by the service).
    pub fn signature(secret: &str, string_to_sign: &str) -> String {
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(string_to_sign.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// The query sent: the canonical query and `&Signature=` with the signature encoded.
    pub fn signed_query(method: &str, params: &[(String, String)], secret: &str) -> String {
        let sts = string_to_sign(method, params);
        format!(
            "{}&Signature={}",
            canonical(params),
            percent(&signature(secret, &sts))
        )
    }

    /// Splits a wire query and decodes each `%XY`, the way a server reads it.
    pub fn decode_query(query: &str) -> Vec<(String, String)> {
        fn unescape(text: &str) -> String {
            let bytes = text.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' && i + 2 < bytes.len() {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
                    out.push(u8::from_str_radix(hex, 16).expect("hex"));
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).expect("utf-8")
        }
        query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (unescape(name), unescape(value))
            })
            .collect()
    }
}

/// One "character" of a generated name or value: unreserved ASCII most of the time, and
/// each of the boundary classes often enough to be drawn in most cases.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[A-Za-z0-9._~-]{1,6}",
        3 => prop::sample::select(vec!["=", "&"]).prop_map(str::to_string),
        3 => prop::sample::select(vec![
            "+", "%", "/", ":", "?", "#", "[", "]", "@", "!", "$", "'", "(", ")", "*", ",", ";",
            " ", "~",
        ])
        .prop_map(str::to_string),
        1 => prop::sample::select(vec!["\u{0}", "\t", "\n", "\r", "\u{1f}", "\u{7f}"])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec!["中", "é", "😀", "\u{80}", "\u{fffd}", "ﬀ"])
            .prop_map(str::to_string),
        1 => "%[0-9A-Fa-f]{2}",
    ]
}

/// A name or value: empty sometimes, otherwise a few pieces.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        8 => prop::collection::vec(piece(), 1..5).prop_map(|p| p.concat()),
    ]
}

/// A request's parameters: the common ones (a real timestamp with its two `:`) plus
/// boundary names and values, duplicates and empty names included.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    let common = vec![
        ("Action".to_string(), "DescribeTask".to_string()),
        ("Timestamp".to_string(), "2026-12-04T15:28:40Z".to_string()),
        ("SignatureNonce".to_string(), "6b83fec0-1c2d".to_string()),
    ];
    (prop::collection::vec((text(), text()), 0..8), any::<bool>()).prop_map(move |(extra, with)| {
        let mut all = if with { common.clone() } else { Vec::new() };
        all.extend(extra);
        all
    })
}

fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_signer_agrees_with_the_prose(
        params in params(),
        post in any::<bool>(),
        secret in "[ -~]{0,24}",
    ) {
        let method = if post { "POST" } else { "GET" };
        let given = pairs(&params);
        prop_assert_eq!(cds_core::sign::canonical_query(&given), prose::canonical(&params));
        prop_assert_eq!(
            cds_core::sign::string_to_sign(method, &given),
            prose::string_to_sign(method, &params)
        );
        let signer = cds_core::sign::Signer::new(&secret);
        let query = signer.signed_query(method, &given);
        prop_assert_eq!(&query, &prose::signed_query(method, &params, &secret));
        // On the wire, every parameter arrives as given: none splits, none merges.
        let mut arrived = prose::decode_query(&query);
        let signature = arrived.pop();
        prop_assert_eq!(
            signature,
            Some(("Signature".to_string(), prose::signature(&secret, &prose::string_to_sign(method, &params))))
        );
        let mut expected = params.clone();
        expected.sort();
        arrived.sort();
        if params.is_empty() {
            // The canonical query of no parameter is empty: the wire has `&Signature=…` only.
            prop_assert_eq!(arrived, vec![(String::new(), String::new())]);
        } else {
            prop_assert_eq!(arrived, expected);
        }
    }

    #[test]
    fn encode_agrees_with_the_prose(value in text()) {
        prop_assert_eq!(cds_core::sign::encode(&value), prose::percent(&value));
        let mut out = String::from("x");
        cds_core::sign::encode_into(&mut out, &value);
        prop_assert_eq!(out, format!("x{}", prose::percent(&value)));
    }

    #[test]
    fn the_string_to_sign_of_a_canonical_query_agrees(params in params(), post in any::<bool>()) {
        let method = if post { "POST" } else { "GET" };
        let canonical = prose::canonical(&params);
        prop_assert_eq!(
            cds_core::sign::string_to_sign_from_canonical(method, &canonical),
            prose::string_to_sign(method, &params)
        );
    }
}

/// The values of the issue that found the defect, named, so that a failure reads plainly.
#[test]
fn values_with_the_query_separators_are_escaped() {
    for value in [
        "dGVzdA==",
        "a&b",
        "a=b&c=d",
        "=",
        "&",
        "k=v",
        "x&Action=Other",
    ] {
        let params = vec![
            ("Action".to_string(), "DescribeTask".to_string()),
            ("TaskId".to_string(), value.to_string()),
        ];
        let query = cds_core::sign::signed_query("GET", &pairs(&params), "s");
        assert_eq!(
            query,
            prose::signed_query("GET", &params, "s"),
            "TaskId={value:?}"
        );
        let arrived = prose::decode_query(&query);
        assert_eq!(arrived.len(), 3, "{value:?} must not split: {query}");
        assert_eq!(arrived[1], ("TaskId".to_string(), value.to_string()));
    }
}
