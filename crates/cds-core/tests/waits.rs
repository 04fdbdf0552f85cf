//! Waiting for tasks, against a scripted server and a fake clock: the polling schedule, the
//! statuses, failures with their reason, answers without a status, the deadline, and starting
//! a task then waiting for it.

mod common;

use cds_core::clock::FakeClock;
use cds_core::operation::Waiter;
use cds_core::{Error, ServiceClient, Wait, WaitOptions};
use common::{config, json, Reply, Server, LINE, READ, WRITE};
use serde_json::{json as value, Value};
use std::time::Duration;

static TASKS: Waiter = Waiter {
    poller: &READ,
    id_param: "ThingId",
    status: "/Data/Status",
    success: &["FINISH"],
    failure: &["ERROR"],
    reason: Some("/Data/Reason"),
    fresh_uuid_params: &[],
};

fn answer(data: Value) -> Reply {
    Reply::Bytes(json(
        200,
        &value!({"Code": "Success", "Data": data}).to_string(),
        "",
    ))
}

fn status(s: &str) -> Reply {
    answer(value!({"Status": s}))
}

async fn setup(
    replies: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> (Server, FakeClock, ServiceClient) {
    let server = Server::start(replies).await;
    let clock = FakeClock::new();
    let config = config(&server)
        .clock(clock.clone())
        .build()
        .expect("config");
    let client = ServiceClient::new(&config, &LINE);
    (server, clock, client)
}

#[tokio::test]
async fn polls_grow_by_half_from_the_initial_interval_to_the_maximum() {
    let (server, clock, client) = setup(|n| {
        if n < 6 {
            status("DOING")
        } else {
            status("FINISH")
        }
    })
    .await;
    let done: Value = Wait::new(client, &TASKS, "t-1")
        .options(
            WaitOptions::new()
                .poll_interval(Duration::from_millis(400), Duration::from_millis(1000)),
        )
        .send()
        .await
        .expect("finished");
    assert_eq!(done["Data"]["Status"], "FINISH");
    let ms: Vec<u128> = clock.sleeps().iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [400, 600, 900, 1000, 1000, 1000]);
    assert_eq!(server.count(), 7);
    let sent = server.seen();
    assert!(sent[0].line.contains("ThingId=t-1"), "{}", sent[0].line);
}

#[tokio::test]
async fn a_long_deadline_keeps_the_normal_schedule() {
    let (server, clock, client) = setup(|n| {
        if n < 5 {
            status("DOING")
        } else {
            status("FINISH")
        }
    })
    .await;
    Wait::<Value>::new(client, &TASKS, "t-2")
        .deadline(Duration::from_secs(60))
        .poll_interval(Duration::from_secs(2), Duration::from_secs(2))
        .send()
        .await
        .expect("finished within the minute");
    assert_eq!(server.count(), 6);
    assert!(clock.sleeps().iter().all(|d| *d == Duration::from_secs(2)));
}

#[tokio::test]
async fn a_failure_status_ends_the_wait_with_the_reported_reason() {
    let (_, _, client) =
        setup(|_| answer(value!({"Status": "error", "Reason": "disk full"}))).await;
    match Wait::<Value>::new(client, &TASKS, "t-3")
        .send()
        .await
        .unwrap_err()
    {
        Error::TaskFailed {
            task_id,
            status,
            reason,
            ..
        } => {
            assert_eq!(
                (task_id.as_str(), status.as_str(), reason.as_str()),
                ("t-3", "error", "disk full")
            );
        }
        other => panic!("{other}"),
    }
    let (_, _, client) = setup(|_| answer(value!({"Status": "ERROR", "Reason": ""}))).await;
    match Wait::<Value>::new(client, &TASKS, "t-4")
        .send()
        .await
        .unwrap_err()
    {
        Error::TaskFailed { reason, .. } => assert_eq!(reason, "no reason given"),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn three_answers_without_a_status_end_the_wait_two_do_not() {
    let (server, _, client) = setup(|_| answer(value!({"Other": 1}))).await;
    let err = Wait::<Value>::new(client, &TASKS, "t-5")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { reason, .. } if reason.contains("3 answers in a row")),
        "{err}"
    );
    assert_eq!(server.count(), 3);
    let (server, _, client) = setup(|n| match n {
        0 | 1 => answer(value!({"Status": ""})),
        2 => status("DOING"),
        3 | 4 => answer(Value::Null),
        _ => status("FINISH"),
    })
    .await;
    Wait::<Value>::new(client, &TASKS, "t-6")
        .send()
        .await
        .expect("a status in between resets the count");
    assert_eq!(server.count(), 6);
}

#[tokio::test]
async fn a_wait_shows_its_poller_and_task_in_debug() {
    let (_, _, client) = setup(|_| status("FINISH")).await;
    let wait = Wait::<Value>::new(client, &TASKS, "t-7");
    let shown = format!("{wait:?}");
    assert!(
        shown.contains("DescribeThing") && shown.contains("t-7"),
        "{shown}"
    );
}

#[tokio::test]
async fn starting_a_task_reads_its_id_then_waits_for_it() {
    let (server, _, client) = setup(|n| match n {
        0 => Reply::Bytes(json(200, r#"{"Code":"Success","TaskId":"task-9"}"#, "")),
        1 => status("DOING"),
        _ => status("FINISH"),
    })
    .await;
    let (created, done): (Value, Value) = cds_core::waiter::start_and_wait(
        &client,
        &WRITE,
        &value!({"Name": "x"}),
        &TASKS,
        "/TaskId",
        WaitOptions::default(),
    )
    .await
    .expect("created and finished");
    assert_eq!(created["TaskId"], "task-9");
    assert_eq!(done["Data"]["Status"], "FINISH");
    assert!(server.seen()[1].line.contains("ThingId=task-9"));

    for body in [r#"{"Code":"Success"}"#, r#"{"Code":"Success","TaskId":""}"#] {
        let (server, _, client) = setup(move |_| Reply::Bytes(json(200, body, ""))).await;
        let err = cds_core::waiter::start_and_wait::<_, Value, Value>(
            &client,
            &WRITE,
            &value!({}),
            &TASKS,
            "/TaskId",
            WaitOptions::default(),
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("carries no task id at /TaskId"),
            "{err}"
        );
        assert_eq!(server.count(), 1, "nothing is polled without an id");
    }
}
