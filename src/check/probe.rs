//! Part of Step 3 (`check`), its probe: pick the first check whose parameters are all present,
//! fill its placeholders, get an OAuth token when asked, send one request
//! with a timeout, and classify the answer into an [`Outcome`] with a
//! one-line reason. Everything shown is scrubbed of secrets first.

use std::time::{Duration, Instant};

use super::{Auth, AuthCheck, Check, jwt};
use crate::credentials::Credentials;
use crate::exit::Exit;
use crate::oauth::{self, App, OAuthError};
use crate::redact::Redactor;
use crate::secret::Secret;
use crate::spec::{AuthMethod, Endpoint, Flow, Spec};
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

/// The auth method the credentials hold: the one a selector parameter
/// (`auth_type`) names, else the one whose own required parameters are all
/// present.
pub fn held_method<'s>(spec: &'s Spec, credentials: &Credentials) -> Option<&'s AuthMethod> {
    let present = |n: &str| credentials.get(n).is_some_and(|v| !v.is_empty());
    let selected = spec.parameters.iter().find_map(|p| {
        let value = credentials.get(&p.name)?;
        spec.method(value.expose().trim())
    });
    selected.or_else(|| {
        spec.auth_methods.iter().find(|m| {
            let own: Vec<&str> = m
                .parameters
                .iter()
                .filter(|p| p.required)
                .map(|p| p.name.as_str())
                .collect();
            !own.is_empty() && own.iter().all(|n| present(n))
        })
    })
}

/// Why these credentials cannot be checked: they hold an auth method the
/// check file has no check for (never a silent skip).
pub fn uncovered(file: &AuthCheck, spec: &Spec, credentials: &Credentials) -> Option<String> {
    if file.checks.iter().all(|c| c.auth_method.is_none()) && !file.checks.is_empty() {
        return None;
    }
    let method = held_method(spec, credentials)?;
    if file
        .checks
        .iter()
        .any(|c| c.auth_method.as_deref() == Some(method.name.as_str()))
    {
        return None;
    }
    let checked: Vec<String> = file
        .checks
        .iter()
        .filter_map(|c| c.auth_method.as_ref().map(|m| format!("`{m}`")))
        .collect();
    let why = file
        .no_http
        .as_deref()
        .map(|r| format!(" (no HTTP check: {r})"))
        .unwrap_or_default();
    Some(format!(
        "the credentials are for auth method `{}`, which the auth check has no check for{why}; {}",
        method.name,
        if checked.is_empty() {
            "add one under `checks:` with `auth_method` set to it".to_string()
        } else {
            format!(
                "it checks {}; add a check for this method, or collect credentials for a checked one",
                checked.join(", ")
            )
        }
    ))
}

