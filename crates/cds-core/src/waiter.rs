//! Waiting for asynchronous tasks: bounded, backed-off polling of the operation the spec names
//! as a task's poller, with a deadline that also bounds each poll.
//!
//! Decisions where the documents are silent:
//! - A status that is neither a success nor a failure value means "in progress": the spec
//!   lists only terminal values, and the services answer several undocumented intermediate
//!   ones (`NEW`, `DOING`, `running`…). Each new status is logged; a timeout names the last.
//! - An answer without any status (absent, `null` or empty) is tolerated
//!   [`MAX_STATUSLESS_POLLS`]` - 1` times in a row (a task may not be visible at once), then
//!   it is an [`Error::Decode`]: polling on would only wait for the deadline.
//! - Polls are at least [`MIN_POLL_INTERVAL`] apart, whatever the options say.

use crate::client::ServiceClient;
use crate::de::Fields;
use crate::error::Error;
use crate::operation::{Operation, Waiter};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// The shortest delay between two polls.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Consecutive answers without a status that end the wait.
pub const MAX_STATUSLESS_POLLS: u32 = 3;

/// Polling schedule and deadline: `WaitOptions::default().deadline(Duration::from_secs(600))`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long (polls included). Default 30 minutes.
    pub deadline: Duration,
    /// First delay between polls. Default 2 s.
    pub initial_interval: Duration,
    /// Longest delay between polls (the delay grows by half each poll up to this). Default 20 s.
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

impl WaitOptions {
    /// The defaults (30 minutes; polls 2 s apart growing to 20 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// Give up after `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// First and longest delay between polls (each at least [`MIN_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

/// A pending wait for one task; configure it, then [`Wait::send`]. `P` is the type the
/// poller's final answer is decoded into (the whole body, as a typed output is).
#[must_use = "a Wait does nothing until `.send().await`"]
pub struct Wait<P = Value> {
    client: ServiceClient,
    waiter: &'static Waiter,
    id: String,
    options: WaitOptions,
    output: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for Wait<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("poller", &self.waiter.poller.name)
            .field("id", &self.id)
            .field("options", &self.options)
            .finish()
    }
}

impl<P: Fields + Send> Wait<P> {
    /// A wait for task `id` of `waiter`.
    pub fn new(client: ServiceClient, waiter: &'static Waiter, id: impl Into<String>) -> Self {
        Self {
            client,
            waiter,
            id: id.into(),
            options: WaitOptions::default(),
            output: PhantomData,
        }
    }

