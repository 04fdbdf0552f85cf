//! The emulator's resource model: `spec/<line>/resources.yaml` (format in `spec/RESOURCES.md`)
//! checked against the line's operations and written as JSON into
//! `crates/cds-emulator/resources/<line>.json`, completed with what the spec already says
//! (task id pointers, waiters, pagination); plus `crates/cds-emulator/COVERAGE.md`, the table
//! of every operation: modelled statefully or answering its example, and which tests call it.

use crate::names;
use crate::spec::{Line, Operation};
use crate::{Files, GENERATED_MARKER};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `spec/<line>/resources.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Model {
    /// Pointer in the task poller's answer where a stateful task reports its resource id.
    #[serde(default)]
    task_resource: Option<String>,
    /// The resource families.
    resources: Vec<Family>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Family {
    name: String,
    id: String,
    #[serde(default)]
    id_prefix: String,
    #[serde(default)]
    status: Option<String>,
    not_found: NotFound,
    #[serde(default)]
    embed: Option<Embed>,
    operations: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotFound {
    code: String,
    http: u16,
    #[serde(default)]
    message: Option<String>,
    /// Why an undocumented code is used (required when the code is not among the line's errors).
    #[serde(default)]
    undocumented: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Embed {
    parent: String,
    link: String,
    field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    op: String,
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    set: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pending: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    switch: Option<Switch>,
    #[serde(default)]
    filters: BTreeMap<String, String>,
    #[serde(default)]
    refs: BTreeMap<String, String>,
    #[serde(default)]
    items: Option<String>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    id_out: Vec<String>,
    #[serde(default)]
    record_out: Option<String>,
    #[serde(default)]
    item_at: Option<String>,
    #[serde(default)]
    ids_only: bool,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    total: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Switch {
    param: String,
    field: String,
    map: BTreeMap<String, serde_json::Value>,
}

const KINDS: &[&str] = &["create", "list", "get", "delete", "update"];

/// Where the model of `line` is written.
pub fn json_path(line: &str) -> PathBuf {
    PathBuf::from(format!("crates/cds-emulator/resources/{line}.json"))
}

/// The JSON model of `line` (no file when the line has no `resources.yaml`).
pub fn line_files(line: &Line, spec_dir: &Path) -> Result<Files, Vec<String>> {
    let mut files = Files::new();
    let file = spec_dir.join(&line.name).join("resources.yaml");
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(files);
    };
    let at = |m: String| format!("{}: {m}", file.display());
    let model: Model = serde_yaml::from_str(&text).map_err(|e| vec![at(e.to_string())])?;
    let value = compile(line, &model).map_err(|e| e.into_iter().map(at).collect::<Vec<_>>())?;
    let mut body = serde_json::to_string_pretty(&value).map_err(|e| vec![at(e.to_string())])?;
    // The marker on the first line lets `stale_files` recognise the file.
    let head = format!(
        "{{\"_generated\": \"{GENERATED_MARKER} from spec/{}/resources.yaml; do not edit\",",
        line.name
    );
    body = body.replacen('{', &head, 1);
    body.push('\n');
    files.insert(
        json_path(&line.name),
        crate::Generated {
            header: String::new(),
            body: crate::Body::Text(body),
        },
    );
    Ok(files)
}

fn documented_errors(line: &Line) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    let code = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    let http = |v: &Option<serde_yaml::Value>| v.as_ref().and_then(serde_yaml::Value::as_u64);
    for (_, g) in &line.groups {
        for e in &g.errors {
            out.push((code(&e.code), http(&e.http)));
        }
        for op in &g.operations {
            for e in &op.errors {
                out.push((code(&e.code), http(&e.http)));
            }
        }
    }
    out
}

fn compile(line: &Line, model: &Model) -> Result<Value, Vec<String>> {
    let mut errors = Vec::new();
    let ops: BTreeMap<&str, &Operation> = line
        .operations()
        .map(|(_, o)| (o.name.as_str(), o))
        .collect();
    let documented = documented_errors(line);
    let family_names: Vec<&str> = model.resources.iter().map(|f| f.name.as_str()).collect();
    let mut families = Vec::new();
    for family in &model.resources {
        let nf = &family.not_found;
        let is_documented = documented
            .iter()
            .any(|(c, h)| *c == nf.code && h.is_none_or(|h| h == u64::from(nf.http)));
        if !is_documented && nf.undocumented.is_none() {
            errors.push(format!(
                "{}: not_found {} (HTTP {}) is not among the line's documented errors; say why in `undocumented`",
                family.name, nf.code, nf.http
            ));
        }
        if let Some(e) = &family.embed {
            if !family_names.contains(&e.parent.as_str()) {
                errors.push(format!(
                    "{}: embed parent {} is not a family",
                    family.name, e.parent
                ));
            }
        }
        let mut actions = Vec::new();
        for a in &family.operations {
            let here = format!("{}: {}", family.name, a.op);
            let Some(op) = ops.get(a.op.as_str()) else {
                errors.push(format!("{here}: no such operation in the line"));
                continue;
            };
            if !KINDS.contains(&a.kind.as_str()) {
                errors.push(format!("{here}: kind {} is not one of {KINDS:?}", a.kind));
            }
            let has = |p: &str| op.params.iter().any(|x| x.name == p);
            let mut named: Vec<&String> = a
                .fields
                .keys()
                .chain(a.filters.keys())
                .chain(a.refs.keys())
                .collect();
            named.extend(a.id.iter());
            named.extend(a.switch.as_ref().map(|s| &s.param));
            for p in named {
                let p = p.split('/').next().unwrap_or(p);
                if !has(p) {
                    errors.push(format!("{here}: {p} is not a parameter of the operation"));
                }
            }
            let needs_id = matches!(a.kind.as_str(), "get" | "delete" | "update");
            if needs_id && a.id.is_none() {
                errors.push(format!(
                    "{here}: a {} names the parameter that takes the id (`id`)",
                    a.kind
                ));
            }
            let mut out = Map::new();
            out.insert("op".into(), json!(a.op));
            out.insert("kind".into(), json!(a.kind));
            if let Some(id) = &a.id {
                out.insert("id".into(), json!(id));
            }
            for (key, map) in [
                ("fields", &a.fields),
                ("filters", &a.filters),
                ("refs", &a.refs),
            ] {
                if !map.is_empty() {
                    out.insert(key.into(), json!(map));
                }
            }
            for (key, map) in [("set", &a.set), ("pending", &a.pending)] {
                if !map.is_empty() {
                    out.insert(key.into(), json!(map));
                }
            }
            if let Some(s) = &a.switch {
                out.insert(
                    "switch".into(),
                    json!({"param": s.param, "field": s.field, "map": s.map}),
                );
            }
            if !a.id_out.is_empty() {
                out.insert("id_out".into(), json!(a.id_out));
            }
            if let Some(at) = &a.at {
                out.insert("at".into(), json!(at));
            }
            if let Some(p) = &a.record_out {
                out.insert("record_out".into(), json!(p));
            }
            if let Some(p) = &a.item_at {
                out.insert("item_at".into(), json!(p));
            }
            if a.ids_only {
                out.insert("ids_only".into(), json!(true));
            }
            if a.kind == "get" && a.at.is_none() {
                errors.push(format!(
                    "{here}: a get names the pointer of the record (`at`)"
                ));
            }
            if let Some(task) = &op.task {
                out.insert("task".into(), json!(task.id));
            }
            if a.kind == "list" {
                let paginate = op.paginate.as_ref();
                let items = a
                    .items
                    .clone()
                    .or_else(|| paginate.map(|p| p.items.clone()));
                match items {
                    Some(items) => {
                        out.insert("items".into(), json!(items));
                    }
                    None => {
                        errors.push(format!("{here}: a list names its items pointer (`items`)"))
                    }
                }
                let page = a.page.clone().or_else(|| paginate.map(|p| p.page.clone()));
                let size = a.size.clone().or_else(|| paginate.map(|p| p.size.clone()));
                let total = a
                    .total
                    .clone()
                    .or_else(|| paginate.and_then(|p| p.total.clone()));
                for (key, v) in [("page", page), ("size", size), ("total", total)] {
                    if let Some(v) = v {
                        out.insert(key.into(), json!(v));
                    }
                }
            }
            actions.push(Value::Object(out));
        }
        let mut f = Map::new();
        f.insert("name".into(), json!(family.name));
        f.insert("id".into(), json!(family.id));
        f.insert("id_prefix".into(), json!(family.id_prefix));
        if let Some(s) = &family.status {
            f.insert("status".into(), json!(s));
        }
        f.insert(
            "not_found".into(),
            json!({"code": nf.code, "http": nf.http, "message": nf.message.clone().unwrap_or_else(|| format!("The specified {} does not exist.", family.name))}),
        );
        if let Some(e) = &family.embed {
            f.insert(
                "embed".into(),
                json!({"parent": e.parent, "link": e.link, "field": e.field}),
            );
        }
        f.insert("operations".into(), Value::Array(actions));
        families.push(Value::Object(f));
    }
    let waiters: Vec<Value> = line
        .product
        .waiters
        .iter()
        .map(|w| json!({"poller": w.poller, "id_param": w.id_param, "status": w.status, "success": w.success, "failure": w.failure}))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(json!({
        "format": 1,
        "line": line.name,
        "task_resource": model.task_resource,
        "waiters": waiters,
        "resources": families,
    }))
}

/// `crates/cds-emulator/COVERAGE.md`: every operation of every line under `spec_dir`, how the
/// emulator answers it, and the test files that call its client method.
/// `generated` holds the files of this codegen run: a generated test file is read from there
/// (its new text) rather than from the disk.
pub fn coverage(spec_dir: &Path, generated: &Files) -> Result<Files, Vec<String>> {
    let root = spec_dir.parent().unwrap_or(Path::new("."));
    let dirs = crate::line_dirs(spec_dir).map_err(|e| vec![e])?;
    let mut out = format!(
        "<!-- {GENERATED_MARKER} from spec/*/resources.yaml and the test sources; do not edit -->\n\n\
         # Emulator coverage\n\n\
         For every operation: how the stateful emulator answers it (the resource family and role from\n\
         `spec/<line>/resources.yaml`, or `example`: the documented example response), the stateful\n\
         scenario tests that call its client method (`crates/cds-emulator/tests/`), and the other tests\n\
         that call it (the line's generated `crates/<line>/tests/`, which run against the examples-only\n\
         emulator, and `tests/tests/`). Calls are found by method name in the sources, per line.\n\n"
    );
    let mut totals = Vec::new();
    for dir in dirs {
        let line = Line::load(&dir)
            .map_err(|e| e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if let Ok(text) = std::fs::read_to_string(dir.join("resources.yaml")) {
            let model: Model = serde_yaml::from_str(&text).map_err(|e| vec![e.to_string()])?;
            for f in &model.resources {
                for a in &f.operations {
                    roles
                        .entry(a.op.clone())
                        .or_default()
                        .push(format!("{} {}", f.name, a.kind));
                }
            }
        }
        let krate = format!("cds_{}", line.name.replace('-', "_"));
        let mut sources: Vec<(String, String)> = Vec::new();
        let candidates = [
            PathBuf::from("crates/cds-emulator/tests"),
            PathBuf::from("tests/tests"),
            PathBuf::from("crates").join(&line.name).join("tests"),
        ];
        for d in candidates {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(&d))
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
                        .collect()
                })
                .unwrap_or_default();
            files.extend(
                generated
                    .keys()
                    .filter(|p| p.parent() == Some(d.as_path()))
                    .cloned(),
            );
            files.retain(|p| p.extension().is_some_and(|x| x == "rs"));
            files.sort();
            files.dedup();
            for rel in files {
                let text = match generated.get(&rel) {
                    Some(t) => t.text(),
                    None => match std::fs::read_to_string(root.join(&rel)) {
                        Ok(t) => t,
                        Err(_) => continue,
                    },
                };
                if text.contains(&krate) {
                    sources.push((rel.display().to_string(), text));
                }
            }
        }
        let mut ops: Vec<&Operation> = line.operations().map(|(_, o)| o).collect();
        ops.sort_by(|a, b| a.name.cmp(&b.name));
        let stateful = ops.iter().filter(|o| roles.contains_key(&o.name)).count();
        let scenario = |o: &&&Operation| {
            sources
                .iter()
                .any(|(p, t)| p.starts_with("crates/cds-emulator/") && calls(t, &o.name))
        };
        let covered = ops
            .iter()
            .filter(|o| roles.contains_key(&o.name))
            .filter(scenario)
            .count();
        totals.push((line.name.clone(), ops.len(), stateful, covered));
        out.push_str(&format!("## {}\n\n| operation | emulator | stateful scenario | other tests |\n| --- | --- | --- | --- |\n", line.name));
        for op in ops {
            let calling = |scenario: bool| {
                let found: Vec<String> = sources
                    .iter()
                    .filter(|(p, t)| {
                        p.starts_with("crates/cds-emulator/") == scenario && calls(t, &op.name)
                    })
                    .map(|(p, _)| format!("`{}`", p.rsplit('/').next().unwrap_or(p)))
                    .collect();
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            };
            let role = roles
                .get(&op.name)
                .map(|r| format!("stateful: {}", r.join(", ")))
                .unwrap_or_else(|| "example".into());
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                op.name,
                role,
                calling(true),
                calling(false)
            ));
        }
        out.push('\n');
    }
    let mut summary = String::from("## Summary\n\n| line | operations | stateful | stateful and called by a scenario |\n| --- | --- | --- | --- |\n");
    for (l, n, s, c) in totals {
        summary.push_str(&format!("| {l} | {n} | {s} | {c} |\n"));
    }
    out.push_str(&summary);
    let mut files = Files::new();
    files.insert(
        PathBuf::from("crates/cds-emulator/COVERAGE.md"),
        crate::Generated {
            header: String::new(),
            body: crate::Body::Text(out),
        },
    );
    Ok(files)
}

/// Whether test source `text` calls operation `op`: its client method, or its description
/// (`meta::OP`) given to an untyped call.
fn calls(text: &str, op: &str) -> bool {
    let snake = names::snake(op);
    if text.contains(&format!(".{snake}()")) {
        return true;
    }
    let needle = format!("meta::{}", snake.to_uppercase());
    text.match_indices(&needle).any(|(i, _)| {
        !text[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
