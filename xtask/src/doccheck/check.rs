//! doc-check proper: compare each document with the spec, apply the acknowledged
//! departures, and check the pinned hashes (whole document and per section).

use super::compare::{compare, same_doc, Finding, Options, DEEP_KINDS};
use super::model::{norm_heading, Document};
use super::specview::{Departure, SpecLine};
use std::collections::{BTreeMap, BTreeSet};

/// (line, operation or `""`, departure index, field) of every departure that acknowledged
/// a finding.
type Used = BTreeSet<(String, String, usize, String)>;

/// The outcome of a doc-check run.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Differences no departure acknowledges.
    pub findings: Vec<Finding>,
    /// Acknowledged differences per spec line.
    pub acknowledged: BTreeMap<String, usize>,
    /// Departures that acknowledge nothing (stale), or carry no reason.
    pub bad_departures: Vec<String>,
    /// Hash problems: a pinned sha256 that no longer matches (with the sections that
    /// changed), or section fingerprints that are missing or stale.
    pub hashes: Vec<String>,
    /// Documents with no operation that no spec line lists (an index, a README): nothing
    /// to compare, not a failure.
    pub skipped: Vec<String>,
}

impl CheckReport {
    /// True when there is nothing to report.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.bad_departures.is_empty() && self.hashes.is_empty()
    }
}

/// Checks `docs` against `lines` (top level only; see [`check_with`]).
pub fn check(docs: &[Document], lines: &[SpecLine]) -> CheckReport {
    check_with(docs, lines, Options { deep: false })
}

/// Checks `docs` against `lines`, comparing what `opts` asks for.
pub fn check_with(docs: &[Document], lines: &[SpecLine], opts: Options) -> CheckReport {
    let mut report = CheckReport::default();
    // (line, op or "", index, field) of every departure used.
    let mut used: Used = BTreeSet::new();
    for doc in docs {
        for f in compare(doc, lines, docs, opts) {
            let deps: &[Departure] = lines.iter().find(|l| l.name == f.line).map_or(&[], |l| {
                if f.op.is_empty() {
                    l.sources
                        .iter()
                        .find(|s| same_doc(&s.document, &doc.name))
                        .map_or(&[][..], |s| s.departures.as_slice())
                } else {
                    l.ops
                        .iter()
                        .find(|o| o.name == f.op)
                        .map_or(&[][..], |o| o.departures.as_slice())
                }
            });
            match deps.iter().position(|d| f.matched_by(d)) {
                Some(k) => {
                    used.insert((f.line.clone(), f.op.clone(), k, f.field.clone()));
                    *report.acknowledged.entry(f.line.clone()).or_default() += 1;
                }
                None => report.findings.push(f),
            }
        }
        hashes(doc, lines, &mut report);
    }
    let checked = |name: &str| docs.iter().any(|doc| same_doc(name, &doc.name));
    // A shallow run never produces the deep kinds: their departures are not judged.
    let judged = |d: &Departure| opts.deep || !DEEP_KINDS.contains(&d.kind.as_str());
    for line in lines {
        for src in &line.sources {
            let scope = vec![src.document.clone()];
            stale(
                line,
                "",
                &scope,
                &src.departures,
                &used,
                &checked,
                &judged,
                &mut report,
            );
        }
        for op in &line.ops {
            let named: Vec<String> = op.documents().map(str::to_string).collect();
            stale(
                line,
                &op.name,
                &named,
                &op.departures,
                &used,
                &checked,
                &judged,
                &mut report,
            );
        }
    }
    report
}

