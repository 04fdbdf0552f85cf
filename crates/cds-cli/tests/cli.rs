//! The `cds` binary against the loopback emulator: reads, a create with `--wait`,
//! `--all-pages` over several pages for every paginated operation, service and usage errors,
//! `--dry-run` redaction, output formats, profiles, completions.

use assert_cmd::Command;
use cds_cli::generated::LINES;
use cds_cli::table::{Command as Cmd, Line};
use cds_core::operation::{LineDescription, Shape};
use cds_emulator::{Emulator, Script, ACCESS_KEY_ID, ACCESS_KEY_SECRET, BEARER_TOKEN, REGION_ID};
use serde_json::{json, Map, Value};

/// An emulator of every line, on its own runtime, and a scratch folder.
struct Rig {
    emulator: Emulator,
    dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

/// A stateful emulator of every line (resources kept, tasks finishing after `latency`).
fn stateful_rig(latency: std::time::Duration) -> Rig {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let lines: Vec<&'static LineDescription> = LINES.iter().map(|l: &&Line| l.meta).collect();
    let emulator = runtime
        .block_on(
            Emulator::builder(&lines)
                .seed(7)
                .task_latency(latency)
                .start(),
        )
        .expect("emulator starts");
    Rig {
        emulator,
        dir: tempfile::tempdir().expect("temp dir"),
        _runtime: runtime,
    }
}

fn rig() -> Rig {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let lines: Vec<&'static LineDescription> = LINES.iter().map(|l: &&Line| l.meta).collect();
    let emulator = runtime
        .block_on(Emulator::start(&lines))
        .expect("emulator starts");
    Rig {
        emulator,
        dir: tempfile::tempdir().expect("temp dir"),
        _runtime: runtime,
    }
}

impl Rig {
    /// `cds` with no configuration at all (no environment, an empty config file location).
    fn bare(&self) -> Command {
        let mut cmd = Command::cargo_bin("cds").expect("the cds binary");
        for var in [
            "CDS_SECRET_ID",
            "CDS_SECRET_KEY",
            "CDS_REGION",
            "CDS_ENDPOINT",
            "CDS_PROFILE",
            "BRIDGX_ENDPOINT",
            "BRIDGX_TOKEN",
            "CECSTACK_ENDPOINT",
            "CECSTACK_REGION_ID",
            "XDG_CONFIG_HOME",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.dir.path())
            .env("CDS_CONFIG_FILE", self.dir.path().join("config.toml"));
        cmd
    }

    /// `cds` configured for the emulator through the environment.
    fn cds(&self) -> Command {
        let url = self.emulator.base_url();
        let mut cmd = self.bare();
        cmd.env("CDS_SECRET_ID", ACCESS_KEY_ID)
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

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A value of `shape` the emulator accepts.
fn sample(shape: &Shape) -> Value {
    match shape {
        Shape::Enum(set) => {
            let v = set.values.first().map(|v| v.value).unwrap_or("x");
            if set.integer {
                json!(v.parse::<i64>().unwrap_or(1))
            } else {
                json!(v)
            }
        }
        Shape::String | Shape::Any => json!("x"),
        Shape::Integer => json!(1),
        Shape::Number => json!(1.5),
        Shape::Boolean => json!(true),
        Shape::List(inner) => json!([sample(inner)]),
        Shape::Map(_) => json!({}),
        Shape::Struct(s) => Value::Object(
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_string(), sample(&f.shape)))
                .collect(),
        ),
    }
}

/// A value the emulator accepts for every required parameter of `cmd`.
fn required_input(cmd: &Cmd) -> Map<String, Value> {
    cmd.meta
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.to_string(), sample(&p.shape)))
        .collect()
}

/// Sets `value` at JSON pointer `pointer`, creating objects on the way.
fn set_at(root: &mut Value, pointer: &str, value: Value) {
    let mut cur = root;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let map = cur.as_object_mut().expect("object");
        if i + 1 == parts.len() {
            map.insert(part.to_string(), value);
            return;
        }
        cur = map.entry(part.to_string()).or_insert_with(|| json!({}));
    }
}

/// A successful answer of `op` in its line's envelope, with `items` at the items pointer.
fn page_body(cmd: &Cmd, items: Vec<Value>, total: usize) -> Value {
    let line = cmd.line;
    let paging = cmd.meta.pagination.expect("paginated");
    let example = line
        .meta
        .examples
        .iter()
        .find(|(name, _)| *name == cmd.op.name)
        .and_then(|(_, text)| serde_json::from_str::<Value>(text).ok())
        .filter(Value::is_object);
    let mut body = example.unwrap_or_else(|| {
        let env = &line.meta.service.envelope;
        let code = env.success.first().copied().unwrap_or("Success");
        let code = code.parse::<i64>().map(Value::from).unwrap_or(json!(code));
        json!({ env.code: code, env.message: "ok" })
    });
    set_at(&mut body, paging.items, Value::Array(items));
    if let Some(t) = paging.total {
        set_at(&mut body, t, json!(total));
    }
    body
}

fn find(line: &str, command: &str) -> Cmd {
    Cmd::find(line, command).expect("operation")
}

#[test]
fn a_read_reaches_the_emulator_and_prints_the_answer() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t-42"])
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let body = stdout_json(&out);
    assert_eq!(body["Code"], "Success");
    let reqs = rig.emulator.requests_for("DescribeTask");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].query_param("TaskId"), Some("t-42"));
    assert!(reqs[0].rejected.is_none());
}

