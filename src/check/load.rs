//! Reading `auth_check.yaml` into an [`AuthCheck`], every value with its
//! position, and checking it against the spec it serves.
//!
//! Part of Step 3, `check` (see docs/architecture.md): it imports no other step.

use std::path::Path;

use super::{Auth, AuthCheck, Check, Derivation, DeriveRule, Expect};
use crate::diagnostic::{Finding, Rule, has_errors};
use crate::shape::{self, Reader};
use crate::source::{ReadError, Source};
use crate::spec::Spec;
use crate::template;
use crate::yaml::Node;

/// An auth check file as read.
#[derive(Debug)]
pub struct LoadedCheck {
    pub source: Source,
    pub check: Option<AuthCheck>,
    pub findings: Vec<Finding>,
}

impl LoadedCheck {
    pub fn usable(&self) -> Option<&AuthCheck> {
        self.check.as_ref().filter(|_| !has_errors(&self.findings))
    }
}

const TOP_KEYS: &[&str] = &["checks", "defaults", "values", "no_http_check"];
const CHECK_KEYS: &[&str] = &["auth_method", "request", "expect"];
const REQUEST_KEYS: &[&str] = &["method", "url", "headers", "auth"];
const AUTH_KEYS: &[&str] = &["basic", "bearer", "header", "query", "oauth", "jwt"];
const EXPECT_KEYS: &[&str] = &["status", "identity", "json", "body_contains"];

/// Reads and loads an auth check file, linted against `spec`.
pub fn load(path: &Path, spec: &Spec) -> Result<LoadedCheck, ReadError> {
    Ok(match shape::read(path)? {
        Ok(source) => load_str(source, spec),
        Err(finding) => LoadedCheck {
            source: Source::new(path, String::new()),
            check: None,
            findings: vec![finding],
        },
    })
}

/// Loads an auth check from text in memory, linted against `spec`.
pub fn load_str(source: Source, spec: &Spec) -> LoadedCheck {
    let mut r = Reader::default();
    let check = shape::document(&source, &mut r).and_then(|root| file(&mut r, &root, &source));
    if let Some(c) = &check {
        r.findings.extend(lint(c, spec));
    }
    r.findings.sort_by_key(|f| (f.span.line, f.span.column));
    LoadedCheck {
        source,
        check,
        findings: r.findings,
    }
}

fn file(r: &mut Reader, root: &Node, source: &Source) -> Option<AuthCheck> {
    let top = r.fields(root, "the auth check", Some(TOP_KEYS))?;
    let defaults = r.pairs(top.get("defaults"), "`defaults`");
    let values = match top.get("values").filter(|n| !n.is_null()) {
        Some(n) => values(r, n),
        None => Vec::new(),
    };
    let checks: Vec<Check> = match top.get("checks") {
        Some(list) => r
            .list(list, "`checks`")
            .iter()
            .filter_map(|item| check(r, item))
            .collect(),
        None => Vec::new(),
    };
    let no_http = top
        .get("no_http_check")
        .and_then(|n| r.text(n, "no_http_check"));
    if checks.is_empty() && no_http.is_none() {
        r.push(
            Finding::new(Rule::CheckEmpty, source.start_span(), "the auth check has no `checks`")
                .help("add one `checks:` entry with a `request:`; `connector-auth validate --dry-run` derives one"),
        );
    }
    Some(AuthCheck {
        checks,
        defaults,
        values,
        no_http,
    })
}