/// Reports the departures of one operation (or, with `op` empty, of one source) that carry
/// no reason, or that acknowledged nothing although every document they apply to was
/// checked. A departure applies to the documents the operation names (`source`, `history`);
/// with a `document:` prefix, to the line's documents with that prefix.
#[allow(clippy::too_many_arguments)]
fn stale(
    line: &SpecLine,
    op: &str,
    named: &[String],
    deps: &[Departure],
    used: &Used,
    checked: &dyn Fn(&str) -> bool,
    judged: &dyn Fn(&Departure) -> bool,
    report: &mut CheckReport,
) {
    for (k, d) in deps.iter().enumerate().filter(|(_, d)| judged(d)) {
        let at = format!(
            "{} {} departure {} ({} {})",
            line.name,
            if op.is_empty() { "(product)" } else { op },
            k + 1,
            d.kind,
            match (&d.field, d.fields.is_empty()) {
                (Some(f), _) => f.clone(),
                (None, false) => format!("[{}]", d.fields.join(", ")),
                (None, true) => String::new(),
            }
        );
        if d.why.trim().is_empty() {
            report.bad_departures.push(format!("{at}: no `why`"));
        }
        let applies: Vec<&str> = match &d.document {
            Some(p) => line
                .sources
                .iter()
                .map(|s| s.document.as_str())
                .chain(named.iter().map(String::as_str))
                .filter(|n| n.starts_with(p.as_str()))
                .collect(),
            None => named.iter().map(String::as_str).collect(),
        };
        // A prefix naming no known document (`"001"` before 001 is a source) still counts
        // when a checked document has it.
        let in_scope = if applies.is_empty() {
            d.document.as_deref().is_some_and(checked)
        } else {
            applies.iter().all(|n| checked(n))
        };
        if !in_scope {
            continue;
        }
        let key = |f: &str| (line.name.clone(), op.to_string(), k, f.to_string());
        let any = used
            .range(key("")..)
            .next()
            .is_some_and(|u| (&u.0, u.1.as_str(), u.2) == (&line.name, op, k));
        if !any {
            report
                .bad_departures
                .push(format!("{at}: acknowledges nothing (stale)"));
            continue;
        }
        for f in d.fields.iter().filter(|f| !used.contains(&key(f))) {
            report
                .bad_departures
                .push(format!("{at}: field {f} acknowledges nothing (stale)"));
        }
    }
}

fn hashes(doc: &Document, lines: &[SpecLine], report: &mut CheckReport) {
    let out = &mut report.hashes;
    let listed = lines
        .iter()
        .any(|l| l.sources.iter().any(|s| same_doc(&s.document, &doc.name)));
    if !listed && doc.ops.is_empty() {
        report.skipped.push(format!(
            "{}: no operations, and no spec line lists it",
            doc.name
        ));
        return;
    }
    if !listed {
        out.push(format!(
            "{}: no spec line lists this document in `sources`",
            doc.name
        ));
    }
    let by_title: BTreeMap<String, &str> = doc
        .sections
        .iter()
        .map(|s| (norm_heading(&s.title), s.hash.as_str()))
        .collect();
    for line in lines {
        for src in line
            .sources
            .iter()
            .filter(|s| same_doc(&s.document, &doc.name))
        {
            let changed: Vec<String> = src
                .sections
                .iter()
                .filter_map(|sec| {
                    let now = by_title.get(&norm_heading(sec)).copied();
                    match (src.section_hashes.get(sec), now) {
                        (Some(p), Some(n)) if p == n => None,
                        (Some(_), Some(_)) => Some(format!("{sec} (changed)")),
                        (_, None) => Some(format!("{sec} (no longer in the document)")),
                        (None, Some(_)) => Some(format!("{sec} (no pinned fingerprint)")),
                    }
                })
                .collect();
            if src.sha256 != doc.sha256 {
                out.push(format!(
                    "{}: {} pins sha256 {} but the document's is {}; sections changed: {}",
                    line.name,
                    src.document,
                    src.sha256,
                    doc.sha256,
                    if changed.is_empty() {
                        "none (the change is outside the transcribed sections)".to_string()
                    } else {
                        changed.join(", ")
                    }
                ));
            } else if !changed.is_empty() {
                out.push(format!(
                    "{}: {}: section fingerprints to update (`--print-section-hashes`): {}",
                    line.name,
                    src.document,
                    changed.join(", ")
                ));
            }
        }
    }
}
