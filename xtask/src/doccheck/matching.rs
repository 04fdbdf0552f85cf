//! Which operation of one set of documents is which of another: by address and action,
//! then renames at the same address, then the same action at an unknown address; and which
//! file is the current copy of an operation documented in several.

use super::model::{norm_heading, strip_number, DocOp, Document};
use std::collections::{BTreeMap, BTreeSet};

/// An operation and where it is documented.
#[derive(Debug, Clone)]
pub struct Located<'a> {
    /// The document holding the current copy.
    pub doc: &'a Document,
    /// The operation.
    pub op: &'a DocOp,
    /// Other documents of the same side with a copy (taken as stale).
    pub also_in: Vec<&'a str>,
}

/// Identity of an operation across editions: its address (RPC: `host/path`, `?` when the
/// document gives none; REST and unnamed operations: empty) and its name (the `Action`,
/// else `METHOD /path`, else the heading without its number).
pub fn key(op: &DocOp) -> (String, String) {
    match &op.action {
        Some(a) => (address(op), a.clone()),
        None => (String::new(), op.key()),
    }
}

/// `host/path` of an RPC operation (`cdsapi/ccs`), `?` when not documented.
pub fn address(op: &DocOp) -> String {
    match (&op.host, &op.path) {
        (Some(h), Some(p)) => format!("{h}{}", p.trim_end_matches('/')),
        (None, Some(p)) => p.trim_end_matches('/').to_string(),
        _ => "?".to_string(),
    }
}

/// The operations of `docs` (restricted to a section when given), one per key. Where
/// several documents have the same operation, the copy in the document with fewer
/// operations is current (the vendor moves sections into per-product files and leaves
/// stale copies in the main document); the others are `also_in`.
pub fn collect<'a>(docs: &'a [Document], section: Option<&str>) -> Vec<Located<'a>> {
    let mut by_key: BTreeMap<(String, String), Vec<(&'a Document, &'a DocOp)>> = BTreeMap::new();
    let mut order = Vec::new();
    for d in docs {
        for op in &d.ops {
            if section.is_some_and(|s| norm_heading(&op.section) != norm_heading(s)) {
                continue;
            }
            let k = key(op);
            let slot = by_key.entry(k.clone()).or_default();
            // Two headings with one key in one document: the first is the operation.
            if slot.iter().any(|(x, _)| x.name == d.name) {
                continue;
            }
            if slot.is_empty() {
                order.push(k);
            }
            slot.push((d, op));
        }
    }
    order
        .into_iter()
        .filter_map(|k| {
            let copies = by_key.remove(&k)?;
            let (doc, op) = *copies
                .iter()
                .min_by_key(|(d, _)| d.ops.len())
                .unwrap_or(&copies[0]);
            let also_in = copies
                .iter()
                .filter(|(d, _)| d.name != doc.name)
                .map(|(d, _)| d.name.as_str())
                .collect();
            Some(Located { doc, op, also_in })
        })
        .collect()
}

/// How an old operation was found on the new side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Same address and action.
    Same,
    /// Same address, another action: renamed (why, as a short phrase).
    Renamed(&'static str),
    /// Same action; the address changed or one side does not give it.
    Readdressed,
}

/// Pairs of (old index, new index, how), and the indices left over on each side.
#[derive(Debug, Default)]
pub struct Pairing {
    /// Matched operations.
    pub pairs: Vec<(usize, usize, How)>,
    /// Old operations with no counterpart (removed).
    pub removed: Vec<usize>,
    /// New operations with no counterpart (added).
    pub added: Vec<usize>,
}

