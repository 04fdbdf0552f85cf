//! `Cargo.toml` of a generated crate.

use crate::emit::package;
use crate::spec::Line;

/// The manifest: `cds-core` (pinned exactly by the workspace, see the root `Cargo.toml`),
/// serde and serde_json; the emulator and tokio for tests only.
pub fn cargo_toml(line: &Line) -> String {
    let title = format!("{} ({})", line.product.title.en, line.product.title.zh).replace('"', "'");
    format!(
        r#"[package]
name = "{pkg}"
description = "Capital Online SDK for Rust: {title}. Generated from the spec."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[dependencies]
cds-core.workspace = true
serde.workspace = true
serde_json.workspace = true

[dev-dependencies]
cds-emulator.workspace = true
tokio = {{ version = "1", features = ["macros", "rt"] }}

[lints]
workspace = true
"#,
        pkg = package(line)
    )
}
