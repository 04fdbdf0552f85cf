//! `cargo xtask conformance`: measures how real answers drift from the spec.
//!
//! Two parts, both offline and read-only: the *plan* lists the read operations of a line that a
//! sweep can call (no required input, or every required input named like a field of an
//! earlier answer: regions → VDCs → instances …; never a write); the *report* compares
//! recorded answers (`<Operation>.json`, or `<Operation>.<n>.json` for several) with the
//! spec: fields the answers have that the spec lacks, declared fields that never came, and
//! values whose type differs from the declared one. Making the calls (with credentials) is
//! left to a client built on `cds-core`, which writes the answers.

use super::specview::{SpecField, SpecLine};
use super::types::{named, spec_class};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One step of a sweep: an operation and where each required input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Operation.
    pub op: String,
    /// Required parameter → the earlier operation whose answer has a field of that name.
    pub inputs: Vec<(String, String)>,
}

/// Names of every field reachable from `fields`.
fn field_names(line: &SpecLine, fields: &[SpecField]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![fields.to_vec()];
    while let Some(fs) = stack.pop() {
        for f in fs {
            out.insert(f.name.clone());
            if let Some(n) = named(&f.ty) {
                if seen.insert(n.to_string()) {
                    if let Some(t) = line.types.get(n) {
                        stack.push(t.clone());
                    }
                }
            }
        }
    }
    out
}

