//! Overrides: the one way to make the emulator answer something else than the documented
//! behaviour. An override matches requests (line, operation, probability, number of times) and
//! acts on the answer: an error status and code, a `Retry-After` header, a latency, a body of
//! its own (or the line's success envelope around data of its own, or an edit of the answer
//! the emulator would give), malformed JSON in the line's envelope, a truncated body, or a
//! connection closed before the body.
//!
//! ```
//! use cds_emulator::Override;
//! // Every third-party test's favourite: the next two DescribeTask calls fail with 503.
//! let busy = Override::named("DescribeTask").times(2).status(503).code("ServiceBusy").retry_after(1);
//! // Drift: rename a response field of every DescribeInstances answer.
//! let drift = Override::named("DescribeInstances").edit(|body| {
//!     if let Some(data) = body.get_mut("Data").and_then(|d| d.as_object_mut()) {
//!         if let Some(v) = data.remove("Instances") {
//!             data.insert("InstanceList".into(), v);
//!         }
//!     }
//! });
//! # let _ = (busy, drift);
//! ```
//!
//! Overrides are registered with [`crate::Emulator::add_override`] (or
//! [`crate::EmulatorBuilder::with_override`]); an operation named by text must exist in a served
//! line, or the registration fails. The most recently added override that matches (and whose
//! draw fires) answers; an override with `times(n)` stops matching after `n` answers.

use cds_core::operation::{LineDescription, Operation};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Which operation an override matches.
#[derive(Clone)]
enum Target {
    /// Every operation.
    Any,
    /// An operation by its description (a generated crate's `meta::<OPERATION>`).
    Op(&'static Operation),
    /// An operation by name, checked against the served lines when registered.
    Name(String),
}

/// What an override does to the body of the answer.
#[derive(Clone)]
pub(crate) enum BodyAct {
    /// This exact body.
    Replace(Value),
    /// The line's success envelope with this payload under its data field.
    Data(Value),
    /// The answer the emulator would give, changed by the function.
    Edit(Arc<dyn Fn(&mut Value) + Send + Sync>),
}

/// A broken answer on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// A body that starts as the line's envelope but is not JSON.
    MalformedJson,
    /// An HTML error page.
    NonJson,
    /// The headers (announcing the full length) and half of the body, then the connection
    /// closes.
    Truncated,
    /// The headers, then the connection closes before any body byte.
    Closed,
}

/// What an override does.
#[derive(Clone, Default)]
pub(crate) struct Act {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub retry_after: Option<u64>,
    pub latency: Option<Duration>,
    pub body: Option<BodyAct>,
    pub wire: Option<Wire>,
}

impl Act {
    /// Whether the act replaces the answer (rather than only delaying it or adding a header).
    pub fn replaces_answer(&self) -> bool {
        self.status.is_some()
            || self.code.is_some()
            || self.wire.is_some()
            || matches!(self.body, Some(BodyAct::Replace(_) | BodyAct::Data(_)))
    }
}

/// A rule that changes the emulator's answers; see the [module documentation](self).
#[derive(Clone)]
pub struct Override {
    line: Option<String>,
    target: Target,
    probability: f64,
    times: Option<u32>,
    pub(crate) act: Act,
}

impl fmt::Debug for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Any => "*".to_string(),
            Target::Op(op) => op.name.to_string(),
            Target::Name(n) => n.clone(),
        };
        f.debug_struct("Override")
            .field("line", &self.line)
            .field("operation", &target)
            .field("probability", &self.probability)
            .field("times", &self.times)
            .field("status", &self.act.status)
            .field("code", &self.act.code)
            .field("retry_after", &self.act.retry_after)
            .field("latency", &self.act.latency)
            .field("wire", &self.act.wire)
            .finish_non_exhaustive()
    }
}

/// An override that cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError(pub String);

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OverrideError {}

/// The handle of a registered override, to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OverrideId(pub(crate) u64);

impl Override {
    fn new(target: Target) -> Override {
        Override {
            line: None,
            target,
            probability: 1.0,
            times: None,
            act: Act::default(),
        }
    }

    /// Matches every request of every operation (narrow it with [`Override::line`]).
    pub fn any() -> Override {
        Override::new(Target::Any)
    }

    /// Matches the operation `op` (a generated crate's `meta::<OPERATION>` static) of its line.
    pub fn operation(op: &'static Operation) -> Override {
        Override::new(Target::Op(op))
    }

