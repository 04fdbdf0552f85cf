//! Compares the model of a document with the spec lines transcribed from it.

use super::jsonnorm::{normalise, short_hash};
use super::model::{norm_heading, DocOp, Document};
use super::specview::{Departure, OpRef, SpecField, SpecLine, SpecOp};
use super::types::{doc_class, named, spec_class};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One difference between a document and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Document name.
    pub document: String,
    /// Spec line.
    pub line: String,
    /// Spec operation name, or the document heading for an operation the spec lacks.
    pub op: String,
    /// Spec file holding the operation (or `product.yaml`).
    pub file: PathBuf,
    /// Line of the operation in the document (0 when unknown).
    pub doc_line: usize,
    /// Kind (see `spec/MAINTAINING.md`).
    pub kind: &'static str,
    /// Field, parameter, error code, example index or heading concerned.
    pub field: String,
    /// What the document says.
    pub doc: Option<String>,
    /// What the spec says.
    pub spec: Option<String>,
    /// A note of the spec that probably explains the difference (for `--suggest`).
    pub hint: Option<String>,
    /// The `document:` prefix a departure for this finding needs: set when the document is
    /// not the operation's `source` (an earlier edition named by `history:`, or another
    /// document matched by `Action`).
    pub scope: Option<String>,
}

impl Finding {
    /// True when `d` acknowledges this finding.
    pub fn matched_by(&self, d: &Departure) -> bool {
        d.kind == self.kind
            && d.field.as_ref().is_none_or(|f| *f == self.field)
            && (d.fields.is_empty() || d.fields.contains(&self.field))
            && d.doc.as_ref().is_none_or(|v| Some(v) == self.doc.as_ref())
            && d.spec
                .as_ref()
                .is_none_or(|v| Some(v) == self.spec.as_ref())
            && d.document
                .as_ref()
                .is_none_or(|p| self.document.starts_with(p.as_str()))
    }
}

/// True when a spec source names the same document as `name` (same file name, or same
/// number prefix: `000_old.txt` and `000_new.txt` are editions of one document).
pub fn same_doc(spec_name: &str, name: &str) -> bool {
    spec_name == name || prefix(spec_name) == prefix(name)
}

/// The family of a document name: the part before the first `_` (`000`, `vpc`).
pub fn prefix(n: &str) -> &str {
    n.split('_').next().unwrap_or(n)
}

/// `/a/:id/b` → `/a/{id}/b` (two notations of a path parameter).
pub fn colon_params(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(n) if !n.is_empty() => format!("{{{n}}}"),
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Names reachable from `fields` through named types, with the field that declares them.
fn tree<'a>(line: &'a SpecLine, fields: &'a [SpecField]) -> BTreeMap<&'a str, &'a SpecField> {
    let mut out = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&'a [SpecField]> = vec![fields];
    while let Some(fs) = stack.pop() {
        for f in fs {
            out.entry(f.name.as_str()).or_insert(f);
            if let Some(n) = named(&f.ty) {
                if seen.insert(n) {
                    if let Some(t) = line.types.get(n) {
                        stack.push(t);
                    }
                }
            }
        }
    }
    out
}

/// Top-level fields as they sit on the wire (flattened fields replaced by their type's).
fn top<'a>(line: &'a SpecLine, fields: &'a [SpecField]) -> Vec<&'a SpecField> {
    let mut out = Vec::new();
    for f in fields {
        if f.flatten {
            if let Some(t) = named(&f.ty).and_then(|n| line.types.get(n)) {
                out.extend(t.iter());
            }
        } else {
            out.push(f);
        }
    }
    out
}

/// The sentence of `notes` that names `word` (as code first), trimmed: a reason must be
/// about its own difference, never the whole note.
pub fn sentence(notes: &[String], word: &str) -> Option<String> {
    if word.chars().count() < 2 {
        return None;
    }
    let quoted = format!("`{word}`");
    for pat in [quoted.as_str(), word] {
        for n in notes {
            if let Some(s) = split_sentences(n).into_iter().find(|s| s.contains(pat)) {
                return Some(s.to_string());
            }
        }
    }
    None
}

