//! doc-check `--deep` on a small document and spec written by the test: every new kind,
//! departures with a list of fields, and the drafts of `--suggest`.

mod common;

use common::{temp_dir, write_line};
use xtask::doccheck::check::{check, check_with, CheckReport};
use xtask::doccheck::compare::Options;
use xtask::doccheck::suggest::suggestions;
use xtask::doccheck::{parse_text, sha256_hex, specview};

const DOC: &str = "doc_2026-01-01_cccc.md";

const TEXT: &str = r#"# Doc
## 实例相关
### 1.DescribeGoods
**Action：DescribeGoods**
**请求地址:** cdsapi.capitalonline.net/ccs
**请求方法：POST**
**请求参数：**
| 名称 | 类型 | 是否必选 | 示例 | 描述 |
| - | - | - | - | - |
| RegionId | string | 是 | CN | r |
| Filter | json | 否 | {"Zone": "a", "Tags": ["x"]} | f |
| Disks | list | 否 | [] | d |
| Size | int | 是 | 1 | s |
| Ids | array | 否 | ["a"] | i |
**返回参数：**
| 名称 | 类型 | 示例 | 描述 |
| - | - | - | - |
| Code | string | Success | c |
| Data | object | {} | d |
| Goods | list | [] | g |
| Id（Goods） | string | x | id |
| Cpu | int | 1 | cpu |
| Frequency | string | 2.1GHz | f |
| Computes | list | [] | c |
| Id（Computes） | string | x | id |
| Extra | object | {} | e |
| Ram(Goods) | int | 1 | r |
**返回示例：**
```json
{"Code": "Success", "Data": {"Goods": [{"Id": "g", "Cpu": "4", "Frequency": "2.1GHz", "Computes": [{"Id": "c", "Ram": 2, "Gpu": 1}]}]}}
```
## 其他
## 附录
"#;

const OPS: &str = r#"section: {en: Goods, zh: 实例相关}
operations:
  - name: DescribeGoods
    source: {document: doc_2026-01-01_cccc.md, heading: "1.DescribeGoods", line: 3}
    method: POST
    params:
      - {name: RegionId, in: query, type: string, required: true}
      - {name: Filter, in: query, type: Filter}
      - {name: Disks, in: query, type: list<Disk>}
      - {name: Ids, in: query, type: list<any>}
    response:
      - {name: Data, type: Data}
    examples:
      - '{"Code": "Success", "Data": {"Goods": [{"Id": "g", "Cpu": "4", "Frequency": "2.1GHz", "Computes": [{"Id": "c", "Ram": 2, "Gpu": 1}]}]}}'
types:
  Filter:
    fields:
      - {name: Zone, type: string}
      - {name: Tags, type: list<string>}
  Disk:
    fields:
      - {name: Size, type: integer}
      - {name: Type, type: string}
  Data:
    fields:
      - {name: Goods, type: list<Goods>}
  Goods:
    fields:
      - {name: Id, type: string}
      - {name: Cpu, type: string}
      - {name: Frequency, type: string}
      - {name: Computes, type: list<Compute>}
      - {name: Extra, type: any}
      - {name: Memo, type: string}
  Compute:
    fields:
      - {name: Id, type: string}
      - {name: Ram, type: integer}
      - {name: Gpu, type: integer}
"#;

fn load(name: &str, ops: &str) -> Vec<specview::SpecLine> {
    let dir = temp_dir(name);
    let doc = parse_text(DOC, TEXT);
    let section = &doc
        .sections
        .iter()
        .find(|s| s.title == "实例相关")
        .expect("section");
    let product = format!(
        "product: ccs\nprotocol: rpc\nhost: cdsapi\npath: /ccs\nenvelope: {{code: Code, message: Message, request_id: RequestId, data: Data}}\nsources:\n  - {{document: {DOC}, sha256: {}, sections: [实例相关], section_hashes: {{实例相关: {}}}}}\n",
        sha256_hex(TEXT.as_bytes()),
        section.hash
    );
    write_line(
        &dir,
        "ccs",
        &[("product.yaml", &product), ("goods.yaml", ops)],
    );
    let lines = specview::load_all(&dir.join("spec")).expect("spec loads");
    let _ = std::fs::remove_dir_all(&dir);
    lines
}

