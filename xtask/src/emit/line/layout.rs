//! Where each generated item of a line crate lives, and what it is called (aws-sdk-rust's
//! layout): every operation in `operation::<op>` (the operator-side ones in
//! `operation::operator::<op>`) with its input, output, request and the shapes only it uses
//! (named without the operation's prefix: `CreateInstancePrivateIp` used by `CreateInstance`
//! alone is `operation::create_instance::PrivateIp`); every shared shape and every enum in
//! `types::` under its spec name.

use crate::names;
use crate::roles::Roles;
use crate::spec::{ClientKind, EnumDef, Line, Operation, TypeDef};
use crate::typeref::TypeRef;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// An operation's Rust names.
#[derive(Debug, Clone)]
pub struct OpNames {
    /// Its name without the file's `name_prefix` (`ListFlavors` for `OpListFlavors`).
    pub rust: String,
    /// Its module (`list_flavors`).
    pub module: String,
    /// The client method (`list_flavors`).
    pub method: String,
    /// Reached through `Client::operator()`.
    pub operator: bool,
}

impl OpNames {
    /// The module path from the crate root, as text (`operation::operator::list_flavors`).
    pub fn module_path(&self) -> String {
        if self.operator {
            format!("operation::operator::{}", self.module)
        } else {
            format!("operation::{}", self.module)
        }
    }

    /// `<Rust>Input`.
    pub fn input(&self) -> Ident {
        format_ident!("{}Input", self.rust)
    }

    /// `<Rust>Output`.
    pub fn output(&self) -> Ident {
        format_ident!("{}Output", self.rust)
    }

    /// `<Rust>Request`.
    pub fn request(&self) -> Ident {
        format_ident!("{}Request", self.rust)
    }

    /// The client type the method is on (`Client` or `OperatorClient`).
    pub fn client(&self) -> Ident {
        if self.operator {
            format_ident!("OperatorClient")
        } else {
            format_ident!("Client")
        }
    }
}

/// Where a named type or enum lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `types::<Name>`.
    Types,
    /// In the module of the one operation that uses it, under a shorter name.
    Operation {
        /// The operation's spec name.
        op: String,
        /// The type's name there.
        name: String,
    },
}

/// The layout of one line crate.
pub struct Layout<'a> {
    /// The line.
    pub line: &'a Line,
    /// Named types by spec name.
    pub defs: BTreeMap<&'a str, &'a TypeDef>,
    /// Enums by spec name.
    pub enums: BTreeMap<&'a str, &'a EnumDef>,
    /// What each type is used for.
    pub roles: Roles,
    /// Each operation's names, by spec name.
    pub ops: BTreeMap<String, OpNames>,
    /// Where each type lives.
    pub places: BTreeMap<String, Place>,
}

impl<'a> Layout<'a> {
    /// The layout of `line`.
    pub fn of(line: &'a Line) -> Self {
        let defs = line.types();
        let enums = line.enums();
        let mut ops = BTreeMap::new();
        for (_, group) in &line.groups {
            let operator = group.client == Some(ClientKind::Operator);
            for op in &group.operations {
                let rust = group
                    .name_prefix
                    .as_deref()
                    .and_then(|p| op.name.strip_prefix(p))
                    .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(&op.name)
                    .to_string();
                let module = module_name(&names::snake(&rust));
                ops.insert(
                    op.name.clone(),
                    OpNames {
                        method: names::snake(&rust),
                        rust,
                        module,
                        operator,
                    },
                );
            }
        }
        let users = users(line, &defs);
        let mut places = BTreeMap::new();
        let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for name in defs.keys() {
            let place = local_name(name, &users, &ops, &defs)
                .filter(|(op, short)| taken.entry(op.clone()).or_default().insert(short.clone()))
                .map(|(op, name)| Place::Operation { op, name })
                .unwrap_or(Place::Types);
            places.insert(name.to_string(), place);
        }
        for name in enums.keys() {
            places.insert(name.to_string(), Place::Types);
        }
        Layout {
            line,
            defs,
            enums,
            roles: Roles::of(line),
            ops,
            places,
        }
    }

    /// The names of operation `op`.
    pub fn op(&self, op: &Operation) -> &OpNames {
        &self.ops[&op.name]
    }

    /// The Rust name of type `name` where it lives.
    pub fn type_name(&self, name: &str) -> String {
        match self.places.get(name) {
            Some(Place::Operation { name, .. }) => name.clone(),
            _ => name.to_string(),
        }
    }

    /// The path of type `name` from inside the crate (`crate::types::DataDisk`).
    pub fn type_path(&self, name: &str) -> TokenStream {
        self.path_from(quote!(crate), name)
    }

