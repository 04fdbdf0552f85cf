//! Everything the CLI asks of the runtime (`cds_core`), in one place: building the
//! configuration, executing an operation from its static description, waiting for a task,
//! walking pages, and describing a request without sending it.

use crate::errors::CliError;
use crate::settings::Resolved;
use crate::table::{Line, Op, Paging, Task};
use cds_core::operation::{AuthScheme, Operation, Protocol, Waiter};
use cds_core::{Config, Credentials, ServiceClient};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// Refuse to walk more pages than this.
const MAX_PAGES: u64 = 100_000;
/// Page size used by `--all-pages` when none is given.
const DEFAULT_PAGE_SIZE: i64 = 50;

/// A successful answer: the body and its request id.
#[derive(Debug)]
pub struct Answer {
    /// The whole JSON body.
    pub body: Value,
    /// Request id, if any.
    pub request_id: Option<String>,
}

/// The runtime's description of `op`.
pub fn operation(line: &Line, op: &Op) -> Result<&'static Operation, CliError> {
    line.meta
        .operations
        .iter()
        .copied()
        .find(|o| o.name == op.name)
        .ok_or_else(|| CliError::Usage(format!("{} is not in the runtime description", op.name)))
}

/// Builds the runtime configuration.
pub fn config(settings: &Resolved, timeout: Option<Duration>) -> Result<Config, CliError> {
    let mut b = Config::builder();
    if let (Some(id), Some(key)) = (&settings.secret_id, &settings.secret_key) {
        b = b.credentials(Credentials::new(id.clone(), key.clone()));
    }
    if let Some(token) = &settings.token {
        b = b.bearer_token(token.clone());
    }
    if let Some(region) = &settings.region {
        b = b.region(
            region
                .parse()
                .map_err(|e: cds_core::ConfigError| CliError::Usage(e.to_string()))?,
        );
    }
    if let Some(endpoint) = &settings.endpoint {
        b = b.endpoint(endpoint.clone());
    }
    if let Some(region_id) = &settings.region_id {
        b = b.region_id(region_id.clone());
    }
    if let Some(header) = &settings.auth_header {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| CliError::Usage("--cecstack-auth-header takes 'Name: value'".into()))?;
        b = b.authenticator(cds_core::auth::StaticHeaders::new().header(name.trim(), value.trim()));
    }
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.build().map_err(|e| CliError::Usage(e.to_string()))
}

