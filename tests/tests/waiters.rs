//! Waiting for tasks: Running → Completed, Failed with the reported reason, and the deadline.

use cds_core::Error;
use cds_core::WaitOptions;
use cds_emulator::Emulator;
use std::time::Duration;

fn quick(deadline: Duration) -> WaitOptions {
    WaitOptions::default()
        .deadline(deadline)
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn ccs_task_goes_running_then_completed() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_ccs::Client::new(&emu.config());
    let (created, done) = client
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("vdc-1")
        .password("pw")
        .instance_name("web")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .send_and_wait(quick(Duration::from_secs(5)))
        .await
        .expect("the task completes");
    assert!(created.task_id.is_some());
    let polls = emu.requests_for("DescribeTask");
    assert_eq!(polls.len(), 2, "one Running answer, then Completed");
    // DescribeTask documents NEW, DOING, FINISH, ERROR: a task in progress is DOING.
    assert_eq!(polls[0].response["Data"]["Status"], "DOING");
    assert_eq!(
        done.data.and_then(|d| d.status),
        Some(cds_ccs::types::TaskStatus::Finish)
    );
    assert_eq!(polls[0].query_param("TaskId"), created.task_id.as_deref());
}

#[tokio::test]
async fn gcw_task_failure_carries_the_reason() {
    let emu = Emulator::start(&[&cds_gcw::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_gcw::Client::new(&emu.config());
    emu.fail_task("task-42", "quota exceeded in zone");
    let err = client
        .wait_for_task("task-42")
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .send()
        .await
        .expect_err("the task fails");
    match &err {
        Error::TaskFailed {
            task_id,
            reason,
            operation,
            ..
        } => {
            assert_eq!(
                (task_id.as_str(), reason.as_str(), *operation),
                ("task-42", "quota exceeded in zone", "QueryTask")
            );
        }
        other => panic!("expected TaskFailed, got {other:?}"),
    }
    // gcw's QueryTask takes a fresh requestId on every poll: present, a UUID, never repeated.
    // A task that runs for three polls gives several to compare.
    emu.reset();
    emu.set_polls_until_done(3);
    client
        .wait_for_task("task-7")
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .send()
        .await
        .expect("task-7 completes");
    let polls = emu.requests_for("QueryTask");
    let ids: Vec<String> = polls
        .iter()
        .map(|p| {
            p.query_param("requestId")
                .expect("requestId sent")
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 3, "three polls: {ids:?}");
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "a requestId was reused: {ids:?}");
    assert!(
        ids.iter()
            .all(|id| id.len() == 36 && id.matches('-').count() == 4),
        "{ids:?}"
    );
}

#[tokio::test]
async fn waiting_stops_at_the_deadline() {
    let emu = Emulator::start(&[&cds_bms::meta::LINE])
        .await
        .expect("emulator");
    emu.set_polls_until_done(u32::MAX);
    let client = cds_bms::Client::new(&emu.config());
    let started = std::time::Instant::now();
    let err = client
        .wait_for_bms_task("t-9")
        .deadline(Duration::from_millis(500))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(40))
        .send()
        .await
        .expect_err("never finishes");
    assert!(matches!(err, Error::WaiterTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Polls are at least 100 ms apart (cds_core::waiter::MIN_POLL_INTERVAL): about 5 in 500 ms.
    let polls = emu.requests_for("DescribeBmsTask").len();
    assert!((3..=6).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn ecs_v1_waits_for_an_event() {
    let emu = Emulator::start(&[&cds_ecs_v1::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_ecs_v1::Client::new(&emu.config());
    let done = client
        .wait_for_event("event-1")
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .send()
        .await
        .expect("the event succeeds");
    assert_eq!(
        done.data.and_then(|d| d.event_status).as_deref(),
        Some("success")
    );
}
