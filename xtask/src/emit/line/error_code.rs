//! `src/error_code.rs`: the line's documented error codes as a non-exhaustive `ErrorCode` enum.
//!
//! Variant names: a textual code in PascalCase (`InvalidInstanceId.Malformed` →
//! `InvalidInstanceIdMalformed`); a numeric code named from its English description
//! (`20101` "A cloud server is using the tag" → `CloudServerIsUsingTheTag`). Codes that differ
//! only in letter case are one variant (the first spelling is its `as_str`).

use crate::docs;
use crate::emit::line::types::yaml_text;
use crate::names;
use crate::spec::{ErrorCode, Line};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// One documented code.
struct Code {
    /// First documented spelling.
    text: String,
    /// Variant name.
    variant: String,
    /// HTTP status, if documented.
    http: Option<u16>,
    /// Description (English, Chinese, message).
    doc: String,
    /// Operations that document it.
    operations: Vec<String>,
    /// Other spellings (letter case).
    spellings: Vec<String>,
}

const FILLER: &[&str] = &["the", "a", "an", "is", "are", "of", "to", "for"];

fn name_from_description(text: &str) -> String {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(&w.to_ascii_lowercase().as_str()))
        .take(8)
        .collect();
    names::pascal(&words.join("_"))
}

fn base_variant(code: &str, e: &ErrorCode) -> String {
    let letters = code.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters >= 3 {
        return names::pascal(code);
    }
    let from = if e.doc.en.trim().is_empty() {
        e.message.clone().unwrap_or_default()
    } else {
        e.doc.en.clone()
    };
    let name = name_from_description(&from);
    if name == "Value" {
        format!("Code{}", names::pascal(code))
    } else {
        name
    }
}

fn collect(line: &Line) -> Vec<Code> {
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut codes: Vec<Code> = Vec::new();
    let mut add = |e: &ErrorCode, op: Option<&str>| {
        let text = yaml_text(&e.code);
        if text.trim().is_empty() {
            return;
        }
        let key = text.to_ascii_lowercase();
        let i = *by_key.entry(key).or_insert_with(|| {
            let http = e.http.as_ref().and_then(|h| yaml_text(h).parse().ok());
            let mut doc = docs::paragraphs(&e.doc, "", &[]).join(" / ");
            if let Some(m) = e.message.as_ref().filter(|m| !m.trim().is_empty()) {
                doc.push_str(&format!(" — “{}”", docs::escape(m).replace('\n', " ")));
            }
            codes.push(Code {
                variant: base_variant(&text, e),
                text: text.clone(),
                http,
                doc: doc.replace('\n', " "),
                operations: Vec::new(),
                spellings: Vec::new(),
            });
            codes.len() - 1
        });
        let c = &mut codes[i];
        if c.text != text && !c.spellings.contains(&text) {
            c.spellings.push(text);
        }
        if let Some(op) = op {
            if !c.operations.iter().any(|o| o == op) {
                c.operations.push(op.to_string());
            }
        }
    };
    for (_, g) in &line.groups {
        for e in &g.errors {
            add(e, None);
        }
    }
    for (_, op) in line.operations() {
        for e in &op.errors {
            add(e, Some(&op.name));
        }
    }
    // Two codes that read alike get their code appended (never a `_2`).
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in &codes {
        *count.entry(c.variant.clone()).or_default() += 1;
    }
    for c in &mut codes {
        if count[&c.variant] > 1 || c.variant == "Unknown" {
            c.variant = format!("{}{}", c.variant, names::pascal(&c.text.replace('.', "_")));
        }
    }
    codes.sort_by(|a, b| a.variant.cmp(&b.variant));
    codes
}

/// The variant of documented code `code` (for links from operation docs).
pub fn variant_for(line: &Line, code: &str) -> String {
    collect(line)
        .into_iter()
        .find(|c| c.text.eq_ignore_ascii_case(code))
        .map(|c| c.variant)
        .unwrap_or_else(|| "Unknown".into())
}

/// `src/error_code.rs`.
pub fn error_code_rs(line: &Line) -> TokenStream {
    let codes = collect(line);
    let variants: Vec<_> = codes
        .iter()
        .map(|c| format_ident!("{}", c.variant))
        .collect();
    let texts: Vec<&str> = codes.iter().map(|c| c.text.as_str()).collect();
    let docs = codes.iter().map(|c| {
        let mut meta = format!("`{}`", c.text.replace('`', "'"));
        for s in &c.spellings {
            meta.push_str(&format!(" (also `{}`)", s.replace('`', "'")));
        }
        if let Some(h) = c.http {
            meta.push_str(&format!(", HTTP {h}"));
        }
        if !c.operations.is_empty() {
            meta.push_str(&format!("; documented for {}", c.operations.join(", ")));
        }
        meta.push('.');
        docs::attrs(&[c.doc.clone(), meta])
    });
    let lower: Vec<Vec<String>> = codes
        .iter()
        .map(|c| {
            let mut all = vec![c.text.to_ascii_lowercase()];
            all.extend(c.spellings.iter().map(|s| s.to_ascii_lowercase()));
            all.dedup();
            all
        })
        .collect();
    let from_arms = variants.iter().zip(&lower).map(|(v, spellings)| {
        quote! { #( #spellings )|* => ErrorCode::#v, }
    });
    let from_body = if codes.is_empty() {
        quote!(ErrorCode::Unknown(code.to_string()))
    } else {
        quote! {
            match code.to_ascii_lowercase().as_str() {
                #(#from_arms)*
                _ => ErrorCode::Unknown(code.to_string()),
            }
        }
    };
    let http_arms = codes.iter().zip(&variants).filter_map(|(c, v)| {
        let h = c.http?;
        Some(quote! { ErrorCode::#v => Some(#h), })
    });
    quote! {
        //! The documented error codes of this product line.

        /// A documented error code of this product line; match on it instead of comparing
        /// strings: `match ErrorCode::of(&err) { Some(ErrorCode::…) => …, _ => … }`.
        ///
        /// Non-exhaustive: a code not documented when this SDK was generated is `Unknown`.
        /// Codes are compared without regard to letter case.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #( #docs #variants, )*
            /// A code not documented when this SDK was generated.
            Unknown(String),
        }

        impl ErrorCode {
            /// The code of a failed call, if the service answered with one.
            pub fn of(error: &cds_core::Error) -> Option<ErrorCode> {
                error.code().map(ErrorCode::from)
            }
            /// The code as documented.
            pub fn as_str(&self) -> &str {
                match self {
                    #( ErrorCode::#variants => #texts, )*
                    ErrorCode::Unknown(other) => other.as_str(),
                }
            }
            /// The HTTP status the documents give for this code.
            pub fn http_status(&self) -> Option<u16> {
                #[allow(clippy::match_single_binding)]
                match self {
                    #(#http_arms)*
                    _ => None,
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                #from_body
            }
        }

        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_are_named_from_their_description() {
        assert_eq!(
            name_from_description("A cloud server is using the tag"),
            "CloudServerUsingTag"
        );
        assert_eq!(
            base_variant(
                "InvalidInstanceId.Malformed",
                &ErrorCode {
                    http: None,
                    code: serde_yaml::Value::Null,
                    message: None,
                    doc: Default::default()
                }
            ),
            "InvalidInstanceIdMalformed"
        );
    }
}
