//! The emulator's resource model of a line, `spec/<line>/resources.yaml` (format in
//! `spec/RESOURCES.md`): its schema, its expression and filter syntax, and the rules it must
//! satisfy against the line's operations. The code generator writes it into the line's `meta`
//! (`cds_core::model`).

use super::{err, Line, Operation, SpecError};
use serde::Deserialize;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `resources.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// How the line's poller reports tasks.
    #[serde(default)]
    pub tasks: Option<Tasks>,
    /// The resource families.
    #[serde(default)]
    pub resources: Vec<Family>,
    /// Operations that take a modelled resource's id but answer their example, and why.
    #[serde(default)]
    pub unmodelled: Vec<Unmodelled>,
}

/// The task model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    /// Documented status of a task in progress.
    pub running: String,
    /// Documented status of a finished task (default: the waiter's first success value).
    #[serde(default)]
    pub finished: Option<String>,
    /// Documented status of a failed task (default: the waiter's first failure value).
    #[serde(default)]
    pub failed: Option<String>,
    /// Pointer of the resource id in the poller's answer.
    #[serde(default)]
    pub resource: Option<String>,
    /// Pointer of the list of resource ids.
    #[serde(default)]
    pub resources: Option<String>,
    /// Pointer of the task type.
    #[serde(default)]
    pub kind: Option<String>,
    /// Pointers of the poller's example that no emulated task fills.
    #[serde(default)]
    pub clear: Vec<String>,
    /// The answer to an unknown task id.
    #[serde(default)]
    pub unknown: Option<ErrorRef>,
}

/// An error answer: a documented code (its HTTP status and message from the documents), or
/// one the documents do not give with `why`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRef {
    /// Code.
    pub code: String,
    /// HTTP status (default: the documented one, else 400).
    #[serde(default)]
    pub http: Option<u16>,
    /// Message (default: the documented one).
    #[serde(default)]
    pub message: Option<String>,
    /// Why this answer is used where the documents give none.
    #[serde(default)]
    pub why: Option<String>,
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
    /// Record field (pointer) holding the status.
    #[serde(default)]
    pub status: Option<String>,
    /// Documented status values.
    #[serde(default)]
    pub statuses: Vec<String>,
    /// Error codes by role.
    #[serde(default)]
    pub errors: FamilyErrors,
    /// Shown inside another family's records.
    #[serde(default)]
    pub embed: Option<Embed>,
    /// Field pointer → expression every new record starts with.
    #[serde(default)]
    pub template: BTreeMap<String, Value>,
    /// The operations acting on the family.
    pub operations: Vec<Action>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Error codes of a family by role, in order of preference.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyErrors {
    /// Unknown id.
    #[serde(default)]
    pub not_found: Vec<String>,
    /// Malformed id.
    #[serde(default)]
    pub malformed: Vec<String>,
    /// Wrong state.
    #[serde(default)]
    pub state: Vec<String>,
    /// Unknown id, where an operation documents none of the codes (with `why`).
    #[serde(default)]
    pub fallback: Option<ErrorRef>,
    /// Wrong state, where an operation documents none of the codes (with `why`).
    #[serde(default)]
    pub state_fallback: Option<ErrorRef>,
}

/// Embedding in a parent family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Embed {
    /// Parent family.
    pub parent: String,
    /// Field of the child holding the parent's id.
    pub link: String,
    /// Pointer in the parent's records listing the children.
    pub at: String,
}

/// What an operation does to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Adds records.
    Create,
    /// Lists records.
    List,
    /// Shows one record.
    Get,
    /// Removes records.
    Delete,
    /// Changes records.
    Update,
    /// Checks that records exist, changes nothing.
    Check,
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
            Kind::Check => "check",
        }
    }

    /// Whether the operation names existing records by id.
    pub fn takes_ids(self) -> bool {
        matches!(self, Kind::Get | Kind::Delete | Kind::Update | Kind::Check)
    }
}

/// Sub-resources a create makes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildrenSpec {
    /// Child family (embedded in this one, unless `link` is given).
    pub family: String,
    /// The child's field holding the parent's id, when the child is not embedded.
    #[serde(default)]
    pub link: Option<String>,
    /// List parameter, one child per item.
    pub each: String,
    /// Field pointer → expression.
    #[serde(default)]
    pub record: BTreeMap<String, Value>,
}

/// A transition chosen by a parameter's value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionSpec {
    /// Allowed starting states.
    #[serde(default)]
    pub from: Vec<String>,
    /// Set at once while the task runs.
    #[serde(default)]
    pub pending: BTreeMap<String, Value>,
    /// Set when it completes.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
}

/// Records that forbid a delete.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blocker {
    /// Family (`name` or `line/name`).
    pub family: String,
    /// Its field holding this record's id.
    pub link: String,
}

/// One operation of a family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Operation name.
    pub op: String,
    /// What it does.
    pub kind: Kind,
    /// Parameter taking the id(s).
    #[serde(default)]
    pub id: Option<String>,
    /// Record field the ids are matched against (default: the id field).
    #[serde(default)]
    pub key: Option<String>,
    /// Create: parameter giving the number of records.
    #[serde(default)]
    pub count: Option<String>,
    /// Create: list parameter, one record per item.
    #[serde(default)]
    pub each: Option<String>,
    /// Field pointer → expression (create: the new record; update: the changes).
    #[serde(default)]
    pub record: BTreeMap<String, Value>,
    /// Create: sub-resources.
    #[serde(default)]
    pub children: Vec<ChildrenSpec>,
    /// Allowed states.
    #[serde(default)]
    pub from: Vec<String>,
    /// Set at once while the task runs.
    #[serde(default)]
    pub pending: BTreeMap<String, Value>,
    /// Set when it completes.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Parameter choosing a transition.
    #[serde(default)]
    pub by: Option<String>,
    /// Transitions by value of `by`.
    #[serde(default)]
    pub transitions: BTreeMap<String, TransitionSpec>,
    /// List filters: parameter → field spec.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
    /// Parameter → family its value names.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// Delete: records that forbid it.
    #[serde(default)]
    pub blocked_by: Vec<Blocker>,
    /// Items pointer (list; default the operation's `paginate.items`).
    #[serde(default)]
    pub items: Option<String>,
    /// Record pointer (get).
    #[serde(default)]
    pub at: Option<String>,
    /// Pointer inside each listed item where the record goes.
    #[serde(default)]
    pub item_at: Option<String>,
    /// The list shows ids only.
    #[serde(default)]
    pub ids_only: bool,
    /// The list is an object keyed by id.
    #[serde(default)]
    pub keyed: bool,
    /// Fields shown (default all).
    #[serde(default)]
    pub show: Vec<String>,
    /// Answer pointer → expression.
    #[serde(default)]
    pub out: BTreeMap<String, Value>,
    /// One task per record.
    #[serde(default)]
    pub task_each: bool,
    /// The documented task type.
    #[serde(default)]
    pub task_type: Option<String>,
    /// Page-number parameter (default from `paginate`).
    #[serde(default)]
    pub page: Option<String>,
    /// Page-size parameter (default from `paginate`).
    #[serde(default)]
    pub size: Option<String>,
    /// Documented page size when none is given.
    #[serde(default)]
    pub size_default: Option<u32>,
    /// Total pointer (default from `paginate`): written as `@total`.
    #[serde(default)]
    pub total: Option<String>,
    /// Page-count pointer: written as `@pages`.
    #[serde(default)]
    pub pages: Option<String>,
    /// Preferred codes by role (`not_found`, `malformed`, `state`), documented by the
    /// operation.
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
    /// Documented parameters the model does not honour, with the reason.
    #[serde(default)]
    pub ignores: BTreeMap<String, String>,
}

/// An operation left answering its example although it names a modelled resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmodelled {
    /// Operation.
    pub op: String,
    /// Why.
    pub why: String,
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

// ---- expressions ------------------------------------------------------------------------

/// A parsed expression (`cds_core::model::Expr`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// JSON text.
    Literal(String),
    /// `$Param/pointer`.
    Param(String),
    /// `$.Field/pointer`.
    Item(String),
    /// `#Field`.
    Field(String),
    /// `#[]Field`.
    Each(String),
    /// `&Param.Field`.
    Ref {
        /// Parameter (or `.ItemField`).
        param: String,
        /// Field of the named record.
        field: String,
    },
    /// `@name`.
    Gen(&'static str),
    /// `a|b`.
    First(Vec<Expr>),
    /// `x!=text`.
    Unless(Box<Expr>, String),
}

