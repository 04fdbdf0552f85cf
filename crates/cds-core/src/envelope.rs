//! Decoding of the response envelope: result code, message, request id and payload.

use crate::de::{FieldSeed, Fields, KeySeed};
use crate::error::{Error, ServiceError};
use crate::operation::Envelope;
use crate::redact::quote_body;
use serde::de::{self, DeserializeSeed as _, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

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
        if !value.is_object() {
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
        }
        // The envelope members by the same rule as the one-pass decoder (exact name first,
        // then ignoring case, the last of equals; scalars only), read in body order.
        let mut seen = Seen::default();
        if let Ok(text) = std::str::from_utf8(body) {
            let _ = decode_str::<Ignored>(self, text, &mut seen);
        }
        let request_id = seen.request_id.map(|(_, id)| id).or(header_request_id);
        let message = seen.message.map(|(_, m)| m);
        let request_id = self.judge(
            operation,
            status,
            seen.code.map(|(_, c)| c),
            || message,
            request_id,
            body,
            sensitive,
        )?;
        Ok(Decoded {
            body: value,
            request_id,
        })
    }

    /// Decodes the typed output `O` straight from `body`, reading the envelope's result code,
    /// message and request id on the way (one pass, no intermediate `serde_json::Value`).
    ///
    /// When that fails (not UTF-8, not a JSON object, or a shape `O` does not accept), the body
    /// is decoded as [`Envelope::decode_redacting`] does, which gives the precise error (a
    /// service error, a non-JSON answer), or, for a bare array, the wrapped payload `O` is then
    /// decoded from; `raw` holds that `Value` in this case.
    pub fn decode_typed<O: Fields>(
        &self,
        operation: &'static str,
        status: u16,
        header_request_id: Option<String>,
        body: &[u8],
        sensitive: &[&str],
    ) -> Result<Typed<O>, Error> {
        if let Ok(text) = std::str::from_utf8(body) {
            let mut seen = Seen::default();
            if let Ok(output) = decode_str::<O>(self, text, &mut seen) {
                let request_id = seen.request_id.map(|(_, id)| id).or(header_request_id);
                let message = seen.message.map(|(_, m)| m);
                let request_id = self.judge(
                    operation,
                    status,
                    seen.code.map(|(_, c)| c),
                    || message,
                    request_id,
                    body,
                    sensitive,
                )?;
                return Ok(Typed {
                    output,
                    request_id,
                    raw: None,
                });
            }
        }
        let decoded =
            self.decode_redacting(operation, status, header_request_id, body, sensitive)?;
        let text = decoded.body.to_string();
        let output =
            decode_str::<O>(self, &text, &mut Seen::default()).map_err(|e| Error::Decode {
                operation,
                status,
                request_id: decoded.request_id.clone(),
                reason: format!("response does not match the documented shape: {e}"),
                body_start: quote_body(text.as_bytes(), QUOTE, sensitive),
            })?;
        Ok(Typed {
            output,
            request_id: decoded.request_id,
            raw: Some(decoded.body),
        })
    }

    /// The verdict on an answer whose envelope says `code`: the request id on success, else
    /// the error. Success needs a 2xx status and a success code.
    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        operation: &'static str,
        status: u16,
        code: Option<String>,
        message: impl FnOnce() -> Option<String>,
        request_id: Option<String>,
        body: &[u8],
        sensitive: &[&str],
    ) -> Result<Option<String>, Error> {
        let ok_status = (200..300).contains(&status);
        if code.is_none() && ok_status {
            return Err(Error::Decode {
                operation,
                status,
                request_id,
                reason: format!("the answer carries no result code ({})", self.code),
                body_start: quote_body(body, QUOTE, sensitive),
            });
        }
        let success = match &code {
            Some(code) => self.success.iter().any(|s| s.eq_ignore_ascii_case(code)),
            None => false,
        };
        if success && ok_status {
            return Ok(request_id);
        }
        match code {
            Some(code) => Err(Error::Service(ServiceError {
                operation,
                status,
                code,
                message: message().unwrap_or_default(),
                request_id,
            })),
            None => Err(Error::Http {
                operation,
                status,
                request_id,
                body_start: quote_body(body, QUOTE, sensitive),
            }),
        }
    }

    /// Which envelope member `key` is, and whether it matched exactly (else ignoring case).
    fn member(&self, key: &str) -> Option<(Member, bool)> {
        let is = |name: &str| {
            if key == name {
                Some(true)
            } else if key.eq_ignore_ascii_case(name) {
                Some(false)
            } else {
                None
            }
        };
        if let Some(exact) = is(self.code) {
            return Some((Member::Code, exact));
        }
        if let Some(exact) = self.request_id.and_then(is) {
            return Some((Member::RequestId, exact));
        }
        if let Some(exact) = is(self.message) {
            return Some((Member::Message, exact));
        }
        // Aliases rank below the line's own message field, whatever their case.
        MESSAGE_ALIASES
            .contains(&key)
            .then_some((Member::Message, false))
    }
}

