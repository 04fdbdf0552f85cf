//! What the emulator records (a bounded log of the requests it served) and the test controls
//! of the examples-only mode (task polls, failed tasks).

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// One request as received and answered.
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
    /// Decoded query parameters (empty for a request refused before authentication).
    pub query: Vec<(String, String)>,
    /// Headers, lower-case names (empty for a request refused before authentication);
    /// `authorization` is kept so tests can check it.
    pub headers: BTreeMap<String, String>,
    /// JSON body, if any (never kept for a request refused before authentication).
    pub body: Option<Value>,
    /// `None` when the request was accepted, otherwise the error code answered.
    pub rejected: Option<String>,
    /// Parameters the compatible mode ignored (undocumented ones), as received.
    pub ignored: Vec<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Body answered (`Null` for answers that are not JSON).
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

/// The last `capacity` requests (a ring buffer; capacity 0 keeps nothing).
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    capacity: usize,
}

impl RequestLog {
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog {
            entries: VecDeque::new(),
            capacity,
        }
    }

    pub fn push(&mut self, r: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(r);
    }

    pub fn iter(&self) -> impl Iterator<Item = &RecordedRequest> {
        self.entries.iter()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Test controls of the examples-only mode.
#[derive(Debug)]
pub(crate) struct Controls {
    pub task_polls: HashMap<String, u32>,
    pub failed_tasks: HashMap<String, String>,
    pub polls_until_done: u32,
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            task_polls: HashMap::new(),
            failed_tasks: HashMap::new(),
            polls_until_done: 2,
        }
    }
}
