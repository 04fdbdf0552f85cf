//! The shape of the generated command tables (`crate::generated`): one [`Line`] per product
//! line, one [`Op`] per operation, one [`Param`] per parameter.

use cds_core::operation::LineDescription;

/// A product line: `cds <name> …`.
#[derive(Debug)]
pub struct Line {
    /// Command name (the spec's folder name, e.g. `ccs`).
    pub name: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Chinese title.
    pub title_zh: &'static str,
    /// The line crate's static description, which the runtime executes.
    pub meta: &'static LineDescription,
    /// Its operations.
    pub ops: &'static [Op],
}

/// An operation: `cds <line> <command> …`.
#[derive(Debug)]
pub struct Op {
    /// Spec name (the RPC `Action`).
    pub name: &'static str,
    /// Command name (kebab case).
    pub command: &'static str,
    /// English description.
    pub en: &'static str,
    /// Chinese description (empty when it repeats the English).
    pub zh: &'static str,
    /// Parameters.
    pub params: &'static [Param],
    /// Set when the operation starts an asynchronous task (`--wait`).
    pub task: Option<Task>,
    /// Set when the operation is a page-numbered listing (`--all-pages`).
    pub paging: Option<Paging>,
    /// A WebSocket endpoint: the command prints its URL instead of calling it.
    pub websocket: bool,
}

/// How a parameter's value is typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON (objects, lists of objects, maps).
    Json,
}

/// A documented value of an enum parameter.
#[derive(Debug)]
pub struct EnumValue {
    /// Wire value.
    pub value: &'static str,
    /// English description.
    pub en: &'static str,
    /// Chinese description.
    pub zh: &'static str,
}

/// A parameter: `--<flag> VALUE`.
#[derive(Debug)]
pub struct Param {
    /// Wire name.
    pub name: &'static str,
    /// Flag name (kebab case, unique within the operation).
    pub flag: &'static str,
    /// Value type (of each element, for lists).
    pub ty: Ty,
    /// A list: the flag repeats, or takes one JSON array.
    pub list: bool,
    /// Documented enum values (empty: any value of the type).
    pub values: &'static [EnumValue],
    /// Documented as required.
    pub required: bool,
    /// English description.
    pub en: &'static str,
    /// Chinese description.
    pub zh: &'static str,
}

/// The task an operation starts.
#[derive(Debug)]
pub struct Task {
    /// The waiter's polling operation.
    pub poller: &'static str,
    /// The poller's parameter that takes the task id.
    pub id_param: &'static str,
    /// JSON pointer to the task id in the response.
    pub id: &'static str,
}

/// The paging of a listing.
#[derive(Debug)]
pub struct Paging {
    /// Page number parameter (1-based).
    pub page: &'static str,
    /// Page size parameter.
    pub size: &'static str,
    /// JSON pointer to the items array.
    pub items: &'static str,
    /// JSON pointer to the total count, if documented.
    pub total: Option<&'static str>,
}

/// The line named `name`.
pub fn line(name: &str) -> Option<&'static Line> {
    crate::generated::LINES
        .iter()
        .copied()
        .find(|l| l.name == name)
}

impl Line {
    /// The operation whose command is `command`.
    pub fn op(&self, command: &str) -> Option<&'static Op> {
        self.ops.iter().find(|o| o.command == command)
    }
}
