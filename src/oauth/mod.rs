//! OAuth 2.0 grants with the `oauth2` crate: the authorization URL (state,
//! PKCE S256, extra parameters that never override the flow's own), the
//! code exchange, client credentials, refresh and the device grant. Token
//! requests authenticate the client in the form body first and fall back to
//! HTTP Basic when the provider answers `invalid_client` — never both at once.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    DeviceAuthorizationUrl, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardDeviceAuthorizationResponse, StandardErrorResponse,
    TokenResponse, TokenUrl,
};

use crate::redact::Redactor;
use crate::secret::Secret;
use crate::spec::FLOW_PARAMS;

pub mod answer;

/// A client application registered with the provider.
#[derive(Debug, Clone)]
pub struct App {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub token_url: String,
}

/// What a token endpoint granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// The scopes granted, when the provider says.
    pub scopes: Option<Vec<String>>,
    pub expires_in: Option<Duration>,
}

/// An authorization request in progress: where to send the person, and
/// what the callback must match.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    pub state: Secret,
    pub verifier: Option<Secret>,
    /// `extra_auth_params` left out because they would override the flow.
    pub ignored: Vec<String>,
}

/// The device grant's first answer: what to show the person.
#[derive(Debug)]
pub struct DeviceStart {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    details: StandardDeviceAuthorizationResponse,
}

/// Why a grant failed. Every text in it has been scrubbed of secrets.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OAuthError {
    #[error("the provider answered `{error}`{}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default(), hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Provider {
        error: String,
        description: Option<String>,
        hint: Option<String>,
    },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} did not answer within {} s", timeout.as_secs())]
    Timeout { url: String, timeout: Duration },
    #[error("{url} did not answer with an OAuth token response: {detail}")]
    Malformed { url: String, detail: String },
    #[error("{what} `{value}` is not a usable URL: {reason}")]
    BadUrl {
        what: &'static str,
        value: String,
        reason: String,
    },
    #[error("the provider granted no refresh token; {0}")]
    NoRefreshToken(String),
    #[error(
        "the answer does not belong to the authorization started here (state mismatch); it was ignored"
    )]
    StateMismatch,
}

impl OAuthError {
    /// The provider's `error` code, when it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            OAuthError::Provider { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The exit class of a flow that ended with this error.
    pub fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        match self {
            OAuthError::Provider { .. }
            | OAuthError::NoRefreshToken(_)
            | OAuthError::StateMismatch => Exit::Negative,
            OAuthError::BadUrl { .. } => Exit::Input,
            OAuthError::Unreachable { .. }
            | OAuthError::Timeout { .. }
            | OAuthError::Malformed { .. } => Exit::NoVerdict,
        }
    }
}

/// Token endpoint answers larger than this are refused (read no further).
const MAX_TOKEN_RESPONSE: usize = 256 * 1024;

/// The HTTP client the grants run on: reqwest, reading at most
/// [`MAX_TOKEN_RESPONSE`] bytes of an answer, so a hostile or broken
/// provider cannot make the tool hold an unbounded body, and reading the
/// answer the way providers really write it (see [`answer`]).
struct Bounded<'a> {
    http: &'a reqwest::Client,
    endpoint: answer::Endpoint,
}

impl<'a> Bounded<'a> {
    fn token(http: &'a reqwest::Client) -> Bounded<'a> {
        Bounded {
            http,
            endpoint: answer::Endpoint::Token,
        }
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Bounded<'_> {
    type Error = oauth2::HttpClientError<reqwest::Error>;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, Self::Error>>
                + Send
                + Sync
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request: reqwest::Request = request.try_into().map_err(Box::new)?;
            let mut response = self.http.execute(request).await.map_err(Box::new)?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Box::new)? {
                if body.len() + chunk.len() > MAX_TOKEN_RESPONSE {
                    return Err(oauth2::HttpClientError::Other(format!(
                        "the answer is larger than {} KiB; stopped reading",
                        MAX_TOKEN_RESPONSE / 1024
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            let read = answer::read(self.endpoint, status, content_type.as_deref(), &body)
                .map_err(|e| oauth2::HttpClientError::Other(e.to_string()))?;
            oauth2::http::Response::builder()
                .status(read.status)
                .header(oauth2::http::header::CONTENT_TYPE, "application/json")
                .body(read.body)
                .map_err(oauth2::HttpClientError::Http)
        })
    }
}

/// An HTTP client for token requests: no redirects (a token endpoint that
/// redirects is refused), a timeout on every request.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, OAuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("connector-auth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| OAuthError::Unreachable {
            url: String::new(),
            reason: e.to_string(),
        })
}

