//! `cds conformance` against the loopback emulator (a sweep that records a bundle and a clean
//! report; drift injected through scripted answers is reported exactly), the replay of a
//! hand-made bundle, and the bundle's redaction.

use assert_cmd::Command;
use cds_cli::generated::LINES;
use cds_cli::table::Line;
use cds_core::operation::LineDescription;
use cds_emulator::{Emulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET, BEARER_TOKEN, REGION_ID};
use serde_json::{json, Value};
use std::path::Path;

struct Rig {
    emulator: Emulator,
    dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn rig() -> Rig {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let lines: Vec<&'static LineDescription> = LINES.iter().map(|l: &&Line| l.meta).collect();
    let emulator = runtime
        .block_on(Emulator::builder(&lines).seed(7).start())
        .expect("emulator starts");
    Rig {
        emulator,
        dir: tempfile::tempdir().expect("temp dir"),
        _runtime: runtime,
    }
}

impl Rig {
    fn cds(&self) -> Command {
        let url = self.emulator.base_url();
        let mut cmd = Command::cargo_bin("cds").expect("the cds binary");
        for var in ["CDS_PROFILE", "XDG_CONFIG_HOME", "CDS_MAX_ATTEMPTS"] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.dir.path())
            .env("CDS_CONFIG_FILE", self.dir.path().join("config.toml"))
            .env("CDS_SECRET_ID", ACCESS_KEY_ID)
            .env("CDS_SECRET_KEY", ACCESS_KEY_SECRET)
            .env("CDS_ENDPOINT", &url)
            .env("BRIDGX_ENDPOINT", &url)
            .env("BRIDGX_TOKEN", BEARER_TOKEN)
            .env("CECSTACK_ENDPOINT", &url)
            .env("CECSTACK_REGION_ID", REGION_ID)
            .env("CECSTACK_AUTH_HEADER", "X-Auth-Token: emulator");
        cmd
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file")).expect("JSON")
}

/// `(kind, path)` of every finding of `op` in a report.
fn findings(report: &Value, line: &str, op: &str) -> Vec<(String, String)> {
    let entry = report["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .find(|o| o["line"] == line && o["operation"] == op)
        .unwrap_or_else(|| panic!("{line} {op} not in the report: {report}"));
    let mut out: Vec<(String, String)> = entry["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every finding of a report, as `line op kind path`.
fn all_findings(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for op in report["operations"].as_array().expect("operations") {
        for d in op["drift"].as_array().expect("drift") {
            out.push(format!(
                "{} {} {} {}",
                op["line"].as_str().unwrap(),
                op["operation"].as_str().unwrap(),
                d["kind"].as_str().unwrap(),
                d["path"].as_str().unwrap()
            ));
        }
    }
    out.sort();
    out
}

/// Runs a sweep into `dir`; the report printed.
fn sweep(rig: &Rig, dir: &Path, extra: &[&str]) -> Value {
    let out = rig
        .cds()
        .args(["conformance", "--rate", "1000", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("the report on stdout");
    assert_eq!(printed, json_file(&dir.join("report.json")));
    printed
}

/// Every file of a bundle, as text.
fn bundle_text(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    text
}

#[test]
fn a_sweep_of_every_line_calls_reads_only_records_a_bundle_and_reports_no_drift() {
    let rig = rig();
    let dir = rig.dir.path().join("bundle");
    let report = sweep(&rig, &dir, &[]);
    let manifest = json_file(&dir.join("manifest.json"));
    assert_eq!(manifest["format"], "cds-conformance");
    assert!(manifest["stopped"].is_null(), "{manifest}");
    let calls = manifest["calls"].as_array().unwrap();
    let answered: Vec<&Value> = calls
        .iter()
        .filter(|c| c["outcome"] == "answered")
        .collect();
    assert!(answered.len() >= 50, "{} answered", answered.len());
    assert_eq!(
        report["answered"].as_u64().unwrap() as usize,
        answered.len()
    );
    // Every request the emulator saw was a read of its line, and each is in the manifest.
    let requests = rig.emulator.requests();
    let called = calls
        .iter()
        .filter(|c| {
            c["outcome"] == "answered" || c["outcome"].as_str().unwrap().starts_with("failed")
        })
        .count();
    assert_eq!(requests.len(), called);
    for call in calls.iter().filter(|c| c.get("file").is_some()) {
        let line = LINES
            .iter()
            .find(|l| l.name() == call["line"].as_str().unwrap())
            .unwrap();
        let op = line
            .meta
            .operation(call["operation"].as_str().unwrap())
            .unwrap();
        assert!(op.read, "{} {} is not a read", line.name(), op.name);
        assert!(dir.join(call["file"].as_str().unwrap()).is_file(), "{call}");
    }
    for request in &requests {
        assert!(
            LINES.iter().any(|l| l.name() == request.product),
            "{}",
            request.product
        );
        let reads_only = LINES.iter().all(|l| {
            l.meta
                .operation(&request.operation)
                .is_none_or(|op| op.read || l.name() != request.product)
        });
        assert!(
            reads_only,
            "{} {} {}",
            request.product, request.operation, request.method
        );
    }
    // Ids found in list answers fed later calls.
    assert!(
        calls
            .iter()
            .any(|c| c["outcome"] == "answered"
                && c["input"].as_object().is_some_and(|i| !i.is_empty())),
        "no call took an input from an earlier answer"
    );
    // The emulator answers the spec's own examples: nothing undocumented, nothing mistyped
    // (documented fields the examples leave out are listed as `never`, for information).
    let wrong: Vec<String> = all_findings(&report)
        .into_iter()
        .filter(|f| !f.contains(" never "))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(report["by_kind"]["unknown"], 0);
    assert_eq!(report["by_kind"]["type"], 0);
    // The replay of the bundle gives the same report, without any network.
    rig.emulator.reset();
    let out = rig
        .cds()
        .args(["conformance", "--answers"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let replayed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replayed, report);
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn drift_injected_into_an_answer_is_reported_exactly() {
    let rig = rig();
    let clean = sweep(&rig, &rig.dir.path().join("clean"), &["--line", "ccs"]);
    assert!(findings(&clean, "ccs", "DescribeTags").is_empty());
    // A field renamed (TagName → TagTitle), one added (Colour), one retyped (TagId a word).
    rig.emulator.script(
        "DescribeTags",
        200,
        json!({"Code": "Success", "Message": "Success.", "Data": [
            {"TagId": 257, "TagTitle": "web"},
            {"TagId": "two hundred", "TagTitle": "db", "Colour": "red"}
        ]}),
        None,
    );
    let drifted = sweep(&rig, &rig.dir.path().join("drifted"), &["--line", "ccs"]);
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        findings(&drifted, "ccs", "DescribeTags"),
        pairs(&[
            ("never", "/Data/*/TagName"),
            ("type", "/Data/*/TagId"),
            ("unknown", "/Data/*/Colour"),
            ("unknown", "/Data/*/TagTitle"),
        ])
    );
    // Nothing else changed.
    let others = |r: &Value| -> Vec<String> {
        all_findings(r)
            .into_iter()
            .filter(|f| !f.starts_with("ccs DescribeTags "))
            .collect()
    };
    assert_eq!(others(&drifted), others(&clean));
    assert_eq!(
        drifted["drift"].as_u64().unwrap(),
        clean["drift"].as_u64().unwrap() + 4
    );
}

#[test]
fn a_hand_made_bundle_replays_naming_the_undocumented_field_and_the_mistyped_value() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance");
    let mut cmd = Command::cargo_bin("cds").expect("the cds binary");
    // No credentials and no endpoint: a replay needs neither.
    for var in [
        "CDS_SECRET_ID",
        "CDS_SECRET_KEY",
        "CDS_ENDPOINT",
        "CDS_PROFILE",
    ] {
        cmd.env_remove(var);
    }
    let home = tempfile::tempdir().unwrap();
    let out = cmd
        .env("HOME", home.path())
        .env("CDS_CONFIG_FILE", home.path().join("config.toml"))
        .args(["conformance", "--answers"])
        .arg(&fixture)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&report, "ccs", "DescribeTags"),
        vec![
            ("type".to_string(), "/Data/*/TagId".to_string()),
            ("unknown".to_string(), "/Data/*/TagColour".to_string()),
        ]
    );
    let detail = report["operations"][0]["drift"][0]["detail"]
        .as_str()
        .unwrap();
    assert!(detail.contains("two hundred"), "{detail}");
    assert_eq!(report["answered"], 1);
    assert_eq!(report["not_answered"][0]["operation"], "DescribeNSGMembers");
    // Nothing was written into the fixture.
    assert!(!fixture.join("report.json").exists());
}

#[test]
fn the_bundle_never_holds_a_secret_key_a_token_or_a_password() {
    let rig = rig();
    let password = "Pa55-w0rd!never-recorded";
    rig.emulator.script(
        "DescribeTags",
        200,
        json!({"Code": "Success", "Message": "Success.", "Data": [
            {"TagId": 1, "TagName": "x", "Password": password, "AdminPassword": password,
             "Echo": format!("signed with {ACCESS_KEY_SECRET}"), "AccessToken": BEARER_TOKEN,
             "PrivateIp": "10.1.2.3"}
        ]}),
        None,
    );
    let dir = rig.dir.path().join("bundle");
    let out = rig
        .cds()
        .args([
            "conformance",
            "--rate",
            "1000",
            "--redact-ips",
            "--redact-names",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let recorded = bundle_text(&dir) + &text(&out.stdout) + &text(&out.stderr);
    for secret in [ACCESS_KEY_SECRET, BEARER_TOKEN, password, "10.1.2.3"] {
        assert!(!recorded.contains(secret), "{secret} in the bundle");
    }
    let tags = json_file(&dir.join("ccs/DescribeTags.json"));
    assert_eq!(tags["Data"][0]["TagName"], "<name>");
    assert_eq!(tags["Data"][0]["Password"], cds_core::redact::REDACTED);
    let manifest = json_file(&dir.join("manifest.json"));
    assert_eq!(
        manifest["redaction"],
        json!({"secrets": true, "ips": true, "names": true})
    );
}

#[test]
fn the_sweep_stops_at_the_first_authentication_failure() {
    let rig = rig();
    let dir = rig.dir.path().join("bundle");
    let out = rig
        .cds()
        .env("CDS_SECRET_KEY", "a-wrong-secret-key")
        .args(["conformance", "--rate", "1000", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("authentication failed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        rig.emulator.requests().len(),
        1,
        "one refused call, then nothing"
    );
    let manifest = json_file(&dir.join("manifest.json"));
    assert!(manifest["stopped"]
        .as_str()
        .unwrap()
        .starts_with("authentication failed"));
    assert!(!bundle_text(&dir).contains("a-wrong-secret-key"));
}

#[test]
fn the_plan_is_printed_without_any_call() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["conformance", "--plan", "--line", "ccs"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let calls = plan[0]["calls"].as_array().unwrap();
    assert!(
        calls.iter().any(|c| c["operation"] == "DescribeInstances"),
        "{plan}"
    );
    assert!(calls
        .iter()
        .any(|c| c["inputs"].as_object().is_some_and(|i| !i.is_empty())));
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn the_sweep_is_rate_limited() {
    let rig = rig();
    let dir = rig.dir.path().join("bundle");
    let started = std::time::Instant::now();
    let out = rig
        .cds()
        .args(["conformance", "--line", "ccs", "--rate", "10", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let calls = rig.emulator.requests().len();
    assert!(calls >= 3, "{calls} calls");
    // At most 10 a second with a burst of one: n calls take at least (n - 1) / 10 s.
    let least = std::time::Duration::from_millis(100 * (calls as u64 - 1));
    assert!(
        started.elapsed() >= least,
        "{calls} calls in {:?}",
        started.elapsed()
    );
}
