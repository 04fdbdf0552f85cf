//! A spec-driven loopback emulator of the CDS `Action` RPC lines, CECSTACK ECS and BridgX.
//!
//! It knows every operation from the generated crates' static descriptions
//! (`cds_<line>::meta::LINE`), not from hand-written handlers, and behaves strictly like the
//! real services: it verifies the HMAC-SHA1 signature (with its own implementation),
//! timestamp freshness and nonce reuse, the bearer token, required parameters, their locations
//! and JSON shapes, and answers in each line's own envelope.
//!
//! **Stateful** (`Emulator::builder(..).start()`, and the `cds-emulator` binary): the resource
//! model of `spec/<line>/resources.yaml` (see `spec/RESOURCES.md`) is interpreted generically:
//! created resources appear in describe/list with the values they were created with, deleted
//! ones are gone, an unknown id gets the line's documented not-found error, asynchronous
//! operations return a task id whose poller reports running, then finished after the task
//! latency, and only then is the change visible. State is partitioned by tenant
//! ([`Emulator::tenant_config`]). Operations outside the model answer their documented example.
//!
//! **Examples only** ([`Emulator::start`]): every operation answers its documented example,
//! whatever the ids (what the generated per-operation tests use); pollers report tasks
//! Running, then Completed (or Failed on demand).
//!
//! Tests can script answers, inject faults (one-off or rules with a probability, reproducible
//! from a seed) and read back every request.
//!
//! ```no_run
//! # async fn demo(line: &'static cds_core::operation::LineDescription) -> std::io::Result<()> {
//! // `line` is a generated crate's `meta::LINE`, e.g. `&cds_ccs::meta::LINE`.
//! let emulator = cds_emulator::Emulator::builder(&[line]).seed(7).start().await?;
//! let config = emulator.config(); // endpoint, credentials and token the emulator accepts
//! # let _ = config; Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod checks;
mod control;
mod engine;
pub mod faults;
mod model;
mod respond;
mod routing;
mod server;
mod store;
pub mod verify;

pub use control::{Fault, RecordedRequest, Script};
pub use faults::FaultRule;
pub use store::{STATE_FORMAT, STATE_VERSION};

/// Where the emulator accepts parameters.
///
/// The library defaults to [`Mode::Strict`]: this SDK's own tests must prove that each
/// parameter travels exactly where the spec puts it. The binary defaults to
/// [`Mode::Compatible`]: it serves other clients (the vendor's Python SDK also sends body
/// parameters in the signed query), as a lenient real server would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Each parameter only where the spec puts it; anything undocumented is rejected.
    #[default]
    Strict,
    /// A documented query or body parameter is accepted in either place.
    Compatible,
}

