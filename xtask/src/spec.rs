//! The spec model (see `spec/README.md`), loading from `spec/<line>/*.yaml`, and validation.
//!
//! Every error names the file, and where it applies the operation and the field.

use crate::typeref::TypeRef;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// An English text and the original Chinese.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    /// English.
    #[serde(default)]
    pub en: String,
    /// Chinese, verbatim from the document.
    #[serde(default)]
    pub zh: String,
}

/// A document a product line is transcribed from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// File name under `shared/seeds`.
    pub document: String,
    /// sha256 of that file when transcribed.
    pub sha256: String,
    /// Sections transcribed.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Fingerprint of each section (read by `cargo xtask doc-check`).
    #[serde(default)]
    pub section_hashes: BTreeMap<String, String>,
    /// Acknowledged departures from the document (read by `cargo xtask doc-check`).
    #[serde(default)]
    pub departures: Vec<serde_yaml::Value>,
    /// The vendor repository the document comes from (`capitalonline/openapi`).
    #[serde(default)]
    pub repo: Option<String>,
    /// Its path in that repository.
    #[serde(default)]
    pub path: Option<String>,
    /// The last commit that changed it.
    #[serde(default)]
    pub commit: Option<String>,
    /// That commit's date (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: Option<String>,
    /// An earlier edition kept as history (checked through operations' `history:`), not the
    /// document the line follows today.
    #[serde(default)]
    pub history: bool,
}

/// Marks an operation or a parameter that the vendor's documents no longer describe (renamed
/// or removed): generated as `#[deprecated]`, still sent as before.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// Date of the document edition that renamed or removed it (`YYYY-MM-DD`).
    pub date: String,
    /// Operations: the current name, when the operation was renamed.
    #[serde(default)]
    pub renamed_to: Option<String>,
    /// Why (shown in the deprecation note).
    pub why: String,
}

/// A parameter that no document names but the vendor's production code sends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Undocumented {
    /// Where the vendor code shows it (`repository file:line`).
    pub evidence: String,
    /// What it does, as far as the code shows.
    #[serde(default)]
    pub why: String,
}

/// A decision on one row of `shared/evidence/vendor-sdks.tsv` (read by `cargo xtask
/// evidence-check`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The row's `kind` (`req-missing-in-spec`, `resp-type`, `address`, ...).
    pub kind: String,
    /// The row's `field` (wire path, `[]` for list elements); empty for operation-wide rows.
    #[serde(default)]
    pub field: String,
    /// Vendor repository (`cds-gic-sdk-go`).
    pub repo: String,
    /// `file:line` in it.
    pub file: String,
    /// What the vendor code shows.
    pub shows: String,
    /// `vendor`: the spec now follows the vendor code; `both`: the spec accepts both forms;
    /// `document`: the spec keeps the document's form.
    pub decision: EvidenceDecision,
    /// Why (required for `document`).
    #[serde(default)]
    pub why: String,
}

/// How the spec resolved a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceDecision {
    /// The spec follows the vendor's production code.
    Vendor,
    /// The spec accepts both forms.
    Both,
    /// The spec follows the document, for the reason given.
    Document,
}

/// The response envelope.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Code field.
    pub code: String,
    /// `string` or `integer`.
    #[serde(default = "default_code_type")]
    pub code_type: String,
    /// Success values.
    pub success: Vec<serde_yaml::Value>,
    /// Message field.
    pub message: String,
    /// Request id field.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Data field.
    pub data: String,
}

fn default_code_type() -> String {
    "string".into()
}

