//! Values aimed at the signer's and the path encoder's boundaries, sent through the SDK's
//! runtime to the emulator in strict mode: each request is accepted (its signature verifies
//! with the emulator's independent verifier) and each value arrives exactly as given, for RPC
//! queries (GET) and bodies (POST), REST path and query labels, and the bearer and pluggable
//! lines.

use cds_core::operation::{LineDescription, Operation};
use cds_core::ServiceClient;
use cds_emulator::Emulator;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// One emulator of the lines under test, on a runtime of its own, for every case.
struct Rig {
    runtime: tokio::runtime::Runtime,
    emulator: Emulator,
}

fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let lines: [&'static LineDescription; 3] = [
            &cds_ccs::meta::LINE,
            &cds_cecstack_ecs::meta::LINE,
            &cds_bridgx::meta::LINE,
        ];
        let emulator = runtime
            .block_on(Emulator::builder(&lines).stateful(false).start())
            .expect("emulator");
        Rig { runtime, emulator }
    })
}

fn operation(line: &'static LineDescription, name: &str) -> &'static Operation {
    line.operations
        .iter()
        .copied()
        .find(|op| op.name == name)
        .unwrap_or_else(|| panic!("{} has no operation {name}", line.service.product))
}

/// Sends `input` to `op` of `line` and returns what the emulator recorded of it.
fn send(line: &'static LineDescription, op: &str, input: Value) -> cds_emulator::RecordedRequest {
    let rig = rig();
    let op = operation(line, op);
    let client = ServiceClient::new(&rig.emulator.config(), line.service);
    let before = rig.emulator.requests_for(op.name).len();
    let result = rig.runtime.block_on(client.execute_value(op, input));
    let recorded = rig.emulator.requests_for(op.name);
    assert_eq!(
        recorded.len(),
        before + 1,
        "{} reached the emulator once",
        op.name
    );
    let last = recorded.last().cloned().expect("recorded");
    // Accepted: whatever the operation answers, it is not an authentication refusal.
    if let Err(e) = &result {
        let code = e.code().unwrap_or("");
        assert!(
            !code.contains("Signature") && !code.contains("Auth") && !code.contains("Unauthorized"),
            "{} refused: {e}",
            op.name
        );
    }
    assert!(
        last.rejected
            .as_deref()
            .is_none_or(|c| !c.contains("Signature")),
        "{:?}",
        last.rejected
    );
    last
}

fn query_value(recorded: &cds_emulator::RecordedRequest, name: &str) -> Option<String> {
    recorded
        .query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A value built from unreserved ASCII and each reserved byte, control bytes and
/// multi-byte text; never empty and never only dots (a path refuses those before sending).
fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z0-9._~-]{1,4}",
        3 => prop::sample::select(vec!["=", "&", "+", "%", " ", "/", ":", "?", "#", "[", "]", "@", "!", "$", "'", "(", ")", "*", ",", ";", "~", "%2B", "%20"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["\t", "\u{1}", "\u{7f}"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["中文", "é", "😀", "ﬀ"]).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 1..5)
        .prop_map(|p| p.concat())
        .prop_filter("not empty or dots only", |v| !v.chars().all(|c| c == '.'))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rpc_get_query_values_arrive_and_verify(a in value(), b in value()) {
        let got = send(&cds_ccs::meta::LINE, "DescribeAvailableResource", json!({"RegionId": a, "AvailableResource": b}));
        prop_assert_eq!(query_value(&got, "RegionId"), Some(a));
        prop_assert_eq!(query_value(&got, "AvailableResource"), Some(b));
        prop_assert_eq!(got.method, "GET");
    }

    #[test]
    fn rpc_post_body_values_arrive_and_verify(id in value(), name in value()) {
        let got = send(&cds_ccs::meta::LINE, "ModifyInstanceName", json!({"InstanceId": id, "InstanceName": name}));
        prop_assert_eq!(got.method, "POST");
        let body = got.body.unwrap_or(Value::Null);
        prop_assert_eq!(&body["InstanceId"], &json!(id));
        prop_assert_eq!(&body["InstanceName"], &json!(name));
    }

    #[test]
    fn pluggable_rest_path_and_query_labels_arrive(template in value(), ecs in value(), node in value()) {
        let got = send(&cds_cecstack_ecs::meta::LINE, "GetTemplate", json!({"templateId": template}));
        prop_assert_eq!(got.path_params.get("templateId"), Some(&template));
        let got = send(&cds_cecstack_ecs::meta::LINE, "ListUsbDevices", json!({"ecsId": ecs, "nodeName": node}));
        prop_assert_eq!(query_value(&got, "ecsId"), Some(ecs));
        prop_assert_eq!(query_value(&got, "nodeName"), Some(node));
    }

    #[test]
    fn bearer_rest_path_and_query_labels_arrive(id in value(), vpc in value()) {
        let got = send(&cds_bridgx::meta::LINE, "GetSubnet", json!({"id": id, "vpc_id": vpc}));
        prop_assert_eq!(got.path_params.get("id"), Some(&id));
        prop_assert_eq!(query_value(&got, "vpc_id"), Some(vpc));
    }
}

/// The values of the issue that found the defect, through the typed client.
#[test]
fn base64_and_ampersand_task_ids_are_accepted() {
    let rig = rig();
    let ccs = cds_ccs::Client::new(&rig.emulator.config());
    for id in ["dGVzdA==", "a&b", "a=b&c=d", "x y+z%", "任务=1"] {
        let result = rig.runtime.block_on(ccs.describe_task().task_id(id).send());
        if let Err(e) = &result {
            assert!(!e.code().unwrap_or("").contains("Signature"), "{id:?}: {e}");
        }
        let recorded = rig.emulator.requests_for("DescribeTask");
        let last = recorded.last().expect("recorded");
        assert_eq!(query_value(last, "TaskId").as_deref(), Some(id));
    }
}
