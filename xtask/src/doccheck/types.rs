//! Type classes: the document's free-form type words and the spec's type expressions are
//! compared by class (string, integer, number, boolean, object, list).

use super::specview::SpecLine;

/// Class of a document type word, `None` when the word is not understood (then no type
/// comparison is made).
pub fn doc_class(raw: &str) -> Option<&'static str> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect::<String>()
        .to_ascii_lowercase();
    // `{object}` (004) reads as `object`.
    let t = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(&t)
        .to_string();
    if t.is_empty() {
        return None;
    }
    if t.starts_with("[]") || t.ends_with("[]") || t.contains("list") || t.contains("array") {
        return Some("list");
    }
    Some(match t.as_str() {
        "string" | "str" | "varchar" | "text" | "date" | "datetime" | "uuid" => "string",
        "int" | "integer" | "interger" | "int32" | "int64" | "long" | "uint" | "uint32"
        | "uint64" | "bigint" => "integer",
        "float" | "double" | "decimal" | "number" | "float32" | "float64" => "number",
        "bool" | "boolean" => "boolean",
        "dict" | "object" | "map" | "json" | "struct" | "obj" => "object",
        _ => return None,
    })
}

/// Class of the elements of a document list type, when the word names them: `[]string`,
/// `string[]`, `List<String>`, `list[int]`, `Array of string`, `array(object)`.
pub fn doc_element_class(raw: &str) -> Option<&'static str> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect::<String>()
        .to_ascii_lowercase();
    let inner = if let Some(x) = t.strip_prefix("[]") {
        x
    } else if let Some(x) = t.strip_suffix("[]") {
        x
    } else if let Some(x) = ["listof", "arrayof"].iter().find_map(|p| t.strip_prefix(p)) {
        x.trim_end_matches('s')
    } else {
        let open = t.find(['<', '[', '('])?;
        let head = &t[..open];
        if head != "list" && head != "array" {
            return None;
        }
        t[open + 1..].trim_end_matches(['>', ']', ')'])
    };
    if inner.is_empty() {
        return None;
    }
    doc_class(inner)
}

/// The element type of a spec list type (`list<Foo>` → `Foo`), or the type itself.
pub fn list_element(ty: &str) -> &str {
    let t = ty.trim();
    t.strip_prefix("list<")
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(t)
}

/// Class of a spec type expression in `line`.
pub fn spec_class(line: &SpecLine, ty: &str) -> &'static str {
    let t = ty.trim();
    if t.starts_with("list<") {
        return "list";
    }
    if t.starts_with("map<") {
        return "object";
    }
    match t {
        "string" => "string",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "any" => "any",
        _ => match line.enums.get(t) {
            Some(true) => "integer",
            Some(false) => "string",
            None if line.types.contains_key(t) => "object",
            None => "unknown",
        },
    }
}

/// Named types a type expression refers to (`list<map<Foo>>` → `Foo`).
pub fn named(ty: &str) -> Option<&str> {
    let mut t = ty.trim();
    while let Some(inner) = t.strip_prefix("list<").or_else(|| t.strip_prefix("map<")) {
        t = inner.strip_suffix('>').unwrap_or(inner);
    }
    match t {
        "string" | "integer" | "number" | "boolean" | "any" => None,
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(doc_class("Interger"), Some("integer"));
        assert_eq!(doc_class("[]string"), Some("list"));
        assert_eq!(doc_class("Dict"), Some("object"));
        assert_eq!(doc_class("something"), None);
        assert_eq!(doc_class("{object}"), Some("object"));
        assert_eq!(doc_class("[]"), Some("list"));
        assert_eq!(doc_element_class("[]string"), Some("string"));
        assert_eq!(doc_element_class("List<String>"), Some("string"));
        assert_eq!(doc_element_class("Array of objects"), Some("object"));
        assert_eq!(doc_element_class("int[]"), Some("integer"));
        assert_eq!(doc_element_class("list"), None);
        assert_eq!(doc_element_class("[]"), None);
        assert_eq!(list_element("list<Foo>"), "Foo");
        let line = SpecLine::default();
        assert_eq!(spec_class(&line, "list<Foo>"), "list");
        assert_eq!(named("list<map<Foo>>"), Some("Foo"));
        assert_eq!(named("list<string>"), None);
    }
}
