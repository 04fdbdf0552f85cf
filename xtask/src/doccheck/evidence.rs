//! `cargo xtask evidence-check`: every row of `shared/evidence/vendor-sdks.tsv` (where the
//! vendor's production code differs from the spec or the documents) against the spec's
//! `evidence:` decisions. A row is resolved when an operation records a decision on it:
//! `vendor` or `both` (and, where the row's kind allows, the spec really has the vendor's
//! form now), or `document` with a reason.

use super::specview::{EvidenceEntry, SpecLine, SpecOp};
use super::tree::{build, Node};
use super::types::spec_class;
use std::collections::BTreeMap;

/// One row of the TSV (the columns evidence-check uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the row in the file.
    pub at: usize,
    /// Product line.
    pub line: String,
    /// Operation (as the spec named it when the comparison was made).
    pub action: String,
    /// What differs (`address`, `req-missing-in-spec`, `resp-type`, …).
    pub kind: String,
    /// Wire path as the vendor code has it (`[]` = list element).
    pub field: String,
    /// What the spec said.
    pub spec: String,
    /// What the document says.
    pub doc: String,
    /// What the vendor code says.
    pub vendor: String,
    /// Vendor repository.
    pub repo: String,
    /// `file:line` in it.
    pub vfile: String,
}

/// Reads the TSV: a header row naming the columns, then one row per difference.
pub fn read_tsv(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = match lines.next() {
        Some((_, h)) => h.split('\t').collect(),
        None => return Err("empty file".into()),
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("no column {name:?} in the header"))
    };
    let cols = [
        col("line")?,
        col("action")?,
        col("kind")?,
        col("field")?,
        col("spec")?,
        col("doc")?,
        col("vendor")?,
        col("repo")?,
        col("vfile")?,
    ];
    let mut out = Vec::new();
    for (k, l) in lines {
        if l.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = l.split('\t').collect();
        let get = |c: usize| cells.get(cols[c]).map_or("", |s| s.trim()).to_string();
        out.push(Row {
            at: k + 1,
            line: get(0),
            action: get(1),
            kind: get(2),
            field: get(3),
            spec: get(4),
            doc: get(5),
            vendor: get(6),
            repo: get(7),
            vfile: get(8),
        });
    }
    Ok(out)
}

/// How a row stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// The spec follows the vendor code (decision `vendor`, verified where possible).
    Vendor,
    /// The spec accepts both forms (decision `both`).
    Both,
    /// The spec keeps the document's form, for the reason given.
    Document,
    /// No decision, or a decision the spec does not bear out (the reason).
    Unresolved(String),
}

impl Class {
    /// Short name: `vendor`, `both`, `document`, `unresolved`.
    pub fn name(&self) -> &'static str {
        match self {
            Class::Vendor => "vendor",
            Class::Both => "both",
            Class::Document => "document",
            Class::Unresolved(_) => "unresolved",
        }
    }
}

/// A row and how it stands.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The row.
    pub row: Row,
    /// Its class.
    pub class: Class,
    /// The operation holding the decision, when found.
    pub op: Option<String>,
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    /// Every row, judged.
    pub rows: Vec<Judged>,
    /// Spec entries that match no row (line, operation, entry).
    pub stale: Vec<String>,
}

impl Report {
    /// True when every row is resolved and no entry is stale.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty()
            && self
                .rows
                .iter()
                .all(|j| !matches!(j.class, Class::Unresolved(_)))
    }

    /// Counts per line and class (`vendor`, `both`, `document`, `unresolved`).
    pub fn counts(&self) -> BTreeMap<&str, BTreeMap<&'static str, usize>> {
        let mut out: BTreeMap<&str, BTreeMap<&'static str, usize>> = BTreeMap::new();
        for j in &self.rows {
            *out.entry(j.row.line.as_str())
                .or_default()
                .entry(j.class.name())
                .or_default() += 1;
        }
        out
    }
}

/// True when `e` records the decision on `r`: same kind and field, and the same
/// repository (as the TSV writes it, or its name before `(`, `/` or `@`) and, when the entry
/// names a file, the same file (the row's `vfile`, or its end); or, whatever the repository,
/// exactly the row's file.
pub fn entry_matches(e: &EvidenceEntry, r: &Row) -> bool {
    let short = r.repo.split(['(', '/', '@']).next().unwrap_or(&r.repo);
    let repo = e.repo == r.repo || e.repo == short;
    let file = e.file.is_empty() || r.vfile == e.file || r.vfile.ends_with(&format!("/{}", e.file));
    e.kind == r.kind
        && e.field == r.field
        && ((repo && file) || (!e.file.is_empty() && e.file == r.vfile))
}

