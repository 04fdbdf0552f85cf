//! Parser of text extracted from a PDF (003): numbered headings (`2.44 获取密钥列表`,
//! `2.44.4 请求参数`), tab-separated tables split by page breaks, fenced code blocks split
//! by page breaks, and a table of contents that repeats every heading (with a page number
//! after a tab, which is how it is told apart).

use super::raw::{Block, RawHeading};

/// Splits the document into headings (levels 1 and 2; level-3 headings stay in the blocks
/// as labels) and blocks. Tables cut by a page break are joined again, and so are code
/// blocks separated only by blank lines.
pub fn parse(text: &str) -> Vec<RawHeading> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = vec![RawHeading {
        title: String::new(),
        line: 1,
        level: 0,
        blocks: Vec::new(),
    }];
    let mut chapter = 0u32;
    let mut op: Option<(u32, u32)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if t.starts_with("```") {
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                body.push(lines[i]);
                i += 1;
            }
            i += 1;
            let text = body.join("\n");
            let head = out.last_mut().expect("never empty");
            // A page break inside a code block: "```", blanks, "```" -> one block.
            if let Some(Block::Code { text: prev, .. }) = head.blocks.last_mut() {
                if last_was_code(&lines, i, body.len()) {
                    prev.push('\n');
                    prev.push_str(&text);
                    continue;
                }
            }
            head.blocks.push(Block::Code {
                lang: String::new(),
                text,
            });
            continue;
        }
        if line.contains('\t') {
            let mut rows: Vec<Vec<String>> = Vec::new();
            while i < lines.len() && lines[i].contains('\t') && !lines[i].trim().starts_with("```")
            {
                let row: Vec<String> = lines[i].split('\t').map(|c| c.trim().to_string()).collect();
                i += 1;
                // A continuation row (empty first cell) completes the row above it, never the
                // header (after a page break it completes the previous table's last row).
                let below_header = rows.len() >= 2;
                if let Some(prev) = rows.last_mut().filter(|_| below_header) {
                    if row.first().is_some_and(String::is_empty)
                        && !row.iter().all(String::is_empty)
                        && prev.first().is_some_and(|c| !c.is_empty())
                    {
                        for (k, cell) in row.iter().enumerate() {
                            if !cell.is_empty() {
                                if let Some(p) = prev.get_mut(k) {
                                    p.push_str(cell);
                                }
                            }
                        }
                        continue;
                    }
                }
                rows.push(row);
            }
            let head = out.last_mut().expect("never empty");
            // A page break inside a table: the header is repeated; continue the previous table.
            if let Some(Block::Table(prev)) = head.blocks.last_mut() {
                if prev.first() == rows.first() && !rows.is_empty() {
                    let mut it = rows.into_iter().skip(1);
                    if let Some(first) = it.next() {
                        if first.first().is_some_and(String::is_empty) {
                            if let Some(p) = prev.last_mut() {
                                for (k, cell) in first.iter().enumerate() {
                                    if let Some(pc) = p.get_mut(k) {
                                        pc.push_str(cell);
                                    }
                                }
                            }
                        } else {
                            prev.push(first);
                        }
                    }
                    prev.extend(it);
                    continue;
                }
            }
            head.blocks.push(Block::Table(rows));
            continue;
        }
        if let Some((nums, title)) = numbered(t) {
            match nums.as_slice() {
                [c] if *c == chapter + 1 && has_cjk(title) => {
                    chapter = *c;
                    op = None;
                    out.push(heading(t, i + 1, 1));
                    i += 1;
                    continue;
                }
                [c, m] if *c == chapter && op.is_none_or(|(oc, om)| oc != *c || *m > om) => {
                    op = Some((*c, *m));
                    out.push(heading(t, i + 1, 2));
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        if !t.is_empty() {
            out.last_mut()
                .expect("never empty")
                .blocks
                .push(Block::Text(t.to_string()));
        }
        i += 1;
    }
    out
}

/// True when the code block that just ended (at `end`, exclusive, `len` body lines) was
/// preceded only by blank lines since the previous closing fence.
fn last_was_code(lines: &[&str], end: usize, len: usize) -> bool {
    // Opening fence of this block is at end - len - 2.
    let Some(open) = end.checked_sub(len + 2) else {
        return false;
    };
    let mut k = open;
    while k > 0 {
        k -= 1;
        let t = lines[k].trim();
        if t.is_empty() {
            continue;
        }
        return t.starts_with("```");
    }
    false
}

fn heading(t: &str, line: usize, level: usize) -> RawHeading {
    RawHeading {
        title: t.to_string(),
        line,
        level,
        blocks: Vec::new(),
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `2.44 获取密钥列表` → ([2, 44], "获取密钥列表").
fn numbered(t: &str) -> Option<(Vec<u32>, &str)> {
    let (num, title) = t.split_once(' ')?;
    if title.trim().is_empty() || num.ends_with('.') {
        return None;
    }
    let nums: Option<Vec<u32>> = num.split('.').map(|p| p.parse().ok()).collect();
    nums.map(|n| (n, title.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_breaks_are_joined() {
        let doc = "1 部分一\n1.1 获取\n1.1.4 请求参数\n参数\t类型\na\tint\n\n参数\t类型\n\tx\nb\tstring\n```\n{\"a\":\n```\n\n```\n1}\n```\n1.2 删除\n";
        let h = parse(doc);
        let titles: Vec<&str> = h.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, ["", "1 部分一", "1.1 获取", "1.2 删除"]);
        assert_eq!(h[2].blocks[0], Block::Text("1.1.4 请求参数".into()));
        assert_eq!(
            h[2].blocks[1],
            Block::Table(vec![
                vec!["参数".into(), "类型".into()],
                vec!["a".into(), "intx".into()],
                vec!["b".into(), "string".into()],
            ])
        );
        assert_eq!(
            h[2].blocks[2],
            Block::Code {
                lang: String::new(),
                text: "{\"a\":\n1}".into()
            }
        );
    }
}
