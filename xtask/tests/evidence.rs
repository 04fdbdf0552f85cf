//! `cargo xtask evidence-check` on a small spec and TSV written by the test: each class, the
//! verification of `vendor` decisions, renamed operations and stale entries.

mod common;

use common::{temp_dir, write_line};
use xtask::doccheck::evidence::{check, read_tsv, Class};
use xtask::doccheck::specview;

const TSV: &str = "line\taction\tkind\tfield\tspec\tdoc\tvendor\tclass\thit\tdeparture\trepo\tvfile\tdoc_line
ccs\tDeleteInstance\taddress\taddress\tapi.capitalonline.net/ccs\t\tcdsapi.capitalonline.net/ccs\ta\tyes\t\tcds-gic-sdk-go\tinstance/client.go:80\t000:489
ccs\tCreateInstance\treq-missing-in-spec\tHostName\t\tdoc:no\tstring\ta\tgap\t\tcds-gic-sdk-go\tinstance/models.go:45\t000:375
ccs\tCreateInstance\treq-missing-in-spec\tHostName\t\tdoc:no\tstring\ta\tgap\t\tcds-gic-sdk-go\tinstance/other.go:7\t000:375
ccs\tCreateInstance\treq-missing-in-spec\tSubjectId\t\tdoc:no\tstring\ta\tgap\t\tcds-gic-sdk-go\tinstance/models.go:46\t000:375
ccs\tDescribeBill\tresp-type\tData.Items[].StartTime\tinteger\tstring\tstring\td\tpossible\t\topenapi(example/Golang)\texample/Golang/x.go:116\t000:8496
ccs\tDescribeBill\tresp-missing-in-spec\tdata.Total\t\tdoc:no\tinteger\ta\tgap\t\tcds-cloudos-go-sdk\tservices/x.go:3\t000:8496
ccs\tDescribeSubNet\taction\tAction\tDescribeSubNet\tAction:DescribeSubNet\tDescribeSubnet\ta\tyes\t\tcds-cloudos-go-sdk\tservices/vpc/vpc.go:9\t000:4333
ccs\tDescribeSubNet\treq-required-omitted\tRegionCode\tstring\t\t\ta\tbuilder\t\tcds-cloudos-go-sdk\tservices/vpc/vpc.go:10\t000:4333
ccs\tStopInstance\tmethod\tHTTP method\tGET\tGET\tPOST\ta\tyes\t\tcds-python-sdk\tx.py:1\t000:1
";

