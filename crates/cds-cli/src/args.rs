//! The clap command tree, built from the generated tables.
//!
//! Only what the command line names is built in full: `cds --help` builds the line list,
//! `cds ccs …` adds the line's operations (name and description), and only the chosen
//! operation gets its arguments. `cds completion` builds the whole tree.

use crate::help;
use crate::shape::{self, FlagKind};
use crate::table::{self, Command as Cmd, Flag, Line, Op};
use cds_core::operation::{Param, Shape};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use clap::{Arg, ArgAction, Command};

/// Whether `word` is a global option that takes a value (so that the value is not mistaken
/// for a command): every global option with a value, from [`globals`].
pub fn takes_value(word: &str) -> bool {
    let Some(name) = word.strip_prefix("--") else {
        return word == "-o";
    };
    if name.contains('=') {
        return false;
    }
    globals()
        .iter()
        .any(|a| a.get_long() == Some(name) && a.get_action().takes_values())
}

/// What the command line selects, found before clap runs so that only it gets built.
#[derive(Debug, Default, Clone, Copy)]
pub struct Selection {
    /// The product line named first, if it is one.
    pub line: Option<&'static Line>,
    /// The operation named second, if it is one of the line.
    pub op: Option<Cmd>,
}

/// Finds the line and operation named by the first two positional words of `argv`.
pub fn select(argv: &[String]) -> Selection {
    let mut words = Vec::new();
    let mut i = 1;
    while i < argv.len() && words.len() < 2 {
        let a = argv[i].as_str();
        if a == "--" {
            break;
        }
        if a.starts_with('-') {
            if takes_value(a) {
                i += 1;
            }
        } else {
            words.push(a);
        }
        i += 1;
    }
    let line = words.first().and_then(|w| table::line(w));
    let op = line
        .and_then(|l| words.get(1).and_then(|w| l.op(w)))
        .and_then(|op| Cmd::of(line?, op));
    Selection { line, op }
}

