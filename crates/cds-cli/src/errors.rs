//! What can go wrong, its exit code, and how it is printed on stderr (text or JSON).
//!
//! Exit codes: 0 success, 1 a failed call (service error, transport, undecodable answer, failed
//! task), 2 a usage error (bad flags or input, missing configuration). Messages never hold a
//! secret: they come from clap, from this crate, or from `cds_core` errors (which hold none).

use serde_json::json;
use std::io::Write as _;

/// A failure of one `cds` invocation.
#[derive(Debug)]
pub enum CliError {
    /// The invocation is wrong: flags, input, configuration.
    Usage(String),
    /// A usage error that clap has already printed in its own format.
    UsagePrinted,
    /// The reader of stdout went away (`cds … | head`): stop quietly.
    OutputClosed,
    /// `cds configure get` of a setting that is not set: exit 1, nothing printed.
    NotSet,
    /// The service answered with an error.
    Service {
        /// Operation name.
        operation: String,
        /// HTTP status.
        status: u16,
        /// Result code.
        code: String,
        /// Message.
        message: String,
        /// Request id, if any.
        request_id: Option<String>,
    },
    /// Any other failure of a call (transport, decoding, a failed or timed-out task).
    Call(String),
}

/// How errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    /// `error: …` lines.
    #[default]
    Text,
    /// One JSON object: `{"error": {...}}`.
    Json,
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::OutputClosed => 0,
            CliError::NotSet => 1,
            CliError::Usage(_) | CliError::UsagePrinted => 2,
            CliError::Service { .. } | CliError::Call(_) => 1,
        }
    }

    /// Prints the error on stderr.
    pub fn report(&self, format: ErrorFormat) {
        if matches!(
            self,
            CliError::UsagePrinted | CliError::OutputClosed | CliError::NotSet
        ) {
            return;
        }
        let text = match format {
            ErrorFormat::Json => self.to_json().to_string(),
            ErrorFormat::Text if crate::output::color().stderr() => {
                self.to_text()
                    .replacen("error:", "\x1b[1;31merror:\x1b[0m", 1)
            }
            ErrorFormat::Text => self.to_text(),
        };
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    fn to_text(&self) -> String {
        match self {
            CliError::Usage(m) => format!("error: {m}"),
            CliError::UsagePrinted | CliError::OutputClosed | CliError::NotSet => String::new(),
            CliError::Call(m) => format!("error: {m}"),
            CliError::Service {
                operation,
                status,
                code,
                message,
                request_id,
            } => format!(
                "error: {operation}: service error {code}: {message}\n  request id: {}\n  HTTP status: {status}",
                request_id.as_deref().unwrap_or("none")
            ),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            CliError::Usage(m) => json!({"error": {"type": "usage", "message": m}}),
            CliError::UsagePrinted => json!({"error": {"type": "usage"}}),
            CliError::OutputClosed => json!({"error": {"type": "output-closed"}}),
            CliError::NotSet => json!({"error": {"type": "not-set"}}),
            CliError::Call(m) => json!({"error": {"type": "call", "message": m}}),
            CliError::Service {
                operation,
                status,
                code,
                message,
                request_id,
            } => json!({"error": {
                "type": "service", "operation": operation, "status": status, "code": code,
                "message": message, "request_id": request_id,
            }}),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.to_text();
        f.write_str(text.strip_prefix("error: ").unwrap_or(&text))
    }
}

impl From<cds_core::Error> for CliError {
    fn from(e: cds_core::Error) -> Self {
        use cds_core::Error as E;
        match e {
            E::Service(s) => CliError::Service {
                operation: s.operation.to_string(),
                status: s.status,
                code: s.code,
                message: s.message,
                request_id: s.request_id,
            },
            E::Http {
                operation,
                status,
                request_id,
                body_start,
                ..
            } => CliError::Service {
                operation: operation.to_string(),
                status,
                code: format!("HTTP{status}"),
                message: body_start,
                request_id,
            },
            e @ (E::Config { .. } | E::MissingParameter { .. } | E::InvalidParameter { .. }) => {
                CliError::Usage(e.to_string())
            }
            other => CliError::Call(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_exit_1_and_usage_errors_exit_2() {
        let e = CliError::Service {
            operation: "X".into(),
            status: 400,
            code: "Bad".into(),
            message: "m".into(),
            request_id: Some("r-1".into()),
        };
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_text().contains("r-1"));
        assert_eq!(e.to_json()["error"]["code"], "Bad");
        assert_eq!(CliError::Usage("u".into()).exit_code(), 2);
    }
}
