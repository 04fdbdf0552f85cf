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
    if argv.get(1).is_some_and(|a| a == "__complete") {
        return complete(&argv);
    }
    // `cds help globals`; `cds help <line> <op>` is `cds <line> <op> --help`.
    if argv.get(1).is_some_and(|a| a == "help") {
        if argv.get(2).is_some_and(|a| a == "globals") {
            let _ = write!(std::io::stdout(), "{}", args::globals_help());
            return ExitCode::SUCCESS;
        }
        argv.remove(1);
        argv.push("--help".into());
    }
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    crate::help::set_lang(crate::help::Lang::choose(
        option_value(&words, "lang").as_deref(),
    ));
    let error_format = error_format_of(&words);
    output::set_color(output::Color::choose(
        option_value(&words, "color").as_deref(),
    ));
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

/// `cds __complete INDEX WORDS…`: the completion candidates, one per line.
fn complete(argv: &[OsString]) -> ExitCode {
    let words: Vec<String> = argv
        .iter()
        .skip(3)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let index = argv
        .get(2)
        .and_then(|i| i.to_str())
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len());
    let mut out = std::io::stdout().lock();
    for c in crate::complete::candidates(index, &words) {
        if writeln!(out, "{c}").is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// The value of a global option, found before parsing (`--name VALUE` or `--name=VALUE`).
fn option_value(words: &[String], name: &str) -> Option<String> {
    let long = format!("--{name}");
    let eq = format!("--{name}=");
    words.iter().enumerate().find_map(|(i, w)| {
        if *w == long {
            words.get(i + 1).cloned()
        } else {
            w.strip_prefix(&eq).map(str::to_string)
        }
    })
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
    let root = args::root(selection).color(output::color().clap());
    let matches = match root.try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return clap_outcome(e, selection, words, error_format_of(words)),
    };
    if let Some(cmd) = selection.op {
        swallowed_flag(cmd, words)?;
    }
    match matches.subcommand() {
        Some(("configure", m)) => configure(m),
        Some(("conformance", m)) => {
            let flags = |name: &str| m.try_get_one::<String>(name).ok().flatten().cloned();
            let report = crate::conformance::run(m, &flags)?;
            let format = m
                .get_one::<String>("output")
                .and_then(|s| Format::parse(s))
                .unwrap_or_default();
            let shown = match m.get_one::<String>("query") {
                Some(q) => Query::compile(q)?.apply(&report)?,
                None => report,
            };
            let stdout = std::io::stdout();
            let pretty = stdout.is_terminal();
            output::print(&mut stdout.lock(), &shown, format, pretty)
        }
        Some(("completion", m)) => {
            let shell = m
                .get_one::<String>("shell")
                .map(String::as_str)
                .unwrap_or("");
            let script = crate::complete::script(shell)
                .ok_or_else(|| CliError::Usage(format!("no completion for {shell}")))?;
            std::io::stdout()
                .lock()
                .write_all(script.as_bytes())
                .map_err(output::io)
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

/// A parameter that takes values starting with `-` (a password, a negative number) must not
/// swallow the next option: `--vdc-id --dry-run` is a missing value, not the id `--dry-run`.
fn swallowed_flag(cmd: Command, words: &[String]) -> Result<(), CliError> {
    let root = args::root(Selection {
        line: Some(cmd.line),
        op: Some(cmd),
    });
    let op_command = root
        .find_subcommand(cmd.line.name())
        .and_then(|l| l.find_subcommand(cmd.op.command));
    let globals = args::globals();
    let known = |w: &str| -> bool {
        let Some(name) = w.strip_prefix("--") else {
            return false;
        };
        let name = name.split('=').next().unwrap_or(name);
        op_command.is_some_and(|c| c.get_arguments().any(|a| a.get_long() == Some(name)))
            || globals.iter().any(|a| a.get_long() == Some(name))
    };
    for w in words.windows(2) {
        let Some(flag) = w[0].strip_prefix("--") else {
            continue;
        };
        if cmd.params().any(|(_, f)| f.flag == flag) && known(&w[1]) {
            return Err(CliError::Usage(format!(
                "--{flag} has no value (it would take {} as one); if that is the value, write --{flag}={}",
                w[1], w[1]
            )));
        }
    }
    Ok(())
}

fn configure(m: &ArgMatches) -> Result<(), CliError> {
    let profile = m.get_one::<String>("profile").cloned();
    let what = match m.subcommand() {
        Some(("set", s)) => settings::Configure::Set(
            s.get_one::<String>("key").cloned().unwrap_or_default(),
            s.get_one::<String>("value").cloned().unwrap_or_default(),
        ),
        Some(("get", s)) => {
            settings::Configure::Get(s.get_one::<String>("key").cloned().unwrap_or_default())
        }
        Some(("list", _)) => settings::Configure::List,
        _ => {
            let mut given = Vec::new();
            for key in settings::keys() {
                let flag = match key.role {
                    Some(crate::env::Role::Endpoint) | None => continue,
                    Some(_) => key.key.replace('_', "-"),
                };
                if let Ok(Some(v)) = m.try_get_one::<String>(&flag) {
                    given.push((flag, v.clone()));
                }
            }
            if let Ok(Some(v)) = m.try_get_one::<String>("endpoint") {
                given.push(("endpoint".into(), v.clone()));
            }
            if let Ok(Some(v)) = m.try_get_one::<String>("output") {
                given.push(("output".into(), v.clone()));
            }
            if let Ok(Some(v)) = m.try_get_one::<u32>("max-attempts") {
                given.push(("max_attempts".into(), v.to_string()));
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

/// Help and version go to stdout with exit 0; an unknown command or option gets the CLI's own
/// message (the best one to three suggestions, from what that place accepts); anything else
/// is clap's usage error (exit 2).
fn clap_outcome(
    e: clap::Error,
    selection: Selection,
    words: &[String],
    format: ErrorFormat,
) -> Result<(), CliError> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return Ok(());
        }
        ErrorKind::InvalidSubcommand => {
            if let Some(word) = context(ContextKind::InvalidSubcommand) {
                return Err(unknown_command(&word, selection));
            }
        }
        ErrorKind::UnknownArgument => {
            if let Some(arg) = context(ContextKind::InvalidArg) {
                return Err(unknown_argument(&arg, selection, words));
            }
        }
        _ => {}
    }
    if format == ErrorFormat::Text {
        let _ = e.print();
        return Err(CliError::UsagePrinted);
    }
    let text = e.render().to_string();
    let text = text.trim().trim_start_matches("error: ");
    Err(CliError::Usage(text.to_string()))
}

/// An unknown line or operation.
fn unknown_command(word: &str, selection: Selection) -> CliError {
    match selection.line {
        Some(line) => {
            let hint = crate::suggest::hint(word, line.ops.iter().map(|o| o.command));
            CliError::Usage(format!(
                "{} has no operation {word:?}{hint} (`cds {} --help` lists them)",
                line.name(),
                line.name()
            ))
        }
        None => {
            let names: Vec<&str> = crate::table::line_names()
                .chain(crate::complete::BUILTINS.iter().copied())
                .collect();
            let hint = crate::suggest::hint(word, names.iter().copied());
            CliError::Usage(format!(
                "no product line or command {word:?}{hint} (`cds --help` lists them)"
            ))
        }
    }
}

/// An unknown option, or a stray value.
fn unknown_argument(arg: &str, selection: Selection, words: &[String]) -> CliError {
    if let Some(name) = arg.strip_prefix("--") {
        let name = name.split('=').next().unwrap_or(name);
        // An operation's own flags and options: never the global options.
        let candidates: Vec<String> = match selection.op {
            Some(cmd) => {
                let root = args::root(selection);
                root.find_subcommand(cmd.line.name())
                    .and_then(|l| l.find_subcommand(cmd.op.command))
                    .map(|c| {
                        c.get_arguments()
                            .filter(|a| !a.is_global_set() && !a.is_hide_set())
                            .filter_map(|a| a.get_long().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            None => args::globals()
                .iter()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect(),
        };
        let hint = crate::suggest::hint_with(name, candidates.iter().map(String::as_str), |c| {
            format!("--{c}")
        });
        let place = match selection.op {
            Some(cmd) => format!("cds {} {}", cmd.line.name(), cmd.op.command),
            None => "cds".into(),
        };
        return CliError::Usage(format!(
            "{place} has no option --{name}{hint} (see `{place} --help`)"
        ));
    }
    // A stray value: after a list flag it is the usual `--ids a b`.
    let at = words.iter().rposition(|w| w == arg).unwrap_or(0);
    let flag = words[..at]
        .iter()
        .rev()
        .find(|w| w.starts_with("--"))
        .map(|w| w.trim_start_matches('-').to_string());
    let list = selection.op.and_then(|cmd| {
        cmd.params()
            .find(|(p, f)| {
                Some(f.flag) == flag.as_deref()
                    && crate::shape::flag_kind(&p.shape) == crate::shape::FlagKind::ScalarList
            })
            .map(|(_, f)| f.flag)
    });
    match list {
        Some(flag) => CliError::Usage(format!(
            "unexpected value {arg:?}: a list repeats the flag (--{flag} a --{flag} b) or takes \
             one JSON array (--{flag} '[\"a\",\"b\"]')"
        )),
        None => CliError::Usage(format!(
            "unexpected value {arg:?}: each flag takes one value (quote a value with spaces)"
        )),
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
    if m.get_flag("example") {
        return writeln!(out, "{}", crate::example::command_line(&cmd)).map_err(output::io);
    }
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
