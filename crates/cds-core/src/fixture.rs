//! Checking that a documented example response decodes completely into a generated type:
//! every non-empty field of the example must survive a decode and re-encode.
//!
//! Generated crates call [`assert_decodes_completely`] once per documented example, so a field
//! the spec forgot, a wrong nesting or a wrong type fails a test instead of being dropped.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Paths (JSON pointers) of `fixture` whose values `decoded` lost or changed. Top-level keys
/// named in `skip_top` (the envelope) or in [`crate::envelope::MESSAGE_ALIASES`] are ignored; so are `null` and `""` leaves, which
/// decode to "absent". Scalars compare loosely (`"4"` equals `4`, `1` equals `true`); an
/// object decoded as a list of one is compared with that element.
pub fn lost_paths(fixture: &Value, decoded: &Value, skip_top: &[&str]) -> Vec<String> {
    let mut lost = Vec::new();
    match (fixture, decoded) {
        (Value::Object(f), Value::Object(d)) => {
            for (k, v) in f {
                let envelope_field = skip_top.iter().chain(crate::envelope::MESSAGE_ALIASES);
                if envelope_field
                    .into_iter()
                    .any(|s| s.eq_ignore_ascii_case(k))
                {
                    continue;
                }
                walk(v, d.get(k), &format!("/{}", escape(k)), &mut lost);
            }
        }
        _ => walk(fixture, Some(decoded), "", &mut lost),
    }
    lost
}

fn walk(f: &Value, d: Option<&Value>, path: &str, lost: &mut Vec<String>) {
    let d = d.unwrap_or(&Value::Null);
    match f {
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::Object(fo) => match d {
            Value::Object(dobj) => {
                for (k, v) in fo {
                    walk(v, dobj.get(k), &format!("{path}/{}", escape(k)), lost);
                }
            }
            _ if fo.values().all(Value::is_null) => {}
            // A lone object decoded as a list of one (the spec's `one_or_list`).
            Value::Array(da) if da.len() == 1 => walk(f, da.first(), path, lost),
            _ => lost.push(path.to_string()),
        },
        Value::Array(fa) => match d {
            Value::Array(da) => {
                for (i, v) in fa.iter().enumerate() {
                    walk(v, da.get(i), &format!("{path}/{i}"), lost);
                }
            }
            _ if fa.is_empty() => {}
            _ => lost.push(path.to_string()),
        },
        scalar => {
            if !scalars_match(scalar, d) {
                lost.push(path.to_string());
            }
        }
    }
}

fn scalars_match(f: &Value, d: &Value) -> bool {
    if f == d {
        return true;
    }
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_ascii_lowercase()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match (num(f), num(d)) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9 * a.abs().max(1.0),
        _ => text(f).is_some() && text(f) == text(d),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The example as the SDK sees it: a bare array is the payload under `data_field`, as
/// [`crate::envelope`] does with such answers.
fn fixture_value(json: &str, data_field: &str) -> Value {
    match serde_json::from_str(json) {
        Ok(Value::Array(items)) => serde_json::json!({ data_field: items }),
        Ok(v) => v,
        Err(e) => panic!("the example is not JSON: {e}"),
    }
}

/// Panics unless `json` decodes into `T` (from its text, as the SDK decodes answers).
pub fn assert_decodes<T: DeserializeOwned>(json: &str, data_field: &str) -> T {
    let text = fixture_value(json, data_field).to_string();
    match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => panic!(
            "the example does not decode into {}: {e}",
            std::any::type_name::<T>()
        ),
    }
}

/// Panics with the lost paths unless `json` decodes into `T` and re-encodes without losing
/// any field (envelope fields excepted). A bare-array example is taken as the payload under
/// `data_field`, as [`crate::envelope`] does with such answers.
pub fn assert_decodes_completely<T: DeserializeOwned + Serialize>(
    json: &str,
    envelope: &[&str],
    data_field: &str,
) {
    let fixture = fixture_value(json, data_field);
    let typed: T = assert_decodes(json, data_field);
    let decoded = match serde_json::to_value(&typed) {
        Ok(v) => v,
        Err(e) => panic!("cannot re-encode {}: {e}", std::any::type_name::<T>()),
    };
    let lost = lost_paths(&fixture, &decoded, envelope);
    assert!(
        lost.is_empty(),
        "{} loses {} field(s) of the example: {}",
        std::any::type_name::<T>(),
        lost.len(),
        lost.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_dropped_and_changed_fields() {
        let f = json!({"Code": "Success", "Data": {"A": 1, "B": [{"C": "x"}], "N": null}});
        let d = json!({"Data": {"A": "1", "B": [{}]}});
        assert_eq!(lost_paths(&f, &d, &["Code"]), vec!["/Data/B/0/C"]);
        let d = json!({"Data": {"A": 2, "B": [{"C": "x"}]}});
        assert_eq!(lost_paths(&f, &d, &["Code"]), vec!["/Data/A"]);
        let d = json!({"Data": {"A": 1, "B": [{"C": "x"}]}});
        assert!(lost_paths(&f, &d, &["Code"]).is_empty());
    }

    #[test]
    fn an_object_decoded_as_a_list_of_one_is_compared_with_its_element() {
        let f = json!({"Data": {"If": {"Id": "a", "Up": 1}}});
        assert!(lost_paths(&f, &json!({"Data": {"If": [{"Id": "a", "Up": 1}]}}), &[]).is_empty());
        assert_eq!(
            lost_paths(&f, &json!({"Data": {"If": [{"Id": "a"}]}}), &[]),
            vec!["/Data/If/Up"]
        );
        assert_eq!(
            lost_paths(
                &f,
                &json!({"Data": {"If": [{"Id": "a", "Up": 1}, {}]}}),
                &[]
            ),
            vec!["/Data/If"]
        );
    }
}