/// The generators (`@name`) and the `cds_core::model::Gen` variant of each.
pub const GENERATORS: &[(&str, &str)] = &[
    ("id", "Id"),
    ("uuid", "Uuid"),
    ("ip", "Ip"),
    ("public_ip", "PublicIp"),
    ("mac", "Mac"),
    ("now", "Now"),
    ("index", "Index"),
    ("task", "Task"),
    ("count", "Count"),
    ("total", "Total"),
    ("pages", "Pages"),
    ("page", "Page"),
    ("request_id", "RequestId"),
];

/// Parses a model value: a YAML string is an expression, anything else is a literal.
pub fn parse_expr(value: &Value) -> Result<Expr, String> {
    match value {
        Value::String(s) => parse_text(s),
        other => serde_json::to_string(&yaml_to_json(other))
            .map(Expr::Literal)
            .map_err(|e| e.to_string()),
    }
}

fn parse_text(s: &str) -> Result<Expr, String> {
    if let Some(rest) = s.strip_prefix('\\') {
        return Ok(Expr::Literal(
            serde_json::to_string(rest).unwrap_or_default(),
        ));
    }
    let alts: Vec<&str> = if s.starts_with(['$', '#', '&', '@']) {
        s.split('|').collect()
    } else {
        vec![s]
    };
    if alts.len() > 1 {
        // In a list of alternatives, a plain one is JSON when it parses (`$Size|0`, `$X|""`).
        return alts
            .iter()
            .map(|a| match serde_json::from_str::<serde_json::Value>(a) {
                Ok(v) if !a.starts_with(['$', '#', '&', '@']) => Ok(Expr::Literal(v.to_string())),
                _ => parse_text(a),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Expr::First);
    }
    let a = alts[0];
    if a.starts_with(['$', '#', '&', '@']) {
        if let Some((left, value)) = a.split_once("!=") {
            return Ok(Expr::Unless(Box::new(parse_text(left)?), value.to_string()));
        }
    }
    if a == "$." {
        return Ok(Expr::Item(String::new()));
    }
    if a == "#" {
        return Ok(Expr::Field(String::new()));
    }
    if let Some(path) = a.strip_prefix("$.") {
        return nonempty(path, a).map(|p| Expr::Item(p.to_string()));
    }
    if let Some(path) = a.strip_prefix('$') {
        return nonempty(path, a).map(|p| Expr::Param(p.to_string()));
    }
    if let Some(path) = a.strip_prefix("#[]") {
        return nonempty(path, a).map(|p| Expr::Each(p.to_string()));
    }
    if let Some(path) = a.strip_prefix('#') {
        return nonempty(path, a).map(|p| Expr::Field(p.to_string()));
    }
    if let Some(rest) = a.strip_prefix('&') {
        let (param, field) = match rest.strip_prefix('.') {
            Some(item) => item
                .split_once('.')
                .map(|(p, f)| (format!(".{p}"), f.to_string())),
            None => rest
                .split_once('.')
                .map(|(p, f)| (p.to_string(), f.to_string())),
        }
        .ok_or_else(|| format!("{a:?}: a reference is &Param.Field"))?;
        if param.trim_start_matches('.').is_empty() || field.is_empty() {
            return Err(format!("{a:?}: a reference is &Param.Field"));
        }
        return Ok(Expr::Ref { param, field });
    }
    if let Some(name) = a.strip_prefix('@') {
        return GENERATORS
            .iter()
            .find(|(g, _)| *g == name)
            .map(|(g, _)| Expr::Gen(g))
            .ok_or_else(|| {
                let known: Vec<&str> = GENERATORS.iter().map(|(g, _)| *g).collect();
                format!("unknown generator @{name} (known: {})", known.join(", "))
            });
    }
    Ok(Expr::Literal(serde_json::to_string(a).unwrap_or_default()))
}

fn nonempty<'a>(path: &'a str, whole: &str) -> Result<&'a str, String> {
    if path.is_empty() {
        Err(format!("{whole:?} names nothing"))
    } else {
        Ok(path)
    }
}

