//! Base module: the model of a source's `connector_spec.yaml` — its
//! connection parameters, auth methods and OAuth block, with the views the
//! steps ask of it (which parameters a chosen method needs, which OAuth
//! flow applies) — and its life: load, lint ([`load_usable`]), render and
//! write ([`write_draft`]). Every step reads it; it imports no step.

mod lint;
mod load;
mod render;
mod usable;
mod write;

pub use lint::lint;
pub use load::{Loaded, load, load_str};
pub use render::{comment, quoted, render};
pub use usable::{Unusable, load_usable};
pub use write::{WrittenDraft, write_draft};

use crate::source::Span;

/// Parameters of the authorization request that `extra_auth_params` may
/// not touch: the OAuth flow sets them itself.
pub const FLOW_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

/// A parsed `connector_spec.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    pub display_name: Option<String>,
    /// The flat `connection.parameters` list, shared by every auth method.
    pub parameters: Vec<Parameter>,
    /// `connection.auth_methods`: the person picks exactly one.
    pub auth_methods: Vec<AuthMethod>,
    /// `connection.oauth`, which belongs to the method that has `client_id`.
    pub oauth: Option<OAuth>,
    pub external_options_allowlist: Option<String>,
    /// Where the `connection` key was read.
    pub span: Span,
}

/// One connection parameter: a key of the credentials JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub kind: ParamType,
    pub required: bool,
    pub secret: bool,
    pub description: Option<String>,
    pub default: Option<String>,
    /// Where the parameter's name was read.
    pub span: Span,
}

/// The `type` of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    #[default]
    String,
    Integer,
    Boolean,
    Number,
}

/// One entry of `auth_methods`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthMethod {
    pub name: String,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    /// An `oauth` block written inside the method itself.
    pub oauth: Option<OAuth>,
    pub span: Span,
}

/// An OAuth 2.0 flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Client credentials: machine to machine.
    M2m,
    /// Authorization code: a person consents once, the connector keeps a refresh token.
    U2m,
    /// Authorization code, one grant per end user.
    U2mPerUser,
}

/// The `oauth` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth {
    /// The flow as written; see [`OAuth::flow`] for the one that applies.
    pub flow: Option<Flow>,
    pub pkce: bool,
    pub scopes: Vec<String>,
    pub authorization_url: Option<Located>,
    pub token_url: Option<Located>,
    /// Optional extension: the RFC 8628 device authorization endpoint.
    pub device_authorization_url: Option<Located>,
    /// Added to the authorization URL; never override the flow's own parameters.
    pub extra_auth_params: Vec<(String, String)>,
    /// Where the `oauth` key was read.
    pub span: Span,
}

/// A string value and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    pub span: Span,
}

/// Where a flow finds one of its endpoint URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// Written in the `oauth` block (may hold `{parameter}` placeholders).
    Block(&'a Located),
    /// Supplied by the person as this parameter's value.
    Parameter(&'a Parameter),
}

/// An OAuth endpoint on an accounts host (`https://accounts.acme.example.com/oauth/token`)
/// moved to the regional accounts host the person named in a parameter
/// of `scope` (`accounts_server`: `https://accounts.acme.example.eu`):
/// that region's endpoint. Only a host of the same accounts service (the
/// same label after `accounts.`, the domain's last label swapped for a
/// short regional suffix such as `eu` or `com.au`) replaces it; otherwise
/// `url` is kept.
pub fn on_accounts_host(
    url: &str,
    scope: &[&Parameter],
    value: impl Fn(&str) -> Option<String>,
) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(cut);
    let named = scope
        .iter()
        .filter(|p| p.name.to_ascii_lowercase().contains("accounts"))
        .find_map(|p| value(&p.name));
    let Some(named) = named else {
        return url.to_string();
    };
    let named = named.trim();
    let named = named.split_once("://").map_or(named, |(_, h)| h);
    let named = named.split(['/', '?', '#']).next().unwrap_or(named);
    // `accounts.<service>.<domain>`: the same service, and the domain
    // with only its last labels swapped for a short regional suffix
    // (`example.com` → `example.eu`, `com` → `com.au`), never another domain.
    let split = |h: &str| -> Option<(String, Vec<String>)> {
        let h = h.to_ascii_lowercase();
        let (service, domain) = h.strip_prefix("accounts.")?.split_once('.')?;
        Some((
            service.to_string(),
            domain.split('.').map(str::to_string).collect(),
        ))
    };
    let regional = match (split(host), split(named)) {
        (Some((a, ours)), Some((b, theirs))) if a == b && !named.contains(['@', ' ', ':']) => {
            let kept = &ours[..ours.len().saturating_sub(1)];
            theirs.starts_with(kept)
                && (1..=2).contains(&(theirs.len() - kept.len()))
                && theirs[kept.len()..].iter().all(|l| {
                    (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic())
                })
        }
        _ => false,
    };
    if regional {
        format!("{scheme}://{}{path}", named.to_ascii_lowercase())
    } else {
        url.to_string()
    }
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::M2m => "m2m",
            Flow::U2m => "u2m",
            Flow::U2mPerUser => "u2m_per_user",
        }
    }

    pub fn parse(text: &str) -> Option<Flow> {
        match text {
            "m2m" => Some(Flow::M2m),
            "u2m" => Some(Flow::U2m),
            "u2m_per_user" => Some(Flow::U2mPerUser),
            _ => None,
        }
    }

    /// True for the flows in which a person authorizes in a browser.
    pub fn is_user(self) -> bool {
        matches!(self, Flow::U2m | Flow::U2mPerUser)
    }
}

