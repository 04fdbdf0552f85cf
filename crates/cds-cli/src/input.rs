//! An operation's input as JSON keyed by wire names: from `--input-json` (a file, `file://…`,
//! `-` for stdin, or inline; JSON or YAML), then the flags (which override its members).

use crate::errors::CliError;
use crate::shape::{self, FlagKind};
use crate::table::Command;
use clap::ArgMatches;
use serde_json::{Map, Value};
use std::io::Read as _;

/// Reads the text `source` names: `-` (stdin), `file://PATH`, a path, or (starting with `{`
/// or `[`) the text itself.
pub fn read_source(what: &str, source: &str) -> Result<String, CliError> {
    if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Usage(format!("{what}: reading stdin: {e}")))?;
        return Ok(s);
    }
    let trimmed = source.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(source.to_string());
    }
    let path = source.strip_prefix("file://").unwrap_or(source);
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("{what}: cannot read {path}: {e}")))
}

/// Parses JSON, or YAML when it is not JSON.
pub fn parse_document(what: &str, text: &str) -> Result<Value, CliError> {
    let json_error = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if text.trim_start().starts_with(['{', '[']) {
        return Err(CliError::Usage(format!(
            "{what}: not valid JSON: {json_error}"
        )));
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        CliError::Usage(format!(
            "{what}: neither JSON ({json_error}) nor YAML{at}: {e}"
        ))
    })
}

/// Reads `--input-json SOURCE`: an object whose keys are the operation's wire names.
pub fn read_input_json(source: &str) -> Result<Map<String, Value>, CliError> {
    let text = read_source("--input-json", source)?;
    match parse_document("--input-json", &text)? {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(CliError::Usage(
            "--input-json: expected an object keyed by parameter wire names".into(),
        )),
    }
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
