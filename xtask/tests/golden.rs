//! Golden tests: the crate generated from the small spec under `fixtures/mini/spec` must equal
//! the committed files under `fixtures/mini/expected` (laid out by prettyplease, before
//! rustfmt; each with a `.golden` suffix so no tool mistakes them for sources).
//! `UPDATE_GOLDEN=1 cargo test -p xtask --test golden` rewrites them after a deliberate change.

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

#[test]
fn generated_crate_matches_the_committed_golden_files() {
    let line = xtask::spec::Line::load(&fixture().join("spec/mini")).expect("the fixture loads");
    let files = xtask::generate_line(&line).expect("the fixture generates");
    let expected_dir = fixture().join("expected");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for (path, generated) in &files {
        let golden = expected_dir.join(format!("{}.golden", path.display()));
        let text = generated.text();
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(expected) if expected == text => {}
            Ok(_) => mismatches.push(format!("{} differs", path.display())),
            Err(_) => mismatches.push(format!("{} has no golden file", path.display())),
        }
    }
    let committed = walk(&expected_dir);
    for golden in committed {
        let rel = golden
            .strip_prefix(&expected_dir)
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".golden")
            .to_string();
        if !files.contains_key(Path::new(&rel)) {
            mismatches.push(format!("{rel} is no longer generated"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden files out of date (UPDATE_GOLDEN=1 to accept): {mismatches:#?}"
    );
}

#[test]
fn generated_crate_has_the_promised_surface() {
    let line = xtask::spec::Line::load(&fixture().join("spec/mini")).expect("the fixture loads");
    let files = xtask::generate_line(&line).expect("the fixture generates");
    let text = |p: &str| files[Path::new(p)].text();
    let instance = text("crates/mini/src/instance.rs");
    // A builder for the nested input, whose build() checks the required Size.
    assert!(instance.contains("pub fn builder() -> DataDiskBuilder"));
    assert!(instance.contains("pub fn build(self) -> Result<DataDisk, cds_core::BuildError>"));
    assert!(instance.contains("missing.push(cds_core::validate::join(path, \"Size\"))"));
    // The list setter takes any iterable of what converts into the item.
    assert!(instance.contains("pub fn data_disks<V: Into<DataDisk>>"));
    // The sensitive parameter is redacted in Debug.
    assert!(instance.contains("\"[REDACTED]\""));
    // The waiter is typed by the poller's output.
    assert!(
        instance.contains("Result<(CreateInstanceOutput, DescribeTaskOutput), cds_core::Error>")
    );
    // The alias is a type alias, not a copy.
    assert!(instance.contains("pub type Server = Instance;"));
    let codes = text("crates/mini/src/error_code.rs");
    assert!(codes.contains("InvalidNameMalformed"));
    assert!(
        codes.contains("InstanceInUse"),
        "numeric code named from its description"
    );
    let lib = text("crates/mini/src/lib.rs");
    assert!(lib.contains("cds_core::Wait<DescribeTaskOutput>"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
