//! A spec-driven loopback emulator of the CDS `Action` RPC lines, CECSTACK ECS and BridgX.
//!
//! It knows every operation from the generated crates' static descriptions
//! (`cds_<line>::meta::LINE`), not from hand-written handlers, and behaves strictly like the
//! real services: it verifies the HMAC-SHA1 signature (with its own implementation),
//! timestamp freshness and nonce reuse, the bearer token, required parameters, their locations
//! and JSON shapes, and answers in each line's own envelope. By default it answers with the
//! documented example; pollers report tasks Running, then Completed (or Failed on demand).
//! Tests can script answers, inject faults and read back every request.
//!
//! ```no_run
//! # async fn demo(line: &'static cds_core::operation::LineDescription) -> std::io::Result<()> {
//! // `line` is a generated crate's `meta::LINE`, e.g. `&cds_billing::meta::LINE`.
//! let emulator = cds_emulator::Emulator::start(&[line]).await?;
//! let config = emulator.config(); // endpoint, credentials and token the emulator accepts
//! # let _ = config; Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod checks;
mod control;
mod respond;
mod routing;
mod server;
pub mod verify;

pub use control::{Fault, RecordedRequest, Script};

use cds_core::operation::LineDescription;
use control::State;
use serde_json::Value;
use server::Shared;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    /// Starts serving `lines` on 127.0.0.1 (a free port) in the current tokio runtime.
    pub async fn start(lines: &[&'static LineDescription]) -> std::io::Result<Emulator> {
        Self::start_on(lines, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts serving `lines` on `addr`.
    pub async fn start_on(
        lines: &[&'static LineDescription],
        addr: SocketAddr,
    ) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            lines: lines.to_vec(),
            state: Mutex::new(State {
                polls_until_done: 2,
                ..State::default()
            }),
            clock_skew_secs: std::sync::atomic::AtomicI64::new(0),
        });
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
