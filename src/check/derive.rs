//! Deriving an auth check when the source has none: the base URL, how the
//! credentials are sent and the simplest read-only GET, from the spec and
//! the API doc. What cannot be derived is written as a TODO, never guessed.
//!
//! Part of Step 3, `check` (see docs/architecture.md): it imports no other step.

use super::{Auth, AuthCheck, Check, Derivation, DeriveRule};
use crate::apidoc::{self, ApiDoc, Example, Fact};
use crate::spec::{AuthMethod, Parameter, Spec, credential_like};
use crate::template;

/// A derived check file and where each part came from.
#[derive(Debug, Clone)]
pub struct Derived {
    pub file: AuthCheck,
    /// Per check: (comment for the URL, comment for the auth).
    pub origins: Vec<(String, String)>,
    /// What could not be derived, to fill in by hand.
    pub todos: Vec<String>,
}

/// Path words that mark an endpoint answering "who am I".
const IDENTITY: &[&str] = &[
    "me",
    "myself",
    "whoami",
    "self",
    "user",
    "account",
    "current_user",
    "current",
    "profile",
    "userinfo",
];

pub fn derive(spec: &Spec, doc: Option<&ApiDoc>, doc_name: &str) -> Derived {
    // What no HTTP request can prove is said so every time, never guessed
    // at: a driver, a service account's key file or a signed-request scheme
    // decides first. A spec that also runs an OAuth grant, or a client that
    // signs its own assertion for one, has a request to make; its methods
    // that cannot be checked are named by `no_http_check` beside the checks.
    // (A `jwt: {key: …}` check for a key file is still run when a person
    // writes one.)
    let reason = super::reach::no_http_reason(spec, doc);
    let oauth = spec.oauth.is_some() || spec.auth_methods.iter().any(|m| m.oauth.is_some());
    let all: Vec<&Parameter> = spec.all_parameters().collect();
    let signs = private_key_client(&all)
        && reason
            .as_deref()
            .is_some_and(|r| r.starts_with("a service account"));
    match reason {
        Some(reason) if !oauth && !signs => Derived {
            file: AuthCheck {
                no_http: Some(reason),
                ..AuthCheck::default()
            },
            origins: Vec::new(),
            todos: Vec::new(),
        },
        Some(reason) => checkable(derive_requests(spec, doc, doc_name), reason),
        None => derive_requests(spec, doc, doc_name),
    }
}

/// A client's private key beside its id and token endpoint (the
/// `private_key_jwt` client assertion).
fn private_key_client(all: &[&Parameter]) -> bool {
    let has = |f: &dyn Fn(&str) -> bool| all.iter().any(|p| f(&p.name.to_ascii_lowercase()));
    has(&|n| n.contains("private_key") && !n.contains("passphrase"))
        && has(&|n| n == "client_id")
        && has(&|n| super::probe::token_url_parameter(n))
}

/// The derived checks that need nothing filled in by hand, with the reason
/// the other methods have no HTTP check; only that reason when none is left.
fn checkable(derived: Derived, reason: String) -> Derived {
    // A key file's JWT grant proves the key signs, not that the source
    // reads with it: that method is named by the reason too.
    let key_grant = |c: &Check| matches!(c.auth, Auth::Jwt { .. });
    if derived.todos.is_empty() && !derived.file.checks.iter().any(key_grant) {
        return derived;
    }
    let mut kept = Derived {
        file: AuthCheck {
            no_http: Some(reason),
            defaults: derived.file.defaults.clone(),
            values: derived.file.values.clone(),
            ..AuthCheck::default()
        },
        origins: Vec::new(),
        todos: Vec::new(),
    };
    for (check, origin) in derived.file.checks.into_iter().zip(derived.origins) {
        let todo = check.url.contains("TODO")
            || matches!(&check.auth, Auth::Header { name, .. } if name.contains("TODO"));
        if !todo && !key_grant(&check) && check.auth_method.is_some() {
            kept.file.checks.push(check);
            kept.origins.push(origin);
        }
    }
    if kept.file.checks.is_empty() {
        kept.file.defaults.clear();
        kept.file.values.clear();
    }
    kept
}

fn derive_requests(spec: &Spec, doc: Option<&ApiDoc>, doc_name: &str) -> Derived {
    let mut derived = Derived {
        file: AuthCheck::default(),
        origins: Vec::new(),
        todos: Vec::new(),
    };
    let methods: Vec<Option<&AuthMethod>> = if spec.auth_methods.is_empty() {
        vec![None]
    } else {
        spec.auth_methods.iter().map(Some).collect()
    };
    for method in methods {
        let scope = spec.parameters_for(method);
        let who = method
            .map(|m| format!(" (auth method `{}`)", m.name))
            .unwrap_or_default();
        if method.is_some_and(|m| m.parameters.is_empty()) && spec.oauth_for(method).is_none() {
            continue; // a `none` method has nothing to check
        }
        let (auth, auth_origin) = match method_auth(spec, method, &scope, doc, doc_name) {
            Some(found) => found,
            None => {
                derived
                    .todos
                    .push(format!("how the credentials are sent{who}"));
                (
                    Auth::Header {
                        name: "TODO-header-name".into(),
                        value: "TODO".into(),
                    },
                    "auth: TODO — the API doc does not say how credentials are sent".into(),
                )
            }
        };
        header_name_default(&auth, &scope, &mut derived.file);
        let Target {
            url,
            origin: url_origin,
            default,
        } = target_or_todo(doc, &scope, doc_name, &who, &mut derived.todos);
        // A value the spec requires has no default; one the spec defaults
        // is written out, so the check reads alone.
        let required = |k: &str| scope.iter().any(|p| p.name == k && p.required);
        if let Some((k, v)) = default
            && derived.file.default_value(&k).is_none()
            && !required(&k)
        {
            derived.file.defaults.push((k, v));
        }
        if let Some(p) = scope
            .iter()
            .find(|p| url.starts_with(&format!("{{{}}}", p.name)))
            && let Some(v) = spec_default(p)
            && derived.file.default_value(&p.name).is_none()
        {
            derived.file.defaults.push((p.name.clone(), v));
        }
        // The key travels in the URL's path (`/v3/{api_key}/nfts`): the
        // request itself carries the credential.
        let mut auth = auth;
        let mut auth_origin = auth_origin;
        let todo = format!("how the credentials are sent{who}");
        if derived.todos.contains(&todo) && mentions_credential(&url, &scope) {
            derived.todos.retain(|t| *t != todo);
            auth = Auth::None;
            auth_origin = "auth: none beside the URL — the credential is part of its path".into();
        }
        let headers = doc
            .map(|d| extra_credential_headers(d, &scope, &auth))
            .unwrap_or_default();
        let url = match doc {
            Some(d) => derive_values(&url, &scope, d, &mut derived.file),
            None => url,
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

/// A header name held by a parameter (`api_key_header`): its default is
/// written out.
fn header_name_default(auth: &Auth, scope: &[&Parameter], file: &mut AuthCheck) {
    if let Auth::Header { name, .. } = auth
        && let [(_, n)] = template::placeholders(name).as_slice()
        && let Some(p) = scope.iter().find(|p| p.name == *n)
        && let Some(v) = &p.default
        && file.default_value(n).is_none()
    {
        file.defaults.push((p.name.clone(), v.clone()));
    }
}

/// How one auth method sends its credentials: the spec's oauth block (with
/// the token scheme the doc shows), a key file's JWT grant, what the
/// method's own name says (Basic, Bearer), a header named by a parameter,
/// then the doc's examples and, last, the parameter names.
fn method_auth(
    spec: &Spec,
    method: Option<&AuthMethod>,
    scope: &[&Parameter],
    doc: Option<&ApiDoc>,
    doc_name: &str,
) -> Option<(Auth, String)> {
    if spec.oauth_for(method).is_some() {
        return Some(match doc.and_then(oauth_scheme) {
            Some((scheme, line)) => (
                Auth::OAuth {
                    scheme: Some(scheme),
                },
                format!(
                    "auth: the spec's oauth block; the token's scheme from {doc_name} line {line}"
                ),
            ),
            None => (Auth::OAUTH, "auth: the spec's oauth block".to_string()),
        });
    }
    if let Some(key) = key_file(scope) {
        let scope_value = scope
            .iter()
            .find(|p| matches!(p.name.as_str(), "scope" | "scopes"))
            .map(|p| format!("{{{}}}", p.name))
            .or_else(|| doc.and_then(jwt_scope));
        return Some((
            Auth::Jwt {
                key: format!("{{{}}}", key.name),
                scope: scope_value,
            },
            "auth: a service-account key file — a JWT signed with its key is exchanged at its token_uri (RFC 7523); the key itself is never sent".into(),
        ));
    }
    let has = |n: &str| scope.iter().any(|p| p.name == n);
    if scope
        .iter()
        .any(|p| super::probe::token_url_parameter(&p.name))
        && has("client_id")
        && (has("client_secret") || has("refresh_token"))
    {
        return Some((
            Auth::OAUTH,
            "auth: the method's own app and token endpoint (client credentials, or refresh with the stored token)".into(),
        ));
    }
    // A private key signs; it is never itself a token, a password or a
    // header. Registered for a client beside its token endpoint, it signs
    // the client's assertion.
    let private_key = scope.iter().find(|p| {
        let n = p.name.to_ascii_lowercase();
        n.contains("private_key") && !n.contains("passphrase") && !n.contains("_id")
    });
    if let Some(key) = private_key {
        let token_url = scope
            .iter()
            .find(|p| super::probe::token_url_parameter(&p.name));
        let scope_param = scope
            .iter()
            .find(|p| matches!(p.name.as_str(), "scope" | "scopes"));
        return match (token_url, has("client_id")) {
            (Some(t), true) => Some((
                Auth::ClientAssertion {
                    private_key: format!("{{{}}}", key.name),
                    client_id: "{client_id}".into(),
                    token_url: format!("{{{}}}", t.name),
                    scope: scope_param.map(|p| format!("{{{}}}", p.name)),
                },
                "auth: the client's registered private key signs its assertion for the client-credentials grant (RFC 7523, private_key_jwt); the key itself is never sent".into(),
            )),
            _ => None,
        };
    }
    if let Some(found) = method.and_then(|m| named_by_method(m, scope)) {
        return Some(found);
    }
    if let Some(found) = header_named_by_parameter(scope) {
        return Some(found);
    }
    let from_doc = |lax| doc.and_then(|d| auth_from_doc(d, scope, doc_name, lax));
    from_doc(false)
        .or_else(|| from_doc(true))
        .or_else(|| auth_from_names(scope))
}

/// The parameter holding a service-account key file (its JSON), not a
/// service account's plain token or secret.
fn key_file<'a>(scope: &[&'a Parameter]) -> Option<&'a Parameter> {
    scope
        .iter()
        .find(|p| {
            let n = p.name.to_ascii_lowercase();
            let d = p.description.as_deref().unwrap_or("").to_ascii_lowercase();
            let named = n.contains("json")
                || n.contains("key_file")
                || n.contains("keyfile")
                || (n.contains("service_account")
                    && (n.ends_with("_key")
                        || n.contains("credentials")
                        || n == "service_account"));
            let described = d.contains("json")
                && (d.contains("service account")
                    || d.contains("key file")
                    || d.contains("private key"));
            let token_like = ["token", "secret", "password"]
                .iter()
                .any(|w| n.contains(w));
            !token_like
                && ((named && (p.secret || p.looks_secret() || described))
                    || (described && p.secret))
        })
        .copied()
}

