//! Normalisation of example JSON: documents write JSON with comments, trailing commas and
//! Python literals; two examples are equal when their normalised forms are.

use serde_json::Value;

/// Normalised form of an example: canonical JSON (sorted keys, no blanks) when it parses
/// leniently, else `text:` followed by the text with blanks removed.
pub fn normalise(text: &str) -> String {
    match parse_lenient(text) {
        Some(v) => canonical(&v),
        None => {
            let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            format!("text:{t}")
        }
    }
}

/// Short fingerprint of a normalised example (10 hex digits), stable across runs.
pub fn short_hash(normalised: &str) -> String {
    super::fingerprint(normalised.as_bytes())
}

/// Parses `text` as JSON after removing comments and trailing commas and mapping the Python
/// literals `None`, `True` and `False`.
pub fn parse_lenient(text: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str(text) {
        return Some(v);
    }
    let cleaned = clean(text);
    serde_json::from_str(&cleaned).ok()
}

fn clean(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_str = false;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            if c == '"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ',' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                if !matches!(chars.get(j), Some('}') | Some(']')) {
                    out.push(c);
                }
            }
            '“' | '”' => out.push('"'),
            _ if c.is_ascii_alphabetic() => {
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                out.push_str(match word.as_str() {
                    "None" => "null",
                    "True" => "true",
                    "False" => "false",
                    w => w,
                });
                i = j;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_trailing_commas_and_key_order_do_not_matter() {
        let a = "{\"b\": 1, // one\n \"a\": [True, None,],}";
        let b = "{\"a\":[true,null],\"b\":1}";
        assert_eq!(normalise(a), normalise(b));
        assert_ne!(normalise(a), normalise("{\"a\":[true,null],\"b\":2}"));
    }

    #[test]
    fn text_that_is_not_json_compares_without_blanks() {
        assert_eq!(normalise("{ a b"), "text:{ab");
    }
}