#[test]
fn yaml_table_and_query_shape_the_output() {
    let rig = rig();
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--task-id",
            "t-1",
            "--query",
            "Code",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(stdout_json(&out), json!("Success"));
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t-1", "-o", "yaml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("Code: Success"),
        "{}",
        text(&out.stdout)
    );
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--task-id",
            "t-1",
            "--output",
            "table",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = text(&out.stdout);
    assert!(
        table.starts_with("key") && table.contains("Code"),
        "{table}"
    );
}

#[test]
fn a_create_with_wait_polls_the_task_until_it_finishes() {
    let rig = rig();
    let cmd = find("ccs", "create-instance");
    assert!(cmd.meta.task.is_some());
    let input = serde_json::to_string(&required_input(&cmd)).unwrap();
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--wait",
            "--wait-interval",
            "0.02",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout_json(&out).get("TaskId").is_some());
    assert_eq!(rig.emulator.requests_for("CreateInstance").len(), 1);
    let polls = rig.emulator.requests_for("DescribeTask");
    assert!(polls.len() >= 2, "polled {} times", polls.len());
    // Without --wait nothing is polled.
    rig.emulator.reset();
    let input = serde_json::to_string(&required_input(&cmd)).unwrap();
    let out = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(rig.emulator.requests_for("DescribeTask").is_empty());
}

#[test]
fn values_with_reserved_bytes_arrive_exactly_and_verify_in_strict_mode() {
    let rig = rig();
    for id in ["dGVzdA==", "a&b", "a=b&c=d", "x y+z%2B", "任务 = 1"] {
        let out = rig
            .cds()
            .args(["ccs", "describe-task", "--task-id", id])
            .output()
            .unwrap();
        assert!(out.status.success(), "{id:?}: {}", text(&out.stderr));
        let last = rig
            .emulator
            .requests_for("DescribeTask")
            .pop()
            .expect("recorded");
        assert!(last.rejected.is_none(), "{id:?}: {:?}", last.rejected);
        assert_eq!(last.query_param("TaskId"), Some(id));
    }
}

#[test]
fn a_wait_timeout_too_large_to_represent_waits_without_a_deadline() {
    let rig = rig();
    let cmd = find("ccs", "create-instance");
    let input = serde_json::to_string(&required_input(&cmd)).unwrap();
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--wait",
            "--wait-interval",
            "0.02",
            "--wait-timeout",
            "18446744073709551615",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout_json(&out).get("TaskId").is_some());
}

