//! `cargo xtask codegen [--check] [--only LINE]`, `cargo xtask spec-lint`,
//! `cargo xtask doc-check DOC...`, `cargo xtask doc-diff OLD NEW`,
//! `cargo xtask evidence-check TSV`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let mut check = false;
    let mut only = Vec::new();
    let mut rest = args.iter();
    match args.first().map(String::as_str) {
        Some("doc-check") => return xtask::doccheck::cli::doc_check(&root, &args[1..]),
        Some("doc-diff") => return xtask::doccheck::cli::doc_diff(&root, &args[1..]),
        Some("evidence-check") => return xtask::doccheck::cli::evidence_check(&root, &args[1..]),
        Some("spec-lint") => return spec_lint(&root),
        _ => {}
    }
    if rest.next().map(String::as_str) != Some("codegen") {
        return usage();
    }
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--only" => match rest.next() {
                Some(line) => only.push(line.clone()),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    codegen(&root, check, &only)
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask codegen [--check] [--only LINE]... | spec-lint | doc-check … | doc-diff …");
    ExitCode::from(2)
}

/// `cargo xtask spec-lint`: value sets and `any` fields, per line (see `xtask::lint`).
fn spec_lint(root: &Path) -> ExitCode {
    let (lines, errors) = match xtask::load_lines(&root.join("spec"), &[]) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for e in &errors {
        eprintln!("error: {e}");
    }
    println!("| line | enums | fields typed by an enum | listed values kept as text (with a reason) | `any` fields (each with a reason) | undecided |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut undecided = Vec::new();
    for line in &lines {
        let r = xtask::lint::lint(line);
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.line,
            r.enums,
            r.enum_fields,
            r.declined,
            r.any_fields,
            r.undecided.len()
        );
        undecided.extend(r.undecided.into_iter().map(|u| format!("{}: {u}", r.line)));
    }
    for u in &undecided {
        eprintln!("undecided: {u}");
    }
    if undecided.is_empty() && errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "spec-lint: {} undecided field(s): give each an enum, or `not_enum`/`untyped` with its reason",
            undecided.len()
        );
        ExitCode::FAILURE
    }
}

/// The workspace `cargo xtask` was started in: the nearest folder from the current one up
/// that holds `xtask/Cargo.toml` and `spec/`. Not the folder this binary was built from: git
/// worktrees that share a target directory share the binary too, and each must act on its
/// own tree.
fn workspace_root() -> PathBuf {
    let start = std::env::current_dir().ok();
    let found = start.as_deref().and_then(|dir| {
        dir.ancestors()
            .find(|d| d.join("xtask").join("Cargo.toml").is_file() && d.join("spec").is_dir())
            .map(Path::to_path_buf)
    });
    found.unwrap_or_else(|| {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
    })
}

fn codegen(root: &Path, check: bool, only: &[String]) -> ExitCode {
    let started = std::time::Instant::now();
    let (files, good, errors) = xtask::generate_each(&root.join("spec"), only);
    for e in &errors {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() {
        eprintln!(
            "{} spec error(s); lines with errors were not generated",
            errors.len()
        );
        if check || good.is_empty() {
            return ExitCode::FAILURE;
        }
    }
    let scope = if errors.is_empty() {
        only.to_vec()
    } else {
        good.clone()
    };
    let stale = xtask::stale_files(root, &files, &scope);
    let changed: Vec<&PathBuf> = files
        .iter()
        .filter(|(path, generated)| {
            !std::fs::read_to_string(root.join(path))
                .is_ok_and(|on_disk| generated.matches(&on_disk))
        })
        .map(|(path, _)| path)
        .collect();
    if check {
        for p in &changed {
            eprintln!("differs: {}", p.display());
        }
        for p in &stale {
            eprintln!("stale: {}", p.display());
        }
        if changed.is_empty() && stale.is_empty() {
            println!(
                "codegen --check: {} files up to date ({:.1?})",
                files.len(),
                started.elapsed()
            );
            return ExitCode::SUCCESS;
        }
        eprintln!("generated code is out of date: run `cargo xtask codegen`");
        return ExitCode::FAILURE;
    }
    for p in &changed {
        let path = root.join(p);
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(e) = std::fs::write(&path, files[*p].text()) {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let rust: Vec<PathBuf> = changed
        .iter()
        .filter(|p| matches!(files[**p].body, xtask::Body::Rust(_)))
        .map(|p| root.join(p))
        .collect();
    if let Err(e) = xtask::rustfmt_files(&rust) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    for p in &stale {
        if let Err(e) = std::fs::remove_file(root.join(p)) {
            eprintln!("error: {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    if !errors.is_empty() {
        return ExitCode::FAILURE;
    }
    println!(
        "codegen: {} files, {} written, {} removed ({:.1?})",
        files.len(),
        changed.len(),
        stale.len(),
        started.elapsed()
    );
    ExitCode::SUCCESS
}
