//! Answers of the operations in the resource model, interpreted generically: create, list,
//! get, delete and update act on the store; asynchronous ones return a task id and change the
//! store when the task finishes; pollers report those tasks.

use crate::model::{self, Action, Family, Kind, LineModel};
use crate::respond;
use crate::store::{id_of, Change, Store, Task};
use cds_core::operation::{LineDescription, Operation};
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
}

/// The answer of a modelled operation (`None`: not modelled, answer the example).
pub(crate) fn answer(store: &mut Store, call: &Call<'_>) -> Option<(u16, Value)> {
    store.settle(Instant::now());
    let model = model::line(call.line.service.product)?;
    if let Some(polled) = poll(store, model, call) {
        return Some((200, polled));
    }
    let (family, action) = model.resources.iter().find_map(|f| {
        f.operations
            .iter()
            .find(|a| a.op == call.op.name)
            .map(|a| (f, a))
    })?;
    let key = format!("{}/{}", model.line, family.name);
    for (param, target) in &action.refs {
        let Some((target_line, target_family)) = model::family(target) else {
            continue;
        };
        if !call
            .served
            .iter()
            .any(|l| l.service.product == target_line.line)
        {
            continue;
        }
        for id in call.params.get(param.as_str()).map(ids).unwrap_or_default() {
            if !exists(store, call.partition, target, &target_family.id, &id) {
                return Some(not_found(call, target_family, &id));
            }
        }
    }
    Some(match action.kind {
        Kind::Create => create(store, call, model, family, action, &key),
        Kind::List => (200, list(store, call, model, family, action, &key)),
        Kind::Get => get(store, call, model, family, action, &key),
        Kind::Delete | Kind::Update => change(store, call, family, action, &key),
    })
}

fn exists(store: &Store, partition: &str, key: &str, id_field: &str, id: &str) -> bool {
    store
        .records(partition, key)
        .iter()
        .any(|r| id_of(r, id_field) == Some(id))
}

fn not_found(call: &Call<'_>, family: &Family, id: &str) -> (u16, Value) {
    let nf = &family.not_found;
    (
        nf.http,
        respond::error_envelope(
            call.line.service,
            nf.http,
            &nf.code,
            &format!("{} ({id})", nf.message),
            call.request_id,
        ),
    )
}

/// The ids a parameter names: a JSON list, a JSON list as text, or comma-separated text.
fn ids(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text).collect(),
        Value::String(s) if s.trim_start().starts_with('[') => {
            serde_json::from_str::<Vec<Value>>(s)
                .map(|v| v.iter().map(text).collect())
                .unwrap_or_else(|_| vec![s.clone()])
        }
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Value::Null => Vec::new(),
        other => vec![text(other)],
    }
}

fn text(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

/// `value` in the JSON type of `like` (query parameters arrive as text).
fn coerce(value: &Value, like: Option<&Value>) -> Value {
    match (like, value) {
        (Some(Value::Number(_)), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.trim().parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| value.clone()),
        (Some(Value::String(_)), Value::Number(n)) => Value::String(n.to_string()),
        (Some(Value::String(_)), Value::Bool(b)) => Value::String(b.to_string()),
        _ => value.clone(),
    }
}

fn example(call: &Call<'_>, op_name: &str) -> Value {
    call.line
        .operations
        .iter()
        .find(|o| o.name == op_name)
        .map(|op| respond::example(call.line, op))
        .unwrap_or(Value::Null)
}

/// The example record of a family: the first listed item, or the described record, or (an
/// embedded family) the first of its kind inside the parent's example record.
fn template(call: &Call<'_>, model: &LineModel, family: &Family) -> Value {
    if let Some(e) = &family.embed {
        if let Some(parent) = model.resources.iter().find(|p| p.name == e.parent) {
            let p = template(call, model, parent);
            if let Some(Value::Object(first)) = p.get(&e.field).and_then(|v| v.get(0)) {
                return Value::Object(first.clone());
            }
        }
    }
    for a in &family.operations {
        let pointer = match a.kind {
            Kind::List => a.items.as_deref(),
            Kind::Get => a.at.as_deref(),
            _ => None,
        };
        let Some(pointer) = pointer else { continue };
        let ex = example(call, &a.op);
        let found = match ex.pointer(pointer) {
            Some(Value::Array(items)) => items.first().cloned(),
            Some(v @ Value::Object(_)) => Some(v.clone()),
            _ => None,
        };
        let found = match (&a.item_at, found) {
            (Some(at), Some(item)) => item.pointer(at).cloned(),
            (_, found) => found,
        };
        if let Some(Value::Object(map)) = found {
            return Value::Object(map);
        }
    }
    Value::Object(Map::new())
}

/// A parameter's value, or (`Param/pointer`) a value inside it; JSON text from the query is
/// looked into too.
fn param_value(call: &Call<'_>, name: &str) -> Option<Value> {
    let (param, pointer) = match name.find('/') {
        Some(i) => (&name[..i], Some(&name[i..])),
        None => (name, None),
    };
    let v = call.params.get(param)?;
    match pointer {
        None => Some(v.clone()),
        Some(p) => match v {
            Value::String(s) => serde_json::from_str::<Value>(s)
                .ok()
                .and_then(|j| j.pointer(p).cloned()),
            other => other.pointer(p).cloned(),
        },
    }
}

/// Field values an operation sets from its parameters, `set` and `switch`.
fn assigned(call: &Call<'_>, action: &Action, like: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (param, field) in &action.fields {
        if let Some(v) = param_value(call, param).filter(|v| !v.is_null()) {
            out.insert(field.clone(), coerce(&v, like.get(field)));
        }
    }
    for (field, v) in &action.set {
        out.insert(field.clone(), v.clone());
    }
    if let Some(s) = &action.switch {
        if let Some(v) = call
            .params
            .get(s.param.as_str())
            .and_then(|v| s.map.get(&text(v)))
        {
            out.insert(s.field.clone(), v.clone());
        }
    }
    out
}

