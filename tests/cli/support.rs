//! A throw-away connectors repository written into a temp folder, and the
//! binary run inside it with deterministic output (no colour).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const SOURCES: &str = "src/databricks/labs/community_connector/sources";
pub const TESTS: &str = "tests/unit/sources";
/// A D-Bus session address where nothing listens: the binary under test
/// never reaches the OS keyring of whoever runs the tests (the keyring tests
/// give it a private one, see `secret_service`).
pub const NO_BUS: &str = "unix:path=/nonexistent/connector-auth-test-bus";

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

    /// A source's auth check (`tests/unit/sources/<source>/auth_check.yaml`).
    pub fn check(&self, source: &str, text: &str) -> &Repo {
        self.file(&format!("{TESTS}/{source}/auth_check.yaml"), text)
    }

    /// Writes a source's default credentials file.
    pub fn credentials(&self, source: &str, json: &str) -> &Repo {
        self.file(&format!("{TESTS}/{source}/configs/dev_config.json"), json)
    }

    /// Where a source's default credentials file is.
    pub fn credentials_path(&self, source: &str) -> PathBuf {
        self.root()
            .join(format!("{TESTS}/{source}/configs/dev_config.json"))
    }

    /// The credentials saved in the source's default file, when it holds JSON.
    pub fn saved(&self, source: &str) -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(self.credentials_path(source)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Where a source's auth check is.
    pub fn check_path(&self, source: &str) -> PathBuf {
        self.root()
            .join(format!("{TESTS}/{source}/auth_check.yaml"))
    }

    /// The text of a source's auth check.
    pub fn check_text(&self, source: &str) -> String {
        std::fs::read_to_string(self.check_path(source))
            .unwrap_or_else(|e| panic!("auth check of {source}: {e}"))
    }

    /// Runs the binary to the end with `args`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd().args(args).output().expect("run"))
    }

    /// The binary, run from the root, without colour.
    pub fn cmd(&self) -> Command {
        let mut cmd = bin();
        cmd.current_dir(self.root()).env("NO_COLOR", "1");
        cmd
    }
}

/// Writes a source with `spec`, an auth check and (when given) credentials.
pub fn source(repo: &Repo, name: &str, spec: &str, check: &str, credentials: Option<&str>) {
    repo.spec(name, spec).check(name, check);
    if let Some(c) = credentials {
        repo.credentials(name, c);
    }
}

/// A finished run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The finished run `output` was, after checking the binary did not panic.
    pub fn of(output: std::process::Output) -> Run {
        assert_no_panic(&output.stderr);
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// stdout and stderr together, for searching.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `connector-auth validate <args>` in `repo`.
pub fn validate(repo: &Repo, args: &[&str]) -> Run {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    repo.run(&all)
}

/// Fails when `secret` shows up raw, base64 or URL-encoded in any output.
pub fn assert_hidden(run: &Run, secret: &str, user: Option<&str>) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut forms = vec![
        secret.to_string(),
        b64.encode(secret),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
    ];
    if let Some(u) = user {
        forms.push(b64.encode(format!("{u}:{secret}")));
    }
    for form in forms {
        assert!(
            !run.stdout.contains(&form),
            "stdout leaks {form}: {}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(&form),
            "stderr leaks {form}: {}",
            run.stderr
        );
    }
}

/// The binary under test.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_connector-auth"));
    cmd.env_remove("CONNECTOR_TEST_CONFIG_JSON")
        .env_remove("CONNECTOR_TEST_CONFIG_PATH")
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
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

/// A running `collect` (or other long-running command) and what it prints.
pub struct Running {
    child: std::process::Child,
    input: Option<std::process::ChildStdin>,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    seen: Vec<String>,
    pub url: String,
    pub port: u16,
}

impl Repo {
    /// Starts `connector-auth <args> --json`, waits for its `listening`
    /// event and returns it running.
    pub fn start(&self, args: &[&str]) -> Running {
        self.start_with(args, &[])
    }

    /// Like [`Repo::start`], with extra environment variables.
    pub fn start_with(&self, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut running = self.spawn(args, env, None);
        let listening = running
            .next_event("listening")
            .unwrap_or_else(|| panic!("no listening event; stderr: {}", running.stderr()));
        running.url = listening["url"].as_str().expect("url").to_string();
        running.port = listening["port"].as_u64().expect("port") as u16;
        running
    }