/// The typed output of a successful answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct Typed<O> {
    /// The output.
    pub output: O,
    /// The request id, from the envelope or the headers.
    pub request_id: Option<String>,
    /// The body as a `Value`, when the slow path had to build it.
    pub raw: Option<Value>,
}

/// An output that keeps nothing: decoding into it only reads the envelope members.
#[derive(Default)]
struct Ignored;

impl Fields for Ignored {
    const NAME: &'static str = "envelope";
    fn field<'de, D: serde::Deserializer<'de>>(
        &mut self,
        _key: &str,
        value: D,
    ) -> Result<(), D::Error> {
        crate::de::skip(value)
    }
}

/// An envelope member.
#[derive(Clone, Copy)]
enum Member {
    Code,
    Message,
    RequestId,
}

/// The envelope members seen while decoding, each with whether its key matched exactly.
#[derive(Default)]
struct Seen {
    code: Option<(bool, String)>,
    message: Option<(bool, String)>,
    request_id: Option<(bool, String)>,
}

impl Seen {
    fn record(&mut self, member: Member, exact: bool, raw: &str) {
        let slot = match member {
            Member::Code => &mut self.code,
            Member::Message => &mut self.message,
            Member::RequestId => &mut self.request_id,
        };
        if slot
            .as_ref()
            .is_some_and(|(was_exact, _)| *was_exact && !exact)
        {
            return;
        }
        let text = serde_json::from_str::<Value>(raw)
            .ok()
            .as_ref()
            .and_then(scalar_text);
        if let Some(text) = text {
            *slot = Some((exact, text));
        }
    }
}

/// Decodes a whole JSON text as `O`, recording the envelope members of `envelope` in `seen`.
fn decode_str<O: Fields>(
    envelope: &Envelope,
    text: &str,
    seen: &mut Seen,
) -> Result<O, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let output = serde::Deserializer::deserialize_map(
        &mut de,
        TopVisitor::<O> {
            envelope,
            seen,
            output: PhantomData,
        },
    )?;
    de.end()?;
    Ok(output)
}

/// Visits the top-level object: every member goes to `O`; envelope members are also read.
struct TopVisitor<'a, O> {
    envelope: &'a Envelope,
    seen: &'a mut Seen,
    output: PhantomData<O>,
}

impl<'de, O: Fields> Visitor<'de> for TopVisitor<'_, O> {
    type Value = O;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<O, A::Error> {
        let mut out = O::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let seed = FieldSeed {
                out: &mut out,
                key: &key,
            };
            match self.envelope.member(&key) {
                None => map.next_value_seed(seed)?,
                Some((member, exact)) => {
                    // The value goes to the envelope and to `O`: kept as its JSON text, which
                    // `O` then decodes with the same deserializer type (no second instance of
                    // the generated decoders).
                    let raw: &'de RawValue = map.next_value()?;
                    self.seen.record(member, exact, raw.get());
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    seed.deserialize(&mut de).map_err(de::Error::custom)?;
                }
            }
        }
        Ok(out)
    }
}

