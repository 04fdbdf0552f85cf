//! The SDK's own work per call, without I/O: preparing a small read (input check, fresh nonce
//! and timestamp, signed query, URL) and decoding its answer (envelope and typed output in one
//! pass), each alone and together. A loopback round trip costs hundreds of microseconds on
//! these machines and hides this work; here it is measured alone.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use cds_billing::operation::describe_account_info::DescribeAccountInfoOutput;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let config = cds_core::Config::builder()
        .credentials(cds_core::Credentials::new(
            "3a8f2c1e9b7d4e6fa0c5b2d8e1f47a93",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ))
        .endpoint("http://127.0.0.1:8080")
        .build()
        .expect("config");
    let client = cds_core::ServiceClient::new(&config, &cds_billing::meta::SERVICE);
    let op = &cds_billing::meta::DESCRIBE_ACCOUNT_INFO;
    let input = serde_json::json!({});
    let body = cds_benches::bodies::describe_account_info();
    let envelope = &cds_billing::meta::SERVICE.envelope;
    let decode = |body: &[u8]| {
        envelope
            .decode_typed::<DescribeAccountInfoOutput>("DescribeAccountInfo", 200, None, body, &[])
            .expect("decodes")
    };
    let mut group = c.benchmark_group("pipeline_small_read");
    group.bench_function("prepare", |b| {
        b.iter(|| client.prepare(op, black_box(&input)).expect("prepared"))
    });
    group.bench_function("decode", |b| b.iter(|| decode(black_box(&body))));
    // What the raw reqwest baseline of the `call` benchmark does with the same body.
    group.bench_function("raw_value_decode", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("JSON"))
    });
    group.bench_function("prepare_and_decode", |b| {
        b.iter(|| {
            let request = client.prepare(op, black_box(&input)).expect("prepared");
            (request, decode(black_box(&body)))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
