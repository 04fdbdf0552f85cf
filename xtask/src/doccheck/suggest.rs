//! `cargo xtask doc-check --suggest`: draft departures for the unacknowledged differences,
//! to check and paste into the spec.

use super::compare::Finding;
use std::collections::BTreeMap;

/// Findings grouped into one entry: spec file, operation, `document:` scope, kind, `doc`
/// value.
type GroupKey<'a> = (
    String,
    &'a str,
    Option<&'a str>,
    &'static str,
    Option<&'a str>,
);

/// One difference as a departure sees it: spec file, operation, kind, field, `doc`, `spec`.
type Same<'a> = (
    String,
    &'a str,
    &'static str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

/// The findings with one of each difference: the same difference found in the operation's
/// current edition and in its history needs one departure without a `document:` scope.
fn distinct(findings: &[Finding]) -> Vec<Finding> {
    let mut seen: BTreeMap<Same<'_>, usize> = BTreeMap::new();
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        let key = (
            f.file.display().to_string(),
            f.op.as_str(),
            f.kind,
            f.field.as_str(),
            f.doc.as_deref(),
            f.spec.as_deref(),
        );
        match seen.get(&key) {
            Some(&k) => {
                if f.scope.is_none() || out[k].scope != f.scope {
                    out[k].scope = None;
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(f.clone());
            }
        }
    }
    out
}

/// A departure entry acknowledging `f`, as a tab-separated line: spec file, operation
/// (empty for the product), document, entry (a JSON flow mapping, `why` drafted from the
/// difference and the one note sentence that seems to explain it, else `TODO`).
pub fn suggestion(f: &Finding) -> String {
    let why = f.hint.clone().unwrap_or_else(|| "TODO".into());
    entry(f, serde_json::Value::from(f.field.as_str()), why)
}

fn entry(f: &Finding, field: serde_json::Value, why: String) -> String {
    let mut m = serde_json::Map::new();
    m.insert("kind".into(), f.kind.into());
    if field.as_str() != Some("") {
        m.insert("field".into(), field);
    }
    if let Some(d) = &f.doc {
        m.insert("doc".into(), d.clone().into());
    }
    if let Some(v) = &f.spec {
        m.insert("spec".into(), v.clone().into());
    }
    if let Some(p) = &f.scope {
        m.insert("document".into(), p.clone().into());
    }
    m.insert("why".into(), why.into());
    let entry = serde_json::Value::Object(m).to_string();
    format!("{}\t{}\t{}\t{}", f.file.display(), f.op, f.document, entry)
}

/// The reason shared by a group of nested fields missing from a table, by kind and by
/// whether the example shows them.
fn group_why(kind: &str, in_example: bool) -> Option<&'static str> {
    Some(match (kind, in_example) {
        ("response_nested_extra", true) => {
            "In the example, not in the response table; the spec follows the example."
        }
        ("response_nested_extra", false) => {
            "In neither the response table nor the example: TODO say where the spec has them from."
        }
        ("param_nested_extra", true) => {
            "Shown by the parent row's example cell, not as rows of the request table."
        }
        ("param_nested_extra", false) => {
            "Not in the request table: TODO say where the spec has them from."
        }
        ("error_extra", _) => {
            "The document does not list these error codes for this operation: TODO say why the spec keeps them."
        }
        _ => return None,
    })
}

/// `--suggest`: one departure per difference (found in the current edition and in the
/// history alike: one entry, without `document:`); nested fields missing from a table and
/// error codes missing from the document are grouped per operation, scope and kind into one
/// entry with a list of fields and one reason.
pub fn suggestions(findings: &[Finding]) -> Vec<String> {
    let findings = distinct(findings);
    let mut out = Vec::new();
    let mut groups: BTreeMap<GroupKey<'_>, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        if group_why(f.kind, f.doc.is_some()).is_some() {
            let key = (
                f.file.display().to_string(),
                f.op.as_str(),
                f.scope.as_deref(),
                f.kind,
                f.doc.as_deref(),
            );
            groups.entry(key).or_default().push(f);
        } else {
            out.push(suggestion(f));
        }
    }
    for group in groups.values() {
        let first = group[0];
        if group.len() == 1 {
            out.push(suggestion(first));
            continue;
        }
        let fields: Vec<serde_json::Value> =
            group.iter().map(|f| f.field.as_str().into()).collect();
        let why = group_why(first.kind, first.doc.is_some()).unwrap_or("TODO");
        out.push(entry(
            first,
            serde_json::Value::Array(fields),
            why.to_string(),
        ));
    }
    out
}
