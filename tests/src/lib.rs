//! Shared helpers of the cross-crate tests, the quickstart and the emulator binary.
#![forbid(unsafe_code)]

use cds_core::operation::LineDescription;

/// Every product line the SDK generates, for serving them all from one emulator (the
/// generated list of `cds-lines`).
pub fn all_lines() -> Vec<&'static LineDescription> {
    cds_lines::all()
}
