//! `cds conformance`: a live, read-only sweep of the real service against the spec.
//!
//! It calls only operations whose `meta` says `read: true`, in an order where every required
//! input is found in an earlier answer (regions, then VDCs, then instances …), rate-limited,
//! signing with the runtime as every call does, and stops at the first authentication
//! failure. Every answer is recorded into a bundle directory, redacted (secrets and passwords
//! always; IP addresses and names on request, `--redact-ips`, `--redact-names`), with a
//! manifest of the calls. The report compares the answers with the operations' output shapes
//! in `meta`: fields answered but not in the spec, values the SDK cannot decode as the
//! declared type, documented fields never seen. `--answers DIR` replays a bundle without any
//! network, giving the same report.

use crate::call;
use crate::errors::CliError;
use crate::settings;
use crate::table::Line;
use cds_core::de::{FromScalar, Scalar};
use cds_core::operation::{Field, Location, Operation, Shape, Struct};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The bundle's format version.
pub const BUNDLE_VERSION: u64 = 1;

/// The `conformance` command.
pub fn command() -> Command {
    Command::new("conformance")
        .about("Read-only sweep of the live service against the spec; records a redacted bundle and reports drift")
        .long_about(
            "Calls every read-only operation it can (ids found in list answers feed later calls), \
             rate-limited, stopping at the first authentication failure; records every answer \
             redacted (secrets and passwords always; --redact-ips, --redact-names) into --out, \
             and reports per operation: fields answered but not in the spec, values whose type \
             differs from the spec's (the SDK could not decode them), documented fields never \
             seen. --answers DIR replays a recorded bundle without any network. Nothing is ever \
             written to the service.",
        )
        .arg(
            Arg::new("line")
                .long("line")
                .value_name("LINE")
                .action(ArgAction::Append)
                .help("Sweep this line (repeatable; default: every line whose credentials are configured)"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .default_value("cds-conformance")
                .help("Where the bundle is written (answers, manifest.json, report.json)"),
        )
        .arg(
            Arg::new("answers")
                .long("answers")
                .value_name("DIR")
                .help("Replay a recorded bundle: no network, the report only"),
        )
        .arg(
            Arg::new("plan")
                .long("plan")
                .action(ArgAction::SetTrue)
                .conflicts_with("answers")
                .help("Print the order of calls and where each input comes from; call nothing"),
        )
        .arg(
            Arg::new("rate")
                .long("rate")
                .value_name("PER_SECOND")
                .default_value("2")
                .value_parser(clap::value_parser!(f64))
                .help("Requests per second at most"),
        )
        .arg(
            Arg::new("max-calls")
                .long("max-calls")
                .value_name("N")
                .default_value("500")
                .value_parser(clap::value_parser!(u64))
                .help("Stop after this many calls"),
        )
        .arg(
            Arg::new("redact-ips")
                .long("redact-ips")
                .action(ArgAction::SetTrue)
                .help("Replace IP addresses in the recorded answers"),
        )
        .arg(
            Arg::new("redact-names")
                .long("redact-names")
                .action(ArgAction::SetTrue)
                .help("Replace the values of *Name fields in the recorded answers"),
        )
}

/// One step of a sweep: an operation and, for each required input, the earlier operation
/// whose answer holds a field of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The operation.
    pub op: &'static str,
    /// Required parameter → the operation whose answer provides it.
    pub inputs: Vec<(&'static str, &'static str)>,
}

/// Every field name reachable from `s`.
fn field_names(s: &Struct, out: &mut BTreeSet<&'static str>, seen: &mut Vec<&'static str>) {
    if seen.contains(&s.name) {
        return;
    }
    seen.push(s.name);
    for f in s.fields {
        out.insert(f.name);
        let mut shape = &f.shape;
        while let Shape::List(inner) | Shape::Map(inner) = shape {
            shape = inner;
        }
        if let Shape::Struct(inner) = shape {
            field_names(inner, out, seen);
        }
    }
}

/// Whether the sweep may call `op`: a read (never a write), JSON, not a WebSocket, current.
fn sweepable(op: &Operation) -> bool {
    op.read && !op.websocket && !op.binary_response && op.deprecated.is_none()
}

