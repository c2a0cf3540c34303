//! The local web server behind the browser form: loopback only (127.0.0.1
//! and ::1 on one port), with a Host allowlist against DNS rebinding, an
//! Origin check and a per-run CSRF token on every POST, and a 64 KiB body
//! limit. A successful Save writes the file and ends the run.
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Mutex, watch};

use super::flow::{self, Pending, Status, same};
use super::form::{self, Form, Problem};
use super::page::{Attempt, Checked, Frame, Pages};
use super::save::{self, Saved};
use super::verifier::{OAuthEdits, Verifier};
use crate::credentials::Credentials;
use crate::spec::AuthMethod;
use crate::store::Store;

/// The port tried first; the next ones are tried when it is busy.
pub const DEFAULT_PORT: u16 = 9876;
/// How many ports after the default are tried.
const PORT_TRIES: u16 = 20;
/// Larger request bodies are refused.
pub const MAX_BODY: usize = 64 * 1024;

/// The sockets collect listens on.
pub struct Listening {
    pub listeners: Vec<tokio::net::TcpListener>,
    pub port: u16,
    /// The default port, when it was busy and another was taken.
    pub moved_from: Option<u16>,
}

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("port {0} is busy; choose another with --port, or stop the program using it")]
    Busy(u16),
    #[error("ports {DEFAULT_PORT} to {} are all busy; choose one with --port", DEFAULT_PORT + PORT_TRIES)]
    AllBusy,
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Other {
        port: u16,
        #[source]
        source: std::io::Error,
    },
}

/// Binds 127.0.0.1 (and ::1 where the machine has IPv6) on one port:
/// `requested` exactly (0: any free port), else the default or the next free one.
pub fn bind(requested: Option<u16>) -> Result<Listening, BindError> {
    match requested {
        Some(port) => match bind_pair(port)? {
            Some((listeners, port)) => Ok(Listening {
                listeners,
                port,
                moved_from: None,
            }),
            None => Err(BindError::Busy(port)),
        },
        None => {
            for port in DEFAULT_PORT..=DEFAULT_PORT + PORT_TRIES {
                if let Some((listeners, port)) = bind_pair(port)? {
                    return Ok(Listening {
                        listeners,
                        port,
                        moved_from: (port != DEFAULT_PORT).then_some(DEFAULT_PORT),
                    });
                }
            }
            Err(BindError::AllBusy)
        }
    }
}

/// `Ok(None)` when the port is taken on either address.
fn bind_pair(port: u16) -> Result<Option<(Vec<tokio::net::TcpListener>, u16)>, BindError> {
    for _ in 0..5 {
        let v4 = match std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => return Ok(None),
            Err(source) => return Err(BindError::Other { port, source }),
        };
        let actual = v4.local_addr().map(|a| a.port()).unwrap_or(port);
        let mut listeners = vec![v4];
        match std::net::TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, actual))) {
            Ok(v6) => listeners.push(v6),
            // Someone else answers on [::1]:port, and "localhost" may go there.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if port == 0 {
                    continue;
                }
                return Ok(None);
            }
            Err(_) => {} // no IPv6 loopback on this machine
        }
        let mut converted = Vec::new();
        for l in listeners {
            let converted_one = l
                .set_nonblocking(true)
                .and_then(|()| tokio::net::TcpListener::from_std(l))
                .map_err(|source| BindError::Other { port, source })?;
            converted.push(converted_one);
        }
        return Ok(Some((converted, actual)));
    }
    Ok(None)
}

