//! Part of Step 3 (`check`), its probe: pick the first check whose parameters are all present,
//! fill its placeholders, get an OAuth token when asked, send one request
//! with a timeout, and classify the answer into an [`Outcome`] with a
//! one-line reason. Everything shown is scrubbed of secrets first.

use std::time::{Duration, Instant};

use super::{Auth, AuthCheck, Check};
use crate::credentials::Credentials;
use crate::exit::Exit;
use crate::oauth::{self, App, OAuthError};
use crate::redact::Redactor;
use crate::secret::Secret;
use crate::spec::{Endpoint, Flow, Spec};
use crate::template::{self, FillError};

/// The default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Bodies are read up to this size.
const MAX_BODY: usize = 1024 * 1024;

/// What a validation concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    InvalidCredentials,
    Forbidden,
    NotFound,
    UnexpectedResponse,
    RateLimited,
    ServerError,
    Unreachable,
    Timeout,
    MissingCredentials,
    /// The check itself could not be used (bad URL, unfillable template).
    BadCheck,
    /// A credential cannot stand where the check puts it (a URL typed as a
    /// host label, `..` in a path, a control character in a header): the
    /// request was not sent.
    BadValue,
    /// Not run: `validate --all` found no credentials for the source.
    Skipped,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::InvalidCredentials => "invalid_credentials",
            Verdict::Forbidden => "forbidden",
            Verdict::NotFound => "not_found",
            Verdict::UnexpectedResponse => "unexpected_response",
            Verdict::RateLimited => "rate_limited",
            Verdict::ServerError => "server_error",
            Verdict::Unreachable => "unreachable",
            Verdict::Timeout => "timeout",
            Verdict::MissingCredentials => "missing_credentials",
            Verdict::BadCheck => "bad_check",
            Verdict::BadValue => "bad_value",
            Verdict::Skipped => "skipped",
        }
    }

    /// The documented exit code of this verdict alone.
    pub fn exit(self) -> Exit {
        match self {
            Verdict::Ok | Verdict::Skipped => Exit::Done,
            Verdict::InvalidCredentials
            | Verdict::Forbidden
            | Verdict::NotFound
            | Verdict::UnexpectedResponse => Exit::Negative,
            Verdict::MissingCredentials | Verdict::BadCheck | Verdict::BadValue => Exit::Input,
            Verdict::RateLimited
            | Verdict::ServerError
            | Verdict::Unreachable
            | Verdict::Timeout => Exit::NoVerdict,
        }
    }
}

/// The result of one validation, safe to show.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    pub status: Option<u16>,
    pub reason: String,
    /// The account the credentials belong to, when the check names where.
    pub identity: Option<String>,
    pub auth_method: Option<String>,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    /// A new refresh token the provider issued in place of the stored one
    /// (rotation): the stored one is spent, this one must be saved.
    pub rotated_refresh_token: Option<Secret>,
}

impl Outcome {
    pub fn new(verdict: Verdict, reason: impl Into<String>) -> Outcome {
        Outcome {
            verdict,
            status: None,
            reason: reason.into(),
            identity: None,
            auth_method: None,
            warnings: Vec::new(),
            elapsed: Duration::ZERO,
            rotated_refresh_token: None,
        }
    }
}

/// The request a check would send, with secrets masked: for `--dry-run`.
#[derive(Debug, Clone)]
pub struct Preview {
    pub auth_method: Option<String>,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// Picks the check to run: the first whose parameters are all present.
/// `Err` lists the missing parameters of the closest check.
pub fn choose<'c>(
    file: &'c AuthCheck,
    spec: &Spec,
    credentials: &Credentials,
) -> Result<&'c Check, Vec<String>> {
    let mut closest: Option<Vec<String>> = None;
    for check in &file.checks {
        let missing = missing(check, file, spec, credentials);
        if missing.is_empty() {
            return Ok(check);
        }
        if closest.as_ref().is_none_or(|c| missing.len() < c.len()) {
            closest = Some(missing);
        }
    }
    Err(closest.unwrap_or_default())
}

