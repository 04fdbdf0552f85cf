//! Shell completion that asks `cds` for candidates at run time: `cds completion SHELL`
//! prints a few lines of script that call `cds __complete INDEX WORDS…`, which prints the
//! candidates for the word at INDEX (lines, operations, flags, documented values), one per
//! line.

use crate::args::{self, Selection};
use crate::table;
use cds_core::operation::Shape;

/// Commands of `cds` besides the lines.
pub const BUILTINS: &[&str] = &["configure", "completion", "conformance", "help"];

/// The script for `shell` (`bash`, `zsh` or `fish`).
pub fn script(shell: &str) -> Option<&'static str> {
    Some(match shell {
        "bash" => {
            "# cds completion for bash: candidates come from `cds __complete` at run time.\n\
             _cds() {\n\
             \x20   local IFS=$'\\n'\n\
             \x20   COMPREPLY=($(cds __complete \"$COMP_CWORD\" \"${COMP_WORDS[@]}\" 2>/dev/null))\n\
             }\n\
             complete -o default -F _cds cds\n"
        }
        "zsh" => {
            "#compdef cds\n\
             # cds completion for zsh: candidates come from `cds __complete` at run time.\n\
             _cds() {\n\
             \x20   local -a candidates\n\
             \x20   candidates=(\"${(@f)$(cds __complete $((CURRENT - 1)) \"${words[@]}\" 2>/dev/null)}\")\n\
             \x20   compadd -a candidates\n\
             }\n\
             compdef _cds cds\n"
        }
        "fish" => {
            "# cds completion for fish: candidates come from `cds __complete` at run time.\n\
             function __cds_complete\n\
             \x20   set -l tokens (commandline -opc)\n\
             \x20   cds __complete (count $tokens) $tokens (commandline -ct) 2>/dev/null\n\
             end\n\
             complete -c cds -f -a '(__cds_complete)'\n"
        }
        _ => return None,
    })
}

/// The candidates for `words[index]` (`words[0]` is `cds`), filtered by what is typed.
pub fn candidates(index: usize, words: &[String]) -> Vec<String> {
    let current = words.get(index).map(String::as_str).unwrap_or("");
    let before = &words[..index.min(words.len())];
    let selection = args::select(before);
    let positional: Vec<&str> = positional_words(before);
    let previous = match before.last().map(String::as_str).unwrap_or("") {
        "-o" => "--output",
        other => other,
    };
    let mut out: Vec<String> = Vec::new();
    // The value of a flag.
    if previous.starts_with("--") && !current.starts_with('-') {
        if let Some(values) = flag_values(previous, selection) {
            out = values;
            return filter(out, current);
        }
    }
    if current.starts_with('-') {
        if let Some(cmd) = selection.op {
            let op_cmd = args::root(selection);
            if let Some(c) = op_cmd
                .find_subcommand(cmd.line.name())
                .and_then(|l| l.find_subcommand(cmd.op.command))
            {
                out.extend(
                    c.get_arguments()
                        .filter_map(|a| a.get_long())
                        .map(|l| format!("--{l}")),
                );
            }
        }
        out.extend(
            args::globals()
                .iter()
                .filter_map(|a| a.get_long())
                .map(|l| format!("--{l}")),
        );
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|c| seen.insert(c.clone()));
        return filter(out, current);
    }
    match (positional.as_slice(), selection.line) {
        ([], _) => {
            out.extend(table::line_names().map(String::from));
            out.extend(BUILTINS.iter().map(|s| s.to_string()));
        }
        ([_], Some(line)) => out.extend(line.ops.iter().map(|o| o.command.to_string())),
        (["help"], None) => {
            out.extend(table::line_names().map(String::from));
            out.push("globals".into());
        }
        (["help", l], None) => {
            if let Some(line) = table::line(l) {
                out.extend(line.ops.iter().map(|o| o.command.to_string()));
            }
        }
        (["completion"], None) => out.extend(["bash", "zsh", "fish"].map(String::from)),
        (["configure"], None) => out.extend(["set", "get", "list"].map(String::from)),
        (["configure", "set" | "get"], None) => {
            out.extend(crate::settings::keys().into_iter().map(|k| k.key));
        }
        _ => {}
    }
    filter(out, current)
}

fn positional_words(words: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        if w.starts_with('-') {
            if args::takes_value(w) {
                i += 1;
            }
        } else {
            out.push(w);
        }
        i += 1;
    }
    out
}

/// The values a flag takes, where they are a closed set.
fn flag_values(flag: &str, selection: Selection) -> Option<Vec<String>> {
    let name = flag.trim_start_matches('-');
    if let Some(arg) = args::globals()
        .into_iter()
        .find(|a| a.get_long() == Some(name))
    {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        return Some(values);
    }
    let cmd = selection.op?;
    let (p, _) = cmd.params().find(|(_, f)| f.flag == name)?;
    match table::element(&p.shape).0 {
        Shape::Enum(set) => Some(set.values.iter().map(|v| v.value.to_string()).collect()),
        Shape::Boolean => Some(vec!["true".into(), "false".into()]),
        _ => Some(Vec::new()),
    }
}

fn filter(mut out: Vec<String>, current: &str) -> Vec<String> {
    out.retain(|c| c.starts_with(current));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn candidates_come_from_the_tables() {
        assert!(candidates(1, &words("cds c")).contains(&"ccs".to_string()));
        assert!(candidates(1, &words("cds c")).contains(&"configure".to_string()));
        let ops = candidates(2, &words("cds ccs describe-inst"));
        assert!(ops.contains(&"describe-instances".to_string()), "{ops:?}");
        let flags = candidates(3, &words("cds ccs describe-instances --vdc"));
        assert_eq!(flags, ["--vdc-id", "--vdc-name"]);
        let values = candidates(4, &words("cds bms operate-bms-power --operate "));
        assert!(values.contains(&"start".to_string()), "{values:?}");
        assert_eq!(
            candidates(2, &words("cds -o ")),
            ["json", "yaml", "table", "text"]
        );
        assert!(script("bash").unwrap().len() < 1024);
        assert!(script("tcsh").is_none());
    }
}
