//! doc-check and doc-diff against the vendor documents in `../shared/seeds/` (next to the
//! workspace). Without that folder these tests print why and pass vacuously: the documents
//! are not part of the repository.

use std::path::{Path, PathBuf};
use xtask::doccheck::check::check;
use xtask::doccheck::compare::Finding;
use xtask::doccheck::diff::diff;
use xtask::doccheck::{parse_text, specview};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn seed(name: &str) -> Option<String> {
    let path = root().join("../shared/seeds").join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("skipped: {}: {e}", path.display());
            None
        }
    }
}

const DOC000: &str = "000_2647209463bd15a0.txt";
const DOC001: &str = "001_ba77de5f5e3f3935.txt";

/// Applies `edit` to the part of `text` between `from` and `to` (both must occur once).
fn edit_between(text: &str, from: &str, to: &str, edit: impl Fn(&str) -> String) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    let a = text.find(from).expect("from");
    let b = a + text[a..].find(to).expect("to");
    format!("{}{}{}", &text[..a], edit(&text[a..b]), &text[b..])
}

fn replace_once(s: &str, old: &str, new: &str) -> String {
    assert!(s.contains(old), "{old:?} not found");
    s.replacen(old, new, 1)
}

fn summary(f: &Finding) -> String {
    let mut s = format!("{} {} {} {}", f.line, f.op, f.kind, f.field);
    if let Some(d) = &f.doc {
        s.push_str(&format!(" doc={d}"));
    }
    if let Some(v) = &f.spec {
        s.push_str(&format!(" spec={v}"));
    }
    s
}

#[test]
fn synthetic_edits_are_reported_exactly() {
    let Some(text) = seed(DOC000) else { return };
    let lines = specview::load_all(&root().join("spec")).expect("spec loads");

    // Today's document: nothing to report for this document.
    let today = parse_text(DOC000, &text);
    let report = check(std::slice::from_ref(&today), &lines);
    let all: Vec<String> = report.findings.iter().map(summary).collect();
    assert!(all.is_empty(), "{all:#?}");
    assert!(report.hashes.is_empty(), "{:?}", report.hashes);

    // A parameter renamed and a response field removed (StopInstance), a method changed
    // (RebootInstance), an operation added (at the end of 实例相关).
    let edited = edit_between(&text, "### 3.StopInstance", "### 4.RebootInstance", |s| {
        let s = replace_once(
            s,
            "| InstanceId | string | 是 ",
            "| ServerId   | string | 是 ",
        );
        replace_once(
            &s,
            "| TaskId | string | bbf63749-0186-4c68-8adc-9bf584bc1376 | 任务Id |\n",
            "",
        )
    });
    let edited = edit_between(&edited, "### 4.RebootInstance", "### 5.", |s| {
        replace_once(s, "**请求方法：GET**", "**请求方法：POST**")
    });
    let edited = replace_once(
        &edited,
        "## 安全组相关",
        "### 35.DescribeInstanceQuota\n\n  **Action：DescribeInstanceQuota**\n\n  **请求地址:** cdsapi.capitalonline.net/ccs\n\n  **请求方法：GET**\n\n## 安全组相关",
    );
    let doc = parse_text(DOC000, &edited);
    let report = check(std::slice::from_ref(&doc), &lines);
    let mut got: Vec<String> = report.findings.iter().map(summary).collect();
    got.sort();
    let mut want = vec![
        "ccs StopInstance param_missing ServerId".to_string(),
        "ccs StopInstance param_extra InstanceId".to_string(),
        "ccs StopInstance response_extra TaskId".to_string(),
        "ccs RebootInstance method  doc=POST spec=GET".to_string(),
        "ccs  op_missing 35.DescribeInstanceQuota doc=DescribeInstanceQuota".to_string(),
    ];
    want.sort();
    assert_eq!(got, want);

    // The pinned sha256 no longer matches: the lines transcribing 实例相关 say it changed,
    // and only it.
    let ccs = report
        .hashes
        .iter()
        .find(|h| h.starts_with("ccs:"))
        .expect("ccs hash report");
    assert!(
        ccs.contains("sections changed: 实例相关 (changed)"),
        "{ccs}"
    );
    assert!(!ccs.contains("安全组相关"), "{ccs}");
    let network = report
        .hashes
        .iter()
        .find(|h| h.starts_with("network:"))
        .expect("network hash report");
    assert!(network.contains("实例相关 (changed)"), "{network}");
    let billing = report
        .hashes
        .iter()
        .find(|h| h.starts_with("billing:"))
        .expect("billing hash report");
    assert!(billing.contains("sections changed: none"), "{billing}");
}

#[test]
fn a_departure_acknowledges_only_its_own_difference() {
    let Some(text) = seed(DOC000) else { return };
    let lines = specview::load_all(&root().join("spec")).expect("spec loads");
    // CreateInstance.DataDisks is typed `string` in the table and acknowledged as such; a
    // document that types it `int` is a new difference.
    let edited = edit_between(&text, "### 1.CreateInstance", "### 2.DeleteInstance", |s| {
        replace_once(
            s,
            "| DataDisks          | string   |",
            "| DataDisks          | int      |",
        )
    });
    let report = check(&[parse_text(DOC000, &edited)], &lines);
    let got: Vec<String> = report.findings.iter().map(summary).collect();
    assert_eq!(
        got,
        ["ccs CreateInstance param_type DataDisks doc=int spec=list"]
    );
    assert!(
        report
            .bad_departures
            .iter()
            .any(|b| b.contains("CreateInstance") && b.contains("stale")),
        "{:?}",
        report.bad_departures
    );
}

