//! One module per operation (`src/operation/<op>.rs`): its input, its output (with borrowing
//! accessors), its request builder, the shapes only it uses, and the client method that
//! starts it; plus `src/operation/mod.rs` (and `operation/operator/mod.rs` for an
//! operator-side API).

use crate::docs;
use crate::emit::line::layout::{Layout, OpNames};
use crate::emit::line::meta::meta_ident;
use crate::emit::line::types::{field_doc, gen_struct, setter, struct_fields, Role};
use crate::names;
use crate::spec::{Location, Operation, ResponseKind, TypeDef};
use crate::typeref::TypeRef;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// `src/operation/mod.rs`: one `pub mod` per operation (and `pub mod operator` when the line
/// has an operator-side API); or, with `operator`, `src/operation/operator/mod.rs`.
pub fn mod_rs(layout: &Layout, operator: bool) -> TokenStream {
    let mut modules: Vec<(String, TokenStream)> = layout
        .ops
        .values()
        .filter(|n| n.operator == operator)
        .map(|n| {
            let m = names::ident(&n.module);
            let doc = format!(" `{}`: input, output, request.", n.rust);
            (n.module.clone(), quote!(#[doc = #doc] pub mod #m;))
        })
        .collect();
    if !operator && layout.ops.values().any(|n| n.operator) {
        modules.push((
            "operator".to_string(),
            quote! {
                /// The operator-side (administrator) API, reached through [`crate::Client::operator`].
                pub mod operator;
            },
        ));
    }
    // In the order rustfmt keeps them, so that `codegen --check` needs no rustfmt.
    modules.sort_by(|a, b| a.0.cmp(&b.0));
    let mods = modules.into_iter().map(|(_, m)| m);
    let doc = if operator {
        " The operator-side operations: one module each (input, output, request, the shapes only it uses)."
    } else {
        " The operations: one module each (input, output, request, and the shapes only that operation uses)."
    };
    quote! {
        #![doc = #doc]
        #(#mods)*
    }
}

/// The module of operation `op`.
pub fn operation_module(layout: &Layout, op: &Operation) -> TokenStream {
    let names = layout.op(op);
    let mut items = Vec::new();
    for name in layout.local_types(&op.name) {
        let def = layout.defs[name];
        items.push(local_type(layout, name, def));
    }
    items.push(operation(layout, op, names));
    let doc = docs::lines(&docs::paragraphs(&op.doc, &format!("(`{}`)", op.name), &[]));
    quote! {
        #( #![doc = #doc] )*
        #(#items)*
    }
}

fn local_type(layout: &Layout, name: &str, def: &TypeDef) -> TokenStream {
    let id = format_ident!("{}", layout.type_name(name));
    let doc = docs::attrs(&docs::paragraphs(
        &def.doc,
        &format!("(spec type `{name}`)"),
        &[],
    ));
    gen_struct(
        layout,
        &id,
        doc,
        &struct_fields(&def.fields),
        role_of(layout, name),
    )
}

/// The role of named type `name`.
pub fn role_of(layout: &Layout, name: &str) -> Role {
    let roles = &layout.roles;
    Role {
        input: roles.input.contains(name),
        output: roles.output.contains(name) || !roles.input.contains(name),
        checked: roles.validated.contains(name),
    }
}

fn operation(layout: &Layout, op: &Operation, names: &OpNames) -> TokenStream {
    let line = layout.line;
    let input = names.input();
    let output = names.output();
    let request = names.request();
    let method = names::ident(&names.method);
    let client = names.client();
    let meta = meta_ident(&op.name);
    let params = struct_fields(&op.params);
    let link = format!("[`{}`](crate::{}::{})", names.rust, client, names.method);

    let input_doc = docs::attrs(&[format!("Input of {link}.")]);
    let checked = layout.roles.nested_check(&op.params) || op.params.iter().any(|f| f.required);
    let input_struct = gen_struct(
        layout,
        &input,
        input_doc,
        &params,
        Role {
            input: true,
            output: false,
            checked,
        },
    );
    let output_doc = docs::attrs(&[format!(
        "Output of {link}: the response body (envelope fields excluded unless documented)."
    )]);
    let binary = op.response_kind == ResponseKind::Binary;
    let output_struct = (!binary).then(|| {
        gen_struct(
            layout,
            &output,
            output_doc,
            &struct_fields(&op.response),
            Role {
                input: false,
                output: true,
                checked: false,
            },
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
        setter(
            layout,
            p,
            field_doc(&p.field, &suffix),
            quote!(input),
            quote!(self),
        )
    });

    let task = op.task.as_ref().map(|t| {
        let waiter = format_ident!("WAITER_{}", heck::ToShoutySnakeCase::to_shouty_snake_case(t.waiter.as_str()));
        let pointer = &t.id;
        let poller = line
            .product
            .waiters
            .iter()
            .find(|w| w.name == t.waiter)
            .map(|w| w.poller.as_str())
            .unwrap_or("");
        let poller_names = &layout.ops[poller];
        let poller_output = layout.output_path(poller);
        let doc = format!(
            " Sends the request, then waits for the task it starts (its id at `{pointer}`), polling [`{}`](crate::{}::{}). Returns the output and the poller's final output.",
            poller_names.rust, poller_names.client(), poller_names.method
        );
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn send_and_wait(self, options: cds_core::WaitOptions) -> impl std::future::Future<Output = Result<(#output, #poller_output), cds_core::Error>> + Send {
                let checked = self.check();
                cds_core::waiter::send_and_wait(self.client, &crate::meta::#meta, self.input, checked, &crate::meta::#waiter, #pointer, options)
            }
        }
    });

    let pages = op.paginate.as_ref().map(|p| {
        let item = resolve_pointer(op, &p.items, &layout.defs)
            .map(|t| layout.rust_type(&t))
            .unwrap_or_else(|| quote!(serde_json::Value));
        let pagination = format_ident!("PAGINATION_{}", heck::ToShoutySnakeCase::to_shouty_snake_case(op.name.as_str()));
        let doc = format!(
            " Streams every item at `{}` across all pages, advancing `{}` (page size `{}`, default 50).",
            p.items, p.page, p.size
        );
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn into_items(self) -> impl cds_core::__private::Stream<Item = Result<#item, cds_core::Error>> + Send {
                let input = serde_json::to_value(&self.input).unwrap_or(serde_json::Value::Null);
                cds_core::paginate::items(self.client, &crate::meta::#meta, &crate::meta::#pagination, input)
            }
        }
    });

    let check_body = if checked {
        quote!(cds_core::validate::check(&crate::meta::#meta, &self.input))
    } else {
        quote!(Ok(()))
    };
    let check = quote! {
        /// Checks required fields (nested ones by path) before anything is sent.
        #[inline]
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
                let code = crate::emit::line::types::yaml_text(&e.code);
                format!(
                    "[`{}`](crate::ErrorCode::{})",
                    code.replace('`', "'"),
                    crate::emit::line::error_code::variant_for(line, &code)
                )
            })
            .collect();
        extra.push(format!("Documented errors: {}.", codes.join(", ")));
    }
    if op.websocket {
        extra.push("A WebSocket endpoint: the builder's `url(host)` gives the `wss://` URL to open with a WebSocket client; nothing is sent by this SDK.".into());
    }
    if let Some(d) = &op.deprecated {
        extra.push(match &d.renamed_to {
            Some(to) => format!(
                "Deprecated: renamed `{to}` in the vendor's documents of {}; this method still sends `{}`. {}",
                d.date,
                op.name,
                docs::escape(&d.why)
            ),
            None => format!(
                "Deprecated: removed from the vendor's documents of {}. {}",
                d.date,
                docs::escape(&d.why)
            ),
        });
    }
    let op_doc = docs::attrs(&docs::paragraphs(&op.doc, "", &extra));
    let deprecated = op.deprecated.as_ref().map(|d| {
        let note = match &d.renamed_to {
            Some(to) => {
                let to_method = layout
                    .ops
                    .get(to)
                    .map(|n| n.method.clone())
                    .unwrap_or_default();
                format!(
                    "use `{to_method}()`: {} This method still sends {}.",
                    d.why.trim(),
                    op.name
                )
            }
            None => format!(
                "removed from the vendor's documents on {}: {}",
                d.date,
                d.why.trim().trim_end_matches('.')
            ),
        };
        quote!(#[deprecated(note = #note)])
    });
    let request_doc = format!(" Request builder of {link}: set parameters, then `.send().await`.");
    let calls = if binary {
        quote! {
            /// Sends the request; a successful answer is a file, returned as its bytes.
            pub async fn send(self) -> Result<cds_core::Bytes, cds_core::Error> {
                Ok(self.send_with_response().await?.output)
            }
            /// Sends the request; the file's bytes come with the HTTP status and request id.
            #[inline]
            pub fn send_with_response(self) -> impl std::future::Future<Output = Result<cds_core::Response<cds_core::Bytes>, cds_core::Error>> + Send {
                let checked = self.check();
                cds_core::client::send_binary(self.client, &crate::meta::#meta, self.input, checked)
            }
        }
    } else if op.websocket {
        quote! {
            /// The `wss://` URL of this WebSocket endpoint on `host` (e.g. the `endpoint` that
            /// the line's URL operation returns), path parameters substituted and encoded.
            #[inline]
            pub fn url(&self, host: &str) -> Result<String, cds_core::Error> {
                self.check()?;
                cds_core::request::websocket_url(&crate::meta::#meta, host, &self.input)
            }
        }
    } else {
        quote! {
            /// Sends the request and decodes the output.
            #[inline]
            pub fn send(self) -> impl std::future::Future<Output = Result<#output, cds_core::Error>> + Send {
                let checked = self.check();
                cds_core::client::send_output(self.client, &crate::meta::#meta, self.input, checked)
            }
            /// Sends the request; the output comes with the raw body, HTTP status and request id.
            #[inline]
            pub fn send_with_response(self) -> impl std::future::Future<Output = Result<cds_core::Response<#output>, cds_core::Error>> + Send {
                let checked = self.check();
                cds_core::client::send(self.client, &crate::meta::#meta, self.input, checked)
            }
            #task
            #pages
        }
    };
    let prepare = (!op.websocket).then(|| {
        quote! {
            /// The request this would send now (signed, authenticated), without sending it:
            /// its `Display` redacts every secret.
            #[inline]
            pub fn prepare(&self) -> Result<cds_core::PreparedRequest, cds_core::Error> {
                self.check()?;
                self.client.prepare(&crate::meta::#meta, &self.input)
            }
        }
    });
    let wire_doc = format!(" Wire name: `{}`.", op.name);
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

        #[allow(deprecated)]
        impl #request {
            /// The input built so far.
            #[inline]
            pub fn input(&self) -> &#input {
                &self.input
            }
            /// Replaces the whole input.
            #[inline]
            pub fn with_input(mut self, input: #input) -> Self {
                self.input = input;
                self
            }
            #(#setters)*
            #check
            #prepare
            #calls
        }

        impl crate::#client {
            #op_doc
            #[doc = ""]
            #[doc = #wire_doc]
            #deprecated
            #[inline]
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

/// Whether `line` has an operator-side API.
pub fn has_operator(layout: &Layout) -> bool {
    layout.ops.values().any(|n| n.operator)
}