    /// Matches the operation named `name` (the wire `Action`, or a REST operation's name) of
    /// any served line; registering it fails when no served line has that operation.
    pub fn named(name: impl Into<String>) -> Override {
        Override::new(Target::Name(name.into()))
    }

    /// Only requests to product line `line` (`ccs`, `vpc`, …).
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.line = Some(line.into());
        self
    }

    /// The chance, from 0.0 to 1.0, that a matching request is hit (default 1). Draws come from
    /// the emulator's fault seed, so a run is reproducible.
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Answer at most `n` requests, then stop matching.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Answer with this HTTP status: with the line's error envelope (code
    /// [`Override::code`], default `InjectedFault`), or with the body given by
    /// [`Override::body`] / [`Override::data`].
    pub fn status(mut self, status: u16) -> Self {
        self.act.status = Some(status);
        self
    }

    /// The error code in the line's envelope (status 400 unless [`Override::status`] gives one).
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.act.code = Some(code.into());
        self
    }

    /// The error message in the line's envelope.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.act.message = Some(message.into());
        self
    }

    /// Adds a `Retry-After` header of `seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.act.retry_after = Some(seconds);
        self
    }

    /// Waits this long before answering (the request is logged on arrival).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.act.latency = Some(latency);
        self
    }

    /// Answers exactly this body (status 200 unless [`Override::status`] says otherwise). To
    /// answer in the line's envelope, give the envelope's fields (`Code`, `Message`,
    /// `RequestId`, `Data` for the RPC lines), or use [`Override::data`].
    pub fn body(mut self, body: Value) -> Self {
        self.act.body = Some(BodyAct::Replace(body));
        self
    }

    /// Answers the line's success envelope with `data` as its payload (the `Data` field of the
    /// RPC lines, `data` of CECSTACK and BridgX).
    pub fn data(mut self, data: Value) -> Self {
        self.act.body = Some(BodyAct::Data(data));
        self
    }

    /// Changes the answer the emulator would give (its whole body, envelope included) before it
    /// is sent: the way to inject drift (a renamed, added or retyped response field) into an
    /// otherwise faithful answer.
    pub fn edit(mut self, edit: impl Fn(&mut Value) + Send + Sync + 'static) -> Self {
        self.act.body = Some(BodyAct::Edit(Arc::new(edit)));
        self
    }

    /// Answers 200 with a body that starts like the line's success envelope and is cut off.
    pub fn malformed_json(mut self) -> Self {
        self.act.wire = Some(Wire::MalformedJson);
        self
    }

    /// Answers 200 with an HTML error page.
    pub fn non_json(mut self) -> Self {
        self.act.wire = Some(Wire::NonJson);
        self
    }

    /// Sends the headers and half of the body, then closes the connection.
    pub fn truncate(mut self) -> Self {
        self.act.wire = Some(Wire::Truncated);
        self
    }

    /// Sends the headers, then closes the connection before the body.
    pub fn close(mut self) -> Self {
        self.act.wire = Some(Wire::Closed);
        self
    }

    /// Parses the command line's `--fault` syntax: comma-separated `key=value`, every key
    /// optional: `line=ccs,op=CreateInstance,p=0.5,times=3,status=503,code=Busy,retry-after=2,latency=150ms`,
    /// and the bare words `malformed-json`, `non-json`, `truncate`, `close`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let mut o = Override::any();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "malformed-json" => {
                    o = o.malformed_json();
                    continue;
                }
                "non-json" => {
                    o = o.non_json();
                    continue;
                }
                "truncate" => {
                    o = o.truncate();
                    continue;
                }
                "close" => {
                    o = o.close();
                    continue;
                }
                _ => {}
            }
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("fault rule part {part:?} is not key=value"))?;
            let bad = |what: &str| format!("fault rule: {k}={v:?} is not {what}");
            match k {
                "line" => o.line = Some(v.to_string()),
                "op" | "operation" => o.target = Target::Name(v.to_string()),
                "p" | "probability" => {
                    o.probability = v
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| bad("a probability between 0 and 1"))?
                }
                "times" => o.times = Some(v.parse().map_err(|_| bad("a number"))?),
                "status" => {
                    o.act.status = Some(
                        v.parse::<u16>()
                            .ok()
                            .filter(|s| (100..600).contains(s))
                            .ok_or_else(|| bad("an HTTP status"))?,
                    )
                }
                "code" => o.act.code = Some(v.to_string()),
                "message" => o.act.message = Some(v.to_string()),
                "retry-after" | "retry_after" => {
                    o.act.retry_after = Some(v.parse().map_err(|_| bad("a number of seconds"))?)
                }
                "latency" => {
                    o.act.latency = Some(parse_duration(v).ok_or_else(|| bad("a duration"))?)
                }
                _ => return Err(format!("fault rule: unknown key {k:?}")),
            }
        }
        Ok(o)
    }

    /// Checks the override against the served lines: an operation named by text must exist in
    /// one of them (in `line`, when given), and so must `line`.
    pub(crate) fn check(&self, lines: &[&'static LineDescription]) -> Result<(), OverrideError> {
        if let Some(l) = &self.line {
            if !lines.iter().any(|x| x.service.product == l) {
                let served: Vec<&str> = lines.iter().map(|x| x.service.product).collect();
                return Err(OverrideError(format!(
                    "override: line {l:?} is not served (served: {})",
                    served.join(", ")
                )));
            }
        }
        let in_scope = |line: &&&'static LineDescription| {
            self.line
                .as_deref()
                .is_none_or(|l| line.service.product == l)
        };
        match &self.target {
            Target::Any => Ok(()),
            Target::Op(op) => {
                if lines
                    .iter()
                    .filter(in_scope)
                    .any(|l| l.operations.iter().any(|o| std::ptr::eq(*o, *op)))
                {
                    Ok(())
                } else {
                    Err(OverrideError(format!(
                        "override: operation {} belongs to no served line",
                        op.name
                    )))
                }
            }
            Target::Name(name) => {
                if lines
                    .iter()
                    .filter(in_scope)
                    .any(|l| l.operations.iter().any(|o| o.name == name))
                {
                    Ok(())
                } else {
                    Err(OverrideError(format!(
                        "override: no served line has an operation named {name:?}"
                    )))
                }
            }
        }
    }

    /// Whether the override concerns a request to `op` of `line` (before the draw).
    pub(crate) fn matches(&self, line: &str, op: &'static Operation) -> bool {
        if self.line.as_deref().is_some_and(|l| l != line) {
            return false;
        }
        if self.times == Some(0) {
            return false;
        }
        match &self.target {
            Target::Any => true,
            Target::Op(o) => std::ptr::eq(*o, op),
            Target::Name(n) => n == op.name,
        }
    }
}

