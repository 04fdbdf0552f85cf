//! The shape of the generated command tables (`crate::generated`): presentation only.
//!
//! One [`Line`] per product line, one [`Op`] per operation, one [`Flag`] per parameter, and
//! the field descriptions of every structure a parameter can hold ([`StructDoc`]). Everything
//! else (shapes, required fields, value sets, tasks, paging, environment variables,
//! authentication) is the line's `meta::LINE` ([`Line::meta`]), read through the accessors
//! here.

use cds_core::operation::{LineDescription, Operation, Param, Shape};

/// A product line: `cds <name> …`.
#[derive(Debug)]
pub struct Line {
    /// The line crate's static description: the one description of the line.
    pub meta: &'static LineDescription,
    /// Its operations' commands.
    pub ops: &'static [Op],
    /// Field descriptions of the structures its parameters can hold, sorted by name.
    pub structs: &'static [StructDoc],
}

/// An operation: `cds <line> <command> …`.
#[derive(Debug)]
pub struct Op {
    /// Spec name (the RPC `Action`), as in `meta`.
    pub name: &'static str,
    /// Command name (kebab case).
    pub command: &'static str,
    /// English description.
    pub en: &'static str,
    /// Chinese description (empty when it repeats the English).
    pub zh: &'static str,
    /// Its parameters' flags, in the order of `meta`.
    pub params: &'static [Flag],
}

/// A parameter's flag: `--<flag> VALUE`.
#[derive(Debug)]
pub struct Flag {
    /// Wire name (the parameter's name in `meta`).
    pub name: &'static str,
    /// Flag name (kebab case, unique within the operation).
    pub flag: &'static str,
    /// English description.
    pub en: &'static str,
    /// Chinese description (empty when it repeats the English).
    pub zh: &'static str,
}

/// The field descriptions of a named structure.
#[derive(Debug)]
pub struct StructDoc {
    /// The structure's name (`meta`'s `Struct::name`).
    pub name: &'static str,
    /// Its fields.
    pub fields: &'static [FieldDoc],
}

/// A field's descriptions.
#[derive(Debug)]
pub struct FieldDoc {
    /// Wire name.
    pub name: &'static str,
    /// English description.
    pub en: &'static str,
    /// Chinese description (empty when it repeats the English).
    pub zh: &'static str,
}

/// The line named `name`.
pub fn line(name: &str) -> Option<&'static Line> {
    crate::generated::LINES
        .iter()
        .copied()
        .find(|l| l.name() == name)
}

/// Every line's command name.
pub fn line_names() -> impl Iterator<Item = &'static str> {
    crate::generated::LINES.iter().map(|l| l.name())
}

impl Line {
    /// The command name (the product line's name, e.g. `ccs`).
    pub fn name(&self) -> &'static str {
        self.meta.service.product
    }

    /// English title.
    pub fn title_en(&self) -> &'static str {
        self.meta.title.0
    }

    /// Chinese title.
    pub fn title_zh(&self) -> &'static str {
        self.meta.title.1
    }

    /// The operation whose command is `command`.
    pub fn op(&self, command: &str) -> Option<&'static Op> {
        self.ops.iter().find(|o| o.command == command)
    }

    /// The operation named `name` in `meta`.
    pub fn op_named(&self, name: &str) -> Option<&'static Op> {
        self.ops.iter().find(|o| o.name == name)
    }

    /// The runtime's description of `op`.
    pub fn meta_op(&self, op: &Op) -> Option<&'static Operation> {
        self.meta.operation(op.name)
    }

    /// The field descriptions of the structure named `name`.
    pub fn struct_doc(&self, name: &str) -> Option<&'static StructDoc> {
        self.structs
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| &self.structs[i])
    }
}

impl Op {
    /// The flag of parameter `name`.
    pub fn flag(&self, name: &str) -> Option<&'static Flag> {
        self.params.iter().find(|f| f.name == name)
    }
}

impl StructDoc {
    /// The descriptions of field `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldDoc> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// An operation with everything the CLI needs about it: its line, its command table and the
/// runtime's description.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    /// The line.
    pub line: &'static Line,
    /// Presentation.
    pub op: &'static Op,
    /// The runtime's description.
    pub meta: &'static Operation,
}

impl Command {
    /// `cds <line> <command>`, if both exist.
    pub fn find(line: &str, command: &str) -> Option<Command> {
        let line = self::line(line)?;
        let op = line.op(command)?;
        Command::of(line, op)
    }

    /// The command of `op` of `line`.
    pub fn of(line: &'static Line, op: &'static Op) -> Option<Command> {
        Some(Command {
            line,
            op,
            meta: line.meta_op(op)?,
        })
    }

    /// Each parameter with its flag.
    pub fn params(&self) -> impl Iterator<Item = (&'static Param, &'static Flag)> + '_ {
        self.meta
            .params
            .iter()
            .filter_map(|p| self.op.flag(p.name).map(|f| (p, f)))
    }

    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.meta.params.iter().find(|p| p.name == name)
    }
}

/// The element shape of a list, or the shape itself.
pub fn element(shape: &Shape) -> (&Shape, bool) {
    match shape {
        Shape::List(inner) => (inner, true),
        other => (other, false),
    }
}
