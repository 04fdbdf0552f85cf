//! One module per operation file: the named types and enums it defines, and for each operation
//! its input, output, request builder, and the `Client` method that starts it.

use crate::docs;
use crate::names;
use crate::rust_types::{gen_enum, gen_struct, ident, rust_type, struct_fields, yaml_text};
use crate::spec::{EnumDef, Group, Line, Operation, TypeDef};
use crate::typeref::TypeRef;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Builder methods that a parameter setter must not shadow (such setters get a `set_` prefix).
pub const RESERVED: &[&str] = &[
    "new",
    "input",
    "send",
    "send_with_response",
    "send_and_wait",
    "into_items",
    "with_input",
];

/// Name of the static describing an operation in `meta`.
pub fn meta_ident(op: &str) -> proc_macro2::Ident {
    format_ident!("{}", op.to_shouty_snake_case())
}

/// The module of one operation file.
pub fn group_module(line: &Line, group: &Group) -> TokenStream {
    let enums = line.enums();
    let types = line.types();
    let mut items = Vec::new();
    for (name, def) in &group.types {
        let id = format_ident!("{}", name);
        let doc = docs::doc(&def.doc, &def.notes);
        items.push(gen_struct(
            &id,
            doc,
            &struct_fields(&def.fields),
            &enums,
            true,
        ));
    }
    for (name, def) in &group.enums {
        items.push(gen_enum(name, def));
    }
    for op in &group.operations {
        items.push(operation(line, op, &types, &enums));
    }
    quote! {
        #[allow(unused_imports)]
        use crate::*;
        #(#items)*
    }
}

