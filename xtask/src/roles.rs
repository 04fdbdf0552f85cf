//! What each named type of a line is used for: sent (reachable from a parameter), received
//! (reachable from a response), and whether a value needs checking before it is sent (it has
//! required fields, or holds a type that has).

use crate::spec::{Field, Line, TypeDef};
use crate::typeref::TypeRef;
use std::collections::{BTreeMap, BTreeSet};

/// The uses of a line's named types.
#[derive(Debug, Default)]
pub struct Roles {
    /// Types reachable from an operation's parameters.
    pub input: BTreeSet<String>,
    /// Types reachable from an operation's response.
    pub output: BTreeSet<String>,
    /// Input types that have required fields, directly or in a nested type.
    pub validated: BTreeSet<String>,
}

impl Roles {
    /// Computes the roles of every named type of `line`.
    pub fn of(line: &Line) -> Roles {
        let types = line.types();
        let mut roles = Roles::default();
        for (_, op) in line.operations() {
            reach(&op.params, &types, &mut roles.input);
            reach(&op.response, &types, &mut roles.output);
        }
        loop {
            let before = roles.validated.len();
            for name in &roles.input {
                let Some(def) = types.get(name.as_str()) else {
                    continue;
                };
                let alias_of_checked = def
                    .alias
                    .as_ref()
                    .is_some_and(|t| roles.validated.contains(t));
                if alias_of_checked || fields_need_check(&def.fields, &roles.validated) {
                    roles.validated.insert(name.clone());
                }
            }
            if roles.validated.len() == before {
                return roles;
            }
        }
    }

    /// Whether the fields of a top-level input hold a nested value that needs checking (its
    /// own required fields are checked by `cds-core` from the operation's description).
    pub fn nested_check(&self, params: &[Field]) -> bool {
        params.iter().any(|f| self.holds_validated(&f.ty))
    }

    /// Whether a value of type expression `ty` contains a type that needs checking.
    pub fn holds_validated(&self, ty: &str) -> bool {
        TypeRef::parse(ty)
            .map(|t| t.named().iter().any(|n| self.validated.contains(*n)))
            .unwrap_or(false)
    }
}

fn fields_need_check(fields: &[Field], validated: &BTreeSet<String>) -> bool {
    fields.iter().any(|f| {
        f.required
            || TypeRef::parse(&f.ty)
                .map(|t| t.named().iter().any(|n| validated.contains(*n)))
                .unwrap_or(false)
    })
}

/// Adds every named type reachable from `fields` (through aliases too) to `seen`.
fn reach(fields: &[Field], types: &BTreeMap<&str, &TypeDef>, seen: &mut BTreeSet<String>) {
    let mut stack: Vec<String> = fields
        .iter()
        .filter_map(|f| TypeRef::parse(&f.ty).ok())
        .flat_map(|t| {
            t.named()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = types.get(name.as_str()) {
            stack.extend(def.alias.iter().cloned());
            for f in &def.fields {
                if let Ok(t) = TypeRef::parse(&f.ty) {
                    stack.extend(t.named().into_iter().map(str::to_string));
                }
            }
        }
    }
}
