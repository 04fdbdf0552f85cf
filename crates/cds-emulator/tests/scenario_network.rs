//! network through the generated crate: VDCs built from their request (default name, public
//! network, documented status), public and private networks and segments inside them, the
//! keyword filter, per-operation errors and DeleteVdc's documented precondition.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::Value;
use std::time::Duration;

async fn wait(net: &cds_network::Client, task: Option<String>) -> Value {
    json(
        &net.wait_for_task(task.expect("a task id"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .expect("the task finishes"),
    )
}

async fn vdc(net: &cds_network::Client, id: &str) -> Value {
    let listed = json(&net.describe_vdc().vdc_id(id).send().await.unwrap());
    let mut found = items(&listed, "/Data");
    assert_eq!(found.len(), 1, "{listed}");
    found.remove(0)
}

#[tokio::test]
async fn vdcs_public_and_private_networks() {
    let emu = emulator(&[&cds_network::meta::LINE], Duration::from_millis(20)).await;
    let net = cds_network::Client::new(&emu.config());

    // No VdcName: the VDC is named by its id (000: 不传默认为vdc的id). A PublicNetwork sent with
    // CreateVdc is made with it.
    let task = net
        .create_vdc()
        .region_id("CN_Beijing_A")
        .public_network(
            cds_network::operation::create_vdc::PublicNetwork::builder()
                .name("edge")
                .r#type("BGP_4")
                .billing_method("Bandwidth")
                .qos(10)
                .ip_num(8)
                .auto_renew(1)
                .float_bandwidth(0)
                .build(),
        )
        .send()
        .await
        .expect("CreateVdc");
    let first = text(&wait(&net, task.task_id).await, "/Data/ResourceId");
    let v = vdc(&net, &first).await;
    assert_eq!(v["VdcName"], first.as_str());
    assert_eq!(v["VdcStatus"], "ok");
    assert_eq!(v["RegionId"], "CN_Beijing_A");
    let public = items(&v, "/PublicNetwork");
    assert_eq!(public.len(), 1, "{v}");
    assert_eq!(public[0]["Name"], "edge");
    assert_eq!(public[0]["Qos"], 10);
    assert_eq!(public[0]["UnuseIpNum"], 8);
    assert!(public[0].get("VdcId").is_none(), "the link is not shown");
    assert!(
        items(&v, "/PrivateNetwork").is_empty(),
        "no private network was made"
    );

    let second = net
        .create_vdc()
        .region_id("CN_Beijing_B")
        .vdc_name("vdc-b")
        .send()
        .await
        .unwrap();
    let second = text(&wait(&net, second.task_id).await, "/Data/ResourceId");

    // Keyword and region filters; paging.
    let by_keyword = json(&net.describe_vdc().keyword("vdc-b").send().await.unwrap());
    assert_eq!(items(&by_keyword, "/Data").len(), 1);
    assert_eq!(items(&by_keyword, "/Data")[0]["VdcId"], second.as_str());
    let nothing = json(&net.describe_vdc().keyword("zzz").send().await.unwrap());
    assert!(items(&nothing, "/Data").is_empty());
    let by_region = json(
        &net.describe_vdc()
            .region_id("CN_Beijing_A")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&by_region, "/Data").len(), 1);
    let paged = json(
        &net.describe_vdc()
            .page_size(1)
            .page_number(2)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&paged, "/Data")[0]["VdcId"], second.as_str());

    // Private networks: each its own id and name; the VDC lists them.
    let made = net
        .create_private_network()
        .vdc_id(second.clone())
        .name("db")
        .send()
        .await
        .unwrap();
    let private = text(&wait(&net, made.task_id).await, "/Data/ResourceId");
    let made = net
        .create_private_network()
        .vdc_id(second.clone())
        .send()
        .await
        .unwrap();
    let private2 = text(&wait(&net, made.task_id).await, "/Data/ResourceId");
    assert_ne!(private, private2);
    let v = vdc(&net, &second).await;
    let privates = items(&v, "/PrivateNetwork");
    assert_eq!(privates.len(), 2);
    assert_eq!(privates[0]["Name"], "db");
    assert_eq!(privates[1]["Name"], "私网1", "the documented default name");
    assert!(items(&vdc(&net, &first).await, "/PrivateNetwork").is_empty());
    // The private network of an unknown VDC: CreatePrivateNetwork's documented code.
    let bad = net.create_private_network().vdc_id("nope").send().await;
    assert_service_error(bad, "InvalidVDCID.Malformed", 400);

    // Public networks: created, segments added and removed, modified, deleted.
    let bad = net
        .create_public_network()
        .vdc_id("nope")
        .r#type("BGP_4")
        .billing_method("Bandwidth")
        .qos(10)
        .ip_num(4)
        .auto_renew(1)
        .float_bandwidth(0)
        .send()
        .await;
    assert_service_error(bad, "InvalidVdcId.Malformed", 400);
    let pn = net
        .create_public_network()
        .vdc_id(second.clone())
        .r#type("BGP_4")
        .billing_method("Bandwidth")
        .qos(10)
        .ip_num(4)
        .auto_renew(1)
        .float_bandwidth(0)
        .send()
        .await
        .unwrap();
    let pn = text(&wait(&net, pn.task_id).await, "/Data/ResourceId");
    let added = net
        .add_public_ip()
        .public_id(pn.clone())
        .number(4)
        .send()
        .await
        .unwrap();
    let segment = text(&wait(&net, added.task_id).await, "/Data/ResourceId");
    let v = vdc(&net, &second).await;
    let publics = items(&v, "/PublicNetwork");
    assert_eq!(publics[0]["Name"], "公网1", "the documented default name");
    let segments = items(&publics[0], "/Segments");
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0]["SegmentId"], segment.as_str());
    let modified = net
        .modify_public_network()
        .public_id(pn.clone())
        .qos("50")
        .send()
        .await
        .unwrap();
    wait(&net, modified.task_id).await;
    assert_eq!(
        items(&vdc(&net, &second).await, "/PublicNetwork")[0]["Qos"],
        50
    );
    let removed = net
        .delete_public_ip()
        .segment_id(segment.clone())
        .send()
        .await
        .unwrap();
    wait(&net, removed.task_id).await;
    assert!(items(
        &items(&vdc(&net, &second).await, "/PublicNetwork")[0],
        "/Segments"
    )
    .is_empty());
    let unknown = net
        .modify_public_network()
        .public_id("nope")
        .qos("5")
        .send()
        .await;
    assert_service_error(unknown, "InvalidPublicNetworkID.Malformed", 400);
    let unknown = net.add_public_ip().public_id("nope").number(4).send().await;
    assert_service_error(unknown, "InvalidPublicId.Malformed", 400);

    // DeleteVdc: only a VDC without public network (or GPN, or servers) can be deleted.
    let refused = net.delete_vdc().vdc_id(second.clone()).send().await;
    assert_service_error(refused, "IncorrectVdcStatus", 403);
    net.delete_public_network()
        .public_id(pn)
        .send()
        .await
        .unwrap();
    let deleted = net
        .delete_vdc()
        .vdc_id(second.clone())
        .send()
        .await
        .unwrap();
    let task = deleted.task_id.clone().expect("a task id");
    let done = wait(&net, deleted.task_id).await;
    assert_eq!(done["Data"]["ResourceId"], second.as_str());
    assert_eq!(
        done["TaskId"],
        task.as_str(),
        "the poll echoes its own task id"
    );
    assert!(items(
        &json(
            &net.describe_vdc()
                .vdc_id(second.clone())
                .send()
                .await
                .unwrap()
        ),
        "/Data"
    )
    .is_empty());
    assert!(
        emu.resources("", "network/private_network").is_empty(),
        "its private networks went with it"
    );
    let again = net.delete_vdc().vdc_id(second).send().await;
    assert_service_error(again, "VdcNotFound", 400);
    let unknown_task = net.describe_task().task_id("nope").send().await;
    assert_service_error(unknown_task, "InvalidTaskID.Malformed", 400);
}