/// Matches `old` with `new`.
pub fn pair(old: &[Located<'_>], new: &[Located<'_>]) -> Pairing {
    let mut out = Pairing::default();
    let mut taken_old = vec![false; old.len()];
    let mut taken_new = vec![false; new.len()];
    let new_by_key: BTreeMap<(String, String), usize> = new
        .iter()
        .enumerate()
        .map(|(k, n)| (key(n.op), k))
        .collect();
    for (i, o) in old.iter().enumerate() {
        if let Some(&j) = new_by_key.get(&key(o.op)) {
            out.pairs.push((i, j, How::Same));
            taken_old[i] = true;
            taken_new[j] = true;
        }
    }
    // Renames: same known RPC address, scored; best first.
    let mut cands: Vec<(f64, usize, usize, &'static str)> = Vec::new();
    for (i, o) in old.iter().enumerate().filter(|(i, _)| !taken_old[*i]) {
        let (Some(oa), a) = (&o.op.action, address(o.op)) else {
            continue;
        };
        if a == "?" {
            continue;
        }
        for (j, n) in new.iter().enumerate().filter(|(j, _)| !taken_new[*j]) {
            let Some(na) = &n.op.action else { continue };
            if address(n.op) != a {
                continue;
            }
            if let Some((score, why)) = rename_score(oa, na, o.op, n.op) {
                cands.push((score, i, j, why));
            }
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j, why) in cands {
        if !taken_old[i] && !taken_new[j] {
            out.pairs.push((i, j, How::Renamed(why)));
            taken_old[i] = true;
            taken_new[j] = true;
        }
    }
    // The same action elsewhere: when one address is unknown, or the action is unique on
    // both sides.
    let count = |side: &[Located<'_>], a: &str| {
        side.iter()
            .filter(|x| x.op.action.as_deref() == Some(a))
            .count()
    };
    for (i, o) in old.iter().enumerate() {
        if taken_old[i] {
            continue;
        }
        let Some(a) = &o.op.action else { continue };
        let unique = count(old, a) == 1 && count(new, a) == 1;
        let found = new.iter().enumerate().find(|(j, n)| {
            !taken_new[*j]
                && n.op.action.as_deref() == Some(a.as_str())
                && (unique || address(o.op) == "?" || address(n.op) == "?")
        });
        if let Some((j, _)) = found {
            out.pairs.push((i, j, How::Readdressed));
            taken_old[i] = true;
            taken_new[j] = true;
        }
    }
    out.removed = (0..old.len()).filter(|i| !taken_old[*i]).collect();
    out.added = (0..new.len()).filter(|j| !taken_new[*j]).collect();
    out.pairs.sort_by_key(|(i, j, _)| (*i, *j));
    out
}

/// How likely `new` is `old` renamed (both at the same address): `None` when unlikely.
fn rename_score(old: &str, new: &str, o: &DocOp, n: &DocOp) -> Option<(f64, &'static str)> {
    if old.eq_ignore_ascii_case(new) {
        return Some((10.0, "the same name in another letter case"));
    }
    if mentions(&n.text, old) {
        return Some((5.0, "the document names the former action"));
    }
    let (ow, nw) = (words(old), words(new));
    let same_verb = ow.first() == nw.first();
    let name = name_similarity(&ow, &nw);
    let params = jaccard(
        o.params.iter().chain(&o.response).map(|f| f.leaf.as_str()),
        n.params.iter().chain(&n.response).map(|f| f.leaf.as_str()),
    );
    let likely = (same_verb && (name >= 0.3 || params >= 0.5)) || params >= 0.8;
    likely.then_some((
        name + params,
        if name >= params {
            "same address, a similar name"
        } else {
            "same address, similar parameters"
        },
    ))
}

/// True when `text` names `word` as a whole word.
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(k, _)| {
        let before = text[..k].chars().next_back();
        let after = text[k + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// CamelCase words: `ModifySecurityGroupRulePriority` → Modify, Security, Group, Rule,
/// Priority (runs of capitals stay one word: `NSG`, `NSGs`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for (k, c) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(k + 1);
        let starts = c.is_ascii_uppercase()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase() && *n != 's')));
        if starts || out.is_empty() {
            out.push(String::new());
        }
        if let Some(w) = out.last_mut() {
            w.push(*c);
        }
    }
    out
}

/// Shared leading and trailing words over the longer name's word count.
fn name_similarity(a: &[String], b: &[String]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rest = a.len().min(b.len()) - head;
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(rest)
        .take_while(|(x, y)| x == y)
        .count();
    (head + tail) as f64 / longest as f64
}

/// Shared names over all names, ignoring ASCII case (0 when both are empty).
fn jaccard<'a>(a: impl Iterator<Item = &'a str>, b: impl Iterator<Item = &'a str>) -> f64 {
    let a: BTreeSet<String> = a.map(str::to_ascii_lowercase).collect();
    let b: BTreeSet<String> = b.map(str::to_ascii_lowercase).collect();
    let all = a.union(&b).count();
    if all == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / all as f64
}

/// For each old document, the new document holding (any copy of) most of its operations:
/// an operation whose current copy is elsewhere has moved.
pub fn counterparts(
    old_docs: &[Document],
    new_docs: &[Document],
    section: Option<&str>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for o in old_docs {
        let keys: BTreeSet<(String, String)> = o
            .ops
            .iter()
            .filter(|op| section.is_none_or(|s| norm_heading(&op.section) == norm_heading(s)))
            .map(key)
            .collect();
        let best = new_docs
            .iter()
            .map(|n| {
                let shared = n.ops.iter().filter(|op| keys.contains(&key(op))).count();
                (shared, n.name.as_str())
            })
            .filter(|(shared, _)| *shared > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)));
        if let Some((_, name)) = best {
            out.insert(o.name.clone(), name.to_string());
        }
    }
    out
}

/// The name an operation is shown under: its action, else its key.
pub fn display(op: &DocOp) -> String {
    op.action
        .clone()
        .unwrap_or_else(|| strip_number(&op.key()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_words() {
        assert_eq!(
            words("ModifySecurityGroupRulePriority"),
            ["Modify", "Security", "Group", "Rule", "Priority"]
        );
        assert_eq!(words("DescribeNSGs"), ["Describe", "NSGs"]);
        assert_eq!(
            words("DescribeNSGAttribute"),
            ["Describe", "NSG", "Attribute"]
        );
        assert_eq!(
            words("VDCBandwidthUnitPrice"),
            ["VDC", "Bandwidth", "Unit", "Price"]
        );
        let a = words("ModifySecurityGroupRulePriority");
        let b = words("ModifyNSGRulePriority");
        assert!((name_similarity(&a, &b) - 0.6).abs() < 1e-9);
        assert!(mentions("原接口 DescribeSubNet 已更名", "DescribeSubNet"));
        assert!(!mentions("DescribeSubNets", "DescribeSubNet"));
    }
}
