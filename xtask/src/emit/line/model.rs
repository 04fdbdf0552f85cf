//! `meta::RESOURCES`: the line's resource model (`spec/<line>/resources.yaml`) as
//! `cds_core::model` statics, completed from the spec: each action's task pointer, a list's
//! items, paging and total from the operation's `paginate`, the task model's statuses from the
//! waiter, each operation's documented errors, and expressions parsed.

use crate::spec::resources::{
    documented_errors, parse_expr, parse_filter, Action, ErrorRef, Expr, Family, Kind, Model,
    GENERATORS,
};
use crate::spec::Line;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_yaml::Value;
use std::collections::BTreeMap;

fn opt(v: Option<&str>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn strs(v: &[String]) -> TokenStream {
    quote!(&[ #(#v),* ])
}

fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Literal(json) => quote!(cds_core::model::Expr::Literal(#json)),
        Expr::Param(p) => quote!(cds_core::model::Expr::Param(#p)),
        Expr::Item(p) => quote!(cds_core::model::Expr::Item(#p)),
        Expr::Field(p) => quote!(cds_core::model::Expr::Field(#p)),
        Expr::Each(p) => quote!(cds_core::model::Expr::Each(#p)),
        Expr::Ref { param, field } => {
            quote!(cds_core::model::Expr::Ref { param: #param, field: #field })
        }
        Expr::Gen(g) => {
            let variant = GENERATORS
                .iter()
                .find(|(n, _)| n == g)
                .map(|(_, v)| format_ident!("{}", v))
                .unwrap_or_else(|| format_ident!("Id"));
            quote!(cds_core::model::Expr::Gen(cds_core::model::Gen::#variant))
        }
        Expr::First(alts) => {
            let alts = alts.iter().map(expr);
            quote!(cds_core::model::Expr::First(&[ #(#alts),* ]))
        }
        Expr::Unless(e, value) => {
            let e = expr(e);
            quote!(cds_core::model::Expr::Unless { expr: &#e, value: #value })
        }
    }
}

/// `&[(pointer, Expr)]` (values that do not parse were reported by validation; they become
/// null literals here).
fn exprs(map: &BTreeMap<String, Value>) -> TokenStream {
    let items = map.iter().map(|(k, v)| {
        let e = parse_expr(v).unwrap_or(Expr::Literal("null".into()));
        let e = expr(&e);
        quote!((#k, #e))
    });
    quote!(&[ #(#items),* ])
}

fn error_answer(code: &str, http: u16, message: &str) -> TokenStream {
    quote!(cds_core::model::ErrorAnswer { code: #code, http: #http, message: #message })
}

/// An error of the model: the documented status and message of its code when the line
/// documents it, else its own (default 400, "The specified <what> does not exist.").
fn error_ref(line: &Line, e: &ErrorRef, what: &str) -> TokenStream {
    let documented = line
        .operations()
        .flat_map(|(_, op)| documented_errors(line, op))
        .find(|d| d.code == e.code);
    let http = e
        .http
        .or(documented.as_ref().map(|d| d.http))
        .unwrap_or(400);
    let message = e
        .message
        .clone()
        .or_else(|| documented.map(|d| d.message).filter(|m| !m.is_empty()))
        .unwrap_or_else(|| format!("The specified {what} does not exist."));
    error_answer(&e.code, http, &message)
}

fn opt_error(line: &Line, e: Option<&ErrorRef>, what: &str) -> TokenStream {
    match e {
        Some(e) => {
            let t = error_ref(line, e, what);
            quote!(Some(#t))
        }
        None => quote!(None),
    }
}

fn kind(k: Kind) -> TokenStream {
    match k {
        Kind::Create => quote!(cds_core::model::ActionKind::Create),
        Kind::List => quote!(cds_core::model::ActionKind::List),
        Kind::Get => quote!(cds_core::model::ActionKind::Get),
        Kind::Delete => quote!(cds_core::model::ActionKind::Delete),
        Kind::Update => quote!(cds_core::model::ActionKind::Update),
        Kind::Check => quote!(cds_core::model::ActionKind::Check),
    }
}

fn action(line: &Line, a: &Action) -> TokenStream {
    let op = line.operations().map(|(_, o)| o).find(|o| o.name == a.op);
    let paginate = op.and_then(|o| o.paginate.as_ref());
    let list = a.kind == Kind::List;
    let from_paging = |own: &Option<String>, pick: fn(&crate::spec::Paginate) -> Option<String>| {
        own.clone()
            .or_else(|| if list { paginate.and_then(pick) } else { None })
    };
    let items = from_paging(&a.items, |p| Some(p.items.clone()));
    let page = from_paging(&a.page, |p| Some(p.page.clone()));
    let size = from_paging(&a.size, |p| Some(p.size.clone()));
    let total = from_paging(&a.total, |p| p.total.clone());
    let task = op.and_then(|o| o.task.as_ref()).map(|t| t.id.clone());
    let mut out = a.out.clone();
    if let Some(t) = total {
        out.entry(t)
            .or_insert_with(|| Value::String("@total".into()));
    }
    if let Some(p) = &a.pages {
        out.entry(p.clone())
            .or_insert_with(|| Value::String("@pages".into()));
    }
    let name = &a.op;
    let k = kind(a.kind);
    let id = opt(a.id.as_deref());
    let key = opt(a.key.as_deref());
    let count = opt(a.count.as_deref());
    let each = opt(a.each.as_deref());
    let record = exprs(&a.record);
    let children = a.children.iter().map(|c| {
        let (family, each) = (&c.family, &c.each);
        let link = opt(c.link.as_deref());
        let record = exprs(&c.record);
        quote!(cds_core::model::Children { family: #family, link: #link, each: #each, record: #record })
    });
    let from = strs(&a.from);
    let pending = exprs(&a.pending);
    let set = exprs(&a.set);
    let by = opt(a.by.as_deref());
    let transitions = a.transitions.iter().map(|(value, t)| {
        let from = strs(&t.from);
        let pending = exprs(&t.pending);
        let set = exprs(&t.set);
        quote!(cds_core::model::Transition { value: #value, from: #from, pending: #pending, set: #set })
    });
    let filters = a.filters.iter().map(|(param, spec)| {
        let fields = parse_filter(spec).unwrap_or_default();
        let fields = fields
            .iter()
            .map(|(f, c)| quote!(cds_core::model::Match { field: #f, contains: #c }));
        quote!(cds_core::model::Filter { param: #param, fields: &[ #(#fields),* ] })
    });
    let refs = a.refs.iter().map(|(k, v)| quote!((#k, #v)));
    let blocked = a.blocked_by.iter().map(|b| {
        let (f, l) = (&b.family, &b.link);
        quote!(cds_core::model::Blocker { family: #f, link: #l })
    });
    let (items, at, item_at) = (
        opt(items.as_deref()),
        opt(a.at.as_deref()),
        opt(a.item_at.as_deref()),
    );
    let (ids_only, keyed) = (a.ids_only, a.keyed);
    let show = strs(&a.show);
    let out = exprs(&out);
    let task = opt(task.as_deref());
    let task_each = a.task_each;
    let task_type = opt(a.task_type.as_deref());
    let (page, size) = (opt(page.as_deref()), opt(size.as_deref()));
    let size_default = match a.size_default {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let prefer = a.errors.iter().map(|(k, v)| quote!((#k, #v)));
    let documented = op.map(|op| documented_errors(line, op)).unwrap_or_default();
    let documented = documented
        .iter()
        .map(|d| error_answer(&d.code, d.http, &d.message));
    quote! {
        cds_core::model::Action {
            op: #name, kind: #k, id: #id, key: #key, count: #count, each: #each, record: #record,
            children: &[ #(#children),* ], from: #from, pending: #pending, set: #set, by: #by,
            transitions: &[ #(#transitions),* ], filters: &[ #(#filters),* ],
            refs: &[ #(#refs),* ], blocked_by: &[ #(#blocked),* ], items: #items, at: #at,
            item_at: #item_at, ids_only: #ids_only, keyed: #keyed, show: #show, out: #out,
            task: #task, task_each: #task_each, task_type: #task_type, page: #page, size: #size,
            size_default: #size_default, prefer: &[ #(#prefer),* ],
            documented: &[ #(#documented),* ],
        }
    }
}

fn family(line: &Line, f: &Family) -> TokenStream {
    let (name, id, prefix) = (&f.name, &f.id, &f.id_prefix);
    let status = opt(f.status.as_deref());
    let statuses = strs(&f.statuses);
    let e = &f.errors;
    let (nf, mf, st) = (strs(&e.not_found), strs(&e.malformed), strs(&e.state));
    let fallback = opt_error(line, e.fallback.as_ref(), &f.name);
    let state_fallback = opt_error(line, e.state_fallback.as_ref(), &f.name);
    let embed = match &f.embed {
        Some(e) => {
            let (parent, link, at) = (&e.parent, &e.link, &e.at);
            quote!(Some(cds_core::model::Embed { parent: #parent, link: #link, at: #at }))
        }
        None => quote!(None),
    };
    let template = exprs(&f.template);
    let actions = f.operations.iter().map(|a| action(line, a));
    quote! {
        cds_core::model::Family {
            name: #name, id: #id, id_prefix: #prefix, status: #status, statuses: #statuses,
            errors: cds_core::model::FamilyErrors {
                not_found: #nf, malformed: #mf, state: #st, fallback: #fallback,
                state_fallback: #state_fallback,
            },
            embed: #embed, template: #template, actions: &[ #(#actions),* ],
        }
    }
}

fn tasks(line: &Line, m: &Model) -> TokenStream {
    let (Some(t), Some(w)) = (&m.tasks, line.product.waiters.first()) else {
        return quote!(None);
    };
    let poller = &w.poller;
    let running = &t.running;
    let finished = t
        .finished
        .clone()
        .or_else(|| w.success.first().cloned())
        .unwrap_or_default();
    let failed = opt(t
        .failed
        .as_deref()
        .or(w.failure.first().map(String::as_str)));
    let (resource, resources, kind) = (
        opt(t.resource.as_deref()),
        opt(t.resources.as_deref()),
        opt(t.kind.as_deref()),
    );
    let clear = strs(&t.clear);
    let unknown = opt_error(line, t.unknown.as_ref(), "task");
    quote! {
        Some(cds_core::model::TaskModel {
            poller: #poller, running: #running, finished: #finished, failed: #failed,
            resource: #resource, resources: #resources, kind: #kind, clear: #clear,
            unknown: #unknown,
        })
    }
}

fn model(line: &Line, m: &Model) -> TokenStream {
    let families = m.resources.iter().map(|f| family(line, f));
    let unmodelled = m.unmodelled.iter().map(|u| {
        let (op, why) = (&u.op, &u.why);
        quote!((#op, #why))
    });
    let tasks = tasks(line, m);
    quote! {
        cds_core::model::ResourceModel {
            tasks: #tasks,
            families: &[ #(#families),* ],
            unmodelled: &[ #(#unmodelled),* ],
        }
    }
}

/// `pub static RESOURCES: Option<&ResourceModel>`.
pub fn model_tokens(line: &Line) -> TokenStream {
    match &line.resources {
        Some(_) => quote! {
            // The model is compiled only with the crate's `model` feature (the emulator and the
            // CLI enable it through `cds-lines`): a program that only calls the service never
            // compiles it.
            #[cfg(feature = "model")]
            mod resources;
            #[cfg(feature = "model")]
            pub use resources::RESOURCES;
            /// The emulator's resource model of this line: `None` here, because this crate's
            /// `model` feature is off (`cds-lines` turns it on).
            #[cfg(not(feature = "model"))]
            pub static RESOURCES: Option<&cds_core::model::ResourceModel> = None;
        },
        None => quote! {
            /// The emulator's resource model of this line: none (`spec/<line>/resources.yaml`
            /// does not exist).
            pub static RESOURCES: Option<&cds_core::model::ResourceModel> = None;
        },
    }
}

/// `src/meta/resources.rs` (compiled with the `model` feature), for a line with a resource
/// model.
pub fn resources_rs(line: &Line) -> Option<TokenStream> {
    let m = model(line, line.resources.as_ref()?);
    Some(quote! {
        //! The emulator's resource model of this line (`spec/<line>/resources.yaml`), compiled
        //! with the crate's `model` feature only.

        /// The emulator's resource model of this line (`spec/<line>/resources.yaml`).
        pub static RESOURCES: Option<&cds_core::model::ResourceModel> = Some(&#m);
    })
}
