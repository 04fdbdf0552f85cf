//! Whole calls through the SDK against raw `reqwest` (GET, then the body into a
//! `serde_json::Value`) on one loopback server that answers a fixed body: a small read
//! (`DescribeAccountInfo`) on a current-thread and on a multi-thread runtime, and a
//! 500-instance `DescribeInstances`.
//!
//! The SDK's call does everything a real one does: input check, signed query with a fresh
//! nonce and timestamp, retry set-up, envelope check, typed decoding.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use criterion::{criterion_group, criterion_main, Criterion};
use std::net::SocketAddr;
use tokio::runtime::{Builder, Runtime};

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

fn runtimes() -> [(&'static str, Runtime); 2] {
    let current = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let multi = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    [("current_thread", current), ("multi_thread", multi)]
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

fn small_read(c: &mut Criterion) {
    let addr = cds_benches::server::start(cds_benches::bodies::describe_account_info(), 1);
    let url = format!("http://{addr}/?Action=DescribeAccountInfo");
    for (flavour, runtime) in runtimes() {
        let mut group = c.benchmark_group(format!("small_read_{flavour}"));
        let sdk = runtime.block_on(async { cds_billing::Client::new(&config(addr)) });
        let http = runtime.block_on(async { reqwest::Client::new() });
        group.bench_function("sdk", |b| {
            b.to_async(&runtime).iter(|| async {
                sdk.describe_account_info()
                    .send()
                    .await
                    .expect("the call succeeds")
            })
        });
        group.bench_function("raw_reqwest", |b| {
            b.to_async(&runtime).iter(|| raw_get(&http, &url))
        });
        group.finish();
    }
}

fn large_read(c: &mut Criterion) {
    let addr = cds_benches::server::start(cds_benches::bodies::describe_instances(500), 1);
    let url = format!("http://{addr}/?Action=DescribeInstances");
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sdk = runtime.block_on(async { cds_ccs::Client::new(&config(addr)) });
    let http = runtime.block_on(async { reqwest::Client::new() });
    let mut group = c.benchmark_group("describe_500_instances");
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async {
            sdk.describe_instances()
                .send()
                .await
                .expect("the call succeeds")
        })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime).iter(|| raw_get(&http, &url))
    });
    group.finish();
}

criterion_group!(benches, small_read, large_read);
criterion_main!(benches);