    /// The path of type `name` from outside the crate (`cds_ccs::types::DataDisk`).
    pub fn external_path(&self, krate: &Ident, name: &str) -> TokenStream {
        self.path_from(quote!(#krate), name)
    }

    fn path_from(&self, root: TokenStream, name: &str) -> TokenStream {
        let id = format_ident!("{}", self.type_name(name));
        match self.places.get(name) {
            Some(Place::Operation { op, .. }) => {
                let module = self.module_tokens(&self.ops[op]);
                quote!(#root::#module::#id)
            }
            _ => quote!(#root::types::#id),
        }
    }

    /// `operation::x` or `operation::operator::x` as tokens.
    pub fn module_tokens(&self, names: &OpNames) -> TokenStream {
        let m = names::ident(&names.module);
        if names.operator {
            quote!(operation::operator::#m)
        } else {
            quote!(operation::#m)
        }
    }

    /// The path of `<Op>Output` from inside the crate.
    pub fn output_path(&self, op_name: &str) -> TokenStream {
        let names = &self.ops[op_name];
        let module = self.module_tokens(names);
        let output = names.output();
        quote!(crate::#module::#output)
    }

    /// Types that live in `types::`, sorted.
    pub fn shared_types(&self) -> Vec<&'a str> {
        self.defs
            .keys()
            .chain(self.enums.keys())
            .copied()
            .filter(|n| self.places.get(*n) == Some(&Place::Types))
            .collect()
    }

    /// Types that live in operation `op`'s module.
    pub fn local_types(&self, op: &str) -> Vec<&'a str> {
        self.defs
            .keys()
            .copied()
            .filter(
                |n| matches!(self.places.get(*n), Some(Place::Operation { op: o, .. }) if o == op),
            )
            .collect()
    }

    /// Whether `name` is an enum of the line.
    pub fn is_enum(&self, name: &str) -> bool {
        self.enums.contains_key(name)
    }

    /// The Rust type of a spec type, with full paths to named types.
    pub fn rust_type(&self, t: &TypeRef) -> TokenStream {
        self.rust_type_from(t, &|name| self.type_path(name))
    }

    /// The Rust type of a spec type seen from outside the crate.
    pub fn external_type(&self, krate: &Ident, t: &TypeRef) -> TokenStream {
        self.rust_type_from(t, &|name| self.external_path(krate, name))
    }

    fn rust_type_from(&self, t: &TypeRef, path: &dyn Fn(&str) -> TokenStream) -> TokenStream {
        match t {
            TypeRef::String => quote!(String),
            TypeRef::Integer => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Any => quote!(serde_json::Value),
            TypeRef::Named(n) => path(n),
            TypeRef::List(inner) => {
                let inner = self.rust_type_from(inner, path);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.rust_type_from(inner, path);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
        }
    }

    /// The type definition behind `name`, following an alias.
    pub fn resolve(&self, name: &str) -> Option<&'a TypeDef> {
        let def = self.defs.get(name)?;
        match &def.alias {
            Some(target) => self.defs.get(target.as_str()).copied(),
            None => Some(def),
        }
    }
}

/// Module names that would clash with what a module declares itself.
fn module_name(snake: &str) -> String {
    if snake == "operator" {
        "operator_".to_string()
    } else {
        snake.to_string()
    }
}

/// The operations that use each named type (through nested types and aliases).
fn users(line: &Line, defs: &BTreeMap<&str, &TypeDef>) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, op) in line.operations() {
        let mut stack: Vec<String> = op
            .params
            .iter()
            .chain(&op.response)
            .filter_map(|f| TypeRef::parse(&f.ty).ok())
            .flat_map(|t| {
                t.named()
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(def) = defs.get(name.as_str()) {
                stack.extend(def.alias.iter().cloned());
                for f in &def.fields {
                    if let Ok(t) = TypeRef::parse(&f.ty) {
                        stack.extend(t.named().into_iter().map(str::to_string));
                    }
                }
            }
        }
        for name in seen {
            users.entry(name).or_default().insert(op.name.clone());
        }
    }
    users
}

/// The operation and the shorter name of a type that only one operation uses and whose name
/// starts with that operation's (an alias, or a name that would not be a type name once
/// shortened, stays in `types::`).
fn local_name(
    name: &str,
    users: &BTreeMap<String, BTreeSet<String>>,
    ops: &BTreeMap<String, OpNames>,
    defs: &BTreeMap<&str, &TypeDef>,
) -> Option<(String, String)> {
    if defs.get(name).is_some_and(|d| d.alias.is_some()) {
        return None;
    }
    let used_by = users.get(name)?;
    if used_by.len() != 1 {
        return None;
    }
    let op = used_by.iter().next()?;
    let names = ops.get(op)?;
    let short = name.strip_prefix(op.as_str())?;
    let starts_upper = short.starts_with(|c: char| c.is_ascii_uppercase());
    let clashes = [names.input(), names.output(), names.request()]
        .iter()
        .any(|i| *i == short)
        || short == "Client"
        || short == "OperatorClient";
    (starts_upper && !clashes).then(|| (op.clone(), short.to_string()))
}
