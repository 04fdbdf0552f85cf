//! Reading a line's files: `product.yaml`, every operation file (sorted), `resources.yaml`;
//! then [`Line::validate`](super::validate).

use super::{err, resources, EnumDef, Group, Line, Operation, Product, SpecError, TypeDef};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

impl Line {
    /// Loads `dir` (a `spec/<line>` folder).
    pub fn load(dir: &Path) -> Result<Line, Vec<SpecError>> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut errors = Vec::new();
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .filter(|p| p.file_stem().is_none_or(|s| s != "resources")) // the emulator's model
                .collect(),
            Err(e) => return Err(vec![err(dir, None, None, format!("cannot read: {e}"))]),
        };
        files.sort();
        let mut product = None;
        let mut groups = Vec::new();
        for file in files {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(err(&file, None, None, format!("cannot read: {e}")));
                    continue;
                }
            };
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if stem == "product" {
                match serde_yaml::from_str::<Product>(&text) {
                    Ok(p) => product = Some(p),
                    Err(e) => errors.push(err(&file, None, None, e.to_string())),
                }
            } else {
                match serde_yaml::from_str::<Group>(&text) {
                    Ok(g) => groups.push((stem, g)),
                    Err(e) => errors.push(err(&file, None, None, yaml_error(&text, &e))),
                }
            }
        }
        let Some(product) = product else {
            errors.push(err(&dir.join("product.yaml"), None, None, "missing".into()));
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let resources = match resources::load(dir) {
            Ok(model) => model,
            Err(e) => return Err(vec![e]),
        };
        let line = Line {
            name,
            product,
            groups,
            resources,
        };
        let errors = line.validate(dir);
        if errors.is_empty() {
            Ok(line)
        } else {
            Err(errors)
        }
    }

    /// All operations with the file stem they come from.
    pub fn operations(&self) -> impl Iterator<Item = (&str, &Operation)> {
        self.groups
            .iter()
            .flat_map(|(stem, g)| g.operations.iter().map(move |o| (stem.as_str(), o)))
    }

    /// All named types.
    pub fn types(&self) -> BTreeMap<&str, &TypeDef> {
        self.groups
            .iter()
            .flat_map(|(_, g)| g.types.iter().map(|(n, t)| (n.as_str(), t)))
            .collect()
    }

    /// All enums.
    pub fn enums(&self) -> BTreeMap<&str, &EnumDef> {
        self.groups
            .iter()
            .flat_map(|(_, g)| g.enums.iter().map(|(n, t)| (n.as_str(), t)))
            .collect()
    }
}

/// A YAML error, with the operation it falls in when that can be told from the text.
pub(super) fn yaml_error(text: &str, e: &serde_yaml::Error) -> String {
    let Some(loc) = e.location() else {
        return e.to_string();
    };
    let op = text
        .lines()
        .take(loc.line())
        .filter_map(|l| l.trim_start().strip_prefix("- name: "))
        .filter(|_| true)
        .last();
    match op {
        Some(op) => format!("{e} (in the entry named {op})"),
        None => e.to_string(),
    }
}
