//! `cargo xtask conformance` offline: a sweep plan that never writes, and the drift of
//! scripted answers from the spec.

use serde_json::json;
use std::path::Path;
use xtask::doccheck::conformance::{drift, plan, read_answers};
use xtask::doccheck::specview;

fn gpubms() -> specview::SpecLine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/gpubms");
    specview::load_line(&dir).expect("gpubms spec loads")
}

#[test]
fn the_plan_chains_reads_and_never_writes() {
    let line = gpubms();
    let (steps, skipped) = plan(&line);
    let ops: Vec<&str> = steps.iter().map(|s| s.op.as_str()).collect();
    assert_eq!(
        ops,
        [
            "DescribeGpuRegions",
            "DescribeGpuGoods",
            "DescribeGpu",
            "DescribeGpuDetail"
        ]
    );
    assert_eq!(
        steps[1].inputs,
        [("RegionId".to_string(), "DescribeGpuRegions".to_string())]
    );
    for s in &steps {
        let op = line.ops.iter().find(|o| o.name == s.op).expect("op");
        assert!(op.read, "{} is not a read", s.op);
    }
    assert!(skipped.contains(&"DescribeGpuGoodsPrice".to_string()));
    assert!(!skipped.iter().any(|s| s == "CreateGpuInstance"));
}

#[test]
fn scripted_answers_that_drift_are_reported() {
    let line = gpubms();
    let dir = std::env::temp_dir().join(format!("xtask-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, v: serde_json::Value| {
        std::fs::write(dir.join(name), v.to_string()).expect("write answer");
    };
    // An unknown field, and a declared field that never comes.
    write(
        "DescribeGpuRegions.json",
        json!({"Code": "Success", "Message": "", "Data": [{"RegionId": "CN_Hohhot_B", "Zone": "z1"}]}),
    );
    // A value of another type than declared (a numeric string is still an integer).
    write(
        "DescribeGpu.1.json",
        json!({"Code": "Success", "Data": {"Records": [], "TotalCount": "many", "PageSize": "10", "Pages": 1, "PageNumber": 1}}),
    );
    write(
        "DescribeGpu.2.json",
        json!({"Code": "Success", "Data": {"Records": [], "TotalCount": 3, "PageSize": 10, "Pages": 1, "PageNumber": 1}}),
    );
    let answers = read_answers(&dir).expect("answers");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(answers["DescribeGpu"].len(), 2);
    let mut got = Vec::new();
    for (op, values) in &answers {
        for d in drift(&line, op, values) {
            got.push(format!("{} {} {}", d.op, d.kind, d.path));
        }
    }
    got.sort();
    assert_eq!(
        got,
        [
            "DescribeGpu type /Data/TotalCount",
            "DescribeGpuRegions never /Data/*/RegionName",
            "DescribeGpuRegions unknown /Data/*/Zone",
        ]
    );
}

#[test]
fn a_conforming_answer_drifts_nowhere() {
    let line = gpubms();
    let answer = json!({"Code": "Success", "Message": "", "Data": [{"RegionId": "CN_Hohhot_B", "RegionName": "呼和浩特B"}]});
    assert!(drift(&line, "DescribeGpuRegions", &[answer]).is_empty());
}
