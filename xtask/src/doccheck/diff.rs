//! `doc-diff`: what changed between two editions of the documents, operation by operation.
//! Each side may be several files (the vendor splits its main document into per-product
//! files); operations are matched by address and action (see [`super::matching`]).

use super::matching::{address, collect, counterparts, display, pair, How, Located};
use super::model::{DocField, DocOp, Document};
use super::types::doc_class;
use std::collections::BTreeMap;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Operation (its current name: the Action, or method and path, or heading).
    pub op: String,
    /// `op_added`, `op_removed`, `renamed`, `moved`, `method`, `address`, `param_added`,
    /// `param_removed`, `param_type`, `param_required`, `response_added`,
    /// `response_removed`, `response_type`, `error_added`, `error_removed`, `examples`.
    pub kind: &'static str,
    /// Details (`old → new`, or the name).
    pub detail: String,
    /// The old operation (`None` for an added one).
    pub old: Option<DocOp>,
    /// The new operation (`None` for a removed one).
    pub new: Option<DocOp>,
}

/// Every kind, in the order a report lists them.
pub const KINDS: &[&str] = &[
    "op_added",
    "op_removed",
    "renamed",
    "moved",
    "method",
    "address",
    "param_added",
    "param_removed",
    "param_type",
    "param_required",
    "response_added",
    "response_removed",
    "response_type",
    "error_added",
    "error_removed",
    "examples",
];

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

/// Changes from `old` to `new` (one document each), each restricted to a section when
/// given.
pub fn diff(
    old: &Document,
    new: &Document,
    old_section: Option<&str>,
    new_section: Option<&str>,
) -> Vec<Change> {
    diff_many(
        std::slice::from_ref(old),
        std::slice::from_ref(new),
        old_section,
        new_section,
    )
}

/// Changes from the documents `old` to the documents `new`.
pub fn diff_many(
    old: &[Document],
    new: &[Document],
    old_section: Option<&str>,
    new_section: Option<&str>,
) -> Vec<Change> {
    let a = collect(old, old_section);
    let b = collect(new, new_section);
    let home = counterparts(old, new, old_section);
    let p = pair(&a, &b);
    let mut out = Vec::new();
    for (i, j, how) in &p.pairs {
        pair_changes(&a[*i], &b[*j], *how, &home, &mut out);
    }
    for i in &p.removed {
        let o = &a[*i];
        out.push(Change {
            op: display(o.op),
            kind: "op_removed",
            detail: format!("{} ({}:{})", o.op.heading, o.doc.name, o.op.line),
            old: Some(o.op.clone()),
            new: None,
        });
    }
    for j in &p.added {
        let n = &b[*j];
        let also = if n.also_in.is_empty() {
            String::new()
        } else {
            format!("; also in {}", n.also_in.join(", "))
        };
        out.push(Change {
            op: display(n.op),
            kind: "op_added",
            detail: format!("{} ({}:{}{also})", n.op.heading, n.doc.name, n.op.line),
            old: None,
            new: Some(n.op.clone()),
        });
    }
    out
}

