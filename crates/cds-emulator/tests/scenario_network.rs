//! network through the generated crate: VDCs and the public networks inside them.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use std::time::Duration;

#[tokio::test]
async fn vdcs_and_public_networks() {
    let emu = emulator(&[&cds_network::meta::LINE], Duration::from_millis(20)).await;
    let net = cds_network::Client::new(&emu.config());

    let task = net
        .create_vdc()
        .region_id("CN_Beijing_A")
        .vdc_name("vdc-a")
        .send()
        .await
        .expect("CreateVdc");
    let done = net
        .wait_for_task(task.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let vdc = text(&done, "/Data/ResourceId");
    let listed = json(
        &net.describe_vdc()
            .vdc_id(vdc.clone())
            .send()
            .await
            .expect("DescribeVdc"),
    );
    let vdcs = items(&listed, "/Data");
    assert_eq!(vdcs.len(), 1);
    assert_eq!(vdcs[0]["VdcName"], "vdc-a");
    assert_eq!(vdcs[0]["RegionId"], "CN_Beijing_A");
    assert!(
        items(&vdcs[0], "/PublicNetwork").is_empty(),
        "no public network yet"
    );

    net.modify_vdc_name()
        .vdc_id(vdc.clone())
        .vdc_name("vdc-b")
        .send()
        .await
        .expect("ModifyVdcName");
    let listed = json(&net.describe_vdc().vdc_id(vdc.clone()).send().await.unwrap());
    assert_eq!(items(&listed, "/Data")[0]["VdcName"], "vdc-b");

    // A public network appears inside its VDC.
    let bad = net
        .create_public_network()
        .vdc_id("nope")
        .name("pub")
        .r#type("Bandwidth_BGP")
        .billing_method("BandwIdth")
        .qos(10)
        .ip_num(4)
        .auto_renew(1)
        .float_bandwidth(0)
        .send()
        .await;
    assert_service_error(bad, "VdcNotFound", 400);
    let task = net
        .create_public_network()
        .vdc_id(vdc.clone())
        .name("pub")
        .r#type("Bandwidth_BGP")
        .billing_method("BandwIdth")
        .qos(10)
        .ip_num(4)
        .auto_renew(1)
        .float_bandwidth(0)
        .send()
        .await
        .expect("CreatePublicNetwork");
    let done = net
        .wait_for_task(task.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let public = text(&done, "/Data/ResourceId");
    let listed = json(&net.describe_vdc().vdc_id(vdc.clone()).send().await.unwrap());
    let nets = items(&listed, "/Data/0/PublicNetwork");
    assert_eq!(nets.len(), 1);
    assert_eq!(nets[0]["PublicId"], public.as_str());
    assert_eq!(nets[0]["Name"], "pub");
    assert_eq!(nets[0]["Qos"], 10);

    let task = net
        .modify_public_network()
        .public_id(public.clone())
        .qos("50")
        .send()
        .await
        .expect("ModifyPublicNetwork");
    net.wait_for_task(task.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(&net.describe_vdc().vdc_id(vdc.clone()).send().await.unwrap());
    assert_eq!(items(&listed, "/Data/0/PublicNetwork")[0]["Qos"], 50);

    net.delete_public_network()
        .public_id(public.clone())
        .send()
        .await
        .expect("DeletePublicNetwork");
    let listed = json(&net.describe_vdc().vdc_id(vdc.clone()).send().await.unwrap());
    assert!(items(&listed, "/Data/0/PublicNetwork").is_empty());
    assert_service_error(
        net.delete_public_network().public_id(public).send().await,
        "VdcNotFound",
        400,
    );

    let task = net
        .delete_vdc()
        .vdc_id(vdc.clone())
        .send()
        .await
        .expect("DeleteVdc");
    net.wait_for_task(task.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert!(items(&json(&net.describe_vdc().send().await.unwrap()), "/Data").is_empty());
    assert_service_error(
        net.delete_vdc().vdc_id(vdc).send().await,
        "VdcNotFound",
        400,
    );
}
