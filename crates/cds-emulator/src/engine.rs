//! Answers of the operations in the resource model, interpreted generically: create, list,
//! get, update, delete and check act on the store; asynchronous ones return task ids and change
//! the store when their task finishes; the line's poller reports those tasks with the
//! documented statuses.

use crate::model::{self, pointer, FamilyInfo, Fresh, LineModel};
use crate::respond;
use crate::store::{id_of, Change, Store, Task};
use cds_core::model::{Action, ActionKind, ErrorAnswer, Expr, Gen};
use cds_core::operation::{LineDescription, Operation, Shape};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::Instant;

/// One request, as the engine sees it.
pub(crate) struct Call<'a> {
    /// The line served.
    pub line: &'static LineDescription,
    /// The operation.
    pub op: &'static Operation,
    /// Documented parameters that arrived, by name.
    pub params: &'a HashMap<&'static str, Value>,
    /// Tenant.
    pub partition: &'a str,
    /// For error envelopes.
    pub request_id: &'a str,
    /// Product lines served (references to other lines are checked only when served).
    pub served: &'a [&'static LineDescription],
    /// A failure a test asked the polled task to report.
    pub failure: Option<&'a str>,
    /// The emulated time.
    pub now: time::OffsetDateTime,
}

/// The answer of a modelled operation (`None`: not modelled, answer the example).
pub(crate) fn answer(store: &mut Store, call: &Call<'_>) -> Option<(u16, Value)> {
    store.settle(Instant::now());
    let lm = model::line(call.line.service.product)?;
    if lm.tasks().is_some()
        && call
            .line
            .waiters
            .iter()
            .any(|w| w.poller.name == call.op.name)
    {
        return Some(poll(store, call, lm));
    }
    let Some((family, action)) = lm.action(call.op.name) else {
        // An asynchronous operation the model does not name still starts a task the poller
        // knows (it changes nothing).
        if call.op.task.is_some() && lm.tasks().is_some() {
            return Some((200, no_op_task(store, call)));
        }
        return None;
    };
    let mut e = Engine {
        store,
        call,
        lm,
        family,
        action,
    };
    if let Err(refused) = e.check_refs() {
        return Some(refused);
    }
    Some(match action.kind {
        ActionKind::Create => e.create(),
        ActionKind::List => e.list_or_error(),
        ActionKind::Get => e.get(),
        ActionKind::Update | ActionKind::Delete | ActionKind::Check => e.change(),
    })
}

struct Engine<'a, 'c> {
    store: &'a mut Store,
    call: &'a Call<'c>,
    lm: &'static LineModel,
    family: &'static FamilyInfo,
    action: &'static Action,
}

/// A value found in the parameters, with the list item it sits in and its position.
#[derive(Debug, Clone)]
struct Hit {
    value: Value,
    item: Option<Value>,
    index: usize,
}

/// What expressions see.
#[derive(Default, Clone, Copy)]
struct Ctx<'v> {
    item: Option<&'v Value>,
    index: usize,
    record: Option<&'v Value>,
    records: &'v [Value],
    /// Task ids: one per record (`task_each`), or the request's one.
    tasks: &'v [String],
    /// The record's own task, when evaluating for one record.
    task: Option<&'v str>,
    /// Sub-resources the request made: (`line/family`, records).
    children: &'v [(String, Vec<Value>)],
    list: Option<ListStats>,
}

#[derive(Clone, Copy)]
struct ListStats {
    total: usize,
    pages: usize,
    page: usize,
}

impl Engine<'_, '_> {
    fn error(&self, e: ErrorAnswer, detail: &str) -> (u16, Value) {
        let message = if detail.is_empty() {
            e.message.to_string()
        } else {
            format!("{} ({detail})", e.message)
        };
        (
            e.http,
            respond::error_envelope(
                self.call.line.service,
                e.http,
                e.code,
                &message,
                self.call.request_id,
            ),
        )
    }

    fn example(&self) -> Value {
        respond::example(self.call.line, self.call.op)
    }

    /// Every referenced id names a record of its family (when that family's line is served).
    fn check_refs(&mut self) -> Result<(), (u16, Value)> {
        for (path, target) in self.action.refs {
            let Some((tlm, tfam)) = model::family(self.lm, target) else {
                continue;
            };
            let line = tlm.desc.service.product;
            if !self.call.served.iter().any(|l| l.service.product == line) {
                continue;
            }
            for hit in ids_at(self.call.params, path) {
                let id = text(&hit.value);
                if id.is_empty() {
                    continue;
                }
                if self
                    .store
                    .get(self.call.partition, &tfam.key, &id)
                    .is_none()
                {
                    let e = model::unknown_id(tfam.def, self.action, &id);
                    return Err(self.error(e, &id));
                }
            }
        }
        Ok(())
    }

    // ---- expressions -------------------------------------------------------------------

