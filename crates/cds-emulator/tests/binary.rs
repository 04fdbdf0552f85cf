//! The `cds-emulator` binary (`--features cli`): its state file keeps every acknowledged
//! write through kill -9 and SIGTERM, and an unwritable state file is refused at start.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running binary and the address it serves.
struct Server {
    child: Child,
    url: String,
}

fn spawn(state: &Path, seed: u64) -> Server {
    let seed = seed.to_string();
    spawn_with(&[
        "--seed".as_ref(),
        seed.as_ref(),
        "--state".as_ref(),
        state.as_os_str(),
    ])
}

fn spawn_with(args: &[&std::ffi::OsStr]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cds-emulator"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--lines",
            "network",
            "--latency",
            "0",
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the binary says where it serves")
            .unwrap();
        if let Some(at) = line
            .split(" at ")
            .nth(1)
            .filter(|_| line.contains("serving"))
        {
            break at.trim().to_string();
        }
    };
    // Keep reading stdout so the binary never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url }
}

fn client(url: &str) -> cds_network::Client {
    let config = cds_core::Config::builder()
        .endpoint(url)
        .credentials(cds_core::Credentials::new(
            cds_emulator::ACCESS_KEY_ID,
            cds_emulator::ACCESS_KEY_SECRET,
        ))
        .timeout(Duration::from_secs(10))
        // One attempt: a write is acknowledged only by its own answer.
        .retry(cds_core::RetryConfig::new().max_attempts(1))
        .build()
        .unwrap();
    cds_network::Client::new(&config)
}

/// The VDC names the server holds (its tasks finished by the listing itself).
async fn names(url: &str) -> std::collections::HashSet<String> {
    let net = client(url);
    // The first request finishes the tasks restored from the state file; the second sees them.
    let _ = net.describe_vdc().page_size(1).send().await.unwrap();
    let out = net
        .describe_vdc()
        .page_size(100_000)
        .page_number(1)
        .send()
        .await
        .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    v["Data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["VdcName"].as_str().map(str::to_string))
        .collect()
}

/// Creates VDCs from `writers` concurrent clients until `stop`; returns the acknowledged names.
async fn write(url: &str, round: usize, writers: usize, stop: Arc<AtomicBool>) -> Vec<String> {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let net = client(url);
        let (acked, stop) = (acked.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let name = format!("r{round}-w{w}-{i}");
                i += 1;
                let sent = net
                    .create_vdc()
                    .region_id("CN_Beijing_A")
                    .vdc_name(name.clone())
                    .send()
                    .await;
                match sent {
                    Ok(_) => acked.lock().unwrap().push(name),
                    Err(_) => break,
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().unwrap().clone();
    acked
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cds-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = scratch("crash");
    let state = dir.join("state.json");
    let mut kept: Vec<String> = Vec::new();
    let mut total = 0;
    for round in 0..20 {
        let mut server = spawn(&state, round as u64);
        let stop = Arc::new(AtomicBool::new(false));
        let writing = {
            let (url, stop) = (server.url.clone(), stop.clone());
            tokio::spawn(async move { write(&url, round, 8, stop).await })
        };
        tokio::time::sleep(Duration::from_millis(60 + 7 * round as u64)).await;
        // SIGKILL while the writers are still sending.
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        let acked = writing.await.unwrap();
        assert!(
            !acked.is_empty(),
            "round {round}: no write was acknowledged"
        );
        total += acked.len();
        kept.extend(acked);
        let mut server = spawn(&state, round as u64);
        let held = names(&server.url).await;
        let lost: Vec<&String> = kept.iter().filter(|n| !held.contains(*n)).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} of {} acknowledged creates lost: {:?}",
            lost.len(),
            kept.len(),
            &lost[..lost.len().min(5)]
        );
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    eprintln!("{total} acknowledged creates in 20 rounds, every one kept");
    assert!(total >= 20, "{total} acknowledged writes in 20 rounds");
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_and_sighup_stop_accepting_then_save() {
    let dir = scratch("term");
    let state = dir.join("state.json");
    let mut kept = Vec::new();
    for (round, signal) in ["-TERM", "-HUP"].into_iter().enumerate() {
        let mut server = spawn(&state, 7);
        let stop = Arc::new(AtomicBool::new(false));
        let writing = {
            let (url, stop) = (server.url.clone(), stop.clone());
            tokio::spawn(async move { write(&url, round, 4, stop).await })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let killed = Command::new("kill")
            .arg(signal)
            .arg(server.child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let status = server.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        assert!(status.success(), "{signal}: {status}");
        kept.extend(writing.await.unwrap());
        // A clean stop leaves the state file only: no journal, no temporary file.
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["state.json"], "{signal}");
        let mut server = spawn(&state, 7);
        let held = names(&server.url).await;
        assert!(kept.iter().all(|n| held.contains(n)), "{signal}");
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unwritable_state_file_is_refused_at_start_naming_the_path() {
    let dir = scratch("missing");
    let state = dir.join("no-such-folder").join("state.json");
    let out = Command::new(env!("CARGO_BIN_EXE_cds-emulator"))
        .args(["--addr", "127.0.0.1:0", "--lines", "network", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&state.display().to_string()),
        "names the path: {err}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("serving"),
        "refused before serving"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The resident set of process `pid`, in kB (Linux).
#[cfg(target_os = "linux")]
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_unauthenticated_bodies_keep_the_servers_memory_flat() {
    // The binary as shipped, with a request log (what would have kept the bodies).
    let mut server = spawn_with(&["--request-log".as_ref(), "10000".as_ref()]);
    let http = reqwest::Client::new();
    let url = format!("{}/network?Action=CreateVdc&AccessKeyId=nobody", server.url);
    let _ = http.post(&url).body("{}").send().await;
    let before = rss_kb(server.child.id());
    let body = bytes::Bytes::from(vec![b'x'; 1_800_000]);
    let refused = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (http, url, body, refused) = (http.clone(), url.clone(), body.clone(), refused.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..50 {
                // Refused before the body is read: the client may see the refusal or a reset.
                if let Ok(r) = http.post(&url).body(body.clone()).send().await {
                    assert!(r.status().is_client_error(), "{}", r.status());
                }
                refused.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let after = rss_kb(server.child.id());
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    eprintln!(
        "RSS {before} kB -> {after} kB over {} unauthenticated 1.8 MB bodies",
        refused.load(Ordering::Relaxed)
    );
    assert_eq!(refused.load(Ordering::Relaxed), 200);
    assert!(
        after < before + 64 * 1024,
        "RSS grew from {before} kB to {after} kB"
    );
}