/// A scope the doc writes in code on a line about scopes, for the JWT
/// grant (`https://scopes.example.com/auth/read`).
fn jwt_scope(doc: &ApiDoc) -> Option<String> {
    doc.lines.iter().find_map(|l| {
        if !l.text.to_ascii_lowercase().contains("scope") {
            return None;
        }
        let spans: Vec<&str> = if l.code {
            l.text.split_whitespace().collect()
        } else {
            l.text.split('`').skip(1).step_by(2).collect()
        };
        spans.into_iter().find_map(|span| {
            let t = span.trim_matches(['"', '\'', ',', '(', ')', '[', ']']);
            (t.starts_with("https://")
                && !t.contains(['{', '<', ' '])
                && !t.ends_with("/token")
                && !t.contains("/authorize")
                && t.trim_start_matches("https://").contains('/'))
            .then(|| t.to_string())
        })
    })
}

/// `Authorization: Zoho-oauthtoken {access_token}`: an OAuth token sent
/// under a scheme other than Bearer, with the doc line.
fn oauth_scheme(doc: &ApiDoc) -> Option<(String, usize)> {
    let examples = doc.examples();
    let example_headers = examples.iter().flat_map(|ex| {
        ex.value.headers.iter().map(|h| Fact {
            value: h.clone(),
            line: ex.line,
        })
    });
    example_headers.chain(doc.header_lines()).find_map(
        |Fact {
             value: (name, value),
             line,
         }| {
            if !name.eq_ignore_ascii_case("authorization") {
                return None;
            }
            let (scheme, token) = value.trim().split_once(' ')?;
            let scheme = scheme.trim_matches(['"', '\'']);
            let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
            let standard = ["bearer", "basic", "token", "digest", "negotiate"]
                .contains(&scheme.to_ascii_lowercase().as_str());
            let names_a_token = {
                let t = apidoc::snake(token.trim().trim_matches(['<', '>', '{', '}', '"', '\'']));
                t.contains("token") || apidoc::sample_credential(token.trim())
            };
            (!standard && !scheme.is_empty() && scheme.chars().all(word) && names_a_token)
                .then(|| (scheme.to_string(), line))
        },
    )
}

/// What the auth method's own name or description says: `basic` sends
/// HTTP Basic with its user and secret; `bearer` sends its one secret as
/// Bearer.
fn named_by_method(method: &AuthMethod, scope: &[&Parameter]) -> Option<(Auth, String)> {
    let words = |t: &str| -> Vec<String> {
        t.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let name = words(&method.name);
    let description = method.description.as_deref().map(words).unwrap_or_default();
    let says = |w: &str| name.iter().any(|n| n == w);
    let described = |a: &str, b: &str| description.windows(2).any(|p| p[0] == a && p[1] == b);
    let secrets: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| p.secret || p.looks_secret())
        .collect();
    if says("basic") || described("basic", "auth") || described("basic", "authentication") {
        let user = scope.iter().find(|p| {
            let n = p.name.to_ascii_lowercase();
            !(p.secret || p.looks_secret())
                && [
                    "email",
                    "username",
                    "user",
                    "login",
                    "user_name",
                    "account",
                    "client_id",
                ]
                .iter()
                .any(|w| n == *w || n.ends_with(&format!("_{w}")))
        })?;
        let secret = secrets
            .iter()
            .find(|p| p.name.contains("password"))
            .or(secrets.first())?;
        return Some((
            Auth::Basic {
                username: format!("{{{}}}", user.name),
                password: format!("{{{}}}", secret.name),
            },
            format!(
                "auth: HTTP Basic, as the auth method `{}` says",
                method.name
            ),
        ));
    }
    if (says("bearer") || described("bearer", "token"))
        && let [only] = secrets.as_slice()
    {
        return Some((
            Auth::Bearer(format!("{{{}}}", only.name)),
            format!("auth: Bearer, as the auth method `{}` says", method.name),
        ));
    }
    None
}

/// `api_key_header` (default `x-api-key`) beside `api_key`: the header's
/// name is itself a parameter.
fn header_named_by_parameter(scope: &[&Parameter]) -> Option<(Auth, String)> {
    let header = scope.iter().find(|p| {
        let n = p.name.to_ascii_lowercase();
        (n.ends_with("_header") || n.ends_with("header_name")) && !(p.secret || p.looks_secret())
    })?;
    let secret = only_secret(scope)?;
    Some((
        Auth::Header {
            name: format!("{{{}}}", header.name),
            value: format!("{{{}}}", secret.name),
        },
        format!(
            "auth: the header `{}` names, carrying `{}`",
            header.name, secret.name
        ),
    ))
}

/// Values the doc derives from the person's: a region's base URL from the
/// doc's region table, a data-centre label from the key's suffix. Returns
/// the URL written with them.
fn derive_values(url: &str, scope: &[&Parameter], doc: &ApiDoc, file: &mut AuthCheck) -> String {
    let mut url = url.to_string();
    if let Some((name, derivation)) =
        region_table(&url, scope, doc).or_else(|| accounts_table(&url, scope, doc))
    {
        let origin = origin_template(&url);
        url = format!("{{{name}}}{}", &url[origin.len()..]);
        if file.derivation(&name).is_none() {
            file.values.push((name, derivation));
        }
    }
    for p in scope {
        let placeholder = format!("{{{}}}", p.name);
        if p.required || !origin_template(&url).contains(&placeholder) {
            continue;
        }
        if let Some(key) = key_suffix_source(p, scope, doc)
            && file.derivation(&p.name).is_none()
        {
            file.values.push((
                p.name.clone(),
                Derivation {
                    from: key.name.clone(),
                    rule: DeriveRule::AfterLast("-".into()),
                },
            ));
        }
    }
    url
}

