//! Waiting for asynchronous tasks: bounded, backed-off polling of the operation the spec names
//! as a task's poller, with a deadline.

use crate::client::ServiceClient;
use crate::error::Error;
use crate::operation::{Operation, Waiter};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::Instant;

/// Polling schedule and deadline.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long.
    pub deadline: Duration,
    /// First delay between polls.
    pub initial_interval: Duration,
    /// Longest delay between polls (the delay grows by half each poll up to this).
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(30 * 60),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(20),
        }
    }
}

/// A pending wait for one task; configure it, then [`Wait::send`]. `P` is the poller's typed
/// output, which `send` returns once the task has finished.
#[must_use = "a Wait does nothing until `.send().await`"]
pub struct Wait<P = Value> {
    client: ServiceClient,
    waiter: &'static Waiter,
    id: String,
    options: WaitOptions,
    output: std::marker::PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for Wait<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("poller", &self.waiter.poller.name)
            .field("id", &self.id)
            .field("options", &self.options)
            .finish()
    }
}

impl<P: DeserializeOwned> Wait<P> {
    /// A wait for task `id` of `waiter`.
    pub fn new(client: ServiceClient, waiter: &'static Waiter, id: impl Into<String>) -> Self {
        Self {
            client,
            waiter,
            id: id.into(),
            options: WaitOptions::default(),
            output: std::marker::PhantomData,
        }
    }

    /// Give up after `deadline` (default 30 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = deadline;
        self
    }

    /// First and longest delay between polls (defaults 2 s and 20 s).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.options.initial_interval = initial;
        self.options.max_interval = max.max(initial);
        self
    }

    /// Replaces the whole schedule.
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Polls until the task succeeds (returns the poller's last output), fails
    /// ([`Error::TaskFailed`] with the reported reason) or the deadline passes
    /// ([`Error::WaiterTimeout`]).
    pub async fn send(self) -> Result<P, Error> {
        let started = Instant::now();
        let mut interval = self.options.initial_interval;
        let op = self.waiter.poller;
        loop {
            let mut params = json!({ self.waiter.id_param: self.id });
            for name in self.waiter.fresh_uuid_params {
                params[*name] = Value::String(crate::sign::nonce());
            }
            let response = self.client.execute::<Value, P>(op, &params).await?;
            let status = response
                .raw
                .pointer(self.waiter.status)
                .map(text)
                .unwrap_or_default();
            if self
                .waiter
                .success
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&status))
            {
                return Ok(response.output);
            }
            if self
                .waiter
                .failure
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&status))
            {
                let reason = self
                    .waiter
                    .reason
                    .and_then(|p| response.raw.pointer(p))
                    .map(text)
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "no reason given".to_string());
                return Err(Error::TaskFailed {
                    operation: op.name,
                    task_id: self.id,
                    status,
                    reason,
                });
            }
            let waited = started.elapsed();
            if waited + interval > self.options.deadline {
                return Err(Error::WaiterTimeout {
                    operation: op.name,
                    task_id: self.id,
                    waited,
                    last_status: status,
                });
            }
            tracing::debug!(task = %self.id, %status, ?interval, "task not finished; polling again");
            tokio::time::sleep(interval).await;
            interval = (interval + interval / 2).min(self.options.max_interval);
        }
    }
}

/// Sends `op` with `input`, reads the task id at `id_pointer` of the response, and waits for
/// it with `waiter`. Returns the typed output and the poller's final typed output.
pub async fn start_and_wait<I, O, P>(
    client: &ServiceClient,
    op: &'static Operation,
    input: &I,
    waiter: &'static Waiter,
    id_pointer: &str,
    options: WaitOptions,
) -> Result<(O, P), Error>
where
    I: Serialize,
    O: DeserializeOwned,
    P: DeserializeOwned,
{
    let response = client.execute::<I, O>(op, input).await?;
    let id = response
        .raw
        .pointer(id_pointer)
        .map(text)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::Decode {
            operation: op.name,
            status: response.status,
            request_id: response.request_id.clone(),
            reason: format!("the response carries no task id at {id_pointer}"),
            body_start: crate::error::body_start(response.raw.to_string().as_bytes(), 200),
        })?;
    let done = Wait::<P>::new(client.clone(), waiter, id)
        .options(options)
        .send()
        .await?;
    Ok((response.output, done))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
