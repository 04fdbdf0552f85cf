//! Emulator behaviour beyond the resource model: fault rules, compatible mode and `+` in
//! queries, the state file, deterministic ids, resets.

mod common;

use common::{emulator, items, json, text, FAST};
use std::time::Duration;

async fn make_vdc(net: &cds_network::Client, name: &str) -> String {
    let task = net
        .create_vdc()
        .region_id("CN_Beijing_A")
        .vdc_name(name)
        .send()
        .await
        .unwrap();
    let done = net
        .wait_for_task(task.task_id.unwrap())
        .poll_interval(FAST.0, FAST.1)
        .send()
        .await
        .unwrap();
    text(&done, "/Data/ResourceId")
}

#[tokio::test]
async fn same_seed_same_ids_and_reset_starts_over() {
    let a = emulator(&[&cds_network::meta::LINE], Duration::ZERO).await;
    let b = emulator(&[&cds_network::meta::LINE], Duration::ZERO).await;
    let id_a = make_vdc(&cds_network::Client::new(&a.config()), "x").await;
    let id_b = make_vdc(&cds_network::Client::new(&b.config()), "x").await;
    assert_eq!(id_a, id_b);
    assert_eq!(a.resource_count(), 1);
    a.reset_resources();
    assert_eq!(a.resource_count(), 0);
    let again = make_vdc(&cds_network::Client::new(&a.config()), "x").await;
    assert_eq!(again, id_a, "ids start over from the seed after a reset");
    let other_seed = cds_emulator::Emulator::builder(&[&cds_network::meta::LINE])
        .seed(1)
        .start()
        .await
        .unwrap();
    let id_c = make_vdc(&cds_network::Client::new(&other_seed.config()), "x").await;
    assert_ne!(id_c, id_a);
}

