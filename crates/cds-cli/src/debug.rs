//! `--debug`: what a call does, on stderr, never a secret: the request line (the runtime's
//! prepared request, redacted), each attempt, retries and their reasons, task polls, the
//! status, request id and time. It listens to the runtime's `tracing` events (whose fields
//! hold no secret, as `docs/runtime-promises.md` promises) with a small subscriber of its own.

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Attempts made by the calls so far (the last value the runtime recorded).
static ATTEMPTS: AtomicU64 = AtomicU64::new(0);

/// When `--debug` started.
static STARTED: Mutex<Option<Instant>> = Mutex::new(None);

/// Starts printing the runtime's events on stderr.
pub fn start() {
    if let Ok(mut s) = STARTED.lock() {
        *s = Some(Instant::now());
    }
    let _ = tracing::subscriber::set_global_default(Printer {
        next: AtomicU64::new(1),
        spans: Mutex::new(std::collections::HashMap::new()),
    });
}

/// Whether `--debug` is on.
pub fn on() -> bool {
    STARTED.lock().map(|s| s.is_some()).unwrap_or(false)
}

/// Prints one line on stderr, if `--debug` is on.
pub fn line(text: &str) {
    let Some(started) = STARTED.lock().ok().and_then(|s| *s) else {
        return;
    };
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut err = std::io::stderr().lock();
    for l in text.lines() {
        let _ = writeln!(err, "debug [{ms:>8.1} ms] {l}");
    }
}

/// Attempts the last call made.
pub fn attempts() -> u64 {
    ATTEMPTS.load(Ordering::Relaxed)
}

struct Printer {
    next: AtomicU64,
    spans: Mutex<std::collections::HashMap<u64, &'static Metadata<'static>>>,
}

thread_local! {
    /// The spans entered on this thread, innermost last.
    static ENTERED: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "attempt" {
            ATTEMPTS.store(value, Ordering::Relaxed);
        }
        self.0.push((field.name().to_string(), value.to_string()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "attempt" {
            ATTEMPTS.store(value.max(0) as u64, Ordering::Relaxed);
        }
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

impl Fields {
    fn text(&self) -> String {
        self.0
            .iter()
            .filter(|(k, _)| k != "message")
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn message(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == "message")
            .map(|(_, v)| v.as_str())
    }
}

impl Subscriber for Printer {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // The SDK's own events only (not the HTTP stack's); bodies are logged at TRACE
        // (redacted, but long): not shown.
        *metadata.level() <= Level::DEBUG && metadata.target().starts_with("cds")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        let shown = fields.text();
        if !shown.is_empty() {
            line(&format!("{} {shown}", span.metadata().name()));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut spans) = self.spans.lock() {
            spans.insert(id, span.metadata());
        }
        Id::from_u64(id)
    }

    fn record(&self, _span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let shown = fields.text();
        if !shown.is_empty() {
            line(&shown);
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let message = fields.message().unwrap_or("").to_string();
        let rest = fields.text();
        line(format!("{message} {rest}").trim());
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|e| e.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        ENTERED.with(|e| {
            let mut e = e.borrow_mut();
            if let Some(at) = e.iter().rposition(|id| *id == span.into_u64()) {
                e.remove(at);
            }
        });
    }

    fn current_span(&self) -> tracing_core::span::Current {
        let Some(id) = ENTERED.with(|e| e.borrow().last().copied()) else {
            return tracing_core::span::Current::none();
        };
        match self.spans.lock().ok().and_then(|s| s.get(&id).copied()) {
            Some(meta) => tracing_core::span::Current::new(Id::from_u64(id), meta),
            None => tracing_core::span::Current::none(),
        }
    }
}
