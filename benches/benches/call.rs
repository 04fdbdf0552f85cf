//! Whole calls through the SDK against raw `reqwest` (GET, then the body into a
//! `serde_json::Value`) on one loopback server (a child process answering a fixed body): a
//! small read (`DescribeAccountInfo`) on a current-thread and on a multi-thread runtime, and a
//! 500-instance `DescribeInstances`. The small read's raw side is measured twice: with a bare
//! URL (`/?Action=DescribeAccountInfo`), and with the SDK's signed URL.
//!
//! The SDK's call does everything a real one does: input check, signed query with a fresh
//! nonce and timestamp, retry set-up, envelope check, typed decoding. Each pair is measured
//! twice: in wall-clock time, and in this process's CPU time (`cpu_*` groups), which is the
//! client's own work alone (the server runs in another process): on a virtual machine whose
//! loopback round trip is hundreds of microseconds, wall-clock ratios hide the client's cost.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use cds_benches::child::ServerProcess;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};

/// This process's CPU time (all threads) as a criterion measurement.
struct ProcessCpu(WallTime);

impl Measurement for ProcessCpu {
    type Intermediate = cpu_time::ProcessTime;
    type Value = Duration;
    fn start(&self) -> Self::Intermediate {
        cpu_time::ProcessTime::now()
    }
    fn end(&self, started: Self::Intermediate) -> Self::Value {
        started.elapsed()
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.0.formatter()
    }
}

fn config(addr: SocketAddr) -> cds_core::Config {
    cds_core::Config::builder()
        .credentials(cds_core::Credentials::new(
            "3a8f2c1e9b7d4e6fa0c5b2d8e1f47a93",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ))
        .endpoint(format!("http://{addr}"))
        .build()
        .expect("config")
}

fn runtime(flavour: &str) -> Runtime {
    let mut builder = if flavour == "current_thread" {
        Builder::new_current_thread()
    } else {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(2);
        b
    };
    builder.enable_all().build().expect("runtime")
}

async fn raw_get(http: &reqwest::Client, url: &str) -> serde_json::Value {
    let bytes = http
        .get(url)
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// Benchmarks the SDK call and the raw call as `<prefix><name>/{sdk,raw_reqwest}`.
fn pair<M: Measurement>(
    c: &mut Criterion<M>,
    prefix: &str,
    name: &str,
    flavour: &str,
    server: &ServerProcess,
) {
    let runtime = runtime(flavour);
    let addr = server.addr;
    let http = runtime.block_on(async { reqwest::Client::new() });
    let mut group = c.benchmark_group(format!("{prefix}{name}"));
    if name.starts_with("small_read") {
        let sdk = runtime.block_on(async { cds_billing::Client::new(&config(addr)) });
        group.bench_function("sdk", |b| {
            b.to_async(&runtime)
                .iter(|| async { sdk.describe_account_info().send().await.expect("ok") })
        });
        let url = format!("http://{addr}/?Action=DescribeAccountInfo");
        group.bench_function("raw_reqwest", |b| {
            b.to_async(&runtime).iter(|| raw_get(&http, &url))
        });
        // The same raw call with the SDK's signed URL (about 300 characters, which reqwest
        // parses three times per request): the cost any client of this API pays.
        let signed = sdk.describe_account_info().prepare().expect("prepared").url;
        group.bench_function("raw_reqwest_signed_url", |b| {
            b.to_async(&runtime).iter(|| raw_get(&http, &signed))
        });
    } else {
        let sdk = runtime.block_on(async { cds_ccs::Client::new(&config(addr)) });
        group.bench_function("sdk", |b| {
            b.to_async(&runtime)
                .iter(|| async { sdk.describe_instances().send().await.expect("ok") })
        });
        let url = format!("http://{addr}/?Action=DescribeInstances");
        group.bench_function("raw_reqwest", |b| {
            b.to_async(&runtime).iter(|| raw_get(&http, &url))
        });
    }
    group.finish();
}

fn all<M: Measurement>(c: &mut Criterion<M>, prefix: &str) {
    let small = ServerProcess::start("account", Duration::ZERO);
    pair(
        c,
        prefix,
        "small_read_current_thread",
        "current_thread",
        &small,
    );
    pair(c, prefix, "small_read_multi_thread", "multi_thread", &small);
    drop(small);
    let large = ServerProcess::start("instances", Duration::ZERO);
    pair(c, prefix, "describe_500_instances", "multi_thread", &large);
}

fn main() {
    cds_benches::child::serve_if_asked();
    let mut wall = Criterion::default().configure_from_args();
    all(&mut wall, "");
    let mut cpu = Criterion::default()
        .with_measurement(ProcessCpu(WallTime))
        .configure_from_args();
    all(&mut cpu, "cpu_");
    wall.final_summary();
}
