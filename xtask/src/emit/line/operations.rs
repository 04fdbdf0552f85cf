//! One module per operation file: the named types and enums it defines, and for each operation
//! its input, output, request builder, and the `Client` method that starts it.

use crate::docs;
use crate::emit::types::{gen_enum, gen_struct, rust_type, setter, struct_fields, Role, Types};
use crate::names::{self, ident};
use crate::spec::{Group, Line, Location, Operation, ResponseKind, TypeDef};
use crate::typeref::TypeRef;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Name of the static describing an operation in `meta`.
pub fn meta_ident(op: &str) -> proc_macro2::Ident {
    format_ident!("{}", op.to_shouty_snake_case())
}

/// The module of one operation file.
pub fn group_module(line: &Line, group: &Group, types: &Types) -> TokenStream {
    let mut items = Vec::new();
    for (name, def) in &group.types {
        let id = format_ident!("{}", name);
        let doc = docs::doc(&def.doc);
        if let Some(target) = &def.alias {
            let target = format_ident!("{}", target);
            items.push(quote! { #doc pub type #id = #target; });
            continue;
        }
        let role = Role {
            input: types.roles.input.contains(name),
            output: types.roles.output.contains(name) || !types.roles.input.contains(name),
            checked: types.roles.validated.contains(name),
        };
        items.push(gen_struct(
            &id,
            doc,
            &struct_fields(&def.fields),
            role,
            types,
        ));
    }
    for (name, def) in &group.enums {
        items.push(gen_enum(name, def));
    }
    for op in &group.operations {
        items.push(operation(line, op, types));
    }
    quote! {
        #[allow(unused_imports)]
        use crate::*;
        #[allow(unused_imports)]
        use cds_core::de::{lenient, lenient_vec};
        #(#items)*
    }
}

fn operation(line: &Line, op: &Operation, types: &Types) -> TokenStream {
    let input = format_ident!("{}Input", op.name);
    let output = format_ident!("{}Output", op.name);
    let request = format_ident!("{}Request", op.name);
    let method = ident(&names::snake(&op.name));
    let meta = meta_ident(&op.name);
    let params = struct_fields(&op.params);
    let link = format!("[`{}`](crate::Client::{})", op.name, names::snake(&op.name));

    let input_doc = docs::attrs(&[format!("Input of {link}.")]);
    let checked = types.roles.nested_check(&op.params) || op.params.iter().any(|f| f.required);
    let input_struct = gen_struct(
        &input,
        input_doc,
        &params,
        Role {
            input: true,
            output: false,
            checked,
        },
        types,
    );
    let output_doc = docs::attrs(&[format!(
        "Output of {link}: the response body (envelope fields excluded unless documented)."
    )]);
    let binary = op.response_kind == ResponseKind::Binary;
    let output_struct = (!binary).then(|| {
        gen_struct(
            &output,
            output_doc,
            &struct_fields(&op.response),
            Role {
                input: false,
                output: true,
                checked: false,
            },
            types,
        )
    });

    let setters = params.iter().map(|p| {
        let location = match p.field.location {
            Some(Location::BodyRoot) => "the whole JSON body",
            Some(l) => l.as_str(),
            None => "query",
        };
        let suffix = format!(
            "(`{}`, {}{})",
            p.field.name,
            location,
            if p.field.required { ", required" } else { "" }
        );
        let doc = docs::attrs(&docs::paragraphs(&p.field.doc, &suffix, &[]));
        setter(p, doc, quote!(input), quote!(self))
    });

    let task = op.task.as_ref().map(|t| {
        let waiter = format_ident!("WAITER_{}", t.waiter.to_shouty_snake_case());
        let pointer = &t.id;
        let poller = line
            .product
            .waiters
            .iter()
            .find(|w| w.name == t.waiter)
            .map(|w| w.poller.as_str())
            .unwrap_or("");
        let poller_output = format_ident!("{}Output", poller);
        let doc = format!(
            " Sends the request, then waits for the task it starts (its id at `{pointer}`), polling [`{poller}`](crate::Client::{}). Returns the output and the poller's final output.",
            names::snake(poller)
        );
        quote! {
            #[doc = #doc]
            pub async fn send_and_wait(self, options: cds_core::WaitOptions) -> Result<(#output, #poller_output), cds_core::Error> {
                self.check()?;
                cds_core::waiter::start_and_wait(&self.client, &meta::#meta, &self.input, &meta::#waiter, #pointer, options).await
            }
        }
    });

    let pages = op.paginate.as_ref().map(|p| {
        let item = resolve_pointer(op, &p.items, &types.defs)
            .map(|t| rust_type(&t))
            .unwrap_or_else(|| quote!(serde_json::Value));
        let pagination = format_ident!("PAGINATION_{}", op.name.to_shouty_snake_case());
        let doc = format!(
            " Streams every item at `{}` across all pages, advancing `{}` (page size `{}`, default 50).",
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

    let check_body = if checked {
        quote!(cds_core::validate::check(&meta::#meta, &self.input))
    } else {
        quote!(Ok(()))
    };
    let check = quote! {
        /// Checks required fields (nested ones by path) before anything is sent.
        fn check(&self) -> Result<(), cds_core::Error> {
            #check_body
        }
    };

    let mut extra = vec![format!(
        "`{} {}`{}",
        op.method.as_str(),
        op.path.clone().unwrap_or_else(|| line.product.path.clone()),
        if op.read {
            " — read-only: retried on transient failures."
        } else {
            " — changes state: retried only when the request certainly never reached the server."
        }
    )];
    if !op.errors.is_empty() {
        let codes: Vec<String> = op
            .errors
            .iter()
            .map(|e| {
                let code = crate::emit::types::yaml_text(&e.code);
                format!(
                    "[`{}`](crate::ErrorCode::{})",
                    code.replace('`', "'"),
                    crate::emit::error_code::variant_for(line, &code)
                )
            })
            .collect();
        extra.push(format!("Documented errors: {}.", codes.join(", ")));
    }
    if op.websocket {
        extra.push("A WebSocket endpoint: the builder's `url(host)` gives the `wss://` URL to open with a WebSocket client; nothing is sent by this SDK.".into());
    }
    let op_doc = docs::attrs(&docs::paragraphs(&op.doc, "", &extra));
    let request_doc = format!(" Request builder of {link}: set parameters, then `.send().await`.");
    let calls = if binary {
        quote! {
            /// Sends the request; a successful answer is a file, returned as its bytes.
            pub async fn send(self) -> Result<cds_core::Bytes, cds_core::Error> {
                Ok(self.send_with_response().await?.output)
            }
            /// Sends the request; the file's bytes come with the HTTP status and request id.
            pub async fn send_with_response(self) -> Result<cds_core::Response<cds_core::Bytes>, cds_core::Error> {
                self.check()?;
                self.client.execute_binary(&meta::#meta, &self.input).await
            }
        }
    } else if op.websocket {
        quote! {
            /// The `wss://` URL of this WebSocket endpoint on `host` (e.g. the `endpoint` that
            /// the line's URL operation returns), path parameters substituted and encoded.
            pub fn url(&self, host: &str) -> Result<String, cds_core::Error> {
                self.check()?;
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
                self.check()?;
                self.client.execute(&meta::#meta, &self.input).await
            }
            #task
            #pages
        }
    };
    let name = &op.name;
    let wire_doc = format!(" Wire name: `{name}`.");
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
            #check
            #calls
        }

        impl crate::Client {
            #op_doc
            #[doc = ""]
            #[doc = #wire_doc]
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
            TypeRef::Named(n) => {
                let def = types.get(n.as_str())?;
                let def = match &def.alias {
                    Some(target) => types.get(target.as_str())?,
                    None => def,
                };
                TypeRef::parse(&def.fields.iter().find(|f| f.name == seg)?.ty).ok()?
            }
            TypeRef::List(inner) if seg.parse::<usize>().is_ok() => *inner,
            _ => return None,
        };
    }
    match current {
        TypeRef::List(inner) => Some(*inner),
        _ => None,
    }
}
