//! Two more fast paths against oracles written here: the REST path encoder (one segment per
//! value, nothing that URL normalisation could read as a separator or a dot segment) and the
//! redaction of bodies shown in `Debug`, errors and logs.

use cds_core::operation::{Kind, Location, Method, Operation, Param};
use proptest::prelude::*;
use serde_json::{Map, Value};

static OP: Operation = Operation {
    name: "GetThing",
    method: Method::Get,
    path: Some("/things/{id}"),
    host: None,
    read: true,
    params: &[Param {
        name: "id",
        location: Location::Path,
        required: true,
        kind: Kind::String,
    }],
    binary_response: false,
};

/// The oracle: every byte but `A-Z a-z 0-9 - _ ~` as `%XY` (the dot too).
fn segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn path_value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z0-9_~-]{1,4}",
        2 => prop::sample::select(vec![".", "..", "/", "%", "?", "#", "&", "=", " ", "+", ";", "\\", "%2F", "%2E"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["中", "😀", "\u{0}", "\n"]).prop_map(str::to_string),
    ];
    prop_oneof![
        1 => Just(String::new()),
        1 => "\\.{1,3}",
        8 => prop::collection::vec(piece, 1..5).prop_map(|p| p.concat()),
    ]
}

const SENSITIVE: &[&str] = &["AdminPass", "Password"];
const ALWAYS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "secretkey",
    "secret_key",
    "accesskeysecret",
    "token",
    "accesstoken",
    "access_token",
    "privatekey",
    "private_key",
    "userdata",
    "user_data",
    "authorization",
];
/// A marker only sensitive members ever hold in the generated bodies.
const MARK: &str = "S3CR3T";

fn is_secret_key(key: &str) -> bool {
    SENSITIVE
        .iter()
        .chain(ALWAYS)
        .any(|s| s.eq_ignore_ascii_case(key))
}

/// The oracle: a copy whose sensitive members (any depth, any case) hold `[REDACTED]`
/// unless null.
fn redacted(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let shown = if is_secret_key(k) && !v.is_null() {
                        Value::String("[REDACTED]".into())
                    } else {
                        redacted(v)
                    };
                    (k.clone(), shown)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        other => other.clone(),
    }
}

fn body() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "Name",
        "adminpass",
        "AdminPass",
        "PASSWORD",
        "Token",
        "UserData",
        "private_key",
        "Id",
        "Items",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i32>().prop_map(Value::from),
        "[a-z ]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..4).prop_map(|m| {
                Value::Object(
                    m.into_iter()
                        .map(|(k, v)| {
                            // A secret member holds the marker (or a structure holding it).
                            let v = if is_secret_key(k) && !v.is_null() {
                                Value::String(format!("{MARK}-{v}"))
                            } else {
                                v
                            };
                            (k.to_string(), v)
                        })
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn path_segments_encode_as_the_oracle_or_are_refused(value in path_value()) {
        match cds_core::request::path_segment(&OP, "id", &value) {
            Ok(encoded) => {
                prop_assert!(!value.is_empty() && !value.chars().all(|c| c == '.'));
                prop_assert_eq!(encoded, segment(&value));
            }
            Err(_) => prop_assert!(value.is_empty() || value.chars().all(|c| c == '.')),
        }
    }

    #[test]
    fn redaction_agrees_with_the_oracle_and_no_quote_shows_a_secret(value in body(), max in 0_usize..400) {
        prop_assert_eq!(cds_core::redact::redact_value(&value, SENSITIVE), redacted(&value));
        let text = value.to_string();
        let quoted = cds_core::redact::quote_body(text.as_bytes(), max, SENSITIVE);
        prop_assert!(!quoted.contains(MARK), "{}", quoted);
        // Cut anywhere (not JSON any more): still no secret.
        for cut in [text.len() / 3, text.len() / 2, text.len().saturating_sub(1)] {
            let head = &text.as_bytes()[..cut];
            let quoted = cds_core::redact::quote_body(head, 400, SENSITIVE);
            prop_assert!(!quoted.contains(MARK), "{}", quoted);
        }
    }
}
