//! `cargo xtask doc-check` and `cargo xtask doc-diff`: the vendor documents parsed into a
//! neutral model (per operation: heading, Action or method and path, host, parameters,
//! response fields, error codes, example JSON), compared with the spec, or with another
//! edition of the same document. See `spec/MAINTAINING.md`.

pub mod align;
pub mod build;
pub mod check;
pub mod cli;
pub mod compare;
pub mod deep;
pub mod diff;
pub mod diffreport;
pub mod evidence;
pub mod jsonnorm;
pub mod markdown;
pub mod matching;
pub mod model;
pub mod pdftext;
pub mod raw;
pub mod specview;
pub mod suggest;
pub mod tree;
pub mod types;

use sha2::{Digest, Sha256};
use std::path::Path;

/// sha256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Short fingerprint (the first 12 hex digits of the sha256).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h = sha256_hex(bytes);
    h.truncate(12);
    h
}

/// Parses a document's text; the format is recognised from the text (Markdown has `#`
/// headings, PDF text has none).
pub fn parse_text(name: &str, text: &str) -> model::Document {
    let markdown = text.lines().filter(|l| l.starts_with('#')).take(5).count() >= 5;
    let headings = if markdown {
        markdown::parse(text)
    } else {
        pdftext::parse(text)
    };
    build::build(name, text, &headings)
}

/// Reads and parses a document file.
pub fn parse_document(path: &Path) -> Result<model::Document, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(parse_text(&name, &text))
}