    /// Starts `connector-auth <args> --json` without waiting for anything;
    /// with `stdin`, that text is written to its standard input, which stays
    /// open for [`Running::send`].
    pub fn spawn(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Running {
        use std::io::{BufRead, Read, Write};
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"));
        cmd.args(args)
            .arg("--json")
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("BROWSER")
            .stdin(if stdin.is_some() {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            })
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn");
        let mut input = child.stdin.take();
        if let (Some(pipe), Some(text)) = (input.as_mut(), stdin) {
            pipe.write_all(text.as_bytes()).expect("stdin");
        }
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        Running {
            child,
            input,
            lines,
            stderr,
            seen: Vec::new(),
            url: String::new(),
            port: 0,
        }
    }
}

impl Running {
    /// The next event named `name` within 10 s (earlier events are kept).
    pub fn next_event(&mut self, name: &str) -> Option<serde_json::Value> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = self.lines.recv_timeout(left).ok()?;
            self.seen.push(line.clone());
            let value: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"));
            if value["event"] == name {
                return Some(value);
            }
        }
    }

    /// Waits for the process to end (10 s at most) and returns its exit
    /// code with everything it printed on stdout.
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(std::time::Instant::now() < deadline, "process did not exit");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        while let Ok(line) = self
            .lines
            .recv_timeout(std::time::Duration::from_millis(500))
        {
            self.seen.push(line);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        (status.code(), self.seen.join("\n"), self.stderr())
    }

    /// Writes more to the process's standard input.
    pub fn send(&mut self, text: &str) {
        use std::io::Write;
        let pipe = self.input.as_mut().expect("spawned with stdin");
        pipe.write_all(text.as_bytes()).expect("stdin");
        pipe.flush().expect("flush");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Sends `signal`, then asserts the run ended cancelled (exit 1, a
    /// `cancelled` event) and saved nothing for `source` in `repo`.
    #[track_caller]
    pub fn assert_cancelled_by(self, signal: &str, repo: &Repo, source: &str) {
        self.signal(signal);
        let (code, stdout, _) = self.finish();
        assert_eq!(code, Some(1), "{stdout}");
        assert!(stdout.contains(r#""event":"cancelled""#), "{stdout}");
        assert!(!repo.credentials_path(source).exists());
    }

    /// Sends a signal (unix).
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CSRF token embedded in a form page.
pub fn csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("csrf input") + marker.len();
    html[start..start + 32].to_string()
}

/// An `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("encode")
}

/// Unix permission bits of a path.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// Serves the router `app` makes on 127.0.0.1 (a free port, returned) from
/// a thread of its own, for as long as the test runs.
pub fn serve(app: impl FnOnce() -> axum::Router + Send + 'static) -> u16 {
    serve_port(move |_| app())
}

/// [`serve`], for a router that needs to know its own port.
pub fn serve_port(app: impl FnOnce(u16) -> axum::Router + Send + 'static) -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    connector_auth::loopback::spawn_on_runtime(move || async move {
        if let Ok(l) = tokio::net::TcpListener::from_std(listener) {
            let _ = axum::serve(l, app(port)).await;
        }
    });
    port
}

/// An HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The form page of a running `collect`.
pub async fn page(running: &Running) -> String {
    client()
        .get(&running.url)
        .send()
        .await
        .expect("GET /")
        .text()
        .await
        .expect("body")
}

/// POSTs a form to a running `collect`, as its own page would.
pub async fn post(
    running: &Running,
    path: &str,
    pairs: &[(&str, &str)],
) -> (reqwest::StatusCode, String) {
    let response = client()
        .post(format!("{}{path}", running.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &running.url)
        .body(form_body(pairs))
        .send()
        .await
        .expect("POST");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// Asserts that `text` holds `needle`, showing the whole text when not.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{text}");
}

/// Asserts that `text` does not hold `needle`, showing the whole text when it does.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(!text.contains(needle), "{text}");
}

/// The Python of tests/mcp/.venv, with the pinned MCP SDK and PyYAML (a
/// YAML 1.1 reader).
pub fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: create it with the pinned SDK (bash .ci/run does: python3 -m venv tests/mcp/.venv && tests/mcp/.venv/bin/pip install -r tests/mcp/requirements.txt)",
        python.display()
    );
    python
}

/// Asserts that the `reason` of a JSON verdict holds `needle`, showing the
/// whole verdict when not.
#[track_caller]
pub fn assert_reason(verdict: &serde_json::Value, needle: &str) {
    assert!(
        verdict["reason"]
            .as_str()
            .is_some_and(|r| r.contains(needle)),
        "{verdict}"
    );
}

/// Requests a loopback API received: `METHOD path` and the headers, in order.
pub type Requests = std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap)>>>;

/// Serves every request on a free loopback port (returned) with
/// `answer(path, headers)`, after logging it in the returned [`Requests`].
pub fn serve_logged<R>(
    answer: impl Fn(&str, &axum::http::HeaderMap) -> R + Clone + Send + Sync + 'static,
) -> (u16, Requests)
where
    R: axum::response::IntoResponse,
{
    let seen = Requests::default();
    let log = seen.clone();
    let port = serve(move || {
        axum::Router::new().fallback(
            move |method: axum::http::Method,
                  uri: axum::http::Uri,
                  headers: axum::http::HeaderMap| {
                let log = log.clone();
                let answer = answer.clone();
                async move {
                    let reply = answer(uri.path(), &headers);
                    if let Ok(mut l) = log.lock() {
                        l.push((format!("{method} {}", uri.path()), headers));
                    }
                    reply
                }
            },
        )
    });
    (port, seen)
}

/// The `METHOD path` of each request in `seen`, in order.
pub fn request_lines(seen: &Requests) -> Vec<String> {
    seen.lock()
        .map(|s| s.iter().map(|(r, _)| r.clone()).collect())
        .unwrap_or_default()
}
