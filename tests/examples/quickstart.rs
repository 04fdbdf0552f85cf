//! Quickstart: a realistic flow through several product lines.
//!
//! `cargo run --example quickstart` starts the stateful loopback emulator in-process (no
//! credentials needed) and walks: list regions → create a VDC and wait → create an instance
//! with two data disks and wait → describe it (the created instance, with its name) → delete
//! it and wait → describe it (gone) → delete it again (the documented not-found error, matched
//! as a typed error code) → check the balance, printing what it sent and what it got.
//!
//! `cargo run --example quickstart -- --live`, with `CDS_SECRET_ID` / `CDS_SECRET_KEY` set
//! (and optionally `CDS_REGION`), makes only read-only calls against the real API.

use cds_ccs::types::DataDisk;
use cds_ccs::ErrorCode;
use cds_core::WaitOptions;
use std::error::Error;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::args().any(|a| a == "--live") {
        return live().await;
    }
    // Stateful: created resources exist, deleted ones are gone, unknown ids fail as documented.
    let emulator = cds_emulator::Emulator::builder(&cds_tests::all_lines())
        .start()
        .await?;
    println!(
        "emulator serving every product line at {}\n",
        emulator.base_url()
    );
    let config = emulator.config();
    let fast = WaitOptions::default()
        .deadline(Duration::from_secs(30))
        .poll_interval(Duration::from_millis(100), Duration::from_millis(200));

    let ecs = cds_ecs_v1::Client::new(&config);
    let regions = ecs.describe_regions().send().await?;
    let names: Vec<&str> = regions
        .data()
        .iter()
        .flat_map(|group| group.region_list())
        .filter_map(|region| region.region_name())
        .collect();
    step(
        "ecs-v1 DescribeRegions",
        "{}",
        &format!(
            "{} region group(s): {}",
            regions.data().len(),
            names.join(", ")
        ),
    );

    let network = cds_network::Client::new(&config);
    let (vdc, done) = network
        .create_vdc()
        .region_id("CN_Beijing_A")
        .vdc_name("quickstart-vdc")
        .send_and_wait(fast.clone())
        .await?;
    let vdc_id = done
        .data()
        .and_then(|d| d.resource_id())
        .unwrap_or_default();
    step(
        "network CreateVdc + wait",
        "RegionId=CN_Beijing_A VdcName=quickstart-vdc",
        &format!(
            "task {} finished with status {}: VDC {vdc_id}",
            vdc.task_id().unwrap_or_default(),
            done.data()
                .and_then(|d| d.status())
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    );

    let ccs = cds_ccs::Client::new(&config);
    let disks = [
        DataDisk::builder().size(100).r#type("ssd_disk").build()?, // Size is required: build() checks
        DataDisk::builder().size(200).build()?,
    ];
    let (created, done) = ccs
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id(vdc_id)
        .instance_name("web")
        .password("Quickstart-Pa55!")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .data_disks(disks)
        .send_and_wait(fast.clone())
        .await?;
    let instance_id = done
        .data()
        .and_then(|d| d.resource_id())
        .unwrap_or_default();
    step(
        "ccs CreateInstance + wait",
        "InstanceName=web Cpu=2 Ram=4 DataDisks=[100 GB ssd, 200 GB] Password=[REDACTED]",
        &format!(
            "task {} finished with status {}: instance {instance_id}",
            created.task_id().unwrap_or_default(),
            done.data()
                .and_then(|d| d.status())
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    );

    let listed = ccs
        .describe_instances()
        .instance_id(instance_id)
        .send()
        .await?;
    let instances = listed.data().map(|d| d.instances()).unwrap_or_default();
    let first = instances.first();
    step(
        "ccs DescribeInstances",
        &format!("InstanceId={instance_id}"),
        &format!(
            "{} instance(s): {} status {}",
            instances.len(),
            first.and_then(|i| i.instance_name()).unwrap_or_default(),
            first
                .and_then(|i| i.instance_status())
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    );
    if first.and_then(|i| i.instance_name()) != Some("web") {
        return Err("the created instance is not listed with its name".into());
    }

    let (deleted, done) = ccs
        .delete_instance()
        .instance_ids([instance_id])
        .send_and_wait(fast)
        .await?;
    step(
        "ccs DeleteInstance + wait",
        &format!("InstanceIds=[{instance_id}]"),
        &format!(
            "task {} finished with status {}",
            deleted.task_id().unwrap_or_default(),
            done.data()
                .and_then(|d| d.status())
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    );

    let listed = ccs
        .describe_instances()
        .instance_id(instance_id)
        .send()
        .await?;
    let left = listed.data().map(|d| d.instances().len()).unwrap_or(0);
    step(
        "ccs DescribeInstances",
        &format!("InstanceId={instance_id}"),
        &format!("{left} instance(s): gone"),
    );
    if left != 0 {
        return Err("the deleted instance is still listed".into());
    }

    match ccs
        .delete_instance()
        .instance_ids([instance_id])
        .send()
        .await
    {
        Err(err) if ErrorCode::of(&err) == Some(ErrorCode::InstanceNotFound) => step(
            "ccs DeleteInstance again",
            &format!("InstanceIds=[{instance_id}]"),
            &format!(
                "the documented not-found error, matched as ErrorCode::InstanceNotFound: {err}"
            ),
        ),
        other => return Err(format!("expected InstanceNotFound, got {other:?}").into()),
    }

    let billing = cds_billing::Client::new(&config);
    let account = billing.describe_account_info().send().await?;
    let balance = account.data().and_then(|d| d.master_total_balance());
    step(
        "billing DescribeAccountInfo",
        "{}",
        &format!(
            "balance {}",
            balance.map(|b| b.to_string()).unwrap_or_default()
        ),
    );

    let requests = emulator.requests();
    // The second DeleteInstance is meant to fail with the documented not-found code; any other
    // error (a signature or parameter refused) means the SDK sent something wrong.
    let rejected = requests
        .iter()
        .filter(|r| {
            r.rejected
                .as_deref()
                .is_some_and(|c| c != "InstanceNotFound")
        })
        .count();
    println!(
        "\nthe emulator received {} signed request(s); {} rejected (besides the expected not-found)",
        requests.len(),
        rejected
    );
    if rejected > 0 {
        return Err("the emulator rejected a request".into());
    }
    Ok(())
}

fn step(what: &str, sent: &str, got: &str) {
    println!("• {what}\n    sent: {sent}\n    got:  {got}");
}

/// Read-only calls against the real API.
async fn live() -> Result<(), Box<dyn Error>> {
    let config = cds_core::Config::from_env()?;
    println!("live mode: read-only calls against {:?}\n", config.region());
    let regions = cds_ecs_v1::Client::new(&config)
        .describe_regions()
        .send()
        .await?;
    step(
        "ecs-v1 DescribeRegions",
        "{}",
        &format!("{} region group(s)", regions.data().len()),
    );
    let vdcs = cds_network::Client::new(&config)
        .describe_vdc()
        .send()
        .await?;
    step(
        "network DescribeVdc",
        "{}",
        &format!("{} VDC(s)", vdcs.data().len()),
    );
    let listed = cds_ccs::Client::new(&config)
        .describe_instances()
        .page_size(10)
        .send()
        .await?;
    let count = listed.data().map(|d| d.instances().len()).unwrap_or(0);
    step(
        "ccs DescribeInstances",
        "PageSize=10",
        &format!("{count} instance(s) on the first page"),
    );
    let account = cds_billing::Client::new(&config)
        .describe_account_info()
        .send()
        .await?;
    step(
        "billing DescribeAccountInfo",
        "{}",
        &format!(
            "balance {:?}",
            account.data().and_then(|d| d.master_total_balance())
        ),
    );
    Ok(())
}