fn missing(check: &Check, file: &AuthCheck, spec: &Spec, credentials: &Credentials) -> Vec<String> {
    let present = |n: &str| {
        credentials.get(n).is_some_and(|v| !v.is_empty()) || file.default_value(n).is_some()
    };
    let mut needed = check.placeholders();
    if check.auth == Auth::OAuth {
        let method = check.auth_method.as_deref().and_then(|m| spec.method(m));
        needed.push("client_id".into());
        if spec
            .oauth_for(method.or(spec.connection_oauth_owner()))
            .is_some_and(|o| o.flow().is_user())
        {
            needed.push("refresh_token".into());
        }
    }
    needed.into_iter().filter(|n| !present(n)).collect()
}

/// Everything needed to send a check.
pub struct Request<'a> {
    pub http: &'a reqwest::Client,
    pub file: &'a AuthCheck,
    pub check: &'a Check,
    pub spec: &'a Spec,
    pub credentials: &'a Credentials,
    pub timeout: Duration,
}

impl Request<'_> {
    fn value(&self, name: &str) -> Option<String> {
        self.credentials
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.expose().to_string())
            .or_else(|| self.file.default_value(name).map(str::to_string))
    }

    /// A redactor for every secret this request involves: secret
    /// parameters' values and the credential as it will be sent.
    fn redactor(&self) -> Redactor {
        let mut r = Redactor::new();
        let secret_names = self
            .spec
            .parameters
            .iter()
            .chain(
                self.spec
                    .auth_methods
                    .iter()
                    .flat_map(|m| m.parameters.iter()),
            )
            .filter(|p| p.secret || p.looks_secret())
            .map(|p| p.name.as_str());
        for name in secret_names.chain(["client_secret", "refresh_token", "access_token"]) {
            if let Some(v) = self.credentials.get(name) {
                r.add(v.expose());
            }
        }
        r
    }

    /// The URL, headers and credentials as they would be sent.
    fn build(&self, r: &mut Redactor) -> Result<(url::Url, Vec<(String, String)>), Unsendable> {
        let fill_err = Unsendable::from;
        let url = template::fill_url(&self.check.url, |n| self.value(n)).map_err(fill_err)?;
        let mut url = oauth::check_url("the check's URL", &url)
            .map_err(|e| Unsendable(Verdict::BadCheck, e.to_string()))?;
        let mut headers = Vec::new();
        for (name, value) in &self.check.headers {
            let v = template::fill_text(value, |n| self.value(n)).map_err(fill_err)?;
            headers.push((name.clone(), v));
        }
        match &self.check.auth {
            Auth::Basic { username, password } => {
                let user = template::fill_text(username, |n| self.value(n)).map_err(fill_err)?;
                let pass = template::fill_text(password, |n| self.value(n)).map_err(fill_err)?;
                r.add(&pass);
                r.add_basic(&user, &pass);
                use base64::Engine;
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                headers.push(("Authorization".into(), format!("Basic {encoded}")));
            }
            Auth::Bearer(token) => {
                let t = template::fill_text(token, |n| self.value(n)).map_err(fill_err)?;
                r.add(&t);
                headers.push(("Authorization".into(), format!("Bearer {t}")));
            }
            Auth::Header { name, value } => {
                let v = template::fill_text(value, |n| self.value(n)).map_err(fill_err)?;
                r.add(&v);
                headers.push((name.clone(), v));
            }
            Auth::Query { name, value } => {
                let v = template::fill_text(value, |n| self.value(n)).map_err(fill_err)?;
                r.add(&v);
                url.query_pairs_mut().append_pair(name, &v);
            }
            Auth::OAuth | Auth::None => {}
        }
        for (name, value) in &headers {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Unsendable(
                    Verdict::BadCheck,
                    format!("`{name}` is not a valid HTTP header name"),
                ));
            }
            if reqwest::header::HeaderValue::from_bytes(value.as_bytes()).is_err() {
                return Err(Unsendable(
                    Verdict::BadValue,
                    format!(
                        "the value of header `{name}` holds a character no HTTP header can carry; fix the credentials (nothing was sent)"
                    ),
                ));
            }
        }
        Ok((url, headers))
    }

    /// What would be sent, secrets masked.
    pub fn preview(&self) -> Result<Preview, String> {
        let mut r = self.redactor();
        let (url, mut headers) = self.build(&mut r).map_err(|u| r.scrub(&u.1))?;
        if self.check.auth == Auth::OAuth {
            headers.push((
                "Authorization".into(),
                "Bearer <token from the OAuth provider>".into(),
            ));
        }
        Ok(Preview {
            auth_method: self.check.auth_method.clone(),
            method: self.check.method.clone(),
            url: r.scrub(url.as_str()),
            headers: headers.into_iter().map(|(k, v)| (k, r.scrub(&v))).collect(),
        })
    }

    /// Sends the check and classifies the answer.
    pub async fn send(&self) -> Outcome {
        let started = Instant::now();
        let mut outcome = self.send_inner().await;
        outcome.elapsed = started.elapsed();
        outcome.auth_method = self.check.auth_method.clone();
        outcome
    }

    async fn send_inner(&self) -> Outcome {
        let mut r = self.redactor();
        let (url, mut headers) = match self.build(&mut r) {
            Ok(built) => built,
            Err(Unsendable(verdict, why)) => return Outcome::new(verdict, r.scrub(&why)),
        };
        let mut warnings = Vec::new();
        let mut rotated = None;
        if self.check.auth == Auth::OAuth {
            match self.token(&mut r).await {
                Ok(token) => {
                    r.add(token.access.expose());
                    headers.push((
                        "Authorization".into(),
                        format!("Bearer {}", token.access.expose()),
                    ));
                    warnings.extend(token.warning);
                    rotated = token.rotated;
                }
                Err(outcome) => return *outcome,
            }
        }
        let client = self.http;
        let deadline = Instant::now() + self.timeout;
        let mut retried = false;
        let mut outcome = loop {
            let mut request = client.request(
                reqwest::Method::from_bytes(self.check.method.as_bytes())
                    .unwrap_or(reqwest::Method::GET),
                url.clone(),
            );
            for (k, v) in &headers {
                if let (Ok(k), Ok(v)) = (
                    reqwest::header::HeaderName::from_bytes(k.as_bytes()),
                    reqwest::header::HeaderValue::from_bytes(v.as_bytes()),
                ) {
                    request = request.header(k, v);
                }
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => break network_outcome(&e, &url, self.timeout, &r),
            };
            let status = response.status().as_u16();
            if status == 429
                && !retried
                && let Some(wait) = retry_after(&response)
                && Instant::now() + wait < deadline
            {
                retried = true;
                tokio::time::sleep(wait).await;
                continue;
            }
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = read_body(response).await;
            break classify(self.check, status, &body, location.as_deref(), &url, &r);
        };
        outcome.warnings.splice(0..0, warnings);
        outcome.rotated_refresh_token = rotated;
        outcome
    }

    /// An access token from the spec's OAuth block: client credentials for
    /// m2m, the refresh grant for u2m. Also warns about scopes not granted.
    async fn token(&self, r: &mut Redactor) -> Result<Token, Box<Outcome>> {
        let method = self
            .check
            .auth_method
            .as_deref()
            .and_then(|m| self.spec.method(m));
        let owner = method.or(self.spec.connection_oauth_owner());
        let Some(block) = self.spec.oauth_for(owner) else {
            return Err(Box::new(Outcome::new(
                Verdict::BadCheck,
                "the check uses `oauth`, and the spec has no oauth block for this method: add `oauth:` (flow and token_url, as the API doc gives them) to the spec's connection, or change the check's `auth`",
            )));
        };
        let scope = self.spec.parameters_for(owner);
        let template = match block.token_endpoint(&scope) {
            Some(Endpoint::Block(u)) => u.value.clone(),
            Some(Endpoint::Parameter(p)) => self.value(&p.name).unwrap_or_default(),
            None => {
                return Err(Box::new(Outcome::new(
                    Verdict::BadCheck,
                    "the spec gives no token URL",
                )));
            }
        };
        let token_url = template::fill_url(&template, |n| self.value(n)).map_err(|e| {
            let Unsendable(verdict, why) = Unsendable::from(e);
            Box::new(Outcome::new(verdict, format!("token URL: {why}")))
        })?;
        let app = App {
            client_id: self.value("client_id").unwrap_or_default(),
            client_secret: self.value("client_secret").map(Secret::new),
            token_url: token_url.clone(),
        };
        if let Some(s) = &app.client_secret {
            r.add_client_basic(&app.client_id, s.expose());
        }
        let http = self.http;
        let grant = match block.flow() {
            Flow::M2m => oauth::client_credentials(http, &app, &block.scopes, r).await,
            Flow::U2m | Flow::U2mPerUser => {
                let refresh = Secret::new(self.value("refresh_token").unwrap_or_default());
                oauth::refresh(http, &app, &refresh, r).await
            }
        };
        let grant =
            grant.map_err(|e| Box::new(token_outcome(oauth::with_timeout(e, self.timeout), r)))?;
        let warning = grant.scopes.as_ref().and_then(|granted| {
            let missing: Vec<&str> = block
                .scopes
                .iter()
                .filter(|s| !granted.iter().any(|g| g == *s))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "the token lacks scope(s) the spec asks for: {} (a sync needing them will fail with 403)",
                    missing.join(", ")
                )
            })
        });
        let stored = self.value("refresh_token");
        let rotated = grant
            .refresh_token
            .filter(|new| stored.as_deref().is_some_and(|old| old != new.expose()));
        if let Some(new) = &rotated {
            r.add(new.expose());
        }
        Ok(Token {
            access: grant.access_token,
            warning,
            rotated,
        })
    }
}

