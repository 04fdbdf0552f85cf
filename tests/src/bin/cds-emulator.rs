//! `cds-emulator [ADDR]`: serves every product line on ADDR (default 127.0.0.1:8080) until
//! interrupted. Point the SDK at it with `CDS_ENDPOINT=http://ADDR` and the credentials it
//! prints.

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = match std::env::args().nth(1) {
        Some(a) => a
            .parse()
            .map_err(|e| std::io::Error::other(format!("bad address {a:?}: {e}")))?,
        None => SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    let emulator = cds_emulator::Emulator::start_on(&cds_tests::all_lines(), addr).await?;
    println!(
        "cds-emulator serving {} product lines at {}",
        cds_tests::all_lines().len(),
        emulator.base_url()
    );
    println!("  CDS_ENDPOINT={}", emulator.base_url());
    println!("  CDS_SECRET_ID={}", cds_emulator::ACCESS_KEY_ID);
    println!("  CDS_SECRET_KEY={}", cds_emulator::ACCESS_KEY_SECRET);
    println!(
        "  BRIDGX_ENDPOINT={} BRIDGX_TOKEN={}",
        emulator.base_url(),
        cds_emulator::BEARER_TOKEN
    );
    println!(
        "  CECSTACK_ENDPOINT={} CECSTACK_REGION_ID={}",
        emulator.base_url(),
        cds_emulator::REGION_ID
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
