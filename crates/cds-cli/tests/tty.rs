//! Behaviour on a terminal, through a pseudo-terminal (`script` from util-linux): the spinner
//! of `--wait` shows on a terminal only; secrets typed into `cds configure` are not echoed;
//! JSON is pretty on a terminal and compact in a pipe.

use assert_cmd::Command;
use cds_core::operation::LineDescription;
use cds_emulator::{Emulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use std::io::{Read as _, Write as _};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A command running on a pseudo-terminal; what it writes is collected as it comes.
struct Session {
    child: Child,
    stdin: ChildStdin,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    /// Runs `command` (a shell command line) on a pseudo-terminal with `env`.
    fn start(command: &str, env: &[(&str, String)]) -> Option<Session> {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qfec", command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().ok()?;
        let stdin = child.stdin.take()?;
        let mut stdout = child.stdout.take()?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Some(Session {
            child,
            stdin,
            output,
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the output holds `needle` (after what was there before).
    fn expect(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.text().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in {:?}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for the end; returns the whole output.
    fn finish(self) -> (bool, String) {
        let Session {
            mut child,
            stdin,
            output,
        } = self;
        drop(stdin);
        let status = child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let text = String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
        (status.success(), text)
    }
}

fn script_available() -> bool {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

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
        .unwrap();
    let lines: Vec<&'static LineDescription> = cds_lines::ALL.to_vec();
    let emulator = runtime
        .block_on(
            Emulator::builder(&lines)
                .task_latency(Duration::from_millis(1500))
                .start(),
        )
        .unwrap();
    Rig {
        emulator,
        dir: tempfile::tempdir().unwrap(),
        _runtime: runtime,
    }
}

impl Rig {
    fn env(&self) -> Vec<(&'static str, String)> {
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_cds"))
            .parent()
            .unwrap()
            .display()
            .to_string();
        vec![
            (
                "PATH",
                format!("{bin}:{}", std::env::var("PATH").unwrap_or_default()),
            ),
            ("CDS_SECRET_ID", ACCESS_KEY_ID.into()),
            ("CDS_SECRET_KEY", ACCESS_KEY_SECRET.into()),
            ("CDS_ENDPOINT", self.emulator.base_url()),
            (
                "CDS_CONFIG_FILE",
                self.dir.path().join("config.toml").display().to_string(),
            ),
            ("HOME", self.dir.path().display().to_string()),
            ("NO_COLOR", "1".into()),
            ("TERM", "xterm".into()),
        ]
    }

    fn piped(&self) -> Command {
        let mut cmd = Command::cargo_bin("cds").unwrap();
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }
}

#[test]
fn the_wait_spinner_shows_on_a_terminal_only() {
    if !script_available() {
        eprintln!("skipped: no `script` (util-linux)");
        return;
    }
    let rig = rig();
    let create = "cds network create-vdc --region-id CN_Beijing_A --vdc-name v --wait";
    let session = Session::start(create, &rig.env()).unwrap();
    let (ok, shown) = session.finish();
    assert!(ok, "{shown}");
    assert!(
        shown.contains("waiting for the task to finish"),
        "no spinner on a terminal: {shown:?}"
    );
    assert!(shown.contains("ResourceId"), "{shown}");
    let out = rig
        .piped()
        .args([
            "network",
            "create-vdc",
            "--region-id",
            "CN_Beijing_A",
            "--vdc-name",
            "w",
            "--wait",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("waiting"),
        "a spinner without a terminal: {err}"
    );
}

#[test]
fn json_is_pretty_on_a_terminal_and_compact_in_a_pipe() {
    if !script_available() {
        return;
    }
    let rig = rig();
    // A call that succeeds against the stateful emulator (an unknown task id is refused as
    // DescribeTask documents).
    let session = Session::start("cds ccs describe-instances", &rig.env()).unwrap();
    let (ok, shown) = session.finish();
    assert!(ok, "{shown}");
    assert!(shown.contains("{\r\n  \""), "not pretty: {shown:?}");
    let out = rig
        .piped()
        .args(["ccs", "describe-instances"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn secrets_typed_into_configure_are_not_echoed() {
    if !script_available() {
        return;
    }
    let rig = rig();
    let mut session = Session::start("cds configure --profile tty", &rig.env()).unwrap();
    session.expect("AccessKeyId");
    session.send("visible-key-id");
    session.expect("AccessKeySecret");
    session.send("Typed-Secret-42");
    session.expect("access region");
    session.send("not-a-region");
    // Checked as typed: asked again, the earlier answers kept.
    session.expect("try again");
    session.send("asia");
    let (ok, shown) = session.finish();
    assert!(ok, "{shown}");
    assert!(
        shown.contains("visible-key-id"),
        "ordinary answers echo: {shown}"
    );
    assert!(
        !shown.contains("Typed-Secret-42"),
        "a secret was echoed: {shown}"
    );
    let file = std::fs::read_to_string(rig.dir.path().join("config.toml")).unwrap();
    assert!(
        file.contains("Typed-Secret-42") && file.contains("region = \"asia\""),
        "{file}"
    );
}
