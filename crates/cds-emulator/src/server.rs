//! The HTTP handler: route, authenticate, check parameters, then answer (fault, script,
//! task progress or documented example) and record.

use crate::checks::{self, Arrived};
use crate::control::{Fault, RecordedRequest, State};
use crate::engine;
use crate::faults::{Draw, FaultRule};
use crate::respond;
use crate::routing::{self, Route};
use crate::store::Store;
use crate::verify;
use crate::Mode;
use crate::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, BEARER_TOKEN};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use bytes::Bytes;
use cds_core::operation::{AuthScheme, LineDescription, Protocol};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// How far a timestamp may be from now.
const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// Shared by every request.
pub(crate) struct Shared {
    pub lines: Vec<&'static LineDescription>,
    pub state: Mutex<State>,
    /// Seconds the emulated server's clock is ahead of the real one (negative: behind).
    pub clock_skew_secs: std::sync::atomic::AtomicI64,
    /// Resources (`None`: every operation answers its example).
    pub store: Option<Mutex<Store>>,
    /// Where parameters are accepted.
    pub mode: Mode,
    /// Fault rules and their generator.
    pub rules: Mutex<(Vec<FaultRule>, Draw)>,
}

impl Shared {
    /// The emulated server's current time.
    fn now(&self) -> time::OffsetDateTime {
        let skew = self
            .clock_skew_secs
            .load(std::sync::atomic::Ordering::Relaxed);
        time::OffsetDateTime::now_utc() + time::Duration::seconds(skew)
    }
}

struct Rejected {
    status: u16,
    code: &'static str,
    message: String,
}

