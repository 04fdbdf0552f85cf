//! CECSTACK ECS (instances, key pairs, snapshots, snapshot policies) and BridgX clusters
//! through the generated crates.

mod common;

use common::{assert_service_error, emulator, items, json, text};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn cecstack_resources() {
    let emu = emulator(&[&cds_cecstack_ecs::meta::LINE], Duration::ZERO).await;
    let ecs = cds_cecstack_ecs::Client::new(&emu.config());
    let created = ecs
        .runtime()
        .execute_value(
            &cds_cecstack_ecs::meta::CREATE_INSTANCE,
            json!({"departmentId": "d-1", "az": "AZ0", "region": "region0", "displayName": "vm-1",
                   "tenantId": "t-1", "cpus": 2, "memory": {"amount": "2Gi"}, "volumes": [],
                   "image": {"imageId": "img-1"}, "archType": "x86", "networks": []}),
        )
        .await
        .expect("CreateInstance");
    let id = text(&created.raw(), "/data/ecsId");
    assert!(id.starts_with("ecs-"));
    assert_eq!(created.raw()["data"]["displayName"], "vm-1");
    let one = json(
        &ecs.get_instance()
            .ecs_id(id.clone())
            .send()
            .await
            .expect("GetInstance"),
    );
    assert_eq!(one["data"]["displayName"], "vm-1");
    assert_eq!(one["data"]["vCpus"], 2);
    let list = json(
        &ecs.list_instances()
            .page_number(1)
            .page_size(10)
            .send()
            .await
            .expect("ListInstances"),
    );
    let vms = items(&list, "/data/virtualMachines");
    assert_eq!(vms.len(), 1);
    assert_eq!(list["data"]["totalCount"], 1);

    ecs.stop_instance()
        .ecs_id(id.clone())
        .send()
        .await
        .expect("StopInstance");
    ecs.update_instance_description()
        .ecs_id(id.clone())
        .description("db host")
        .send()
        .await
        .expect("UpdateInstanceDescription");
    let one = json(&ecs.get_instance().ecs_id(id.clone()).send().await.unwrap());
    assert_eq!(one["data"]["status"], "Stopped");
    assert_eq!(one["data"]["description"], "db host");

    // Operations on an instance check it and its state (the line-wide documented codes).
    let refused = ecs.stop_instance().ecs_id(id.clone()).send().await;
    assert_service_error(refused, "ECS.InvalidParameter.Status.NotSupported", 400);
    let unknown = ecs
        .renew_instance()
        .ecs_id("ecs-nothing")
        .cycle_count(1)
        .send()
        .await;
    assert_service_error(unknown, "ECS.DBGet.NoData", 400);
    let unknown = ecs
        .detach_instance_volumes()
        .ecs_id("ecs-nothing")
        .volume_uuids(["v-1"])
        .send()
        .await;
    assert_service_error(unknown, "ECS.DBGet.NoData", 400);
    ecs.renew_instance()
        .ecs_id(id.clone())
        .cycle_count(1)
        .send()
        .await
        .expect("RenewInstance of an instance that exists");
    // RunVmtoolsCommand needs a running instance; cold migration a stopped one.
    let refused = ecs
        .run_vmtools_command()
        .ecs_id(id.clone())
        .qga_command(json!({"execute": "guest-ping"}))
        .send()
        .await;
    assert_service_error(refused, "ECS.InvalidParameter.Status.NotSupported", 400);
    ecs.cold_migrate_instance()
        .ecs_id(id.clone())
        .node_name("node-2")
        .send()
        .await
        .expect("a stopped instance migrates cold");
    ecs.lock_instance()
        .ecs_id(id.clone())
        .is_lock(true)
        .send()
        .await
        .unwrap();
    let one = json(&ecs.get_instance().ecs_id(id.clone()).send().await.unwrap());
    assert_eq!(one["data"]["nodeName"], "node-2");
    assert_eq!(one["data"]["isLock"], true);
    let locked = json(&ecs.list_instances().is_lock("true").send().await.unwrap());
    assert_eq!(items(&locked, "/data/virtualMachines").len(), 1);
    ecs.start_instance()
        .ecs_id(id.clone())
        .send()
        .await
        .unwrap();
    let refused = ecs
        .cold_migrate_instance()
        .ecs_id(id.clone())
        .node_name("node-3")
        .send()
        .await;
    assert_service_error(refused, "ECS.InvalidParameter.Status.NotSupported", 400);
    ecs.run_vmtools_command()
        .ecs_id(id.clone())
        .qga_command(json!({"execute": "guest-ping"}))
        .send()
        .await
        .expect("a running instance runs the command");
    ecs.stop_instance().ecs_id(id.clone()).send().await.unwrap();

    // Key pairs.
    ecs.create_ssh_key()
        .name("key-1")
        .department_id("d-1")
        .send()
        .await
        .expect("CreateSshKey");
    let keys = json(
        &ecs.list_ssh_keys()
            .page_index(1)
            .page_size(10)
            .send()
            .await
            .expect("ListSshKeys"),
    );
    let keys = items(&keys, "/data/SSHKeys");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["keyPairName"], "key-1");
    let key = text(&keys[0], "/keyPairId");
    assert_service_error(
        ecs.bind_ssh_key()
            .key_pair_id(key.clone())
            .password_auth("false")
            .ecs_ids(vec!["ecs-nope".to_string()])
            .send()
            .await,
        "ECS.DBGet.NoData",
        400,
    );
    ecs.bind_ssh_key()
        .key_pair_id(key.clone())
        .password_auth("false")
        .ecs_ids(vec![id.clone()])
        .send()
        .await
        .expect("BindSshKey");
    ecs.delete_ssh_keys()
        .key_pair_ids(vec![key.clone()])
        .send()
        .await
        .expect("DeleteSshKeys");
    assert_service_error(
        ecs.delete_ssh_keys().key_pair_ids(vec![key]).send().await,
        "ECS.DBGet.NoData",
        400,
    );

    // Snapshots of the instance.
    ecs.create_snapshot()
        .ecs_id(id.clone())
        .snapshot_name("snap-1")
        .send()
        .await
        .expect("CreateSnapshot");
    let snaps = json(
        &ecs.list_snapshots()
            .ecsid(id.clone())
            .send()
            .await
            .expect("ListSnapshots"),
    );
    let snaps = items(&snaps, "/data/ecsSnapshots");
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0]["ecsSnapshotName"], "snap-1");
    let snap = text(&snaps[0], "/ecsSnapshotId");
    let one = json(
        &ecs.get_snapshot()
            .snapshot_id(snap.clone())
            .send()
            .await
            .expect("GetSnapshot"),
    );
    assert_eq!(
        one["data"]["ecsSnapshots"][0]["ecsSnapshotId"],
        snap.as_str()
    );
    ecs.delete_snapshot()
        .snapshot_id(snap.clone())
        .send()
        .await
        .expect("DeleteSnapshot");
    assert_service_error(
        ecs.get_snapshot().snapshot_id(snap).send().await,
        "ECS.DBGet.NoData",
        400,
    );

    // Snapshot policies.
    ecs.create_snapshot_policy()
        .policy_name("nightly")
        .hour_of_day("2")
        .week_days("1,3")
        .expire(7)
        .send()
        .await
        .expect("CreateSnapshotPolicy");
    let pols = json(
        &ecs.list_snapshot_policies()
            .send()
            .await
            .expect("ListSnapshotPolicies"),
    );
    let pols = items(&pols, "/data/snapshotPolicies");
    assert_eq!(pols.len(), 1);
    let pol = text(&pols[0], "/policyId");
    ecs.update_snapshot_policy()
        .policy_id(pol.clone())
        .policy_name("weekly")
        .hour_of_day("3")
        .week_days("7")
        .expire(30)
        .send()
        .await
        .expect("UpdateSnapshotPolicy");
    let one = json(
        &ecs.get_snapshot_policy()
            .policy_id(pol.clone())
            .send()
            .await
            .expect("GetSnapshotPolicy"),
    );
    assert_eq!(one["data"]["snapshotPolicies"][0]["policyName"], "weekly");
    ecs.delete_snapshot_policy()
        .policy_id(pol.clone())
        .send()
        .await
        .expect("DeleteSnapshotPolicy");
    assert_service_error(
        ecs.get_snapshot_policy().policy_id(pol).send().await,
        "ECS.DBGet.NoData",
        400,
    );

    ecs.delete_instance()
        .ecs_id(id.clone())
        .send()
        .await
        .expect("DeleteInstance");
    assert_service_error(
        ecs.get_instance().ecs_id(id.clone()).send().await,
        "ECS.DBGet.NoData",
        400,
    );
    assert_service_error(
        ecs.start_instance().ecs_id(id).send().await,
        "ECS.DBGet.NoData",
        400,
    );
}