/// A task poller.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// Name (method `wait_for_<name>`).
    pub name: String,
    /// Polling operation.
    pub poller: String,
    /// Its id parameter.
    pub id_param: String,
    /// Pointer to the status.
    pub status: String,
    /// Success values.
    pub success: Vec<String>,
    /// Failure values.
    #[serde(default)]
    pub failure: Vec<String>,
    /// Pointer to the failure reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Poller parameters that take a fresh UUID on every poll (e.g. gcw's `requestId`).
    #[serde(default)]
    pub uuid_params: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// `product.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Line name.
    pub product: String,
    /// Title.
    pub title: Doc,
    /// Sources.
    pub sources: Vec<Source>,
    /// Wire protocol.
    pub protocol: Protocol,
    /// Authentication scheme.
    pub auth: Auth,
    /// RPC version.
    #[serde(default)]
    pub version: Option<String>,
    /// Default host.
    pub host: HostKind,
    /// Default path.
    #[serde(default)]
    pub path: String,
    /// Envelope.
    pub envelope: Envelope,
    /// Header carrying the region id.
    #[serde(default)]
    pub region_header: Option<String>,
    /// Environment variables that configure a client of this line (`Client::from_env`).
    #[serde(default)]
    pub env: EnvSpec,
    /// Waiters.
    #[serde(default)]
    pub waiters: Vec<WaiterSpec>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Names of the environment variables a line's `Client::from_env` reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    /// Endpoint (`scheme://host[:port]`).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// AccessKeyId.
    #[serde(default)]
    pub secret_id: Option<String>,
    /// AccessKeySecret.
    #[serde(default)]
    pub secret_key: Option<String>,
    /// Region (mainland, asia, us).
    #[serde(default)]
    pub region: Option<String>,
    /// Bearer token.
    #[serde(default)]
    pub token: Option<String>,
    /// Region id sent in the line's region header.
    #[serde(default)]
    pub region_id: Option<String>,
}

impl EnvSpec {
    /// Each variable role (`endpoint`, `secret_id`, …, as `EnvNames` names its setters) with
    /// the variable declared for it, if any.
    pub fn declared(&self) -> [(&'static str, Option<&String>); 6] {
        [
            ("endpoint", self.endpoint.as_ref()),
            ("secret_id", self.secret_id.as_ref()),
            ("secret_key", self.secret_key.as_ref()),
            ("region", self.region.as_ref()),
            ("token", self.token.as_ref()),
            ("region_id", self.region_id.as_ref()),
        ]
    }
}

/// Wire protocol of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// `Action` + HMAC-SHA1 query signature.
    Rpc,
    /// Method + path.
    Rest,
}

/// Authentication scheme of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    /// `hmac-sha1`.
    HmacSha1,
    /// `bearer`.
    Bearer,
    /// `pluggable`.
    Pluggable,
}

/// Which host serves a line or an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    /// Regional `cdsapi` hosts.
    Cdsapi,
    /// `api.capitalonline.net`.
    Api,
    /// User-supplied endpoint.
    Endpoint,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
}

impl Method {
    /// Wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

/// What a successful answer carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseKind {
    /// A JSON envelope.
    #[default]
    Json,
    /// A file, returned as bytes.
    Binary,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// Query string.
    Query,
    /// JSON body member.
    Body,
    /// Whole JSON body.
    BodyRoot,
    /// Path segment.
    Path,
    /// Header.
    Header,
}

impl Location {
    /// Spec text.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Body => "body",
            Location::BodyRoot => "body_root",
            Location::Path => "path",
            Location::Header => "header",
        }
    }
}

/// A parameter or a field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Location (parameters only).
    #[serde(default, rename = "in")]
    pub location: Option<Location>,
    /// Type expression.
    #[serde(rename = "type")]
    pub ty: String,
    /// Required.
    #[serde(default)]
    pub required: bool,
    /// Docs.
    #[serde(default)]
    pub doc: Doc,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Example value (informative).
    #[serde(default)]
    pub example: Option<serde_yaml::Value>,
    /// Response fields only: the named type's fields sit at this level of the body (serde
    /// `flatten`); the field's own name is not on the wire.
    #[serde(default)]
    pub flatten: bool,
    /// The value is a secret (password, key, token, user data): never shown in `Debug`.
    #[serde(default)]
    pub sensitive: bool,
    /// Parameters: removed from the current documents; the builder setter is deprecated.
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// Parameters: not in any document; sent by the vendor's production code.
    #[serde(default)]
    pub undocumented: Option<Undocumented>,
    /// The documentation lists values, but the field stays free text: why.
    #[serde(default)]
    pub not_enum: Option<String>,
    /// Type `any`: why the shape is not typed.
    #[serde(default)]
    pub untyped: Option<String>,
}

