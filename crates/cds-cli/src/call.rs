//! Everything the CLI asks of the runtime (`cds_core`), in one place: building the
//! configuration, the request a call would send ([`ServiceClient::prepare_value`], for
//! `--dry-run` and `--debug`), executing an operation from its static description, waiting
//! for a task, and walking pages with the SDK's own paginator.

use crate::env::{self, Role};
use crate::errors::CliError;
use crate::settings::Resolved;
use crate::table::Line;
use cds_core::operation::{AuthScheme, Operation, Pagination, Protocol, TaskMarker};
use cds_core::{Config, PreparedRequest, ServiceClient};
use futures_util::TryStreamExt as _;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// A successful answer: the body, its status and request id.
#[derive(Debug)]
pub struct Answer {
    /// The whole JSON body.
    pub body: Value,
    /// HTTP status.
    pub status: u16,
    /// Request id, if any.
    pub request_id: Option<String>,
}

/// Builds the runtime configuration of `line` from the resolved settings (read as the line's
/// own `Client::from_env` reads its variables).
pub fn config(
    line: &Line,
    settings: &Resolved,
    timeout: Option<Duration>,
    max_attempts: Option<u32>,
) -> Result<Config, CliError> {
    check_endpoint(line, settings)?;
    let mut b =
        Config::builder_from_lookup(&line.meta.env, |var| settings.get(var).map(String::from))
            .map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    if let Some(n) = max_attempts {
        b = b.retry(cds_core::RetryConfig::new().max_attempts(n));
    }
    b.build().map_err(|e| CliError::Usage(e.to_string()))
}

/// The runtime's configuration builder of `line`, preset from the resolved settings (the
/// endpoint checked in the CLI's words first).
pub fn builder(line: &Line, settings: &Resolved) -> Result<cds_core::ConfigBuilder, CliError> {
    check_endpoint(line, settings)?;
    Config::builder_from_lookup(&line.meta.env, |var| settings.get(var).map(String::from))
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// Refuses an endpoint the runtime would refuse, in the CLI's words (where it came from, what
/// to do), before the runtime's own check.
fn check_endpoint(line: &Line, settings: &Resolved) -> Result<(), CliError> {
    let Some(var) = env::vars(line, Role::Endpoint)
        .into_iter()
        .find(|v| settings.get(v).is_some())
    else {
        return Ok(());
    };
    let (Some(endpoint), Some(source)) = (settings.get(var), settings.source(var)) else {
        return Ok(());
    };
    let endpoint = endpoint.trim();
    let Some(rest) = endpoint.strip_prefix("http://") else {
        if endpoint.starts_with("https://") {
            return Ok(());
        }
        return Err(CliError::Usage(format!(
            "the endpoint from {source} must start with https:// (or http:// to this machine)"
        )));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "the endpoint from {source} uses plain http:// to {host}, which is not this machine: \
             credentials and answers would cross the network unencrypted; use https://{rest}"
        )))
    }
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

/// The request `op` with `input` would send now, from the runtime.
pub fn prepare(
    config: &Config,
    line: &Line,
    op: &'static Operation,
    input: Value,
) -> Result<PreparedRequest, CliError> {
    Ok(ServiceClient::new(config, line.meta.service).prepare_value(op, input)?)
}

/// A prepared request as JSON, every secret redacted as its `Display` redacts them: method,
/// URL, query (decoded), headers and body.
pub fn request_value(request: &PreparedRequest) -> Value {
    let url = request.url_redacted();
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let mut pairs = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.insert(decode(k), Value::String(decode(v)));
    }
    let headers: Map<String, Value> = request
        .headers_redacted()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    json!({
        "operation": request.operation,
        "method": request.method,
        "url": base,
        "query": pairs,
        "headers": headers,
        "body": request.body_redacted().unwrap_or(Value::Null),
    })
}

/// `%XY` and `+` decoded (for showing a query; invalid escapes are kept).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    let status = r.status;
    Ok(Answer {
        body: r.into_raw(),
        status,
        request_id,
    })
}

