//! Compatible mode reads requests as a lenient server does, exactly as the vendor's Python
//! SDK sends them: lower-case duplicates of the common parameters (`service`, `version`,
//! `action`), lists and objects flattened into the query (`InstanceIds.0`, `SystemDisk.Type`,
//! `DataDisks.0.Size`), and undocumented parameters, which are ignored and reported (request
//! log and `X-Emulator-Ignored`). Strict mode refuses every one of them.

mod common;

use common::{items, json, text, FAST};
use serde_json::{json, Value};

/// A request signed with cds-core's signer: `params` in the signed query, `body` as JSON.
async fn send(
    emu: &cds_emulator::Emulator,
    path: &str,
    action: &str,
    params: &[(&str, &str)],
    body: Value,
) -> (u16, Option<String>, Value) {
    static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nonce = format!(
        "compat-{}",
        NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let ts = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap();
    let mut all: Vec<(&str, &str)> = vec![
        ("Action", action),
        ("AccessKeyId", cds_emulator::ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", &nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", &ts),
        ("Version", "2019-08-08"),
    ];
    all.extend_from_slice(params);
    let query = cds_core::sign::signed_query("POST", &all, cds_emulator::ACCESS_KEY_SECRET);
    let r = reqwest::Client::new()
        .post(format!("{}{path}?{query}", emu.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ignored = r
        .headers()
        .get("x-emulator-ignored")
        .map(|v| v.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    (status, ignored, serde_json::from_str(&text).unwrap())
}

async fn emulator(mode: cds_emulator::Mode) -> cds_emulator::Emulator {
    cds_emulator::Emulator::builder(&[&cds_ccs::meta::LINE, &cds_network::meta::LINE])
        .mode(mode)
        .start()
        .await
        .unwrap()
}

async fn vdc(emu: &cds_emulator::Emulator) -> String {
    let net = cds_network::Client::new(&emu.config());
    let task = net
        .create_vdc()
        .region_id("CN_Beijing_A")
        .vdc_name("py")
        .send()
        .await
        .unwrap()
        .task_id
        .unwrap();
    let done = net
        .wait_for_task(task)
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    text(&done, "/Data/ResourceId")
}

/// CreateInstance as the Python SDK sends it.
fn python_create(vdc: &str) -> (Vec<(&'static str, String)>, Value) {
    let query = vec![
        ("service", "ccs".to_string()),
        ("version", "2019-08-08".to_string()),
        ("action", "CreateInstance".to_string()),
        ("SystemDisk.Type", "ssd_system_disk".to_string()),
        ("SystemDisk.Size", "80".to_string()),
        ("DataDisks.0.Type", "ssd_disk".to_string()),
        ("DataDisks.0.Size", "100".to_string()),
        ("DataDisks.1.Size", "200".to_string()),
        ("ClientToken", "not-in-any-document".to_string()),
    ];
    let body = json!({
        "RegionId": "CN_Beijing_A",
        "VdcId": vdc,
        "Password": "Passw0rd!",
        "InstanceName": "py",
        "Cpu": 2,
        "Ram": 4,
        "InstanceType": "Standard",
        "NotDocumentedEither": true,
    });
    (query, body)
}

#[tokio::test]
async fn compatible_mode_reads_the_python_sdk_wire_forms_and_reports_what_it_ignores() {
    let emu = emulator(cds_emulator::Mode::Compatible).await;
    let vdc = vdc(&emu).await;
    let (query, body) = python_create(&vdc);
    let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, ignored, answer) = send(&emu, "/ccs", "CreateInstance", &q, body).await;
    assert_eq!(status, 200, "{answer}");
    let ignored = ignored.expect("X-Emulator-Ignored");
    for name in [
        "service",
        "version",
        "action",
        "ClientToken",
        "NotDocumentedEither",
    ] {
        assert!(ignored.contains(name), "{name} in {ignored}");
    }
    assert!(!ignored.contains("SystemDisk"), "{ignored}");
    let logged = emu.requests_for("CreateInstance");
    assert_eq!(logged.last().unwrap().ignored.len(), 5, "{:?}", logged);

    // The flattened objects and lists were read as the documented parameters.
    let ccs = cds_ccs::Client::new(&emu.config());
    ccs.wait_for_task(answer["TaskId"].as_str().unwrap())
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    let listed = json(&ccs.describe_instances().send().await.unwrap());
    let instances = items(&listed, "/Data/Instances");
    assert_eq!(instances.len(), 1, "{listed}");
    let i = &instances[0];
    assert_eq!(i["Disks"]["SystemDisk"]["Size"], 80, "{i}");
    let disks = items(i, "/Disks/DataDisks");
    let sizes: Vec<&Value> = disks.iter().map(|d| &d["Size"]).collect();
    assert_eq!(sizes, [&json!(100), &json!(200)], "{i}");
    let id = i["InstanceId"].as_str().unwrap().to_string();

    // A list flattened into the query: InstanceIds.0.
    let (status, ignored, answer) = send(
        &emu,
        "/ccs",
        "StopInstances",
        &[("InstanceIds.0", &id), ("action", "StopInstances")],
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(ignored.as_deref(), Some("action"));
    let task = answer["TaskId"].as_str().map(str::to_string);
    if let Some(task) = task {
        ccs.wait_for_task(task)
            .poll_interval(FAST.0, FAST.1)
            .send()
            .await
            .unwrap();
    }
    let shown = json(
        &ccs.describe_instances()
            .instance_id(&id)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        items(&shown, "/Data/Instances")[0]["InstanceStatus"],
        "stop",
        "{shown}"
    );
}

#[tokio::test]
async fn strict_mode_refuses_the_same_wire_forms() {
    let emu = emulator(cds_emulator::Mode::Strict).await;
    let vdc = vdc(&emu).await;
    let (query, body) = python_create(&vdc);
    // Each form alone is refused.
    for (k, v) in &query {
        let (status, ignored, answer) = send(
            &emu,
            "/ccs",
            "CreateInstance",
            &[(*k, v.as_str())],
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "{k}: {answer}");
        assert_eq!(answer["Code"], "InvalidParameter.Unknown", "{k}: {answer}");
        assert!(ignored.is_none());
    }
    let mut only_documented = body.clone();
    only_documented
        .as_object_mut()
        .unwrap()
        .remove("NotDocumentedEither");
    let (status, _, answer) = send(&emu, "/ccs", "CreateInstance", &[], only_documented).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _, answer) = send(&emu, "/ccs", "CreateInstance", &[], body).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["Code"], "InvalidParameter.Unknown");
}
