//! Clients cannot make the emulator hold connections: headers that trickle in (slowloris) are
//! cut off by the header-read timeout, a silent connection by the idle timeout.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Sends a request's headers one byte every `every`, never finishing them; returns how long
/// the server kept the connection open (`None`: still open after `give_up`).
async fn trickle(
    addr: std::net::SocketAddr,
    every: Duration,
    give_up: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /ccs?Action=DescribeInstances HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    while started.elapsed() < give_up {
        if s.write_all(b"X").await.is_err() {
            return Some(started.elapsed());
        }
        match tokio::time::timeout(every, s.read(&mut buf)).await {
            // Closed (perhaps after a 408 answer).
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => {}
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_connections_are_closed_by_the_header_read_timeout() {
    let emu = cds_emulator::Emulator::builder(&[&cds_ccs::meta::LINE])
        .header_read_timeout(Duration::from_millis(300))
        .idle_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let clients: Vec<_> = (0..200)
        .map(|_| {
            tokio::spawn(trickle(
                addr,
                Duration::from_millis(50),
                Duration::from_secs(5),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(emu.stats().connections > 0, "the connections were accepted");
    let mut longest = Duration::ZERO;
    for c in clients {
        let held = c.await.unwrap().expect("closed by the server");
        longest = longest.max(held);
    }
    // 300 ms, with room for a loaded machine; the trickle alone would hold it 5 s.
    assert!(longest < Duration::from_secs(3), "held {longest:?}");
    let deadline = Instant::now() + Duration::from_secs(2);
    while emu.stats().connections > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emu.stats().connections, 0);
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    let emu = cds_emulator::Emulator::builder(&[&cds_ccs::meta::LINE])
        .header_read_timeout(Duration::from_millis(300))
        .idle_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "closed, not kept: {read:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}
