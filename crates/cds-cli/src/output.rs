//! Printing results: JSON (pretty on a terminal, compact otherwise), YAML or a table, after an
//! optional JMESPath `--query`; or aws-cli's tab-separated `text`.

use crate::errors::CliError;
use serde_json::Value;
use std::io::Write;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON.
    #[default]
    Json,
    /// YAML.
    Yaml,
    /// Aligned columns.
    Table,
    /// Tab-separated lines, as aws-cli's `text`.
    Text,
}

impl Format {
    /// Parses `json`, `yaml` or `table`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "yaml" => Some(Format::Yaml),
            "table" => Some(Format::Table),
            "text" => Some(Format::Text),
            _ => None,
        }
    }
}

/// A compiled `--query`.
pub struct Query(jmespath::Expression<'static>);

impl Query {
    /// Compiles a JMESPath expression.
    pub fn compile(text: &str) -> Result<Query, CliError> {
        jmespath::compile(text)
            .map(Query)
            .map_err(|e| CliError::Usage(format!("invalid --query: {e}")))
    }

    /// Applies the expression to `v`.
    pub fn apply(&self, v: &Value) -> Result<Value, CliError> {
        let var = jmespath::Variable::from_serializable(v)
            .map_err(|e| CliError::Usage(format!("--query: {e}")))?;
        let out = self
            .0
            .search(var)
            .map_err(|e| CliError::Usage(format!("--query: {e}")))?;
        serde_json::to_value(&*out).map_err(|e| CliError::Usage(format!("--query: {e}")))
    }
}

/// A failed write to stdout as an error (a closed pipe ends quietly).
pub fn io(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError::OutputClosed;
    }
    CliError::Call(format!("writing the output: {e}"))
}

/// Prints one whole result.
pub fn print(out: &mut dyn Write, v: &Value, format: Format, pretty: bool) -> Result<(), CliError> {
    match format {
        Format::Json => {
            let text = if pretty {
                serde_json::to_string_pretty(v)
            } else {
                serde_json::to_string(v)
            }
            .map_err(|e| CliError::Call(e.to_string()))?;
            writeln!(out, "{text}").map_err(io)
        }
        Format::Yaml => {
            let text = serde_yaml::to_string(v).map_err(|e| CliError::Call(e.to_string()))?;
            write!(out, "{text}").map_err(io)
        }
        Format::Table => {
            let rows = rows_of(v);
            let columns = columns_of(&rows);
            write!(out, "{}", render_table(&columns, &rows)).map_err(io)
        }
        Format::Text => {
            let mut lines = Vec::new();
            text_lines(v, None, &mut lines);
            for l in lines {
                writeln!(out, "{l}").map_err(io)?;
            }
            Ok(())
        }
    }
}

/// aws-cli's `text`: an object's scalars on one tab-separated line (keys sorted), then each
/// nested value under its key in upper case; a list of scalars on one line; a list of objects
/// one after the other.
fn text_lines(v: &Value, prefix: Option<&str>, out: &mut Vec<String>) {
    let line = |cells: Vec<String>| -> String {
        let mut all: Vec<String> = prefix.map(str::to_string).into_iter().collect();
        all.extend(cells);
        all.join("\t")
    };
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let scalars: Vec<String> = keys
                .iter()
                .filter(|k| is_scalar(&m[k.as_str()]))
                .map(|k| text_cell(&m[k.as_str()]))
                .collect();
            if !scalars.is_empty() {
                out.push(line(scalars));
            }
            for k in keys.iter().filter(|k| !is_scalar(&m[k.as_str()])) {
                text_lines(&m[k.as_str()], Some(&k.to_uppercase()), out);
            }
        }
        Value::Array(items) if items.iter().all(is_scalar) => {
            if !items.is_empty() {
                out.push(line(items.iter().map(text_cell).collect()));
            }
        }
        Value::Array(items) => {
            for item in items {
                text_lines(item, prefix, out);
            }
        }
        scalar => out.push(line(vec![text_cell(scalar)])),
    }
}

fn text_cell(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::String(s) => s.replace(['\n', '\t'], " "),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        other => other.to_string(),
    }
}

/// The rows a table shows: an array's elements, or an object's entries as key / value.
fn rows_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Object(m) if m.values().any(|x| !is_scalar(x)) => m
            .iter()
            .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
            .collect(),
        other => vec![other.clone()],
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn columns_of(rows: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(m) = row {
            for k in m.keys() {
                if !columns.iter().any(|c| c == k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    columns
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.replace(['\n', '\t'], " "),
        Some(other) => other.to_string(),
    }
}

fn row_cells(columns: &[String], row: &Value) -> Vec<String> {
    match row {
        Value::Object(m) => columns.iter().map(|c| cell(m.get(c))).collect(),
        other => vec![cell(Some(other))],
    }
}

fn render_table(columns: &[String], rows: &[Value]) -> String {
    let header: Vec<String> = if columns.is_empty() {
        vec!["value".into()]
    } else {
        columns.to_vec()
    };
    let body: Vec<Vec<String>> = rows.iter().map(|r| row_cells(columns, r)).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &body {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut s = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths.get(i).copied().unwrap_or(0)
                    - c.chars().count().min(widths.get(i).copied().unwrap_or(0));
                format!("{c}{}", " ".repeat(pad))
            })
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for r in &body {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_tab_separated_as_aws_prints_it() {
        let mut buf = Vec::new();
        print(
            &mut buf,
            &json!({"Code": "Success", "Data": {"Instances": [{"Id": "i-1", "Cpu": 2}, {"Id": "i-2", "Cpu": null}], "Total": 2}, "Ids": ["a", "b"]}),
            Format::Text,
            false,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "Success\nDATA\t2\nINSTANCES\t2\ti-1\nINSTANCES\tNone\ti-2\nIDS\ta\tb\n"
        );
    }

    #[test]
    fn renders_tables_and_queries() {
        let mut buf = Vec::new();
        print(
            &mut buf,
            &json!([{"Id": "i-1", "N": 2}, {"Id": "i-22"}]),
            Format::Table,
            false,
        )
        .unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, "Id    N\n----  -\ni-1   2\ni-22\n");
        let q = Query::compile("Data.Items[].Id").unwrap();
        let v = q
            .apply(&json!({"Data": {"Items": [{"Id": "a"}, {"Id": "b"}]}}))
            .unwrap();
        assert_eq!(v, json!(["a", "b"]));
        assert!(Query::compile("Data[").is_err());
    }
}