/// Registers a task for `change` and writes its id into `answer`; applies at once when the
/// operation is synchronous.
fn schedule(
    store: &mut Store,
    call: &Call<'_>,
    (family, action, key): (&Family, &Action, &str),
    resource: &str,
    change: Change,
    answer: &mut Value,
) {
    match &action.task {
        Some(pointer) => {
            let task_id = store.new_id("");
            let due = Instant::now() + store.latency;
            respond::set_pointer(answer, pointer, json!(task_id));
            store.tasks.insert(
                task_id,
                Task {
                    partition: call.partition.to_string(),
                    family: key.to_string(),
                    id_field: family.id.clone(),
                    change,
                    due,
                    resource: resource.to_string(),
                    done: false,
                },
            );
        }
        None => store.apply(call.partition, key, &family.id, change),
    }
}

fn create(
    store: &mut Store,
    call: &Call<'_>,
    model: &LineModel,
    family: &Family,
    action: &Action,
    key: &str,
) -> (u16, Value) {
    let mut record = template(call, model, family);
    let fields = assigned(call, action, &record);
    // A create whose `id` names a parameter takes the id from it (BridgX names clusters).
    let id = match action.id.as_deref().and_then(|p| param_value(call, p)) {
        Some(v) => text(&v),
        None => store.new_id(&family.id_prefix),
    };
    if let Value::Object(map) = &mut record {
        for (k, v) in fields {
            map.insert(k, v);
        }
        map.insert(family.id.clone(), json!(id));
    }
    let mut answer = example(call, &action.op);
    if let Some(pointer) = &action.record_out {
        respond::set_pointer(&mut answer, pointer, record.clone());
    }
    for pointer in &action.id_out {
        respond::set_pointer(&mut answer, pointer, json!(id));
    }
    schedule(
        store,
        call,
        (family, action, key),
        &id,
        Change::Insert(record),
        &mut answer,
    );
    (200, answer)
}

/// A record as shown: with the records of families embedded in it.
fn render(store: &Store, call: &Call<'_>, model: &LineModel, family: &Family, r: &Value) -> Value {
    let mut r = r.clone();
    for child in model
        .resources
        .iter()
        .filter(|c| c.embed.as_ref().is_some_and(|e| e.parent == family.name))
    {
        let Some(e) = &child.embed else { continue };
        let parent_id = id_of(&r, &family.id).unwrap_or_default().to_string();
        let ckey = format!("{}/{}", model.line, child.name);
        let items: Vec<Value> = store
            .records(call.partition, &ckey)
            .iter()
            .filter(|c| id_of(c, &e.link) == Some(parent_id.as_str()))
            .cloned()
            .collect();
        if let Value::Object(map) = &mut r {
            map.insert(e.field.clone(), Value::Array(items));
        }
    }
    r
}