/// Everything the handlers share during one run.
pub struct FormState {
    pub form: Form,
    pub pages: Pages,
    pub csrf: String,
    pub port: u16,
    pub output: Store,
    pub shown_path: String,
    pub stored: Option<Credentials>,
    pub warnings: Vec<String>,
    pub redirect_uri: String,
    /// Values the OAuth flow obtained (refresh_token), kept server-side.
    pub from_flow: Mutex<Credentials>,
    /// Secrets typed in an earlier submission of this run that another
    /// field's error sent back: kept here, never sent back into the page.
    kept: Mutex<Credentials>,
    /// The authorization sent to the provider, until its callback.
    pending: Mutex<Option<Pending>>,
    /// What the page may know of the flow.
    status: Mutex<Status>,
    /// The client the refresh token was issued to.
    authorized_client: Mutex<Option<String>>,
    saved: Mutex<bool>,
    done: watch::Sender<Option<Store>>,
    /// The auth check, run on Save before anything is written.
    verifier: Option<Verifier>,
    /// Who started the form: how the pages speak of cancelling and of what
    /// comes after Save.
    pub audience: super::page::Audience,
    /// Set when the person clicked Cancel in the form.
    cancelled: watch::Sender<bool>,
    /// What the last check on Save said, for the Saved page of a "Save
    /// anyway" that follows it.
    last_verdict: Mutex<Option<String>>,
    /// What Save checks, in words (no secret), shown on the form.
    check_shown: Option<String>,
    /// What the Saved page said `validate` does not use of the form's
    /// OAuth edits, for the terminal to say too.
    notes: Mutex<Vec<String>>,
}

impl FormState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        form: Form,
        pages: Pages,
        port: u16,
        output: Store,
        shown_path: String,
        stored: Option<Credentials>,
        warnings: Vec<String>,
    ) -> Result<FormState, getrandom::Error> {
        let (done, _) = watch::channel(None);
        Ok(FormState {
            form,
            pages,
            csrf: random_hex(16)?,
            port,
            output,
            shown_path,
            stored,
            warnings,
            redirect_uri: format!("http://localhost:{port}/oauth/callback"),
            from_flow: Mutex::new(Credentials::new()),
            kept: Mutex::new(Credentials::new()),
            pending: Mutex::new(None),
            status: Mutex::new(Status::Idle),
            authorized_client: Mutex::new(None),
            saved: Mutex::new(false),
            done,
            verifier: None,
            audience: super::page::Audience::default(),
            cancelled: watch::channel(false).0,
            last_verdict: Mutex::new(None),
            check_shown: None,
            notes: Mutex::new(Vec::new()),
        })
    }

    /// What the Saved page said `validate` does not use of the form's
    /// OAuth edits.
    pub async fn notes(&self) -> Vec<String> {
        self.notes.lock().await.clone()
    }

    /// Runs `verifier` on Save: a negative verdict keeps the form open.
    pub fn with_verifier(mut self, verifier: Option<Verifier>) -> FormState {
        self.verifier = verifier;
        self
    }

    /// Who the pages speak to (the terminal by default).
    pub fn with_audience(mut self, audience: super::page::Audience) -> FormState {
        self.audience = audience;
        self
    }

    /// Becomes true when the person cancels in the form.
    pub fn cancel_receiver(&self) -> watch::Receiver<bool> {
        self.cancelled.subscribe()
    }

    /// Shows on the form what Save checks (`GET https://…`, no secret).
    pub fn with_check_shown(mut self, line: Option<String>) -> FormState {
        self.check_shown = line;
        self
    }

    /// Resolves with the saved path once a Save succeeds.
    pub fn done_receiver(&self) -> watch::Receiver<Option<Store>> {
        self.done.subscribe()
    }

    fn frame(&self) -> Frame<'_> {
        Frame {
            path: &self.shown_path,
            csrf: &self.csrf,
            redirect_uri: &self.redirect_uri,
            warnings: &self.warnings,
            audience: &self.audience,
            checks: self.check_shown.as_deref(),
        }
    }
}

