//! Redaction of sensitive values wherever a body is shown (`Debug` of [`crate::Response`],
//! the body quotes of [`crate::Error`], tracing).
//!
//! A product line declares the wire names of its sensitive fields in
//! [`crate::operation::Service::sensitive_fields`] (from `sensitive: true` in the spec). On top
//! of those, [`ALWAYS_SENSITIVE`] names are redacted on every line, as a safety net. Keys are
//! compared case-insensitively, at any depth.

use serde_json::Value;

/// What replaces a sensitive value.
pub const REDACTED: &str = "[REDACTED]";

/// Field names redacted on every line (compared case-insensitively).
pub const ALWAYS_SENSITIVE: &[&str] = &[
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

/// Whether `key` names a sensitive field of a line declaring `sensitive`.
pub fn is_sensitive(key: &str, sensitive: &[&str]) -> bool {
    sensitive
        .iter()
        .chain(ALWAYS_SENSITIVE)
        .any(|s| s.eq_ignore_ascii_case(key))
}

/// A copy of `value` whose sensitive members hold [`REDACTED`].
pub fn redact_value(value: &Value, sensitive: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_sensitive(k, sensitive) && !v.is_null() {
                        Value::String(REDACTED.into())
                    } else {
                        redact_value(v, sensitive)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| redact_value(v, sensitive)).collect())
        }
        other => other.clone(),
    }
}

/// The first `max` characters of `body` for an error message, redacted: a JSON body is
/// redacted field by field; any other body (truncated JSON, HTML) is cut before the first
/// occurrence of a sensitive name.
pub fn quote_body(body: &[u8], max: usize, sensitive: &[&str]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let shown = redact_value(&value, sensitive).to_string();
        return crate::error::body_start(shown.as_bytes(), max);
    }
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let cut = sensitive
        .iter()
        .chain(ALWAYS_SENSITIVE)
        .filter(|s| !s.is_empty())
        .filter_map(|s| lower.find(&s.to_ascii_lowercase()))
        .min();
    match cut {
        Some(at) => {
            let kept: String = text[..at].chars().take(max).collect();
            format!("{kept}{REDACTED}…")
        }
        None => crate::error::body_start(text.as_bytes(), max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_declared_and_baseline_names_at_any_depth() {
        let v = json!({"Data": {"Items": [{"LoginPwd": "p1", "userData": "c2NyaXB0", "Name": "a"}]},
                       "PASSWORD": "p2", "Token": null});
        let r = redact_value(&v, &["loginpwd"]);
        let text = r.to_string();
        assert!(
            !text.contains("p1") && !text.contains("p2") && !text.contains("c2NyaXB0"),
            "{text}"
        );
        assert_eq!(r["Data"]["Items"][0]["Name"], "a");
        assert_eq!(r["Token"], Value::Null);
    }

    #[test]
    fn quotes_of_broken_json_stop_before_a_sensitive_name() {
        let q = quote_body(br#"{"Name":"a","Password":"hunter2","#, 200, &[]);
        assert!(!q.contains("hunter2"), "{q}");
        assert!(q.starts_with(r#"{"Name":"a",""#), "{q}");
        let q = quote_body(br#"{"Name":"a","Password":"hunter2"}"#, 200, &[]);
        assert!(!q.contains("hunter2") && q.contains("Name"), "{q}");
        assert_eq!(
            quote_body(b"<html>oops</html>", 200, &[]),
            "<html>oops</html>"
        );
    }
}