/// The read operations of `line` in an order where every required input is answered by an
/// earlier step; and those that cannot be reached that way.
pub fn plan(line: &Line) -> (Vec<Step>, Vec<&'static str>) {
    let reads: Vec<&'static Operation> = line
        .meta
        .operations
        .iter()
        .copied()
        .filter(|o| sweepable(o))
        .collect();
    let mut provides: BTreeMap<&'static str, &'static str> = BTreeMap::new();
    let mut steps = Vec::new();
    let mut done: BTreeSet<&'static str> = BTreeSet::new();
    loop {
        let mut progressed = false;
        for op in &reads {
            if done.contains(op.name) {
                continue;
            }
            let inputs: Option<Vec<(&'static str, &'static str)>> = op
                .params
                .iter()
                .filter(|p| p.required && p.location != Location::Header)
                .map(|p| provides.get(p.name).map(|src| (p.name, *src)))
                .collect();
            if let Some(inputs) = inputs {
                done.insert(op.name);
                let mut names = BTreeSet::new();
                field_names(op.output, &mut names, &mut Vec::new());
                for n in names {
                    provides.entry(n).or_insert(op.name);
                }
                steps.push(Step {
                    op: op.name,
                    inputs,
                });
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    let unreachable = reads
        .iter()
        .filter(|o| !done.contains(o.name))
        .map(|o| o.name)
        .collect();
    (steps, unreachable)
}

/// `--plan`: per line, the calls in order (each required input and the operation whose answer
/// gives it) and the reads no earlier answer can feed.
fn plans(lines: &[&'static Line]) -> Value {
    let per_line: Vec<Value> = lines
        .iter()
        .map(|line| {
            let (steps, unreachable) = plan(line);
            let steps: Vec<Value> = steps
                .iter()
                .map(|s| {
                    let inputs: Map<String, Value> = s
                        .inputs
                        .iter()
                        .map(|(param, src)| (param.to_string(), Value::from(*src)))
                        .collect();
                    json!({"operation": s.op, "inputs": inputs})
                })
                .collect();
            json!({"line": line.name(), "calls": steps, "unreachable": unreachable})
        })
        .collect();
    Value::Array(per_line)
}

/// The first value of field `name` in `v`, depth first (a scalar, or the first scalar of a
/// list).
fn find_value(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Object(map) => {
            if let Some(found) = map.get(name) {
                match found {
                    Value::String(s) if !s.is_empty() => return Some(found.clone()),
                    Value::Number(_) => return Some(found.clone()),
                    Value::Array(items) => {
                        if let Some(first) = items
                            .iter()
                            .find(|i| matches!(i, Value::String(_) | Value::Number(_)))
                        {
                            return Some(first.clone());
                        }
                    }
                    _ => {}
                }
            }
            map.values().find_map(|x| find_value(x, name))
        }
        Value::Array(items) => items.iter().find_map(|x| find_value(x, name)),
        _ => None,
    }
}

/// Redaction of a recorded answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Replace IP addresses.
    pub ips: bool,
    /// Replace the values of `*Name` fields.
    pub names: bool,
    /// The configured credentials (secret key, token, auth header and its value): replaced
    /// wherever they appear in a recorded string, whatever the field.
    pub secrets: Vec<String>,
}

/// Parts of field names that mark a secret in a recorded answer, beyond the runtime's exact
/// names (`AdminPassword`, `VncPasswd`, `AccessToken`, `PrivateKey` …).
const SECRET_PARTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "privatekey",
    "private_key",
    "credential",
    "userdata",
    "user_data",
];

/// Whether a recorded field named `key` is hidden.
fn secret_key(key: &str, sensitive: &[&str]) -> bool {
    let lower = key.to_ascii_lowercase();
    cds_core::redact::is_sensitive(key, sensitive) || SECRET_PARTS.iter().any(|p| lower.contains(p))
}

/// `s` with every configured credential replaced.
fn scrub(s: &str, secrets: &[String]) -> String {
    let mut out = s.to_string();
    for secret in secrets {
        if secret.len() >= 4 && out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), cds_core::redact::REDACTED);
        }
    }
    out
}