/// Checks an endpoint URL: https, or http to a loopback host.
pub fn check_url(what: &'static str, value: &str) -> Result<url::Url, OAuthError> {
    let bad = |reason: &str| OAuthError::BadUrl {
        what,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(bad("only https is allowed, except for loopback hosts")),
        _ => Err(bad("not an http(s) URL")),
    }
}

/// True for localhost, 127.0.0.0/8 and ::1.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Builds the authorization URL for the code flow.
pub fn authorization(
    authorization_url: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    pkce: bool,
    extra: &[(String, String)],
) -> Result<Authorization, OAuthError> {
    let auth = check_url("the authorization URL", authorization_url)?;
    let redirect = RedirectUrl::new(redirect_uri.to_string()).map_err(|e| OAuthError::BadUrl {
        what: "the redirect URI",
        value: redirect_uri.to_string(),
        reason: e.to_string(),
    })?;
    let client = BasicClient::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(AuthUrl::from_url(auth))
        .set_redirect_uri(redirect);
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
    let mut ignored = Vec::new();
    for (key, value) in extra {
        if FLOW_PARAMS.contains(&key.as_str()) {
            ignored.push(key.clone());
        } else {
            request = request.add_extra_param(key.clone(), value.clone());
        }
    }
    let verifier = if pkce {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        Some(Secret::new(verifier.secret().clone()))
    } else {
        None
    };
    let (url, state) = request.url();
    Ok(Authorization {
        url: url.to_string(),
        state: Secret::new(state.secret().clone()),
        verifier,
        ignored,
    })
}

impl App {
    /// `base` plus this app's secret in every form a token request sends
    /// it: raw in the form body, and as the RFC 6749 §2.3.1 Basic header of
    /// the fallback (both parts form-URL-encoded before base64).
    fn redactor(&self, base: &Redactor) -> Redactor {
        let mut r = base.clone();
        if let Some(secret) = &self.client_secret {
            r.add(secret.expose());
            r.add_client_basic(&self.client_id, secret.expose());
        }
        r
    }
}

/// A client with only its token endpoint set.
type TokenClient = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn base_client(app: &App, auth_type: AuthType) -> Result<TokenClient, OAuthError> {
    let token = check_url("the token URL", &app.token_url)?;
    let mut client = BasicClient::new(ClientId::new(app.client_id.clone()))
        .set_token_uri(TokenUrl::from_url(token))
        .set_auth_type(auth_type);
    if let Some(secret) = &app.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    Ok(client)
}

/// Runs a token request with the client secret in the form body, then once
/// more with HTTP Basic if the provider answered `invalid_client`.
async fn with_fallback<F, Fut>(app: &App, request: F) -> Result<Grant, OAuthError>
where
    F: Fn(AuthType) -> Result<Fut, OAuthError>,
    Fut: std::future::Future<Output = Result<Grant, OAuthError>>,
{
    match request(AuthType::RequestBody)?.await {
        Err(err) if err.code() == Some("invalid_client") && app.client_secret.is_some() => {
            request(AuthType::BasicAuth)?.await
        }
        other => other,
    }
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    app: &App,
    redirect_uri: &str,
    code: &str,
    verifier: Option<&Secret>,
    redactor: &Redactor,
) -> Result<Grant, OAuthError> {
    let redactor = &app.redactor(redactor);
    let redirect = RedirectUrl::new(redirect_uri.to_string()).map_err(|e| OAuthError::BadUrl {
        what: "the redirect URI",
        value: redirect_uri.to_string(),
        reason: e.to_string(),
    })?;
    with_fallback(app, |auth| {
        let client = base_client(app, auth)?.set_redirect_uri(redirect.clone());
        let code = AuthorizationCode::new(code.to_string());
        let verifier = verifier.map(|v| PkceCodeVerifier::new(v.expose().to_string()));
        Ok(async move {
            let mut request = client.exchange_code(code);
            if let Some(v) = verifier {
                request = request.set_pkce_verifier(v);
            }
            let response = request.request_async(&Bounded::token(http)).await;
            grant(response, &app.token_url, redactor, Step::Code)
        })
    })
    .await
}

/// The client-credentials grant (m2m).
pub async fn client_credentials(
    http: &reqwest::Client,
    app: &App,
    scopes: &[String],
    redactor: &Redactor,
) -> Result<Grant, OAuthError> {
    let redactor = &app.redactor(redactor);
    with_fallback(app, |auth| {
        let client = base_client(app, auth)?;
        let scopes: Vec<Scope> = scopes.iter().map(|s| Scope::new(s.clone())).collect();
        Ok(async move {
            let response = client
                .exchange_client_credentials()
                .add_scopes(scopes)
                .request_async(&Bounded::token(http))
                .await;
            grant(response, &app.token_url, redactor, Step::ClientCredentials)
        })
    })
    .await
}

