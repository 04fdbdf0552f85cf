//! The neutral model of a vendor document: sections and operations, whatever the format.

/// A parsed document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// File name (e.g. `000_2647209463bd15a0.txt`).
    pub name: String,
    /// sha256 of the whole file, hex.
    pub sha256: String,
    /// Top-level sections, in order.
    pub sections: Vec<Section>,
    /// Operations, in order.
    pub ops: Vec<DocOp>,
    /// Every JSON-looking code block of the document, normalised (see [`super::jsonnorm`]).
    pub json_blocks: Vec<String>,
    /// Error codes documented outside any operation (a line-wide error table).
    pub errors: Vec<String>,
    /// Example responses documented outside the operations (000's section 示例: call
    /// examples naming their `action`, each with a response).
    pub aux_examples: Vec<AuxExample>,
}

/// An example response documented under a heading that is not an operation.
#[derive(Debug, Clone)]
pub struct AuxExample {
    /// The `action` its call example names.
    pub action: String,
    /// Section holding it.
    pub section: String,
    /// Line of its heading.
    pub line: usize,
    /// The example, normalised.
    pub example: String,
}

/// A top-level section of a document.
#[derive(Debug, Clone)]
pub struct Section {
    /// Heading text, cleaned.
    pub title: String,
    /// 1-based line of the heading.
    pub line: usize,
    /// Fingerprint of the section's text (see [`super::fingerprint`]).
    pub hash: String,
}

/// One documented operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocOp {
    /// Heading text, cleaned (e.g. `1.CreateInstance`, `2.44 获取密钥列表`).
    pub heading: String,
    /// 1-based line of the heading.
    pub line: usize,
    /// Title of the section holding it.
    pub section: String,
    /// RPC `Action`.
    pub action: Option<String>,
    /// HTTP method, as written (`GET`, `Get`).
    pub method: Option<String>,
    /// REST path, or the path of the RPC address.
    pub path: Option<String>,
    /// Further documented paths (003 documents start/stop/suspend/resume in one section).
    pub other_paths: Vec<String>,
    /// Host of the RPC address (`cdsapi`, `api`, ...).
    pub host: Option<String>,
    /// Request parameters, every row of the request tables.
    pub params: Vec<DocField>,
    /// Response fields, every row of the response tables.
    pub response: Vec<DocField>,
    /// Documented error codes.
    pub errors: Vec<String>,
    /// Example responses, normalised.
    pub examples: Vec<String>,
    /// The prose under the heading (labels and descriptions, markup removed), where a
    /// vendor's note such as a former name would be.
    pub text: String,
}

/// A row of a parameter or response table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocField {
    /// Name as written (markup removed), e.g. `networks[0].vpcId`.
    pub name: String,
    /// Last component of the name (`vpcId`), used to look it up in the spec.
    pub leaf: String,
    /// The enclosing field the document names for this row: `Computes` for `Id（Computes）`,
    /// the row above for a 子属性 (sub-attribute) row.
    pub parent: Option<String>,
    /// Type as written.
    pub ty: String,
    /// Required flag, when the table has one and the cell is understood.
    pub required: Option<bool>,
    /// Description.
    pub desc: String,
    /// The example cell (示例, 示例值), when the table has one.
    pub example: String,
}

impl DocOp {
    /// The key that identifies the operation across editions: the Action, else method and
    /// path, else the heading without its number.
    pub fn key(&self) -> String {
        if let Some(a) = &self.action {
            return a.clone();
        }
        if let (Some(m), Some(p)) = (&self.method, &self.path) {
            return format!("{m} {p}");
        }
        strip_number(&self.heading).to_string()
    }
}

/// `12.DescribeTask` → `DescribeTask`; `2.44 获取密钥列表` → `获取密钥列表`.
pub fn strip_number(heading: &str) -> &str {
    let t = heading.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    t.trim()
}

/// The heading of an operation as doc-check reports it: markup removed, and no blank after
/// the number's dot (`5. CreateSecurityGroupPolicies` and `2.**DescribeTask**` read as
/// `5.CreateSecurityGroupPolicies` and `2.DescribeTask`; `2.44 获取密钥列表` is unchanged).
pub fn clean_heading(h: &str) -> String {
    let h = super::raw::strip_markup(h);
    let number = h
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(h.len());
    if number > 0 && h[..number].ends_with('.') {
        format!("{}{}", &h[..number], h[number..].trim_start())
    } else {
        h
    }
}

/// Normalises a heading for comparison: no blanks, no emphasis markers.
pub fn norm_heading(h: &str) -> String {
    super::raw::strip_markup(h)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_read_alike_with_or_without_a_blank_or_emphasis() {
        assert_eq!(
            clean_heading("5. CreateSecurityGroupPolicies"),
            "5.CreateSecurityGroupPolicies"
        );
        assert_eq!(clean_heading("2.**DescribeTask**"), "2.DescribeTask");
        assert_eq!(clean_heading("2.44 获取密钥列表"), "2.44 获取密钥列表");
        assert_eq!(clean_heading("1. 创建集群"), "1.创建集群");
        assert_eq!(clean_heading("实例相关"), "实例相关");
        assert_eq!(
            norm_heading("5. CreateSecurityGroupPolicies"),
            norm_heading("5.CreateSecurityGroupPolicies")
        );
        assert_eq!(
            strip_number("5. CreateSecurityGroupPolicies"),
            "CreateSecurityGroupPolicies"
        );
    }
}
