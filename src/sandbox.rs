//! The demo's sandbox source: an API on loopback that checks credentials the
//! way a provider does and, for the OAuth variant, a small authorization
//! server with a consent page (authorization code with PKCE, refresh).
//! It runs on its own thread and stops when the [`Sandbox`] is dropped.
//!
//! Used by the `demo` command only; it imports base modules.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use sha2::Digest;

/// The API key the person types in the API-key variant.
pub const API_KEY: &str = "sandbox-key-4242";
/// The OAuth app registered at the sandbox's authorization server.
pub const CLIENT_ID: &str = "demo-client";
pub const CLIENT_SECRET: &str = "demo-secret-4242";

/// Which sandbox source the demo runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    ApiKey,
    OAuth,
}

/// A running sandbox.
pub struct Sandbox {
    pub port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Grants {
    /// code → (redirect_uri, PKCE challenge)
    codes: HashMap<String, (String, Option<String>)>,
    access: HashSet<String>,
    refresh: HashSet<String>,
}

#[derive(Clone)]
struct Shared {
    variant: Variant,
    grants: Arc<Mutex<Grants>>,
}

impl Sandbox {
    /// Starts the sandbox on a free loopback port.
    pub fn start(variant: Variant) -> std::io::Result<Sandbox> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = Shared {
            variant,
            grants: Arc::new(Mutex::new(Grants::default())),
        };
        let thread = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let app = Router::new()
                    .route("/v1/me", get(me))
                    .route("/oauth/authorize", get(consent))
                    .route("/oauth/decide", post(decide))
                    .route("/oauth/token", post(token))
                    .with_state(shared);
                if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                }
            });
        });
        Ok(Sandbox {
            port,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The sandbox's API doc, in the connector template's style.
    pub fn api_doc(&self, variant: Variant) -> String {
        match variant {
            Variant::ApiKey => format!(
                "# Sandbox API Documentation\n\n## Authorization\n\n- **Chosen method**: API key, sent in the `X-Sandbox-Key` header.\n- Find your key under Settings → API keys (for this demo it is printed in the terminal).\n\n```\ncurl -H \"X-Sandbox-Key: <api_key>\" {}\n```\n\n## Objects\n\n- `GET /v1/orders`: orders, newest first.\n",
                self.url("/v1/me")
            ),
            Variant::OAuth => format!(
                "# Sandbox API Documentation\n\n## Authorization\n\n- **Chosen method**: OAuth 2.0 authorization code with PKCE. The connector stores `client_id` and `client_secret` and a refresh token, and exchanges them for an access token at run time.\n- Authorize: `{}`\n- Token: `{}`\n- Scopes: `read`\n\n```\ncurl -H \"Authorization: Bearer <access_token>\" {}\n```\n\n## Objects\n\n- `GET /v1/orders`: orders, newest first.\n",
                self.url("/oauth/authorize"),
                self.url("/oauth/token"),
                self.url("/v1/me")
            ),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

fn random() -> String {
    let mut bytes = [0u8; 24];
    let _ = getrandom::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn me(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let header_value = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let allowed = match shared.variant {
        Variant::ApiKey => header_value("x-sandbox-key") == API_KEY,
        Variant::OAuth => header_value("authorization")
            .strip_prefix("Bearer ")
            .is_some_and(|t| shared.grants.lock().is_ok_and(|g| g.access.contains(t))),
    };
    if allowed {
        json(
            StatusCode::OK,
            serde_json::json!({"user": {"email": "demo@sandbox.test", "name": "Demo User"}}),
        )
    } else {
        json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": "invalid credentials"}),
        )
    }
}

fn loopback_callback(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && u.host_str() == Some("localhost") && u.path() == "/oauth/callback"
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn consent(axum::extract::RawQuery(query): axum::extract::RawQuery) -> Response {
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    if get("client_id") != CLIENT_ID
        || !loopback_callback(get("redirect_uri"))
        || get("response_type") != "code"
    {
        return (StatusCode::BAD_REQUEST, "unknown client or redirect URI").into_response();
    }
    let hidden: String = ["redirect_uri", "state", "code_challenge"]
        .iter()
        .map(|k| {
            format!(
                r#"<input type="hidden" name="{k}" value="{}">"#,
                escape(get(k))
            )
        })
        .collect();
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox · Authorize</title>
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}button{{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem}}</style></head>
<body><h1>Authorize Demo Connector</h1><p><strong>Demo Connector</strong> asks to <em>read</em> your sandbox data.</p>
<form method="post" action="/oauth/decide">{hidden}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></form></body></html>"#
    ))
    .into_response()
}

async fn decide(State(shared): State<Shared>, body: String) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let redirect = get("redirect_uri");
    let Ok(mut target) = url::Url::parse(&redirect).map_err(|_| ()).and_then(|u| {
        if loopback_callback(&redirect) {
            Ok(u)
        } else {
            Err(())
        }
    }) else {
        return (StatusCode::BAD_REQUEST, "bad redirect URI").into_response();
    };
    if get("decision") == "allow" {
        let code = random();
        let challenge = Some(get("code_challenge")).filter(|c| !c.is_empty());
        if let Ok(mut g) = shared.grants.lock() {
            g.codes.insert(code.clone(), (redirect.clone(), challenge));
        }
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &get("state"));
    } else {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The person denied access.")
            .append_pair("state", &get("state"));
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

async fn token(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let (id, secret) = match &basic {
        Some(pair) => {
            let (i, s) = pair.split_once(':').unwrap_or((pair, ""));
            (i.to_string(), s.to_string())
        }
        None => (get("client_id"), get("client_secret")),
    };
    if id != CLIENT_ID || secret != CLIENT_SECRET {
        return json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        );
    }
    let invalid_grant = |why: &str| {
        json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": "invalid_grant", "error_description": why}),
        )
    };
    let Ok(mut grants) = shared.grants.lock() else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({"error": "server_error"}),
        );
    };
    match get("grant_type").as_str() {
        "authorization_code" => {
            let Some((redirect, challenge)) = grants.codes.remove(&get("code")) else {
                return invalid_grant("unknown or used code");
            };
            if redirect != get("redirect_uri") {
                return invalid_grant("redirect_uri mismatch");
            }
            if let Some(challenge) = challenge {
                let digest = sha2::Sha256::digest(get("code_verifier").as_bytes());
                if base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) != challenge {
                    return invalid_grant("PKCE verification failed");
                }
            }
        }
        "refresh_token" => {
            if !grants.refresh.contains(&get("refresh_token")) {
                return invalid_grant("unknown or revoked refresh token");
            }
        }
        _ => {
            return json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({"error": "unsupported_grant_type"}),
            );
        }
    }
    let access = random();
    let refresh = if get("grant_type") == "refresh_token" {
        get("refresh_token")
    } else {
        random()
    };
    grants.access.insert(access.clone());
    grants.refresh.insert(refresh.clone());
    json(
        StatusCode::OK,
        serde_json::json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh, "scope": "read"}),
    )
}