#[test]
fn all_pages_walks_every_page_of_every_paginated_operation() {
    let rig = rig();
    let mut checked = 0;
    for line in LINES {
        for op in line.ops {
            let cmd = Cmd::of(line, op).expect("in meta");
            let Some(paging) = cmd.meta.pagination else {
                continue;
            };
            rig.emulator.reset();
            let item = |i: usize| json!({"CliTestId": format!("{}-{i}", op.name)});
            rig.emulator.script_sequence(
                op.name,
                vec![
                    Script {
                        status: 200,
                        body: page_body(&cmd, vec![item(1), item(2)], 3),
                    },
                    Script {
                        status: 200,
                        body: page_body(&cmd, vec![item(3)], 3),
                    },
                ],
            );
            let mut input = required_input(&cmd);
            let size = match cmd.param(paging.size).map(|p| &p.shape) {
                Some(Shape::String) => json!("2"),
                _ => json!(2),
            };
            input.insert(paging.size.to_string(), size);
            let out = rig
                .cds()
                .args([line.name(), op.command, "--all-pages", "--input-json", "-"])
                .write_stdin(serde_json::to_string(&input).unwrap())
                .output()
                .unwrap();
            let context = format!("{} {}: {}", line.name(), op.command, text(&out.stderr));
            assert!(out.status.success(), "{context}");
            let merged = stdout_json(&out);
            let items = merged.pointer(paging.items).cloned().unwrap_or_default();
            assert_eq!(items, json!([item(1), item(2), item(3)]), "{context}");
            let pages: Vec<String> = rig
                .emulator
                .requests_for(op.name)
                .iter()
                .map(|r| {
                    r.query_param(paging.page)
                        .map(str::to_string)
                        .or_else(|| {
                            r.body
                                .as_ref()
                                .and_then(|b| b.get(paging.page))
                                .map(|v| v.to_string().trim_matches('"').to_string())
                        })
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(pages, ["1", "2"], "{context}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} paginated operations");
}

/// Pages of DescribeInstances: `pages` pages of `size` instances named `i-<n>`.
fn script_instance_pages(rig: &Rig, pages: usize, size: usize) {
    let cmd = find("ccs", "describe-instances");
    let total = pages * size;
    let answers = (0..=pages)
        .map(|p| Script {
            status: 200,
            body: page_body(
                &cmd,
                (0..if p < pages { size } else { 0 })
                    .map(|i| json!({"InstanceId": format!("i-{}", p * size + i), "InstanceName": format!("web-{}", p * size + i)}))
                    .collect(),
                total,
            ),
        })
        .collect();
    rig.emulator.script_sequence(cmd.op.name, answers);
}

#[test]
fn all_pages_merges_pages_and_the_query_applies_to_the_merged_answer() {
    let rig = rig();
    script_instance_pages(&rig, 3, 2);
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-instances",
            "--page-size",
            "2",
            "--all-pages",
            "--query",
            "Data.Instances[].InstanceName",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        stdout_json(&out),
        json!(["web-0", "web-1", "web-2", "web-3", "web-4", "web-5"])
    );
    assert_eq!(rig.emulator.requests_for("DescribeInstances").len(), 4);
}

#[test]
fn max_items_stops_early_and_the_next_token_goes_on() {
    let rig = rig();
    script_instance_pages(&rig, 3, 2);
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-instances",
            "--page-size",
            "2",
            "--max-items",
            "3",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = stdout_json(&out);
    let ids: Vec<&str> = first["Data"]["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i-0", "i-1", "i-2"]);
    assert_eq!(first["NextToken"], "2:1:2");
    assert_eq!(rig.emulator.requests_for("DescribeInstances").len(), 2);
    rig.emulator.reset();
    // The server answers page 2 then page 3 (scripted in order); the first item of page 2
    // was shown already.
    let cmd = find("ccs", "describe-instances");
    let page = |from: usize| Script {
        status: 200,
        body: page_body(
            &cmd,
            (from..from + 2)
                .map(|i| json!({"InstanceId": format!("i-{i}")}))
                .collect(),
            6,
        ),
    };
    let empty = Script {
        status: 200,
        body: page_body(&cmd, Vec::new(), 6),
    };
    rig.emulator
        .script_sequence(cmd.op.name, vec![page(2), page(4), empty]);
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-instances",
            "--starting-token",
            "2:1:2",
            "--query",
            "Data.Instances[].InstanceId",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout_json(&out), json!(["i-3", "i-4", "i-5"]));
    let sent: Vec<Value> = rig
        .emulator
        .requests_for("DescribeInstances")
        .iter()
        .map(|r| r.body.clone().unwrap_or_default()["PageNumber"].clone())
        .collect();
    assert_eq!(sent, [json!(2), json!(3), json!(4)]);
    let out = rig
        .cds()
        .args(["ccs", "describe-instances", "--starting-token", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn all_pages_against_a_server_repeating_one_page_exits_1() {
    let rig = rig();
    let cmd = find("ccs", "describe-instances");
    let body = page_body(
        &cmd,
        vec![json!({"InstanceId": "a"}), json!({"InstanceId": "b"})],
        1000,
    );
    rig.emulator.script(cmd.op.name, 200, body, None);
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-instances",
            "--page-size",
            "2",
            "--all-pages",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("identical"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(rig.emulator.requests_for("DescribeInstances").len(), 2);
}

#[test]
fn a_service_error_exits_1_with_code_message_and_request_id() {
    let rig = rig();
    rig.emulator.script(
        "DescribeTask",
        200,
        json!({"Code": "InvalidTaskID.Malformed", "Message": "The task id is bad", "RequestId": "req-7781"}),
        None,
    );
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("InvalidTaskID.Malformed"), "{err}");
    assert!(err.contains("The task id is bad"), "{err}");
    assert!(err.contains("req-7781"), "{err}");
    assert!(out.stdout.is_empty());
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--task-id",
            "t",
            "--error-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["error"]["type"], "service");
    assert_eq!(err["error"]["code"], "InvalidTaskID.Malformed");
    assert_eq!(err["error"]["request_id"], "req-7781");
}

#[test]
fn dry_run_prints_the_request_with_secrets_redacted_and_sends_nothing() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t-9", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains(ACCESS_KEY_SECRET), "{stdout}");
    let req = stdout_json(&out);
    assert_eq!(req["method"], "GET");
    assert_eq!(req["query"]["Action"], "DescribeTask");
    assert_eq!(req["query"]["TaskId"], "t-9");
    assert_eq!(req["query"]["Signature"], "[REDACTED]");
    assert_eq!(req["query"]["AccessKeyId"], ACCESS_KEY_ID);
    // Sensitive parameters, in the body and as flags.
    let out = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json", "-", "--dry-run"])
        .args([
            "--password",
            "-Hunter2-secret",
            "--user-data",
            "c2VjcmV0LXNjcmlwdA==",
        ])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for secret in ["Hunter2", "Secret-Pass-1", "c2VjcmV0LXNjcmlwdA"] {
        assert!(!stdout.contains(secret), "{secret} in {stdout}");
    }
    assert_eq!(stdout_json(&out)["body"]["Password"], "[REDACTED]");
    assert_eq!(stdout_json(&out)["body"]["Cpu"], 2);
    // --query and -o apply; -o text prints the runtime's own redacted rendering.
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--dry-run",
            "--query",
            "body.Password",
        ])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    assert_eq!(stdout_json(&out), json!("[REDACTED]"));
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--dry-run",
            "-o",
            "text",
        ])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(shown.starts_with("POST http"), "{shown}");
    assert!(
        shown.contains("Signature=[REDACTED]") && !shown.contains("Secret-Pass-1"),
        "{shown}"
    );
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--task-id",
            "t",
            "--dry-run",
            "-o",
            "yaml",
        ])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("method: GET"),
        "{}",
        text(&out.stdout)
    );
    // Bearer token and the CECSTACK authentication header.
    let bridgx = rig
        .cds()
        .args(["bridgx", "list-clusters", "--dry-run"])
        .output()
        .unwrap();
    let stdout = text(&bridgx.stdout);
    assert!(bridgx.status.success(), "{}", text(&bridgx.stderr));
    assert!(!stdout.contains(BEARER_TOKEN), "{stdout}");
    assert_eq!(
        stdout_json(&bridgx)["headers"]["Authorization"],
        "[REDACTED]"
    );
    let cecstack = rig
        .cds()
        .args([
            "--cecstack-auth-header",
            "X-Auth-Token: tok-SECRET",
            "cecstack-ecs",
            "op-list-flavors",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let stdout = text(&cecstack.stdout);
    assert!(cecstack.status.success(), "{}", text(&cecstack.stderr));
    assert!(!stdout.contains("tok-SECRET"), "{stdout}");
    assert_eq!(
        stdout_json(&cecstack)["headers"]["X-Auth-Token"],
        "[REDACTED]"
    );
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn debug_shows_the_call_and_never_a_secret() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["--debug", "ccs", "create-instance", "--input-json", "-"])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("POST http") && err.contains("Action=CreateInstance"),
        "{err}"
    );
    assert!(
        err.contains("attempts 1") && err.contains("HTTP 200"),
        "{err}"
    );
    for secret in [ACCESS_KEY_SECRET, "Secret-Pass-1"] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
    // A retried read shows its attempts; the bearer token never appears.
    rig.emulator
        .inject("ListClusters", cds_emulator::Fault::Status(503), 1);
    let out = rig
        .cds()
        .args(["bridgx", "list-clusters", "--debug"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("attempts 2") && err.contains("retrying"),
        "{err}"
    );
    assert!(!err.contains(BEARER_TOKEN), "{err}");
}

