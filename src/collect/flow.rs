//! The OAuth side of collect: which client, endpoints and scopes a
//! submission asks for, the authorization in progress (state and PKCE
//! verifier kept server-side), and its result as the page may see it.
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use std::time::Duration;

use super::form::{self, Form};
use crate::credentials::Credentials;
use crate::oauth::{self, App, Authorization, OAuthError};
use crate::redact::Redactor;
use crate::secret::Secret;
use crate::spec::{AuthMethod, Endpoint, Flow, OAuth};
use crate::template;

/// How long a token request may take, unless `CONNECTOR_AUTH_TOKEN_TIMEOUT`
/// (seconds) says otherwise.
pub fn token_timeout() -> Duration {
    std::env::var("CONNECTOR_AUTH_TOKEN_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or(Duration::from_secs(20), Duration::from_secs)
}

/// The OAuth settings of one submission, placeholders filled.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub flow: Flow,
    pub app: App,
    pub authorization_url: Option<String>,
    pub device_url: Option<String>,
    pub scopes: Vec<String>,
    pub pkce: bool,
    pub extra: Vec<(String, String)>,
}

/// An authorization sent to the provider and not yet answered.
#[derive(Debug)]
pub struct Pending {
    pub state: Secret,
    pub verifier: Option<Secret>,
    pub app: App,
    pub redirect_uri: String,
}

/// What the page is told about the flow: never a token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Idle,
    Pending,
    Authorized(String),
    Failed(String),
}

impl Status {
    pub fn to_json(&self) -> serde_json::Value {
        let (state, message) = match self {
            Status::Idle => ("idle", ""),
            Status::Pending => ("pending", "waiting for the provider"),
            Status::Authorized(m) => ("authorized", m.as_str()),
            Status::Failed(m) => ("failed", m.as_str()),
        };
        serde_json::json!({"state": state, "message": message})
    }
}