fn reject(status: u16, code: &'static str, message: impl Into<String>) -> Rejected {
    Rejected {
        status,
        code,
        message: message.into(),
    }
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let counter = {
        let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        state.records.len()
    };
    let request_id = format!("emu-{counter:06}");
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let raw_query = uri.query().unwrap_or("");
    let mut record = RecordedRequest {
        product: String::new(),
        operation: String::new(),
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        path_params: BTreeMap::new(),
        query: Vec::new(),
        headers: headers.clone(),
        body: None,
        rejected: None,
        status: 0,
        response: Value::Null,
    };
    let query = match verify::parse_query(raw_query) {
        Ok(q) => q,
        Err(e) => {
            return finish(
                &shared,
                record,
                &request_id,
                400,
                respond::error_envelope(
                    fallback_service(&shared),
                    400,
                    "InvalidQuery",
                    &e,
                    &request_id,
                ),
                None,
            )
            .await
        }
    };
    record.query = query.clone();
    let body_json: Option<Value> = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    record.body = body_json.clone();

    let action = query
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    let candidates = match &action {
        Some(action) => routing::rpc(&shared.lines, uri.path(), action),
        None => routing::rest(&shared.lines, method.as_str(), uri.path()),
    };
    if candidates.is_empty() {
        let what = action
            .map(|a| format!("action {a} at {}", uri.path()))
            .unwrap_or_else(|| format!("{} {}", method, uri.path()));
        let body = respond::error_envelope(
            fallback_service(&shared),
            404,
            "InvalidAction.NotFound",
            &format!("No operation serves {what}."),
            &request_id,
        );
        return finish(&shared, record, &request_id, 404, body, None).await;
    }
    // Authenticate once (a nonce may be used only once), then take the first candidate whose
    // parameters check out; report the most specific candidate's problem otherwise.
    let first_line = candidates[0].line;
    let compatible = shared.mode == Mode::Compatible;
    let partition = match authenticate(&shared, first_line, method.as_str(), &query, &headers) {
        Ok(p) => p,
        Err(r) => {
            record.product = first_line.service.product.to_string();
            record.operation = candidates[0].op.name.to_string();
            record.rejected = Some(r.code.to_string());
            let body = respond::error_envelope(
                first_line.service,
                r.status,
                r.code,
                &r.message,
                &request_id,
            );
            return finish(&shared, record, &request_id, r.status, body, None).await;
        }
    };
    let mut chosen: Option<Route> = None;
    let mut first_problem: Option<(Route, Rejected)> = None;
    for route in candidates {
        let verdict = if !body.is_empty() && body_json.is_none() {
            Err(reject(
                400,
                "MalformedJSON",
                "The request body is not JSON.",
            ))
        } else {
            let arrived = Arrived {
                query: &query,
                body: body_json.as_ref().and_then(Value::as_object),
                body_root: body_json.as_ref(),
                headers: &headers,
                path: &route.path_params,
            };
            let rpc = matches!(route.line.service.protocol, Protocol::Rpc { .. });
            checks::check(route.op, &arrived, rpc, compatible)
                .map_err(|(code, message)| reject(400, code, message))
        };
        match verdict {
            Ok(()) => {
                chosen = Some(route);
                break;
            }
            Err(r) if first_problem.is_none() => first_problem = Some((route, r)),
            Err(_) => {}
        }
    }
    let Some(Route {
        line,
        op,
        path_params,
    }) = chosen
    else {
        let Some((route, r)) = first_problem else {
            return finish(&shared, record, &request_id, 500, Value::Null, None).await;
        };
        record.product = route.line.service.product.to_string();
        record.operation = route.op.name.to_string();
        record.path_params = route.path_params.clone();
        record.rejected = Some(r.code.to_string());
        let body = respond::error_envelope(
            route.line.service,
            r.status,
            r.code,
            &r.message,
            &request_id,
        );
        return finish(&shared, record, &request_id, r.status, body, None).await;
    };
    record.product = line.service.product.to_string();
    record.operation = op.name.to_string();
    record.path_params = path_params.clone();

    if let Some((rule, status)) = draw_fault(&shared, line.service.product, op.name) {
        if let Some(latency) = rule.latency {
            tokio::time::sleep(latency).await;
        }
        if let Some(status) = status {
            let code = rule.code.as_deref().unwrap_or("InjectedFault");
            let body = respond::error_envelope(
                line.service,
                status,
                code,
                &format!("injected by a fault rule (HTTP {status})"),
                &request_id,
            );
            record.rejected = Some(code.to_string());
            record.status = status;
            record.response = body.clone();
            push_record(&shared, record);
            let mut response = json_response(status, &request_id, Body::from(body.to_string()));
            if let Some(secs) = rule.retry_after {
                if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
                    response.headers_mut().insert("retry-after", v);
                }
            }
            return response;
        }
    }

    let (fault, script) = {
        let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let fault = state.take_fault(op.name);
        let script = if fault.is_none() {
            state.take_script(op.name)
        } else {
            None
        };
        (fault, script)
    };
    if let Some(fault) = fault {
        return answer_fault(&shared, record, line, fault, &request_id).await;
    }
    let stateful = match (&script, &shared.store) {
        (None, Some(store)) => {
            let arrived = Arrived {
                query: &query,
                body: body_json.as_ref().and_then(Value::as_object),
                body_root: body_json.as_ref(),
                headers: &headers,
                path: &path_params,
            };
            let params = checks::values(op, &arrived, compatible);
            let call = engine::Call {
                line,
                op,
                params: &params,
                partition: &partition,
                request_id: &request_id,
                served: &shared.lines,
            };
            let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
            engine::answer(&mut store, &call)
        }
        _ => None,
    };
    let (status, body) = match (script, stateful) {
        (Some(s), _) => (s.status, s.body),
        (None, Some(answer)) => answer,
        (None, None) => (
            200,
            default_answer(&shared, line, op, &query, body_json.as_ref(), &path_params),
        ),
    };
    finish(&shared, record, &request_id, status, body, None).await
}

fn fallback_service(shared: &Shared) -> &'static cds_core::operation::Service {
    shared.lines.first().map(|l| l.service).unwrap_or(&FALLBACK)
}

static FALLBACK: cds_core::operation::Service = cds_core::operation::Service {
    product: "unknown",
    protocol: Protocol::Rest,
    auth: AuthScheme::Pluggable,
    host: cds_core::operation::Host::Endpoint,
    path: "",
    envelope: cds_core::operation::Envelope {
        code: "Code",
        success: &["Success"],
        message: "Message",
        request_id: Some("RequestId"),
        data: "Data",
    },
    region_header: None,
    sensitive_fields: &[],
};