/// The refresh grant (u2m, at validate time).
pub async fn refresh(
    http: &reqwest::Client,
    app: &App,
    refresh_token: &Secret,
    redactor: &Redactor,
) -> Result<Grant, OAuthError> {
    let redactor = &app.redactor(redactor);
    with_fallback(app, |auth| {
        let client = base_client(app, auth)?;
        let token = RefreshToken::new(refresh_token.expose().to_string());
        Ok(async move {
            let response = client
                .exchange_refresh_token(&token)
                .request_async(&Bounded::token(http))
                .await;
            grant(response, &app.token_url, redactor, Step::Refresh)
        })
    })
    .await
}

/// Starts the device grant (RFC 8628): the code and URL to show the person.
pub async fn device_start(
    http: &reqwest::Client,
    app: &App,
    device_url: &str,
    scopes: &[String],
    redactor: &Redactor,
) -> Result<DeviceStart, OAuthError> {
    let redactor = &app.redactor(redactor);
    let device = check_url("the device authorization URL", device_url)?;
    let client = base_client(app, AuthType::RequestBody)?
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device));
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
        .request_async(&Bounded {
            http,
            endpoint: answer::Endpoint::DeviceAuthorization,
        })
        .await
        .map_err(|e| request_error(e, device_url, redactor, Step::Device))?;
    let shown = crate::report::printable;
    Ok(DeviceStart {
        user_code: shown(details.user_code().secret()),
        verification_uri: shown(details.verification_uri()),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| shown(u.secret())),
        details,
    })
}

/// Polls the token endpoint at the interval the provider asks for (slowing
/// down when told) until the person approves, refuses or time runs out.
pub async fn device_finish(
    http: &reqwest::Client,
    app: &App,
    start: &DeviceStart,
    timeout: Duration,
    redactor: &Redactor,
) -> Result<Grant, OAuthError> {
    let redactor = &app.redactor(redactor);
    let client = base_client(app, AuthType::RequestBody)?;
    let response = client
        .exchange_device_access_token(&start.details)
        .request_async(&Bounded::token(http), tokio::time::sleep, Some(timeout))
        .await;
    match response {
        Ok(token) => Ok(from_token(&token)),
        Err(e) => Err(request_error(e, &app.token_url, redactor, Step::Device)),
    }
}

/// Which grant a token request belonged to, for hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Code,
    ClientCredentials,
    Refresh,
    Device,
}

fn grant<RE: std::error::Error + 'static>(
    response: Result<
        oauth2::basic::BasicTokenResponse,
        RequestTokenError<oauth2::HttpClientError<RE>, oauth2::basic::BasicErrorResponse>,
    >,
    url: &str,
    redactor: &Redactor,
    step: Step,
) -> Result<Grant, OAuthError> {
    match response {
        Ok(token) => Ok(from_token(&token)),
        Err(e) => Err(request_error(e, url, redactor, step)),
    }
}

fn from_token<T: TokenResponse>(token: &T) -> Grant {
    Grant {
        access_token: Secret::new(token.access_token().secret().clone()),
        refresh_token: token
            .refresh_token()
            .map(|t| Secret::new(t.secret().clone())),
        scopes: token
            .scopes()
            .map(|s| s.iter().map(|x| x.to_string()).collect()),
        expires_in: token.expires_in(),
    }
}

fn request_error<RE, E>(
    err: RequestTokenError<oauth2::HttpClientError<RE>, StandardErrorResponse<E>>,
    url: &str,
    redactor: &Redactor,
    step: Step,
) -> OAuthError
where
    RE: std::error::Error + 'static,
    E: oauth2::ErrorResponseType + serde::Serialize + std::fmt::Display + 'static,
{
    // Strip first, then scrub: stripping may join a split secret.
    let scrub = |s: &str| redactor.shown(s);
    match err {
        RequestTokenError::ServerResponse(response) => {
            let code = serde_json::to_value(response.error())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "error".to_string());
            OAuthError::Provider {
                hint: hint(&code, step),
                description: response.error_description().map(|d| scrub(d)),
                error: scrub(&code),
            }
        }
        RequestTokenError::Request(http) => {
            let reason = match &http {
                oauth2::HttpClientError::Reqwest(e) => {
                    let e: &dyn std::error::Error = e.as_ref();
                    if let Some(r) = e.downcast_ref::<reqwest::Error>()
                        && r.is_timeout()
                    {
                        return OAuthError::Timeout {
                            url: url.to_string(),
                            timeout: Duration::ZERO,
                        };
                    }
                    cause(e)
                }
                oauth2::HttpClientError::Other(message) => {
                    return OAuthError::Malformed {
                        url: url.to_string(),
                        detail: scrub(message),
                    };
                }
                other => chain(other),
            };
            OAuthError::Unreachable {
                url: url.to_string(),
                reason: scrub(&reason),
            }
        }
        RequestTokenError::Parse(_, body) => {
            let text = String::from_utf8_lossy(&body);
            let masked = crate::redact::mask_token_fields(&text);
            let excerpt: String = masked.chars().take(200).collect();
            OAuthError::Malformed {
                url: url.to_string(),
                detail: format!("it sent {}", scrub(excerpt.trim())),
            }
        }
        RequestTokenError::Other(message) => OAuthError::Malformed {
            url: url.to_string(),
            detail: scrub(&message),
        },
    }
}

