//! Helpers shared by the doc-check tests: temporary folders and small specs written there.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A fresh folder under the system's temporary directory (removed first if it exists).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `files` (name, text) into `dir/spec/<line>/`.
pub fn write_line(dir: &Path, line: &str, files: &[(&str, &str)]) {
    let d = dir.join("spec").join(line);
    std::fs::create_dir_all(&d).expect("spec dir");
    for (name, text) in files {
        std::fs::write(d.join(name), text).expect("spec file");
    }
}