#[tokio::test]
async fn state_file_round_trip_and_version_check() {
    let dir = std::env::temp_dir().join(format!("cds-emulator-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let a = emulator(&[&cds_network::meta::LINE], Duration::ZERO).await;
    let id = make_vdc(&cds_network::Client::new(&a.config()), "kept").await;
    a.save_state(&path).expect("saves");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["format"], cds_emulator::STATE_FORMAT);
    assert_eq!(doc["version"], cds_emulator::STATE_VERSION);
    assert!(
        std::fs::read_dir(&dir).unwrap().count() == 1,
        "no temporary file left behind"
    );

    let b = emulator(&[&cds_network::meta::LINE], Duration::ZERO).await;
    b.load_state(&path).expect("loads");
    let net = cds_network::Client::new(&b.config());
    let listed = json(&net.describe_vdc().vdc_id(id.clone()).send().await.unwrap());
    assert_eq!(items(&listed, "/Data")[0]["VdcName"], "kept");
    let next = make_vdc(&net, "new").await;
    assert_ne!(next, id, "the id counter is restored too");

    let mut future = doc.clone();
    future["version"] = serde_json::json!(cds_emulator::STATE_VERSION + 1);
    std::fs::write(&path, future.to_string()).unwrap();
    let err = b.load_state(&path).expect_err("a newer format is refused");
    assert!(err.to_string().contains("version"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn fault_rules_answer_status_code_and_retry_after_reproducibly() {
    let rule = cds_emulator::FaultRule::parse(
        "line=network,op=DescribeVdc,p=0.5,status=503,code=ServiceBusy,retry-after=7",
    )
    .unwrap();
    let run = |seed: u64| {
        let rule = rule.clone();
        async move {
            let emu = cds_emulator::Emulator::builder(&[&cds_network::meta::LINE])
                .fault_rule(rule)
                .fault_seed(seed)
                .start()
                .await
                .unwrap();
            // No retries: every draw is visible.
            let config = emu
                .config_builder()
                .retry(cds_core::RetryConfig::new().max_attempts(1))
                .build()
                .unwrap();
            let net = cds_network::Client::new(&config);
            let mut outcome = Vec::new();
            for _ in 0..16 {
                outcome.push(net.describe_vdc().send().await.is_ok());
            }
            // Other operations are not matched.
            net.create_vdc()
                .region_id("r")
                .send()
                .await
                .expect("CreateVdc is not hit");
            let hit = emu
                .requests_for("DescribeVdc")
                .into_iter()
                .find(|r| r.status == 503)
                .expect("some hit");
            assert_eq!(hit.rejected.as_deref(), Some("ServiceBusy"));
            (outcome, emu)
        }
    };
    let (first, emu) = run(11).await;
    let (second, _) = run(11).await;
    assert_eq!(first, second, "same seed, same faults");
    assert!(
        first.iter().any(|ok| *ok) && first.iter().any(|ok| !ok),
        "p=0.5 hits some: {first:?}"
    );
    // The Retry-After header, seen by a plain HTTP client.
    emu.clear_fault_rules();
    emu.add_fault_rule(cds_emulator::FaultRule::parse("status=429,retry-after=3").unwrap());
    let bx = cds_emulator::Emulator::builder(&[&cds_bridgx::meta::LINE])
        .fault_rule(cds_emulator::FaultRule::parse("line=bridgx,status=503,retry-after=3").unwrap())
        .start()
        .await
        .unwrap();
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/cluster/describe_all", bx.base_url()))
        .header(
            "authorization",
            format!("Bearer {}", cds_emulator::BEARER_TOKEN),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("3")
    );
    let net = cds_network::Client::new(
        &emu.config_builder()
            .retry(cds_core::RetryConfig::new().max_attempts(1))
            .build()
            .unwrap(),
    );
    let err = net.describe_vdc().send().await.expect_err("faulted");
    assert_eq!(err.as_service().map(|s| s.status), Some(429));
    let seen = emu.requests_for("DescribeVdc");
    assert_eq!(seen.last().map(|r| r.status), Some(429));
}

#[tokio::test]
async fn compatible_mode_accepts_body_parameters_in_the_query_and_plus_as_space() {
    use cds_emulator::verify::{expected_signature, rfc3986};
    // A hand-signed request, as the vendor's Python SDK sends it: the body parameter VdcName
    // also in the signed query, a space form-encoded as `+`.
    async fn send(emu: &cds_emulator::Emulator, nonce: &str) -> reqwest::Response {
        let ts = {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            time_fmt(now)
        };
        let mut params: Vec<(String, String)> = [
            ("Action", "CreateVdc"),
            ("AccessKeyId", cds_emulator::ACCESS_KEY_ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", ts.as_str()),
            ("Version", "2019-08-08"),
            ("RegionId", "CN_Beijing_A"),
            ("VdcName", "my vdc"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sig = expected_signature("POST", &params, cds_emulator::ACCESS_KEY_SECRET);
        params.push(("Signature".into(), sig));
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v).replace("%20", "+")))
            .collect();
        reqwest::Client::new()
            .post(format!("{}/network?{}", emu.base_url(), query.join("&")))
            .header("content-type", "application/json")
            .body(r#"{"RegionId": "CN_Beijing_A", "VdcName": "my vdc"}"#)
            .send()
            .await
            .unwrap()
    }
    fn time_fmt(secs: i64) -> String {
        let t = time_from(secs);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.0, t.1, t.2, t.3, t.4, t.5
        )
    }
    fn time_from(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Civil from days (Howard Hinnant).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    let strict = emulator(&[&cds_network::meta::LINE], Duration::ZERO).await;
    let resp = send(&strict, "n-1").await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(
        body["Code"], "InvalidParameter.Unknown",
        "strict: the signature passes (+ is a space), the location does not"
    );

    let compatible = cds_emulator::Emulator::builder(&[&cds_network::meta::LINE])
        .mode(cds_emulator::Mode::Compatible)
        .start()
        .await
        .unwrap();
    let resp = send(&compatible, "n-2").await;
    assert_eq!(resp.status(), 200);
    let seen = compatible.requests_for("CreateVdc");
    assert_eq!(seen[0].query_param("VdcName"), Some("my vdc"));
    let net = cds_network::Client::new(&compatible.config());
    let listed = json(&net.describe_vdc().send().await.unwrap());
    assert_eq!(items(&listed, "/Data")[0]["VdcName"], "my vdc");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_from_several_tenants() {
    let emu = std::sync::Arc::new(emulator(&[&cds_network::meta::LINE], Duration::ZERO).await);
    let mut handles = Vec::new();
    for t in 0..4 {
        for n in 0..10 {
            let emu = emu.clone();
            handles.push(tokio::spawn(async move {
                let net = cds_network::Client::new(&emu.tenant_config(&format!("t{t}")));
                make_vdc(&net, &format!("vdc-{t}-{n}")).await
            }));
        }
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40, "every create got its own id");
    for t in 0..4 {
        let net = cds_network::Client::new(&emu.tenant_config(&format!("t{t}")));
        let mine = items(&json(&net.describe_vdc().send().await.unwrap()), "/Data");
        assert_eq!(mine.len(), 10, "tenant t{t} sees exactly its own VDCs");
        assert!(mine.iter().all(|v| v["VdcName"]
            .as_str()
            .unwrap()
            .starts_with(&format!("vdc-{t}-"))));
    }
    let default_tenant = cds_network::Client::new(&emu.config());
    assert!(items(
        &json(&default_tenant.describe_vdc().send().await.unwrap()),
        "/Data"
    )
    .is_empty());
}

#[tokio::test]
async fn overrides_replace_change_or_break_answers_and_every_answer_has_a_date() {
    use cds_emulator::Override;
    let emu = cds_emulator::Emulator::builder(&[&cds_network::meta::LINE, &cds_bridgx::meta::LINE])
        .start()
        .await
        .unwrap();
    // An unknown operation name is an error at registration, not a rule that never fires.
    let err = emu
        .add_override(Override::named("DescribeVdcs").status(500))
        .unwrap_err();
    assert!(err.to_string().contains("DescribeVdcs"), "{err}");
    assert!(emu
        .add_override(Override::named("ListClusters").line("network"))
        .is_err());
    // A typed handle.
    emu.add_override(
        Override::operation(&cds_network::meta::DESCRIBE_VDC)
            .times(1)
            .status(503)
            .code("ServiceBusy")
            .retry_after(4),
    )
    .unwrap();
    let http = reqwest::Client::new();
    let net = cds_network::Client::new(
        &emu.config_builder()
            .retry(cds_core::RetryConfig::new().max_attempts(1))
            .build()
            .unwrap(),
    );
    let err = net.describe_vdc().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ServiceBusy"));
    // Drift through an edit of the faithful answer: a renamed field.
    let id = emu
        .add_override(Override::named("DescribeVdc").edit(|body| {
            body["Renamed"] = body["Data"].take();
        }))
        .unwrap();
    let raw = net.describe_vdc().send().await.unwrap();
    assert!(raw.data.is_none(), "the payload moved to Renamed");
    let seen = emu.requests_for("DescribeVdc");
    assert!(seen.last().unwrap().response.get("Renamed").is_some());
    assert!(emu.remove_override(id));
    // The line's envelope around data of one's own.
    emu.add_override(
        Override::named("DescribeVdc")
            .times(1)
            .data(serde_json::json!([{"VdcId": "v-x", "VdcName": "scripted"}])),
    )
    .unwrap();
    let listed = json(&net.describe_vdc().send().await.unwrap());
    assert_eq!(items(&listed, "/Data")[0]["VdcName"], "scripted");
    // Malformed JSON in BridgX's envelope (integer code, lower-case fields), with a Date.
    emu.add_override(Override::named("ListClusters").times(1).malformed_json())
        .unwrap();
    let resp = http
        .get(format!("{}/api/v1/cluster/describe_all", emu.base_url()))
        .header(
            "authorization",
            format!("Bearer {}", cds_emulator::BEARER_TOKEN),
        )
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("date").is_some(), "faults carry a Date");
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("{\"code\": 200"), "{text}");
    // Refusals carry a Date too.
    let resp = http
        .get(format!("{}/network?Action=DescribeVdc", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.headers().get("date").is_some());
    // The most recent matching override answers; `times` runs out.
    emu.add_override(Override::named("DescribeVdc").status(500))
        .unwrap();
    emu.add_override(Override::named("DescribeVdc").times(1).status(502))
        .unwrap();
    let codes: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..2 {
            let e = net.describe_vdc().send().await.unwrap_err();
            v.push(e.as_service().unwrap().status);
        }
        v
    };
    assert_eq!(codes, [502, 500]);
}