/// `values:` — each name derived from a parameter:
/// `{from: api_key, after_last: "-"}` or
/// `{from: region, map: {us: "https://a.test", eu: "https://eu.a.test"}, default: "https://a.test"}`.
fn values(r: &mut Reader, node: &Node) -> Vec<(String, Derivation)> {
    let Some(fields) = r.fields(node, "`values`", None) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, _, value) in &fields.entries {
        let what = format!("`values.{name}`");
        let Some(f) = r.fields(
            value,
            &what,
            Some(&["from", "after_last", "map", "default"]),
        ) else {
            continue;
        };
        let from = f.get("from").and_then(|n| r.text(n, "from"));
        let after = f.get("after_last").and_then(|n| r.text(n, "after_last"));
        let map = f.get("map").map(|n| r.pairs(Some(n), "`map`"));
        let default = f.get("default").and_then(|n| r.text(n, "default"));
        let rule = match (after, map) {
            (Some(sep), None) if !sep.is_empty() => Some(DeriveRule::AfterLast(sep)),
            (None, Some(map)) if !map.is_empty() => Some(DeriveRule::Map { map, default }),
            _ => None,
        };
        match (from, rule) {
            (Some(from), Some(rule)) => out.push((name.to_string(), Derivation { from, rule })),
            _ => r.push(
                Finding::new(
                    Rule::BadValue,
                    value.span,
                    format!("{what} needs `from` and one of `after_last` or `map`"),
                )
                .help("e.g. `{from: api_key, after_last: \"-\"}`"),
            ),
        }
    }
    out
}

fn check(r: &mut Reader, node: &Node) -> Option<Check> {
    let fields = r.fields(node, "a check", Some(CHECK_KEYS))?;
    let auth_method = fields
        .get("auth_method")
        .and_then(|n| r.text(n, "auth_method"));
    let Some(request_node) = fields.get("request") else {
        r.push(Finding::new(
            Rule::BadValue,
            node.span,
            "this check has no `request`",
        ));
        return None;
    };
    let request = r.fields(request_node, "`request`", Some(REQUEST_KEYS))?;
    let method = request
        .get("method")
        .and_then(|n| r.text(n, "method"))
        .unwrap_or_else(|| "GET".to_string())
        .to_ascii_uppercase();
    let Some((url_node, url)) = request
        .get("url")
        .and_then(|n| r.text(n, "url").map(|u| (n, u)))
    else {
        r.push(Finding::new(
            Rule::BadValue,
            request_node.span,
            "this request has no `url`",
        ));
        return None;
    };
    todo(r, url_node, &url);
    let headers = r.pairs(request.get("headers"), "`headers`");
    let auth = match request.get("auth") {
        Some(n) => auth(r, n),
        None => Auth::None,
    };
    let expect = match fields.get("expect") {
        Some(n) if !n.is_null() => expect(r, n),
        _ => Expect::default(),
    };
    Some(Check {
        auth_method,
        method,
        url,
        headers,
        auth,
        expect,
        span: url_node.span,
    })
}

/// A value still holding the TODO a derivation left.
fn todo(r: &mut Reader, node: &Node, value: &str) {
    if value.contains("TODO") {
        r.push(
            Finding::new(Rule::CheckTodo, node.span, "this value still holds a TODO")
                .label("fill this in")
                .help("replace the TODO with the real value, then run validate again"),
        );
    }
}

fn auth(r: &mut Reader, node: &Node) -> Auth {
    if node.is_null() {
        return Auth::None;
    }
    let Some(fields) = r.fields(node, "`auth`", Some(AUTH_KEYS)) else {
        return Auth::None;
    };
    if fields.entries.len() != 1 {
        r.push(
            Finding::new(
                Rule::CheckBadAuth,
                node.span,
                "`auth` must hold exactly one of basic, bearer, header, query, oauth, jwt",
            )
            .help("one request sends its credentials one way"),
        );
    }
    let Some((kind, _, value)) = fields.entries.first() else {
        return Auth::None;
    };
    let pair = |r: &mut Reader, keys: [&str; 2]| -> Option<(String, String)> {
        let f = r.fields(value, &format!("`auth.{kind}`"), Some(&keys))?;
        let mut get = |k: &str| {
            let n = f.get(k)?;
            let text = r.text(n, k)?;
            todo(r, n, &text);
            Some(text)
        };
        let a = get(keys[0]);
        let b = get(keys[1]);
        match (a, b) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => {
                r.push(Finding::new(
                    Rule::CheckBadAuth,
                    value.span,
                    format!("`auth.{kind}` needs `{}` and `{}`", keys[0], keys[1]),
                ));
                None
            }
        }
    };
    match *kind {
        "basic" => pair(r, ["username", "password"])
            .map(|(username, password)| Auth::Basic { username, password })
            .unwrap_or(Auth::None),
        "header" => pair(r, ["name", "value"])
            .map(|(name, value)| Auth::Header { name, value })
            .unwrap_or(Auth::None),
        "query" => pair(r, ["name", "value"])
            .map(|(name, value)| Auth::Query { name, value })
            .unwrap_or(Auth::None),
        "bearer" => match r.text(value, "bearer") {
            Some(token) => {
                todo(r, value, &token);
                Auth::Bearer(token)
            }
            None => Auth::None,
        },
        "oauth" => oauth(r, value),
        "jwt" => jwt(r, value),
        _ => Auth::None,
    }
}

