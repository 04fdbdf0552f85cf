//! `crates/cds-emulator/COVERAGE.md`: every operation of every line, how the emulator answers
//! it (the resource family and role from `spec/<line>/resources.yaml`, or its documented
//! example), and the test files that call it. The model itself is written into each line's
//! `meta` (`crate::emit::line::model`).

use crate::names;
use crate::output::{Body, Files, Generated, GENERATED_MARKER};
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
        let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if let Some(model) = &line.resources {
            for f in &model.resources {
                for a in &f.operations {
                    roles.entry(a.op.clone()).or_default().push(format!(
                        "{} {}",
                        f.name,
                        a.kind.as_str()
                    ));
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
        Generated {
            header: String::new(),
            body: Body::Text(out),
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