/// `| EU | https://analytics.eu.example.com |`: the doc's table of base
/// URLs by region, for the URL's origin, keyed by the region parameter's
/// values. The name of the derived base URL and its derivation.
fn region_table(url: &str, scope: &[&Parameter], doc: &ApiDoc) -> Option<(String, Derivation)> {
    let region = scope.iter().find(|p| {
        let n = p.name.to_ascii_lowercase();
        [
            "region",
            "residency",
            "data_center",
            "datacenter",
            "location",
        ]
        .iter()
        .any(|w| n.contains(w))
    })?;
    let origin = origin_template(url);
    if !template::placeholders(&origin).is_empty() {
        return None;
    }
    // The values the description quotes: 'us' (default), 'eu', …
    let values: Vec<String> = region
        .description
        .as_deref()
        .unwrap_or("")
        .split(['\'', '"', '`'])
        .skip(1)
        .step_by(2)
        .filter(|v| !v.is_empty() && v.len() <= 24 && !v.contains(' '))
        .map(str::to_ascii_lowercase)
        .collect();
    let (mut map, mut default) = region_rows(doc, &values);
    if map.len() < 2 || !map.iter().any(|(_, t)| t.eq_ignore_ascii_case(&origin)) {
        return None;
    }
    // Keys the parameter's description names, when it names any.
    let said = region
        .description
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    if map
        .iter()
        .filter(|(k, _)| said.contains(k.as_str()))
        .count()
        >= 2
    {
        map.retain(|(k, _)| said.contains(k.as_str()));
    }
    if let Some(d) = &region.default
        && let Some((_, t)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(d))
    {
        default = Some(t.clone());
    }
    let default = default.or_else(|| Some(origin.clone()));
    Some((
        format!("{}_base_url", region.name),
        Derivation {
            from: region.name.clone(),
            rule: DeriveRule::Map { map, default },
        },
    ))
}

/// `| EU | https://accounts.example.eu | https://api.example.eu |`: the
/// doc's table pairing each region's accounts host with its API host, for
/// a parameter naming the person's accounts host. Keyed by the accounts
/// host; the name of the derived base URL and its derivation.
fn accounts_table(url: &str, scope: &[&Parameter], doc: &ApiDoc) -> Option<(String, Derivation)> {
    let accounts = scope
        .iter()
        .find(|p| p.name.to_ascii_lowercase().contains("accounts"))?;
    let origin = origin_template(url);
    if !template::placeholders(&origin).is_empty() {
        return None;
    }
    let host = |o: &str| {
        o.split_once("://")
            .map_or("", |(_, h)| h)
            .to_ascii_lowercase()
    };
    let mut map: Vec<(String, String)> = Vec::new();
    for l in doc
        .lines
        .iter()
        .filter(|l| l.text.trim_start().starts_with('|'))
    {
        let origins: Vec<String> = l
            .text
            .split(['|', ' ', '`', '<', '>'])
            .filter(|c| c.starts_with("https://") || c.starts_with("http://"))
            .map(origin_template)
            .collect();
        let (mut keys, targets): (Vec<&String>, Vec<&String>) = origins
            .iter()
            .partition(|o| host(o).starts_with("accounts."));
        if let (Some(key), [target]) = (keys.pop(), targets.as_slice())
            && !map.iter().any(|(k, _)| *k == host(key))
        {
            map.push((host(key), (*target).clone()));
        }
    }
    if map.len() < 2 || !map.iter().any(|(_, t)| t.eq_ignore_ascii_case(&origin)) {
        return None;
    }
    Some((
        format!("{}_base_url", accounts.name),
        Derivation {
            from: accounts.name.clone(),
            rule: DeriveRule::Map {
                map,
                default: Some(origin),
            },
        },
    ))
}

/// The rows of the doc's tables that pair a label with a base URL, keyed
/// by the value of `values` each row stands for; and the row marked as the
/// default.
fn region_rows(doc: &ApiDoc, values: &[String]) -> (Vec<(String, String)>, Option<String>) {
    let mut map: Vec<(String, String)> = Vec::new();
    let mut default = None;
    for l in doc
        .lines
        .iter()
        .filter(|l| l.text.trim_start().starts_with('|'))
    {
        let cells: Vec<&str> = l
            .text
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let Some(target) = cells.iter().find_map(|c| {
            let c = c.trim_matches('`');
            (c.starts_with("https://") || c.starts_with("http://")).then(|| origin_template(c))
        }) else {
            continue;
        };
        let Some(label) = cells
            .iter()
            .find(|c| !c.contains("://") && !c.trim().is_empty())
        else {
            continue;
        };
        let word: String = label
            .trim_matches(['`', '*', '"', '\''])
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['`', '"', '\'', ','])
            .to_ascii_lowercase();
        // The value the parameter's description gives this row: a label
        // of its host (`eu` of api.eu.example.com), or the row's word
        // (`Europe` for `eu`).
        let labels: Vec<String> = target
            .split_once("://")
            .map_or("", |(_, h)| h)
            .split('.')
            .map(str::to_ascii_lowercase)
            .collect();
        let key = values
            .iter()
            .find(|v| labels.contains(v))
            .or_else(|| values.iter().find(|v| word == **v))
            .or_else(|| {
                values
                    .iter()
                    .find(|v| v.len() >= 2 && word.starts_with(v.as_str()))
            })
            .cloned()
            .unwrap_or(word);
        if key.is_empty() || map.iter().any(|(k, _)| *k == key) {
            continue;
        }
        if label.to_ascii_lowercase().contains("default") {
            default = Some(target.clone());
        }
        map.push((key, target));
    }
    (map, default)
}

/// An optional host label the doc says is the end of a key
/// (`…-us21`: "the part after the last dash"): the key it comes from.
fn key_suffix_source<'a>(
    p: &Parameter,
    scope: &[&'a Parameter],
    doc: &ApiDoc,
) -> Option<&'a Parameter> {
    let says = |text: &str| {
        let t = text.to_ascii_lowercase();
        let after_dash = t.contains("after the")
            && (t.contains("dash")
                || t.contains("hyphen")
                || t.contains("`-`")
                || t.contains("'-'")
                || t.contains("\"-\""));
        let suffix = (t.contains("suffix") || t.contains("end of")) && t.contains("key");
        after_dash || suffix
    };
    let described = p.description.as_deref().is_some_and(says)
        || doc
            .lines
            .iter()
            .any(|l| l.text.contains(p.name.as_str()) && says(&l.text));
    if !described {
        return None;
    }
    scope
        .iter()
        .find(|k| (k.secret || k.looks_secret()) && k.name.to_ascii_lowercase().contains("key"))
        .copied()
}

/// The check's URL from the doc, on an origin the person chose; else a
/// TODO (naming the hosts the doc's examples target, when they are others).
fn target_or_todo(
    doc: Option<&ApiDoc>,
    scope: &[&Parameter],
    doc_name: &str,
    who: &str,
    todos: &mut Vec<String>,
) -> Target {
    let mut chosen = Chosen::new(doc, scope);
    let mut elsewhere = Vec::new();
    if let Some(found) =
        doc.and_then(|d| url_from_doc(d, scope, doc_name, &mut chosen, &mut elsewhere))
    {
        return found;
    }
    let unchosen = if elsewhere.is_empty() {
        String::new()
    } else {
        format!(
            " (the doc's examples target {}, which neither the spec nor the doc's base URL names: confirm one by writing it here)",
            elsewhere.join(", ")
        )
    };
    todos.push(format!("the URL of a simple read-only GET{who}{unchosen}"));
    Target {
        url: "TODO: https://api.example.com/v1/me".into(),
        origin: "url: TODO — no usable GET example in the API doc".into(),
        default: None,
    }
}

/// The URL an optional parameter defaults to: its `default`, else the one
/// its description names ("Defaults to https://api.example.com.").
fn spec_default(p: &Parameter) -> Option<String> {
    if p.required {
        return None;
    }
    if let Some(v) = p.default.as_ref().filter(|v| v.contains("://")) {
        return Some(v.clone());
    }
    let d = p.description.as_deref()?;
    let at = d.to_ascii_lowercase().find("default")?;
    let rest = &d[at..];
    let start = rest.find("https://").or_else(|| rest.find("http://"))?;
    let url: String = rest[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '`' | ')' | ',' | '"' | '\''))
        .collect();
    let url = url.trim_end_matches(['.', '/', ';']).to_string();
    (url.len() > "https://".len() && !url.contains(['{', '<'])).then_some(url)
}

/// Rewrites a doc template with spec parameter names; `None` when a
/// placeholder names nothing in scope.
fn map_template(text: &str, scope: &[&Parameter]) -> Option<String> {
    let mut out = text.to_string();
    for (_, name) in template::placeholders(text) {
        let p = apidoc::match_parameter(name, scope)?;
        out = out.replace(&format!("{{{name}}}"), &format!("{{{}}}", p.name));
    }
    Some(out)
}

/// The scope's one secret, when it has exactly one.
fn only_secret<'a>(scope: &[&'a Parameter]) -> Option<&'a Parameter> {
    let secrets: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| p.secret || p.looks_secret())
        .collect();
    match secrets.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// A credential as the doc sends it, in the spec's names: mapped by name,
