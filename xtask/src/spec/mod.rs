//! The spec: its format ([`schema`]), loading a line from `spec/<line>/*.yaml` ([`load`]), the
//! rules a loaded line must satisfy ([`validate`]) and the emulator's resource model
//! ([`resources`]). Every error names the file, and where it applies the operation and the
//! field.

pub mod load;
pub mod resources;
pub mod schema;
pub mod validate;

pub use schema::*;
pub use validate::err;

use std::fmt;
use std::path::PathBuf;

/// A loaded and validated product line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Folder name.
    pub name: String,
    /// `product.yaml`.
    pub product: Product,
    /// Operation files by stem, sorted.
    pub groups: Vec<(String, Group)>,
    /// The emulator's resource model (`resources.yaml`), if the line has one.
    pub resources: Option<resources::Model>,
}

/// A spec error: where, and what.
#[derive(Debug)]
pub struct SpecError {
    /// File.
    pub file: PathBuf,
    /// Operation or type, if any.
    pub item: Option<String>,
    /// Field, if any.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(item) = &self.item {
            write!(f, ": {item}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}
