//! Step 3 (`check`): the source's `auth_check.yaml`, the reviewable
//! description of one minimal, read-only, authenticated request per auth
//! method, and what a good answer looks like. `load` reads and lints it,
//! `derive` derives one from the spec and API doc, `from_openapi` from an
//! OpenAPI description, `file` is its life on disk (the one place deriving
//! writes), `probe` sends it and classifies the answer. It imports no
//! other step (`draft`, `collect`); it reads `spec`, the readers `apidoc`
//! and `openapi`, `credentials` and uses `oauth`.

mod derive;
pub mod file;
mod from_openapi;
mod jwt;
mod load;
pub mod probe;
mod reach;
mod sample;

pub use derive::{Derived, derive, render};
pub use load::{LoadedCheck, lint, load, load_str};

use crate::source::Span;
use crate::template;

/// A parsed `auth_check.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthCheck {
    pub checks: Vec<Check>,
    /// Values used when an optional parameter is absent (`base_url`, …).
    pub defaults: Vec<(String, String)>,
    /// Values the doc derives from another parameter (a region's host, a
    /// key's data-centre suffix), used when the credentials lack them.
    pub values: Vec<(String, Derivation)>,
    /// Why no HTTP request can prove these credentials (a database reached
    /// by a driver, a service account's signed JWT): `no_http_check:`.
    pub no_http: Option<String>,
}

/// How a value is derived from a parameter the person gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The parameter it is derived from.
    pub from: String,
    pub rule: DeriveRule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeriveRule {
    /// The part after the last occurrence of the text (`-`: `…-us21` → `us21`).
    AfterLast(String),
    /// A table: each value (compared without case) and what it stands for;
    /// `default` when the parameter is absent.
    Map {
        map: Vec<(String, String)>,
        default: Option<String>,
    },
}

impl Derivation {
    /// The derived value, from the value of `from` (absent: `None`).
    /// `Err` says why the given value derives nothing.
    pub fn apply(&self, from: Option<&str>) -> Result<Option<String>, String> {
        match (&self.rule, from.map(str::trim).filter(|v| !v.is_empty())) {
            (DeriveRule::AfterLast(sep), Some(v)) => match v.rsplit_once(sep.as_str()) {
                Some((_, tail)) if !tail.is_empty() => Ok(Some(tail.to_string())),
                _ => Err(format!(
                    "`{}` has no `{sep}` followed by the part this value comes from",
                    self.from
                )),
            },
            (DeriveRule::AfterLast(_), None) => Ok(None),
            (DeriveRule::Map { default, .. }, None) => Ok(default.clone()),
            (DeriveRule::Map { map, .. }, Some(v)) => map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(v))
                .or_else(|| {
                    // A host key (`accounts.example.eu`) also matches the
                    // host given as a URL (`https://accounts.example.eu/`).
                    let host = v.split_once("://").map_or(v, |(_, h)| h);
                    let host = host.split(['/', '?', '#']).next().unwrap_or(host);
                    map.iter()
                        .find(|(k, _)| k.contains('.') && k.eq_ignore_ascii_case(host))
                })
                .map(|(_, to)| Some(to.clone()))
                .ok_or_else(|| {
                    format!(
                        "`{}` is none of {}",
                        self.from,
                        map.iter()
                            .map(|(k, _)| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
        }
    }
}

/// One request and its expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The auth method this check serves, when the spec has several.
    pub auth_method: Option<String>,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    pub expect: Expect,
    /// Where the check's `request.url` was read.
    pub span: Span,
}

/// How the credentials are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
    Header {
        name: String,
        value: String,
    },
    Query {
        name: String,
        value: String,
    },
    /// A token from the spec's oauth block, sent as `Authorization:
    /// <scheme> <token>` (Bearer unless the check names another scheme,
    /// such as `Zoho-oauthtoken`).
    OAuth {
        scheme: Option<String>,
    },
    /// A service-account key file: a JWT signed with its private key is
    /// exchanged at its `token_uri` (RFC 7523) for a token sent as Bearer.
    /// The key itself is never sent.
    Jwt {
        key: String,
        scope: Option<String>,
    },
    /// A private key registered for an OAuth client: the client-credentials
    /// grant authenticated by a JWT signed with it (RFC 7523 §2.2,
    /// `private_key_jwt`), the token sent as Bearer. The key is never sent.
    ClientAssertion {
        private_key: String,
        client_id: String,
        token_url: String,
        scope: Option<String>,
    },
    None,
}

/// What a good answer looks like.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    /// Accepted statuses; empty means any 2xx.
    pub status: Vec<u16>,
    /// A JSON pointer to the account's identity, shown on success; a good
    /// status without it is `unexpected_response`.
    pub identity: Option<String>,
    /// JSON pointers and the value each must have.
    pub json: Vec<(String, String)>,
    /// Text the body must contain.
    pub body_contains: Option<String>,
}

impl Check {
    /// A GET check expecting 200, as derivation writes them.
    pub fn get(
        auth_method: Option<String>,
        url: String,
        headers: Vec<(String, String)>,
        auth: Auth,
    ) -> Check {
        Check {
            auth_method,
            method: "GET".into(),
            url,
            headers,
            auth,
            expect: Expect {
                status: vec![200],
                ..Expect::default()
            },
            span: Span::default(),
        }
    }

    /// The parameter names this check fills in (OAuth's come from the spec).
    pub fn placeholders(&self) -> Vec<String> {
        let mut texts: Vec<&str> = vec![&self.url];
        texts.extend(self.headers.iter().map(|(_, v)| v.as_str()));
        match &self.auth {
            Auth::Basic { username, password } => texts.extend([username.as_str(), password]),
            Auth::Bearer(token) => texts.push(token),
            Auth::Header { name, value } => texts.extend([name.as_str(), value]),
            Auth::Query { value, .. } => texts.push(value),
            Auth::Jwt { key, scope } => {
                texts.push(key);
                texts.extend(scope.as_deref());
            }
            Auth::ClientAssertion {
                private_key,
                client_id,
                token_url,
                scope,
            } => {
                texts.extend([private_key.as_str(), client_id, token_url]);
                texts.extend(scope.as_deref());
            }
            Auth::OAuth { .. } | Auth::None => {}
        }
        let mut names: Vec<String> = Vec::new();
        for text in texts {
            for (_, name) in template::placeholders(text) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        names
    }
}

impl Auth {
    /// A token from the spec's oauth block, sent as Bearer.
    pub const OAUTH: Auth = Auth::OAuth { scheme: None };

    pub fn is_oauth(&self) -> bool {
        matches!(self, Auth::OAuth { .. })
    }
}

impl AuthCheck {
    pub fn derivation(&self, name: &str) -> Option<&Derivation> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }

    pub fn default_value(&self, name: &str) -> Option<&str> {
        self.defaults
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
