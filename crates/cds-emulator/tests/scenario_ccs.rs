//! ccs through the generated crate against the stateful emulator (with the network line for
//! VDCs and private networks): records built from requests (nested lists, amounts, defaults,
//! related names, fresh addresses), filters and paging, documented statuses and transitions,
//! per-operation errors, sub-resources (disks, NSG rules), templates, tasks.
// Some of these scenarios call operations the vendor has since renamed: they are still served.
#![allow(deprecated)]

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::Value;
use std::time::Duration;

async fn wait(ccs: &cds_ccs::Client, task: Option<String>) -> Value {
    json(
        &ccs.wait_for_task(task.expect("a task id"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .expect("the task finishes"),
    )
}

async fn make_vdc(net: &cds_network::Client, name: Option<&str>) -> String {
    let mut req = net.create_vdc().region_id("CN_Beijing_A");
    if let Some(n) = name {
        req = req.vdc_name(n);
    }
    let task = req.send().await.expect("CreateVdc").task_id;
    let done = net
        .wait_for_task(task.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .expect("the VDC task finishes");
    text(&done, "/Data/ResourceId")
}

async fn instances(ccs: &cds_ccs::Client, id: &str) -> Vec<Value> {
    items(
        &json(
            &ccs.describe_instances()
                .instance_id(id)
                .send()
                .await
                .expect("DescribeInstances"),
        ),
        "/Data/Instances",
    )
}

fn one(ccs_list: Vec<Value>) -> Value {
    assert_eq!(ccs_list.len(), 1, "{ccs_list:?}");
    ccs_list.into_iter().next().unwrap()
}

#[tokio::test]
async fn instances_are_built_from_requests_and_follow_documented_states() {
    let emu = emulator(
        &[&cds_ccs::meta::LINE, &cds_network::meta::LINE],
        Duration::from_millis(40),
    )
    .await;
    let config = emu.config();
    let ccs = cds_ccs::Client::new(&config);
    let net = cds_network::Client::new(&config);
    let vdc = make_vdc(&net, Some("vdc-one")).await;
    let private = net
        .create_private_network()
        .vdc_id(vdc.clone())
        .name("backend")
        .send()
        .await
        .expect("CreatePrivateNetwork");
    let private = text(&wait_net(&net, private.task_id).await, "/Data/ResourceId");

    // An unknown VDC: the network line's code for it (CreateInstance documents none).
    let unknown_vdc = ccs
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("no-such-vdc")
        .password("Passw0rd!")
        .instance_name("x")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .send()
        .await;
    assert_service_error(unknown_vdc, "VdcNotFound", 400);

    // Amount 3, two data disks, an automatic public address, an automatic private one, tags.
    let created = ccs
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id(vdc.clone())
        .password("Passw0rd!")
        .instance_name("web")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .amount(3)
        .system_disk(cds_ccs::types::SystemDisk::builder().size(60).build())
        .data_disks([
            cds_ccs::types::DataDisk::builder()
                .size(100)
                .r#type("ssd_disk")
                .build()
                .unwrap(),
            cds_ccs::types::DataDisk::builder()
                .size(200)
                .build()
                .unwrap(),
        ])
        .public_ip(["auto"])
        .private_ip([cds_ccs::operation::create_instance::PrivateIp::builder()
            .private_id(private.clone())
            .ip(["auto"])
            .build()
            .unwrap()])
        .label_names(["prod"])
        .send()
        .await
        .expect("CreateInstance");
    let listed = json(&ccs.describe_instances().send().await.unwrap());
    assert!(
        items(&listed, "/Data/Instances").is_empty(),
        "not visible while the task runs"
    );
    let first_poll = json(
        &ccs.describe_task()
            .task_id(created.task_id.clone().unwrap())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(first_poll["Data"]["Status"], "DOING", "a documented status");
    let done = wait(&ccs, created.task_id.clone()).await;
    assert_eq!(done["Data"]["TaskType"], "orderCreateVM");
    let ids: Vec<String> = items(&done, "/Data/ResourceIds")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3, "Amount 3 makes three instances: {done}");
    assert_eq!(done["Data"]["ResourceId"], ids[0].as_str());

    let all = items(
        &json(&ccs.describe_instances().send().await.unwrap()),
        "/Data/Instances",
    );
    assert_eq!(all.len(), 3);
    let mut seen_ips = std::collections::BTreeSet::new();
    let mut seen_disks = std::collections::BTreeSet::new();
    for i in &all {
        assert_eq!(i["InstanceName"], "web");
        assert_eq!(i["VdcId"], vdc.as_str());
        assert_eq!(i["VdcName"], "vdc-one", "the VDC's name, not the example's");
        assert_eq!(i["InstanceStatus"], "running");
        assert_eq!(
            i["InstanceChargeType"], "PostPaid",
            "the documented default"
        );
        assert_eq!(i["Disks"]["SystemDisk"]["Size"], 60);
        assert_eq!(i["Disks"]["SystemDisk"]["IOPS"], 0);
        let disks = items(i, "/Disks/DataDisks");
        assert_eq!(disks.len(), 2, "the data disks asked for: {i}");
        assert_eq!(disks[0]["Size"], 100);
        assert_eq!(disks[1]["Size"], 200);
        assert_eq!(disks[1]["IOPS"], 0);
        for d in &disks {
            assert!(seen_disks.insert(d["DiskId"].as_str().unwrap().to_string()));
            assert!(d.get("InstanceId").is_none(), "the link is not shown");
        }
        let public = items(i, "/PublicNetworkInterface");
        assert_eq!(public.len(), 1);
        let private_if = items(i, "/PrivateNetworkInterface");
        assert_eq!(private_if.len(), 1);
        assert_eq!(private_if[0]["PrivateId"], private.as_str());
        assert_eq!(
            private_if[0]["Name"], "backend",
            "the private network's name"
        );
        for ip in [&public[0]["IP"], &private_if[0]["IP"]] {
            assert!(seen_ips.insert(ip.as_str().unwrap().to_string()), "{ip}");
        }
        assert_ne!(public[0]["MAC"], private_if[0]["MAC"]);
        assert_ne!(private_if[0]["IP"], "10.240.59.2", "not the example's");
        assert_eq!(items(i, "/Tags")[0]["TagName"], "prod");
    }

    // Filters: the documented ones.
    let pip = items(&all[1], "/PublicNetworkInterface")[0]["IP"]
        .as_str()
        .unwrap()
        .to_string();
    let by_ip = json(
        &ccs.describe_instances()
            .public_ip([pip.as_str()])
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&by_ip, "/Data/Instances").len(), 1);
    assert_eq!(
        items(&by_ip, "/Data/Instances")[0]["InstanceId"],
        all[1]["InstanceId"]
    );
    let none = json(
        &ccs.describe_instances()
            .public_ip(["203.0.113.9"])
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&none, "/Data/Instances").is_empty());
    let by_tag = json(
        &ccs.describe_instances()
            .tag_name("prod")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&by_tag, "/Data/Instances").len(), 3);
    let by_vdc_name = json(
        &ccs.describe_instances()
            .vdc_name("other")
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&by_vdc_name, "/Data/Instances").is_empty());

    // Paging: PageCount and PageNumber follow the request.
    let page = json(
        &ccs.describe_instances()
            .page_size(2)
            .page_number(2)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&page, "/Data/Instances").len(), 1);
    assert_eq!(page["Data"]["PageCount"], 2);
    assert_eq!(page["Data"]["PageNumber"], 2);
    assert_eq!(page["Data"]["Total"], 3);
    use futures_util::TryStreamExt as _;
    let every: Vec<_> = ccs
        .describe_instances()
        .page_size(2)
        .into_items()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(every.len(), 3);

    // States: start a running server → the documented IncorrectInstanceStatus (403).
    let id = ids[0].clone();
    let started = ccs.start_instance().instance_id(id.clone()).send().await;
    assert_service_error(started, "IncorrectInstanceStatus", 403);
    let stop = ccs
        .stop_instance()
        .instance_id(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        one(instances(&ccs, &id).await)["InstanceStatus"],
        "updating"
    );
    let stopped = wait(&ccs, stop.task_id).await;
    assert_eq!(
        stopped["Data"]["ResourceId"],
        id.as_str(),
        "the task's resource"
    );
    assert_eq!(one(instances(&ccs, &id).await)["InstanceStatus"], "stop");
    let again = ccs.stop_instance().instance_id(id.clone()).send().await;
    assert_service_error(again, "IncorrectInstanceStatus", 403);
    let start = ccs
        .start_instance()
        .instance_id(id.clone())
        .send()
        .await
        .unwrap();
    wait(&ccs, start.task_id).await;
    assert_eq!(one(instances(&ccs, &id).await)["InstanceStatus"], "running");
    ccs.modify_instance_name()
        .instance_id(id.clone())
        .instance_name("web-renamed")
        .send()
        .await
        .unwrap();
    assert_eq!(
        one(instances(&ccs, &id).await)["InstanceName"],
        "web-renamed"
    );

    // Errors: unknown and malformed ids, each with the operation's documented code.
    let unknown = ccs.stop_instance().instance_id("no-such-id").send().await;
    assert_service_error(unknown, "InstanceNotFound", 400);
    let malformed = ccs.stop_instance().instance_id("bad id!").send().await;
    assert_service_error(malformed, "InvalidInstanceID.Malformed", 400);
    let malformed = ccs.reboot_instance().instance_id("bad id!").send().await;
    assert_service_error(malformed, "InvalidInstanceId.Malformed", 400);

    // Disks: CreateDisk adds to the server's Disks, DeleteDisk removes.
    let added = ccs
        .create_disk()
        .instance_id(id.clone())
        .data_disks([cds_ccs::types::DataDisk::builder()
            .size(50)
            .build()
            .unwrap()])
        .send()
        .await
        .unwrap();
    wait(&ccs, added.task_id).await;
    let disks = items(&one(instances(&ccs, &id).await), "/Disks/DataDisks");
    assert_eq!(disks.len(), 3);
    let new_disk = disks[2]["DiskId"].as_str().unwrap().to_string();
    let resized = ccs
        .resize_disk()
        .instance_id(id.clone())
        .disk_id(new_disk.clone())
        .data_size(80)
        .send()
        .await
        .unwrap();
    wait(&ccs, resized.task_id).await;
    assert_eq!(
        items(&one(instances(&ccs, &id).await), "/Disks/DataDisks")[2]["Size"],
        80
    );
    let deleted = ccs
        .delete_disk()
        .instance_id(id.clone())
        .disk_ids([new_disk.clone()])
        .send()
        .await
        .unwrap();
    wait(&ccs, deleted.task_id).await;
    assert_eq!(
        items(&one(instances(&ccs, &id).await), "/Disks/DataDisks").len(),
        2
    );

    // Operations that only check the server still start a task the poller knows.
    let conn = ccs
        .connect_network_interface()
        .instance_id(id.clone())
        .interface_id("if-1")
        .send()
        .await
        .unwrap();
    wait(&ccs, conn.task_id).await;
    let no_server = ccs
        .connect_network_interface()
        .instance_id("nope")
        .interface_id("if-1")
        .send()
        .await;
    assert_service_error(no_server, "InvalidInterfaceID.Malformed", 400);

    // An unknown task id: the documented error, not a task.
    let unknown_task = ccs.describe_task().task_id("never-existed").send().await;
    assert_service_error(unknown_task, "InvalidTaskID.Malformed", 400);

    // Delete: gone, and its disks with it; deleting again is not found.
    let del = ccs
        .delete_instance()
        .instance_ids([id.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(
        one(instances(&ccs, &id).await)["InstanceStatus"],
        "updating"
    );
    wait(&ccs, del.task_id).await;
    assert!(instances(&ccs, &id).await.is_empty());
    assert_eq!(
        emu.resources("", "ccs/disk").len(),
        4,
        "the other servers' disks"
    );
    let again = ccs.delete_instance().instance_ids([id]).send().await;
    assert_service_error(again, "InstanceNotFound", 400);

    // Another tenant sees nothing.
    let other = cds_ccs::Client::new(&emu.tenant_config("other"));
    assert!(items(
        &json(&other.describe_instances().send().await.unwrap()),
        "/Data/Instances"
    )
    .is_empty());
}

async fn wait_net(net: &cds_network::Client, task: Option<String>) -> Value {
    json(
        &net.wait_for_task(task.expect("a task id"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .expect("the task finishes"),
    )
}

#[tokio::test]
async fn security_groups_rules_templates_and_tags() {
    let emu = emulator(&[&cds_ccs::meta::LINE], Duration::ZERO).await;
    let ccs = cds_ccs::Client::new(&emu.config());

    // Every security-group operation documents InvalidInterfaceID.Malformed only.
    let unknown = ccs
        .describe_nsg_attribute()
        .security_group_id("no-such-group")
        .send()
        .await;
    assert_service_error(unknown, "InvalidInterfaceID.Malformed", 400);

    let made = ccs
        .create_nsg()
        .security_group_name("web-sg")
        .description("front")
        .security_group_type("public")
        .send()
        .await
        .unwrap();
    let sg = text(&made, "/Data/SecurityGroupId");
    ccs.create_nsg()
        .security_group_name("db-sg")
        .description("back")
        .security_group_type("private")
        .send()
        .await
        .unwrap();
    let by_keyword = json(&ccs.describe_nsgs().keyword("web").send().await.unwrap());
    let groups = items(&by_keyword, "/Data/SecurityGroups");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["SecurityGroupId"], sg.as_str());
    assert_eq!(by_keyword["Data"]["SecurityGroupCount"], 1);
    let old_api = json(
        &ccs.describe_security_groups()
            .keyword("db")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&old_api, "/Data/SecurityGroup").len(), 1);

    // Rules are part of the group.
    ccs.add_nsg_rule()
        .security_group_id(sg.clone())
        .description("ssh")
        .action("ACCEPT")
        .direction(0)
        .protocol("TCP")
        .ip_list(["10.0.0.0/8"])
        .port_list(["22"])
        .priority(10)
        .send()
        .await
        .unwrap();
    let attr = json(
        &ccs.describe_nsg_attribute()
            .security_group_id(sg.clone())
            .send()
            .await
            .unwrap(),
    );
    let rules = items(&attr, "/Data/Rules");
    assert_eq!(rules.len(), 1, "{attr}");
    assert_eq!(rules[0]["PortList"][0], "22");
    assert_eq!(rules[0]["Priority"], 10);
    let rule = rules[0]["RuleId"].as_str().unwrap().to_string();
    ccs.remove_nsg_rule()
        .security_group_id(sg.clone())
        .rule_id(rule)
        .send()
        .await
        .unwrap();
    let attr = json(
        &ccs.describe_nsg_attribute()
            .security_group_id(sg.clone())
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&attr, "/Data/Rules").is_empty());
    ccs.delete_nsg()
        .security_group_id(sg.clone())
        .send()
        .await
        .unwrap();
    let gone = ccs.delete_nsg().security_group_id(sg).send().await;
    assert_service_error(gone, "InvalidInterfaceID.Malformed", 400);

    // Templates are made from an instance that exists.
    let bad = ccs
        .create_template()
        .instance_id("no-such-instance")
        .display_name("t")
        .power_on(false)
        .send()
        .await;
    assert_service_error(bad, "InstanceNotFound", 400);

    // Tags: made, listed, deleted; an unknown one says why it is refused.
    let tag = ccs.create_tag().tag_name("blue").send().await.unwrap();
    let _ = tag;
    let tags = json(&ccs.describe_tags().send().await.unwrap());
    let listed = items(&tags, "/Data");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["TagName"], "blue");
    let missing = ccs.delete_tag().tag_id("nope").send().await;
    assert_service_error(missing, "InvalidParameter", 400);
}
