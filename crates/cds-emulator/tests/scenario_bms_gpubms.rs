//! bms and gpubms servers through the generated crates.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn bare_metal_servers() {
    let emu = emulator(&[&cds_bms::meta::LINE], Duration::from_millis(20)).await;
    let bms = cds_bms::Client::new(&emu.config());
    let out = bms
        .create_bms_instance()
        .region_id("CN_Beijing_F")
        .vdc_id("vdc-1")
        .password("Passw0rd!")
        .instance_name("metal-1")
        .instance_charge_type("PostPaid")
        .auto_renew(0)
        .prepaid_month(1)
        .compute_id("c-1")
        .goods_id(7)
        .image_id("8")
        .pipe_ids(vec!["pipe-1".to_string()])
        .amount(1)
        .send()
        .await
        .expect("CreateBmsInstance");
    let task = text(&json(&out), "/Data/TaskIds/0");
    let done = bms
        .wait_for_bms_task(task)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let id = text(&done, "/Data/BareMetalIds/0");
    let list = json(
        &bms.describe_bms()
            .vdc_id("vdc-1")
            .send()
            .await
            .expect("DescribeBms"),
    );
    let servers = items(&list, "/Data/Baremetals");
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0]["BaremetalId"], id.as_str());
    assert_eq!(servers[0]["Name"], "metal-1");
    assert_eq!(list["Data"]["TotalCount"], 1);

    let op = bms
        .operate_bms_power()
        .operate("stop")
        .baremetal_ids(vec![id.clone()])
        .send()
        .await
        .expect("OperateBmsPower");
    bms.wait_for_bms_task(text(&json(&op), "/Data/TaskIds/0"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let one = json(
        &bms.describe_bms_detail()
            .baremetal_id(id.clone())
            .send()
            .await
            .expect("DescribeBmsDetail"),
    );
    assert_eq!(one["Data"]["State"], "stopped");

    bms.delete_bms_instance()
        .baremetal_id(id.clone())
        .send()
        .await
        .expect("DeleteBmsInstance");
    assert_service_error(
        bms.describe_bms_detail()
            .baremetal_id(id.clone())
            .send()
            .await,
        "InstanceNotFound",
        400,
    );
    assert_service_error(
        bms.delete_bms_instance().baremetal_id(id).send().await,
        "InstanceNotFound",
        400,
    );
}

#[tokio::test]
async fn gpu_servers() {
    let emu = emulator(&[&cds_gpubms::meta::LINE], Duration::from_millis(20)).await;
    let gpu = cds_gpubms::Client::new(&emu.config());
    let created = gpu
        .runtime()
        .execute_value(
            &cds_gpubms::meta::CREATE_GPU_INSTANCE,
            json!({"RegionId": "CN_Hohhot_B", "VpcNetWork": {"VpcId": "v"}, "Password": "Passw0rd!",
                   "InstanceName": "gpu-1", "InstanceChargeType": "PostPaid", "ComputeId": "c",
                   "GoodsId": 3, "ImageId": "i", "Amount": 1}),
        )
        .await
        .expect("CreateGpuInstance");
    let done = gpu
        .wait_for_gpu_task(text(&created.raw(), "/Data/taskId"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let id = text(&done, "/Data/ResourceIds/0");
    let list = json(&gpu.describe_gpu().send().await.expect("DescribeGpu"));
    let servers = items(&list, "/Data/Records");
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0]["ResourceId"], id.as_str());
    assert_eq!(servers[0]["Name"], "gpu-1");

    let op = gpu
        .operate_gpu_power()
        .operate("stop")
        .resource_ids(vec![id.clone()])
        .send()
        .await
        .expect("OperateGpuPower");
    gpu.wait_for_gpu_task(text(&json(&op), "/Data/TaskIds/0"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let one = json(
        &gpu.describe_gpu_detail()
            .resource_id(id.clone())
            .send()
            .await
            .expect("DescribeGpuDetail"),
    );
    assert_eq!(one["Data"]["State"], "stopped");

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
    assert_service_error(
        gpu.delete_gpu_instances()
            .resource_ids(vec![id])
            .send()
            .await,
        "InstanceNotFound",
        400,
    );
}
