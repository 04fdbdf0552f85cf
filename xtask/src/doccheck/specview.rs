//! A lenient reading of `spec/<line>/*.yaml` for doc-check: only what the comparison needs,
//! unknown keys ignored (the generator's loader in `crate::spec` is the strict one).

use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A product line.
#[derive(Debug, Clone, Default)]
pub struct SpecLine {
    /// Folder name.
    pub name: String,
    /// `rpc` or `rest`.
    pub protocol: String,
    /// Default host (`cdsapi`, `api`, `endpoint`).
    pub host: String,
    /// Default path.
    pub path: String,
    /// Envelope field names: code, message, request id, data (empty when absent).
    pub envelope: Vec<String>,
    /// Documents.
    pub sources: Vec<SpecSource>,
    /// Operations.
    pub ops: Vec<SpecOp>,
    /// Named types: fields.
    pub types: BTreeMap<String, Vec<SpecField>>,
    /// Named enums: true when every value is an integer.
    pub enums: BTreeMap<String, bool>,
    /// Line-wide error codes.
    pub errors: Vec<String>,
    /// Notes of the line.
    pub notes: Vec<String>,
}

/// A `sources` entry of `product.yaml`.
#[derive(Debug, Clone, Default)]
pub struct SpecSource {
    /// Document file name.
    pub document: String,
    /// Pinned sha256.
    pub sha256: String,
    /// Sections transcribed.
    pub sections: Vec<String>,
    /// Fingerprint of each section when transcribed.
    pub section_hashes: BTreeMap<String, String>,
    /// Acknowledged departures that concern no single operation (e.g. a documented
    /// operation left out).
    pub departures: Vec<Departure>,
    /// An earlier edition, checked only through operations' `history:` entries.
    pub history: bool,
    /// Date of the edition (`YYYY-MM-DD`), when given.
    pub date: Option<String>,
}

/// Where an operation is documented: a document, a heading in it and its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpRef {
    /// Document file name.
    pub document: String,
    /// Heading, as written in the spec.
    pub heading: String,
    /// 1-based line of the heading.
    pub line: usize,
}

/// An operation or parameter the current documents no longer describe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deprecation {
    /// Date of the edition that renamed or removed it (`YYYY-MM-DD`).
    pub date: String,
    /// The current name of a renamed operation.
    pub renamed_to: Option<String>,
}

/// An operation.
#[derive(Debug, Clone, Default)]
pub struct SpecOp {
    /// Name.
    pub name: String,
    /// File it is in.
    pub file: PathBuf,
    /// Where it is documented today (`source:`).
    pub source: OpRef,
    /// Where earlier editions documented it (`history:`).
    pub history: Vec<OpRef>,
    /// Renamed or removed from the current documents.
    pub deprecated: Option<Deprecation>,
    /// Method.
    pub method: String,
    /// Declared a read (safe to call in a sweep).
    pub read: bool,
    /// Path override.
    pub path: Option<String>,
    /// Host override.
    pub host: Option<String>,
    /// Parameters.
    pub params: Vec<SpecField>,
    /// Response fields.
    pub response: Vec<SpecField>,
    /// Error codes.
    pub errors: Vec<String>,
    /// Examples, raw.
    pub examples: Vec<String>,
    /// Notes.
    pub notes: Vec<String>,
    /// Acknowledged departures.
    pub departures: Vec<Departure>,
    /// Decisions on rows of the vendor-code comparison (`evidence:`).
    pub evidence: Vec<EvidenceEntry>,
}

/// A decision on one row of `shared/evidence/vendor-sdks.tsv` (see `spec/README.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceEntry {
    /// The row's `kind`.
    pub kind: String,
    /// The row's `field`.
    pub field: String,
    /// Vendor repository.
    pub repo: String,
    /// `file:line` in it.
    pub file: String,
    /// What the vendor code shows.
    pub shows: String,
    /// `vendor`, `both` or `document`.
    pub decision: String,
    /// Why (required for `document`).
    pub why: String,
}

/// A parameter or field.
#[derive(Debug, Clone, Default)]
pub struct SpecField {
    /// Wire name.
    pub name: String,
    /// `in` (parameters).
    pub location: String,
    /// Type expression.
    pub ty: String,
    /// Required.
    pub required: bool,
    /// Flattened response field.
    pub flatten: bool,
    /// Sent by the vendor's code, named by no document (never reported as extra).
    pub undocumented: bool,
    /// Removed from the current documents (never reported as extra).
    pub deprecated: bool,
    /// Typed `any` on purpose (`untyped:` gives the reason): not reported as untyped.
    pub untyped: bool,
    /// Notes.
    pub notes: Vec<String>,
}

/// An acknowledged departure of the spec from a document (see `spec/MAINTAINING.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Departure {
    /// Kind of difference, as doc-check names it (`param_type`, `response_extra`, ...).
    pub kind: String,
    /// Field, parameter, error code, example (`#2`) or operation it concerns.
    pub field: Option<String>,
    /// Several fields with one reason (`field: [a, b]`): matches any of them.
    pub fields: Vec<String>,
    /// What the document says, when the finding has a value.
    pub doc: Option<String>,
    /// What the spec says, when the finding has a value.
    pub spec: Option<String>,
    /// Restricts the departure to documents whose name starts with this.
    pub document: Option<String>,
    /// The reason.
    pub why: String,
}

