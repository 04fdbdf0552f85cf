//! Rust identifiers from wire names.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
];

/// Identifiers that cannot be raw identifiers.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps ASCII letters, digits and underscores; anything else becomes `_`.
fn sanitize(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.chars().all(|c| c == '_') {
        "field".to_string()
    } else {
        out
    }
}

/// An acronym's plural written with a lower-case `s` (`NSGs`, `IPs`) upper-cased, so that
/// case conversion keeps it one word (`describe_nsgs`, not `describe_ns_gs`).
fn acronym_plurals(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::with_capacity(wire.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_acronym =
            i >= 2 && chars[i - 1].is_ascii_uppercase() && chars[i - 2].is_ascii_uppercase();
        let ends_word = chars
            .get(i + 1)
            .is_none_or(|n| n.is_ascii_uppercase() || !n.is_ascii_alphabetic());
        if c == 's' && after_acronym && ends_word {
            out.push('S');
        } else {
            out.push(c);
        }
    }
    out
}

/// `IPv4` and `IPv6` written as one word (`Ipv6`), so that case conversion gives `ipv6`,
/// not `i_pv6`.
fn ip_versions(wire: &str) -> String {
    wire.replace("IPv4", "Ipv4").replace("IPv6", "Ipv6")
}

/// snake_case identifier text (may need `r#`: see [`is_keyword`]).
pub fn snake(wire: &str) -> String {
    let mut s = sanitize(&acronym_plurals(&ip_versions(wire))).to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if UNRAWABLE.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// UpperCamelCase identifier.
pub fn pascal(wire: &str) -> String {
    let mut s = sanitize(wire).to_upper_camel_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if UNRAWABLE.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Whether `s` is a Rust keyword (and so needs `r#`).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Builder methods that a parameter setter must not shadow (such setters get a `set_` prefix).
pub const RESERVED: &[&str] = &[
    "new",
    "input",
    "send",
    "send_with_response",
    "send_and_wait",
    "into_items",
    "with_input",
    "build",
    "builder",
    "url",
];

/// The setter (and builder method) name of a field whose struct field is `rust` (as
/// [`snake`] made it): `set_` + name when it would shadow a builder method, `r#` for keywords.
pub fn setter(rust: &str) -> proc_macro2::Ident {
    if RESERVED.contains(&rust) {
        quote::format_ident!("set_{}", rust)
    } else {
        ident(rust)
    }
}

/// The setter name as text, as a user writes it (`r#type`, `set_input`).
pub fn setter_text(rust: &str) -> String {
    setter(rust).to_string()
}

/// An identifier, raw when it is a keyword.
pub fn ident(name: &str) -> proc_macro2::Ident {
    if is_keyword(name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Makes every name of `names` unique by appending `_2`, `_3`, … to later duplicates.
pub fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names
        .into_iter()
        .map(|n| {
            if seen.insert(n.clone()) {
                return n;
            }
            let mut i = 2;
            loop {
                let candidate = format!("{n}_{i}");
                if seen.insert(candidate.clone()) {
                    return candidate;
                }
                i += 1;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wire_names() {
        assert_eq!(snake("VdcId"), "vdc_id");
        assert_eq!(snake("IPv6"), "ipv6");
        assert_eq!(snake("PublicIPv4Address"), "public_ipv4_address");
        assert_eq!(snake("type"), "type");
        assert!(is_keyword(&snake("type")));
        assert_eq!(snake("x-regionid"), "x_regionid");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("DescribeNSGs"), "describe_nsgs");
        assert_eq!(snake("GetIPsList"), "get_ips_list");
        assert_eq!(snake("DescribeNSGAttribute"), "describe_nsg_attribute");
        assert_eq!(snake("Ids"), "ids");
        assert_eq!(pascal("creating_image"), "CreatingImage");
        assert_eq!(pascal("1.0"), "V10");
        assert_eq!(setter_text("type"), "r#type");
        assert_eq!(setter_text("input"), "set_input");
        assert_eq!(setter_text("vdc_id"), "vdc_id");
        assert_eq!(
            dedupe(vec!["a".into(), "a".into(), "b".into()]),
            vec!["a", "a_2", "b"]
        );
    }
}