/// A documented error code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// HTTP status.
    #[serde(default)]
    pub http: Option<serde_yaml::Value>,
    /// Code.
    pub code: serde_yaml::Value,
    /// Message.
    #[serde(default)]
    pub message: Option<String>,
    /// Docs.
    #[serde(default)]
    pub doc: Doc,
}

/// Source reference of an operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpSource {
    /// Document.
    pub document: String,
    /// Heading.
    pub heading: String,
    /// Line.
    pub line: u64,
}

/// Task marker.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskMarker {
    /// Waiter name.
    pub waiter: String,
    /// Pointer to the id.
    pub id: String,
}

/// Pagination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paginate {
    /// Page number parameter.
    pub page: String,
    /// Page size parameter.
    pub size: String,
    /// Pointer to items.
    pub items: String,
    /// Pointer to total.
    #[serde(default)]
    pub total: Option<String>,
}

/// An operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Name.
    pub name: String,
    /// Source: where the operation is documented today.
    pub source: OpSource,
    /// Earlier editions that documented it (the seeds), checked by doc-check as history.
    #[serde(default)]
    pub history: Vec<OpSource>,
    /// Renamed or removed from the current documents.
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// Acknowledged departures from the document (read by `cargo xtask doc-check`).
    #[serde(default)]
    pub departures: Vec<serde_yaml::Value>,
    /// Decisions on the vendor's production code (read by `cargo xtask evidence-check`).
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Docs.
    pub doc: Doc,
    /// Method.
    pub method: Method,
    /// Path.
    #[serde(default)]
    pub path: Option<String>,
    /// Host override.
    #[serde(default)]
    pub host: Option<HostKind>,
    /// Safe to retry.
    pub read: bool,
    /// Parameters.
    #[serde(default)]
    pub params: Vec<Field>,
    /// Response fields.
    #[serde(default)]
    pub response: Vec<Field>,
    /// Error codes.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Example responses.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Task marker.
    #[serde(default)]
    pub task: Option<TaskMarker>,
    /// Pagination.
    #[serde(default)]
    pub paginate: Option<Paginate>,
    /// A WebSocket endpoint: generated as a URL builder, not a call.
    #[serde(default)]
    pub websocket: bool,
    /// What a successful answer carries: `json` (the default) or `binary` (a file, such as a
    /// spreadsheet: generated as raw bytes, never decoded as JSON).
    #[serde(default)]
    pub response_kind: ResponseKind,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Another name of the type named here (generated as `pub type Name = Target;`): a second
    /// domain name for a shared shape. An alias has no fields.
    #[serde(default)]
    pub alias: Option<String>,
    /// Docs.
    #[serde(default)]
    pub doc: Doc,
    /// Fields.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An enum value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Wire value.
    pub value: serde_yaml::Value,
    /// Docs.
    #[serde(default)]
    pub doc: Doc,
}

/// A named enum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// Docs.
    #[serde(default)]
    pub doc: Doc,
    /// Values.
    pub values: Vec<EnumValue>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An operation file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Section.
    #[serde(default)]
    pub section: Doc,
    /// Operations.
    #[serde(default)]
    pub operations: Vec<Operation>,
    /// Types.
    #[serde(default)]
    pub types: BTreeMap<String, TypeDef>,
    /// Enums.
    #[serde(default)]
    pub enums: BTreeMap<String, EnumDef>,
    /// Line-wide error codes (e.g. CECSTACK part 3).
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
}

/// A loaded and validated product line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Folder name.
    pub name: String,
    /// `product.yaml`.
    pub product: Product,
    /// Operation files by stem, sorted.
    pub groups: Vec<(String, Group)>,
}