/// `n` random bytes from the OS, as hex.
pub fn random_hex(n: usize) -> Result<String, getrandom::Error> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The routes, wrapped in the request guard and the body limit.
pub fn app(run: Arc<FormState>) -> Router {
    Router::new()
        .route("/", get(show_form))
        .route("/save", post(save))
        .route("/cancel", post(cancel))
        .route("/oauth/start", post(oauth_start))
        .route("/oauth/status", get(oauth_status))
        .route("/oauth/callback", get(oauth_callback))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(run.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(run)
}

/// Refuses requests for another host (DNS rebinding), cross-origin POSTs
/// and oversized bodies; adds the security headers to every answer.
async fn guard(State(run): State<Arc<FormState>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !host_allowed(headers, run.port) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "This server only answers requests for localhost.",
        );
    }
    if request.method() == Method::POST {
        if !origin_allowed(headers, run.port) {
            return refuse(StatusCode::FORBIDDEN, "Cross-origin requests are refused.");
        }
        let too_long = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > MAX_BODY);
        if too_long {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request is larger than 64 KiB.",
            );
        }
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// The Host header names this server: localhost, 127.0.0.1 or [::1], with our port.
pub fn host_allowed(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}") || (port == 80 && host == *name))
}

/// A POST's Origin (when sent) is this server; a browser's fetch metadata
/// (when sent) says same-origin.
pub fn origin_allowed(headers: &HeaderMap, port: u16) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        return ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|name| origin == format!("http://{name}:{port}"));
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

/// An HTML answer with a CSP that allows only this page's own script.
fn page(
    status: StatusCode,
    render: impl FnOnce(&str) -> Result<String, minijinja::Error>,
) -> Response {
    let nonce = random_hex(16).unwrap_or_default();
    match render(&nonce) {
        Ok(html) => {
            let csp = format!(
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; \
                 connect-src 'self'; form-action 'self'; img-src data:; base-uri 'none'; frame-ancestors 'none'"
            );
            let mut response = (status, Html(html)).into_response();
            if let Ok(value) = HeaderValue::from_str(&csp) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, value);
            }
            response
        }
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page could not be rendered.",
        ),
    }
}

fn message(run: &FormState, status: StatusCode, heading: &str, text: &str) -> Response {
    page(status, |_| run.pages.message(heading, text))
}

async fn show_form(State(run): State<Arc<FormState>>) -> Response {
    let attempt = Attempt {
        stored: run.stored.as_ref(),
        ..Attempt::default()
    };
    page(StatusCode::OK, |nonce| {
        run.pages.form(&run.form, &run.frame(), &attempt, nonce)
    })
}

/// Why a posted form is refused before its values are looked at.
enum Refusal {
    Unreadable,
    BadToken,
    Undeclared(String),
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::BadToken => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn text(&self) -> String {
        match self {
            Refusal::Unreadable => "The form data could not be read.".to_string(),
            Refusal::BadToken => "This form did not come from the running connector-auth (its security token is missing or stale). Reload the page and try again.".to_string(),
            Refusal::Undeclared(name) => {
                format!("The form sent `{name}`, which is not a parameter of this source.")
            }
        }
    }
}