/// YAML → JSON (model literals).
pub fn yaml_to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

impl Expr {
    /// Every sub-expression, this one included.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::First(alts) => {
                for a in alts {
                    a.walk(f);
                }
            }
            Expr::Unless(e, _) => e.walk(f),
            _ => {}
        }
    }

    /// The literal text value, if this is a literal string.
    pub fn literal_text(&self) -> Option<String> {
        match self {
            Expr::Literal(json) => serde_json::from_str::<serde_json::Value>(json)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            _ => None,
        }
    }
}

/// Parses a filter spec: alternatives separated by `|`, each a field pointer, `~` in front for
/// "contains".
pub fn parse_filter(spec: &str) -> Result<Vec<(String, bool)>, String> {
    spec.split('|')
        .map(|alt| {
            let (field, contains) = match alt.strip_prefix('~') {
                Some(f) => (f, true),
                None => (alt, false),
            };
            if field.is_empty() {
                Err(format!("filter {spec:?} names no field"))
            } else {
                Ok((field.to_string(), contains))
            }
        })
        .collect()
}

// ---- documented errors ------------------------------------------------------------------

/// A documented error: code, HTTP status, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documented {
    /// Code.
    pub code: String,
    /// HTTP status (400 when the document gives none).
    pub http: u16,
    /// Message.
    pub message: String,
}

