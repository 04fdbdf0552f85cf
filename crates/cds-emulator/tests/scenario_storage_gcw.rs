//! storage disks and gcw cloud desktops (VMs) through the generated crates.
// Some of these scenarios call operations the vendor has since renamed or parameters it
// removed: they still work and are still served, which these tests keep checking.
#![allow(deprecated)]

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use std::time::Duration;

#[tokio::test]
async fn storage_disks() {
    let emu = emulator(&[&cds_storage::meta::LINE], Duration::ZERO).await;
    let st = cds_storage::Client::new(&emu.config());
    let out = json(
        &st.create_disk()
            .region_id("r-1")
            .name("vol-1")
            .size(500)
            .num(1)
            .goods_id("g-1")
            .send()
            .await
            .expect("CreateDisk"),
    );
    let id = text(&out, "/Data/DiskInfo/0/DiskId");
    let list = json(
        &st.describe_disks()
            .disk_id(id.clone())
            .send()
            .await
            .expect("DescribeDisks"),
    );
    let disks = items(&list, "/Data/DiskList");
    assert_eq!(disks.len(), 1);
    assert_eq!(disks[0]["Name"], "vol-1");
    assert_eq!(disks[0]["State"], "detach");
    assert_eq!(list["Data"]["Total"], 1);

    // Num 2 makes two disks, each listed with its own id.
    let two = json(
        &st.create_disk()
            .region_id("r-1")
            .name("pair")
            .size(100)
            .num(2)
            .goods_id("g-1")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&two, "/Data/DiskInfo").len(), 2);
    assert_ne!(
        two["Data"]["DiskInfo"][0]["DiskId"],
        two["Data"]["DiskInfo"][1]["DiskId"]
    );
    let named = json(&st.describe_disks().name("pai").send().await.unwrap());
    assert_eq!(
        items(&named, "/Data/DiskList").len(),
        2,
        "Name filters by part of the name"
    );
    // A detached disk cannot be detached.
    assert_service_error(
        st.detach_disk().disk_id(id.clone()).send().await,
        "ParameterInvalid",
        400,
    );
    st.attach_disk()
        .disk_id(id.clone())
        .instance_id("i-1")
        .send()
        .await
        .expect("AttachDisk");
    assert_service_error(
        st.delete_disk().disk_id(id.clone()).send().await,
        "ParameterInvalid",
        400,
    );
    st.expansion_size()
        .disk_id(id.clone())
        .size(800)
        .send()
        .await
        .unwrap();
    let usage = json(
        &st.describe_disk_usage()
            .disk_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(usage["Data"]["DiskId"], id.as_str());
    assert_eq!(usage["Data"]["Size"], 800);
    let snap = json(
        &st.create_snapshot()
            .disk_id(id.clone())
            .snapshot_name("s1")
            .send()
            .await
            .unwrap(),
    );
    let snap_id = text(&snap, "/Data/SnapshotId");
    let clone = json(
        &st.clone_snapshot()
            .snapshot_id(snap_id.clone())
            .name("from-snap")
            .send()
            .await
            .unwrap(),
    );
    let cloned = text(&clone, "/Data/DiskId");
    let listed = json(&st.describe_disks().disk_id(cloned).send().await.unwrap());
    assert_eq!(items(&listed, "/Data/DiskList")[0]["Size"], 800);
    assert_service_error(
        st.clone_snapshot()
            .snapshot_id("nope")
            .name("x")
            .send()
            .await,
        "ParameterInvalid",
        400,
    );
    let list = json(&st.describe_disks().instance_id("i-1").send().await.unwrap());
    assert_eq!(items(&list, "/Data/DiskList")[0]["State"], "attach");
    st.detach_disk()
        .disk_id(id.clone())
        .send()
        .await
        .expect("DetachDisk");
    assert!(items(
        &json(&st.describe_disks().instance_id("i-1").send().await.unwrap()),
        "/Data/DiskList"
    )
    .is_empty());

    st.delete_disk()
        .disk_id(id.clone())
        .send()
        .await
        .expect("DeleteDisk");
    assert!(items(
        &json(
            &st.describe_disks()
                .disk_id(id.clone())
                .send()
                .await
                .unwrap()
        ),
        "/Data/DiskList"
    )
    .is_empty());
    assert_service_error(
        st.delete_disk().disk_id(id.clone()).send().await,
        "ParameterInvalid",
        400,
    );
    assert_service_error(
        st.attach_disk().disk_id(id).instance_id("i-1").send().await,
        "ParameterInvalid",
        400,
    );
}