/// The posted pairs, when they carry this run's CSRF token and only
/// declared names.
fn posted(run: &FormState, body: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| Refusal::Unreadable)?;
    if !value(&pairs, form::CSRF).is_some_and(|t| same(t, &run.csrf)) {
        return Err(Refusal::BadToken);
    }
    if let Some((name, _)) = pairs.iter().find(|(n, _)| !run.form.accepts(n)) {
        return Err(Refusal::Undeclared(name.chars().take(64).collect()));
    }
    Ok(pairs)
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn save(State(run): State<Arc<FormState>>, body: axum::body::Bytes) -> Response {
    let pairs = match posted(&run, &body) {
        Ok(pairs) => pairs,
        Err(refusal) => return message(&run, refusal.status(), "Not saved", &refusal.text()),
    };
    let mut saved = run.saved.lock().await;
    if *saved {
        let text = format!(
            "The credentials were already saved to {}; this run of collect has finished.",
            run.shown_path
        );
        return message(&run, StatusCode::CONFLICT, "Already saved", &text);
    }
    let submission = Submission::read(&run, pairs).await;
    let credentials = match submission.credentials(&run).await {
        Ok(credentials) => credentials,
        Err((problems, offer_anyway)) => {
            return submission.retry(&run, &problems, offer_anyway).await;
        }
    };
    let anyway = value(&submission.pairs, form::SAVE_ANYWAY) == Some("on");
    let unverified = if anyway {
        run.last_verdict.lock().await.clone()
    } else {
        None
    };
    let edits = submission.oauth_edits(&run);
    let saved_now = save::save(
        &run.output,
        run.verifier.as_ref(),
        credentials,
        &edits,
        anyway,
    );
    let verified = match saved_now.await {
        Ok(Saved::Written(checked)) => checked.map(|c| c.sentence),
        Ok(Saved::Refused(result)) => {
            *run.last_verdict.lock().await = Some(result.saved_anyway.clone());
            let problem = Problem::new(None, result.sentence).with_detail(result.detail);
            return submission.retry(&run, &[problem], true).await;
        }
        Err(err) => {
            let text = err.to_string();
            return message(&run, StatusCode::INTERNAL_SERVER_ERROR, "Not saved", &text);
        }
    };
    *saved = true;
    let method = run.form.choose(submission.method_name()).ok().flatten();
    let notes = flow::edits_validate_ignores(&run.form, method, &submission.pairs);
    *run.notes.lock().await = notes.clone();
    let _ = run.done.send(Some(run.output.clone()));
    let checked = match (&verified, &unverified) {
        (Some(reason), _) => Checked::Passed(reason),
        (None, Some(said)) => Checked::SavedAnyway(said),
        (None, None) => Checked::NotRun,
    };
    page(StatusCode::OK, |_| {
        run.pages.done(
            &run.form.title,
            &run.shown_path,
            checked,
            &notes,
            &run.audience,
        )
    })
}

/// The person clicked Cancel: nothing is written and the run ends.
async fn cancel(State(run): State<Arc<FormState>>, body: axum::body::Bytes) -> Response {
    if let Err(refusal) = posted(&run, &body) {
        return message(&run, refusal.status(), "Not cancelled", &refusal.text());
    }
    if *run.saved.lock().await {
        let text = format!(
            "The credentials were already saved to {}; this run of collect has finished.",
            run.shown_path
        );
        return message(&run, StatusCode::CONFLICT, "Already saved", &text);
    }
    let _ = run.cancelled.send(true);
    page(StatusCode::OK, |_| run.pages.cancelled(&run.audience))
}

/// Keeps the secrets typed in `pairs` for this run (a later submission or
/// Authorize that leaves a box empty uses what was typed, then what was
/// stored); returns them, and the stored values overlaid with them.
async fn remember(
    run: &FormState,
    pairs: &[(String, String)],
) -> (Credentials, Option<Credentials>) {
    let mut kept = run.kept.lock().await;
    for field in run.form.fields.iter().filter(|f| f.parameter.secret) {
        if let Some((_, v)) = pairs.iter().rev().find(|(n, _)| *n == field.parameter.name) {
            let v = field.clean(v);
            if !v.is_empty() {
                kept.insert(&field.parameter.name, crate::secret::Secret::new(v));
            }
        }
    }
    let mut fallback = run.stored.clone().unwrap_or_default();
    for (name, value) in kept.iter() {
        fallback.insert(name, value.clone());
    }
    (kept.clone(), (!fallback.is_empty()).then_some(fallback))
}

/// One submission of the form, with the secrets this run has kept.
struct Submission {
    pairs: Vec<(String, String)>,
    /// The non-secret values as typed, to show again on a re-rendered form.
    typed: Vec<(String, String)>,
    /// Secrets typed in this run (this submission included).
    kept: Credentials,
    /// What an empty secret field keeps: typed in this run, else stored.
    fallback: Option<Credentials>,
}

