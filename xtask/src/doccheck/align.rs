//! Which spec field each row of a document's table describes.
//!
//! The tables are mostly flat: nested fields follow their parent's row, sometimes with the
//! parent in parentheses (`Id（Computes）`), a dotted path (`Data.Rules[].RuleId`) or a
//! sub-attribute column. Rows are read in order against the spec's tree (see
//! [`super::tree`]): a row is looked up among the children of the fields read just before
//! it (innermost first), then at the top level, then anywhere not yet described.

use super::model::DocField;
use super::tree::{segments, Node};

/// Where a row landed in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The row describes this node.
    At(usize),
    /// The document places the row under a parent (dotted path or parent hint) where the
    /// spec has no such field; the spec has the name elsewhere (these nodes).
    Elsewhere(Vec<usize>),
    /// No spec field has the row's name.
    Nowhere,
}

/// The place of every row of `rows` in `nodes`, in order.
pub fn align(nodes: &[Node<'_>], rows: &[DocField]) -> Vec<Place> {
    let mut used = vec![false; nodes.len()];
    // The fields read just before the current row, outermost first.
    let mut context: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let named = by_name(nodes, &row.leaf);
        if named.is_empty() {
            out.push(Place::Nowhere);
            continue;
        }
        let written = written_parents(row);
        let placed: Vec<usize> = if written.is_empty() {
            named.clone()
        } else {
            named
                .iter()
                .copied()
                .filter(|k| under(nodes, *k, &written))
                .collect()
        };
        if placed.is_empty() {
            out.push(Place::Elsewhere(named));
            continue;
        }
        let k = choose(nodes, &placed, &context, &used);
        used[k] = true;
        context = chain(
            nodes,
            if nodes[k].container {
                Some(k)
            } else {
                nodes[k].parent
            },
        );
        out.push(Place::At(k));
    }
    out
}

/// The parents a row names: the segments of a dotted name before its leaf, or the parent
/// hint.
pub fn written_parents(row: &DocField) -> Vec<String> {
    let segs = segments(&row.name);
    if segs.len() > 1 {
        return segs[..segs.len() - 1]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
    }
    row.parent.iter().cloned().collect()
}

/// Nodes named `leaf` (exactly; else ignoring ASCII case).
fn by_name(nodes: &[Node<'_>], leaf: &str) -> Vec<usize> {
    let exact: Vec<usize> = (0..nodes.len())
        .filter(|k| nodes[*k].name == leaf)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    (0..nodes.len())
        .filter(|k| nodes[*k].name.eq_ignore_ascii_case(leaf))
        .collect()
}

/// True when the names of `k`'s ancestors end with `parents` (ignoring ASCII case).
fn under(nodes: &[Node<'_>], k: usize, parents: &[String]) -> bool {
    let names: Vec<&str> = chain(nodes, nodes[k].parent)
        .iter()
        .map(|a| nodes[*a].name)
        .collect();
    names.len() >= parents.len()
        && names[names.len() - parents.len()..]
            .iter()
            .zip(parents)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// `k` and its ancestors, outermost first.
fn chain(nodes: &[Node<'_>], mut k: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    while let Some(i) = k {
        out.push(i);
        k = nodes[i].parent;
    }
    out.reverse();
    out
}

/// The candidate a row most likely describes: a child of the innermost field read before,
/// else a top-level field, else the first not yet described, else the first.
fn choose(nodes: &[Node<'_>], cands: &[usize], context: &[usize], used: &[bool]) -> usize {
    for c in context.iter().rev() {
        if let Some(k) = cands.iter().find(|k| nodes[**k].parent == Some(*c)) {
            return *k;
        }
    }
    cands
        .iter()
        .find(|k| nodes[**k].top())
        .or_else(|| cands.iter().find(|k| !used[**k]))
        .or(cands.first())
        .copied()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::specview::{SpecField, SpecLine};
    use super::super::tree::build;
    use super::*;

    fn f(name: &str, ty: &str) -> SpecField {
        SpecField {
            name: name.into(),
            ty: ty.into(),
            ..SpecField::default()
        }
    }

    fn row(name: &str, parent: Option<&str>) -> DocField {
        DocField {
            name: name.into(),
            leaf: segments(name).last().map_or("", |s| s).to_string(),
            parent: parent.map(str::to_string),
            ..DocField::default()
        }
    }

    #[test]
    fn flat_rows_follow_their_parent() {
        let mut line = SpecLine::default();
        line.types.insert(
            "Goods".into(),
            vec![f("Id", "string"), f("Computes", "list<Compute>")],
        );
        line.types.insert(
            "Compute".into(),
            vec![f("Id", "string"), f("Cpu", "integer")],
        );
        line.types
            .insert("Data".into(), vec![f("PostPaid", "list<Goods>")]);
        let fields = vec![f("Data", "Data")];
        let nodes = build(&line, &fields);
        let paths: Vec<&str> = nodes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Data",
                "Data.PostPaid",
                "Data.PostPaid[].Id",
                "Data.PostPaid[].Computes",
                "Data.PostPaid[].Computes[].Id",
                "Data.PostPaid[].Computes[].Cpu"
            ]
        );
        let rows = [
            row("Data", None),
            row("PostPaid", None),
            row("Id", None),
            row("Computes", None),
            row("Id", Some("Computes")),
            row("Cpu", None),
            row("Ram", None),
            row("Data.Cpu", None),
        ];
        let got = align(&nodes, &rows);
        assert_eq!(
            got,
            [
                Place::At(0),
                Place::At(1),
                Place::At(2),
                Place::At(3),
                Place::At(4),
                Place::At(5),
                Place::Nowhere,
                Place::Elsewhere(vec![5]),
            ]
        );
    }
}