fn deep(lines: &[specview::SpecLine]) -> CheckReport {
    check_with(&[parse_text(DOC, TEXT)], lines, Options { deep: true })
}

fn summary(report: &CheckReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let mut s = format!("{} {}", f.kind, f.field);
            if let Some(d) = &f.doc {
                s.push_str(&format!(" doc={d}"));
            }
            if let Some(v) = &f.spec {
                s.push_str(&format!(" spec={v}"));
            }
            s
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_depth_is_compared() {
    let lines = load("deep-kinds", OPS);
    // The top level agrees: nothing without --deep.
    let report = check(&[parse_text(DOC, TEXT)], &lines);
    assert!(report.is_clean(), "{:?}", summary(&report));

    let report = deep(&lines);
    let mut want = vec![
        "param_nested_extra Filter.Zone doc=example",
        "param_nested_extra Filter.Tags doc=example",
        "param_nested_required Disks[].Size doc=true spec=false",
        "param_nested_extra Disks[].Type",
        "param_untyped Ids doc=array spec=list<any>",
        "response_type Data.Goods[].Cpu doc=int spec=string",
        "example_type Data.Goods[].Cpu doc=table int, example string spec=string",
        "response_untyped Data.Goods[].Extra doc=object spec=any",
        "response_nesting Goods.Ram doc=Goods spec=Data.Goods[].Computes[].Ram",
        "response_nested_extra Data.Goods[].Memo",
        "response_nested_extra Data.Goods[].Computes[].Ram doc=example",
        "response_nested_extra Data.Goods[].Computes[].Gpu doc=example",
    ];
    want.sort();
    assert_eq!(summary(&report), want);
}

#[test]
fn untyped_and_a_list_of_fields_acknowledge_and_go_stale_field_by_field() {
    let ops = OPS
        .replace(
            "{name: Extra, type: any}",
            "{name: Extra, type: any, untyped: \"free-form\"}",
        )
        .replace(
            "    examples:",
            "    departures:\n      - {kind: response_nested_extra, doc: example, field: [\"Data.Goods[].Computes[].Ram\", \"Data.Goods[].Computes[].Gpu\", \"Data.Goods[].Nope\"], why: \"In the example only.\"}\n    examples:",
        );
    let lines = load("deep-departures", &ops);
    let report = deep(&lines);
    let got = summary(&report);
    assert!(!got.iter().any(|f| f.contains("Extra")), "{got:?}");
    assert!(!got.iter().any(|f| f.contains("Gpu")), "{got:?}");
    assert_eq!(report.acknowledged.get("ccs"), Some(&2));
    assert_eq!(
        report.bad_departures,
        [
            "ccs DescribeGoods departure 1 (response_nested_extra [Data.Goods[].Computes[].Ram, Data.Goods[].Computes[].Gpu, Data.Goods[].Nope]): field Data.Goods[].Nope acknowledges nothing (stale)"
        ]
    );
}

#[test]
fn suggestions_group_nested_fields_with_one_reason() {
    let lines = load("deep-suggest", OPS);
    let report = deep(&lines);
    let s = suggestions(&report.findings);
    let grouped: Vec<&String> = s
        .iter()
        .filter(|l| l.contains("response_nested_extra") && l.contains("\"doc\":\"example\""))
        .collect();
    assert_eq!(grouped.len(), 1, "{s:#?}");
    assert!(
        grouped[0]
            .contains(r#""field":["Data.Goods[].Computes[].Ram","Data.Goods[].Computes[].Gpu"]"#),
        "{}",
        grouped[0]
    );
    assert!(grouped[0].contains("In the example, not in the response table"));
    let typed = s
        .iter()
        .find(|l| l.contains("\"kind\":\"response_type\""))
        .expect("response_type draft");
    assert!(
        typed.contains(
            r#""why":"The table types `Data.Goods[].Cpu` as int; the spec types it string."#
        ),
        "{typed}"
    );
}