/// What a secret, an IP or a name is replaced with: the same JSON type, so that the report of
/// a redacted bundle is the report of the answers.
fn blank(v: &Value, text: &str) -> Value {
    match v {
        Value::String(_) => Value::String(text.into()),
        Value::Number(_) => Value::from(0),
        Value::Bool(_) => Value::Bool(false),
        Value::Null => Value::Null,
        Value::Array(items) => Value::Array(items.iter().map(|i| blank(i, text)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, i)| (k.clone(), blank(i, text)))
                .collect(),
        ),
    }
}

/// `v` redacted: the line's sensitive fields, the runtime's always-sensitive names, any field
/// whose name holds a secret's mark and the configured credentials always; IP addresses and
/// names as asked.
pub fn redact(v: &Value, sensitive: &[&str], how: &Redaction) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, x)| {
                    let shown = if secret_key(k, sensitive) {
                        blank(x, cds_core::redact::REDACTED)
                    } else if how.names && k.to_ascii_lowercase().ends_with("name") {
                        match x {
                            Value::String(_) | Value::Array(_) => blank(x, "<name>"),
                            other => redact(other, sensitive, how),
                        }
                    } else {
                        redact(x, sensitive, how)
                    };
                    (k.clone(), shown)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|x| redact(x, sensitive, how)).collect())
        }
        Value::String(s) => {
            let s = scrub(s, &how.secrets);
            Value::String(if how.ips { redact_ips(&s) } else { s })
        }
        other => other.clone(),
    }
}

/// Every IPv4 or IPv6 address in `s` replaced by a documentation address (192.0.2.0,
/// 2001:db8::), a network's prefix length kept.
pub fn redact_ips(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let t = token.trim_matches(|c| c == '.' || c == ':');
        let (lead, rest) = token.split_at(token.find(t).unwrap_or(0));
        let tail = &rest[t.len()..];
        match t.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => {
                out.push_str(lead);
                out.push_str("192.0.2.0");
                out.push_str(tail);
            }
            Ok(std::net::IpAddr::V6(_)) if t.contains(':') => {
                out.push_str(lead);
                out.push_str("2001:db8::");
                out.push_str(tail);
            }
            // An IPv4 address with a port (`1.2.3.4:80`).
            _ if t.contains('.') => {
                let pieces: Vec<String> = token
                    .split(':')
                    .map(|piece| {
                        let core = piece.trim_matches('.');
                        if core.parse::<std::net::Ipv4Addr>().is_ok() {
                            piece.replacen(core, "192.0.2.0", 1)
                        } else {
                            piece.to_string()
                        }
                    })
                    .collect();
                out.push_str(&pieces.join(":"));
            }
            _ => out.push_str(token),
        }
        token.clear();
    };
    for c in s.chars() {
        if c.is_ascii_hexdigit() || c == '.' || c == ':' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    /// `unknown` (answered, not in the spec), `type` (the SDK cannot decode it as declared),
    /// `never` (documented, in no answer although its parent object came).
    pub kind: &'static str,
    /// Path of JSON-pointer segments, `*` for any array index or map key.
    pub path: String,
    /// What was declared and what came.
    pub detail: String,
}

#[derive(Default)]
struct Walk {
    seen: BTreeSet<String>,
    declared: BTreeMap<String, String>,
    objects: BTreeSet<String>,
    drift: BTreeSet<Drift>,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn scalar(v: &Value) -> Option<Scalar> {
    Some(match v {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Scalar::Int(i),
            (None, Some(u)) => Scalar::UInt(u),
            _ => Scalar::Float(n.as_f64()?),
        },
        Value::String(s) => Scalar::Str(s.clone()),
        _ => return None,
    })
}

