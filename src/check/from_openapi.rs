//! Part of Step 3 (`check`): deriving an auth check from an OpenAPI
//! description (the reader `openapi`). The check's URL from the first
//! server, the auth from the method's security scheme (the header or query
//! name exactly as declared), the request from a GET operation that needs
//! no parameter the spec cannot fill, preferring identity endpoints and
//! operations whose security names the scheme.

use super::{Auth, AuthCheck, Check, Derived};
use crate::openapi::draft::{Planned, key_parameters, plan, snake};
use crate::openapi::{Description, KeyIn, Operation, SchemeKind};
use crate::spec::{AuthMethod, Parameter, Spec};

/// Path words that mark an endpoint answering "who am I".
const IDENTITY: &[&str] = &[
    "me", "myself", "whoami", "self", "user", "account", "profile", "userinfo", "current",
];

/// Derives the auth check of `spec` from the description.
pub fn derive(desc: &Description, spec: &Spec) -> Derived {
    let mut derived = Derived {
        file: AuthCheck::default(),
        origins: Vec::new(),
        todos: Vec::new(),
    };
    let planned = plan(desc).map(|(p, _)| p).unwrap_or_default();
    let methods: Vec<Option<&AuthMethod>> = if spec.auth_methods.is_empty() {
        vec![None]
    } else {
        spec.auth_methods.iter().map(Some).collect()
    };
    let (base, base_origin, default) = base_url(desc);
    if let Some(d) = default {
        derived.file.defaults.push(("base_url".into(), d));
    }
    let operations = desc.operations();
    let refused = refused_paths(&operations);
    let refused_note = if refused.is_empty() {
        String::new()
    } else {
        format!(" (refused, not paths: {}; review them)", refused.join(", "))
    };
    for method in methods {
        let scope = spec.parameters_for(method);
        let chosen = method
            .and_then(|m| planned.iter().find(|p| p.method == m.name))
            .or(planned.first());
        let (auth, auth_origin) = auth(spec, method, chosen, &scope);
        let scheme = chosen.map(|p| p.scheme.name.as_str()).unwrap_or_default();
        let global = desc.global_security();
        let (url, url_origin) = match pick(&operations, scheme, &global) {
            Some(op) => (
                format!("{}{}", base.trim_end_matches('/'), op.path),
                format!("url: {base_origin} + GET {}{refused_note}", op.pointer),
            ),
            None => {
                let todo = "the URL of a simple read-only GET".to_string();
                if !derived.todos.contains(&todo) {
                    derived.todos.push(todo);
                }
                (
                    format!("TODO: {base}/..."),
                    format!(
                        "url: TODO — no GET operation without parameters in the description{refused_note}"
                    ),
                )
            }
        };
        let mut url = url;
        let headers = match chosen {
            Some(p) if spec.oauth_for(method).is_none() => partner_keys(p, &mut url),
            _ => Vec::new(),
        };
        derived.file.checks.push(Check::get(
            method.map(|m| m.name.clone()),
            url,
            headers,
            auth,
        ));
        derived.origins.push((url_origin, auth_origin));
    }
    derived
}

/// The URL template of the first server, where it came from, and the
/// default of `base_url` when that stands for a fixed server.
fn base_url(desc: &Description) -> (String, String, Option<String>) {
    let Some(server) = desc.servers().into_iter().next() else {
        return (
            "{base_url}".into(),
            "no server in the description".into(),
            None,
        );
    };
    let origin = format!("server {}", server.pointer);
    let has_vars = !crate::template::placeholders(&server.url).is_empty();
    if has_vars {
        let mut url = server.url.clone();
        for (_, name) in crate::template::placeholders(&server.url) {
            url = url.replace(
                &format!("{{{name}}}"),
                &format!("{{{}}}", snake(name, "variable")),
            );
        }
        return (url, origin, None);
    }
    let absolute = server.url.starts_with("https://") || server.url.starts_with("http://");
    let default = absolute.then(|| server.url.trim_end_matches('/').to_string());
    ("{base_url}".into(), origin, default)
}

