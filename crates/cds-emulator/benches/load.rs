//! Load (no harness, like `emulator.rs`; `cargo bench -p cds-emulator --bench load`, or
//! `LOAD_SECS=N` for longer runs):
//! - mixed reads and writes from 64 concurrent clients (9 DescribeVdc : 1 CreateVdc, signed
//!   as the SDK signs), as a ratio to a bare hyper handler answering a fixed body, measured in
//!   the same run with the same client (goal >= 0.5x);
//! - with 100,000 resources, the median time of a DescribeInstances page (goal < 2 ms).

use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A bare hyper server answering every request with the same small JSON body.
async fn bare_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(hyper::Response::new(
                        http_body_util::Full::new(Bytes::from_static(
                            br#"{"Code":"Success","Message":"ok","RequestId":"r","Data":[]}"#,
                        )),
                    ))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// A signed RPC query for `action` with `params`.
fn signed(action: &str, params: &[(&str, &str)], nonce: u64) -> String {
    let ts = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap();
    // Every request a nonce of its own (a nonce may be used once).
    static NONCES: AtomicU64 = AtomicU64::new(0);
    let nonce = format!("load-{nonce}-{}", NONCES.fetch_add(1, Ordering::Relaxed));
    let mut all: Vec<(&str, &str)> = vec![
        ("Action", action),
        ("AccessKeyId", cds_emulator::ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", &nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", &ts),
        ("Version", "2019-08-08"),
    ];
    all.extend_from_slice(params);
    cds_core::sign::signed_query("POST", &all, cds_emulator::ACCESS_KEY_SECRET)
}

/// Requests per second from `CLIENTS` clients for `secs`; `request(i)` gives the URL and body
/// of request `i`.
async fn throughput(
    secs: f64,
    request: Arc<dyn Fn(u64) -> (String, String) + Send + Sync>,
) -> (f64, u64) {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let counter = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (done, failed, counter, request) = (
            done.clone(),
            failed.clone(),
            counter.clone(),
            request.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            while Instant::now() < until {
                let (url, body) = request(counter.fetch_add(1, Ordering::Relaxed));
                let ok = match http.post(url).body(body).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (
        done.load(Ordering::Relaxed) as f64 / secs,
        failed.load(Ordering::Relaxed),
    )
}

fn main() {
    let secs: f64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let lines = [&cds_network::meta::LINE, &cds_ccs::meta::LINE];
        let emu = cds_emulator::Emulator::builder(&lines)
            .request_log(0)
            .start()
            .await
            .unwrap();
        let bare = bare_server().await;
        let base = emu.base_url();
        let mixed: Arc<dyn Fn(u64) -> (String, String) + Send + Sync> = Arc::new(move |i| {
            if i % 10 == 0 {
                let name = format!("v{i}");
                (
                    format!("{base}/network?{}", signed("CreateVdc", &[], i)),
                    format!(r#"{{"RegionId":"CN_Beijing_A","VdcName":"{name}"}}"#),
                )
            } else {
                (
                    format!(
                        "{base}/network?{}",
                        signed("DescribeVdc", &[("PageSize", "10")], i)
                    ),
                    String::new(),
                )
            }
        });
        let fixed: Arc<dyn Fn(u64) -> (String, String) + Send + Sync> = Arc::new(move |i| {
            (
                format!("http://{bare}/network?{}", signed("DescribeVdc", &[], i)),
                String::new(),
            )
        });
        // Warm up both, then measure each.
        let _ = throughput(0.3, mixed.clone()).await;
        let _ = throughput(0.3, fixed.clone()).await;
        let (bare_rps, _) = throughput(secs, fixed).await;
        let (emu_rps, failed) = throughput(secs, mixed).await;
        println!(
            "mixed load, {CLIENTS} clients, {secs} s each: emulator {emu_rps:.0} req/s ({failed} failed), bare hyper handler {bare_rps:.0} req/s: ratio {:.2} (goal >= 0.5)",
            emu_rps / bare_rps
        );

        // 100,000 instances, one tenant; a DescribeInstances page.
        let template: serde_json::Value = serde_json::from_str(
            cds_ccs::meta::LINE
                .examples
                .iter()
                .find(|(n, _)| *n == "DescribeInstances")
                .unwrap()
                .1,
        )
        .unwrap();
        let record = template["Data"]["Instances"][0].clone();
        for i in 0..100_000 {
            let mut r = record.clone();
            r["InstanceId"] = serde_json::json!(format!("id-{i}"));
            emu.insert_resource("", "ccs/instance", r);
        }
        let http = reqwest::Client::new();
        let mut times = Vec::new();
        for i in 0..60u64 {
            let page = (1 + i % 50).to_string();
            let url = format!(
                "{}/ccs?{}",
                emu.base_url(),
                signed(
                    "DescribeInstances",
                    &[],
                    1_000_000 + i
                )
            );
            let body = format!(r#"{{"PageNumber":{page},"PageSize":20}}"#);
            let t = Instant::now();
            let r = http.post(url).body(body).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            let _ = r.bytes().await.unwrap();
            if i >= 10 {
                times.push(t.elapsed());
            }
        }
        println!(
            "DescribeInstances page of 20 with 100,000 instances: median {:?} (goal < 2 ms)",
            median(times)
        );
    });
}
