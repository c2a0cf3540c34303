//! Bench: how fast `collect` prints its URL line and how much memory a
//! waiting collect holds. Runs the real binary 20 times on a generated
//! repository; prints the median and fastest time from process start to
//! the `→ http://localhost:PORT` line (target < 10 ms), and the peak
//! resident memory (VmHWM) after the form page was served (target < 15 MB).
//!
//! Run: `cargo bench --bench collect`

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 20;

fn main() {
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("pyproject.toml"), "").expect("pyproject");
    let folder = repo
        .path()
        .join("src/databricks/labs/community_connector/sources/zendesk");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let spec =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs/methods_shared.yaml");
    std::fs::copy(spec, folder.join("connector_spec.yaml")).expect("spec");

    let mut times = Vec::with_capacity(RUNS);
    let mut peak_kib = 0u64;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_connector-auth"))
            .args(["collect", "zendesk", "--no-open", "--port", "0"])
            .current_dir(repo.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut line).expect("url line");
        times.push(start.elapsed());
        let port: u16 = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        fetch_form(port);
        peak_kib = peak_kib.max(vm_hwm_kib(child.id()).unwrap_or(0));
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "collect, start to URL line: median {:.1} ms, fastest {:.1} ms ({RUNS} runs, target < 10 ms)",
        ms(times[RUNS / 2]),
        ms(times[0])
    );
    println!(
        "collect, peak memory while waiting (VmHWM): {:.1} MB (target < 15 MB)",
        peak_kib as f64 / 1024.0
    );
}

/// GET / over a plain socket, so the server has rendered the form once.
fn fetch_form(port: u16) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut page = Vec::new();
    stream.read_to_end(&mut page).expect("response");
    assert!(page.starts_with(b"HTTP/1.1 200"), "form not served");
}

/// Peak resident set size of a process, from /proc (Linux).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
