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

/// `--color`: whether output and messages are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

static COLOR: std::sync::OnceLock<Color> = std::sync::OnceLock::new();

/// Sets the colour choice of this run.
pub fn set_color(color: Color) {
    let _ = COLOR.set(color);
}

/// The colour choice of this run.
pub fn color() -> Color {
    COLOR.get().copied().unwrap_or_default()
}

impl Color {
    /// From `--color` (`auto`, `always`, `never`); `auto` is `never` when `NO_COLOR` is set.
    pub fn choose(flag: Option<&str>) -> Color {
        match flag {
            Some("always") => Color::Always,
            Some("never") => Color::Never,
            _ if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => Color::Never,
            _ => Color::Auto,
        }
    }

    /// clap's choice.
    pub fn clap(self) -> clap::ColorChoice {
        match self {
            Color::Auto => clap::ColorChoice::Auto,
            Color::Always => clap::ColorChoice::Always,
            Color::Never => clap::ColorChoice::Never,
        }
    }

    /// Whether stdout is coloured.
    pub fn stdout(self) -> bool {
        use std::io::IsTerminal as _;
        self == Color::Always || (self == Color::Auto && std::io::stdout().is_terminal())
    }

    /// Whether stderr is coloured.
    pub fn stderr(self) -> bool {
        use std::io::IsTerminal as _;
        self == Color::Always || (self == Color::Auto && std::io::stderr().is_terminal())
    }
}

/// JSON with keys, strings, numbers and literals coloured (ANSI), laid out like
/// `serde_json`'s pretty (or compact) form.
fn colored_json(v: &Value, pretty: bool, depth: usize, out: &mut String) {
    const KEY: &str = "\x1b[1;34m";
    const STRING: &str = "\x1b[32m";
    const NUMBER: &str = "\x1b[36m";
    const LITERAL: &str = "\x1b[35m";
    const RESET: &str = "\x1b[0m";
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    match v {
        Value::Null | Value::Bool(_) => {
            out.push_str(LITERAL);
            out.push_str(&v.to_string());
            out.push_str(RESET);
        }
        Value::Number(_) => {
            out.push_str(NUMBER);
            out.push_str(&v.to_string());
            out.push_str(RESET);
        }
        Value::String(_) => {
            out.push_str(STRING);
            out.push_str(&v.to_string());
            out.push_str(RESET);
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                colored_json(item, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(KEY);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(RESET);
                out.push_str(if pretty { ": " } else { ":" });
                colored_json(item, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
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
        Format::Json if color().stdout() => {
            let mut text = String::new();
            colored_json(v, pretty, 0, &mut text);
            writeln!(out, "{text}").map_err(io)
        }
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
    fn colored_json_is_json_once_the_colours_are_taken_out() {
        let v = json!({"a": [1, "x", null, true, {}], "b": {"c": []}});
        for pretty in [false, true] {
            let mut text = String::new();
            colored_json(&v, pretty, 0, &mut text);
            assert!(text.contains("\x1b[32m\"x\""), "{text}");
            let mut plain = String::new();
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    for c in chars.by_ref() {
                        if c == 'm' {
                            break;
                        }
                    }
                } else {
                    plain.push(c);
                }
            }
            let expected = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            };
            assert_eq!(plain, expected);
        }
    }

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
