//! Building answers: the documented example, the protocol's error envelope, and task progress
//! for pollers.

use cds_core::operation::{LineDescription, Operation, Service, Waiter};
use serde_json::{json, Map, Value};

/// Whether a line's success codes are integers (BridgX).
fn integer_codes(service: &Service) -> bool {
    service
        .envelope
        .success
        .iter()
        .all(|s| s.parse::<i64>().is_ok())
}

/// Whether `body` reports success in `service`'s envelope (or carries no code at all).
pub fn is_success(service: &Service, body: &Value) -> bool {
    let env = &service.envelope;
    let code = body.as_object().and_then(|o| {
        o.get(env.code).or_else(|| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(env.code))
                .map(|(_, v)| v)
        })
    });
    match code {
        None => true,
        Some(Value::String(s)) => env.success.iter().any(|x| x.eq_ignore_ascii_case(s)),
        Some(v) => {
            let text = v.to_string();
            env.success.iter().any(|x| *x == text)
        }
    }
}

/// The documented example served for `op`: the first that reports success, else a minimal
/// success envelope.
pub fn example(line: &LineDescription, op: &Operation) -> Value {
    line.examples
        .iter()
        .filter(|(name, _)| *name == op.name)
        .filter_map(|(_, text)| serde_json::from_str::<Value>(text).ok())
        .find(|v| is_success(line.service, v))
        .map(|v| with_envelope(line.service, v))
        .unwrap_or_else(|| success_envelope(line.service))
}

/// An example object that shows only the payload (no result code) is served inside the
/// success envelope, under the data field, as the real service answers: the SDK does not take
/// a 2xx object without a result code for success.
fn with_envelope(service: &Service, example: Value) -> Value {
    let code = service.envelope.code;
    match &example {
        Value::Object(o) if !o.keys().any(|k| k.eq_ignore_ascii_case(code)) => {
            let mut body = success_envelope(service);
            body[service.envelope.data] = example;
            body
        }
        _ => example,
    }
}

/// `{code: success, message: "", data: {}}` in the line's field names.
pub fn success_envelope(service: &Service) -> Value {
    let env = &service.envelope;
    let mut body = Map::new();
    let success = env.success.first().copied().unwrap_or("Success");
    let code = match success.parse::<i64>() {
        Ok(n) if integer_codes(service) => json!(n),
        _ => json!(success),
    };
    body.insert(env.code.into(), code);
    body.insert(env.message.into(), json!(""));
    body.insert(env.data.into(), json!({}));
    Value::Object(body)
}

/// The line's error envelope.
pub fn error_envelope(
    service: &Service,
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
) -> Value {
    let env = &service.envelope;
    let mut body = Map::new();
    let code = if integer_codes(service) {
        json!(status)
    } else {
        json!(code)
    };
    body.insert(env.code.into(), code);
    body.insert(env.message.into(), json!(message));
    if let Some(rid) = env.request_id {
        body.insert(rid.into(), json!(request_id));
    }
    body.insert(env.data.into(), Value::Null);
    Value::Object(body)
}

/// Sets the value at a JSON pointer, creating objects on the way.
pub fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let mut current = target;
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if let Value::Array(items) = current {
            let idx: usize = seg.parse().unwrap_or(0);
            if items.len() <= idx {
                items.resize(idx + 1, Value::Null);
            }
            current = &mut items[idx];
        } else {
            if !current.is_object() {
                *current = Value::Object(Map::new());
            }
            let Value::Object(map) = current else { return };
            current = map.entry(seg.to_string()).or_insert(Value::Null);
        }
        if last {
            *current = value;
            return;
        }
    }
}

/// The state a poller reports for a task in the examples-only mode: `(status, reason)`, in the
/// documented values of the line's task model (else the waiter's).
pub fn task_status(
    waiter: &Waiter,
    tasks: Option<&cds_core::model::TaskModel>,
    polls: u32,
    polls_until_done: u32,
    failure: Option<&str>,
) -> (String, Option<String>) {
    if let Some(reason) = failure {
        let status = tasks
            .and_then(|t| t.failed)
            .or(waiter.failure.first().copied())
            .unwrap_or("failed");
        return (status.to_string(), Some(reason.to_string()));
    }
    if polls >= polls_until_done {
        let done = tasks
            .map(|t| t.finished)
            .or(waiter.success.first().copied())
            .unwrap_or("success");
        return (done.to_string(), None);
    }
    if let Some(t) = tasks {
        return (t.running.to_string(), None);
    }
    let running = ["running", "doing", "pending", "in-progress"]
        .into_iter()
        .find(|r| {
            !waiter
                .success
                .iter()
                .chain(waiter.failure)
                .any(|s| s.eq_ignore_ascii_case(r))
        })
        .unwrap_or("running");
    (running.to_string(), None)
}