/// A field by its documented name, or failing that by the same name in another case (some
/// documented examples answer `code` where the line's envelope says `Code`).
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

    /// A generated-style output type: the envelope's code, a lenient number, a nested list.
    #[derive(Default, Debug, PartialEq)]
    struct Out {
        code: Option<String>,
        total: Option<i64>,
        items: Option<Vec<Item>>,
    }
    #[derive(Default, Debug, PartialEq)]
    struct Item {
        id: Option<String>,
    }
    impl Fields for Out {
        const NAME: &'static str = "Out";
        fn field<'de, D: serde::Deserializer<'de>>(
            &mut self,
            key: &str,
            value: D,
        ) -> Result<(), D::Error> {
            match key {
                "Code" => self.code = crate::de::lenient(value)?,
                "Total" => self.total = crate::de::lenient(value)?,
                "Data" => self.items = crate::de::nested(value)?,
                _ => crate::de::skip(value)?,
            }
            Ok(())
        }
    }
    impl Fields for Item {
        const NAME: &'static str = "Item";
        fn field<'de, D: serde::Deserializer<'de>>(
            &mut self,
            key: &str,
            value: D,
        ) -> Result<(), D::Error> {
            match key {
                "Id" => self.id = crate::de::lenient(value)?,
                _ => crate::de::skip(value)?,
            }
            Ok(())
        }
    }
    crate::impl_deserialize!(Out, Item);

    fn typed(status: u16, body: &str) -> Result<Typed<Out>, Error> {
        CDS.decode_typed::<Out>("Op", status, Some("hdr".into()), body.as_bytes(), &[])
    }

    #[test]
    fn one_pass_reads_the_envelope_and_gives_its_members_to_the_output_too() {
        let t = typed(
            200,
            r#"{"Code":"Success","Total":"2","Data":[{"Id":1},{"Id":"b"}],"RequestId":"r-7"}"#,
        )
        .unwrap();
        assert_eq!(t.request_id.as_deref(), Some("r-7"));
        assert!(t.raw.is_none(), "the fast path builds no Value");
        assert_eq!(t.output.code.as_deref(), Some("Success"));
        assert_eq!(t.output.total, Some(2));
        let ids: Vec<_> = t.output.items.unwrap().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, [Some("1".to_string()), Some("b".to_string())]);
    }

    #[test]
    fn one_pass_judges_like_the_value_path() {
        let body = r#"{"Code":"InvalidParameter","Message":"bad","RequestId":"r-1"}"#;
        let fast = typed(400, body).unwrap_err();
        let slow = CDS
            .decode("Op", 400, Some("hdr".into()), body.as_bytes())
            .unwrap_err();
        assert_eq!(fast.to_string(), slow.to_string());
        assert_eq!(fast.code(), Some("InvalidParameter"));
        // A lower-case `code` and the `msg` alias are read as the value path reads them.
        let e = typed(200, r#"{"code":"Denied","msg":"no"}"#).unwrap_err();
        let s = e.as_service().unwrap();
        assert_eq!((s.code.as_str(), s.message.as_str()), ("Denied", "no"));
        assert_eq!(e.request_id(), Some("hdr"));
        // No result code at 2xx is not success.
        assert!(matches!(
            typed(200, r#"{"Data":[]}"#),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_as_the_value_path_does() {
        let t = typed(200, r#"{"Code":"Success","Total":1,"Total":3}"#).unwrap();
        assert_eq!(t.output.total, Some(3));
    }

    #[test]
    fn the_slow_path_handles_what_the_fast_one_cannot() {
        // A bare array is the payload, under the data field.
        let t = typed(200, r#"[{"Id":"x"}]"#).unwrap();
        assert_eq!(t.output.items.unwrap()[0].id.as_deref(), Some("x"));
        assert!(t.raw.is_some());
        // An error envelope whose payload has another shape is still the service error.
        let e = typed(400, r#"{"Code":"Denied","Data":"oops"}"#).unwrap_err();
        assert_eq!(e.code(), Some("Denied"));
        // A success whose payload has the wrong shape names the member that failed.
        let e = typed(200, r#"{"Code":"Success","Data":[{"Id":{}}]}"#).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        assert!(e.to_string().contains("Item.Id"), "{e}");
        // Not JSON, and not UTF-8.
        assert!(matches!(typed(200, "<html>"), Err(Error::Decode { .. })));
        let e = CDS
            .decode_typed::<Out>("Op", 502, None, b"\xff\xfe", &[])
            .unwrap_err();
        assert!(matches!(e, Error::Http { status: 502, .. }), "{e:?}");
    }

    #[test]
    fn empty_objects_in_other_shapes_decode_to_the_empty_struct() {
        for data in ["null", r#""""#, "[]"] {
            let body = format!(r#"{{"Code":"Success","Data":[{data}]}}"#);
            let t = typed(200, &body).unwrap();
            assert_eq!(t.output.items, Some(vec![Item::default()]), "{data}");
        }
        assert!(typed(200, r#"{"Code":"Success","Data":["x"]}"#).is_err());
    }
}
