//! The resource model of the served lines (`spec/<line>/resources.yaml`, written by
//! `cargo xtask codegen` into each line's `meta::RESOURCES` as `cds_core::model` statics), with
//! what the engine derives from it once per line and keeps for the process: each family's
//! clean record template (the documented example with its lists emptied and the values that
//! must never be shared marked for regeneration), the operations' lookup table, and the
//! resolution of documented error answers.

use cds_core::model::{Action, ErrorAnswer, Family, ResourceModel, TaskModel};
use cds_core::operation::LineDescription;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

/// One line's model.
pub struct LineModel {
    /// The line.
    pub desc: &'static LineDescription,
    /// Its model.
    pub model: &'static ResourceModel,
    /// Its families, in the model's order.
    pub families: Vec<FamilyInfo>,
    /// Operation name → (family index, action index).
    ops: HashMap<&'static str, (usize, usize)>,
}

/// A family and what is derived from it.
pub struct FamilyInfo {
    /// `line/family`.
    pub key: String,
    /// The family.
    pub def: &'static Family,
    /// The record every new record starts from.
    pub template: Template,
    /// Indexes (into the line's families) of the families embedded in this one.
    pub children: Vec<usize>,
    /// Whether shown children drop their link field (the example's items have none).
    pub hide_link: bool,
    /// Whether ids are numbers (the documented example's are).
    pub numeric_id: bool,
}

/// What a value of the example is made into for each new record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    /// A fresh UUID.
    Uuid,
    /// A fresh private IPv4 address.
    Ip,
    /// A fresh public IPv4 address.
    PublicIp,
    /// A fresh MAC address.
    Mac,
}

/// A record template: the example record, cleaned, and the pointers of the values each new
/// record gets afresh (the same example value becomes the same fresh value in one record).
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// The cleaned example record.
    pub record: Value,
    /// Pointer → (what it becomes, the example's value).
    pub fresh: Vec<(String, Fresh, String)>,
}

impl LineModel {
    /// The family and action of operation `op`, if the model names it.
    pub fn action(&self, op: &str) -> Option<(&FamilyInfo, &'static Action)> {
        let (f, a) = *self.ops.get(op)?;
        let family = &self.families[f];
        Some((family, &family.def.actions[a]))
    }

    /// The family named `name` of this line.
    pub fn family(&self, name: &str) -> Option<&FamilyInfo> {
        self.families.iter().find(|f| f.def.name == name)
    }

    /// The line's task model.
    pub fn tasks(&self) -> Option<&'static TaskModel> {
        self.model.tasks.as_ref()
    }
}

/// The models read so far, by line.
fn registry() -> &'static Mutex<BTreeMap<&'static str, &'static LineModel>> {
    static MODELS: OnceLock<Mutex<BTreeMap<&'static str, &'static LineModel>>> = OnceLock::new();
    MODELS.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// Reads the resource models of `lines` (those that have one), once per line.
pub fn register(lines: &[&'static LineDescription]) {
    let mut models = registry().lock().unwrap_or_else(|e| e.into_inner());
    for line in lines {
        let Some(m) = line.resources else {
            continue;
        };
        models
            .entry(line.service.product)
            .or_insert_with(|| Box::leak(Box::new(LineModel::new(line, m))));
    }
}

/// The model of `line`, if it has one and was registered.
pub fn line(line: &str) -> Option<&'static LineModel> {
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(line)
        .copied()
}

/// The family `family` of `line`'s model, or `other_line/family`.
pub fn family(
    line_model: &'static LineModel,
    name: &str,
) -> Option<(&'static LineModel, &'static FamilyInfo)> {
    match name.split_once('/') {
        Some((l, f)) => {
            let m = line(l)?;
            m.family(f).map(|x| (m, x))
        }
        None => line_model.family(name).map(|x| (line_model, x)),
    }
}

/// The id field of the family with key `line/family`, if registered.
pub fn id_field(key: &str) -> Option<&'static str> {
    let (l, f) = key.split_once('/')?;
    line(l)?.family(f).map(|x| x.def.id)
}

impl LineModel {
    fn new(desc: &'static LineDescription, model: &'static ResourceModel) -> LineModel {
        let mut ops = HashMap::new();
        for (fi, f) in model.families.iter().enumerate() {
            for (ai, a) in f.actions.iter().enumerate() {
                ops.entry(a.op).or_insert((fi, ai));
            }
        }
        let mut families: Vec<FamilyInfo> = model
            .families
            .iter()
            .map(|f| FamilyInfo {
                key: format!("{}/{}", desc.service.product, f.name),
                def: f,
                template: Template::default(),
                children: Vec::new(),
                hide_link: false,
                numeric_id: false,
            })
            .collect();
        for i in 0..families.len() {
            if let Some(e) = families[i].def.embed {
                if let Some(p) = families.iter().position(|p| p.def.name == e.parent) {
                    families[p].children.push(i);
                }
            }
        }
        // Templates: parents first (an embedded family's example sits in its parent's).
        let examples: Vec<Option<Value>> = (0..families.len())
            .map(|i| example_record(desc, &families, i))
            .collect();
        for (i, ex) in examples.into_iter().enumerate() {
            let ex = ex.unwrap_or_else(|| Value::Object(Map::new()));
            let link_in_example = families[i]
                .def
                .embed
                .is_some_and(|e| ex.get(e.link).is_some());
            families[i].hide_link = families[i].def.embed.is_some() && !link_in_example;
            families[i].numeric_id = ex.get(families[i].def.id).is_some_and(Value::is_number);
            families[i].template = Template::from_example(ex);
        }
        LineModel {
            desc,
            model,
            families,
            ops,
        }
    }
}

