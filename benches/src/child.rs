//! Running the loopback server in a child process (this benchmark binary, started again with
//! `--serve`), so that what the benchmark process spends, in time or memory, is the client's.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Builds a response body.
pub type MakeBody = fn() -> Vec<u8>;

/// Which body the child serves.
pub const BODIES: [(&str, MakeBody); 2] = [
    ("account", crate::bodies::describe_account_info),
    ("instances", || crate::bodies::describe_instances(500)),
];

/// If this process was started as a server (`--serve <body> <delay ms>`), serves forever and
/// never returns; otherwise returns.
pub fn serve_if_asked() {
    let args: Vec<String> = std::env::args().collect();
    let Some(i) = args.iter().position(|a| a == "--serve") else {
        return;
    };
    let body = args.get(i + 1).map(String::as_str).unwrap_or("account");
    let delay_ms = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let make = BODIES.iter().find(|(name, _)| *name == body).map_or(
        crate::bodies::describe_account_info as fn() -> Vec<u8>,
        |(_, f)| *f,
    );
    let addr = crate::server::start_delayed(make(), 1, Duration::from_millis(delay_ms));
    println!("ADDR {addr}");
    loop {
        std::thread::park();
    }
}

/// A server child process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts this binary again as a server of `body` (a name of [`BODIES`]) answering after
    /// `delay`. With `CDS_BENCH_SERVER_CPUS` set (a `taskset -c` list), the server runs on
    /// those CPUs only, to measure without the scheduler's placement of the two processes.
    pub fn start(body: &str, delay: Duration) -> ServerProcess {
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => panic!("the benchmark knows its path: {e}"),
        };
        let delay_ms = delay.as_millis().to_string();
        let mut command = match std::env::var("CDS_BENCH_SERVER_CPUS") {
            Ok(cpus) => {
                let mut c = Command::new("taskset");
                c.args(["-c", &cpus]).arg(exe);
                c
            }
            Err(_) => Command::new(exe),
        };
        let mut child = match command
            .args(["--serve", body, &delay_ms])
            .stdout(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => panic!("the server process starts: {e}"),
        };
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let Some(addr) = line
            .trim()
            .strip_prefix("ADDR ")
            .and_then(|a| a.parse().ok())
        else {
            panic!("the server process printed no address: {line:?}")
        };
        ServerProcess { child, addr }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
