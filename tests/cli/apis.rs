//! APIs on loopback that check credentials the way providers do: nginx
//! (Debian's, installed by `.ci/run`) for Basic, Bearer, header keys and
//! query keys, answering 401/403/404; small in-process servers for the rarer
//! cases (429 with Retry-After, slow, 500, redirect to another host).

use std::path::Path;
use std::time::Duration;

use crate::provider::free_port;

pub const BASIC_USER: &str = "agent@acme.test/token";
pub const BASIC_PASSWORD: &str = "basic-secret-4711";
pub const API_KEY: &str = "key-secret-0815";
pub const QUERY_KEY: &str = "qkey-secret-2342";
pub const BEARER: &str = "bearer-secret-1234";
pub const READONLY_BEARER: &str = "readonly-secret-5678";

/// nginx serving the credential-checking API; stopped on drop.
pub struct Nginx {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl Nginx {
    pub fn start() -> Nginx {
        let binary = Path::new("/usr/sbin/nginx");
        assert!(
            binary.exists(),
            "nginx is missing: install Debian's nginx (bash .ci/run does)"
        );
        let dir = tempfile::tempdir().expect("nginx dir");
        let port = free_port();
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("me.json"),
            r#"{"user": {"email": "agent@acme.test", "active": true}}"#,
        )
        .expect("me.json");
        std::fs::create_dir(dir.path().join("empty")).expect("empty");
        std::fs::write(
            dir.path().join("htpasswd"),
            format!("{BASIC_USER}:{{PLAIN}}{BASIC_PASSWORD}\n"),
        )
        .expect("htpasswd");
        let conf = format!(
            r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  default_type application/json;
  map $http_x_api_key $api_key_ok {{ default 0; "{API_KEY}" 1; }}
  map $arg_key $query_key_ok {{ default 0; "{QUERY_KEY}" 1; }}
  map $http_authorization $bearer {{ default 0; "Bearer {BEARER}" 1; "Bearer {READONLY_BEARER}" 2; "~^Bearer .+" 3; }}
  server {{
    listen 127.0.0.1:{port};
    # `return` would answer before auth_basic runs: serve files instead.
    location = /basic/me {{
      auth_basic "api";
      auth_basic_user_file {d}/htpasswd;
      alias {d}/me.json;
    }}
    location /basic/ {{
      auth_basic "api";
      auth_basic_user_file {d}/htpasswd;
      root {d}/empty;
    }}
    location = /apikey/me {{
      if ($api_key_ok = 0) {{ return 401 '{{"error": "invalid api key"}}'; }}
      return 200 '{{"account": {{"name": "Acme"}}}}';
    }}
    location = /query/me {{
      if ($query_key_ok = 0) {{ return 401 '{{"error": "invalid key"}}'; }}
      return 200 '{{"me": "quinn"}}';
    }}
    location = /bearer/user {{
      if ($bearer = 0) {{ return 401 '{{"message": "Bad credentials"}}'; }}
      if ($bearer = 2) {{ return 403 '{{"message": "Resource not accessible by integration"}}'; }}
      if ($bearer = 3) {{ return 401 '{{"message": "Bad credentials"}}'; }}
      return 200 '{{"login": "octocat"}}';
    }}
    location = /any-bearer/me {{
      if ($bearer = 0) {{ return 401 '{{"message": "no token"}}'; }}
      return 200 '{{"client": "machine"}}';
    }}
    location = /echo/me {{
      return 401 '{{"error": "denied", "you_sent": "$http_authorization", "key": "$http_x_api_key", "query": "$args"}}';
    }}
    location = /lies/me {{
      return 200 '{{"ok": true}}';
    }}
  }}
}}
"#
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("conf");
        let child = std::process::Command::new(binary)
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nginx did not start: {}",
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx {
            child,
            _dir: dir,
            port,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An in-process API for the rare answers, on its own thread and runtime.
/// Paths: /ratelimited (429 Retry-After: 1 once, then 200), /slow (answers
/// after 5 s), /broken (500), /redirect (302 to `other`), /count (how many
/// requests carried credentials).
pub struct Stub {
    pub port: u16,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Stub {
    pub fn start(redirect_to: &str) -> Stub {
        use axum::http::{HeaderMap, StatusCode, header};
        use axum::response::IntoResponse;
        use axum::routing::get;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let target = redirect_to.to_string();
        let port = crate::support::serve(move || {
            let record = move |headers: &HeaderMap, path: &str| {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_string();
                if let Ok(mut l) = log.lock() {
                    l.push(format!("{path} {auth}"));
                }
            };
            let r1 = record.clone();
            let r2 = record.clone();
            axum::Router::new()
                .route(
                    "/ratelimited",
                    get(move |headers: HeaderMap| {
                        let hits = hits.clone();
                        r1(&headers, "/ratelimited");
                        async move {
                            if hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                                (
                                    StatusCode::TOO_MANY_REQUESTS,
                                    [(header::RETRY_AFTER, "1")],
                                    "{}",
                                )
                                    .into_response()
                            } else {
                                (StatusCode::OK, r#"{"id": 7}"#).into_response()
                            }
                        }
                    }),
                )
                .route(
                    "/slow",
                    get(|| async {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        "{}"
                    }),
                )
                .route(
                    "/broken",
                    get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "upstream down") }),
                )
                .route(
                    "/redirect",
                    get(move |headers: HeaderMap| {
                        r2(&headers, "/redirect");
                        let target = target.clone();
                        async move {
                            (StatusCode::FOUND, [(header::LOCATION, target)], "").into_response()
                        }
                    }),
                )
                .route(
                    "/landing",
                    get(move |headers: HeaderMap| {
                        record(&headers, "/landing");
                        async { "{}" }
                    }),
                )
        });
        Stub { port, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}
