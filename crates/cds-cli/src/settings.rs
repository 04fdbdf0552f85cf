//! Where settings come from: flags, then the environment, then a profile of the config file
//! (an explicit profile, `--profile` or `CDS_PROFILE`, comes before the environment, as in
//! aws-cli); and `cds configure`, which writes that file with mode 0600, atomically. Which variables exist,
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
    cli: BTreeMap<&'static str, String>,
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

    /// The profile's value of a CLI setting ([`CLI_KEYS`]: `output`, `max_attempts`).
    pub fn cli(&self, key: &str) -> Option<&str> {
        self.cli.get(key).map(String::as_str)
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

/// Reads the profiles of the config file (none when it does not exist). Warns on stderr when
/// the file can be read by others; a syntax error names its line and column.
pub fn read_profiles(path: &std::path::Path) -> Result<BTreeMap<String, Profile>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(CliError::Usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )))
        }
    };
    warn_if_shared(path);
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" line {line}, column {column}")
            })
            .unwrap_or_default();
        CliError::Usage(format!(
            "config file {}:{at}: {}",
            path.display(),
            e.message().trim_end()
        ))
    })
}

/// A warning on stderr when the config file can be read by its group or by everyone.
fn warn_if_shared(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: config file {} can be read by others (mode {mode:o}); it holds \
                     secrets: chmod 600 {}",
                    path.display(),
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
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
        let from_profile = || {
            vars.iter().find_map(|v| {
                let key = env::profile_key(v);
                profile
                    .get(&key)
                    .map(text_of)
                    .filter(|s| !s.trim().is_empty())
                    .map(|value| (value, Source::Profile(profile_name.clone(), key)))
            })
        };
        let from_env = || {
            vars.iter()
                .find_map(|v| env(v).map(|value| (value, Source::Env(v))))
        };
        // An explicit profile (--profile or CDS_PROFILE) beats the environment, as in
        // aws-cli; the default profile does not.
        let found = flag(&flag_name)
            .map(|v| (v, Source::Flag(flag_name.clone())))
            .or_else(|| {
                if explicit {
                    from_profile().or_else(from_env)
                } else {
                    from_env().or_else(from_profile)
                }
            });
        if let Some(found) = found {
            out.values.insert(var, found);
        }
    }
    for key in CLI_KEYS {
        if let Some(v) = profile
            .get(key.key)
            .map(text_of)
            .filter(|s| !s.trim().is_empty())
        {
            out.cli.insert(key.key, v);
        }
    }
    Ok(out)
}

/// A setting of the CLI itself that a profile may hold.
#[derive(Debug, Clone, Copy)]
pub struct CliKey {
    /// The key.
    pub key: &'static str,
    /// What it sets.
    pub what: &'static str,
}

/// The CLI's own profile settings.
pub const CLI_KEYS: &[CliKey] = &[
    CliKey {
        key: "output",
        what: "default output format (json, yaml, table, text)",
    },
    CliKey {
        key: "max_attempts",
        what: "attempts per call, retries included (1-20)",
    },
];

/// A key of a profile: a line's setting (from `meta`) or one of the CLI's.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key as written in the file.
    pub key: String,
    /// What it sets, for prompts and lists.
    pub what: String,
    /// Its role, for a line setting.
    pub role: Option<Role>,
}

impl Key {
    /// Its value is a secret: read without echo, never printed.
    pub fn secret(&self) -> bool {
        self.role.is_some_and(Role::secret)
    }

    /// Checks a value typed or given for this key; returns what the file keeps.
    pub fn validate(&self, value: &str) -> Result<toml::Value, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("empty".into());
        }
        let text = || Ok(toml::Value::String(value.to_string()));
        match (self.role, self.key.as_str()) {
            (Some(Role::Region), _) => value
                .parse::<cds_core::Region>()
                .map(|_| toml::Value::String(value.to_string()))
                .map_err(|e| e.to_string()),
            (Some(Role::Endpoint), _) => {
                if value.starts_with("https://") || value.starts_with("http://") {
                    text()
                } else {
                    Err(format!("{value:?} is not http(s)://host[:port]"))
                }
            }
            (Some(Role::AuthHeader), _) => match value.split_once(':') {
                Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => text(),
                _ => Err("expected 'Name: value'".into()),
            },
            (None, "output") => match value {
                "json" | "yaml" | "table" | "text" => text(),
                _ => Err(format!("{value:?} is not json, yaml, table or text")),
            },
            (None, "max_attempts") => match value.parse::<i64>() {
                Ok(n) if (1..=20).contains(&n) => Ok(toml::Value::Integer(n)),
                _ => Err(format!("{value:?} is not a number from 1 to 20")),
            },
            _ => text(),
        }
    }
}

/// Every key a profile may hold, in prompting order.
pub fn keys() -> Vec<Key> {
    let mut out: Vec<Key> = env::settings()
        .into_iter()
        .map(|s| Key {
            key: s.key(),
            what: format!("{} of {} ({})", s.role.what(), s.lines.join(", "), s.var),
            role: Some(s.role),
        })
        .collect();
    out.extend(CLI_KEYS.iter().map(|k| Key {
        key: k.key.to_string(),
        what: k.what.to_string(),
        role: None,
    }));
    out
}

