//! Every input checked against the operation's shapes in `meta` before anything is sent:
//! types, documented values, required fields at every depth, unknown or wrong-case keys,
//! objects where lists are expected. Also the `--generate-skeleton` template and its
//! placeholders: an optional field whose placeholder is left untouched is not sent; a
//! required one is an error.

use crate::suggest;
use crate::table::Command;
use cds_core::operation::{Shape, Struct};
use serde_json::{Map, Value};

/// The problems found in one input, each `path: what`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<String>);

impl Problems {
    fn push(&mut self, path: &str, what: impl std::fmt::Display) {
        self.0.push(format!("{path}: {what}"));
    }
}

/// How far nested structures are shown or generated (recursive types stop here).
const MAX_DEPTH: usize = 8;

/// Checks `input` (keyed by wire names) for `cmd`, dropping unset values (`null`, and the
/// skeleton's placeholders of optional fields). `except` are required parameters the CLI
/// fills in itself (the page number with `--all-pages`); `flag_of` names the flag of a
/// top-level parameter for messages.
pub fn input(
    cmd: &Command,
    input: &mut Map<String, Value>,
    except: &[&str],
    flag_of: &dyn Fn(&str) -> Option<String>,
) -> Problems {
    let mut problems = Problems::default();
    let keys: Vec<String> = input.keys().cloned().collect();
    for key in keys {
        let Some(p) = cmd.param(&key) else {
            let names = cmd.meta.params.iter().map(|p| p.name);
            let hint = suggest::hint(&key, names);
            problems.push(
                &key,
                format!("{} has no such parameter{hint}", cmd.meta.name),
            );
            continue;
        };
        let shown = match flag_of(p.name) {
            Some(flag) => format!("{} (--{flag})", p.name),
            None => p.name.to_string(),
        };
        let value = input.remove(&key).unwrap_or(Value::Null);
        match strip(&p.shape, value, &shown, &mut problems) {
            Stripped::Untouched if p.required => {
                problems.push(&shown, "still the skeleton's placeholder: fill it in");
            }
            Stripped::Untouched => {}
            Stripped::Kept(mut v) => {
                value_at(
                    &p.shape,
                    &mut v,
                    &shown,
                    secret(cmd, p.name, p.sensitive),
                    &mut problems,
                );
                input.insert(key, v);
            }
        }
    }
    for p in cmd.meta.params {
        if p.required && !except.contains(&p.name) && !input.contains_key(p.name) {
            let shown = match flag_of(p.name) {
                Some(flag) => format!("--{flag} ({})", p.name),
                None => p.name.to_string(),
            };
            if !problems.0.iter().any(|m| m.starts_with(p.name)) {
                problems.0.push(format!("{shown}: required, missing"));
            }
        }
    }
    problems
}

/// A value after its placeholders were taken out.
enum Stripped {
    /// Nothing but placeholders (or `null`): not set.
    Untouched,
    /// A value to check and send.
    Kept(Value),
}

/// Takes out `null`s and untouched placeholders.
fn strip(shape: &Shape, v: Value, path: &str, problems: &mut Problems) -> Stripped {
    if v.is_null() || is_placeholder(shape, &v) {
        return Stripped::Untouched;
    }
    match (shape, v) {
        (Shape::Struct(s), Value::Object(map)) => {
            if map.is_empty() {
                return Stripped::Kept(Value::Object(map));
            }
            let mut kept = Map::new();
            let mut untouched_required = Vec::new();
            let mut any_kept = false;
            for (k, v) in map {
                match s.fields.iter().find(|f| f.name == k) {
                    Some(f) => match strip(&f.shape, v, &format!("{path}.{k}"), problems) {
                        Stripped::Untouched => {
                            if f.required {
                                untouched_required.push(k);
                            }
                        }
                        Stripped::Kept(v) => {
                            any_kept = true;
                            kept.insert(k, v);
                        }
                    },
                    None => {
                        any_kept = true;
                        kept.insert(k, v);
                    }
                }
            }
            if !any_kept {
                return Stripped::Untouched;
            }
            for k in untouched_required {
                problems.push(
                    &format!("{path}.{k}"),
                    "still the skeleton's placeholder: fill it in",
                );
            }
            Stripped::Kept(Value::Object(kept))
        }
        (Shape::List(inner), Value::Array(items)) => {
            if items.is_empty() {
                return Stripped::Kept(Value::Array(items));
            }
            let mut kept = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                if let Stripped::Kept(v) = strip(inner, item, &format!("{path}[{i}]"), problems) {
                    kept.push(v);
                }
            }
            if kept.is_empty() {
                Stripped::Untouched
            } else {
                Stripped::Kept(Value::Array(kept))
            }
        }
        (_, v) => Stripped::Kept(v),
    }
}

