//! Everything the generator writes: one line's crate ([`mod@line`]), the CLI's command tables
//! ([`cli`]), the `cds-lines` crate that lists every line ([`lines`]) and the emulator's
//! coverage table ([`emulator`]).

pub mod cli;
pub mod emulator;
pub mod line;
pub mod lines;
