//! `src/meta.rs`: the static description of the line and its operations that `cds-core` (and
//! the emulator, the CLI) read. Built by struct literal: the workspace pins `cds-core` with an
//! exact version (`=`), so a generated crate is always compiled against the `cds-core` it was
//! generated for.

use crate::emit::operations::meta_ident;
use crate::emit::types::is_sensitive;
use crate::emit::types::yaml_text;
use crate::spec::{Auth, HostKind, Line, Location, Method, Operation, Protocol, ResponseKind};
use crate::typeref::TypeRef;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn opt(v: Option<&str>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn host_tokens(h: HostKind) -> TokenStream {
    match h {
        HostKind::Api => quote!(Host::Api),
        HostKind::Endpoint => quote!(Host::Endpoint),
        HostKind::Cdsapi => quote!(Host::Cdsapi),
    }
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(Method::Get),
        Method::Post => quote!(Method::Post),
        Method::Put => quote!(Method::Put),
        Method::Delete => quote!(Method::Delete),
        Method::Patch => quote!(Method::Patch),
    }
}

fn location_tokens(l: Location) -> TokenStream {
    match l {
        Location::Query => quote!(Location::Query),
        Location::Body => quote!(Location::Body),
        Location::BodyRoot => quote!(Location::BodyRoot),
        Location::Path => quote!(Location::Path),
        Location::Header => quote!(Location::Header),
    }
}

fn kind_tokens(line: &Line, ty: &str) -> TokenStream {
    match TypeRef::parse(ty) {
        Ok(TypeRef::String) => quote!(Kind::String),
        Ok(TypeRef::Integer) => quote!(Kind::Integer),
        Ok(TypeRef::Number) => quote!(Kind::Number),
        Ok(TypeRef::Boolean) => quote!(Kind::Boolean),
        Ok(TypeRef::List(_)) => quote!(Kind::List),
        Ok(TypeRef::Map(_)) => quote!(Kind::Object),
        Ok(TypeRef::Named(n)) if line.enums().contains_key(n.as_str()) => quote!(Kind::String),
        Ok(TypeRef::Named(_)) => quote!(Kind::Object),
        _ => quote!(Kind::Any),
    }
}

