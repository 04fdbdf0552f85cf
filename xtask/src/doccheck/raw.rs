//! What a format parser produces: headings, each with the blocks under it in order.

/// A block of content under a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A line of prose (trimmed).
    Text(String),
    /// A table: the first row is the header.
    Table(Vec<Vec<String>>),
    /// A fenced code block.
    Code {
        /// Language tag, lower case (may be empty).
        lang: String,
        /// Contents.
        text: String,
    },
}

/// A heading and what follows it up to the next heading.
#[derive(Debug, Clone)]
pub struct RawHeading {
    /// Heading text, markup removed.
    pub title: String,
    /// 1-based line number.
    pub line: usize,
    /// Nesting level (1 = top).
    pub level: usize,
    /// Blocks under the heading.
    pub blocks: Vec<Block>,
}

/// Removes HTML tags (known ones only: `List<String>` survives), emphasis markers and
/// backticks, and trims.
pub fn strip_markup(s: &str) -> String {
    const TAGS: &[&str] = &[
        "br", "span", "a", "font", "p", "b", "strong", "div", "td", "th", "tr", "sup", "sub",
        "code", "em", "i", "u", "table",
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let inner = rest[1..end].trim_start_matches('/');
                let name: String = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if TAGS.contains(&name.as_str()) {
                    out.push(' ');
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        if c != '*' && c != '`' {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&nbsp;", " ").trim().to_string()
}
