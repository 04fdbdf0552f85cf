//! bms and gpubms servers through the generated crates: Amount with one task per server,
//! OperateBmsPower's aligned BaremetalIds/TaskIds and its documented InstanceError, the
//! documented task statuses (init, succeed) and unknown-task errors, names of related VDCs,
//! reinstalls (rebuilding), paging.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::{json, Value};
use std::time::Duration;

async fn bms_wait(bms: &cds_bms::Client, task: String) -> Value {
    json(
        &bms.wait_for_bms_task(task)
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .expect("the task finishes"),
    )
}

#[tokio::test]
async fn bare_metal_servers() {
    let emu = emulator(
        &[&cds_bms::meta::LINE, &cds_network::meta::LINE],
        Duration::from_millis(20),
    )
    .await;
    let bms = cds_bms::Client::new(&emu.config());
    let net = cds_network::Client::new(&emu.config());
    let vdc_task = net
        .create_vdc()
        .region_id("CN_Beijing_F")
        .vdc_name("metal-vdc")
        .send()
        .await
        .unwrap();
    let vdc = text(
        &net.wait_for_task(vdc_task.task_id.unwrap())
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap(),
        "/Data/ResourceId",
    );
    let create = |vdc: String, amount: i64| {
        bms.create_bms_instance()
            .region_id("CN_Beijing_F")
            .vdc_id(vdc)
            .password("Passw0rd!")
            .instance_name("metal")
            .instance_charge_type("PostPaid")
            .auto_renew(0)
            .prepaid_month(1)
            .compute_id("c-1")
            .goods_id(7)
            .image_id("8")
            .pipe_ids(vec!["pipe-1".to_string()])
            .amount(amount)
            .send()
    };
    assert_service_error(create("vdc-none".into(), 1).await, "VdcNotFound", 400);
    let out = json(&create(vdc.clone(), 2).await.expect("CreateBmsInstance"));
    let tasks = items(&out, "/Data/TaskIds");
    assert_eq!(tasks.len(), 2, "one task per server: {out}");
    let first = json(
        &bms.describe_bms_task()
            .task_id(tasks[0].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        first["Data"]["Status"], "init",
        "the documented status in progress"
    );
    let mut ids = Vec::new();
    for t in &tasks {
        let done = bms_wait(&bms, t.as_str().unwrap().to_string()).await;
        assert_eq!(done["Data"]["Status"], "succeed");
        ids.push(text(&done, "/Data/BareMetalIds/0"));
    }
    assert_ne!(ids[0], ids[1]);
    let list = json(&bms.describe_bms().vdc_id(vdc.clone()).send().await.unwrap());
    let servers = items(&list, "/Data/Baremetals");
    assert_eq!(servers.len(), 2);
    assert_eq!(servers[0]["Name"], "metal");
    assert_eq!(servers[0]["VdcName"], "metal-vdc");
    assert_eq!(servers[0]["State"], "running");
    assert_eq!(list["Data"]["TotalCount"], 2);
    let paged = json(
        &bms.describe_bms()
            .page_size(1)
            .page_number(2)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        items(&paged, "/Data/Baremetals")[0]["BaremetalId"],
        ids[1].as_str()
    );

    // OperateBmsPower: one task per server, the lists aligned; no documented powered-off
    // state, so State stays as it is.
    let op = json(
        &bms.operate_bms_power()
            .operate("stop")
            .baremetal_ids(ids.clone())
            .send()
            .await
            .expect("OperateBmsPower"),
    );
    assert_eq!(op["Data"]["BaremetalIds"], json!(ids));
    let op_tasks = items(&op, "/Data/TaskIds");
    assert_eq!(op_tasks.len(), 2);
    for (t, id) in op_tasks.iter().zip(&ids) {
        let done = bms_wait(&bms, t.as_str().unwrap().to_string()).await;
        assert_eq!(done["Data"]["BareMetalIds"][0], id.as_str());
    }
    let unknown = bms
        .operate_bms_power()
        .operate("start")
        .baremetal_ids(vec!["no-such-server".to_string()])
        .send()
        .await;
    assert_service_error(unknown, "InstanceError", 400);
    let unknown = bms
        .describe_bms_detail()
        .baremetal_id("no-such-server")
        .send()
        .await;
    assert_service_error(unknown, "InstanceNotFound", 400);
    let unknown_task = bms.describe_bms_task().task_id("nope").send().await;
    assert_service_error(unknown_task, "DataNotExists", 400);

    bms.rename_bms_instance()
        .baremetal_id(ids[0].clone())
        .name("metal-renamed")
        .send()
        .await
        .unwrap();
    let one = json(
        &bms.describe_bms_detail()
            .baremetal_id(ids[0].clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["Name"], "metal-renamed");
    let refused = net.delete_vdc().vdc_id(vdc.clone()).send().await;
    assert_service_error(refused, "IncorrectVdcStatus", 403);
    for id in &ids {
        bms.delete_bms_instance()
            .baremetal_id(id.clone())
            .send()
            .await
            .expect("DeleteBmsInstance");
    }
    assert!(items(
        &json(&bms.describe_bms().send().await.unwrap()),
        "/Data/Baremetals"
    )
    .is_empty());
    let again = bms
        .delete_bms_instance()
        .baremetal_id(ids[0].clone())
        .send()
        .await;
    assert_service_error(again, "ParameterInvalid", 400);
}

#[tokio::test]
async fn gpu_servers() {
    let emu = emulator(&[&cds_gpubms::meta::LINE], Duration::from_millis(20)).await;
    let gpu = cds_gpubms::Client::new(&emu.config());
    let created = gpu
        .runtime()
        .execute_value(
            &cds_gpubms::meta::CREATE_GPU_INSTANCE,
            json!({"RegionId": "CN_Hohhot_B", "VpcNetWork": {"VpcId": "v", "NetId": "n"}, "Password": "Passw0rd!",
                   "InstanceName": "gpu", "InstanceChargeType": "PostPaid", "ComputeId": "c",
                   "GoodsId": 3, "ImageId": "i", "Amount": 2}),
        )
        .await
        .expect("CreateGpuInstance");
    let done = json(
        &gpu.wait_for_gpu_task(text(&created.raw(), "/Data/taskId"))
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap(),
    );
    let ids = items(&done, "/Data/ResourceIds");
    assert_eq!(ids.len(), 2, "Amount 2: {done}");
    let id = ids[0].as_str().unwrap().to_string();
    let list = json(&gpu.describe_gpu().name("gp").send().await.unwrap());
    let servers = items(&list, "/Data/Records");
    assert_eq!(servers.len(), 2);
    assert_eq!(servers[0]["AppId"], "v", "the VPC it was made in");

    // A reinstall is rebuilding (重装中) while its task runs.
    let re = json(
        &gpu.reinstall_gpu()
            .resource_id(id.clone())
            .image_id("i2")
            .password("Passw0rd!")
            .send()
            .await
            .unwrap(),
    );
    let during = json(
        &gpu.describe_gpu_detail()
            .resource_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(during["Data"]["State"], "rebuilding");
    gpu.wait_for_gpu_task(text(&re, "/Data/TaskIds/0"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let after = json(
        &gpu.describe_gpu_detail()
            .resource_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(after["Data"]["State"], "running");

    let op = json(
        &gpu.operate_gpu_power()
            .operate("stop")
            .resource_ids(vec![id.clone()])
            .send()
            .await
            .expect("OperateGpuPower"),
    );
    assert_eq!(op["Data"]["ResourceIds"][0], id.as_str());
    gpu.delete_gpu_instances()
        .resource_ids(vec![id.clone()])
        .send()
        .await
        .expect("DeleteGpuInstances");
    assert_service_error(
        gpu.describe_gpu_detail()
            .resource_id(id.clone())
            .send()
            .await,
        "InstanceNotFound",
        400,
    );
    let unknown_task = gpu.describe_gpu_task().task_id("nope").send().await;
    assert_service_error(unknown_task, "InvalidParameter", 400);
}
