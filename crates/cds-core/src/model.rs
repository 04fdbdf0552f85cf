//! The resource model of a product line (`spec/<line>/resources.yaml`, format in
//! `spec/RESOURCES.md`), as the code generator writes it into each line's `meta`: the line's
//! task model, and per resource family which operations create, list, show, change, check and
//! delete its records, how a record is built from a request, its documented statuses and
//! transitions, and which documented error answers an unknown id, a malformed id and a wrong
//! state. The emulator interprets it; the runtime never reads it.
//!
//! Values are [`Expr`]essions, parsed by the code generator from the model's text (`$Param`,
//! `@id`, `&Param.Field`, … see `spec/RESOURCES.md`); literal values are kept as JSON text.

/// A line's resource model.
#[derive(Debug)]
pub struct ResourceModel {
    /// The line's tasks (asynchronous operations and their poller), if it has any.
    pub tasks: Option<TaskModel>,
    /// The resource families.
    pub families: &'static [Family],
    /// Operations that take the id of a modelled resource but answer their example, and why.
    pub unmodelled: &'static [(&'static str, &'static str)],
}

/// How the line's poller reports tasks.
#[derive(Debug, Clone, Copy)]
pub struct TaskModel {
    /// The poller operation.
    pub poller: &'static str,
    /// The documented status of a task in progress.
    pub running: &'static str,
    /// The documented status of a finished task.
    pub finished: &'static str,
    /// The documented status of a failed task, if one is documented.
    pub failed: Option<&'static str>,
    /// Pointer in the poller's answer to the id of the resource the task made or changed.
    pub resource: Option<&'static str>,
    /// Pointer in the poller's answer to the list of every resource id of the task.
    pub resources: Option<&'static str>,
    /// Pointer in the poller's answer to the task's type.
    pub kind: Option<&'static str>,
    /// Pointers in the poller's example answer that no task of the emulator fills (cleared).
    pub clear: &'static [&'static str],
    /// The documented answer to a task id that names no task.
    pub unknown: Option<ErrorAnswer>,
}

/// A documented error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorAnswer {
    /// Error code.
    pub code: &'static str,
    /// HTTP status.
    pub http: u16,
    /// Message.
    pub message: &'static str,
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
    /// Record field (pointer) holding the status, if the family has one.
    pub status: Option<&'static str>,
    /// The documented status values.
    pub statuses: &'static [&'static str],
    /// The error codes the family's operations may document, by role, in order of preference.
    pub errors: FamilyErrors,
    /// Records shown inside another family's records.
    pub embed: Option<Embed>,
    /// Field pointer → expression: how every new record starts (before the operation's own
    /// `record`), beyond the documented example.
    pub template: &'static [(&'static str, Expr)],
    /// The operations that act on the family.
    pub actions: &'static [Action],
}

/// The error codes of a family, by role.
#[derive(Debug, Clone, Copy)]
pub struct FamilyErrors {
    /// Codes answering an id that names nothing.
    pub not_found: &'static [&'static str],
    /// Codes answering an id that cannot be an id.
    pub malformed: &'static [&'static str],
    /// Codes answering a record in the wrong state.
    pub state: &'static [&'static str],
    /// The answer to an unknown id where an operation documents none of the codes.
    pub fallback: Option<ErrorAnswer>,
    /// The answer to a wrong state where an operation documents none of the codes.
    pub state_fallback: Option<ErrorAnswer>,
}

/// Embedding in a parent family.
#[derive(Debug, Clone, Copy)]
pub struct Embed {
    /// Parent family (same line).
    pub parent: &'static str,
    /// Field of the child holding the parent's id.
    pub link: &'static str,
    /// Pointer in the parent's records where the children are listed.
    pub at: &'static str,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Adds records.
    Create,
    /// Lists records (filtered, paged).
    List,
    /// Shows one record.
    Get,
    /// Removes records.
    Delete,
    /// Changes records.
    Update,
    /// Checks that the records exist (and are in an allowed state); changes nothing.
    Check,
}

/// A change of state chosen by a parameter's value (`Operate: stop`).
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    /// The parameter's value.
    pub value: &'static str,
    /// States it may start from (empty: any).
    pub from: &'static [&'static str],
    /// Field pointer → expression set at once while the task runs.
    pub pending: &'static [(&'static str, Expr)],
    /// Field pointer → expression set when it completes.
    pub set: &'static [(&'static str, Expr)],
}

/// Sub-resources a create makes, one per item of a list parameter.
#[derive(Debug, Clone, Copy)]
pub struct Children {
    /// The child family (same line, embedded in this one unless `link` is given).
    pub family: &'static str,
    /// The child's field holding this record's id, for a family not embedded in this one.
    pub link: Option<&'static str>,
    /// The list parameter (or `Param/pointer`) with one item per child.
    pub each: &'static str,
    /// Field pointer → expression (`$.Field`: the item's field).
    pub record: &'static [(&'static str, Expr)],
}

/// Records of another family whose existence forbids a delete (`VdcId` of instances).
#[derive(Debug, Clone, Copy)]
pub struct Blocker {
    /// `family` (same line) or `line/family`.
    pub family: &'static str,
    /// Field of the blocking records holding this record's id.
    pub link: &'static str,
}