/// What stops a save: the problems to show, and whether "Save anyway" is offered.
type NotSaved = (Vec<Problem>, bool);

impl Submission {
    /// Reads `pairs`; typed secrets are kept for this run, so a later
    /// submission that leaves them empty keeps what was typed (then what
    /// was stored).
    async fn read(run: &FormState, pairs: Vec<(String, String)>) -> Submission {
        let typed: Vec<(String, String)> = pairs
            .iter()
            .filter(|(n, _)| {
                n == form::METHOD
                    || form::OAUTH_EDITABLE.contains(&n.as_str())
                    || run
                        .form
                        .fields
                        .iter()
                        .any(|f| f.parameter.name == *n && !f.parameter.secret)
            })
            .cloned()
            .collect();
        let (kept, fallback) = remember(run, &pairs).await;
        Submission {
            pairs,
            typed,
            kept,
            fallback,
        }
    }

    fn method_name(&self) -> Option<&str> {
        value(&self.pairs, form::METHOD)
    }

    /// The form again, with what was typed (the OAuth boxes as edited),
    /// where the authorization stands, and what stopped the save.
    async fn retry(
        &self,
        run: &FormState,
        problems: &[Problem],
        offer_save_anyway: bool,
    ) -> Response {
        let status = run.status.lock().await.clone();
        let attempt = Attempt {
            method: self.method_name(),
            typed: &self.typed,
            problems,
            stored: run.stored.as_ref(),
            kept: Some(&self.kept),
            offer_save_anyway,
            oauth_status: Some(&status),
        };
        page(StatusCode::UNPROCESSABLE_ENTITY, |nonce| {
            run.pages.form(&run.form, &run.frame(), &attempt, nonce)
        })
    }

    /// The credentials to save: the chosen method's values checked, merged
    /// with kept secrets and the flow's refresh token, the client unchanged
    /// since authorizing, and an m2m grant that works.
    async fn credentials(&self, run: &FormState) -> Result<Credentials, NotSaved> {
        let method = run
            .form
            .choose(self.method_name())
            .map_err(|problem| (vec![problem], false))?;
        let from_flow = run.from_flow.lock().await.clone();
        let credentials = run
            .form
            .check(method, &self.pairs, self.fallback.as_ref(), &from_flow)
            .map_err(|problems| (problems, false))?;
        if from_flow.contains("refresh_token") {
            let authorized = run.authorized_client.lock().await.clone();
            let typed_client = credentials.get("client_id").map(|c| c.expose().to_string());
            if authorized.is_some() && typed_client != authorized {
                let problem = Problem::new(
                    Some("client_id"),
                    "changed after authorizing: the refresh token belongs to the earlier client; click Authorize again",
                );
                return Err((vec![problem], false));
            }
        }
        self.m2m_grant(run, method).await?;
        Ok(credentials)
    }

    /// Under the client-credentials grant, tries it before saving (unless
    /// the person chose to save anyway).
    async fn m2m_grant(
        &self,
        run: &FormState,
        method: Option<&AuthMethod>,
    ) -> Result<(), NotSaved> {
        let m2m = run
            .form
            .oauth(method)
            .is_some_and(|o| o.flow() == crate::spec::Flow::M2m);
        if !m2m || value(&self.pairs, form::SAVE_ANYWAY) == Some("on") {
            return Ok(());
        }
        let checked = match flow::resolve(&run.form, method, &self.pairs, self.fallback.as_ref()) {
            Ok(resolved) => resolved
                .check_client_credentials()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(why) => Err(why),
        };
        let Err(why) = checked else {
            return Ok(());
        };
        *run.last_verdict.lock().await = Some(format!(
            "Saved as you asked, but the client-credentials grant failed: {why}"
        ));
        let problem = Problem::new(
            None,
            format!("the client-credentials grant failed, so nothing was saved: {why}"),
        );
        Err((vec![problem], true))
    }

