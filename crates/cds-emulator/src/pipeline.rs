//! The request path, as stages: parse → route → authenticate → (read the body) → check →
//! override → answer → finish. Each stage returns what the next one needs, or a [`Reply`] that
//! ends the request; every reply, refusals and faults included, goes through [`finish`], which
//! adds the `Date` and request-id headers and records the request.

use crate::auth::{self, Credentials};
use crate::checks::{self, Arrived};
use crate::control::RecordedRequest;
use crate::engine;
use crate::overrides::{Act, BodyAct, Wire};
use crate::respond;
use crate::routing::{self, Route};
use crate::server::{ResponseBody, Shared};
use crate::verify;
use crate::Mode;
use bytes::Bytes;
use cds_core::operation::{LineDescription, Operation, Protocol, Service};
use http_body_util::BodyExt as _;
use hyper::body::{Frame, Incoming};
use hyper::http::{request::Parts, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a stage answers when the request ends there.
pub(crate) struct Reply {
    status: u16,
    payload: Payload,
    retry_after: Option<u64>,
    rejected: Option<String>,
}

enum Payload {
    /// A JSON body.
    Json(Value),
    /// Text that is not JSON (faults).
    Text(String),
    /// The headers announcing `full`, then `keep` bytes of it, then the connection closes.
    Broken { full: String, keep: usize },
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            payload: Payload::Json(body),
            retry_after: None,
            rejected: None,
        }
    }

    /// An error in `service`'s envelope.
    fn error(service: &Service, status: u16, code: &str, message: &str, request_id: &str) -> Reply {
        let mut r = Reply::json(
            status,
            respond::error_envelope(service, status, code, message, request_id),
        );
        r.rejected = Some(code.to_string());
        r
    }
}

/// What is known of the request so far (filled in by the stages, recorded by [`finish`]).
pub(crate) struct Exchange {
    request_id: String,
    record: RecordedRequest,
    /// Whether the request passed authentication: only then are its parameters and body kept.
    authenticated: bool,
    /// The line whose envelope refusals use.
    service: &'static Service,
}

/// A parsed request line and headers.
struct Parsed {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, String>,
    action: Option<String>,
}

/// A request ready to answer.
pub(crate) struct Call {
    pub line: &'static LineDescription,
    pub op: &'static Operation,
    pub params: HashMap<&'static str, Value>,
    pub tenant: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    path_params: BTreeMap<String, String>,
}

/// Serves one request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
) -> Response<ResponseBody> {
    let (parts, body) = req.into_parts();
    let n = shared
        .request_counter
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut ex = Exchange {
        request_id: format!("emu-{n:06}"),
        record: RecordedRequest {
            product: String::new(),
            operation: String::new(),
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            path_params: BTreeMap::new(),
            query: Vec::new(),
            headers: BTreeMap::new(),
            body: None,
            rejected: None,
            ignored: Vec::new(),
            status: 0,
            response: Value::Null,
        },
        authenticated: false,
        service: shared.fallback_service(),
    };
    let (reply, act) = match stages(&shared, &mut ex, parts, body).await {
        Ok(done) => done,
        Err(reply) => (reply, None),
    };
    // A latency: the request is recorded (and its change made) now, the answer waits.
    if let Some(latency) = act.as_ref().and_then(|a| a.latency) {
        let response = finish(&shared, ex, reply);
        tokio::time::sleep(latency).await;
        return response;
    }
    finish(&shared, ex, reply)
}

async fn stages(
    shared: &Shared,
    ex: &mut Exchange,
    parts: Parts,
    body: Incoming,
) -> Result<(Reply, Option<Act>), Reply> {
    let parsed = parse(ex, &parts)?;
    let routes = route(shared, ex, &parsed)?;
    let tenant = authenticate(shared, ex, &parsed, &routes)?;
    let bytes = read_body(shared, ex, body).await?;
    let call = check(shared, ex, parsed, routes, bytes, tenant)?;
    match override_(shared, ex, &call) {
        Overridden::Answer(reply, act) => Ok((reply, Some(act))),
        Overridden::Change(act) => {
            let (reply, durable) = answer(shared, ex, &call, act.as_ref());
            Ok((durably(ex, &call, reply, durable).await, act))
        }
    }
}

