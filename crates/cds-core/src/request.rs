//! Splitting an operation's input into query, body, path and header parameters, and checking
//! required parameters, before any I/O.

use crate::error::Error;
use crate::operation::{Location, Operation};
use serde_json::{Map, Value};

/// An operation's parameters, sorted by where they travel.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct RequestParts {
    /// Query parameters (unencoded).
    pub query: Vec<(String, String)>,
    /// JSON body members.
    pub body: Map<String, Value>,
    /// Whether the operation documents any body parameter.
    pub has_body_params: bool,
    /// A whole-body parameter, sent instead of `body`.
    pub body_root: Option<Value>,
    /// Path with its `{name}` parameters substituted and percent-encoded.
    pub path: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
}

impl RequestParts {
    /// Splits `input` (the serialized input struct: an object keyed by wire names) by the
    /// operation's parameter table. A required parameter that is absent or `null` is an error.
    pub fn split(op: &'static Operation, path: &str, input: Value) -> Result<Self, Error> {
        let mut input = match input {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => {
                return Err(Error::InvalidParameter {
                    operation: op.name,
                    parameter: "<input>".into(),
                    reason: format!("expected an object, got {other}"),
                })
            }
        };
        let mut parts = RequestParts {
            path: path.to_string(),
            ..Self::default()
        };
        for param in op.params {
            if matches!(param.location, Location::Body | Location::BodyRoot) {
                parts.has_body_params = true;
            }
            let value = match input.remove(param.name) {
                None | Some(Value::Null) if param.required => {
                    return Err(Error::MissingParameter {
                        operation: op.name,
                        parameter: param.name,
                    })
                }
                None | Some(Value::Null) => continue,
                Some(v) => v,
            };
            match param.location {
                Location::Query => parts.query.push((param.name.to_string(), text_of(value))),
                Location::Header => parts.headers.push((param.name.to_string(), text_of(value))),
                Location::Body => {
                    parts.body.insert(param.name.to_string(), value);
                }
                Location::BodyRoot => parts.body_root = Some(value),
                Location::Path => {
                    let placeholder = format!("{{{}}}", param.name);
                    let encoded = path_segment(op, param.name, &text_of(value))?;
                    if !parts.path.contains(&placeholder) {
                        return Err(Error::InvalidParameter {
                            operation: op.name,
                            parameter: param.name.to_string(),
                            reason: format!("path {path} has no {placeholder}"),
                        });
                    }
                    parts.path = parts.path.replace(&placeholder, &encoded);
                }
            }
        }
        Ok(parts)
    }
}

/// The `wss://` URL of a WebSocket operation on `host`: path parameters substituted and
/// encoded, query parameters appended. Missing required parameters are errors.
pub fn websocket_url<I: serde::Serialize>(
    op: &'static Operation,
    host: &str,
    input: &I,
) -> Result<String, Error> {
    let value = serde_json::to_value(input).map_err(|e| Error::InvalidParameter {
        operation: op.name,
        parameter: "<input>".into(),
        reason: e.to_string(),
    })?;
    let parts = RequestParts::split(op, op.path.unwrap_or(""), value)?;
    let host = host
        .trim_start_matches("wss://")
        .trim_start_matches("https://")
        .trim_end_matches('/');
    let mut url = format!("wss://{host}{}", parts.path);
    if !parts.query.is_empty() {
        let pairs: Vec<(&str, &str)> = parts
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        url.push('?');
        url.push_str(&crate::sign::canonical_query(&pairs));
    }
    Ok(url)
}

/// The encoding of a path parameter as one path segment. Empty and dot-only values (`.`,
/// `..`) are refused: they would retarget the request (`/instances/..` is `/`). Every byte
/// but the RFC 3986 unreserved ones is percent-encoded, and so is `.`, so that no URL
/// normalisation can take a value for a dot segment.
pub fn path_segment(op: &'static Operation, name: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() || value.chars().all(|c| c == '.') {
        return Err(Error::InvalidParameter {
            operation: op.name,
            parameter: name.to_string(),
            reason: format!("path parameter value {value:?} is empty or only dots"),
        });
    }
    Ok(crate::sign::encode(value).replace('.', "%2E"))
}

/// Text form of a parameter value: strings as they are, numbers and booleans as their JSON
/// text, lists and objects as compact JSON.
fn text_of(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{Method, Param, Shape};
    use serde_json::json;

    static OP: Operation = Operation {
        name: "GetThing",
        method: Method::Post,
        path: Some("/api/things/{thingId}"),
        host: None,
        read: true,
        params: &[
            Param {
                name: "thingId",
                location: Location::Path,
                required: true,
                shape: Shape::String,
                sensitive: false,
                deprecated: None,
                undocumented: None,
            },
            Param {
                name: "Limit",
                location: Location::Query,
                required: false,
                shape: Shape::Integer,
                sensitive: false,
                deprecated: None,
                undocumented: None,
            },
            Param {
                name: "Names",
                location: Location::Body,
                required: false,
                shape: Shape::List(&Shape::Any),
                sensitive: false,
                deprecated: None,
                undocumented: None,
            },
            Param {
                name: "x-trace",
                location: Location::Header,
                required: false,
                shape: Shape::String,
                sensitive: false,
                deprecated: None,
                undocumented: None,
            },
        ],
        binary_response: false,
        output: &crate::operation::EMPTY_OUTPUT,
        task: None,
        pagination: None,
        websocket: false,
        deprecated: None,
    };

    #[test]
    fn splits_by_location_and_encodes_path() {
        let parts = RequestParts::split(
            &OP,
            "/api/things/{thingId}",
            json!({"thingId": "a b/c", "Limit": 5, "Names": ["x"], "x-trace": "t"}),
        )
        .unwrap();
        assert_eq!(parts.path, "/api/things/a%20b%2Fc");
        assert_eq!(parts.query, vec![("Limit".to_string(), "5".to_string())]);
        assert_eq!(parts.body["Names"], json!(["x"]));
        assert_eq!(
            parts.headers,
            vec![("x-trace".to_string(), "t".to_string())]
        );
    }

    #[test]
    fn empty_and_dot_only_path_values_are_refused_and_dots_encoded() {
        for bad in ["", ".", "..", "..."] {
            let err = RequestParts::split(&OP, "/api/things/{thingId}", json!({"thingId": bad}))
                .unwrap_err();
            assert!(
                matches!(&err, Error::InvalidParameter { parameter, .. } if parameter == "thingId"),
                "{bad:?}: {err:?}"
            );
        }
        let parts =
            RequestParts::split(&OP, "/api/things/{thingId}", json!({"thingId": "a.b/../c"}))
                .unwrap();
        assert_eq!(parts.path, "/api/things/a%2Eb%2F%2E%2E%2Fc");
    }

    #[test]
    fn missing_required_parameter_is_named() {
        let err =
            RequestParts::split(&OP, "/api/things/{thingId}", json!({"Limit": 1})).unwrap_err();
        assert!(matches!(
            err,
            Error::MissingParameter {
                operation: "GetThing",
                parameter: "thingId"
            }
        ));
        assert_eq!(
            err.to_string(),
            "GetThing: missing required parameter thingId"
        );
    }
}
