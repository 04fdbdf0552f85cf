//! The settings every line reads, from each line's `meta::LINE.env` (no variable name is
//! written here): which variables exist, their role, the flag and the profile key of each.

use crate::table::Line;
use cds_core::EnvNames;

/// What a variable configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// AccessKeyId.
    SecretId,
    /// AccessKeySecret.
    SecretKey,
    /// Access region.
    Region,
    /// Endpoint.
    Endpoint,
    /// Bearer token.
    Token,
    /// Region id header.
    RegionId,
    /// Authentication header `Name: value`.
    AuthHeader,
}

impl Role {
    fn of(role: &str) -> Option<Role> {
        Some(match role {
            "secret_id" => Role::SecretId,
            "secret_key" => Role::SecretKey,
            "region" => Role::Region,
            "endpoint" => Role::Endpoint,
            "token" => Role::Token,
            "region_id" => Role::RegionId,
            "auth_header" => Role::AuthHeader,
            _ => return None,
        })
    }

    /// Its value is a secret: read without echo, never printed.
    pub fn secret(self) -> bool {
        matches!(self, Role::SecretKey | Role::Token | Role::AuthHeader)
    }

    /// What it is, for help texts and prompts.
    pub fn what(self) -> &'static str {
        match self {
            Role::SecretId => "AccessKeyId",
            Role::SecretKey => "AccessKeySecret",
            Role::Region => "access region (mainland, asia, us)",
            Role::Endpoint => "endpoint, scheme://host[:port]",
            Role::Token => "bearer token",
            Role::RegionId => "region id (sent in the region header)",
            Role::AuthHeader => "authentication header, 'Name: value'",
        }
    }
}

/// One variable and the lines that read it.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The environment variable (`CDS_SECRET_ID`).
    pub var: &'static str,
    /// Its role.
    pub role: Role,
    /// The lines that read it.
    pub lines: Vec<&'static str>,
}

impl Setting {
    /// The profile key: the variable without the `CDS_` prefix, in lower case
    /// (`secret_id`, `bridgx_token`).
    pub fn key(&self) -> String {
        profile_key(self.var)
    }

    /// The global flag that sets it (`--secret-id`, `--bridgx-token`); every endpoint
    /// variable is set by the one `--endpoint`.
    pub fn flag(&self) -> String {
        match self.role {
            Role::Endpoint => "endpoint".into(),
            _ => self.key().replace('_', "-"),
        }
    }
}

/// The profile key of variable `var`.
pub fn profile_key(var: &str) -> String {
    var.strip_prefix("CDS_").unwrap_or(var).to_ascii_lowercase()
}

/// The variables `names` declares, with their roles.
pub fn declared(names: &EnvNames) -> Vec<(Role, &'static str)> {
    let mut out: Vec<(Role, &'static str)> = names
        .declared()
        .into_iter()
        .filter_map(|(role, var)| Role::of(role).map(|r| (r, var)))
        .collect();
    out.sort();
    out
}

/// Every variable of every line, by role, then in the order of the lines.
pub fn settings() -> Vec<Setting> {
    let mut out: Vec<Setting> = Vec::new();
    for line in crate::generated::LINES {
        for (role, var) in declared(&line.meta.env) {
            match out.iter_mut().find(|s| s.var == var) {
                Some(s) => s.lines.push(line.name()),
                None => out.push(Setting {
                    var,
                    role,
                    lines: vec![line.name()],
                }),
            }
        }
    }
    out.sort_by_key(|s| s.role);
    out
}

/// The variables `line` reads for `role`, in the order they are looked up: the line's own,
/// then, for the endpoint, the one every `Action` line reads (so that one variable points
/// every line at an emulator or proxy).
pub fn vars(line: &Line, role: Role) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = declared(&line.meta.env)
        .into_iter()
        .filter(|(r, _)| *r == role)
        .map(|(_, v)| v)
        .collect();
    if role == Role::Endpoint {
        if let Some(generic) = cds_core::config::RPC.endpoint {
            if !out.contains(&generic) {
                out.push(generic);
            }
        }
    }
    out
}