impl SpecOp {
    /// The `source` or `history` entry naming `doc` (an edition of the same document
    /// counts, see [`super::compare::same_doc`]); `source` first.
    pub fn reference(&self, doc: &str) -> Option<&OpRef> {
        std::iter::once(&self.source)
            .chain(&self.history)
            .find(|r| !r.document.is_empty() && super::compare::same_doc(&r.document, doc))
    }

    /// Every document the operation names (`source`, then `history`).
    pub fn documents(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.source)
            .chain(&self.history)
            .map(|r| r.document.as_str())
            .filter(|d| !d.is_empty())
    }
}

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get(k).map(|x| match x {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    })
}

fn strings(v: &Value, k: &str) -> Vec<String> {
    match v.get(k) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn seq<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_sequence)
        .map_or(&[], Vec::as_slice)
}

fn fields(v: &Value, k: &str) -> Vec<SpecField> {
    seq(v, k)
        .iter()
        .map(|f| SpecField {
            name: s(f, "name"),
            location: s(f, "in"),
            ty: s(f, "type"),
            required: f.get("required").and_then(Value::as_bool).unwrap_or(false),
            flatten: f.get("flatten").and_then(Value::as_bool).unwrap_or(false),
            undocumented: f.get("undocumented").is_some(),
            deprecated: f.get("deprecated").is_some(),
            untyped: f.get("untyped").is_some(),
            notes: strings(f, "notes"),
        })
        .collect()
}

fn departures(v: &Value) -> Vec<Departure> {
    seq(v, "departures")
        .iter()
        .map(|d| Departure {
            kind: s(d, "kind"),
            field: match d.get("field") {
                Some(Value::Sequence(_)) => None,
                _ => opt(d, "field"),
            },
            fields: strings(d, "field"),
            doc: opt(d, "doc"),
            spec: opt(d, "spec"),
            document: opt(d, "document"),
            why: s(d, "why"),
        })
        .collect()
}

fn op_ref(v: &Value) -> OpRef {
    OpRef {
        document: s(v, "document"),
        heading: s(v, "heading"),
        line: v.get("line").and_then(Value::as_u64).unwrap_or(0) as usize,
    }
}

fn error_codes(v: &Value) -> Vec<String> {
    seq(v, "errors")
        .iter()
        .map(|e| match e.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        })
        .collect()
}

/// Loads every line under `spec_dir`.
pub fn load_all(spec_dir: &Path) -> Result<Vec<SpecLine>, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(spec_dir)
        .map_err(|e| format!("{}: {e}", spec_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("product.yaml").is_file())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| load_line(d)).collect()
}

/// Loads one `spec/<line>` folder.
pub fn load_line(dir: &Path) -> Result<SpecLine, String> {
    let mut line = SpecLine {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..SpecLine::default()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let v: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        if file.file_stem().is_some_and(|s| s == "product") {
            line.protocol = s(&v, "protocol");
            line.host = s(&v, "host");
            line.path = s(&v, "path");
            line.notes = strings(&v, "notes");
            if let Some(env) = v.get("envelope") {
                for k in ["code", "message", "request_id", "data"] {
                    line.envelope.push(s(env, k));
                }
            }
            for src in seq(&v, "sources") {
                let mut hashes = BTreeMap::new();
                if let Some(Value::Mapping(m)) = src.get("section_hashes") {
                    for (k, h) in m {
                        if let (Some(k), Some(h)) = (k.as_str(), h.as_str()) {
                            hashes.insert(k.to_string(), h.to_string());
                        }
                    }
                }
                line.sources.push(SpecSource {
                    document: s(src, "document"),
                    sha256: s(src, "sha256"),
                    sections: strings(src, "sections"),
                    section_hashes: hashes,
                    departures: departures(src),
                    history: src.get("history").and_then(Value::as_bool).unwrap_or(false),
                    date: opt(src, "date"),
                });
            }
            continue;
        }
        line.errors.extend(error_codes(&v));
        for op in seq(&v, "operations") {
            line.ops.push(SpecOp {
                name: s(op, "name"),
                file: file.clone(),
                source: op.get("source").map(op_ref).unwrap_or_default(),
                history: seq(op, "history").iter().map(op_ref).collect(),
                deprecated: op.get("deprecated").map(|d| Deprecation {
                    date: s(d, "date"),
                    renamed_to: opt(d, "renamed_to"),
                }),
                method: s(op, "method"),
                read: op.get("read").and_then(Value::as_bool).unwrap_or(false),
                path: opt(op, "path"),
                host: opt(op, "host"),
                params: fields(op, "params"),
                response: fields(op, "response"),
                errors: error_codes(op),
                examples: strings(op, "examples"),
                notes: strings(op, "notes"),
                departures: departures(op),
                evidence: seq(op, "evidence")
                    .iter()
                    .map(|e| EvidenceEntry {
                        kind: s(e, "kind"),
                        field: s(e, "field"),
                        repo: s(e, "repo"),
                        file: s(e, "file"),
                        shows: s(e, "shows"),
                        decision: s(e, "decision"),
                        why: s(e, "why"),
                    })
                    .collect(),
            });
        }
        if let Some(Value::Mapping(types)) = v.get("types") {
            for (k, t) in types {
                if let Some(k) = k.as_str() {
                    line.types.insert(k.to_string(), fields(t, "fields"));
                }
            }
        }
        if let Some(Value::Mapping(enums)) = v.get("enums") {
            for (k, e) in enums {
                if let Some(k) = k.as_str() {
                    let ints = seq(e, "values")
                        .iter()
                        .all(|x| x.get("value").is_some_and(Value::is_number));
                    line.enums.insert(k.to_string(), ints);
                }
            }
        }
    }
    Ok(line)
}