impl Walk {
    fn fields(
        &mut self,
        fields: &'static [Field],
        obj: &Map<String, Value>,
        path: &str,
        skip: &[&str],
    ) {
        self.objects.insert(path.to_string());
        let mut flat: Vec<&Field> = Vec::new();
        for f in fields {
            match (f.flatten, &f.shape) {
                (true, Shape::Struct(s)) => flat.extend(s.fields.iter()),
                _ => flat.push(f),
            }
        }
        for f in &flat {
            let p = format!("{path}/{}", f.name);
            self.declared
                .entry(p.clone())
                .or_insert_with(|| path.to_string());
            if let Some(v) = obj.get(f.name) {
                self.seen.insert(p.clone());
                self.value(&f.shape, v, &p);
            }
        }
        for (k, v) in obj {
            if skip.iter().any(|s| s.eq_ignore_ascii_case(k)) || flat.iter().any(|f| f.name == k) {
                continue;
            }
            self.drift.insert(Drift {
                kind: "unknown",
                path: format!("{path}/{k}"),
                detail: format!("answered {}, not in the spec", kind_of(v)),
            });
        }
    }

    fn value(&mut self, shape: &'static Shape, v: &Value, path: &str) {
        let empty = matches!(v, Value::Null) || v.as_str() == Some("");
        let ok = match shape {
            Shape::Any => true,
            _ if matches!(v, Value::Null) => true,
            Shape::String => scalar(v).is_some_and(|s| String::from_scalar(s).is_ok()),
            Shape::Integer => scalar(v).is_some_and(|s| i64::from_scalar(s).is_ok()),
            Shape::Number => scalar(v).is_some_and(|s| f64::from_scalar(s).is_ok()),
            Shape::Boolean => scalar(v).is_some_and(|s| bool::from_scalar(s).is_ok()),
            Shape::Enum(_) => scalar(v).is_some(),
            Shape::List(inner) => match v {
                Value::Array(items) => {
                    for item in items {
                        self.value(inner, item, &format!("{path}/*"));
                    }
                    true
                }
                _ => empty,
            },
            Shape::Map(inner) => match v {
                Value::Object(m) => {
                    for item in m.values() {
                        self.value(inner, item, &format!("{path}/*"));
                    }
                    true
                }
                _ => empty,
            },
            Shape::Struct(s) => match v {
                Value::Object(m) => {
                    self.fields(s.fields, m, path, &[]);
                    true
                }
                Value::Array(items) => items.is_empty(),
                _ => empty,
            },
        };
        if !ok {
            let shown: String = v.to_string().chars().take(40).collect();
            self.drift.insert(Drift {
                kind: "type",
                path: path.to_string(),
                detail: format!(
                    "declared {}, answered {} {shown}",
                    crate::help::short_type(shape),
                    kind_of(v)
                ),
            });
        }
    }
}

/// The drift of `answers` (whole bodies) of `op` of `line` from its output shape.
pub fn drift(line: &Line, op: &Operation, answers: &[Value]) -> Vec<Drift> {
    let envelope = &line.meta.service.envelope;
    // The envelope's members as the runtime reads them: any case, and the message aliases.
    let mut skip: Vec<&str> = vec![envelope.code, envelope.message];
    skip.extend(envelope.request_id);
    skip.extend(cds_core::envelope::MESSAGE_ALIASES);
    let mut walk = Walk::default();
    for answer in answers {
        match answer {
            Value::Object(m) => walk.fields(op.output.fields, m, "", &skip),
            other => {
                // A bare answer is the payload.
                if let Some(f) = op.output.fields.iter().find(|f| f.name == envelope.data) {
                    let p = format!("/{}", f.name);
                    walk.seen.insert(p.clone());
                    walk.objects.insert(String::new());
                    walk.value(&f.shape, other, &p);
                }
            }
        }
    }
    let mut out: Vec<Drift> = walk.drift.into_iter().collect();
    for (path, parent) in &walk.declared {
        if !walk.seen.contains(path) && walk.objects.contains(parent) {
            out.push(Drift {
                kind: "never",
                path: path.clone(),
                detail: "documented, in no answer".into(),
            });
        }
    }
    out.sort();
    out
}