/// else (one placeholder, or a sample value such as `secret_xxx`, where the
/// spec has one secret) the spec's secret.
///
/// Strict (`lax` false): only what the doc names — a placeholder matching a
/// parameter, or the parameter's own name inside an encoded form
/// (`ApiKey <BASE64(id:api_key)>`). Lax: also the scope's one secret.
fn map_credential(text: &str, scope: &[&Parameter], lax: bool) -> Option<String> {
    if let Some(mapped) = map_template(text, scope).filter(|m| mentions_credential(m, scope)) {
        return Some(mapped);
    }
    if let Some(named) = named_inside(text, scope) {
        return Some(named);
    }
    if !lax {
        return None;
    }
    let secret = only_secret(scope)?;
    let found = template::placeholders(text);
    match found.as_slice() {
        // A placeholder naming something else (`<client_org_id>`) is not
        // the secret under another name.
        [(_, name)] if !credential_like(name) => None,
        [(at, name)] => {
            let mut out = text.to_string();
            out.replace_range(*at..*at + name.len() + 2, &format!("{{{}}}", secret.name));
            Some(out)
        }
        [] => {
            // `Bearer secret_xxx`, `Klaviyo-API-Key pk_abc…`: the last word.
            let (head, last) = text.rsplit_once(' ').unwrap_or(("", text));
            apidoc::sample_credential(last).then(|| {
                if head.is_empty() {
                    format!("{{{}}}", secret.name)
                } else {
                    format!("{head} {{{}}}", secret.name)
                }
            })
        }
        _ => None,
    }
}

/// `ApiKey <BASE64(api_key_id:api_key)>`: the last word of the value names
/// a secret parameter among its words; it becomes that placeholder.
fn named_inside(text: &str, scope: &[&Parameter]) -> Option<String> {
    let (head, last) = text.trim().rsplit_once(' ').unwrap_or(("", text.trim()));
    if !last.contains(['(', '<', '{']) {
        return None;
    }
    let words: Vec<&str> = last
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let p = scope.iter().find(|p| {
        (p.secret || p.looks_secret()) && words.iter().any(|w| w.eq_ignore_ascii_case(&p.name))
    })?;
    Some(if head.is_empty() {
        format!("{{{}}}", p.name)
    } else {
        format!("{head} {{{}}}", p.name)
    })
}

/// A token the provider issues (`{access_token}`, `<ACCESS_TOKEN>`), sent
/// where the spec holds an OAuth app rather than a token: the connector's
/// grant gets it, so the check is `oauth`.
fn issued_token(text: &str, scope: &[&Parameter]) -> bool {
    let names: Vec<String> = template::placeholders(text)
        .iter()
        .map(|(_, n)| apidoc::snake(n))
        .chain(std::iter::once(apidoc::snake(
            text.trim().trim_matches(['<', '>', '{', '}', '"']),
        )))
        .collect();
    let issued = names
        .iter()
        .any(|n| ["access_token", "oauth_token", "bearer_token", "token"].contains(&n.as_str()));
    let has = |w: &str| {
        scope
            .iter()
            .any(|p| p.name == w || p.name.ends_with(&format!("_{w}")))
    };
    issued
        && has("client_id")
        && (has("client_secret") || has("refresh_token"))
        && apidoc::match_parameter("access_token", scope).is_none()
}

fn mentions_credential(text: &str, scope: &[&Parameter]) -> bool {
    template::placeholders(text).iter().any(|(_, n)| {
        scope
            .iter()
            .any(|p| p.name == *n && (p.secret || p.looks_secret()))
    })
}

/// Headers carrying credentials the chosen auth does not send (a second
/// key, as Datadog's application key).
fn extra_credential_headers(
    doc: &ApiDoc,
    scope: &[&Parameter],
    auth: &Auth,
) -> Vec<(String, String)> {
    let mut used: Vec<String> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    let chosen = match auth {
        Auth::Header { name, value } => Some((name.as_str(), value.as_str())),
        _ => None,
    };
    if let Some((name, value)) = chosen {
        used.push(name.to_ascii_lowercase());
        used.extend(
            template::placeholders(value)
                .iter()
                .map(|(_, n)| n.to_string()),
        );
    } else {
        return headers;
    }
    for Fact {
        value: (name, value),
        ..
    } in doc.header_lines()
    {
        if used.contains(&name.to_ascii_lowercase()) || name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        if let Some(mapped) = map_template(&value, scope).filter(|m| mentions_credential(m, scope))
        {
            let names: Vec<String> = template::placeholders(&mapped)
                .iter()
                .map(|(_, n)| n.to_string())
                .collect();
            if names.iter().any(|n| used.contains(n)) {
                continue;
            }
            used.push(name.to_ascii_lowercase());
            used.extend(names);
            headers.push((name, mapped));
        }
    }
    headers
}

/// `curl -u yourapikey:X`, `-u ck_1234:cs_5678`: sample values standing
/// for the spec's credentials, in the spec's order; a one-letter password
/// (`X`) is the dummy some APIs ask for, kept as is.
fn sample_basic(user: &str, pass: &str, scope: &[&Parameter]) -> (String, String) {
    // An `@` marks an email as the user; a password may hold one.
    let literal_user = template::placeholders(user).is_empty() && !user.contains('@');
    let literal = |s: &str| template::placeholders(s).is_empty();
    if !literal_user {
        return (user.to_string(), pass.to_string());
    }
    let secrets: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| p.secret || p.looks_secret())
        .collect();
    let users: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| ["email", "username", "user", "login"].contains(&p.name.as_str()))
        .collect();
    let dummy = pass.len() <= 1;
    match (users.first(), secrets.as_slice()) {
        (Some(u), [s, ..]) if literal(pass) && !dummy => {
            (format!("{{{}}}", u.name), format!("{{{}}}", s.name))
        }
        (None, [only]) if dummy => (format!("{{{}}}", only.name), pass.to_string()),
        // `curl -u 1971800d…:api_token`: the token as the user, a fixed
        // word as the password; `curl -u api:key-3ax6…`: the other way.
        (None, [only]) if apidoc::sample_credential(user) && !apidoc::sample_credential(pass) => {
            (format!("{{{}}}", only.name), pass.to_string())
        }
        (None, [only]) if apidoc::sample_credential(pass) && !apidoc::sample_credential(user) => {
            (user.to_string(), format!("{{{}}}", only.name))
        }
        (None, [a, b]) if literal(pass) && !dummy => {
            (format!("{{{}}}", a.name), format!("{{{}}}", b.name))
        }
        _ => (user.to_string(), pass.to_string()),
    }
}

/// How the doc's examples send credentials, mapped to this scope.
/// A literal example account (`email@example.com`) stands for the spec's
/// user parameter.
fn example_account(value: &str, scope: &[&Parameter]) -> String {
    if !value.contains('@') || !template::placeholders(value).is_empty() {
        return value.to_string();
    }
    scope
        .iter()
        .find(|p| ["email", "username", "user", "login"].contains(&p.name.as_str()))
        .map_or_else(|| value.to_string(), |p| format!("{{{}}}", p.name))
}

/// How the doc's requests send credentials, in the spec's names: strict
/// (what the doc names) or lax (also the scope's one secret for a sample).
fn auth_from_doc(
    doc: &ApiDoc,
    scope: &[&Parameter],
    doc_name: &str,
    lax: bool,
) -> Option<(Auth, String)> {
    let examples: Vec<Fact<Example>> = doc
        .examples()
        .into_iter()
        .filter(|ex| !disowned_example(doc, ex.line))
        .collect();
    for ex in &examples {
        if let Some((user, pass)) = &ex.value.basic {
            let (user, pass) = &sample_basic(user, pass, scope);
            let user = &example_account(user, scope);
            let (u, p) = (map_template(user, scope), map_template(pass, scope));
            if let (Some(u), Some(p)) = (u, p) {
                let auth = Auth::Basic {
                    username: u,
                    password: p,
                };
                if basic_mentions_credential(&auth, scope) {
                    return Some((
                        auth,
                        format!(
                            "auth: from {doc_name} line {}: curl -u {user}:{pass}",
                            ex.line
                        ),
                    ));
                }
            }
        }
    }
    let mut headers: Vec<Fact<(String, String)>> = examples
        .iter()
        .flat_map(|ex| {
            ex.value.headers.iter().map(|h| Fact {
                value: h.clone(),
                line: ex.line,
            })
        })
        .collect();
    headers.extend(
        doc.header_lines()
            .into_iter()
            .filter(|h| !disowned_example(doc, h.line)),
    );
    for h in &headers {
        let (name, value) = &h.value;
        if let Some(auth) = header_auth(name, value, scope, lax) {
            return Some((
                auth,
                format!("auth: from {doc_name} line {}: {name}: {value}", h.line),
            ));
        }
    }
    for ex in &examples {
        if let Some((_, query)) = ex.value.target.split_once('?') {
            for pair in query.split('&') {
                let Some((k, v)) = pair.split_once('=') else {
                    continue;
                };
                let sampled = || {
                    let credential_key = ["key", "token", "secret", "auth", "password", "appid"]
                        .iter()
                        .any(|w| k.to_ascii_lowercase().contains(w));
                    (credential_key
                        && (apidoc::sample_credential(v)
                            || v == "..."
                            || v.chars().all(|c| c == 'X' || c == 'x') && v.len() >= 4))
                        .then(|| {
                            apidoc::match_parameter(k, scope)
                                .filter(|p| p.secret || p.looks_secret())
                                .or_else(|| only_secret(scope).filter(|_| lax))
                                .map(|p| format!("{{{}}}", p.name))
                        })
                        .flatten()
                };
                if let Some(mapped) = map_template(v, scope)
                    .filter(|m| mentions_credential(m, scope))
                    .or_else(sampled)
                {
                    return Some((
                        Auth::Query {
                            name: k.to_string(),
                            value: mapped,
                        },
                        format!("auth: from {doc_name} line {}: ?{k}={v}", ex.line),
                    ));
                }
            }
        }
    }
    None
}

