//! Response bodies built from the documented examples.

use serde_json::Value;

/// A `DescribeInstances` answer listing `n` instances: the documented example's first
/// instance repeated, each with its own id and name (500 instances are about 300 KB).
pub fn describe_instances(n: usize) -> Vec<u8> {
    let mut body: Value = match serde_json::from_str(cds_ccs::examples::DESCRIBE_INSTANCES_1) {
        Ok(v) => v,
        Err(e) => panic!("the documented example is JSON: {e}"),
    };
    let Some(first) = body.pointer("/Data/Instances/0").cloned() else {
        panic!("the documented example lists an instance")
    };
    let instances: Vec<Value> = (0..n)
        .map(|i| {
            let mut instance = first.clone();
            instance["InstanceId"] = Value::from(format!("e0dfea2e-a7b6-11e9-a7ea-{i:012}"));
            instance["InstanceName"] = Value::from(format!("web-{i}"));
            instance
        })
        .collect();
    body["Data"]["Instances"] = Value::from(instances);
    body["Data"]["InstanceTotal"] = Value::from(n);
    body["RequestId"] = Value::from("bench-request");
    body.to_string().into_bytes()
}

/// The documented `DescribeAccountInfo` answer (a small read), compacted.
pub fn describe_account_info() -> Vec<u8> {
    match serde_json::from_str::<Value>(cds_billing::examples::DESCRIBE_ACCOUNT_INFO_1) {
        Ok(v) => v.to_string().into_bytes(),
        Err(e) => panic!("the documented example is JSON: {e}"),
    }
}
