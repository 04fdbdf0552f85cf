//! From headings and blocks (either format) to the neutral [`Document`] model.

use super::jsonnorm::normalise;
use super::model::{AuxExample, DocField, DocOp, Document, Section};
use super::raw::{strip_markup, Block, RawHeading};

const VERBS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Where the blocks under an operation currently are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    None,
    Address,
    Method,
    Params,
    Response,
    Errors,
    Examples,
    Other,
}

/// Builds the model of a document from its parsed headings and its text (for fingerprints).
pub fn build(name: &str, text: &str, headings: &[RawHeading]) -> Document {
    let mut doc = Document {
        name: name.to_string(),
        sha256: super::sha256_hex(text.as_bytes()),
        ..Document::default()
    };
    let ops: Vec<Option<DocOp>> = headings.iter().map(read_op).collect();
    // Section level: the heading level of the nearest non-operation heading before the
    // first operation (000: `##`, 001: `#`, 003: chapter).
    let first_op = ops.iter().position(Option::is_some);
    let section_level = first_op
        .and_then(|k| {
            headings[..k]
                .iter()
                .rev()
                .find(|h| !h.title.is_empty())
                .map(|h| h.level)
        })
        .unwrap_or(1);
    let lines: Vec<&str> = text.lines().collect();
    let mut section = String::new();
    let mut starts: Vec<(String, usize)> = Vec::new();
    for (h, op) in headings.iter().zip(ops) {
        for b in &h.blocks {
            if let Block::Code { text, .. } = b {
                let t = text.trim_start();
                if t.starts_with('{') || t.starts_with('[') {
                    doc.json_blocks.push(normalise(text));
                }
            }
        }
        match op {
            Some(mut op) => {
                op.section = section.clone();
                doc.ops.push(op);
            }
            None => {
                if h.level >= 1 && h.level <= section_level && !h.title.is_empty() {
                    section = h.title.clone();
                    starts.push((h.title.clone(), h.line));
                }
                doc.aux_examples.extend(aux_examples(h, &section));
                if h.title.contains("错误码") {
                    for b in &h.blocks {
                        if let Block::Table(rows) = b {
                            doc.errors.extend(error_codes(rows));
                        }
                    }
                }
            }
        }
    }
    for (k, (title, line)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len() + 1, |(_, l)| *l);
        let body: Vec<&str> = lines[line - 1..end - 1]
            .iter()
            .map(|l| l.trim_end())
            .collect();
        doc.sections.push(Section {
            title: title.clone(),
            line: *line,
            hash: super::fingerprint(body.join("\n").as_bytes()),
        });
    }
    doc
}

/// Reads the operation under a heading, if it is one (it has an Action, or a method and a
/// REST path).
fn read_op(h: &RawHeading) -> Option<DocOp> {
    let mut op = DocOp {
        heading: super::model::clean_heading(&h.title),
        line: h.line,
        ..DocOp::default()
    };
    let mut phase = Phase::None;
    for b in &h.blocks {
        match b {
            Block::Text(t) => {
                let clean = strip_markup(t);
                op.text.push_str(&clean);
                op.text.push('\n');
                let clean = clean.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                let clean = clean.trim();
                let (key, value) = split_label(clean);
                if key.to_ascii_lowercase().starts_with("action") && op.action.is_none() {
                    let a: String = value
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !a.is_empty() {
                        op.action = Some(a);
                    }
                    continue;
                }
                if let Some(p) = label_phase(key) {
                    phase = p;
                    read_value(&mut op, phase, value);
                    continue;
                }
                read_value(&mut op, phase, clean);
            }
            Block::Table(rows) => match phase {
                Phase::Address | Phase::Method | Phase::None if is_field_table(rows) => {
                    op.params.extend(fields(rows));
                }
                Phase::Address | Phase::Method | Phase::None => {
                    for cell in rows.iter().flatten() {
                        read_value(&mut op, Phase::Address, cell);
                    }
                }
                Phase::Params => op.params.extend(fields(rows)),
                Phase::Response => op.response.extend(fields(rows)),
                Phase::Errors => op.errors.extend(error_codes(rows)),
                // A response table under a 返回示例 label (000's billing section).
                Phase::Examples
                    if rows
                        .first()
                        .is_some_and(|h| h.iter().any(|c| c.contains("类型"))) =>
                {
                    op.response.extend(fields(rows))
                }
                _ => {}
            },
            Block::Code { text, .. } => {
                let t = text.trim_start();
                if phase == Phase::Address {
                    read_value(&mut op, phase, t);
                }
                // Under its label, or right after the response or error table with none.
                let here = matches!(phase, Phase::Examples | Phase::Response | Phase::Errors);
                if here && (t.starts_with('{') || t.starts_with('[')) {
                    op.examples.push(normalise(text));
                }
            }
        }
    }
    if op.action.is_some() || (op.method.is_some() && op.path.is_some()) {
        Some(op)
    } else {
        None
    }
}

