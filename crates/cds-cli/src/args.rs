//! The clap command tree, built from the generated tables.
//!
//! Only what the command line names is built in full: `cds --help` builds the line list,
//! `cds ccs …` adds the line's operations (name and description), and only the chosen
//! operation gets its arguments. `cds completion` builds the whole tree.

use crate::table::{self, Line, Op, Param, Ty};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use clap::{Arg, ArgAction, Command};
use serde_json::Value;

/// Global options that take a value (so that the value is not mistaken for a command).
const VALUE_GLOBALS: &[&str] = &[
    "--output",
    "-o",
    "--query",
    "--profile",
    "--region",
    "--endpoint",
    "--secret-id",
    "--secret-key",
    "--bridgx-token",
    "--cecstack-region-id",
    "--error-format",
    "--timeout",
];

/// What the command line selects, found before clap runs so that only it gets built.
#[derive(Debug, Default, Clone, Copy)]
pub struct Selection {
    /// The product line named first, if it is one.
    pub line: Option<&'static Line>,
    /// The operation named second, if it is one of the line.
    pub op: Option<&'static Op>,
    /// Build everything (completions).
    pub everything: bool,
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
            if VALUE_GLOBALS.contains(&a) {
                i += 1;
            }
        } else {
            words.push(a);
        }
        i += 1;
    }
    let everything = words.first() == Some(&"completion");
    let line = words.first().and_then(|w| table::line(w));
    let op = line.and_then(|l| words.get(1).and_then(|w| l.op(w)));
    Selection {
        line,
        op,
        everything,
    }
}

/// The root command, built for `selection`.
pub fn root(selection: Selection) -> Command {
    let mut cmd = Command::new("cds")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every documented operation of the Capital Online (CDS) cloud, CECSTACK ECS and BridgX")
        .long_about(
            "Every documented operation of the Capital Online (CDS) cloud, CECSTACK ECS and BridgX.\n\n\
             Usage: cds <LINE> <OPERATION> [--param value ...]\n\
             Credentials: flags, then CDS_SECRET_ID / CDS_SECRET_KEY / CDS_REGION / CDS_ENDPOINT \
             (BRIDGX_ENDPOINT / BRIDGX_TOKEN, CECSTACK_ENDPOINT / CECSTACK_REGION_ID), then the \
             profile written by `cds configure`.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .after_help("`cds help <LINE> <OPERATION>` shows an operation's English and Chinese documentation.")
        .args(globals());
    for line in crate::generated::LINES {
        let build_ops = selection.everything || selection.line.is_some_and(|l| l.name == line.name);
        cmd = cmd.subcommand(line_command(line, build_ops, selection));
    }
    cmd.subcommand(configure_command())
        .subcommand(completion_command())
}

fn globals() -> Vec<Arg> {
    let value = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .global(true)
            .action(ArgAction::Set)
            .value_name(name.to_ascii_uppercase().replace('-', "_"))
            .help(help)
            .help_heading("Global options")
    };
    vec![
        value("output", "Output format")
            .short('o')
            .value_parser(["json", "yaml", "table"]),
        value(
            "query",
            "JMESPath expression applied to the output (to each item with --all-pages)",
        ),
        value(
            "profile",
            "Profile of the config file (default: CDS_PROFILE, then `default`)",
        ),
        value("region", "Access region [env: CDS_REGION]").value_parser(["mainland", "asia", "us"]),
        value(
            "endpoint",
            "scheme://host[:port] replacing the service host [env: CDS_ENDPOINT, BRIDGX_ENDPOINT, CECSTACK_ENDPOINT]",
        ),
        value("secret-id", "AccessKeyId [env: CDS_SECRET_ID]"),
        value(
            "secret-key",
            "AccessKeySecret (prefer the environment or `cds configure`) [env: CDS_SECRET_KEY]",
        ),
        value("bridgx-token", "BridgX bearer token [env: BRIDGX_TOKEN]"),
        value(
            "cecstack-region-id",
            "CECSTACK region id (x-regionid) [env: CECSTACK_REGION_ID]",
        ),
        value(
            "cecstack-auth-header",
            "CECSTACK authentication header, 'Name: value' (its signing scheme is not documented, so \
             the caller supplies it) [env: CECSTACK_AUTH_HEADER]",
        ),
        value("error-format", "How errors are printed on stderr")
            .value_parser(["text", "json"]),
        value("timeout", "Per-request timeout in seconds (default 30)")
            .value_parser(clap::value_parser!(u64).range(1..)),
    ]
}

