//! The fields of a request or response as a tree of wire paths
//! (`Data.Instances[].Disks.DataDisks[].Size`), named types expanded, flattened fields
//! replaced by their type's fields; and the same paths read from an example JSON.

use super::specview::{SpecField, SpecLine};
use super::types::named;
use serde_json::Value;
use std::collections::BTreeMap;

/// One field of the tree.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// Wire path: names joined by `.`; inside a list `[]` follows its name, inside a map
    /// `{}` (`Data.Instances[].Disks`; the list itself is `Data.Instances`).
    pub path: String,
    /// The field's wire name.
    pub name: &'a str,
    /// Index of the enclosing field (`None` at the top level).
    pub parent: Option<usize>,
    /// The spec field.
    pub field: &'a SpecField,
    /// True when named-type fields sit under it.
    pub container: bool,
}

impl Node<'_> {
    /// True at the top level of the body.
    pub fn top(&self) -> bool {
        self.parent.is_none()
    }
}

/// `list<map<Foo>>` → `[]{}`: the path suffix of a type's wrappers, outermost first.
pub fn wrappers(ty: &str) -> String {
    let mut out = String::new();
    let mut t = ty.trim();
    loop {
        if let Some(inner) = t.strip_prefix("list<") {
            out.push_str("[]");
            t = inner.strip_suffix('>').unwrap_or(inner);
        } else if let Some(inner) = t.strip_prefix("map<") {
            out.push_str("{}");
            t = inner.strip_suffix('>').unwrap_or(inner);
        } else {
            return out;
        }
    }
}

/// The names of a path without list and map markers: `Data.Instances[].Id` → `[Data,
/// Instances, Id]`.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('.')
        .map(|s| s.trim_end_matches(['[', ']', '{', '}']))
        .map(|s| s.split('[').next().unwrap_or(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every field reachable from `fields`, depth first in declaration order. A named type is
/// not expanded again inside itself (recursive types end there).
pub fn build<'a>(line: &'a SpecLine, fields: &'a [SpecField]) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    add(line, fields, None, "", &mut Vec::new(), &mut out);
    out
}

fn add<'a>(
    line: &'a SpecLine,
    fields: &'a [SpecField],
    parent: Option<usize>,
    prefix: &str,
    chain: &mut Vec<&'a str>,
    out: &mut Vec<Node<'a>>,
) {
    for f in fields {
        let ty = named(&f.ty).filter(|n| !chain.contains(n));
        let inner = ty.and_then(|n| line.types.get(n).map(|t| (n, t)));
        if f.flatten {
            if let Some((n, t)) = inner {
                chain.push(n);
                add(line, t, parent, prefix, chain, out);
                chain.pop();
            }
            continue;
        }
        let path = format!("{prefix}{}", f.name);
        let k = out.len();
        out.push(Node {
            path: path.clone(),
            name: &f.name,
            parent,
            field: f,
            container: inner.is_some_and(|(_, t)| !t.is_empty()),
        });
        if let Some((n, t)) = inner {
            chain.push(n);
            add(
                line,
                t,
                Some(k),
                &format!("{path}{}.", wrappers(&f.ty)),
                chain,
                out,
            );
            chain.pop();
        }
    }
}

/// JSON class of a value: string, integer, number, boolean, object, list, or `None` for null.
pub fn value_class(v: &Value) -> Option<&'static str> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    })
}

/// Every key path of an example (same notation as [`Node::path`]) with the class of its
/// first non-null value (`None` when every value is null).
pub fn example_paths(v: &Value) -> BTreeMap<String, Option<&'static str>> {
    let mut out = BTreeMap::new();
    walk(v, "", &mut out);
    out
}

fn walk(v: &Value, prefix: &str, out: &mut BTreeMap<String, Option<&'static str>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = format!("{prefix}{k}");
                let slot = out.entry(key.clone()).or_insert(None);
                if slot.is_none() {
                    *slot = value_class(x);
                }
                // A list's elements sit under `name[]`; lists of lists under `name[][]`.
                let mut seg = key;
                let mut x = x;
                while let Value::Array(items) = x {
                    seg.push_str("[]");
                    for item in items {
                        walk_item(item, &seg, out);
                    }
                    match items.iter().find(|i| !i.is_null()) {
                        Some(first @ Value::Array(_)) => x = first,
                        _ => break,
                    }
                }
                if x.is_object() {
                    walk(x, &format!("{seg}."), out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                walk_item(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn walk_item(item: &Value, seg: &str, out: &mut BTreeMap<String, Option<&'static str>>) {
    if item.is_object() {
        walk(item, &format!("{seg}."), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_of_an_example() {
        let v = json!({"Data": {"Instances": [{"Id": "a", "Disks": {"DataDisks": [{"Size": 1}]}}], "Total": null}});
        let p = example_paths(&v);
        let keys: Vec<&str> = p.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "Data",
                "Data.Instances",
                "Data.Instances[].Disks",
                "Data.Instances[].Disks.DataDisks",
                "Data.Instances[].Disks.DataDisks[].Size",
                "Data.Instances[].Id",
                "Data.Total"
            ]
        );
        assert_eq!(p["Data.Instances"], Some("list"));
        assert_eq!(p["Data.Total"], None);
        assert_eq!(segments("Data.Instances[].Id"), ["Data", "Instances", "Id"]);
        assert_eq!(segments("networks[0].vpcId"), ["networks", "vpcId"]);
        assert_eq!(wrappers("list<map<Foo>>"), "[]{}");
    }
}
