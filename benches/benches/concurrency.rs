//! 10,000 concurrent calls on one `Client`: how many succeed, calls per second, and the
//! client's peak memory per call in flight.
//!
//! The server runs in a child process (this binary, started again with `--serve`), so that the
//! memory measured is the client's alone. Two runs:
//! - *in flight*: the server answers after 1 s, so all 10,000 calls are open at once; the
//!   growth of the process's peak resident memory (`VmHWM` over the `VmRSS` before the run),
//!   divided by 10,000, is the memory per call in flight;
//! - *throughput*: the server answers at once; calls per second.
//!
//! Results are printed and written to `target/cds-bench/concurrency.json` for `benches/run`.

#![allow(missing_docs)]

use cds_benches::child::ServerProcess;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CALLS: usize = 10_000;

fn main() {
    cds_benches::child::serve_if_asked();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        println!("concurrency: benchmark");
        return;
    }
    let in_flight = run(1000);
    let throughput = run(0);
    let per_call = in_flight.memory_growth_bytes as f64 / CALLS as f64;
    println!(
        "in flight:  {}/{} ok in {:.2} s; peak memory growth {:.1} MB = {:.1} KB per call in flight",
        in_flight.ok,
        CALLS,
        in_flight.seconds,
        in_flight.memory_growth_bytes as f64 / 1e6,
        per_call / 1024.0
    );
    println!(
        "throughput: {}/{} ok in {:.2} s = {:.0} calls/s",
        throughput.ok,
        CALLS,
        throughput.seconds,
        CALLS as f64 / throughput.seconds
    );
    let json = serde_json::json!({
        "calls": CALLS,
        "in_flight_ok": in_flight.ok,
        "in_flight_seconds": in_flight.seconds,
        "bytes_per_call_in_flight": per_call,
        "throughput_ok": throughput.ok,
        "calls_per_second": CALLS as f64 / throughput.seconds,
    });
    if let Some(dir) = report_dir() {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("concurrency.json"), json.to_string());
    }
}

/// What one run of `CALLS` concurrent calls measured.
struct Run {
    ok: usize,
    seconds: f64,
    memory_growth_bytes: u64,
}

fn run(delay_ms: u64) -> Run {
    let server = ServerProcess::start("account", Duration::from_millis(delay_ms));
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async {
        let config = cds_core::Config::builder()
            .credentials(cds_core::Credentials::new("AKID", "secret"))
            .endpoint(format!("http://{addr}"))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("config");
        let client = Arc::new(cds_billing::Client::new(&config));
        client
            .describe_account_info()
            .send()
            .await
            .expect("warm-up call");
        let before = status_kb("VmRSS:");
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..CALLS {
            let client = Arc::clone(&client);
            tasks.spawn(async move { client.describe_account_info().send().await.is_ok() });
        }
        let mut ok = 0;
        while let Some(done) = tasks.join_next().await {
            ok += usize::from(done.unwrap_or(false));
        }
        let seconds = started.elapsed().as_secs_f64();
        let peak = status_kb("VmHWM:");
        Run {
            ok,
            seconds,
            memory_growth_bytes: peak.saturating_sub(before) * 1024,
        }
    });
    drop(server);
    result
}

/// A `/proc/self/status` figure in kB (Linux); 0 elsewhere.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix(field)
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// `target/cds-bench`, found from this binary's path (`target/release/deps/…`).
fn report_dir() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("cds-bench"))
}
