//! One invocation of `cds`: parse, dispatch, print, and turn every outcome into an exit code.

use crate::args::{self, Selection};
use crate::call;
use crate::check;
use crate::debug;
use crate::errors::{CliError, ErrorFormat};
use crate::input;
use crate::output::{self, Format, Query};
use crate::settings;
use crate::table::Command;
use clap::ArgMatches;
use serde_json::Value;
use std::ffi::OsString;
use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

/// Runs `cds` with `args` (the program name first) and returns its exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let mut argv: Vec<OsString> = args.into_iter().collect();
    // `cds help <line> <op>` is `cds <line> <op> --help`.
    if argv.get(1).is_some_and(|a| a == "help") {
        argv.remove(1);
        argv.push("--help".into());
    }
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let error_format = error_format_of(&words);
    if words
        .iter()
        .skip(1)
        .take_while(|w| *w != "--")
        .any(|w| w == "--debug")
    {
        debug::start();
    }
    match dispatch(argv, &words) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(error_format);
            ExitCode::from(e.exit_code())
        }
    }
}

/// `--error-format json`, found before parsing so that parse errors obey it too.
fn error_format_of(words: &[String]) -> ErrorFormat {
    let json = words
        .windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || words.iter().any(|w| w == "--error-format=json");
    if json {
        ErrorFormat::Json
    } else {
        ErrorFormat::Text
    }
}

fn dispatch(argv: Vec<OsString>, words: &[String]) -> Result<(), CliError> {
    let selection = args::select(words);
    let matches = match args::root(selection).try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return clap_outcome(e, error_format_of(words)),
    };
    match matches.subcommand() {
        Some(("configure", m)) => {
            let profile = m.get_one::<String>("profile").cloned();
            let what = match m.subcommand() {
                Some(("set", s)) => settings::Configure::Set(
                    s.get_one::<String>("key").cloned().unwrap_or_default(),
                    s.get_one::<String>("value").cloned().unwrap_or_default(),
                ),
                Some(("get", s)) => settings::Configure::Get(
                    s.get_one::<String>("key").cloned().unwrap_or_default(),
                ),
                Some(("list", _)) => settings::Configure::List,
                _ => {
                    let mut given = Vec::new();
                    for key in settings::keys() {
                        let flag = match key.role {
                            Some(crate::env::Role::Endpoint) => continue,
                            Some(_) => key.key.replace('_', "-"),
                            None => continue,
                        };
                        if let Ok(Some(v)) = m.try_get_one::<String>(&flag) {
                            given.push((flag, v.clone()));
                        }
                    }
                    if let Ok(Some(v)) = m.try_get_one::<String>("endpoint") {
                        given.push(("endpoint".into(), v.clone()));
                    }
                    for (flag, key) in [("output", "output"), ("max-attempts", "max_attempts")] {
                        if let Ok(Some(v)) =
                            m.try_get_raw(flag).map(|r| r.and_then(|mut r| r.next()))
                        {
                            given.push((key.into(), v.to_string_lossy().into_owned()));
                        }
                    }
                    settings::Configure::Write { given }
                }
            };
            if let Some(text) = settings::configure(profile, what)? {
                let mut out = std::io::stdout().lock();
                write!(out, "{text}")
                    .and_then(|()| {
                        if text.ends_with('\n') {
                            Ok(())
                        } else {
                            writeln!(out)
                        }
                    })
                    .map_err(output::io)?;
            }
            Ok(())
        }
        Some(("completion", m)) => {
            let shell = match m.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            let mut cmd = args::root(Selection {
                everything: true,
                ..Selection::default()
            });
            // Rendered into memory first: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cds", &mut script);
            std::io::stdout()
                .lock()
                .write_all(&script)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::BrokenPipe => CliError::OutputClosed,
                    _ => CliError::Call(format!("writing the output: {e}")),
                })
        }
        Some((name, lm)) => {
            let line = selection
                .line
                .filter(|l| l.name() == name)
                .ok_or_else(|| CliError::Usage(format!("unknown product line {name}")))?;
            let Some((command, om)) = lm.subcommand() else {
                return Err(CliError::Usage(format!("cds {name}: name an operation")));
            };
            let cmd = Command::find(line.name(), command).ok_or_else(|| {
                CliError::Usage(format!("cds {name}: unknown operation {command}"))
            })?;
            run_op(cmd, om)
        }
        None => Err(CliError::Usage(
            "name a product line (see cds --help)".into(),
        )),
    }
}