fn missing(check: &Check, file: &AuthCheck, spec: &Spec, credentials: &Credentials) -> Vec<String> {
    let given = |n: &str| credentials.get(n).is_some_and(|v| !v.is_empty());
    let present = |n: &str| {
        given(n)
            || file.default_value(n).is_some()
            || file.derivation(n).is_some_and(|d| {
                given(&d.from)
                    || file.default_value(&d.from).is_some()
                    || matches!(
                        &d.rule,
                        super::DeriveRule::Map {
                            default: Some(_),
                            ..
                        }
                    )
            })
    };
    let mut needed = check.placeholders();
    if check.auth.is_oauth() {
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
        let given = |n: &str| {
            self.credentials
                .get(n)
                .filter(|v| !v.is_empty())
                .map(|v| v.expose().to_string())
        };
        let derived = || {
            let d = self.file.derivation(name)?;
            let from =
                given(&d.from).or_else(|| self.file.default_value(&d.from).map(str::to_string));
            d.apply(from.as_deref()).ok().flatten()
        };
        given(name)
            .or_else(derived)
            .or_else(|| self.file.default_value(name).map(str::to_string))
    }

    /// A derived value whose source value derives nothing (a region not
    /// in the table): nothing can be sent.
    fn underivable(&self) -> Option<String> {
        self.file.values.iter().find_map(|(name, d)| {
            let used = self.check.placeholders().iter().any(|p| p == name);
            let given = self.credentials.get(name).is_some_and(|v| !v.is_empty());
            if !used || given {
                return None;
            }
            let from = self
                .credentials
                .get(&d.from)
                .map(|v| v.expose().to_string())
                .or_else(|| self.file.default_value(&d.from).map(str::to_string));
            d.apply(from.as_deref()).err()
        })
    }

    /// A redactor for every secret this request involves: secret
    /// parameters' values and the credential as it will be sent.
    fn redactor(&self) -> Redactor {
        let mut r = Redactor::new();
        let secret_names = self
            .spec
            .all_parameters()
            .filter(|p| p.secret || p.looks_secret())
            .map(|p| p.name.as_str());
        for name in secret_names.chain(["client_secret", "refresh_token", "access_token"]) {
            if let Some(v) = self.credentials.get(name) {
                r.add(v.expose());
            }
        }
        r
    }

    /// A `base_url` the person gave wins over the address a check's URL
    /// names without it (a fixed host, or one built from another value such
    /// as `https://{company_domain}.x.com`): the request goes to their base
    /// URL, with the check's path under it.
    fn on_typed_base(&self, filled: String) -> String {
        let declared = self.spec.all_parameters().any(|p| p.name == BASE_URL);
        let typed = self
            .credentials
            .get(BASE_URL)
            .map(|v| v.expose().trim().to_string())
            .filter(|v| !v.is_empty());
        let (true, Some(typed)) = (declared && !self.check.url.contains("{base_url}"), typed)
        else {
            return filled;
        };
        let (Ok(mut base), Ok(check)) = (url::Url::parse(&typed), url::Url::parse(&filled)) else {
            return filled;
        };
        let prefix = base.path().trim_end_matches('/').to_string();
        let path = check.path();
        let rest = path
            .strip_prefix(prefix.as_str())
            .filter(|r| r.is_empty() || r.starts_with('/'))
            .unwrap_or(path);
        base.set_path(&format!("{prefix}{rest}"));
        base.set_query(check.query());
        base.to_string()
    }

    /// The parameters whose values make up the host the check goes to: a
    /// name that does not resolve is probably one of them typed wrong.
    fn host_parameters(&self) -> Vec<String> {
        let typed_base = self
            .credentials
            .get(BASE_URL)
            .is_some_and(|v| !v.is_empty());
        if typed_base && !self.check.url.contains("{base_url}") {
            return vec![BASE_URL.to_string()];
        }
        let after_scheme = self
            .check
            .url
            .split_once("://")
            .map_or(self.check.url.as_str(), |(_, rest)| rest);
        let origin = if self.check.url.starts_with('{') {
            // `{base_url}/v2/me`: the whole origin is one value.
            self.check.url.split('/').next().unwrap_or_default()
        } else {
            after_scheme.split('/').next().unwrap_or_default()
        };
        origin
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    /// The URL, headers and credentials as they would be sent.
    fn build(&self, r: &mut Redactor) -> Result<(url::Url, Vec<(String, String)>), Unsendable> {
        let fill_err = Unsendable::from;
        if let Some(why) = self.underivable() {
            return Err(Unsendable(
                Verdict::BadValue,
                format!("{why}; fix the credentials (nothing was sent)"),
            ));
        }
        let url = template::fill_url(&self.check.url, |n| self.value(n)).map_err(fill_err)?;
        let url = self.on_typed_base(url);
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
                let name = template::fill_text(name, |n| self.value(n)).map_err(fill_err)?;
                let v = template::fill_text(value, |n| self.value(n)).map_err(fill_err)?;
                r.add(&v);
                headers.push((name, v));
            }
            Auth::Query { name, value } => {
                let v = template::fill_text(value, |n| self.value(n)).map_err(fill_err)?;
                r.add(&v);
                url.query_pairs_mut().append_pair(name, &v);
            }
            Auth::Jwt { key, .. } => {
                // The key must read and sign now: nothing is sent otherwise.
                let key = self.key(key, r)?;
                key.assertion(None, 0).map_err(|e| {
                    Unsendable(
                        Verdict::BadValue,
                        format!(
                            "the service-account key {e}; fix the credentials (nothing was sent)"
                        ),
                    )
                })?;
            }
            Auth::ClientAssertion { .. } => {
                self.client_key(r)?;
            }
            Auth::OAuth { .. } | Auth::None => {}
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
        match &self.check.auth {
            Auth::OAuth { scheme } => headers.push((
                "Authorization".into(),
                format!(
                    "{} <token from the OAuth provider>",
                    scheme.as_deref().unwrap_or("Bearer")
                ),
            )),
            Auth::Jwt { .. } => headers.push((
                "Authorization".into(),
                "Bearer <token for a JWT signed with the key, from its token_uri>".into(),
            )),
            Auth::ClientAssertion { .. } => headers.push((
                "Authorization".into(),
                "Bearer <token for a client assertion signed with the private key, from the token URL>"
                    .into(),
            )),
            _ => {}
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
        let scheme = match &self.check.auth {
            Auth::OAuth { scheme } => Some(scheme.as_deref().unwrap_or("Bearer")),
            Auth::Jwt { .. } | Auth::ClientAssertion { .. } => Some("Bearer"),
            _ => None,
        };
        if let Some(scheme) = scheme {
            let token = match &self.check.auth {
                Auth::Jwt { key, scope } => self.jwt_token(key, scope.as_deref(), &mut r).await,
                Auth::ClientAssertion { scope, .. } => {
                    self.assertion_token(scope.as_deref(), &mut r).await
                }
                _ => self.token(&mut r).await,
            };
            match token {
                Ok(token) => {
                    r.add(token.access.expose());
                    headers.push((
                        "Authorization".into(),
                        format!("{scheme} {}", token.access.expose()),
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
                Err(e) => {
                    break network_outcome(&e, &url, self.timeout, &self.host_parameters(), &r);
                }
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

    /// The service-account key a `jwt` check names, read; its private key
    /// is added to the redactor.
    fn key(&self, template: &str, r: &mut Redactor) -> Result<jwt::Key, Unsendable> {
        let mut text = String::new();
        let mut last = 0;
        for (at, name) in template::placeholders(template) {
            text.push_str(&template[last..at]);
            let value = self
                .value(name)
                .ok_or_else(|| Unsendable::from(FillError::Missing(name.to_string())))?;
            r.add(&value);
            text.push_str(&value);
            last = at + name.len() + 2;
        }
        text.push_str(&template[last..]);
        let key = jwt::Key::parse(&text).map_err(|e| {
            Unsendable(
                Verdict::BadValue,
                format!("the service-account key {e}; fix the credentials (nothing was sent)"),
            )
        })?;
        r.add(key.private_key().expose());
        Ok(key)
    }

    /// The client key a `jwt` check with `private_key` names, able to sign;
    /// its private key is added to the redactor.
    fn client_key(&self, r: &mut Redactor) -> Result<(jwt::Key, String), Unsendable> {
        let Auth::ClientAssertion {
            private_key,
            client_id,
            token_url,
            ..
        } = &self.check.auth
        else {
            return Err(Unsendable(
                Verdict::BadCheck,
                "not a client assertion".into(),
            ));
        };
        let fill = |t: &str| template::fill_text(t, |n| self.value(n)).map_err(Unsendable::from);
        let (client_id, token_url) = (fill(client_id)?, fill(token_url)?);
        let mut pem = String::new();
        for (_, name) in template::placeholders(private_key) {
            let value = self
                .value(name)
                .ok_or_else(|| Unsendable::from(FillError::Missing(name.to_string())))?;
            r.add(&value);
            pem.push_str(&value);
        }
        let key = jwt::Key::client(&client_id, &token_url, &pem);
        key.client_assertion(0).map_err(|e| {
            Unsendable(
                Verdict::BadValue,
                format!("the client's private key {e}; fix the credentials (nothing was sent)"),
            )
        })?;
        Ok((key, client_id))
    }

    /// An access token for a client that signs its own assertion: the
    /// client-credentials grant with `private_key_jwt` (RFC 7523 §2.2).
    async fn assertion_token(
        &self,
        scope: Option<&str>,
        r: &mut Redactor,
    ) -> Result<Token, Box<Outcome>> {
        let failed = |Unsendable(verdict, why): Unsendable| Box::new(Outcome::new(verdict, why));
        let (key, client_id) = self.client_key(r).map_err(failed)?;
        let scopes: Vec<String> = match scope {
            Some(s) => template::fill_text(s, |n| self.value(n))
                .unwrap_or_default()
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let assertion = key.client_assertion(now).map_err(|e| {
            failed(Unsendable(
                Verdict::BadValue,
                format!("the client's private key {e}; fix the credentials (nothing was sent)"),
            ))
        })?;
        r.add(assertion.expose());
        let grant = oauth::client_assertion(
            self.http,
            &key.token_uri,
            &client_id,
            &assertion,
            &scopes,
            r,
        )
        .await
        .map_err(|e| Box::new(token_outcome(oauth::with_timeout(e, self.timeout), r)))?;
        Ok(Token {
            access: grant.access_token,
            warning: None,
            rotated: None,
        })
    }

    /// An access token for a service-account key: a JWT signed with it,
    /// exchanged at its `token_uri` (RFC 7523).
    async fn jwt_token(
        &self,
        key: &str,
        scope: Option<&str>,
        r: &mut Redactor,
    ) -> Result<Token, Box<Outcome>> {
        let unsendable =
            |Unsendable(verdict, why): Unsendable| Box::new(Outcome::new(verdict, why));
        let key = self.key(key, r).map_err(unsendable)?;
        let scope = match scope {
            Some(s) => {
                Some(template::fill_text(s, |n| self.value(n)).map_err(|e| unsendable(e.into()))?)
            }
            None => None,
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let assertion = key.assertion(scope.as_deref(), now).map_err(|e| {
            unsendable(Unsendable(
                Verdict::BadValue,
                format!("the service-account key {e}; fix the credentials (nothing was sent)"),
            ))
        })?;
        r.add(assertion.expose());
        let grant = oauth::jwt_bearer(self.http, &key.token_uri, &assertion, r)
            .await
            .map_err(|e| Box::new(token_outcome(oauth::with_timeout(e, self.timeout), r)))?;
        Ok(Token {
            access: grant.access_token,
            warning: None,
            rotated: None,
        })
    }

    /// A method holding its app and token endpoint as parameters
    /// (`token_url`, `client_id`, `client_secret`, `scope`): the
    /// client-credentials grant, or refresh with a stored token.
    fn token_from_parameters(
        &self,
        scope: &[&crate::spec::Parameter],
    ) -> Result<(String, Flow, Vec<String>), Box<Outcome>> {
        match scope.iter().find(|p| token_url_parameter(&p.name)) {
            Some(p) => {
                let flow = if scope.iter().any(|p| p.name == "refresh_token") {
                    Flow::U2m
                } else {
                    Flow::M2m
                };
                let scopes: Vec<String> = ["scope", "scopes"]
                    .iter()
                    .find_map(|n| self.value(n))
                    .map(|v| {
                        v.split([' ', ','])
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok((self.value(&p.name).unwrap_or_default(), flow, scopes))
            }
            None => Err(Box::new(Outcome::new(
                Verdict::BadCheck,
                "the check uses `oauth`, and the spec has no oauth block for this method: add `oauth:` (flow and token_url, as the API doc gives them) to the spec's connection, or change the check's `auth`",
            ))),
        }
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
        let scope = self.spec.parameters_for(owner);
        let (template, flow, scopes) = match self.spec.oauth_for(owner) {
            Some(block) => {
                let template = match block.token_endpoint(&scope) {
                    Some(Endpoint::Block(u)) => {
                        crate::spec::on_accounts_host(&u.value, &scope, |n| self.value(n))
                    }
                    Some(Endpoint::Parameter(p)) => self.value(&p.name).unwrap_or_default(),
                    None => {
                        return Err(Box::new(Outcome::new(
                            Verdict::BadCheck,
                            "the spec gives no token URL",
                        )));
                    }
                };
                (template, block.flow(), block.scopes.clone())
            }
            None => self.token_from_parameters(&scope)?,
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
        let grant = match flow {
            Flow::M2m => oauth::client_credentials(http, &app, &scopes, r).await,
            Flow::U2m | Flow::U2mPerUser => {
                let refresh = Secret::new(self.value("refresh_token").unwrap_or_default());
                oauth::refresh(http, &app, &refresh, r).await
            }
        };
        let grant =
            grant.map_err(|e| Box::new(token_outcome(oauth::with_timeout(e, self.timeout), r)))?;
        let warning = grant.scopes.as_ref().and_then(|granted| {
            let missing: Vec<&str> = scopes
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

/// A parameter holding a token endpoint (`token_url`, `token_endpoint`).
pub fn token_url_parameter(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "token_url" || n == "token_endpoint" || n.ends_with("_token_url") || n == "token_uri"
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

/// The parameter a check's URL takes its whole base from, when given.
const BASE_URL: &str = "base_url";

fn network_outcome(
    e: &reqwest::Error,
    url: &url::Url,
    timeout: Duration,
    host_parameters: &[String],
    r: &Redactor,
) -> Outcome {
    let host = url.host_str().unwrap_or("the host");
    if e.is_timeout() {
        return Outcome::new(
            Verdict::Timeout,
            format!("{host} did not answer within {} s", timeout.as_secs()),
        );
    }
    let reason = oauth::cause(e);
    if reason.starts_with("its address could not be looked up") {
        // A name that does not resolve: almost always a value typed wrong.
        let suspect = match host_parameters {
            [] => "the URL of the auth check is probably wrong".to_string(),
            [one] => format!("the value of `{one}` is probably wrong"),
            many => format!(
                "one of {} is probably wrong",
                many.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Outcome::new(
            Verdict::Unreachable,
            r.scrub(&format!(
                "the host {host} does not exist (its name does not resolve): {suspect}; nothing was sent ({reason})"
            )),
        );
    }
    Outcome::new(
        Verdict::Unreachable,
        r.scrub(&format!("cannot reach {host}: {reason}")),
    )
}

/// The URL a check went to, for people: filled, with a key sent in the
/// query left out and any secret scrubbed.
fn shown_url(check: &Check, url: &url::Url, r: &Redactor) -> String {
    let mut shown = url.clone();
    if let Auth::Query { name, .. } = &check.auth {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            shown.set_query(None);
        } else {
            shown.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    r.scrub(shown.as_str())
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
    let what = format!("{} {}", check.method, shown_url(check, url, r));
    let accepted = if check.expect.status.is_empty() {
        (200..300).contains(&status)
    } else {
        check.expect.status.contains(&status)
    };
    let mut outcome = if accepted {
        expect_body(check, status, body, &what, r)
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
fn expect_body(check: &Check, status: u16, body: &[u8], what: &str, r: &Redactor) -> Outcome {
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
    let mut outcome = Outcome::new(Verdict::Ok, format!("HTTP {status} from {what}"));
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