/// Names of the product lines among `lines` that have a resource model (the others answer
/// examples).
pub fn modelled_lines(lines: &[&'static LineDescription]) -> Vec<&'static str> {
    lines
        .iter()
        .filter(|l| l.resources.is_some())
        .map(|l| l.service.product)
        .collect()
}

/// Configures and starts an [`Emulator`]; see [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    lines: Vec<&'static LineDescription>,
    addr: SocketAddr,
    mode: Mode,
    stateful: bool,
    seed: u64,
    task_latency: Duration,
    rules: Vec<FaultRule>,
    fault_seed: u64,
}

impl EmulatorBuilder {
    /// The address to serve (default 127.0.0.1 on a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Strict (default) or compatible parameter checks.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// `false` answers every operation with its documented example (no resources).
    pub fn stateful(mut self, stateful: bool) -> Self {
        self.stateful = stateful;
        self
    }

    /// Seed of the generated ids (default 0): the same seed and calls give the same ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How long an asynchronous operation's task runs before its change is visible (default
    /// zero: finished on the next request).
    pub fn task_latency(mut self, latency: Duration) -> Self {
        self.task_latency = latency;
        self
    }

    /// Adds a fault rule.
    pub fn fault_rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Seed of the fault rules' draws (default 0).
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = seed;
        self
    }

    /// Binds and starts serving in the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            lines: self.lines,
            state: Mutex::new(State {
                polls_until_done: 2,
                ..State::default()
            }),
            store: self
                .stateful
                .then(|| Mutex::new(Store::new(self.seed, self.task_latency))),
            mode: self.mode,
            rules: Mutex::new((self.rules, faults::Draw::new(self.fault_seed))),
            clock_skew_secs: std::sync::atomic::AtomicI64::new(0),
        });
        if shared.store.is_some() {
            // Read the served lines' models now, not on the first request.
            model::register(&shared.lines);
        }
        let handler_shared = shared.clone();
        let app = axum::Router::new().fallback(move |method, uri, headers, body| {
            let shared = handler_shared.clone();
            server::handle(shared, method, uri, headers, body)
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Emulator {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }
}

use cds_core::operation::LineDescription;
use control::State;
use serde_json::Value;
use server::Shared;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

/// The AccessKeyId the emulator accepts.
pub const ACCESS_KEY_ID: &str = "emulator-access-key-id";
/// The AccessKeySecret the emulator verifies signatures with.
pub const ACCESS_KEY_SECRET: &str = "emulator-access-key-secret";
/// The bearer token the emulator accepts (BridgX).
pub const BEARER_TOKEN: &str = "emulator-bearer-token";
/// The region id the emulator's [`Emulator::config`] sends (CECSTACK `x-regionid`).
pub const REGION_ID: &str = "region0";

/// A running emulator; stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Emulator {
    /// A builder for the **stateful** emulator of `lines` (strict checks, seed 0, no task
    /// latency, 127.0.0.1 on a free port).
    pub fn builder(lines: &[&'static LineDescription]) -> EmulatorBuilder {
        EmulatorBuilder {
            lines: lines.to_vec(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            mode: Mode::Strict,
            stateful: true,
            seed: 0,
            task_latency: Duration::ZERO,
            rules: Vec::new(),
            fault_seed: 0,
        }
    }

    /// Starts serving `lines` on 127.0.0.1 (a free port), answering every operation with its
    /// documented example (no resources: see [`Emulator::builder`] for the stateful emulator).
    pub async fn start(lines: &[&'static LineDescription]) -> std::io::Result<Emulator> {
        Self::builder(lines).stateful(false).start().await
    }

    /// [`Emulator::start`] on `addr`.
    pub async fn start_on(
        lines: &[&'static LineDescription],
        addr: SocketAddr,
    ) -> std::io::Result<Emulator> {
        Self::builder(lines)
            .stateful(false)
            .addr(addr)
            .start()
            .await
    }

    /// `http://127.0.0.1:<port>`: what to put in `CDS_ENDPOINT` or [`cds_core::ConfigBuilder::endpoint`].
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A configuration builder pointed at the emulator with the credentials, token,
    /// authenticator and region id it accepts, and quick retries.
    pub fn config_builder(&self) -> cds_core::ConfigBuilder {
        cds_core::Config::builder()
            .endpoint(self.base_url())
            .credentials(cds_core::Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .bearer_token(BEARER_TOKEN)
            // Pluggable lines refuse to send without an authenticator; the emulator does not
            // verify their (undocumented) scheme, so a fixed header stands in for it.
            .authenticator(
                cds_core::auth::StaticHeaders::new().header("X-Auth-Token", BEARER_TOKEN),
            )
            .region_id(REGION_ID)
            .timeout(Duration::from_secs(10))
            .retry(
                cds_core::RetryConfig::new()
                    .max_attempts(3)
                    .initial_backoff(Duration::from_millis(5))
                    .max_backoff(Duration::from_millis(20)),
            )
    }

    /// [`Emulator::config_builder`], built.
    pub fn config(&self) -> cds_core::Config {
        match self.config_builder().build() {
            Ok(c) => c,
            Err(e) => panic!("the emulator's own configuration is invalid: {e}"),
        }
    }

    /// A configuration for tenant `tenant`: AccessKeyId `emulator-access-key-id.<tenant>` and
    /// bearer token `emulator-bearer-token.<tenant>` (same secret). Each tenant sees only its
    /// own resources, so parallel tests need no reset.
    pub fn tenant_config(&self, tenant: &str) -> cds_core::Config {
        let built = self
            .config_builder()
            .credentials(cds_core::Credentials::new(
                format!("{ACCESS_KEY_ID}.{tenant}"),
                ACCESS_KEY_SECRET,
            ))
            .bearer_token(format!("{BEARER_TOKEN}.{tenant}"))
            .build();
        match built {
            Ok(c) => c,
            Err(e) => panic!("the emulator's own configuration is invalid: {e}"),
        }
    }

    fn store(&self) -> Option<std::sync::MutexGuard<'_, Store>> {
        self.shared
            .store
            .as_ref()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Forgets every resource and task of every tenant; ids start again from the seed.
    pub fn reset_resources(&self) {
        if let Some(mut s) = self.store() {
            s.reset();
        }
    }

    /// Number of resources held (every tenant, changes of running tasks excluded).
    pub fn resource_count(&self) -> usize {
        self.store().map(|s| s.len()).unwrap_or(0)
    }

    /// The records of `family` (`"ccs/instance"`) of `tenant` (`""`: the default credentials).
    pub fn resources(&self, tenant: &str, family: &str) -> Vec<Value> {
        self.store()
            .map(|s| s.records(tenant, family).to_vec())
            .unwrap_or_default()
    }

    /// Adds a record to `family` of `tenant` directly (fixtures, benchmarks).
    pub fn insert_resource(&self, tenant: &str, family: &str, record: Value) {
        if let Some(mut s) = self.store() {
            s.records_mut(tenant, family).push(record);
        }
    }

    /// Sets how long asynchronous tasks run.
    pub fn set_task_latency(&self, latency: Duration) {
        if let Some(mut s) = self.store() {
            s.latency = latency;
        }
    }

    /// The resources as a versioned JSON document (running tasks are finished first).
    pub fn export_state(&self) -> Value {
        self.store().map(|mut s| s.export()).unwrap_or(Value::Null)
    }

    /// Replaces the resources by those of a document from [`Emulator::export_state`].
    pub fn import_state(&self, doc: Value) -> Result<(), String> {
        match self.store() {
            Some(mut s) => s.import(doc),
            None => Err("this emulator answers examples only; it holds no state".into()),
        }
    }

    /// Writes the state ([`Emulator::export_state`]'s document) to `path` atomically
    /// (temporary file, synced, then renamed).
    pub fn save_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let Some(mut store) = self.store() else {
            return Err(std::io::Error::other(
                "this emulator answers examples only; it holds no state",
            ));
        };
        store.settle_all();
        store::write_atomically(path, &store.document())
    }

    /// Loads a state file written by [`Emulator::save_state`] (same format version only).
    pub fn load_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let bytes = std::fs::read(path)?;
        let doc = store::parse(&bytes).map_err(std::io::Error::other)?;
        match self.store() {
            Some(mut s) => {
                s.replace(doc);
                Ok(())
            }
            None => Err(std::io::Error::other(
                "this emulator answers examples only; it holds no state",
            )),
        }
    }

    /// Adds a fault rule.
    pub fn add_fault_rule(&self, rule: FaultRule) {
        let mut rules = self.shared.rules.lock().unwrap_or_else(|e| e.into_inner());
        rules.0.push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_fault_rules(&self) {
        let mut rules = self.shared.rules.lock().unwrap_or_else(|e| e.into_inner());
        rules.0.clear();
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answer `operation` with `status` and `body` (for `times` calls, or always when `None`).
    pub fn script(&self, operation: &str, status: u16, body: Value, times: Option<u32>) {
        self.state()
            .scripts
            .insert(operation.to_string(), (Script { status, body }, times));
    }

    /// Answer the next calls of `operation` with `answers`, one each, in order (then fall back
    /// to [`Emulator::script`] or the documented example).
    pub fn script_sequence(&self, operation: &str, answers: Vec<Script>) {
        self.state()
            .queues
            .insert(operation.to_string(), answers.into());
    }

    /// Inject `fault` into the next `times` answers of `operation`.
    pub fn inject(&self, operation: &str, fault: Fault, times: u32) {
        self.state()
            .faults
            .insert(operation.to_string(), (fault, times));
    }

    /// Make task `id` report failure with `reason` from now on.
    pub fn fail_task(&self, id: &str, reason: &str) {
        self.state()
            .failed_tasks
            .insert(id.to_string(), reason.to_string());
    }

    /// How many polls a task takes to complete (default 2: Running, then Completed).
    pub fn set_polls_until_done(&self, polls: u32) {
        self.state().polls_until_done = polls;
    }

    /// Runs the emulated server's clock `seconds` ahead of the real one (negative: behind):
    /// timestamps are checked against, and `Date` headers tell, the skewed time.
    pub fn set_clock_skew(&self, seconds: i64) {
        self.shared
            .clock_skew_secs
            .store(seconds, std::sync::atomic::Ordering::Relaxed);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().records.clone()
    }

    /// The requests received for `operation`.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        self.state()
            .records
            .iter()
            .filter(|r| r.operation == operation)
            .cloned()
            .collect()
    }

    /// Forgets recorded requests, scripts, faults and tasks (nonces stay used).
    pub fn reset(&self) {
        let mut state = self.state();
        state.records.clear();
        state.scripts.clear();
        state.queues.clear();
        state.faults.clear();
        state.task_polls.clear();
        state.failed_tasks.clear();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
