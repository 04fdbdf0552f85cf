//! What a test can tell the emulator to do, and what it records.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// A fault to inject into the next N answers of an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this HTTP status and the protocol's error envelope.
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer HTTP 200 with a body that starts like JSON but is not.
    MalformedJson,
    /// Answer HTTP 200 with an HTML page.
    NonJson,
    /// Send the headers and half of the body, then close the connection.
    TruncatedBody,
    /// Send the headers, then close the connection before any body byte.
    CloseMidResponse,
}

/// A scripted answer for an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Value,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Product line that served it (empty when unroutable).
    pub product: String,
    /// Operation name (empty when unroutable).
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Path as received (still percent-encoded).
    pub path: String,
    /// Decoded path parameters (REST).
    pub path_params: BTreeMap<String, String>,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// Headers (lower-case names); `authorization` is kept so tests can check it.
    pub headers: BTreeMap<String, String>,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// `None` when the request was accepted, otherwise the error code answered.
    pub rejected: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Body answered (`Null` for faults that send no JSON).
    pub response: Value,
}

impl RecordedRequest {
    /// The value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Mutable state shared by the server and the test.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub scripts: HashMap<String, (Script, Option<u32>)>,
    pub queues: HashMap<String, std::collections::VecDeque<Script>>,
    pub faults: HashMap<String, (Fault, u32)>,
    pub records: Vec<RecordedRequest>,
    pub nonces: HashSet<String>,
    pub task_polls: HashMap<String, u32>,
    pub failed_tasks: HashMap<String, String>,
    pub polls_until_done: u32,
}

impl State {
    pub fn take_fault(&mut self, op: &str) -> Option<Fault> {
        let entry = self.faults.get_mut(op)?;
        if entry.1 == 0 {
            return None;
        }
        entry.1 -= 1;
        Some(entry.0.clone())
    }

    pub fn take_script(&mut self, op: &str) -> Option<Script> {
        if let Some(next) = self.queues.get_mut(op).and_then(|q| q.pop_front()) {
            return Some(next);
        }
        let (script, times) = self.scripts.get_mut(op)?;
        match times {
            Some(0) => None,
            Some(n) => {
                *n -= 1;
                Some(script.clone())
            }
            None => Some(script.clone()),
        }
    }
}
