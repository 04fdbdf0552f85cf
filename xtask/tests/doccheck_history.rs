//! doc-check with current editions and history: a small spec and two editions of a document,
//! written by the test into a temporary folder (no vendor document needed).

mod common;

use common::temp_dir;
use std::path::Path;
use xtask::doccheck::check::{check, CheckReport};
use xtask::doccheck::cli::exit_reason;
use xtask::doccheck::{parse_text, sha256_hex, specview};

const NEW: &str = "new_2026-04-21_aaaa.md";
const OLD: &str = "old_bbbb.txt";

/// The current edition: the security groups renamed, a heading written with a blank.
const NEW_DOC: &str = "# Doc\n## 安全组相关\n### 1.CreateNSG\n**Action：CreateNSG**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：POST**\n**请求参数：**\n| 名称 | 类型 | 是否必选 | 描述 |\n| - | - | - | - |\n| Name | string | 是 | n |\n### 2. Describe\n**Action：Describe**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：GET**\n**请求参数：**\n| 名称 | 类型 | 是否必选 | 描述 |\n| - | - | - | - |\n| X | string | 否 | x |\n## 其他\n";

/// The earlier edition: the old name, a heading with emphasis, one more parameter.
const OLD_DOC: &str = "# Doc\n## 安全组相关\n### 1.CreateSG\n**Action：CreateSG**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：POST**\n**请求参数：**\n| 名称 | 类型 | 是否必选 | 描述 |\n| - | - | - | - |\n| Name | string | 是 | n |\n### 2.**Describe**\n**Action：Describe**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：GET**\n**请求参数：**\n| 名称 | 类型 | 是否必选 | 描述 |\n| - | - | - | - |\n| X | string | 否 | x |\n| Y | int | 否 | y |\n### 3.ForceDelete\n**Action：ForceDelete**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：POST**\n## 其他\n";

const OPS: &str = r#"section: {en: Security groups, zh: 安全组相关}
operations:
  - name: CreateNSG
    source: {document: new_2026-04-21_aaaa.md, heading: "1.CreateNSG", line: 3}
    history:
      - {document: old_bbbb.txt, heading: "1.CreateSG", line: 3}
    method: POST
    params:
      - {name: Name, in: query, type: string, required: true}
      - {name: HostName, in: query, type: string, undocumented: {evidence: "x", why: "y"}}
      - {name: Gone, in: query, type: string, deprecated: {date: "2026-01-01", why: "removed"}}
  - name: CreateSG
    source: {document: old_bbbb.txt, heading: "1.CreateSG", line: 3}
    deprecated: {date: "2025-08-06", renamed_to: CreateNSG, why: "renamed"}
    method: POST
    params:
      - {name: Name, in: query, type: string, required: true}
  - name: Describe
    source: {document: new_2026-04-21_aaaa.md, heading: "2. Describe", line: 11}
    history:
      - {document: old_bbbb.txt, heading: "2.Describe", line: 11}
    departures:
      - {kind: param_missing, field: Y, document: old, why: "Y is gone from the current edition."}
    method: GET
    params:
      - {name: X, in: query, type: string}
  - name: ForceDelete
    source: {document: old_bbbb.txt, heading: "3.ForceDelete", line: 20}
    deprecated: {date: "2025-08-05", why: "gone; DeleteNSG takes ForceDelete"}
    method: POST
"#;

/// Writes the spec (`spec/ccs/`) with `ops` as its operation file.
fn write_spec(dir: &Path, ops: &str) -> Vec<specview::SpecLine> {
    let line = dir.join("spec/ccs");
    std::fs::create_dir_all(&line).expect("spec dir");
    let section = |name: &str, text: &str| {
        let doc = parse_text(name, text);
        let s = doc.sections.iter().find(|s| s.title == "安全组相关");
        s.expect("section").hash.clone()
    };
    let product = format!(
        "product: ccs\nprotocol: rpc\nhost: cdsapi\npath: /ccs\nsources:\n  - {{document: {NEW}, sha256: {}, date: \"2026-04-21\", sections: [安全组相关], section_hashes: {{安全组相关: {}}}}}\n  - {{document: {OLD}, sha256: {}, history: true, sections: [安全组相关], section_hashes: {{安全组相关: {}}}}}\n",
        sha256_hex(NEW_DOC.as_bytes()),
        section(NEW, NEW_DOC),
        sha256_hex(OLD_DOC.as_bytes()),
        section(OLD, OLD_DOC),
    );
    std::fs::write(line.join("product.yaml"), product).expect("product.yaml");
    std::fs::write(line.join("nsg.yaml"), ops).expect("nsg.yaml");
    specview::load_all(&dir.join("spec")).expect("spec loads")
}

