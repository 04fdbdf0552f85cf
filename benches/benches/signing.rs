//! Signing a typical 10-parameter GET (7 common parameters + 3 of the action): the whole
//! signed query as the client builds it (its key schedule cached), against the floor of
//! HMAC-SHA1 + base64 of the same string to sign, computed here with the `hmac`/`sha1`/`base64`
//! crates directly, both from the secret text (the floor as issue 11 measured it) and with
//! the key schedule cached (stricter).

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::hint::black_box;

const PARAMS: [(&str, &str); 10] = [
    ("Action", "DescribeInstances"),
    ("AccessKeyId", "3a8f2c1e9b7d4e6fa0c5b2d8e1f47a93"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
    ("SignatureVersion", "1.0"),
    ("Timestamp", "2026-11-23T10:00:00Z"),
    ("Version", "2019-08-08"),
    ("VdcId", "a4f2b8c0-1d3e-4f5a-9b7c-2e6d8f0a1b3c"),
    ("PageNumber", "1"),
    ("PageSize", "50"),
];
const SECRET: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

fn bench(c: &mut Criterion) {
    // What the client does per request: the key schedule is cached in the credentials.
    let signer = cds_core::sign::Signer::new(SECRET);
    c.bench_function("sign_get_10_params", |b| {
        b.iter(|| signer.signed_query("GET", black_box(&PARAMS)))
    });
    // The same from the secret text (key schedule computed each time).
    c.bench_function("sign_get_10_params_cold_key", |b| {
        b.iter(|| cds_core::sign::signed_query("GET", black_box(&PARAMS), black_box(SECRET)))
    });
    c.bench_function("string_to_sign_plus_signature", |b| {
        b.iter(|| {
            let sts = cds_core::sign::string_to_sign("GET", black_box(&PARAMS));
            cds_core::sign::signature(black_box(SECRET), &sts)
        })
    });
    c.bench_function("string_to_sign_only", |b| {
        b.iter(|| cds_core::sign::string_to_sign("GET", black_box(&PARAMS)))
    });
    c.bench_function("canonical_query_only", |b| {
        b.iter(|| cds_core::sign::canonical_query(black_box(&PARAMS)))
    });
    let sts = cds_core::sign::string_to_sign("GET", &PARAMS);
    let keyed = Hmac::<Sha1>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    // The floor as the benchmark on `main` measured it when issue 11 was filed: HMAC keyed
    // from the secret text (key schedule included), then base64.
    c.bench_function("hmac_sha1_base64_floor_from_secret", |b| {
        b.iter(|| {
            let mut mac =
                Hmac::<Sha1>::new_from_slice(black_box(SECRET).as_bytes()).expect("any key length");
            mac.update(black_box(sts.as_bytes()));
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
    });
    // The stricter floor: the key schedule computed once, as the client keeps it.
    c.bench_function("hmac_sha1_base64_floor", |b| {
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(sts.as_bytes()));
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
