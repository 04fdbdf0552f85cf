//! `src/types/`: the shapes several operations share (one `Instance`, not one per operation)
//! and every documented value set, one file each, re-exported by `types/mod.rs`.

use crate::docs;
use crate::emit::line::layout::Layout;
use crate::emit::line::operation::role_of;
use crate::emit::line::types::{gen_enum, gen_struct, struct_fields};
use crate::names;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The file name (without `.rs`) of shared type `name`.
pub fn file_stem(name: &str) -> String {
    let stem = names::snake(name);
    if stem == "mod" {
        "mod_".to_string()
    } else {
        stem
    }
}

/// `src/types/mod.rs`.
pub fn mod_rs(layout: &Layout) -> TokenStream {
    let items = layout.shared_types().into_iter().map(|name| {
        let module = names::ident(&file_stem(name));
        let id = format_ident!("{}", name);
        quote! {
            mod #module;
            pub use #module::#id;
        }
    });
    quote! {
        //! The shapes several operations share and every documented value set of this line.
        //! A shape used by one operation only lives in that operation's module.
        #(#items)*
    }
}

/// `src/types/<name>.rs`.
pub fn type_file(layout: &Layout, name: &str) -> TokenStream {
    if let Some(def) = layout.enums.get(name) {
        return gen_enum(name, def);
    }
    let def = layout.defs[name];
    let id = format_ident!("{}", name);
    let doc = docs::doc(&def.doc);
    if let Some(target) = &def.alias {
        let target = layout.type_path(target);
        return quote! { #doc pub type #id = #target; };
    }
    gen_struct(
        layout,
        &id,
        doc,
        &struct_fields(&def.fields),
        role_of(layout, name),
    )
}
