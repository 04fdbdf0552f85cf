//! An operation's input as JSON keyed by wire names: from `--input-json`, then the flags
//! (which override its members); the `--generate-skeleton` template; required-parameter checks.

use crate::errors::CliError;
use crate::table::{Op, Param, Ty};
use clap::ArgMatches;
use serde_json::{Map, Value};
use std::io::Read as _;

/// Reads `--input-json FILE|-`: a JSON object whose keys are the operation's wire names.
pub fn read_input_json(op: &Op, source: &str) -> Result<Map<String, Value>, CliError> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Usage(format!("--input-json: reading stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::Usage(format!("--input-json: cannot read {source}: {e}")))?
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("--input-json: not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(CliError::Usage(
            "--input-json: expected a JSON object keyed by parameter wire names".into(),
        ));
    };
    for key in map.keys() {
        if !op.params.iter().any(|p| p.name == key) {
            let known: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            return Err(CliError::Usage(format!(
                "--input-json: {} has no parameter {key:?} (parameters: {})",
                op.name,
                known.join(", ")
            )));
        }
    }
    Ok(map)
}

/// Merges the flags given into `input`.
pub fn merge_flags(op: &Op, matches: &ArgMatches, input: &mut Map<String, Value>) {
    for p in op.params {
        let Ok(Some(values)) = matches.try_get_many::<Value>(p.flag) else {
            continue;
        };
        let values: Vec<Value> = values.cloned().collect();
        let value = if p.list {
            let mut items = Vec::new();
            for v in values {
                match v {
                    Value::Array(inner) => items.extend(inner),
                    other => items.push(other),
                }
            }
            Value::Array(items)
        } else {
            match values.into_iter().next_back() {
                Some(v) => v,
                None => continue,
            }
        };
        input.insert(p.name.to_string(), value);
    }
}

/// Fails with a usage error naming the flag of every required parameter missing from `input`.
pub fn check_required(
    line: &str,
    op: &Op,
    input: &Map<String, Value>,
    except: &[&str],
) -> Result<(), CliError> {
    let missing: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required && !except.contains(&p.name))
        .filter(|p| input.get(p.name).is_none_or(Value::is_null))
        .map(|p| format!("--{}", p.flag))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{} needs {} (or give them in --input-json); see `cds help {line} {}`",
            op.name,
            missing.join(", "),
            op.command
        )))
    }
}

/// A template of the whole input, for `--input-json`.
pub fn skeleton(op: &Op) -> Value {
    let mut map = Map::new();
    for p in op.params {
        map.insert(p.name.to_string(), placeholder(p));
    }
    Value::Object(map)
}

fn placeholder(p: &Param) -> Value {
    let one = match (p.values.first(), p.ty) {
        (Some(v), Ty::Integer) => v
            .value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::Null),
        (Some(v), _) => Value::String(v.value.to_string()),
        (None, Ty::String) => Value::String(String::new()),
        (None, Ty::Integer) => Value::from(0),
        (None, Ty::Number) => Value::from(0.0),
        (None, Ty::Boolean) => Value::Bool(false),
        (None, Ty::Json) => Value::Null,
    };
    if p.list {
        Value::Array(vec![one])
    } else {
        one
    }
}
