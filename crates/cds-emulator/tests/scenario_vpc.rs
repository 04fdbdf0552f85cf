//! vpc through the generated crate: VPCs made with their subnets, EIPs (several per request,
//! fresh addresses), bindings, shared bandwidths (BandwidthAddEIP sets each EIP's bandwidth),
//! ReserveIPAndBindEIP naming EIPs by address, the task waiter on /vpc (Data.TaskStatus),
//! SLB chains, and DeleteVPC refused while it holds subnets.
#![allow(deprecated)]

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::Value;
use std::time::Duration;

async fn wait(vpc: &cds_vpc::Client, task: Option<String>) -> Value {
    json(
        &vpc.wait_for_task(task.expect("a task id"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .expect("the task finishes"),
    )
}

fn subnet(name: &str, segment: &str) -> cds_vpc::types::SubnetSpec {
    cds_vpc::types::SubnetSpec::builder()
        .available_zone_code("CN_Hongkong_B")
        .subnet_name(name)
        .subnet_segment(segment)
        .build()
        .unwrap()
}

async fn eips(vpc: &cds_vpc::Client) -> Vec<Value> {
    items(
        &json(&vpc.describe_eip().send().await.unwrap()),
        "/Data/EIPList",
    )
}

#[tokio::test]
async fn vpcs_subnets_eips_and_bandwidths() {
    let emu = emulator(&[&cds_vpc::meta::LINE], Duration::from_millis(20)).await;
    let vpc = cds_vpc::Client::new(&emu.config());

    let made = vpc
        .create_vpc()
        .region_code("CN_Hongkong")
        .vpc_name("prod")
        .vpc_segment("10.15.0.0/16")
        .vpc_segment_type("manual")
        .subnet_list([subnet("a", "10.15.1.0/24"), subnet("b", "10.15.2.0/24")])
        .send()
        .await
        .expect("CreateVPC");
    let vpc_id = text(&made, "/Data/VPCId");
    let subnet_ids: Vec<String> = items(&json(&made), "/Data/SubnetIdList")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(subnet_ids.len(), 2, "the answer names the subnets made");
    // The task waiter polls DescribeTask on /vpc and reads Data.TaskStatus.
    let done = wait(&vpc, made.task_id.clone()).await;
    assert_eq!(done["Data"]["TaskStatus"], "FINISH");
    assert_eq!(done["Data"]["ResourceId"], vpc_id.as_str());
    let listed = json(&vpc.describe_vpc().keyword("prod").send().await.unwrap());
    let vpcs = items(&listed, "/Data/VPCList");
    assert_eq!(vpcs.len(), 1);
    assert_eq!(vpcs[0]["VPCNmae"], "prod");
    assert_eq!(vpcs[0]["VPCSegment"], "10.15.0.0/16");
    let subnets = json(
        &vpc.describe_subnet()
            .vpc_id(vpc_id.clone())
            .send()
            .await
            .unwrap(),
    );
    let subnets = items(&subnets, "/Data/SubnetList");
    assert_eq!(subnets.len(), 2);
    assert_eq!(subnets[0]["VPCName"], "prod", "the VPC's name");
    assert_eq!(subnets[1]["SubnetSegment"], "10.15.2.0/24");
    let more = vpc
        .create_subnet()
        .vpc_id(vpc_id.clone())
        .subnet_list([subnet("c", "10.15.3.0/24")])
        .send()
        .await
        .unwrap();
    let third = text(&json(&more), "/Data/SubnetIdList/0");
    let bad = vpc
        .create_subnet()
        .vpc_id("nope")
        .subnet_list([subnet("x", "10.0.0.0/24")])
        .send()
        .await;
    assert_service_error(bad, "InvalidParameter", 400);

    // EIPs: Size 3 makes three, each its own address; the answer lists them.
    let created = vpc
        .create_eip()
        .region_code("CN_Hongkong")
        .bandwidth_type("Bandwidth_China_Telecom")
        .bill_scheme("BandwIdth")
        .qos(5)
        .size(3)
        .description("edge")
        .send()
        .await
        .expect("CreateEIP");
    let answer = items(&json(&created), "/Data");
    assert_eq!(answer.len(), 3);
    let all = eips(&vpc).await;
    assert_eq!(all.len(), 3);
    let addresses: std::collections::BTreeSet<&str> =
        all.iter().map(|e| e["IP"].as_str().unwrap()).collect();
    assert_eq!(addresses.len(), 3, "fresh addresses: {all:?}");
    assert_eq!(answer[0]["IP"], all[0]["IP"]);
    assert_eq!(all[0]["IsBind"], false);
    assert_eq!(all[0]["BandwidthInfo"]["Qos"], 5);
    let by_ip = json(
        &vpc.describe_eip()
            .keyword(all[2]["IP"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&by_ip, "/Data/EIPList").len(), 1);
    let eip0 = all[0]["Id"].as_str().unwrap().to_string();
    let eip1 = all[1]["Id"].as_str().unwrap().to_string();

    // Bind and unbind.
    let bad = vpc
        .bind_eip()
        .eip_id(eip0.clone())
        .net_id("nope")
        .ip("10.15.1.5")
        .send()
        .await;
    assert_service_error(bad, "InvalidParameter", 400);
    let bind = vpc
        .bind_eip()
        .eip_id(eip0.clone())
        .net_id(subnet_ids[0].clone())
        .ip("10.15.1.5")
        .send()
        .await
        .unwrap();
    wait(&vpc, bind.task_id).await;
    let bound = eips(&vpc).await;
    assert_eq!(bound[0]["IsBind"], true);
    assert_eq!(bound[0]["BindResourceInfo"]["SubnetIP"], "10.15.1.5");

    // A shared bandwidth: BandwidthAddEIP gives each EIP the bandwidth's id and size.
    let bw = vpc
        .create_bandwidth()
        .region_code("CN_Hongkong")
        .available_zone_code("CN_Hongkong_B")
        .name("shared")
        .bandwidth_type("Bandwidth_China_Telecom")
        .bill_scheme("BandwIdth_Shared")
        .qos(100)
        .send()
        .await
        .unwrap();
    let bw_id = text(&json(&bw), "/Data/0/BandwidthId");
    let add = vpc
        .bandwidth_add_eip()
        .bandwidth_id(bw_id.clone())
        .eip_id_list([eip0.clone(), eip1.clone()])
        .send()
        .await
        .unwrap();
    wait(&vpc, add.task_id).await;
    let now = eips(&vpc).await;
    for e in &now[..2] {
        assert_eq!(e["BandwidthInfo"]["Id"], bw_id.as_str());
        assert_eq!(e["BandwidthInfo"]["Name"], "shared");
        assert_eq!(e["BandwidthInfo"]["Qos"], 100);
    }
    assert_ne!(now[2]["BandwidthInfo"]["Id"], bw_id.as_str());
    let refused = vpc
        .delete_bandwidth()
        .bandwidth_id(bw_id.clone())
        .send()
        .await;
    assert_service_error(refused, "IncorrectStatus", 403);
    let remove = vpc
        .bandwidth_remove_eip()
        .eip_id_list([eip0.clone(), eip1.clone()])
        .delete(false)
        .bandwidth_type("Bandwidth_China_Telecom")
        .qos(5)
        .send()
        .await
        .unwrap();
    wait(&vpc, remove.task_id).await;
    assert_ne!(eips(&vpc).await[0]["BandwidthInfo"]["Id"], bw_id.as_str());
    vpc.delete_bandwidth()
        .bandwidth_id(bw_id)
        .send()
        .await
        .expect("no EIP left in it");

    // ReserveIPAndBindEIP names EIPs by address, each bound to the gateway address at the
    // same position.
    let gw = vpc
        .create_virtual_gate_way()
        .vpc_id(vpc_id.clone())
        .virtual_gate_way_list([
            cds_vpc::operation::create_virtual_gate_way::Gateway::builder()
                .available_zone_code("CN_Hongkong_B")
                .virtual_gate_way_name("egress")
                .virtual_gate_way_segment("10.4.230.0/24")
                .r#type("Bandwidth_China_Telecom")
                .build()
                .unwrap(),
        ])
        .send()
        .await
        .unwrap();
    let gw_id = text(&json(&gw), "/Data/VirtualGateWayIdList/0");
    let ip1 = now[1]["IP"].as_str().unwrap().to_string();
    let ip2 = now[2]["IP"].as_str().unwrap().to_string();
    vpc.reserve_ip_and_bind_eip()
        .available_zone_code("CN_Hongkong_B")
        .ips([cds_vpc::operation::reserve_ip_and_bind_eip::Ip::builder()
            .net_id(gw_id.clone())
            .address_list(["10.4.230.8", "10.4.230.9"])
            .eip_list([ip1.clone(), ip2.clone()])
            .description("egress")
            .build()
            .unwrap()])
        .send()
        .await
        .expect("ReserveIPAndBindEIP");
    let after = eips(&vpc).await;
    assert_eq!(after[1]["IsBind"], true);
    assert_eq!(after[1]["BindResourceInfo"]["SubnetId"], gw_id.as_str());
    assert_eq!(after[1]["BindResourceInfo"]["SubnetIP"], "10.4.230.8");
    assert_eq!(after[2]["BindResourceInfo"]["SubnetIP"], "10.4.230.9");
    let unknown_address = vpc
        .reserve_ip_and_bind_eip()
        .available_zone_code("CN_Hongkong_B")
        .ips([cds_vpc::operation::reserve_ip_and_bind_eip::Ip::builder()
            .net_id(gw_id.clone())
            .address_list(["10.4.230.10"])
            .eip_list(["198.51.100.1"])
            .description("x")
            .build()
            .unwrap()])
        .send()
        .await;
    assert_service_error(unknown_address, "InvalidParameter", 400);

    // DeleteVPC: refused while it holds subnets and gateways.
    let refused = vpc.delete_vpc().vpc_id(vpc_id.clone()).send().await;
    assert_service_error(refused, "IncorrectStatus", 403);
    let unbind = vpc
        .unbind_eip()
        .eip_id(eip0.clone())
        .net_id(subnet_ids[0].clone())
        .ip("10.15.1.5")
        .send()
        .await
        .unwrap();
    wait(&vpc, unbind.task_id).await;
    assert_eq!(eips(&vpc).await[0]["IsBind"], false);
    let gone = vpc
        .delete_virtual_gate_way()
        .virtual_gate_way_id(gw_id)
        .send()
        .await
        .unwrap();
    wait(&vpc, gone.task_id).await;
    for s in subnet_ids.iter().chain([&third]) {
        let t = vpc
            .delete_subnet()
            .subnet_id(s.clone())
            .send()
            .await
            .unwrap();
        wait(&vpc, t.task_id).await;
    }
    let deleted = vpc
        .delete_vpc()
        .vpc_id(vpc_id.clone())
        .send()
        .await
        .unwrap();
    wait(&vpc, deleted.task_id).await;
    assert!(items(
        &json(&vpc.describe_vpc().send().await.unwrap()),
        "/Data/VPCList"
    )
    .is_empty());
    let unknown_task = vpc.describe_task().task_id("nope").send().await;
    assert_service_error(unknown_task, "InvalidTaskID.Malformed", 400);
}

#[tokio::test]
async fn slb_listeners_and_backends() {
    let emu = emulator(&[&cds_vpc::meta::LINE], Duration::ZERO).await;
    let vpc = cds_vpc::Client::new(&emu.config());
    let made = vpc
        .create_vpc()
        .region_code("CN_Hongkong")
        .vpc_name("lb")
        .vpc_segment("10.20.0.0/16")
        .vpc_segment_type("manual")
        .subnet_list([subnet("a", "10.20.1.0/24")])
        .send()
        .await
        .unwrap();
    let vpc_id = text(&made, "/Data/VPCId");
    let slb = vpc
        .create_vpc_slb()
        .region_code("CN_Hongkong")
        .available_zone_code("CN_Hongkong_B")
        .vpc_id(vpc_id.clone())
        .name("front")
        .net_type("wan")
        .conf_type("slb.s1.small")
        .send()
        .await
        .expect("CreateVpcSlb");
    let slb_id = text(&slb, "/Data/SlbId");
    let listed = json(
        &vpc.describe_vpc_slb_list_info()
            .vpc_id(vpc_id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&listed, "/Data/SlbList")[0]["Name"], "front");
    assert_eq!(items(&listed, "/Data/SlbList")[0]["VpcName"], "lb");
    let listen = vpc
        .create_vpc_slb_listen()
        .slb_id(slb_id.clone())
        .listen_name("http")
        .vip("38.123.96.8")
        .vip_id("vip-1")
        .vip_type("wan_eip")
        .listen_protocol("TCP")
        .listen_port(80)
        .scheduler("rr")
        .send()
        .await
        .expect("CreateVpcSLBListen");
    let listen_id = text(&listen, "/Data/ListenId");
    let got = json(
        &vpc.query_vpc_slb_listen()
            .listen_id(listen_id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(got["Data"]["ListenPort"], 80);
    assert_eq!(got["Data"]["ListenName"], "http");
    let refused = vpc.delete_vpc_slb().slb_id(slb_id.clone()).send().await;
    assert_service_error(refused, "IncorrectStatus", 403);
    let gone = vpc
        .delete_vpc_slb_listen()
        .listen_ids([listen_id])
        .send()
        .await
        .unwrap();
    wait(&vpc, gone.task_id).await;
    let deleted = vpc
        .delete_vpc_slb()
        .slb_id(slb_id.clone())
        .send()
        .await
        .unwrap();
    wait(&vpc, deleted.task_id).await;
    let unknown = vpc
        .describe_vpc_slb_detail_info()
        .slb_id(slb_id)
        .send()
        .await;
    assert_service_error(unknown, "InvalidParameter", 400);
}
