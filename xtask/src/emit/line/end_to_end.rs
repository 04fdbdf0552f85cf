//! Generated end-to-end tests: every operation called once through the generated client
//! against the emulator, with every parameter set, so that signing, locations, shapes,
//! path encoding and decoding are all exercised.

use crate::emit::line::layout::Layout;
use crate::emit::line::package;
use crate::emit::line::types::struct_fields;
use crate::names::{self, ident};
use crate::spec::{Location, ResponseKind};
use crate::typeref::TypeRef;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The sample text sent for string parameters: exercises percent-encoding of space, slash,
/// `+`, `*`, `~`, `&`, `=` and non-ASCII.
pub const SAMPLE_TEXT: &str = "sample value/+*~&=中";

/// An expression of type `ty` used as a sample argument: nested values are built with their
/// builders (every field near the top, required ones deeper down).
fn sample(krate: &proc_macro2::Ident, ty: &TypeRef, layout: &Layout, depth: usize) -> TokenStream {
    match ty {
        TypeRef::String => quote!(#SAMPLE_TEXT.to_string()),
        TypeRef::Integer => quote!(7_i64),
        TypeRef::Number => quote!(1.5_f64),
        TypeRef::Boolean => quote!(true),
        TypeRef::Any => quote!(serde_json::json!({"sample": 1})),
        TypeRef::Named(n) => {
            let path = layout.external_path(krate, n);
            if layout.is_enum(n) {
                return quote!(#path::from("sample"));
            }
            let Some(def) = layout.resolve(n) else {
                return quote!(#path::default());
            };
            let setters = struct_fields(&def.fields)
                .into_iter()
                .filter(|f| depth < 4 && (depth < 2 || f.field.required))
                .map(|f| {
                    let setter = names::setter(&f.rust);
                    let value = match &f.ty {
                        TypeRef::List(inner) => sample(krate, inner, layout, depth + 1),
                        other => sample(krate, other, layout, depth + 1),
                    };
                    match &f.ty {
                        TypeRef::List(_) => quote!(.#setter([#value])),
                        _ => quote!(.#setter(#value)),
                    }
                });
            let target = layout
                .defs
                .get(n.as_str())
                .and_then(|d| d.alias.clone())
                .unwrap_or_else(|| n.clone());
            if layout.roles.validated.contains(&target) || layout.roles.validated.contains(n) {
                quote!(#path::builder() #(#setters)* .build().expect("every required field is set"))
            } else {
                quote!(#path::builder() #(#setters)* .build())
            }
        }
        TypeRef::List(inner) => {
            let inner = sample(krate, inner, layout, depth);
            quote!(vec![#inner])
        }
        TypeRef::Map(_) => quote!(std::collections::BTreeMap::new()),
    }
}

/// `tests/end_to_end.rs` of a line.
pub fn end_to_end(layout: &Layout) -> TokenStream {
    let line = layout.line;
    let krate = format_ident!("{}", package(line).replace('-', "_"));
    let data_field = line.product.envelope.data.clone();
    let e = &line.product.envelope;
    let mut envelope = vec![e.code.clone(), e.message.clone()];
    envelope.extend(e.request_id.clone());
    let tests = line.operations().map(|(_, op)| {
        let test = format_ident!("{}_end_to_end", names::snake(&op.name));
        let op_names = layout.op(op);
        let method = ident(&op_names.method);
        let client_of = if op_names.operator {
            quote!(.operator())
        } else {
            quote!()
        };
        let name = &op.name;
        let data_field = &data_field;
        let setters = struct_fields(&op.params).into_iter().map(|p| {
            let setter = names::setter(&p.rust);
            match &p.ty {
                TypeRef::List(inner) => {
                    let value = sample(&krate, inner, layout, 0);
                    quote!(.#setter([#value]))
                }
                other => {
                    let value = sample(&krate, other, layout, 0);
                    quote!(.#setter(#value))
                }
            }
        });
        let path_checks = op.params.iter().filter(|p| p.location == Some(Location::Path)).map(|p| {
            let n = &p.name;
            let expected = match TypeRef::parse(&p.ty) {
                Ok(TypeRef::Integer) => "7".to_string(),
                Ok(TypeRef::Number) => "1.5".to_string(),
                Ok(TypeRef::Boolean) => "true".to_string(),
                Ok(TypeRef::Named(n)) if layout.is_enum(&n) => "sample".to_string(),
                _ => SAMPLE_TEXT.to_string(),
            };
            quote! {
                assert_eq!(seen[0].path_params.get(#n).map(String::as_str), Some(#expected), "path parameter {} arrives decoded", #n);
            }
        });
        if op.websocket {
            let setters: Vec<TokenStream> = setters.collect();
            let path = op.path.clone().unwrap_or_default();
            let expected = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "sample%20value%2F%2B%2A~%26%3D%E4%B8%AD" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let expected = format!("wss://vnc.example:8443{expected}");
            return quote! {
                #[test]
                fn #test() {
                    let config = cds_core::Config::builder().endpoint("http://127.0.0.1:1").build().expect("config");
                    let client = #krate::Client::new(&config);
                    let url = client #client_of .#method() #(#setters)* .url("vnc.example:8443").expect("all parameters set");
                    assert_eq!(url, #expected);
                    let missing = client #client_of .#method().url("vnc.example:8443");
                    assert!(matches!(missing, Err(cds_core::Error::MissingParameter { .. })));
                }
            };
        }
        let check_output = if op.response_kind == ResponseKind::Binary {
            quote! {
                assert!(!response.output.is_empty(), "the file's bytes are returned");
            }
        } else {
            quote! {
                // A bare-array answer is the payload (cds-core wraps it under the data field).
                let served = match &seen[0].response {
                    serde_json::Value::Array(_) => serde_json::json!({ #data_field: seen[0].response.clone() }),
                    other => other.clone(),
                };
                // Everything served reaches the typed output: re-encoded (`serde-serialize`,
                // which the workspace's tests enable), it keeps every field of the body
                // (envelope excepted).
                #[cfg(feature = "serde-serialize")]
                {
                    let decoded = serde_json::to_value(&response.output).expect("the output re-encodes");
                    let lost = cds_core::fixture::lost_paths(&served, &decoded, &[#(#envelope),*]);
                    assert!(lost.is_empty(), "{} loses {lost:?} of what the emulator served", #name);
                }
                #[cfg(not(feature = "serde-serialize"))]
                {
                    let _ = (served, &response);
                }
            }
        };
        quote! {
            #[tokio::test]
            async fn #test() {
                let emulator = cds_emulator::Emulator::start(&[&#krate::meta::LINE]).await.expect("the emulator starts");
                let client = #krate::Client::new(&emulator.config());
                let response = client #client_of .#method() #(#setters)* .send_with_response().await;
                let seen = emulator.requests_for(#name);
                let response = match response {
                    Ok(r) => r,
                    Err(e) => panic!("{} failed against the emulator: {e}; requests: {seen:#?}", #name),
                };
                assert_eq!(seen.len(), 1, "exactly one request is sent");
                assert_eq!(seen[0].rejected, None);
                #(#path_checks)*
                #check_output
            }
        }
    });

    quote! {
        //! Every operation, every parameter set, sent once through the generated client to the
        //! emulator, which verifies authentication, locations and shapes; the decoded output
        //! must equal what the emulator served. Deprecated operations and parameters are
        //! called too: they must keep working.
        #![allow(deprecated)]
        #(#tests)*
    }
}
