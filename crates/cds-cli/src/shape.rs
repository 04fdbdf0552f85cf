//! Values against the shapes of `meta`: what a flag's value is, how it is parsed, how a shape
//! is described in help texts.

use crate::table::element;
use cds_core::operation::{EnumSet, Shape};
use serde_json::Value;

/// How a parameter is given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// One scalar (text, number, boolean, documented value).
    Scalar,
    /// A list of scalars: the flag repeats, or takes one JSON array.
    ScalarList,
    /// JSON (objects, lists of objects, maps, free-form values).
    Json,
}

/// How a parameter of `shape` is given on the command line.
pub fn flag_kind(shape: &Shape) -> FlagKind {
    match element(shape) {
        (s, false) if is_scalar(s) => FlagKind::Scalar,
        (s, true) if is_scalar(s) => FlagKind::ScalarList,
        _ => FlagKind::Json,
    }
}

/// Text, numbers, booleans and documented values.
pub fn is_scalar(shape: &Shape) -> bool {
    matches!(
        shape,
        Shape::String | Shape::Integer | Shape::Number | Shape::Boolean | Shape::Enum(_)
    )
}

/// The value name shown in usage lines.
pub fn value_name(shape: &Shape) -> &'static str {
    match element(shape).0 {
        Shape::String => "STRING",
        Shape::Integer => "INT",
        Shape::Number => "NUMBER",
        Shape::Boolean => "BOOL",
        Shape::Enum(_) => "VALUE",
        _ => "JSON",
    }
}

/// A short description of a shape: `integer`, `list of DataDisk`, `InstanceChargeType`.
pub fn type_text(shape: &Shape) -> String {
    match shape {
        Shape::String => "string".into(),
        Shape::Integer => "integer".into(),
        Shape::Number => "number".into(),
        Shape::Boolean => "boolean (true|false)".into(),
        Shape::Any => "any JSON".into(),
        Shape::List(inner) => format!("list of {}", type_text(inner)),
        Shape::Map(inner) => format!("object of {}", type_text(inner)),
        Shape::Struct(s) => format!("{} (object)", s.name),
        Shape::Enum(set) => format!("{} (one of the values below)", set.name),
    }
}

/// Parses one command-line value of a scalar shape.
pub fn scalar(shape: &Shape, s: &str) -> Result<Value, String> {
    match shape {
        Shape::String => Ok(Value::String(s.to_string())),
        Shape::Integer => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{s:?} is not an integer")),
        Shape::Number => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("{s:?} is not a number")),
        Shape::Boolean => match s.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{s:?} is not true or false")),
        },
        Shape::Enum(set) => enum_value(set, s),
        _ => serde_json::from_str(s).map_err(|e| format!("not valid JSON: {e}")),
    }
}

/// A documented value of `set` given as text.
pub fn enum_value(set: &EnumSet, s: &str) -> Result<Value, String> {
    let Some(v) = set.values.iter().find(|v| v.value == s) else {
        let values: Vec<&str> = set.values.iter().map(|v| v.value).collect();
        return Err(format!(
            "{s:?} is not a documented {} (one of: {})",
            set.name,
            values.join(", ")
        ));
    };
    if set.integer {
        v.value
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{s:?} is not an integer"))
    } else {
        Ok(Value::String(v.value.to_string()))
    }
}

/// Parses one occurrence of flag `--flag` whose parameter has `shape`.
pub fn parse_flag(shape: &Shape, flag: &str, s: &str) -> Result<Value, String> {
    match flag_kind(shape) {
        FlagKind::Scalar => scalar(shape, s),
        FlagKind::ScalarList => {
            let (inner, _) = element(shape);
            if s.trim_start().starts_with('[') {
                let v: Value =
                    serde_json::from_str(s).map_err(|e| format!("not a JSON array: {e}"))?;
                let Value::Array(items) = v else {
                    return Err("expected a JSON array".into());
                };
                for item in &items {
                    check_scalar_json(inner, item)?;
                }
                Ok(Value::Array(items))
            } else if s.contains(',') && !matches!(inner, Shape::Number) {
                Err(format!(
                    "{s:?} holds a comma: a list repeats the flag (--{flag} a --{flag} b) or \
                     takes one JSON array (--{flag} '[\"a\",\"b\"]'); a single value with a comma \
                     is given as a JSON array too"
                ))
            } else {
                scalar(inner, s)
            }
        }
        FlagKind::Json => {
            if let Some(path) = s.strip_prefix("file://") {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                return crate::input::parse_document(&format!("--{flag}"), &text)
                    .map_err(|e| e.to_string());
            }
            serde_json::from_str(s).map_err(|e| {
                format!("not valid JSON: {e} (give JSON, e.g. '[{{\"Name\": 1}}]', or file://PATH)")
            })
        }
    }
}

fn check_scalar_json(shape: &Shape, v: &Value) -> Result<(), String> {
    let ok = match shape {
        Shape::String => v.is_string(),
        Shape::Integer => v.is_i64() || v.is_u64(),
        Shape::Number => v.is_number(),
        Shape::Boolean => v.is_boolean(),
        Shape::Enum(set) => {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return enum_value(set, &text).map(drop);
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v} is not {}", type_text(shape)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_values() {
        static INTS: Shape = Shape::List(&Shape::Integer);
        static STRS: Shape = Shape::List(&Shape::String);
        assert_eq!(parse_flag(&Shape::Integer, "n", "42"), Ok(Value::from(42)));
        assert!(parse_flag(&Shape::Integer, "n", "4x").is_err());
        assert_eq!(
            parse_flag(&STRS, "ids", r#"["a","b"]"#),
            Ok(serde_json::json!(["a", "b"]))
        );
        let comma = parse_flag(&STRS, "ids", "a,b").unwrap_err();
        assert!(
            comma.contains("--ids a --ids b") && comma.contains("JSON array"),
            "{comma}"
        );
        assert!(parse_flag(&INTS, "n", r#"["a"]"#).is_err());
        assert!(parse_flag(&Shape::Any, "x", "{").is_err());
        assert_eq!(
            parse_flag(&Shape::Boolean, "b", "true"),
            Ok(Value::Bool(true))
        );
    }
}
