//! One test per fault kind: the client's error names what happened, reads are retried, and a
//! create is sent exactly once unless the request certainly never left.

use cds_core::Error;
use cds_emulator::{Emulator, Fault};
use std::time::Duration;

async fn emulator() -> Emulator {
    Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator starts")
}

fn client(emulator: &Emulator) -> cds_ccs::Client {
    let config = emulator
        .config_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("config");
    cds_ccs::Client::new(&config)
}

async fn read(
    client: &cds_ccs::Client,
) -> Result<cds_ccs::operation::describe_task::DescribeTaskOutput, Error> {
    client.describe_task().task_id("t-1").send().await
}

async fn create(
    client: &cds_ccs::Client,
) -> Result<cds_ccs::operation::create_instance::CreateInstanceOutput, Error> {
    client
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("vdc-1")
        .password("pw")
        .instance_name("web")
        .cpu(2)
        .ram(4)
        .instance_type("Standard")
        .send()
        .await
}

#[tokio::test]
async fn status_503_retries_a_read_but_not_a_create() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.inject("DescribeTask", Fault::Status(503), 1);
    read(&client).await.expect("the retry succeeds");
    assert_eq!(emu.requests_for("DescribeTask").len(), 2);

    emu.inject("CreateInstance", Fault::Status(503), 1);
    let err = create(&client).await.expect_err("no retry for a create");
    assert_eq!(
        emu.requests_for("CreateInstance").len(),
        1,
        "a create is sent exactly once"
    );
    let service = err.as_service().expect("a service error");
    assert_eq!((service.status, service.operation), (503, "CreateInstance"));
    assert!(service.request_id.is_some());
}

#[tokio::test]
async fn retries_are_bounded() {
    let emu = emulator().await;
    emu.inject("DescribeTask", Fault::Status(500), 10);
    let err = read(&client(&emu))
        .await
        .expect_err("still failing after 3 attempts");
    assert_eq!(emu.requests_for("DescribeTask").len(), 3);
    assert_eq!(err.as_service().map(|s| s.status), Some(500));
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let emu = emulator().await;
    let config = emu
        .config_builder()
        .retry(cds_core::RetryConfig::disabled())
        .build()
        .expect("config");
    emu.inject("DescribeTask", Fault::Status(503), 1);
    read(&cds_ccs::Client::new(&config))
        .await
        .expect_err("no retry");
    assert_eq!(emu.requests_for("DescribeTask").len(), 1);
}

#[tokio::test]
async fn every_attempt_is_signed_anew() {
    let emu = emulator().await;
    emu.inject("DescribeTask", Fault::Status(503), 2);
    read(&client(&emu)).await.expect("third attempt succeeds");
    let nonces: Vec<_> = emu
        .requests_for("DescribeTask")
        .iter()
        .map(|r| r.query_param("SignatureNonce").expect("nonce").to_string())
        .collect();
    assert_eq!(nonces.len(), 3);
    assert!(
        nonces[0] != nonces[1] && nonces[1] != nonces[2] && nonces[0] != nonces[2],
        "{nonces:?}"
    );
}

#[tokio::test]
async fn delay_beyond_the_timeout_retries_a_read_but_not_a_create() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.inject("DescribeTask", Fault::Delay(Duration::from_secs(2)), 1);
    read(&client).await.expect("the retry succeeds");
    assert_eq!(emu.requests_for("DescribeTask").len(), 2);

    emu.inject("CreateInstance", Fault::Delay(Duration::from_secs(2)), 1);
    let err = create(&client).await.expect_err("timed out");
    assert!(
        matches!(
            err,
            Error::Transport {
                timed_out: true,
                not_sent: false,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emu.requests_for("CreateInstance").len(), 1);
}

#[tokio::test]
async fn malformed_json_is_an_error_naming_operation_status_request_id_and_body() {
    let emu = emulator().await;
    emu.inject("DescribeTask", Fault::MalformedJson, 1);
    let err = read(&client(&emu)).await.expect_err("malformed");
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    let text = err.to_string();
    for needle in ["DescribeTask", "200", "emu-", "{\"Code\": \"Success\""] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    assert_eq!(
        emu.requests_for("DescribeTask").len(),
        1,
        "a complete but malformed answer is not retried"
    );
}

#[tokio::test]
async fn non_json_body_is_an_error_quoting_its_start() {
    let emu = emulator().await;
    emu.inject("DescribeTask", Fault::NonJson, 1);
    let err = read(&client(&emu)).await.expect_err("html");
    let text = err.to_string();
    assert!(text.contains("<html><body><h1>502 Bad Gateway"), "{text}");
    assert!(
        err.request_id().is_some_and(|id| id.starts_with("emu-")),
        "{err:?}"
    );
}

#[tokio::test]
async fn truncated_body_retries_a_read_but_not_a_create() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.inject("DescribeTask", Fault::TruncatedBody, 1);
    read(&client).await.expect("the retry succeeds");
    assert_eq!(emu.requests_for("DescribeTask").len(), 2);

    emu.inject("CreateInstance", Fault::TruncatedBody, 1);
    let err = create(&client).await.expect_err("truncated");
    assert!(
        matches!(
            err,
            Error::Transport {
                not_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emu.requests_for("CreateInstance").len(), 1);
}

#[tokio::test]
async fn connection_closed_mid_response_retries_a_read_but_not_a_create() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.inject("DescribeTask", Fault::CloseMidResponse, 2);
    read(&client).await.expect("the third attempt succeeds");
    assert_eq!(emu.requests_for("DescribeTask").len(), 3);

    emu.inject("CreateInstance", Fault::CloseMidResponse, 1);
    let err = create(&client).await.expect_err("closed");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(emu.requests_for("CreateInstance").len(), 1);
}

#[tokio::test]
async fn a_create_that_never_left_is_retried() {
    // Nothing listens on this port: every attempt fails to connect, so the create is retried.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let config = cds_core::Config::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(cds_core::Credentials::new("id", "secret"))
        .retry(
            cds_core::RetryConfig::new()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("config");
    let err = create(&cds_ccs::Client::new(&config))
        .await
        .expect_err("nobody listens");
    assert!(
        matches!(
            err,
            Error::Transport {
                not_sent: true,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
}
