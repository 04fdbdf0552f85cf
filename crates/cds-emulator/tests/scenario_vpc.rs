//! vpc through the generated crate: VPCs, subnets and EIPs.
// Some of these scenarios call operations the vendor has since renamed or parameters it
// removed: they still work and are still served, which these tests keep checking.
#![allow(deprecated)]

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn vpcs_subnets_and_eips() {
    let emu = emulator(&[&cds_vpc::meta::LINE], Duration::from_millis(20)).await;
    let vpc = cds_vpc::Client::new(&emu.config());

    let created = vpc
        .runtime()
        .execute_value(
            &cds_vpc::meta::CREATE_VPC,
            json!({"RegionCode": "CN_Hongkong", "VPCName": "vpc-a", "VPCSegment": "10.0.0.0/16",
                   "VPCSegmentType": "auto", "SubnetList": []}),
        )
        .await
        .expect("CreateVPC");
    let id = text(&created.raw(), "/Data/VPCId");
    let task = text(&created.raw(), "/TaskId");
    let before = json(
        &vpc.describe_vpc()
            .region_code("CN_Hongkong")
            .send()
            .await
            .unwrap(),
    );
    assert!(
        items(&before, "/Data/VPCList").is_empty(),
        "not visible while the task runs"
    );
    vpc.wait_for_task(task)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(
        &vpc.describe_vpc()
            .region_code("CN_Hongkong")
            .send()
            .await
            .expect("DescribeVPC"),
    );
    let vpcs = items(&listed, "/Data/VPCList");
    assert_eq!(vpcs.len(), 1);
    assert_eq!(vpcs[0]["VPCId"], id.as_str());
    assert_eq!(vpcs[0]["VPCNmae"], "vpc-a");
    assert_eq!(vpcs[0]["VPCSegment"], "10.0.0.0/16");
    assert_eq!(listed["Data"]["Total"], 1);

    // Subnets belong to a VPC that exists.
    let subnet = |vpc_id: &str| {
        json!({"VPCId": vpc_id, "SubnetList": [
            {"AvailableZoneCode": "CN_Hongkong_A", "SubnetName": "sn-1", "SubnetSegment": "10.0.1.0/24"}]})
    };
    let bad = vpc
        .runtime()
        .execute_value(&cds_vpc::meta::CREATE_SUB_NET, subnet("nope"))
        .await;
    assert_service_error(bad, "InvalidParameter", 400);
    let created = vpc
        .runtime()
        .execute_value(&cds_vpc::meta::CREATE_SUB_NET, subnet(&id))
        .await
        .expect("CreateSubNet");
    let sn = text(&created.raw(), "/Data/SubnetIdList/0");
    let listed = json(
        &vpc.describe_sub_net()
            .region_code("CN_Hongkong")
            .vpc_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    let subnets = items(&listed, "/Data/SubnetList");
    assert_eq!(subnets.len(), 1);
    assert_eq!(subnets[0]["SubnetId"], sn.as_str());
    assert_eq!(subnets[0]["SubnetName"], "sn-1");
    assert_eq!(subnets[0]["SubnetSegment"], "10.0.1.0/24");
    let del = vpc
        .delete_sub_net()
        .subnet_id(sn.clone())
        .send()
        .await
        .expect("DeleteSubNet");
    vpc.wait_for_task(del.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(
        &vpc.describe_sub_net()
            .region_code("CN_Hongkong")
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&listed, "/Data/SubnetList").is_empty());
    assert_service_error(
        vpc.delete_sub_net().subnet_id(sn).send().await,
        "InvalidParameter",
        400,
    );

    // EIPs: create, bind (changes IsBind after the task), describe, delete.
    let eip = vpc
        .create_eip()
        .region_code("CN_Hongkong")
        .bandwidth_type("Bandwidth_China_Telecom")
        .bill_scheme("BandwIdth")
        .qos(5)
        .size(1)
        .description("front door")
        .send()
        .await
        .expect("CreateEIP");
    let eip_id = text(&json(&eip), "/Data/0/EIPId");
    let bind = vpc
        .bind_eip()
        .eip_id(eip_id.clone())
        .net_id("net")
        .ip("10.0.1.5")
        .send()
        .await
        .expect("BindEIP");
    vpc.wait_for_task(bind.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(
        &vpc.describe_eip()
            .region_code("CN_Hongkong")
            .send()
            .await
            .unwrap(),
    );
    let eips = items(&listed, "/Data/EIPList");
    assert_eq!(eips.len(), 1);
    assert_eq!(eips[0]["Id"], eip_id.as_str());
    assert_eq!(eips[0]["Description"], "front door");
    assert_eq!(eips[0]["IsBind"], true);
    vpc.delete_eip()
        .eip_id(eip_id.clone())
        .send()
        .await
        .expect("DeleteEIP");
    assert!(items(
        &json(
            &vpc.describe_eip()
                .region_code("CN_Hongkong")
                .send()
                .await
                .unwrap()
        ),
        "/Data/EIPList"
    )
    .is_empty());
    assert_service_error(
        vpc.update_eip()
            .eip_id(eip_id)
            .description("x")
            .send()
            .await,
        "InvalidParameter",
        400,
    );

    let del = vpc
        .delete_vpc()
        .vpc_id(id.clone())
        .send()
        .await
        .expect("DeleteVPC");
    vpc.wait_for_task(del.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert!(items(
        &json(
            &vpc.describe_vpc()
                .region_code("CN_Hongkong")
                .send()
                .await
                .unwrap()
        ),
        "/Data/VPCList"
    )
    .is_empty());
    assert_service_error(
        vpc.delete_vpc().vpc_id(id).send().await,
        "InvalidParameter",
        400,
    );
}
