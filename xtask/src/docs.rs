//! Rustdoc text from spec docs: English, the original Chinese, notes and the source reference.

use crate::spec::Doc;
use proc_macro2::TokenStream;
use quote::quote;

/// Escapes what rustdoc would misread: link brackets, HTML-like tags, code fences and
/// indentation (which would turn text into doctests).
pub fn escape(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.trim()
                .replace("```", "'''")
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paragraphs of a doc comment: English, Chinese, then extra paragraphs (already markdown).
pub fn paragraphs(doc: &Doc, notes: &[String], extra: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !doc.en.trim().is_empty() {
        out.push(escape(&doc.en));
    }
    if !doc.zh.trim().is_empty() && doc.zh.trim() != doc.en.trim() {
        out.push(escape(&doc.zh));
    }
    if out.is_empty() {
        out.push("(undocumented)".into());
    }
    for n in notes {
        out.push(format!("*Note:* {}", escape(n)));
    }
    out.extend(extra.iter().cloned());
    out
}

/// `#[doc = "..."]` attributes, one per line, paragraphs separated by empty lines.
pub fn attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        for l in p.lines() {
            lines.push(format!(" {l}"));
        }
    }
    let lines = lines.into_iter().map(|l| {
        if l.trim().is_empty() {
            String::new()
        } else {
            l
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Doc attributes for a doc plus notes.
pub fn doc(doc: &Doc, notes: &[String]) -> TokenStream {
    attrs(&paragraphs(doc, notes, &[]))
}