/// One call of a sweep, as the manifest records it.
fn record(line: &str, op: &str, input: &Value, outcome: &str, extra: Value) -> Value {
    let mut v = json!({"line": line, "operation": op, "input": input, "outcome": outcome});
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

/// Whether `e` says the credentials were refused (the sweep stops there).
fn auth_failure(e: &cds_core::Error) -> bool {
    let (status, code) = match e {
        cds_core::Error::Service(s) => (s.status, s.code.to_ascii_lowercase()),
        cds_core::Error::Http { status, .. } => (*status, String::new()),
        _ => return false,
    };
    status == 401
        || status == 403
        || [
            "signature",
            "accesskey",
            "unauthori",
            "authenticat",
            "authfail",
            "invalidtoken",
            "tokenexpired",
        ]
        .iter()
        .any(|w| code.contains(w))
}

/// `cds conformance …`.
pub fn run(m: &ArgMatches, flags: &dyn Fn(&str) -> Option<String>) -> Result<Value, CliError> {
    let lines: Vec<&'static Line> = match m.get_many::<String>("line") {
        Some(names) => names
            .map(|n| {
                crate::table::line(n).ok_or_else(|| {
                    let hint = crate::suggest::hint(n, crate::table::line_names());
                    CliError::Usage(format!("--line: no line {n:?}{hint}"))
                })
            })
            .collect::<Result<_, _>>()?,
        None => crate::generated::LINES.to_vec(),
    };
    if let Some(dir) = m.get_one::<String>("answers") {
        return replay(Path::new(dir), &lines);
    }
    if m.get_flag("plan") {
        return Ok(plans(&lines));
    }
    let out = PathBuf::from(m.get_one::<String>("out").cloned().unwrap_or_default());
    let mut how = Redaction {
        ips: m.get_flag("redact-ips"),
        names: m.get_flag("redact-names"),
        secrets: Vec::new(),
    };
    let rate = m.get_one::<f64>("rate").copied().unwrap_or(2.0);
    if !(rate > 0.0 && rate.is_finite()) {
        return Err(CliError::Usage("--rate must be above 0".into()));
    }
    let max_calls = m.get_one::<u64>("max-calls").copied().unwrap_or(500);
    let explicit = m.get_many::<String>("line").is_some();
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::Usage(format!("--out {}: {e}", out.display())))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Call(format!("cannot start the runtime: {e}")))?;
    let mut calls: Vec<Value> = Vec::new();
    let mut skipped_lines: Vec<Value> = Vec::new();
    let mut made = 0u64;
    let mut stopped: Option<String> = None;
    'lines: for line in &lines {
        let resolved = settings::resolve(line, m.get_one::<String>("profile").cloned(), flags)?;
        if let Err(e) = call::require_settings(line, &resolved) {
            if explicit {
                return Err(e);
            }
            skipped_lines.push(json!({"line": line.name(), "why": e.to_string()}));
            continue;
        }
        let env = &line.meta.env;
        for var in [env.secret_key, env.token, env.auth_header]
            .into_iter()
            .flatten()
        {
            if let Some(value) = resolved.get(var) {
                how.secrets.push(value.to_string());
                // The auth header's value alone too (`Name: value`).
                if let Some((_, v)) = value.split_once(':') {
                    how.secrets.push(v.trim().to_string());
                }
            }
        }
        let config = call::builder(line, &resolved)?
            .rate_limit(cds_core::RateLimit::new(rate, 1))
            .build()
            .map_err(|e| CliError::Usage(e.to_string()))?;
        let client = cds_core::ServiceClient::new(&config, line.meta.service);
        let sensitive = line.meta.service.sensitive_fields;
        let (steps, unreachable) = plan(line);
        for op in unreachable {
            calls.push(record(
                line.name(),
                op,
                &Value::Null,
                "skipped: a required input is in no earlier answer",
                json!({}),
            ));
        }
        let mut answers: BTreeMap<&'static str, Value> = BTreeMap::new();
        for step in steps {
            let Some(op) = line.meta.operation(step.op) else {
                continue;
            };
            debug_assert!(op.read, "the sweep calls reads only");
            let mut input = Map::new();
            let mut missing = None;
            for (param, source) in &step.inputs {
                let value = answers.get(source).and_then(|a| find_value(a, param));
                let Some(value) = value else {
                    missing = Some(format!("skipped: no {param} in the answer of {source}"));
                    break;
                };
                let is_list = op
                    .params
                    .iter()
                    .find(|p| p.name == *param)
                    .is_some_and(|p| matches!(p.shape, Shape::List(_)));
                let value = match (
                    &op.params
                        .iter()
                        .find(|p| p.name == *param)
                        .map(|p| &p.shape),
                    value,
                ) {
                    (Some(Shape::String), Value::Number(n)) => Value::String(n.to_string()),
                    (_, v) => v,
                };
                input.insert(
                    param.to_string(),
                    if is_list {
                        Value::Array(vec![value])
                    } else {
                        value
                    },
                );
            }
            let shown_input = redact(&Value::Object(input.clone()), sensitive, &how);
            if let Some(why) = missing {
                calls.push(record(line.name(), op.name, &shown_input, &why, json!({})));
                continue;
            }
            if made >= max_calls {
                stopped = Some(format!("stopped after --max-calls {max_calls}"));
                break 'lines;
            }
            made += 1;
            match runtime.block_on(client.execute_value(op, Value::Object(input))) {
                Ok(answer) => {
                    let file = format!("{}/{}.json", line.name(), op.name);
                    let (status, request_id) = (answer.status, answer.request_id.clone());
                    let body = answer.into_raw();
                    let recorded = redact(&body, sensitive, &how);
                    write_json(&out.join(&file), &recorded)?;
                    calls.push(record(
                        line.name(),
                        op.name,
                        &shown_input,
                        "answered",
                        json!({"status": status, "request_id": request_id, "file": file}),
                    ));
                    answers.insert(op.name, body);
                }
                Err(e) => {
                    let auth = auth_failure(&e);
                    calls.push(record(
                        line.name(),
                        op.name,
                        &shown_input,
                        &scrub(&format!("failed: {e}"), &how.secrets),
                        json!({}),
                    ));
                    if auth {
                        stopped = Some(scrub(
                            &format!("authentication failed on {} {}: {e}", line.name(), op.name),
                            &how.secrets,
                        ));
                        break 'lines;
                    }
                }
            }
        }
    }
    let manifest = json!({
        "format": "cds-conformance",
        "version": BUNDLE_VERSION,
        "cds": env!("CARGO_PKG_VERSION"),
        "redaction": {"secrets": true, "ips": how.ips, "names": how.names},
        "lines": lines.iter().map(|l| l.name()).collect::<Vec<_>>(),
        "skipped_lines": skipped_lines,
        "stopped": stopped,
        "calls": calls,
    });
    write_json(&out.join("manifest.json"), &manifest)?;
    let report = report(&out, &lines, &manifest)?;
    write_json(&out.join("report.json"), &report)?;
    if let Some(why) = stopped.filter(|w| w.starts_with("authentication")) {
        return Err(CliError::Call(format!(
            "{why}; the sweep stopped there (bundle and report in {})",
            out.display()
        )));
    }
    Ok(report)
}