fn describe(v: &Value) -> String {
    let text = v.to_string();
    let shown: String = text.chars().take(40).collect();
    let shown = if shown.len() < text.len() {
        format!("{shown}…")
    } else {
        shown
    };
    match v {
        Value::Object(_) => format!("an object {shown}"),
        Value::Array(_) => format!("a list {shown}"),
        _ => shown,
    }
}

/// Whether a parameter's values are never shown.
fn secret(cmd: &Command, name: &str, sensitive: bool) -> bool {
    sensitive || cds_core::redact::is_sensitive(name, cmd.line.meta.service.sensitive_fields)
}

/// What kind of value `v` is, without showing it (for sensitive fields).
fn redacted(v: &Value) -> String {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
    .to_string()
}

/// Checks `v` against `shape`, dropping `null` members.
fn value_at(shape: &Shape, v: &mut Value, path: &str, secret: bool, problems: &mut Problems) {
    let describe = |v: &Value| if secret { redacted(v) } else { describe(v) };
    match shape {
        Shape::Any => {}
        Shape::String => {
            if !v.is_string() {
                problems.push(path, format!("expected a string, got {}", describe(v)));
            }
        }
        Shape::Integer => {
            if !(v.is_i64() || v.is_u64()) {
                problems.push(path, format!("expected an integer, got {}", describe(v)));
            }
        }
        Shape::Number => {
            if !v.is_number() {
                problems.push(path, format!("expected a number, got {}", describe(v)));
            }
        }
        Shape::Boolean => {
            if !v.is_boolean() {
                problems.push(path, format!("expected true or false, got {}", describe(v)));
            }
        }
        Shape::Enum(set) => {
            let text = match &*v {
                Value::String(s) if !set.integer => Some(s.clone()),
                Value::Number(n) if set.integer => Some(n.to_string()),
                _ => None,
            };
            let known = text
                .as_deref()
                .is_some_and(|t| set.values.iter().any(|x| x.value == t));
            if !known {
                let values: Vec<&str> = set.values.iter().map(|x| x.value).collect();
                let shown = match &*v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let hint = suggest::hint(&shown, values.iter().copied());
                let kind = if set.integer { " (numbers)" } else { "" };
                problems.push(
                    path,
                    format!(
                        "{} is not a documented {}{kind}: one of {}{hint}",
                        describe(v),
                        set.name,
                        list(&values)
                    ),
                );
            }
        }
        Shape::List(inner) => match v {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if item.is_null() {
                        problems.push(&format!("{path}[{i}]"), "null in a list");
                        continue;
                    }
                    value_at(inner, item, &format!("{path}[{i}]"), secret, problems);
                }
            }
            other => problems.push(
                path,
                format!(
                    "expected a list (a JSON array: [...]), got {}",
                    describe(other)
                ),
            ),
        },
        Shape::Map(inner) => match v {
            Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                for (k, item) in map.iter_mut() {
                    value_at(inner, item, &format!("{path}.{k}"), secret, problems);
                }
            }
            other => problems.push(
                path,
                format!("expected an object ({{...}}), got {}", describe(other)),
            ),
        },
        Shape::Struct(s) => match v {
            Value::Object(map) => fields(s, map, path, secret, problems),
            other => problems.push(
                path,
                format!(
                    "expected an object of {} ({{...}}), got {}",
                    s.name,
                    describe(other)
                ),
            ),
        },
    }
}