fn operation(
    line: &Line,
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    enums: &BTreeMap<&str, &EnumDef>,
) -> TokenStream {
    let input = format_ident!("{}Input", op.name);
    let output = format_ident!("{}Output", op.name);
    let request = format_ident!("{}Request", op.name);
    let method = ident(&names::snake(&op.name));
    let meta = meta_ident(&op.name);
    let params = struct_fields(&op.params);

    let input_doc = docs::attrs(&[format!(
        "Input of [`{}`](crate::Client::{}).",
        op.name,
        names::snake(&op.name)
    )]);
    let input_struct = gen_struct(&input, input_doc, &params, enums, false);
    let output_doc = docs::attrs(&[format!(
        "Output of [`{}`](crate::Client::{}): the response body (envelope fields excluded unless documented).",
        op.name,
        names::snake(&op.name)
    )]);
    let output_struct = gen_struct(
        &output,
        output_doc,
        &struct_fields(&op.response),
        enums,
        true,
    );

    let setters = params.iter().map(|p| {
        let field = ident(&p.rust);
        let setter = if RESERVED.contains(&p.rust.as_str()) {
            format_ident!("set_{}", p.rust)
        } else {
            ident(&p.rust)
        };
        let ty = rust_type(&p.ty);
        let location = match p.field.location.as_deref() {
            Some("body_root") => "the whole JSON body",
            Some(other) => other,
            None => "query",
        };
        let mut extra = vec![format!(
            "Sets `{}` ({}{}).",
            p.field.name,
            location,
            if p.field.required { ", required" } else { "" }
        )];
        if let TypeRef::Named(n) = &p.ty {
            if enums.contains_key(n.as_str()) {
                extra.push(format!("Takes a [`{n}`] or its wire text."));
            }
        }
        let doc = docs::attrs(&docs::paragraphs(&p.field.doc, &p.field.notes, &extra));
        quote! {
            #doc
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.input.#field = Some(value.into());
                self
            }
        }
    });

    let task = op.task.as_ref().map(|t| {
        let waiter = format_ident!("WAITER_{}", t.waiter.to_shouty_snake_case());
        let pointer = &t.id;
        let doc = format!(
            "Sends the request, then waits for the task it starts (its id at `{pointer}`) with [`{}`](crate::Client::wait_for_{}) polling.",
            line.product.waiters.iter().find(|w| w.name == t.waiter).map(|w| w.poller.as_str()).unwrap_or(""),
            names::snake(&t.waiter)
        );
        quote! {
            #[doc = #doc]
            ///
            /// Returns the output and the poller's final response body.
            pub async fn send_and_wait(self, options: cds_core::WaitOptions) -> Result<(#output, serde_json::Value), cds_core::Error> {
                cds_core::waiter::start_and_wait(&self.client, &meta::#meta, &self.input, &meta::#waiter, #pointer, options).await
            }
        }
    });

    let pages = op.paginate.as_ref().map(|p| {
        let item = resolve_pointer(op, &p.items, types).map(|t| rust_type(&t)).unwrap_or_else(|| quote!(serde_json::Value));
        let pagination = format_ident!("PAGINATION_{}", op.name.to_shouty_snake_case());
        let doc = format!(
            "Streams every item at `{}` across all pages, advancing `{}` (page size `{}`, default 50).",
            p.items, p.page, p.size
        );
        quote! {
            #[doc = #doc]
            pub fn into_items(self) -> impl cds_core::__private::Stream<Item = Result<#item, cds_core::Error>> + Send {
                let input = serde_json::to_value(&self.input).unwrap_or(serde_json::Value::Null);
                cds_core::paginate::items(self.client, &meta::#meta, &meta::#pagination, input)
            }
        }
    });

    let mut extra = vec![format!(
        "`{}` {} — {}, heading \"{}\", line {}.",
        op.method,
        op.path.clone().unwrap_or_else(|| line.product.path.clone()),
        op.source.document,
        docs::escape(&op.source.heading),
        op.source.line
    )];
    extra.push(if op.read {
        "Read-only: retried on transient failures.".into()
    } else {
        "Changes state: retried only when the request certainly never reached the server.".into()
    });
    if !op.errors.is_empty() {
        let mut table = String::from("Documented errors:\n");
        for e in &op.errors {
            let http = e.http.as_ref().map(yaml_text).unwrap_or_default();
            let text = if e.doc.en.is_empty() {
                e.doc.zh.clone()
            } else {
                format!("{} ({})", e.doc.en, e.doc.zh)
            };
            table.push_str(&format!(
                "- `{}` {}: {}\n",
                yaml_text(&e.code).replace('`', "'"),
                if http.is_empty() {
                    String::new()
                } else {
                    format!("(HTTP {http})")
                },
                docs::escape(&text).replace('\n', " ")
            ));
        }
        extra.push(table.trim_end().to_string());
    }
    if op.websocket {
        extra.push("A WebSocket endpoint: the builder's `url(host)` gives the `wss://` URL to open with a WebSocket client; nothing is sent by this SDK.".into());
    }
    let op_doc = docs::attrs(&docs::paragraphs(&op.doc, &op.notes, &extra));
    let request_doc = format!(
        "Request builder of `{}`: set parameters, then `.send().await`.",
        op.name
    );
    let calls = if op.websocket {
        quote! {
            /// The `wss://` URL of this WebSocket endpoint on `host` (e.g. the `endpoint` that
            /// the line's URL operation returns), path parameters substituted and encoded.
            pub fn url(&self, host: &str) -> Result<String, cds_core::Error> {
                cds_core::request::websocket_url(&meta::#meta, host, &self.input)
            }
        }
    } else {
        quote! {
            /// Sends the request and decodes the output.
            pub async fn send(self) -> Result<#output, cds_core::Error> {
                Ok(self.send_with_response().await?.output)
            }
            /// Sends the request; the output comes with the raw body, HTTP status and request id.
            pub async fn send_with_response(self) -> Result<cds_core::Response<#output>, cds_core::Error> {
                self.client.execute(&meta::#meta, &self.input).await
            }
            #task
            #pages
        }
    };
    let name = &op.name;
    quote! {
        #input_struct
        #output_struct

        #[doc = #request_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #request {
            #[allow(dead_code)]
            client: cds_core::ServiceClient,
            input: #input,
        }

        impl #request {
            /// The input built so far.
            pub fn input(&self) -> &#input {
                &self.input
            }
            /// Replaces the whole input.
            pub fn with_input(mut self, input: #input) -> Self {
                self.input = input;
                self
            }
            #(#setters)*
            #calls
        }

        impl crate::Client {
            #op_doc
            #[doc = ""]
            #[doc = concat!("Wire name: `", #name, "`.")]
            pub fn #method(&self) -> #request {
                #request { client: self.runtime().clone(), input: #input::default() }
            }
        }
    }
}

/// The element type of the array a pagination pointer designates, walking the response types.
pub fn resolve_pointer(
    op: &Operation,
    pointer: &str,
    types: &BTreeMap<&str, &TypeDef>,
) -> Option<TypeRef> {
    let mut segments = pointer.trim_start_matches('/').split('/');
    let first = segments.next()?;
    let mut current = TypeRef::parse(&op.response.iter().find(|f| f.name == first)?.ty).ok()?;
    for seg in segments {
        current = match current {
            TypeRef::Named(n) => TypeRef::parse(
                &types
                    .get(n.as_str())?
                    .fields
                    .iter()
                    .find(|f| f.name == seg)?
                    .ty,
            )
            .ok()?,
            TypeRef::List(inner) if seg.parse::<usize>().is_ok() => *inner,
            _ => return None,
        };
    }
    match current {
        TypeRef::List(inner) => Some(*inner),
        _ => None,
    }
}