/// A spec error: where, and what.
#[derive(Debug)]
pub struct SpecError {
    /// File.
    pub file: PathBuf,
    /// Operation or type, if any.
    pub item: Option<String>,
    /// Field, if any.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(item) = &self.item {
            write!(f, ": {item}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}

impl Line {
    /// Loads `dir` (a `spec/<line>` folder).
    pub fn load(dir: &Path) -> Result<Line, Vec<SpecError>> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut errors = Vec::new();
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .filter(|p| p.file_stem().is_none_or(|s| s != "resources")) // the emulator's model
                .collect(),
            Err(e) => return Err(vec![err(dir, None, None, format!("cannot read: {e}"))]),
        };
        files.sort();
        let mut product = None;
        let mut groups = Vec::new();
        for file in files {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(err(&file, None, None, format!("cannot read: {e}")));
                    continue;
                }
            };
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if stem == "product" {
                match serde_yaml::from_str::<Product>(&text) {
                    Ok(p) => product = Some(p),
                    Err(e) => errors.push(err(&file, None, None, e.to_string())),
                }
            } else {
                match serde_yaml::from_str::<Group>(&text) {
                    Ok(g) => groups.push((stem, g)),
                    Err(e) => errors.push(err(&file, None, None, yaml_error(&text, &e))),
                }
            }
        }
        let Some(product) = product else {
            errors.push(err(&dir.join("product.yaml"), None, None, "missing".into()));
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let line = Line {
            name,
            product,
            groups,
        };
        let errors = line.validate(dir);
        if errors.is_empty() {
            Ok(line)
        } else {
            Err(errors)
        }
    }

    /// All operations with the file stem they come from.
    pub fn operations(&self) -> impl Iterator<Item = (&str, &Operation)> {
        self.groups
            .iter()
            .flat_map(|(stem, g)| g.operations.iter().map(move |o| (stem.as_str(), o)))
    }

    /// All named types.
    pub fn types(&self) -> BTreeMap<&str, &TypeDef> {
        self.groups
            .iter()
            .flat_map(|(_, g)| g.types.iter().map(|(n, t)| (n.as_str(), t)))
            .collect()
    }

    /// All enums.
    pub fn enums(&self) -> BTreeMap<&str, &EnumDef> {
        self.groups
            .iter()
            .flat_map(|(_, g)| g.enums.iter().map(|(n, t)| (n.as_str(), t)))
            .collect()
    }

    /// Named types whose field sets are identical (wire name, type and required flag): one
    /// resource must be one type. An `alias` gives a shared shape a second name instead.
    fn duplicate_types(&self, dir: &Path) -> Vec<SpecError> {
        /// Wire name, type expression and required flag of each field, sorted.
        type Shape<'a> = Vec<(&'a str, &'a str, bool)>;
        let mut by_shape: BTreeMap<Shape, (&str, &str)> = BTreeMap::new();
        let mut errors = Vec::new();
        for (stem, g) in &self.groups {
            for (name, t) in &g.types {
                if t.alias.is_some() {
                    continue;
                }
                let mut shape: Vec<(&str, &str, bool)> = t
                    .fields
                    .iter()
                    .map(|f| (f.name.as_str(), f.ty.as_str(), f.required))
                    .collect();
                shape.sort();
                if let Some((other, other_stem)) = by_shape.insert(shape, (name, stem)) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        Some("fields"),
                        format!(
                            "same fields as type {other} ({other_stem}.yaml): declare the resource once and refer to it by name (or make one an `alias`)"
                        ),
                    ));
                }
            }
        }
        errors
    }

    fn validate(&self, dir: &Path) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let product_file = dir.join("product.yaml");
        let p = &self.product;
        if p.product != self.name {
            errors.push(err(
                &product_file,
                None,
                Some("product"),
                format!(
                    "{:?} differs from the folder name {:?}",
                    p.product, self.name
                ),
            ));
        }
        if p.protocol == Protocol::Rpc && p.version.is_none() {
            errors.push(err(
                &product_file,
                None,
                Some("version"),
                "rpc lines need a version".into(),
            ));
        }
        // Names: types and enums unique across the line.
        let mut type_names: BTreeMap<&str, &str> = BTreeMap::new();
        for (stem, g) in &self.groups {
            for name in g.types.keys().chain(g.enums.keys()) {
                if let Some(other) = type_names.insert(name, stem) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        None,
                        format!("also defined in {other}.yaml"),
                    ));
                }
                if !is_pascal(name) {
                    errors.push(err(
                        &dir.join(format!("{stem}.yaml")),
                        Some(format!("type {name}")),
                        None,
                        "type names must be PascalCase ASCII".into(),
                    ));
                }
            }
        }
        let known: BTreeSet<&str> = type_names.keys().copied().collect();
        let mut op_names: BTreeMap<&str, &str> = BTreeMap::new();
        for (stem, op) in self.operations() {
            let file = dir.join(format!("{stem}.yaml"));
            let item = Some(format!("operation {}", op.name));
            if let Some(other) = op_names.insert(&op.name, stem) {
                errors.push(err(
                    &file,
                    item.clone(),
                    None,
                    format!("operation name also used in {other}.yaml"),
                ));
            }
            if !is_pascal(&op.name) {
                errors.push(err(
                    &file,
                    item.clone(),
                    Some("name"),
                    "operation names must be PascalCase ASCII".into(),
                ));
            }
            if op.doc.en.trim().is_empty() || op.doc.zh.trim().is_empty() {
                errors.push(err(
                    &file,
                    item.clone(),
                    Some("doc"),
                    "needs both en and zh".into(),
                ));
            }
            let path = op.path.clone().unwrap_or_else(|| p.path.clone());
            let mut seen = BTreeSet::new();
            for f in &op.params {
                let field = Some(f.name.as_str());
                if !seen.insert(f.name.as_str()) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "parameter listed twice".into(),
                    ));
                }
                match f.location {
                    Some(Location::Query | Location::Body | Location::Header) => {}
                    Some(Location::BodyRoot) => {
                        if op
                            .params
                            .iter()
                            .filter(|f| f.location == Some(Location::BodyRoot))
                            .count()
                            > 1
                        {
                            errors.push(err(
                                &file,
                                item.clone(),
                                field,
                                "at most one body_root parameter".into(),
                            ));
                        }
                    }
                    Some(Location::Path) => {
                        if !path.contains(&format!("{{{}}}", f.name)) {
                            errors.push(err(
                                &file,
                                item.clone(),
                                field,
                                format!("path parameter not in path {path:?}"),
                            ));
                        }
                    }
                    None => errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "a parameter needs `in` (query, body, body_root, path or header)".into(),
                    )),
                }
                if f.flatten {
                    errors.push(err(
                        &file,
                        item.clone(),
                        field,
                        "parameters cannot be flattened".into(),
                    ));
                }
                check_type(&mut errors, &file, &item, f, &known);
            }
            let mut seen = BTreeSet::new();
            for f in &op.response {
                if f.flatten
                    && !matches!(TypeRef::parse(&f.ty), Ok(TypeRef::Named(ref n)) if known.contains(n.as_str()))
                {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&f.name),
                        "only a named type can be flattened".into(),
                    ));
                }
                if !seen.insert(f.name.as_str()) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&f.name),
                        "response field listed twice".into(),
                    ));
                }
                check_type(&mut errors, &file, &item, f, &known);
            }
            for (i, ex) in op.examples.iter().enumerate() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(ex) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&format!("examples[{i}]")),
                        format!("not JSON: {e}"),
                    ));
                }
            }
            if let Some(dep) = &op.deprecated {
                if let Some(to) = &dep.renamed_to {
                    if !self.operations().any(|(_, o)| &o.name == to) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("deprecated.renamed_to"),
                            format!("no operation {to:?} in this line"),
                        ));
                    }
                }
            }
            for (i, ev) in op.evidence.iter().enumerate() {
                if ev.decision == EvidenceDecision::Document && ev.why.trim().is_empty() {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some(&format!("evidence[{i}]")),
                        "a `document` decision needs its `why`".into(),
                    ));
                }
            }
            if let Some(task) = &op.task {
                if !p.waiters.iter().any(|w| w.name == task.waiter) {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some("task"),
                        format!("no waiter named {:?} in product.yaml", task.waiter),
                    ));
                }
                if !task.id.starts_with('/') {
                    errors.push(err(
                        &file,
                        item.clone(),
                        Some("task.id"),
                        "must be a JSON pointer".into(),
                    ));
                }
            }
            if let Some(pg) = &op.paginate {
                for name in [&pg.page, &pg.size] {
                    if !op.params.iter().any(|f| &f.name == name) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("paginate"),
                            format!("{name} is not a parameter"),
                        ));
                    }
                }
            }
        }
        for (stem, g) in &self.groups {
            let file = dir.join(format!("{stem}.yaml"));
            for (name, t) in &g.types {
                let item = Some(format!("type {name}"));
                if let Some(target) = &t.alias {
                    if !t.fields.is_empty() {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("alias"),
                            "an alias has no fields of its own".into(),
                        ));
                    }
                    if !known.contains(target.as_str()) || target == name {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some("alias"),
                            format!("{target:?} is not another type of this line"),
                        ));
                    }
                }
                let mut seen = BTreeSet::new();
                for f in &t.fields {
                    if !seen.insert(f.name.as_str()) {
                        errors.push(err(
                            &file,
                            item.clone(),
                            Some(&f.name),
                            "field listed twice".into(),
                        ));
                    }
                    check_type(&mut errors, &file, &item, f, &known);
                }
            }
        }
        errors.extend(self.duplicate_types(dir));
        for w in &p.waiters {
            match self.operations().find(|(_, o)| o.name == w.poller) {
                None => errors.push(err(
                    &product_file,
                    Some(format!("waiter {}", w.name)),
                    Some("poller"),
                    format!("no operation {:?}", w.poller),
                )),
                Some((_, o)) => {
                    for param in std::iter::once(&w.id_param).chain(&w.uuid_params) {
                        if !o.params.iter().any(|f| &f.name == param) {
                            errors.push(err(
                                &product_file,
                                Some(format!("waiter {}", w.name)),
                                Some(param),
                                format!("not a parameter of {}", o.name),
                            ));
                        }
                    }
                }
            }
        }
        errors
    }
}

