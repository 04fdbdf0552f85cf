//! What the runtime's integration tests share: a product line and operations described here
//! (no generated crate), and a scripted HTTP server on 127.0.0.1 that records what it receives.
#![allow(dead_code)]

use cds_core::operation::{
    AuthScheme, Envelope, Host, Kind, Location, Method, Operation, Param, Protocol, Service,
};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The envelope of the CDS RPC lines.
pub const ENVELOPE: Envelope = Envelope {
    code: "Code",
    success: &["Success"],
    message: "Message",
    request_id: Some("RequestId"),
    data: "Data",
};

/// An RPC line like ccs.
pub static LINE: Service = Service {
    product: "testline",
    protocol: Protocol::Rpc {
        version: "2019-08-08",
    },
    auth: AuthScheme::HmacSha1,
    host: Host::Cdsapi,
    path: "/ccs",
    envelope: ENVELOPE,
    region_header: None,
    sensitive_fields: &["Password"],
};

const fn string(name: &'static str, location: Location, required: bool) -> Param {
    Param {
        name,
        location,
        required,
        kind: Kind::String,
    }
}

/// A read (retried on timeouts and 5xx).
pub static READ: Operation = Operation {
    name: "DescribeThing",
    method: Method::Get,
    path: None,
    host: None,
    read: true,
    params: &[string("ThingId", Location::Query, false)],
    binary_response: false,
};

/// A write (retried only when never sent).
pub static WRITE: Operation = Operation {
    name: "CreateThing",
    method: Method::Post,
    path: None,
    host: None,
    read: false,
    params: &[string("Name", Location::Body, false)],
    binary_response: false,
};

/// A paginated read.
pub static LIST: Operation = Operation {
    name: "ListThings",
    method: Method::Get,
    path: None,
    host: None,
    read: true,
    params: &[
        Param {
            name: "PageNumber",
            location: Location::Query,
            required: false,
            kind: Kind::Integer,
        },
        Param {
            name: "PageSize",
            location: Location::Query,
            required: false,
            kind: Kind::Integer,
        },
    ],
    binary_response: false,
};

/// A complete HTTP/1.1 answer with a JSON body.
pub fn json(status: u16, body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The success answer of the test line.
pub fn ok() -> Vec<u8> {
    json(
        200,
        r#"{"Code":"Success","Message":"ok","RequestId":"r-1","Data":{}}"#,
        "",
    )
}

/// What the server does with one request.
#[derive(Clone)]
pub enum Reply {
    /// Write these bytes and read the next request on the same connection (keep-alive).
    Bytes(Vec<u8>),
    /// Write these bytes, then close the connection.
    BytesThenClose(Vec<u8>),
    /// Write these bytes and keep the connection open without another byte.
    BytesThenHang(Vec<u8>),
    /// Read the request and never answer.
    Hang,
    /// Write `HTTP/1.1 100 Continue` forever.
    ContinueFlood,
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request line (`GET /ccs/?… HTTP/1.1`).
    pub line: String,
    /// Header block, lower-cased names.
    pub headers: String,
    /// Body.
    pub body: Vec<u8>,
}

/// A server on 127.0.0.1 that answers request n with `replies(n)` (from 0) and records every
/// request.
pub struct Server {
    /// Its address.
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts the server.
    pub async fn start(replies: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(replies);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let replies = replies.clone();
                let log = log.clone();
                tokio::spawn(async move { serve(stream, replies, log).await });
            }
        });
        Self { addr, seen }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }
}

async fn serve(
    mut stream: TcpStream,
    replies: Arc<dyn Fn(usize) -> Reply + Send + Sync>,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    loop {
        let Some(seen) = read_request(&mut stream).await else {
            return;
        };
        let n = {
            let mut log = log.lock().expect("lock");
            log.push(seen);
            log.len() - 1
        };
        match replies(n) {
            Reply::Bytes(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::BytesThenClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::BytesThenHang(bytes) => {
                let _ = stream.write_all(&bytes).await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::ContinueFlood => loop {
                if stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                tokio::task::yield_now().await;
            },
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let (line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    let headers = headers.to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        line: line.to_string(),
        headers,
        body,
    })
}

/// A configuration for `server` with test credentials.
pub fn config(server: &Server) -> cds_core::ConfigBuilder {
    cds_core::Config::builder()
        .credentials(cds_core::Credentials::new("AKID", "test-secret"))
        .endpoint(server.url())
}
