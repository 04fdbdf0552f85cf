//! `crates/cds-emulator/COVERAGE.md`: every operation of every line, how the emulator answers
//! it (the resource family and role from `spec/<line>/resources.yaml`, or its documented
//! example), and the test files that call it. The model itself is written into each line's
//! `meta` (`crate::emit::line::model`).

use crate::names;
use crate::output::{Body, Files, Generated, GENERATED_MARKER};
use crate::spec::resources::{parse_expr, Action, Expr, Kind};
use crate::spec::{Line, Operation};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `crates/cds-emulator/COVERAGE.md`: every operation of every line under `spec_dir`, how the
/// emulator answers it, and the test files that call its client method.
/// `generated` holds the files of this codegen run: a generated test file is read from there
/// (its new text) rather than from the disk.
pub fn coverage(root: &Path, lines: &[Line], generated: &Files) -> Result<Files, Vec<String>> {
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
    for line in lines {
        // Operation → (role text, stateful?, inputs not honoured).
        let mut roles: BTreeMap<String, (String, bool, String)> = BTreeMap::new();
        let mut unmodelled: BTreeMap<String, String> = BTreeMap::new();
        if let Some(model) = &line.resources {
            for f in &model.resources {
                for a in &f.operations {
                    let stateful = a.kind != Kind::Check;
                    let inputs = line
                        .operations()
                        .map(|(_, o)| o)
                        .find(|o| o.name == a.op)
                        .map(|o| not_honoured(o, a))
                        .unwrap_or_default();
                    roles.insert(
                        a.op.clone(),
                        (format!("{} {}", f.name, a.kind.as_str()), stateful, inputs),
                    );
                }
            }
            for u in &model.unmodelled {
                unmodelled.insert(u.op.clone(), u.why.clone());
            }
            if model.tasks.is_some() {
                if let Some(w) = line.product.waiters.first() {
                    roles.insert(
                        w.poller.clone(),
                        ("task poller".to_string(), true, String::new()),
                    );
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
        let stateful = roles.values().filter(|r| r.1).count();
        let checks = roles.values().filter(|r| !r.1).count();
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
        totals.push(Totals {
            line: line.name.clone(),
            operations: ops.len(),
            stateful,
            checks,
            unmodelled: unmodelled.len(),
            covered,
        });
        out.push_str(&format!("## {}\n\n| operation | emulator | inputs not modelled | stateful scenario | other tests |\n| --- | --- | --- | --- | --- |\n", line.name));
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
            let (role, inputs) = match roles.get(&op.name) {
                Some((r, true, i)) => (format!("stateful: {r}"), i.clone()),
                Some((r, false, i)) => (format!("checks ids: {r}"), i.clone()),
                None => match unmodelled.get(&op.name) {
                    Some(why) => (format!("example (not modelled: {why})"), String::new()),
                    None => ("example".to_string(), String::new()),
                },
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                op.name,
                role,
                inputs.replace('|', "\\|"),
                calling(true),
                calling(false)
            ));
        }
        out.push('\n');
    }
    let mut summary = String::from(
        "## Summary\n\n\
         `stateful`: the operation reads or changes the line's records; `checks ids`: it checks that\n\
         the records it names exist (and are in a state that allows it), then answers its example;\n\
         `example only`: neither (of which `not modelled` name a modelled resource, each with the\n\
         reason in its row).\n\n\
         | line | operations | stateful | checks ids | example only | of which not modelled | modelled and called by a scenario |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut sum = [0usize; 6];
    for t in &totals {
        let example = t.operations - t.stateful - t.checks;
        summary.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            t.line, t.operations, t.stateful, t.checks, example, t.unmodelled, t.covered
        ));
        for (i, n) in [
            t.operations,
            t.stateful,
            t.checks,
            example,
            t.unmodelled,
            t.covered,
        ]
        .into_iter()
        .enumerate()
        {
            sum[i] += n;
        }
    }
    summary.push_str(&format!(
        "| all | {} | {} | {} | {} | {} | {} |\n",
        sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]
    ));
    out.push_str(&summary);
    let mut files = Files::new();
    files.insert(
        PathBuf::from("crates/cds-emulator/COVERAGE.md"),
        Generated {
            header: String::new(),
            body: Body::Text(out),
        },
    );
    Ok(files)
}

/// Counts of one line.
struct Totals {
    line: String,
    operations: usize,
    stateful: usize,
    checks: usize,
    unmodelled: usize,
    covered: usize,
}

/// The documented parameters of `op` that action `a` does not honour (named nowhere in it),
/// with the reason the model gives (`ignores`).
fn not_honoured(op: &Operation, a: &Action) -> String {
    let mut used: Vec<String> = Vec::new();
    let top = |p: &str| {
        let end = p.find(['/', '[']).unwrap_or(p.len());
        p[..end].to_string()
    };
    used.extend(a.id.iter().map(|p| top(p)));
    used.extend(a.count.iter().map(|p| top(p)));
    used.extend(a.each.iter().map(|p| top(p)));
    used.extend(a.by.iter().map(|p| top(p)));
    used.extend(a.page.iter().map(|p| top(p)));
    used.extend(a.size.iter().map(|p| top(p)));
    used.extend(a.filters.keys().map(|p| top(p)));
    used.extend(a.refs.keys().map(|p| top(p)));
    used.extend(a.children.iter().map(|c| top(&c.each)));
    if let Some(p) = &op.paginate {
        if a.kind == Kind::List {
            used.push(p.page.clone());
            used.push(p.size.clone());
        }
    }
    let maps = [&a.record, &a.pending, &a.set, &a.out];
    let mut visit = |e: &Expr| {
        if let Expr::Param(p) = e {
            used.push(top(p));
        }
    };
    for m in maps {
        for v in m.values() {
            if let Ok(e) = parse_expr(v) {
                e.walk(&mut visit);
            }
        }
    }
    for t in a.transitions.values() {
        for v in t.pending.values().chain(t.set.values()) {
            if let Ok(e) = parse_expr(v) {
                e.walk(&mut visit);
            }
        }
    }
    let mut parts = Vec::new();
    for p in &op.params {
        if used.contains(&p.name) || p.deprecated.is_some() {
            continue;
        }
        match a.ignores.get(&p.name) {
            Some(why) => parts.push(format!("{} ({why})", p.name)),
            None => parts.push(p.name.clone()),
        }
    }
    parts.join(", ")
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