fn code_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The errors `op` documents (its own, then the line-wide ones), first occurrence of a code.
pub fn documented_errors(line: &Line, op: &Operation) -> Vec<Documented> {
    let mut out: Vec<Documented> = Vec::new();
    let line_wide = line.groups.iter().flat_map(|(_, g)| g.errors.iter());
    for e in op.errors.iter().chain(line_wide) {
        let code = code_text(&e.code);
        if out.iter().any(|d| d.code == code) {
            continue;
        }
        let http = e
            .http
            .as_ref()
            .and_then(Value::as_u64)
            .and_then(|h| u16::try_from(h).ok())
            .unwrap_or(400);
        out.push(Documented {
            code,
            http,
            message: e.message.clone().unwrap_or_default(),
        });
    }
    out
}

/// Every error code the line documents.
fn line_codes(line: &Line) -> BTreeSet<String> {
    line.operations()
        .flat_map(|(_, op)| documented_errors(line, op))
        .map(|d| d.code)
        .collect()
}

/// The first of `candidates` that `documented` lists.
pub fn resolve<'a>(candidates: &[String], documented: &'a [Documented]) -> Option<&'a Documented> {
    candidates
        .iter()
        .find_map(|c| documented.iter().find(|d| d.code == *c))
}

// ---- rules -------------------------------------------------------------------------------

/// The top-level parameter a parameter path names (`Ips[]/EIPList[]` → `Ips`).
fn param_name(path: &str) -> &str {
    let end = path.find(['/', '[']).unwrap_or(path.len());
    &path[..end]
}

/// The waiter (and its poller) of the line's tasks.
fn waiter(line: &Line) -> Option<&super::WaiterSpec> {
    line.product.waiters.first()
}

/// The enum values of the field at `pointer` of `op`'s response, if that field is an enum.
fn enum_at(line: &Line, op: &Operation, pointer: &str) -> Option<Vec<String>> {
    let types = line.types();
    let enums = line.enums();
    let mut segs = pointer.trim_start_matches('/').split('/');
    let first = segs.next()?;
    let mut ty = op.response.iter().find(|f| f.name == first)?.ty.clone();
    for seg in segs {
        while let Some(inner) = ty
            .strip_prefix("list<")
            .or_else(|| ty.strip_prefix("map<"))
            .and_then(|t| t.strip_suffix('>'))
            .map(str::to_string)
        {
            ty = inner;
        }
        if seg.parse::<usize>().is_ok() {
            continue;
        }
        let def = types.get(ty.as_str())?;
        ty = def.fields.iter().find(|f| f.name == seg)?.ty.clone();
    }
    enums.get(ty.as_str()).map(|e| {
        e.values
            .iter()
            .map(|v| code_text(&v.value))
            .collect::<Vec<_>>()
    })
}