impl ParamType {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Boolean => "boolean",
            ParamType::Number => "number",
        }
    }

    pub fn parse(text: &str) -> Option<ParamType> {
        match text {
            "string" => Some(ParamType::String),
            "integer" => Some(ParamType::Integer),
            "boolean" => Some(ParamType::Boolean),
            "number" => Some(ParamType::Number),
            _ => None,
        }
    }
}

/// Parameter names that can hold a token endpoint when the `oauth` block has none.
const TOKEN_URL_PARAMETERS: &[&str] = &["token_url", "token_endpoint", "token_uri"];
/// Parameter names that can hold an authorization endpoint.
const AUTHORIZATION_URL_PARAMETERS: &[&str] = &[
    "authorization_url",
    "authorize_url",
    "auth_url",
    "authorization_endpoint",
    "authorization_uri",
];

impl OAuth {
    /// The flow that applies: as written, else u2m when an authorization URL
    /// is given and m2m otherwise.
    pub fn flow(&self) -> Flow {
        self.flow.unwrap_or(if self.authorization_url.is_some() {
            Flow::U2m
        } else {
            Flow::M2m
        })
    }

    /// Where the token endpoint comes from, among `parameters` in scope.
    pub fn token_endpoint<'a>(&'a self, parameters: &[&'a Parameter]) -> Option<Endpoint<'a>> {
        endpoint(self.token_url.as_ref(), parameters, TOKEN_URL_PARAMETERS)
    }

    /// Where the authorization endpoint comes from, among `parameters` in scope.
    pub fn authorization_endpoint<'a>(
        &'a self,
        parameters: &[&'a Parameter],
    ) -> Option<Endpoint<'a>> {
        endpoint(
            self.authorization_url.as_ref(),
            parameters,
            AUTHORIZATION_URL_PARAMETERS,
        )
    }
}

fn endpoint<'a>(
    written: Option<&'a Located>,
    parameters: &[&'a Parameter],
    names: &[&str],
) -> Option<Endpoint<'a>> {
    if let Some(url) = written {
        return Some(Endpoint::Block(url));
    }
    parameters
        .iter()
        .find(|p| {
            let name = p.name.to_ascii_lowercase();
            names
                .iter()
                .any(|n| name == *n || name.ends_with(&format!("_{n}")))
        })
        .map(|p| Endpoint::Parameter(p))
}

impl Parameter {
    /// Whether the name looks like it holds a credential: [`credential_like`].
    pub fn looks_secret(&self) -> bool {
        credential_like(&self.name)
    }
}

/// A name that looks like it holds a credential (`*token*`, `*secret*`,
/// `*password*`, `*key*`), leaving out names that hold an endpoint, an id
/// or a type rather than the credential itself.
pub fn credential_like(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let credential = ["token", "secret", "password", "passwd", "key"]
        .iter()
        .any(|w| name.contains(w));
    let not_the_value = [
        "_url",
        "_uri",
        "_endpoint",
        "_id",
        "_type",
        "_name",
        "_header",
        "_expiry",
    ]
    .iter()
    .any(|s| name.ends_with(s));
    credential && !not_the_value
}

/// How a source authenticates, in one word, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    OAuth(Flow),
    Basic,
    Bearer,
    ApiKey,
    None,
    Custom,
    Methods(usize),
}

impl std::fmt::Display for AuthKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthKind::OAuth(flow) => write!(f, "oauth:{}", flow.as_str()),
            AuthKind::Basic => f.write_str("basic"),
            AuthKind::Bearer => f.write_str("bearer"),
            AuthKind::ApiKey => f.write_str("api_key"),
            AuthKind::None => f.write_str("none"),
            AuthKind::Custom => f.write_str("custom"),
            AuthKind::Methods(n) => write!(f, "{n} methods"),
        }
    }
}