const OPS: &str = r#"section: {en: X, zh: X}
operations:
  - name: DeleteInstance
    source: {document: d.md, heading: "1.DeleteInstance", line: 1}
    host: api
    method: GET
    evidence:
      - {kind: address, field: address, repo: cds-gic-sdk-go, file: "instance/client.go:80", shows: "cdsapi", decision: vendor}
  - name: CreateInstance
    source: {document: d.md, heading: "2.CreateInstance", line: 2}
    method: POST
    params:
      - {name: HostName, in: body, type: string, undocumented: {evidence: "cds-gic-sdk-go instance/models.go:45"}}
    evidence:
      - {kind: req-missing-in-spec, field: HostName, repo: cds-gic-sdk-go, file: "instance/models.go:45", shows: "sends HostName", decision: vendor}
      - {kind: req-missing-in-spec, field: HostName, repo: cds-gic-sdk-go, file: "instance/other.go:7", shows: "sends HostName", decision: vendor}
      - {kind: req-missing-in-spec, field: SubjectId, repo: cds-gic-sdk-go, file: "instance/models.go:46", shows: "sends SubjectId", decision: vendor}
      - {kind: req-missing-in-spec, field: Nope, repo: cds-gic-sdk-go, file: "instance/models.go:99", shows: "x", decision: vendor}
  - name: DescribeBill
    source: {document: d.md, heading: "3.DescribeBill", line: 3}
    method: GET
    response:
      - {name: Data, type: Bill}
    evidence:
      - {kind: resp-type, field: "Data.Items[].StartTime", repo: openapi, file: "example/Golang/x.go:116", shows: "reads a string", decision: both}
      - {kind: resp-missing-in-spec, field: data.Total, repo: cds-cloudos-go-sdk, file: "services/x.go:3", shows: "reads Total", decision: vendor}
  - name: DescribeSubnet
    source: {document: d.md, heading: "4.DescribeSubnet", line: 4}
    method: GET
    params:
      - {name: RegionCode, in: query, type: string}
    evidence:
      - {kind: action, field: Action, repo: cds-cloudos-go-sdk, file: "services/vpc/vpc.go:9", shows: "sends DescribeSubnet", decision: vendor}
  - name: DescribeSubNet
    source: {document: d.md, heading: "4.DescribeSubNet", line: 4}
    deprecated: {date: "2023-01-09", renamed_to: DescribeSubnet, why: renamed}
    method: GET
    params:
      - {name: RegionCode, in: query, type: string, required: true}
    evidence:
      - {kind: req-required-omitted, field: RegionCode, repo: cds-cloudos-go-sdk, file: "services/vpc/vpc.go:10", shows: "omits RegionCode", decision: vendor}
  - name: StopInstance
    source: {document: d.md, heading: "5.StopInstance", line: 5}
    method: GET
    evidence:
      - {kind: method, field: HTTP method, repo: cds-python-sdk, file: "x.py:1", shows: "POST", decision: document, why: "The document and every other SDK send GET."}
types:
  Bill:
    fields:
      - {name: Items, type: list<Item>}
  Item:
    fields:
      - {name: StartTime, type: string}
"#;

#[test]
fn each_row_is_classified_and_vendor_decisions_are_verified() {
    let dir = temp_dir("evidence");
    let product = "product: ccs\nprotocol: rpc\nhost: cdsapi\npath: /ccs\nsources: []\n";
    write_line(&dir, "ccs", &[("product.yaml", product), ("ops.yaml", OPS)]);
    let lines = specview::load_all(&dir.join("spec")).expect("spec loads");
    let _ = std::fs::remove_dir_all(&dir);
    let rows = read_tsv(TSV).expect("tsv");
    let report = check(&rows, &lines);
    let got: Vec<String> = report
        .rows
        .iter()
        .map(|j| {
            let why = match &j.class {
                Class::Unresolved(w) => format!(": {w}"),
                _ => String::new(),
            };
            format!("{} {} {}{why}", j.row.action, j.row.field, j.class.name())
        })
        .collect();
    assert_eq!(
        got,
        [
            // host `api` although the decision says the vendor's `cdsapi`.
            "DeleteInstance address unresolved: decision `vendor`, but the spec's address is api/ccs, the vendor's cdsapi/ccs",
            "CreateInstance HostName vendor",
            // One entry per row: the same field from another file of the same repository.
            "CreateInstance HostName vendor",
            "CreateInstance SubjectId unresolved: decision `vendor`, but the spec has no request field `SubjectId`",
            "DescribeBill Data.Items[].StartTime both",
            "DescribeBill data.Total unresolved: decision `vendor`, but the spec has no response field `data.Total`",
            // Recorded on the current name of the renamed operation.
            "DescribeSubNet Action vendor",
            "DescribeSubNet RegionCode unresolved: decision `vendor`, but `RegionCode` is still required",
            "StopInstance HTTP method document",
        ]
    );
    assert_eq!(
        report.stale,
        ["ccs CreateInstance evidence 4 (req-missing-in-spec Nope cds-gic-sdk-go): matches no row of the file"]
    );
    assert!(!report.is_clean());
    let ccs = &report.counts()["ccs"];
    assert_eq!(
        (
            ccs["vendor"],
            ccs["both"],
            ccs["document"],
            ccs["unresolved"]
        ),
        (3, 1, 1, 4)
    );
}
