//! The spec's YAML format as Rust types (`spec/README.md`). Closed vocabularies (`protocol`,
//! `auth`, `host`, `method`, `in`, evidence decisions) are enums, so a misspelled value fails
//! when the file is read, naming the file.

use serde::Deserialize;
use std::collections::BTreeMap;

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
    /// A `Name: value` header that authenticates every request (pluggable lines).
    #[serde(default)]
    pub auth_header: Option<String>,
}

impl EnvSpec {
    /// Each variable role (`endpoint`, `secret_id`, …, as `EnvNames` names its setters) with
    /// the variable declared for it, if any.
    pub fn declared(&self) -> [(&'static str, Option<&String>); 7] {
        [
            ("endpoint", self.endpoint.as_ref()),
            ("secret_id", self.secret_id.as_ref()),
            ("secret_key", self.secret_key.as_ref()),
            ("region", self.region.as_ref()),
            ("token", self.token.as_ref()),
            ("region_id", self.region_id.as_ref()),
            ("auth_header", self.auth_header.as_ref()),
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
    /// Response lists only: some answers give a single element instead of a list (the
    /// documents' examples disagree); why. The field decodes both forms.
    #[serde(default)]
    pub one_or_list: Option<String>,
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
    /// The Rust variant's name (PascalCase), where the value itself makes none (`"0"` →
    /// `PayAsYouGo`); default: the value in PascalCase.
    #[serde(default)]
    pub name: Option<String>,
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
    /// The client the operations of this file belong to: absent for the line's `Client`,
    /// `operator` for an operator-side API (`client.operator().list_flavors()`).
    #[serde(default)]
    pub client: Option<ClientKind>,
    /// A prefix the spec gives the operations (and their types) of this file to keep their
    /// names unique in the line (`Op` in `OpListFlavors`); the generated Rust names leave it
    /// out.
    #[serde(default)]
    pub name_prefix: Option<String>,
}

/// Which client an operation file's operations belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// An operator-side (administrator) API, reached through `Client::operator()`.
    Operator,
}