fn basic_mentions_credential(auth: &Auth, scope: &[&Parameter]) -> bool {
    match auth {
        Auth::Basic { username, password } => {
            mentions_credential(username, scope) || mentions_credential(password, scope)
        }
        _ => false,
    }
}

fn header_auth(name: &str, value: &str, scope: &[&Parameter], lax: bool) -> Option<Auth> {
    if name.eq_ignore_ascii_case("authorization") {
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            if let Some(mapped) = map_credential(rest, scope, false) {
                return Some(Auth::Bearer(mapped));
            }
            if issued_token(rest, scope) {
                return Some(Auth::OAUTH);
            }
            return Some(Auth::Bearer(map_credential(rest, scope, lax)?));
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let inner = rest
                .trim_start_matches("base64")
                .trim_matches(|c| c == '(' || c == ')' || c == '"' || c == '\'' || c == ' ');
            if let Some((u, p)) = inner.split_once(':') {
                // `base64(username:app_password)`: the parameters by name.
                let named = |t: &str| {
                    let t = t.trim_matches(['"', '\'']);
                    match scope.iter().find(|p| p.name == t) {
                        Some(p) => Some(format!("{{{}}}", p.name)),
                        None => map_template(t, scope),
                    }
                };
                let auth = Auth::Basic {
                    username: named(u)?,
                    password: named(p)?,
                };
                return basic_mentions_credential(&auth, scope).then_some(auth);
            }
            return auth_from_names(scope)
                .map(|(a, _)| a)
                .filter(|a| matches!(a, Auth::Basic { .. }));
        }
        return Some(Auth::Header {
            name: "Authorization".into(),
            value: map_credential(value, scope, lax)?,
        });
    }
    if apidoc::plain_header(name) {
        return None;
    }
    // `accessKey=…;secretKey=…`: each pair's value is the parameter its
    // name says.
    if let Some(value) = credential_pairs(value, scope) {
        return Some(Auth::Header {
            name: name.to_string(),
            value,
        });
    }
    let value = map_credential(value, scope, lax)?;
    // `xq_YOUR_KEY_HERE`: a sample key's own prefix glued to the
    // placeholder is part of the key, not text sent before it.
    let value = match template::placeholders(&value).as_slice() {
        [(at, n)] if *at > 0 && at + n.len() + 2 == value.len() && !value[..*at].contains(' ') => {
            format!("{{{n}}}")
        }
        _ => value,
    };
    Some(Auth::Header {
        name: name.to_string(),
        value,
    })
}

/// A header value of two or more `name=value` pairs whose names are the
/// scope's parameters (`accessKey` → `access_key`), written with them.
fn credential_pairs(value: &str, scope: &[&Parameter]) -> Option<String> {
    let written: Option<Vec<String>> = apidoc::key_pairs(value)?
        .into_iter()
        .map(|(k, _)| {
            let k = k.trim();
            let name = apidoc::to_snake_case(k);
            scope
                .iter()
                .find(|p| p.name == name)
                .map(|p| format!("{k}={{{}}}", p.name))
        })
        .collect();
    Some(written?.join(";"))
}

/// A guess from parameter names alone, when the doc shows no example:
/// a user and a secret mean Basic, a lone token means Bearer.
fn auth_from_names(scope: &[&Parameter]) -> Option<(Auth, String)> {
    let is = |p: &&&Parameter, words: &[&str]| {
        let n = p.name.to_ascii_lowercase();
        words
            .iter()
            .any(|w| n == *w || n.ends_with(&format!("_{w}")))
    };
    let user = scope
        .iter()
        .find(|p| is(p, &["email", "username", "user", "login"]));
    let secrets: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| p.secret || p.looks_secret())
        .collect();
    if let (Some(u), Some(pw)) = (user, secrets.iter().find(|p| is(p, &["password"]))) {
        return Some((
            Auth::Basic {
                username: format!("{{{}}}", u.name),
                password: format!("{{{}}}", pw.name),
            },
            "auth: from the parameter names (a user and a password: HTTP Basic)".into(),
        ));
    }
    if let [only] = secrets.as_slice()
        && is(
            only,
            &[
                "token",
                "access_token",
                "api_token",
                "pat",
                "personal_access_token",
            ],
        )
    {
        return Some((
            Auth::Bearer(format!("{{{}}}", only.name)),
            "auth: from the parameter names (a single token: Bearer)".into(),
        ));
    }
    None
}

/// The URL a check sends to, where it came from, and the default it needs.
struct Target {
    url: String,
    origin: String,
    default: Option<(String, String)>,
}

/// The simplest read-only GET of the doc, made absolute and mapped.
/// The origins a derived check may send the credentials to: the ones the
/// person chose (a spec parameter's value, the origin a spec parameter
/// defaults to) and the doc's stated base URL. An example URL on any other
/// host (a "mirror", another region) is never derived: it is a TODO.
struct Chosen {
    /// `scheme://host[:port]` templates, lowercase, in the spec's names.
    origins: Vec<String>,
    /// Spec parameter names whose value leads a URL (`{base_url}/me`).
    leading: Vec<String>,
    /// Neither a stated base URL nor a URL parameter: the one origin all
    /// the doc's GET examples share stands for the base URL (several
    /// origins: none does).
    unstated: bool,
}

impl Chosen {
    fn new(doc: Option<&ApiDoc>, scope: &[&Parameter]) -> Chosen {
        let mut origins: Vec<String> = scope
            .iter()
            .filter_map(|p| {
                spec_default(p).or_else(|| p.default.clone().filter(|d| d.contains("://")))
            })
            .map(|url| origin_template(&url).to_ascii_lowercase())
            .collect();
        let stated = doc.and_then(ApiDoc::stated_base_url);
        let unstated = stated.is_none() && !scope.iter().any(|p| url_valued(&p.name));
        if let Some(stated) = stated {
            let mapped = map_template(&stated.value, scope).unwrap_or(stated.value);
            origins.push(origin_template(&mapped).to_ascii_lowercase());
        }
        origins.retain(|o| o.contains("://"));
        Chosen {
            origins,
            leading: scope.iter().map(|p| p.name.clone()).collect(),
            unstated,
        }
    }

    /// A host holding a spec parameter (`https://api.{site}`,
    /// `https://{subdomain}.zendesk.com`) whose fixed labels all appear in
    /// the host of an origin the person chose: the parameter's value, which
    /// the person saved, decides where it goes.
    fn admits_labels(&self, origin: &str) -> bool {
        let host = |o: &str| {
            o.split_once("://")
                .map_or(String::new(), |(_, h)| h.to_ascii_lowercase())
        };
        let this = host(origin);
        let named = self
            .leading
            .iter()
            .any(|p| this.contains(&format!("{{{p}}}")));
        let fixed: Vec<&str> = this
            .split(['.', ':'])
            .filter(|l| !l.is_empty() && !l.contains('{'))
            .collect();
        named
            && !fixed.is_empty()
            && self.origins.iter().any(|o| {
                let chosen = host(o);
                let labels: Vec<&str> = chosen.split(['.', ':']).collect();
                fixed.iter().all(|f| labels.contains(f))
            })
    }

    /// Whether `url` (a derived check's, in the spec's names) goes to an
    /// origin the person chose; `Err` with the origin when it does not.
    fn admits(&self, url: &str) -> Result<(), String> {
        let origin = origin_template(url);
        if let Some(name) = origin.strip_prefix('{').and_then(|o| o.strip_suffix('}'))
            && self.leading.iter().any(|n| n == name)
        {
            return Ok(());
        }
        // The whole host is a spec parameter's value (`https://{domain}`):
        // the person typed where it goes.
        let whole_host = origin
            .split_once("://")
            .map(|(_, h)| h.split(':').next().unwrap_or(h))
            .and_then(|h| h.strip_prefix('{')?.strip_suffix('}'))
            .is_some_and(|name| self.leading.iter().any(|n| n == name));
        if whole_host
            || self.origins.contains(&origin.to_ascii_lowercase())
            || self.admits_labels(&origin)
        {
            return Ok(());
        }
        Err(crate::report::printable(&origin))
    }
}

