//! doc-check below the top level (`--deep`): every row of the request and response tables
//! placed in the spec's tree (see [`super::align`]) and compared there (nesting, type
//! class, list element, required flag); nested spec fields that no row describes; the
//! documented examples against the table rows.

use super::align::{align, written_parents, Place};
use super::compare::Ctx;
use super::jsonnorm::parse_lenient;
use super::model::DocField;
use super::tree::{build, example_paths, value_class, Node};
use super::types::{doc_class, doc_element_class, list_element, spec_class};
use std::collections::BTreeMap;

/// Envelope rows (code, message, request id) are not compared.
fn is_envelope(ctx: &Ctx<'_>, row: &DocField) -> bool {
    let l = row.leaf.to_ascii_lowercase();
    let env = ctx.line.envelope.iter().take(3);
    env.map(|e| e.to_ascii_lowercase()).any(|e| e == l)
        || matches!(l.as_str(), "code" | "message" | "msg" | "requestid")
}

/// How the document writes a row's place: its dotted name, or `Parent.Leaf` for a row with
/// a parent hint.
fn written(row: &DocField) -> String {
    match &row.parent {
        Some(p) if !row.name.contains('.') => format!("{p}.{}", row.leaf),
        _ => row.name.clone(),
    }
}

fn paths(nodes: &[Node<'_>], ks: &[usize]) -> String {
    let v: Vec<&str> = ks.iter().map(|k| nodes[*k].path.as_str()).collect();
    v.join(", ")
}

/// The type difference between a row and the field it describes, if any: (kind, spec side).
/// `any` (or `list<any>`) where the row states a type is `untyped` unless the field says
/// why (`untyped:`).
fn type_difference(ctx: &Ctx<'_>, row: &DocField, node: &Node<'_>) -> Option<(bool, String)> {
    let dc = doc_class(&row.ty)?;
    let ty = node.field.ty.trim();
    let sc = spec_class(ctx.line, ty);
    match sc {
        "any" => (!node.field.untyped).then(|| (true, ty.to_string())),
        "unknown" => None,
        _ if sc != dc => Some((false, sc.to_string())),
        "list" => {
            let de = doc_element_class(&row.ty).or_else(|| cell_element_class(row))?;
            let se = spec_class(ctx.line, list_element(ty));
            match se {
                "any" => (!node.field.untyped).then(|| (true, ty.to_string())),
                "unknown" => None,
                _ if se != de => Some((false, format!("list<{se}>"))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The first node of the same spec field as node `k` (a field of a named type used in
/// several places is reported at its first path).
fn first_of(nodes: &[Node<'_>], k: usize) -> usize {
    nodes
        .iter()
        .position(|n| std::ptr::eq(n.field, nodes[k].field))
        .unwrap_or(k)
}

/// Marks node `k` described, and every other node of the same named-type field (a type
/// used in two places, `PrePaid` and `PostPaid` lists of one `Goods`, is documented once).
fn describe(nodes: &[Node<'_>], k: usize, described: &mut [bool]) {
    for (i, n) in nodes.iter().enumerate() {
        if std::ptr::eq(n.field, nodes[k].field) {
            described[i] = true;
        }
    }
}

/// The paths of an example; one that shows only the payload (no `data` key at its top
/// level, as 000's 示例 do) is read as that payload.
fn with_envelope(v: &serde_json::Value, data: &str) -> BTreeMap<String, Option<&'static str>> {
    let paths = example_paths(v);
    if data.is_empty() || v.get(data).is_some() || !v.is_object() {
        return paths;
    }
    let mut out = paths.clone();
    out.extend(paths.into_iter().map(|(p, c)| (format!("{data}.{p}"), c)));
    out
}

/// Class of the elements the example cell of a list row shows (`["a", "b"]` → string).
fn cell_element_class(row: &DocField) -> Option<&'static str> {
    let t = row.example.trim();
    if !t.starts_with('[') {
        return None;
    }
    match parse_lenient(t)? {
        serde_json::Value::Array(items) => items.iter().find_map(value_class),
        _ => None,
    }
}

/// The response table at every depth, and the examples against it.
pub(super) fn response(ctx: &mut Ctx<'_>) {
    let (line, op, dop) = (ctx.line, ctx.op, ctx.dop);
    let nodes = build(line, &op.response);
    let rows: Vec<DocField> = dop
        .response
        .iter()
        .filter(|r| !is_envelope(ctx, r))
        .cloned()
        .collect();
    // The operation's examples, and those documented outside it for its action (000's 示例).
    let aux = ctx.doc.aux_examples.iter().filter(|a| a.action == op.name);
    let data = line.envelope.get(3).map_or("", String::as_str);
    let examples: Vec<BTreeMap<String, Option<&'static str>>> = dop
        .examples
        .iter()
        .chain(aux.map(|a| &a.example))
        .filter_map(|e| parse_lenient(e))
        .map(|v| with_envelope(&v, data))
        .collect();
    // Where a documented example is not JSON (003's page breaks cut them), the spec's
    // transcription of it stands in, to tell which fields an example shows.
    let broken = dop.examples.iter().any(|e| parse_lenient(e).is_none());
    let transcribed: Vec<BTreeMap<String, Option<&'static str>>> = if broken {
        op.examples
            .iter()
            .filter_map(|e| parse_lenient(e))
            .map(|v| with_envelope(&v, data))
            .collect()
    } else {
        Vec::new()
    };
    let mut described = vec![false; nodes.len()];
    let mut example_reported = vec![false; nodes.len()];
    for (row, place) in rows.iter().zip(align(&nodes, &rows)) {
        match place {
            Place::At(k) => {
                describe(&nodes, k, &mut described);
                // Reported at the field's first path; the examples are read at every path
                // the field has.
                let same: Vec<&str> = nodes
                    .iter()
                    .filter(|n| std::ptr::eq(n.field, nodes[k].field))
                    .map(|n| n.path.as_str())
                    .collect();
                let k = first_of(&nodes, k);
                let node = &nodes[k];
                if let Some((untyped, spec)) = type_difference(ctx, row, node) {
                    let kind = if untyped {
                        "response_untyped"
                    } else {
                        "response_type"
                    };
                    let why = if untyped {
                        format!(
                            "The table types `{}` as {}; the spec keeps it `{spec}` (say why with `untyped:`).",
                            node.path, row.ty
                        )
                    } else {
                        format!(
                            "The table types `{}` as {}; the spec types it {spec}.",
                            node.path, row.ty
                        )
                    };
                    let h = ctx.note(Some(node.field), node.name, why);
                    ctx.push(kind, &node.path, Some(row.ty.clone()), Some(spec), h);
                }
                // The examples against the table.
                let Some(dc) = doc_class(&row.ty) else {
                    continue;
                };
                let shown = examples
                    .iter()
                    .flat_map(|ex| same.iter().filter_map(|p| ex.get(*p).copied().flatten()))
                    .find(|ec| *ec != dc && !(dc == "number" && *ec == "integer"));
                if let Some(ec) = shown.filter(|_| !example_reported[k]) {
                    example_reported[k] = true;
                    let sc = spec_class(line, &node.field.ty);
                    let why = format!(
                        "The table types `{}` as {} but the example answers {ec}; the spec types it {sc}.",
                        node.path, row.ty
                    );
                    let h = ctx.note(Some(node.field), node.name, why);
                    let doc = format!("table {}, example {ec}", row.ty);
                    ctx.push("example_type", &node.path, Some(doc), Some(sc.into()), h);
                }
            }
            Place::Elsewhere(ks) => {
                let w = written(row);
                let parents = written_parents(row).join(".");
                let why = format!(
                    "The document places `{}` under `{parents}`; the spec has it at {}.",
                    row.leaf,
                    paths(&nodes, &ks)
                );
                let h = ctx.note(None, &row.leaf, why);
                ctx.push(
                    "response_nesting",
                    &w,
                    Some(parents),
                    Some(paths(&nodes, &ks)),
                    h,
                );
            }
            Place::Nowhere => {}
        }
    }
    for (k, node) in nodes.iter().enumerate() {
        // A field of a type used in several places is reported once, at its first path.
        if described[k] || node.top() || first_of(&nodes, k) != k {
            continue;
        }
        let in_example = !node.path.contains("{}")
            && examples
                .iter()
                .chain(&transcribed)
                .any(|ex| ex.contains_key(&node.path));
        let why = if in_example {
            format!(
                "`{}` is in the example, not in the response table; the spec follows the example.",
                node.path
            )
        } else {
            format!(
                "`{}` is in neither the response table nor the example.",
                node.path
            )
        };
        let h = ctx.note(Some(node.field), node.name, why);
        let doc = in_example.then(|| "example".to_string());
        ctx.push("response_nested_extra", &node.path, doc, None, h);
    }
}

/// The request table below the top level (the top level is compared by
/// [`super::compare`]).
pub(super) fn params(ctx: &mut Ctx<'_>) {
    let (line, op, dop) = (ctx.line, ctx.op, ctx.dop);
    let nodes = build(line, &op.params);
    let mut described = vec![false; nodes.len()];
    // Nested fields shown by the example cell of their row (`{"VpcId": …}`).
    let mut shown: BTreeMap<String, Option<&'static str>> = BTreeMap::new();
    for (row, place) in dop.params.iter().zip(align(&nodes, &dop.params)) {
        if let (Place::At(k), Some(v)) = (&place, parse_lenient(&row.example)) {
            let wrapped = serde_json::json!({ nodes[*k].name: v });
            let prefix = nodes[*k].path.rsplit_once('.').map_or("", |(p, _)| p);
            for (path, class) in example_paths(&wrapped) {
                let full = if prefix.is_empty() {
                    path
                } else {
                    format!("{prefix}.{path}")
                };
                shown.insert(full, class);
            }
        }
        match place {
            Place::At(k) => {
                describe(&nodes, k, &mut described);
                let node = &nodes[first_of(&nodes, k)];
                match type_difference(ctx, row, node) {
                    // `any` where the table states a type: at every depth.
                    Some((true, spec)) => {
                        let why = format!(
                            "The table types `{}` as {}{}; the spec keeps it `{spec}` (say why with `untyped:`).",
                            node.path,
                            row.ty,
                            if row.example.is_empty() {
                                String::new()
                            } else {
                                format!(" (example `{}`)", row.example)
                            }
                        );
                        let h = ctx.note(Some(node.field), node.name, why);
                        let doc = Some(row.ty.clone());
                        ctx.push("param_untyped", &node.path, doc, Some(spec), h);
                    }
                    // Top-level types are `param_type` (compared without `--deep`).
                    Some((false, spec)) if !node.top() => {
                        let why = format!(
                            "The table types `{}` as {}; the spec types it {spec}.",
                            node.path, row.ty
                        );
                        let h = ctx.note(Some(node.field), node.name, why);
                        let doc = Some(row.ty.clone());
                        ctx.push("param_nested_type", &node.path, doc, Some(spec), h);
                    }
                    _ => {}
                }
                if node.top() {
                    continue;
                }
                if let Some(r) = row.required.filter(|r| *r != node.field.required) {
                    let why = format!(
                        "The table marks `{}` {}; the spec {}.",
                        node.path,
                        if r { "required" } else { "optional" },
                        if node.field.required {
                            "requires it"
                        } else {
                            "leaves it optional"
                        }
                    );
                    let h = ctx.note(Some(node.field), node.name, why);
                    ctx.push(
                        "param_nested_required",
                        &node.path,
                        Some(r.to_string()),
                        Some(node.field.required.to_string()),
                        h,
                    );
                }
            }
            Place::Elsewhere(ks) => {
                let parents = written_parents(row).join(".");
                let why = format!(
                    "The document places `{}` under `{parents}`; the spec has it at {}.",
                    row.leaf,
                    paths(&nodes, &ks)
                );
                let h = ctx.note(None, &row.leaf, why);
                ctx.push(
                    "param_nesting",
                    &written(row),
                    Some(parents),
                    Some(paths(&nodes, &ks)),
                    h,
                );
            }
            Place::Nowhere => {}
        }
    }
    for (k, node) in nodes.iter().enumerate() {
        let f = node.field;
        if described[k] || node.top() || f.undocumented || f.deprecated || first_of(&nodes, k) != k
        {
            continue;
        }
        let in_example = shown.contains_key(&node.path);
        let why = if in_example {
            format!(
                "`{}` is shown by its parent's example cell, not as a row of the request table.",
                node.path
            )
        } else {
            format!("`{}` is not in the request table.", node.path)
        };
        let h = ctx.note(Some(f), node.name, why);
        let doc = in_example.then(|| "example".to_string());
        ctx.push("param_nested_extra", &node.path, doc, None, h);
    }
}