fn fields(
    s: &Struct,
    map: &mut Map<String, Value>,
    path: &str,
    secret: bool,
    problems: &mut Problems,
) {
    map.retain(|_, v| !v.is_null());
    for (k, v) in map.iter_mut() {
        let here = format!("{path}.{k}");
        match s.fields.iter().find(|f| f.name == k) {
            Some(f) => value_at(
                &f.shape,
                v,
                &here,
                secret || f.sensitive || cds_core::redact::is_sensitive(k, &[]),
                problems,
            ),
            None => {
                let hint = suggest::hint(k, s.fields.iter().map(|f| f.name));
                let names: Vec<&str> = s.fields.iter().map(|f| f.name).collect();
                let tail = if hint.is_empty() {
                    format!(" (fields: {})", names.join(", "))
                } else {
                    hint
                };
                problems.push(&here, format!("{} has no field {k:?}{tail}", s.name));
            }
        }
    }
    for f in s.fields.iter().filter(|f| f.required) {
        if !map.contains_key(f.name) {
            problems.push(&format!("{path}.{}", f.name), "required, missing");
        }
    }
}

fn list(values: &[&str]) -> String {
    if values.len() <= 12 {
        values.join(", ")
    } else {
        format!(
            "{}, … ({} values; see --help)",
            values[..10].join(", "),
            values.len()
        )
    }
}

/// The skeleton's placeholder for a value of `shape`.
pub fn placeholder(shape: &Shape, required: bool) -> String {
    let what = match shape {
        Shape::String => "string".to_string(),
        Shape::Integer => "integer".into(),
        Shape::Number => "number".into(),
        Shape::Boolean => "true|false".into(),
        Shape::Any => "any JSON".into(),
        Shape::Map(_) => "object".into(),
        Shape::List(_) => "list".into(),
        Shape::Struct(s) => s.name.to_string(),
        Shape::Enum(set) => {
            let values: Vec<&str> = set.values.iter().map(|v| v.value).collect();
            if values.len() <= 6 {
                format!("{}: {}", set.name, values.join("|"))
            } else {
                format!("{}: {}|… (see --help)", set.name, values[..4].join("|"))
            }
        }
    };
    if required {
        format!("<{what}, required>")
    } else {
        format!("<{what}>")
    }
}

fn is_placeholder(shape: &Shape, v: &Value) -> bool {
    match v {
        Value::String(s) if s.starts_with('<') && s.ends_with('>') => {
            *s == placeholder(shape, true) || *s == placeholder(shape, false)
        }
        _ => false,
    }
}

/// Which fields a skeleton shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skeleton {
    /// Every field, at every depth.
    All,
    /// Required fields only.
    Required,
}

/// The `--generate-skeleton` template of `cmd`'s input: every parameter (or only the required
/// ones) at every depth, each a placeholder that names its type and says `required`. Left
/// untouched, an optional placeholder is not sent; a required one is an error.
pub fn skeleton(cmd: &Command, which: Skeleton) -> Value {
    let mut map = Map::new();
    for p in cmd.meta.params {
        if which == Skeleton::Required && !p.required {
            continue;
        }
        map.insert(p.name.to_string(), template(&p.shape, p.required, which, 0));
    }
    Value::Object(map)
}