#[tokio::test]
async fn bridgx_clusters() {
    let emu = emulator(&[&cds_bridgx::meta::LINE], Duration::ZERO).await;
    let bx = cds_bridgx::Client::new(&emu.config());
    let created = bx
        .runtime()
        .execute_value(
            &cds_bridgx::meta::CREATE_CLUSTER,
            json!({"name": "web", "provider": "AlibabaCloud", "region_id": "cn-qingdao", "zone_id": "cn-qingdao-b",
                   "network_config": {"vpc": "v"}, "instance_type": "ecs.g6.large", "image": "img",
                   "disks": {"system_disk": {"size": 40}}, "password": "Passw0rd!", "account_key": "AK-1"}),
        )
        .await
        .expect("CreateCluster");
    assert_eq!(created.raw()["code"], 200);
    assert_eq!(
        created.raw()["data"],
        "web",
        "CreateCluster answers the cluster's name"
    );
    let list = json(
        &bx.list_clusters()
            .page_number(1)
            .page_size(10)
            .send()
            .await
            .expect("ListClusters"),
    );
    let clusters = items(&list, "/data/cluster_list");
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["cluster_name"], "web");
    assert_eq!(clusters[0]["account"], "AK-1");
    assert_eq!(list["data"]["pager"]["total"], 1);
    bx.create_expand_task()
        .task_name("grow")
        .cluster_name("web")
        .count(2)
        .send()
        .await
        .expect("CreateExpandTask");
    assert_service_error(
        bx.create_expand_task()
            .task_name("grow")
            .cluster_name("nope")
            .count(2)
            .send()
            .await,
        "400",
        400,
    );
    let tasks = json(&bx.list_tasks().send().await.unwrap());
    let tasks = items(&tasks, "/data/task_list");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["task_name"], "grow");
    assert_eq!(tasks[0]["task_action"], "EXPAND");
    assert_eq!(tasks[0]["cluster_name"], "web");
    // Another token (tenant) sees no cluster.
    let other = cds_bridgx::Client::new(&emu.tenant_config("b"));
    let theirs = json(&other.list_clusters().send().await.unwrap());
    assert!(items(&theirs, "/data/cluster_list").is_empty());
}
