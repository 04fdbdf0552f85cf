//! ecs-v1 instances and ebs-v1 disks and snapshots (attached to those instances) through the
//! generated crates.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::json;
use std::time::Duration;

async fn create_ecs(ecs: &cds_ecs_v1::Client, name: &str) -> String {
    let created = ecs
        .runtime()
        .execute_value(
            &cds_ecs_v1::meta::CREATE_INSTANCE,
            json!({"AvailableZoneCode": "CN_Hohhot_B", "EcsFamilyName": "Standard", "Cpu": 2, "Ram": 4,
                   "BillingMethod": "0", "Password": "Passw0rd!", "ImageId": "img-1", "Name": name,
                   "SystemDisk": {"FeatureId": "f", "Size": 40}, "VpcInfo": {"VpcId": "vpc-1"},
                   "SubnetInfo": {"SubnetId": "sn-1"}}),
        )
        .await
        .expect("CreateInstance");
    let event = text(&created.raw(), "/Data/EventId");
    let done = ecs
        .wait_for_event(event)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let id = text(&created.raw(), "/Data/EcsIdSet/0");
    assert_eq!(text(&done, "/Data/TaskList/0/ResourceId"), id);
    id
}

#[tokio::test]
async fn ecs_instances() {
    let emu = emulator(&[&cds_ecs_v1::meta::LINE], Duration::from_millis(20)).await;
    let ecs = cds_ecs_v1::Client::new(&emu.config());
    let id = create_ecs(&ecs, "app-1").await;
    assert!(id.starts_with("ins-"));
    let one = json(
        &ecs.describe_instance()
            .ecs_id(id.clone())
            .send()
            .await
            .expect("DescribeInstance"),
    );
    assert_eq!(one["Data"]["EcsName"], "app-1");
    assert_eq!(one["Data"]["Status"], "running");
    // Fields the typed output does not carry are still kept (VpcId comes from a nested input).
    assert_eq!(emu.resources("", "ecs-v1/instance")[0]["VpcId"], "vpc-1");
    let list = json(
        &ecs.describe_instance_list()
            .page_number(1)
            .page_size(10)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&list, "/Data/EcsList").len(), 1);

    let op = ecs
        .operate_instance()
        .ecs_ids(vec![id.clone()])
        .op_type("shutdown_ecs")
        .send()
        .await
        .expect("OperateInstance");
    ecs.wait_for_event(text(&json(&op), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let one = json(
        &ecs.describe_instance()
            .ecs_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["Status"], "shutdown");
    ecs.modify_instance_name()
        .ecs_id(id.clone())
        .name("app-renamed")
        .send()
        .await
        .expect("ModifyInstanceName");
    let one = json(
        &ecs.describe_instance()
            .ecs_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["EcsName"], "app-renamed");

    let del = ecs
        .delete_instance()
        .ecs_ids(vec![id.clone()])
        .send()
        .await
        .expect("DeleteInstance");
    ecs.wait_for_event(text(&json(&del), "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_service_error(
        ecs.describe_instance().ecs_id(id.clone()).send().await,
        "InvalidEcsId.NotFound",
        404,
    );
    assert_service_error(
        ecs.delete_instance().ecs_ids(vec![id]).send().await,
        "InvalidEcsId.NotFound",
        404,
    );
}

#[tokio::test]
async fn disks_attach_to_instances_and_snapshots() {
    let emu = emulator(
        &[&cds_ecs_v1::meta::LINE, &cds_ebs_v1::meta::LINE],
        Duration::from_millis(20),
    )
    .await;
    let config = emu.config();
    let ecs = cds_ecs_v1::Client::new(&config);
    let ebs = cds_ebs_v1::Client::new(&config);
    let host = create_ecs(&ecs, "db-1").await;

    let created = ebs
        .create_disk()
        .available_zone_code("CN_Hohhot_B")
        .disk_feature("SSD")
        .size(64)
        .disk_name("data-1")
        .send()
        .await
        .expect("CreateDisk");
    let created = json(&created);
    let disk = text(&created, "/Data/DiskIdSet/0");
    assert!(disk.starts_with("disk-"));
    ebs.wait_for_event(text(&created, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let one = json(
        &ebs.describe_disk()
            .disk_id(disk.clone())
            .send()
            .await
            .expect("DescribeDisk"),
    );
    assert_eq!(one["Data"]["DiskInfo"]["DiskName"], "data-1");
    assert_eq!(one["Data"]["DiskInfo"]["Size"], 64);
    assert_eq!(one["Data"]["DiskInfo"]["Status"], "waiting");

    // Attach: to an unknown instance fails as ecs-v1 documents; to a real one, after the event.
    let bad = ebs
        .attach_disk()
        .disk_ids(vec![disk.clone()])
        .instance_id("ins-nope")
        .send()
        .await;
    assert_service_error(bad, "InvalidEcsId.NotFound", 404);
    let att = json(
        &ebs.attach_disk()
            .disk_ids(vec![disk.clone()])
            .instance_id(host.clone())
            .send()
            .await
            .expect("AttachDisk"),
    );
    let during = json(
        &ebs.describe_disk()
            .disk_id(disk.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(during["Data"]["DiskInfo"]["Status"], "mounting");
    ebs.wait_for_event(text(&att, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let attached = json(
        &ebs.describe_ecs_attach_disks()
            .ecs_id(host.clone())
            .send()
            .await
            .expect("DescribeEcsAttachDisks"),
    );
    let attached = items(&attached, "/Data/DiskList");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0]["DiskId"], disk.as_str());
    assert_eq!(attached[0]["Status"], "running");

    // Snapshots of the disk.
    let snap = json(
        &ebs.create_snapshot()
            .disk_id(disk.clone())
            .snapshot_name("snap-1")
            .send()
            .await
            .expect("CreateSnapshot"),
    );
    let snap_id = text(&snap, "/Data/SnapshotId");
    ebs.wait_for_event(text(&snap, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let list = json(
        &ebs.describe_snapshot_list()
            .disk_id(disk.clone())
            .send()
            .await
            .expect("DescribeSnapshotList"),
    );
    assert_eq!(items(&list, "/Data/SnapshotList").len(), 1);
    assert_eq!(list["TotalCount"], 1);
    ebs.rename_snapshot()
        .snapshot_id(snap_id.clone())
        .snapshot_name("snap-renamed")
        .send()
        .await
        .expect("RenameSnapshot");
    let one = json(
        &ebs.describe_snapshot()
            .snapshot_id(snap_id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["SnapshotInfo"]["SnapshotName"], "snap-renamed");
    let del = json(
        &ebs.delete_snapshot()
            .snapshot_ids(vec![snap_id.clone()])
            .send()
            .await
            .unwrap(),
    );
    ebs.wait_for_event(text(&del, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_service_error(
        ebs.describe_snapshot().snapshot_id(snap_id).send().await,
        "InvalidParameter",
        400,
    );

    // Detach, delete, not found.
    let det = json(
        &ebs.detach_disk()
            .disk_ids(vec![disk.clone()])
            .send()
            .await
            .expect("DetachDisk"),
    );
    ebs.wait_for_event(text(&det, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let attached = json(
        &ebs.describe_ecs_attach_disks()
            .ecs_id(host)
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&attached, "/Data/DiskList").is_empty());
    let del = json(
        &ebs.delete_disk()
            .disk_ids(vec![disk.clone()])
            .send()
            .await
            .expect("DeleteDisk"),
    );
    ebs.wait_for_event(text(&del, "/Data/EventId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_service_error(
        ebs.describe_disk().disk_id(disk.clone()).send().await,
        "InvalidParameter",
        400,
    );
    assert_service_error(
        ebs.delete_disk().disk_ids(vec![disk]).send().await,
        "InvalidParameter",
        400,
    );
}