/// Why a check's request could not be built: nothing was sent.
struct Unsendable(Verdict, String);

impl From<FillError> for Unsendable {
    fn from(e: FillError) -> Unsendable {
        match e.bad_value() {
            Some(name) => Unsendable(
                Verdict::BadValue,
                format!("{e}; fix `{name}` in the credentials (nothing was sent)"),
            ),
            None => Unsendable(
                Verdict::BadCheck,
                format!("the check cannot be filled in: {e}"),
            ),
        }
    }
}

/// An access token, and what came with it.
struct Token {
    access: Secret,
    warning: Option<String>,
    rotated: Option<Secret>,
}

/// The client checks are sent with, shared by every check of a run (it
/// loads the system's root certificates once). It follows redirects only
/// within the origin of the first request: credentials never follow a
/// redirect to another host.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("connector-auth/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if attempt.previous().len() >= 5 || !same_origin {
                attempt.stop()
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| e.to_string())
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

async fn read_body(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_BODY {
            break;
        }
    }
    body
}

fn network_outcome(e: &reqwest::Error, url: &url::Url, timeout: Duration, r: &Redactor) -> Outcome {
    let host = url.host_str().unwrap_or("the host");
    if e.is_timeout() {
        return Outcome::new(
            Verdict::Timeout,
            format!("{host} did not answer within {} s", timeout.as_secs()),
        );
    }
    let reason = oauth::cause(e);
    Outcome::new(
        Verdict::Unreachable,
        r.scrub(&format!("cannot reach {host}: {reason}")),
    )
}

