//! The rules a loaded line must satisfy; each has a negative test in
//! `xtask/tests/validation.rs` that names file, item and field.

use super::{resources, EvidenceDecision, Field, Line, Location, Protocol, SpecError};
use crate::typeref::TypeRef;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

impl Line {
    /// Named types whose field sets are identical (wire name, type and required flag): one
    /// resource must be one type. An `alias` gives a shared shape a second name instead.
    fn duplicate_types(&self, dir: &Path) -> Vec<SpecError> {
        /// Wire name, type expression and required flag of each field, sorted.
        type Shape<'a> = Vec<(&'a str, &'a str, bool)>;
        let mut by_shape: BTreeMap<Shape, (&str, &str)> = BTreeMap::new();
        let mut errors = Vec::new();
        for (stem, g) in &self.groups {
            for (name, t) in &g.types {
                if t.alias.is_some() {
                    continue;
                }
                let mut shape: Vec<(&str, &str, bool)> = t
                    .fields
                    .iter()
                    .map(|f| (f.name.as_str(), f.ty.as_str(), f.required))
                    .collect();
                shape.sort();
                if let Some((other, other_stem)) = by_shape.insert(shape, (name, stem)) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        Some("fields"),
                        format!(
                            "same fields as type {other} ({other_stem}.yaml): declare the resource once and refer to it by name (or make one an `alias`)"
                        ),
                    ));
                }
            }
        }
        errors
    }

    /// Every rule, in order: the product, names, operations, types, duplicate shapes, the
    /// resource model, waiters.
    pub(super) fn validate(&self, dir: &Path) -> Vec<SpecError> {
        let mut errors = self.product_rules(dir);
        let known = self.name_rules(dir, &mut errors);
        errors.extend(self.operation_rules(dir, &known));
        errors.extend(self.type_rules(dir, &known));
        errors.extend(self.duplicate_types(dir));
        if let Some(model) = &self.resources {
            errors.extend(resources::validate(self, model, dir));
        }
        errors.extend(self.waiter_rules(dir));
        errors
    }

    /// `product.yaml`: the name matches the folder; RPC lines have a version.
    fn product_rules(&self, dir: &Path) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let product_file = dir.join("product.yaml");
        let p = &self.product;
        if p.product != self.name {
            errors.push(err(
                &product_file,
                None,
                Some("product"),
                format!(
                    "{:?} differs from the folder name {:?}",
                    p.product, self.name
                ),
            ));
        }
        if p.protocol == Protocol::Rpc && p.version.is_none() {
            errors.push(err(
                &product_file,
                None,
                Some("version"),
                "rpc lines need a version".into(),
            ));
        }
        errors
    }

    /// Types and enums: unique across the line, PascalCase. Returns every type name.
    fn name_rules<'a>(&'a self, dir: &Path, errors: &mut Vec<SpecError>) -> BTreeSet<&'a str> {
        let mut type_names: BTreeMap<&str, &str> = BTreeMap::new();
        for (stem, g) in &self.groups {
            for name in g.types.keys().chain(g.enums.keys()) {
                if let Some(other) = type_names.insert(name, stem) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        None,
                        format!("also defined in {other}.yaml"),
                    ));
                }
                if !is_pascal(name) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        None,
                        "type names must be PascalCase ASCII".into(),
                    ));
                }
            }
        }
        type_names.keys().copied().collect()
    }

    /// Operations: unique PascalCase names, both docs, parameters located and typed, response
    /// fields, examples, tasks, paging, deprecation and evidence entries.
    fn operation_rules(&self, dir: &Path, known: &BTreeSet<&str>) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let p = &self.product;
        let mut op_names: BTreeMap<&str, &str> = BTreeMap::new();
        for (stem, op) in self.operations() {
            let file = dir.join(format!("{stem}.yaml"));
            let item = Some(format!("operation {}", op.name));
            if let Some(other) = op_names.insert(&op.name, stem) {
                errors.push(err(
                    &file,
                    item.clone(),
                    None,
                    format!("operation name also used in {other}.yaml"),
                ));
            }
            if !is_pascal(&op.name) {
                errors.push(err(
                    &file,
                    item.clone(),
                    Some("name"),
                    "operation names must be PascalCase ASCII".into(),
                ));
            }
            if op.doc.en.trim().is_empty() || op.doc.zh.trim().is_empty() {
                errors.push(err(
                    &file,
                    item.clone(),
                    Some("doc"),
                    "needs both en and zh".into(),
                ));
            }
            let path = op.path.clone().unwrap_or_else(|| p.path.clone());
            let mut seen = BTreeSet::new();
            for f in &op.params {
                let field = Some(f.name.as_str());
                if !seen.insert(f.name.as_str()) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "parameter listed twice".into(),
                    ));
                }
                match f.location {
                    Some(Location::Query | Location::Body | Location::Header) => {}
                    Some(Location::BodyRoot) => {
                        if op
                            .params
                            .iter()
                            .filter(|f| f.location == Some(Location::BodyRoot))
                            .count()
                            > 1
                        {
                            errors.push(err(
                                &file,
                                item.clone(),
                                field,
                                "at most one body_root parameter".into(),
                            ));
                        }
                    }
                    Some(Location::Path) => {
                        if !path.contains(&format!("{{{}}}", f.name)) {
                            errors.push(err(
                                &file,
                                item.clone(),
                                field,
                                format!("path parameter not in path {path:?}"),
                            ));
                        }
                    }
                    None => errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "a parameter needs `in` (query, body, body_root, path or header)".into(),
                    )),
                }
                if f.flatten {
                    errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "parameters cannot be flattened".into(),
                    ));
                }
                check_type(&mut errors, &file, &item, f, known);
            }
            let mut seen = BTreeSet::new();
            for f in &op.response {
                if f.flatten
                    && !matches!(TypeRef::parse(&f.ty), Ok(TypeRef::Named(ref n)) if known.contains(n.as_str()))
                {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&f.name),
                        "only a named type can be flattened".into(),
                    ));
                }
                if !seen.insert(f.name.as_str()) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&f.name),
                        "response field listed twice".into(),
                    ));
                }
                check_type(&mut errors, &file, &item, f, known);
            }
            for (i, ex) in op.examples.iter().enumerate() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(ex) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&format!("examples[{i}]")),
                        format!("not JSON: {e}"),
                    ));
                }
            }
            if let Some(dep) = &op.deprecated {
                if let Some(to) = &dep.renamed_to {
                    if !self.operations().any(|(_, o)| &o.name == to) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("deprecated.renamed_to"),
                            format!("no operation {to:?} in this line"),
                        ));
                    }
                }
            }
            for (i, ev) in op.evidence.iter().enumerate() {
                if ev.decision == EvidenceDecision::Document && ev.why.trim().is_empty() {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&format!("evidence[{i}]")),
                        "a `document` decision needs its `why`".into(),
                    ));
                }
            }
            if let Some(task) = &op.task {
                if !p.waiters.iter().any(|w| w.name == task.waiter) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some("task"),
                        format!("no waiter named {:?} in product.yaml", task.waiter),
                    ));
                }
                if !task.id.starts_with('/') {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some("task.id"),
                        "must be a JSON pointer".into(),
                    ));
                }
            }
            if let Some(pg) = &op.paginate {
                for name in [&pg.page, &pg.size] {
                    if !op.params.iter().any(|f| &f.name == name) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("paginate"),
                            format!("{name} is not a parameter"),
                        ));
                    }
                }
            }
        }
        errors
    }

    /// Named types: aliases name another type and have no fields; fields unique and typed.
    fn type_rules(&self, dir: &Path, known: &BTreeSet<&str>) -> Vec<SpecError> {
        let mut errors = Vec::new();
        for (stem, g) in &self.groups {
            let file = dir.join(format!("{stem}.yaml"));
            for (name, t) in &g.types {
                let item = Some(format!("type {name}"));
                if let Some(target) = &t.alias {
                    if !t.fields.is_empty() {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("alias"),
                            "an alias has no fields of its own".into(),
                        ));
                    }
                    if !known.contains(target.as_str()) || target == name {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("alias"),
                            format!("{target:?} is not another type of this line"),
                        ));
                    }
                }
                let mut seen = BTreeSet::new();
                for f in &t.fields {
                    if !seen.insert(f.name.as_str()) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some(&f.name),
                            "field listed twice".into(),
                        ));
                    }
                    check_type(&mut errors, &file, &item, f, known);
                }
            }
        }
        errors
    }

    /// Waiters: the poller is an operation of the line, with the id (and UUID) parameters.
    fn waiter_rules(&self, dir: &Path) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let product_file = dir.join("product.yaml");
        let p = &self.product;
        for w in &p.waiters {
            match self.operations().find(|(_, o)| o.name == w.poller) {
                None => errors.push(err(
                    &product_file,
                    Some(format!("waiter {}", w.name)),
                    Some("poller"),
                    format!("no operation {:?}", w.poller),
                )),
                Some((_, o)) => {
                    for param in std::iter::once(&w.id_param).chain(&w.uuid_params) {
                        if !o.params.iter().any(|f| &f.name == param) {
                            errors.push(err(
                                &product_file,
                                Some(format!("waiter {}", w.name)),
                                Some(param),
                                format!("not a parameter of {}", o.name),
                            ));
                        }
                    }
                }
            }
        }
        errors
    }
}

fn check_type(
    errors: &mut Vec<SpecError>,
    file: &Path,
    item: &Option<String>,
    f: &Field,
    known: &BTreeSet<&str>,
) {
    match TypeRef::parse(&f.ty) {
        Err(e) => errors.push(err(file, item.clone(), Some(&f.name), e)),
        Ok(t) => {
            if f.one_or_list.is_some() && !matches!(t, TypeRef::List(_)) {
                errors.push(err(
                    file,
                    item.clone(),
                    Some(&f.name),
                    format!("one_or_list needs a list type, not {:?}", f.ty),
                ));
            }
            for name in t.named() {
                if !known.contains(name) {
                    errors.push(err(
                        file,
                        item.clone(),
                        Some(&f.name),
                        format!("unknown type {name:?}"),
                    ));
                }
            }
        }
    }
}

fn is_pascal(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A spec error at `file`, `item` (operation or type) and `field`.
pub fn err(file: &Path, item: Option<String>, field: Option<&str>, message: String) -> SpecError {
    SpecError {
        file: file.to_path_buf(),
        item,
        field: field.map(str::to_string),
        message,
    }
}
