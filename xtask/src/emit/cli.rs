//! The command tables of the `cds` CLI: `crates/cds-cli/src/generated/`.
//!
//! One module per product line holds, for every operation, its command name (kebab case), its
//! English and Chinese descriptions, and its parameters with their flag names, CLI types,
//! documented enum values and descriptions; plus what `--wait` and `--all-pages` need (the
//! task marker and the paging parameters). The CLI builds its clap commands from these tables
//! lazily, only for the line and operation named on the command line.
//!
//! The tables reference the line crates' `meta::LINE` so that the CLI executes operations from
//! the same static descriptions the SDK uses.

use crate::emit::line::types::yaml_text;
use crate::output::{rust_file, Files};
use crate::spec::{Doc, EnumDef, Field, Line, Operation};
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
    "dry-run",
    "wait",
    "wait-timeout",
    "wait-interval",
    "all-pages",
    "max-items",
    "input-json",
    "generate-skeleton",
    "error-format",
    "timeout",
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
        //! Command tables of every product line, generated from the spec.
        #(pub mod #mods;)*
        /// Every product line, in the spec's order.
        pub static LINES: &[&crate::table::Line] = &[ #(&#all::LINE),* ];
    }
}

fn line_module(line: &Line) -> TokenStream {
    let name = &line.name;
    let krate = format_ident!("cds_{}", module(&line.name));
    let (title_en, title_zh) = (&line.product.title.en, &line.product.title.zh);
    let enums = line.enums();
    let ops = line.operations().map(|(_, op)| op_tokens(line, op, &enums));
    let doc = format!(" Commands of `cds {name}`.");
    quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use crate::table::{EnumValue, Line, Op, Paging, Param, Task, Ty};
        /// The product line.
        pub static LINE: Line = Line {
            name: #name,
            title_en: #title_en,
            title_zh: #title_zh,
            meta: &#krate::meta::LINE,
            ops: &[ #(#ops),* ],
        };
    }
}

fn op_tokens(line: &Line, op: &Operation, enums: &BTreeMap<&str, &EnumDef>) -> TokenStream {
    let name = &op.name;
    let command = op.name.to_kebab_case();
    let (en, zh) = doc_pair(&op.doc);
    let mut used: BTreeSet<String> = BTreeSet::new();
    let params = op.params.iter().map(|p| param_tokens(p, enums, &mut used));
    let params: Vec<TokenStream> = params.collect();
    let waiter = op.task.as_ref().and_then(|t| {
        let w = line.product.waiters.iter().find(|w| w.name == t.waiter)?;
        Some((w, &t.id))
    });
    let task = match waiter {
        Some((w, id)) => {
            let (poller, id_param) = (&w.poller, &w.id_param);
            quote!(Some(Task { poller: #poller, id_param: #id_param, id: #id }))
        }
        None => quote!(None),
    };
    let paging = match &op.paginate {
        Some(p) => {
            let (page, size, items) = (&p.page, &p.size, &p.items);
            let total = match &p.total {
                Some(t) => quote!(Some(#t)),
                None => quote!(None),
            };
            quote!(Some(Paging { page: #page, size: #size, items: #items, total: #total }))
        }
        None => quote!(None),
    };
    let websocket = op.websocket;
    quote! {
        Op {
            name: #name, command: #command, en: #en, zh: #zh,
            params: &[ #(#params),* ],
            task: #task, paging: #paging, websocket: #websocket,
        }
    }
}

fn param_tokens(
    p: &Field,
    enums: &BTreeMap<&str, &EnumDef>,
    used: &mut BTreeSet<String>,
) -> TokenStream {
    let name = &p.name;
    let mut flag = p.name.to_kebab_case();
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
    let ty = TypeRef::parse(&p.ty).unwrap_or(TypeRef::Any);
    let (element, list) = match &ty {
        TypeRef::List(inner) => (inner.as_ref().clone(), true),
        other => (other.clone(), false),
    };
    let (kind, values, list) = match &element {
        TypeRef::String => ("String", Vec::new(), list),
        TypeRef::Integer => ("Integer", Vec::new(), list),
        TypeRef::Number => ("Number", Vec::new(), list),
        TypeRef::Boolean => ("Boolean", Vec::new(), list),
        TypeRef::Named(n) if enums.contains_key(n.as_str()) => {
            let def = enums[n.as_str()];
            let texts: Vec<(String, &Doc)> = def
                .values
                .iter()
                .map(|v| (yaml_text(&v.value), &v.doc))
                .collect();
            let integer = def
                .values
                .iter()
                .all(|v| v.value.is_i64() || v.value.is_u64());
            (if integer { "Integer" } else { "String" }, texts, list)
        }
        _ => ("Json", Vec::new(), false),
    };
    let kind = format_ident!("{kind}");
    let values = values.iter().map(|(v, d)| {
        let (en, zh) = doc_pair(d);
        quote!(EnumValue { value: #v, en: #en, zh: #zh })
    });
    let required = p.required;
    let (en, zh) = doc_pair(&p.doc);
    quote! {
        Param {
            name: #name, flag: #flag, ty: Ty::#kind, list: #list,
            values: &[ #(#values),* ], required: #required, en: #en, zh: #zh,
        }
    }
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

    fn field(yaml: &str) -> Field {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn flags_are_kebab_case_and_never_clash() {
        let enums = BTreeMap::new();
        let mut used = BTreeSet::new();
        let a = param_tokens(&field("{name: VdcId, type: string}"), &enums, &mut used);
        assert!(a.to_string().contains("\"vdc-id\""), "{a}");
        let b = param_tokens(&field("{name: Query, type: string}"), &enums, &mut used);
        assert!(b.to_string().contains("\"query-param\""), "{b}");
        let c = param_tokens(
            &field("{name: vdcId, type: list<integer>}"),
            &enums,
            &mut used,
        );
        assert!(c.to_string().contains("\"vdc-id-2\""), "{c}");
        assert!(c.to_string().contains("list : true"), "{c}");
        let d = param_tokens(&field("{name: Disks, type: list<Disk>}"), &enums, &mut used);
        assert!(d.to_string().contains("Ty :: Json"), "{d}");
    }
}