/// The key `name` names: `secret_id`, `secret-id`, `--secret-id` or `CDS_SECRET_ID`.
pub fn key(name: &str) -> Result<Key, CliError> {
    let normal = env::profile_key(
        &name
            .trim_start_matches('-')
            .replace('-', "_")
            .to_uppercase(),
    );
    let all = keys();
    if let Some(k) = all.iter().find(|k| k.key == normal) {
        return Ok(k.clone());
    }
    let hint = crate::suggest::hint(&normal, all.iter().map(|k| k.key.as_str()));
    Err(CliError::Usage(format!(
        "no setting {name:?}{hint} (settings: {})",
        all.iter()
            .map(|k| k.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// What `cds configure` does.
#[derive(Debug)]
pub enum Configure {
    /// Prompt for every key, or (when values are given as flags) write those.
    Write {
        /// Values given as flags: key → value.
        given: Vec<(String, String)>,
    },
    /// `configure set KEY VALUE`.
    Set(String, String),
    /// `configure get KEY`.
    Get(String),
    /// `configure list`.
    List,
}

/// The profile `cds configure` works on: `--profile`, else `CDS_PROFILE`, else `default`.
fn profile_name(profile: Option<String>) -> String {
    profile
        .or_else(|| env_var("CDS_PROFILE"))
        .unwrap_or_else(|| "default".into())
}

fn path() -> Result<PathBuf, CliError> {
    config_path(&env_var).ok_or_else(|| {
        CliError::Usage("no config file location: set CDS_CONFIG_FILE or HOME".into())
    })
}

/// `cds configure …`; returns what to print on stdout (for `get` and `list`).
pub fn configure(profile: Option<String>, what: Configure) -> Result<Option<String>, CliError> {
    let name = profile_name(profile);
    let path = path()?;
    let mut profiles = read_profiles(&path)?;
    match what {
        Configure::Get(k) => {
            let key = key(&k)?;
            let value = profiles.get(&name).and_then(|p| p.get(&key.key));
            match value {
                None => Err(CliError::NotSet),
                Some(_) if key.secret() => Ok(Some("(set, hidden)".into())),
                Some(v) => Ok(Some(text_of(v))),
            }
        }
        Configure::List => {
            let mut out = format!("config file: {}\n", path.display());
            let names: Vec<&str> = profiles.keys().map(String::as_str).collect();
            out.push_str(&format!("profiles: {}\n", names.join(", ")));
            out.push_str(&format!("[{name}]\n"));
            let p = profiles.get(&name).cloned().unwrap_or_default();
            for key in keys() {
                let Some(v) = p.get(&key.key) else { continue };
                let shown = if key.secret() {
                    "(set, hidden)".to_string()
                } else {
                    text_of(v)
                };
                out.push_str(&format!("{} = {shown}\n", key.key));
            }
            Ok(Some(out))
        }
        Configure::Set(k, v) => {
            let key = key(&k)?;
            let value = key.validate(&v).map_err(|why| {
                CliError::Usage(format!("{}: {why}; nothing was written", key.key))
            })?;
            profiles.entry(name).or_default().insert(key.key, value);
            write_profiles(&path, &profiles)?;
            Ok(None)
        }
        Configure::Write { given } if !given.is_empty() => {
            let mut p = profiles.get(&name).cloned().unwrap_or_default();
            for (k, v) in given {
                let key = key(&k)?;
                let value = key.validate(&v).map_err(|why| {
                    CliError::Usage(format!("--{}: {why}; nothing was written", k))
                })?;
                p.insert(key.key, value);
            }
            profiles.insert(name, p);
            write_profiles(&path, &profiles)?;
            let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
            Ok(None)
        }
        Configure::Write { .. } => {
            let mut p = profiles.get(&name).cloned().unwrap_or_default();
            let changed = prompt(&mut p)?;
            if p.is_empty() {
                let _ = writeln!(
                    std::io::stderr(),
                    "nothing to write: profile [{name}] would be empty; {} is unchanged",
                    path.display()
                );
                return Ok(None);
            }
            if !changed && profiles.contains_key(&name) {
                let _ = writeln!(
                    std::io::stderr(),
                    "no change; {} is unchanged",
                    path.display()
                );
                return Ok(None);
            }
            profiles.insert(name, p);
            write_profiles(&path, &profiles)?;
            let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
            Ok(None)
        }
    }
}

/// Asks for every key (secrets without echo on a terminal); an empty answer keeps the
/// current value, end of input keeps the rest. Each answer is checked as it is typed: on a
/// terminal a bad one is asked again, otherwise it ends `configure` before anything is
/// written. Returns whether anything changed.
fn prompt(p: &mut Profile) -> Result<bool, CliError> {
    let interactive = std::io::stdin().is_terminal();
    let mut stdin = std::io::stdin().lock();
    let mut changed = false;
    'keys: for key in keys() {
        let shown = match (p.get(&key.key), key.secret()) {
            (Some(_), true) => "[set, hidden]".to_string(),
            (Some(v), false) => format!("[{}]", text_of(v)),
            (None, _) => "[none]".to_string(),
        };
        let prompt = format!("{} {shown}: ", key.what);
        for _ in 0..3 {
            let answer = if key.secret() && interactive {
                rpassword::prompt_password(&prompt)
                    .map_err(|e| CliError::Usage(format!("reading {}: {e}", key.key)))?
            } else {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{prompt}");
                let _ = err.flush();
                let mut line = String::new();
                let read = stdin
                    .read_line(&mut line)
                    .map_err(|e| CliError::Usage(format!("reading {}: {e}", key.key)))?;
                if read == 0 {
                    let _ = writeln!(err);
                    break 'keys;
                }
                line
            };
            let answer = answer.trim();
            if answer.is_empty() {
                continue 'keys;
            }
            match key.validate(answer) {
                Ok(v) => {
                    changed |= p.get(&key.key) != Some(&v);
                    p.insert(key.key.clone(), v);
                    continue 'keys;
                }
                Err(why) if interactive => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "  {why}; try again (empty keeps the current value)"
                    );
                }
                Err(why) => {
                    return Err(CliError::Usage(format!(
                        "{}: {why}; nothing was written",
                        key.key
                    )))
                }
            }
        }
        return Err(CliError::Usage(format!(
            "{}: no valid answer; nothing was written",
            key.key
        )));
    }
    Ok(changed)
}

/// Writes the profiles (no empty one).
fn write_profiles(
    path: &std::path::Path,
    profiles: &BTreeMap<String, Profile>,
) -> Result<(), CliError> {
    let kept: BTreeMap<&String, &Profile> =
        profiles.iter().filter(|(_, p)| !p.is_empty()).collect();
    let text = toml::to_string(&kept)
        .map_err(|e| CliError::Usage(format!("cannot encode the config file: {e}")))?;
    write_private(path, &text)
}

/// Writes `text` to `path` readable by the owner only, atomically: a temporary file in the
/// same folder (0600), flushed to disk, then renamed over the old file (its folder 0700 when
/// created). A failed write leaves the old file as it was.
fn write_private(path: &std::path::Path, text: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::Usage(format!("cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(fail)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // The rename itself is durable once the folder is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
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
        // An explicit profile beats the environment; what it lacks still comes from there.
        let r = resolve_with(ccs, Some("work".into()), &no_flags, &e).unwrap();
        assert_eq!(r.get("CDS_SECRET_ID"), Some("work-id"));
        let e2 = env(&[
            ("CDS_CONFIG_FILE", &f),
            ("CDS_SECRET_ID", "from-env"),
            ("CDS_PROFILE", "work"),
            ("CDS_REGION", "us"),
        ]);
        let r = resolve_with(ccs, None, &no_flags, &e2).unwrap();
        assert_eq!(r.get("CDS_SECRET_ID"), Some("work-id"));
        assert_eq!(r.get("CDS_REGION"), Some("us"));
        assert!(resolve_with(ccs, Some("nope".into()), &no_flags, &e).is_err());
    }

    #[test]
    fn keys_are_checked_as_typed_and_named_every_way() {
        assert_eq!(key("secret-id").unwrap().key, "secret_id");
        assert_eq!(key("CDS_SECRET_KEY").unwrap().key, "secret_key");
        assert_eq!(key("--bridgx-token").unwrap().key, "bridgx_token");
        assert!(key("cecstack_auth_header").unwrap().secret());
        let e = key("regoin").unwrap_err().to_string();
        assert!(e.contains("did you mean region"), "{e}");
        let region = key("region").unwrap();
        assert!(region.validate("asia").is_ok() && region.validate("mars").is_err());
        assert!(key("endpoint").unwrap().validate("ftp://x").is_err());
        assert_eq!(
            key("max_attempts").unwrap().validate("5"),
            Ok(toml::Value::Integer(5))
        );
        assert!(key("output").unwrap().validate("xml").is_err());
        assert!(key("cecstack_auth_header")
            .unwrap()
            .validate("no colon")
            .is_err());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[default]\nregion = \"asia\"\n").unwrap();
        // The temporary file's name is taken: the write fails before touching the file.
        std::fs::create_dir(
            dir.path()
                .join(format!(".c.toml.{}.tmp", std::process::id())),
        )
        .unwrap();
        assert!(write_private(&file, "[default]\nregion = \"us\"\n").is_err());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "[default]\nregion = \"asia\"\n"
        );
        std::fs::remove_dir(
            dir.path()
                .join(format!(".c.toml.{}.tmp", std::process::id())),
        )
        .unwrap();
        write_private(&file, "[default]\nregion = \"us\"\n").unwrap();
        assert!(std::fs::read_to_string(&file).unwrap().contains("us"));
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[default]\nregion = \"asia\"\nsecret_id = \n").unwrap();
        let e = read_profiles(&file).unwrap_err().to_string();
        assert!(e.contains("line 3, column"), "{e}");
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
