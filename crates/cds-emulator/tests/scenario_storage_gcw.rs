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

    st.attach_disk()
        .disk_id(id.clone())
        .instance_id("i-1")
        .send()
        .await
        .expect("AttachDisk");
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
        &json(&st.describe_disks().send().await.unwrap()),
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
    let before = json(&gcw.query_vms().send().await.expect("QueryVms"));
    assert!(
        items(&before, "/Data/vmIds").is_empty(),
        "not visible while the task runs"
    );
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
