//! ecs-v1 instances and ebs-v1 disks and snapshots (attached to those instances) through the
//! generated crates: Number, the status map of DescribeInstanceStatus, the documented ECS
//! statuses and transitions, the current not-found code, events, disks' states.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::{json, Value};
use std::time::Duration;

async fn create_ecs(ecs: &cds_ecs_v1::Client, name: &str, number: u32) -> Vec<String> {
    let created = ecs
        .runtime()
        .execute_value(
            &cds_ecs_v1::meta::CREATE_INSTANCE,
            json!({"AvailableZoneCode": "CN_Hohhot_B", "EcsFamilyName": "Standard", "Cpu": 2, "Ram": 4,
                   "BillingMethod": "0", "Password": "Passw0rd!", "ImageId": "img-1", "Name": name,
                   "Number": number, "SystemDisk": {"FeatureId": "f", "Size": 40},
                   "VpcInfo": {"VpcId": "vpc-1"}, "SubnetInfo": {"SubnetId": "sn-1"}}),
        )
        .await
        .expect("CreateInstance");
    let raw = created.raw();
    let event = text(&raw, "/Data/EventId");
    let done = ecs
        .wait_for_event(event)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let ids: Vec<String> = items(raw, "/Data/EcsIdSet")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), number as usize);
    assert_eq!(text(&done, "/Data/TaskList/0/ResourceId"), ids[0]);
    assert_eq!(text(&done, "/Data/EventType"), "create_ecs");
    ids
}