/// What `validate` will not use of this submission's OAuth boxes: a token
/// URL or scopes edited on the form apply to this run (its grant and its
/// check on Save), while `validate` reads the spec. One sentence per edit,
/// naming the spec's key to change.
pub fn edits_validate_ignores(
    form: &Form,
    method: Option<&AuthMethod>,
    typed: &[(String, String)],
) -> Vec<String> {
    let Some(oauth) = form.oauth(method) else {
        return Vec::new();
    };
    let typed = |name: &str| {
        typed
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let block = match method {
        Some(m) if m.oauth.is_some() => format!("connection.auth_methods[{}].oauth", m.name),
        _ => "connection.oauth".to_string(),
    };
    let mut said = Vec::new();
    let spec_url = match oauth.token_endpoint(&form.scope(method)) {
        Some(Endpoint::Block(url)) => Some(url.value.clone()),
        _ => None,
    };
    if let Some(url) = typed(form::OAUTH_TOKEN_URL).filter(|u| !u.is_empty())
        && spec_url.as_deref() != Some(url.as_str())
    {
        let theirs = spec_url.map_or("none".to_string(), |u| format!("`{u}`"));
        said.push(format!(
            "The token URL was edited on the form for this run only: `validate` uses the spec's token URL ({theirs}). To use `{url}` there too, change `{block}.token_url` in connector_spec.yaml."
        ));
    }
    if let Some(scopes) = typed(form::OAUTH_SCOPES) {
        let edited: Vec<&str> = scopes.split_whitespace().collect();
        if edited != oauth.scopes.iter().map(String::as_str).collect::<Vec<_>>() {
            let theirs = if oauth.scopes.is_empty() {
                "none".to_string()
            } else {
                format!("`{}`", oauth.scopes.join(" "))
            };
            said.push(format!(
                "The scopes were edited on the form for this run only: `validate` asks for the spec's scopes ({theirs}). To ask for `{}` there too, change `{block}.scopes` in connector_spec.yaml.",
                edited.join(" ")
            ));
        }
    }
    said
}

/// Works out the client, endpoints and scopes for `method` from what was
/// typed (edited OAuth fields win), the stored values and the spec.
pub fn resolve(
    form: &Form,
    method: Option<&AuthMethod>,
    typed: &[(String, String)],
    stored: Option<&Credentials>,
) -> Result<Resolved, String> {
    let spec_oauth: &OAuth = form
        .oauth(method)
        .ok_or_else(|| "this authentication method does not use OAuth".to_string())?;
    let value = |name: &str| -> Option<String> {
        typed
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .or_else(|| {
                stored
                    .and_then(|s| s.get(name))
                    .map(|v| v.expose().to_string())
            })
    };
    let client_id = value("client_id").ok_or("fill in the Client ID first")?;
    let scope = form.scope(method);
    let endpoint =
        |edited: &str, found: Option<Endpoint>, what: &str| -> Result<Option<String>, String> {
            // The spec's own endpoint (unedited) moves to the person's
            // regional accounts host, when one is named.
            let (template, from_spec) = match (value(edited), found) {
                (Some(t), Some(Endpoint::Block(url))) if t == url.value => (t, true),
                (Some(t), _) => (t, false),
                (None, Some(Endpoint::Block(url))) => (url.value.clone(), true),
                (None, Some(Endpoint::Parameter(p))) => (
                    value(&p.name)
                        .ok_or_else(|| format!("fill in {} first", form::humanise(&p.name)))?,
                    false,
                ),
                (None, None) => return Ok(None),
            };
            let filled = template::fill_url(&template, value)
                .map_err(|e| format!("the {what} cannot be built: {e}"))?;
            Ok(Some(if from_spec {
                crate::spec::on_accounts_host(&filled, &scope, value)
            } else {
                filled
            }))
        };
    let token_url = endpoint(
        form::OAUTH_TOKEN_URL,
        spec_oauth.token_endpoint(&scope),
        "token URL",
    )?
    .ok_or("the spec gives no token URL; fill in Token URL")?;
    let flow = spec_oauth.flow();
    let authorization_url = if flow.is_user() {
        endpoint(
            form::OAUTH_AUTHORIZATION_URL,
            spec_oauth.authorization_endpoint(&scope),
            "authorization URL",
        )?
    } else {
        None
    };
    let device_url = match &spec_oauth.device_authorization_url {
        Some(url) => Some(
            template::fill_url(&url.value, value)
                .map_err(|e| format!("the device authorization URL cannot be built: {e}"))?,
        ),
        None => None,
    };
    // Scopes edited in the OAuth box, else a scope parameter's value, else
    // the spec's.
    let scope_parameter = scope
        .iter()
        .find(|p| p.name.contains("scope"))
        .and_then(|p| value(&p.name));
    let scopes = match value(form::OAUTH_SCOPES).or(scope_parameter) {
        Some(text) => text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        None => spec_oauth.scopes.clone(),
    };
    Ok(Resolved {
        flow,
        app: App {
            client_id,
            client_secret: value("client_secret").map(Secret::new),
            token_url,
        },
        authorization_url,
        device_url,
        scopes,
        pkce: spec_oauth.pkce,
        extra: spec_oauth.extra_auth_params.clone(),
    })
}

impl Resolved {
    /// Starts an authorization-code flow back to `redirect_uri`.
    pub fn authorize(&self, redirect_uri: &str) -> Result<(Authorization, Pending), String> {
        let url = self
            .authorization_url
            .as_deref()
            .ok_or("the spec gives no authorization URL; fill in Authorization URL")?;
        let authorization = oauth::authorization(
            url,
            &self.app.client_id,
            redirect_uri,
            &self.scopes,
            self.pkce,
            &self.extra,
        )
        .map_err(|e| e.to_string())?;
        let pending = Pending {
            state: authorization.state.clone(),
            verifier: authorization.verifier.clone(),
            app: self.app.clone(),
            redirect_uri: redirect_uri.to_string(),
        };
        Ok((authorization, pending))
    }

    /// A redactor knowing this client's secret.
    pub fn redactor(&self) -> Redactor {
        let mut r = Redactor::new();
        if let Some(s) = &self.app.client_secret {
            r.add(s.expose());
            r.add_client_basic(&self.app.client_id, s.expose());
        }
        r
    }

    /// The client-credentials grant, as Save tries it for m2m flows.
    pub async fn check_client_credentials(&self) -> Result<oauth::Grant, OAuthError> {
        let timeout = token_timeout();
        let http = oauth::http_client(timeout)?;
        oauth::client_credentials(&http, &self.app, &self.scopes, &self.redactor())
            .await
            .map_err(|e| oauth::with_timeout(e, timeout))
    }
}

/// Exchanges a code for tokens; the refresh token is the result. A grant
/// without one is an error that names the likely cause.
pub async fn finish(pending: &Pending, code: &str) -> Result<Secret, OAuthError> {
    let timeout = token_timeout();
    let http = oauth::http_client(timeout)?;
    let mut redactor = Redactor::new();
    if let Some(s) = &pending.app.client_secret {
        redactor.add(s.expose());
        redactor.add_client_basic(&pending.app.client_id, s.expose());
    }
    redactor.add(code);
    let grant = oauth::exchange_code(
        &http,
        &pending.app,
        &pending.redirect_uri,
        code,
        pending.verifier.as_ref(),
        &redactor,
    )
    .await
    .map_err(|e| oauth::with_timeout(e, timeout))?;
    grant.refresh_token.ok_or_else(|| {
        OAuthError::NoRefreshToken(
            "providers issue one only for offline access: Google wants `access_type: offline` and `prompt: consent` in extra_auth_params, others the `offline_access` scope"
                .to_string(),
        )
    })
}

/// Compares without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether the host of `url` can be reached (DNS, then a TCP connection,
/// each within 8 s): `Err` is one sentence naming the host and the cause.
pub async fn reachable(url: &str) -> Result<(), String> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Err(format!("`{url}` is not a URL: check the authorization URL"));
    };
    let Some(host) = parsed.host_str().map(str::to_string) else {
        return Err(format!("`{url}` has no host: check the authorization URL"));
    };
    let port = parsed.port_or_known_default().unwrap_or(443);
    let wait = Duration::from_secs(8);
    let lookup = tokio::time::timeout(
        wait,
        tokio::net::lookup_host((host.trim_matches(['[', ']']), port)),
    )
    .await;
    let addresses: Vec<std::net::SocketAddr> = match lookup {
        Err(_) => {
            return Err(format!(
                "{host} could not be reached: looking up its address took longer than {} s. Check your network or VPN, then click Authorize again.",
                wait.as_secs()
            ));
        }
        Ok(Err(e)) => {
            return Err(format!(
                "{host} could not be reached: its address could not be looked up ({e}). Check the authorization URL's host name, or your network or VPN, then click Authorize again."
            ));
        }
        Ok(Ok(found)) => found.collect(),
    };
    let mut last = String::from("no address");
    for address in addresses.iter().take(3) {
        match tokio::time::timeout(wait, tokio::net::TcpStream::connect(address)).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = format!("no answer within {} s", wait.as_secs()),
        }
    }
    Err(format!(
        "{host} could not be reached: connecting to port {port} failed ({last}). Check the authorization URL, or your network, proxy or VPN, then click Authorize again."
    ))
}