    /// The OAuth token URL and scopes as every action of this submission
    /// uses them (edited on the form, placeholders filled), for the check
    /// on Save.
    fn oauth_edits(&self, run: &FormState) -> OAuthEdits {
        let Ok(method) = run.form.choose(self.method_name()) else {
            return OAuthEdits::default();
        };
        if run.form.oauth(method).is_none() {
            return OAuthEdits::default();
        }
        match flow::resolve(&run.form, method, &self.pairs, self.fallback.as_ref()) {
            Ok(resolved) => OAuthEdits {
                token_url: Some(resolved.app.token_url),
                scopes: Some(resolved.scopes),
            },
            Err(_) => OAuthEdits::default(),
        }
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// Starts an authorization: state and PKCE verifier stay here; the page
/// gets the provider's URL to open.
async fn oauth_start(State(run): State<Arc<FormState>>, body: axum::body::Bytes) -> Response {
    let refuse = |text: String| {
        json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"message": text}),
        )
    };
    let pairs = match posted(&run, &body) {
        Ok(pairs) => pairs,
        Err(refusal) => {
            return json(
                refusal.status(),
                serde_json::json!({"message": refusal.text()}),
            );
        }
    };
    let method = match run.form.choose(value(&pairs, form::METHOD)) {
        Ok(m) => m,
        Err(problem) => return refuse(problem.message),
    };
    let (_, known) = remember(&run, &pairs).await;
    let resolved = match flow::resolve(&run.form, method, &pairs, known.as_ref()) {
        Ok(r) if r.flow.is_user() => r,
        Ok(_) => return refuse("this method uses the client-credentials grant; just Save".into()),
        Err(why) => return refuse(why),
    };
    // The provider's host is tried first, so an unreachable one is named
    // on the page instead of a browser error page in the popup.
    if let Some(url) = resolved.authorization_url.as_deref()
        && let Err(why) = flow::reachable(url).await
    {
        return refuse(why);
    }
    let (authorization, pending) = match resolved.authorize(&run.redirect_uri) {
        Ok(pair) => pair,
        Err(why) => return refuse(why),
    };
    *run.pending.lock().await = Some(pending);
    *run.status.lock().await = Status::Pending;
    let mut message = String::new();
    if !authorization.ignored.is_empty() {
        message = format!(
            "extra_auth_params {} were left out: they would override the flow's own parameters",
            authorization.ignored.join(", ")
        );
    }
    json(
        StatusCode::OK,
        serde_json::json!({"authorize_url": authorization.url, "message": message}),
    )
}

async fn oauth_status(State(run): State<Arc<FormState>>) -> Response {
    json(StatusCode::OK, run.status.lock().await.to_json())
}

/// The provider sends the person back here with a code (or an error).
async fn oauth_callback(
    State(run): State<Arc<FormState>>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let code = value(&pairs, "code");
    let error = value(&pairs, "error");
    if code.is_none() && error.is_none() {
        // A prefetch or a stray request: leave the authorization in progress alone.
        return message(
            &run,
            StatusCode::BAD_REQUEST,
            "Nothing to do",
            "This address is where the provider sends you back after authorizing.",
        );
    }
    let mut pending = run.pending.lock().await;
    let Some(expected) = pending.as_ref() else {
        return message(
            &run,
            StatusCode::BAD_REQUEST,
            "Not authorized",
            "No authorization is in progress (this link was already used). Click Authorize on the form again.",
        );
    };
    if !value(&pairs, "state").is_some_and(|s| same(s, expected.state.expose())) {
        return message(
            &run,
            StatusCode::BAD_REQUEST,
            "Not authorized",
            "The answer does not match the authorization this form started (state mismatch), so it was ignored. Click Authorize on the form again.",
        );
    }
    let Some(started) = pending.take() else {
        return message(
            &run,
            StatusCode::BAD_REQUEST,
            "Not authorized",
            "No authorization is in progress.",
        );
    };
    drop(pending);
    let outcome = match (code, error) {
        (Some(code), _) => flow::finish(&started, code)
            .await
            .map_err(|e| e.to_string()),
        (None, Some(error)) => {
            let description = value(&pairs, "error_description")
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            Err(format!("the provider answered `{error}`{description}"))
        }
        (None, None) => Err("the provider sent nothing".to_string()),
    };
    match outcome {
        Ok(refresh_token) => {
            run.from_flow
                .lock()
                .await
                .insert("refresh_token", refresh_token);
            *run.authorized_client.lock().await = Some(started.app.client_id.clone());
            let text = "Authorized: the refresh token is kept by connector-auth on this computer. Now click Save on the form.";
            *run.status.lock().await = Status::Authorized(text.to_string());
            message(
                &run,
                StatusCode::OK,
                "Authorized",
                "You can close this window and return to the form to Save.",
            )
        }
        Err(why) => {
            let text = format!("Not authorized: {why}");
            *run.status.lock().await = Status::Failed(text.clone());
            message(&run, StatusCode::OK, "Not authorized", &text)
        }
    }
}

