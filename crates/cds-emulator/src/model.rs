//! The resource model: `spec/<line>/resources.yaml`, emitted by `cargo xtask codegen` as
//! `resources/<line>.json`, embedded in the binary and parsed once at start.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded models, one per product line that has one.
const EMBEDDED: &[(&str, &str)] = &[
    ("bms", include_str!("../resources/bms.json")),
    ("bridgx", include_str!("../resources/bridgx.json")),
    ("ccs", include_str!("../resources/ccs.json")),
    (
        "cecstack-ecs",
        include_str!("../resources/cecstack-ecs.json"),
    ),
    ("ebs-v1", include_str!("../resources/ebs-v1.json")),
    ("ecs-v1", include_str!("../resources/ecs-v1.json")),
    ("gcw", include_str!("../resources/gcw.json")),
    ("gpubms", include_str!("../resources/gpubms.json")),
    ("network", include_str!("../resources/network.json")),
    ("storage", include_str!("../resources/storage.json")),
    ("vpc", include_str!("../resources/vpc.json")),
];

/// One line's model.
#[derive(Debug, Deserialize)]
pub struct LineModel {
    /// Product line name.
    pub line: String,
    /// Pointer in the poller's answer where a stateful task reports its resource id.
    #[serde(default)]
    pub task_resource: Option<String>,
    /// Resource families.
    pub resources: Vec<Family>,
}

/// A resource family.
#[derive(Debug, Deserialize)]
pub struct Family {
    /// Family name, unique in the line.
    pub name: String,
    /// Record field holding the id.
    pub id: String,
    /// Prefix of generated ids (empty: UUID-shaped ids).
    #[serde(default)]
    pub id_prefix: String,
    /// The documented not-found error.
    pub not_found: NotFound,
    /// Records of this family are shown inside another family's records.
    #[serde(default)]
    pub embed: Option<Embed>,
    /// The operations that act on the family.
    pub operations: Vec<Action>,
}

/// The documented not-found error.
#[derive(Debug, Deserialize)]
pub struct NotFound {
    /// Error code.
    pub code: String,
    /// HTTP status.
    pub http: u16,
    /// Message.
    pub message: String,
}

/// Embedding in a parent family.
#[derive(Debug, Deserialize)]
pub struct Embed {
    /// Parent family (same line).
    pub parent: String,
    /// Field of the child holding the parent's id.
    pub link: String,
    /// Field of the parent that lists the children.
    pub field: String,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Deserialize)]
pub struct Switch {
    /// The parameter.
    pub param: String,
    /// The record field set.
    pub field: String,
    /// Parameter value → field value.
    pub map: BTreeMap<String, Value>,
}

/// One operation of a family.
#[derive(Debug, Deserialize)]
pub struct Action {
    /// Operation name.
    pub op: String,
    /// What it does.
    pub kind: Kind,
    /// Parameter taking the id (or a list of ids).
    #[serde(default)]
    pub id: Option<String>,
    /// Parameter → record field filled from it.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Field → value set when the operation completes.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Field → value set at once, while an asynchronous operation runs.
    #[serde(default)]
    pub pending: BTreeMap<String, Value>,
    /// A field set from a parameter's value.
    #[serde(default)]
    pub switch: Option<Switch>,
    /// List filters: parameter → field compared.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
    /// Parameter → `line/family` its value must name.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// Pointer of the items array (list).
    #[serde(default)]
    pub items: Option<String>,
    /// Pointer of the record (get).
    #[serde(default)]
    pub at: Option<String>,
    /// Pointers where a create writes the new id.
    #[serde(default)]
    pub id_out: Vec<String>,
    /// Pointer where a create writes the whole new record.
    #[serde(default)]
    pub record_out: Option<String>,
    /// Pointer inside each listed item where the record goes (items wrap records).
    #[serde(default)]
    pub item_at: Option<String>,
    /// The list shows ids only.
    #[serde(default)]
    pub ids_only: bool,
    /// Pointer of the task id, when the operation is asynchronous.
    #[serde(default)]
    pub task: Option<String>,
    /// Page-number parameter (list).
    #[serde(default)]
    pub page: Option<String>,
    /// Page-size parameter (list).
    #[serde(default)]
    pub size: Option<String>,
    /// Pointer of the total count (list).
    #[serde(default)]
    pub total: Option<String>,
}

/// Every embedded model, parsed once. A model that does not parse is skipped (its line then
/// answers examples), which a unit test rules out.
pub fn all() -> &'static [LineModel] {
    static MODELS: OnceLock<Vec<LineModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        EMBEDDED
            .iter()
            .filter_map(|(_, text)| serde_json::from_str(text).ok())
            .collect()
    })
}

/// The model of `line`, if it has one.
pub fn line(line: &str) -> Option<&'static LineModel> {
    all().iter().find(|m| m.line == line)
}

/// The family `line/name`.
pub fn family(key: &str) -> Option<(&'static LineModel, &'static Family)> {
    let (l, f) = key.split_once('/')?;
    let m = line(l)?;
    m.resources.iter().find(|x| x.name == f).map(|x| (m, x))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_embedded_model_parses() {
        for (name, text) in super::EMBEDDED {
            let parsed: Result<super::LineModel, _> = serde_json::from_str(text);
            assert!(parsed.is_ok(), "{name}: {:?}", parsed.err());
        }
        assert_eq!(super::all().len(), super::EMBEDDED.len());
    }
}
