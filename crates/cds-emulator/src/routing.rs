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

/// The operations an RPC request may be for (`action` from the query).
pub fn rpc(lines: &[&'static LineDescription], path: &str, action: &str) -> Vec<Route> {
    let path = path.trim_end_matches('/');
    lines
        .iter()
        .copied()
        .filter(|l| matches!(l.service.protocol, Protocol::Rpc { .. }))
        .flat_map(|line| {
            line.operations.iter().copied().filter_map(move |op| {
                let op_path = op.path.unwrap_or(line.service.path).trim_end_matches('/');
                (op.name == action && op_path == path).then(|| Route {
                    line,
                    op,
                    path_params: BTreeMap::new(),
                })
            })
        })
        .collect()
}

/// The operations a REST request may be for, most specific template first (more literal
/// segments first): several documented operations share a method and template.
pub fn rest(lines: &[&'static LineDescription], method: &str, path: &str) -> Vec<Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut routes: Vec<(usize, Route)> = Vec::new();
    for line in lines
        .iter()
        .copied()
        .filter(|l| l.service.protocol == Protocol::Rest)
    {
        for op in line.operations.iter().copied() {
            if op.method.as_str() != method {
                continue;
            }
            let template = format!("{}{}", line.service.path, op.path.unwrap_or(""));
            let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = BTreeMap::new();
            let mut literal = 0;
            let matched = parts.iter().zip(&segments).all(|(t, s)| {
                if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    match percent_decode_str(s).decode_utf8() {
                        Ok(v) => {
                            params.insert(name.to_string(), v.into_owned());
                            true
                        }
                        Err(_) => false,
                    }
                } else {
                    literal += 1;
                    t.eq_ignore_ascii_case(s)
                }
            });
            if matched {
                routes.push((
                    literal,
                    Route {
                        line,
                        op,
                        path_params: params,
                    },
                ));
            }
        }
    }
    routes.sort_by_key(|r| std::cmp::Reverse(r.0));
    routes.into_iter().map(|(_, r)| r).collect()
}
