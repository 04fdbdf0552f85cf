//! `cds <line> <op> --example`: a ready command line for an operation, every required
//! parameter given: the first documented value where the parameter has a value set, a sample
//! of its type elsewhere (nested structures with their required fields), `<…>` placeholders
//! for free text.

use crate::shape::{self, FlagKind};
use crate::table::Command;
use cds_core::operation::Shape;
use serde_json::{Map, Value};

/// The example command line of `cmd`, one parameter per line (shell continuation).
pub fn command_line(cmd: &Command) -> String {
    let mut parts = vec![format!("cds {} {}", cmd.line.name(), cmd.op.command)];
    for (p, f) in cmd.params() {
        if !p.required {
            continue;
        }
        let sample = sample(&p.shape, p.name, 0);
        match shape::flag_kind(&p.shape) {
            FlagKind::ScalarList => {
                let items = match &sample {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for item in items {
                    parts.push(format!("--{} {}", f.flag, quote(&text(&item))));
                }
            }
            FlagKind::Scalar => parts.push(format!("--{} {}", f.flag, quote(&text(&sample)))),
            FlagKind::Json => parts.push(format!("--{} {}", f.flag, quote(&sample.to_string()))),
        }
    }
    parts.join(" \\\n    ")
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value of `shape` for parameter or field `name`.
fn sample(shape: &Shape, name: &str, depth: usize) -> Value {
    match shape {
        Shape::Enum(set) => set
            .values
            .first()
            .and_then(|v| shape::enum_value(set, v.value).ok())
            .unwrap_or(Value::Null),
        Shape::String => Value::String(format!("<{}>", kebab(name))),
        Shape::Integer => Value::from(1),
        Shape::Number => Value::from(1.0),
        Shape::Boolean => Value::Bool(true),
        Shape::Any => Value::Object(Map::new()),
        Shape::Map(_) => Value::Object(Map::new()),
        Shape::List(inner) => Value::Array(vec![sample(inner, name, depth + 1)]),
        Shape::Struct(s) if depth < 6 => Value::Object(
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_string(), sample(&f.shape, f.name, depth + 1)))
                .collect(),
        ),
        Shape::Struct(_) => Value::Object(Map::new()),
    }
}

fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = i > 0
            && c.is_uppercase()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Quotes `s` for a POSIX shell when it needs it.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+,=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_names_every_required_parameter_with_a_checked_value() {
        let cmd = Command::find("ccs", "create-instance").unwrap();
        let line = command_line(&cmd);
        assert!(line.starts_with("cds ccs create-instance \\\n"), "{line}");
        assert!(line.contains("--vdc-id '<vdc-id>'"), "{line}");
        assert!(line.contains("--instance-type IO"), "{line}");
        assert!(line.contains("--cpu 1"), "{line}");
        assert_eq!(kebab("VdcId"), "vdc-id");
        assert_eq!(kebab("UTC"), "utc");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
    }
}