/// Fails with a usage error when the line's credentials are not configured.
pub fn require_credentials(line: &Line, settings: &Resolved) -> Result<(), CliError> {
    match line.meta.service.auth {
        AuthScheme::HmacSha1 if settings.secret_id.is_none() || settings.secret_key.is_none() => {
            Err(CliError::Usage(
                "no credentials: set CDS_SECRET_ID and CDS_SECRET_KEY, pass --secret-id and \
                 --secret-key, or run `cds configure`"
                    .into(),
            ))
        }
        AuthScheme::Bearer if settings.token.is_none() => Err(CliError::Usage(
            "no BridgX token: set BRIDGX_TOKEN, pass --bridgx-token, or run `cds configure`".into(),
        )),
        AuthScheme::Pluggable if settings.auth_header.is_none() => Err(CliError::Usage(
            "no CECSTACK authentication: set CECSTACK_AUTH_HEADER or pass --cecstack-auth-header \
             'Name: value'"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Calls `op` once with `input` (keyed by wire names).
pub async fn execute(
    config: &Config,
    line: &Line,
    op: &'static Operation,
    input: Value,
) -> Result<Answer, CliError> {
    let client = ServiceClient::new(config, line.meta.service);
    let r = client.execute_value(op, input).await?;
    let request_id = r.request_id.clone();
    Ok(Answer {
        body: r.into_raw(),
        request_id,
    })
}

/// Reads the task id from a response and waits until the task finishes.
pub async fn wait(
    config: &Config,
    line: &Line,
    task: &Task,
    body: &Value,
    initial: Duration,
    deadline: Duration,
) -> Result<Value, CliError> {
    let id = body
        .pointer(task.id)
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .filter(|s| !s.is_empty() && s != "null")
        .ok_or_else(|| CliError::Call(format!("the response carries no task id at {}", task.id)))?;
    let waiter: &'static Waiter = line
        .meta
        .waiters
        .iter()
        .copied()
        .find(|w| w.poller.name == task.poller && w.id_param == task.id_param)
        .ok_or_else(|| CliError::Call(format!("no waiter polls {}", task.poller)))?;
    let client = ServiceClient::new(config, line.meta.service);
    let done = cds_core::Wait::new(client, waiter, id)
        .poll_interval(initial, Duration::from_secs(20).max(initial))
        .deadline(deadline)
        .send()
        .await?;
    Ok(done)
}

/// Walks every page of a listing from the caller's page (or 1), handing each item to `emit`
/// as it arrives; stops after `max_items`, at an empty or short page, or at the total.
pub async fn all_pages(
    config: &Config,
    line: &Line,
    op: &'static Operation,
    paging: &Paging,
    input: Value,
    max_items: Option<u64>,
    emit: &mut dyn FnMut(Value) -> Result<(), CliError>,
) -> Result<u64, CliError> {
    let mut input = match input {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let first = input.get(paging.page).and_then(as_i64).unwrap_or(1);
    let size = input
        .get(paging.size)
        .and_then(as_i64)
        .filter(|s| *s > 0)
        .unwrap_or(DEFAULT_PAGE_SIZE);
    input.insert(paging.size.into(), Value::from(size));
    let client = ServiceClient::new(config, line.meta.service);
    let mut emitted: u64 = 0;
    let mut seen: i64 = 0;
    for n in 0..MAX_PAGES {
        if max_items.is_some_and(|m| emitted >= m) {
            break;
        }
        let page = first + n as i64;
        input.insert(paging.page.into(), Value::from(page));
        let r = client
            .execute_value(op, Value::Object(input.clone()))
            .await?;
        let items = match r.raw().pointer(paging.items) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let count = items.len() as i64;
        for item in items {
            if max_items.is_some_and(|m| emitted >= m) {
                break;
            }
            emit(item)?;
            emitted += 1;
        }
        seen += count;
        let total = paging
            .total
            .and_then(|p| r.raw().pointer(p))
            .and_then(as_i64);
        if count == 0 || count < size || total.is_some_and(|t| seen >= t) {
            break;
        }
    }
    Ok(emitted)
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The request `op` would send with `input`: method, URL, query, headers and body, with the
/// signature, secret and token replaced by `<redacted>` (and nothing signed or sent).
pub fn describe_request(
    config: &Config,
    settings: &Resolved,
    line: &Line,
    op: &'static Operation,
    input: Value,
) -> Result<Value, CliError> {
    let service = line.meta.service;
    let path = op.path.unwrap_or(service.path);
    let parts = cds_core::request::RequestParts::split(op, path, input)?;
    let base = match config.endpoint() {
        Some(e) => e.to_string(),
        None => match op.host.unwrap_or(service.host) {
            cds_core::operation::Host::Cdsapi => {
                format!("https://{}", config.region().cdsapi_host())
            }
            cds_core::operation::Host::Api => "https://api.capitalonline.net".into(),
            cds_core::operation::Host::Endpoint => "<endpoint not set>".into(),
        },
    };
    let mut query = Map::new();
    if let Protocol::Rpc { version } = service.protocol {
        query.insert("Action".into(), json!(op.name));
        query.insert(
            "AccessKeyId".into(),
            json!(settings.secret_id.as_deref().unwrap_or("<not set>")),
        );
        query.insert(
            "SignatureMethod".into(),
            json!(cds_core::sign::SIGNATURE_METHOD),
        );
        query.insert("SignatureNonce".into(), json!("<fresh per request>"));
        query.insert(
            "SignatureVersion".into(),
            json!(cds_core::sign::SIGNATURE_VERSION),
        );
        query.insert("Timestamp".into(), json!("<time of sending>"));
        query.insert("Version".into(), json!(version));
        query.insert("Signature".into(), json!("<redacted>"));
    }
    for (k, v) in &parts.query {
        query.insert(k.clone(), json!(v));
    }
    let mut headers = Map::new();
    for (k, v) in &parts.headers {
        headers.insert(k.clone(), json!(v));
    }
    if let (Some(h), Some(r)) = (service.region_header, &settings.region_id) {
        headers.insert(h.into(), json!(r));
    }
    if service.auth == AuthScheme::Bearer {
        headers.insert("Authorization".into(), json!("Bearer <redacted>"));
    }
    let body = match (&parts.body_root, parts.body.is_empty()) {
        (Some(root), _) => root.clone(),
        (None, false) => Value::Object(parts.body.clone()),
        (None, true) => Value::Null,
    };
    let mut url = format!("{base}{}", parts.path);
    if matches!(service.protocol, Protocol::Rpc { .. }) && !url.ends_with('/') {
        url.push('/');
    }
    Ok(json!({
        "method": op.method.as_str(),
        "url": url,
        "query": query,
        "headers": headers,
        "body": body,
    }))
}

/// The URL of a WebSocket operation.
pub fn websocket_url(
    config: &Config,
    op: &'static Operation,
    input: Value,
) -> Result<String, CliError> {
    let endpoint = config.endpoint().unwrap_or("<endpoint not set>");
    let host = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"))
        .unwrap_or(endpoint);
    Ok(cds_core::request::websocket_url(op, host, &input)?)
}