#[tokio::test]
async fn cloud_desktops() {
    let emu = emulator(&[&cds_gcw::meta::LINE], Duration::from_millis(20)).await;
    let gcw = cds_gcw::Client::new(&emu.config());
    let out = json(
        &gcw.create_vm()
            .request_id("r-1")
            .site_id("site-1")
            .product_id("p-1")
            .name("desk-1")
            .image_id("img-1")
            .qos("5")
            .vpc_id("vpc-1")
            .subnet_net_id("sn-1")
            .vgateway_net_id("gw-1")
            .vgateway_conf_id("conf-1")
            .send()
            .await
            .expect("CreateVm"),
    );
    // Listed at once, configuring (配置中) while its task runs.
    let before = json(&gcw.query_vms().send().await.expect("QueryVms"));
    let pending = items(&before, "/Data/vmIds");
    assert_eq!(pending.len(), 1);
    let during = json(
        &gcw.query_vm()
            .vm_id(pending[0].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(during["Data"]["status"], "configuring");
    gcw.wait_for_task(text(&out, "/Data/taskId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let ids = items(
        &json(&gcw.query_vms().site_id("site-1").send().await.unwrap()),
        "/Data/vmIds",
    );
    assert_eq!(ids.len(), 1);
    let id = ids[0].as_str().expect("an id").to_string();
    let one = json(
        &gcw.query_vm()
            .vm_id(id.clone())
            .send()
            .await
            .expect("QueryVm"),
    );
    assert_eq!(one["Data"]["vmName"], "desk-1");
    assert_eq!(one["Data"]["status"], "using");

    // A running desktop cannot be reinstalled (13004), nor started again.
    assert_service_error(
        gcw.rebuild_vm()
            .request_id("r-x")
            .vm_id(id.clone())
            .image_id("img-2")
            .send()
            .await,
        "13004",
        400,
    );
    assert_service_error(
        gcw.operate_vm()
            .request_id("r-y")
            .action("on")
            .vm_ids(vec![id.clone()])
            .send()
            .await,
        "13002",
        400,
    );
    let op = json(
        &gcw.operate_vm()
            .request_id("r-2")
            .action("off")
            .vm_ids(vec![id.clone()])
            .send()
            .await
            .expect("OperateVm"),
    );
    gcw.wait_for_task(text(&op, "/Data/taskId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    gcw.change_vm_name()
        .request_id("r-3")
        .vm_id(id.clone())
        .name("desk-renamed")
        .send()
        .await
        .expect("ChangeVmName");
    let one = json(&gcw.query_vm().vm_id(id.clone()).send().await.unwrap());
    assert_eq!(one["Data"]["status"], "stop");
    assert_eq!(one["Data"]["vmName"], "desk-renamed");
    let rebuild = json(
        &gcw.rebuild_vm()
            .request_id("r-z")
            .vm_id(id.clone())
            .image_id("img-2")
            .send()
            .await
            .expect("a stopped desktop is reinstalled"),
    );
    gcw.wait_for_task(text(&rebuild, "/Data/taskId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let unknown_task = gcw
        .query_task()
        .task_id("nope")
        .request_id("r-q")
        .send()
        .await;
    assert_service_error(unknown_task, "10006", 400);

    let del = json(
        &gcw.delete_vm()
            .request_id("r-4")
            .vm_id(id.clone())
            .send()
            .await
            .expect("DeleteVm"),
    );
    gcw.wait_for_task(text(&del, "/Data/taskId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    assert_service_error(gcw.query_vm().vm_id(id.clone()).send().await, "10006", 400);
    assert_service_error(
        gcw.delete_vm().request_id("r-5").vm_id(id).send().await,
        "10006",
        400,
    );
}