fn url_from_doc(
    doc: &ApiDoc,
    scope: &[&Parameter],
    doc_name: &str,
    chosen: &mut Chosen,
    elsewhere: &mut Vec<String>,
) -> Option<Target> {
    let mut best: Option<(i64, Target)> = None;
    let templates = host_templates(doc, scope);
    let locating: Vec<&str> = scope
        .iter()
        .filter(|p| p.required && p.default.is_none() && locates(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    let candidates = get_examples(doc, scope, &templates);
    if chosen.unstated {
        let mut seen: Vec<String> = candidates
            .iter()
            .map(|(_, _, url, _)| origin_template(url).to_ascii_lowercase())
            .filter(|o| o.contains("://"))
            .collect();
        seen.sort();
        seen.dedup();
        if let [only] = seen.as_slice() {
            chosen.origins.push(only.clone());
        }
    }
    for (ex, line, url, default) in candidates {
        if disowned_example(doc, line) {
            continue;
        }
        if let Err(origin) = chosen.admits(&url) {
            if !elsewhere.contains(&origin) {
                elsewhere.push(origin);
            }
            continue;
        }
        // A default (a fixed base URL for the spec's URL parameter) is one
        // the person chose too, or the check would send it elsewhere.
        if let Some((_, value)) = &default
            && let Err(origin) = chosen.admits(value)
        {
            if !elsewhere.contains(&origin) {
                elsewhere.push(origin);
            }
            continue;
        }
        let path = url
            .split("://")
            .nth(1)
            .and_then(|r| r.split_once('/'))
            .map(|(_, p)| p)
            .unwrap_or("");
        let path_only = path.split('?').next().unwrap_or(path);
        let words: Vec<String> = path_only
            .split(['/', '.', '-'])
            .map(str::to_ascii_lowercase)
            .collect();
        let mut score = 0i64;
        if words.iter().any(|w| IDENTITY.contains(&w.as_str())) {
            score += 10;
        }
        score -= 4 * template::placeholders(path_only).len() as i64;
        // A URL that says where the account is, when the spec asks where.
        let located = locating
            .iter()
            .filter(|p| url.contains(&format!("{{{p}}}")))
            .count();
        score += 6 * located as i64;
        if located < locating.len() {
            score -= 8;
        }
        score -= path_only.len() as i64 / 20;
        if named_as_test(doc, line) {
            score += 15;
        }
        let origin = format!(
            "url: from {doc_name} line {line}: {} {}",
            ex.method, ex.target
        );
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((
                score,
                Target {
                    url,
                    origin,
                    default,
                },
            ));
        }
    }
    best.map(|(_, target)| target)
}

/// Words of a sentence that says the request it shows fails or is not to
/// be sent ("`GET /me` does not work with an app-only token").
const DISOWNING: &[&str] = &[
    "does not work",
    "doesn't work",
    "do not work",
    "won't work",
    "will not work",
    "not supported",
    "unsupported",
    "is only valid",
    "only valid with",
    "will fail",
    "fails with",
    "returns 401",
    "returns 403",
    "do not use",
    "don't use",
    "no longer",
    "deprecated",
    "retired",
];

/// Headings over a part of the doc the connector does not use ("1.3 Not
/// used", "Deprecated authentication", "Legacy API (retired)").
const UNUSED_HEADINGS: &[&str] = &[
    "not used",
    "not supported",
    "unsupported",
    "out of scope",
    "not implemented",
    "deprecated",
    "legacy",
    "retired",
    "no longer",
];

/// The example or header stands in a prose sentence that disowns it, or
/// under a heading that sets its part of the doc aside.
fn disowned_example(doc: &ApiDoc, line: usize) -> bool {
    let Some(l) = doc
        .lines
        .get(line.wrapping_sub(1))
        .filter(|l| l.number == line)
        .or_else(|| doc.lines.iter().find(|l| l.number == line))
    else {
        return false;
    };
    let under_unused = l.section_path.iter().any(|h| {
        let h = h.to_ascii_lowercase();
        UNUSED_HEADINGS.iter().any(|w| h.contains(w))
    });
    let text = l.text.to_ascii_lowercase();
    under_unused || (!l.code && DISOWNING.iter().any(|w| text.contains(w)))
}

/// Words that name a request as the one that proves the credentials
/// ("x-note: connection test", "we use it as the health check").
const NAMED_AS_TEST: &[&str] = &[
    "connection test",
    "test connection",
    "test the connection",
    "testing the connection",
    "health check",
    "healthcheck",
    "credential check",
    "credentials check",
    "verify the credentials",
    "verify credentials",
    "validate the credentials",
    "validate credentials",
    "check the credentials",
    "to verify the token",
    "to validate the token",
    "smoke test",
    "connectivity check",
    "auth check",
];

/// The doc names the example at `line` as the request that proves the
/// credentials: on its line, or in the text under it before the next
/// heading or example.
fn named_as_test(doc: &ApiDoc, line: usize) -> bool {
    let Some(at) = doc.lines.iter().position(|l| l.number == line) else {
        return false;
    };
    doc.lines[at..]
        .iter()
        .take(30)
        .enumerate()
        .take_while(|(k, l)| *k == 0 || !l.text.trim_start().starts_with('#'))
        .any(|(_, l)| NAMED_AS_TEST.iter().any(|w| l.lower.contains(w)))
}

/// A GET example of the doc (not a token endpoint) with its line, its URL
/// made absolute in the spec's names and located, and the default it needs.
type Candidate = (Example, usize, String, Option<(String, String)>);

/// The doc's GET examples as candidate check URLs.
fn get_examples(doc: &ApiDoc, scope: &[&Parameter], templates: &[String]) -> Vec<Candidate> {
    let base = doc.base_url();
    let base_param = scope
        .iter()
        .find(|p| p.name == "base_url" || p.name.ends_with("_base_url"));
    // A value the doc writes in a path (`POST /{tenant_id}/oauth2/token`)
    // is not a label of a fixed host elsewhere.
    let paths: Vec<String> = doc
        .examples()
        .into_iter()
        .map(|e| e.value.target)
        .chain(doc.urls().into_iter().map(|u| u.value))
        .map(|u| match u.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or(String::new(), |i| rest[i..].into()),
            None => u,
        })
        .collect();
    let hostable: Vec<&Parameter> = scope
        .iter()
        .copied()
        .filter(|p| {
            let placed = format!("/{{{}}}", p.name);
            !paths.iter().any(|path| path.contains(&placed))
        })
        .collect();
    let samples = super::sample::samples(scope, doc);
    let mut candidates = Vec::new();
    for Fact { value: ex, line } in doc.examples() {
        if ex.method != "GET" {
            continue;
        }
        let Some((url, default)) = absolute(&ex, base.as_ref(), base_param.copied(), scope) else {
            continue;
        };
        if token_endpoint(&url) {
            continue;
        }
        // A query value with spaces (`$filter=kind eq 'Team'`) goes encoded.
        let url = super::sample::placed(&url, &samples);
        let url = locate(&url, templates, &hostable).replace(' ', "%20");
        let Some(url) = fit_placeholders(&url, scope) else {
            continue;
        };
        candidates.push((ex, line, url, default));
    }
    candidates
}

/// `url` with each placeholder the spec does not name (`{org.slug}`,
/// `{orgId}`) put in the name of the one parameter it stands for: the one
/// whose description writes it, else the one whose words it abbreviates
/// (`org` `slug` for `organization_slug`); `None` when one stands for no
/// parameter (a path id the check could not fill).
fn fit_placeholders(url: &str, scope: &[&Parameter]) -> Option<String> {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c)?;
        let inner = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if scope.iter().any(|p| p.name == inner) {
            out.push_str(&rest[open..=close]);
        } else {
            let p = stands_for(inner, scope)?;
            out.push('{');
            out.push_str(&p.name);
            out.push('}');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The one non-secret parameter a doc's placeholder stands for.
fn stands_for<'a>(inner: &str, scope: &[&'a Parameter]) -> Option<&'a Parameter> {
    let written = format!("{{{inner}}}");
    let described: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| {
            !p.secret
                && p.description
                    .as_deref()
                    .is_some_and(|d| d.contains(&written))
        })
        .collect();
    if let [one] = described.as_slice() {
        return Some(one);
    }
    let words: Vec<String> = crate::apidoc::snake(&inner.replace(['.', '-'], "_"))
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let abbreviated: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| {
            let name: Vec<&str> = p.name.split('_').collect();
            !p.secret
                && name.len() == words.len()
                && name
                    .iter()
                    .zip(&words)
                    .all(|(n, w)| n.starts_with(w.as_str()))
        })
        .collect();
    match abbreviated.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Parameter names that say where the account lives: a host label, a
