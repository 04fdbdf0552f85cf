//! The resource model: `spec/<line>/resources.yaml`, written by `cargo xtask codegen` into
//! each line's `meta::RESOURCES` (`cds_core::model`), read here into the engine's own form
//! (JSON values parsed, maps keyed) once per line and kept for the process.

use cds_core::operation::LineDescription;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// One line's model.
#[derive(Debug)]
pub struct LineModel {
    /// Product line name.
    pub line: String,
    /// Pointer in the poller's answer where a stateful task reports its resource id.
    pub task_resource: Option<String>,
    /// Resource families.
    pub resources: Vec<Family>,
}

/// A resource family.
#[derive(Debug)]
pub struct Family {
    /// Family name, unique in the line.
    pub name: String,
    /// Record field holding the id.
    pub id: String,
    /// Prefix of generated ids (empty: UUID-shaped ids).
    pub id_prefix: String,
    /// The documented not-found error.
    pub not_found: NotFound,
    /// Records of this family are shown inside another family's records.
    pub embed: Option<Embed>,
    /// The operations that act on the family.
    pub operations: Vec<Action>,
}

/// The documented not-found error.
#[derive(Debug)]
pub struct NotFound {
    /// Error code.
    pub code: String,
    /// HTTP status.
    pub http: u16,
    /// Message.
    pub message: String,
}

/// Embedding in a parent family.
#[derive(Debug)]
pub struct Embed {
    /// Parent family (same line).
    pub parent: String,
    /// Field of the child holding the parent's id.
    pub link: String,
    /// Field of the parent that lists the children.
    pub field: String,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Adds a record.
    Create,
    /// Lists records (filtered, paged).
    List,
    /// Shows one record.
    Get,
    /// Removes records.
    Delete,
    /// Changes records.
    Update,
}

/// A status chosen by a parameter's value (`OpType: start_up` → `running`).
#[derive(Debug)]
pub struct Switch {
    /// The parameter.
    pub param: String,
    /// The record field set.
    pub field: String,
    /// Parameter value → field value.
    pub map: BTreeMap<String, Value>,
}

/// One operation of a family.
#[derive(Debug)]
pub struct Action {
    /// Operation name.
    pub op: String,
    /// What it does.
    pub kind: Kind,
    /// Parameter taking the id (or a list of ids).
    pub id: Option<String>,
    /// Parameter → record field filled from it.
    pub fields: BTreeMap<String, String>,
    /// Field → value set when the operation completes.
    pub set: BTreeMap<String, Value>,
    /// Field → value set at once, while an asynchronous operation runs.
    pub pending: BTreeMap<String, Value>,
    /// A field set from a parameter's value.
    pub switch: Option<Switch>,
    /// List filters: parameter → field compared.
    pub filters: BTreeMap<String, String>,
    /// Parameter → `line/family` its value must name.
    pub refs: BTreeMap<String, String>,
    /// Pointer of the items array (list).
    pub items: Option<String>,
    /// Pointer of the record (get).
    pub at: Option<String>,
    /// Pointers where a create writes the new id.
    pub id_out: Vec<String>,
    /// Pointer where a create writes the whole new record.
    pub record_out: Option<String>,
    /// Pointer inside each listed item where the record goes (items wrap records).
    pub item_at: Option<String>,
    /// The list shows ids only.
    pub ids_only: bool,
    /// Pointer of the task id, when the operation is asynchronous.
    pub task: Option<String>,
    /// Page-number parameter (list).
    pub page: Option<String>,
    /// Page-size parameter (list).
    pub size: Option<String>,
    /// Pointer of the total count (list).
    pub total: Option<String>,
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
        models.entry(line.service.product).or_insert_with(|| {
            Box::leak(Box::new(LineModel::from_static(line.service.product, m)))
        });
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

/// The family `line/name`.
pub fn family(key: &str) -> Option<(&'static LineModel, &'static Family)> {
    let (l, f) = key.split_once('/')?;
    let m = line(l)?;
    m.resources.iter().find(|x| x.name == f).map(|x| (m, x))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn strings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), json(v)))
        .collect()
}

impl LineModel {
    fn from_static(line: &str, m: &cds_core::model::ResourceModel) -> Self {
        use cds_core::model::ActionKind;
        let owned = |v: Option<&str>| v.map(str::to_string);
        LineModel {
            line: line.to_string(),
            task_resource: owned(m.task_resource),
            resources: m
                .families
                .iter()
                .map(|f| Family {
                    name: f.name.to_string(),
                    id: f.id.to_string(),
                    id_prefix: f.id_prefix.to_string(),
                    not_found: NotFound {
                        code: f.not_found.code.to_string(),
                        http: f.not_found.http,
                        message: f.not_found.message.to_string(),
                    },
                    embed: f.embed.map(|e| Embed {
                        parent: e.parent.to_string(),
                        link: e.link.to_string(),
                        field: e.field.to_string(),
                    }),
                    operations: f
                        .actions
                        .iter()
                        .map(|a| Action {
                            op: a.op.to_string(),
                            kind: match a.kind {
                                ActionKind::Create => Kind::Create,
                                ActionKind::List => Kind::List,
                                ActionKind::Get => Kind::Get,
                                ActionKind::Delete => Kind::Delete,
                                ActionKind::Update => Kind::Update,
                            },
                            id: owned(a.id),
                            fields: strings(a.fields),
                            set: values(a.set),
                            pending: values(a.pending),
                            switch: a.switch.map(|s| Switch {
                                param: s.param.to_string(),
                                field: s.field.to_string(),
                                map: values(s.map),
                            }),
                            filters: strings(a.filters),
                            refs: strings(a.refs),
                            items: owned(a.items),
                            at: owned(a.at),
                            id_out: a.id_out.iter().map(|p| p.to_string()).collect(),
                            record_out: owned(a.record_out),
                            item_at: owned(a.item_at),
                            ids_only: a.ids_only,
                            task: owned(a.task),
                            page: owned(a.page),
                            size: owned(a.size),
                            total: owned(a.total),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