fn line_command(line: &'static Line, build_ops: bool, selection: Selection) -> Command {
    let about = if line.title_zh.is_empty() {
        line.title_en.to_string()
    } else {
        format!("{} ({})", line.title_en, line.title_zh)
    };
    let mut cmd = Command::new(line.name)
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true);
    if build_ops {
        for op in line.ops {
            let with_args =
                selection.everything || selection.op.is_some_and(|o| std::ptr::eq(o, op));
            cmd = cmd.subcommand(op_command(op, with_args));
        }
    }
    cmd
}

fn op_command(op: &'static Op, with_args: bool) -> Command {
    let mut cmd = Command::new(op.command).about(first_line(op.en));
    if !with_args {
        return cmd;
    }
    let mut long = String::from(op.en);
    if !op.zh.is_empty() {
        long.push_str("\n\n");
        long.push_str(op.zh);
    }
    long.push_str(&format!("\n\nOperation: {}", op.name));
    if op.task.is_some() {
        long.push_str("\nStarts an asynchronous task: add --wait to wait for it.");
    }
    if op.paging.is_some() {
        long.push_str("\nPaginated: add --all-pages (and --max-items N) to stream every item.");
    }
    cmd = cmd.long_about(long);
    for p in op.params {
        cmd = cmd.arg(param_arg(p));
    }
    cmd = cmd
        .arg(
            Arg::new("input-json")
                    .help_heading("CLI options")
                .long("input-json")
                .value_name("FILE|-")
                .help("The whole input as a JSON object keyed by wire names (from a file, or - for stdin); flags override its members"),
        )
        .arg(
            Arg::new("generate-skeleton")
                    .help_heading("CLI options")
                .long("generate-skeleton")
                .action(ArgAction::SetTrue)
                .help("Print a JSON input skeleton for --input-json and exit"),
        )
        .arg(
            Arg::new("dry-run")
                    .help_heading("CLI options")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent (secrets redacted) instead of sending it"),
        );
    if op.task.is_some() {
        cmd = cmd
            .arg(
                Arg::new("wait")
                    .help_heading("CLI options")
                    .long("wait")
                    .action(ArgAction::SetTrue)
                    .help("Wait until the started task finishes"),
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
                    .help("First delay between polls (default 2; grows to 20)"),
            );
    }
    if op.paging.is_some() {
        cmd = cmd
            .arg(
                Arg::new("all-pages")
                    .help_heading("CLI options")
                    .long("all-pages")
                    .action(ArgAction::SetTrue)
                    .help("Fetch every page and stream the items"),
            )
            .arg(
                Arg::new("max-items")
                    .help_heading("CLI options")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("Stop after N items (implies --all-pages)"),
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

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn param_arg(p: &'static Param) -> Arg {
    let mut short = first_line(p.en).to_string();
    if !p.zh.is_empty() {
        short.push_str(" / ");
        short.push_str(first_line(p.zh));
    }
    if p.required {
        short.push_str(" [required]");
    }
    let mut long = p.en.to_string();
    if !p.zh.is_empty() {
        long.push('\n');
        long.push_str(p.zh);
    }
    long.push_str(&format!("\nWire name: {}; type: {}", p.name, type_text(p)));
    if p.required {
        long.push_str("; required");
    }
    let value_name = match p.ty {
        Ty::String if p.values.is_empty() => "STRING",
        Ty::String => "VALUE",
        Ty::Integer => "INT",
        Ty::Number => "NUMBER",
        Ty::Boolean => "BOOL",
        Ty::Json => "JSON",
    };
    let arg = Arg::new(p.flag)
        .long(p.flag)
        .help_heading("Parameters")
        .value_name(value_name)
        .help(short)
        .long_help(long)
        .action(if p.list {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    if !p.values.is_empty() {
        let values = p.values.iter().map(|v| {
            let help = match (v.en.is_empty(), v.zh.is_empty()) {
                (false, false) => format!("{} / {}", v.en, v.zh),
                (false, true) => v.en.to_string(),
                _ => v.zh.to_string(),
            };
            PossibleValue::new(v.value).help(help)
        });
        let ty = p.ty;
        arg.value_parser(PossibleValuesParser::new(values).try_map(move |s| scalar(ty, &s)))
    } else if p.ty == Ty::Boolean {
        arg.value_parser(
            PossibleValuesParser::new(["true", "false"]).try_map(|s| scalar(Ty::Boolean, &s)),
        )
    } else {
        let (ty, list) = (p.ty, p.list);
        arg.value_parser(move |s: &str| parse_value(ty, list, s))
    }
}

fn type_text(p: &Param) -> String {
    let base = match p.ty {
        Ty::String => "string",
        Ty::Integer => "integer",
        Ty::Number => "number",
        Ty::Boolean => "boolean (true|false)",
        Ty::Json => "JSON",
    };
    let base = if p.values.is_empty() {
        base.to_string()
    } else {
        format!("{base}, one of the values below")
    };
    if p.list {
        format!("list of {base} (repeat the flag, or give one JSON array)")
    } else {
        base
    }
}

/// Parses one command-line value of a parameter into JSON.
pub fn parse_value(ty: Ty, list: bool, s: &str) -> Result<Value, String> {
    if list && s.trim_start().starts_with('[') {
        let v: Value = serde_json::from_str(s).map_err(|e| format!("not a JSON array: {e}"))?;
        return match v {
            Value::Array(items) => {
                for item in &items {
                    check_json_type(ty, item)?;
                }
                Ok(Value::Array(items))
            }
            _ => Err("expected a JSON array".into()),
        };
    }
    scalar(ty, s)
}

fn scalar(ty: Ty, s: &str) -> Result<Value, String> {
    match ty {
        Ty::String => Ok(Value::String(s.to_string())),
        Ty::Integer => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{s:?} is not an integer")),
        Ty::Number => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("{s:?} is not a number")),
        Ty::Boolean => match s.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{s:?} is not true or false")),
        },
        Ty::Json => serde_json::from_str(s).map_err(|e| format!("not valid JSON: {e}")),
    }
}

fn check_json_type(ty: Ty, v: &Value) -> Result<(), String> {
    let ok = match ty {
        Ty::String => v.is_string(),
        Ty::Integer => v.is_i64() || v.is_u64(),
        Ty::Number => v.is_number(),
        Ty::Boolean => v.is_boolean(),
        Ty::Json => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v} is not of type {ty:?}"))
    }
}

fn configure_command() -> Command {
    Command::new("configure")
        .about("Write a profile of the config file (mode 0600); secrets are read without echo")
        .long_about(
            "Prompts for the credentials and settings of a profile and writes them to the config \
             file ($CDS_CONFIG_FILE, else $XDG_CONFIG_HOME/cds/config.toml, else \
             ~/.config/cds/config.toml) with mode 0600. An empty answer keeps the current value. \
             Secrets are read without echo on a terminal and never printed.",
        )
}

fn completion_command() -> Command {
    Command::new("completion")
        .about("Print a shell completion script")
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
        assert_eq!(s.line.map(|l| l.name), Some("ccs"));
        assert_eq!(s.op.map(|o| o.name), Some("DescribeInstances"));
        let s = select(&argv("cds nosuchline x"));
        assert!(s.line.is_none() && s.op.is_none());
    }

    #[test]
    fn parses_typed_values() {
        assert_eq!(parse_value(Ty::Integer, false, "42"), Ok(Value::from(42)));
        assert!(parse_value(Ty::Integer, false, "4x").is_err());
        assert_eq!(
            parse_value(Ty::String, true, r#"["a","b"]"#),
            Ok(serde_json::json!(["a", "b"]))
        );
        assert!(parse_value(Ty::Integer, true, r#"["a"]"#).is_err());
        assert!(parse_value(Ty::Json, false, "{").is_err());
        assert_eq!(
            parse_value(Ty::Boolean, false, "true"),
            Ok(Value::Bool(true))
        );
    }
}
