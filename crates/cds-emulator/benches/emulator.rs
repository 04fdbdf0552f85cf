//! Timings against the speed goals (no harness; run with `cargo bench -p cds-emulator`):
//! cold start to the first answered request (the binary, when built with
//! `cargo build --release -p cds-emulator --features cli`, and the library in-process),
//! reset, and save/load of 10,000 resources.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One HTTP request over a fresh connection; true when an HTTP answer came back.
fn answered(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(50)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req = "GET /api/v1/cluster/describe_all HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.1")
}

fn binary_cold_start() {
    let exe =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/cds-emulator");
    if !exe.exists() {
        println!("binary cold start: skipped (build it: cargo build --release -p cds-emulator --features cli)");
        return;
    }
    let mut times = Vec::new();
    for i in 0..10u16 {
        let port = 38_000 + i;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        let mut child = std::process::Command::new(&exe)
            .args(["--addr", &addr.to_string()])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts");
        while !answered(addr) {
            if started.elapsed() > Duration::from_secs(5) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        times.push(started.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    println!(
        "binary cold start to first answered request: median {:?} (max {:?}; goal < 50 ms)",
        median(times.clone()),
        times.iter().max().unwrap()
    );
}

fn main() {
    binary_cold_start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let lines = cds_lines::all();
        // In-process: the first start reads the lines' models (once per process).
        let started = Instant::now();
        let emu = cds_emulator::Emulator::builder(&lines).start().await.unwrap();
        let addr = emu.addr();
        let first = tokio::task::spawn_blocking(move || answered(addr)).await.unwrap();
        println!("library start to first answered request (in-process, first): {:?} (answered: {first})", started.elapsed());

        // 10,000 resources shaped like the ccs example instance.
        let template: serde_json::Value = serde_json::from_str(
            cds_ccs::meta::LINE.examples.iter().find(|(n, _)| *n == "DescribeInstances").unwrap().1,
        )
        .unwrap();
        let record = template["Data"]["Instances"][0].clone();
        let fill = |emu: &cds_emulator::Emulator| {
            for i in 0..10_000 {
                let mut r = record.clone();
                r["InstanceId"] = serde_json::json!(format!("id-{i}"));
                emu.insert_resource(if i % 2 == 0 { "" } else { "t" }, "ccs/instance", r);
            }
        };
        let mut resets = Vec::new();
        for _ in 0..5 {
            fill(&emu);
            let t = Instant::now();
            emu.reset_resources();
            resets.push(t.elapsed());
        }
        println!("reset of 10,000 resources: median {:?} (goal < 5 ms)", median(resets));

        fill(&emu);
        let dir = std::env::temp_dir().join(format!("cds-emulator-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let (mut saves, mut loads) = (Vec::new(), Vec::new());
        let other = cds_emulator::Emulator::builder(&lines).start().await.unwrap();
        for _ in 0..5 {
            let t = Instant::now();
            emu.save_state(&path).unwrap();
            saves.push(t.elapsed());
            let t = Instant::now();
            other.load_state(&path).unwrap();
            loads.push(t.elapsed());
            assert_eq!(other.resource_count(), 10_000);
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "save of 10,000 resources ({:.1} MB): median {:?}; load: median {:?} (goal < 100 ms each)",
            size as f64 / 1e6,
            median(saves),
            median(loads)
        );
        // The disk's share: writing and syncing the same bytes without the emulator.
        let bytes = std::fs::read(&path).unwrap();
        let raw = dir.join("raw.json");
        let mut disk = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let mut f = std::fs::File::create(&raw).unwrap();
            f.write_all(&bytes).unwrap();
            f.sync_all().unwrap();
            disk.push(t.elapsed());
        }
        println!("  of which the disk (write + fsync of the same bytes): median {:?}", median(disk));
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