/// The reply, once the changes it acknowledges are on disk (a state file's journal); an error
/// when they could not be written.
async fn durably(
    ex: &Exchange,
    call: &Call,
    reply: Reply,
    durable: Option<crate::journal::Durable>,
) -> Reply {
    let Some(durable) = durable else {
        return reply;
    };
    let problem = match durable.await {
        Ok(Ok(())) => return reply,
        Ok(Err(e)) => e,
        Err(_) => "the journal is closed".to_string(),
    };
    Reply::error(
        call.line.service,
        500,
        "InternalError",
        &format!("The change was made but could not be saved: {problem}"),
        &ex.request_id,
    )
}

/// Stage 1: the query and headers.
fn parse(ex: &mut Exchange, parts: &Parts) -> Result<Parsed, Reply> {
    let headers: BTreeMap<String, String> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let query = verify::parse_query(parts.uri.query().unwrap_or(""))
        .map_err(|e| Reply::error(ex.service, 400, "InvalidQuery", &e, &ex.request_id))?;
    let action = query
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    Ok(Parsed {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query,
        headers,
        action,
    })
}

/// Stage 2: the operations the request may be for (several lines may document one address).
fn route(shared: &Shared, ex: &mut Exchange, p: &Parsed) -> Result<Vec<Route>, Reply> {
    let routes = match &p.action {
        Some(action) => routing::rpc(&shared.lines, &p.path, action),
        None => routing::rest(&shared.lines, &p.method, &p.path),
    };
    let Some(first) = routes.first() else {
        let what = p
            .action
            .as_ref()
            .map(|a| format!("action {a} at {}", p.path))
            .unwrap_or_else(|| format!("{} {}", p.method, p.path));
        return Err(Reply::error(
            ex.service,
            404,
            "InvalidAction.NotFound",
            &format!("No operation serves {what}."),
            &ex.request_id,
        ));
    };
    ex.service = first.line.service;
    ex.record.product = first.line.service.product.to_string();
    ex.record.operation = first.op.name.to_string();
    ex.record.path_params = first.path_params.clone();
    Ok(routes)
}

/// Stage 3: the signature or token (once: a nonce may be used only once). Until it passes,
/// nothing the client sent beyond the address is kept.
fn authenticate(
    shared: &Shared,
    ex: &mut Exchange,
    p: &Parsed,
    routes: &[Route],
) -> Result<String, Reply> {
    let line = routes[0].line;
    let creds = Credentials {
        method: &p.method,
        query: &p.query,
        headers: &p.headers,
    };
    match auth::authenticate(line, &creds, shared.now().unix_timestamp(), &shared.nonces) {
        Ok(tenant) => {
            ex.authenticated = true;
            if shared.logging() {
                ex.record.query = p.query.clone();
                ex.record.headers = p.headers.clone();
            }
            Ok(tenant)
        }
        Err((status, code, message)) => Err(Reply::error(
            line.service,
            status,
            code,
            &message,
            &ex.request_id,
        )),
    }
}

/// Reads the body (after authentication), within the size and time limits.
async fn read_body(shared: &Shared, ex: &Exchange, body: Incoming) -> Result<Bytes, Reply> {
    let limit = shared.limits.body_bytes;
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(shared.limits.idle, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(Reply::error(
                ex.service,
                413,
                "RequestEntityTooLarge",
                &format!("The request body exceeds {limit} bytes."),
                &ex.request_id,
            ))
        }
        Ok(Err(e)) => Err(Reply::error(
            ex.service,
            400,
            "BadRequest",
            &format!("The request body could not be read: {e}"),
            &ex.request_id,
        )),
        Err(_) => Err(Reply::error(
            ex.service,
            408,
            "RequestTimeout",
            "The request body did not arrive in time.",
            &ex.request_id,
        )),
    }
}

