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

/// A request as the compatible mode reads it: flattened lists and objects (`InstanceIds.0`,
/// `SystemDisk.Type`, `DataDisks.1.Size`) rebuilt into the documented parameter, and what a
/// server would not know dropped (reported in `ignored`): undocumented parameters (the
/// vendor's Go SDK sends `SubjectId`, `HostName`, …) and re-cased duplicates of the common
/// ones (its Python SDK adds `service`, `version`, `action`).
pub struct Lenient {
    /// The query, flattened parameters of query location rebuilt (as JSON text).
    pub query: Vec<(String, String)>,
    /// The body, flattened parameters of body location rebuilt, undocumented members dropped.
    pub body: Option<Value>,
    /// The names dropped, as received.
    pub ignored: Vec<String>,
}

/// Reads a request leniently for `op` (compatible mode): see [`Lenient`].
pub fn lenient(
    op: &Operation,
    query: &[(String, String)],
    body: Option<&Value>,
    rpc: bool,
) -> Lenient {
    let param = |name: &str| op.params.iter().find(|p| p.name == name);
    let mut out = Lenient {
        query: Vec::with_capacity(query.len()),
        body: body.cloned(),
        ignored: Vec::new(),
    };
    let mut flattened: BTreeMap<&'static str, Vec<(Vec<&str>, &str)>> = BTreeMap::new();
    for (k, v) in query {
        if rpc && RPC_COMMON.contains(&k.as_str()) {
            out.query.push((k.clone(), v.clone()));
            continue;
        }
        if param(k).is_some() {
            out.query.push((k.clone(), v.clone()));
            continue;
        }
        if let Some((base, rest)) = k.split_once('.') {
            if let Some(p) = param(base).filter(|p| {
                matches!(p.location, Location::Query | Location::Body)
                    && matches!(
                        p.kind(),
                        Kind::List | Kind::Object | Kind::Any | Kind::String
                    )
            }) {
                flattened
                    .entry(p.name)
                    .or_default()
                    .push((rest.split('.').collect(), v.as_str()));
                continue;
            }
        }
        // Undocumented, or a re-cased duplicate of a common parameter: ignored.
        out.ignored.push(k.clone());
    }
    let body_root = op.params.iter().any(|p| p.location == Location::BodyRoot);
    if let Some(Value::Object(map)) = out.body.as_mut() {
        if !body_root {
            let unknown: Vec<String> = map.keys().filter(|k| param(k).is_none()).cloned().collect();
            for k in unknown {
                map.remove(&k);
                out.ignored.push(k);
            }
        }
    }
    for (name, parts) in flattened {
        let Some(p) = param(name) else { continue };
        let mut tree = Value::Null;
        for (path, v) in &parts {
            insert_path(&mut tree, path, v);
        }
        let value = match (p.kind(), listify(tree)) {
            // A list flattened into a parameter documented as text (`InstanceIds`, ids
            // separated by commas).
            (Kind::String, Value::Array(items)) => Value::String(
                items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (_, tree) => coerce(&p.shape, tree),
        };
        let in_body = p.location == Location::Body;
        match (in_body, out.body.as_mut()) {
            (true, Some(Value::Object(map))) => {
                map.insert(name.to_string(), value);
            }
            (true, None) => {
                let mut map = Map::new();
                map.insert(name.to_string(), value);
                out.body = Some(Value::Object(map));
            }
            _ => out.query.push((
                name.to_string(),
                value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string()),
            )),
        }
    }
    out
}

/// Puts `value` at `path` in a tree of objects (list items are objects keyed by index until
/// [`listify`]).
fn insert_path(tree: &mut Value, path: &[&str], value: &str) {
    let Some((first, rest)) = path.split_first() else {
        *tree = Value::String(value.to_string());
        return;
    };
    if !tree.is_object() {
        *tree = Value::Object(Map::new());
    }
    if let Value::Object(map) = tree {
        let child = map.entry(first.to_string()).or_insert(Value::Null);
        insert_path(child, rest, value);
    }
}

/// Objects whose keys are all indexes become lists, in index order.
fn listify(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let indexed = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if indexed {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .map(|(k, v)| (k.parse().unwrap_or(0), listify(v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, listify(v))).collect())
            }
        }
        other => other,
    }
}

/// Text values made into the documented shape's numbers and booleans.
fn coerce(shape: &cds_core::operation::Shape, v: Value) -> Value {
    use cds_core::operation::Shape;
    match (shape, v) {
        (Shape::Integer, Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(s),
        },
        (Shape::Number, Value::String(s)) => match s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            Some(n) => Value::Number(n),
            None => Value::String(s),
        },
        (Shape::Boolean, Value::String(s)) => match s.as_str() {
            "true" | "True" | "1" => Value::Bool(true),
            "false" | "False" | "0" => Value::Bool(false),
            _ => Value::String(s),
        },
        (Shape::List(inner), Value::Array(items)) => {
            Value::Array(items.into_iter().map(|i| coerce(inner, i)).collect())
        }
        (Shape::Map(inner), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, coerce(inner, v)))
                .collect(),
        ),
        (Shape::Struct(st), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match st.fields.iter().find(|f| f.name == k) {
                        Some(f) => coerce(&f.shape, v),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (_, v) => v,
    }
}
