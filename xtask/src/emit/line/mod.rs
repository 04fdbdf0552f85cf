//! The files of one generated crate, each written by its own module: `Cargo.toml`
//! ([`cargo_toml`]), `src/lib.rs` ([`lib_rs`]), `src/meta.rs` ([`meta`]), `src/error_code.rs`
//! ([`error_code`]), `src/examples.rs` and `tests/examples.rs` ([`examples`]), one module per
//! operation file ([`operations`], with the types of [`types`]), `tests/end_to_end.rs`
//! ([`end_to_end`]).

pub mod cargo_toml;
pub mod end_to_end;
pub mod error_code;
pub mod examples;
pub mod lib_rs;
pub mod meta;
pub mod operations;
pub mod types;

use crate::names;
use crate::spec::Line;
use proc_macro2::TokenStream;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Module names the crate root uses itself.
const ROOT_MODULES: &[&str] = &["meta", "examples", "error_code"];

/// A generated file before formatting: Rust tokens or finished text.
pub enum Output {
    /// Rust source to format.
    Rust(TokenStream),
    /// Text written as is.
    Text(String),
}

/// All files of the crate of `line`, keyed by path relative to the workspace root, with the
/// spec files each comes from.
pub fn crate_files(line: &Line) -> BTreeMap<PathBuf, (Output, String)> {
    let dir = PathBuf::from("crates").join(&line.name);
    let all_specs = format!("spec/{}/*.yaml", line.name);
    let types = types::Types::of(line);
    let mut files = BTreeMap::new();
    let mut add = |path: &str, output: Output, from: &str| {
        files.insert(dir.join(path), (output, from.to_string()));
    };
    add(
        "Cargo.toml",
        Output::Text(cargo_toml::cargo_toml(line)),
        &all_specs,
    );
    add("src/lib.rs", Output::Rust(lib_rs::lib_rs(line)), &all_specs);
    add("src/meta.rs", Output::Rust(meta::meta_rs(line)), &all_specs);
    add(
        "src/error_code.rs",
        Output::Rust(error_code::error_code_rs(line)),
        &all_specs,
    );
    add(
        "src/examples.rs",
        Output::Rust(examples::examples_rs(line)),
        &all_specs,
    );
    add(
        "tests/examples.rs",
        Output::Rust(examples::example_tests(line)),
        &all_specs,
    );
    add(
        "tests/end_to_end.rs",
        Output::Rust(end_to_end::end_to_end(line, &types)),
        &all_specs,
    );
    for (stem, group) in &line.groups {
        if group.operations.is_empty() && group.types.is_empty() && group.enums.is_empty() {
            continue;
        }
        add(
            &format!("src/{}.rs", module_name(stem)),
            Output::Rust(operations::group_module(line, group, &types)),
            &format!("spec/{}/{stem}.yaml", line.name),
        );
    }
    files
}

/// The module name of an operation file.
pub fn module_name(stem: &str) -> String {
    let m = names::snake(stem);
    if ROOT_MODULES.contains(&m.as_str()) || names::is_keyword(&m) {
        format!("{m}_ops")
    } else {
        m
    }
}

/// The package name of a line.
pub fn package(line: &Line) -> String {
    format!("cds-{}", line.name)
}