/// The rules of a resource model against its line (one negative test each in
/// `xtask/tests/validation.rs`):
/// 1. `tasks` needs a waiter; `finished`/`failed` are among its success/failure values,
///    `running` among neither, and among the status field's enum values when it has one;
/// 2. the unknown-task answer is documented by the poller, or says `why`;
/// 3. a family's error codes are documented by the line; fallbacks say `why`;
/// 4. every operation that names records by id resolves a documented not-found answer
///    (or the family's fallback), and every one with a state condition a state answer;
/// 5. an operation's preferred codes are documented by it;
/// 6. status values set or required are among the family's documented `statuses`;
/// 7. an embedding names a family of the model;
/// 8. actions name operations of the line, and only its parameters;
/// 9. a get names its record pointer; a list its items pointer; id-taking kinds the id (a
///    check may name only `refs`);
/// 10. expressions parse, and a reference `&X.F` has a `refs` entry for `X`;
/// 11. an operation is named by one action only, and not also as unmodelled;
/// 12. `refs` and `blocked_by` name a family of the model, or `line/family`;
/// 13. `by` is a parameter, and the transitions' values are among its enum values;
/// 14. children are of a family embedded in this one (or say their `link`), made from a
///     parameter;
/// 15. unmodelled operations exist and say why.
pub fn validate(line: &Line, model: &Model, dir: &Path) -> Vec<SpecError> {
    let file = dir.join("resources.yaml");
    let mut errors = Vec::new();
    let mut push = |item: &str, field: Option<&str>, message: String| {
        errors.push(err(&file, Some(item.to_string()), field, message))
    };
    let ops: BTreeMap<&str, &Operation> = line
        .operations()
        .map(|(_, o)| (o.name.as_str(), o))
        .collect();
    let codes = line_codes(line);
    let families: BTreeMap<&str, &Family> = model
        .resources
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    let family_ref_ok = |name: &str| {
        families.contains_key(name)
            || name
                .split_once('/')
                .is_some_and(|(l, f)| !l.is_empty() && !f.is_empty() && l != line.name)
    };

    // 1, 2: tasks.
    if let Some(t) = &model.tasks {
        match waiter(line) {
            None => push(
                "tasks",
                None,
                "the line has no waiter, so no poller reports tasks".into(),
            ),
            Some(w) => {
                let finished = t.finished.clone().or_else(|| w.success.first().cloned());
                if let Some(f) = &finished {
                    if !w.success.iter().any(|s| s.eq_ignore_ascii_case(f)) {
                        push(
                            "tasks",
                            Some("finished"),
                            format!("{f} is not among the waiter's success values"),
                        );
                    }
                }
                if let Some(f) = &t.failed {
                    if !w.failure.iter().any(|s| s.eq_ignore_ascii_case(f)) {
                        push(
                            "tasks",
                            Some("failed"),
                            format!("{f} is not among the waiter's failure values"),
                        );
                    }
                }
                if w.success
                    .iter()
                    .chain(&w.failure)
                    .any(|s| s.eq_ignore_ascii_case(&t.running))
                {
                    push(
                        "tasks",
                        Some("running"),
                        format!(
                            "{} ends the wait; a running task reports another value",
                            t.running
                        ),
                    );
                }
                if let Some(poller) = ops.get(w.poller.as_str()) {
                    if let Some(values) = enum_at(line, poller, &w.status) {
                        if !values.iter().any(|v| v.eq_ignore_ascii_case(&t.running)) {
                            push(
                                "tasks",
                                Some("running"),
                                format!(
                                    "{} is not a documented status ({})",
                                    t.running,
                                    values.join(", ")
                                ),
                            );
                        }
                    }
                    if let Some(u) = &t.unknown {
                        let doc = documented_errors(line, poller);
                        if !doc.iter().any(|d| d.code == u.code) && u.why.is_none() {
                            push(
                                "tasks",
                                Some("unknown"),
                                format!(
                                    "{} is not documented by {}; say why in `why`",
                                    u.code, poller.name
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    let mut named_ops: BTreeMap<&str, &str> = BTreeMap::new();
    for family in &model.resources {
        let item = format!("family {}", family.name);
        // 3: error codes.
        let fe = &family.errors;
        for (role, list) in [
            ("not_found", &fe.not_found),
            ("malformed", &fe.malformed),
            ("state", &fe.state),
        ] {
            for c in list {
                if !codes.contains(c) {
                    push(
                        &item,
                        Some("errors"),
                        format!("{role} code {c} is documented by no operation of the line"),
                    );
                }
            }
        }
        for (role, fb) in [
            ("fallback", &fe.fallback),
            ("state_fallback", &fe.state_fallback),
        ] {
            if let Some(fb) = fb {
                if fb.why.as_deref().is_none_or(str::is_empty) {
                    push(
                        &item,
                        Some("errors"),
                        format!("the {role} {} says no `why`", fb.code),
                    );
                }
            }
        }
        // 7: embedding.
        if let Some(e) = &family.embed {
            if !families.contains_key(e.parent.as_str()) {
                push(
                    &item,
                    Some("embed"),
                    format!("parent {} is not a family", e.parent),
                );
            }
        }
        let status_values = |what: &str, map: &BTreeMap<String, Value>| -> Vec<String> {
            let Some(field) = &family.status else {
                return Vec::new();
            };
            map.iter()
                .filter(|(k, _)| *k == field)
                .filter_map(|(_, v)| parse_expr(v).ok())
                .filter_map(|e| e.literal_text())
                .filter(|v| !family.statuses.contains(v))
                .map(|v| format!("{what} sets {field} to {v}, not a documented status"))
                .collect()
        };
        for (k, v) in &family.template {
            if let Err(e) = parse_expr(v) {
                push(&item, Some("template"), format!("{k}: {e}"));
            }
        }
        for a in &family.operations {
            let field = format!("op {}", a.op);
            let field = field.as_str();
            // 11: one action per operation.
            if let Some(other) = named_ops.insert(&a.op, &family.name) {
                push(
                    &item,
                    Some(field),
                    format!("also modelled by family {other}; an operation has one action"),
                );
            }
            // 8: the operation and its parameters.
            let Some(op) = ops.get(a.op.as_str()).copied() else {
                push(&item, Some(field), "no such operation in the line".into());
                continue;
            };
            let has_param = |p: &str| op.params.iter().any(|x| x.name == param_name(p));
            let mut named: Vec<&str> = a
                .filters
                .keys()
                .chain(a.refs.keys())
                .chain(a.ignores.keys())
                .map(String::as_str)
                .collect();
            named.extend(a.id.as_deref());
            named.extend(a.count.as_deref());
            named.extend(a.each.as_deref());
            named.extend(a.by.as_deref());
            named.extend(a.page.as_deref());
            named.extend(a.size.as_deref());
            named.extend(a.children.iter().map(|c| c.each.as_str()));
            for p in named {
                if !has_param(p) {
                    push(
                        &item,
                        Some(field),
                        format!("{} is not a parameter of the operation", param_name(p)),
                    );
                }
            }
            // 10: expressions.
            let mut exprs: Vec<(String, &Value)> = Vec::new();
            for (what, map) in [
                ("record", &a.record),
                ("pending", &a.pending),
                ("set", &a.set),
                ("out", &a.out),
            ] {
                exprs.extend(map.iter().map(|(k, v)| (format!("{what} {k}"), v)));
            }
            for (value, t) in &a.transitions {
                exprs.extend(t.pending.iter().map(|(k, v)| (format!("{value} {k}"), v)));
                exprs.extend(t.set.iter().map(|(k, v)| (format!("{value} {k}"), v)));
            }
            for c in &a.children {
                exprs.extend(
                    c.record
                        .iter()
                        .map(|(k, v)| (format!("{} {k}", c.family), v)),
                );
            }
            for (place, v) in exprs {
                match parse_expr(v) {
                    Err(e) => push(&item, Some(field), format!("{place}: {e}")),
                    Ok(e) => e.walk(&mut |x| match x {
                        Expr::Param(p) if !has_param(p) => push(
                            &item,
                            Some(field),
                            format!(
                                "{place}: {} is not a parameter of the operation",
                                param_name(p)
                            ),
                        ),
                        Expr::Ref { param, .. } => {
                            let known = match param.strip_prefix('.') {
                                Some(f) => a.refs.keys().any(|k| k.ends_with(&format!("[]/{f}"))),
                                None => a.refs.contains_key(param),
                            };
                            if !known {
                                push(
                                    &item,
                                    Some(field),
                                    format!("{place}: &{param} has no `refs` entry"),
                                );
                            }
                        }
                        _ => {}
                    }),
                }
            }
            for (p, spec) in &a.filters {
                if let Err(e) = parse_filter(spec) {
                    push(&item, Some(field), format!("filter {p}: {e}"));
                }
            }
            // 9: what each kind needs.
            if a.kind.takes_ids() && a.id.is_none() && (a.kind != Kind::Check || a.refs.is_empty())
            {
                push(
                    &item,
                    Some(field),
                    format!(
                        "a {} names the parameter that takes the id (`id`)",
                        a.kind.as_str()
                    ),
                );
            }
            if a.kind == Kind::Get && a.at.is_none() {
                push(
                    &item,
                    Some(field),
                    "a get names the pointer of the record (`at`)".into(),
                );
            }
            if a.kind == Kind::List && a.items.is_none() && op.paginate.is_none() {
                push(
                    &item,
                    Some(field),
                    "a list names its items pointer (`items`)".into(),
                );
            }
            // 4, 5: errors of the operation.
            let documented = documented_errors(line, op);
            for (role, code) in &a.errors {
                if !["not_found", "malformed", "state"].contains(&role.as_str()) {
                    push(
                        &item,
                        Some(field),
                        format!("errors: unknown role {role} (not_found, malformed, state)"),
                    );
                } else if !documented.iter().any(|d| d.code == *code) {
                    push(
                        &item,
                        Some(field),
                        format!("errors: {code} is not documented by {}", a.op),
                    );
                }
            }
            let resolves = |f: &Family| {
                let mut cands = f.errors.not_found.clone();
                cands.extend(f.errors.malformed.iter().cloned());
                cands.extend(a.errors.get("not_found").cloned());
                cands.extend(a.errors.get("malformed").cloned());
                resolve(&cands, &documented).is_some() || f.errors.fallback.is_some()
            };
            if (a.id.is_some() && (a.kind.takes_ids() || a.kind == Kind::List)) && !resolves(family)
            {
                push(
                    &item,
                    Some(field),
                    format!(
                        "{} documents none of the family's not-found or malformed codes and the family has no `fallback`",
                        a.op
                    ),
                );
            }
            for (p, target) in &a.refs {
                if !family_ref_ok(target) {
                    push(
                        &item,
                        Some(field),
                        format!("refs {p}: {target} is not a family (name, or line/name)"),
                    );
                } else if let Some(t) = families.get(target.as_str()) {
                    if !resolves(t) {
                        push(
                            &item,
                            Some(field),
                            format!(
                                "refs {p}: {} documents none of {target}'s not-found codes and {target} has no `fallback`",
                                a.op
                            ),
                        );
                    }
                }
            }
            let checks_state = !a.from.is_empty()
                || !a.blocked_by.is_empty()
                || a.transitions.values().any(|t| !t.from.is_empty());
            if checks_state {
                let mut cands = family.errors.state.clone();
                cands.extend(a.errors.get("state").cloned());
                if resolve(&cands, &documented).is_none() && family.errors.state_fallback.is_none()
                {
                    push(
                        &item,
                        Some(field),
                        format!(
                            "{} checks a state but documents none of the family's state codes and the family has no `state_fallback`",
                            a.op
                        ),
                    );
                }
            }
            // 6: statuses.
            let mut bad = status_values("set", &a.set);
            bad.extend(status_values("pending", &a.pending));
            bad.extend(status_values("record", &a.record));
            for (value, t) in &a.transitions {
                bad.extend(status_values(&format!("transition {value}"), &t.set));
                bad.extend(status_values(&format!("transition {value}"), &t.pending));
                bad.extend(
                    t.from
                        .iter()
                        .filter(|s| !family.statuses.contains(s))
                        .map(|s| {
                            format!("transition {value} starts from {s}, not a documented status")
                        }),
                );
            }
            bad.extend(
                a.from
                    .iter()
                    .filter(|s| !family.statuses.contains(s))
                    .map(|s| format!("from {s}: not a documented status")),
            );
            if (!a.from.is_empty() || !a.transitions.is_empty()) && family.status.is_none() {
                bad.push("a state condition needs the family's `status` field".into());
            }
            for b in bad {
                push(&item, Some(field), b);
            }
            // 12: blockers.
            for b in &a.blocked_by {
                if !family_ref_ok(&b.family) {
                    push(
                        &item,
                        Some(field),
                        format!(
                            "blocked_by {} is not a family (name, or line/name)",
                            b.family
                        ),
                    );
                }
            }
            // 13: transitions.
            if !a.transitions.is_empty() {
                match a.by.as_deref() {
                    None => push(
                        &item,
                        Some(field),
                        "transitions need `by`, the parameter choosing them".into(),
                    ),
                    Some(by) => {
                        let enums = line.enums();
                        let values = op
                            .params
                            .iter()
                            .find(|p| p.name == by)
                            .and_then(|p| enums.get(p.ty.as_str()))
                            .map(|e| {
                                e.values
                                    .iter()
                                    .map(|v| code_text(&v.value))
                                    .collect::<Vec<_>>()
                            });
                        if let Some(values) = values {
                            for v in a.transitions.keys() {
                                if !values.contains(v) {
                                    push(
                                        &item,
                                        Some(field),
                                        format!(
                                            "transition {v} is not a value of {by} ({})",
                                            values.join(", ")
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            // 14: children.
            for c in &a.children {
                match families.get(c.family.as_str()) {
                    Some(child)
                        if c.link.is_some()
                            || child.embed.as_ref().is_some_and(|e| e.parent == family.name) => {}
                    _ => push(
                        &item,
                        Some(field),
                        format!(
                            "children {} is not a family embedded in {} (or `link` names its field)",
                            c.family, family.name
                        ),
                    ),
                }
            }
        }
    }
    // 15: unmodelled.
    for u in &model.unmodelled {
        let item = format!("unmodelled {}", u.op);
        if !ops.contains_key(u.op.as_str()) {
            push(&item, None, "no such operation in the line".into());
        }
        if u.why.trim().is_empty() {
            push(&item, None, "says no `why`".into());
        }
        if let Some(f) = named_ops.get(u.op.as_str()) {
            push(&item, None, format!("also modelled by family {f}"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        parse_expr(&Value::String(s.into())).unwrap()
    }

    #[test]
    fn expressions() {
        assert_eq!(p("$VdcName"), Expr::Param("VdcName".into()));
        assert_eq!(p("$.Size"), Expr::Item("Size".into()));
        assert_eq!(p("#VdcId"), Expr::Field("VdcId".into()));
        assert_eq!(p("#[]EcsId"), Expr::Each("EcsId".into()));
        assert_eq!(
            p("&VdcId.VdcName"),
            Expr::Ref {
                param: "VdcId".into(),
                field: "VdcName".into()
            }
        );
        assert_eq!(
            p("&.PrivateId.Name"),
            Expr::Ref {
                param: ".PrivateId".into(),
                field: "Name".into()
            }
        );
        assert_eq!(
            p("$VdcName|#VdcId"),
            Expr::First(vec![
                Expr::Param("VdcName".into()),
                Expr::Field("VdcId".into())
            ])
        );
        assert_eq!(p("@mac"), Expr::Gen("mac"));
        assert_eq!(
            p("$.!=auto|@public_ip"),
            Expr::First(vec![
                Expr::Unless(Box::new(Expr::Item(String::new())), "auto".into()),
                Expr::Gen("public_ip")
            ])
        );
        assert_eq!(
            p("$Size|0"),
            Expr::First(vec![Expr::Param("Size".into()), Expr::Literal("0".into())])
        );
        assert!(parse_expr(&Value::String("@nothing".into())).is_err());
        assert_eq!(p("running"), Expr::Literal("\"running\"".into()));
        assert_eq!(p("a|b"), Expr::Literal("\"a|b\"".into()));
        assert_eq!(p("\\$5"), Expr::Literal("\"$5\"".into()));
        assert_eq!(
            parse_expr(&serde_yaml::from_str("60").unwrap()).unwrap(),
            Expr::Literal("60".into())
        );
        assert_eq!(
            parse_filter("~Name|Id").unwrap(),
            vec![("Name".to_string(), true), ("Id".to_string(), false)]
        );
    }
}
