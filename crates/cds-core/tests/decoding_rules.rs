//! The lenient decoding rules, one by one (the generated output types rely on them): scalars
//! that decode either way, their limits, empty and null forms, and what an error says.

use cds_core::de::{lenient, lenient_vec, one_or_many, FromScalar, Scalar};
use cds_core::operation::Envelope;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, Debug, Default, PartialEq)]
struct Row {
    #[serde(default, deserialize_with = "lenient")]
    i: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    f: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    b: Option<bool>,
    #[serde(default, deserialize_with = "lenient_vec")]
    v: Option<Vec<i64>>,
}

fn row(json: &str) -> Result<Row, String> {
    serde_json::from_str::<Row>(json).map_err(|e| e.to_string())
}

#[test]
fn integers_take_whole_floats_below_two_to_the_53rd_only() {
    assert_eq!(row(r#"{"i":3.0}"#).map(|r| r.i), Ok(Some(3)));
    assert_eq!(
        row(r#"{"i":-8999999999999998.0}"#).map(|r| r.i),
        Ok(Some(-8_999_999_999_999_998))
    );
    assert!(
        row(r#"{"i":9.0e15}"#).is_err(),
        "at the bound: not exact any more"
    );
    assert!(row(r#"{"i":1.0e16}"#).is_err());
    assert!(row(r#"{"i":3.5}"#).is_err());
    // The same rules for numbers written as text.
    assert_eq!(row(r#"{"i":"4.0"}"#).map(|r| r.i), Ok(Some(4)));
    assert_eq!(row(r#"{"i":" 12 "}"#).map(|r| r.i), Ok(Some(12)));
    assert!(row(r#"{"i":"9.0e15"}"#).is_err());
    assert!(row(r#"{"i":"4.5"}"#).is_err());
    let err = row(r#"{"i":"four"}"#).unwrap_err();
    assert!(err.contains("expected an integer"), "{err}");
    assert_eq!(i64::from_scalar(Scalar::Float(2.0)), Ok(Some(2)));
    assert_eq!(i64::from_scalar(Scalar::Bool(true)), Ok(Some(1)));
    assert!(i64::from_scalar(Scalar::UInt(u64::MAX)).is_err());
}

#[test]
fn numbers_and_booleans_read_their_text_forms() {
    assert_eq!(
        row(r#"{"f":" "}"#).map(|r| r.f),
        Ok(None),
        "blank text is no value"
    );
    assert_eq!(row(r#"{"f":" 2.5 "}"#).map(|r| r.f), Ok(Some(2.5)));
    assert!(row(r#"{"f":"two"}"#)
        .unwrap_err()
        .contains("expected a number"));
    for (text, expected) in [
        ("true", Some(true)),
        ("1", Some(true)),
        ("YES", Some(true)),
        ("false", Some(false)),
        ("0", Some(false)),
        ("no", Some(false)),
        ("", None),
    ] {
        assert_eq!(
            row(&format!(r#"{{"b":"{text}"}}"#)).map(|r| r.b),
            Ok(expected),
            "{text:?}"
        );
    }
    assert!(row(r#"{"b":"maybe"}"#)
        .unwrap_err()
        .contains("expected a boolean"));
    assert_eq!(row(r#"{"b":2}"#).map(|r| r.b), Ok(Some(true)));
    assert_eq!(row(r#"{"b":0}"#).map(|r| r.b), Ok(Some(false)));
    assert_eq!(row(r#"{"b":0.0}"#).map(|r| r.b), Ok(Some(false)));
    assert_eq!(row(r#"{"b":0.5}"#).map(|r| r.b), Ok(Some(true)));
    assert_eq!(bool::from_scalar(Scalar::UInt(0)), Ok(Some(false)));
    assert_eq!(bool::from_scalar(Scalar::UInt(7)), Ok(Some(true)));
}

#[test]
fn lists_of_scalars_accept_null_and_say_what_they_expect() {
    assert_eq!(row(r#"{"v":null}"#).map(|r| r.v), Ok(None));
    assert_eq!(row(r#"{"v":[]}"#).map(|r| r.v), Ok(Some(vec![])));
    assert_eq!(
        row(r#"{"v":["1",null,2]}"#).map(|r| r.v),
        Ok(Some(vec![1, 2]))
    );
    // Through a Value (which calls visit_unit / visit_some).
    let from_value = |v: Value| Row::deserialize(v).map(|r| r.v).map_err(|e| e.to_string());
    assert_eq!(from_value(json!({"v": null})), Ok(None));
    assert_eq!(from_value(json!({"v": [3]})), Ok(Some(vec![3])));
    let err = row(r#"{"v":{"a":1}}"#).unwrap_err();
    assert!(err.contains("a list of scalars or null"), "{err}");
    let err = row(r#"{"i":[1]}"#).unwrap_err();
    assert!(err.contains("a string, number, boolean or null"), "{err}");
    // Through serde's Option handling (visit_some).
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "lenient_vec")] Option<Vec<i64>>);
    let some: Option<Wrapped> = serde_json::from_str("[5]").unwrap();
    assert_eq!(some.and_then(|w| w.0), Some(vec![5]));
}

/// A struct through `cds_core::de::Fields`, as the generated types are.
#[derive(Debug, Default, PartialEq)]
struct Thing {
    name: Option<String>,
    size: Option<i64>,
}

impl cds_core::de::Fields for Thing {
    const NAME: &'static str = "Thing";
    fn field<'de, D: serde::Deserializer<'de>>(
        &mut self,
        key: &str,
        value: D,
    ) -> Result<(), D::Error> {
        match key {
            "Name" => self.name = lenient(value)?,
            "Size" => self.size = lenient(value)?,
            _ => cds_core::de::skip(value)?,
        }
        Ok(())
    }
}
cds_core::impl_deserialize!(Thing);

#[test]
fn structs_take_empty_forms_as_empty_and_name_what_is_wrong() {
    let empty = Thing::default();
    for text in ["null", "\"\"", "\"  \"", "[]", "{}"] {
        assert_eq!(
            serde_json::from_str::<Thing>(text).map_err(|e| e.to_string()),
            Ok(Thing::default()),
            "{text}"
        );
    }
    assert_eq!(Thing::deserialize(Value::Null).ok(), Some(Thing::default()));
    let err = serde_json::from_str::<Thing>("[1]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("a JSON object (Thing)"), "{err}");
    let err = serde_json::from_str::<Thing>("\"x\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("a JSON object (Thing)"), "{err}");
    let err = serde_json::from_str::<Thing>(r#"{"Size":"big"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Thing.Size"), "{err}");
    // Keys with escapes (not borrowed) and keys from an owned Value decode the same.
    let escaped: Thing = serde_json::from_str(r#"{"N\u0061me":"a","Size":1}"#).unwrap();
    assert_eq!(
        escaped,
        Thing {
            name: Some("a".into()),
            size: Some(1)
        }
    );
    let owned = Thing::deserialize(json!({"Name": "b"})).unwrap();
    assert_eq!(owned.name.as_deref(), Some("b"));
    let from_reader: Thing = serde_json::from_reader(r#"{"Name":"c"}"#.as_bytes()).unwrap();
    assert_eq!(from_reader.name.as_deref(), Some("c"));
    let _ = empty;
}

#[derive(Deserialize, Debug, Default, PartialEq)]
struct Holder {
    #[serde(default, deserialize_with = "one_or_many")]
    things: Option<Vec<Thing>>,
}

fn things(json: &str) -> Result<Option<Vec<Thing>>, String> {
    serde_json::from_str::<Holder>(&format!(r#"{{"things":{json}}}"#))
        .map(|h| h.things)
        .map_err(|e| e.to_string())
}

#[test]
fn one_or_many_takes_a_list_a_lone_object_null_and_blank() {
    let a = Thing {
        name: Some("a".into()),
        size: Some(1),
    };
    let b = Thing {
        name: Some("b".into()),
        size: None,
    };
    assert_eq!(
        things(r#"[{"Name":"a","Size":1},{"Name":"b"}]"#),
        Ok(Some(vec![a, b]))
    );
    let lone = things(r#"{"Name":"a","Size":"1"}"#).unwrap().unwrap();
    assert_eq!(lone.len(), 1);
    assert_eq!(lone[0].size, Some(1));
    assert_eq!(things("[]"), Ok(Some(vec![])));
    assert_eq!(things("null"), Ok(None));
    assert_eq!(things(r#""  ""#), Ok(Some(vec![])));
    let err = things(r#""eth0""#).unwrap_err();
    assert!(err.contains("a list, a single object or null"), "{err}");
    let err = things("7").unwrap_err();
    assert!(err.contains("a list, a single object or null"), "{err}");
    let err = things(r#"{"Size":"big"}"#).unwrap_err();
    assert!(err.contains("Thing.Size"), "{err}");
    assert_eq!(
        serde_json::from_str::<Holder>("{}").map(|h| h.things).ok(),
        Some(None)
    );
}

const CDS: Envelope = Envelope {
    code: "Code",
    success: &["Success"],
    message: "Message",
    request_id: Some("RequestId"),
    data: "Data",
};

fn code_of(body: &str) -> Option<String> {
    match CDS.decode_typed::<Value>("Op", 400, None, body.as_bytes(), &[]) {
        Err(cds_core::Error::Service(e)) => Some(e.code),
        _ => None,
    }
}

#[test]
fn envelope_members_exact_first_then_the_last_of_equals_and_scalars_only() {
    assert_eq!(
        code_of(r#"{"code":"A","Code":"B","CODE":"C"}"#).as_deref(),
        Some("B"),
        "exact wins"
    );
    assert_eq!(
        code_of(r#"{"Code":"B","code":"A"}"#).as_deref(),
        Some("B"),
        "exact wins, whatever the order"
    );
    assert_eq!(
        code_of(r#"{"code":"A","CODE":"C"}"#).as_deref(),
        Some("C"),
        "the last of equals"
    );
    assert_eq!(
        code_of(r#"{"Code":null,"code":"A"}"#).as_deref(),
        Some("A"),
        "null is no value"
    );
    assert_eq!(
        code_of(r#"{"Code":{"x":1},"code":"A"}"#).as_deref(),
        Some("A")
    );
    // The slow path (a shape the output refuses) reads them by the same rule.
    assert_eq!(
        match CDS.decode_typed::<Thing>(
            "Op",
            400,
            None,
            br#"{"code":"A","CODE":"C","Size":"big"}"#,
            &[]
        ) {
            Err(cds_core::Error::Service(e)) => Some(e.code),
            _ => None,
        }
        .as_deref(),
        Some("C")
    );
    let err = CDS
        .decode_typed::<Value>("Op", 200, None, b"[1", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("not JSON"), "{err}");
    let err = CDS
        .decode_typed::<Thing>("Op", 200, None, b"7", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected a JSON object"), "{err}");
}