/// The registered overrides and their seeded generator.
#[derive(Debug)]
pub(crate) struct Overrides {
    rules: Vec<(OverrideId, Override)>,
    next: u64,
    draw: Draw,
}

impl Overrides {
    pub fn new(seed: u64) -> Overrides {
        Overrides {
            rules: Vec::new(),
            next: 0,
            draw: Draw::new(seed),
        }
    }

    pub fn add(&mut self, o: Override) -> OverrideId {
        self.next += 1;
        let id = OverrideId(self.next);
        self.rules.push((id, o));
        id
    }

    pub fn remove(&mut self, id: OverrideId) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(i, _)| *i != id);
        before != self.rules.len()
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The act of the most recently added override that matches and fires (its count taken).
    pub fn take(&mut self, line: &str, op: &'static Operation) -> Option<Act> {
        for (_, rule) in self.rules.iter_mut().rev() {
            if !rule.matches(line, op) {
                continue;
            }
            if rule.probability < 1.0 && self.draw.next_f64() >= rule.probability {
                continue;
            }
            if let Some(n) = &mut rule.times {
                *n -= 1;
            }
            return Some(rule.act.clone());
        }
        None
    }
}

/// A fault rule of the command line's `--fault` syntax (kept for callers of earlier releases;
/// it becomes an [`Override`]).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Product line (`ccs`, …); `None` matches every line.
    pub line: Option<String>,
    /// Operation name; `None` matches every operation.
    pub operation: Option<String>,
    /// Chance that a matching request is hit, 0.0 to 1.0.
    pub probability: f64,
    /// HTTP status answered; `None` answers normally (after the latency).
    pub status: Option<u16>,
    /// Error code in the line's envelope (default `InjectedFault`).
    pub code: Option<String>,
    /// `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// Wait this long before answering.
    pub latency: Option<Duration>,
}