fn operation_static(line: &Line, op: &Operation) -> TokenStream {
    let id = meta_ident(&op.name);
    let name = &op.name;
    let method = method_tokens(op.method);
    let path = opt(op.path.as_deref());
    let host = match op.host {
        Some(h) => {
            let h = host_tokens(h);
            quote!(Some(#h))
        }
        None => quote!(None),
    };
    let read = op.read;
    let binary = op.response_kind == ResponseKind::Binary;
    let params = op.params.iter().map(|f| {
        let n = &f.name;
        let loc = location_tokens(f.location.unwrap_or(Location::Query));
        let req = f.required;
        let kind = kind_tokens(line, &f.ty);
        quote!(Param { name: #n, location: #loc, required: #req, kind: #kind })
    });
    let doc = format!(" `{name}`.");
    quote! {
        #[doc = #doc]
        pub static #id: Operation = Operation {
            name: #name, method: #method, path: #path, host: #host, read: #read,
            params: &[ #(#params),* ], binary_response: #binary,
        };
    }
}

/// Wire names of every field of the line that carries a secret (redacted wherever a body is
/// shown).
fn sensitive_fields(line: &Line) -> Vec<String> {
    let mut names: Vec<String> = line
        .operations()
        .flat_map(|(_, o)| o.params.iter().chain(&o.response))
        .chain(line.types().values().flat_map(|t| t.fields.iter()))
        .filter(|f| is_sensitive(f))
        .map(|f| f.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `ENV`: the variables `Client::from_env` reads, from `env:` in `product.yaml` (RPC lines
/// default to `CDS_SECRET_ID`, `CDS_SECRET_KEY`, `CDS_REGION`, `CDS_ENDPOINT`).
fn env_tokens(line: &Line) -> TokenStream {
    let declared = line.product.env.declared();
    if declared.iter().all(|(_, v)| v.is_none()) && line.product.protocol == Protocol::Rpc {
        return quote!(cds_core::config::RPC);
    }
    let calls = declared.into_iter().filter_map(|(role, v)| {
        let v = v?;
        let setter = match role {
            "endpoint" if line.product.host != HostKind::Endpoint => "optional_endpoint",
            other => other,
        };
        let m = format_ident!("{}", setter);
        Some(quote!(.#m(#v)))
    });
    quote!(cds_core::EnvNames::new() #(#calls)*)
}

/// `src/meta.rs`.
pub fn meta_rs(line: &Line) -> TokenStream {
    let p = &line.product;
    let product = &line.name;
    let protocol = match p.protocol {
        Protocol::Rpc => {
            let v = p.version.clone().unwrap_or_default();
            quote!(Protocol::Rpc { version: #v })
        }
        Protocol::Rest => quote!(Protocol::Rest),
    };
    let auth = match p.auth {
        Auth::Bearer => quote!(AuthScheme::Bearer),
        Auth::Pluggable => quote!(AuthScheme::Pluggable),
        Auth::HmacSha1 => quote!(AuthScheme::HmacSha1),
    };
    let host = host_tokens(p.host);
    let path = &p.path;
    let e = &p.envelope;
    let (code, message, data) = (&e.code, &e.message, &e.data);
    let success: Vec<String> = e.success.iter().map(yaml_text).collect();
    let request_id = opt(e.request_id.as_deref());
    let region_header = opt(p.region_header.as_deref());
    let sensitive = sensitive_fields(line);
    let env = env_tokens(line);
    let ops: Vec<&Operation> = line.operations().map(|(_, o)| o).collect();
    let op_statics = ops.iter().map(|op| operation_static(line, op));
    let all = ops.iter().map(|op| meta_ident(&op.name));
    let waiter_id = |name: &str| format_ident!("WAITER_{}", name.to_shouty_snake_case());
    let all_waiters = p.waiters.iter().map(|w| waiter_id(&w.name));
    let waiters = p.waiters.iter().map(|w| {
        let id = waiter_id(&w.name);
        let poller = meta_ident(&w.poller);
        let (id_param, status) = (&w.id_param, &w.status);
        let (success, failure, uuid) = (&w.success, &w.failure, &w.uuid_params);
        let reason = opt(w.reason.as_deref());
        let doc = format!(" Waiter `{}`: polls `{}`.", w.name, w.poller);
        quote! {
            #[doc = #doc]
            pub static #id: Waiter = Waiter {
                poller: &#poller, id_param: #id_param, status: #status,
                success: &[ #(#success),* ], failure: &[ #(#failure),* ], reason: #reason,
                fresh_uuid_params: &[ #(#uuid),* ],
            };
        }
    });
    let pages = ops.iter().filter_map(|op| {
        let pg = op.paginate.as_ref()?;
        let id = format_ident!("PAGINATION_{}", op.name.to_shouty_snake_case());
        let (page, size, items) = (&pg.page, &pg.size, &pg.items);
        let total = opt(pg.total.as_deref());
        let doc = format!(" Paging of `{}`.", op.name);
        Some(quote! {
            #[doc = #doc]
            pub static #id: Pagination = Pagination { page: #page, size: #size, items: #items, total: #total };
        })
    });
    quote! {
        //! Static description of this product line and its operations, read by `cds-core`
        //! (and by tools such as the emulator and the CLI).
        #[allow(unused_imports)]
        use cds_core::operation::{AuthScheme, Envelope, Host, Kind, LineDescription, Location, Method, Operation, Pagination, Param, Protocol, Service, Waiter};

        /// The product line.
        pub static SERVICE: Service = Service {
            product: #product,
            protocol: #protocol,
            auth: #auth,
            host: #host,
            path: #path,
            envelope: Envelope { code: #code, success: &[ #(#success),* ], message: #message, request_id: #request_id, data: #data },
            region_header: #region_header,
            sensitive_fields: &[ #(#sensitive),* ],
        };
        /// The environment variables `Client::from_env` reads.
        pub const ENV: cds_core::EnvNames = #env;
        #(#op_statics)*
        /// Every operation of the line.
        pub static OPERATIONS: &[&Operation] = &[ #(&#all),* ];
        #(#waiters)*
        /// Every task waiter of the line.
        pub static WAITERS: &[&Waiter] = &[ #(&#all_waiters),* ];
        #(#pages)*
        /// Everything generated about this line, for tools such as the emulator.
        pub static LINE: LineDescription = LineDescription {
            service: &SERVICE, operations: OPERATIONS, waiters: WAITERS, examples: crate::examples::ALL,
        };
    }
}