/// `oauth: {}`, or `oauth: {scheme: Zoho-oauthtoken}` for a provider whose
/// tokens go out under another scheme than Bearer.
fn oauth(r: &mut Reader, node: &Node) -> Auth {
    if node.is_null() {
        return Auth::OAUTH;
    }
    let Some(fields) = r.fields(node, "`auth.oauth`", Some(&["scheme"])) else {
        return Auth::OAUTH;
    };
    let scheme = fields.get("scheme").and_then(|n| {
        let s = r.text(n, "scheme")?;
        if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c.is_control()) {
            r.push(Finding::new(
                Rule::CheckBadAuth,
                n.span,
                "`scheme` is one word sent before the token, such as `Bearer` or `Zoho-oauthtoken`",
            ));
            return None;
        }
        Some(s)
    });
    Auth::OAuth { scheme }
}

/// `jwt: {key: "{credentials_json}", scope: "…"}`: a service-account key
/// file signs a JWT exchanged at the key's `token_uri` (RFC 7523).
fn jwt(r: &mut Reader, node: &Node) -> Auth {
    const KEYS: &[&str] = &["key", "scope", "private_key", "client_id", "token_url"];
    let Some(fields) = r.fields(node, "`auth.jwt`", Some(KEYS)) else {
        return Auth::None;
    };
    let key = fields.get("key").and_then(|n| r.text(n, "key"));
    let mut part = |k: &str| fields.get(k).and_then(|n| r.text(n, k));
    let assertion = (part("private_key"), part("client_id"), part("token_url"));
    let scope = fields.get("scope").filter(|n| !n.is_null()).and_then(|n| {
        let text = r.text(n, "scope")?;
        todo(r, n, &text);
        Some(text)
    });
    if let (None, (Some(private_key), Some(client_id), Some(token_url))) = (&key, assertion) {
        return Auth::ClientAssertion {
            private_key,
            client_id,
            token_url,
            scope,
        };
    }
    match key {
        Some(key) => Auth::Jwt { key, scope },
        None => {
            r.push(
                Finding::new(
                    Rule::CheckBadAuth,
                    node.span,
                    "`auth.jwt` needs `key` (the parameter holding a key file, such as \"{credentials_json}\"), or `private_key`, `client_id` and `token_url` for a client's signed assertion",
                )
                .help("the key file's JSON holds `client_email`, `private_key` and `token_uri`"),
            );
            Auth::None
        }
    }
}

fn expect(r: &mut Reader, node: &Node) -> Expect {
    let Some(fields) = r.fields(node, "`expect`", Some(EXPECT_KEYS)) else {
        return Expect::default();
    };
    let status = match fields.get("status") {
        None => Vec::new(),
        Some(n) => {
            let items: Vec<&Node> = match n.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![n],
            };
            items
                .into_iter()
                .filter_map(
                    |item| match item.as_str().and_then(|s| s.parse::<u16>().ok()) {
                        Some(code) if (100..600).contains(&code) => Some(code),
                        _ => {
                            r.push(Finding::new(
                                Rule::BadValue,
                                item.span,
                                "`status` holds HTTP status codes such as 200",
                            ));
                            None
                        }
                    },
                )
                .collect()
        }
    };
    let json = r.pairs(fields.get("json"), "`expect.json`");
    Expect {
        status,
        identity: fields.get("identity").and_then(|n| r.text(n, "identity")),
        json,
        body_contains: fields
            .get("body_contains")
            .and_then(|n| r.text(n, "body_contains")),
    }
}

