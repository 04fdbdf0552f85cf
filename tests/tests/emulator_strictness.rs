//! The emulator is strict like the real thing: signature, timestamp, nonce, parameters.

use cds_emulator::{Emulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use serde_json::Value;

fn common(nonce: &str, timestamp: &str) -> Vec<(String, String)> {
    [
        ("Action", "DescribeTask"),
        ("AccessKeyId", ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", "2019-08-08"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn now() -> String {
    cds_core::sign::current_timestamp()
}

async fn send(emu: &Emulator, params: &[(String, String)], secret: &str) -> (u16, Value) {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let query = cds_core::sign::signed_query("GET", &pairs, secret);
    let url = format!("{}/ccs/?{query}", emu.base_url());
    let response = reqwest::get(url).await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).expect("json"))
}

#[tokio::test]
async fn accepts_a_correct_request_once() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    let mut params = common("n-1", &now());
    params.push(("TaskId".into(), "t".into()));
    let (status, body) = send(&emu, &params, ACCESS_KEY_SECRET).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(&emu, &params, ACCESS_KEY_SECRET).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureNonceUsed")),
        "replayed nonce"
    );
}

#[tokio::test]
async fn rejects_a_wrong_signature_a_stale_timestamp_and_missing_parameters() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    let mut params = common("n-2", &now());
    params.push(("TaskId".into(), "t".into()));
    let (_, body) = send(&emu, &params, "not-the-secret").await;
    assert_eq!(body["Code"], "SignatureDoesNotMatch");

    let mut stale = common("n-3", "2018-01-01T12:00:00Z");
    stale.push(("TaskId".into(), "t".into()));
    let (_, body) = send(&emu, &stale, ACCESS_KEY_SECRET).await;
    assert_eq!(body["Code"], "InvalidTimeStamp.Expired");

    let (_, body) = send(&emu, &common("n-4", &now()), ACCESS_KEY_SECRET).await;
    assert_eq!(body["Code"], "MissingParameter");
    assert!(body["Message"]
        .as_str()
        .is_some_and(|m| m.contains("TaskId")));

    let mut unknown = common("n-5", &now());
    unknown.push(("TaskId".into(), "t".into()));
    unknown.push(("Bogus".into(), "1".into()));
    let (_, body) = send(&emu, &unknown, ACCESS_KEY_SECRET).await;
    assert_eq!(body["Code"], "InvalidParameter.Unknown");
}

#[tokio::test]
async fn rejects_a_body_parameter_sent_in_the_query_and_a_wrong_type() {
    let emu = Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    // CreateInstance documents its parameters in the JSON body; Cpu is an integer.
    let mut params = common("n-6", &now());
    params[0].1 = "CreateInstance".into();
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let query = cds_core::sign::signed_query("POST", &pairs, ACCESS_KEY_SECRET);
    let body = serde_json::json!({"RegionId": "r", "VdcId": "v", "Password": "p", "InstanceName": "n", "Cpu": "four", "Ram": 4, "InstanceType": "Standard"});
    let response = reqwest::Client::new()
        .post(format!("{}/ccs/?{query}", emu.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let answer: Value = serde_json::from_str(&response.text().await.expect("body")).expect("json");
    assert_eq!(answer["Code"], "InvalidParameter", "{answer}");
    assert!(answer["Message"]
        .as_str()
        .is_some_and(|m| m.contains("Cpu")));
}
