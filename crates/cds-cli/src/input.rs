//! An operation's input as JSON keyed by wire names: from `--input-json`, then the flags
//! (which override its members); the `--generate-skeleton` template; required-parameter checks.

use crate::errors::CliError;
use crate::shape::{self, FlagKind};
use crate::table::Command;
use cds_core::operation::{Param, Shape};
use clap::ArgMatches;
use serde_json::{Map, Value};
use std::io::Read as _;

/// Reads `--input-json FILE|-`: a JSON object whose keys are the operation's wire names.
pub fn read_input_json(cmd: &Command, source: &str) -> Result<Map<String, Value>, CliError> {
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
        if cmd.param(key).is_none() {
            let known: Vec<&str> = cmd.meta.params.iter().map(|p| p.name).collect();
            return Err(CliError::Usage(format!(
                "--input-json: {} has no parameter {key:?} (parameters: {})",
                cmd.meta.name,
                known.join(", ")
            )));
        }
    }
    Ok(map)
}

/// Merges the flags given into `input`.
pub fn merge_flags(cmd: &Command, matches: &ArgMatches, input: &mut Map<String, Value>) {
    for (p, f) in cmd.params() {
        let Ok(Some(values)) = matches.try_get_many::<Value>(f.flag) else {
            continue;
        };
        let values: Vec<Value> = values.cloned().collect();
        let value = if shape::flag_kind(&p.shape) == FlagKind::ScalarList {
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
    cmd: &Command,
    input: &Map<String, Value>,
    except: &[&str],
) -> Result<(), CliError> {
    let missing: Vec<String> = cmd
        .params()
        .filter(|(p, _)| p.required && !except.contains(&p.name))
        .filter(|(p, _)| input.get(p.name).is_none_or(Value::is_null))
        .map(|(_, f)| format!("--{}", f.flag))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{} needs {} (or give them in --input-json); see `cds help {} {}`",
            cmd.meta.name,
            missing.join(", "),
            cmd.line.name(),
            cmd.op.command
        )))
    }
}

/// A template of the whole input, for `--input-json`.
pub fn skeleton(cmd: &Command) -> Value {
    let mut map = Map::new();
    for p in cmd.meta.params {
        map.insert(p.name.to_string(), placeholder(p));
    }
    Value::Object(map)
}

fn placeholder(p: &Param) -> Value {
    let (element, list) = crate::table::element(&p.shape);
    let one = match element {
        Shape::Enum(set) => set
            .values
            .first()
            .and_then(|v| shape::enum_value(set, v.value).ok())
            .unwrap_or(Value::Null),
        Shape::String => Value::String(String::new()),
        Shape::Integer => Value::from(0),
        Shape::Number => Value::from(0.0),
        Shape::Boolean => Value::Bool(false),
        _ => Value::Null,
    };
    if list {
        Value::Array(vec![one])
    } else {
        one
    }
}