/// The read operations of `line` a sweep can call, in an order where every required input
/// is answered by an earlier step. Operations that are not reads are never included.
pub fn plan(line: &SpecLine) -> (Vec<Step>, Vec<String>) {
    let reads: Vec<_> = line.ops.iter().filter(|o| o.read).collect();
    let mut provides: BTreeMap<String, String> = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut done = BTreeSet::new();
    loop {
        let mut progressed = false;
        for op in &reads {
            if done.contains(&op.name) {
                continue;
            }
            let required: Vec<&SpecField> = op
                .params
                .iter()
                .filter(|p| p.required && p.location != "header")
                .collect();
            let inputs: Option<Vec<(String, String)>> = required
                .iter()
                .map(|p| {
                    provides
                        .get(&p.name)
                        .map(|src| (p.name.clone(), src.clone()))
                })
                .collect();
            if let Some(inputs) = inputs {
                done.insert(op.name.clone());
                for n in field_names(line, &op.response) {
                    provides.entry(n).or_insert_with(|| op.name.clone());
                }
                steps.push(Step {
                    op: op.name.clone(),
                    inputs,
                });
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    let skipped = reads
        .iter()
        .filter(|o| !done.contains(&o.name))
        .map(|o| o.name.clone())
        .collect();
    (steps, skipped)
}

/// One drift between recorded answers and the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    /// Operation.
    pub op: String,
    /// `unknown` (in an answer, not in the spec), `never` (declared, in no answer although
    /// its parent object came), `type` (a value of another type than declared).
    pub kind: &'static str,
    /// JSON pointer, `*` for any array index.
    pub path: String,
    /// Details (declared type and the value received).
    pub detail: String,
}

#[derive(Default)]
struct Walk {
    seen: BTreeSet<String>,
    declared: BTreeMap<String, String>,
    objects: BTreeSet<String>,
    drifts: BTreeSet<(String, &'static str, String)>,
}

impl Walk {
    fn fields(
        &mut self,
        line: &SpecLine,
        fields: &[SpecField],
        obj: &serde_json::Map<String, Value>,
        path: &str,
        skip: &[String],
    ) {
        self.objects.insert(path.to_string());
        let mut flat: Vec<&SpecField> = Vec::new();
        for f in fields {
            match (f.flatten, named(&f.ty).and_then(|n| line.types.get(n))) {
                (true, Some(t)) => flat.extend(t.iter()),
                _ => flat.push(f),
            }
        }
        for f in &flat {
            let p = format!("{path}/{}", f.name);
            self.declared
                .entry(p.clone())
                .or_insert_with(|| path.to_string());
            if let Some(v) = obj.get(&f.name) {
                self.seen.insert(p.clone());
                self.value(line, &f.ty, v, &p);
            }
        }
        for (k, v) in obj {
            if skip.contains(k) || flat.iter().any(|f| f.name == *k) {
                continue;
            }
            let p = format!("{path}/{k}");
            self.drifts
                .insert((p, "unknown", format!("answered {}", kind(v))));
        }
    }

    fn value(&mut self, line: &SpecLine, ty: &str, v: &Value, path: &str) {
        if v.is_null() {
            return;
        }
        let t = ty.trim();
        if let Some(inner) = t.strip_prefix("list<").and_then(|x| x.strip_suffix('>')) {
            match v {
                Value::Array(items) => {
                    for item in items {
                        self.value(line, inner, item, &format!("{path}/*"));
                    }
                }
                other => self.mismatch(path, t, other),
            }
            return;
        }
        if let Some(inner) = t.strip_prefix("map<").and_then(|x| x.strip_suffix('>')) {
            match v {
                Value::Object(m) => {
                    for item in m.values() {
                        self.value(line, inner, item, &format!("{path}/*"));
                    }
                }
                other => self.mismatch(path, t, other),
            }
            return;
        }
        let ok = match (spec_class(line, t), v) {
            ("any", _) | ("unknown", _) => true,
            ("string", Value::String(_) | Value::Number(_)) => true,
            ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
            ("integer", Value::String(s)) => s.trim().parse::<i64>().is_ok(),
            ("number", Value::Number(_)) => true,
            ("number", Value::String(s)) => s.trim().parse::<f64>().is_ok(),
            ("boolean", Value::Bool(_)) => true,
            ("boolean", Value::String(s)) => matches!(s.as_str(), "true" | "false" | "0" | "1"),
            ("boolean", Value::Number(n)) => matches!(n.as_i64(), Some(0 | 1)),
            ("object", Value::Object(m)) => {
                if let Some(fields) = line.types.get(t) {
                    self.fields(line, fields, m, path, &[]);
                }
                true
            }
            _ => false,
        };
        if !ok {
            self.mismatch(path, t, v);
        }
    }

    fn mismatch(&mut self, path: &str, ty: &str, v: &Value) {
        let shown: String = v.to_string().chars().take(40).collect();
        self.drifts.insert((
            path.to_string(),
            "type",
            format!("declared {ty}, answered {shown}"),
        ));
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Compares the recorded answers of `op` with its declared response.
pub fn drift(line: &SpecLine, op: &str, answers: &[Value]) -> Vec<Drift> {
    let Some(spec) = line.ops.iter().find(|o| o.name == op) else {
        return vec![Drift {
            op: op.to_string(),
            kind: "unknown",
            path: String::new(),
            detail: "no such operation in the spec".into(),
        }];
    };
    let envelope: Vec<String> = line
        .envelope
        .iter()
        .take(3)
        .filter(|e| !e.is_empty())
        .cloned()
        .collect();
    let data = line.envelope.get(3).cloned().unwrap_or_default();
    let mut walk = Walk::default();
    for a in answers {
        match a {
            Value::Object(m) => walk.fields(line, &spec.response, m, "", &envelope),
            // A bare array answer is the payload.
            other => {
                if let Some(f) = spec.response.iter().find(|f| f.name == data) {
                    walk.seen.insert(format!("/{data}"));
                    walk.objects.insert(String::new());
                    walk.value(line, &f.ty, other, &format!("/{data}"));
                }
            }
        }
    }
    let mut out: Vec<Drift> = walk
        .drifts
        .iter()
        .map(|(path, kind, detail)| Drift {
            op: op.to_string(),
            kind,
            path: path.clone(),
            detail: detail.clone(),
        })
        .collect();
    for (path, parent) in &walk.declared {
        if !walk.seen.contains(path) && walk.objects.contains(parent) {
            out.push(Drift {
                op: op.to_string(),
                kind: "never",
                path: path.clone(),
                detail: "declared, in no answer".into(),
            });
        }
    }
    out.sort();
    out
}

/// Reads `<Operation>.json` / `<Operation>.<n>.json` files of `dir`, grouped by operation.
pub fn read_answers(dir: &Path) -> Result<BTreeMap<String, Vec<Value>>, String> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let op = stem.split('.').next().unwrap_or(&stem).to_string();
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        out.entry(op).or_default().push(v);
    }
    Ok(out)
}