impl FaultRule {
    /// Parses `line=ccs,op=CreateInstance,p=0.5,status=503,code=ServiceUnavailable,retry-after=2,latency=100ms`
    /// (every key optional; `p` defaults to 1).
    pub fn parse(text: &str) -> Result<FaultRule, String> {
        let o = Override::parse(text)?;
        if o.times.is_some() || o.act.wire.is_some() || o.act.message.is_some() {
            return Err("a FaultRule takes line, op, p, status, code, retry-after and latency only; use Override::parse".into());
        }
        Ok(FaultRule {
            line: o.line,
            operation: match o.target {
                Target::Name(n) => Some(n),
                _ => None,
            },
            probability: o.probability,
            status: o.act.status,
            code: o.act.code,
            retry_after: o.act.retry_after,
            latency: o.act.latency,
        })
    }

    /// Whether the rule concerns `line` / `operation` (before the draw).
    pub fn matches(&self, line: &str, operation: &str) -> bool {
        self.line.as_deref().is_none_or(|l| l == line)
            && self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

impl From<FaultRule> for Override {
    fn from(rule: FaultRule) -> Override {
        let mut o = match rule.operation {
            Some(name) => Override::named(name),
            None => Override::any(),
        };
        o.line = rule.line;
        o.probability = rule.probability;
        o.act.status = rule.status;
        // A code without a status answered 500 with the code before overrides existed? No: a
        // rule without status answered normally; keep that (the code only names the error).
        o.act.code = rule.code.filter(|_| rule.status.is_some());
        o.act.retry_after = rule.retry_after;
        o.act.latency = rule.latency;
        o
    }
}

/// A fault to inject into the next answers of an operation (kept for callers of earlier
/// releases: [`crate::Emulator::inject`] turns it into an [`Override`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this HTTP status and the line's error envelope (code `InjectedFault`).
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer HTTP 200 with a body that starts like the line's envelope but is not JSON.
    MalformedJson,
    /// Answer HTTP 200 with an HTML page.
    NonJson,
    /// Send the headers and half of the body, then close the connection.
    TruncatedBody,
    /// Send the headers, then close the connection before any body byte.
    CloseMidResponse,
}

impl Fault {
    /// The override injecting this fault into `times` answers of `operation`.
    pub fn into_override(self, operation: &str, times: u32) -> Override {
        let o = Override::named(operation).times(times);
        match self {
            Fault::Status(s) => o.status(s),
            Fault::Delay(d) => o.latency(d),
            Fault::MalformedJson => o.malformed_json(),
            Fault::NonJson => o.non_json(),
            Fault::TruncatedBody => o.truncate(),
            Fault::CloseMidResponse => o.close(),
        }
    }
}

/// A scripted answer (kept for callers of earlier releases; see [`Override::body`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Value,
}

/// `250ms`, `2s`, `1m` or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| t.split_at(i))
        .unwrap_or((t, "ms"));
    let n: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// A small seeded generator (SplitMix64): the same seed draws the same sequence.
#[derive(Debug, Clone)]
pub struct Draw(u64);

impl Draw {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Draw {
        Draw(seed)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_rejects_bad_ones() {
        let r = FaultRule::parse(
            "line=ccs,op=CreateInstance,p=0.25,status=503,code=Busy,retry-after=2,latency=150ms",
        )
        .unwrap();
        assert_eq!(r.line.as_deref(), Some("ccs"));
        assert_eq!(r.operation.as_deref(), Some("CreateInstance"));
        assert_eq!(r.probability, 0.25);
        assert_eq!(r.status, Some(503));
        assert_eq!(r.retry_after, Some(2));
        assert_eq!(r.latency, Some(Duration::from_millis(150)));
        assert!(r.matches("ccs", "CreateInstance") && !r.matches("vpc", "CreateInstance"));
        assert!(FaultRule::parse("p=2").is_err());
        assert!(FaultRule::parse("status=42").is_err());
        assert!(FaultRule::parse("colour=red").is_err());
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("5"), Some(Duration::from_millis(5)));
        let o = Override::parse("op=DescribeTask,times=2,truncate").unwrap();
        assert_eq!(o.times, Some(2));
        assert_eq!(o.act.wire, Some(Wire::Truncated));
    }

    #[test]
    fn draws_are_reproducible() {
        let a: Vec<f64> = {
            let mut d = Draw::new(3);
            (0..5).map(|_| d.next_f64()).collect()
        };
        let b: Vec<f64> = {
            let mut d = Draw::new(3);
            (0..5).map(|_| d.next_f64()).collect()
        };
        assert_eq!(a, b);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
        let mut c = Draw::new(4);
        assert_ne!(a[0], c.next_f64());
    }
}