async fn operate(
    ecs: &cds_ecs_v1::Client,
    ids: &[String],
    op: &str,
) -> Result<Value, cds_core::Error> {
    let out = ecs
        .operate_instance()
        .ecs_ids(ids.to_vec())
        .op_type(op)
        .send()
        .await?;
    Ok(json(
        &ecs.wait_for_event(text(&json(&out), "/Data/EventId"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap(),
    ))
}

async fn status(ecs: &cds_ecs_v1::Client, id: &str) -> String {
    text(
        &json(&ecs.describe_instance().ecs_id(id).send().await.unwrap()),
        "/Data/Status",
    )
}

#[tokio::test]
async fn ecs_instances() {
    let emu = emulator(&[&cds_ecs_v1::meta::LINE], Duration::from_millis(20)).await;
    let ecs = cds_ecs_v1::Client::new(&emu.config());
    let ids = create_ecs(&ecs, "app", 2).await;
    assert!(ids[0].starts_with("ins-"));
    let one = json(
        &ecs.describe_instance()
            .ecs_id(ids[0].clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["EcsName"], "app");
    assert_eq!(one["Data"]["Status"], "running");
    assert_eq!(emu.resources("", "ecs-v1/instance")[0]["VpcId"], "vpc-1");
    let (a, b) = (
        emu.resources("", "ecs-v1/instance")[0]["PrivateNet"].clone(),
        emu.resources("", "ecs-v1/instance")[1]["PrivateNet"].clone(),
    );
    assert_ne!(a, b, "each instance its own address");
    let list = json(
        &ecs.describe_instance_list()
            .page_number(1)
            .page_size(1)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&list, "/Data/EcsList").len(), 1);
    assert_eq!(list["PageNumber"], 1);

    // DescribeInstanceStatus: a map keyed by the ids asked for, and only those.
    let status_map = json(
        &ecs.describe_instance_status()
            .ecs_ids(vec![ids[1].clone()])
            .send()
            .await
            .unwrap(),
    );
    let map = status_map["Data"]["EcsStatus"].as_object().unwrap();
    assert_eq!(map.len(), 1, "{status_map}");
    assert_eq!(map[&ids[1]]["Status"], "running");
    let unknown = ecs
        .describe_instance_status()
        .ecs_ids(vec!["ins-nothing".to_string()])
        .send()
        .await;
    assert_service_error(unknown, "InvalidResourceId.NotFound", 404);

    // Transitions: shut down (shutting_down while the event runs), then a shut-down server
    // cannot be shut down again; ChangeInstanceConfigure wants it shut down.
    let resized = ecs
        .change_instance_configure()
        .available_zone_code("CN_Hohhot_B")
        .ecs_family_name("Standard")
        .cpu(4)
        .ram(8)
        .ecs_ids(vec![ids[0].clone()])
        .send()
        .await;
    assert_service_error(resized, "InvalidOperation.InstanceStatusUnsupported", 403);
    let out = ecs
        .operate_instance()
        .ecs_ids(vec![ids[0].clone()])
        .op_type("shutdown_ecs")
        .send()
        .await
        .unwrap();
    assert_eq!(status(&ecs, &ids[0]).await, "shutting_down");
    ecs.wait_for_event(text(&json(&out), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_eq!(status(&ecs, &ids[0]).await, "shutdown");
    let again = operate(&ecs, &ids[..1], "shutdown_ecs").await;
    assert_service_error(again, "InvalidOperation.InstanceStatusUnsupported", 403);
    let resized = ecs
        .change_instance_configure()
        .available_zone_code("CN_Hohhot_B")
        .ecs_family_name("Standard")
        .cpu(4)
        .ram(8)
        .ecs_ids(vec![ids[0].clone()])
        .send()
        .await
        .unwrap();
    ecs.wait_for_event(text(&json(&resized), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.resources("", "ecs-v1/instance")[0]["CpuSize"], 4);
    operate(&ecs, &ids[..1], "start_up_ecs").await.unwrap();
    assert_eq!(status(&ecs, &ids[0]).await, "running");

    ecs.modify_instance_name()
        .ecs_id(ids[0].clone())
        .name("renamed")
        .send()
        .await
        .unwrap();
    let unknown = ecs.describe_instance().ecs_id("ins-nothing").send().await;
    assert_service_error(unknown, "InvalidResourceId.NotFound", 404);
    let unknown_event = ecs.describe_event().event_id("nope").send().await;
    assert_service_error(unknown_event, "InvalidEvent.NotFound", 404);

    let del = ecs
        .delete_instance()
        .ecs_ids(ids.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(status(&ecs, &ids[0]).await, "deleting");
    ecs.wait_for_event(text(&json(&del), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert!(emu.resources("", "ecs-v1/instance").is_empty());
}

#[tokio::test]
async fn disks_attach_to_instances_and_snapshots() {
    let emu = emulator(
        &[&cds_ecs_v1::meta::LINE, &cds_ebs_v1::meta::LINE],
        Duration::from_millis(20),
    )
    .await;
    let ecs = cds_ecs_v1::Client::new(&emu.config());
    let ebs = cds_ebs_v1::Client::new(&emu.config());
    let server = create_ecs(&ecs, "db", 1).await.remove(0);

    let bad = ebs
        .create_disk()
        .available_zone_code("CN_Hohhot_B")
        .instance_id("ins-nothing")
        .disk_feature("SSD")
        .size(24)
        .send()
        .await;
    assert_service_error(bad, "InvalidResourceId.NotFound", 404);
    let created = ebs
        .create_disk()
        .available_zone_code("CN_Hohhot_B")
        .disk_name("data")
        .disk_feature("SSD")
        .size(24)
        .number(2)
        .send()
        .await
        .expect("CreateDisk");
    let disk_ids: Vec<String> = items(&json(&created), "/Data/DiskIdSet")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(disk_ids.len(), 2);
    let done = json(
        &ebs.wait_for_event(text(&json(&created), "/Data/EventId"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(done["Data"]["EventType"], "create_disk");
    let disk = json(
        &ebs.describe_disk()
            .disk_id(disk_ids[0].clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(disk["Data"]["DiskInfo"]["Status"], "waiting");
    assert_eq!(disk["Data"]["DiskInfo"]["Size"], 24);
    assert_eq!(disk["Data"]["DiskInfo"]["EcsId"], "");

    // Detaching a disk that is not attached: the wrong state.
    let detach = ebs
        .detach_disk()
        .disk_ids(vec![disk_ids[0].clone()])
        .send()
        .await;
    assert_service_error(detach, "InvalidOperation", 403);
    let attach = ebs
        .attach_disk()
        .disk_ids(vec![disk_ids[0].clone()])
        .instance_id(server.clone())
        .send()
        .await
        .unwrap();
    let during = json(
        &ebs.describe_disk()
            .disk_id(disk_ids[0].clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(during["Data"]["DiskInfo"]["Status"], "mounting");
    ebs.wait_for_event(text(&json(&attach), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let attached = json(
        &ebs.describe_ecs_attach_disks()
            .ecs_id(server.clone())
            .send()
            .await
            .unwrap(),
    );
    let attached = items(&attached, "/Data/DiskList");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0]["EcsName"], "db", "the instance's name");
    assert_eq!(attached[0]["Status"], "running");
    let refused = ebs
        .delete_disk()
        .disk_ids(vec![disk_ids[0].clone()])
        .send()
        .await;
    assert_service_error(refused, "InvalidOperation", 403);

    // Snapshots of a disk carry the disk's facts.
    let snap = ebs
        .create_snapshot()
        .disk_id(disk_ids[0].clone())
        .snapshot_name("before")
        .send()
        .await
        .unwrap();
    let snap_id = text(&json(&snap), "/Data/SnapshotId");
    ebs.wait_for_event(text(&json(&snap), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(
        &ebs.describe_snapshot_list()
            .disk_id(disk_ids[0].clone())
            .send()
            .await
            .unwrap(),
    );
    let snaps = items(&listed, "/Data/SnapshotList");
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0]["SnapshotId"], snap_id.as_str());
    assert_eq!(snaps[0]["DiskSize"], 24);
    assert_eq!(snaps[0]["DiskName"], "data");
    let bad = ebs
        .describe_snapshot()
        .snapshot_id("s-nothing")
        .send()
        .await;
    assert_service_error(bad, "InvalidResourceId.NotFound", 404);
    let detach = ebs
        .detach_disk()
        .disk_ids(vec![disk_ids[0].clone()])
        .send()
        .await
        .unwrap();
    ebs.wait_for_event(text(&json(&detach), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let gone = ebs
        .delete_disk()
        .disk_ids(disk_ids.clone())
        .send()
        .await
        .unwrap();
    ebs.wait_for_event(text(&json(&gone), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert!(emu.resources("", "ebs-v1/disk").is_empty());
}
