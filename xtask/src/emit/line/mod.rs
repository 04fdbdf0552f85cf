//! The files of one line's crate, each written by its own module: `Cargo.toml`
//! ([`cargo_toml`]), `src/lib.rs` ([`lib_rs`]), `src/client.rs` ([`client`]), `src/meta.rs`
//! ([`meta`], with [`model`]), `src/error_code.rs` ([`error_code`]), `src/examples.rs` and
//! `tests/examples.rs` ([`examples`]), `src/types/` ([`shared_types`], with the structs and
//! enums of [`types`]), `src/operation/` ([`operation`]), `tests/end_to_end.rs`
//! ([`end_to_end`]). Where each item lives is decided once, in [`layout`].

pub mod cargo_toml;
pub mod client;
pub mod end_to_end;
pub mod error_code;
pub mod examples;
pub mod layout;
pub mod lib_rs;
pub mod meta;
pub mod model;
pub mod operation;
pub mod shared_types;
pub mod types;

use crate::output::{rust_file, toml_file, Files};
use crate::spec::Line;
use layout::Layout;
use proc_macro2::TokenStream;
use std::path::PathBuf;

/// The package name of a line.
pub fn package(line: &Line) -> String {
    format!("cds-{}", line.name)
}

/// Every file of the crate of `line`, keyed by path relative to the workspace root.
pub fn crate_files(line: &Line) -> Result<Files, Vec<String>> {
    let layout = Layout::of(line);
    let dir = PathBuf::from("crates").join(&line.name);
    let from = format!("spec/{}/*.yaml", line.name);
    let mut rust: Vec<(String, TokenStream)> = vec![
        ("src/lib.rs".into(), lib_rs::lib_rs(&layout)),
        ("src/client.rs".into(), client::client_rs(&layout)),
        ("src/meta.rs".into(), meta::meta_rs(&layout)),
        ("src/error_code.rs".into(), error_code::error_code_rs(line)),
        ("src/examples.rs".into(), examples::examples_rs(line)),
        ("tests/examples.rs".into(), examples::example_tests(&layout)),
        (
            "tests/end_to_end.rs".into(),
            end_to_end::end_to_end(&layout),
        ),
        ("src/types/mod.rs".into(), shared_types::mod_rs(&layout)),
        (
            "src/operation/mod.rs".into(),
            operation::mod_rs(&layout, false),
        ),
    ];
    if let Some(model) = model::resources_rs(line) {
        rust.push(("src/meta/resources.rs".into(), model));
    }
    for name in layout.shared_types() {
        rust.push((
            format!("src/types/{}.rs", shared_types::file_stem(name)),
            shared_types::type_file(&layout, name),
        ));
    }
    if operation::has_operator(&layout) {
        rust.push((
            "src/operation/operator/mod.rs".into(),
            operation::mod_rs(&layout, true),
        ));
    }
    for (_, op) in line.operations() {
        let names = layout.op(op);
        let file = if names.operator {
            format!("src/operation/operator/{}.rs", names.module)
        } else {
            format!("src/operation/{}.rs", names.module)
        };
        rust.push((file, operation::operation_module(&layout, op)));
    }
    let mut files = Files::new();
    let mut errors = Vec::new();
    files.insert(
        dir.join("Cargo.toml"),
        toml_file(cargo_toml::cargo_toml(line), &from),
    );
    for (path, tokens) in rust {
        let path = dir.join(path);
        match rust_file(&path, tokens, &from) {
            Ok(generated) => {
                if files.insert(path.clone(), generated).is_some() {
                    errors.push(format!("{}: generated twice", path.display()));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