    fn eval(&mut self, e: &Expr, ctx: Ctx<'_>, fam: &FamilyInfo) -> Option<Value> {
        match e {
            Expr::Literal(json) => serde_json::from_str(json).ok(),
            Expr::Param(path) => param_at(self.call.params, path).filter(|v| !v.is_null()),
            Expr::Item(path) => ctx
                .item
                .and_then(|i| value_at(i, path, ctx.index))
                .filter(|v| !v.is_null() && v.as_str() != Some("")),
            Expr::Field(path) => ctx
                .record
                .and_then(|r| r.pointer(&pointer(path)).cloned())
                .filter(|v| !v.is_null()),
            Expr::Each(path) => {
                let (records, path): (Vec<&Value>, &str) = match path.split_once(':') {
                    Some((child, field)) => {
                        let suffix = format!("/{child}");
                        (
                            ctx.children
                                .iter()
                                .filter(|(k, _)| k.ends_with(&suffix))
                                .flat_map(|(_, v)| v.iter())
                                .collect(),
                            field,
                        )
                    }
                    None => (ctx.records.iter().collect(), path),
                };
                Some(Value::Array(
                    records
                        .iter()
                        .map(|r| r.pointer(&pointer(path)).cloned().unwrap_or(Value::Null))
                        .collect(),
                ))
            }
            Expr::Ref { param, field } => self.reference(param, field, ctx),
            Expr::Gen(g) => self.generate(*g, ctx, fam),
            Expr::First(alts) => alts.iter().find_map(|a| self.eval(a, ctx, fam)),
            Expr::Unless { expr, value } => self
                .eval(expr, ctx, fam)
                .filter(|v| v.as_str() != Some(*value)),
        }
    }

    fn reference(&mut self, param: &str, field: &str, ctx: Ctx<'_>) -> Option<Value> {
        let (id, target) = match param.strip_prefix('.') {
            Some(item_field) => {
                let id = ctx.item.and_then(|i| value_at(i, item_field, ctx.index))?;
                let suffix = format!("[]/{item_field}");
                let target = self
                    .action
                    .refs
                    .iter()
                    .find(|(k, _)| k.ends_with(&suffix))
                    .map(|(_, t)| *t)?;
                (text(&id), target)
            }
            None => {
                let id = param_at(self.call.params, param)?;
                let target = self
                    .action
                    .refs
                    .iter()
                    .find(|(k, _)| *k == param)
                    .map(|(_, t)| *t)?;
                (text(&id), target)
            }
        };
        let (_, tfam) = model::family(self.lm, target)?;
        self.store
            .get(self.call.partition, &tfam.key, &id)?
            .pointer(&pointer(field))
            .cloned()
    }