fn token_outcome(e: OAuthError, r: &Redactor) -> Outcome {
    let verdict = match &e {
        OAuthError::Provider { error, .. } => match error.as_str() {
            "invalid_scope" | "unauthorized_client" | "access_denied" => Verdict::Forbidden,
            _ => Verdict::InvalidCredentials,
        },
        OAuthError::Timeout { .. } => Verdict::Timeout,
        OAuthError::Unreachable { .. } => Verdict::Unreachable,
        OAuthError::Malformed { .. } => Verdict::UnexpectedResponse,
        OAuthError::BadUrl { .. } => Verdict::BadCheck,
        OAuthError::NoRefreshToken(_) | OAuthError::StateMismatch => Verdict::InvalidCredentials,
    };
    Outcome::new(verdict, r.scrub(&format!("token request: {e}")))
}

/// The text of an HTML page: tags dropped, the words of `<title>` once.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut skipping = false;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if !in_tag && bytes[i] == b'<' {
            in_tag = true;
            let rest = &lower[i..];
            if rest.starts_with("<title")
                || rest.starts_with("<script")
                || rest.starts_with("<style")
            {
                skipping = true;
            } else if rest.starts_with("</title")
                || rest.starts_with("</script")
                || rest.starts_with("</style")
            {
                skipping = false;
            }
            out.push(' ');
        } else if in_tag && bytes[i] == b'>' {
            in_tag = false;
        } else if !in_tag && !skipping {
            let c = html[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        i += 1;
    }
    out
}