/// One operation of a family.
#[derive(Debug)]
pub struct Action {
    /// Operation name.
    pub op: &'static str,
    /// What it does.
    pub kind: ActionKind,
    /// Parameter (or `Param/pointer`, `Param[]/field`) taking the id or a list of ids.
    pub id: Option<&'static str>,
    /// The record field the ids are matched against (default: the family's id field; an EIP
    /// named by its address: `IP`).
    pub key: Option<&'static str>,
    /// Create: the parameter giving the number of records.
    pub count: Option<&'static str>,
    /// Create: the list parameter with one item per record (`$.Field` reads the item).
    pub each: Option<&'static str>,
    /// Field pointer → expression: the new record (create) or the changes (update).
    pub record: &'static [(&'static str, Expr)],
    /// Create: sub-resources made with each record.
    pub children: &'static [Children],
    /// States the records may be in (empty: any).
    pub from: &'static [&'static str],
    /// Field pointer → expression set at once while an asynchronous operation runs.
    pub pending: &'static [(&'static str, Expr)],
    /// Field pointer → expression set when the operation completes.
    pub set: &'static [(&'static str, Expr)],
    /// The parameter whose value chooses a transition.
    pub by: Option<&'static str>,
    /// The transitions, by value of `by`.
    pub transitions: &'static [Transition],
    /// List filters.
    pub filters: &'static [Filter],
    /// Parameter (or `Param[]/field`) → family (`family` or `line/family`) its value names.
    pub refs: &'static [(&'static str, &'static str)],
    /// Delete: records that forbid it.
    pub blocked_by: &'static [Blocker],
    /// Pointer of the items (list).
    pub items: Option<&'static str>,
    /// Pointer of the record (get).
    pub at: Option<&'static str>,
    /// Pointer inside each listed item where the record goes (items wrap records).
    pub item_at: Option<&'static str>,
    /// The list shows ids only.
    pub ids_only: bool,
    /// The list is an object keyed by id.
    pub keyed: bool,
    /// The fields shown (empty: all).
    pub show: &'static [&'static str],
    /// Answer pointer → expression written into the answer.
    pub out: &'static [(&'static str, Expr)],
    /// Pointer of the task id, when the operation is asynchronous.
    pub task: Option<&'static str>,
    /// One task per record (the answer lists their ids through `@task` in `out`).
    pub task_each: bool,
    /// The task's documented type, reported by the poller.
    pub task_type: Option<&'static str>,
    /// Page-number parameter (list).
    pub page: Option<&'static str>,
    /// Page-size parameter (list).
    pub size: Option<&'static str>,
    /// Documented page size when the request gives none (list; `None`: every record).
    pub size_default: Option<u32>,
    /// Preferred error codes of this operation by role (`not_found`, `malformed`, `state`).
    pub prefer: &'static [(&'static str, &'static str)],
    /// The operation's documented errors.
    pub documented: &'static [ErrorAnswer],
}

/// A list filter: the records whose fields match the parameter's value.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// The parameter.
    pub param: &'static str,
    /// The fields compared (a record matches when any of them does).
    pub fields: &'static [Match],
}

/// How a field is compared with a filter's value.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    /// Field pointer; a `[]` segment matches any item of a list.
    pub field: &'static str,
    /// Contains the value (case-insensitive), rather than equals it (or one of its items).
    pub contains: bool,
}

/// A value computed for a record or an answer.
#[derive(Debug, Clone, Copy)]
pub enum Expr {
    /// This JSON value.
    Literal(&'static str),
    /// A request parameter, or a value inside it (`Param/pointer`).
    Param(&'static str),
    /// A field of the list item being made into a record (`$.Field`), or inside it.
    Item(&'static str),
    /// A field of the record being made or changed (`#Field`).
    Field(&'static str),
    /// That field of every record of the request, as a list (`#[]Field`), or of every
    /// sub-resource of family `child` it made (`#[]child:Field`).
    Each(&'static str),
    /// A field of the record another parameter names (`&Param.Field`, `&.ItemField.Field`),
    /// through the action's `refs`.
    Ref {
        /// The parameter (or item field, starting with `.`) holding the id.
        param: &'static str,
        /// The field of the named record.
        field: &'static str,
    },
    /// A generated value.
    Gen(Gen),
    /// The first of these that has a value.
    First(&'static [Expr]),
    /// The value of `expr`, unless it is the text `value` (`$.!=auto`).
    Unless {
        /// The expression.
        expr: &'static Expr,
        /// The text that counts as no value.
        value: &'static str,
    },
}

/// Generated values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gen {
    /// A fresh id in the family's form.
    Id,
    /// A fresh UUID.
    Uuid,
    /// A fresh private IPv4 address (10.0.0.0/8).
    Ip,
    /// A fresh public IPv4 address (100.64.0.0/10, never a real one).
    PublicIp,
    /// A fresh MAC address.
    Mac,
    /// The emulated time, `yyyy-MM-dd HH:mm:ss`.
    Now,
    /// The position of the item (or record) being made, from 0.
    Index,
    /// The task id of the record (or of the request).
    Task,
    /// The number of records the request makes or changes.
    Count,
    /// The number of records a list matched.
    Total,
    /// The number of pages of a list.
    Pages,
    /// The page number of a list.
    Page,
    /// The request id.
    RequestId,
}
