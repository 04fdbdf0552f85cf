//! Paginators walk every page as a stream without the caller managing page numbers.

use cds_emulator::Emulator;
use cds_emulator::Script;
use futures_util::TryStreamExt as _;
use serde_json::json;

fn page(ids: &[&str]) -> Script {
    let instances: Vec<_> = ids
        .iter()
        .map(|id| json!({"InstanceId": id, "InstanceName": format!("vm-{id}")}))
        .collect();
    Script {
        status: 200,
        body: json!({"Code": "Success", "Message": "", "Data": {"Instances": instances, "PageNumber": 1, "PageCount": 3}}),
    }
}

#[tokio::test]
async fn describe_instances_streams_every_page() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    emu.script_sequence(
        "DescribeInstances",
        vec![page(&["a", "b"]), page(&["c", "d"]), page(&["e"])],
    );
    let client = cds_ccs::Client::new(&emu.config());
    let items: Vec<cds_ccs::operation::describe_instances::Instance> = client
        .describe_instances()
        .vdc_id("vdc-1")
        .page_size(2)
        .into_items()
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<_> = items
        .iter()
        .map(|i| i.instance_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let pages: Vec<_> = emu
        .requests_for("DescribeInstances")
        .iter()
        .map(|r| r.body.as_ref().map(|b| b["PageNumber"].clone()))
        .collect();
    assert_eq!(
        pages,
        [Some(json!(1)), Some(json!(2)), Some(json!(3))],
        "pages 1..3 requested in order"
    );
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    let denied = Script {
        status: 403,
        body: json!({"Code": "Forbidden", "Message": "no", "RequestId": "r-7"}),
    };
    emu.script_sequence("DescribeInstances", vec![page(&["a", "b"]), denied]);
    let client = cds_ccs::Client::new(&emu.config());
    let result: Result<Vec<_>, _> = client
        .describe_instances()
        .page_size(2)
        .into_items()
        .try_collect()
        .await;
    let err = result.expect_err("second page fails");
    assert_eq!(err.code(), Some("Forbidden"));
    assert_eq!(err.request_id(), Some("r-7"));
}
