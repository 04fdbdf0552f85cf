//! Static descriptions of product lines and operations, written by the code generator.
//!
//! Generated crates declare one [`Service`] and one [`Operation`] per action; the runtime
//! ([`crate::ServiceClient`]) needs nothing else to build, sign, send and decode a call. The
//! same statics are the one description of a line that the other tools read: each operation's
//! parameters with their [`Shape`] (nested structures, documented value sets), its output's
//! shape, its task and paging, and, in [`LineDescription`], the environment variables, the
//! documented examples and the emulator's resource model ([`crate::model`]).

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl Method {
    /// The method's name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

/// Wire protocol of a product line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `Action` RPC signed with HMAC-SHA1 in the query (seeds 000-002).
    Rpc {
        /// The `Version` common parameter.
        version: &'static str,
    },
    /// Method + path REST.
    Rest,
}

/// How requests of a product line are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// HMAC-SHA1 query signature with an AccessKeyId / AccessKeySecret.
    HmacSha1,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// A caller-supplied [`crate::auth::Authenticate`] implementation.
    Pluggable,
}

/// Which host a product line (or one operation) is served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `cdsapi.capitalonline.net`, `cdsapi-asia…` or `cdsapi-us…` by [`crate::Region`].
    Cdsapi,
    /// `api.capitalonline.net`.
    Api,
    /// Supplied by the caller (REST product lines).
    Endpoint,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the (signed) query string.
    Query,
    /// A member of the JSON request body.
    Body,
    /// Substituted into `{name}` of the path.
    Path,
    /// An HTTP header.
    Header,
    /// The whole JSON body (a documented body that is a bare array or value).
    BodyRoot,
}

/// The JSON shape of a parameter, for validation (the emulator checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    String,
    /// Integer.
    Integer,
    /// Number.
    Number,
    /// `true` / `false`.
    Boolean,
    /// A JSON array.
    List,
    /// A JSON object.
    Object,
    /// Anything.
    Any,
}

/// The shape of a value: scalars, lists, maps, named structures and documented value sets.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` / `false`.
    Boolean,
    /// Any JSON.
    Any,
    /// A list of values of this shape.
    List(&'static Shape),
    /// An object with arbitrary keys and values of this shape.
    Map(&'static Shape),
    /// A named structure.
    Struct(&'static Struct),
    /// A documented value set.
    Enum(&'static EnumSet),
}

impl Shape {
    /// The JSON kind of a value of this shape.
    pub const fn kind(&self) -> Kind {
        match self {
            Shape::String => Kind::String,
            Shape::Integer => Kind::Integer,
            Shape::Number => Kind::Number,
            Shape::Boolean => Kind::Boolean,
            Shape::Any => Kind::Any,
            Shape::List(_) => Kind::List,
            Shape::Map(_) | Shape::Struct(_) => Kind::Object,
            Shape::Enum(set) => {
                if set.integer {
                    Kind::Integer
                } else {
                    Kind::String
                }
            }
        }
    }
}

/// A named structure (a type of the spec).
#[derive(Debug)]
pub struct Struct {
    /// The spec's type name (`DataDisk`).
    pub name: &'static str,
    /// Its fields, in the spec's order.
    pub fields: &'static [Field],
}

/// A field of a [`Struct`].
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Wire name.
    pub name: &'static str,
    /// Shape of its value.
    pub shape: Shape,
    /// Required when sent.
    pub required: bool,
    /// Carries a secret: never shown.
    pub sensitive: bool,
    /// A response field whose structure's fields sit at this level of the body.
    pub flatten: bool,
}

/// A documented value set.
#[derive(Debug)]
pub struct EnumSet {
    /// The spec's enum name.
    pub name: &'static str,
    /// The documented values.
    pub values: &'static [EnumValue],
    /// Every value is an integer (sent as a JSON number).
    pub integer: bool,
}

/// One documented value, with its meaning in both languages.
#[derive(Debug)]
pub struct EnumValue {
    /// Wire value (as text).
    pub value: &'static str,
    /// English meaning.
    pub en: &'static str,
    /// Chinese meaning, as documented.
    pub zh: &'static str,
}

/// A parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Wire name.
    pub name: &'static str,
    /// Where it is sent.
    pub location: Location,
    /// Whether the documents mark it as required.
    pub required: bool,
    /// Shape of its value.
    pub shape: Shape,
    /// Carries a secret (password, key, token, user data): never shown.
    pub sensitive: bool,
    /// Removed from the current documents: why (still sent when set).
    pub deprecated: Option<&'static str>,
    /// In no document; sent by the vendor's production code (the evidence).
    pub undocumented: Option<&'static str>,
}

impl Param {
    /// A documented, non-sensitive parameter of this shape (for hand-written descriptions).
    pub const fn new(name: &'static str, location: Location, required: bool, shape: Shape) -> Self {
        Self {
            name,
            location,
            required,
            shape,
            sensitive: false,
            deprecated: None,
            undocumented: None,
        }
    }

    /// The JSON kind of its value.
    pub const fn kind(&self) -> Kind {
        self.shape.kind()
    }
}

/// The task an operation starts: which waiter polls it, and where its id is in the answer.
#[derive(Debug, Clone, Copy)]
pub struct TaskMarker {
    /// The waiter that polls it.
    pub waiter: &'static Waiter,
    /// JSON pointer to the task id in the operation's answer.
    pub id: &'static str,
}

/// How the response envelope of a product line is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// Field holding the result code.
    pub code: &'static str,
    /// Code values that mean success (compared case-insensitively; integers as their text).
    pub success: &'static [&'static str],
    /// Field holding the message.
    pub message: &'static str,
    /// Field holding the request id, if the line has one.
    pub request_id: Option<&'static str>,
    /// Field holding the payload.
    pub data: &'static str,
}

