//! Decoding of the response envelope: result code, message, request id and payload.

use crate::error::{Error, ServiceError};
use crate::operation::Envelope;
use crate::redact::quote_body;
use serde_json::Value;

/// Message fields read when the line's own message field is absent (several documented
/// examples answer `Message` where the line says `Msg`, or the reverse).
pub const MESSAGE_ALIASES: &[&str] = &["Message", "Msg", "message", "msg"];

/// How much of a body an error quotes.
const QUOTE: usize = 200;

/// A response that parsed as JSON and whose envelope reports success.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decoded {
    /// The whole body.
    pub body: Value,
    /// The request id, from the envelope or the headers.
    pub request_id: Option<String>,
}

impl Envelope {
    /// Parses `body` and checks the result code. `header_request_id` is used when the
    /// envelope carries none. Body quotes in errors redact only [`crate::redact::ALWAYS_SENSITIVE`].
    pub fn decode(
        &self,
        operation: &'static str,
        status: u16,
        header_request_id: Option<String>,
        body: &[u8],
    ) -> Result<Decoded, Error> {
        self.decode_redacting(operation, status, header_request_id, body, &[])
    }

    /// [`Envelope::decode`], redacting the line's `sensitive` fields in body quotes.
    ///
    /// Success needs a 2xx status **and** a success result code. A 2xx JSON object without
    /// any result code is not taken as success (a proxy or captive portal answering its own
    /// JSON would otherwise pass for the service): it is [`Error::Decode`]. A bare JSON
    /// array at 2xx is the one exception, because documented examples answer so.
    pub fn decode_redacting(
        &self,
        operation: &'static str,
        status: u16,
        header_request_id: Option<String>,
        body: &[u8],
        sensitive: &[&str],
    ) -> Result<Decoded, Error> {
        let body_start = |body: &[u8], max: usize| quote_body(body, max, sensitive);
        let ok_status = (200..300).contains(&status);
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) if ok_status => {
                return Err(Error::Decode {
                    operation,
                    status,
                    request_id: header_request_id,
                    reason: format!("not JSON: {e}"),
                    body_start: body_start(body, QUOTE),
                })
            }
            Err(_) => {
                return Err(Error::Http {
                    operation,
                    status,
                    request_id: header_request_id,
                    body_start: body_start(body, QUOTE),
                })
            }
        };
        let Some(object) = value.as_object() else {
            // A documented example answers a bare array without any envelope: taken as the
            // payload when the status says success.
            if ok_status && value.is_array() {
                let mut wrapped = serde_json::Map::new();
                wrapped.insert(self.data.to_string(), value);
                return Ok(Decoded {
                    body: Value::Object(wrapped),
                    request_id: header_request_id,
                });
            }
            return Err(Error::Decode {
                operation,
                status,
                request_id: header_request_id,
                reason: "expected a JSON object".into(),
                body_start: body_start(body, QUOTE),
            });
        };
        let request_id = self
            .request_id
            .and_then(|field| field_of(object, field))
            .and_then(scalar_text)
            .or(header_request_id);
        let code = field_of(object, self.code).and_then(scalar_text);
        if code.is_none() && ok_status {
            return Err(Error::Decode {
                operation,
                status,
                request_id,
                reason: format!("the answer carries no result code ({})", self.code),
                body_start: body_start(body, QUOTE),
            });
        }
        let success = match &code {
            Some(code) => self.success.iter().any(|s| s.eq_ignore_ascii_case(code)),
            None => false,
        };
        if success && ok_status {
            return Ok(Decoded {
                body: value,
                request_id,
            });
        }
        match code {
            Some(code) => Err(Error::Service(ServiceError {
                operation,
                status,
                code,
                message: field_of(object, self.message)
                    .or_else(|| MESSAGE_ALIASES.iter().find_map(|m| object.get(*m)))
                    .and_then(scalar_text)
                    .unwrap_or_default(),
                request_id,
            })),
            None => Err(Error::Http {
                operation,
                status,
                request_id,
                body_start: body_start(body, QUOTE),
            }),
        }
    }
}

/// A field by its documented name, or failing that by the same name in another case (some
/// documented examples answer `code` where the line's envelope says `Code`).
fn field_of<'a>(object: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The text of a string or number value.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDS: Envelope = Envelope {
        code: "Code",
        success: &["Success"],
        message: "Message",
        request_id: Some("RequestId"),
        data: "Data",
    };
    const INT_CODES: Envelope = Envelope {
        code: "code",
        success: &["200"],
        message: "msg",
        request_id: None,
        data: "data",
    };

    #[test]
    fn success_is_case_insensitive() {
        let d = CDS
            .decode(
                "DescribeAccountInfo",
                200,
                None,
                br#"{"Code":"success","Data":{}}"#,
            )
            .unwrap();
        assert!(d.body["Data"].is_object());
    }

    #[test]
    fn failure_code_becomes_service_error_even_with_http_200() {
        let e = CDS
            .decode(
                "X",
                200,
                None,
                br#"{"Code":"InvalidParameter","Message":"bad","RequestId":"r-1"}"#,
            )
            .unwrap_err();
        let s = e.as_service().unwrap();
        assert_eq!(
            (s.code.as_str(), s.message.as_str()),
            ("InvalidParameter", "bad")
        );
        assert_eq!(e.request_id(), Some("r-1"));
        let text = e.to_string();
        assert!(text.contains("X") && text.contains("InvalidParameter") && text.contains("r-1"));
    }

    #[test]
    fn integer_codes() {
        assert!(INT_CODES
            .decode("Op", 200, None, br#"{"code":200,"msg":"ok"}"#)
            .is_ok());
        let e = INT_CODES
            .decode("Op", 200, None, br#"{"code":400,"msg":"no"}"#)
            .unwrap_err();
        assert_eq!(e.code(), Some("400"));
    }

    #[test]
    fn non_json_names_operation_status_request_id_and_quotes_body() {
        let e = CDS
            .decode(
                "DescribeTask",
                200,
                Some("hdr-9".into()),
                b"<html>gateway</html>",
            )
            .unwrap_err();
        let text = e.to_string();
        for needle in ["DescribeTask", "200", "hdr-9", "<html>gateway"] {
            assert!(text.contains(needle), "{text}");
        }
        let e = CDS
            .decode("DescribeTask", 502, None, b"Bad gateway")
            .unwrap_err();
        assert!(matches!(e, Error::Http { status: 502, .. }), "{e:?}");
    }

    #[test]
    fn a_2xx_object_without_result_code_is_not_success() {
        let e = CDS
            .decode("X", 200, None, br#"{"Data":{"Password":"pw-1"}}"#)
            .unwrap_err();
        assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}");
        assert!(!e.to_string().contains("pw-1"), "{e}");
        assert!(CDS.decode("X", 200, None, br#"[1,2]"#).is_ok());
    }

    #[test]
    fn declared_sensitive_fields_are_redacted_in_quotes() {
        let e = CDS
            .decode_redacting(
                "X",
                200,
                None,
                br#"{"Data":{"VncPwd":"v-secret"}}"#,
                &["VncPwd"],
            )
            .unwrap_err();
        assert!(!e.to_string().contains("v-secret"), "{e}");
    }
}