fn authenticate(
    shared: &Shared,
    line: &LineDescription,
    method: &str,
    query: &[(String, String)],
    headers: &BTreeMap<String, String>,
) -> Result<String, Rejected> {
    let service = line.service;
    if let Some(h) = service.region_header {
        if headers
            .get(&h.to_ascii_lowercase())
            .is_none_or(|v| v.is_empty())
        {
            return Err(reject(
                400,
                "MissingRegionId",
                format!("The {h} header is required."),
            ));
        }
    }
    match (service.protocol, service.auth) {
        (Protocol::Rpc { version }, _) => {
            let get = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let Some(partition) = get("AccessKeyId").and_then(|k| tenant(k, ACCESS_KEY_ID)) else {
                return Err(reject(
                    403,
                    "InvalidAccessKeyId.NotFound",
                    "The AccessKeyId is not known.",
                ));
            };
            if get("SignatureMethod") != Some("HMAC-SHA1") || get("SignatureVersion") != Some("1.0")
            {
                return Err(reject(
                    400,
                    "InvalidSignatureMethod",
                    "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.",
                ));
            }
            if get("Version") != Some(version) {
                return Err(reject(
                    400,
                    "InvalidVersion",
                    format!("Version must be {version}."),
                ));
            }
            let Some(ts) = get("Timestamp").and_then(verify::parse_timestamp) else {
                return Err(reject(
                    400,
                    "InvalidTimeStamp.Format",
                    "Timestamp must be yyyy-MM-ddTHH:mm:ssZ.",
                ));
            };
            if (shared.now() - ts).whole_seconds().abs() > MAX_CLOCK_SKEW_SECS {
                return Err(reject(
                    400,
                    "InvalidTimeStamp.Expired",
                    "The Timestamp is too far from the current time.",
                ));
            }
            let Some(nonce) = get("SignatureNonce").filter(|n| !n.is_empty()) else {
                return Err(reject(
                    400,
                    "MissingSignatureNonce",
                    "SignatureNonce is required.",
                ));
            };
            let Some(signature) = get("Signature") else {
                return Err(reject(400, "MissingSignature", "Signature is required."));
            };
            if verify::expected_signature(method, query, ACCESS_KEY_SECRET) != signature {
                return Err(reject(
                    400,
                    "SignatureDoesNotMatch",
                    "The request signature does not match.",
                ));
            }
            let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            if !state.nonces.insert(nonce.to_string()) {
                return Err(reject(
                    400,
                    "SignatureNonceUsed",
                    "The SignatureNonce has been used.",
                ));
            }
            Ok(partition)
        }
        (Protocol::Rest, AuthScheme::Bearer) => headers
            .get("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| tenant(t, BEARER_TOKEN))
            .ok_or_else(|| reject(401, "Unauthorized", "A valid bearer token is required.")),
        // Pluggable authentication is not checked; an emulator bearer token still names the
        // tenant (never the credential itself, which may be a secret).
        _ => Ok(headers
            .get("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| tenant(t, BEARER_TOKEN))
            .unwrap_or_default()),
    }
}

/// The tenant named by a credential: `""` for `base` itself, `T` for `base.T`; `None` for
/// anything else (not accepted).
pub(crate) fn tenant(credential: &str, base: &str) -> Option<String> {
    let rest = credential.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('.')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The first fault rule that matches and fires, with the status it answers.
fn draw_fault(shared: &Shared, line: &str, op: &str) -> Option<(FaultRule, Option<u16>)> {
    let mut guard = shared.rules.lock().unwrap_or_else(|e| e.into_inner());
    let (rules, draw) = &mut *guard;
    for rule in rules.iter() {
        if rule.matches(line, op) && draw.next_f64() < rule.probability {
            return Some((rule.clone(), rule.status));
        }
    }
    None
}

/// The documented example, with task progress for pollers.
fn default_answer(
    shared: &Shared,
    line: &LineDescription,
    op: &cds_core::operation::Operation,
    query: &[(String, String)],
    body: Option<&Value>,
    path: &BTreeMap<String, String>,
) -> Value {
    let mut answer = respond::example(line, op);
    let Some(waiter) = line
        .waiters
        .iter()
        .find(|w| std::ptr::eq(w.poller, op) || w.poller.name == op.name)
    else {
        return answer;
    };
    let id = query
        .iter()
        .find(|(k, _)| k == waiter.id_param)
        .map(|(_, v)| v.clone())
        .or_else(|| {
            body.and_then(|b| b.get(waiter.id_param)).map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
        })
        .or_else(|| path.get(waiter.id_param).cloned())
        .unwrap_or_default();
    let (status, reason) = {
        let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let polls = {
            let n = state.task_polls.entry(id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let failure = state.failed_tasks.get(&id).cloned();
        respond::task_status(waiter, polls, state.polls_until_done, failure.as_deref())
    };
    respond::set_pointer(&mut answer, waiter.status, json!(status));
    if let (Some(reason), Some(pointer)) = (reason, waiter.reason) {
        respond::set_pointer(&mut answer, pointer, json!(reason));
    }
    answer
}

async fn answer_fault(
    shared: &Shared,
    mut record: RecordedRequest,
    line: &LineDescription,
    fault: Fault,
    request_id: &str,
) -> Response<Body> {
    match fault {
        Fault::Status(status) => {
            let body = respond::error_envelope(
                line.service,
                status,
                "InjectedFault",
                &format!("injected HTTP {status}"),
                request_id,
            );
            finish(shared, record, request_id, status, body, None).await
        }
        Fault::Delay(d) => {
            // Recorded on arrival, so a test sees the request while its answer is delayed.
            let op = line
                .operations
                .iter()
                .find(|o| o.name == record.operation)
                .copied();
            let body = op
                .map(|op| respond::example(line, op))
                .unwrap_or(Value::Null);
            record.status = 200;
            record.response = body.clone();
            push_record(shared, record);
            tokio::time::sleep(d).await;
            json_response(200, request_id, Body::from(body.to_string()))
        }
        Fault::MalformedJson => {
            let text = format!("{{\"Code\": \"Success\", \"RequestId\": \"{request_id}\", \"Data\": {{\"Broken\": ");
            finish(
                shared,
                record,
                request_id,
                200,
                Value::Null,
                Some(Body::from(text)),
            )
            .await
        }
        Fault::NonJson => {
            let text =
                "<html><body><h1>502 Bad Gateway</h1>upstream answered garbage</body></html>";
            finish(
                shared,
                record,
                request_id,
                200,
                Value::Null,
                Some(Body::from(text)),
            )
            .await
        }
        Fault::TruncatedBody | Fault::CloseMidResponse => {
            let full = respond::success_envelope(line.service).to_string();
            let keep = if fault == Fault::TruncatedBody {
                full.len() / 2
            } else {
                0
            };
            let head = Bytes::copy_from_slice(&full.as_bytes()[..keep]);
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(head),
                Err(std::io::Error::other(
                    "connection closed by fault injection",
                )),
            ];
            let stream = futures_util::stream::iter(chunks);
            record.status = 200;
            record.rejected = Some(format!("{fault:?}"));
            push_record(shared, record);
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("content-length", full.len().to_string())
                .header("x-request-id", request_id)
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| Response::new(Body::empty()))
        }
    }
}

fn push_record(shared: &Shared, record: RecordedRequest) {
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    state.records.push(record);
}

async fn finish(
    shared: &Shared,
    mut record: RecordedRequest,
    request_id: &str,
    status: u16,
    body: Value,
    raw: Option<Body>,
) -> Response<Body> {
    record.status = status;
    record.response = body.clone();
    push_record(shared, record);
    let mut response = json_response(
        status,
        request_id,
        raw.unwrap_or_else(|| Body::from(body.to_string())),
    );
    // The `Date` header tells the emulated (possibly skewed) time, as a real server would.
    let date = httpdate::fmt_http_date(shared.now().into());
    if let Ok(value) = axum::http::HeaderValue::from_str(&date) {
        response.headers_mut().insert("date", value);
    }
    response
}

fn json_response(status: u16, request_id: &str, body: Body) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json")
        .header("x-request-id", request_id)
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