    fn generate(&mut self, g: Gen, ctx: Ctx<'_>, fam: &FamilyInfo) -> Option<Value> {
        Some(match g {
            Gen::Id => json!(self.new_record_id(fam)),
            Gen::Uuid => json!(self.store.new_id("")),
            Gen::Ip => json!(self.store.new_ip()),
            Gen::PublicIp => json!(self.store.new_public_ip()),
            Gen::Mac => json!(self.store.new_mac()),
            Gen::Now => {
                let f = time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                );
                json!(self.call.now.format(&f).unwrap_or_default())
            }
            Gen::Index => json!(ctx.index),
            Gen::Task => match ctx.task {
                Some(t) => json!(t),
                None if self.action.task_each => json!(ctx.tasks),
                None => json!(ctx.tasks.first()?),
            },
            Gen::Count => json!(ctx.records.len()),
            Gen::Total => json!(ctx.list?.total),
            Gen::Pages => json!(ctx.list?.pages),
            Gen::Page => json!(ctx.list?.page),
            Gen::RequestId => json!(self.call.request_id),
        })
    }

    /// Field values of `exprs`, evaluated in `ctx` (values coerced to the type `like` holds at
    /// the same pointer).
    fn fields(
        &mut self,
        exprs: &[(&'static str, Expr)],
        ctx: Ctx<'_>,
        fam: &FamilyInfo,
        like: Option<&Value>,
    ) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (p, e) in exprs {
            if let Some(v) = self.eval(e, ctx, fam) {
                let old = like.and_then(|l| l.pointer(&pointer(p)));
                out.push((p.to_string(), coerce(v, old)));
            }
        }
        out
    }

    /// A new record of `fam`: its template with fresh ids, addresses and MACs.
    fn fresh(&mut self, fam: &FamilyInfo) -> Value {
        let mut r = fam.template.record.clone();
        let mut made: HashMap<String, String> = HashMap::new();
        for (at, kind, example) in &fam.template.fresh {
            let v = match made.get(example) {
                Some(v) => v.clone(),
                None => {
                    let v = match kind {
                        Fresh::Uuid => self.store.new_id(""),
                        Fresh::Ip => self.store.new_ip(),
                        Fresh::PublicIp => self.store.new_public_ip(),
                        Fresh::Mac => self.store.new_mac(),
                    };
                    made.insert(example.clone(), v.clone());
                    v
                }
            };
            respond::set_pointer(&mut r, at, json!(v));
        }
        r
    }

    /// Builds a record of `fam`: fresh template, id, the family's template expressions, then
    /// `exprs`.
    fn build(
        &mut self,
        fam: &FamilyInfo,
        id: String,
        exprs: &[(&'static str, Expr)],
        ctx: Ctx<'_>,
    ) -> Value {
        let mut r = self.fresh(fam);
        let id_value = if fam.numeric_id {
            id.parse::<u64>().map(Value::from).unwrap_or(json!(id))
        } else {
            json!(id)
        };
        respond::set_pointer(&mut r, &pointer(fam.def.id), id_value);
        for step in [fam.def.template, exprs] {
            let snapshot = r.clone();
            let c = Ctx {
                record: Some(&snapshot),
                ..ctx
            };
            for (p, v) in self.fields(step, c, fam, Some(&snapshot)) {
                respond::set_pointer(&mut r, &pointer(&p), v);
            }
        }
        r
    }

    /// A fresh id for a record of `fam`: a number where the documents show numeric ids.
    fn new_record_id(&mut self, fam: &FamilyInfo) -> String {
        if fam.numeric_id {
            self.store.new_number().to_string()
        } else {
            self.store.new_id(fam.def.id_prefix)
        }
    }

    fn new_task_id(&mut self) -> Value {
        let numeric = self
            .action
            .task
            .and_then(|p| shape_at(self.call.op.output, p))
            .is_some_and(|s| matches!(s, Shape::Integer));
        if numeric {
            json!(self.store.new_number())
        } else {
            json!(self.store.new_id(""))
        }
    }

    /// Registers the tasks of a request: one, or one per record (`task_each`); returns their
    /// ids. `changes[i]` are the changes of record `i` (all in one task unless `task_each`).
    fn tasks(&mut self, changes: Vec<Vec<Change>>, resources: Vec<String>) -> Vec<String> {
        let due = Instant::now() + self.store.latency;
        let kind = self.action.task_type.map(str::to_string);
        let make = |e: &mut Self, changes: Vec<Change>, resources: Vec<String>| {
            let id = e.new_task_id();
            let id_text = text(&id);
            e.store.add_task(
                id_text.clone(),
                Task {
                    partition: e.call.partition.to_string(),
                    line: e.call.line.service.product.to_string(),
                    changes,
                    resources,
                    kind: kind.clone(),
                    done: false,
                    failed: None,
                    due,
                    seq: 0,
                },
            );
            id_text
        };
        if self.action.task_each {
            changes
                .into_iter()
                .zip(resources)
                .map(|(c, r)| make(self, c, vec![r]))
                .collect()
        } else {
            let all = changes.into_iter().flatten().collect();
            vec![make(self, all, resources)]
        }
    }

    /// Writes the task ids and the `out` expressions into `answer`.
    fn finish(
        &mut self,
        answer: &mut Value,
        records: &[Value],
        tasks: &[String],
        list: Option<ListStats>,
    ) {
        self.finish_with(answer, records, tasks, list, &[]);
    }

    fn finish_with(
        &mut self,
        answer: &mut Value,
        records: &[Value],
        tasks: &[String],
        list: Option<ListStats>,
        children: &[(String, Vec<Value>)],
    ) {
        if let (Some(p), Some(first)) = (self.call.op.task.map(|t| t.id), tasks.first()) {
            let numeric =
                shape_at(self.call.op.output, p).is_some_and(|s| matches!(s, Shape::Integer));
            let v = if numeric {
                first
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or(json!(first))
            } else {
                json!(first)
            };
            respond::set_pointer(answer, p, v);
        }
        let ctx = Ctx {
            records,
            tasks,
            record: records.first(),
            list,
            children,
            ..Ctx::default()
        };
        let fam = self.family;
        for (p, e) in self.action.out {
            if let Some(v) = self.eval(e, ctx, fam) {
                set_out(answer, &pointer(p), v);
            }
        }
    }

    // ---- create ------------------------------------------------------------------------

    fn create(&mut self) -> (u16, Value) {
        let a = self.action;
        let fam = self.family;
        let each: Vec<Value> = a
            .each
            .map(|p| items_at(self.call.params, p))
            .unwrap_or_default();
        let count = if a.each.is_some() {
            each.len().min(1000)
        } else {
            a.count
                .and_then(|p| param_at(self.call.params, p))
                .and_then(|v| text(&v).trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000)
        };
        let asynchronous = self.call.op.task.is_some();
        let mut records = Vec::with_capacity(count);
        let mut children: Vec<Vec<(String, Vec<Value>)>> = Vec::with_capacity(count);
        for i in 0..count {
            // A create whose `id` names a parameter takes the id from it (BridgX names clusters).
            let id = match a.id.and_then(|p| param_at(self.call.params, p)) {
                Some(v) => text(&v),
                None => self.new_record_id(fam),
            };
            let ctx = Ctx {
                item: each.get(i),
                index: i,
                ..Ctx::default()
            };
            let mut r = self.build(fam, id.clone(), a.record, ctx);
            let finals = if asynchronous && !a.pending.is_empty() {
                a.pending
            } else {
                a.set
            };
            let snapshot = r.clone();
            let c = Ctx {
                record: Some(&snapshot),
                item: each.get(i),
                index: i,
                ..Ctx::default()
            };
            for (p, v) in self.fields(finals, c, fam, Some(&snapshot)) {
                respond::set_pointer(&mut r, &pointer(&p), v);
            }
            let mut made = Vec::new();
            for spec in a.children {
                let Some(child) = self.lm.family(spec.family) else {
                    continue;
                };
                let Some(link) = spec.link.or(child.def.embed.map(|e| e.link)) else {
                    continue;
                };
                let items = items_at(self.call.params, spec.each);
                let mut kids = Vec::new();
                for (j, item) in items.iter().enumerate() {
                    let cid = self.new_record_id(child);
                    let ctx = Ctx {
                        item: Some(item),
                        index: j,
                        ..Ctx::default()
                    };
                    let mut k = self.build(child, cid, spec.record, ctx);
                    respond::set_pointer(&mut k, &pointer(link), json!(id));
                    kids.push(k);
                }
                made.push((child.key.clone(), kids));
            }
            records.push(r);
            children.push(made);
        }
        let ids: Vec<String> = records
            .iter()
            .map(|r| id_of(r, fam.def.id).unwrap_or_default())
            .collect();
        let mut answer = self.example();
        let tasks = if asynchronous {
            let insert_now = !a.pending.is_empty();
            let mut per_record = Vec::new();
            for (r, kids) in records.iter().zip(&children) {
                let mut changes = Vec::new();
                let mut inserts = vec![Change::Insert {
                    family: fam.key.clone(),
                    records: vec![r.clone()],
                }];
                inserts.extend(kids.iter().map(|(k, v)| Change::Insert {
                    family: k.clone(),
                    records: v.clone(),
                }));
                if insert_now {
                    for c in inserts {
                        self.store.apply(self.call.partition, c);
                    }
                    let snapshot = r.clone();
                    let ctx = Ctx {
                        record: Some(&snapshot),
                        ..Ctx::default()
                    };
                    let set = self.fields(a.set, ctx, fam, Some(&snapshot));
                    changes.push(Change::Patch {
                        family: fam.key.clone(),
                        fields: vec![(id_of(r, fam.def.id).unwrap_or_default(), set)],
                    });
                } else {
                    changes.extend(inserts);
                }
                per_record.push(changes);
            }
            self.tasks(per_record, ids.clone())
        } else {
            for (r, kids) in records.iter().zip(&children) {
                self.store.apply(
                    self.call.partition,
                    Change::Insert {
                        family: fam.key.clone(),
                        records: vec![r.clone()],
                    },
                );
                for (k, v) in kids {
                    self.store.apply(
                        self.call.partition,
                        Change::Insert {
                            family: k.clone(),
                            records: v.clone(),
                        },
                    );
                }
            }
            Vec::new()
        };
        let made: Vec<(String, Vec<Value>)> = children.into_iter().flatten().collect();
        self.finish_with(&mut answer, &records, &tasks, None, &made);
        (200, answer)
    }

    // ---- list and get ------------------------------------------------------------------

    /// A record as shown: with the records of the families embedded in it.
    fn render(&mut self, fam: &FamilyInfo, r: &Value) -> Value {
        let mut r = r.clone();
        let id = id_of(&r, fam.def.id).unwrap_or_default();
        for &ci in &fam.children {
            let child = &self.lm.families[ci];
            let Some(e) = child.def.embed else { continue };
            let kids: Vec<Value> = self
                .store
                .records_mut(self.call.partition, &child.key)
                .linked(e.link, &id)
                .into_iter()
                .cloned()
                .collect();
            let mut shown = Vec::with_capacity(kids.len());
            for k in kids {
                let mut k = self.render(child, &k);
                if child.hide_link {
                    if let Value::Object(m) = &mut k {
                        m.remove(e.link);
                    }
                }
                shown.push(k);
            }
            respond::set_pointer(&mut r, &pointer(e.at), Value::Array(shown));
        }
        r
    }

    fn show(&mut self, r: &Value) -> Value {
        let a = self.action;
        let fam = self.family;
        if a.ids_only {
            return json!(id_of(r, fam.def.id).unwrap_or_default());
        }
        let mut shown = self.render(fam, r);
        if !a.show.is_empty() {
            if let Value::Object(m) = &mut shown {
                m.retain(|k, _| a.show.contains(&k.as_str()));
            }
        }
        match a.item_at {
            Some(at) => {
                let mut item = Value::Object(Map::new());
                respond::set_pointer(&mut item, at, shown);
                item
            }
            None => shown,
        }
    }

    fn list(&mut self) -> Value {
        let a = self.action;
        let fam = self.family;
        // A list of named records (DescribeInstanceStatus): every id must name one.
        if a.id.is_some() {
            let named = match self.targets() {
                Ok(t) => t,
                Err((status, body)) => return error_marker(status, body),
            };
            let mut seen = std::collections::HashSet::new();
            let records: Vec<Value> = named
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| seen.insert(id_of(r, fam.def.id)))
                .collect();
            let total = records.len();
            return self.list_answer(records, total, None, 1);
        }
        let filters: Vec<(Vec<String>, &cds_core::model::Filter)> = a
            .filters
            .iter()
            .filter_map(|f| {
                let v = param_at(self.call.params, f.param)?;
                let wanted = wanted(&v);
                (!wanted.is_empty()).then_some((wanted, f))
            })
            .collect();
        let number = |p: Option<&str>| {
            p.and_then(|p| param_at(self.call.params, p))
                .and_then(|v| text(&v).trim().parse::<usize>().ok())
        };
        let size = number(a.size)
            .filter(|s| *s > 0)
            .or(a.size_default.map(|s| s as usize));
        let page = number(a.page).unwrap_or(1).max(1);
        // Filters on fields of embedded sub-resources (an instance's public addresses) look at
        // the records as shown.
        let child_fields: Vec<&str> = fam
            .children
            .iter()
            .filter_map(|&ci| self.lm.families[ci].def.embed.map(|e| e.at))
            .collect();
        let shown_filter = filters.iter().any(|(_, f)| {
            f.fields.iter().any(|m| {
                child_fields.iter().any(|at| {
                    m.field
                        .trim_start_matches('/')
                        .starts_with(at.trim_start_matches('/'))
                })
            })
        });
        if shown_filter {
            let all: Vec<Value> = self
                .store
                .records(self.call.partition, &fam.key)
                .map(|r| r.iter().cloned().collect())
                .unwrap_or_default();
            let mut matched = Vec::new();
            for r in all {
                let shown = self.render(fam, &r);
                if filters.iter().all(|(w, f)| matches(&shown, w, f)) {
                    matched.push(r);
                }
            }
            let total = matched.len();
            let skip = size.map_or(0, |s| (page - 1).saturating_mul(s));
            let take = size.unwrap_or(usize::MAX);
            let page_items = matched.into_iter().skip(skip).take(take).collect();
            return self.list_answer(page_items, total, size, page);
        }
        let (matched, total): (Vec<Value>, usize) = {
            let Some(records) = self.store.records(self.call.partition, &fam.key) else {
                return self.list_answer(Vec::new(), 0, size, page);
            };
            let skip = size.map_or(0, |s| (page - 1).saturating_mul(s));
            let take = size.unwrap_or(usize::MAX);
            if filters.is_empty() {
                let total = records.len();
                (
                    records.iter().skip(skip).take(take).cloned().collect(),
                    total,
                )
            } else {
                let mut total = 0;
                let mut page_items = Vec::new();
                for r in records.iter() {
                    if filters.iter().all(|(w, f)| matches(r, w, f)) {
                        if total >= skip && page_items.len() < take {
                            page_items.push(r.clone());
                        }
                        total += 1;
                    }
                }
                (page_items, total)
            }
        };
        self.list_answer(matched, total, size, page)
    }

    /// The list's answer, or the error a named record that does not exist gets.
    fn list_or_error(&mut self) -> (u16, Value) {
        let v = self.list();
        match v.get(ERROR_MARKER) {
            Some(Value::Number(n)) => {
                let status = n
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(400);
                let mut v = v;
                if let Value::Object(m) = &mut v {
                    m.remove(ERROR_MARKER);
                }
                (status, v)
            }
            _ => (200, v),
        }
    }

    fn list_answer(
        &mut self,
        matched: Vec<Value>,
        total: usize,
        size: Option<usize>,
        page: usize,
    ) -> Value {
        let a = self.action;
        let fam = self.family;
        let pages = match size {
            Some(s) => total.div_ceil(s).max(1),
            None => 1,
        };
        let mut answer = self.example();
        if a.keyed {
            let mut map = Map::new();
            for r in &matched {
                let id = id_of(r, fam.def.id).unwrap_or_default();
                let shown = self.show(r);
                map.insert(id, shown);
            }
            if let Some(items) = a.items {
                respond::set_pointer(&mut answer, items, Value::Object(map));
            }
        } else {
            let shown: Vec<Value> = matched.iter().map(|r| self.show(r)).collect();
            if let Some(items) = a.items {
                respond::set_pointer(&mut answer, items, Value::Array(shown));
            }
        }
        let stats = ListStats { total, pages, page };
        self.finish(&mut answer, &matched, &[], Some(stats));
        answer
    }

    fn get(&mut self) -> (u16, Value) {
        let targets = match self.targets() {
            Ok(t) => t,
            Err(e) => return e,
        };
        let record = targets[0].1.clone();
        let mut answer = self.example();
        let shown = self.show(&record);
        if let Some(at) = self.action.at {
            respond::set_pointer(&mut answer, at, shown);
        }
        self.finish(&mut answer, std::slice::from_ref(&record), &[], None);
        (200, answer)
    }

    // ---- update, delete, check ---------------------------------------------------------

    /// The records the id parameter names (with the item each was named in), or the error
    /// answering the first id that names none.
    #[allow(clippy::type_complexity)]
    fn targets(&mut self) -> Result<Vec<(Hit, Value)>, (u16, Value)> {
        let fam = self.family;
        let a = self.action;
        let hits =
            a.id.map(|p| ids_at(self.call.params, p))
                .unwrap_or_default();
        if hits.is_empty() {
            let e = model::unknown_id(fam.def, a, "");
            return Err(self.error(e, ""));
        }
        let key = a.key.unwrap_or(fam.def.id);
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            let value = text(&hit.value);
            let found = match self.store.records(self.call.partition, &fam.key) {
                Some(r) if key == fam.def.id => r.get(&value).cloned(),
                Some(r) => r.scan(key, &value).first().map(|v| (*v).clone()),
                None => None,
            };
            match found {
                Some(r) => out.push((hit, r)),
                None => {
                    let e = model::unknown_id(fam.def, a, &value);
                    return Err(self.error(e, &value));
                }
            }
        }
        Ok(out)
    }

    fn change(&mut self) -> (u16, Value) {
        let a = self.action;
        let fam = self.family;
        if a.kind == ActionKind::Check && a.id.is_none() {
            // A check of the records other parameters name (`refs`, checked already).
            let mut answer = self.example();
            let tasks = if self.call.op.task.is_some() {
                self.tasks(vec![Vec::new()], Vec::new())
            } else {
                Vec::new()
            };
            self.finish(&mut answer, &[], &tasks, None);
            return (200, answer);
        }
        let targets = match self.targets() {
            Ok(t) => t,
            Err(e) => return e,
        };
        // The transition the `by` parameter chooses, if any.
        let chosen =
            a.by.and_then(|p| param_at(self.call.params, p))
                .and_then(|v| {
                    let v = text(&v);
                    a.transitions
                        .iter()
                        .find(|t| t.value.eq_ignore_ascii_case(&v))
                });
        let (from, pending, set) = match chosen {
            Some(t) => (t.from, t.pending, t.set),
            None => (a.from, a.pending, a.set),
        };
        if let (false, Some(status)) = (from.is_empty(), fam.def.status) {
            for (_, r) in &targets {
                let now = r.pointer(&pointer(status)).map(text).unwrap_or_default();
                if !from.iter().any(|s| *s == now) {
                    let e = model::wrong_state(fam.def, a);
                    let id = id_of(r, fam.def.id).unwrap_or_default();
                    return self.error(e, &format!("{id} is {now}"));
                }
            }
        }
        if a.kind == ActionKind::Delete {
            for (_, r) in &targets {
                let id = id_of(r, fam.def.id).unwrap_or_default();
                for b in a.blocked_by {
                    let Some((tlm, bfam)) = model::family(self.lm, b.family) else {
                        continue;
                    };
                    let line = tlm.desc.service.product;
                    if !self.call.served.iter().any(|l| l.service.product == line) {
                        continue;
                    }
                    let blocked = !self
                        .store
                        .records_mut(self.call.partition, &bfam.key)
                        .linked(b.link, &id)
                        .is_empty();
                    if blocked {
                        let e = model::wrong_state(fam.def, a);
                        let what = format!("{id} still has {}", bfam.def.name);
                        return self.error(e, &what);
                    }
                }
            }
        }
        let records: Vec<Value> = targets.iter().map(|(_, r)| r.clone()).collect();
        let ids: Vec<String> = records
            .iter()
            .map(|r| id_of(r, fam.def.id).unwrap_or_default())
            .collect();
        let mut answer = self.example();
        if a.kind == ActionKind::Check {
            // An asynchronous check still starts a task (that changes nothing).
            let tasks = if self.call.op.task.is_some() {
                let none: Vec<Vec<Change>> = ids.iter().map(|_| Vec::new()).collect();
                self.tasks(none, ids.clone())
            } else {
                Vec::new()
            };
            self.finish(&mut answer, &records, &tasks, None);
            return (200, answer);
        }
        // Per record: pending values (now) and final values (when done).
        let mut now_fields = Vec::new();
        let mut final_fields = Vec::new();
        for (i, (hit, r)) in targets.iter().enumerate() {
            let ctx = Ctx {
                item: hit.item.as_ref(),
                index: hit.index,
                record: Some(r),
                ..Ctx::default()
            };
            let _ = i;
            now_fields.push(self.fields(pending, ctx, fam, Some(r)));
            let mut f = self.fields(set, ctx, fam, Some(r));
            f.extend(self.fields(a.record, ctx, fam, Some(r)));
            final_fields.push(f);
        }
        let cascade: Vec<(String, String)> = fam
            .children
            .iter()
            .filter_map(|&ci| {
                let c = &self.lm.families[ci];
                c.def.embed.map(|e| (c.key.clone(), e.link.to_string()))
            })
            .collect();
        let change_of = |i: usize| -> Change {
            if a.kind == ActionKind::Delete {
                Change::Remove {
                    family: fam.key.clone(),
                    ids: vec![ids[i].clone()],
                    cascade: cascade.clone(),
                }
            } else {
                Change::Patch {
                    family: fam.key.clone(),
                    fields: vec![(ids[i].clone(), final_fields[i].clone())],
                }
            }
        };
        let tasks = if self.call.op.task.is_some() {
            let pending_now: Vec<(String, Vec<(String, Value)>)> = ids
                .iter()
                .cloned()
                .zip(now_fields)
                .filter(|(_, f)| !f.is_empty())
                .collect();
            if !pending_now.is_empty() {
                self.store.apply(
                    self.call.partition,
                    Change::Patch {
                        family: fam.key.clone(),
                        fields: pending_now,
                    },
                );
            }
            let per_record: Vec<Vec<Change>> = (0..ids.len()).map(|i| vec![change_of(i)]).collect();
            self.tasks(per_record, ids.clone())
        } else {
            for i in 0..ids.len() {
                let c = change_of(i);
                self.store.apply(self.call.partition, c);
            }
            Vec::new()
        };
        self.finish(&mut answer, &records, &tasks, None);
        (200, answer)
    }
}

