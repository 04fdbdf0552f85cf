//! Required fields of nested inputs, checked before any I/O: by a builder's `build()`
//! ([`build`], failing with [`BuildError`]) and again when a request is sent ([`check`]), so a
//! value assembled without its builder is caught too. Missing fields are named by path, with
//! wire names: `DataDisks[0].Size`.

use crate::error::Error;
use crate::operation::Operation;

/// A value that can report which of its required fields are not set.
pub trait Validate {
    /// Pushes onto `missing` the path of every required field not set, `path` being where this
    /// value sits (empty at the top level).
    fn validate(&self, path: &str, missing: &mut Vec<String>);
}

/// A builder was asked to build a value whose required fields are not all set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build {type_name}: missing required field(s) {}", missing.join(", "))]
#[non_exhaustive]
pub struct BuildError {
    /// The type being built.
    pub type_name: &'static str,
    /// Paths of the missing fields (wire names).
    pub missing: Vec<String>,
}

/// `path.name`, or `name` at the top level.
pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Returns `value` if every required field is set, else a [`BuildError`] naming them.
pub fn build<T: Validate>(type_name: &'static str, value: T) -> Result<T, BuildError> {
    let mut missing = Vec::new();
    value.validate("", &mut missing);
    if missing.is_empty() {
        Ok(value)
    } else {
        Err(BuildError { type_name, missing })
    }
}

/// Checks `input` before `op` is sent: a missing top-level parameter is
/// [`Error::MissingParameter`]; a missing nested field is [`Error::InvalidParameter`] naming
/// its path. Nothing is sent in either case.
pub fn check<T: Validate>(op: &'static Operation, input: &T) -> Result<(), Error> {
    let mut missing = Vec::new();
    input.validate("", &mut missing);
    if let Some(param) = op
        .params
        .iter()
        .find(|p| missing.iter().any(|m| m == p.name))
    {
        return Err(Error::MissingParameter {
            operation: op.name,
            parameter: param.name,
        });
    }
    match missing.split_first() {
        None => Ok(()),
        Some((first, rest)) => Err(Error::InvalidParameter {
            operation: op.name,
            parameter: first.clone(),
            reason: if rest.is_empty() {
                "required field is not set".to_string()
            } else {
                format!("required field is not set (nor are {})", rest.join(", "))
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Disk {
        size: Option<i64>,
    }
    impl Validate for Disk {
        fn validate(&self, path: &str, missing: &mut Vec<String>) {
            if self.size.is_none() {
                missing.push(join(path, "Size"));
            }
        }
    }
    struct Input {
        disks: Vec<Disk>,
    }
    impl Validate for Input {
        fn validate(&self, path: &str, missing: &mut Vec<String>) {
            let at = join(path, "DataDisks");
            for (i, d) in self.disks.iter().enumerate() {
                d.validate(&format!("{at}[{i}]"), missing);
            }
        }
    }

    #[test]
    fn names_missing_fields_by_path() {
        let err = build("Disk", Disk { size: None }).unwrap_err();
        assert_eq!(err.missing, vec!["Size"]);
        assert!(build("Disk", Disk { size: Some(1) }).is_ok());
        let input = Input {
            disks: vec![Disk { size: Some(1) }, Disk { size: None }],
        };
        static OP: Operation = Operation {
            name: "CreateInstance",
            method: crate::operation::Method::Post,
            path: None,
            host: None,
            read: false,
            params: &[],
            binary_response: false,
            output: &crate::operation::EMPTY_OUTPUT,
            task: None,
            pagination: None,
            websocket: false,
            deprecated: None,
        };
        match check(&OP, &input) {
            Err(Error::InvalidParameter { parameter, .. }) => {
                assert_eq!(parameter, "DataDisks[1].Size")
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }
}
