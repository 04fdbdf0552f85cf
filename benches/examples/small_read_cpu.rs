//! The diagnostic behind the `cpu_small_read_*` rows of the `call` benchmark: client CPU per
//! small read, SDK against raw reqwest, over many calls in interleaved rounds (so that both
//! sides see the same machine), with what explains a difference: user and system time,
//! context switches and allocations per call.
//!
//! ```text
//! cargo run --release -p cds-benches --example small_read_cpu -- \
//!     <current_thread|multi_thread> [calls per round] [rounds] [sdk|raw|both] [short|signed|signing|hyper]
//! ```
//!
//! `signed` makes the raw side request the SDK's signed URL (about 300 characters instead
//! of 45), which reqwest parses three times per request: the part of the difference that any
//! client of this API pays. `signing` makes the raw side sign every request itself, as a
//! hand-written client over reqwest would (a fresh timestamp and nonce, `cds_core::sign::Signer`
//! with its key schedule kept, the query appended to the endpoint): the least any client of
//! this API does, so SDK / signing is what the SDK's own glue (required-field checks, retry
//! loop, timers, tracing span, typed decoding) costs over reqwest; `hyper` does the same signing
//! with hyper-util's pooled client (the SDK's own transport), so SDK / hyper is the glue's
//! cost over the transport the SDK actually uses. Pin the processes to compare without scheduler placement:
//! `taskset -c 0 …` (client and server on one CPU), or `CDS_BENCH_SERVER_CPUS=1 taskset -c 0 …`
//! (one CPU each). The process also counts under `strace -f -c` and `valgrind --tool=callgrind`
//! (the server child runs natively).

use cds_benches::child::ServerProcess;
use std::time::{Duration, Instant};
use tokio::runtime::Builder;

#[global_allocator]
static GLOBAL: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

/// Allocations (reallocations included) and bytes allocated so far.
fn allocations() -> (usize, usize) {
    let stats = GLOBAL.stats();
    (
        stats.allocations + stats.reallocations,
        stats.bytes_allocated,
    )
}

/// Voluntary and involuntary context switches of all this process's threads.
fn switches() -> (u64, u64) {
    let mut total = (0, 0);
    let tasks = std::fs::read_dir("/proc/self/task").into_iter().flatten();
    for task in tasks.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let number = |line: &str| {
            line.split_whitespace()
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        };
        for line in status.lines() {
            if line.starts_with("voluntary_ctxt_switches") {
                total.0 += number(line);
            } else if line.starts_with("nonvoluntary_ctxt_switches") {
                total.1 += number(line);
            }
        }
    }
    total
}

/// User and system CPU time of this process in seconds (`/proc/self/stat`, 10 ms ticks).
fn user_system() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    };
    (ticks(11), ticks(12))
}

/// What one side spent over its rounds.
#[derive(Default)]
struct Spent {
    cpu: f64,
    wall: f64,
    user: f64,
    system: f64,
    switches: (u64, u64),
}

impl Spent {
    fn measure(&mut self, round: impl FnOnce()) {
        let (cpu, wall, us, sw) = (
            cpu_time::ProcessTime::now(),
            Instant::now(),
            user_system(),
            switches(),
        );
        round();
        self.cpu += cpu.elapsed().as_secs_f64();
        self.wall += wall.elapsed().as_secs_f64();
        let (us_after, sw_after) = (user_system(), switches());
        self.user += us_after.0 - us.0;
        self.system += us_after.1 - us.1;
        self.switches.0 += sw_after.0 - sw.0;
        self.switches.1 += sw_after.1 - sw.1;
    }
}

/// A hand-written client's signing: the SDK's signed URL taken apart once, then each request
/// signed afresh (new timestamp and nonce) with a kept `Signer`.
struct HandSigned {
    /// The URL up to and including `?`.
    base: String,
    /// The query's parameters other than the signature, timestamp and nonce.
    fixed: Vec<(String, String)>,
    signer: cds_core::sign::Signer,
}