fn findings(report: &CheckReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {} {}", f.document, f.op, f.kind, f.field))
        .collect();
    out.sort();
    out
}

#[test]
fn source_and_history_are_both_checked() {
    let dir = temp_dir("history-clean");
    let lines = write_spec(&dir, OPS);
    let (new, old) = (parse_text(NEW, NEW_DOC), parse_text(OLD, OLD_DOC));
    assert_eq!(new.ops[1].heading, "2.Describe");
    assert_eq!(old.ops[1].heading, "2.Describe");

    // Both editions in one run: nothing to report; the departure for the old edition is used.
    let report = check(&[new.clone(), old.clone()], &lines);
    assert_eq!(findings(&report), Vec::<String>::new());
    assert!(
        report.bad_departures.is_empty(),
        "{:?}",
        report.bad_departures
    );
    assert_eq!(report.acknowledged.get("ccs"), Some(&1));
    assert!(
        exit_reason(&report).contains("exit 0"),
        "{}",
        exit_reason(&report)
    );

    // The current edition alone: the departure restricted to `old` is not stale.
    let report = check(std::slice::from_ref(&new), &lines);
    assert!(report.is_clean(), "{report:?}");
    // The history alone: the renamed operation is compared through its deprecated old name
    // (no `action` difference), and Describe through its history entry.
    let report = check(std::slice::from_ref(&old), &lines);
    assert!(report.is_clean(), "{report:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn edits_of_either_edition_are_reported_against_the_right_operation() {
    let dir = temp_dir("history-edits");
    let lines = write_spec(&dir, OPS);
    // The current edition drops Describe's X and documents a new operation with a blank in
    // its heading; the old edition loses ForceDelete (deprecated, so not missing from the
    // new one) and CreateSG's Name.
    let new_doc = NEW_DOC
        .replace("| X | string | 否 | x |\n## 其他", "## 其他")
        .replace(
            "## 其他",
            "### 3. DescribeQuota\n**Action：DescribeQuota**\n**请求地址:** cdsapi.capitalonline.net/ccs\n**请求方法：GET**\n## 其他",
        );
    let old_doc = OLD_DOC.replace(
        "| Name | string | 是 | n |\n### 2.",
        "| Nom | string | 是 | n |\n### 2.",
    );
    let report = check(
        &[parse_text(NEW, &new_doc), parse_text(OLD, &old_doc)],
        &lines,
    );
    assert_eq!(
        findings(&report),
        [
            format!("{NEW}  op_missing 3.DescribeQuota"),
            format!("{NEW} Describe param_extra X"),
            format!("{OLD} CreateSG param_extra Name"),
            format!("{OLD} CreateSG param_missing Nom"),
        ]
    );
    let why = exit_reason(&report);
    assert!(
        why.starts_with("doc-check: exit 1: 4 unacknowledged difference(s)"),
        "{why}"
    );

    // A deprecated operation is not missing from an edition dated after its deprecation…
    let gone = OPS.replace(
        "source: {document: old_bbbb.txt, heading: \"3.ForceDelete\", line: 20}",
        "source: {document: new_2026-04-21_aaaa.md, heading: \"3.ForceDelete\", line: 20}",
    );
    let lines = write_spec(&dir, &gone);
    let report = check(&[parse_text(NEW, NEW_DOC)], &lines);
    assert!(report.findings.is_empty(), "{:?}", findings(&report));
    // …but is, from one dated before it.
    let early = gone.replace("date: \"2025-08-05\"", "date: \"2027-01-01\"");
    let lines = write_spec(&dir, &early);
    let report = check(&[parse_text(NEW, NEW_DOC)], &lines);
    assert_eq!(
        findings(&report),
        [format!("{NEW} ForceDelete op_extra 3.ForceDelete")]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_renamed_operation_without_its_old_name_is_compared_with_its_history() {
    let dir = temp_dir("history-renamed");
    // Without the deprecated CreateSG, CreateNSG itself answers for the old heading.
    let ops = OPS.replace(
        "  - name: CreateSG\n    source: {document: old_bbbb.txt, heading: \"1.CreateSG\", line: 3}\n    deprecated: {date: \"2025-08-06\", renamed_to: CreateNSG, why: \"renamed\"}\n    method: POST\n    params:\n      - {name: Name, in: query, type: string, required: true}\n",
        "",
    );
    assert_ne!(ops, OPS);
    let lines = write_spec(&dir, &ops);
    let report = check(&[parse_text(OLD, OLD_DOC)], &lines);
    assert_eq!(findings(&report), [format!("{OLD} CreateNSG action ")]);
    let _ = std::fs::remove_dir_all(&dir);
}