/// A field marking an error answer that [`Engine::list`] returns in place of a list.
const ERROR_MARKER: &str = "\u{0}emulator-error-status";

fn error_marker(status: u16, mut body: Value) -> Value {
    if let Value::Object(m) = &mut body {
        m.insert(ERROR_MARKER.to_string(), json!(status));
    }
    body
}

/// The example of an asynchronous operation the model does not name, with a fresh task id (a
/// task that changes nothing and finishes after the task latency).
fn no_op_task(store: &mut Store, call: &Call<'_>) -> Value {
    let mut answer = respond::example(call.line, call.op);
    let Some(p) = call.op.task.map(|t| t.id) else {
        return answer;
    };
    let numeric = shape_at(call.op.output, p).is_some_and(|s| matches!(s, Shape::Integer));
    let id = if numeric {
        store.new_number().to_string()
    } else {
        store.new_id("")
    };
    store.add_task(
        id.clone(),
        Task {
            partition: call.partition.to_string(),
            line: call.line.service.product.to_string(),
            changes: Vec::new(),
            resources: Vec::new(),
            kind: None,
            done: false,
            failed: None,
            due: Instant::now() + store.latency,
            seq: 0,
        },
    );
    let v = if numeric {
        id.parse::<u64>().map(Value::from).unwrap_or(json!(id))
    } else {
        json!(id)
    };
    respond::set_pointer(&mut answer, p, v);
    answer
}

