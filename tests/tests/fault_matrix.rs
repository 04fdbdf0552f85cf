//! The fault matrix: every fault a hostile or broken server can produce, against a read
//! (`DescribeTask`) and a write (`CreateInstance`), through the real client and a raw TCP
//! server this test starts on 127.0.0.1. For each cell it checks the error class, the number
//! of requests the server saw, and that a write is never received twice; it prints the matrix.
//!
//! Run with `cargo test -p cds-tests --test fault_matrix -- --nocapture` to see the table.

use cds_core::Error;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    ConnectionRefused,
    ResetBeforeResponse,
    ResetMidBody,
    Status(u16),
    TooManyRequests { retry_after: Option<u64> },
    Timeout,
    HtmlErrorPage,
    TruncatedJson,
    WrongTypes,
    OversizedBody,
    Redirect307,
    Trickle,
}

impl Fault {
    fn label(self) -> String {
        match self {
            Fault::ConnectionRefused => "connection refused".into(),
            Fault::ResetBeforeResponse => "reset before response".into(),
            Fault::ResetMidBody => "reset mid-body".into(),
            Fault::Status(s) => format!("HTTP {s} (JSON envelope)"),
            Fault::TooManyRequests { retry_after: None } => "429 without Retry-After".into(),
            Fault::TooManyRequests {
                retry_after: Some(s),
            } => format!("429 with Retry-After: {s}"),
            Fault::Timeout => "no answer (timeout)".into(),
            Fault::HtmlErrorPage => "502 HTML error page".into(),
            Fault::TruncatedJson => "200 truncated JSON".into(),
            Fault::WrongTypes => "200 wrong types".into(),
            Fault::OversizedBody => "200 oversized body (2 MiB, no length)".into(),
            Fault::Redirect307 => "307 redirect".into(),
            Fault::Trickle => "body trickling 1 byte/s".into(),
        }
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    at: Instant,
}

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start(fault: Fault) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        if fault == Fault::ConnectionRefused {
            // Nothing listens on the port once the listener is dropped.
            drop(listener);
            return Server { addr, seen };
        }
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, fault, addr, record).await;
                });
            }
        });
        Server { addr, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<(String, String)>> {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    Ok(Some((method, path)))
}

fn response(status: u16, content_type: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

const OK_BODY: &str =
    r#"{"Code":"Success","Message":"ok","TaskId":"t-1","Data":{"Status":"FINISH"}}"#;

async fn serve(
    mut stream: TcpStream,
    fault: Fault,
    addr: SocketAddr,
    record: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let Some((method, path)) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let redirected = path.starts_with("/elsewhere");
    record.lock().expect("lock").push(Seen {
        method,
        path,
        at: Instant::now(),
    });
    if redirected {
        stream
            .write_all(&response(200, "application/json", OK_BODY.as_bytes(), ""))
            .await?;
        return Ok(());
    }
    let envelope =
        |code: &str| format!(r#"{{"Code":"{code}","Message":"injected","RequestId":"req-fault"}}"#);
    match fault {
        Fault::ConnectionRefused => {}
        Fault::ResetBeforeResponse => {
            stream.set_zero_linger()?;
            drop(stream);
        }
        Fault::ResetMidBody => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"Code\":\"Success\",\"Da")
                .await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
            stream.set_zero_linger()?;
            drop(stream);
        }
        Fault::Status(status) => {
            let body = envelope("InternalError");
            stream
                .write_all(&response(status, "application/json", body.as_bytes(), ""))
                .await?;
        }
        Fault::TooManyRequests { retry_after } => {
            let body = envelope("Throttling");
            let extra = retry_after
                .map(|s| format!("retry-after: {s}\r\n"))
                .unwrap_or_default();
            stream
                .write_all(&response(429, "application/json", body.as_bytes(), &extra))
                .await?;
        }
        Fault::Timeout => {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        Fault::HtmlErrorPage => {
            let body = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
            stream
                .write_all(&response(502, "text/html", body, ""))
                .await?;
        }
        Fault::TruncatedJson => {
            let body = br#"{"Code":"Success","TaskId":"t-1","Data":{"Sta"#;
            stream
                .write_all(&response(200, "application/json", body, ""))
                .await?;
        }
        Fault::WrongTypes => {
            let body = br#"{"Code":"Success","TaskId":{"nested":[1,2]},"Data":"not an object"}"#;
            stream
                .write_all(&response(200, "application/json", body, ""))
                .await?;
        }
        Fault::OversizedBody => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"Code\":\"Success\",\"Pad\":\"")
                .await?;
            let block = vec![b'x'; 64 * 1024];
            for _ in 0..32 {
                if stream.write_all(&block).await.is_err() {
                    return Ok(());
                }
            }
            let _ = stream.write_all(b"\"}").await;
        }
        Fault::Redirect307 => {
            let extra = format!("location: http://{addr}/elsewhere?Signature=leak\r\n");
            let body = envelope("Success");
            stream
                .write_all(&response(307, "application/json", body.as_bytes(), &extra))
                .await?;
        }
        Fault::Trickle => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
                .await?;
            for b in OK_BODY.bytes().take(5) {
                stream.write_all(&[b]).await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    Ok(())
}

fn client(server: &Server) -> cds_ccs::Client {
    let config = cds_core::Config::builder()
        .endpoint(format!("http://{}", server.addr))
        .credentials(cds_core::Credentials::new("id", "secret"))
        // Long enough that a loaded CI machine (every test binary at once on 2 cores) does not
        // time out an attempt the server answers at once; the timeout cells (3 s silence, a
        // 1 byte/s body) still time out.
        .timeout(Duration::from_secs(2))
        .max_response_bytes(1024 * 1024)
        .retry(
            cds_core::RetryConfig::new()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("config");
    cds_ccs::Client::new(&config)
}

async fn call(client: &cds_ccs::Client, write: bool) -> Result<(), Error> {
    if write {
        client
            .create_instance()
            .region_id("CN_Beijing_A")
            .vdc_id("vdc-1")
            .password("pw")
            .instance_name("web")
            .cpu(2)
            .ram(4)
            .instance_type("Standard")
            .send()
            .await
            .map(|_| ())
    } else {
        client
            .describe_task()
            .task_id("t-1")
            .send()
            .await
            .map(|_| ())
    }
}

/// The error class of a result, for the table.
fn class(result: &Result<(), Error>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(Error::Transport { not_sent: true, .. }) => "Transport(not sent)".into(),
        Err(Error::Transport {
            timed_out: true, ..
        }) => "Transport(timed out)".into(),
        Err(Error::Transport { .. }) => "Transport(interrupted)".into(),
        Err(Error::Service(s)) => format!("Service {} {}", s.status, s.code),
        Err(Error::Http { status, .. }) => format!("Http {status}"),
        Err(Error::Decode { .. }) => "Decode".into(),
        Err(Error::ResponseTooLarge { .. }) => "ResponseTooLarge".into(),
        Err(Error::Redirect { status, .. }) => format!("Redirect {status}"),
        Err(other) => format!("other: {other}"),
    }
}

/// Expected (class, attempts seen) of a read and of a write.
fn expected(fault: Fault) -> [(&'static str, usize); 2] {
    match fault {
        Fault::ConnectionRefused => [("Transport(not sent)", 0), ("Transport(not sent)", 0)],
        Fault::ResetBeforeResponse => {
            [("Transport(interrupted)", 3), ("Transport(interrupted)", 1)]
        }
        Fault::ResetMidBody => [("Transport(interrupted)", 3), ("Transport(interrupted)", 1)],
        Fault::Status(500) => [
            ("Service 500 InternalError", 3),
            ("Service 500 InternalError", 1),
        ],
        Fault::Status(502) => [
            ("Service 502 InternalError", 3),
            ("Service 502 InternalError", 1),
        ],
        Fault::Status(_) => [
            ("Service 503 InternalError", 3),
            ("Service 503 InternalError", 1),
        ],
        Fault::TooManyRequests { .. } => {
            [("Service 429 Throttling", 3), ("Service 429 Throttling", 1)]
        }
        Fault::Timeout => [("Transport(timed out)", 3), ("Transport(timed out)", 1)],
        Fault::HtmlErrorPage => [("Http 502", 3), ("Http 502", 1)],
        Fault::TruncatedJson => [("Decode", 1), ("Decode", 1)],
        Fault::WrongTypes => [("Decode", 1), ("Decode", 1)],
        Fault::OversizedBody => [("ResponseTooLarge", 1), ("ResponseTooLarge", 1)],
        Fault::Redirect307 => [("Redirect 307", 1), ("Redirect 307", 1)],
        Fault::Trickle => [("Transport(timed out)", 3), ("Transport(timed out)", 1)],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_matrix() {
    let faults = [
        Fault::ConnectionRefused,
        Fault::ResetBeforeResponse,
        Fault::ResetMidBody,
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(503),
        Fault::TooManyRequests { retry_after: None },
        Fault::TooManyRequests {
            retry_after: Some(1),
        },
        Fault::Timeout,
        Fault::HtmlErrorPage,
        Fault::TruncatedJson,
        Fault::WrongTypes,
        Fault::OversizedBody,
        Fault::Redirect307,
        Fault::Trickle,
    ];
    // Run every cell concurrently: each has its own server and client.
    let cells = faults.iter().flat_map(|&fault| {
        [false, true].map(|write| async move {
            let server = Server::start(fault).await;
            let result = call(&client(&server), write).await;
            (fault, write, class(&result), server.seen())
        })
    });
    let results = futures_util::future::join_all(cells).await;

    let mut table = String::from(
        "\n| fault | read: error | read: attempts seen | write: error | write: attempts seen |\n|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for pair in results.chunks(2) {
        let (fault, _, read_class, read_seen) = &pair[0];
        let (_, _, write_class, write_seen) = &pair[1];
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            fault.label(),
            read_class,
            read_seen.len(),
            write_class,
            write_seen.len()
        ));
        let [(er, nr), (ew, nw)] = expected(*fault);
        if (read_class.as_str(), read_seen.len()) != (er, nr) {
            failures.push(format!(
                "{} read: got {read_class} × {}, expected {er} × {nr}",
                fault.label(),
                read_seen.len()
            ));
        }
        if (write_class.as_str(), write_seen.len()) != (ew, nw) {
            failures.push(format!(
                "{} write: got {write_class} × {}, expected {ew} × {nw}",
                fault.label(),
                write_seen.len()
            ));
        }
        // Never a duplicated write, never a request to where a redirect pointed.
        assert!(
            write_seen.iter().filter(|s| s.method == "POST").count() <= 1,
            "{}: write sent twice",
            fault.label()
        );
        for seen in read_seen.iter().chain(write_seen) {
            assert!(
                !seen.path.starts_with("/elsewhere"),
                "{}: a redirect was followed",
                fault.label()
            );
        }
        // Retry-After: 1 is honoured between attempts (clamped to at most backoff + 5 s).
        if let Fault::TooManyRequests {
            retry_after: Some(_),
        } = fault
        {
            for gap in read_seen.windows(2) {
                let waited = gap[1].at - gap[0].at;
                assert!(
                    waited >= Duration::from_millis(950),
                    "Retry-After ignored: {waited:?}"
                );
            }
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}