/// Responses of a call example outside the operations: the `action = "Name"` of its code,
/// and the JSON blocks under a 返回示例 label.
fn aux_examples(h: &RawHeading, section: &str) -> Vec<AuxExample> {
    let mut action = None;
    let mut phase = Phase::None;
    let mut out = Vec::new();
    for b in &h.blocks {
        match b {
            Block::Text(t) => {
                let clean = strip_markup(t);
                if let Some(p) = label_phase(split_label(clean.trim()).0) {
                    phase = p;
                }
            }
            Block::Code { text, .. } => {
                let t = text.trim_start();
                if phase == Phase::Examples && (t.starts_with('{') || t.starts_with('[')) {
                    if let Some(a) = &action {
                        out.push(AuxExample {
                            action: String::from(a),
                            section: section.to_string(),
                            line: h.line,
                            example: normalise(text),
                        });
                    }
                } else if let Some(k) = text.find("action = \"") {
                    let rest = &text[k + "action = \"".len()..];
                    action = rest.split('"').next().map(str::to_string);
                }
            }
            Block::Table(_) => {}
        }
    }
    out
}

fn split_label(s: &str) -> (&str, &str) {
    match s.find([':', '：']) {
        Some(k) => {
            let sep = s[k..].chars().next().map_or(1, char::len_utf8);
            (s[..k].trim(), s[k + sep..].trim())
        }
        None => (s, ""),
    }
}

fn label_phase(key: &str) -> Option<Phase> {
    if key.chars().count() > 20 || key.is_empty() {
        return None;
    }
    let has = |w: &str| key.contains(w);
    Some(if has("示例") || has("返回结果") || has("返回实例") {
        if has("返回") || has("响应") {
            Phase::Examples
        } else {
            Phase::Other
        }
    } else if has("请求地址") || has("URL") {
        Phase::Address
    } else if has("请求方法") || has("请求方式") {
        Phase::Method
    } else if has("请求参数") || has("请求体") {
        Phase::Params
    } else if has("返回参数")
        || has("返回数据")
        || has("响应参数")
        || has("返回值")
        || has("重要参数")
        || has("返回字段")
    {
        Phase::Response
    } else if has("错误码") {
        Phase::Errors
    } else if has("描述") || has("返回码") {
        Phase::Other
    } else {
        return None;
    })
}

/// Reads an address (host and path, or method and REST path) or a method from `value`.
fn read_value(op: &mut DocOp, phase: Phase, value: &str) {
    match phase {
        Phase::Address => {
            let v = value.trim();
            if let Some((verb, rest)) = v.split_once(' ') {
                if VERBS.contains(&verb) && rest.trim_start().starts_with('/') {
                    op.method.get_or_insert_with(|| verb.to_string());
                    op.path
                        .get_or_insert_with(|| until_blank(rest.trim_start()).to_string());
                    return;
                }
            }
            if let Some(k) = v.find("{endpoint}") {
                let p = until_blank(&v[k + "{endpoint}".len()..]).to_string();
                match &op.path {
                    None => op.path = Some(p),
                    Some(first) if *first != p && !op.other_paths.contains(&p) => {
                        op.other_paths.push(p)
                    }
                    Some(_) => {}
                }
                return;
            }
            if let Some(k) = v.find(".capitalonline.net") {
                let host: String = v[..k]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let p = until_blank(&v[k + ".capitalonline.net".len()..]);
                op.host.get_or_insert(host);
                op.path.get_or_insert_with(|| p.to_string());
            }
        }
        Phase::Method => {
            let w: String = value
                .trim()
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            if VERBS.contains(&w.to_ascii_uppercase().as_str()) && op.method.is_none() {
                op.method = Some(w);
            }
        }
        _ => {}
    }
}