/// region, or a whole base URL.
fn locates(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    // A token endpoint says where to sign in, not where the API is.
    if super::probe::token_url_parameter(&n)
        || n.contains("auth_url")
        || n.contains("authorization_url")
    {
        return false;
    }
    [
        "subdomain",
        "domain",
        "instance",
        "site",
        "shop",
        "store",
        "tenant",
        "org",
        "organization",
        "company",
        "account",
        "workspace",
        "region",
        "datacenter",
        "data_center",
        "dc",
        "server",
        "host",
        "hostname",
        "prefix",
        "server_prefix",
        "my_domain",
        "munchkin_id",
        "cluster",
        "environment",
    ]
    .iter()
    .any(|w| n == *w || n.ends_with(&format!("_{w}")) || n.starts_with(&format!("{w}_")))
        || n.ends_with("_url")
        || n == "url"
        || n.ends_with("_host")
        || n.ends_with("_server")
}

/// Token, authorization and login endpoints: never the API a check calls.
fn token_endpoint(url: &str) -> bool {
    let path = url
        .split_once("://")
        .map_or(url, |(_, r)| r.find('/').map_or("", |i| &r[i..]))
        .to_ascii_lowercase();
    let host = url
        .split_once("://")
        .map_or("", |(_, r)| r.split(['/', '?']).next().unwrap_or(""))
        .to_ascii_lowercase();
    path.ends_with("/token")
        || path.contains("/token?")
        || path.contains("/oauth/token")
        || path.contains("/oauth2/token")
        || path.contains("/oauth2/v2.0/token")
        || path.contains("/authorize")
        || host.starts_with("login.")
        || host.starts_with("accounts.")
        || host.starts_with("auth.")
}

/// The doc's URLs whose host (or start) is a placeholder of the spec: the
/// shapes sample hosts are read back into.
fn host_templates(doc: &ApiDoc, scope: &[&Parameter]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut consider = |url: &str| {
        let Some(mapped) = map_template(url, scope) else {
            return;
        };
        let origin = origin_template(&mapped);
        if !template::placeholders(&origin).is_empty() {
            if !found.contains(&origin) {
                found.push(origin);
            }
            return;
        }
        // A fixed host with the account in the path: the path up to the
        // last placeholder of a required or locating parameter.
        let path = &mapped[origin.len()..];
        let path = path.split(['?', '#']).next().unwrap_or("");
        let segments: Vec<&str> = path.split('/').collect();
        let last = segments.iter().rposition(|seg| {
            seg.starts_with('{')
                && seg.ends_with('}')
                && scope
                    .iter()
                    .any(|p| format!("{{{}}}", p.name) == *seg && (p.required || locates(&p.name)))
        });
        if let Some(last) = last {
            let t = format!("{origin}{}", segments[..=last].join("/"));
            if !found.contains(&t) {
                found.push(t);
            }
        }
    };
    for u in doc.urls() {
        consider(&u.value);
    }
    for ex in doc.examples() {
        consider(&ex.value.target);
    }
    found
}

/// A sample URL under a fixed host whose leading path segments the doc
/// writes with the spec's placeholders (`https://dev.azure.com/{organization}`):
/// those segments written as placeholders again.
fn locate_path(url: &str, templates: &[String]) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<Vec<String>> = None;
    for t in templates {
        let Some((t_scheme, t_rest)) = t.split_once("://") else {
            continue;
        };
        let Some((t_host, t_path)) = t_rest.split_once('/') else {
            continue;
        };
        if !t_scheme.eq_ignore_ascii_case(scheme) || !t_host.eq_ignore_ascii_case(host) {
            continue;
        }
        let t_segments: Vec<&str> = t_path.split('/').collect();
        if t_segments.len() > segments.len() {
            continue;
        }
        let mut out: Vec<String> = Vec::new();
        let mut changed = false;
        let fits = t_segments.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                changed |= t != s;
                out.push(t.to_string());
                !s.is_empty()
            } else {
                out.push(s.to_string());
                t.eq_ignore_ascii_case(s)
            }
        });
        if fits && changed && best.as_ref().is_none_or(|b| out.len() > b.len()) {
            best = Some(out);
        }
    }
    let mut out = best?;
    out.extend(segments[out.len()..].iter().map(|s| s.to_string()));
    let mut located = format!("{scheme}://{host}/{}", out.join("/"));
    if let Some(q) = query {
        located.push('?');
        located.push_str(q);
    }
    Some(located)
}

/// A parameter whose value is a whole URL (`base_url`, `instance_url`, `endpoint`).
fn url_valued(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "base_url" || n.ends_with("_url") || n == "url" || n == "endpoint"
}

/// `scheme://host` of a URL, or the leading placeholder of `{base_url}/x`.
fn origin_template(url: &str) -> String {
    if url.starts_with('{') {
        return url[..url.find('}').map_or(url.len(), |i| i + 1)].to_string();
    }
    match url.split_once("://") {
        Some((scheme, rest)) => format!(
            "{scheme}://{}",
            rest.split(['/', '?', '#']).next().unwrap_or("")
        ),
        None => String::new(),
    }
}

/// A template host whose labels are the sample host's, with placeholders
/// where they differ (`{subdomain}.vendor.com` for `acme.vendor.com`).
fn fitting_template<'t>(templates: &'t [String], labels: &[&str]) -> Option<&'t String> {
    templates.iter().find(|t| {
        if t.starts_with('{') || t.split_once("://").is_some_and(|(_, h)| h.contains('/')) {
            return false;
        }
        let t_host = t.split_once("://").map_or("", |(_, h)| h);
        let t_labels: Vec<&str> = t_host.split('.').collect();
        t_labels.len() == labels.len()
            && t_labels
                .iter()
                .zip(labels)
                .all(|(t, l)| !template::placeholders(t).is_empty() || t.eq_ignore_ascii_case(l))
            && t_labels
                .iter()
                .zip(labels)
                .any(|(t, l)| !t.eq_ignore_ascii_case(l))
    })
}

/// A URL whose host is a sample (`acme.zendesk.com`, `us21.api…`) written
/// with the spec's placeholder again: by a template of the doc with the
/// same shape, else (one host-like parameter left unused) its first label.
fn locate(url: &str, templates: &[String], scope: &[&Parameter]) -> String {
    let origin = origin_template(url);
    if origin.is_empty() || !template::placeholders(&origin).is_empty() {
        return url.to_string();
    }
    if let Some(located) = locate_path(url, templates) {
        return located;
    }
    let rest = &url[origin.len()..];
    let host = origin.split_once("://").map_or("", |(_, h)| h);
    let labels: Vec<&str> = host.split('.').collect();
    // `https://{hostname}/api/v2` in the doc: a sample host stands for it whole.
    let whole_host: Vec<&String> = templates
        .iter()
        .filter(|t| {
            let h = t.split_once("://").map_or("", |(_, h)| h);
            !h.contains('/')
                && template::placeholders(h).len() == 1
                && h.starts_with('{')
                && h.ends_with('}')
        })
        .collect();
    if let [t] = whole_host.as_slice() {
        let fixed_elsewhere = templates.iter().any(|o| {
            let h = o.split_once("://").map_or("", |(_, h)| h);
            !o.starts_with('{') && h.contains('.') && !h.contains('/') && {
                let t_labels: Vec<&str> = h.split('.').collect();
                t_labels.len() == labels.len()
                    && t_labels
                        .iter()
                        .zip(&labels)
                        .any(|(a, b)| a.eq_ignore_ascii_case(b))
            }
        });
        if !fixed_elsewhere {
            return format!("{t}{rest}");
        }
    }
    if let Some(t) = fitting_template(templates, &labels) {
        return format!("{t}{rest}");
    }
    let unused: Vec<&&Parameter> = scope
        .iter()
        .filter(|p| {
            p.required
                && p.default.is_none()
                && locates(&p.name)
                && !url.contains(&format!("{{{}}}", p.name))
        })
        .collect();
    if let [only] = unused.as_slice() {
        if only.name.ends_with("url") {
            // A whole base URL: the sample origin stands for it.
            if let Some(t) = templates
                .iter()
                .find(|t| **t == format!("{{{}}}", only.name))
            {
                return format!("{t}{rest}");
            }
            return format!("{{{}}}{rest}", only.name);
        }
        let first = labels.first().copied().unwrap_or("");
        let generic = ["api", "www", "app", "rest", "data"].contains(&first);
        if login_only_id(only) {
            return url.to_string();
        }
        // A value given as a whole host: by its name, or by a description
        // that says to leave the scheme off.
        let described = only
            .description
            .as_deref()
            .map(str::to_ascii_lowercase)
            .is_some_and(|d| d.contains("without https") || d.contains("without the https"));
        let host_like = only.name.ends_with("host")
            || only.name.ends_with("hostname")
            || only.name.ends_with("server")
            || described;
        if labels.len() >= 3 && !generic && !host_like {
            let scheme = origin.split_once("://").map_or("https", |(s, _)| s);
            return format!(
                "{scheme}://{{{}}}.{}{rest}",
                only.name,
                labels[1..].join(".")
            );
        }
        if host_like {
            let scheme = origin.split_once("://").map_or("https", |(s, _)| s);
            return format!("{scheme}://{{{}}}{rest}", only.name);
        }
    }
    url.to_string()
}