impl Spec {
    /// The title to show: `display_name`, else the source name.
    pub fn title<'a>(&'a self, source: &'a str) -> &'a str {
        self.display_name.as_deref().unwrap_or(source)
    }

    /// Looks up an auth method by name.
    pub fn method(&self, name: &str) -> Option<&AuthMethod> {
        self.auth_methods.iter().find(|m| m.name == name)
    }

    /// Every parameter the spec declares: the shared ones, then each method's.
    pub fn all_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .chain(self.auth_methods.iter().flat_map(|m| m.parameters.iter()))
    }

    /// Every parameter a person fills in when choosing `method` (`None` when
    /// the spec has no auth methods): the shared ones, then the method's own.
    pub fn parameters_for<'a>(&'a self, method: Option<&'a AuthMethod>) -> Vec<&'a Parameter> {
        self.parameters
            .iter()
            .chain(method.into_iter().flat_map(|m| m.parameters.iter()))
            .collect()
    }

    /// The OAuth block that applies to `method`: one written inside it, else
    /// the connection's block when the spec has no methods, has only this
    /// one, or this is the method whose parameters include `client_id`.
    pub fn oauth_for<'a>(&'a self, method: Option<&'a AuthMethod>) -> Option<&'a OAuth> {
        match method {
            Some(m) if m.oauth.is_some() => m.oauth.as_ref(),
            Some(m) => self.oauth.as_ref().filter(|_| {
                self.connection_oauth_owner()
                    .is_some_and(|o| o.name == m.name)
            }),
            None => self.oauth.as_ref(),
        }
    }

    /// The method the connection-level `oauth` block belongs to, when there
    /// are methods: the only one, else the one with a `client_id` parameter.
    pub fn connection_oauth_owner(&self) -> Option<&AuthMethod> {
        if self.auth_methods.len() == 1 {
            return self.auth_methods.first();
        }
        let shared_client = self.parameters.iter().any(|p| p.name == "client_id");
        let mut owners = self
            .auth_methods
            .iter()
            .filter(|m| shared_client || m.parameters.iter().any(|p| p.name == "client_id"));
        match (owners.next(), owners.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// How the source authenticates, in one word.
    pub fn auth_kind(&self) -> AuthKind {
        match self.auth_methods.len() {
            0 => kind_of(self.oauth.as_ref(), &self.parameters_for(None)),
            1 => {
                let m = &self.auth_methods[0];
                kind_of(self.oauth_for(Some(m)), &self.parameters_for(Some(m)))
            }
            n => AuthKind::Methods(n),
        }
    }
}

fn kind_of(oauth: Option<&OAuth>, parameters: &[&Parameter]) -> AuthKind {
    if let Some(oauth) = oauth {
        return AuthKind::OAuth(oauth.flow());
    }
    let has = |words: &[&str]| {
        parameters.iter().any(|p| {
            let n = p.name.to_ascii_lowercase();
            words.iter().any(|w| n.contains(w))
        })
    };
    let secrets = parameters.iter().filter(|p| p.secret || p.looks_secret());
    if secrets.clone().next().is_none() {
        AuthKind::None
    } else if has(&["username", "user_name", "email", "login"]) && has(&["password", "token"]) {
        AuthKind::Basic
    } else if has(&["key"]) {
        AuthKind::ApiKey
    } else if has(&["token"]) {
        AuthKind::Bearer
    } else {
        AuthKind::Custom
    }
}

#[cfg(test)]
mod accounts_host_tests {
    use super::*;

    fn moved(url: &str, named: &str) -> String {
        let p = Parameter {
            name: "accounts_server".into(),
            kind: ParamType::default(),
            required: false,
            secret: false,
            description: None,
            default: None,
            span: Span::default(),
        };
        on_accounts_host(url, &[&p], |_| Some(named.to_string()))
    }

    #[test]
    fn a_regional_accounts_host_of_the_same_service_takes_the_endpoint() {
        let url = "https://accounts.books.com/oauth/v2/token";
        assert_eq!(
            moved(url, "https://accounts.books.eu/"),
            "https://accounts.books.eu/oauth/v2/token"
        );
        assert_eq!(
            moved(url, "accounts.books.com.au"),
            "https://accounts.books.com.au/oauth/v2/token"
        );
        for other in [
            "https://accounts.other.eu",
            "accounts.books.com.attacker.test",
            "accounts.books.evil",
            "user@accounts.books.eu",
            "",
        ] {
            assert_eq!(moved(url, other), url, "{other}");
        }
    }
}