async fn not_found(State(run): State<Arc<FormState>>) -> Response {
    message(
        &run,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing here; the form is at /.",
    )
}

/// What the terminal's loopback callback shares between requests.
#[derive(Clone)]
struct Callback {
    answers: tokio::sync::mpsc::Sender<Vec<(String, String)>>,
    pages: Arc<Pages>,
    port: u16,
}

/// A server with only `/oauth/callback`, for the terminal's authorization:
/// each provider answer (a query with `code` or `error`) arrives on the
/// returned channel; stray requests are answered and dropped.
pub fn callback_app(
    port: u16,
    pages: Pages,
) -> (Router, tokio::sync::mpsc::Receiver<Vec<(String, String)>>) {
    let (answers, received) = tokio::sync::mpsc::channel(8);
    let state = Callback {
        answers,
        pages: Arc::new(pages),
        port,
    };
    let app = Router::new()
        .route("/oauth/callback", get(callback_answer))
        .with_state(state);
    (app, received)
}

async fn callback_answer(
    State(callback): State<Callback>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    if !host_allowed(&headers, callback.port) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "This server only answers requests for localhost.",
        );
    }
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let meaningful = pairs.iter().any(|(k, _)| k == "code" || k == "error");
    let text = if meaningful {
        let _ = callback.answers.send(pairs).await;
        "connector-auth received the answer; return to the terminal."
    } else {
        "This address is where the provider sends you back after authorizing."
    };
    page(StatusCode::OK, |_| {
        callback.pages.message("connector-auth", text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn hosts_other_than_loopback_with_our_port_are_refused() {
        assert!(host_allowed(&headers(&[("host", "localhost:9876")]), 9876));
        assert!(host_allowed(&headers(&[("host", "127.0.0.1:9876")]), 9876));
        assert!(host_allowed(&headers(&[("host", "[::1]:9876")]), 9876));
        assert!(!host_allowed(
            &headers(&[("host", "evil.example:9876")]),
            9876
        ));
        assert!(!host_allowed(&headers(&[("host", "localhost:9877")]), 9876));
        assert!(!host_allowed(&headers(&[("host", "localhost")]), 9876));
        assert!(!host_allowed(&headers(&[]), 9876));
    }

    #[test]
    fn foreign_origins_are_refused() {
        assert!(origin_allowed(
            &headers(&[("origin", "http://localhost:9876")]),
            9876
        ));
        assert!(!origin_allowed(
            &headers(&[("origin", "http://evil.example")]),
            9876
        ));
        assert!(!origin_allowed(&headers(&[("origin", "null")]), 9876));
        assert!(!origin_allowed(
            &headers(&[("sec-fetch-site", "cross-site")]),
            9876
        ));
        assert!(origin_allowed(&headers(&[]), 9876));
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