/// How the credentials are sent, and where that was read.
fn auth(
    spec: &Spec,
    method: Option<&AuthMethod>,
    chosen: Option<&Planned>,
    scope: &[&Parameter],
) -> (Auth, String) {
    if spec.oauth_for(method).is_some() {
        let at = chosen.map(|p| p.scheme.pointer.as_str()).unwrap_or("#");
        return (Auth::OAuth, format!("auth: the spec's oauth block ({at})"));
    }
    let Some(p) = chosen else {
        return (
            Auth::None,
            "auth: none — the description declares no usable scheme".into(),
        );
    };
    let origin = format!("auth: {}", p.scheme.pointer);
    let secret = |preferred: &str| -> String {
        let name = scope
            .iter()
            .find(|x| x.name == preferred)
            .or_else(|| scope.iter().find(|x| x.secret && x.name != "client_secret"))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| preferred.to_string());
        format!("{{{name}}}")
    };
    let auth = match &p.scheme.kind {
        SchemeKind::ApiKey { .. } => {
            let keys = key_parameters(p);
            let Some((name, location, param, _)) = keys.first() else {
                return (Auth::None, origin);
            };
            key_auth(name, *location, secret(param))
        }
        SchemeKind::Basic => {
            let user = ["username", "user", "email", "login"]
                .iter()
                .find(|n| scope.iter().any(|x| x.name == **n))
                .unwrap_or(&"username");
            Auth::Basic {
                username: format!("{{{user}}}"),
                password: secret("password"),
            }
        }
        _ => Auth::Bearer(secret("token")),
    };
    (auth, origin)
}

fn key_auth(name: &str, location: KeyIn, value: String) -> Auth {
    match location {
        KeyIn::Header => Auth::Header {
            name: name.to_string(),
            value,
        },
        KeyIn::Query => Auth::Query {
            name: name.to_string(),
            value,
        },
        KeyIn::Cookie => Auth::Header {
            name: "Cookie".into(),
            value: format!("{name}={value}"),
        },
    }
}

/// The keys sent along with the first: as headers, and as query parameters
/// added to `url`.
fn partner_keys(p: &Planned, url: &mut String) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    for (name, location, param, _) in key_parameters(p).into_iter().skip(1) {
        match key_auth(&name, location, format!("{{{param}}}")) {
            Auth::Header { name, value } => headers.push((name, value)),
            Auth::Query { name, value } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                url.push_str(&format!("{sep}{name}={value}"));
            }
            _ => {}
        }
    }
    headers
}

/// The GET operation to send: no parameters to fill, the scheme required,
/// an identity endpoint if there is one, else the shortest path.
fn pick<'a>(ops: &'a [Operation], scheme: &str, global: &[Vec<String>]) -> Option<&'a Operation> {
    ops.iter()
        .filter(|op| op.required.is_empty() && !op.path.contains('{') && joins_as_path(&op.path))
        .enumerate()
        .max_by_key(|(i, op)| (score(op, scheme, global), std::cmp::Reverse(*i)))
        .map(|(_, op)| op)
}

/// True when a path key joins a base URL as a path only: it starts with
/// one `/` and carries no authority (`:18188/me`, `@host/me`,
/// `.other.example/me` and `//host/me` would move the port or the host).
fn joins_as_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// The path keys that are not paths, for the person to review.
fn refused_paths(ops: &[Operation]) -> Vec<String> {
    ops.iter()
        .filter(|op| !joins_as_path(&op.path))
        .map(|op| format!("`{}`", crate::report::printable(&op.path)))
        .collect()
}

fn score(op: &Operation, scheme: &str, global: &[Vec<String>]) -> i64 {
    let security = op.security.as_deref().unwrap_or(global);
    let mut score = 0;
    if security.iter().any(|alt| alt.iter().any(|s| s == scheme)) {
        score += 100;
    } else if op.security.is_some() && security.iter().all(Vec::is_empty) {
        score -= 200; // public: proves nothing
    }
    let segments: Vec<String> = op
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let words = |s: &str| -> bool {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| IDENTITY.contains(&w))
    };
    if segments.last().is_some_and(|s| words(s)) {
        score += 50;
    } else if segments.iter().any(|s| words(s)) {
        score += 10;
    }
    score - segments.len() as i64
}