/// The poller's answer about a task a stateful operation started: running until its latency
/// has passed, then finished (and its change visible), or failed; an unknown id gets the
/// documented error.
fn poll(store: &mut Store, call: &Call<'_>, lm: &LineModel) -> (u16, Value) {
    let tm = lm.tasks().expect("polled lines have a task model");
    let waiter = call
        .line
        .waiters
        .iter()
        .find(|w| w.poller.name == call.op.name)
        .expect("the operation is a poller");
    let id = param_at(call.params, waiter.id_param)
        .map(|v| text(&v))
        .unwrap_or_default();
    let task = store
        .tasks
        .get(&id)
        .filter(|t| t.partition == call.partition);
    let Some(task) = task else {
        let e = tm.unknown.unwrap_or(ErrorAnswer {
            code: "InvalidParameter",
            http: 400,
            message: "The specified task does not exist.",
        });
        let message = if id.is_empty() {
            e.message.to_string()
        } else {
            format!("{} ({id})", e.message)
        };
        return (
            e.http,
            respond::error_envelope(call.line.service, e.http, e.code, &message, call.request_id),
        );
    };
    let failure = call
        .failure
        .map(str::to_string)
        .or_else(|| task.failed.clone());
    let status = match (&failure, task.done) {
        (Some(_), _) => tm.failed.unwrap_or(tm.running),
        (None, true) => tm.finished,
        (None, false) => tm.running,
    };
    let mut answer = respond::example(call.line, call.op);
    for p in tm.clear {
        respond::set_pointer(&mut answer, p, Value::Null);
    }
    // Where the example echoes the task's id (ccs DescribeTask's top-level `TaskId`), the
    // answer echoes the id that was polled, never the example's.
    let echoes = [
        format!("/{}", waiter.id_param),
        format!("/{}/{}", call.line.service.envelope.data, waiter.id_param),
    ];
    for p in echoes {
        if answer.pointer(&p).is_some() {
            respond::set_pointer(&mut answer, &p, json!(id));
        }
    }
    respond::set_pointer(&mut answer, waiter.status, json!(status));
    if let Some(p) = tm.resource {
        respond::set_pointer(&mut answer, p, json!(task.resources.first()));
    }
    if let Some(p) = tm.resources {
        respond::set_pointer(&mut answer, p, json!(task.resources));
    }
    if let Some(p) = tm.kind {
        respond::set_pointer(&mut answer, p, json!(task.kind));
    }
    if let (Some(reason), Some(p)) = (failure, waiter.reason) {
        respond::set_pointer(&mut answer, p, json!(reason));
    }
    (200, answer)
}

