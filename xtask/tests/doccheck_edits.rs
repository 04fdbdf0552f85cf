//! Synthetic edits of the vendor documents: each test copies a document of
//! `../shared/seeds/` into a temporary folder, edits the copy as a later edition might, and
//! checks that doc-check (`--deep`) or doc-diff reports exactly that edit. Findings that the
//! unedited copy already has (not yet triaged in the spec) are subtracted, so each test
//! states only what the edit changes. Without the seeds folder the tests print why and pass.

mod common;

use common::temp_dir;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use xtask::doccheck::check::check_with;
use xtask::doccheck::cli::documents;
use xtask::doccheck::compare::{Finding, Options};
use xtask::doccheck::diff::{diff_many, Change};
use xtask::doccheck::specview;

const DOC000: &str = "000_2647209463bd15a0.txt";
const DOC002: &str = "002_4ed561843f68c119.txt";
const DOC003: &str = "003_3c7c94b4056ec9cc.txt";

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

/// Applies `edit` to the part of `text` from `from` up to `to` (`from` must occur once).
fn edit_between(text: &str, from: &str, to: &str, edit: impl Fn(&str) -> String) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    let a = text.find(from).expect("from");
    let b = a + text[a..].find(to).expect("to");
    format!("{}{}{}", &text[..a], edit(&text[a..b]), &text[b..])
}

/// `s` with `old` (which must occur) replaced once by `new`.
fn replace_once(s: &str, old: &str, new: &str) -> String {
    assert!(s.contains(old), "{old:?} not found");
    s.replacen(old, new, 1)
}

/// `s` without the one line containing `needle`.
fn drop_line(s: &str, needle: &str) -> String {
    let hits: Vec<&str> = s.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(hits.len(), 1, "{needle:?}");
    replace_once(s, &format!("{}\n", hits[0]), "")
}

/// Writes `text` as `dir/name` and parses it back, as doc-check reads a document.
fn copy(dir: &Path, name: &str, text: &str) -> xtask::doccheck::model::Document {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write copy");
    let mut docs = documents(&[path]).expect("parse copy");
    docs.remove(0)
}

fn line(f: &Finding) -> String {
    let mut s = format!("{} {} {} {}", f.line, f.op, f.kind, f.field);
    if let Some(d) = &f.doc {
        s.push_str(&format!(" doc={d}"));
    }
    if let Some(v) = &f.spec {
        s.push_str(&format!(" spec={v}"));
    }
    s
}

/// The findings `--deep` has for the edited copy and not for the unedited one, and those
/// it no longer has.
fn edit_findings(name: &str, text: &str, edited: &str) -> (Vec<String>, Vec<String>) {
    let lines = specview::load_all(&root().join("spec")).expect("spec loads");
    let dir = temp_dir(&format!("edits-{}", &name[..3]));
    let deep = Options { deep: true };
    let before: BTreeSet<String> = {
        let doc = copy(&dir, name, text);
        let r = check_with(&[doc], &lines, deep);
        r.findings.iter().map(line).collect()
    };
    let after: BTreeSet<String> = {
        let doc = copy(&dir, name, edited);
        let r = check_with(&[doc], &lines, deep);
        r.findings.iter().map(line).collect()
    };
    let _ = std::fs::remove_dir_all(&dir);
    (
        after.difference(&before).cloned().collect(),
        before.difference(&after).cloned().collect(),
    )
}

#[test]
fn describe_instances_row_removed_type_changed_error_removed() {
    let Some(text) = seed(DOC000) else { return };
    let edited = edit_between(&text, "### 11.DescribeInstances", "### 12.", |s| {
        let s = replace_once(
            s,
            "| InstanceName            | string   | shouduzaixian                                                | 云服务器名称              |\n",
            "",
        );
        let s = replace_once(
            &s,
            "| Cpu                     | int      |",
            "| Cpu                     | string   |",
        );
        drop_line(&s, "| InvalidLaunchTemplateVersion.NotFound |")
    });
    let (added, gone) = edit_findings(DOC000, &text, &edited);
    assert_eq!(
        added,
        [
            "ccs DescribeInstances error_extra InvalidLaunchTemplateVersion.NotFound",
            "ccs DescribeInstances example_type Data.Instances[].Cpu doc=table string, example integer spec=integer",
            "ccs DescribeInstances response_nested_extra Data.Instances[].InstanceName doc=example",
            "ccs DescribeInstances response_type Data.Instances[].Cpu doc=string spec=integer",
        ]
    );
    assert_eq!(gone, Vec::<String>::new());
}