fn check_type(
    errors: &mut Vec<SpecError>,
    file: &Path,
    item: &Option<String>,
    f: &Field,
    known: &BTreeSet<&str>,
) {
    match TypeRef::parse(&f.ty) {
        Err(e) => errors.push(err(file, item.clone(), Some(&f.name), e)),
        Ok(t) => {
            for name in t.named() {
                if !known.contains(name) {
                    errors.push(err(
                        file,
                        item.clone(),
                        Some(&f.name),
                        format!("unknown type {name:?}"),
                    ));
                }
            }
        }
    }
}

fn is_pascal(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn err(file: &Path, item: Option<String>, field: Option<&str>, message: String) -> SpecError {
    SpecError {
        file: file.to_path_buf(),
        item,
        field: field.map(str::to_string),
        message,
    }
}

/// A YAML error, with the operation it falls in when that can be told from the text.
fn yaml_error(text: &str, e: &serde_yaml::Error) -> String {
    let Some(loc) = e.location() else {
        return e.to_string();
    };
    let op = text
        .lines()
        .take(loc.line())
        .filter_map(|l| l.trim_start().strip_prefix("- name: "))
        .filter(|_| true)
        .last();
    match op {
        Some(op) => format!("{e} (in the entry named {op})"),
        None => e.to_string(),
    }
}
