//! `src/examples.rs` (the documented example responses, verbatim) and `tests/examples.rs`
//! (each decodes completely into its operation's output type).

use crate::emit::line::layout::Layout;
use crate::emit::line::package;
use crate::names;
use crate::spec::Line;
use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::str::FromStr;

fn example_const(op: &str, i: usize) -> proc_macro2::Ident {
    format_ident!("{}_{}", op.to_shouty_snake_case(), i + 1)
}

fn raw_literal(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let text = text.trim_end();
    Literal::from_str(&format!("r{hashes}\"{text}\"{hashes}"))
        .unwrap_or_else(|_| Literal::string(text))
}

/// `src/examples.rs`.
pub fn examples_rs(line: &Line) -> TokenStream {
    let mut consts = Vec::new();
    let mut all = Vec::new();
    for (_, op) in line.operations() {
        for (i, ex) in op.examples.iter().enumerate() {
            let id = example_const(&op.name, i);
            let lit = raw_literal(ex);
            let doc = format!(" Documented example response {} of `{}`.", i + 1, op.name);
            consts.push(quote! { #[doc = #doc] pub const #id: &str = #lit; });
            let name = &op.name;
            all.push(quote!((#name, #id)));
        }
    }
    quote! {
        //! The documented example responses, verbatim (decoded by this crate's tests; served by
        //! the emulator).
        #(#consts)*
        /// Every example as (operation, JSON).
        pub static ALL: &[(&str, &str)] = &[ #(#all),* ];
    }
}

/// `tests/examples.rs`.
pub fn example_tests(layout: &Layout) -> TokenStream {
    let line = layout.line;
    let krate = format_ident!("{}", package(line).replace('-', "_"));
    let e = &line.product.envelope;
    let data = e.data.clone();
    let mut envelope = vec![e.code.clone(), e.message.clone()];
    envelope.extend(e.request_id.clone());
    let tests = line.operations().flat_map(|(_, op)| {
        let names = layout.op(op);
        let module = layout.module_tokens(names);
        let output_id = names.output();
        let output = quote!(#module::#output_id);
        let krate = krate.clone();
        op.examples.iter().enumerate().map(move |(i, _)| {
            let id = example_const(&op.name, i);
            let test = format_ident!(
                "{}_example_{}_decodes_completely",
                names::snake(&op.name),
                i + 1
            );
            quote! {
                #[test]
                fn #test() {
                    check::<#krate::#output>(#krate::examples::#id);
                }
            }
        })
    });
    quote! {
        //! Every documented example response decodes into its generated output type, and every
        //! field of the example is captured by the type (nothing documented is dropped).
        /// Envelope fields, which the output types leave to `cds-core`.
        const ENVELOPE: &[&str] = &[ #(#envelope),* ];
        /// The payload field (a bare-array example is the payload).
        const DATA: &str = #data;
        /// With `serde-serialize` (enabled by the workspace's tests), the example must also
        /// survive a re-encoding without losing a field.
        #[cfg(feature = "serde-serialize")]
        fn check<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) {
            cds_core::fixture::assert_decodes_completely::<T>(json, ENVELOPE, DATA);
        }
        /// Without `serde-serialize`, the example must decode.
        #[cfg(not(feature = "serde-serialize"))]
        fn check<T: serde::de::DeserializeOwned>(json: &str) {
            let _ = ENVELOPE;
            cds_core::fixture::assert_decodes::<T>(json, DATA);
        }
        #(#tests)*
    }
}
