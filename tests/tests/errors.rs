//! Bad input and service errors: reported clearly, never a panic, never a request too many.

use cds_core::Error;
use cds_emulator::Emulator;
use serde_json::json;

#[tokio::test]
async fn a_missing_required_parameter_is_reported_before_any_request() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_ccs::Client::new(&emu.config());
    let err = client
        .describe_task()
        .send()
        .await
        .expect_err("TaskId is required");
    assert!(
        matches!(
            err,
            Error::MissingParameter {
                operation: "DescribeTask",
                parameter: "TaskId"
            }
        ),
        "{err:?}"
    );
    assert!(emu.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_missing_path_parameter_is_reported_before_any_request() {
    let emu = Emulator::start(&[&cds_bridgx::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_bridgx::Client::new(&emu.config());
    let err = client.get_vpc().send().await.expect_err("id is required");
    assert!(
        matches!(
            err,
            Error::MissingParameter {
                parameter: "id",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn service_errors_carry_code_message_status_and_request_id() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    emu.script(
        "DescribeTask",
        400,
        json!({"Code": "InvalidTaskID.Malformed", "Message": "The specified parameter \"TaskID\" is not valid.", "RequestId": "req-123"}),
        Some(1),
    );
    let client = cds_ccs::Client::new(&emu.config());
    let err = client
        .describe_task()
        .task_id("bad")
        .send()
        .await
        .expect_err("scripted failure");
    let service = err.as_service().expect("service error");
    assert_eq!(
        cds_ccs::ErrorCode::of(&err),
        Some(cds_ccs::ErrorCode::InvalidTaskIdMalformed)
    );
    assert_eq!(
        cds_ccs::ErrorCode::InvalidTaskIdMalformed.as_str(),
        service.code
    );
    assert_eq!(service.status, 400);
    assert_eq!(service.request_id.as_deref(), Some("req-123"));
    let text = err.to_string();
    assert!(
        text.contains("DescribeTask")
            && text.contains("InvalidTaskID.Malformed")
            && text.contains("req-123"),
        "{text}"
    );
}

#[tokio::test]
async fn a_failure_code_with_http_200_is_an_error() {
    let emu = Emulator::start(&[&cds_billing::meta::LINE])
        .await
        .expect("emulator");
    emu.script(
        "DescribeAccountInfo",
        200,
        json!({"Code": "AccountFrozen", "Message": "frozen"}),
        None,
    );
    let client = cds_billing::Client::new(&emu.config());
    let err = client
        .describe_account_info()
        .send()
        .await
        .expect_err("failure code");
    assert_eq!(err.code(), Some("AccountFrozen"));
}

#[tokio::test]
async fn lower_case_success_code_is_success() {
    // DescribeAccountInfo's documented example answers "Code": "success".
    let emu = Emulator::start(&[&cds_billing::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_billing::Client::new(&emu.config());
    let out = client
        .describe_account_info()
        .send_with_response()
        .await
        .expect("success");
    assert_eq!(out.raw()["Code"], "success");
    assert!(out.output.data.is_some());
}

#[tokio::test]
async fn bridgx_integer_codes_and_bearer_token() {
    let emu = Emulator::start(&[&cds_bridgx::meta::LINE])
        .await
        .expect("emulator");
    let client = cds_bridgx::Client::new(&emu.config());
    client
        .list_clusters()
        .send()
        .await
        .expect("documented example");
    let seen = emu.requests();
    assert_eq!(
        seen[0].headers.get("authorization").map(String::as_str),
        Some("Bearer emulator-bearer-token")
    );

    let wrong = emu
        .config_builder()
        .bearer_token("wrong")
        .build()
        .expect("config");
    let err = cds_bridgx::Client::new(&wrong)
        .list_clusters()
        .send()
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), Some("401"), "{err:?}");
    assert!(
        !err.to_string().contains("wrong"),
        "the token is not echoed"
    );
}

#[tokio::test]
async fn cecstack_sends_the_region_header_and_pluggable_auth() {
    let emu = Emulator::start(&[&cds_cecstack_ecs::meta::LINE])
        .await
        .expect("emulator");
    let config = emu
        .config_builder()
        .authenticator(cds_core::auth::StaticHeaders::new().header("X-Auth-Token", "t0k"))
        .build()
        .expect("config");
    let client = cds_cecstack_ecs::Client::new(&config);
    client
        .get_instance()
        .ecs_id("ecs-1 a/b")
        .send()
        .await
        .expect("documented example");
    let seen = emu.requests();
    assert_eq!(
        seen[0].headers.get("x-regionid").map(String::as_str),
        Some(cds_emulator::REGION_ID)
    );
    assert_eq!(
        seen[0].headers.get("x-auth-token").map(String::as_str),
        Some("t0k")
    );
    assert_eq!(seen[0].path, "/api/ecs/v1/instances/ecs-1%20a%2Fb");
    assert_eq!(
        seen[0].path_params.get("ecsId").map(String::as_str),
        Some("ecs-1 a/b")
    );
}

#[tokio::test]
async fn rest_lines_need_an_endpoint() {
    let config = cds_core::Config::builder()
        .bearer_token("t")
        .build()
        .expect("config");
    let err = cds_bridgx::Client::new(&config)
        .list_clusters()
        .send()
        .await
        .expect_err("no endpoint");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}