/// The root command, built for `selection`.
pub fn root(selection: Selection) -> Command {
    let mut cmd = Command::new("cds")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every documented operation of the Capital Online (CDS) cloud, CECSTACK ECS and BridgX")
        .long_about(
            "Every documented operation of the Capital Online (CDS) cloud, CECSTACK ECS and BridgX.\n\n\
             Usage: cds <LINE> <OPERATION> [--param value ...]\n\
             Settings: flags, then the environment, then the profile written by `cds configure`.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .after_help("`cds help <LINE> <OPERATION>` shows an operation's English and Chinese documentation; `cds help globals` the global options.")
        .args(globals().into_iter().map(|a| {
            // Shown once, in `cds --help` and `cds help globals`, not in every operation's help.
            if selection.line.is_some() {
                a.hide(true)
            } else {
                a
            }
        }));
    for line in crate::generated::LINES {
        let build_ops = selection.line.is_some_and(|l| l.name() == line.name());
        cmd = cmd.subcommand(line_command(line, build_ops, selection));
    }
    cmd.subcommand(configure_command())
        .subcommand(completion_command())
        .subcommand(crate::conformance::command())
}

/// `cds help globals`: the global options, accepted anywhere on the command line.
pub fn globals_help() -> String {
    let mut out = String::from(
        "Global options (accepted anywhere on the command line; settings also come from the \
         environment and the profile written by `cds configure`):\n\n",
    );
    for a in globals() {
        let Some(long) = a.get_long() else { continue };
        let mut head = match a.get_short() {
            Some(s) => format!("  -{s}, --{long}"),
            None => format!("      --{long}"),
        };
        if a.get_action().takes_values() {
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            if values.is_empty() {
                let name = a
                    .get_value_names()
                    .and_then(|n| n.first().map(|n| n.to_string()))
                    .unwrap_or_else(|| "VALUE".into());
                head.push_str(&format!(" <{name}>"));
            } else {
                head.push_str(&format!(" <{}>", values.join("|")));
            }
        }
        out.push_str(&head);
        out.push('\n');
        if let Some(help) = a.get_help() {
            out.push_str(&format!("          {help}\n"));
        }
    }
    out
}

/// The global options: the CLI's own, then one per setting variable of the lines (from each
/// line's `meta`).
pub fn globals() -> Vec<Arg> {
    let value = |name: String, help: String| {
        Arg::new(name.clone())
            .long(name.clone())
            .global(true)
            .action(ArgAction::Set)
            .value_name(name.to_ascii_uppercase().replace('-', "_"))
            .help(help)
            .help_heading("Global options")
    };
    let mut args = vec![
        value("output".into(), "Output format".into())
            .short('o')
            .value_parser(["json", "yaml", "table", "text"]),
        value(
            "query".into(),
            "JMESPath expression applied to the output (with --all-pages, to the merged answer)"
                .into(),
        ),
        value(
            "profile".into(),
            "Profile of the config file (default: CDS_PROFILE, then `default`)".into(),
        ),
    ];
    for setting in crate::env::settings() {
        let flag = setting.flag();
        if args.iter().any(|a| a.get_id() == flag.as_str()) {
            continue;
        }
        let vars: Vec<&str> = crate::env::settings()
            .into_iter()
            .filter(|s| s.flag() == flag)
            .map(|s| s.var)
            .collect();
        let lines = if setting.role == crate::env::Role::Endpoint {
            "every line".to_string()
        } else {
            setting.lines.join(", ")
        };
        let mut help = format!(
            "{} ({lines}) [env: {}]",
            setting.role.what(),
            vars.join(", ")
        );
        if setting.role.secret() {
            help.push_str("; prefer the environment or `cds configure`");
        }
        let mut arg = value(flag, help);
        if setting.role == crate::env::Role::Region {
            arg = arg.value_parser(["mainland", "asia", "us"]);
        }
        args.push(arg);
    }
    args.push(
        value(
            "error-format".into(),
            "How errors are printed on stderr".into(),
        )
        .value_parser(["text", "json"]),
    );
    args.push(
        value(
            "timeout".into(),
            "Per-request timeout in seconds (default 30)".into(),
        )
        .value_parser(clap::value_parser!(u64).range(1..)),
    );
    args.push(
        value(
            "max-attempts".into(),
            "Attempts per call, retries included (default 3; reads and unsent writes only are retried) [env: CDS_MAX_ATTEMPTS]".into(),
        )
        .value_parser(clap::value_parser!(u32).range(1..=20)),
    );
    args.push(
        value(
            "color".into(),
            "Colour in output and messages: auto (on a terminal, unless NO_COLOR is set), always, never".into(),
        )
        .value_parser(["auto", "always", "never"]),
    );
    args.push(
        value(
            "lang".into(),
            "Language of help texts: en, zh or both (default) [env: CDS_LANG]".into(),
        )
        .value_parser(["en", "zh", "both"]),
    );
    args.push(
        Arg::new("debug")
            .long("debug")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print what a call does on stderr (request line, attempts, retries, status, request id, timing); never a secret")
            .help_heading("Global options"),
    );
    args
}

fn line_command(line: &'static Line, build_ops: bool, selection: Selection) -> Command {
    let about = help::title(line.title_en(), line.title_zh());
    let mut cmd = Command::new(line.name())
        .about(about)
        .after_help("Global options (--output, --query, --profile, …): `cds help globals`.")
        .subcommand_required(true)
        .arg_required_else_help(true);
    if build_ops {
        for op in line.ops {
            let with_args = selection.op.is_some_and(|o| std::ptr::eq(o.op, op));
            cmd = cmd.subcommand(op_command(line, op, with_args));
        }
    }
    cmd
}

fn op_command(line: &'static Line, op: &'static Op, with_args: bool) -> Command {
    let about = match help::lang() {
        help::Lang::Zh if !op.zh.is_empty() => help::first_line(op.zh),
        _ => help::first_line(op.en),
    };
    let mut cmd = Command::new(op.command).about(about);
    let Some(command) = Cmd::of(line, op).filter(|_| with_args) else {
        return cmd;
    };
    let meta = command.meta;
    let mut long = match (help::lang(), op.zh.is_empty()) {
        (_, true) | (help::Lang::En, _) => op.en.to_string(),
        (help::Lang::Zh, false) => op.zh.to_string(),
        (help::Lang::Both, false) => format!("{}\n\n{}", op.en, op.zh),
    };
    long.push_str(&format!("\n\nOperation: {}", op.name));
    if meta.task.is_some() {
        long.push_str("\nStarts an asynchronous task: add --wait to wait for it.");
    }
    if meta.pagination.is_some() {
        long.push_str("\nPaginated: add --all-pages (and --max-items N) to get every page.");
    }
    cmd = cmd.long_about(long).after_help(
        "Global options (--output, --query, --profile, --debug, …): `cds help globals`.",
    );
    for (p, f) in command.params() {
        cmd = cmd.arg(param_arg(line, p, f));
    }
    cmd = cmd
        .arg(
            Arg::new("input-json")
                .help_heading("CLI options")
                .long("input-json")
                .value_name("FILE|file://FILE|-|JSON")
                .help("The whole input as a JSON or YAML object keyed by wire names (a file, - for stdin, or inline); flags override its members"),
        )
        .arg(
            Arg::new("generate-skeleton")
                .help_heading("CLI options")
                .long("generate-skeleton")
                .value_name("WHICH")
                .num_args(0..=1)
                .require_equals(false)
                .default_missing_value("input")
                .value_parser(["input", "required"])
                .help("Print an input template for --input-json and exit: every field (input) or the required ones; untouched optional placeholders are not sent"),
        )
        .arg(
            Arg::new("example")
                .help_heading("CLI options")
                .long("example")
                .action(ArgAction::SetTrue)
                .help("Print an example command line (every required parameter, documented values where there are some) and exit"),
        )
        .arg(
            Arg::new("dry-run")
                .help_heading("CLI options")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent (secrets redacted) instead of sending it"),
        );
    if meta.task.is_some() {
        cmd = cmd
            .arg(
                Arg::new("wait")
                    .help_heading("CLI options")
                    .long("wait")
                    .action(ArgAction::SetTrue)
                    .help("Wait until the started task finishes, then print the finished task (its status and resource id)"),
            )
            .arg(
                Arg::new("wait-timeout")
                    .help_heading("CLI options")
                    .long("wait-timeout")
                    .value_name("SECONDS")
                    .value_parser(clap::value_parser!(u64).range(1..))
                    .help("Give up waiting after this long (default 1800)"),
            )
            .arg(
                Arg::new("wait-interval")
                    .help_heading("CLI options")
                    .long("wait-interval")
                    .value_name("SECONDS")
                    .value_parser(positive_seconds)
                    .help("First delay between polls (default 0.5; grows by half each poll, to 20)"),
            );
        if let Some(plan) = crate::call::describe_plan(line, meta) {
            cmd = cmd.arg(
                Arg::new("describe")
                    .help_heading("CLI options")
                    .long("describe")
                    .action(ArgAction::SetTrue)
                    .help(format!(
                        "With --wait: then show the created {} ({} {})",
                        plan.family, plan.op.name, plan.param
                    )),
            );
        }
    }
    if meta.pagination.is_some() {
        cmd = cmd
            .arg(
                Arg::new("all-pages")
                    .help_heading("CLI options")
                    .long("all-pages")
                    .action(ArgAction::SetTrue)
                    .help("Fetch every page (the runtime's paginator) and print one merged answer; --query applies to it"),
            )
            .arg(
                Arg::new("max-items")
                    .help_heading("CLI options")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("Stop after N items, printing NextToken to go on from (implies --all-pages)"),
            )
            .arg(
                Arg::new("starting-token")
                    .help_heading("CLI options")
                    .long("starting-token")
                    .value_name("TOKEN")
                    .help("Go on from the NextToken an earlier --max-items printed (implies --all-pages)"),
            );
    }
    cmd
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number of seconds in (0, 3600]")),
    }
}