impl HandSigned {
    fn new(signed_url: &str) -> Self {
        let (base, query) = signed_url.split_once('?').expect("a query");
        let fixed = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .filter(|(name, _)| !matches!(*name, "Signature" | "Timestamp" | "SignatureNonce"))
            .map(|(name, value)| {
                assert!(!value.contains('%'), "{name}: an escaped value");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        HandSigned {
            base: format!("{base}?"),
            fixed,
            signer: cds_core::sign::Signer::new(SECRET),
        }
    }

    fn url(&self) -> String {
        let timestamp = cds_core::sign::current_timestamp();
        let nonce = cds_core::sign::nonce();
        let mut params: Vec<(&str, &str)> = self
            .fixed
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        params.push(("Timestamp", &timestamp));
        params.push(("SignatureNonce", &nonce));
        let query = self.signer.signed_query("GET", &params);
        let mut url = String::with_capacity(self.base.len() + query.len());
        url.push_str(&self.base);
        url.push_str(&query);
        url
    }
}

/// hyper-util's pooled client over plain TCP, as the SDK's transport is built.
type HyperClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Empty<bytes::Bytes>,
>;

/// GET `url` with raw reqwest; the whole body.
async fn reqwest_get(http: &reqwest::Client, url: impl reqwest::IntoUrl) -> bytes::Bytes {
    let response = http.get(url).send().await.expect("answer");
    response.bytes().await.expect("body")
}

/// GET `url` with hyper-util's client; the whole body.
async fn hyper_get(client: &HyperClient, url: String) -> bytes::Bytes {
    use http_body_util::BodyExt;
    let uri: hyper::Uri = url.parse().expect("uri");
    let request = hyper::Request::get(uri)
        .body(http_body_util::Empty::new())
        .expect("request");
    let response = client.request(request).await.expect("answer");
    let body = response.into_body().collect().await.expect("body");
    body.to_bytes()
}

/// The benchmark's secret key (a loopback server, no real account).
const SECRET: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

fn main() {
    cds_benches::child::serve_if_asked();
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let flavour = arg(1, "current_thread");
    let calls: u32 = arg(2, "5000").parse().unwrap_or(5000);
    let rounds: u32 = arg(3, "5").parse().unwrap_or(5);
    let sides = arg(4, "both");
    let raw_url = arg(5, "short");
    let server = ServerProcess::start("account", Duration::ZERO);
    let runtime = if flavour == "current_thread" {
        Builder::new_current_thread().enable_all().build()
    } else {
        Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    }
    .expect("runtime");
    let config = cds_core::Config::builder()
        .credentials(cds_core::Credentials::new(
            "3a8f2c1e9b7d4e6fa0c5b2d8e1f47a93",
            SECRET,
        ))
        .endpoint(format!("http://{}", server.addr))
        .build()
        .expect("config");
    let sdk = runtime.block_on(async { cds_billing::Client::new(&config) });
    let http = runtime.block_on(async { reqwest::Client::new() });
    let url = if raw_url == "signed" || raw_url == "signing" || raw_url == "hyper" {
        let prepared = sdk.describe_account_info().prepare().expect("prepared");
        prepared.url.clone()
    } else {
        format!("http://{}/?Action=DescribeAccountInfo", server.addr)
    };
    let signing = (raw_url == "signing" || raw_url == "hyper").then(|| HandSigned::new(&url));
    let hyper_client: HyperClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let sdk_round = |n: u32| {
        runtime.block_on(async {
            for _ in 0..n {
                sdk.describe_account_info().send().await.expect("ok");
            }
        })
    };
    let raw_round = |n: u32| {
        runtime.block_on(async {
            for _ in 0..n {
                let bytes = match &signing {
                    Some(signing) if raw_url == "hyper" => {
                        hyper_get(&hyper_client, signing.url()).await
                    }
                    Some(signing) => reqwest_get(&http, signing.url()).await,
                    None => reqwest_get(&http, &url).await,
                };
                let _: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            }
        })
    };
    sdk_round(500);
    raw_round(500);
    let before = allocations();
    sdk_round(1000);
    let between = allocations();
    raw_round(1000);
    let after = allocations();
    let (mut sdk_spent, mut raw_spent) = (Spent::default(), Spent::default());
    // Each round measures both sides back to back (alternating which goes first), so that
    // a round's ratio compares the two under the same machine state.
    let mut round_ratios = Vec::new();
    for round in 0..rounds {
        let (sdk_before, raw_before) = (sdk_spent.cpu, raw_spent.cpu);
        let sdk_first = round % 2 == 0;
        for side in [sdk_first, !sdk_first] {
            if side && sides != "raw" {
                sdk_spent.measure(|| sdk_round(calls));
            } else if !side && sides != "sdk" {
                raw_spent.measure(|| raw_round(calls));
            }
        }
        let raw_cpu = raw_spent.cpu - raw_before;
        if raw_cpu > 0.0 {
            round_ratios.push((sdk_spent.cpu - sdk_before) / raw_cpu);
        }
    }
    round_ratios.sort_by(f64::total_cmp);
    let n = f64::from(calls * rounds);
    let us = |seconds: f64| seconds / n * 1e6;
    println!(
        "{flavour} (raw URL {raw_url}): sdk cpu {:.1} µs wall {:.1} µs | raw cpu {:.1} µs wall {:.1} µs | cpu ratio {:.3} wall ratio {:.3}",
        us(sdk_spent.cpu),
        us(sdk_spent.wall),
        us(raw_spent.cpu),
        us(raw_spent.wall),
        sdk_spent.cpu / raw_spent.cpu,
        sdk_spent.wall / raw_spent.wall
    );
    println!(
        "  user/system per call: sdk {:.1}/{:.1} µs | raw {:.1}/{:.1} µs",
        us(sdk_spent.user),
        us(sdk_spent.system),
        us(raw_spent.user),
        us(raw_spent.system)
    );
    let per_call = |count: u64| count as f64 / n;
    println!(
        "  context switches per call (voluntary/involuntary): sdk {:.2}/{:.2} | raw {:.2}/{:.2}",
        per_call(sdk_spent.switches.0),
        per_call(sdk_spent.switches.1),
        per_call(raw_spent.switches.0),
        per_call(raw_spent.switches.1)
    );
    if let Some(median) = round_ratios.get(round_ratios.len() / 2) {
        println!(
            "  cpu ratio per round: median {median:.3}, lowest {:.3}, highest {:.3} ({} rounds)",
            round_ratios[0],
            round_ratios[round_ratios.len() - 1],
            round_ratios.len()
        );
    }
    println!(
        "  allocations per call: sdk {} ({} bytes) | raw {} ({} bytes)",
        (between.0 - before.0) / 1000,
        (between.1 - before.1) / 1000,
        (after.0 - between.0) / 1000,
        (after.1 - between.1) / 1000
    );
}