/// An error and its sources, joined, for a one-line reason.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Why a request could not reach its host, in one phrase: the innermost
/// cause of the error chain, said plainly (DNS, refused, TLS, reset).
pub fn cause(err: &dyn std::error::Error) -> String {
    let mut innermost = err.to_string();
    let mut source = err.source();
    let mut all = innermost.clone();
    while let Some(s) = source {
        innermost = s.to_string();
        all.push(' ');
        all.push_str(&innermost);
        source = s.source();
    }
    let lower = all.to_ascii_lowercase();
    if lower.contains("dns error")
        || lower.contains("lookup address")
        || lower.contains("name or service not known")
    {
        format!("its address could not be looked up (DNS: {innermost})")
    } else if lower.contains("connection refused") {
        "the connection was refused (nothing listens there)".to_string()
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        format!("the TLS handshake failed ({innermost})")
    } else if lower.contains("connection reset") || lower.contains("broken pipe") {
        "the connection was closed by the other side".to_string()
    } else {
        innermost
    }
}

/// What to do about a provider's error code.
fn hint(code: &str, step: Step) -> Option<String> {
    let text = match (code, step) {
        ("invalid_client", _) => {
            "check client_id and client_secret; a provider with regional data centres refuses a client from another region: check the accounts host / data centre"
        }
        ("invalid_grant", Step::Refresh) => {
            "the grant expired or was revoked: run `connector-auth collect <source> --reauthorize`"
        }
        ("invalid_grant", Step::Code) => {
            "the authorization code was already used, expired, or does not match the PKCE verifier: authorize again"
        }
        ("invalid_scope", _) => "the provider refused a requested scope: check the scopes",
        ("unauthorized_client", _) => {
            "this client may not use this grant type: enable it in the provider's app settings"
        }
        ("access_denied", _) => "the person declined, or the app lacks permission",
        ("expired_token", Step::Device) => "the code expired before it was approved: start again",
        _ => return None,
    };
    Some(text.to_string())
}

/// Adds a timeout to an `OAuthError::Timeout` built without one.
pub fn with_timeout(err: OAuthError, timeout: Duration) -> OAuthError {
    match err {
        OAuthError::Timeout { url, .. } => OAuthError::Timeout { url, timeout },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_params_never_override_the_flow() {
        let extra = vec![
            ("access_type".to_string(), "offline".to_string()),
            ("prompt".to_string(), "consent".to_string()),
            (
                "redirect_uri".to_string(),
                "https://evil.test/cb".to_string(),
            ),
            ("state".to_string(), "fixed".to_string()),
            ("response_type".to_string(), "token".to_string()),
        ];
        let a = authorization(
            "https://accounts.example.com/o/auth?hd=example.com",
            "cid",
            "http://localhost:9876/oauth/callback",
            &["read".into(), "write".into()],
            true,
            &extra,
        )
        .unwrap();
        let url = url::Url::parse(&a.url).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| {
            pairs
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("response_type"), ["code"]);
        assert_eq!(
            get("redirect_uri"),
            ["http://localhost:9876/oauth/callback"]
        );
        assert_eq!(get("state"), [a.state.expose()]);
        assert_eq!(get("scope"), ["read write"]);
        assert_eq!(get("code_challenge_method"), ["S256"]);
        assert_eq!(get("access_type"), ["offline"]);
        assert_eq!(get("hd"), ["example.com"]);
        assert_eq!(a.ignored, ["redirect_uri", "state", "response_type"]);
        assert!(
            a.state.expose().len() >= 22,
            "state carries at least 128 bits"
        );
    }

    #[test]
    fn pkce_can_be_turned_off() {
        let a = authorization(
            "https://x.test/auth",
            "c",
            "http://localhost:1/oauth/callback",
            &[],
            false,
            &[],
        )
        .unwrap();
        assert!(a.verifier.is_none());
        assert!(!a.url.contains("code_challenge"));
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(check_url("u", "https://x.test/t").is_ok());
        assert!(check_url("u", "http://127.0.0.1:8080/t").is_ok());
        assert!(check_url("u", "http://localhost/t").is_ok());
        assert!(check_url("u", "http://[::1]:9/t").is_ok());
        assert!(check_url("u", "http://x.test/t").is_err());
        assert!(check_url("u", "ftp://x.test/t").is_err());
        assert!(check_url("u", "not a url").is_err());
    }
}
