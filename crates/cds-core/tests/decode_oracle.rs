//! The one-pass typed decoder (`Envelope::decode_typed`, used by every typed call) against an
//! oracle written here from the runtime's promises, on arbitrary bytes and on envelope-shaped
//! JSON whose members have every case, every type and repeats:
//!
//! - a body that is not JSON is `Error::Decode` at 2xx, `Error::Http` otherwise;
//! - a JSON value that is not an object is `Error::Decode`, but a bare array at 2xx is the
//!   payload;
//! - the result code, message and request id are the members named by the envelope, matched
//!   exactly or else ignoring ASCII case (the message also under `Message`, `Msg`, `message`,
//!   `msg`); an exact match beats the others, and among equals the last in the body wins; only
//!   a string, number or boolean counts;
//! - success needs a 2xx status and a success code (compared ignoring case); a 2xx object
//!   without a code is `Error::Decode`; a failure code is `Error::Service` carrying code,
//!   message and request id (the envelope's, else the header's); no code outside 2xx is
//!   `Error::Http`;
//! - on success the typed output is the body as the output type reads it.
//!
//! And nothing panics.

use cds_core::operation::Envelope;
use cds_core::Error;
use proptest::prelude::*;
use serde_json::{Map, Value};

const CDS: Envelope = Envelope {
    code: "Code",
    success: &["Success"],
    message: "Message",
    request_id: Some("RequestId"),
    data: "Data",
};

const ECS: Envelope = Envelope {
    code: "Code",
    success: &["Success", "200"],
    message: "Msg",
    request_id: None,
    data: "Data",
};

/// What the oracle expects.
#[derive(Debug, PartialEq)]
enum Expected {
    Ok {
        request_id: Option<String>,
    },
    Service {
        code: String,
        message: String,
        request_id: Option<String>,
    },
    Decode,
    Http,
}

/// The members of a JSON object in body order (repeats kept), read without serde_json's map.
fn members(body: &str) -> Option<Vec<(String, Value)>> {
    struct Members(Vec<(String, Value)>);
    impl<'de> serde::Deserialize<'de> for Members {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Members;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<Members, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = m.next_entry::<String, Value>()? {
                        out.push((k, v));
                    }
                    Ok(Members(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<Members>(body).ok().map(|m| m.0)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The member named `name` by the rule above (`aliases` rank with inexact matches).
fn member(members: &[(String, Value)], name: &str, aliases: &[&str]) -> Option<String> {
    let mut best: Option<(bool, String)> = None;
    for (key, value) in members {
        let exact = key == name;
        let matches = exact || key.eq_ignore_ascii_case(name) || aliases.contains(&key.as_str());
        let Some(value) = text(value).filter(|_| matches) else {
            continue;
        };
        if best
            .as_ref()
            .is_some_and(|(was_exact, _)| *was_exact && !exact)
        {
            continue;
        }
        best = Some((exact, value));
    }
    best.map(|(_, v)| v)
}

fn oracle(env: &Envelope, status: u16, header_id: Option<&str>, body: &[u8]) -> Expected {
    let ok_status = (200..300).contains(&status);
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return if ok_status {
            Expected::Decode
        } else {
            Expected::Http
        };
    };
    if value.is_array() && ok_status {
        return Expected::Ok {
            request_id: header_id.map(str::to_string),
        };
    }
    if !value.is_object() {
        return Expected::Decode;
    }
    let members = members(std::str::from_utf8(body).expect("JSON is UTF-8")).expect("an object");
    let code = member(&members, env.code, &[]);
    let message = member(&members, env.message, &["Message", "Msg", "message", "msg"]);
    let request_id = env
        .request_id
        .and_then(|name| member(&members, name, &[]))
        .or(header_id.map(str::to_string));
    match code {
        None if ok_status => Expected::Decode,
        None => Expected::Http,
        Some(code) if ok_status && env.success.iter().any(|s| s.eq_ignore_ascii_case(&code)) => {
            Expected::Ok { request_id }
        }
        Some(code) => Expected::Service {
            code,
            message: message.unwrap_or_default(),
            request_id,
        },
    }
}

fn observed<O>(result: &Result<cds_core::envelope::Typed<O>, Error>) -> Expected {
    match result {
        Ok(typed) => Expected::Ok {
            request_id: typed.request_id.clone(),
        },
        Err(Error::Service(e)) => Expected::Service {
            code: e.code.clone(),
            message: e.message.clone(),
            request_id: e.request_id.clone(),
        },
        Err(Error::Decode { .. }) => Expected::Decode,
        Err(Error::Http { .. }) => Expected::Http,
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

/// A typed output with members of several types, to meet wrong types.
#[derive(Debug, Default, PartialEq)]
struct Typed {
    data: Option<Value>,
    count: Option<i64>,
}

impl cds_core::de::Fields for Typed {
    const NAME: &'static str = "Typed";
    fn field<'de, D: serde::Deserializer<'de>>(
        &mut self,
        key: &str,
        value: D,
    ) -> Result<(), D::Error> {
        match key {
            "Data" => self.data = serde::Deserialize::deserialize(value)?,
            "Count" => self.count = cds_core::de::lenient(value)?,
            _ => cds_core::de::skip(value)?,
        }
        Ok(())
    }
}
cds_core::impl_deserialize!(Typed);

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6..1e6f64).prop_map(Value::from),
        prop::sample::select(vec![
            "Success",
            "success",
            "SUCCESS",
            "200",
            "Failed",
            "InstanceNotFound",
            "",
            "r-1",
            "ok"
        ])
        .prop_map(|s| Value::String(s.to_string())),
        "[ -~]{0,8}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An envelope-shaped object, written by hand so that keys may repeat.
fn envelope_text() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "Code",
        "code",
        "CODE",
        "Message",
        "message",
        "Msg",
        "msg",
        "MSG",
        "RequestId",
        "requestid",
        "REQUESTID",
        "Data",
        "Count",
        "Other",
    ]);
    prop::collection::vec((key, json_value()), 0..7).prop_map(|members| {
        let inner: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}:{}", Value::from(*k), v))
            .collect();
        format!("{{{}}}", inner.join(","))
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200_u16),
        Just(204),
        Just(400),
        Just(404),
        Just(500),
        Just(302),
        100_u16..600
    ]
}