#[tokio::test]
async fn a_vdc_with_servers_cannot_be_deleted() {
    let emu = emulator(
        &[&cds_network::meta::LINE, &cds_ccs::meta::LINE],
        Duration::ZERO,
    )
    .await;
    let net = cds_network::Client::new(&emu.config());
    let ccs = cds_ccs::Client::new(&emu.config());
    let t = net
        .create_vdc()
        .region_id("CN_Beijing_A")
        .send()
        .await
        .unwrap();
    let id = text(&wait(&net, t.task_id).await, "/Data/ResourceId");
    let created = ccs
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id(id.clone())
        .password("Passw0rd!")
        .instance_name("web")
        .cpu(1)
        .ram(1)
        .instance_type("Standard")
        .send()
        .await
        .unwrap();
    let done = json(
        &ccs.wait_for_task(created.task_id.unwrap())
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap(),
    );
    let server = done["Data"]["ResourceId"].as_str().unwrap().to_string();
    let refused = net.delete_vdc().vdc_id(id.clone()).send().await;
    assert_service_error(refused, "IncorrectVdcStatus", 403);
    let gone = ccs
        .delete_instance()
        .instance_ids([server])
        .send()
        .await
        .unwrap();
    ccs.wait_for_task(gone.task_id.unwrap())
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let deleted = net.delete_vdc().vdc_id(id).send().await.unwrap();
    wait(&net, deleted.task_id).await;
}
