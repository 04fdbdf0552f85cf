//! `cargo xtask spec-lint`: judgements the spec must make explicitly.
//!
//! - A field whose documentation lists its values (`取值范围`, `可选值`, `A：… B：…`,
//!   `[NEW,DOING,FINISH,ERROR]`, `0: … 1: …`, `1为…，0为…`) is an enum, or says why not
//!   (`not_enum`).
//! - A field typed `any` says why its shape is not typed (`untyped`).
//!
//! It prints, per line, the value sets typed and declined and the `any` fields, and exits
//! non-zero while a field is undecided.

use crate::spec::{Doc, Field, Line};
use crate::typeref::TypeRef;

/// The judgements of one line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineReport {
    /// Line name.
    pub line: String,
    /// Enums the line declares.
    pub enums: usize,
    /// Fields typed by an enum.
    pub enum_fields: usize,
    /// Fields whose listed values stay text, with a reason.
    pub declined: usize,
    /// Fields typed `any`, all with a reason when clean.
    pub any_fields: usize,
    /// Undecided fields: `where: why`.
    pub undecided: Vec<String>,
}

/// Whether `doc` lists the values of what it documents.
pub fn lists_values(doc: &Doc) -> bool {
    let text = format!("{} {}", doc.zh, doc.en);
    let lower = text.to_lowercase();
    let markers = [
        "取值范围",
        "可选值",
        "可选项",
        "取值：",
        "取值:",
        "枚举",
        "one of",
        "possible values",
        "values:",
    ];
    if markers.iter().any(|m| lower.contains(m)) && !is_range(&text) {
        return true;
    }
    bracket_list(&text) || keyed_values(&text) >= 2
}

/// A numeric range such as `1-99` or `[1,128]` (not a value set).
fn is_range(text: &str) -> bool {
    let digits_and_dash = |s: &str| {
        let s = s.trim();
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '~' || c == ' ' || c == '.')
            && s.contains(['-', '~'])
    };
    text.split(['：', ':', '，', ',', '；', ';', '（', '(', '）', ')'])
        .any(digits_and_dash)
}

/// `[A,B,C]` with at least two word-like members, not all numbers.
fn bracket_list(text: &str) -> bool {
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            return false;
        };
        let inner = &rest[open + 1..open + close];
        let members: Vec<&str> = inner
            .split([',', '，', '、', '|', '/'])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect();
        let wordy = members.iter().all(|m| {
            m.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        });
        let numbers = members.iter().all(|m| m.parse::<f64>().is_ok());
        if members.len() >= 2 && wordy && !numbers {
            return true;
        }
        rest = &rest[open + close + 1..];
    }
    false
}

/// How many `TOKEN：` / `TOKEN:` / `TOKEN为` pairs the text holds, where TOKEN is a short ASCII
/// word or number at a word boundary (`0：关闭 1：开启`, `PrePaid：预付费`).
fn keyed_values(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphanumeric() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let len = i - start;
            let next = chars.get(i).copied();
            let prev = if start > 0 { chars[start - 1] } else { ' ' };
            let boundary = prev.is_whitespace()
                || matches!(
                    prev,
                    '，' | ',' | '；' | ';' | '（' | '(' | '、' | '“' | '"' | '>' | '：'
                )
                || start == 0
                || !prev.is_ascii();
            if len <= 16 && boundary && matches!(next, Some('：') | Some('为') | Some('=')) {
                count += 1;
            }
        } else {
            i += 1;
        }
    }
    count
}

/// The report of `line`.
pub fn lint(line: &Line) -> LineReport {
    let enums = line.enums();
    let mut report = LineReport {
        line: line.name.clone(),
        enums: enums.len(),
        ..LineReport::default()
    };
    let mut check = |place: String, f: &Field| {
        let ty = TypeRef::parse(&f.ty).unwrap_or(TypeRef::Any);
        let element = match &ty {
            TypeRef::List(inner) => inner.as_ref().clone(),
            other => other.clone(),
        };
        if ty == TypeRef::Any {
            report.any_fields += 1;
            if f.untyped.as_deref().is_none_or(|r| r.trim().is_empty()) {
                report
                    .undecided
                    .push(format!("{place}: typed `any` without an `untyped` reason"));
            }
        }
        let is_enum = matches!(&element, TypeRef::Named(n) if enums.contains_key(n.as_str()));
        if is_enum {
            report.enum_fields += 1;
            return;
        }
        if f.not_enum.is_some() {
            report.declined += 1;
            return;
        }
        let scalar = matches!(
            element,
            TypeRef::String | TypeRef::Integer | TypeRef::Number
        );
        if scalar && lists_values(&f.doc) {
            report.undecided.push(format!(
                "{place}: its documentation lists values; make it an enum or say why not (`not_enum`)"
            ));
        }
    };
    for (stem, op) in line.operations() {
        for f in &op.params {
            check(format!("{stem}.yaml {} param {}", op.name, f.name), f);
        }
        for f in &op.response {
            check(format!("{stem}.yaml {} response {}", op.name, f.name), f);
        }
    }
    for (stem, group) in &line.groups {
        for (name, t) in &group.types {
            for f in &t.fields {
                check(format!("{stem}.yaml type {name} field {}", f.name), f);
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(zh: &str, en: &str) -> Doc {
        Doc {
            zh: zh.into(),
            en: en.into(),
        }
    }

    #[test]
    fn value_lists_are_recognised() {
        assert!(lists_values(&doc(
            "云主机的付费方式，取值范围：    PrePaid：预付费，包年包月。    PostPaid（默认）：按量付费。",
            ""
        )));
        assert!(lists_values(&doc(
            "任务执行的状态[NEW,DOING,FINISH,ERROR]",
            ""
        )));
        assert!(lists_values(&doc("0：关闭 1：开启", "")));
        assert!(lists_values(&doc("1为自动续费（默认），0为不自动续费", "")));
        assert!(!lists_values(&doc(
            "指定创建云服务器的数量，取值范围：1-99，默认取值：1",
            ""
        )));
        assert!(!lists_values(&doc(
            "云服务器所属虚拟数据中心",
            "Virtual data center"
        )));
        assert!(!lists_values(&doc("cpu数量只可选[1,2,4,8]", "")));
    }
}