#[test]
fn usage_errors_exit_2_with_a_clear_message_and_send_nothing() {
    let rig = rig();
    let cases: &[&[&str]] = &[
        &["ccs", "describe-instances", "--page-size", "ten"],
        &["ccs", "describe-task"],
        &["ccs", "no-such-operation"],
        &["no-such-line"],
        &["ccs", "describe-task", "--task-id", "t", "--no-such-flag"],
        &["ccs", "describe-task", "--task-id", "t", "--query", "Data["],
    ];
    for args in cases {
        let out = rig.cds().args(*args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = rig.cds().args(cases[0]).output().unwrap();
    assert!(text(&out.stderr).contains("page-size"));
    let out = rig.cds().args(cases[1]).output().unwrap();
    assert!(
        text(&out.stderr).contains("--task-id"),
        "{}",
        text(&out.stderr)
    );
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--error-format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["error"]["type"], "usage");
    // Missing credentials are a usage error too.
    let out = rig
        .bare()
        .env("CDS_ENDPOINT", rig.emulator.base_url())
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("CDS_SECRET_ID"));
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn every_operation_has_a_help_page_in_english_and_chinese() {
    let rig = rig();
    let mut count = 0;
    for line in LINES {
        for op in line.ops {
            let out = rig
                .bare()
                .args([line.name(), op.command, "--help"])
                .output()
                .unwrap();
            let help = text(&out.stdout);
            assert!(out.status.success(), "{} {}", line.name(), op.command);
            assert!(help.contains(op.en.lines().next().unwrap_or("")), "{help}");
            assert!(help.contains(op.zh.lines().next().unwrap_or("")), "{help}");
            for p in op.params {
                assert!(help.contains(&format!("--{}", p.flag)), "{help}");
                assert!(help.contains(p.zh.lines().next().unwrap_or("")), "{help}");
            }
            count += 1;
        }
    }
    assert!(count >= 400, "only {count} operations");
    let out = rig
        .bare()
        .args(["help", "ccs", "describe-instances"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("查询云服务器"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn typed_flags_and_input_json_build_the_request() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["ccs", "describe-instances", "--generate-skeleton"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let skeleton = stdout_json(&out);
    assert!(skeleton.get("VdcId").is_some() && skeleton.get("PageSize").is_some());
    let file = rig.dir.path().join("in.json");
    std::fs::write(&file, r#"{"VdcId": "from-file", "PageSize": 5}"#).unwrap();
    let out = rig
        .cds()
        .args(["ccs", "describe-instances", "--input-json"])
        .arg(&file)
        .args(["--page-size", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let req = &rig.emulator.requests_for("DescribeInstances")[0];
    let body = req.body.clone().unwrap_or_default();
    assert_eq!(body["VdcId"], "from-file");
    assert_eq!(body["PageSize"], 7);
    std::fs::write(&file, r#"{"NoSuchParam": 1}"#).unwrap();
    let out = rig
        .cds()
        .args(["ccs", "describe-instances", "--input-json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("NoSuchParam"));
}

#[test]
fn configure_writes_a_private_profile_that_later_calls_use() {
    let rig = rig();
    let out = rig
        .bare()
        .args(["configure", "--profile", "emu"])
        .write_stdin(format!(
            "{ACCESS_KEY_ID}\n{ACCESS_KEY_SECRET}\nmainland\n{}\n\n\n\n\n",
            rig.emulator.base_url()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(ACCESS_KEY_SECRET));
    assert!(!text(&out.stderr).contains(ACCESS_KEY_SECRET));
    let path = rig.dir.path().join("config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = rig
        .bare()
        .args(["--profile", "emu", "ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(rig.emulator.requests_for("DescribeTask").len(), 1);
    // Re-running keeps the secret on empty answers, and never shows it.
    let out = rig
        .bare()
        .args(["configure", "--profile", "emu"])
        .write_stdin("\n\n\n\n\n\n\n\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!text(&out.stderr).contains(ACCESS_KEY_SECRET));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains(ACCESS_KEY_SECRET));
}

#[test]
fn completions_are_small_scripts_that_ask_cds_at_run_time() {
    let rig = rig();
    for shell in ["bash", "zsh", "fish"] {
        let out = rig.bare().args(["completion", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(
            out.stdout.len() < 2048,
            "{shell}: {} bytes",
            out.stdout.len()
        );
        assert!(text(&out.stdout).contains("cds __complete"), "{shell}");
    }
    let out = rig.bare().args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rig
        .bare()
        .args([
            "__complete",
            "3",
            "cds",
            "ccs",
            "describe-instances",
            "--vdc",
        ])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "--vdc-id\n--vdc-name\n");
    let out = rig
        .bare()
        .args(["__complete", "2", "cds", "ccs", "describe-inst"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).lines().any(|l| l == "describe-instances"));
    // Completing a bash line really works.
    let script = rig
        .bare()
        .args(["completion", "bash"])
        .output()
        .unwrap()
        .stdout;
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_cds"))
        .parent()
        .unwrap()
        .to_path_buf();
    let probe = format!(
        "{}\nCOMP_WORDS=(cds bms operate-bms-power --operate st); COMP_CWORD=4; _cds; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        text(&script)
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).trim(),
        "start\nstop",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_failed_task_exits_1_with_its_reason() {
    let rig = rig();
    let cmd = find("ccs", "create-instance");
    let input = serde_json::to_string(&required_input(&cmd)).unwrap();
    let first = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let task = stdout_json(&first)["TaskId"]
        .as_str()
        .expect("a task id")
        .to_string();
    rig.emulator.fail_task(&task, "quota exceeded");
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--wait",
            "--wait-interval",
            "0.02",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // ccs's waiter documents no reason field: the message names the task and its status.
    let err = text(&out.stderr);
    assert!(err.contains(&task) && err.contains("failed"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn the_top_level_help_lists_every_line() {
    let rig = rig();
    let out = rig.bare().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for line in LINES {
        assert!(
            help.contains(line.name()) && help.contains(line.title_zh()),
            "{}",
            line.name()
        );
    }
}

#[test]
fn lists_repeat_or_take_json_and_enums_take_documented_values() {
    let rig = rig();
    for args in [
        &["--instance-ids", "a", "--instance-ids", "b"][..],
        &["--instance-ids", r#"["a","b"]"#][..],
    ] {
        let out = rig
            .cds()
            .args(["ccs", "delete-instance", "--dry-run"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let req = stdout_json(&out);
        let ids = if req["body"].is_object() {
            req["body"]["InstanceIds"].clone()
        } else {
            req["query"]["InstanceIds"].clone()
        };
        assert!(
            ids == json!(["a", "b"]) || ids == json!(r#"["a","b"]"#),
            "{req}"
        );
    }
    let out = rig
        .cds()
        .args([
            "bms",
            "operate-bms-power",
            "--operate",
            "explode",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("explode") && err.contains("start"), "{err}");
    let out = rig
        .cds()
        .args(["bms", "operate-bms-power", "--help"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("start") && text(&out.stdout).contains("开启"));
}

#[test]
fn a_websocket_operation_prints_its_url() {
    let rig = rig();
    let out = rig
        .cds()
        .args([
            "cecstack-ecs",
            "connect-vnc",
            "--ecs-id",
            "e-1",
            "--token",
            "tk",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = stdout_json(&out);
    let url = url.as_str().expect("a string");
    assert!(url.contains("/e-1/") && url.ends_with("/tk"), "{url}");
    assert!(!url.contains("http://"), "{url}");
    assert!(rig.emulator.requests().is_empty());
}

/// The required parameters of ccs CreateInstance, valid.
fn create_instance_input() -> Value {
    json!({"RegionId": "CN_Beijing_A", "VdcId": "vdc-1", "InstanceName": "web",
           "Password": "Secret-Pass-1", "Cpu": 2, "Ram": 4, "InstanceType": "Standard"})
}

#[test]
fn nested_and_input_json_values_are_checked_before_sending() {
    let rig = rig();
    let flag_cases: &[&str] = &[
        r#"[{"Type":"ssd_disk"}]"#,
        r#"[{"Size":"big"}]"#,
        r#"[{"size":100}]"#,
        r#"{"Size":100}"#,
        r#"[{}]"#,
    ];
    for disks in flag_cases {
        let out = rig
            .cds()
            .args([
                "ccs",
                "create-instance",
                "--input-json",
                "-",
                "--data-disks",
                disks,
            ])
            .write_stdin(create_instance_input().to_string())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{disks}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("DataDisks"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--data-disks",
            r#"[{"size":100}]"#,
        ])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("did you mean Size"),
        "{}",
        text(&out.stderr)
    );
    let json_cases = [
        ("Cpu", json!("two")),
        ("DataDisks", json!("x")),
        ("DataDisks", json!([{}])),
        ("InstanceType", json!("Huge")),
        ("instancetype", json!("Standard")),
    ];
    for (key, value) in json_cases {
        let mut input = create_instance_input();
        input[key] = value.clone();
        let out = rig
            .cds()
            .args(["ccs", "create-instance", "--input-json", "-"])
            .write_stdin(input.to_string())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}={value}: {err}");
        assert!(err.contains("nothing was sent"), "{err}");
    }
    assert!(rig.emulator.requests().is_empty());
    // The same input, valid, is sent.
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--data-disks",
            r#"[{"Size":100,"Type":"ssd_disk"}]"#,
        ])
        .write_stdin(create_instance_input().to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sent = rig.emulator.requests_for("CreateInstance")[0]
        .body
        .clone()
        .unwrap();
    assert_eq!(
        sent["DataDisks"],
        json!([{"Size": 100, "Type": "ssd_disk"}])
    );
}

#[test]
fn help_and_skeletons_show_nested_structure_and_untouched_placeholders_are_not_sent() {
    let rig = rig();
    let out = rig
        .bare()
        .args(["ccs", "create-instance", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    assert!(
        help.contains("DataDisk fields:") && help.contains("Size: integer, required"),
        "{help}"
    );
    let out = rig
        .bare()
        .args(["ccs", "create-instance", "--generate-skeleton"])
        .output()
        .unwrap();
    let skeleton = stdout_json(&out);
    assert_eq!(skeleton["DataDisks"][0]["Size"], "<integer, required>");
    assert_eq!(skeleton["Cpu"], "<integer, required>");
    assert!(skeleton["Amount"].is_string(), "{skeleton}");
    let out = rig
        .bare()
        .args(["ccs", "create-instance", "--generate-skeleton", "required"])
        .output()
        .unwrap();
    let required = stdout_json(&out);
    assert!(
        required.get("Amount").is_none() && required.get("Cpu").is_some(),
        "{required}"
    );
    // Fill in the required fields only: nothing else is sent.
    let mut filled = skeleton.clone();
    for (k, v) in create_instance_input().as_object().unwrap() {
        filled[k] = v.clone();
    }
    let file = rig.dir.path().join("create.json");
    std::fs::write(&file, filled.to_string()).unwrap();
    let out = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json"])
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sent = rig.emulator.requests_for("CreateInstance")[0]
        .body
        .clone()
        .unwrap();
    let keys: Vec<&String> = sent.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "{sent}");
    for absent in ["Amount", "PublicIp", "InstanceChargeType", "DataDisks"] {
        assert!(sent.get(absent).is_none(), "{absent} sent: {sent}");
    }
    // A required placeholder left untouched is an error.
    let out = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json", "-"])
        .write_stdin(skeleton.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("placeholder"),
        "{}",
        text(&out.stderr)
    );
    // YAML input, from stdin.
    let yaml = "RegionId: CN_Beijing_A\nVdcId: vdc-1\nInstanceName: web\nPassword: Secret-Pass-1\nCpu: 2\nRam: 4\nInstanceType: Standard\nDataDisks:\n  - Size: 100\n";
    let out = rig
        .cds()
        .args(["ccs", "create-instance", "--input-json", "-"])
        .write_stdin(yaml)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sent = rig.emulator.requests_for("CreateInstance")[1]
        .body
        .clone()
        .unwrap();
    assert_eq!(sent["DataDisks"], json!([{"Size": 100}]));
}

#[test]
fn wait_prints_the_finished_task_and_describe_shows_the_created_resource() {
    let rig = stateful_rig(std::time::Duration::ZERO);
    let started = std::time::Instant::now();
    let out = rig
        .cds()
        .args([
            "network",
            "create-vdc",
            "--region-id",
            "CN_Beijing_A",
            "--vdc-name",
            "web",
            "--wait",
        ])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let task = stdout_json(&out);
    let id = task["Data"]["ResourceId"]
        .as_str()
        .expect("a ResourceId")
        .to_string();
    assert!(!id.is_empty(), "{task}");
    assert!(task["Data"]["Status"].is_string(), "{task}");
    assert!(
        took < std::time::Duration::from_millis(1500),
        "a 0 s task took {took:?}"
    );
    let out = rig
        .cds()
        .args([
            "network",
            "create-vdc",
            "--region-id",
            "CN_Beijing_A",
            "--vdc-name",
            "db",
            "--wait",
            "--describe",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = stdout_json(&out);
    let vdcs = shown["Data"].as_array().expect("DescribeVdc's list");
    assert_eq!(vdcs.len(), 1, "{shown}");
    assert_eq!(vdcs[0]["VdcName"], "db", "{shown}");
    assert_ne!(vdcs[0]["VdcId"], id.as_str());
    // An operation the model links to no resource has no --describe.
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t", "--describe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_create_instance_wait_prints_the_resource_id() {
    let rig = stateful_rig(std::time::Duration::from_millis(300));
    let out = rig
        .cds()
        .args([
            "network",
            "create-vdc",
            "--region-id",
            "CN_Beijing_A",
            "--vdc-name",
            "v",
            "--wait",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let vdc = stdout_json(&out)["Data"]["ResourceId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut input = create_instance_input();
    input["VdcId"] = json!(vdc);
    input["ImageId"] = json!("img-1");
    let out = rig
        .cds()
        .args([
            "ccs",
            "create-instance",
            "--input-json",
            "-",
            "--wait",
            "--query",
            "Data.ResourceId",
        ])
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = stdout_json(&out);
    assert!(id.as_str().is_some_and(|s| !s.is_empty()), "{id}");
}

#[test]
fn configure_takes_flags_checks_answers_and_never_writes_empty_profiles() {
    let rig = rig();
    let path = rig.dir.path().join("config.toml");
    let out = rig
        .bare()
        .args([
            "configure",
            "--profile",
            "p2",
            "--secret-id",
            "X",
            "--secret-key",
            "Y-secret",
            "--region",
            "asia",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(
        file.contains("[p2]")
            && file.contains("secret_id = \"X\"")
            && file.contains("region = \"asia\""),
        "{file}"
    );
    assert!(!text(&out.stderr).contains("Y-secret"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A bad answer ends configure at once, before anything is written.
    let before = std::fs::read_to_string(&path).unwrap();
    let out = rig
        .bare()
        .args(["configure", "--profile", "p3"])
        .write_stdin("id\nkey\nnowhere\n\n\n\n\n\n\n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("region") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(
        err.matches("[none]: ").count(),
        3,
        "stopped at the region: {err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    // No answer at all: no empty profile.
    let out = rig
        .bare()
        .args(["configure", "--profile", "empty"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!std::fs::read_to_string(&path).unwrap().contains("[empty]"));
    // get / list never print a secret; get of an unset key exits 1.
    let out = rig
        .bare()
        .args(["configure", "get", "secret-key", "--profile", "p2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!text(&out.stdout).contains("Y-secret") && text(&out.stdout).contains("hidden"));
    let out = rig
        .bare()
        .args(["configure", "get", "region", "--profile", "p2"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "asia\n");
    let out = rig
        .bare()
        .args(["configure", "get", "bridgx_token", "--profile", "p2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let out = rig
        .bare()
        .args(["configure", "list", "--profile", "p2"])
        .output()
        .unwrap();
    let list = text(&out.stdout);
    assert!(
        list.contains("region = asia") && list.contains("secret_key = (set, hidden)"),
        "{list}"
    );
    assert!(!list.contains("Y-secret"), "{list}");
    let out = rig
        .bare()
        .args(["configure", "set", "region", "mars", "--profile", "p2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rig
        .bare()
        .args(["configure", "set", "regoin", "us"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("did you mean region"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_explicit_profile_beats_environment_credentials() {
    let rig = rig();
    for (key, value) in [
        ("secret_id", ACCESS_KEY_ID),
        ("secret_key", ACCESS_KEY_SECRET),
        ("endpoint", rig.emulator.base_url().as_str()),
        ("output", "yaml"),
        ("max_attempts", "1"),
    ] {
        let out = rig
            .bare()
            .args(["configure", "set", key, value, "--profile", "emu"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{key}: {}", text(&out.stderr));
    }
    // The environment holds other, wrong credentials: the explicit profile wins.
    let call = |profile: Option<&str>| {
        let mut cmd = rig.bare();
        cmd.env("CDS_SECRET_ID", "wrong-id")
            .env("CDS_SECRET_KEY", "wrong-secret")
            .env("CDS_ENDPOINT", rig.emulator.base_url());
        if let Some(p) = profile {
            cmd.args(["--profile", p]);
        }
        cmd.args(["ccs", "describe-task", "--task-id", "t"])
            .output()
            .unwrap()
    };
    let out = call(Some("emu"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Code: Success"),
        "profile output yaml: {}",
        text(&out.stdout)
    );
    // CDS_PROFILE is explicit too.
    let out = rig
        .bare()
        .env("CDS_PROFILE", "emu")
        .env("CDS_SECRET_ID", "wrong-id")
        .env("CDS_SECRET_KEY", "wrong-secret")
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Without an explicit profile, the environment wins (and is refused by the emulator).
    let out = call(None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn a_shared_or_broken_config_file_is_reported() {
    let rig = rig();
    let path = rig.dir.path().join("config.toml");
    std::fs::write(&path, "[default]\nregion = \"asia\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = rig.bare().args(["configure", "list"]).output().unwrap();
        assert!(
            text(&out.stderr).contains("can be read by others"),
            "{}",
            text(&out.stderr)
        );
    }
    std::fs::write(&path, "[default]\nregion = \"asia\"\nsecret_id = \n").unwrap();
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 3, column"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn typos_get_the_best_few_suggestions_from_the_right_place() {
    let rig = rig();
    let err = |args: &[&str]| {
        let out = rig.cds().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        text(&out.stderr)
    };
    let e = err(&["cs", "describe-instances"]);
    assert!(e.contains("did you mean ccs?"), "{e}");
    let e = err(&["ccs", "describe-instance"]);
    assert!(e.contains("did you mean describe-instances"), "{e}");
    assert!(e.matches("describe-").count() <= 4, "{e}");
    let e = err(&["ccs", "describe-task", "--id", "x"]);
    assert!(e.contains("did you mean --task-id?"), "{e}");
    assert!(!e.contains("bridgx"), "{e}");
    let e = err(&["ccs", "delete-instance", "--instance-ids", "a", "b"]);
    assert!(
        e.contains("--instance-ids a --instance-ids b") && e.contains("JSON array"),
        "{e}"
    );
    let e = err(&["ccs", "delete-instance", "--instance-ids", "a,b"]);
    assert!(
        e.contains("--instance-ids a --instance-ids b") && e.contains("JSON array"),
        "{e}"
    );
    let e = err(&["ccs", "describe-task", "--task-id", "--dry-run"]);
    assert!(e.contains("--task-id=--dry-run"), "{e}");
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--error-format",
            "json",
            "--tsak-id",
            "t",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--task-id"),
        "{v}"
    );
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn global_options_anywhere_help_globals_and_one_line_operation_help() {
    let rig = rig();
    for args in [
        &["-o", "yaml", "ccs", "describe-task", "--task-id", "t"][..],
        &["ccs", "-o", "yaml", "describe-task", "--task-id", "t"][..],
        &["ccs", "describe-task", "--task-id", "t", "-o", "yaml"][..],
        &[
            "--cecstack-auth-header",
            "X-Auth-Token: abc",
            "ccs",
            "describe-task",
            "--output",
            "yaml",
            "--task-id",
            "t",
        ][..],
    ] {
        let out = rig.cds().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Code: Success"), "{args:?}");
    }
    let out = rig
        .cds()
        .args([
            "--cecstack-auth-header",
            "X-Auth-Token: abc",
            "cecstack-ecs",
            "op-list-flavors",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let op_help = text(
        &rig.bare()
            .args(["ccs", "describe-task", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        !op_help.contains("--secret-key") && !op_help.contains("--bridgx-token"),
        "{op_help}"
    );
    assert!(op_help.contains("cds help globals"), "{op_help}");
    let globals = text(
        &rig.bare()
            .args(["help", "globals"])
            .output()
            .unwrap()
            .stdout,
    );
    for g in [
        "--output",
        "--secret-key",
        "--cecstack-auth-header",
        "CECSTACK_AUTH_HEADER",
        "--debug",
        "--color",
    ] {
        assert!(globals.contains(g), "{g}: {globals}");
    }
}

#[test]
fn text_output_color_and_plain_http_endpoints() {
    let rig = rig();
    let out = rig
        .cds()
        .args(["ccs", "describe-task", "--task-id", "t", "-o", "text"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stdout).lines().any(|l| l.starts_with("DATA\t")),
        "{}",
        text(&out.stdout)
    );
    let out = rig
        .cds()
        .args([
            "ccs",
            "describe-task",
            "--task-id",
            "t",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("\x1b["), "{}", text(&out.stdout));
    let out = rig
        .cds()
        .env("NO_COLOR", "1")
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert!(!text(&out.stdout).contains("\x1b["));
    let out = rig
        .cds()
        .env("CDS_ENDPOINT", "http://cdsapi.example.com")
        .args(["ccs", "describe-task", "--task-id", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(
        e.contains("CDS_ENDPOINT") && e.contains("https://cdsapi.example.com"),
        "{e}"
    );
    assert!(!e.contains("ConfigBuilder") && !e.contains("\\\""), "{e}");
    let out = rig
        .cds()
        .args([
            "--endpoint",
            "http://10.0.0.1:8080",
            "ccs",
            "describe-task",
            "--task-id",
            "t",
        ])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("--endpoint"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn every_operation_has_an_example_command_line_that_passes_the_checks() {
    let rig = rig();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_cds"))
        .parent()
        .unwrap()
        .to_path_buf();
    let err = rig.dir.path().join("example-err");
    let err = err.display();
    let mut script = String::from("fail=0\n");
    let mut count = 0;
    for line in LINES {
        for op in line.ops {
            let out = rig
                .bare()
                .args([line.name(), op.command, "--example"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{} {}", line.name(), op.command);
            let example = text(&out.stdout);
            assert!(example.starts_with(&format!("cds {} {}", line.name(), op.command)));
            script.push_str(&format!(
                "{} --dry-run >/dev/null 2>{err} || {{ echo \"{} {}: $(cat {err})\"; fail=1; }}\n",
                example.trim_end(),
                line.name(),
                op.command
            ));
            count += 1;
        }
    }
    script.push_str("exit $fail\n");
    let url = rig.emulator.base_url();
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("CDS_CONFIG_FILE", rig.dir.path().join("none.toml"))
        .env("CDS_SECRET_ID", ACCESS_KEY_ID)
        .env("CDS_SECRET_KEY", ACCESS_KEY_SECRET)
        .env("CDS_ENDPOINT", &url)
        .env("BRIDGX_ENDPOINT", &url)
        .env("BRIDGX_TOKEN", BEARER_TOKEN)
        .env("CECSTACK_ENDPOINT", &url)
        .env("CECSTACK_REGION_ID", REGION_ID)
        .env("CECSTACK_AUTH_HEADER", "X-Auth-Token: emulator")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(count >= 400, "{count}");
    assert!(rig.emulator.requests().is_empty());
}

#[test]
fn help_in_one_language_with_lang_or_cds_lang() {
    let rig = rig();
    let en = text(
        &rig.bare()
            .args(["--lang", "en", "ccs", "describe-task", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        en.contains("Query the status of a task") && !en.contains("查询任务状态"),
        "{en}"
    );
    let zh = text(
        &rig.bare()
            .env("CDS_LANG", "zh")
            .args(["ccs", "describe-task", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        zh.contains("查询任务状态") && !zh.contains("Query the status of a task"),
        "{zh}"
    );
    let both = text(
        &rig.bare()
            .args(["ccs", "describe-task", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        both.contains("查询任务状态") && both.contains("Query the status of a task"),
        "{both}"
    );
    let lines = text(
        &rig.bare()
            .args(["--lang", "zh", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        lines.contains("云服务器") && !lines.contains("Cloud servers"),
        "{lines}"
    );
}
