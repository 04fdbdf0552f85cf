//! Help texts: descriptions in English and Chinese, and the structure of nested parameters.

use crate::table::Line;
use cds_core::operation::{EnumSet, Shape};

/// `en / zh` (or whichever is not empty).
pub fn pair(en: &str, zh: &str) -> String {
    match (en.is_empty(), zh.is_empty()) {
        (false, false) => format!("{en} / {zh}"),
        (false, true) => en.to_string(),
        _ => zh.to_string(),
    }
}

/// `en` then `zh` on the next line (or whichever is not empty).
pub fn lines(en: &str, zh: &str) -> String {
    match (en.is_empty(), zh.is_empty()) {
        (false, false) => format!("{en}\n{zh}"),
        (false, true) => en.to_string(),
        _ => zh.to_string(),
    }
}

/// The first line of a text.
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// The documented values of `set`, one per line with their meaning.
pub fn values(set: &EnumSet, indent: &str) -> String {
    let mut out = String::new();
    for v in set.values {
        let meaning = pair(first_line(v.en), first_line(v.zh));
        if meaning.is_empty() {
            out.push_str(&format!("{indent}{}\n", v.value));
        } else {
            out.push_str(&format!("{indent}{}: {meaning}\n", v.value));
        }
    }
    out
}

/// A short type text: `integer`, `DataDisk`, `list of string`, `InstanceChargeType`.
pub fn short_type(shape: &Shape) -> String {
    match shape {
        Shape::String => "string".into(),
        Shape::Integer => "integer".into(),
        Shape::Number => "number".into(),
        Shape::Boolean => "boolean".into(),
        Shape::Any => "any JSON".into(),
        Shape::List(inner) => format!("list of {}", short_type(inner)),
        Shape::Map(inner) => format!("map of {}", short_type(inner)),
        Shape::Struct(s) => s.name.to_string(),
        Shape::Enum(set) => {
            let values: Vec<&str> = set.values.iter().map(|v| v.value).collect();
            if values.len() <= 6 {
                format!("{}: {}", set.name, values.join("|"))
            } else {
                format!("{} ({} values)", set.name, values.len())
            }
        }
    }
}

/// The structure a value of `shape` holds: each field of each nested structure with its type,
/// `required`, and descriptions (from the line's tables), indented by depth. Empty for
/// scalars.
pub fn structure(line: &Line, shape: &Shape) -> String {
    let mut out = String::new();
    let mut seen = Vec::new();
    walk(line, shape, 0, &mut out, &mut seen);
    out
}

fn walk(line: &Line, shape: &Shape, depth: usize, out: &mut String, seen: &mut Vec<&'static str>) {
    let indent = "  ".repeat(depth + 1);
    match shape {
        Shape::List(inner) | Shape::Map(inner) => walk(line, inner, depth, out, seen),
        Shape::Struct(s) => {
            if seen.contains(&s.name) {
                out.push_str(&format!("{indent}({} as above)\n", s.name));
                return;
            }
            seen.push(s.name);
            let doc = line.struct_doc(s.name);
            out.push_str(&format!("{indent}{} fields:\n", s.name));
            for f in s.fields {
                let mut head = format!("{indent}  {}: {}", f.name, short_type(&f.shape));
                if f.required {
                    head.push_str(", required");
                }
                if let Some(d) = doc.and_then(|d| d.field(f.name)) {
                    let text = pair(first_line(d.en), first_line(d.zh));
                    if !text.is_empty() {
                        head.push_str(" — ");
                        head.push_str(&text);
                    }
                }
                out.push_str(&head);
                out.push('\n');
                if matches!(
                    crate::table::element(&f.shape).0,
                    Shape::Struct(_) | Shape::Map(_)
                ) {
                    walk(line, &f.shape, depth + 2, out, seen);
                }
            }
            seen.pop();
        }
        _ => {}
    }
}

/// `(fields: Size*, Type; * required)` for a parameter holding structures; empty otherwise.
pub fn field_summary(shape: &Shape) -> String {
    let mut inner = shape;
    while let Shape::List(i) | Shape::Map(i) = inner {
        inner = i;
    }
    let Shape::Struct(s) = inner else {
        return String::new();
    };
    let names: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            if f.required {
                format!("{}*", f.name)
            } else {
                f.name.to_string()
            }
        })
        .collect();
    let star = if s.fields.iter().any(|f| f.required) {
        "; * required"
    } else {
        ""
    };
    format!(" (fields: {}{star})", names.join(", "))
}
