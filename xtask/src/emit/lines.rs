//! `crates/cds-lines/`: the one list of every product line, generated, so that the tools that
//! serve or drive every line (the emulator binary, the `cds` CLI, the cross-crate tests and
//! benchmarks) list no line by hand: adding a line touches `spec/` only.

use crate::emit::line::package;
use crate::output::{rust_file, toml_file, Files};
use crate::spec::Line;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::PathBuf;

/// The files of `cds-lines`.
pub fn files(lines: &[Line]) -> Result<Files, Vec<String>> {
    let dir = PathBuf::from("crates/cds-lines");
    let mut files = Files::new();
    files.insert(
        dir.join("Cargo.toml"),
        toml_file(cargo_toml(lines), "spec/*/"),
    );
    let path = dir.join("src/lib.rs");
    let lib = rust_file(&path, lib_rs(lines), "spec/*/").map_err(|e| vec![e])?;
    files.insert(path, lib);
    Ok(files)
}

fn cargo_toml(lines: &[Line]) -> String {
    let deps: String = lines
        .iter()
        .map(|l| {
            format!(
                "{} = {{ path = \"../{}\", version = \"=0.1.0\", features = [\"model\"] }}\n",
                package(l),
                l.name
            )
        })
        .collect();
    let features: String = lines
        .iter()
        .map(|l| format!("\"{}/serde-serialize\", ", package(l)))
        .collect();
    format!(
        r#"[package]
name = "cds-lines"
description = "Every product line of the Capital Online (CDS) Rust SDK in one list, for tools that serve or drive them all (the emulator binary, the cds CLI). Generated from the spec."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

# Every line with its `model` feature: the tools that serve or drive every line read the
# resource model (the emulator answers from it, the CLI's `--wait --describe` follows it).
[dependencies]
cds-core.workspace = true
{deps}
[features]
# `serde::Serialize` for every line's output types.
serde-serialize = [{features}]

[lints]
workspace = true
"#,
        features = features.trim_end_matches(", ")
    )
}

fn lib_rs(lines: &[Line]) -> TokenStream {
    let krates: Vec<_> = lines
        .iter()
        .map(|l| format_ident!("{}", package(l).replace('-', "_")))
        .collect();
    let count = lines.len();
    let names = lines.iter().map(|l| l.name.as_str());
    let doc = format!(" Every product line ({count}), in the spec's order.");
    let reexports = lines.iter().map(|l| {
        let k = format_ident!("{}", package(l).replace('-', "_"));
        quote!(pub use #k;)
    });
    quote! {
        //! Every product line of the SDK, for tools that serve or drive them all. Each entry is
        //! the line crate's `meta::LINE`: the one description of the line that the runtime,
        //! the CLI and the emulator read.
        #![forbid(unsafe_code)]

        #(#reexports)*

        #[doc = #doc]
        pub static ALL: &[&cds_core::operation::LineDescription] = &[ #(&#krates::meta::LINE),* ];

        /// The product-line names, as in `ALL`.
        pub static NAMES: &[&str] = &[ #(#names),* ];

        /// Every product line.
        pub fn all() -> Vec<&'static cds_core::operation::LineDescription> {
            ALL.to_vec()
        }

        /// The line named `name` (`ccs`, `cecstack-ecs`, …).
        pub fn line(name: &str) -> Option<&'static cds_core::operation::LineDescription> {
            ALL.iter().copied().find(|l| l.service.product == name)
        }
    }
}
