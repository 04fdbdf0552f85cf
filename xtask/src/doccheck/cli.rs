//! Command-line front ends of `cargo xtask doc-check` and `cargo xtask doc-diff`.

use super::check::{check_with, CheckReport};
use super::compare::{same_doc, Finding, Options};
use super::diff::diff_many;
use super::model::Document;
use super::suggest::suggestions;
use super::{parse_document, specview};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const CHECK_USAGE: &str = "usage: cargo xtask doc-check [--spec DIR] [--shallow] [--suggest] [--print-section-hashes] [--show OP] DOC|DIR...";
const DIFF_USAGE: &str = "usage: cargo xtask doc-diff [--old-section S] [--new-section S] [--spec DIR] [--line LINE] (OLD NEW | OLD... -- NEW...)";

/// True for a file of a documents folder that is a document: `.txt` or `.md`, but not the
/// folder's own `README.md`.
fn is_document(p: &Path) -> bool {
    let readme = p
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("README.md"));
    p.extension().is_some_and(|x| x == "txt" || x == "md") && !readme
}

/// Documents named by `args`: files, or every document of a folder (see `is_document`),
/// each once.
pub fn documents(args: &[PathBuf]) -> Result<Vec<Document>, String> {
    let mut paths = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(a)
                .map_err(|e| format!("{}: {e}", a.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_document(p))
                .collect();
            found.sort();
            paths.extend(found);
        } else {
            paths.push(a.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    paths.retain(|p| seen.insert(p.file_name().map(|n| n.to_os_string())));
    paths.iter().map(|p| parse_document(p)).collect()
}

/// `cargo xtask doc-check`.
pub fn doc_check(root: &Path, args: &[String]) -> ExitCode {
    let mut spec = root.join("spec");
    let mut suggest = false;
    let mut opts = Options::default();
    let mut print_hashes = false;
    let mut show = None;
    let mut docs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--spec" => match it.next() {
                Some(d) => spec = PathBuf::from(d),
                None => return usage(CHECK_USAGE),
            },
            "--suggest" => suggest = true,
            "--deep" => opts.deep = true,
            "--shallow" => opts.deep = false,
            "--print-section-hashes" => print_hashes = true,
            "--show" => match it.next() {
                Some(k) => show = Some(k.clone()),
                None => return usage(CHECK_USAGE),
            },
            s if s.starts_with("--") => return usage(CHECK_USAGE),
            s => docs.push(PathBuf::from(s)),
        }
    }
    if docs.is_empty() {
        return usage(CHECK_USAGE);
    }
    let started = std::time::Instant::now();
    let (docs, lines) = match (documents(&docs), specview::load_all(&spec)) {
        (Ok(d), Ok(l)) => (d, l),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(k) = show {
        for d in &docs {
            for op in d
                .ops
                .iter()
                .filter(|o| o.key() == k || o.heading.contains(&k))
            {
                println!("{}: {op:#?}", d.name);
            }
        }
        return ExitCode::SUCCESS;
    }
    if print_hashes {
        print_section_hashes(&docs, &lines);
        return ExitCode::SUCCESS;
    }
    let report = check_with(&docs, &lines, opts);
    if suggest {
        for s in suggestions(&report.findings) {
            println!("{s}");
        }
        return ExitCode::SUCCESS;
    }
    print_report(&docs, &report);
    println!(
        "doc-check: {} document(s), {} operation(s), {} difference(s), {} acknowledged departure(s) ({:.1?})",
        docs.len(),
        docs.iter().map(|d| d.ops.len()).sum::<usize>(),
        report.findings.len(),
        report.acknowledged.values().sum::<usize>(),
        started.elapsed()
    );
    println!("{}", exit_reason(&report));
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The last line of a doc-check run: why it exits as it does.
pub fn exit_reason(report: &CheckReport) -> String {
    let mut why = Vec::new();
    let mut count = |n: usize, what: &str| {
        if n > 0 {
            why.push(format!("{n} {what}"));
        }
    };
    count(
        report.findings.len(),
        "unacknowledged difference(s) (add the spec edit or a departure)",
    );
    count(
        report.bad_departures.len(),
        "departure problem(s) (`departure:` lines: stale or without `why`)",
    );
    count(
        report.hashes.len(),
        "document problem(s) (`hash:` lines: a pinned sha256 or section fingerprint differs, or no line lists the document)",
    );
    if why.is_empty() {
        "doc-check: exit 0: no unacknowledged difference, no departure or hash problem (acknowledged departures never fail the check)".to_string()
    } else {
        format!("doc-check: exit 1: {}", why.join("; "))
    }
}

/// Human-readable report of the findings.
pub fn print_report(docs: &[Document], report: &CheckReport) {
    for f in &report.findings {
        println!("{}", describe(f));
    }
    for b in &report.bad_departures {
        println!("departure: {b}");
    }
    for h in &report.hashes {
        println!("hash: {h}");
    }
    for s in &report.skipped {
        println!("skipped: {s}");
    }
    for l in per_line(report) {
        println!("{l}");
    }
    let _ = docs;
}

/// Per spec line: the unacknowledged differences (with their count per kind) and the
/// acknowledged ones, e.g. `line ccs: 3 unacknowledged (param_extra 2, method 1), 26
/// acknowledged`.
pub fn per_line(report: &CheckReport) -> Vec<String> {
    type Kinds<'a> = std::collections::BTreeMap<&'a str, usize>;
    let mut lines: std::collections::BTreeMap<&str, (Kinds<'_>, usize)> = report
        .acknowledged
        .iter()
        .map(|(l, n)| (l.as_str(), (Kinds::new(), *n)))
        .collect();
    for f in &report.findings {
        *lines
            .entry(f.line.as_str())
            .or_default()
            .0
            .entry(f.kind)
            .or_default() += 1;
    }
    lines
        .iter()
        .map(|(line, (kinds, ack))| {
            let line = if line.is_empty() { "(no line)" } else { line };
            let total: usize = kinds.values().sum();
            let mut by: Vec<(&&str, &usize)> = kinds.iter().collect();
            by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let by: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
            if by.is_empty() {
                format!("line {line}: 0 unacknowledged, {ack} acknowledged")
            } else {
                format!(
                    "line {line}: {total} unacknowledged ({}), {ack} acknowledged",
                    by.join(", ")
                )
            }
        })
        .collect()
}

/// One line per finding: document and line, spec line and operation, kind, field, values.
pub fn describe(f: &Finding) -> String {
    let mut s = format!(
        "{}:{} {} {} {} {}",
        f.document,
        f.doc_line,
        f.line,
        if f.op.is_empty() { "-" } else { &f.op },
        f.kind,
        f.field
    );
    if let Some(d) = &f.doc {
        s.push_str(&format!(" doc={d:?}"));
    }
    if let Some(v) = &f.spec {
        s.push_str(&format!(" spec={v:?}"));
    }
    s
}

fn print_section_hashes(docs: &[Document], lines: &[specview::SpecLine]) {
    for line in lines {
        for src in &line.sources {
            let Some(doc) = docs.iter().find(|d| same_doc(&src.document, &d.name)) else {
                continue;
            };
            let entries: Vec<String> = src
                .sections
                .iter()
                .filter_map(|s| {
                    doc.sections
                        .iter()
                        .find(|x| {
                            super::model::norm_heading(&x.title) == super::model::norm_heading(s)
                        })
                        .map(|x| {
                            format!(
                                "{}: {}",
                                serde_json::Value::from(s.as_str()),
                                serde_json::Value::from(x.hash.as_str())
                            )
                        })
                })
                .collect();
            println!(
                "{}\t{}\tsection_hashes: {{{}}}",
                line.name,
                src.document,
                entries.join(", ")
            );
        }
    }
}

/// `cargo xtask doc-diff`.
pub fn doc_diff(root: &Path, args: &[String]) -> ExitCode {
    let mut old_section = None;
    let mut new_section = None;
    let mut spec = root.join("spec");
    let mut only = None;
    let (mut old, mut new) = (Vec::new(), Vec::new());
    let mut after_separator = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--old-section" => old_section = it.next().cloned(),
            "--new-section" => new_section = it.next().cloned(),
            "--spec" => match it.next() {
                Some(d) => spec = PathBuf::from(d),
                None => return usage(DIFF_USAGE),
            },
            "--line" => only = it.next().cloned(),
            "--" => after_separator = true,
            s if s.starts_with("--") => return usage(DIFF_USAGE),
            s if after_separator => new.push(PathBuf::from(s)),
            s => old.push(PathBuf::from(s)),
        }
    }
    // Without `--`: exactly OLD NEW.
    if !after_separator {
        if old.len() != 2 {
            return usage(DIFF_USAGE);
        }
        new.push(old.remove(1));
    }
    if old.is_empty() || new.is_empty() {
        return usage(DIFF_USAGE);
    }
    let (old, new) = match (documents(&old), documents(&new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The spec only groups the report by line; without it everything is "(no line)".
    let lines = specview::load_all(&spec).unwrap_or_default();
    let changes = diff_many(&old, &new, old_section.as_deref(), new_section.as_deref());
    for l in super::diffreport::render(&changes, &lines, only.as_deref()) {
        println!("{l}");
    }
    ExitCode::SUCCESS
}

const EVIDENCE_USAGE: &str =
    "usage: cargo xtask evidence-check [--spec DIR] [--line LINE] [--all] TSV";

/// `cargo xtask evidence-check`: every row of the vendor-code comparison against the
/// spec's `evidence:` decisions (see [`super::evidence`]).
pub fn evidence_check(root: &Path, args: &[String]) -> ExitCode {
    let mut spec = root.join("spec");
    let mut only = None;
    let mut all = false;
    let mut tsv = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--spec" => match it.next() {
                Some(d) => spec = PathBuf::from(d),
                None => return usage(EVIDENCE_USAGE),
            },
            "--line" => only = it.next().cloned(),
            "--all" => all = true,
            s if s.starts_with("--") => return usage(EVIDENCE_USAGE),
            s if tsv.is_none() => tsv = Some(PathBuf::from(s)),
            _ => return usage(EVIDENCE_USAGE),
        }
    }
    let Some(tsv) = tsv else {
        return usage(EVIDENCE_USAGE);
    };
    let rows = match std::fs::read_to_string(&tsv)
        .map_err(|e| e.to_string())
        .and_then(|t| super::evidence::read_tsv(&t))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", tsv.display());
            return ExitCode::FAILURE;
        }
    };
    let lines = match specview::load_all(&spec) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| only.as_ref().is_none_or(|l| *l == r.line))
        .collect();
    let mut report = super::evidence::check(&rows, &lines);
    if let Some(l) = &only {
        report.stale.retain(|s| s.starts_with(&format!("{l} ")));
    }
    for j in &report.rows {
        let r = &j.row;
        let why = match &j.class {
            super::evidence::Class::Unresolved(why) => why.as_str(),
            _ if all => "",
            _ => continue,
        };
        println!(
            "{}:{} {} {} {} {} ({} {}): {}{}",
            tsv.display(),
            r.at,
            r.line,
            r.action,
            r.kind,
            r.field,
            r.repo,
            r.vfile,
            j.class.name(),
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        );
    }
    for s in &report.stale {
        println!("stale: {s}");
    }
    let names = ["vendor", "both", "document", "unresolved"];
    let mut total = std::collections::BTreeMap::new();
    for (line, classes) in report.counts() {
        let by: Vec<String> = names
            .iter()
            .map(|c| format!("{c} {}", classes.get(c).copied().unwrap_or(0)))
            .collect();
        println!(
            "line {line}: {} row(s): {}",
            classes.values().sum::<usize>(),
            by.join(", ")
        );
        for (c, n) in classes {
            *total.entry(c).or_insert(0) += n;
        }
    }
    let by: Vec<String> = names
        .iter()
        .map(|c| format!("{c} {}", total.get(c).copied().unwrap_or(0)))
        .collect();
    println!(
        "evidence-check: {} row(s): {}",
        report.rows.len(),
        by.join(", ")
    );
    let unresolved = total.get("unresolved").copied().unwrap_or(0);
    if report.is_clean() {
        println!("evidence-check: exit 0: every row is decided (vendor, both, or document with a reason)");
        ExitCode::SUCCESS
    } else {
        let mut why = Vec::new();
        if unresolved > 0 {
            why.push(format!("{unresolved} unresolved row(s) (record a decision under the operation's `evidence:`, or make the spec match it)"));
        }
        if !report.stale.is_empty() {
            why.push(format!(
                "{} stale entry(ies) (`stale:` lines)",
                report.stale.len()
            ));
        }
        println!("evidence-check: exit 1: {}", why.join("; "));
        ExitCode::FAILURE
    }
}

fn usage(text: &str) -> ExitCode {
    eprintln!("{text}");
    ExitCode::from(2)
}
