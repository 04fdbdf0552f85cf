//! Shared pieces of the SDK's benchmarks (`benches/`): the bodies they decode and the loopback
//! server they call. `benches/run` runs every benchmark and prints one table of ratios.
#![forbid(unsafe_code)]

pub mod bodies;
pub mod child;
pub mod server;