/// Sentences of a note: ends at `. ` or `。` (not inside backticks).
fn split_sentences(note: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut code = false;
    let b: Vec<(usize, char)> = note.char_indices().collect();
    for (i, (at, c)) in b.iter().enumerate() {
        match c {
            '`' => code = !code,
            '.' if !code && b.get(i + 1).is_none_or(|(_, n)| n.is_whitespace()) => {
                out.push(note[start..at + 1].trim());
                start = at + 1;
            }
            '。' if !code => {
                out.push(note[start..at + c.len_utf8()].trim());
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    if start < note.len() {
        out.push(note[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

fn hint(line: &SpecLine, op: &SpecOp, field: Option<&SpecField>, words: &[&str]) -> Option<String> {
    let field_notes = field.map_or(&[][..], |f| f.notes.as_slice());
    words
        .iter()
        .find_map(|w| sentence(field_notes, w))
        .or_else(|| field_notes.first().map(|n| first_sentence(n)))
        .or_else(|| words.iter().find_map(|w| sentence(&op.notes, w)))
        .or_else(|| {
            op.response
                .iter()
                .find(|f| f.flatten && field.is_some())
                .and_then(|p| p.notes.first().map(|n| first_sentence(n)))
        })
        .or_else(|| sentence(&line.notes, &op.name))
}

fn first_sentence(note: &str) -> String {
    split_sentences(note)
        .first()
        .map_or_else(String::new, |s| (*s).to_string())
}

/// The notes of `op` about its examples, one sentence each.
fn example_hint(line: &SpecLine, op: &SpecOp) -> Option<String> {
    let notes: Vec<&str> = op
        .notes
        .iter()
        .flat_map(|n| split_sentences(n))
        .filter(|n| n.contains("xample") || n.contains("JSON") || n.contains("page break"))
        .take(2)
        .collect();
    if notes.is_empty() {
        hint(line, op, None, &["示例"])
    } else {
        Some(notes.join(" "))
    }
}

/// What a comparison of one operation works on.
pub(super) struct Ctx<'a> {
    pub(super) doc: &'a Document,
    pub(super) line: &'a SpecLine,
    pub(super) op: &'a SpecOp,
    pub(super) dop: &'a DocOp,
    /// Every JSON block of the checked documents the line is transcribed from.
    pool: &'a BTreeSet<&'a String>,
    out: &'a mut Vec<Finding>,
}

impl Ctx<'_> {
    /// A draft reason for `--suggest`: `why`, followed by the one sentence of a note (of
    /// the field, else of the operation) that names `word`, if any.
    pub(super) fn note(
        &self,
        field: Option<&SpecField>,
        word: &str,
        why: String,
    ) -> Option<String> {
        let notes = field.map_or(&[][..], |f| f.notes.as_slice());
        let found = sentence(notes, word).or_else(|| sentence(&self.op.notes, word));
        Some(match found {
            Some(n) if !why.contains(&n) => format!("{why} {n}"),
            _ => why,
        })
    }

    pub(super) fn push(
        &mut self,
        kind: &'static str,
        field: &str,
        doc: Option<String>,
        spec: Option<String>,
        hint: Option<String>,
    ) {
        self.out.push(Finding {
            document: self.doc.name.clone(),
            line: self.line.name.clone(),
            op: self.op.name.clone(),
            file: self.op.file.clone(),
            doc_line: self.dop.line,
            kind,
            field: field.to_string(),
            doc,
            spec,
            hint,
            scope: scope(self.op, &self.doc.name),
        });
    }
}

/// See [`Finding::scope`].
fn scope(op: &SpecOp, doc: &str) -> Option<String> {
    (!same_doc(&op.source.document, doc)).then(|| prefix(doc).to_string())
}

/// What doc-check compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Below the top level too (see [`super::deep`]): nested request and response fields,
    /// response types, examples against the tables. The default; `--shallow` turns it off.
    pub deep: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { deep: true }
    }
}

/// The kinds only the comparison below the top level produces.
pub const DEEP_KINDS: &[&str] = &[
    "response_nested_extra",
    "response_type",
    "response_untyped",
    "response_nesting",
    "param_nested_extra",
    "param_nested_missing",
    "param_nested_type",
    "param_nested_required",
    "param_nesting",
    "param_untyped",
    "example_type",
    "error_extra",
];

/// Compares one documented operation with its spec operation.
fn compare_op(ctx: &mut Ctx<'_>, all_docs_checked: bool, opts: Options) {
    let (line, op, dop) = (ctx.line, ctx.op, ctx.dop);
    let rest = line.protocol == "rest";
    if let Some(a) = &dop.action {
        if *a != op.name {
            let h = hint(line, op, None, &[a]);
            ctx.push("action", "", Some(a.clone()), Some(op.name.clone()), h);
        }
    }
    if let Some(m) = &dop.method {
        if !m.eq_ignore_ascii_case(&op.method) {
            let h = hint(line, op, None, &[m, &op.method]);
            ctx.push("method", "", Some(m.clone()), Some(op.method.clone()), h);
        }
    }
    let spec_path = op.path.clone().unwrap_or_else(|| line.path.clone());
    if rest {
        if let Some(p) = &dop.path {
            let want = spec_path.trim_end_matches('/');
            if std::iter::once(p)
                .chain(&dop.other_paths)
                .all(|p| colon_params(p.trim_end_matches('/')) != want)
            {
                let h = hint(line, op, None, &[p]);
                ctx.push("path", "", Some(p.clone()), Some(spec_path), h);
            }
        }
    } else if let (Some(h), Some(p)) = (&dop.host, &dop.path) {
        let d = format!("{h}{}", p.trim_end_matches('/'));
        let host = op.host.clone().unwrap_or_else(|| line.host.clone());
        let s = format!("{host}{}", spec_path.trim_end_matches('/'));
        if d != s {
            let hn = hint(line, op, None, &[p, h]);
            ctx.push("address", "", Some(d), Some(s), hn);
        }
    }

    // Parameters.
    let ptree = tree(line, &op.params);
    let ptop: BTreeMap<&str, &SpecField> = op.params.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut seen = BTreeSet::new();
    for f in &dop.params {
        if !seen.insert(f.name.clone()) {
            continue;
        }
        let is_top = !f.name.contains('.') && !f.name.contains('[');
        if let Some(sf) = ptop.get(f.leaf.as_str()).filter(|_| is_top) {
            if let Some(dc) = doc_class(&f.ty) {
                let sc = spec_class(line, &sf.ty);
                if sc != "any" && sc != dc {
                    let h = hint(line, op, Some(sf), &[&f.leaf]);
                    // The spec side is its class: renaming a named type is no difference.
                    ctx.push(
                        "param_type",
                        &f.leaf,
                        Some(f.ty.clone()),
                        Some(sc.to_string()),
                        h,
                    );
                }
            }
            if let Some(r) = f.required {
                if r != sf.required {
                    let h = hint(line, op, Some(sf), &[&f.leaf]);
                    ctx.push(
                        "param_required",
                        &f.leaf,
                        Some(r.to_string()),
                        Some(sf.required.to_string()),
                        h,
                    );
                }
            }
        } else if !ptree.contains_key(f.leaf.as_str()) {
            let h = hint(line, op, None, &[&f.leaf]);
            ctx.push("param_missing", &f.name, None, None, h);
        }
    }
    let mut dnames: BTreeSet<&str> = dop
        .params
        .iter()
        .flat_map(|f| [f.leaf.as_str(), f.name.as_str()])
        .collect();
    // Path parameters are documented by their placeholder in the path.
    if let Some(p) = &dop.path {
        dnames.extend(
            p.split('{')
                .skip(1)
                .filter_map(|x| x.split_once('}').map(|(n, _)| n)),
        );
    }
    for sf in &op.params {
        if !dnames.contains(sf.name.as_str()) && !sf.undocumented && !sf.deprecated {
            let h = hint(line, op, Some(sf), &[&sf.name]);
            ctx.push("param_extra", &sf.name, None, None, h);
        }
    }

    // Response.
    let rtree = tree(line, &op.response);
    let lower: BTreeSet<String> = rtree.keys().map(|k| k.to_ascii_lowercase()).collect();
    let env: Vec<String> = line
        .envelope
        .iter()
        .map(|e| e.to_ascii_lowercase())
        .collect();
    let data = env.get(3).cloned().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for f in &dop.response {
        let l = f.leaf.to_ascii_lowercase();
        if !seen.insert(f.leaf.clone()) || (!l.is_empty() && env.iter().take(3).any(|e| *e == l)) {
            continue;
        }
        if l == "code" || l == "message" || l == "msg" || l == "requestid" {
            continue;
        }
        if rtree.contains_key(f.leaf.as_str()) {
            continue;
        }
        if l == data && (lower.contains(&l) || op.response.iter().any(|f| f.flatten)) {
            continue;
        }
        let h = hint(line, op, None, &[&f.leaf]);
        ctx.push("response_missing", &f.name, None, None, h);
    }
    let rnames: BTreeSet<&str> = dop.response.iter().map(|f| f.leaf.as_str()).collect();
    for sf in top(line, &op.response) {
        // The envelope's data wrapper: tables often list its fields without a row of its own.
        if sf.name.to_ascii_lowercase() == data {
            continue;
        }
        if !rnames.contains(sf.name.as_str()) {
            let parent = op.response.iter().find(|f| f.flatten);
            let h = hint(line, op, Some(sf), &[&sf.name])
                .or_else(|| parent.and_then(|p| p.notes.first().cloned()));
            ctx.push("response_extra", &sf.name, None, None, h);
        }
    }

    // Errors.
    let mut seen = BTreeSet::new();
    for code in &dop.errors {
        if !seen.insert(code) {
            continue;
        }
        if !op.errors.contains(code) && !line.errors.contains(code) {
            let h = hint(line, op, None, &[code]);
            ctx.push("error_missing", code, None, None, h);
        }
    }
    // An operation's own codes the document no longer lists, neither for the operation
    // nor in a table outside the operations (`--deep`).
    if opts.deep {
        let listed = |c: &String| dop.errors.contains(c) || ctx.doc.errors.contains(c);
        for code in op.errors.iter().filter(|c| !listed(c)) {
            let why =
                format!("The document does not list the error code `{code}` for this operation.");
            let h = Some(match sentence(&op.notes, code) {
                Some(n) => format!("{why} {n}"),
                None => why,
            });
            ctx.push("error_extra", code, None, None, h);
        }
    }

    // Examples.
    let spec_norm: Vec<String> = op.examples.iter().map(|e| normalise(e)).collect();
    for (k, e) in dop.examples.iter().enumerate() {
        if !spec_norm.contains(e) {
            let h = example_hint(line, op);
            ctx.push(
                "example_missing",
                &format!("#{}", k + 1),
                Some(short_hash(e)),
                None,
                h,
            );
        }
    }
    if all_docs_checked {
        for (k, e) in spec_norm.iter().enumerate() {
            if !ctx.pool.contains(e) {
                let h = example_hint(line, op);
                ctx.push(
                    "example_unsourced",
                    &format!("#{}", k + 1),
                    None,
                    Some(short_hash(e)),
                    h,
                );
            }
        }
    }
    if opts.deep {
        super::deep::params(ctx);
        super::deep::response(ctx);
    }
}

/// Date of `doc` (`YYYY-MM-DD`): the `date` of the line's source entry naming it, else a
/// date in its file name (`vpc_2025-10-14_331050fe.md`).
pub fn doc_date(line: &SpecLine, doc: &str) -> Option<String> {
    line.sources
        .iter()
        .find(|s| same_doc(&s.document, doc))
        .and_then(|s| s.date.clone())
        .or_else(|| date_in_name(doc))
}

/// The first `YYYY-MM-DD` in a file name.
pub fn date_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|k| {
        let w = &b[k..k + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        (digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10))
            .then(|| name[k..k + 10].to_string())
    })
}

/// True when `op` was deprecated (renamed or removed) on or before the date of `doc`: such a
/// document no longer has to describe it.
fn deprecated_for(line: &SpecLine, op: &SpecOp, doc: &str) -> bool {
    let Some(dep) = &op.deprecated else {
        return false;
    };
    match doc_date(line, doc) {
        Some(date) => dep.date.is_empty() || date >= dep.date,
        None => false,
    }
}

/// True when the heading `r` of `op` is also claimed by a deprecated operation renamed to
/// `op`: that older operation is what the document describes, and it alone is compared.
fn superseded(line: &SpecLine, op: &SpecOp, r: &OpRef) -> bool {
    line.ops.iter().any(|o| {
        o.deprecated
            .as_ref()
            .is_some_and(|d| d.renamed_to.as_deref() == Some(op.name.as_str()))
            && o.reference(&r.document)
                .is_some_and(|x| norm_heading(&x.heading) == norm_heading(&r.heading))
    })
}

/// The documented operation `op` refers to in `doc` through `r`: the heading, nearest to
/// the recorded line when it occurs more than once.
fn by_heading(doc: &Document, r: &OpRef) -> Option<usize> {
    let h = norm_heading(&r.heading);
    doc.ops
        .iter()
        .enumerate()
        .filter(|(_, d)| norm_heading(&d.heading) == h)
        .min_by_key(|(_, d)| d.line.abs_diff(r.line))
        .map(|(k, _)| k)
}

/// The documented operation whose `Action` is the name of `op` (at the spec's address when
/// several share it).
fn by_action(doc: &Document, line: &SpecLine, op: &SpecOp) -> Option<usize> {
    let path = op.path.clone().unwrap_or_else(|| line.path.clone());
    let host = op.host.clone().unwrap_or_else(|| line.host.clone());
    let same: Vec<usize> = (0..doc.ops.len())
        .filter(|k| doc.ops[*k].action.as_deref() == Some(op.name.as_str()))
        .collect();
    same.iter()
        .copied()
        .find(|k| {
            let d = &doc.ops[*k];
            d.path.as_deref().map(|p| p.trim_end_matches('/')) == Some(path.trim_end_matches('/'))
                && d.host.as_deref().is_none_or(|h| h == host)
        })
        .or_else(|| same.first().copied())
}

/// Compares `doc` with every spec line that lists it among its sources. `checked` names all
/// documents of this run (spec examples are only required to come from a document when all
/// of the line's documents are checked).
///
/// An operation is compared with `doc` when its `source` or one of its `history` entries
/// names it (by heading). A line none of whose operations names `doc` is matched by
/// `Action` instead, unless `doc` is a `history: true` source of the line.
pub fn compare(
    doc: &Document,
    lines: &[SpecLine],
    checked: &[Document],
    opts: Options,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut claimed = vec![false; doc.ops.len()];
    let mut sections: BTreeSet<String> = BTreeSet::new();
    let mut any_all_sections = false;
    for line in lines {
        let Some(src) = line
            .sources
            .iter()
            .find(|s| same_doc(&s.document, &doc.name))
        else {
            continue;
        };
        if src.sections.is_empty() {
            any_all_sections = true;
        }
        sections.extend(src.sections.iter().map(|s| norm_heading(s)));
        let all_checked = line
            .sources
            .iter()
            .all(|s| checked.iter().any(|d| same_doc(&s.document, &d.name)));
        let named_here = line.ops.iter().any(|o| o.reference(&doc.name).is_some());
        let pool: BTreeSet<&String> = checked
            .iter()
            .filter(|d| line.sources.iter().any(|s| same_doc(&s.document, &d.name)))
            .flat_map(|d| d.json_blocks.iter())
            .collect();
        for op in &line.ops {
            let (found, heading) = match op.reference(&doc.name) {
                Some(r) if superseded(line, op, r) => continue,
                Some(r) => (by_heading(doc, r), r.heading.clone()),
                None if !named_here && !src.history => {
                    (by_action(doc, line, op), op.source.heading.clone())
                }
                None => continue,
            };
            match found {
                Some(k) => {
                    claimed[k] = true;
                    let mut ctx = Ctx {
                        doc,
                        line,
                        op,
                        dop: &doc.ops[k],
                        pool: &pool,
                        out: &mut out,
                    };
                    compare_op(&mut ctx, all_checked, opts);
                }
                None if deprecated_for(line, op, &doc.name) => {}
                None => out.push(Finding {
                    document: doc.name.clone(),
                    line: line.name.clone(),
                    op: op.name.clone(),
                    file: op.file.clone(),
                    doc_line: 0,
                    kind: "op_extra",
                    field: heading,
                    doc: None,
                    spec: None,
                    hint: op.notes.first().map(|n| first_sentence(n)),
                    scope: scope(op, &doc.name),
                }),
            }
        }
        // Example responses documented outside the operations, in a transcribed section.
        let mut nth: BTreeMap<&str, usize> = BTreeMap::new();
        for aux in &doc.aux_examples {
            if !src
                .sections
                .iter()
                .any(|s| norm_heading(s) == norm_heading(&aux.section))
            {
                continue;
            }
            let Some(op) = line.ops.iter().find(|o| o.name == aux.action) else {
                continue;
            };
            // Numbered per action, not by line: edits elsewhere must not rename the finding.
            let k = nth.entry(aux.action.as_str()).or_default();
            *k += 1;
            let k = *k;
            if !op.examples.iter().any(|e| normalise(e) == aux.example) {
                out.push(Finding {
                    document: doc.name.clone(),
                    line: line.name.clone(),
                    op: op.name.clone(),
                    file: op.file.clone(),
                    doc_line: aux.line,
                    kind: "example_missing",
                    field: format!("{}#{k}", aux.section),
                    doc: Some(short_hash(&aux.example)),
                    spec: None,
                    hint: example_hint(line, op),
                    scope: scope(op, &doc.name),
                });
            }
        }
        // Line-wide error codes documented outside operations.
        if !doc.errors.is_empty() && !line.errors.is_empty() {
            for code in &doc.errors {
                if !line.errors.contains(code) {
                    out.push(line_finding(doc, line, "error_missing", code));
                }
            }
        }
    }
    for (k, d) in doc.ops.iter().enumerate() {
        if claimed[k] || !(any_all_sections || sections.contains(&norm_heading(&d.section))) {
            continue;
        }
        let line = lines
            .iter()
            .find(|l| {
                l.sources.iter().any(|s| {
                    same_doc(&s.document, &doc.name)
                        && (s.sections.is_empty()
                            || s.sections
                                .iter()
                                .any(|x| norm_heading(x) == norm_heading(&d.section)))
                })
            })
            .cloned()
            .unwrap_or_default();
        let mut f = line_finding(doc, &line, "op_missing", &d.heading);
        f.doc_line = d.line;
        f.doc = Some(d.key());
        out.push(f);
    }
    out
}

fn line_finding(doc: &Document, line: &SpecLine, kind: &'static str, field: &str) -> Finding {
    Finding {
        document: doc.name.clone(),
        line: line.name.clone(),
        op: String::new(),
        file: PathBuf::from(format!("spec/{}/product.yaml", line.name)),
        doc_line: 0,
        kind,
        field: field.to_string(),
        doc: None,
        spec: None,
        hint: None,
        scope: None,
    }
}
