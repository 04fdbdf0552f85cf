//! Help texts: descriptions in English and Chinese, and the structure of nested parameters.

use crate::table::Line;
use cds_core::operation::{EnumSet, Shape};

/// The language of help texts: `--lang`, else `CDS_LANG`, else both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English and Chinese.
    #[default]
    Both,
    /// English only (Chinese where there is no English).
    En,
    /// Chinese only (English where there is no Chinese).
    Zh,
}

static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

impl Lang {
    /// From `--lang` or `CDS_LANG` (`en`, `zh`, `both`; anything else is both).
    pub fn choose(flag: Option<&str>) -> Lang {
        let env = std::env::var("CDS_LANG").ok();
        match flag
            .or(env.as_deref())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("en") => Lang::En,
            Some("zh") => Lang::Zh,
            _ => Lang::Both,
        }
    }
}

/// Sets the language of this run's help texts.
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of this run's help texts.
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// The one text `--lang` asks for, or both joined by `sep`.
fn choose(en: &str, zh: &str, sep: &str) -> String {
    match (lang(), en.is_empty(), zh.is_empty()) {
        (_, true, _) => zh.to_string(),
        (_, false, true) => en.to_string(),
        (Lang::En, false, false) => en.to_string(),
        (Lang::Zh, false, false) => zh.to_string(),
        (Lang::Both, false, false) => format!("{en}{sep}{zh}"),
    }
}

/// `en / zh` (or whichever is not empty, or the one `--lang` asks for).
pub fn pair(en: &str, zh: &str) -> String {
    choose(en, zh, " / ")
}

/// `en` then `zh` on the next line (or whichever is not empty, or the one `--lang` asks for).
pub fn lines(en: &str, zh: &str) -> String {
    choose(en, zh, "\n")
}

/// A line's title: `en (zh)`, or the one `--lang` asks for.
pub fn title(en: &str, zh: &str) -> String {
    match (lang(), zh.is_empty()) {
        (_, true) | (Lang::En, _) => en.to_string(),
        (Lang::Zh, false) => zh.to_string(),
        (Lang::Both, false) => format!("{en} ({zh})"),
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
