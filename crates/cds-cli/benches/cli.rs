//! `cds` as a user runs it: the release binary started per command, as a shell starts it.
//! `cds --help`, an operation's help, and a full signed call against the in-process emulator.
//! `benches/run` shows the means against the goals of issue 22 (help < 15 ms, call < 30 ms).
#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use cds_core::operation::LineDescription;
use cds_emulator::{Emulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use criterion::{criterion_group, criterion_main, Criterion};
use std::process::{Command, Stdio};

fn cds(args: &[&str], endpoint: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_cds"))
        .args(args)
        .env("CDS_SECRET_ID", ACCESS_KEY_ID)
        .env("CDS_SECRET_KEY", ACCESS_KEY_SECRET)
        .env("CDS_ENDPOINT", endpoint)
        .env("CDS_CONFIG_FILE", "/nonexistent/cds-bench.toml")
        .env_remove("CDS_PROFILE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("cds runs");
    assert!(status.success(), "cds {args:?}");
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let lines: Vec<&'static LineDescription> = cds_lines::ALL.to_vec();
    let emulator = runtime.block_on(Emulator::start(&lines)).expect("emulator");
    let url = emulator.base_url();
    let mut group = c.benchmark_group("cli");
    group.bench_function("help", |b| b.iter(|| cds(&["--help"], &url)));
    group.bench_function("operation_help", |b| {
        b.iter(|| cds(&["ccs", "describe-instances", "--help"], &url))
    });
    group.bench_function("call", |b| {
        b.iter(|| cds(&["ccs", "describe-task", "--task-id", "t-1"], &url))
    });
    group.bench_function("dry_run", |b| {
        b.iter(|| {
            cds(
                &["ccs", "describe-task", "--task-id", "t-1", "--dry-run"],
                &url,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
