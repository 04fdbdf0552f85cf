//! Shared helpers of the cross-crate tests, the quickstart and the emulator binary.
#![forbid(unsafe_code)]

use cds_core::operation::LineDescription;

/// Every product line the SDK generates, for serving them all from one emulator.
pub fn all_lines() -> Vec<&'static LineDescription> {
    vec![
        &cds_ccs::meta::LINE,
        &cds_network::meta::LINE,
        &cds_vpc::meta::LINE,
        &cds_bms::meta::LINE,
        &cds_storage::meta::LINE,
        &cds_billing::meta::LINE,
        &cds_gcw::meta::LINE,
        &cds_gpubms::meta::LINE,
        &cds_ecs_v1::meta::LINE,
        &cds_ebs_v1::meta::LINE,
        &cds_cecstack_ecs::meta::LINE,
        &cds_bridgx::meta::LINE,
    ]
}
