//! Finding the operation a request is for: `Action` + path for the RPC lines, method + path
//! template for the REST lines.

use cds_core::operation::{LineDescription, Operation, Protocol};
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;

/// A routed request.
pub struct Route {
    /// The line.
    pub line: &'static LineDescription,
    /// The operation.
    pub op: &'static Operation,
    /// Decoded path parameters.
    pub path_params: BTreeMap<String, String>,
}

/// Finds the operation for an RPC request (`action` from the query).
pub fn rpc(lines: &[&'static LineDescription], path: &str, action: &str) -> Option<Route> {
    let path = path.trim_end_matches('/');
    lines.iter().copied().filter(|l| matches!(l.service.protocol, Protocol::Rpc { .. })).find_map(|line| {
        line.operations.iter().copied().find_map(|op| {
            let op_path = op.path.unwrap_or(line.service.path).trim_end_matches('/');
            (op.name == action && op_path == path).then(|| Route { line, op, path_params: BTreeMap::new() })
        })
    })
}

/// Finds the operation for a REST request.
pub fn rest(lines: &[&'static LineDescription], method: &str, path: &str) -> Option<Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    lines.iter().copied().filter(|l| l.service.protocol == Protocol::Rest).find_map(|line| {
        line.operations.iter().copied().find_map(|op| {
            if op.method.as_str() != method {
                return None;
            }
            let template = format!("{}{}", line.service.path, op.path.unwrap_or(""));
            let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut params = BTreeMap::new();
            for (t, s) in parts.iter().zip(&segments) {
                if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let value = percent_decode_str(s).decode_utf8().ok()?.into_owned();
                    params.insert(name.to_string(), value);
                } else if !t.eq_ignore_ascii_case(s) {
                    return None;
                }
            }
            Some(Route { line, op, path_params: params })
        })
    })
}