/// A product line.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// Product line name (`ccs`, `billing`, …).
    pub product: &'static str,
    /// Wire protocol.
    pub protocol: Protocol,
    /// Authentication scheme.
    pub auth: AuthScheme,
    /// Default host.
    pub host: Host,
    /// Default request path.
    pub path: &'static str,
    /// Response envelope.
    pub envelope: Envelope,
    /// Header that carries the configured region id on every request (e.g. `x-regionid`).
    pub region_header: Option<&'static str>,
    /// Wire names of JSON fields whose values are never shown (passwords, keys, tokens, user
    /// data), redacted case-insensitively at any depth wherever a body is shown (see
    /// [`crate::redact`]).
    pub sensitive_fields: &'static [&'static str],
}

/// One operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Wire `Action` (RPC) or the spec's name (REST).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Request path; `None` means the product line's path. REST paths hold `{name}` parameters.
    pub path: Option<&'static str>,
    /// Host override; `None` means the product line's host.
    pub host: Option<Host>,
    /// Declared safe to retry (changes nothing on the server).
    pub read: bool,
    /// Parameters.
    pub params: &'static [Param],
    /// The success answer is not JSON (a file): call it with
    /// [`crate::ServiceClient::execute_binary`], which returns the bytes undecoded.
    pub binary_response: bool,
    /// The shape of a successful answer's body.
    pub output: &'static Struct,
    /// The asynchronous task it starts, if any.
    pub task: Option<TaskMarker>,
    /// How it is paged, if it is a page-numbered listing.
    pub pagination: Option<&'static Pagination>,
    /// A WebSocket endpoint: its URL is built, nothing is called.
    pub websocket: bool,
    /// Renamed or removed in the current documents: why (it still sends what it always did).
    pub deprecated: Option<&'static str>,
}

/// An output with no documented field.
pub static EMPTY_OUTPUT: Struct = Struct {
    name: "Empty",
    fields: &[],
};

impl Operation {
    /// A plain read or write with these parameters and no documented output (for hand-written
    /// descriptions such as tests): combine with struct update syntax.
    pub const fn new(
        name: &'static str,
        method: Method,
        read: bool,
        params: &'static [Param],
    ) -> Self {
        Self {
            name,
            method,
            path: None,
            host: None,
            read,
            params,
            binary_response: false,
            output: &EMPTY_OUTPUT,
            task: None,
            pagination: None,
            websocket: false,
            deprecated: None,
        }
    }
}

/// How the progress of an asynchronous task is polled.
#[derive(Debug, Clone, Copy)]
pub struct Waiter {
    /// The polling operation.
    pub poller: &'static Operation,
    /// The poller's parameter that takes the task id.
    pub id_param: &'static str,
    /// JSON pointer to the status in the poller's response.
    pub status: &'static str,
    /// Status values meaning success (case-insensitive).
    pub success: &'static [&'static str],
    /// Status values meaning failure (case-insensitive).
    pub failure: &'static [&'static str],
    /// JSON pointer to the failure reason, if documented.
    pub reason: Option<&'static str>,
    /// Poller parameters that take a fresh UUID on every poll (gcw's `requestId`).
    pub fresh_uuid_params: &'static [&'static str],
}

/// How a page-numbered listing is paged.
#[derive(Debug, Clone, Copy)]
pub struct Pagination {
    /// Request parameter holding the 1-based page number.
    pub page: &'static str,
    /// Request parameter holding the page size.
    pub size: &'static str,
    /// JSON pointer to the items array in the response.
    pub items: &'static str,
    /// JSON pointer to the total number of items, if documented.
    pub total: Option<&'static str>,
}

/// Everything generated about one product line, for tools that serve or inspect it (the
/// emulator, the CLI): its description, operations, waiters, documented examples, the
/// environment variables that configure it and its resource model.
#[derive(Debug, Clone, Copy)]
pub struct LineDescription {
    /// The product line.
    pub service: &'static Service,
    /// English and Chinese titles.
    pub title: (&'static str, &'static str),
    /// Its operations.
    pub operations: &'static [&'static Operation],
    /// Its task waiters.
    pub waiters: &'static [&'static Waiter],
    /// Documented example responses as (operation, JSON).
    pub examples: &'static [(&'static str, &'static str)],
    /// The environment variables its `Client::from_env` reads.
    pub env: crate::config::EnvNames,
    /// The emulator's resource model, if the line has one and it is compiled (the line
    /// crate's `model` feature).
    pub resources: Option<&'static crate::model::ResourceModel>,
    /// Whether the spec gives the line a resource model, compiled or not: `true` with
    /// `resources` `None` means the line crate's `model` feature is off.
    pub has_model: bool,
}

impl LineDescription {
    /// The operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        self.operations.iter().copied().find(|op| op.name == name)
    }
}
