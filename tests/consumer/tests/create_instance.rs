//! A user's view of `cds-ccs`, from outside the workspace: builders for nested inputs, a
//! required nested field checked before any I/O, a documented error code matched through the
//! enum, and the waiter's typed status.

use cds_ccs::{Client, DataDisk, Error, ErrorCode, WaitOptions};
use std::time::Duration;

fn quick() -> WaitOptions {
    WaitOptions::default()
        .deadline(Duration::from_secs(10))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn create_an_instance_with_two_data_disks_and_wait_for_it() {
    let emulator = cds_emulator::Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("the emulator starts");
    let client = Client::new(&emulator.config());

    let disks = [
        DataDisk::builder()
            .size(100)
            .r#type("ssd_disk")
            .iops(2)
            .build()
            .expect("size is set"),
        DataDisk::builder().size(200).build().expect("size is set"),
    ];
    let (created, task) = client
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("vdc-1")
        .instance_name("web")
        .password("Consumer-Pa55!")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .data_disks(disks)
        .public_ip(["auto"])
        .send_and_wait(quick())
        .await
        .expect("the instance is created");
    assert!(created.task_id.is_some());
    assert_eq!(
        task.data.and_then(|d| d.status),
        Some(cds_ccs::TaskStatus::Finish),
        "the waiter returns the poller's typed output"
    );

    let sent = emulator.requests_for("CreateInstance");
    assert_eq!(sent.len(), 1);
    let body = sent[0].body.clone().expect("a JSON body");
    assert_eq!(
        body["DataDisks"],
        serde_json::json!([{"Size": 100, "Type": "ssd_disk", "IOPS": 2}, {"Size": 200}])
    );
    assert_eq!(body["PublicIp"], serde_json::json!(["auto"]));
}

#[tokio::test]
async fn a_missing_nested_field_is_refused_before_any_request() {
    let emulator = cds_emulator::Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("the emulator starts");
    let client = Client::new(&emulator.config());

    let built = DataDisk::builder().r#type("ssd_disk").build();
    let err = built.expect_err("Size is required");
    assert_eq!(err.missing, vec!["Size".to_string()]);

    // The same check holds for a value assembled without the builder.
    let err = client
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("vdc-1")
        .instance_name("web")
        .password("Consumer-Pa55!")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .data_disks([DataDisk::default(), DataDisk::default()])
        .send()
        .await
        .expect_err("the disks have no size");
    match err {
        Error::InvalidParameter { parameter, .. } => assert_eq!(parameter, "DataDisks[0].Size"),
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn documented_error_codes_are_matched_through_the_enum() {
    let emulator = cds_emulator::Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("the emulator starts");
    emulator.script(
        "DescribeTask",
        400,
        serde_json::json!({"Code": "InvalidTaskID.Malformed", "Message": "The specified parameter \"TaskID\" is not valid.", "RequestId": "req-1"}),
        Some(1),
    );
    let client = Client::new(&emulator.config());
    let err = client
        .describe_task()
        .task_id("bad")
        .send()
        .await
        .expect_err("scripted failure");
    match ErrorCode::of(&err) {
        Some(ErrorCode::InvalidTaskIdMalformed) => {}
        other => panic!("expected InvalidTaskIdMalformed, got {other:?} from {err}"),
    }
    assert_eq!(
        ErrorCode::InvalidTaskIdMalformed.http_status(),
        Some(400),
        "the documented status comes with the code"
    );
}
