//! Everything the CLI asks of the runtime (`cds_core`), in one place: building the
//! configuration, executing an operation from its static description, waiting for a task,
//! walking pages, and describing a request without sending it.

use crate::env::{self, Role};
use crate::errors::CliError;
use crate::settings::Resolved;
use crate::table::Line;
use cds_core::operation::{AuthScheme, Operation, Pagination, Protocol, TaskMarker};
use cds_core::{Config, ServiceClient};
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

/// Builds the runtime configuration of `line` from the resolved settings (read as the line's
/// own `Client::from_env` reads its variables).
pub fn config(
    line: &Line,
    settings: &Resolved,
    timeout: Option<Duration>,
) -> Result<Config, CliError> {
    let mut b =
        Config::builder_from_lookup(&line.meta.env, |var| settings.get(var).map(String::from))
            .map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.build().map_err(|e| CliError::Usage(e.to_string()))
}

/// Fails with a usage error naming the variables and flags when the line's authentication
/// (or a required endpoint) is not configured.
pub fn require_settings(line: &Line, settings: &Resolved) -> Result<(), CliError> {
    let needed: &[Role] = match line.meta.service.auth {
        AuthScheme::HmacSha1 if matches!(line.meta.service.protocol, Protocol::Rpc { .. }) => {
            &[Role::SecretId, Role::SecretKey]
        }
        AuthScheme::Bearer => &[Role::Endpoint, Role::Token],
        _ => &[Role::Endpoint, Role::AuthHeader],
    };
    let missing: Vec<&'static str> = env::declared(&line.meta.env)
        .into_iter()
        .filter(|(role, var)| needed.contains(role) && settings.get(var).is_none())
        .map(|(_, var)| var)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|var| {
            let setting = env::settings().into_iter().find(|s| s.var == *var);
            format!("--{}", setting.map(|s| s.flag()).unwrap_or_default())
        })
        .collect();
    Err(CliError::Usage(format!(
        "{} is not configured: set {}, pass {}, or run `cds configure`",
        line.name(),
        missing.join(" and "),
        flags.join(" and ")
    )))
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
    task: &TaskMarker,
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
    let waiter = task.waiter;
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
    paging: &Pagination,
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
            json!(env::vars(line, Role::SecretId)
                .iter()
                .find_map(|v| settings.get(v))
                .unwrap_or("<not set>")),
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
    let region_id = env::vars(line, Role::RegionId)
        .iter()
        .find_map(|v| settings.get(v));
    if let (Some(h), Some(r)) = (service.region_header, region_id) {
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
