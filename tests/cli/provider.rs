//! A real OAuth 2.0 authorization server for the tests: `oidc-provider`
//! (npm, pinned in tests/oauth/package-lock.json, installed by `.ci/run`)
//! started on loopback, stopped on drop. Clients: see tests/oauth/server.mjs.

use std::io::BufRead;
use std::path::Path;
use std::time::Duration;

pub struct Provider {
    child: std::process::Child,
    pub port: u16,
}

/// A free loopback port, for a server started right after.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl Provider {
    /// Starts the provider on `port`, accepting `redirect_uri` for its
    /// authorization-code clients; `delay_ms` slows its token endpoint.
    pub fn start(port: u16, redirect_uri: &str, delay_ms: u64) -> Provider {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oauth");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed: run `npm ci --prefix tests/oauth` (bash .ci/run does)"
        );
        let mut child = std::process::Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env("REDIRECT_URI", redirect_uri)
            .env("DELAY_MS", delay_ms.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("node");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        loop {
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(line) if line.starts_with("listening") => break,
                Ok(_) => continue,
                Err(_) => panic!("oidc-provider did not start"),
            }
        }
        Provider { child, port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `client_id` and `client_secret` parameters of a spec (the secret
/// required or not), as lines of its `parameters` list.
fn client_parameters(secret_required: bool) -> String {
    format!(
        "    - name: client_id\n      required: true\n      description: Client ID.\n    - name: client_secret\n      required: {secret_required}\n      secret: true\n      description: Client secret."
    )
}

/// A u2m spec pointing at a provider on `port`.
pub fn u2m_spec(port: u16, pkce: bool) -> String {
    let clients = client_parameters(false);
    format!(
        r#"display_name: Sandbox OAuth
connection:
  parameters:
{clients}
    - name: refresh_token
      required: true
      secret: true
      description: Filled by the flow.
  oauth:
    flow: u2m
    pkce: {pkce}
    scopes: "openid offline_access read"
    authorization_url: http://127.0.0.1:{port}/auth
    token_url: http://127.0.0.1:{port}/token
    extra_auth_params: {{prompt: consent}}
external_options_allowlist: ""
"#
    )
}

/// An m2m spec pointing at a provider on `port`.
pub fn m2m_spec(port: u16) -> String {
    let clients = client_parameters(true);
    format!(
        r#"display_name: Sandbox M2M
connection:
  parameters:
{clients}
  oauth:
    flow: m2m
    scopes: "read"
    token_url: http://127.0.0.1:{port}/token
external_options_allowlist: ""
"#
    )
}
