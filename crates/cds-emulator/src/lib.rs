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

mod auth;
mod checks;
mod control;
mod engine;
mod journal;
mod model;
pub mod overrides;
mod pipeline;
mod respond;
mod routing;
mod server;
mod store;
pub mod verify;

pub use control::RecordedRequest;
pub use overrides::{Fault, FaultRule, Override, OverrideError, OverrideId, Script};
pub use store::{STATE_FORMAT, STATE_VERSION};

/// Parsing helpers of the command line (`--fault`, `--latency`).
pub mod faults {
    pub use crate::overrides::{parse_duration, Draw, FaultRule};
}

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
    overrides: Vec<Override>,
    fault_seed: u64,
    log_capacity: usize,
    limits: server::Limits,
    state: Option<std::path::PathBuf>,
}

impl EmulatorBuilder {
    /// Keeps the resources in the state file `path` (stateful emulator only): what it holds is
    /// loaded before the port is bound; from then on every change is appended to a journal
    /// beside it (`<path>.journal`) and synced before the request that made it is answered,
    /// so an acknowledged write survives a crash; the journal is compacted into `path` as it
    /// grows, and on [`Emulator::shutdown`]. [`EmulatorBuilder::start`] fails, naming the
    /// path, when the state cannot be read or written there.
    pub fn state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.state = Some(path.into());
        self
    }

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
    ///
    /// The resources come from each line crate's resource model (`meta::RESOURCES`), which
    /// is compiled only with the line crate's `model` feature (on through `cds-lines`): a
    /// line whose model is not compiled answers its examples. [`modelled_lines`] says which.
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

    /// Adds an override (checked when the emulator starts: an operation named by text must
    /// exist in a served line).
    pub fn with_override(mut self, o: Override) -> Self {
        self.overrides.push(o);
        self
    }

    /// Adds a fault rule (an [`Override`]).
    pub fn fault_rule(self, rule: FaultRule) -> Self {
        self.with_override(rule.into())
    }

    /// Seed of the overrides' probability draws (default 0).
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = seed;
        self
    }

    /// How many requests the request log keeps, the most recent ones (default 10,000; 0 keeps
    /// none, as the `cds-emulator` binary does unless told otherwise).
    pub fn request_log(mut self, capacity: usize) -> Self {
        self.log_capacity = capacity;
        self
    }

    /// How long a client has to send a request's headers (default 10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read = timeout;
        self
    }

    /// How long a connection may stay without a byte read or written before it is closed, and
    /// how long a request body may take to arrive (default 60 s).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle = timeout;
        self
    }

    /// The largest request body accepted (default 4 MiB; larger ones are answered 413).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.limits.body_bytes = bytes;
        self
    }

    /// Binds and starts serving in the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let mut overrides = overrides::Overrides::new(self.fault_seed);
        for o in self.overrides {
            o.check(&self.lines)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            overrides.add(o);
        }
        if self.stateful {
            // A line whose model exists but was not compiled would silently answer its
            // examples: refuse, saying how to compile it.
            if let Some(line) = self
                .lines
                .iter()
                .find(|l| l.has_model && l.resources.is_none())
            {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "line {}: its resource model is not compiled; enable the `model` feature \
                         of its crate (e.g. `cds-{} = {{ version = \"…\", features = [\"model\"] }}` \
                         among the dev-dependencies), or start a stateless emulator \
                         (`Emulator::start`)",
                        line.service.product, line.service.product
                    ),
                ));
            }
            // Read the served lines' models now, not on the first request.
            model::register(&self.lines);
        }
        let mut store = self
            .stateful
            .then(|| Store::new(self.seed, self.task_latency));
        // The state is loaded (and proved writable) before the port is bound: no request is
        // answered from a state about to be replaced.
        let journal = match (&self.state, store.as_mut()) {
            (Some(path), Some(store)) => Some(journal::open(path, store)?),
            (Some(path), None) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "state file {}: an emulator answering examples only holds no state",
                        path.display()
                    ),
                ))
            }
            (None, _) => None,
        };
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            lines: self.lines,
            log: Mutex::new(control::RequestLog::new(self.log_capacity)),
            logging: self.log_capacity > 0,
            controls: Mutex::new(control::Controls::default()),
            nonces: Mutex::new(auth::Nonces::default()),
            overrides: Mutex::new(overrides),
            clock_skew_secs: std::sync::atomic::AtomicI64::new(0),
            store: store.map(Mutex::new),
            journal,
            mode: self.mode,
            request_counter: std::sync::atomic::AtomicU64::new(0),
            limits: self.limits,
            connections: std::sync::atomic::AtomicUsize::new(0),
        });
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let served = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(Emulator {
            addr,
            shared,
            stop,
            served: Some(served),
        })
    }
}

