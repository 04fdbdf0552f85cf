//! Command-line arguments of `cds-emulator`.

use cds_emulator::{Mode, Override};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `--help` text.
pub const HELP: &str = "\
cds-emulator: a stateful, spec-driven loopback emulator of the CDS, CECSTACK ECS and BridgX APIs

USAGE:
    cds-emulator [OPTIONS]

OPTIONS:
    --addr ADDR            address to serve (default 127.0.0.1:8080)
    --allow-non-loopback   required to serve on an address other than loopback
                           (the emulator accepts well-known credentials: never expose it)
    --lines A,B,...        product lines to serve (default: all)
    --latency DURATION     how long asynchronous tasks run before their change is visible
                           (default 1s; e.g. 0, 250ms, 2s)
    --seed N               seed of the generated ids (default 0)
    --state FILE           keep the resources in FILE: loaded before the port is bound; every
                           change journaled to FILE.journal and synced before it is answered
                           (survives kill -9); compacted into FILE as it grows and on exit
                           (Ctrl-C, SIGTERM, SIGHUP: stop accepting, finish, then save)
    --fault RULE           override answers (inject faults); repeatable. RULE is comma-separated
                           key=value: line=ccs,op=CreateInstance,p=0.2,times=5,status=503,
                           code=ServiceUnavailable,message=busy,retry-after=2,latency=150ms, or
                           the words malformed-json, non-json, truncate, close (every key
                           optional, p defaults to 1; an unknown line or operation is refused)
    --fault-seed N         seed of the fault draws (default 0): same seed, same faults
    --strict               accept each parameter only where the spec puts it (default:
                           compatible, a documented parameter is accepted in the query or body)
    --stateless            answer every operation with its documented example (no resources)
    --request-log N        keep the last N requests in memory (default 0: none)
    -h, --help             print this help
    -V, --version          print the version
";

/// Parsed arguments.
#[derive(Debug)]
pub struct Args {
    pub addr: SocketAddr,
    pub allow_non_loopback: bool,
    pub lines: Option<Vec<String>>,
    pub latency: Duration,
    pub seed: u64,
    pub state: Option<PathBuf>,
    pub faults: Vec<Override>,
    pub request_log: usize,
    pub fault_seed: u64,
    pub mode: Mode,
    pub stateless: bool,
    pub help: bool,
    pub version: bool,
}

/// Parses the process arguments (after the program name).
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut out = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        allow_non_loopback: false,
        lines: None,
        latency: Duration::from_secs(1),
        seed: 0,
        state: None,
        faults: Vec::new(),
        request_log: 0,
        fault_seed: 0,
        mode: Mode::Compatible,
        stateless: false,
        help: false,
        version: false,
    };
    let mut parser = lexopt::Parser::from_args(args);
    let text = |v: std::ffi::OsString| {
        v.into_string()
            .map_err(|_| "an argument is not UTF-8".to_string())
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => out.help = true,
            Short('V') | Long("version") => out.version = true,
            Long("addr") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.addr = v.parse().map_err(|e| format!("--addr {v:?}: {e}"))?;
            }
            Long("allow-non-loopback") => out.allow_non_loopback = true,
            Long("lines") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.lines = Some(
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                );
            }
            Long("latency") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.latency = cds_emulator::faults::parse_duration(&v)
                    .ok_or_else(|| format!("--latency {v:?} is not a duration (e.g. 250ms, 2s)"))?;
            }
            Long("seed") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?} is not a number"))?;
            }
            Long("fault-seed") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.fault_seed = v
                    .parse()
                    .map_err(|_| format!("--fault-seed {v:?} is not a number"))?;
            }
            Long("state") => {
                out.state = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
            }
            Long("fault") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.faults.push(Override::parse(&v)?);
            }
            Long("request-log") => {
                let v = text(parser.value().map_err(|e| e.to_string())?)?;
                out.request_log = v
                    .parse()
                    .map_err(|_| format!("--request-log {v:?} is not a number"))?;
            }
            Long("strict") => out.mode = Mode::Strict,
            Long("stateless") => out.stateless = true,
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn defaults_and_flags() {
        let a = args(&[]).unwrap();
        assert!(a.addr.ip().is_loopback());
        assert_eq!(a.mode, Mode::Compatible);
        let a = args(&[
            "--addr",
            "0.0.0.0:9000",
            "--allow-non-loopback",
            "--lines",
            "ccs,vpc",
            "--latency",
            "250ms",
            "--fault",
            "line=ccs,p=0.5,status=503",
            "--strict",
            "--seed",
            "9",
        ])
        .unwrap();
        assert_eq!(a.addr.port(), 9000);
        assert!(a.allow_non_loopback);
        assert_eq!(a.lines, Some(vec!["ccs".to_string(), "vpc".to_string()]));
        assert_eq!(a.latency, Duration::from_millis(250));
        assert_eq!(a.faults.len(), 1);
        assert_eq!(a.mode, Mode::Strict);
        assert_eq!(a.seed, 9);
        assert!(args(&["--help"]).unwrap().help);
        assert!(args(&["--addr", "nonsense"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        assert!(args(&["--fault", "p=7"]).is_err());
    }
}
