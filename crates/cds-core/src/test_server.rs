//! One-connection HTTP servers on 127.0.0.1 for the transport's unit tests.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that reads one request head, writes `answer` and returns the head it read.
pub(crate) async fn one_exchange(
    answer: &'static [u8],
) -> (SocketAddr, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.expect("read");
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        socket.write_all(answer).await.expect("write");
        String::from_utf8_lossy(&head).into_owned()
    });
    (addr, task)
}

/// A server that writes `answer` as soon as a connection arrives, whatever the client says.
pub(crate) async fn answer_at_once(answer: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let _ = socket.write_all(answer).await;
        let _ = socket.read(&mut [0u8; 1024]).await;
    });
    addr
}
