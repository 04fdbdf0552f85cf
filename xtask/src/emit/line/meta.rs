//! `src/meta.rs`: the one static description of the line that `cds-core`, the emulator and
//! the CLI read: the service, every operation (parameters with their full shapes, output
//! shape, task, paging), the waiters, the shapes of the named types and value sets, the
//! environment variables, the examples and the resource model. Built by struct literal: the
//! workspace pins `cds-core` with an exact version (`=`), so a generated crate is always
//! compiled against the `cds-core` it was generated for.

use crate::emit::line::layout::Layout;
use crate::emit::line::types::{is_integer_enum, is_sensitive, yaml_text};
use crate::spec::{
    Auth, Field, HostKind, Line, Location, Method, Operation, Protocol, ResponseKind,
};
use crate::typeref::TypeRef;
use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Name of the static describing an operation in `meta`.
pub fn meta_ident(op: &str) -> Ident {
    format_ident!("{}", op.to_shouty_snake_case())
}

/// Name of the static describing a named type's shape.
pub fn type_ident(name: &str) -> Ident {
    format_ident!("TYPE_{}", name.to_shouty_snake_case())
}

/// Name of the static describing a value set.
pub fn enum_ident(name: &str) -> Ident {
    format_ident!("ENUM_{}", name.to_shouty_snake_case())
}

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

/// The `Shape` of a spec type (named types and enums refer to their statics; an alias to its
/// target's).
fn shape_tokens(layout: &Layout, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(Shape::String),
        TypeRef::Integer => quote!(Shape::Integer),
        TypeRef::Number => quote!(Shape::Number),
        TypeRef::Boolean => quote!(Shape::Boolean),
        TypeRef::Any => quote!(Shape::Any),
        TypeRef::List(inner) => {
            let inner = shape_tokens(layout, inner);
            quote!(Shape::List(&#inner))
        }
        TypeRef::Map(inner) => {
            let inner = shape_tokens(layout, inner);
            quote!(Shape::Map(&#inner))
        }
        TypeRef::Named(n) if layout.is_enum(n) => {
            let id = enum_ident(n);
            quote!(Shape::Enum(&#id))
        }
        TypeRef::Named(n) => {
            let target = layout
                .defs
                .get(n.as_str())
                .and_then(|d| d.alias.clone())
                .unwrap_or_else(|| n.clone());
            let id = type_ident(&target);
            quote!(Shape::Struct(&#id))
        }
    }
}

fn field_tokens(layout: &Layout, f: &Field) -> TokenStream {
    let name = &f.name;
    let shape = shape_tokens(layout, &TypeRef::parse(&f.ty).unwrap_or(TypeRef::Any));
    let (required, sensitive, flatten) = (f.required, is_sensitive(f), f.flatten);
    quote!(Field { name: #name, shape: #shape, required: #required, sensitive: #sensitive, flatten: #flatten })
}

fn struct_tokens(layout: &Layout, name: &str, fields: &[Field]) -> TokenStream {
    let fields = fields.iter().map(|f| field_tokens(layout, f));
    quote!(Struct { name: #name, fields: &[ #(#fields),* ] })
}

/// The statics of the named types (`TYPE_…`) and value sets (`ENUM_…`).
fn shape_statics(layout: &Layout) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for (name, def) in &layout.defs {
        if def.alias.is_some() {
            continue;
        }
        let id = type_ident(name);
        let body = struct_tokens(layout, name, &def.fields);
        let doc = format!(" Shape of `{name}`.");
        out.push(quote!(#[doc = #doc] pub static #id: Struct = #body;));
    }
    for (name, def) in &layout.enums {
        let id = enum_ident(name);
        let integer = is_integer_enum(def);
        let values = def.values.iter().map(|v| {
            let value = yaml_text(&v.value);
            let (en, zh) = (v.doc.en.trim(), v.doc.zh.trim());
            quote!(EnumValue { value: #value, en: #en, zh: #zh })
        });
        let doc = format!(" The value set `{name}`.");
        out.push(quote! {
            #[doc = #doc]
            pub static #id: EnumSet = EnumSet { name: #name, values: &[ #(#values),* ], integer: #integer };
        });
    }
    out
}

/// `Some("…")` with the deprecation note of an operation or parameter.
fn deprecation_tokens(d: Option<&crate::spec::Deprecation>) -> TokenStream {
    match d {
        Some(d) => {
            let note = match &d.renamed_to {
                Some(to) => format!("renamed {to} on {}: {}", d.date, d.why.trim()),
                None => format!("removed on {}: {}", d.date, d.why.trim()),
            };
            quote!(Some(#note))
        }
        None => quote!(None),
    }
}

fn operation_static(layout: &Layout, op: &Operation) -> TokenStream {
    let line = layout.line;
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
        let shape = shape_tokens(layout, &TypeRef::parse(&f.ty).unwrap_or(TypeRef::Any));
        let sensitive = is_sensitive(f);
        let deprecated = deprecation_tokens(f.deprecated.as_ref());
        let undocumented = opt(f.undocumented.as_ref().map(|u| u.evidence.as_str()));
        quote!(Param { name: #n, location: #loc, required: #req, shape: #shape, sensitive: #sensitive, deprecated: #deprecated, undocumented: #undocumented })
    });
    let output = struct_tokens(layout, &format!("{}Output", op.name), &op.response);
    let task = match &op.task {
        Some(t) => {
            let waiter = format_ident!("WAITER_{}", t.waiter.to_shouty_snake_case());
            let pointer = &t.id;
            quote!(Some(TaskMarker { waiter: &#waiter, id: #pointer }))
        }
        None => quote!(None),
    };
    let pagination = match &op.paginate {
        Some(_) => {
            let p = format_ident!("PAGINATION_{}", op.name.to_shouty_snake_case());
            quote!(Some(&#p))
        }
        None => quote!(None),
    };
    let websocket = op.websocket;
    let deprecated = deprecation_tokens(op.deprecated.as_ref());
    let _ = line;
    let doc = format!(" `{name}`.");
    quote! {
        #[doc = #doc]
        pub static #id: Operation = Operation {
            name: #name, method: #method, path: #path, host: #host, read: #read,
            params: &[ #(#params),* ], binary_response: #binary,
            output: &#output, task: #task, pagination: #pagination, websocket: #websocket,
            deprecated: #deprecated,
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
pub fn meta_rs(layout: &Layout) -> TokenStream {
    let line = layout.line;
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
    let op_statics = ops.iter().map(|op| operation_static(layout, op));
    let shapes = shape_statics(layout);
    let resources = crate::emit::line::model::model_tokens(line);
    let (title_en, title_zh) = (p.title.en.trim(), p.title.zh.trim());
    let has_model = line.resources.is_some();
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
        //! The static description of this product line that `cds-core` executes and the `cds`
        //! CLI and the emulator read: the service, every operation (parameters with their full
        //! shapes, output shape, task, paging), waiters, the shapes of the named types and
        //! value sets, environment variables, examples and the resource model.
        #[allow(unused_imports)]
        use cds_core::operation::{AuthScheme, EnumSet, EnumValue, Envelope, Field, Host, LineDescription, Location, Method, Operation, Pagination, Param, Protocol, Service, Shape, Struct, TaskMarker, Waiter};

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
        #(#shapes)*
        #resources
        /// Everything generated about this line, for tools such as the emulator and the CLI.
        pub static LINE: LineDescription = LineDescription {
            service: &SERVICE, title: (#title_en, #title_zh), operations: OPERATIONS, waiters: WAITERS,
            examples: crate::examples::ALL, env: ENV, resources: RESOURCES, has_model: #has_model,
        };
    }
}
