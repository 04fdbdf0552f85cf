//! `cds-emulator`: serves the product lines on a local address until interrupted, and prints
//! the environment variables that point an SDK (this one, the vendor's Go or Python SDKs,
//! Terraform) at it. `cds-emulator --help` lists the options.
#![forbid(unsafe_code)]

mod args;

use cds_core::operation::LineDescription;
use std::process::ExitCode;

/// Every product line of the SDK (the generated list).
fn all_lines() -> Vec<&'static LineDescription> {
    cds_lines::all()
}

fn main() -> ExitCode {
    let args = match args::parse(std::env::args_os().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cds-emulator: {e}\n(try --help)");
            return ExitCode::from(2);
        }
    };
    if args.help {
        print!("{}", args::HELP);
        return ExitCode::SUCCESS;
    }
    if args.version {
        println!("cds-emulator {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if !args.addr.ip().is_loopback() {
        if !args.allow_non_loopback {
            eprintln!(
                "cds-emulator: {} is not a loopback address; the emulator accepts well-known credentials, \
                 so serving it beyond this machine needs --allow-non-loopback",
                args.addr
            );
            return ExitCode::from(2);
        }
        eprintln!(
            "warning: serving on {} (not loopback): anyone who can reach it can use the emulator",
            args.addr
        );
    }
    let mut lines = all_lines();
    if let Some(wanted) = &args.lines {
        if let Some(unknown) = wanted
            .iter()
            .find(|w| !lines.iter().any(|l| l.service.product == w.as_str()))
        {
            let known: Vec<&str> = lines.iter().map(|l| l.service.product).collect();
            eprintln!(
                "cds-emulator: unknown line {unknown:?} (lines: {})",
                known.join(", ")
            );
            return ExitCode::from(2);
        }
        lines.retain(|l| wanted.iter().any(|w| w == l.service.product));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cds-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args, lines)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cds-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: args::Args, lines: Vec<&'static LineDescription>) -> std::io::Result<()> {
    let mut builder = cds_emulator::Emulator::builder(&lines)
        .addr(args.addr)
        .mode(args.mode)
        .stateful(!args.stateless)
        .seed(args.seed)
        .task_latency(args.latency)
        .fault_seed(args.fault_seed)
        .request_log(args.request_log);
    if let Some(path) = &args.state {
        builder = builder.state_file(path);
    }
    for rule in args.faults.iter().cloned() {
        builder = builder.with_override(rule);
    }
    let emulator = builder.start().await?;
    if let Some(path) = &args.state {
        println!(
            "loaded {} resources from {}",
            emulator.resource_count(),
            path.display()
        );
    }
    let url = emulator.base_url();
    let names: Vec<&str> = lines.iter().map(|l| l.service.product).collect();
    println!(
        "cds-emulator {} serving {} ({} mode, {}) at {url}",
        env!("CARGO_PKG_VERSION"),
        names.join(", "),
        if args.mode == cds_emulator::Mode::Strict {
            "strict"
        } else {
            "compatible"
        },
        if args.stateless {
            "examples only".to_string()
        } else {
            format!("stateful, task latency {:?}", args.latency)
        },
    );
    println!("Point an SDK at it:");
    println!("  export CDS_ENDPOINT={url}");
    println!("  export CDS_SECRET_ID={}", cds_emulator::ACCESS_KEY_ID);
    println!(
        "  export CDS_SECRET_KEY={}",
        cds_emulator::ACCESS_KEY_SECRET
    );
    println!("  export BRIDGX_ENDPOINT={url}");
    println!("  export BRIDGX_TOKEN={}", cds_emulator::BEARER_TOKEN);
    println!("  export CECSTACK_ENDPOINT={url}");
    println!("  export CECSTACK_REGION_ID={}", cds_emulator::REGION_ID);
    // CECSTACK's signing scheme is undocumented: the SDK sends whatever header is configured,
    // and the emulator does not verify it.
    println!(
        "  export CECSTACK_AUTH_HEADER='X-Auth-Token: {}'",
        cds_emulator::BEARER_TOKEN
    );
    println!(
        "Tenants: AccessKeyId {}.<name> (same secret) or token {}.<name> see only their own resources.",
        cds_emulator::ACCESS_KEY_ID,
        cds_emulator::BEARER_TOKEN
    );
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let signal = stop_signal().await?;
    eprintln!("cds-emulator: {signal}: no new connections; finishing the requests in progress");
    let count = emulator.resource_count();
    emulator.shutdown().await?;
    if let Some(path) = &args.state {
        println!("saved {count} resources to {}", path.display());
    }
    Ok(())
}

/// Waits for Ctrl-C (SIGINT), SIGTERM (`docker stop`, systemd) or SIGHUP; names the one that
/// came.
#[cfg(unix)]
async fn stop_signal() -> std::io::Result<&'static str> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
        _ = int.recv() => "SIGINT",
    })
}

/// Waits for Ctrl-C.
#[cfg(not(unix))]
async fn stop_signal() -> std::io::Result<&'static str> {
    tokio::signal::ctrl_c().await?;
    Ok("Ctrl-C")
}
