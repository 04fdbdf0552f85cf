//! The resource model of a product line (`spec/<line>/resources.yaml`, format in
//! `spec/RESOURCES.md`), as the code generator writes it into each line's `meta`: which
//! operations create, list, show, change and delete which resource family, where ids travel,
//! and what answers an unknown id. The emulator interprets it; the runtime never reads it.
//!
//! JSON values (the values a change sets) are kept as JSON text.

/// A line's resource families.
#[derive(Debug)]
pub struct ResourceModel {
    /// Pointer in the line's task poller answer where a stateful task reports its resource id.
    pub task_resource: Option<&'static str>,
    /// The families.
    pub families: &'static [Family],
}

/// A resource family (instances, VDCs, disks …).
#[derive(Debug)]
pub struct Family {
    /// Family name, unique in the line (`ccs/instance` from elsewhere).
    pub name: &'static str,
    /// Record field holding the id.
    pub id: &'static str,
    /// Prefix of generated ids (empty: UUID-shaped ids).
    pub id_prefix: &'static str,
    /// Record field holding the status, if documented.
    pub status: Option<&'static str>,
    /// The documented answer to an id that names nothing.
    pub not_found: NotFound,
    /// Records shown inside another family's records.
    pub embed: Option<Embed>,
    /// The operations that act on the family.
    pub actions: &'static [Action],
}

/// The documented not-found answer.
#[derive(Debug, Clone, Copy)]
pub struct NotFound {
    /// Error code.
    pub code: &'static str,
    /// HTTP status.
    pub http: u16,
    /// Message.
    pub message: &'static str,
}

/// Embedding in a parent family.
#[derive(Debug, Clone, Copy)]
pub struct Embed {
    /// Parent family (same line).
    pub parent: &'static str,
    /// Field of the child holding the parent's id.
    pub link: &'static str,
    /// Field of the parent that lists the children.
    pub field: &'static str,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
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

/// A field set from a parameter's value (`OpType: start_up` → `running`).
#[derive(Debug, Clone, Copy)]
pub struct Switch {
    /// The parameter.
    pub param: &'static str,
    /// The record field set.
    pub field: &'static str,
    /// Parameter value → field value (JSON text).
    pub map: &'static [(&'static str, &'static str)],
}

/// One operation of a family.
#[derive(Debug)]
pub struct Action {
    /// Operation name.
    pub op: &'static str,
    /// What it does.
    pub kind: ActionKind,
    /// Parameter taking the id (or a list of ids).
    pub id: Option<&'static str>,
    /// Parameter (or `Param/pointer` into it) → record field filled from it.
    pub fields: &'static [(&'static str, &'static str)],
    /// Field → value (JSON text) set when the operation completes.
    pub set: &'static [(&'static str, &'static str)],
    /// Field → value (JSON text) set at once, while an asynchronous operation runs.
    pub pending: &'static [(&'static str, &'static str)],
    /// A field set from a parameter's value.
    pub switch: Option<Switch>,
    /// List filters: parameter → field compared.
    pub filters: &'static [(&'static str, &'static str)],
    /// Parameter → `line/family` its value must name.
    pub refs: &'static [(&'static str, &'static str)],
    /// Pointer of the items array (list).
    pub items: Option<&'static str>,
    /// Pointer of the record (get).
    pub at: Option<&'static str>,
    /// Pointers where a create writes the new id.
    pub id_out: &'static [&'static str],
    /// Pointer where a create writes the whole new record.
    pub record_out: Option<&'static str>,
    /// Pointer inside each listed item where the record goes (items wrap records).
    pub item_at: Option<&'static str>,
    /// The list shows ids only.
    pub ids_only: bool,
    /// Pointer of the task id, when the operation is asynchronous.
    pub task: Option<&'static str>,
    /// Page-number parameter (list).
    pub page: Option<&'static str>,
    /// Page-size parameter (list).
    pub size: Option<&'static str>,
    /// Pointer of the total count (list).
    pub total: Option<&'static str>,
}