/// `{tenant_id}` names a directory for the login URL, not a label of the
/// API's fixed host: an id stands in a host only when its description says
/// it is one.
fn login_only_id(p: &Parameter) -> bool {
    let says_host = p.description.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        ["subdomain", "host", "domain", "url"]
            .iter()
            .any(|w| d.contains(w))
    });
    p.name.to_ascii_lowercase().ends_with("_id") && !says_host
}

/// An example's target as an absolute URL in the spec's names; a fixed base
/// URL becomes `{base_url}` (with a default) when the spec has that parameter.
fn absolute(
    ex: &Example,
    base: Option<&Fact<String>>,
    base_param: Option<&Parameter>,
    scope: &[&Parameter],
) -> Option<(String, Option<(String, String)>)> {
    let target = ex.target.split('#').next().unwrap_or(&ex.target);
    let target = strip_credential_query(target, scope);
    // A target led by a placeholder (`{base_url}/me`) is already absolute.
    // A relative path with no base URL in the doc: the spec's own URL
    // parameter (`base_url`, `instance_url`, …) is its base.
    let url_parameter = scope.iter().find(|p| {
        let n = p.name.to_ascii_lowercase();
        (n == "base_url" || n.ends_with("_url") || n == "url" || n == "endpoint")
            && !super::probe::token_url_parameter(&n)
    });
    let joined = if target.contains("://") || target.starts_with('{') {
        target
    } else if base.is_none() && url_parameter.is_some() {
        let p = url_parameter?;
        let path = if target.starts_with('/') {
            target
        } else {
            format!("/{target}")
        };
        format!("{{{}}}{path}", p.name)
    } else {
        let base = base?.value.trim_end_matches('/').to_string();
        let path = if target.starts_with('/') {
            target
        } else {
            format!("/{target}")
        };
        let base_path = base
            .split("://")
            .nth(1)
            .and_then(|r| r.find('/').map(|i| &r[i..]))
            .unwrap_or("");
        if !base_path.is_empty() && path.starts_with(base_path) {
            let origin_len = base.len() - base_path.len();
            format!("{}{path}", &base[..origin_len])
        } else {
            format!("{base}{path}")
        }
    };
    // `https://<host>:9200/_cat/indices` where the spec has `endpoint`: the
    // spec's URL parameter stands for the whole origin.
    let mapped = match map_template(&joined, scope) {
        Some(m) => m,
        None => {
            let origin = origin_template(&joined);
            let p = url_parameter.filter(|_| !template::placeholders(&origin).is_empty())?;
            map_template(&format!("{{{}}}{}", p.name, &joined[origin.len()..]), scope)?
        }
    };
    // `https://{instance_url}.energy.azure.com/…`: a whole URL parameter
    // in the host stands for the origin.
    let origin = origin_template(&mapped);
    let url_valued = |n: &str| n.ends_with("_url") || n == "url" || n == "endpoint";
    let mapped = match template::placeholders(&origin).as_slice() {
        [(_, n)] if !mapped.starts_with('{') && url_valued(n) => {
            format!("{{{n}}}{}", &mapped[origin.len()..])
        }
        _ => mapped,
    };
    if let Some(p) = base_param
        && let Some(base) = base
    {
        let fixed = base.value.trim_end_matches('/');
        if template::placeholders(fixed).is_empty()
            && mapped.starts_with(&format!("{{{}}}", p.name))
        {
            return Some((mapped, Some((p.name.clone(), fixed.to_string()))));
        }
        if template::placeholders(fixed).is_empty() && mapped.starts_with(fixed) {
            let rest = &mapped[fixed.len()..];
            return Some((
                format!("{{{}}}{rest}", p.name),
                Some((p.name.clone(), fixed.to_string())),
            ));
        }
    }
    Some((mapped, None))
}

/// Drops query pairs that carry a credential (they become `auth: query`).
fn strip_credential_query(target: &str, scope: &[&Parameter]) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let credential_key = ["key", "token", "secret", "password", "appid"]
                .iter()
                .any(|w| k.to_ascii_lowercase().contains(w));
            let sampled = credential_key
                && (apidoc::sample_credential(v)
                    || v == "..."
                    || (v.len() >= 4 && v.chars().all(|c| c == 'X' || c == 'x')));
            !sampled && !map_template(v, scope).is_some_and(|m| mentions_credential(&m, scope))
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// The file as written: a header, then each check with where it came from.
pub fn render(derived: &Derived, title: &str, doc_name: Option<&str>) -> String {
    // Quoted and comment text means the same to YAML 1.1 and 1.2 readers.
    let q = crate::spec::quoted;
    let c = crate::spec::comment;
    let mut out = format!(
        "# auth_check.yaml for {}: one minimal read-only request that proves the\n# credentials work. Derived by connector-auth from {}connector_spec.yaml;\n# review it, it decides what \"the credentials work\" means.\n",
        c(title),
        doc_name
            .map(|d| format!("{} and ", c(d)))
            .unwrap_or_default()
    );
    if let Some(reason) = &derived.file.no_http {
        if derived.file.checks.is_empty() {
            out.push_str(&format!(
                "#\n# No HTTP check: {reason}.\nno_http_check: {}\nchecks: []\n",
                q(reason)
            ));
            return out;
        }
        out.push_str(&format!(
            "#\n# The auth methods without a check below have no HTTP check: {}.\nno_http_check: {}\n",
            c(reason),
            q(reason)
        ));
    }
    if !derived.todos.is_empty() {
        out.push_str("#\n# TODO: fill in what could not be derived:\n");
        for t in &derived.todos {
            out.push_str(&format!("#   - {}\n", c(t)));
        }
    }
    out.push_str("checks:\n");
    for (check, (url_origin, auth_origin)) in derived.file.checks.iter().zip(&derived.origins) {
        match &check.auth_method {
            Some(m) => out.push_str(&format!("  - auth_method: {}\n    request:\n", q(m))),
            None => out.push_str("  - request:\n"),
        }
        out.push_str(&format!("      method: {}\n", check.method));
        out.push_str(&format!(
            "      # {}\n      url: {}\n",
            c(url_origin),
            q(&check.url)
        ));
        if !check.headers.is_empty() {
            out.push_str("      headers:\n");
            for (k, v) in &check.headers {
                out.push_str(&format!("        {}: {}\n", q(k), q(v)));
            }
        }
        out.push_str(&format!("      # {}\n      auth:\n", c(auth_origin)));
        let line = auth_line(&check.auth);
        out.push_str(&format!("        {line}\n"));
        out.push_str("    expect:\n      status: [200]\n      # identity: /json/pointer/to/the/account  (shown on success; a 200 without it fails)\n");
    }
    if !derived.file.values.is_empty() {
        out.push_str("# Values the API doc derives from the ones you give:\nvalues:\n");
        for (name, d) in &derived.file.values {
            match &d.rule {
                DeriveRule::AfterLast(sep) => out.push_str(&format!(
                    "  {name}: {{from: {}, after_last: {}}}\n",
                    q(&d.from),
                    q(sep)
                )),
                DeriveRule::Map { map, default } => {
                    out.push_str(&format!("  {name}:\n    from: {}\n    map:\n", q(&d.from)));
                    for (k, v) in map {
                        out.push_str(&format!("      {}: {}\n", q(k), q(v)));
                    }
                    if let Some(v) = default {
                        out.push_str(&format!("    default: {}\n", q(v)));
                    }
                }
            }
        }
    }
    if !derived.file.defaults.is_empty() {
        out.push_str("defaults:\n");
        for (k, v) in &derived.file.defaults {
            out.push_str(&format!("  {k}: {}\n", q(v)));
        }
    }
    out
}

/// An `auth:` value as the file writes it.
fn auth_line(auth: &Auth) -> String {
    let q = crate::spec::quoted;
    match auth {
        Auth::Basic { username, password } => format!(
            "basic: {{username: {}, password: {}}}",
            q(username),
            q(password)
        ),
        Auth::Bearer(t) => format!("bearer: {}", q(t)),
        Auth::Header { name, value } => {
            format!("header: {{name: {}, value: {}}}", q(name), q(value))
        }
        Auth::Query { name, value } => {
            format!("query: {{name: {}, value: {}}}", q(name), q(value))
        }
        Auth::OAuth { scheme: None } => "oauth: {}".to_string(),
        Auth::OAuth {
            scheme: Some(scheme),
        } => format!("oauth: {{scheme: {}}}", q(scheme)),
        Auth::ClientAssertion {
            private_key,
            client_id,
            token_url,
            scope,
        } => format!(
            "jwt: {{private_key: {}, client_id: {}, token_url: {}{}}}",
            q(private_key),
            q(client_id),
            q(token_url),
            scope
                .as_ref()
                .map(|s| format!(", scope: {}", q(s)))
                .unwrap_or_default()
        ),
        Auth::Jwt { key, scope } => match scope {
            Some(scope) => format!("jwt: {{key: {}, scope: {}}}", q(key), q(scope)),
            None => format!("jwt: {{key: {}}}", q(key)),
        },
        Auth::None => "{}".to_string(),
    }
}