fn list(
    store: &Store,
    call: &Call<'_>,
    model: &LineModel,
    family: &Family,
    action: &Action,
    key: &str,
) -> Value {
    let matches = |r: &Value| {
        action
            .filters
            .iter()
            .all(|(param, field)| match call.params.get(param.as_str()) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) if s.is_empty() => true,
                Some(v) => {
                    let wanted = ids(v);
                    let have = r.get(field).map(text).unwrap_or_default();
                    wanted.is_empty() || wanted.contains(&have)
                }
            })
    };
    let all: Vec<&Value> = store
        .records(call.partition, key)
        .iter()
        .filter(|r| matches(r))
        .collect();
    let number = |p: &Option<String>| {
        p.as_deref()
            .and_then(|p| call.params.get(p))
            .and_then(|v| text(v).trim().parse::<usize>().ok())
    };
    let size = number(&action.size).filter(|s| *s > 0);
    let page = number(&action.page).unwrap_or(1).max(1);
    let show = |r: &&Value| -> Value {
        if action.ids_only {
            return json!(id_of(r, &family.id).unwrap_or_default());
        }
        let shown = render(store, call, model, family, r);
        match &action.item_at {
            Some(at) => {
                let mut item = Value::Object(Map::new());
                respond::set_pointer(&mut item, at, shown);
                item
            }
            None => shown,
        }
    };
    let shown: Vec<Value> = match size {
        Some(size) => all
            .iter()
            .skip((page - 1).saturating_mul(size))
            .take(size)
            .map(show)
            .collect(),
        None => all.iter().map(show).collect(),
    };
    let mut answer = example(call, &action.op);
    if let Some(items) = &action.items {
        respond::set_pointer(&mut answer, items, Value::Array(shown));
    }
    if let Some(total) = &action.total {
        respond::set_pointer(&mut answer, total, json!(all.len()));
    }
    answer
}

fn get(
    store: &Store,
    call: &Call<'_>,
    model: &LineModel,
    family: &Family,
    action: &Action,
    key: &str,
) -> (u16, Value) {
    let id = action
        .id
        .as_deref()
        .and_then(|p| call.params.get(p))
        .map(text)
        .unwrap_or_default();
    let Some(record) = store
        .records(call.partition, key)
        .iter()
        .find(|r| id_of(r, &family.id) == Some(id.as_str()))
    else {
        return not_found(call, family, &id);
    };
    let mut answer = example(call, &action.op);
    if let Some(at) = &action.at {
        respond::set_pointer(&mut answer, at, render(store, call, model, family, record));
    }
    (200, answer)
}

fn change(
    store: &mut Store,
    call: &Call<'_>,
    family: &Family,
    action: &Action,
    key: &str,
) -> (u16, Value) {
    let targets = action
        .id
        .as_deref()
        .and_then(|p| call.params.get(p))
        .map(ids)
        .unwrap_or_default();
    if targets.is_empty() {
        return not_found(call, family, "");
    }
    for id in &targets {
        if !exists(store, call.partition, key, &family.id, id) {
            return not_found(call, family, id);
        }
    }
    let like = store
        .records(call.partition, key)
        .iter()
        .find(|r| id_of(r, &family.id) == Some(targets[0].as_str()))
        .cloned()
        .unwrap_or(Value::Null);
    let mut answer = example(call, &action.op);
    if action.task.is_some() && !action.pending.is_empty() {
        let now: Map<String, Value> = action
            .pending
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        store.apply(
            call.partition,
            key,
            &family.id,
            Change::Patch(targets.clone(), now),
        );
    }
    let change = if action.kind == Kind::Delete {
        Change::Remove(targets.clone())
    } else {
        Change::Patch(targets.clone(), assigned(call, action, &like))
    };
    schedule(
        store,
        call,
        (family, action, key),
        &targets[0],
        change,
        &mut answer,
    );
    (200, answer)
}

/// A poller asked about a task a stateful operation started: running until its latency has
/// passed, then finished (and its change visible).
fn poll(store: &mut Store, model: &LineModel, call: &Call<'_>) -> Option<Value> {
    let waiter = call
        .line
        .waiters
        .iter()
        .find(|w| w.poller.name == call.op.name)?;
    let id = call.params.get(waiter.id_param).map(text)?;
    let task = store.tasks.get(&id)?;
    let finished = task.done;
    let resource = task.resource.clone();
    let (status, _) = respond::task_status(waiter, u32::from(finished), 1, None);
    let mut answer = respond::example(call.line, call.op);
    respond::set_pointer(&mut answer, waiter.status, json!(status));
    if let Some(pointer) = &model.task_resource {
        respond::set_pointer(&mut answer, pointer, json!(resource));
    }
    Some(answer)
}
