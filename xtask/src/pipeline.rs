//! The generator's driver: load every line of `spec/`, generate each line's crate, then what
//! spans lines (the CLI's command tables, the `cds-lines` crate, the emulator's coverage
//! table). Nothing here knows how a file is written; `crate::emit` does.

use crate::emit;
use crate::output::Files;
use crate::spec::Line;
use std::path::{Path, PathBuf};

/// Loads every line under `spec_dir` and generates everything. Errors name file, item and
/// field.
pub fn generate(spec_dir: &Path) -> Result<Files, Vec<String>> {
    generate_only(spec_dir, &[])
}

/// Like [`generate`], restricted to the lines named in `only` (all lines when empty).
pub fn generate_only(spec_dir: &Path, only: &[String]) -> Result<Files, Vec<String>> {
    let (files, _, errors) = generate_each(spec_dir, only);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Generates every line it can: the files of the valid lines, the names of those lines, and
/// the errors of the others. What spans lines is generated only when every line is valid and
/// none is left out.
pub fn generate_each(spec_dir: &Path, only: &[String]) -> (Files, Vec<String>, Vec<String>) {
    let mut files = Files::new();
    let mut errors = Vec::new();
    let (lines, load_errors) = match load_lines(spec_dir, only) {
        Ok(loaded) => loaded,
        Err(e) => return (files, Vec::new(), vec![e]),
    };
    errors.extend(load_errors);
    let mut good = Vec::new();
    for line in &lines {
        match emit::line::crate_files(line) {
            Ok(f) => {
                files.extend(f);
                good.push(line.name.clone());
            }
            Err(e) => errors.extend(e),
        }
    }
    if only.is_empty() && errors.is_empty() {
        for result in [emit::cli::files(&lines), emit::lines::files(&lines)] {
            match result {
                Ok(f) => files.extend(f),
                Err(e) => errors.extend(e),
            }
        }
    }
    if only.is_empty() && errors.is_empty() {
        let root = spec_dir.parent().unwrap_or(Path::new("."));
        match emit::emulator::coverage(root, &lines, &files) {
            Ok(f) => files.extend(f),
            Err(e) => errors.extend(e),
        }
    }
    (files, good, errors)
}

/// Every line under `spec_dir` that `only` names (all when empty) that loads, and the errors
/// of those that do not.
pub fn load_lines(spec_dir: &Path, only: &[String]) -> Result<(Vec<Line>, Vec<String>), String> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for dir in line_dirs(spec_dir)? {
        let wanted = only.is_empty()
            || dir
                .file_name()
                .is_some_and(|n| only.iter().any(|o| n == o.as_str()));
        if !wanted {
            continue;
        }
        match Line::load(&dir) {
            Ok(line) => lines.push(line),
            Err(e) => errors.extend(e.into_iter().map(|e| e.to_string())),
        }
    }
    Ok((lines, errors))
}

/// The product-line folders under `spec_dir` (`spec/<line>/`), sorted.
pub fn line_dirs(spec_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(spec_dir)
        .map_err(|e| format!("{}: {e}", spec_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}