/// Help and version go to stdout with exit 0; anything else is a usage error (exit 2).
fn clap_outcome(e: clap::Error, format: ErrorFormat) -> Result<(), CliError> {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            Ok(())
        }
        _ if format == ErrorFormat::Text => {
            let _ = e.print();
            Err(CliError::UsagePrinted)
        }
        _ => {
            let text = e.render().to_string();
            let text = text.trim().trim_start_matches("error: ");
            Err(CliError::Usage(text.to_string()))
        }
    }
}

fn run_op(cmd: Command, m: &ArgMatches) -> Result<(), CliError> {
    let line = cmd.line;
    let meta = cmd.meta;
    let stdout = std::io::stdout();
    let pretty = stdout.is_terminal();
    let mut out = stdout.lock();
    let format = m
        .get_one::<String>("output")
        .and_then(|s| Format::parse(s))
        .unwrap_or_default();
    if let Some(which) = m.get_one::<String>("generate-skeleton") {
        let which = if which == "required" {
            check::Skeleton::Required
        } else {
            check::Skeleton::All
        };
        return output::print(&mut out, &check::skeleton(&cmd, which), format, true);
    }
    let query = match m.get_one::<String>("query") {
        Some(q) => Some(Query::compile(q)?),
        None => None,
    };
    let mut input = match m.get_one::<String>("input-json") {
        Some(source) => input::read_input_json(source)?,
        None => serde_json::Map::new(),
    };
    input::merge_flags(&cmd, m, &mut input);
    let max_items = flag_value::<u64>(m, "max-items");
    let starting_token = match flag_value::<String>(m, "starting-token") {
        Some(t) => Some(call::Token::parse(&t)?),
        None => None,
    };
    let all_pages = meta.pagination.is_some()
        && (flag(m, "all-pages") || max_items.is_some() || starting_token.is_some());
    let except: Vec<&str> = match (meta.pagination, all_pages) {
        (Some(p), true) => vec![p.page, p.size],
        _ => Vec::new(),
    };
    let flag_of = |name: &str| cmd.op.flag(name).map(|f| f.flag.to_string());
    let problems = check::input(&cmd, &mut input, &except, &flag_of);
    if !problems.0.is_empty() {
        return Err(CliError::Usage(format!(
            "the input of {} is not valid (nothing was sent):\n  {}\nsee `cds help {} {}`",
            meta.name,
            problems.0.join("\n  "),
            line.name(),
            cmd.op.command
        )));
    }
    let wait = flag(m, "wait");
    let describe = if flag(m, "describe") {
        Some(call::describe_plan(line, meta).ok_or_else(|| {
            CliError::Usage(format!(
                "--describe: the spec links {} to no resource it could show",
                meta.name
            ))
        })?)
    } else {
        None
    };
    let flags = |name: &str| m.try_get_one::<String>(name).ok().flatten().cloned();
    let resolved = settings::resolve(line, m.get_one::<String>("profile").cloned(), &flags)?;
    call::require_settings(line, &resolved)?;
    let format = match (m.get_one::<String>("output"), resolved.cli("output")) {
        (None, Some(profile_output)) => Format::parse(profile_output).unwrap_or(format),
        _ => format,
    };
    let timeout = m.get_one::<u64>("timeout").map(|s| Duration::from_secs(*s));
    let max_attempts = match m.get_one::<u32>("max-attempts") {
        Some(n) => Some(*n),
        None => match std::env::var("CDS_MAX_ATTEMPTS") {
            Ok(v) if !v.trim().is_empty() => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=20).contains(n))
                    .ok_or_else(|| {
                        CliError::Usage(format!("CDS_MAX_ATTEMPTS={v:?} is not a number in 1..=20"))
                    })?,
            ),
            _ => resolved.cli("max_attempts").and_then(|v| v.parse().ok()),
        },
    };
    let config = call::config(line, &resolved, timeout, max_attempts)?;
    if let (Some(token), Some(paging)) = (&starting_token, meta.pagination) {
        input.insert(
            paging.page.into(),
            typed_number(&cmd, paging.page, token.page),
        );
        if let Some(size) = token.size {
            input.insert(paging.size.into(), typed_number(&cmd, paging.size, size));
        }
    }
    let input = Value::Object(input);
    if meta.websocket {
        let url = call::websocket_url(&config, meta, input)?;
        return output::print(&mut out, &Value::String(url), format, pretty);
    }
    if m.get_flag("dry-run") || debug::on() {
        let request = call::prepare(&config, line, meta, input.clone())?;
        if m.get_flag("dry-run") {
            if format == Format::Text && query.is_none() {
                return write!(out, "{request}")
                    .and_then(|()| writeln!(out))
                    .map_err(output::io);
            }
            let shown = call::request_value(&request);
            let shown = match &query {
                Some(q) => q.apply(&shown)?,
                None => shown,
            };
            return output::print(&mut out, &shown, format, true);
        }
        debug::line(&format!(
            "request (as prepared; each attempt is signed anew):\n{request}"
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Call(format!("cannot start the runtime: {e}")))?;
    let started = std::time::Instant::now();
    let answer = match (all_pages, meta.pagination) {
        (true, Some(paging)) => {
            let walk = call::Walk {
                skip: starting_token.map_or(0, |t| t.skip),
                max_items,
            };
            runtime.block_on(call::all_pages(&config, line, meta, paging, input, walk))
        }
        _ => runtime.block_on(call::execute(&config, line, meta, input)),
    };
    if debug::on() {
        match &answer {
            Ok(a) => debug::line(&format!(
                "answer: HTTP {}, request id {}, attempts {}, {:.1} ms",
                a.status,
                a.request_id.as_deref().unwrap_or("none"),
                debug::attempts(),
                started.elapsed().as_secs_f64() * 1000.0
            )),
            Err(e) => debug::line(&format!(
                "failed after {:.1} ms: {e}",
                started.elapsed().as_secs_f64() * 1000.0
            )),
        }
    }
    let answer = answer?;
    let mut answer = answer;
    if let (true, Some(task)) = (wait || describe.is_some(), &meta.task) {
        let initial = flag_value::<f64>(m, "wait-interval").unwrap_or(DEFAULT_WAIT_INTERVAL);
        let deadline = flag_value::<u64>(m, "wait-timeout").unwrap_or(1800);
        let spinner = progress(meta.name);
        let id = call::task_id(task, &answer.body)?;
        let options = cds_core::WaitOptions::default()
            .poll_interval(
                Duration::from_secs_f64(initial),
                Duration::from_secs(20).max(Duration::from_secs_f64(initial)),
            )
            .deadline(Duration::from_secs(deadline));
        let done = runtime.block_on(call::wait(&config, line, task, id, options));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        let done = done?;
        debug::line(&format!("task finished: {done}"));
        let finished = call::Answer {
            body: done,
            status: answer.status,
            request_id: answer.request_id.clone(),
        };
        answer = match describe {
            Some(plan) => {
                let id = plan
                    .resource_id(&answer.body, &finished.body)
                    .ok_or_else(|| {
                        CliError::Call(format!(
                            "the task finished but names no {} id to describe; it answered {}",
                            plan.family, finished.body
                        ))
                    })?;
                runtime.block_on(call::execute(&config, line, plan.op, plan.input(&id)))?
            }
            None => finished,
        };
    }
    let shown_paging = if wait || describe.is_some() {
        None
    } else {
        meta.pagination
    };
    let shown = match (&query, format, shown_paging) {
        (Some(q), _, _) => q.apply(&answer.body)?,
        (None, Format::Table, Some(p)) => {
            answer.body.pointer(p.items).cloned().unwrap_or(answer.body)
        }
        _ => answer.body,
    };
    output::print(&mut out, &shown, format, pretty)
}

/// First delay between polls of `--wait` (then growing by half each poll, to 20 s): short,
/// so that a short task is seen finished at once.
const DEFAULT_WAIT_INTERVAL: f64 = 0.5;

/// `n` as the parameter `name` of `cmd` takes it (text or number).
fn typed_number(cmd: &Command, name: &str, n: i64) -> Value {
    match cmd.param(name).map(|p| &p.shape) {
        Some(cds_core::operation::Shape::String) => Value::String(n.to_string()),
        _ => Value::from(n),
    }
}

/// A spinner on stderr while waiting, on a terminal only.
fn progress(op: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("{op}: waiting for the task to finish"));
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// A flag that only some operations define (`--wait`, `--all-pages`): false when absent.
fn flag(m: &ArgMatches, id: &str) -> bool {
    matches!(m.try_get_one::<bool>(id), Ok(Some(true)))
}

/// A value that only some operations define: `None` when absent.
fn flag_value<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    m.try_get_one::<T>(id).ok().flatten().cloned()
}
