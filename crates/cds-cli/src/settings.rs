//! Where settings come from: flags, then the environment, then a named profile of the config
//! file; and `cds configure`, which writes that file with mode 0600. Which variables exist,
//! and their profile keys and flags, come from each line's `meta` ([`crate::env`]).

use crate::env::{self, Role};
use crate::errors::CliError;
use crate::table::Line;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;

/// One profile of the config file: keys as [`env::profile_key`] names them.
pub type Profile = BTreeMap<String, toml::Value>;

/// Where a setting came from (for messages; never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A flag.
    Flag(String),
    /// An environment variable.
    Env(&'static str),
    /// A key of a profile.
    Profile(String, String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "--{flag}"),
            Source::Env(var) => write!(f, "{var}"),
            Source::Profile(profile, key) => write!(f, "{key} of profile [{profile}]"),
        }
    }
}

/// The settings that apply to one call of one product line: variable → value and source.
#[derive(Default)]
pub struct Resolved {
    values: BTreeMap<&'static str, (String, Source)>,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.values.iter().map(|(k, (_, s))| (k, s.to_string())))
            .finish()
    }
}

impl Resolved {
    /// The value of variable `var`.
    pub fn get(&self, var: &str) -> Option<&str> {
        self.values.get(var).map(|(v, _)| v.as_str())
    }

    /// Where the value of `var` came from.
    pub fn source(&self, var: &str) -> Option<&Source> {
        self.values.get(var).map(|(_, s)| s)
    }
}

/// The config file: `$CDS_CONFIG_FILE`, else `$XDG_CONFIG_HOME/cds/config.toml`, else
/// `$HOME/.config/cds/config.toml`.
pub fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(p) = env("CDS_CONFIG_FILE") {
        return Some(PathBuf::from(p));
    }
    if let Some(x) = env("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(x).join("cds/config.toml"));
    }
    env("HOME").map(|h| PathBuf::from(h).join(".config/cds/config.toml"))
}

/// Reads the profiles of the config file (none when it does not exist).
pub fn read_profiles(path: &std::path::Path) -> Result<BTreeMap<String, Profile>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            CliError::Usage(format!("config file {}: {}", path.display(), e.message()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(CliError::Usage(format!(
            "cannot read config file {}: {e}",
            path.display()
        ))),
    }
}