/// Checks an auth check against the spec: placeholders that name nothing,
/// methods that do not exist, insecure URLs, checks without credentials.
pub fn lint(check: &AuthCheck, spec: &Spec) -> Vec<Finding> {
    let mut findings = Vec::new();
    let declared = |name: &str| {
        spec.parameters_for(None).iter().any(|p| p.name == name)
            || spec
                .auth_methods
                .iter()
                .any(|m| m.parameters.iter().any(|p| p.name == name))
            || check.default_value(name).is_some()
            || check.derivation(name).is_some()
    };
    for c in &check.checks {
        if let Some(m) = &c.auth_method
            && spec.method(m).is_none()
        {
            findings.push(
                Finding::new(
                    Rule::CheckUnknownMethod,
                    c.span,
                    format!("`auth_method: {m}` is not an auth method of the spec"),
                )
                .help(format!(
                    "the spec's methods: {}",
                    spec.auth_methods
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        for name in c.placeholders() {
            if !declared(&name) {
                findings.push(
                    Finding::new(
                        Rule::CheckUnknownPlaceholder,
                        c.span,
                        format!("`{{{name}}}` names no parameter of the spec and no default"),
                    )
                    .help(format!(
                        "use a spec parameter, or add `{name}:` under `defaults:`"
                    )),
                );
            }
        }
        if insecure(&c.url) {
            findings.push(
                Finding::new(
                    Rule::CheckInsecureUrl,
                    c.span,
                    "the URL is plain http; credentials go only over https (http only to loopback hosts)",
                )
                .label("use https"),
            );
        }
        if c.auth == Auth::None {
            findings.push(
                Finding::new(Rule::CheckNoAuth, c.span, "this check sends no credentials")
                    .help("add `auth:` (basic, bearer, header, query, oauth or jwt)"),
            );
        }
    }
    findings
}

/// Plain http to a host that is not (literally) loopback.
fn insecure(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or(host).to_string()
    };
    !(name.eq_ignore_ascii_case("localhost") || name.starts_with("127.") || name == "[::1]")
        || !template::placeholders(&name).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        crate::spec::load_str(Source::new(
            "s.yaml",
            "connection:\n  parameters:\n    - {name: subdomain}\n    - {name: email}\n    - {name: api_token, secret: true}\n".into(),
        ))
        .spec
        .unwrap()
    }

    #[test]
    fn a_full_check_loads() {
        let text = r#"
checks:
  - auth_method: null
    request:
      url: "https://{subdomain}.zendesk.com/api/v2/users/me.json"
      headers: {Accept: application/json}
      auth:
        basic: {username: "{email}/token", password: "{api_token}"}
    expect:
      status: [200, 203]
      identity: /user/email
      json: {"/user/active": true}
      body_contains: email
defaults:
  base_url: https://api.example.com
"#;
        let l = load_str(Source::new("c.yaml", text.into()), &spec());
        assert!(l.findings.is_empty(), "{:#?}", l.findings);
        let c = &l.check.unwrap().checks[0];
        assert_eq!(c.method, "GET");
        assert_eq!(c.placeholders(), ["subdomain", "email", "api_token"]);
        assert_eq!(c.expect.status, [200, 203]);
        assert_eq!(
            c.expect.json,
            [("/user/active".to_string(), "true".to_string())]
        );
    }

    #[test]
    fn problems_are_reported_where_they_are() {
        let text = "checks:\n  - auth_method: oauth\n    request:\n      url: http://{tenant}.example.com/me\n      auth: {bearer: TODO token, basic: {username: a, password: b}}\n";
        let l = load_str(Source::new("c.yaml", text.into()), &spec());
        let rules: Vec<_> = l.findings.iter().map(|f| f.rule.code()).collect();
        for rule in [
            "check-bad-auth",
            "check-todo",
            "check-unknown-method",
            "check-unknown-placeholder",
            "check-insecure-url",
        ] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
        assert!(l.usable().is_none());
    }

    #[test]
    fn loopback_http_is_allowed() {
        assert!(!insecure("http://127.0.0.1:8080/me"));
        assert!(!insecure("http://localhost/me"));
        assert!(!insecure("http://[::1]:9/me"));
        assert!(insecure("http://api.example.com/me"));
        assert!(insecure("http://{host}/me"));
        assert!(!insecure("https://{host}/me"));
    }
}
