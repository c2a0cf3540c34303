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
mod load;
pub mod probe;

pub use derive::{Derived, derive, render};
pub use load::{Loaded, lint, load, load_str};

use crate::source::Span;
use crate::template;

/// A parsed `auth_check.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthCheck {
    pub checks: Vec<Check>,
    /// Values used when an optional parameter is absent (`base_url`, …).
    pub defaults: Vec<(String, String)>,
    /// Why no HTTP request can prove these credentials (a database reached
    /// by a driver, a service account's signed JWT): `no_http_check:`.
    pub no_http: Option<String>,
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
    /// A token from the spec's oauth block, sent as Bearer.
    OAuth,
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
            Auth::Header { value, .. } | Auth::Query { value, .. } => texts.push(value),
            Auth::OAuth | Auth::None => {}
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

impl AuthCheck {
    pub fn default_value(&self, name: &str) -> Option<&str> {
        self.defaults
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