fn until_blank(s: &str) -> &str {
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '`' | ')' | ']' | '?' | '"' | '>'))
        .unwrap_or(s.len());
    &s[..end]
}

/// A table whose header names parameters and their types (003 documents path parameters
/// in such a table under the URL).
fn is_field_table(rows: &[Vec<String>]) -> bool {
    rows.first().is_some_and(|h| {
        h.first().is_some_and(|c| c == "参数" || c == "名称")
            && h.iter().any(|c| c.contains("类型"))
    })
}

fn col(header: &[String], pred: impl Fn(&str) -> bool) -> Option<usize> {
    header.iter().position(|h| pred(h.as_str()))
}

/// Rows of a parameter or response table as fields.
fn fields(rows: &[Vec<String>]) -> Vec<DocField> {
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let name_col = col(header, |h| {
        matches!(
            h,
            "名称"
                | "参数"
                | "参数名"
                | "参数名称"
                | "字段"
                | "字段名"
                | "属性"
                | "name"
                | "Name"
        )
    })
    .unwrap_or(0);
    let sub_col = col(header, |h| h == "子属性");
    let type_col = col(header, |h| {
        h.contains("类型") || h.eq_ignore_ascii_case("type")
    });
    let req_col = col(header, |h| {
        h.contains("必选") || h.contains("必须") || h.contains("必填") || h.contains("required")
    });
    let desc_col = col(header, |h| h.contains("描述") || h.contains("说明"));
    let example_col = col(header, |h| {
        h.contains("示例") || h.eq_ignore_ascii_case("example")
    });
    let cell = |row: &Vec<String>, c: Option<usize>| {
        c.and_then(|c| row.get(c)).cloned().unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut above: Option<String> = None;
    for row in &rows[1..] {
        if row == header {
            continue;
        }
        let sub = cell(row, sub_col);
        let main = cell(row, Some(name_col));
        // A sub-attribute row leaves the name cell empty (004).
        let is_sub = !sub.trim().is_empty() && main.trim().is_empty();
        let raw = if is_sub { sub } else { main };
        let name = clean_name(&raw);
        if name.is_empty() {
            continue;
        }
        let leaf = leaf_of(&name);
        if !leaf.chars().any(char::is_alphanumeric) {
            continue;
        }
        let parent = if is_sub {
            above.clone()
        } else {
            above = Some(name.clone());
            parent_hint(&raw)
        };
        out.push(DocField {
            leaf,
            parent,
            name,
            ty: cell(row, type_col).trim().to_string(),
            required: required_flag(&cell(row, req_col)),
            desc: cell(row, desc_col).trim().to_string(),
            example: cell(row, example_col).trim().to_string(),
        });
    }
    out
}

/// `**UserData**` → `UserData`; `--keyPairId` → `keyPairId`; `Id(NetworkCards)` → `Id`;
/// `cluster_list[]` → `cluster_list`.
fn clean_name(raw: &str) -> String {
    let s: String = strip_markup(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '`' | '\\'))
        .collect();
    let s = s.trim_start_matches(['-', ':']);
    let s = match s.find(['(', '（']) {
        Some(k) if k > 0 => &s[..k],
        _ => s,
    };
    s.trim_end_matches("[]").to_string()
}

/// The enclosing field named in parentheses after a row's name: `Id（Computes）` →
/// `Computes` (only an identifier counts; `Size(GB)` names a unit, not a field).
fn parent_hint(raw: &str) -> Option<String> {
    let s = strip_markup(raw);
    let open = s.find(['(', '（'])?;
    let rest = &s[open..];
    let rest = rest.trim_start_matches(['(', '（']);
    let inner = rest.split([')', '）']).next()?.trim();
    let ident = !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && inner
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && inner.chars().any(|c| c.is_ascii_lowercase());
    (ident && open > 0).then(|| inner.to_string())
}