// ---- parameters --------------------------------------------------------------------------

/// Text of a value (a number's or boolean's JSON text).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON value that arrived as text (a list or object in the query) parsed, else itself.
fn deref(v: &Value) -> std::borrow::Cow<'_, Value> {
    match v {
        Value::String(s) if s.trim_start().starts_with(['[', '{']) => {
            match serde_json::from_str::<Value>(s) {
                Ok(parsed) => std::borrow::Cow::Owned(parsed),
                Err(_) => std::borrow::Cow::Borrowed(v),
            }
        }
        _ => std::borrow::Cow::Borrowed(v),
    }
}

/// The items of a list value: a JSON list, a JSON list as text, or comma-separated text.
fn list_items(v: &Value) -> Vec<Value> {
    match &*deref(v) {
        Value::Array(items) => items.clone(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| json!(s))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// The value at `path` (`a/b/0`, `@index` standing for `index`) inside `v`.
fn value_at(v: &Value, path: &str, index: usize) -> Option<Value> {
    let mut current = deref(v).into_owned();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let seg = if seg == "@index" {
            index.to_string()
        } else {
            seg.to_string()
        };
        let next = match &current {
            Value::Array(items) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .cloned(),
            Value::Object(m) => m.get(&seg).cloned(),
            _ => None,
        }?;
        current = deref(&next).into_owned();
    }
    Some(current)
}

/// The value of parameter path `path` (`Param` or `Param/pointer`).
fn param_at(params: &HashMap<&'static str, Value>, path: &str) -> Option<Value> {
    let (name, rest) = match path.find('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (path, ""),
    };
    let v = params.get(name)?;
    if rest.is_empty() {
        Some(v.clone())
    } else {
        value_at(v, rest, 0)
    }
}

/// The items of the list parameter at `path` (`Param` or `Param/pointer`).
fn items_at(params: &HashMap<&'static str, Value>, path: &str) -> Vec<Value> {
    param_at(params, path.trim_end_matches("[]"))
        .map(|v| list_items(&v))
        .unwrap_or_default()
}

/// Every id at parameter path `path`: `Param` (a single id, or a list of them), with `[]`
/// segments walking lists (`Ips[]/EIPList[]`): each id with the object item it was found in.
fn ids_at(params: &HashMap<&'static str, Value>, path: &str) -> Vec<Hit> {
    let segs: Vec<&str> = path.split('/').collect();
    let (first, rest) = (segs[0], &segs[1..]);
    let (name, listed) = match first.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (first, false),
    };
    let Some(v) = params.get(name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if listed {
        for (i, item) in list_items(v).iter().enumerate() {
            walk(item, rest, Some(item), i, &mut out);
        }
    } else {
        walk(v, rest, None, 0, &mut out);
    }
    out
}

fn walk(v: &Value, segs: &[&str], item: Option<&Value>, index: usize, out: &mut Vec<Hit>) {
    let v = deref(v);
    let Some((seg, rest)) = segs.split_first() else {
        // A list at the end of the path: each of its items is an id.
        match &*v {
            Value::Array(_) => {
                for (i, x) in list_items(&v).into_iter().enumerate() {
                    out.push(Hit {
                        value: x,
                        item: item.cloned(),
                        index: i,
                    });
                }
            }
            Value::String(s) if s.contains(',') => {
                for (i, x) in list_items(&v).into_iter().enumerate() {
                    out.push(Hit {
                        value: x,
                        item: item.cloned(),
                        index: i,
                    });
                }
            }
            Value::Null => {}
            other => out.push(Hit {
                value: other.clone(),
                item: item.cloned(),
                index,
            }),
        }
        return;
    };
    match seg.strip_suffix("[]") {
        Some(name) => {
            let list = if name.is_empty() {
                Some(v.into_owned())
            } else {
                v.get(name).cloned()
            };
            for (i, x) in list
                .map(|l| list_items(&l))
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let it = if x.is_object() { Some(x) } else { item };
                walk(x, rest, it, i, out);
            }
        }
        None => {
            if let Some(next) = v.get(*seg) {
                walk(next, rest, item, index, out);
            }
        }
    }
}

