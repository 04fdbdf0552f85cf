//! The doc-diff report: changes grouped by the spec line they concern, operation by
//! operation, with counts per line and kind.

use super::compare::colon_params;
use super::diff::{Change, KINDS};
use super::matching::address;
use super::model::{norm_heading, DocOp};
use super::specview::SpecLine;
use std::collections::BTreeMap;

/// The spec line an operation belongs to: the line with an operation of that action at that
/// address (RPC) or that method and path (REST), else the line that transcribes its section.
pub fn line_of(lines: &[SpecLine], op: &DocOp) -> Option<String> {
    let by_op = lines.iter().find(|l| {
        l.ops.iter().any(|s| match &op.action {
            Some(a) => {
                let host = s.host.as_deref().unwrap_or(&l.host);
                let path = s.path.as_deref().unwrap_or(&l.path);
                let here = format!("{host}{}", path.trim_end_matches('/'));
                let at = address(op);
                s.name.eq_ignore_ascii_case(a) && (at == "?" || at == here)
            }
            None => {
                let (Some(m), Some(p)) = (&op.method, &op.path) else {
                    return false;
                };
                let sp = s.path.as_deref().unwrap_or(&l.path);
                m.eq_ignore_ascii_case(&s.method)
                    && colon_params(p.trim_end_matches('/')) == sp.trim_end_matches('/')
            }
        })
    });
    let by_section = || {
        lines.iter().find(|l| {
            l.sources.iter().any(|s| {
                s.sections
                    .iter()
                    .any(|x| norm_heading(x) == norm_heading(&op.section))
            })
        })
    };
    // An operation without a documented address is placed by its section first: its
    // action alone may be another line's (ECS and cloud-server security groups).
    let found = if op.action.is_some() && address(op) == "?" {
        by_section().or(by_op)
    } else {
        by_op.or_else(by_section)
    };
    found.map(|l| l.name.clone())
}

/// The line of a change: from its new operation, else its old one.
fn line_of_change(lines: &[SpecLine], c: &Change) -> String {
    c.new
        .iter()
        .chain(&c.old)
        .find_map(|op| line_of(lines, op))
        .unwrap_or_else(|| "(no line)".to_string())
}

/// The report, as lines of text: per spec line (only `only` when given), its operations
/// and their changes, then counts per line and kind.
pub fn render(changes: &[Change], lines: &[SpecLine], only: Option<&str>) -> Vec<String> {
    let mut grouped: BTreeMap<String, BTreeMap<&str, Vec<&Change>>> = BTreeMap::new();
    for c in changes {
        let line = line_of_change(lines, c);
        if only.is_some_and(|o| o != line) {
            continue;
        }
        grouped
            .entry(line)
            .or_default()
            .entry(c.op.as_str())
            .or_default()
            .push(c);
    }
    let mut out = Vec::new();
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (line, ops) in &grouped {
        out.push(format!("== {line} =="));
        for (op, cs) in ops {
            out.push((*op).to_string());
            let mut cs = cs.clone();
            cs.sort_by_key(|c| KINDS.iter().position(|k| *k == c.kind));
            for c in cs {
                out.push(format!("  {} {}", c.kind, c.detail));
                *counts
                    .entry(line.as_str())
                    .or_default()
                    .entry(c.kind)
                    .or_default() += 1;
            }
        }
    }
    let mut total: BTreeMap<&str, usize> = BTreeMap::new();
    for (line, kinds) in &counts {
        let by: Vec<String> = KINDS
            .iter()
            .filter_map(|k| kinds.get(k).map(|n| format!("{k} {n}")))
            .collect();
        let n: usize = kinds.values().sum();
        out.push(format!("line {line}: {n} change(s) ({})", by.join(", ")));
        for (k, n) in kinds {
            *total.entry(k).or_default() += n;
        }
    }
    let by: Vec<String> = KINDS
        .iter()
        .filter_map(|k| total.get(k).map(|n| format!("{k} {n}")))
        .collect();
    out.push(format!(
        "doc-diff: {} change(s) ({})",
        total.values().sum::<usize>(),
        by.join(", ")
    ));
    out
}
