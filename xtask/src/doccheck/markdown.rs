//! Parser of the Markdown documents (000, 001, 002, 004): `#` headings, pipe tables, HTML
//! tables and fenced code blocks.

use super::raw::{strip_markup, Block, RawHeading};

/// Splits a Markdown document into headings and blocks.
pub fn parse(text: &str) -> Vec<RawHeading> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = vec![RawHeading {
        title: String::new(),
        line: 1,
        level: 0,
        blocks: Vec::new(),
    }];
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if let Some((fence, rest)) = t
            .strip_prefix("```")
            .map(|r| ("```", r))
            .or_else(|| t.strip_prefix("~~~").map(|r| ("~~~", r)))
        {
            let lang = rest.trim().to_lowercase();
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with(fence) {
                body.push(lines[i]);
                i += 1;
            }
            push(
                &mut out,
                Block::Code {
                    lang,
                    text: body.join("\n"),
                },
            );
            i += 1;
            continue;
        }
        if line.starts_with('#') {
            let level = line.chars().take_while(|c| *c == '#').count();
            out.push(RawHeading {
                title: strip_markup(&line[level..]),
                line: i + 1,
                level,
                blocks: Vec::new(),
            });
            i += 1;
            continue;
        }
        if t.starts_with('|') {
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].trim().starts_with('|') {
                let row = pipe_row(lines[i].trim());
                if !row.iter().all(|c| is_separator(c)) {
                    rows.push(row);
                }
                i += 1;
            }
            push(&mut out, Block::Table(rows));
            continue;
        }
        if t.contains("<table") {
            let mut html = String::new();
            while i < lines.len() {
                html.push_str(lines[i]);
                html.push('\n');
                i += 1;
                if lines[i - 1].contains("</table>") {
                    break;
                }
            }
            push(&mut out, Block::Table(html_rows(&html)));
            continue;
        }
        if !t.is_empty() {
            push(&mut out, Block::Text(t.to_string()));
        }
        i += 1;
    }
    out
}

fn push(out: &mut [RawHeading], block: Block) {
    if let Some(h) = out.last_mut() {
        h.blocks.push(block);
    }
}

fn is_separator(cell: &str) -> bool {
    !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':' | ' '))
}

fn pipe_row(line: &str) -> Vec<String> {
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(strip_markup).collect()
}

/// Rows of an HTML table: `<tr>` elements, cells `<td>`/`<th>`, markup removed.
pub fn html_rows(html: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for tr in html.split("<tr").skip(1) {
        let tr = tr.split("</tr>").next().unwrap_or(tr);
        let mut cells = Vec::new();
        let mut rest = tr;
        while let Some(start) = find_cell(rest) {
            let after = &rest[start..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            let body = &after[open_end + 1..];
            let end = body
                .find("</td>")
                .or_else(|| body.find("</th>"))
                .unwrap_or(body.len());
            cells.push(strip_markup(&body[..end].replace("<br>", " ")));
            rest = &body[end..];
        }
        rows.push(cells);
    }
    rows
}

fn find_cell(s: &str) -> Option<usize> {
    match (s.find("<td"), s.find("<th")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_tables_and_code() {
        let doc = "## S\n### 1.Foo\n**Action：Foo**\n| a | b |\n| - | - |\n| x | y |\n```json\n{}\n```\n<table>\n<tr><td>n</td><td>t</td></tr>\n</table>\n";
        let h = parse(doc);
        assert_eq!(h.len(), 3);
        assert_eq!(h[2].title, "1.Foo");
        assert_eq!(h[2].level, 3);
        assert_eq!(h[2].blocks[0], Block::Text("**Action：Foo**".into()));
        assert_eq!(
            h[2].blocks[1],
            Block::Table(vec![
                vec!["a".into(), "b".into()],
                vec!["x".into(), "y".into()]
            ])
        );
        assert!(matches!(&h[2].blocks[2], Block::Code { lang, .. } if lang == "json"));
        assert_eq!(
            h[2].blocks[3],
            Block::Table(vec![vec!["n".into(), "t".into()]])
        );
    }
}
