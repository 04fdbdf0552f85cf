//! The emulator's resource model of a line, `spec/<line>/resources.yaml` (format in
//! `spec/RESOURCES.md`): its schema and the rules it must satisfy against the line's
//! operations. The code generator writes it into the line's `meta` (`cds_core::model`).

use super::{err, Line, SpecError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `resources.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Pointer in the task poller's answer where a stateful task reports its resource id.
    #[serde(default)]
    pub task_resource: Option<String>,
    /// The resource families.
    pub resources: Vec<Family>,
}

/// A resource family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Name, unique in the line.
    pub name: String,
    /// Record field holding the id.
    pub id: String,
    /// Prefix of generated ids.
    #[serde(default)]
    pub id_prefix: String,
    /// Record field holding the status.
    #[serde(default)]
    pub status: Option<String>,
    /// The answer to an unknown id.
    pub not_found: NotFound,
    /// Shown inside another family's records.
    #[serde(default)]
    pub embed: Option<Embed>,
    /// The operations acting on the family.
    pub operations: Vec<Action>,
}

/// The answer to an unknown id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotFound {
    /// Error code.
    pub code: String,
    /// HTTP status.
    pub http: u16,
    /// Message (default: `The specified <family> does not exist.`).
    #[serde(default)]
    pub message: Option<String>,
    /// Why an undocumented code is used (required when the code is not among the line's errors).
    #[serde(default)]
    pub undocumented: Option<String>,
}

/// Embedding in a parent family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Embed {
    /// Parent family.
    pub parent: String,
    /// Field of the child holding the parent's id.
    pub link: String,
    /// Field of the parent listing the children.
    pub field: String,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Adds a record.
    Create,
    /// Lists records.
    List,
    /// Shows one record.
    Get,
    /// Removes records.
    Delete,
    /// Changes records.
    Update,
}

impl Kind {
    /// The spec's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::List => "list",
            Kind::Get => "get",
            Kind::Delete => "delete",
            Kind::Update => "update",
        }
    }
}

/// One operation of a family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Operation name.
    pub op: String,
    /// What it does.
    pub kind: Kind,
    /// Parameter taking the id.
    #[serde(default)]
    pub id: Option<String>,
    /// Parameter (or `Param/pointer`) → record field.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Field → value set when it completes.
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// Field → value set at once while the task runs.
    #[serde(default)]
    pub pending: BTreeMap<String, serde_json::Value>,
    /// A field set from a parameter's value.
    #[serde(default)]
    pub switch: Option<Switch>,
    /// List filters: parameter → field.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
    /// Parameter → `line/family` its value must name.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// Items pointer (list; default the operation's `paginate.items`).
    #[serde(default)]
    pub items: Option<String>,
    /// Record pointer (get).
    #[serde(default)]
    pub at: Option<String>,
    /// Where a create writes the new id.
    #[serde(default)]
    pub id_out: Vec<String>,
    /// Where a create writes the whole record.
    #[serde(default)]
    pub record_out: Option<String>,
    /// Pointer inside each listed item where the record goes.
    #[serde(default)]
    pub item_at: Option<String>,
    /// The list shows ids only.
    #[serde(default)]
    pub ids_only: bool,
    /// Page-number parameter (default from `paginate`).
    #[serde(default)]
    pub page: Option<String>,
    /// Page-size parameter (default from `paginate`).
    #[serde(default)]
    pub size: Option<String>,
    /// Total pointer (default from `paginate`).
    #[serde(default)]
    pub total: Option<String>,
}

/// A field set from a parameter's value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// The parameter.
    pub param: String,
    /// The field.
    pub field: String,
    /// Parameter value → field value.
    pub map: BTreeMap<String, serde_json::Value>,
}

/// Reads `dir/resources.yaml`, if there is one.
pub fn load(dir: &Path) -> Result<Option<Model>, SpecError> {
    let file = dir.join("resources.yaml");
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(None);
    };
    serde_yaml::from_str(&text)
        .map(Some)
        .map_err(|e| err(&file, None, None, e.to_string()))
}

/// The documented error codes of `line` with their HTTP status.
fn documented_errors(line: &Line) -> Vec<(String, Option<u64>)> {
    let code = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    let http = |v: &Option<serde_yaml::Value>| v.as_ref().and_then(serde_yaml::Value::as_u64);
    line.groups
        .iter()
        .flat_map(|(_, g)| {
            g.errors
                .iter()
                .chain(g.operations.iter().flat_map(|op| op.errors.iter()))
        })
        .map(|e| (code(&e.code), http(&e.http)))
        .collect()
}

/// The rules of a resource model against its line:
/// - a family's not-found code is documented by the line, or `undocumented` says why not;
/// - an embedding names a family of the model;
/// - every action names an operation of the line, and only its parameters (in `id`,
///   `fields`, `filters`, `refs`, `switch`);
/// - get, delete and update name the id parameter; a get names its record pointer (`at`);
/// - a list has an items pointer (its own or its operation's `paginate.items`).
pub fn validate(line: &Line, model: &Model, dir: &Path) -> Vec<SpecError> {
    let file = dir.join("resources.yaml");
    let mut errors = Vec::new();
    let mut push = |family: &str, field: Option<&str>, message: String| {
        errors.push(err(&file, Some(format!("family {family}")), field, message))
    };
    let documented = documented_errors(line);
    let families: Vec<&str> = model.resources.iter().map(|f| f.name.as_str()).collect();
    for family in &model.resources {
        let nf = &family.not_found;
        let is_documented = documented
            .iter()
            .any(|(c, h)| *c == nf.code && h.is_none_or(|h| h == u64::from(nf.http)));
        if !is_documented && nf.undocumented.is_none() {
            push(
                &family.name,
                Some("not_found"),
                format!(
                    "{} (HTTP {}) is not among the line's documented errors; say why in `undocumented`",
                    nf.code, nf.http
                ),
            );
        }
        if let Some(e) = &family.embed {
            if !families.contains(&e.parent.as_str()) {
                push(
                    &family.name,
                    Some("embed"),
                    format!("parent {} is not a family", e.parent),
                );
            }
        }
        for a in &family.operations {
            let field = format!("op {}", a.op);
            let Some(op) = line.operations().map(|(_, o)| o).find(|o| o.name == a.op) else {
                push(
                    &family.name,
                    Some(&field),
                    "no such operation in the line".into(),
                );
                continue;
            };
            let mut named: Vec<&String> = a
                .fields
                .keys()
                .chain(a.filters.keys())
                .chain(a.refs.keys())
                .collect();
            named.extend(a.id.iter());
            named.extend(a.switch.as_ref().map(|s| &s.param));
            for p in named {
                let p = p.split('/').next().unwrap_or(p);
                if !op.params.iter().any(|x| x.name == p) {
                    push(
                        &family.name,
                        Some(&field),
                        format!("{p} is not a parameter of the operation"),
                    );
                }
            }
            if matches!(a.kind, Kind::Get | Kind::Delete | Kind::Update) && a.id.is_none() {
                push(
                    &family.name,
                    Some(&field),
                    format!(
                        "a {} names the parameter that takes the id (`id`)",
                        a.kind.as_str()
                    ),
                );
            }
            if a.kind == Kind::Get && a.at.is_none() {
                push(
                    &family.name,
                    Some(&field),
                    "a get names the pointer of the record (`at`)".into(),
                );
            }
            if a.kind == Kind::List && a.items.is_none() && op.paginate.is_none() {
                push(
                    &family.name,
                    Some(&field),
                    "a list names its items pointer (`items`)".into(),
                );
            }
        }
    }
    errors
}