/// The operations of `line` a row about `action` may be recorded on: the operation itself
/// (any letter case), and the current name of a renamed one.
fn candidates<'a>(line: &'a SpecLine, action: &str) -> Vec<&'a SpecOp> {
    let renamed: Vec<&str> = line
        .ops
        .iter()
        .filter(|o| o.name.eq_ignore_ascii_case(action))
        .filter_map(|o| o.deprecated.as_ref()?.renamed_to.as_deref())
        .collect();
    line.ops
        .iter()
        .filter(|o| o.name.eq_ignore_ascii_case(action) || renamed.contains(&o.name.as_str()))
        .collect()
}

/// Judges every row against `lines`.
pub fn check(rows: &[Row], lines: &[SpecLine]) -> Report {
    let mut report = Report::default();
    let mut used: Vec<(String, String, usize)> = Vec::new();
    for r in rows {
        let Some(line) = lines.iter().find(|l| l.name == r.line) else {
            report.rows.push(Judged {
                row: r.clone(),
                class: Class::Unresolved(format!("no spec line {:?}", r.line)),
                op: None,
            });
            continue;
        };
        let found = candidates(line, &r.action).into_iter().find_map(|op| {
            op.evidence
                .iter()
                .position(|e| entry_matches(e, r))
                .map(|k| (op, k))
        });
        let Some((op, k)) = found else {
            report.rows.push(Judged {
                row: r.clone(),
                class: Class::Unresolved("no decision in the spec (`evidence:`)".into()),
                op: None,
            });
            continue;
        };
        used.push((line.name.clone(), op.name.clone(), k));
        let e = &op.evidence[k];
        let class = match e.decision.as_str() {
            "document" if e.why.trim().is_empty() => {
                Class::Unresolved("decision `document` without `why`".into())
            }
            "document" => Class::Document,
            "vendor" | "both" => {
                let both = e.decision == "both";
                match verify(line, op, r, both) {
                    Some(why) => Class::Unresolved(format!("decision `{}`, but {why}", e.decision)),
                    None if both => Class::Both,
                    None => Class::Vendor,
                }
            }
            other => Class::Unresolved(format!("unknown decision {other:?}")),
        };
        report.rows.push(Judged {
            row: r.clone(),
            class,
            op: Some(op.name.clone()),
        });
    }
    for line in lines {
        for op in &line.ops {
            for (k, e) in op.evidence.iter().enumerate() {
                if !used.contains(&(line.name.clone(), op.name.clone(), k)) {
                    report.stale.push(format!(
                        "{} {} evidence {} ({} {} {}): matches no row of the file",
                        line.name,
                        op.name,
                        k + 1,
                        e.kind,
                        e.field,
                        e.repo
                    ));
                }
            }
        }
    }
    report
}

/// Class of a vendor type word (`integer`, `list<string>`, `object`).
fn vendor_class(t: &str) -> Option<&'static str> {
    let t = t.trim().to_ascii_lowercase();
    if t.starts_with("list") || t.starts_with("[]") || t.starts_with("array") {
        return Some("list");
    }
    Some(match t.as_str() {
        "string" => "string",
        "integer" | "int" | "int64" => "integer",
        "number" | "float" | "float64" => "number",
        "boolean" | "bool" => "boolean",
        "object" | "map" | "struct" => "object",
        _ => return None,
    })
}

/// `cdsapi.capitalonline.net(default API_HOST)/ebs/v1` → `cdsapi/ebs/v1`.
fn vendor_address(v: &str) -> Option<String> {
    let v = v.trim().trim_matches('"');
    let k = v.find(".capitalonline.net")?;
    let host = &v[..k];
    let mut rest = &v[k + ".capitalonline.net".len()..];
    if let Some(stripped) = rest.strip_prefix('(') {
        rest = stripped.split_once(')').map_or("", |(_, r)| r);
    }
    let path = rest.split_whitespace().next().unwrap_or("");
    Some(address(host, path))
}

/// `host` and `path` as one (`cdsapi/vpc`; a bare `/` stays: `cdsapi/`).
fn address(host: &str, path: &str) -> String {
    let p = path.trim_end_matches('/');
    format!(
        "{host}{}",
        if p.is_empty() && !path.is_empty() {
            "/"
        } else {
            p
        }
    )
}

