//! The `cds` binary.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    cds_cli::run(std::env::args_os())
}
