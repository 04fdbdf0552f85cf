//! "Did you mean": candidates ranked by edit distance, the best one to three only.

/// Levenshtein distance between `a` and `b` (by characters, case-insensitive).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A candidate's score for `typo`: its edit distance, or, for a candidate that holds the typo
/// as a whole `-`/`_` separated part (`id` in `task-id`), a small score that grows with what
/// the candidate adds. `None` when it is too far to be meant.
fn score(typo: &str, candidate: &str) -> Option<usize> {
    let d = distance(typo, candidate);
    let len = typo.chars().count();
    let limit = match len {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3.max(len / 3),
    };
    if d <= limit {
        return Some(d * 2);
    }
    let lower = candidate.to_lowercase();
    let typo_lower = typo.to_lowercase();
    let whole_part = lower
        .split(['-', '_'])
        .any(|part| part == typo_lower && !part.is_empty());
    let prefix = len >= 3 && lower.starts_with(&typo_lower);
    (whole_part || prefix).then(|| 2 * limit + 1 + (candidate.len().saturating_sub(len)) / 4)
}

/// The best one to three of `candidates` for `typo`, best first (ties keep the candidates'
/// order); only those as good as the best, or one step worse.
pub fn best<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter(|(_, c)| *c != typo)
        .filter_map(|(i, c)| score(typo, c).map(|s| (s, i, c)))
        .collect();
    scored.sort();
    let Some(&(first, _, _)) = scored.first() else {
        return Vec::new();
    };
    scored
        .into_iter()
        .filter(|(s, _, _)| *s <= first + 2)
        .take(3)
        .map(|(_, _, c)| c)
        .collect()
}

/// ` (did you mean a, b or c?)`, or nothing.
pub fn hint<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    hint_with(typo, candidates, |c| c.to_string())
}

/// [`hint`] showing each candidate through `show` (e.g. with `--`).
pub fn hint_with<'a>(
    typo: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: impl Fn(&str) -> String,
) -> String {
    let best = best(typo, candidates);
    match best.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {}?", show(one)),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|c| show(c)).collect();
            format!("; did you mean {} or {}?", init.join(", "), show(last))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_by_distance_and_keeps_the_best_few() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(best("cs", ["bms", "ccs", "gcw", "vpc"]), ["ccs"]);
        let ops = [
            "describe-instances",
            "describe-instance-status",
            "describe-images",
            "describe-task",
            "modify-instance-name",
        ];
        assert_eq!(best("describe-instance", ops)[0], "describe-instances");
        assert!(best("describe-instance", ops).len() <= 3);
        assert_eq!(
            best("id", ["bridgx-token", "task-id", "instance-ids"]),
            ["task-id"]
        );
        assert!(best("zzz", ["ccs", "vpc"]).is_empty());
        assert_eq!(
            hint("size", ["Size", "Type"]),
            "; did you mean Size?".to_string()
        );
    }
}
