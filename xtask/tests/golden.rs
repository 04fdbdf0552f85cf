//! Golden tests: everything generated from the small spec under `fixtures/mini/spec` (the line
//! crate with its `meta` and resource model, its CLI command table, the `cds-lines` crate)
//! must equal the committed files under `fixtures/mini/expected` (laid out by prettyplease,
//! before rustfmt; each with a `.golden` suffix so no tool mistakes them for sources).
//! `UPDATE_GOLDEN=1 cargo test -p xtask --test golden` rewrites them after a deliberate change.

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

/// Everything generated from the fixture.
fn generated() -> xtask::Files {
    let line = xtask::spec::Line::load(&fixture().join("spec/mini")).expect("the fixture loads");
    let mut files = xtask::emit::line::crate_files(&line).expect("the crate generates");
    let lines = [line];
    files.extend(xtask::emit::cli::files(&lines).expect("the CLI table generates"));
    files.extend(xtask::emit::lines::files(&lines).expect("cds-lines generates"));
    files
}

#[test]
fn generated_files_match_the_committed_golden_files() {
    let files = generated();
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
    let files = generated();
    let text = |p: &str| {
        files
            .get(Path::new(p))
            .unwrap_or_else(|| panic!("{p} is generated"))
            .text()
    };
    let lib = text("crates/mini/src/lib.rs");
    // A small root: modules and the runtime's types, no glob re-export of chapters.
    for m in [
        "pub mod types;",
        "pub mod operation;",
        "pub mod meta;",
        "pub use client::",
    ] {
        assert!(lib.contains(m), "lib.rs lacks {m}");
    }
    assert!(!lib.contains("pub use instance::*"));
    // One module per operation; a type only CreateInstance uses would live there, shared
    // shapes and enums in types::.
    let create = text("crates/mini/src/operation/create_instance.rs");
    assert!(create.contains("pub struct CreateInstanceInput"));
    assert!(create.contains("pub struct CreateInstanceOutput"));
    assert!(create.contains("pub struct CreateInstanceRequest"));
    assert!(create.contains("impl crate::Client"));
    // The waiter is typed by the poller's output, wherever it lives.
    assert!(create
        .contains("(CreateInstanceOutput, crate::operation::describe_task::DescribeTaskOutput)"));
    // The list setter takes any iterable of what converts into the item.
    assert!(create.contains("pub fn data_disks<V: Into<crate::types::DataDisk>>"));
    let disk = text("crates/mini/src/types/data_disk.rs");
    // A builder for the nested input, whose build() checks the required Size.
    assert!(disk.contains("pub fn builder() -> DataDiskBuilder"));
    assert!(disk.contains("pub fn build(self) -> Result<DataDisk, cds_core::BuildError>"));
    assert!(disk.contains("missing.push(cds_core::validate::join(path, \"Size\"))"));
    // The sensitive parameter is redacted in Debug.
    assert!(create.contains("\"[REDACTED]\""));
    // Borrowing accessors on outputs.
    let instance = text("crates/mini/src/types/instance.rs");
    assert!(instance.contains("pub fn instance_name(&self) -> Option<&str>"));
    let page = text("crates/mini/src/types/instance_page.rs");
    assert!(
        page.contains("pub fn instances(&self) -> &[crate::types::Instance]"),
        "{page}"
    );
    assert!(page.contains("pub fn total(&self) -> Option<i64>"));
    // The alias is a type alias, not a copy.
    assert!(text("crates/mini/src/types/server.rs")
        .contains("pub type Server = crate::types::Instance;"));
    let codes = text("crates/mini/src/error_code.rs");
    assert!(codes.contains("InvalidNameMalformed"));
    assert!(
        codes.contains("InstanceInUse"),
        "numeric code named from its description"
    );
    let client = text("crates/mini/src/client.rs");
    assert!(client.contains("cds_core::Wait<crate::operation::describe_task::DescribeTaskOutput>"));
    // The one description: shapes, output, task, paging and the resource model in meta.
    let meta = text("crates/mini/src/meta.rs");
    assert!(meta.contains("pub static TYPE_DATA_DISK: Struct"));
    assert!(meta.contains("shape: Shape::List(&Shape::Struct(&TYPE_DATA_DISK))"));
    assert!(meta.contains("pub static ENUM_INSTANCE_KIND: EnumSet"));
    assert!(meta.contains("task: Some(TaskMarker"));
    assert!(meta.contains("pagination: Some(&PAGINATION_DESCRIBE_INSTANCES)"));
    // The resource model is compiled only with the crate's `model` feature, which cds-lines
    // turns on.
    assert!(
        meta.contains("#[cfg(feature = \"model\")]\nmod resources;"),
        "{meta}"
    );
    assert!(meta.contains(
        "#[cfg(not(feature = \"model\"))]\npub static RESOURCES: Option<&cds_core::model::ResourceModel> = None;"
    ));
    assert!(text("crates/mini/Cargo.toml").contains("\nmodel = []\n"));
    assert!(text("crates/cds-lines/Cargo.toml").contains("features = [\"model\"]"));
    let model = text("crates/mini/src/meta/resources.rs");
    assert!(model.contains("pub static RESOURCES: Option<&cds_core::model::ResourceModel> = Some("));
    assert!(
        model.contains("task: Some(\"/TaskId\")"),
        "a create's task pointer comes from the spec"
    );
    assert!(
        model.contains("items: Some(\"/Data/Instances\")"),
        "a list's items come from its paging"
    );
    // The CLI table and the list of lines refer to the line's meta.
    assert!(
        text("crates/cds-cli/src/generated/mini.rs").contains("&cds_lines::cds_mini::meta::LINE")
    );
    assert!(text("crates/cds-lines/src/lib.rs").contains("&cds_mini::meta::LINE"));
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
