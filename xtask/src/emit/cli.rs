//! The command tables of the `cds` CLI: `crates/cds-cli/src/generated/`.
//!
//! Presentation only: for every operation its command name (kebab case), its English and
//! Chinese descriptions, and for each parameter its flag name and descriptions; for every
//! named structure a parameter can hold, the descriptions of its fields (so that `--help` can
//! show nested parameters). Everything else the CLI needs (shapes, required fields, value sets
//! and their meanings, locations, sensitivity, tasks, paging, environment variables,
//! authentication) it reads from the line crate's `meta::LINE`, the one description of the
//! line that the runtime and the emulator read too.

use crate::output::{rust_file, Files};
use crate::spec::{Doc, Field, Line, Operation, TypeDef};
use crate::typeref::TypeRef;
use heck::{ToKebabCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Flags the CLI defines on every operation command; a parameter whose kebab name collides
/// gets the suffix `-param`.
const RESERVED_FLAGS: &[&str] = &[
    "help",
    "output",
    "query",
    "profile",
    "region",
    "endpoint",
    "secret-id",
    "secret-key",
    "bridgx-token",
    "cecstack-region-id",
    "cecstack-auth-header",
    "dry-run",
    "wait",
    "wait-timeout",
    "wait-interval",
    "describe",
    "all-pages",
    "max-items",
    "starting-token",
    "input-json",
    "generate-skeleton",
    "example",
    "error-format",
    "timeout",
    "max-attempts",
    "debug",
    "color",
    "lang",
    "version",
];

/// The CLI tables of `lines`.
pub fn files(lines: &[Line]) -> Result<Files, Vec<String>> {
    let base = PathBuf::from("crates/cds-cli/src/generated");
    let mut out = Files::new();
    let mut errors = Vec::new();
    for line in lines {
        let path = base.join(format!("{}.rs", module(&line.name)));
        let from = format!("spec/{}/*.yaml", line.name);
        match rust_file(&path, line_module(line), &from) {
            Ok(f) => {
                out.insert(path, f);
            }
            Err(e) => errors.push(e),
        }
    }
    let path = base.join("mod.rs");
    match rust_file(&path, mod_rs(lines), "spec/*/*.yaml") {
        Ok(f) => {
            out.insert(path, f);
        }
        Err(e) => errors.push(e),
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn module(line: &str) -> String {
    line.to_snake_case()
}

fn mod_rs(lines: &[Line]) -> TokenStream {
    let mods = lines.iter().map(|l| format_ident!("{}", module(&l.name)));
    let all = mods.clone();
    quote! {
        //! Command tables of every product line, generated from the spec: presentation only
        //! (command and flag names, help texts); the rest is each line's `meta::LINE`.
        #(pub mod #mods;)*
        /// Every product line, in the spec's order.
        pub static LINES: &[&crate::table::Line] = &[ #(&#all::LINE),* ];
    }
}

fn line_module(line: &Line) -> TokenStream {
    let name = &line.name;
    let krate = format_ident!("cds_{}", module(&line.name));
    let krate = quote!(cds_lines::#krate);
    let types = line.types();
    let ops = line.operations().map(|(_, op)| op_tokens(op));
    let structs = input_structs(line, &types).into_iter().map(|(name, def)| {
        let fields = def.fields.iter().map(|f| {
            let (n, (en, zh)) = (&f.name, doc_pair(&f.doc));
            quote!(FieldDoc { name: #n, en: #en, zh: #zh })
        });
        quote!(StructDoc { name: #name, fields: &[ #(#fields),* ] })
    });
    let doc = format!(" Commands of `cds {name}`.");
    quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use crate::table::{FieldDoc, Flag, Line, Op, StructDoc};
        /// The product line.
        pub static LINE: Line = Line {
            meta: &#krate::meta::LINE,
            ops: &[ #(#ops),* ],
            structs: &[ #(#structs),* ],
        };
    }
}

/// The named structures (aliases resolved) that a parameter of `line` can hold, at any depth,
/// sorted by name.
fn input_structs<'a>(
    line: &'a Line,
    types: &BTreeMap<&'a str, &'a TypeDef>,
) -> BTreeMap<String, &'a TypeDef> {
    let resolve = |n: &str| -> Option<(String, &'a TypeDef)> {
        let def = *types.get(n)?;
        match &def.alias {
            Some(target) => types.get(target.as_str()).map(|d| (target.clone(), *d)),
            None => Some((n.to_string(), def)),
        }
    };
    let mut out: BTreeMap<String, &TypeDef> = BTreeMap::new();
    let mut stack: Vec<String> = line
        .operations()
        .flat_map(|(_, op)| op.params.iter())
        .flat_map(|p| named(&p.ty))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some((target, def)) = resolve(&n) {
            stack.extend(def.fields.iter().flat_map(|f| named(&f.ty)));
            out.insert(target, def);
        }
    }
    out
}

fn named(ty: &str) -> Vec<String> {
    TypeRef::parse(ty)
        .map(|t| t.named().into_iter().map(String::from).collect())
        .unwrap_or_default()
}

fn op_tokens(op: &Operation) -> TokenStream {
    let name = &op.name;
    let command = op.name.to_kebab_case();
    let (en, zh) = doc_pair(&op.doc);
    let mut used: BTreeSet<String> = BTreeSet::new();
    let params: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| flag_tokens(p, &mut used))
        .collect();
    quote! {
        Op { name: #name, command: #command, en: #en, zh: #zh, params: &[ #(#params),* ] }
    }
}

fn flag_tokens(p: &Field, used: &mut BTreeSet<String>) -> TokenStream {
    let name = &p.name;
    let flag = flag_name(&p.name, used);
    let (en, zh) = doc_pair(&p.doc);
    quote!(Flag { name: #name, flag: #flag, en: #en, zh: #zh })
}

/// The flag of parameter `name`: kebab case, `-param` when it would clash with a CLI option,
/// numbered when two parameters of the operation would get the same flag.
fn flag_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut flag = name.to_kebab_case();
    if flag.is_empty() {
        flag = "param".into();
    }
    if RESERVED_FLAGS.contains(&flag.as_str()) {
        flag.push_str("-param");
    }
    let base = flag.clone();
    let mut i = 2;
    while !used.insert(flag.clone()) {
        flag = format!("{base}-{i}");
        i += 1;
    }
    flag
}

/// English and Chinese texts, trimmed; the Chinese is empty when it repeats the English.
fn doc_pair(doc: &Doc) -> (String, String) {
    let en = doc.en.trim().to_string();
    let zh = doc.zh.trim().to_string();
    let zh = if zh == en { String::new() } else { zh };
    (en, zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_kebab_case_and_never_clash() {
        let mut used = BTreeSet::new();
        assert_eq!(flag_name("VdcId", &mut used), "vdc-id");
        assert_eq!(flag_name("Query", &mut used), "query-param");
        assert_eq!(flag_name("vdcId", &mut used), "vdc-id-2");
        assert_eq!(flag_name("Debug", &mut used), "debug-param");
        assert_eq!(flag_name("", &mut used), "param");
    }

    #[test]
    fn tables_hold_presentation_only() {
        let field: Field = serde_yaml::from_str(
            "{name: DataDisks, type: list<DataDisk>, required: true, doc: {en: Disks, zh: 数据盘}}",
        )
        .unwrap();
        let t = flag_tokens(&field, &mut BTreeSet::new()).to_string();
        assert!(t.contains("\"data-disks\"") && t.contains("数据盘"), "{t}");
        for word in ["required", "list", "Ty", "values", "DataDisk\""] {
            assert!(!t.contains(word), "{word} in {t}");
        }
    }
}