/// The example record of family `i`: the first item of a list example, or a get example's
/// record; for an embedded family, the first of its kind in the parent's example record.
fn example_record(
    desc: &'static LineDescription,
    families: &[FamilyInfo],
    i: usize,
) -> Option<Value> {
    let f = families[i].def;
    if let Some(e) = f.embed {
        let parent = families.iter().position(|p| p.def.name == e.parent)?;
        if parent != i {
            if let Some(p) = example_record(desc, families, parent) {
                if let Some(Value::Object(first)) = p.pointer(&pointer(e.at)).and_then(|v| v.get(0))
                {
                    return Some(Value::Object(first.clone()));
                }
            }
        }
    }
    for a in f.actions {
        let at = match a.kind {
            cds_core::model::ActionKind::List => a.items,
            cds_core::model::ActionKind::Get => a.at,
            _ => None,
        };
        let Some(at) = at else { continue };
        let Some(op) = desc.operations.iter().find(|o| o.name == a.op) else {
            continue;
        };
        let ex = crate::respond::example(desc, op);
        let found = match ex.pointer(at) {
            Some(Value::Array(items)) => items.first().cloned(),
            Some(Value::Object(map)) if a.keyed => map.values().next().cloned(),
            Some(v @ Value::Object(_)) => Some(v.clone()),
            _ => None,
        };
        let found = match (a.item_at, found) {
            (Some(at), Some(item)) => item.pointer(at).cloned(),
            (_, found) => found,
        };
        if let Some(v @ Value::Object(_)) = found {
            return Some(v);
        }
    }
    None
}

/// `a/b` → `/a/b` (model pointers are written without the leading slash).
pub fn pointer(p: &str) -> String {
    if p.starts_with('/') || p.is_empty() {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

impl Template {
    fn from_example(mut record: Value) -> Template {
        let mut fresh = Vec::new();
        clean(&mut record, String::new(), &mut fresh);
        Template { record, fresh }
    }
}

/// Empties lists (sub-resources exist only when made), empties maps keyed by ids or addresses,
/// and notes the id-, address- and MAC-shaped values to regenerate.
fn clean(v: &mut Value, at: String, fresh: &mut Vec<(String, Fresh, String)>) {
    match v {
        Value::Array(items) => items.clear(),
        Value::Object(map) => {
            if !map.is_empty() && map.keys().all(|k| shape(k).is_some()) {
                map.clear();
                return;
            }
            for (k, child) in map.iter_mut() {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                clean(child, p, fresh);
            }
        }
        Value::String(s) => {
            if let Some(kind) = shape(s) {
                fresh.push((at, kind, s.clone()));
            }
        }
        _ => {}
    }
}

/// What a text looks like: a UUID, an IPv4 address (private or public), a MAC address.
pub fn shape(s: &str) -> Option<Fresh> {
    let b = s.as_bytes();
    let hex = |c: &u8| c.is_ascii_hexdigit();
    if b.len() == 36
        && [8, 13, 18, 23].iter().all(|i| b[*i] == b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || hex(c))
    {
        return Some(Fresh::Uuid);
    }
    if b.len() == 17
        && b.iter()
            .enumerate()
            .all(|(i, c)| if i % 3 == 2 { *c == b':' } else { hex(c) })
    {
        return Some(Fresh::Mac);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
    {
        let n: Vec<u8> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        let private =
            n[0] == 10 || (n[0] == 172 && (16..32).contains(&n[1])) || (n[0] == 192 && n[1] == 168);
        return Some(if private { Fresh::Ip } else { Fresh::PublicIp });
    }
    None
}

/// The error roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An id that names nothing.
    NotFound,
    /// An id that cannot be an id.
    Malformed,
    /// A record in the wrong state.
    State,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::NotFound => "not_found",
            Role::Malformed => "malformed",
            Role::State => "state",
        }
    }
}

/// The answer `action` documents for `role` concerning a record of `family`: the action's
/// preferred code, else the first of the family's codes for the role that it documents.
pub fn documented(family: &Family, action: &Action, role: Role) -> Option<ErrorAnswer> {
    let preferred = action
        .prefer
        .iter()
        .filter(|(r, _)| *r == role.name())
        .map(|(_, c)| *c);
    let listed = match role {
        Role::NotFound => family.errors.not_found,
        Role::Malformed => family.errors.malformed,
        Role::State => family.errors.state,
    };
    preferred
        .chain(listed.iter().copied())
        .find_map(|c| action.documented.iter().find(|d| d.code == c).copied())
}

/// The answer to id `id` that names no record of `family`, for `action`: the documented
/// malformed code when the id cannot be an id, else the documented not-found code (either one
/// when the action documents only one), else the family's fallback.
pub fn unknown_id(family: &Family, action: &Action, id: &str) -> ErrorAnswer {
    let nf = documented(family, action, Role::NotFound);
    let mf = documented(family, action, Role::Malformed);
    let first = if malformed(id) { mf.or(nf) } else { nf.or(mf) };
    first.or(family.errors.fallback).unwrap_or(ErrorAnswer {
        code: "InvalidParameter",
        http: 400,
        message: "The specified resource does not exist.",
    })
}

/// The answer to a record of `family` in a state `action` does not allow.
pub fn wrong_state(family: &Family, action: &Action) -> ErrorAnswer {
    documented(family, action, Role::State)
        .or(family.errors.state_fallback)
        .unwrap_or(ErrorAnswer {
            code: "IncorrectStatus",
            http: 403,
            message: "The current status of the resource does not support this operation.",
        })
}

/// Whether `id` cannot be an id of any kind: empty, longer than 128 characters, or holding
/// characters other than letters, digits and `-_.:`.
pub fn malformed(id: &str) -> bool {
    id.is_empty()
        || id.len() > 128
        || !id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}