#[test]
fn cloud_desktop_editions_differ_where_the_spec_reconciled_them() {
    let (Some(a), Some(b)) = (seed(DOC000), seed(DOC001)) else {
        return;
    };
    let old = parse_text(DOC000, &a);
    let new = parse_text(DOC001, &b);
    let changes = diff(&old, &new, Some("云桌面相关"), None);
    let has = |op: &str, kind: &str, detail: &str| {
        changes
            .iter()
            .any(|c| c.op == op && c.kind == kind && c.detail == detail)
    };
    // 000 has one more action (spec/gcw/product.yaml notes).
    let removed: Vec<&str> = changes
        .iter()
        .filter(|c| c.kind == "op_removed")
        .map(|c| c.op.as_str())
        .collect();
    assert_eq!(removed, ["ConfigNet"]);
    assert!(!changes.iter().any(|c| c.kind == "op_added"));
    // "001 spells 27 methods Get/Post where 000 writes GET/POST".
    let methods = changes.iter().filter(|c| c.kind == "method").count();
    assert_eq!(methods, 27);
    assert!(has("QuerySites", "method", "GET → Get"));
    // Envelope renamed in 001's tables (Code/Message/Data → code/msg/data).
    assert!(has("QuerySubAccounts", "response_removed", "Code"));
    assert!(has("QuerySubAccounts", "response_added", "msg"));
    // Parameters documented by one edition only (superset kept by the spec).
    assert!(has("CreateSubAccount", "param_removed", "password"));
    assert!(has("QueryVmPrice", "param_removed", "sysVolume"));
    assert!(has("CreateVm", "param_removed", "vgatewayNetId"));
    assert!(has("CreateVm", "param_added", "vGatewayNetId (required)"));
    // Example responses that differ between the editions (both kept in the spec).
    assert!(changes
        .iter()
        .any(|c| c.op == "QueryProducts" && c.kind == "examples"));
}

#[test]
fn every_document_checks_clean() {
    let names = [
        DOC000,
        DOC001,
        "002_4ed561843f68c119.txt",
        "003_3c7c94b4056ec9cc.txt",
        "004_8a16a4b18060865d.txt",
    ];
    let mut docs = Vec::new();
    for n in names {
        let Some(t) = seed(n) else { return };
        docs.push(parse_text(n, &t));
    }
    let lines = specview::load_all(&root().join("spec")).expect("spec loads");
    let report = check(&docs, &lines);
    let all: Vec<String> = report.findings.iter().map(summary).collect();
    assert!(all.is_empty(), "{all:#?}");
    assert!(
        report.bad_departures.is_empty(),
        "{:?}",
        report.bad_departures
    );
    assert!(report.hashes.is_empty(), "{:?}", report.hashes);
    assert!(report.acknowledged.values().sum::<usize>() > 0);
}

/// Every document of `../shared/editions/` (the vendor's current editions), or `None`.
fn editions() -> Option<Vec<xtask::doccheck::model::Document>> {
    let dir = root().join("../shared/editions");
    match xtask::doccheck::cli::documents(std::slice::from_ref(&dir)) {
        Ok(d) if !d.is_empty() => Some(d),
        other => {
            eprintln!("skipped: {}: {:?}", dir.display(), other.err());
            None
        }
    }
}

#[test]
fn the_current_editions_rename_and_move_what_operations_tsv_says() {
    let (Some(text), Some(new)) = (seed(DOC000), editions()) else {
        return;
    };
    let Ok(tsv) = std::fs::read_to_string(root().join("../shared/editions/operations.tsv")) else {
        return;
    };
    let old = [parse_text(DOC000, &text)];
    let changes = xtask::doccheck::diff::diff_many(&old, &new, None, None);
    let mut renamed: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == "renamed")
        .map(|c| c.detail.split(" (").next().unwrap_or("").to_string())
        .collect();
    renamed.sort();
    // operations.tsv: `renamed-from-X` rows, as `X → Y`.
    let mut want: Vec<String> = tsv
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let from = cols.get(2)?.strip_prefix("renamed-from-")?;
            Some(format!("{from} → {}", cols[1]))
        })
        .collect();
    want.sort();
    assert_eq!(renamed.len(), 14);
    assert_eq!(renamed, want);
    // Every operation of seed 000 that operations.tsv lists as moved (or renamed into
    // another file) is reported as moved, to that file.
    let moved: Vec<(&str, &str)> = changes
        .iter()
        .filter(|c| c.kind == "moved")
        .map(|c| {
            let to = c.detail.split(" → ").nth(1).unwrap_or("");
            (c.op.as_str(), to.split(':').next().unwrap_or(""))
        })
        .collect();
    let mut expected = 0;
    for l in tsv.lines() {
        let cols: Vec<&str> = l.split('\t').collect();
        let (Some(op), Some(status), Some(file), Some(src)) =
            (cols.get(1), cols.get(2), cols.get(3), cols.get(8))
        else {
            continue;
        };
        let elsewhere = *status == "moved"
            || (status.starts_with("renamed-from-") && !file.starts_with("openapi"));
        if !elsewhere || !src.starts_with("000:") {
            continue;
        }
        expected += 1;
        assert!(
            moved.contains(&(op, file)),
            "{op} not reported as moved to {file}"
        );
    }
    assert!(expected > 100, "{expected}");
    assert_eq!(moved.len(), expected, "{moved:?}");
    let removed: Vec<&str> = changes
        .iter()
        .filter(|c| c.kind == "op_removed")
        .map(|c| c.op.as_str())
        .collect();
    assert_eq!(removed, ["ForceDeleteSecurityGroup"]);
}