/// The changes of one matched operation.
fn pair_changes(
    o: &Located<'_>,
    n: &Located<'_>,
    how: How,
    home: &BTreeMap<String, String>,
    out: &mut Vec<Change>,
) {
    let name = display(n.op);
    let mut push = |kind: &'static str, detail: String| {
        out.push(Change {
            op: name.clone(),
            kind,
            detail,
            old: Some(o.op.clone()),
            new: Some(n.op.clone()),
        })
    };
    if let How::Renamed(why) = how {
        push(
            "renamed",
            format!("{} → {} ({why})", display(o.op), display(n.op)),
        );
    }
    if home.get(&o.doc.name).is_some_and(|h| *h != n.doc.name) {
        let also = if n.also_in.is_empty() {
            String::new()
        } else {
            format!("; stale copy in {}", n.also_in.join(", "))
        };
        push(
            "moved",
            format!(
                "{}:{} → {}:{}{also}",
                o.doc.name, o.op.line, n.doc.name, n.op.line
            ),
        );
    }
    // Compared as written: `GET → Get` is reported too (doc-check ignores letter case).
    if o.op.method != n.op.method {
        push(
            "method",
            format!("{} → {}", opt(&o.op.method), opt(&n.op.method)),
        );
    }
    let (oa, na) = (address(o.op), address(n.op));
    let rest = o.op.action.is_none();
    if (!rest && oa != na) || (rest && o.op.path != n.op.path) {
        let (oa, na) = if rest {
            (opt(&o.op.path).to_string(), opt(&n.op.path).to_string())
        } else {
            (oa, na)
        };
        push("address", format!("{oa} → {na}"));
    }
    fields(&o.op.params, &n.op.params, true, &mut push);
    fields(&o.op.response, &n.op.response, false, &mut push);
    for e in &o.op.errors {
        if !n.op.errors.contains(e) {
            push("error_removed", e.clone());
        }
    }
    for e in &n.op.errors {
        if !o.op.errors.contains(e) {
            push("error_added", e.clone());
        }
    }
    if o.op.examples != n.op.examples {
        let same =
            o.op.examples
                .iter()
                .filter(|e| n.op.examples.contains(e))
                .count();
        push(
            "examples",
            format!(
                "{} → {} example(s), {same} unchanged",
                o.op.examples.len(),
                n.op.examples.len()
            ),
        );
    }
}

/// Pairs the rows of two tables: by name as written, then the rest by last component
/// (`CreateTime` and `Data.CreateTime` are one field written two ways).
fn matched<'a>(
    old: &'a [DocField],
    new: &'a [DocField],
) -> (
    Vec<(&'a DocField, &'a DocField)>,
    Vec<&'a DocField>,
    Vec<&'a DocField>,
) {
    let (o, n) = (by_name(old), by_name(new));
    let mut pairs = Vec::new();
    let mut gone: Vec<&DocField> = Vec::new();
    for (name, f) in &o {
        match n.get(name) {
            Some(g) => pairs.push((*f, *g)),
            None => gone.push(f),
        }
    }
    let mut came: Vec<&DocField> = n
        .iter()
        .filter(|(name, _)| !o.contains_key(*name))
        .map(|(_, g)| *g)
        .collect();
    let unique =
        |side: &[&DocField], leaf: &str| side.iter().filter(|x| x.leaf == leaf).count() == 1;
    let mut left = Vec::new();
    for f in gone {
        if unique(&came, &f.leaf) && !f.leaf.is_empty() {
            if let Some(k) = came.iter().position(|g| g.leaf == f.leaf) {
                pairs.push((f, came.remove(k)));
                continue;
            }
        }
        left.push(f);
    }
    (pairs, left, came)
}

/// True when two type words name another type: by class when both are understood
/// (`String` and `string`, `Dict` and `Object` are one), else as written, ignoring case.
fn retyped(a: &str, b: &str) -> bool {
    match (doc_class(a), doc_class(b)) {
        (Some(x), Some(y)) => x != y,
        _ => !a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

fn fields(
    old: &[DocField],
    new: &[DocField],
    param: bool,
    push: &mut impl FnMut(&'static str, String),
) {
    let (pairs, removed, added) = matched(old, new);
    for f in removed {
        let kind = if param {
            "param_removed"
        } else {
            "response_removed"
        };
        push(kind, f.name.clone());
    }
    for (f, g) in pairs {
        if retyped(&f.ty, &g.ty) {
            push(
                if param { "param_type" } else { "response_type" },
                format!("{}: {} → {}", g.name, f.ty, g.ty),
            );
        }
        if param && f.required != g.required {
            push(
                "param_required",
                format!("{}: {} → {}", g.name, flag(f.required), flag(g.required)),
            );
        }
    }
    for g in added {
        let req = if param && g.required == Some(true) {
            " (required)"
        } else {
            ""
        };
        let kind = if param {
            "param_added"
        } else {
            "response_added"
        };
        push(kind, format!("{}{req}", g.name));
    }
}

fn flag(r: Option<bool>) -> &'static str {
    match r {
        Some(true) => "required",
        Some(false) => "optional",
        None => "-",
    }
}
