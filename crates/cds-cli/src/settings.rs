//! Where credentials and settings come from: flags, then the environment, then a named
//! profile of the config file; and `cds configure`, which writes that file with mode 0600.

use crate::errors::CliError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;

/// One profile of the config file.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    /// AccessKeyId.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_id: Option<String>,
    /// AccessKeySecret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// `mainland`, `asia` or `us`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Endpoint override for every line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// BridgX endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridgx_endpoint: Option<String>,
    /// BridgX bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridgx_token: Option<String>,
    /// CECSTACK endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cecstack_endpoint: Option<String>,
    /// CECSTACK region id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cecstack_region_id: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Profile")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &redact(&self.secret_key))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("bridgx_endpoint", &self.bridgx_endpoint)
            .field("bridgx_token", &redact(&self.bridgx_token))
            .field("cecstack_endpoint", &self.cecstack_endpoint)
            .field("cecstack_region_id", &self.cecstack_region_id)
            .finish()
    }
}

/// Settings given as flags.
#[derive(Default)]
pub struct Flags {
    /// `--profile`.
    pub profile: Option<String>,
    /// `--secret-id`.
    pub secret_id: Option<String>,
    /// `--secret-key`.
    pub secret_key: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--bridgx-token`.
    pub bridgx_token: Option<String>,
    /// `--cecstack-region-id`.
    pub cecstack_region_id: Option<String>,
    /// `--cecstack-auth-header` (`Name: value`).
    pub cecstack_auth_header: Option<String>,
}

/// The settings that apply to one call of one product line.
#[derive(Default)]
pub struct Resolved {
    /// AccessKeyId.
    pub secret_id: Option<String>,
    /// AccessKeySecret.
    pub secret_key: Option<String>,
    /// Region name.
    pub region: Option<String>,
    /// Endpoint override.
    pub endpoint: Option<String>,
    /// Bearer token.
    pub token: Option<String>,
    /// Region id header value.
    pub region_id: Option<String>,
    /// `Name: value` of the header that authenticates CECSTACK calls (a secret).
    pub auth_header: Option<String>,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolved")
            .field("secret_id", &self.secret_id)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("region_id", &self.region_id)
            .finish_non_exhaustive()
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

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the settings for `line`: flags, then the environment, then the profile.
pub fn resolve(line: &str, flags: Flags) -> Result<Resolved, CliError> {
    resolve_with(line, flags, &env_var)
}

/// [`resolve`] with the environment read through `env`.
pub fn resolve_with(
    line: &str,
    flags: Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CliError> {
    let profile_name = flags
        .profile
        .clone()
        .or_else(|| env("CDS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let explicit = flags.profile.is_some() || env("CDS_PROFILE").is_some();
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
    let pick = |flag: Option<String>, vars: &[&str], from_profile: &[&Option<String>]| {
        flag.or_else(|| vars.iter().find_map(|v| env(v)))
            .or_else(|| from_profile.iter().find_map(|p| (*p).clone()))
    };
    let (endpoint_vars, profile_endpoints): (&[&str], Vec<&Option<String>>) = match line {
        "bridgx" => (
            &["BRIDGX_ENDPOINT", "CDS_ENDPOINT"],
            vec![&profile.bridgx_endpoint, &profile.endpoint],
        ),
        "cecstack-ecs" => (
            &["CECSTACK_ENDPOINT", "CDS_ENDPOINT"],
            vec![&profile.cecstack_endpoint, &profile.endpoint],
        ),
        _ => (&["CDS_ENDPOINT"], vec![&profile.endpoint]),
    };
    Ok(Resolved {
        secret_id: pick(flags.secret_id, &["CDS_SECRET_ID"], &[&profile.secret_id]),
        secret_key: pick(
            flags.secret_key,
            &["CDS_SECRET_KEY"],
            &[&profile.secret_key],
        ),
        region: pick(flags.region, &["CDS_REGION"], &[&profile.region]),
        endpoint: pick(flags.endpoint, endpoint_vars, &profile_endpoints),
        token: pick(
            flags.bridgx_token,
            &["BRIDGX_TOKEN"],
            &[&profile.bridgx_token],
        ),
        region_id: pick(
            flags.cecstack_region_id,
            &["CECSTACK_REGION_ID"],
            &[&profile.cecstack_region_id],
        ),
        auth_header: pick(flags.cecstack_auth_header, &["CECSTACK_AUTH_HEADER"], &[]),
    })
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
    let mut ask = |label: &str, slot: &mut Option<String>, secret: bool| -> Result<(), CliError> {
        let shown = match (&slot, secret) {
            (Some(_), true) => "[set, hidden]".to_string(),
            (Some(v), false) => format!("[{v}]"),
            (None, _) => "[none]".to_string(),
        };
        let prompt = format!("{label} {shown}: ");
        let answer = if secret && interactive {
            rpassword::prompt_password(&prompt)
                .map_err(|e| CliError::Usage(format!("reading {label}: {e}")))?
        } else {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{prompt}");
            let _ = err.flush();
            let mut line = String::new();
            stdin
                .read_line(&mut line)
                .map_err(|e| CliError::Usage(format!("reading {label}: {e}")))?;
            line
        };
        let answer = answer.trim();
        if !answer.is_empty() {
            *slot = Some(answer.to_string());
        }
        Ok(())
    };
    ask("CDS secret id (AccessKeyId)", &mut p.secret_id, false)?;
    ask("CDS secret key (AccessKeySecret)", &mut p.secret_key, true)?;
    ask("Region (mainland, asia, us)", &mut p.region, false)?;
    ask(
        "Endpoint override (http(s)://host[:port])",
        &mut p.endpoint,
        false,
    )?;
    ask("BridgX endpoint", &mut p.bridgx_endpoint, false)?;
    ask("BridgX token", &mut p.bridgx_token, true)?;
    ask("CECSTACK endpoint", &mut p.cecstack_endpoint, false)?;
    ask("CECSTACK region id", &mut p.cecstack_region_id, false)?;
    if let Some(r) = &p.region {
        r.parse::<cds_core::Region>()
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
        let r = resolve_with("ccs", Flags::default(), &e).unwrap();
        assert_eq!(r.secret_id.as_deref(), Some("from-env"));
        assert_eq!(r.secret_key.as_deref(), Some("pk"));
        assert_eq!(r.region.as_deref(), Some("asia"));
        let flags = Flags {
            secret_id: Some("from-flag".into()),
            ..Flags::default()
        };
        let r = resolve_with("ccs", flags, &e).unwrap();
        assert_eq!(r.secret_id.as_deref(), Some("from-flag"));
        let flags = Flags {
            profile: Some("work".into()),
            ..Flags::default()
        };
        let r = resolve_with("ccs", flags, &env(&[("CDS_CONFIG_FILE", &f)])).unwrap();
        assert_eq!(r.secret_id.as_deref(), Some("work-id"));
        let flags = Flags {
            profile: Some("nope".into()),
            ..Flags::default()
        };
        assert!(resolve_with("ccs", flags, &e).is_err());
    }

    #[test]
    fn rest_lines_read_their_own_variables_first() {
        let e = env(&[
            ("CDS_ENDPOINT", "http://generic:1"),
            ("BRIDGX_ENDPOINT", "http://bridgx:2"),
            ("BRIDGX_TOKEN", "t"),
        ]);
        let r = resolve_with("bridgx", Flags::default(), &e).unwrap();
        assert_eq!(r.endpoint.as_deref(), Some("http://bridgx:2"));
        assert_eq!(r.token.as_deref(), Some("t"));
        let r = resolve_with("cecstack-ecs", Flags::default(), &e).unwrap();
        assert_eq!(r.endpoint.as_deref(), Some("http://generic:1"));
        assert!(!format!("{r:?}").contains("t\""));
    }
}
