//! Parameter checks: required parameters present, in the documented location, of the
//! documented JSON shape.

use cds_core::operation::{Kind, Location, Operation};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Common parameters of the RPC signature, always allowed in the query.
pub const RPC_COMMON: &[&str] = &[
    "Action",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// A rejected parameter: (code, message).
pub type Rejection = (&'static str, String);

/// What arrived, by location.
pub struct Arrived<'a> {
    /// Decoded query parameters (common RPC ones included).
    pub query: &'a [(String, String)],
    /// JSON body object, if the body was an object.
    pub body: Option<&'a Map<String, Value>>,
    /// The whole JSON body.
    pub body_root: Option<&'a Value>,
    /// Headers (lower-case names).
    pub headers: &'a BTreeMap<String, String>,
    /// Path parameters.
    pub path: &'a BTreeMap<String, String>,
}

/// The documented parameters of `op` that arrived, by name: from their documented location,
/// or (`compatible`) from the query or the body, whichever has them.
pub fn values(
    op: &Operation,
    arrived: &Arrived<'_>,
    compatible: bool,
) -> std::collections::HashMap<&'static str, Value> {
    op.params
        .iter()
        .filter_map(|p| find(p, arrived, compatible).map(|v| (p.name, v)))
        .collect()
}

fn find(
    param: &cds_core::operation::Param,
    arrived: &Arrived<'_>,
    compatible: bool,
) -> Option<Value> {
    let in_query = || {
        arrived
            .query
            .iter()
            .find(|(k, _)| k == param.name)
            .map(|(_, v)| Value::String(v.clone()))
    };
    let in_body = || arrived.body.and_then(|b| b.get(param.name)).cloned();
    let found = match param.location {
        Location::Query => in_query(),
        Location::Body => in_body(),
        Location::BodyRoot => arrived.body_root.cloned(),
        Location::Header => arrived
            .headers
            .get(&param.name.to_ascii_lowercase())
            .map(|v| Value::String(v.clone())),
        Location::Path => arrived
            .path
            .get(param.name)
            .map(|v| Value::String(v.clone())),
    };
    match (found, param.location) {
        (None, Location::Query) if compatible => in_body(),
        (None, Location::Body) if compatible => in_query(),
        (found, _) => found,
    }
}

/// Checks every documented parameter of `op`, and that nothing undocumented arrived in the
/// query or body. `compatible` accepts a documented query or body parameter in either place.
pub fn check(
    op: &Operation,
    arrived: &Arrived<'_>,
    rpc: bool,
    compatible: bool,
) -> Result<(), Rejection> {
    for param in op.params {
        let found = find(param, arrived, compatible);
        match found {
            None | Some(Value::Null) => {
                if param.required {
                    return Err(("MissingParameter", format!("The input parameter {} that is mandatory for processing this request is not supplied.", param.name)));
                }
                let elsewhere = match param.location {
                    Location::Query => arrived.body.is_some_and(|b| b.contains_key(param.name)),
                    Location::Body => arrived.query.iter().any(|(k, _)| k == param.name),
                    _ => false,
                };
                if elsewhere {
                    return Err((
                        "InvalidParameter.Location",
                        format!(
                            "The parameter {} was sent in the wrong place ({:?} expected).",
                            param.name, param.location
                        ),
                    ));
                }
            }
            Some(value) => {
                let text_location = matches!(
                    param.location,
                    Location::Query | Location::Header | Location::Path
                ) || (compatible && value.is_string());
                if !shape_matches(param.kind(), &value, text_location) {
                    return Err((
                        "InvalidParameter",
                        format!(
                            "The parameter {} is not a valid {:?}: {}",
                            param.name,
                            param.kind(),
                            value
                        ),
                    ));
                }
            }
        }
    }
    let documented = |name: &str, loc: Location| {
        op.params.iter().any(|p| {
            p.name == name
                && (p.location == loc
                    || (compatible && matches!(p.location, Location::Query | Location::Body)))
        })
    };
    for (k, _) in arrived.query {
        if rpc && RPC_COMMON.contains(&k.as_str()) {
            continue;
        }
        if !documented(k, Location::Query) {
            return Err((
                "InvalidParameter.Unknown",
                format!("The query parameter {k} is not documented for {}.", op.name),
            ));
        }
    }
    if let Some(body) = arrived.body {
        if op.params.iter().all(|p| p.location != Location::BodyRoot) {
            for k in body.keys() {
                if !documented(k, Location::Body) {
                    return Err((
                        "InvalidParameter.Unknown",
                        format!("The body member {k} is not documented for {}.", op.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether `value` has the JSON shape `kind`; text locations carry scalars as text.
fn shape_matches(kind: Kind, value: &Value, text_location: bool) -> bool {
    match (kind, value) {
        (Kind::Any, _) => true,
        (Kind::String, Value::String(_)) => true,
        (Kind::String, Value::Number(_)) => true,
        (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Integer, Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        (Kind::Number, Value::Number(_)) => true,
        (Kind::Number, Value::String(s)) => s.trim().parse::<f64>().is_ok(),
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Boolean, Value::String(s)) => {
            text_location && matches!(s.as_str(), "true" | "false" | "1" | "0")
        }
        (Kind::Boolean, Value::Number(_)) => true,
        (Kind::List, Value::Array(_)) => true,
        (Kind::Object, Value::Object(_)) => true,
        // Lists and objects travel as JSON text in the query.
        (Kind::List | Kind::Object, Value::String(s)) if text_location => {
            serde_json::from_str::<Value>(s).is_ok()
        }
        _ => false,
    }
}
