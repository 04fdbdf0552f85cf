//! doc-check proper: compare each document with the spec, apply the acknowledged
//! departures, and check the pinned hashes (whole document and per section).

use super::compare::{compare, same_doc, Finding};
use super::model::{norm_heading, Document};
use super::specview::{Departure, SpecLine};
use std::collections::{BTreeMap, BTreeSet};

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
}

impl CheckReport {
    /// True when there is nothing to report.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.bad_departures.is_empty() && self.hashes.is_empty()
    }
}

/// Checks `docs` against `lines`.
pub fn check(docs: &[Document], lines: &[SpecLine]) -> CheckReport {
    let mut report = CheckReport::default();
    // (line, op or "", index) of every departure used.
    let mut used: BTreeSet<(String, String, usize)> = BTreeSet::new();
    for doc in docs {
        for f in compare(doc, lines, docs) {
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
                    used.insert((f.line.clone(), f.op.clone(), k));
                    *report.acknowledged.entry(f.line.clone()).or_default() += 1;
                }
                None => report.findings.push(f),
            }
        }
        hashes(doc, lines, &mut report.hashes);
    }
    let checked = |name: &str, d: &Departure| {
        docs.iter().any(|doc| {
            same_doc(name, &doc.name)
                && d.document
                    .as_ref()
                    .is_none_or(|p| doc.name.starts_with(p.as_str()))
        })
    };
    for line in lines {
        let mut all: Vec<(String, &str, &[Departure])> = line
            .sources
            .iter()
            .map(|s| (String::new(), s.document.as_str(), s.departures.as_slice()))
            .collect();
        all.extend(
            line.ops
                .iter()
                .map(|o| (o.name.clone(), o.document.as_str(), o.departures.as_slice())),
        );
        for (op, document, deps) in all {
            for (k, d) in deps.iter().enumerate() {
                let at = format!(
                    "{} {} departure {} ({} {})",
                    line.name,
                    if op.is_empty() { "(product)" } else { &op },
                    k + 1,
                    d.kind,
                    d.field.as_deref().unwrap_or("")
                );
                if d.why.trim().is_empty() {
                    report.bad_departures.push(format!("{at}: no `why`"));
                }
                // A departure naming another document (gcw: 001) is in scope when that one is checked.
                let doc_name = d.document.clone().unwrap_or_else(|| document.to_string());
                if checked(&doc_name, d) && !used.contains(&(line.name.clone(), op.clone(), k)) {
                    report
                        .bad_departures
                        .push(format!("{at}: acknowledges nothing (stale)"));
                }
            }
        }
    }
    report
}

fn hashes(doc: &Document, lines: &[SpecLine], out: &mut Vec<String>) {
    if !lines
        .iter()
        .any(|l| l.sources.iter().any(|s| same_doc(&s.document, &doc.name)))
    {
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