fn write_json(path: &Path, v: &Value) -> Result<(), CliError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Call(format!("cannot create {}: {e}", dir.display())))?;
    }
    let text = serde_json::to_string_pretty(v).map_err(|e| CliError::Call(e.to_string()))?;
    std::fs::write(path, text + "\n")
        .map_err(|e| CliError::Call(format!("cannot write {}: {e}", path.display())))
}

fn read_json(path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{}: not JSON: {e}", path.display())))
}

/// The report of a bundle: per operation with answers, its drift; and what was not called.
fn report(dir: &Path, lines: &[&'static Line], manifest: &Value) -> Result<Value, CliError> {
    let mut operations = Vec::new();
    let mut not_answered = Vec::new();
    let mut total = 0;
    let mut kinds: BTreeMap<&'static str, usize> = [("unknown", 0), ("type", 0), ("never", 0)]
        .into_iter()
        .collect();
    let calls = manifest["calls"].as_array().cloned().unwrap_or_default();
    for call in &calls {
        let (Some(line), Some(op)) = (call["line"].as_str(), call["operation"].as_str()) else {
            continue;
        };
        let Some(line) = lines.iter().find(|l| l.name() == line) else {
            continue;
        };
        let Some(file) = call["file"].as_str() else {
            not_answered
                .push(json!({"line": line.name(), "operation": op, "outcome": call["outcome"]}));
            continue;
        };
        let Some(meta) = line.meta.operation(op) else {
            return Err(CliError::Usage(format!(
                "the bundle names {} {op}, which this cds does not know",
                line.name()
            )));
        };
        let answer = read_json(&dir.join(file))?;
        let found = drift(line, meta, &[answer]);
        total += found.len();
        for d in &found {
            *kinds.entry(d.kind).or_default() += 1;
        }
        operations.push(json!({
            "line": line.name(),
            "operation": op,
            "drift": found.iter().map(|d| json!({"kind": d.kind, "path": d.path, "detail": d.detail})).collect::<Vec<_>>(),
        }));
    }
    Ok(json!({
        "answered": operations.len(),
        "drift": total,
        "by_kind": kinds,
        "operations": operations,
        "not_answered": not_answered,
        "stopped": manifest["stopped"],
    }))
}

/// `--answers DIR`: the report of a recorded bundle.
fn replay(dir: &Path, lines: &[&'static Line]) -> Result<Value, CliError> {
    let manifest = read_json(&dir.join("manifest.json"))?;
    if manifest["format"] != "cds-conformance" {
        return Err(CliError::Usage(format!(
            "{} is not a cds conformance bundle (no manifest.json of format cds-conformance)",
            dir.display()
        )));
    }
    let recorded: Vec<&'static Line> = match manifest["lines"].as_array() {
        Some(names) => names
            .iter()
            .filter_map(|n| n.as_str().and_then(crate::table::line))
            .filter(|l| lines.iter().any(|x| x.name() == l.name()))
            .collect(),
        None => lines.to_vec(),
    };
    report(dir, &recorded, &manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_calls_reads_only_each_input_answered_earlier() {
        for line in crate::generated::LINES {
            let (steps, _) = plan(line);
            let mut before: Vec<&str> = Vec::new();
            for step in &steps {
                let op = line.meta.operation(step.op).unwrap();
                assert!(op.read && !op.websocket, "{} {}", line.name(), op.name);
                for (param, source) in &step.inputs {
                    assert!(
                        before.contains(source),
                        "{}: {param} from {source}",
                        op.name
                    );
                }
                before.push(step.op);
            }
        }
        let ccs = crate::table::line("ccs").unwrap();
        let (steps, _) = plan(ccs);
        let names: Vec<&str> = steps.iter().map(|s| s.op).collect();
        assert!(names.contains(&"DescribeInstances"), "{names:?}");
    }

    #[test]
    fn redaction_keeps_types_and_hides_secrets_ips_and_names() {
        let v = json!({"Password": "hunter2", "Data": [{"InstanceName": "web-1", "PrivateIp": "10.1.2.3",
                        "Cidr": "10.0.0.0/24 and fe80::1", "Port": 22, "Token": 7}]});
        let how = Redaction {
            ips: true,
            names: true,
            secrets: vec!["s3cr3t-key".into()],
        };
        let v2 = json!({"Echo": "key=s3cr3t-key", "AdminPassword": "x", "NextToken": 3});
        let r2 = redact(&v2, &[], &how);
        assert_eq!(r2["Echo"], format!("key={}", cds_core::redact::REDACTED));
        assert_eq!(r2["AdminPassword"], cds_core::redact::REDACTED);
        assert_eq!(r2["NextToken"], 0);
        let r = redact(&v, &[], &how);
        let text = r.to_string();
        for hidden in ["hunter2", "web-1", "10.1.2.3", "10.0.0.0", "fe80::1"] {
            assert!(!text.contains(hidden), "{hidden}: {text}");
        }
        assert_eq!(r["Data"][0]["Cidr"], "192.0.2.0/24 and 2001:db8::");
        assert_eq!(r["Data"][0]["Port"], 22);
        assert_eq!(r["Data"][0]["Token"], 0);
        let kept = redact(&v, &[], &Redaction::default());
        assert_eq!(kept["Data"][0]["InstanceName"], "web-1");
        assert_eq!(kept["Password"], cds_core::redact::REDACTED);
        assert_eq!(redact_ips("v1.2 at 1.2.3.4:80."), "v1.2 at 192.0.2.0:80.");
    }
}
