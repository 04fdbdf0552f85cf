//! `doc-diff`: what changed between two editions of a document, operation by operation.

use super::model::{norm_heading, DocField, DocOp, Document};
use std::collections::BTreeMap;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Operation key (Action, or method and path, or heading).
    pub op: String,
    /// `op_added`, `op_removed`, `method`, `address`, `param_added`, `param_removed`,
    /// `param_type`, `param_required`, `response_added`, `response_removed`,
    /// `response_type`, `error_added`, `error_removed`, `examples`.
    pub kind: &'static str,
    /// Details (`old → new`, or the name).
    pub detail: String,
}

fn in_section<'a>(doc: &'a Document, section: Option<&str>) -> Vec<&'a DocOp> {
    doc.ops
        .iter()
        .filter(|o| section.is_none_or(|s| norm_heading(&o.section) == norm_heading(s)))
        .collect()
}

fn by_name(fields: &[DocField]) -> BTreeMap<&str, &DocField> {
    let mut m = BTreeMap::new();
    for f in fields {
        m.entry(f.name.as_str()).or_insert(f);
    }
    m
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

/// Changes from `old` to `new`, each restricted to a section when given.
pub fn diff(
    old: &Document,
    new: &Document,
    old_section: Option<&str>,
    new_section: Option<&str>,
) -> Vec<Change> {
    let a = in_section(old, old_section);
    let b = in_section(new, new_section);
    let mut out = Vec::new();
    let mut push = |op: &str, kind: &'static str, detail: String| {
        out.push(Change {
            op: op.to_string(),
            kind,
            detail,
        })
    };
    for o in &a {
        match b.iter().find(|n| n.key() == o.key()) {
            None => push(
                &o.key(),
                "op_removed",
                format!("{} (line {})", o.heading, o.line),
            ),
            Some(n) => {
                let key = o.key();
                if o.method != n.method {
                    push(
                        &key,
                        "method",
                        format!("{} → {}", opt(&o.method), opt(&n.method)),
                    );
                }
                let (oa, na) = (
                    format!("{}{}", opt(&o.host), opt(&o.path)),
                    format!("{}{}", opt(&n.host), opt(&n.path)),
                );
                if oa != na {
                    push(&key, "address", format!("{oa} → {na}"));
                }
                fields(&key, &o.params, &n.params, "param", &mut push);
                fields(&key, &o.response, &n.response, "response", &mut push);
                for e in &o.errors {
                    if !n.errors.contains(e) {
                        push(&key, "error_removed", e.clone());
                    }
                }
                for e in &n.errors {
                    if !o.errors.contains(e) {
                        push(&key, "error_added", e.clone());
                    }
                }
                if o.examples != n.examples {
                    let same = o.examples.iter().filter(|e| n.examples.contains(e)).count();
                    push(
                        &key,
                        "examples",
                        format!(
                            "{} → {} example(s), {same} unchanged",
                            o.examples.len(),
                            n.examples.len()
                        ),
                    );
                }
            }
        }
    }
    for n in &b {
        if !a.iter().any(|o| o.key() == n.key()) {
            push(
                &n.key(),
                "op_added",
                format!("{} (line {})", n.heading, n.line),
            );
        }
    }
    out
}

fn fields(
    key: &str,
    old: &[DocField],
    new: &[DocField],
    what: &str,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    let (o, n) = (by_name(old), by_name(new));
    let param = what == "param";
    for (name, f) in &o {
        match n.get(name) {
            None => push(
                key,
                if param {
                    "param_removed"
                } else {
                    "response_removed"
                },
                (*name).to_string(),
            ),
            Some(g) => {
                if f.ty != g.ty {
                    push(
                        key,
                        if param { "param_type" } else { "response_type" },
                        format!("{name}: {} → {}", f.ty, g.ty),
                    );
                }
                if param && f.required != g.required {
                    push(
                        key,
                        "param_required",
                        format!("{name}: {:?} → {:?}", f.required, g.required),
                    );
                }
            }
        }
    }
    for name in n.keys() {
        if !o.contains_key(name) {
            push(
                key,
                if param {
                    "param_added"
                } else {
                    "response_added"
                },
                (*name).to_string(),
            );
        }
    }
}