/// The field at `path`: exactly for requests (the wire name is sent as written), ignoring
/// ASCII case for responses (the vendor's Go code decodes keys regardless of case).
fn node<'a>(nodes: &'a [Node<'a>], path: &str, exact: bool) -> Option<&'a Node<'a>> {
    nodes
        .iter()
        .find(|n| n.path == path)
        .or_else(|| (!exact).then(|| nodes.iter().find(|n| n.path.eq_ignore_ascii_case(path)))?)
}

/// Why the spec does not (yet) have the vendor's form for `r`, or `None` when it does (or
/// the row's kind cannot be checked). With `both`, the spec may keep either form, and a
/// type that accepts both (text, or `any`) passes.
fn verify(line: &SpecLine, op: &SpecOp, r: &Row, both: bool) -> Option<String> {
    let params = build(line, &op.params);
    let response = build(line, &op.response);
    let has = |nodes: &[Node<'_>], side: &str| match node(nodes, &r.field, side == "request") {
        Some(_) => None,
        None => Some(format!("the spec has no {side} field `{}`", r.field)),
    };
    match r.kind.as_str() {
        "address" => {
            let want = vendor_address(&r.vendor)?;
            let host = op.host.as_deref().unwrap_or(&line.host);
            let path = op.path.as_deref().unwrap_or(&line.path);
            let have = address(host, path);
            (have != want && !(both && vendor_address(&r.spec).as_deref() == Some(have.as_str())))
                .then(|| format!("the spec's address is {have}, the vendor's {want}"))
        }
        "action" => (!line.ops.iter().any(|o| o.name == r.vendor))
            .then(|| format!("the line has no operation {}", r.vendor)),
        "method" => (!op.method.eq_ignore_ascii_case(&r.vendor)).then(|| {
            format!(
                "the spec's method is {}, the vendor's {}",
                op.method, r.vendor
            )
        }),
        "req-missing-in-spec" | "req-name" | "req-case" | "req-nesting" => {
            has(&params, "request").or_else(|| typed(line, &params, r, both, true))
        }
        "resp-missing-in-spec" | "resp-name" | "resp-nesting" => {
            has(&response, "response").or_else(|| typed(line, &response, r, both, false))
        }
        "req-type" => has(&params, "request").or_else(|| typed(line, &params, r, both, true)),
        "resp-type" => {
            has(&response, "response").or_else(|| typed(line, &response, r, both, false))
        }
        "req-location" => {
            let n = node(&params, &r.field, true)?;
            (n.field.location != r.vendor).then(|| {
                format!(
                    "`{}` is sent in {}, the vendor sends it in {}",
                    r.field, n.field.location, r.vendor
                )
            })
        }
        "req-required-omitted" => {
            let n = node(&params, &r.field, true)?;
            n.field
                .required
                .then(|| format!("`{}` is still required", r.field))
        }
        _ => None,
    }
}

/// Where the vendor column is a type: the spec field's class must be the vendor's (with
/// `both`, the document's, text or `any` too).
fn typed(line: &SpecLine, nodes: &[Node<'_>], r: &Row, both: bool, exact: bool) -> Option<String> {
    let want = vendor_class(&r.vendor)?;
    let n = node(nodes, &r.field, exact)?;
    let have = spec_class(line, &n.field.ty);
    let doc = vendor_class(&r.doc).or_else(|| vendor_class(&r.spec));
    let ok = have == want
        || have == "unknown"
        || (both && (have == "any" || have == "string" || Some(have) == doc));
    (!ok).then(|| {
        format!(
            "`{}` is typed {}, the vendor's is {want}",
            r.field, n.field.ty
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_types_of_the_vendor_column() {
        assert_eq!(
            vendor_address("cdsapi.capitalonline.net(default API_HOST)/ebs/v1").as_deref(),
            Some("cdsapi/ebs/v1")
        );
        assert_eq!(
            vendor_address("\"cdsapi.capitalonline.net/ (SetDomain(LbApiHost), path \"\"/\"\")\"")
                .as_deref(),
            Some("cdsapi/")
        );
        assert_eq!(vendor_class("list<string>"), Some("list"));
        assert_eq!(vendor_class("boolean"), Some("boolean"));
        let r = read_tsv("line\taction\tkind\tfield\tspec\tdoc\tvendor\trepo\tvfile\nccs\tX\taddress\taddress\ta\t\tb\tr\tf:1\n")
            .expect("tsv");
        assert_eq!(r[0].at, 2);
        assert_eq!(r[0].vfile, "f:1");
    }
}