    /// Give up after `deadline` (default 30 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = deadline;
        self
    }

    /// First and longest delay between polls (defaults 2 s and 20 s).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.options = self.options.poll_interval(initial, max);
        self
    }

    /// Replaces the whole schedule.
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Polls until the task succeeds (returns the poller's last answer decoded as `P`), fails
    /// ([`Error::TaskFailed`] with the reported reason) or the deadline passes
    /// ([`Error::WaiterTimeout`], also when a poll is still running at the deadline).
    pub async fn send(self) -> Result<P, Error> {
        let clock = self.client.config().clock.clone();
        let started = clock.now();
        // A deadline too far away to represent means no deadline.
        let deadline = crate::clock::deadline_after(started, self.options.deadline);
        let mut interval = self.options.initial_interval.max(MIN_POLL_INTERVAL);
        let max_interval = self.options.max_interval.max(interval);
        let op = self.waiter.poller;
        let mut last_status = String::from("(none yet)");
        let mut statusless = 0;
        let timeout = |id: String, last_status: String| Error::WaiterTimeout {
            operation: op.name,
            task_id: id,
            waited: clock.now().saturating_duration_since(started),
            last_status,
        };
        let mut last_poll_took = Duration::ZERO;
        loop {
            let remaining = deadline.map(|d| d.saturating_duration_since(clock.now()));
            if remaining.is_some_and(|r| r.is_zero()) {
                return Err(timeout(self.id, last_status));
            }
            let mut params = json!({ self.waiter.id_param: self.id });
            for name in self.waiter.fresh_uuid_params {
                params[*name] = Value::String(crate::sign::nonce());
            }
            let poll_started = clock.now();
            let poll = self.client.execute_value(op, params);
            let response = match remaining {
                Some(remaining) => {
                    match crate::clock::timeout(clock.as_ref(), remaining, poll).await {
                        Ok(response) => response?,
                        Err(_) => return Err(timeout(self.id, last_status)),
                    }
                }
                None => poll.await?,
            };
            last_poll_took =
                last_poll_took.max(clock.now().saturating_duration_since(poll_started));
            let status = response
                .raw()
                .pointer(self.waiter.status)
                .map(text)
                .filter(|s| !s.is_empty());
            match status {
                None => {
                    statusless += 1;
                    if statusless >= MAX_STATUSLESS_POLLS {
                        return Err(Error::Decode {
                            operation: op.name,
                            status: response.status,
                            request_id: response.request_id.clone(),
                            reason: format!(
                                "{statusless} answers in a row carry no task status at {}",
                                self.waiter.status
                            ),
                            body_start: crate::redact::quote_body(
                                response.raw().to_string().as_bytes(),
                                200,
                                self.client.service().sensitive_fields,
                            ),
                        });
                    }
                }
                Some(status) => {
                    statusless = 0;
                    if self
                        .waiter
                        .success
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(&status))
                    {
                        return Ok(self.client.decode_output::<P>(op, response)?.output);
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
                            .and_then(|p| response.raw().pointer(p))
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
                    if status != last_status {
                        tracing::debug!(task = %self.id, %status, "task in progress");
                        last_status = status;
                    }
                }
            }
            let Some(wait) = next_wait(
                interval,
                deadline.map(|d| d.saturating_duration_since(clock.now())),
                last_poll_took,
            ) else {
                return Err(timeout(self.id, last_status));
            };
            clock.sleep(wait).await;
            interval = interval.saturating_add(interval / 2).min(max_interval);
        }
    }
}

/// The wait before the next poll: `interval`, or, when that would reach the deadline (`left`
/// away), what leaves time for one last poll before it (`left` less the longest poll so far,
/// and at least [`MIN_POLL_INTERVAL`]). `None` when no last poll fits: the wait ends now.
fn next_wait(interval: Duration, left: Option<Duration>, poll_takes: Duration) -> Option<Duration> {
    match left {
        Some(left) if interval >= left => {
            Some(left.saturating_sub(poll_takes.max(MIN_POLL_INTERVAL)))
                .filter(|last| *last >= MIN_POLL_INTERVAL)
        }
        _ => Some(interval),
    }
}

/// [`start_and_wait`] behind a generated request's `send_and_wait()`: its required-field check
/// (`checked`) first; generic and owning its input (see [`crate::client::send`]).
pub async fn send_and_wait<I, O, P>(
    client: ServiceClient,
    op: &'static Operation,
    input: I,
    checked: Result<(), Error>,
    waiter: &'static Waiter,
    id_pointer: &'static str,
    options: WaitOptions,
) -> Result<(O, P), Error>
where
    I: Serialize + Send,
    O: Fields + Send,
    P: Fields + Send,
{
    checked?;
    start_and_wait(&client, op, &input, waiter, id_pointer, options).await
}

/// Sends `op` with `input`, reads the task id at `id_pointer` of the response, and waits for
/// it with `waiter`. Returns the typed output and the poller's final answer decoded as `P`.
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
    O: Fields + Send,
    P: Fields + Send,
{
    let response = client.execute::<I, O>(op, input).await?;
    let id = response
        .raw()
        .pointer(id_pointer)
        .map(text)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::Decode {
            operation: op.name,
            status: response.status,
            request_id: response.request_id.clone(),
            reason: format!("the response carries no task id at {id_pointer}"),
            body_start: crate::redact::quote_body(
                response.raw().to_string().as_bytes(),
                200,
                client.service().sensitive_fields,
            ),
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