use cds_core::operation::LineDescription;
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

/// What an emulator holds (see [`Emulator::stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests in the request log.
    pub logged_requests: usize,
    /// Signature nonces remembered (each until its timestamp leaves the 15-minute window).
    pub nonces: usize,
    /// Connections open.
    pub connections: usize,
    /// Resources held (every tenant).
    pub resources: usize,
}

/// A running emulator; stops when dropped (or, waiting for the requests in progress, with
/// [`Emulator::shutdown`]).
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: tokio::sync::watch::Sender<bool>,
    served: Option<tokio::task::JoinHandle<()>>,
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
            overrides: Vec::new(),
            fault_seed: 0,
            log_capacity: 10_000,
            limits: server::Limits::default(),
            state: None,
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

    /// Queues the store's changes for the journal, if there is one (call with the store
    /// locked; the write completes in the background).
    fn journal(&self, store: &mut Store) {
        if let Some(j) = &self.shared.journal {
            let _ = j.queue(store);
        }
    }

    /// Writes the whole state as one snapshot, if there is a state file.
    fn compact(&self, store: &mut Store) -> std::io::Result<()> {
        match &self.shared.journal {
            Some(j) => j.compact_now(store),
            None => Ok(()),
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
            self.journal(&mut s);
        }
    }

    /// Number of resources held (every tenant, changes of running tasks excluded).
    pub fn resource_count(&self) -> usize {
        self.store().map(|s| s.len()).unwrap_or(0)
    }

    /// The records of `family` (`"ccs/instance"`) of `tenant` (`""`: the default credentials).
    pub fn resources(&self, tenant: &str, family: &str) -> Vec<Value> {
        self.store()
            .and_then(|s| {
                s.records(tenant, family)
                    .map(|r| r.iter().cloned().collect())
            })
            .unwrap_or_default()
    }

    /// Adds a record to `family` of `tenant` directly (fixtures, benchmarks).
    pub fn insert_resource(&self, tenant: &str, family: &str, record: Value) {
        if let Some(mut s) = self.store() {
            s.apply(
                tenant,
                store::Change::Insert {
                    family: family.to_string(),
                    records: vec![record],
                },
            );
            self.journal(&mut s);
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
            Some(mut s) => {
                s.import(doc)?;
                self.compact(&mut s).map_err(|e| e.to_string())
            }
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
        store::write_atomically(path, &store.document_ref(0))
    }

    /// Loads a state file written by [`Emulator::save_state`] (same format version only).
    pub fn load_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let bytes = std::fs::read(path)?;
        let doc = store::parse(&bytes).map_err(std::io::Error::other)?;
        match self.store() {
            Some(mut s) => {
                s.replace(doc);
                self.compact(&mut s)
            }
            None => Err(std::io::Error::other(
                "this emulator answers examples only; it holds no state",
            )),
        }
    }

    /// Registers an override (see [`Override`]); the most recently added matching override
    /// answers. Fails when it names an operation or line that is not served.
    pub fn add_override(&self, o: Override) -> Result<OverrideId, OverrideError> {
        o.check(&self.shared.lines)?;
        Ok(self.overrides().add(o))
    }

    /// Removes an override; false when it was not registered (or was removed already).
    pub fn remove_override(&self, id: OverrideId) -> bool {
        self.overrides().remove(id)
    }

    /// Removes every override.
    pub fn clear_overrides(&self) {
        self.overrides().clear();
    }

    fn overrides(&self) -> std::sync::MutexGuard<'_, overrides::Overrides> {
        self.shared
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Registers an override from compatibility methods, which have no error to return.
    #[track_caller]
    fn add_or_panic(&self, o: Override) {
        if let Err(e) = self.add_override(o) {
            panic!("{e}");
        }
    }

    /// Adds a fault rule (an [`Override`], see [`Emulator::add_override`]).
    ///
    /// # Panics
    ///
    /// When the rule names an operation or line that is not served.
    #[track_caller]
    pub fn add_fault_rule(&self, rule: FaultRule) {
        self.add_or_panic(rule.into());
    }

    /// Removes every override (fault rules, scripts and injected faults alike).
    pub fn clear_fault_rules(&self) {
        self.clear_overrides();
    }

    fn controls(&self) -> std::sync::MutexGuard<'_, control::Controls> {
        self.shared
            .controls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Answer `operation` with `status` and `body` (for `times` calls, or always when `None`):
    /// `Override::named(operation).status(status).body(body)`.
    ///
    /// # Panics
    ///
    /// When no served line has an operation named `operation`.
    #[track_caller]
    pub fn script(&self, operation: &str, status: u16, body: Value, times: Option<u32>) {
        let mut o = Override::named(operation).status(status).body(body);
        if let Some(n) = times {
            o = o.times(n);
        }
        self.add_or_panic(o);
    }

    /// Answer the next calls of `operation` with `answers`, one each, in order (then fall back
    /// to earlier overrides or the emulator's own answer).
    ///
    /// # Panics
    ///
    /// When no served line has an operation named `operation`.
    #[track_caller]
    pub fn script_sequence(&self, operation: &str, answers: Vec<Script>) {
        // The most recent override answers first: register the last answer first.
        for s in answers.into_iter().rev() {
            self.add_or_panic(
                Override::named(operation)
                    .times(1)
                    .status(s.status)
                    .body(s.body),
            );
        }
    }

    /// Inject `fault` into the next `times` answers of `operation`.
    ///
    /// # Panics
    ///
    /// When no served line has an operation named `operation`.
    #[track_caller]
    pub fn inject(&self, operation: &str, fault: Fault, times: u32) {
        self.add_or_panic(fault.into_override(operation, times));
    }

    /// Make task `id` report failure with `reason` from now on.
    pub fn fail_task(&self, id: &str, reason: &str) {
        self.controls()
            .failed_tasks
            .insert(id.to_string(), reason.to_string());
        if let Some(mut s) = self.store() {
            s.fail_task(id, reason);
            self.journal(&mut s);
        }
    }

    /// How many polls a task takes to complete in the examples-only mode (default 2: running,
    /// then finished).
    pub fn set_polls_until_done(&self, polls: u32) {
        self.controls().polls_until_done = polls;
    }

    /// Runs the emulated server's clock `seconds` ahead of the real one (negative: behind):
    /// timestamps are checked against, and `Date` headers tell, the skewed time.
    pub fn set_clock_skew(&self, seconds: i64) {
        self.shared
            .clock_skew_secs
            .store(seconds, std::sync::atomic::Ordering::Relaxed);
    }

    fn log(&self) -> std::sync::MutexGuard<'_, control::RequestLog> {
        self.shared.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The requests the log holds (the most recent ones, up to its capacity), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log().iter().cloned().collect()
    }

    /// The requests the log holds for the operation named `operation`.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        self.log()
            .iter()
            .filter(|r| r.operation == operation)
            .cloned()
            .collect()
    }

    /// What the emulator holds now: requests in its log, nonces remembered, open connections,
    /// resources (to check that nothing grows without bound).
    pub fn stats(&self) -> Stats {
        Stats {
            logged_requests: self.log().len(),
            nonces: self
                .shared
                .nonces
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len(),
            connections: self
                .shared
                .connections
                .load(std::sync::atomic::Ordering::SeqCst),
            resources: self.resource_count(),
        }
    }

    /// Forgets recorded requests, overrides and the examples-only mode's task polls (nonces stay
    /// used; resources stay: see [`Emulator::reset_resources`]).
    pub fn reset(&self) {
        self.log().clear();
        self.clear_overrides();
        let mut c = self.controls();
        c.task_polls.clear();
        c.failed_tasks.clear();
    }

    /// Stops accepting connections, lets the requests in progress finish, and returns when
    /// every connection is closed; then, with a state file, writes the state into it as one
    /// snapshot (the journal emptied and removed).
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
        let Some(j) = &self.shared.journal else {
            return Ok(());
        };
        if let Some(mut s) = self.store() {
            j.compact_now(&mut s)?;
        }
        j.close();
        let journal = journal::journal_path(j.path());
        match std::fs::remove_file(&journal) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(std::io::Error::other(
                format!("state file {}: {e}", journal.display()),
            )),
            _ => Ok(()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
