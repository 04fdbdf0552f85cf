//! Static descriptions of product lines and operations, written by the code generator.
//!
//! Generated crates declare one [`Service`] and one [`Operation`] per action; the runtime
//! ([`crate::ServiceClient`]) needs nothing else to build, sign, send and decode a call.

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

/// A parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Wire name.
    pub name: &'static str,
    /// Where it is sent.
    pub location: Location,
    /// Whether the documents mark it as required.
    pub required: bool,
    /// JSON shape.
    pub kind: Kind,
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
/// emulator): its description, operations, waiters and documented examples.
#[derive(Debug, Clone, Copy)]
pub struct LineDescription {
    /// The product line.
    pub service: &'static Service,
    /// Its operations.
    pub operations: &'static [&'static Operation],
    /// Its task waiters.
    pub waiters: &'static [&'static Waiter],
    /// Documented example responses as (operation, JSON).
    pub examples: &'static [(&'static str, &'static str)],
}