/// The texts a filter parameter asks for (a list, or a single value; empty: no filter).
fn wanted(v: &Value) -> Vec<String> {
    list_items(v)
        .iter()
        .map(text)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The texts at a field pointer, `[]` segments walking lists.
fn field_values(r: &Value, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn go(v: &Value, segs: &[&str], out: &mut Vec<String>) {
        let Some((seg, rest)) = segs.split_first() else {
            match v {
                Value::Array(items) => out.extend(items.iter().map(text)),
                Value::Null => {}
                other => out.push(text(other)),
            }
            return;
        };
        match seg.strip_suffix("[]") {
            Some(name) => {
                let list = if name.is_empty() {
                    Some(v)
                } else {
                    v.get(name)
                };
                match list {
                    Some(Value::Array(items)) => {
                        for x in items {
                            go(x, rest, out);
                        }
                    }
                    Some(other @ Value::Object(_)) => go(other, rest, out),
                    _ => {}
                }
            }
            None => {
                if let Some(next) = v.get(*seg) {
                    go(next, rest, out);
                }
            }
        }
    }
    let segs: Vec<&str> = field.split('/').collect();
    go(r, &segs, &mut out);
    out
}

/// Whether record `r` passes filter `f` asking for `wanted`.
fn matches(r: &Value, wanted: &[String], f: &cds_core::model::Filter) -> bool {
    f.fields.iter().any(|m| {
        let have = field_values(r, m.field);
        if m.contains {
            have.iter().any(|h| {
                let h = h.to_lowercase();
                wanted.iter().any(|w| h.contains(&w.to_lowercase()))
            })
        } else {
            have.iter().any(|h| wanted.contains(h))
        }
    })
}

/// `value` in the JSON type of `like` (query parameters arrive as text).
fn coerce(value: Value, like: Option<&Value>) -> Value {
    match (like, &value) {
        (Some(Value::Number(_)), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.trim().parse::<f64>().map(Value::from))
            .unwrap_or(value),
        (Some(Value::String(_)), Value::Number(n)) => Value::String(n.to_string()),
        (Some(Value::String(_)), Value::Bool(b)) => Value::String(b.to_string()),
        (Some(Value::Bool(_)), Value::String(s)) => match s.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => value,
        },
        (Some(Value::Array(_) | Value::Object(_)), Value::String(_)) => deref(&value).into_owned(),
        _ => value,
    }
}

