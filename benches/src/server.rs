//! A loopback HTTP/1.1 server that answers every request with one fixed JSON body, on its own
//! thread and runtime, so that the client under test has its runtime to itself.
//!
//! It does as little as a server can (no parsing beyond HTTP, no signature check): the SDK and
//! the raw `reqwest` baseline call the same server, and what differs is the client's work.

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

/// Starts the server on 127.0.0.1 (an ephemeral port) with `workers` threads (one: a
/// current-thread runtime); it runs until the process exits.
pub fn start(body: Vec<u8>, workers: usize) -> SocketAddr {
    start_delayed(body, workers, Duration::ZERO)
}

/// [`start`], answering each request after `delay` (to keep many calls in flight at once).
pub fn start_delayed(body: Vec<u8>, workers: usize, delay: Duration) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut builder = if workers <= 1 {
            tokio::runtime::Builder::new_current_thread()
        } else {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(workers);
            b
        };
        let runtime = match builder.enable_all().build() {
            Ok(rt) => rt,
            Err(e) => panic!("the server's runtime starts: {e}"),
        };
        runtime.block_on(serve(Bytes::from(body), delay, tx));
    });
    match rx.recv() {
        Ok(addr) => addr,
        Err(e) => panic!("the server reports its address: {e}"),
    }
}

/// Accepts connections forever, answering `body` to every request after `delay`.
pub async fn serve(body: Bytes, delay: Duration, ready: std::sync::mpsc::Sender<SocketAddr>) {
    let socket = match tokio::net::TcpSocket::new_v4() {
        Ok(s) => s,
        Err(e) => panic!("the server's socket: {e}"),
    };
    let bound = "127.0.0.1:0"
        .parse()
        .map_err(|e| format!("{e}"))
        .and_then(|addr| socket.bind(addr).map_err(|e| e.to_string()));
    if let Err(e) = bound {
        panic!("the server binds: {e}");
    }
    // A deep accept queue: the concurrency benchmark opens 10,000 connections at once.
    let listener = match socket.listen(16_384) {
        Ok(l) => l,
        Err(e) => panic!("the server listens: {e}"),
    };
    if let Ok(addr) = listener.local_addr() {
        let _ = ready.send(addr);
    }
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_request| {
                let body = body.clone();
                async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let response = hyper::Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(body));
                    Ok::<_, Infallible>(response.unwrap_or_default())
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