/// A short, scrubbed excerpt of a body, for reasons.
fn excerpt(body: &[u8], r: &Redactor) -> String {
    let text = String::from_utf8_lossy(body);
    // An HTML error page reads as its words, not its markup.
    let text = if text.trim_start().starts_with('<') {
        strip_tags(&text)
    } else {
        text.into_owned()
    };
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let scrubbed = r.shown(&flat);
    let cut: String = scrubbed.chars().take(160).collect();
    if cut.is_empty() {
        String::new()
    } else if cut.len() < scrubbed.len() {
        format!(" — {cut}…")
    } else {
        format!(" — {cut}")
    }
}

fn classify(
    check: &Check,
    status: u16,
    body: &[u8],
    location: Option<&str>,
    url: &url::Url,
    r: &Redactor,
) -> Outcome {
    let path = url.path();
    let what = format!("{} {}", check.method, path);
    let accepted = if check.expect.status.is_empty() {
        (200..300).contains(&status)
    } else {
        check.expect.status.contains(&status)
    };
    let mut outcome = if accepted {
        expect_body(check, status, body, r)
    } else {
        let (verdict, why) = match status {
            401 => (
                Verdict::InvalidCredentials,
                "the API refused the credentials".to_string(),
            ),
            403 => (
                Verdict::Forbidden,
                format!("the credentials are valid but lack a scope or permission for {what}"),
            ),
            404 => (
                Verdict::NotFound,
                format!("nothing at {what}: check the subdomain, base URL or path"),
            ),
            429 => (
                Verdict::RateLimited,
                "rate limited; try again later".to_string(),
            ),
            500..=599 => (
                Verdict::ServerError,
                "the API failed; try again later".to_string(),
            ),
            300..=399 => (
                Verdict::UnexpectedResponse,
                format!(
                    "redirected to {}; the credentials were not sent there (make the check's URL the final one)",
                    location
                        .map(|l| r.shown(l))
                        .unwrap_or_else(|| "another address".into())
                ),
            ),
            _ => (
                Verdict::UnexpectedResponse,
                format!("{what} answered {status}, which the check does not expect"),
            ),
        };
        Outcome::new(verdict, format!("HTTP {status}: {why}{}", excerpt(body, r)))
    };
    outcome.status = Some(status);
    outcome
}

/// A good status: now the body must have what the check expects.
fn expect_body(check: &Check, status: u16, body: &[u8], r: &Redactor) -> Outcome {
    let expect = &check.expect;
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let pointer = |p: &str| json.as_ref().and_then(|j| j.pointer(p)).cloned();
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(needle) = &expect.body_contains
        && !String::from_utf8_lossy(body).contains(needle.as_str())
    {
        return Outcome::new(
            Verdict::UnexpectedResponse,
            format!(
                "HTTP {status}, but the body lacks `{needle}`: some APIs answer 200 to bad credentials{}",
                excerpt(body, r)
            ),
        );
    }
    for (p, want) in &expect.json {
        let got = pointer(p).map(|v| scalar(&v));
        if got.as_deref() != Some(want.as_str()) {
            return Outcome::new(
                Verdict::UnexpectedResponse,
                format!(
                    "HTTP {status}, but {p} is {} instead of {want}{}",
                    got.map(|g| r.shown(&g)).unwrap_or_else(|| "missing".into()),
                    excerpt(body, r)
                ),
            );
        }
    }
    let mut outcome = Outcome::new(
        Verdict::Ok,
        format!(
            "HTTP {status} from {} {}",
            check.method,
            r.scrub(&check.url)
        ),
    );
    if let Some(p) = &expect.identity {
        match pointer(p) {
            Some(v) if !v.is_null() => {
                let who = r.shown(&scalar(&v));
                outcome.reason = format!("{} as {who}", outcome.reason);
                outcome.identity = Some(who);
            }
            _ => {
                return Outcome::new(
                    Verdict::UnexpectedResponse,
                    format!(
                        "HTTP {status}, but the body has no {p}: the API may answer 200 to bad credentials{}",
                        excerpt(body, r)
                    ),
                );
            }
        }
    }
    outcome
}