/// A profile value as text.
pub fn text_of(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the settings for `line`: flags (`flag(name)`), then the environment, then the
/// profile.
pub fn resolve(
    line: &Line,
    profile: Option<String>,
    flag: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CliError> {
    resolve_with(line, profile, flag, &env_var)
}

/// [`resolve`] with the environment read through `env`.
pub fn resolve_with(
    line: &Line,
    profile: Option<String>,
    flag: &dyn Fn(&str) -> Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CliError> {
    let explicit = profile.is_some() || env("CDS_PROFILE").is_some();
    let profile_name = profile
        .or_else(|| env("CDS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let profiles = match config_path(env) {
        Some(path) => read_profiles(&path)?,
        None => BTreeMap::new(),
    };
    let profile = match profiles.get(&profile_name) {
        Some(p) => p.clone(),
        None if explicit => {
            return Err(CliError::Usage(format!(
                "profile {profile_name:?} is not in the config file (run `cds configure --profile {profile_name}`)"
            )))
        }
        None => Profile::default(),
    };
    let mut out = Resolved::default();
    for (role, var) in env::declared(&line.meta.env) {
        let vars = env::vars(line, role);
        let flag_name = match role {
            Role::Endpoint => "endpoint".to_string(),
            _ => env::profile_key(var).replace('_', "-"),
        };
        let found = flag(&flag_name)
            .map(|v| (v, Source::Flag(flag_name.clone())))
            .or_else(|| {
                vars.iter()
                    .find_map(|v| env(v).map(|value| (value, Source::Env(v))))
            })
            .or_else(|| {
                vars.iter().find_map(|v| {
                    let key = env::profile_key(v);
                    profile
                        .get(&key)
                        .map(text_of)
                        .filter(|s| !s.trim().is_empty())
                        .map(|value| (value, Source::Profile(profile_name.clone(), key)))
                })
            });
        if let Some(found) = found {
            out.values.insert(var, found);
        }
    }
    Ok(out)
}

/// `cds configure [--profile NAME]`: prompts for each setting (secrets without echo on a
/// terminal), keeps the current value on an empty answer, writes the file with mode 0600.
pub fn configure(profile: Option<String>) -> Result<PathBuf, CliError> {
    let name = profile
        .or_else(|| env_var("CDS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let path = config_path(&env_var).ok_or_else(|| {
        CliError::Usage("no config file location: set CDS_CONFIG_FILE or HOME".into())
    })?;
    let mut profiles = read_profiles(&path)?;
    let mut p = profiles.get(&name).cloned().unwrap_or_default();
    let interactive = std::io::stdin().is_terminal();
    let mut stdin = std::io::stdin().lock();
    for setting in env::settings() {
        let key = setting.key();
        let secret = setting.role.secret();
        let shown = match (p.get(&key), secret) {
            (Some(_), true) => "[set, hidden]".to_string(),
            (Some(v), false) => format!("[{}]", text_of(v)),
            (None, _) => "[none]".to_string(),
        };
        let prompt = format!(
            "{} of {} ({}) {shown}: ",
            setting.role.what(),
            setting.lines.join(", "),
            setting.var
        );
        let answer = if secret && interactive {
            rpassword::prompt_password(&prompt)
                .map_err(|e| CliError::Usage(format!("reading {}: {e}", setting.var)))?
        } else {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{prompt}");
            let _ = err.flush();
            let mut line = String::new();
            stdin
                .read_line(&mut line)
                .map_err(|e| CliError::Usage(format!("reading {}: {e}", setting.var)))?;
            line
        };
        let answer = answer.trim();
        if !answer.is_empty() {
            p.insert(key, toml::Value::String(answer.to_string()));
        }
    }
    if let Some(r) = p.get("region") {
        text_of(r)
            .parse::<cds_core::Region>()
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    profiles.insert(name, p);
    let text = toml::to_string(&profiles)
        .map_err(|e| CliError::Usage(format!("cannot encode the config file: {e}")))?;
    write_private(&path, &text)?;
    Ok(path)
}

/// Writes `text` to `path` readable by the owner only (0600; its folder 0700 when created).
fn write_private(path: &std::path::Path, text: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::Usage(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(fail)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    file.write_all(text.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |n| map.get(n).cloned()
    }

    fn no_flags(_: &str) -> Option<String> {
        None
    }

    fn line(name: &str) -> &'static Line {
        crate::table::line(name).unwrap()
    }

    #[test]
    fn flags_beat_environment_beats_profile() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[default]\nsecret_id = \"from-profile\"\nsecret_key = \"pk\"\nregion = \"asia\"\n\n[work]\nsecret_id = \"work-id\"\n",
        )
        .unwrap();
        let f = file.to_string_lossy().to_string();
        let e = env(&[("CDS_CONFIG_FILE", &f), ("CDS_SECRET_ID", "from-env")]);
        let ccs = line("ccs");
        let r = resolve_with(ccs, None, &no_flags, &e).unwrap();
        assert_eq!(r.get("CDS_SECRET_ID"), Some("from-env"));
        assert_eq!(r.get("CDS_SECRET_KEY"), Some("pk"));
        assert_eq!(r.get("CDS_REGION"), Some("asia"));
        let flag = |n: &str| (n == "secret-id").then(|| "from-flag".to_string());
        let r = resolve_with(ccs, None, &flag, &e).unwrap();
        assert_eq!(r.get("CDS_SECRET_ID"), Some("from-flag"));
        let r = resolve_with(
            ccs,
            Some("work".into()),
            &no_flags,
            &env(&[("CDS_CONFIG_FILE", &f)]),
        )
        .unwrap();
        assert_eq!(r.get("CDS_SECRET_ID"), Some("work-id"));
        assert!(resolve_with(ccs, Some("nope".into()), &no_flags, &e).is_err());
    }

    #[test]
    fn rest_lines_read_their_own_variables_first() {
        let e = env(&[
            ("CDS_ENDPOINT", "http://generic:1"),
            ("BRIDGX_ENDPOINT", "http://bridgx:2"),
            ("BRIDGX_TOKEN", "t"),
        ]);
        let r = resolve_with(line("bridgx"), None, &no_flags, &e).unwrap();
        assert_eq!(r.get("BRIDGX_ENDPOINT"), Some("http://bridgx:2"));
        assert_eq!(r.get("BRIDGX_TOKEN"), Some("t"));
        let r = resolve_with(line("cecstack-ecs"), None, &no_flags, &e).unwrap();
        assert_eq!(r.get("CECSTACK_ENDPOINT"), Some("http://generic:1"));
        assert!(!format!("{r:?}").contains("generic"));
    }
}
