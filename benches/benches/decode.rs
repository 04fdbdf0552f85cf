//! Decoding a 500-instance `DescribeInstances` answer (about 300 KB): the SDK's path (the typed
//! output straight from the bytes, envelope read on the way) against building a
//! `serde_json::Value`, a plain typed `serde_json::from_slice`, and the former two-step path
//! (bytes → `Value` → typed).

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use cds_ccs::operation::describe_instances::DescribeInstancesOutput;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize as _;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let body = cds_benches::bodies::describe_instances(500);
    let envelope = &cds_ccs::meta::SERVICE.envelope;
    let mut group = c.benchmark_group("decode_500_instances");
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("JSON"))
    });
    group.bench_function("sdk", |b| {
        b.iter(|| {
            envelope
                .decode_typed::<DescribeInstancesOutput>(
                    "DescribeInstances",
                    200,
                    None,
                    black_box(&body),
                    &[],
                )
                .expect("decodes")
        })
    });
    group.bench_function("typed_from_slice", |b| {
        b.iter(|| {
            serde_json::from_slice::<DescribeInstancesOutput>(black_box(&body)).expect("decodes")
        })
    });
    group.bench_function("value_then_typed", |b| {
        b.iter(|| {
            let value: serde_json::Value = serde_json::from_slice(black_box(&body)).expect("JSON");
            DescribeInstancesOutput::deserialize(&value).expect("decodes")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