/// Stage 4: the first route whose parameters check out (the most specific route's problem
/// otherwise), and the documented parameters' values.
fn check(
    shared: &Shared,
    ex: &mut Exchange,
    p: Parsed,
    routes: Vec<Route>,
    bytes: Bytes,
    tenant: String,
) -> Result<Call, Reply> {
    let body_json: Option<Value> = if bytes.is_empty() {
        None
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    if shared.logging() {
        ex.record.body = body_json.clone();
    }
    let compatible = shared.mode == Mode::Compatible;
    let malformed = !bytes.is_empty() && body_json.is_none();
    // Compatible mode reads each route's request leniently (a server ignores what it does not
    // know); strict mode checks what arrived.
    let read = |route: &Route| -> checks::Lenient {
        if compatible {
            let rpc = matches!(route.line.service.protocol, Protocol::Rpc { .. });
            checks::lenient(route.op, &p.query, body_json.as_ref(), rpc)
        } else {
            checks::Lenient {
                query: p.query.clone(),
                body: body_json.clone(),
                ignored: Vec::new(),
            }
        }
    };
    let mut first_problem: Option<(&Route, (&'static str, String))> = None;
    let mut chosen: Option<(Route, checks::Lenient)> = None;
    for route in &routes {
        let read = read(route);
        let (query, body) = (&read.query, &read.body);
        let verdict = if malformed {
            Err(("MalformedJSON", "The request body is not JSON.".to_string()))
        } else {
            let arrived = Arrived {
                query,
                body: body.as_ref().and_then(Value::as_object),
                body_root: body.as_ref(),
                headers: &p.headers,
                path: &route.path_params,
            };
            let rpc = matches!(route.line.service.protocol, Protocol::Rpc { .. });
            checks::check(route.op, &arrived, rpc, compatible)
        };
        match verdict {
            Ok(()) => {
                chosen = Some((
                    Route {
                        line: route.line,
                        op: route.op,
                        path_params: route.path_params.clone(),
                    },
                    read,
                ));
                break;
            }
            Err(problem) if first_problem.is_none() => first_problem = Some((route, problem)),
            Err(_) => {}
        }
    }
    let Some((
        route,
        checks::Lenient {
            query,
            body,
            ignored,
        },
    )) = chosen
    else {
        let (route, (code, message)) = first_problem.expect("at least one route was checked");
        ex.service = route.line.service;
        ex.record.product = route.line.service.product.to_string();
        ex.record.operation = route.op.name.to_string();
        ex.record.path_params = route.path_params.clone();
        return Err(Reply::error(
            route.line.service,
            400,
            code,
            &message,
            &ex.request_id,
        ));
    };
    ex.service = route.line.service;
    ex.record.product = route.line.service.product.to_string();
    ex.record.operation = route.op.name.to_string();
    ex.record.path_params = route.path_params.clone();
    ex.record.ignored = ignored;
    let arrived = Arrived {
        query: &query,
        body: body.as_ref().and_then(Value::as_object),
        body_root: body.as_ref(),
        headers: &p.headers,
        path: &route.path_params,
    };
    let params = checks::values(route.op, &arrived, compatible);
    Ok(Call {
        line: route.line,
        op: route.op,
        params,
        tenant,
        query,
        body,
        path_params: route.path_params,
    })
}

/// What the override stage decided.
enum Overridden {
    /// The override answers instead (its act may still delay the answer).
    Answer(Reply, Act),
    /// The emulator answers, changed (edit, header, latency) by the act, if any.
    Change(Option<Act>),
}

/// Stage 5: the override that answers instead, or changes the answer.
fn override_(shared: &Shared, ex: &Exchange, call: &Call) -> Overridden {
    let act = shared
        .overrides
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take(call.line.service.product, call.op);
    let Some(act) = act else {
        return Overridden::Change(None);
    };
    if !act.replaces_answer() {
        return Overridden::Change(Some(act));
    }
    let service = call.line.service;
    let mut reply = match (&act.wire, &act.body) {
        (Some(Wire::MalformedJson), _) => {
            let env = &service.envelope;
            let code = match respond::success_envelope(service).get(env.code) {
                Some(v) => v.to_string(),
                None => "\"Success\"".into(),
            };
            let rid = env
                .request_id
                .map(|f| format!(", \"{f}\": \"{}\"", ex.request_id))
                .unwrap_or_default();
            Reply {
                status: act.status.unwrap_or(200),
                payload: Payload::Text(format!(
                    "{{\"{}\": {code}{rid}, \"{}\": {{\"Broken\": ",
                    env.code, env.data
                )),
                retry_after: None,
                rejected: None,
            }
        }
        (Some(Wire::NonJson), _) => Reply {
            status: act.status.unwrap_or(200),
            payload: Payload::Text(
                "<html><body><h1>502 Bad Gateway</h1>upstream answered garbage</body></html>"
                    .into(),
            ),
            retry_after: None,
            rejected: None,
        },
        (Some(w @ (Wire::Truncated | Wire::Closed)), _) => {
            let full = respond::success_envelope(service).to_string();
            let keep = if *w == Wire::Truncated {
                full.len() / 2
            } else {
                0
            };
            Reply {
                status: act.status.unwrap_or(200),
                payload: Payload::Broken { full, keep },
                retry_after: None,
                rejected: Some(format!("{w:?}")),
            }
        }
        (None, Some(BodyAct::Replace(body))) => {
            Reply::json(act.status.unwrap_or(200), body.clone())
        }
        (None, Some(BodyAct::Data(data))) => {
            let mut body = respond::success_envelope(service);
            body[service.envelope.data] = data.clone();
            if let Some(rid) = service.envelope.request_id {
                body[rid] = json!(ex.request_id);
            }
            Reply::json(act.status.unwrap_or(200), body)
        }
        (None, _) => {
            let status = act.status.unwrap_or(400);
            let code = act.code.as_deref().unwrap_or("InjectedFault");
            let message = act
                .message
                .clone()
                .unwrap_or_else(|| format!("injected by an override (HTTP {status})"));
            Reply::error(service, status, code, &message, &ex.request_id)
        }
    };
    reply.retry_after = act.retry_after;
    Overridden::Answer(reply, act)
}

/// Stage 6: the stateful engine's answer, or the documented example (with task progress for
/// pollers), changed by the override's edit.
fn answer(
    shared: &Shared,
    ex: &Exchange,
    call: &Call,
    act: Option<&Act>,
) -> (Reply, Option<crate::journal::Durable>) {
    let mut durable = None;
    let stateful = shared.store.as_ref().and_then(|store| {
        let failure = poller_failure(shared, call);
        let ecall = engine::Call {
            line: call.line,
            op: call.op,
            params: &call.params,
            partition: &call.tenant,
            request_id: &ex.request_id,
            served: &shared.lines,
            failure: failure.as_deref(),
            now: shared.now(),
        };
        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
        let answered = engine::answer(&mut store, &ecall);
        // Queued under the lock: the journal holds changes in the order they were made.
        durable = shared.journal.as_ref().and_then(|j| j.queue(&mut store));
        answered
    });
    let (status, mut body) = stateful.unwrap_or_else(|| (200, default_answer(shared, call)));
    if let Some(BodyAct::Edit(edit)) = act.and_then(|a| a.body.as_ref()) {
        edit(&mut body);
    }
    let mut reply = Reply::json(status, body);
    if !(200..300).contains(&status) {
        reply.rejected = reply_code(call.line.service, &reply);
    }
    reply.retry_after = act.and_then(|a| a.retry_after);
    (reply, durable)
}

/// The id a poller asks about, when the request is a poll.
fn polled_id(call: &Call) -> Option<String> {
    let waiter = call
        .line
        .waiters
        .iter()
        .find(|w| std::ptr::eq(w.poller, call.op) || w.poller.name == call.op.name)?;
    call.params
        .get(waiter.id_param)
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .or_else(|| call.path_params.get(waiter.id_param).cloned())
}

/// The failure a test asked the polled task to report ([`crate::Emulator::fail_task`]).
fn poller_failure(shared: &Shared, call: &Call) -> Option<String> {
    let id = polled_id(call)?;
    shared
        .controls
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .failed_tasks
        .get(&id)
        .cloned()
}

/// The error code of an error reply, as its envelope says.
fn reply_code(service: &Service, reply: &Reply) -> Option<String> {
    match &reply.payload {
        Payload::Json(v) => v.get(service.envelope.code).map(|c| {
            c.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| c.to_string())
        }),
        _ => None,
    }
}

/// The documented example, with task progress for pollers (examples-only mode).
fn default_answer(shared: &Shared, call: &Call) -> Value {
    let line = call.line;
    let op = call.op;
    let mut answer = respond::example(line, op);
    let Some(waiter) = line
        .waiters
        .iter()
        .find(|w| std::ptr::eq(w.poller, op) || w.poller.name == op.name)
    else {
        return answer;
    };
    let id = call
        .params
        .get(waiter.id_param)
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .or_else(|| call.path_params.get(waiter.id_param).cloned())
        .or_else(|| {
            call.query
                .iter()
                .find(|(k, _)| k == waiter.id_param)
                .map(|(_, v)| v.clone())
        })
        .or_else(|| {
            call.body
                .as_ref()
                .and_then(|b| b.get(waiter.id_param))
                .map(|v| v.to_string())
        })
        .unwrap_or_default();
    let (status, reason) = {
        let mut controls = shared.controls.lock().unwrap_or_else(|e| e.into_inner());
        let polls = {
            let n = controls.task_polls.entry(id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let failure = controls.failed_tasks.get(&id).cloned();
        let tasks = line.resources.and_then(|m| m.tasks.as_ref());
        respond::task_status(
            waiter,
            tasks,
            polls,
            controls.polls_until_done,
            failure.as_deref(),
        )
    };
    respond::set_pointer(&mut answer, waiter.status, json!(status));
    if let (Some(reason), Some(pointer)) = (reason, waiter.reason) {
        respond::set_pointer(&mut answer, pointer, json!(reason));
    }
    answer
}

/// Stage 7: headers (`Date` as the emulated clock tells it, the request id, the parameters the
/// compatible mode ignored), then the request is recorded.
pub(crate) fn finish(shared: &Shared, mut ex: Exchange, reply: Reply) -> Response<ResponseBody> {
    ex.record.status = reply.status;
    ex.record.rejected = reply.rejected.clone();
    if !ex.authenticated {
        // Nothing of a request refused before authentication is kept beyond its address.
        ex.record.query.clear();
        ex.record.headers.clear();
        ex.record.body = None;
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", &ex.request_id)
        .header("date", httpdate::fmt_http_date(shared.now().into()));
    if let Some(secs) = reply.retry_after {
        builder = builder.header("retry-after", secs.to_string());
    }
    if !ex.record.ignored.is_empty() {
        if let Ok(v) = HeaderValue::from_str(&ex.record.ignored.join(", ")) {
            builder = builder.header("x-emulator-ignored", v);
        }
    }
    let body = match reply.payload {
        Payload::Json(v) => {
            let text = v.to_string();
            if shared.logging() {
                ex.record.response = v;
            }
            full(text)
        }
        Payload::Text(t) => full(t),
        Payload::Broken { full: text, keep } => {
            builder = builder.header("content-length", text.len().to_string());
            let head = Bytes::copy_from_slice(&text.as_bytes()[..keep]);
            let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
                Ok(Frame::data(head)),
                Err(std::io::Error::other("connection closed by an override")),
            ];
            http_body_util::StreamBody::new(futures_util::stream::iter(frames)).boxed()
        }
    };
    shared.record(ex.record);
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(full(String::new())))
}

fn full(text: String) -> ResponseBody {
    http_body_util::Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed()
}
