//! A throw-away connectors repository written into a temp folder, and the
//! binary run inside it with deterministic output (no colour).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const SOURCES: &str = "src/databricks/labs/community_connector/sources";
pub const TESTS: &str = "tests/unit/sources";

/// The folder of the fixture files.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The good fixture specs (`tests/fixtures/specs/*.yaml`), sorted.
pub fn good_specs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("specs"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// A fixture spec's text.
pub fn fixture_spec(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("specs").join(name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// An empty repository (a `pyproject.toml` marks its root).
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n",
        )
        .expect("pyproject");
        Repo { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` at `rel` under the root, creating folders.
    pub fn file(&self, rel: &str, text: &str) -> &Repo {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// A source folder with a spec.
    pub fn spec(&self, source: &str, text: &str) -> &Repo {
        self.file(&format!("{SOURCES}/{source}/connector_spec.yaml"), text)
    }

    /// A source folder with an API doc.
    pub fn api_doc(&self, source: &str, text: &str) -> &Repo {
        self.file(&format!("{SOURCES}/{source}/{source}_api_doc.md"), text)
    }

    /// The binary, run from the root, without colour.
    pub fn cmd(&self) -> Command {
        let mut cmd = bin();
        cmd.current_dir(self.root()).env("NO_COLOR", "1");
        cmd
    }
}

/// The binary under test.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_connector-auth"));
    cmd.env_remove("CONNECTOR_TEST_CONFIG_JSON")
        .env_remove("CONNECTOR_TEST_CONFIG_PATH");
    cmd
}

/// The lines of `--json` output, parsed.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

/// Fails when the process panicked.
pub fn assert_no_panic(stderr: &[u8]) {
    let text = String::from_utf8_lossy(stderr);
    assert!(!text.contains("panicked"), "panic: {text}");
    assert!(!text.contains("RUST_BACKTRACE"), "panic: {text}");
}
