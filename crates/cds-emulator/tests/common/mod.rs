//! Helpers shared by the scenario tests.
#![allow(dead_code)]

use serde_json::Value;
use std::time::Duration;

/// A stateful emulator of `lines` whose tasks take `latency`.
pub async fn emulator(
    lines: &[&'static cds_core::operation::LineDescription],
    latency: Duration,
) -> cds_emulator::Emulator {
    cds_emulator::Emulator::builder(lines)
        .seed(42)
        .task_latency(latency)
        .start()
        .await
        .expect("the emulator starts")
}

/// A typed output as JSON (wire field names), to look into with pointers.
pub fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("outputs serialize")
}

/// The text at `pointer` of a JSON value or a typed output.
pub fn text<T: serde::Serialize>(value: &T, pointer: &str) -> String {
    let value = json(value);
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => panic!("nothing at {pointer} in {value}"),
    }
}

/// The array at `pointer` (empty when absent or null).
pub fn items(value: &Value, pointer: &str) -> Vec<Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Asserts that `result` failed with the service error `code` and HTTP `status`.
pub fn assert_service_error<T: std::fmt::Debug>(
    result: Result<T, cds_core::Error>,
    code: &str,
    status: u16,
) {
    let err = result.expect_err("the call must fail");
    assert_eq!(err.code(), Some(code), "error code of {err}");
    let service = err.as_service().expect("a service error");
    assert_eq!(service.status, status, "HTTP status of {err}");
}

/// Quick polling for waiters.
pub const FAST: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(20));