/// Writes `value` at answer pointer `p`; a `[]` segment (`/Data[]/EIPId`) spreads a list value
/// over the items of the list at the pointer before it (one item per value, made as needed).
fn set_out(answer: &mut Value, p: &str, value: Value) {
    let Some((base, rest)) = p.split_once("[]") else {
        respond::set_pointer(answer, p, value);
        return;
    };
    let Value::Array(values) = value else {
        respond::set_pointer(answer, p, value);
        return;
    };
    let mut items = match answer.pointer(base) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let like = items
        .first()
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    items.resize(values.len(), like);
    for (item, v) in items.iter_mut().zip(values) {
        if rest.is_empty() {
            *item = v;
        } else {
            respond::set_pointer(item, rest, v);
        }
    }
    respond::set_pointer(answer, base, Value::Array(items));
}

/// The shape of the output field at `pointer`.
fn shape_at(output: &cds_core::operation::Struct, pointer: &str) -> Option<Shape> {
    let mut segs = pointer.trim_start_matches('/').split('/');
    let first = segs.next()?;
    let mut shape = output.fields.iter().find(|f| f.name == first)?.shape;
    for seg in segs {
        while let Shape::List(inner) | Shape::Map(inner) = shape {
            shape = *inner;
        }
        if seg.parse::<usize>().is_ok() {
            continue;
        }
        let Shape::Struct(s) = shape else { return None };
        shape = s.fields.iter().find(|f| f.name == seg)?.shape;
    }
    Some(shape)
}