#[test]
fn gpu_goods_frequency_removed_capacity_retyped_method_changed() {
    let Some(text) = seed(DOC002) else { return };
    let edited = edit_between(&text, "### 2.DescribeGpuGoods", "### 3.", |s| {
        let s = replace_once(
            s,
            "| Frequency    | string | 2.1GHz                               | 主频                    |\n",
            "",
        );
        let s = replace_once(&s, "| Capacity     | int    |", "| Capacity     | string |");
        replace_once(&s, "**请求方法:** GET", "**请求方法:** POST")
    });
    let (added, gone) = edit_findings(DOC002, &text, &edited);
    assert_eq!(
        added,
        [
            "gpubms DescribeGpuGoods example_type Data.PrePaid[].Computes[].Disks[].Capacity doc=table string, example integer spec=integer",
            "gpubms DescribeGpuGoods method  doc=POST spec=GET",
            "gpubms DescribeGpuGoods response_nested_extra Data.PrePaid[].Computes[].Frequency doc=example",
            "gpubms DescribeGpuGoods response_type Data.PrePaid[].Computes[].Disks[].Capacity doc=string spec=integer",
        ]
    );
    assert_eq!(gone, Vec::<String>::new());
}

#[test]
fn a_nested_request_field_renamed() {
    let Some(text) = seed(DOC003) else { return };
    let from = "2.2 创建虚拟机（旧接口不再维护，请使用新的批量接口）";
    let edited = edit_between(&text, &format!("\n{from}\n"), "\n2.3 ", |s| {
        replace_once(s, "networks[0].vpcId\t", "networks[0].vpcUid\t")
    });
    let (added, gone) = edit_findings(DOC003, &text, &edited);
    assert_eq!(
        added,
        [
            "cecstack-ecs CreateInstance param_missing networks[0].vpcUid",
            "cecstack-ecs CreateInstance param_nested_extra networks[].vpcId",
        ]
    );
    assert_eq!(gone, Vec::<String>::new());
}

fn kinds<'a>(changes: &'a [Change], kind: &str) -> Vec<(&'a str, &'a str)> {
    changes
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| (c.op.as_str(), c.detail.as_str()))
        .collect()
}

#[test]
fn doc_diff_reports_a_move_and_renames() {
    let Some(text) = seed(DOC002) else { return };
    let dir = temp_dir("edits-diff");
    let old = copy(&dir, DOC002, &text);
    // The new edition: DescribeGpuGoods moved into a file of its own, ReinstallGpu renamed
    // (same address and parameters), DescribeGpuDetail re-cased.
    let a = text.find("### 2.DescribeGpuGoods").expect("section");
    let b = a + text[a..].find("### 3.").expect("next");
    let section = &text[a..b];
    let rest = format!("{}{}", &text[..a], &text[b..]);
    let rest = replace_once(&rest, "**Action: ReinstallGpu**", "**Action: RebuildGpu**");
    let rest = replace_once(&rest, "### 7. ReinstallGpu", "### 7. RebuildGpu");
    let rest = replace_once(
        &rest,
        "**Action: DescribeGpuDetail**",
        "**Action: DescribeGPUDetail**",
    );
    let main = copy(&dir, "gpu-servers_2026-05-01_aaaa.md", &rest);
    let goods = copy(
        &dir,
        "gpu-goods_2026-05-01_bbbb.md",
        &format!("# GPU商品\n## 商品相关\n{section}## 附录\n### 附1\n### 附2\n"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let changes = diff_many(&[old], &[main, goods], None, None);
    let moved = kinds(&changes, "moved");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0].0, "DescribeGpuGoods");
    assert!(
        moved[0]
            .1
            .starts_with("002_4ed561843f68c119.txt:74 → gpu-goods_2026-05-01_bbbb.md:3"),
        "{}",
        moved[0].1
    );
    assert_eq!(
        kinds(&changes, "renamed"),
        [
            (
                "DescribeGPUDetail",
                "DescribeGpuDetail → DescribeGPUDetail (the same name in another letter case)"
            ),
            (
                "RebuildGpu",
                "ReinstallGpu → RebuildGpu (same address, similar parameters)"
            ),
        ]
    );
    let others: Vec<&Change> = changes
        .iter()
        .filter(|c| !matches!(c.kind, "moved" | "renamed"))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}