fn check(
    env: &Envelope,
    status: u16,
    header: Option<&str>,
    body: &[u8],
) -> Result<(), TestCaseError> {
    let expected = oracle(env, status, header, body);
    let as_value = env.decode_typed::<Value>(
        "Op",
        status,
        header.map(str::to_string),
        body,
        &["Password"],
    );
    prop_assert_eq!(
        observed(&as_value),
        expected,
        "as Value: {}",
        String::from_utf8_lossy(body)
    );
    if let Ok(typed) = &as_value {
        // The whole object, as parsed (an array comes wrapped in the envelope's data field).
        let parsed: Value = serde_json::from_slice(body).expect("JSON");
        let whole = if parsed.is_array() {
            Value::Object(Map::from_iter([(env.data.to_string(), parsed)]))
        } else {
            parsed
        };
        prop_assert_eq!(&typed.output, &whole);
    }
    let as_typed = env.decode_typed::<Typed>(
        "Op",
        status,
        header.map(str::to_string),
        body,
        &["Password"],
    );
    match (&as_typed, oracle(env, status, header, body)) {
        // A shape the output type refuses turns a success into a decode error, never a panic.
        (Err(Error::Decode { reason, .. }), Expected::Ok { .. }) => {
            prop_assert!(
                reason.contains("shape") || reason.contains("Count"),
                "{}",
                reason
            )
        }
        (result, expected) => prop_assert_eq!(observed(result), expected),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn envelope_shaped_bodies_decode_as_the_promises_say(body in envelope_text(), status in status(), header in prop::option::of("[a-z0-9-]{1,6}")) {
        for env in [&CDS, &ECS] {
            check(env, status, header.as_deref(), body.as_bytes())?;
        }
    }

    #[test]
    fn any_json_decodes_as_the_promises_say(value in json_value(), status in status()) {
        let body = serde_json::to_vec(&value).expect("encodes");
        check(&CDS, status, None, &body)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_are_judged(body in prop::collection::vec(any::<u8>(), 0..64), status in status()) {
        check(&CDS, status, Some("h"), &body)?;
    }
}