fn template(shape: &Shape, required: bool, which: Skeleton, depth: usize) -> Value {
    match shape {
        Shape::Struct(s) if depth < MAX_DEPTH => Value::Object(
            s.fields
                .iter()
                .filter(|f| which == Skeleton::All || f.required)
                .map(|f| {
                    (
                        f.name.to_string(),
                        template(&f.shape, f.required, which, depth + 1),
                    )
                })
                .collect(),
        ),
        Shape::List(inner) if matches!(inner, Shape::Struct(_) | Shape::List(_)) => {
            Value::Array(vec![template(inner, required, which, depth + 1)])
        }
        Shape::List(inner) => Value::Array(vec![Value::String(placeholder(inner, required))]),
        other => Value::String(placeholder(other, required)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create() -> Command {
        Command::find("ccs", "create-instance").unwrap()
    }

    fn problems(input: Value) -> Vec<String> {
        let Value::Object(mut map) = input else {
            panic!()
        };
        super::input(&create(), &mut map, &[], &|_| None).0
    }

    fn base() -> Value {
        json!({"RegionId": "CN_Beijing_A", "VdcId": "v", "InstanceName": "n", "Password": "p",
               "Cpu": 2, "Ram": 4, "InstanceType": "Standard",
               "ImageId": "i", "InstanceChargeType": "PostPaid", "PublicIp": ["auto"]})
    }

    #[test]
    fn nested_required_types_and_keys_are_checked() {
        let mut ok = base();
        let required: Vec<&str> = create()
            .meta
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        ok.as_object_mut()
            .unwrap()
            .retain(|k, _| required.contains(&k.as_str()) || k == "Cpu");
        for p in &required {
            if ok.get(*p).is_none() {
                ok[*p] = json!("x");
            }
        }
        let with = |k: &str, v: Value| {
            let mut x = ok.clone();
            x[k] = v;
            problems(x)
        };
        let p = with("DataDisks", json!([{"Type": "ssd_disk"}]));
        assert!(
            p.iter().any(|m| m.contains("DataDisks[0].Size: required")),
            "{p:?}"
        );
        let p = with("DataDisks", json!([{"Size": "big"}]));
        assert!(p.iter().any(|m| m.contains("expected an integer")), "{p:?}");
        let p = with("DataDisks", json!([{"size": 100}]));
        assert!(p.iter().any(|m| m.contains("did you mean Size")), "{p:?}");
        let p = with("DataDisks", json!({"Size": 100}));
        assert!(p.iter().any(|m| m.contains("expected a list")), "{p:?}");
        let p = with("Cpu", json!("two"));
        assert!(p.iter().any(|m| m.contains("Cpu")), "{p:?}");
        let p = with("DataDisks", json!([{}]));
        assert!(p.iter().any(|m| m.contains("Size: required")), "{p:?}");
        let p = with("Password", json!(12345678));
        assert!(p.iter().any(|m| m.contains("got a number")), "{p:?}");
        assert!(!p.iter().any(|m| m.contains("12345678")), "{p:?}");
    }

    #[test]
    fn untouched_optional_placeholders_are_not_sent_and_required_ones_are_errors() {
        let cmd = create();
        let skeleton = skeleton(&cmd, Skeleton::All);
        let Value::Object(mut map) = skeleton.clone() else {
            panic!()
        };
        let p = super::input(&cmd, &mut map, &[], &|_| None).0;
        let required = cmd.meta.params.iter().filter(|p| p.required).count();
        assert_eq!(p.len(), required, "{p:?}");
        assert!(map.is_empty(), "{map:?}");
        let Value::Object(mut map) = skeleton else {
            panic!()
        };
        for p in cmd.meta.params.iter().filter(|p| p.required) {
            map.insert(p.name.into(), super::tests::base()[p.name].clone());
        }
        let p = super::input(&cmd, &mut map, &[], &|_| None).0;
        assert!(p.is_empty(), "{p:?}");
        let required: Vec<&str> = cmd
            .meta
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        // Sorted: the map keeps insertion order when serde_json's `preserve_order` is on (it
        // is, when the workspace is built together).
        let mut sent: Vec<&str> = map.keys().map(String::as_str).collect();
        sent.sort();
        assert_eq!(sent, {
            let mut r = required.clone();
            r.sort();
            r
        });
    }
}