/// The task id of an answer, at `task.id`.
pub fn task_id(task: &TaskMarker, body: &Value) -> Result<String, CliError> {
    body.pointer(task.id)
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .filter(|s| !s.is_empty() && s != "null")
        .ok_or_else(|| CliError::Call(format!("the response carries no task id at {}", task.id)))
}

/// Waits until task `id` finishes; returns the poller's final answer.
pub async fn wait(
    config: &Config,
    line: &Line,
    task: &TaskMarker,
    id: String,
    options: cds_core::WaitOptions,
) -> Result<Value, CliError> {
    let client = ServiceClient::new(config, line.meta.service);
    let done: Value = cds_core::Wait::new(client, task.waiter, id)
        .options(options)
        .send()
        .await?;
    Ok(done)
}

/// Where a walk of pages starts and stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Walk {
    /// Items to skip on the first page (from `--starting-token`).
    pub skip: u64,
    /// Stop after this many items (`--max-items`).
    pub max_items: Option<u64>,
}

/// `--starting-token`: `PAGE:SKIP`, or `PAGE:SKIP:SIZE` when a page size was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Page number to start from.
    pub page: i64,
    /// Items of that page already shown.
    pub skip: u64,
    /// The page size of the walk, if the caller set one.
    pub size: Option<i64>,
}

impl Token {
    /// Parses a token.
    pub fn parse(text: &str) -> Result<Token, CliError> {
        let bad = || {
            CliError::Usage(format!(
                "--starting-token {text:?} is not a token printed as NextToken by --max-items"
            ))
        };
        let mut parts = text.split(':');
        let page = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let skip = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let size = match parts.next() {
            Some(s) => Some(s.parse().map_err(|_| bad())?),
            None => None,
        };
        if parts.next().is_some() || page < 1 {
            return Err(bad());
        }
        Ok(Token { page, skip, size })
    }

    fn text(&self) -> String {
        match self.size {
            Some(size) => format!("{}:{}:{size}", self.page, self.skip),
            None => format!("{}:{}", self.page, self.skip),
        }
    }
}

/// Walks the pages of a listing with the runtime's paginator (a repeated page ends with
/// `Error::Pagination`) and merges them as aws-cli does: the first page's answer with the
/// items of every page at the items pointer, and `NextToken` when `--max-items` stopped
/// before the end.
pub async fn all_pages(
    config: &Config,
    line: &Line,
    op: &'static Operation,
    pagination: &'static Pagination,
    input: Value,
    walk: Walk,
) -> Result<Answer, CliError> {
    let size = input
        .get(pagination.size)
        .and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .filter(|s| *s > 0);
    let client = ServiceClient::new(config, line.meta.service);
    let pages = cds_core::paginate::pages(client, op, pagination, input);
    let mut pages = std::pin::pin!(pages);
    let mut merged: Option<Answer> = None;
    let mut items: Vec<Value> = Vec::new();
    let mut skip = walk.skip;
    let mut next_token = None;
    let mut seen_total: i64 = 0;
    while let Some(page) = pages.try_next().await? {
        let page_items = page.items.len();
        seen_total += page_items as i64;
        if merged.is_none() {
            merged = Some(Answer {
                body: page.response.raw().clone(),
                status: page.response.status,
                request_id: page.response.request_id.clone(),
            });
        }
        let skipped = (skip as usize).min(page_items);
        skip = 0;
        for (taken, item) in page.items.into_iter().enumerate().skip(skipped) {
            if walk.max_items.is_some_and(|m| items.len() as u64 >= m) {
                next_token = Some(Token {
                    page: page.number,
                    skip: taken as u64,
                    size,
                });
                break;
            }
            items.push(item);
        }
        if next_token.is_some() {
            break;
        }
        if walk.max_items.is_some_and(|m| items.len() as u64 >= m) {
            let total = pagination
                .total
                .and_then(|p| page.response.raw().pointer(p))
                .and_then(Value::as_i64);
            let last = page_items == 0
                || size.is_some_and(|s| (page_items as i64) < s)
                || total.is_some_and(|t| seen_total >= t);
            if !last {
                next_token = Some(Token {
                    page: page.number + 1,
                    skip: 0,
                    size,
                });
            }
            break;
        }
    }
    let mut answer = merged.unwrap_or(Answer {
        body: Value::Object(Map::new()),
        status: 200,
        request_id: None,
    });
    set_at(&mut answer.body, pagination.items, Value::Array(items));
    if let (Some(token), Value::Object(map)) = (next_token, &mut answer.body) {
        map.insert("NextToken".into(), Value::String(token.text()));
    }
    Ok(answer)
}

