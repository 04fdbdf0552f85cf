//! Answers shaped as the vendor's own production code reads them (`../shared/evidence/`) decode
//! into the generated types, beside the documented examples: where the code and the document
//! disagree on a scalar's type, both forms decode.

use cds_core::operation::Envelope;

fn decode<O: cds_core::de::Fields>(envelope: &Envelope, body: &str) -> O {
    envelope
        .decode_typed::<O>("Op", 200, None, body.as_bytes(), &[])
        .unwrap_or_else(|e| panic!("{body}: {e}"))
        .output
}

#[test]
fn billing_times_decode_as_text_and_as_numbers() {
    use cds_billing::operation::describe_bill_info::DescribeBillInfoOutput;
    let envelope = &cds_billing::meta::SERVICE.envelope;
    let text: DescribeBillInfoOutput = decode(
        envelope,
        r#"{"Code":"Success","Data":{"BillDetail":[{"StartTime":"2022-01-01 00:00:00","EndTime":"2022-01-31 23:59:59"}]}}"#,
    );
    let detail = &text.data().expect("data").bill_detail()[0];
    assert_eq!(detail.start_time(), Some("2022-01-01 00:00:00"));
    assert_eq!(detail.end_time(), Some("2022-01-31 23:59:59"));
    let numbers: DescribeBillInfoOutput = decode(
        envelope,
        r#"{"Code":"Success","Data":{"BillDetail":[{"StartTime":1640966400,"EndTime":1643644799}]}}"#,
    );
    assert_eq!(
        numbers.data().expect("data").bill_detail()[0].start_time(),
        Some("1640966400")
    );
}

#[test]
fn billing_costs_decode_as_numbers_and_as_text() {
    use cds_billing::operation::describe_bill_detail::DescribeBillDetailOutput;
    let envelope = &cds_billing::meta::SERVICE.envelope;
    for (cost, shown) in [("12.5", "12.5"), (r#""0.00""#, "0.00")] {
        let out: DescribeBillDetailOutput = decode(
            envelope,
            &format!(r#"{{"Code":"Success","Data":{{"BillDetail":[{{"TotalCost":{cost}}}]}}}}"#),
        );
        assert_eq!(
            out.data().expect("data").bill_detail()[0].total_cost(),
            Some(shown)
        );
    }
}

#[test]
fn ecs_gpu_flags_decode_as_booleans_and_as_zero_or_one() {
    use cds_ecs_v1::operation::describe_instance::DescribeInstanceOutput;
    let envelope = &cds_ecs_v1::meta::SERVICE.envelope;
    for (flag, expected) in [("true", true), ("1", true), ("0", false), (r#""0""#, false)] {
        let out: DescribeInstanceOutput = decode(
            envelope,
            &format!(r#"{{"Code":"Success","Data":{{"EcsId":"e-1","IsGpu":{flag}}}}}"#),
        );
        assert_eq!(
            out.data().and_then(|d| d.is_gpu()),
            Some(expected),
            "{flag}"
        );
    }
}

#[test]
fn public_interfaces_decode_as_a_list_and_as_one_object() {
    use cds_ccs::operation::describe_instances::DescribeInstancesOutput;
    let envelope = &cds_ccs::meta::SERVICE.envelope;
    let interface = r#"{"InterfaceId":"i-1","PublicId":"p-1","Name":"public","IP":"100.1.1.9","IPv6":"2000::2","MAC":"00:50:56:a4:1f:6d","Connected":1}"#;
    let body = |value: &str| {
        format!(
            r#"{{"Code":"Success","Data":{{"Instances":[{{"InstanceId":"x","PublicNetworkInterface":{value}}}]}}}}"#
        )
    };
    for value in [format!("[{interface}]"), interface.to_string()] {
        let out: DescribeInstancesOutput = decode(envelope, &body(&value));
        let instance = &out.data().expect("data").instances()[0];
        let public = instance.public_network_interface();
        assert_eq!(public.len(), 1, "{value}");
        assert_eq!(public[0].public_id(), Some("p-1"));
        assert_eq!(public[0].ipv6(), Some("2000::2"));
        assert_eq!(public[0].connected(), Some(1));
    }
    for (value, count) in [("[]", 0), ("\"\"", 0), ("null", 0)] {
        let out: DescribeInstancesOutput = decode(envelope, &body(value));
        let instance = &out.data().expect("data").instances()[0];
        assert_eq!(instance.public_network_interface().len(), count, "{value}");
    }
}
