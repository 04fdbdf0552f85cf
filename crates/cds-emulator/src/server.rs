//! The HTTP server: an accept loop serving HTTP/1.1 connections with a header-read timeout and
//! an idle timeout (a connection that neither sends nor receives for that long is closed), and
//! the state every request shares.

use crate::auth::Nonces;
use crate::control::{Controls, RecordedRequest, RequestLog};
use crate::overrides::Overrides;
use crate::pipeline;
use crate::store::Store;
use crate::Mode;
use bytes::Bytes;
use cds_core::operation::{AuthScheme, LineDescription, Protocol, Service};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The body type of every answer.
pub(crate) type ResponseBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

/// Limits on what a client may make the emulator hold or wait for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest request body read.
    pub body_bytes: usize,
    /// Time a client has to send a request's headers.
    pub header_read: Duration,
    /// Time a connection may stay without any byte read or written (and the time a body has
    /// to arrive).
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 4 << 20,
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

/// Shared by every request.
pub(crate) struct Shared {
    pub lines: Vec<&'static LineDescription>,
    pub log: Mutex<RequestLog>,
    /// Whether the request log keeps anything (its capacity is not zero).
    pub logging: bool,
    pub controls: Mutex<Controls>,
    pub nonces: Mutex<Nonces>,
    pub overrides: Mutex<Overrides>,
    /// Seconds the emulated server's clock is ahead of the real one (negative: behind).
    pub clock_skew_secs: AtomicI64,
    /// Resources (`None`: every operation answers its example).
    pub store: Option<Mutex<Store>>,
    /// Where every change of the store is written before it is acknowledged (a state file).
    pub journal: Option<crate::journal::Journal>,
    /// Where parameters are accepted.
    pub mode: Mode,
    pub request_counter: AtomicU64,
    pub limits: Limits,
    /// Connections open now.
    pub connections: AtomicUsize,
}

impl Shared {
    /// The emulated server's current time.
    pub fn now(&self) -> time::OffsetDateTime {
        let skew = self.clock_skew_secs.load(Ordering::Relaxed);
        time::OffsetDateTime::now_utc() + time::Duration::seconds(skew)
    }

    /// Whether requests are recorded.
    pub fn logging(&self) -> bool {
        self.logging
    }

    /// Records a request (when the log keeps any).
    pub fn record(&self, r: RecordedRequest) {
        if self.logging {
            self.log.lock().unwrap_or_else(|e| e.into_inner()).push(r);
        }
    }

    /// The envelope of refusals that precede routing: the first served line's.
    pub fn fallback_service(&self) -> &'static Service {
        self.lines.first().map(|l| l.service).unwrap_or(&FALLBACK)
    }
}

static FALLBACK: Service = Service {
    product: "unknown",
    protocol: Protocol::Rest,
    auth: AuthScheme::Pluggable,
    host: cds_core::operation::Host::Endpoint,
    path: "",
    envelope: cds_core::operation::Envelope {
        code: "Code",
        success: &["Success"],
        message: "Message",
        request_id: Some("RequestId"),
        data: "Data",
    },
    region_header: None,
    sensitive_fields: &[],
};

/// Serves `listener` until `stop` fires; then stops accepting, lets the open connections finish
/// their requests (closing them when idle), and returns when every connection is closed.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let open = Arc::new(tokio::sync::Notify::new());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => break,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let stop = stop.clone();
        let open = open.clone();
        shared.connections.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(async move {
            connection(stream, shared.clone(), stop).await;
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            open.notify_waiters();
        });
    }
    drop(listener);
    // Drain: each connection shuts down gracefully on the stop signal.
    while shared.connections.load(Ordering::SeqCst) > 0 {
        let notified = open.notified();
        if shared.connections.load(Ordering::SeqCst) == 0 {
            break;
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let limits = shared.limits;
    let io = hyper_util::rt::TokioIo::new(Idle::new(stream, limits.idle));
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, std::convert::Infallible>(pipeline::handle(shared, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = stop.changed(), if !stopping => {
                // Stop asked for, or the emulator dropped: finish the request in progress,
                // then close.
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A stream that fails a read or write when no byte has moved either way for `timeout` (an
/// idle connection, a client that stops reading).
struct Idle<S> {
    inner: S,
    timeout: Duration,
    read: Option<Pin<Box<tokio::time::Sleep>>>,
    write: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Idle<S> {
    fn new(inner: S, timeout: Duration) -> Idle<S> {
        Idle {
            inner,
            timeout,
            read: None,
            write: None,
        }
    }

    fn progressed(&mut self) {
        self.read = None;
        self.write = None;
    }
}

fn timed_out(
    timer: &mut Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Duration,
    cx: &mut Context<'_>,
) -> bool {
    let sleep = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
    sleep.as_mut().poll(cx).is_ready()
}

fn idle_error() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "idle connection closed")
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if timed_out(&mut this.read, this.timeout, cx) => {
                Poll::Ready(Err(idle_error()))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if timed_out(&mut this.write, this.timeout, cx) => {
                Poll::Ready(Err(idle_error()))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if timed_out(&mut this.write, this.timeout, cx) => {
                Poll::Ready(Err(idle_error()))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
