//! `meta::RESOURCES`: the line's resource model (`spec/<line>/resources.yaml`) as
//! `cds_core::model` statics, completed from the spec (each action's task pointer, a list's
//! items and paging from the operation's `paginate`, the default not-found message).

use crate::spec::resources::{Action, Kind, Model};
use crate::spec::Line;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

fn opt(v: Option<&str>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn pairs(map: &BTreeMap<String, String>) -> TokenStream {
    let items = map.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(&[ #(#items),* ])
}

fn json_pairs(map: &BTreeMap<String, serde_json::Value>) -> TokenStream {
    let items = map.iter().map(|(k, v)| {
        let v = v.to_string();
        quote!((#k, #v))
    });
    quote!(&[ #(#items),* ])
}

fn kind(k: Kind) -> TokenStream {
    match k {
        Kind::Create => quote!(ActionKind::Create),
        Kind::List => quote!(ActionKind::List),
        Kind::Get => quote!(ActionKind::Get),
        Kind::Delete => quote!(ActionKind::Delete),
        Kind::Update => quote!(ActionKind::Update),
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
    let name = &a.op;
    let k = kind(a.kind);
    let id = opt(a.id.as_deref());
    let fields = pairs(&a.fields);
    let set = json_pairs(&a.set);
    let pending = json_pairs(&a.pending);
    let switch = match &a.switch {
        Some(s) => {
            let (param, field) = (&s.param, &s.field);
            let map = json_pairs(&s.map);
            quote!(Some(Switch { param: #param, field: #field, map: #map }))
        }
        None => quote!(None),
    };
    let filters = pairs(&a.filters);
    let refs = pairs(&a.refs);
    let (items, at) = (opt(items.as_deref()), opt(a.at.as_deref()));
    let id_out = &a.id_out;
    let record_out = opt(a.record_out.as_deref());
    let item_at = opt(a.item_at.as_deref());
    let ids_only = a.ids_only;
    let task = opt(task.as_deref());
    let (page, size, total) = (
        opt(page.as_deref()),
        opt(size.as_deref()),
        opt(total.as_deref()),
    );
    quote! {
        Action {
            op: #name, kind: #k, id: #id, fields: #fields, set: #set, pending: #pending,
            switch: #switch, filters: #filters, refs: #refs, items: #items, at: #at,
            id_out: &[ #(#id_out),* ], record_out: #record_out, item_at: #item_at,
            ids_only: #ids_only, task: #task, page: #page, size: #size, total: #total,
        }
    }
}

fn model(line: &Line, m: &Model) -> TokenStream {
    let families = m.resources.iter().map(|f| {
        let (name, id, prefix) = (&f.name, &f.id, &f.id_prefix);
        let status = opt(f.status.as_deref());
        let nf = &f.not_found;
        let (code, http) = (&nf.code, nf.http);
        let message = nf
            .message
            .clone()
            .unwrap_or_else(|| format!("The specified {} does not exist.", f.name));
        let embed = match &f.embed {
            Some(e) => {
                let (parent, link, field) = (&e.parent, &e.link, &e.field);
                quote!(Some(Embed { parent: #parent, link: #link, field: #field }))
            }
            None => quote!(None),
        };
        let actions = f.operations.iter().map(|a| action(line, a));
        quote! {
            Family {
                name: #name, id: #id, id_prefix: #prefix, status: #status,
                not_found: NotFound { code: #code, http: #http, message: #message },
                embed: #embed, actions: &[ #(#actions),* ],
            }
        }
    });
    let task_resource = opt(m.task_resource.as_deref());
    quote!(ResourceModel { task_resource: #task_resource, families: &[ #(#families),* ] })
}

/// `pub static RESOURCES: Option<&ResourceModel>`.
pub fn model_tokens(line: &Line) -> TokenStream {
    let value = match &line.resources {
        Some(m) => {
            let m = model(line, m);
            quote!(Some(&#m))
        }
        None => quote!(None),
    };
    quote! {
        /// The emulator's resource model of this line (`spec/<line>/resources.yaml`).
        pub static RESOURCES: Option<&ResourceModel> = #value;
    }
}
