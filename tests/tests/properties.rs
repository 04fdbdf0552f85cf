//! Property tests.
//!
//! - For arbitrary Unicode parameter names and values, the query cds-core signs and sends is
//!   accepted by the emulator's independent verifier (`cds_emulator::verify`), and every
//!   parameter arrives intact.
//! - No response body (arbitrary bytes, arbitrary JSON) makes the envelope, the redaction or
//!   a generated output type's decoder panic, through serde or the one-pass typed decoder.
//!   (The decoder's verdicts are checked against an oracle in `crates/cds-core/tests/decode_oracle.rs`,
//!   the signer's in `crates/cds-core/tests/sign_oracle.rs`.)

use cds_core::operation::Envelope;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

const SECRET: &str = "pr0p-s3cr3t/+=&";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn signatures_of_arbitrary_unicode_parameters_verify(
        params in vec((any::<String>(), any::<String>()), 0..8),
        post in any::<bool>(),
    ) {
        let method = if post { "POST" } else { "GET" };
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let signer = cds_core::sign::Signer::new(SECRET);
        let query = signer.signed_query(method, &pairs);
        let decoded = cds_emulator::verify::parse_query(&query).expect("the sent query decodes");
        let sent = decoded.iter().find(|(k, _)| k == "Signature").map(|(_, v)| v.clone());
        prop_assert_eq!(
            Some(cds_emulator::verify::expected_signature(method, &decoded, SECRET)),
            sent
        );
        // Every parameter arrives exactly as given.
        let mut arrived: Vec<(String, String)> =
            decoded.into_iter().filter(|(k, _)| k != "Signature").collect();
        let mut given = params.clone();
        arrived.sort();
        given.sort();
        prop_assert_eq!(arrived, given);
    }

    #[test]
    fn no_byte_string_panics_the_envelope_or_the_redaction(body in vec(any::<u8>(), 0..256), status in 100_u16..600) {
        for line in cds_tests::all_lines() {
            let env: &Envelope = &line.service.envelope;
            let _ = env.decode_redacting("Op", status, None, &body, &["Password"]);
        }
        let quoted = cds_core::redact::quote_body(&body, 50, &["Password"]);
        prop_assert!(quoted.chars().count() <= 50 + "[REDACTED]…".chars().count());
    }

    #[test]
    fn no_json_body_panics_a_decoder(value in json(), status in prop_oneof![Just(200_u16), 100_u16..600]) {
        let bytes = serde_json::to_vec(&value).expect("encodes");
        for line in cds_tests::all_lines() {
            let _ = line.service.envelope.decode("Op", status, Some("hdr".into()), &bytes);
        }
        let redacted = cds_core::redact::redact_value(&value, &["Password"]);
        prop_assert!(!contains_key_with_value(&redacted, "password"));
        decode_all(&value, &bytes);
    }
}

/// Feeds `value` (and its bytes) to a sample of generated output types of every protocol,
/// through serde and through the one-pass decoder every typed call uses
/// (`Envelope::decode_typed`, with each line's envelope).
fn decode_all(value: &Value, bytes: &[u8]) {
    fn one<T: DeserializeOwned + cds_core::de::Fields>(value: &Value, bytes: &[u8]) {
        let _ = T::deserialize(value);
        let _ = serde_json::from_slice::<T>(bytes);
        for line in cds_tests::all_lines() {
            for status in [200, 400] {
                let _ = line.service.envelope.decode_typed::<T>(
                    "Op",
                    status,
                    None,
                    bytes,
                    line.service.sensitive_fields,
                );
            }
        }
    }
    one::<cds_ccs::DescribeInstancesOutput>(value, bytes);
    one::<cds_ccs::DescribeTaskOutput>(value, bytes);
    one::<cds_ccs::CreateInstanceOutput>(value, bytes);
    one::<cds_gcw::QuerySubAccountsOutput>(value, bytes);
    one::<cds_cecstack_ecs::ListInstancesOutput>(value, bytes);
    one::<cds_cecstack_ecs::GetInstanceOutput>(value, bytes);
}

/// Whether any member named `key` (case-insensitively) holds a non-redacted, non-null value.
fn contains_key_with_value(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| {
            (k.eq_ignore_ascii_case(key) && !v.is_null() && v != cds_core::redact::REDACTED)
                || contains_key_with_value(v, key)
        }),
        Value::Array(items) => items.iter().any(|v| contains_key_with_value(v, key)),
        _ => false,
    }
}

/// Arbitrary JSON, biased towards the keys the envelopes and outputs read.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        prop_oneof![Just("Success"), Just("200"), Just("FINISH"), Just("")].prop_map(Value::from),
    ];
    let key = prop_oneof![
        Just("Code".to_string()),
        Just("code".to_string()),
        Just("Data".to_string()),
        Just("data".to_string()),
        Just("Message".to_string()),
        Just("RequestId".to_string()),
        Just("TaskId".to_string()),
        Just("Status".to_string()),
        Just("Password".to_string()),
        Just("password".to_string()),
        Just("Instances".to_string()),
        Just("virtualMachines".to_string()),
        "\\PC{0,8}",
    ];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
