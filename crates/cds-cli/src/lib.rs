//! `cds`: every documented operation of the spec as a command (see the crate's README).
//!
//! The command tables in [`generated`] are written by `cargo xtask codegen` from the same spec
//! as the SDK crates; [`args`] builds clap commands from them lazily, [`input`] turns flags
//! and `--input-json` into an operation's input, [`call`] hands it to the runtime (`cds_core`),
//! [`output`] prints the result, [`settings`] finds credentials, [`errors`] maps every failure
//! to an exit code.
#![forbid(unsafe_code)]

pub mod args;
pub mod call;
pub mod check;
pub mod complete;
pub mod conformance;
pub mod debug;
pub mod env;
pub mod errors;
pub mod example;
pub mod generated;
pub mod help;
pub mod input;
pub mod output;
pub mod run;
pub mod settings;
pub mod shape;
pub mod suggest;
pub mod table;

pub use run::run;
