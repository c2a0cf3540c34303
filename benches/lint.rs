//! Bench: `connector-auth lint` over a generated repository of 30 sources
//! (the fixture specs, repeated), run as a user runs it. Prints the median
//! and the fastest wall time of 30 runs. Target: well under 100 ms.
//!
//! Run: `cargo bench --bench lint`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SOURCES: usize = 30;
const RUNS: usize = 30;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs");
    let mut specs: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| std::fs::read_to_string(p).expect("fixture"))
        .collect();
    specs.sort();
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("pyproject.toml"), "").expect("pyproject");
    let root = repo
        .path()
        .join("src/databricks/labs/community_connector/sources");
    for i in 0..SOURCES {
        let folder = root.join(format!("source_{i:02}"));
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join("connector_spec.yaml"), &specs[i % specs.len()]).expect("spec");
        std::fs::write(folder.join(format!("source_{i:02}.py")), "").expect("py");
    }
    let bin = env!("CARGO_BIN_EXE_connector-auth");
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(bin)
                .args(["lint", "--json"])
                .current_dir(repo.path())
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run");
            let took = start.elapsed();
            assert!(status.code().is_some_and(|c| c <= 1), "lint failed");
            took
        })
        .collect();
    times.sort();
    println!(
        "lint, {SOURCES} sources: median {:.1} ms, fastest {:.1} ms ({RUNS} runs, target < 100 ms)",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0
    );
}
