//! Printing results: JSON (pretty on a terminal, compact otherwise), YAML or a table, after an
//! optional JMESPath `--query`; and streaming items of `--all-pages` as they arrive.

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
}

impl Format {
    /// Parses `json`, `yaml` or `table`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "yaml" => Some(Format::Yaml),
            "table" => Some(Format::Table),
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

fn io(e: std::io::Error) -> CliError {
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

/// Items of `--all-pages`, printed as they arrive: a JSON array written element by element,
/// a YAML sequence, or table rows (columns from the first item, tab separated).
pub struct Stream<'a> {
    out: &'a mut dyn Write,
    format: Format,
    pretty: bool,
    count: u64,
    columns: Option<Vec<String>>,
}

impl<'a> Stream<'a> {
    /// Starts a stream.
    pub fn new(out: &'a mut dyn Write, format: Format, pretty: bool) -> Self {
        Self {
            out,
            format,
            pretty,
            count: 0,
            columns: None,
        }
    }

    /// Prints one item.
    pub fn item(&mut self, v: &Value) -> Result<(), CliError> {
        match self.format {
            Format::Json => {
                let sep = if self.count == 0 { "[" } else { "," };
                if self.pretty {
                    let text = serde_json::to_string_pretty(v)
                        .map_err(|e| CliError::Call(e.to_string()))?;
                    let indented = text.replace('\n', "\n  ");
                    write!(self.out, "{sep}\n  {indented}").map_err(io)?;
                } else {
                    write!(self.out, "{sep}{v}").map_err(io)?;
                }
            }
            Format::Yaml => {
                let text =
                    serde_yaml::to_string(&vec![v]).map_err(|e| CliError::Call(e.to_string()))?;
                write!(self.out, "{text}").map_err(io)?;
            }
            Format::Table => {
                if self.columns.is_none() {
                    let columns = columns_of(std::slice::from_ref(v));
                    let header = if columns.is_empty() {
                        "value".to_string()
                    } else {
                        columns.join("\t")
                    };
                    writeln!(self.out, "{header}").map_err(io)?;
                    self.columns = Some(columns);
                }
                let columns = self.columns.as_deref().unwrap_or(&[]);
                writeln!(self.out, "{}", row_cells(columns, v).join("\t")).map_err(io)?;
            }
        }
        self.count += 1;
        self.out.flush().map_err(io)
    }

    /// Ends the stream.
    pub fn finish(self) -> Result<(), CliError> {
        match self.format {
            Format::Json if self.count == 0 => writeln!(self.out, "[]").map_err(io),
            Format::Json if self.pretty => writeln!(self.out, "\n]").map_err(io),
            Format::Json => writeln!(self.out, "]").map_err(io),
            Format::Yaml if self.count == 0 => writeln!(self.out, "[]").map_err(io),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn streams_a_valid_json_array() {
        for pretty in [false, true] {
            let mut buf = Vec::new();
            let mut s = Stream::new(&mut buf, Format::Json, pretty);
            s.item(&json!({"a": 1})).unwrap();
            s.item(&json!({"a": [2]})).unwrap();
            s.finish().unwrap();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            assert_eq!(v, json!([{"a": 1}, {"a": [2]}]));
        }
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
