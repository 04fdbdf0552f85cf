//! Rustdoc text from spec docs: the English line, then the original Chinese line. Transcription
//! notes stay in the spec; user docs carry only what a user needs.

use crate::spec::Doc;
use proc_macro2::TokenStream;
use quote::quote;

/// Escapes what rustdoc would misread: link brackets, HTML-like tags, bare URLs, code fences and
/// indentation (which would turn text into doctests).
pub fn escape(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l
                .trim()
                .replace("```", "'''")
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            wrap_urls(&l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Puts bare `http://` / `https://` URLs in angle brackets, as rustdoc wants them.
fn wrap_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = ["http://", "https://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || c == ')' || c == ',' || c == '"')
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

/// Paragraphs of a doc comment: English, then Chinese (with `suffix` appended to the last of
/// the two), then extra paragraphs (already markdown).
pub fn paragraphs(doc: &Doc, suffix: &str, extra: &[String]) -> Vec<String> {
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
    if !suffix.is_empty() {
        if let Some(last) = out.last_mut() {
            last.push(' ');
            last.push_str(suffix);
        }
    }
    out.extend(extra.iter().cloned());
    out
}

/// `#[doc = "..."]` attributes, one per line, paragraphs separated by empty lines.
pub fn attrs(paragraphs: &[String]) -> TokenStream {
    let lines = lines(paragraphs);
    quote! { #( #[doc = #lines] )* }
}

/// Doc lines (each with its leading space) of `paragraphs`.
pub fn lines(paragraphs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        for l in p.lines() {
            lines.push(if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {l}")
            });
        }
    }
    lines
}

/// Doc attributes for a doc.
pub fn doc(doc: &Doc) -> TokenStream {
    attrs(&paragraphs(doc, "", &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_bare_urls_and_escapes_brackets() {
        assert_eq!(
            escape("see http://a.b/c. and [x]"),
            "see <http://a.b/c>. and \\[x\\]"
        );
        assert_eq!(escape("a <b>"), "a &lt;b&gt;");
    }

    #[test]
    fn english_then_chinese_with_suffix() {
        let d = Doc {
            en: "Size".into(),
            zh: "大小".into(),
        };
        assert_eq!(
            paragraphs(&d, "(`Size`)", &[]),
            vec!["Size", "大小 (`Size`)"]
        );
    }
}