/// Sets `value` at JSON pointer `pointer`, creating objects on the way.
fn set_at(root: &mut Value, pointer: &str, value: Value) {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let mut cur = root;
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(map) = cur else {
            return;
        };
        if i + 1 == parts.len() {
            map.insert((*part).to_string(), value);
            return;
        }
        cur = map
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_bad_ones_are_usage_errors() {
        let t = Token::parse("3:10:50").unwrap();
        assert_eq!(
            t,
            Token {
                page: 3,
                skip: 10,
                size: Some(50)
            }
        );
        assert_eq!(Token::parse(&t.text()).unwrap(), t);
        assert_eq!(Token::parse("2:0").unwrap().size, None);
        for bad in ["", "x", "0:1", "1:2:3:4", "1:-1"] {
            assert!(Token::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(decode("a%20b+c%3D"), "a b c=");
    }
}

/// How to show the resource a task-starting operation creates: the operation that shows it
/// and the parameter that takes its id, from the line's resource model in `meta`.
#[derive(Debug, Clone, Copy)]
pub struct Describe {
    /// The family's name.
    pub family: &'static str,
    /// The operation that shows one record (a get) or lists records filtered by id.
    pub op: &'static Operation,
    /// Its parameter that takes the id.
    pub param: &'static str,
    /// Where the new id is in the finished task's answer, if the model says.
    pub task_resource: Option<&'static str>,
    /// Where the new id is in the operation's own answer, if the model says.
    pub id_out: Option<&'static str>,
}

/// The way to show what `op` creates, if the spec's resource model links the two.
pub fn describe_plan(line: &Line, op: &Operation) -> Option<Describe> {
    use cds_core::model::ActionKind;
    let model = line.meta.resources?;
    for family in model.families {
        let Some(create) = family
            .actions
            .iter()
            .find(|a| a.op == op.name && a.kind == ActionKind::Create)
        else {
            continue;
        };
        let get = family
            .actions
            .iter()
            .find(|a| a.kind == ActionKind::Get && a.id.is_some())
            .and_then(|a| Some((a.op, a.id?)));
        let list = family
            .actions
            .iter()
            .filter(|a| a.kind == ActionKind::List)
            .find_map(|a| {
                let f = a
                    .filters
                    .iter()
                    .find(|f| f.fields.iter().any(|m| m.field == family.id && !m.contains))?;
                Some((a.op, f.param))
            });
        let (name, param) = get.or(list)?;
        return Some(Describe {
            family: family.name,
            op: line.meta.operation(name)?,
            param,
            task_resource: model.tasks.as_ref().and_then(|t| t.resource),
            id_out: create.out.iter().find_map(|(p, e)| match e {
                cds_core::model::Expr::Field(f) if *f == family.id => Some(*p),
                _ => None,
            }),
        });
    }
    None
}

impl Describe {
    /// The new resource's id: from the finished task, else from the operation's answer.
    pub fn resource_id(&self, answer: &Value, task: &Value) -> Option<String> {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        self.task_resource
            .and_then(|p| task.pointer(p))
            .and_then(text)
            .or_else(|| self.id_out.and_then(|p| answer.pointer(p)).and_then(text))
            .filter(|s| !s.is_empty())
    }

    /// The input that shows resource `id`.
    pub fn input(&self, id: &str) -> Value {
        let is_list = self
            .op
            .params
            .iter()
            .find(|p| p.name == self.param)
            .is_some_and(|p| matches!(p.shape, cds_core::operation::Shape::List(_)));
        let value = if is_list { json!([id]) } else { json!(id) };
        json!({ self.param: value })
    }
}