/// Last component of a dotted name, without indexes: `networks[0].vpcId` → `vpcId`.
fn leaf_of(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut out = String::new();
    let mut depth = 0;
    for c in last.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn required_flag(cell: &str) -> Option<bool> {
    let c = cell.trim().to_ascii_lowercase();
    match c.as_str() {
        "是" | "y" | "yes" | "true" | "必选" | "必填" | "required" => Some(true),
        "否" | "n" | "no" | "false" | "可选" | "optional" => Some(false),
        _ => None,
    }
}

/// Codes of an error table: the `错误码` column, else (a table with an HTTP status column)
/// the `错误信息` column.
fn error_codes(rows: &[Vec<String>]) -> Vec<String> {
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let code_col = col(header, |h| {
        h == "错误码" || h.eq_ignore_ascii_case("code") || h.eq_ignore_ascii_case("errorcode")
    })
    .or_else(|| {
        col(header, |h| h.to_ascii_lowercase().contains("http"))
            .and_then(|_| col(header, |h| h == "错误信息"))
    });
    let Some(c) = code_col else {
        return Vec::new();
    };
    rows[1..]
        .iter()
        .filter(|r| *r != header)
        .filter_map(|r| r.get(c))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::markdown;
    use super::*;

    const DOC: &str = "# T\n## 实例相关\n### 1.Foo\n**Action：Foo**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：POST**\n**请求参数：**\n| 名称 | 类型 | 是否必选 | 描述 |\n| - | - | - | - |\n| **A** | string | 是 | a |\n| B.c[0].d | int | 否 | d |\n**返回参数：**\n| 名称 | 类型 | 描述 |\n| - | - | - |\n| Code | string | x |\n| Id(Nic) | string | x |\n**错误码：**\n| httpcode | 错误码 | 错误信息 |\n| - | - | - |\n| 400 | Bad.Thing | m |\n**返回示例：**\n```json\n{\"Code\": \"Success\"}\n```\n**调用代码示例：**\n```python\nx = {}\n```\n## 其他\n";

    #[test]
    fn reads_an_rpc_operation() {
        let d = build("x.txt", DOC, &markdown::parse(DOC));
        assert_eq!(d.ops.len(), 1);
        let op = &d.ops[0];
        assert_eq!(op.action.as_deref(), Some("Foo"));
        assert_eq!(op.section, "实例相关");
        assert_eq!(op.host.as_deref(), Some("cdsapi"));
        assert_eq!(op.path.as_deref(), Some("/ccs"));
        assert_eq!(op.method.as_deref(), Some("POST"));
        let names: Vec<(&str, &str, Option<bool>)> = op
            .params
            .iter()
            .map(|f| (f.name.as_str(), f.leaf.as_str(), f.required))
            .collect();
        assert_eq!(
            names,
            [("A", "A", Some(true)), ("B.c[0].d", "d", Some(false))]
        );
        let resp: Vec<&str> = op.response.iter().map(|f| f.leaf.as_str()).collect();
        assert_eq!(resp, ["Code", "Id"]);
        assert_eq!(op.errors, ["Bad.Thing"]);
        assert_eq!(op.examples, ["{\"Code\":\"Success\"}"]);
        let titles: Vec<&str> = d.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["T", "实例相关", "其他"]);
    }

    #[test]
    fn examples_under_a_misspelt_label_or_after_the_response_table() {
        let doc = "## S\n### 1.A\n**Action: A**\n**返回参数**\n| 名称 | 类型 |\n| - | - |\n| X | int |\n```json\n{\"X\": 1}\n```\n### 2.B\n**Action: B**\n**返回实例**\n```json\n{\"Y\": 2}\n```\n**请求示例**\n```json\n{\"Z\": 3}\n```\n";
        let d = build("x.txt", doc, &markdown::parse(doc));
        assert_eq!(d.ops[0].examples, ["{\"X\":1}"]);
        assert_eq!(d.ops[1].examples, ["{\"Y\":2}"]);
    }
}
