//! `Cargo.toml` of a generated crate.

use crate::emit::line::package;
use crate::spec::Line;

/// The manifest: `cds-core` (pinned exactly by the workspace, see the root `Cargo.toml`),
/// serde and serde_json; the emulator (by path only) and tokio for tests only.
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

[features]
# `serde::Serialize` for the types that are only received (to store or show a decoded
# answer). Off by default: a consumer who only reads answers compiles no serializers for them.
serde-serialize = []
# `meta::RESOURCES`, the resource model the emulator and the CLI read (`cds-lines` turns it
# on). Off by default: a program that only calls the service does not compile it.
model = []

# A path-only dev-dependency: the emulator (with its `cli` feature) depends on every line, so
# a versioned one would make a cycle that `cargo package` cannot order; cargo drops it from
# the published manifest.
[dev-dependencies]
cds-emulator = {{ path = "../cds-emulator" }}
tokio = {{ version = "1", features = ["macros", "rt"] }}

[lints]
workspace = true
"#,
        pkg = package(line)
    )
}