fn param_arg(line: &'static Line, p: &'static Param, f: &'static Flag) -> Arg {
    let kind = shape::flag_kind(&p.shape);
    let mut short = help::pair(help::first_line(f.en), help::first_line(f.zh));
    short.push_str(&help::field_summary(&p.shape));
    if p.required {
        short.push_str(" [required]");
    }
    let mut long = help::lines(f.en, f.zh);
    let mut ty = help::short_type(&p.shape);
    match kind {
        FlagKind::ScalarList => ty.push_str(" (repeat the flag, or give one JSON array)"),
        FlagKind::Json => ty.push_str(" (JSON, or file://PATH)"),
        FlagKind::Scalar => {}
    }
    long.push_str(&format!("\nWire name: {}; type: {ty}", p.name));
    if p.required {
        long.push_str("; required");
    }
    if p.sensitive {
        long.push_str("; sensitive (never shown)");
    }
    let structure = help::structure(line, &p.shape);
    if !structure.is_empty() {
        long.push_str("\nStructure:\n");
        long.push_str(structure.trim_end());
    }
    if let (FlagKind::ScalarList, Shape::Enum(set)) = (kind, table::element(&p.shape).0) {
        long.push_str("\nValues:\n");
        long.push_str(help::values(set, "  ").trim_end());
    }
    let arg = Arg::new(f.flag)
        .long(f.flag)
        .help_heading("Parameters")
        .value_name(shape::value_name(&p.shape))
        .help(short)
        .long_help(long)
        .action(if kind == FlagKind::ScalarList {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    let shape: &'static Shape = &p.shape;
    match (kind, table::element(shape).0) {
        (FlagKind::Scalar, Shape::Enum(set)) => {
            let values = set
                .values
                .iter()
                .map(|v| PossibleValue::new(v.value).help(help::pair(v.en, v.zh)));
            arg.value_parser(
                PossibleValuesParser::new(values).try_map(move |s| shape::enum_value(set, &s)),
            )
        }
        (FlagKind::Scalar, Shape::Boolean) => arg.value_parser(
            PossibleValuesParser::new(["true", "false"])
                .try_map(|s| shape::scalar(&Shape::Boolean, &s)),
        ),
        (_, Shape::String | Shape::Number | Shape::Integer) => {
            // A password or a negative number may start with `-`.
            let flag = f.flag;
            arg.allow_hyphen_values(true)
                .value_parser(move |s: &str| shape::parse_flag(shape, flag, s))
        }
        _ => {
            let flag = f.flag;
            arg.value_parser(move |s: &str| shape::parse_flag(shape, flag, s))
        }
    }
}

fn configure_command() -> Command {
    let key = || {
        Arg::new("key")
            .required(true)
            .value_name("KEY")
            .help("A setting: secret_id, secret_key, region, endpoint, bridgx_token, … (`cds configure list` shows them)")
    };
    Command::new("configure")
        .about("Write a profile of the config file (mode 0600); secrets are read without echo")
        .long_about(
            "Writes a profile of the config file ($CDS_CONFIG_FILE, else $XDG_CONFIG_HOME/cds/config.toml, \
             else ~/.config/cds/config.toml) with mode 0600, atomically.\n\n\
             With setting flags (--secret-id, --secret-key, --region, --endpoint, …) it writes those and \
             asks nothing; without, it asks for each setting (an empty answer keeps the current value, \
             each answer is checked as it is typed). Secrets are read without echo on a terminal and \
             never printed. An explicit --profile (or CDS_PROFILE) beats the environment when calling.",
        )
        .subcommand(
            Command::new("set")
                .about("Set one setting of the profile")
                .arg(key())
                .arg(Arg::new("value").required(true).value_name("VALUE").allow_hyphen_values(true)),
        )
        .subcommand(
            Command::new("get")
                .about("Print one setting of the profile (secrets: only whether they are set; exit 1 when not set)")
                .arg(key()),
        )
        .subcommand(Command::new("list").about("List the profiles and the settings of one (secrets hidden)"))
}

fn completion_command() -> Command {
    Command::new("completion")
        .about("Print a shell completion script (it asks `cds` for candidates as you type)")
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(["bash", "zsh", "fish"]),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn selects_line_and_operation_past_global_options() {
        let s = select(&argv(
            "cds --output table ccs describe-instances --vdc-id x",
        ));
        assert_eq!(s.line.map(|l| l.name()), Some("ccs"));
        assert_eq!(s.op.map(|o| o.op.name), Some("DescribeInstances"));
        let s = select(&argv("cds nosuchline x"));
        assert!(s.line.is_none() && s.op.is_none());
        let s = select(&argv(
            "cds --cecstack-auth-header X-Auth-Token:abc cecstack-ecs op-list-flavors",
        ));
        assert_eq!(s.op.map(|o| o.op.name), Some("OpListFlavors"));
    }
}
