//! ccs through the generated crate against the stateful emulator: instances (with a VDC of
//! the network line), security groups and templates: create, see, change, delete, not found.

mod common;

use common::{assert_service_error, emulator, items, json, text, FAST};
use std::time::Duration;

async fn create_instance(
    ccs: &cds_ccs::Client,
    vdc: &str,
    name: &str,
) -> (String, cds_ccs::CreateInstanceOutput) {
    let out = ccs
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id(vdc)
        .password("Passw0rd!")
        .instance_name(name)
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .send()
        .await
        .expect("CreateInstance");
    let task = out.task_id.clone().expect("a task id");
    (task, out)
}

#[tokio::test]
async fn instances_security_groups_and_templates() {
    let emu = emulator(
        &[&cds_ccs::meta::LINE, &cds_network::meta::LINE],
        Duration::from_millis(60),
    )
    .await;
    let config = emu.config();
    let ccs = cds_ccs::Client::new(&config);
    let network = cds_network::Client::new(&config);

    // A VDC first (network line): the instance refers to it.
    let vdc_task = network
        .create_vdc()
        .region_id("CN_Beijing_A")
        .vdc_name("vdc-one")
        .send()
        .await
        .expect("CreateVdc")
        .task_id
        .expect("a task id");
    let done = network
        .wait_for_task(vdc_task)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .expect("the VDC task finishes");
    let vdc = text(&done, "/Data/ResourceId");

    // Unknown VDC: the network line's documented not-found.
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

    // Create: invisible until the task finishes, then listed with the created values.
    let (task, _) = create_instance(&ccs, &vdc, "web-1").await;
    let listed = ccs
        .describe_instances()
        .send()
        .await
        .expect("DescribeInstances");
    assert!(
        items(&json(&listed), "/Data/Instances").is_empty(),
        "not visible while the task runs"
    );
    let first_poll = ccs
        .describe_task()
        .task_id(task.clone())
        .send()
        .await
        .expect("DescribeTask");
    assert_ne!(text(&json(&first_poll), "/Data/Status"), "FINISH");
    let done = ccs
        .wait_for_task(task)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .expect("the create task finishes");
    let id = text(&done, "/Data/ResourceId");
    let seen = json(
        &ccs.describe_instances()
            .instance_id(id.clone())
            .send()
            .await
            .expect("DescribeInstances"),
    );
    let found = items(&seen, "/Data/Instances");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["InstanceId"], id.as_str());
    assert_eq!(found[0]["InstanceName"], "web-1");
    assert_eq!(found[0]["VdcId"], vdc.as_str());
    assert_eq!(found[0]["Cpu"], 2);
    assert_eq!(found[0]["InstanceStatus"], "running");
    assert_eq!(found[0]["RegionId"], "CN_Beijing_A");
    assert!(
        found[0].get("PrivateNetworkInterface").is_some(),
        "example values fill the rest"
    );

    // Change it: stop (pending status at once, final one after the task), rename.
    let stop = ccs
        .stop_instance()
        .instance_id(id.clone())
        .send()
        .await
        .expect("StopInstance");
    let during = json(
        &ccs.describe_instances()
            .instance_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        items(&during, "/Data/Instances")[0]["InstanceStatus"],
        "stopping"
    );
    ccs.wait_for_task(stop.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .expect("stop finishes");
    ccs.modify_instance_name()
        .instance_id(id.clone())
        .instance_name("web-renamed")
        .send()
        .await
        .expect("ModifyInstanceName");
    let after = json(
        &ccs.describe_instances()
            .instance_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    let after = &items(&after, "/Data/Instances")[0];
    assert_eq!(after["InstanceStatus"], "shutdown");
    assert_eq!(after["InstanceName"], "web-renamed");

    // Another tenant sees nothing.
    let other = cds_ccs::Client::new(&emu.tenant_config("other"));
    let theirs = json(
        &other
            .describe_instances()
            .send()
            .await
            .expect("other tenant lists"),
    );
    assert!(items(&theirs, "/Data/Instances").is_empty());

    // Paginated like the real API.
    for n in 2..=3 {
        let (t, _) = create_instance(&ccs, &vdc, &format!("web-{n}")).await;
        ccs.wait_for_task(t)
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap();
    }
    let page1 = json(
        &ccs.describe_instances()
            .page_number(1)
            .page_size(2)
            .send()
            .await
            .unwrap(),
    );
    let page2 = json(
        &ccs.describe_instances()
            .page_number(2)
            .page_size(2)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(items(&page1, "/Data/Instances").len(), 2);
    assert_eq!(items(&page2, "/Data/Instances").len(), 1);
    assert_eq!(items(&page2, "/Data/Instances")[0]["InstanceName"], "web-3");

    // Templates: made from an instance; unknown instance → InstanceNotFound.
    let bad = ccs
        .create_template()
        .instance_id("nope")
        .display_name("t")
        .power_on(true)
        .send()
        .await;
    assert_service_error(bad, "InstanceNotFound", 400);
    let t = ccs
        .create_template()
        .instance_id(id.clone())
        .display_name("golden")
        .power_on(false)
        .send()
        .await
        .expect("CreateTemplate");
    let done = ccs
        .wait_for_task(t.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let template = text(&done, "/Data/ResourceId");
    let list = json(
        &ccs.describe_template_info()
            .page_number(1)
            .page_size(10)
            .send()
            .await
            .unwrap(),
    );
    let list = items(&list, "/Data/TemplateList");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["TemplateId"], template.as_str());
    assert_eq!(list[0]["Name"], "golden");
    let del = ccs
        .delete_template()
        .template_id(template.clone())
        .region_id("CN_Beijing_A")
        .send()
        .await
        .unwrap();
    ccs.wait_for_task(del.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let list = json(
        &ccs.describe_template_info()
            .page_number(1)
            .page_size(10)
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&list, "/Data/TemplateList").is_empty());
    let again = ccs
        .delete_template()
        .template_id(template)
        .region_id("CN_Beijing_A")
        .send()
        .await;
    assert_service_error(again, "InstanceNotFound", 400);

    // Delete: gone once the task finishes; deleting again is the documented not-found.
    let del = ccs
        .delete_instance()
        .instance_ids(vec![id.clone()])
        .send()
        .await
        .expect("DeleteInstance");
    ccs.wait_for_task(del.task_id.expect("task"))
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let gone = json(
        &ccs.describe_instances()
            .instance_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert!(items(&gone, "/Data/Instances").is_empty());
    assert_service_error(
        ccs.delete_instance()
            .instance_ids(vec![id.clone()])
            .send()
            .await,
        "InstanceNotFound",
        400,
    );
    assert_service_error(
        ccs.start_instance().instance_id(id).send().await,
        "InstanceNotFound",
        400,
    );
}

#[tokio::test]
async fn security_groups() {
    let emu = emulator(&[&cds_ccs::meta::LINE], Duration::ZERO).await;
    let ccs = cds_ccs::Client::new(&emu.config());
    ccs.create_security_group()
        .security_group_name("sg-web")
        .description("web tier")
        .security_group_type("public")
        .send()
        .await
        .expect("CreateSecurityGroup");
    let list = json(
        &ccs.describe_security_groups()
            .send()
            .await
            .expect("DescribeSecurityGroups"),
    );
    let groups = items(&list, "/Data/SecurityGroup");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["SecurityGroupName"], "sg-web");
    assert_eq!(groups[0]["Description"], "web tier");
    assert_eq!(list["Data"]["SecurityGroupCount"], 1);
    let id = text(&groups[0], "/SecurityGroupId");
    ccs.modify_security_group_attribute()
        .security_group_id(id.clone())
        .security_group_name("sg-api")
        .description("api tier")
        .send()
        .await
        .expect("ModifySecurityGroupAttribute");
    let one = json(
        &ccs.describe_security_group_attribute()
            .security_group_id(id.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(one["Data"]["SecurityGroupName"], "sg-api");
    ccs.delete_security_group()
        .security_group_id(id.clone())
        .send()
        .await
        .expect("DeleteSecurityGroup");
    assert_service_error(
        ccs.describe_security_group_attribute()
            .security_group_id(id)
            .send()
            .await,
        "InvalidInterfaceID.Malformed",
        400,
    );
}
