//! `cargo xtask`: the code generator that turns `spec/` into the line crates, the CLI's tables,
//! the `cds-lines` crate and the emulator's coverage table, plus the tools that check the
//! spec against the outside world (documents, vendor code, live answers) and against itself.
//!
//! Data flows one way: [`spec`] (schema, load, validate) → [`pipeline`] (the driver) →
//! [`emit`] (one module per kind of output) → [`output`] (files, marker, `rustfmt`). Rust
//! output is built with `quote` and laid out by `prettyplease`; generation is deterministic.

pub mod doccheck;
pub mod docs;
pub mod emit;
pub mod lint;
pub mod names;
pub mod output;
pub mod pipeline;
pub mod roles;
pub mod spec;
pub mod typeref;

pub use output::{rustfmt_files, stale_files, Body, Files, Generated, GENERATED_MARKER};
pub use pipeline::{generate, generate_each, generate_only, line_dirs, load_lines};
