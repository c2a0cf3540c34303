//! Step 1 from an OpenAPI description: one auth method per usable security
//! scheme (the globally required one first), the server's variables as
//! required parameters, a fixed server as an optional `base_url`. Every
//! drafted value keeps the JSON pointer it came from; what is not offered
//! (implicit and password flows, HTTP schemes other than Basic and Bearer)
//! is said so in the review.

use super::{Description, Grant, KeyIn, OAuthFlow, Scheme, SchemeKind, Server};
use crate::report::printable;
use crate::source::Span;
use crate::spec::{AuthMethod, Flow, Located, OAuth, ParamType, Parameter, Spec};

/// A spec drafted from a description, with where each value came from.
#[derive(Debug, Clone)]
pub struct OpenApiDraft {
    pub spec: Spec,
    pub notes: Vec<Note>,
    pub review: Vec<String>,
}

/// Where a drafted value came from: a JSON pointer into the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A parameter name, or `oauth.token_url` and the like.
    pub parameter: String,
    pub pointer: String,
    pub why: String,
}

/// Why no spec can be drafted from a description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the description declares no security scheme")]
    NoScheme,
    #[error("no security scheme of the description can be offered: {}", .0.join("; "))]
    NoUsable(Vec<String>),
}

/// One auth method to draft, and the scheme (and OAuth flow) it comes from.
#[derive(Debug, Clone)]
pub struct Planned {
    pub method: String,
    pub scheme: Scheme,
    pub flow: Option<OAuthFlow>,
    /// API keys the same security requirement sends along with `scheme`.
    pub with: Vec<Scheme>,
}

/// The API-key schemes one global requirement sends together: `{a: [], b: []}`.
fn together(desc: &Description, schemes: &[Scheme]) -> Vec<Vec<Scheme>> {
    let mut by_name: std::collections::HashMap<&str, &Scheme> = std::collections::HashMap::new();
    for s in schemes {
        by_name.entry(s.name.as_str()).or_insert(s);
    }
    desc.global_security()
        .into_iter()
        .filter(|alt| alt.len() > 1)
        .filter_map(|alt| {
            alt.iter()
                .map(|n| by_name.get(n.as_str()).map(|s| (*s).clone()))
                .collect::<Option<Vec<Scheme>>>()
        })
        .filter(|group| {
            group
                .iter()
                .all(|s| matches!(s.kind, SchemeKind::ApiKey { .. }))
        })
        .collect()
}

/// Each API key of a method, where it goes, the parameter that holds it
/// (named after its purpose) and whether that is secret.
pub fn key_parameters(p: &Planned) -> Vec<(String, KeyIn, String, bool)> {
    let mut out: Vec<(String, KeyIn, String, bool)> = Vec::new();
    let alone = p.with.is_empty();
    for s in std::iter::once(&p.scheme).chain(&p.with) {
        let SchemeKind::ApiKey { name, location } = &s.kind else {
            continue;
        };
        let own = snake(name, "key");
        let own = own.strip_prefix("x_").unwrap_or(&own).to_string();
        // A key sent alone is a secret whatever its name; beside others,
        // a name such as `X-User-Id` or `X-RapidAPI-Host` is not.
        let (mut param, secret) = if alone {
            (key_parameter(name), true)
        } else {
            let secret = crate::spec::credential_like(&own);
            (own, secret)
        };
        while out.iter().any(|(_, _, q, _)| *q == param) {
            param.push_str("_2");
        }
        out.push((name.clone(), *location, param, secret));
    }
    out
}

/// The usable schemes, the globally required ones first, and why the
/// others are left out.
pub fn plan(desc: &Description) -> Result<(Vec<Planned>, Vec<String>), Refused> {
    let mut schemes = desc.schemes();
    if schemes.is_empty() {
        return Err(Refused::NoScheme);
    }
    let mut global: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, name) in desc.global_security().into_iter().flatten().enumerate() {
        global.entry(name).or_insert(i);
    }
    let rank = |s: &Scheme| global.get(&s.name).copied().unwrap_or(usize::MAX);
    schemes.sort_by_key(rank);
    let mut planned: Vec<Planned> = Vec::new();
    let mut left_out = Vec::new();
    let groups = together(desc, &schemes);
    // The first group naming each scheme, looked up by name (no scan per
    // scheme: thousands of schemes draft in n log n).
    let mut group_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        for s in g {
            group_of.entry(s.name.as_str()).or_insert(i);
        }
    }
    let mut names = MethodNames::default();
    for scheme in &schemes {
        let group = group_of.get(scheme.name.as_str()).map(|&i| &groups[i]);
        if group.is_some_and(|g| g.first().is_none_or(|f| f.name != scheme.name)) {
            continue; // sent along with the first of its requirement
        }
        match usable(scheme) {
            Ok(flow) => {
                let method = names.unique(snake(&scheme.name, "auth"));
                planned.push(Planned {
                    method,
                    scheme: scheme.clone(),
                    flow,
                    with: group
                        .map(|g| g.iter().skip(1).cloned().collect())
                        .unwrap_or_default(),
                });
            }
            Err(why) => left_out.push(printable(&format!(
                "`{}` ({}): {why}",
                scheme.name, scheme.pointer
            ))),
        }
    }
    if planned.is_empty() {
        // Only an implicit flow: its authorization URL, with the code grant.
        if let Some(p) = implicit_fallback(&schemes) {
            planned.push(p);
        } else {
            return Err(Refused::NoUsable(left_out));
        }
    }
    Ok((planned, left_out))
}

/// The method names given so far, and for each base name the next suffix
/// to try: a name is found unique in amortised constant time, however many
/// schemes collapse to one snake_case name.
#[derive(Default)]
struct MethodNames {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl MethodNames {
    /// `name`, or `name_2`, `name_3`, … the first not taken yet.
    fn unique(&mut self, name: String) -> String {
        let mut candidate = name.clone();
        let mut i = self.next.get(&name).copied().unwrap_or(2);
        while self.taken.contains(&candidate) {
            candidate = format!("{name}_{i}");
            i += 1;
        }
        self.next.insert(name, i);
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Whether a scheme can be offered, with the OAuth flow it uses.
fn usable(scheme: &Scheme) -> Result<Option<OAuthFlow>, String> {
    match &scheme.kind {
        SchemeKind::ApiKey { .. } | SchemeKind::Basic | SchemeKind::Bearer => Ok(None),
        SchemeKind::Other(what) => Err(format!("{what} is not offered")),
        SchemeKind::OAuth2(flows) => {
            let find = |g: Grant| flows.iter().find(|f| f.grant == g);
            if let Some(f) = find(Grant::ClientCredentials).filter(|f| f.token_url.is_some()) {
                return Ok(Some(f.clone()));
            }
            if let Some(f) = find(Grant::AuthorizationCode)
                .filter(|f| f.token_url.is_some() && f.authorization_url.is_some())
            {
                return Ok(Some(f.clone()));
            }
            Err("only implicit or password OAuth flows, which are not offered".into())
        }
    }
}

fn implicit_fallback(schemes: &[Scheme]) -> Option<Planned> {
    schemes.iter().find_map(|s| match &s.kind {
        SchemeKind::OAuth2(flows) => flows
            .iter()
            .find(|f| f.grant == Grant::Implicit && f.authorization_url.is_some())
            .map(|f| Planned {
                method: snake(&s.name, "oauth"),
                scheme: s.clone(),
                flow: Some(f.clone()),
                with: Vec::new(),
            }),
        _ => None,
    })
}

/// A parameter name from free text: lower snake case, `[a-z0-9_]`.
pub fn snake(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        fallback.to_string()
    } else {
        out
    }
}

/// The parameter an API key is stored in, named after its purpose.
pub fn key_parameter(key_name: &str) -> String {
    let name = snake(key_name, "api_key");
    let name = name.strip_prefix("x_").unwrap_or(&name).to_string();
    if crate::spec::credential_like(&name) {
        name
    } else {
        "api_key".into()
    }
}

/// Drafts the spec.
pub fn draft(desc: &Description, source: &str) -> Result<OpenApiDraft, Refused> {
    let (planned, left_out) = plan(desc)?;
    let mut out = OpenApiDraft {
        spec: Spec {
            display_name: desc.title().map(str::to_string),
            external_options_allowlist: Some(String::new()),
            ..Spec::default()
        },
        notes: Vec::new(),
        review: Vec::new(),
    };
    if out.spec.display_name.is_none() {
        out.spec.display_name = Some(source.to_string());
    }
    let mut methods = Vec::new();
    for p in &planned {
        let (params, oauth) = method_parts(p, desc, &mut out);
        methods.push(AuthMethod {
            name: p.method.clone(),
            description: Some(method_description(p)),
            parameters: params,
            oauth,
            span: Span::default(),
        });
    }
    out.spec.parameters = server_parameters(desc, &mut out);
    if methods.len() == 1 {
        let only = methods.remove(0);
        out.spec.parameters.extend(only.parameters);
        out.spec.oauth = only.oauth;
    } else {
        out.spec.auth_methods = methods;
    }
    for why in left_out {
        out.review.push(format!("not offered: {why}"));
    }
    // The operations are read for their references too.
    let _ = desc.operations();
    let external = desc.external_refs();
    if !external.is_empty() {
        out.review.push(format!(
            "external references were not fetched: {}",
            external.join(", ")
        ));
    }
    // The description's own text (server URLs, scheme names, `$ref`s)
    // reaches the terminal through these: the same rule as server-sent text.
    for line in &mut out.review {
        *line = printable(line);
    }
    for note in &mut out.notes {
        note.parameter = printable(&note.parameter);
        note.pointer = printable(&note.pointer);
        note.why = printable(&note.why);
    }
    Ok(out)
}

fn method_description(p: &Planned) -> String {
    let what = match (&p.scheme.kind, p.flow.as_ref().map(|f| f.grant)) {
        (SchemeKind::ApiKey { name, location }, _) => {
            format!("API key sent in the `{name}` {}", where_(*location))
        }
        (SchemeKind::Basic, _) => "HTTP Basic authentication".into(),
        (SchemeKind::Bearer, _) => "a bearer token".into(),
        (_, Some(Grant::ClientCredentials)) => "OAuth 2.0 client credentials".into(),
        _ => "OAuth 2.0 authorization code".into(),
    };
    format!(
        "Authenticate with {what} (security scheme `{}`).",
        p.scheme.name
    )
}

fn where_(location: KeyIn) -> &'static str {
    match location {
        KeyIn::Header => "header",
        KeyIn::Query => "query parameter",
        KeyIn::Cookie => "cookie",
    }
}

fn parameter(name: &str, required: bool, secret: bool, description: String) -> Parameter {
    Parameter {
        name: name.to_string(),
        kind: ParamType::String,
        required,
        secret,
        description: Some(description),
        default: None,
        span: Span::default(),
    }
}

/// A scheme's own description, shortened, to lead a parameter's.
fn lead(scheme: &Scheme) -> String {
    scheme
        .description
        .as_deref()
        .map(|d| {
            let flat: String = d.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = flat.chars().take(300).collect();
            format!("{short} ")
        })
        .unwrap_or_default()
}

fn method_parts(
    p: &Planned,
    desc: &Description,
    out: &mut OpenApiDraft,
) -> (Vec<Parameter>, Option<OAuth>) {
    let s = &p.scheme;
    let mut note = |name: &str, pointer: &str, why: String| {
        out.notes.push(Note {
            parameter: name.to_string(),
            pointer: pointer.to_string(),
            why,
        });
    };
    match &s.kind {
        SchemeKind::ApiKey { .. } => {
            let schemes = std::iter::once(s).chain(&p.with);
            let mut params = Vec::new();
            for ((name, location, param, secret), scheme) in
                key_parameters(p).into_iter().zip(schemes)
            {
                let place = where_(location);
                let text = format!("{}Sent in the `{name}` {place}.", lead(scheme));
                note(
                    &param,
                    &scheme.pointer,
                    format!("API key, `{name}` {place}"),
                );
                params.push(parameter(&param, true, secret, text));
            }
            (params, None)
        }
        SchemeKind::Basic => {
            note("username", &s.pointer, "HTTP Basic user name".into());
            note("password", &s.pointer, "HTTP Basic password".into());
            let user = parameter(
                "username",
                true,
                false,
                format!("{}The HTTP Basic user name.", lead(s)),
            );
            let pass = parameter("password", true, true, "The HTTP Basic password.".into());
            (vec![user, pass], None)
        }
        SchemeKind::Bearer => {
            note("token", &s.pointer, "HTTP Bearer token".into());
            let text = format!("{}Sent as `Authorization: Bearer <token>`.", lead(s));
            (vec![parameter("token", true, true, text)], None)
        }
        _ => oauth_parts(p, desc, out),
    }
}

fn oauth_parts(
    p: &Planned,
    desc: &Description,
    out: &mut OpenApiDraft,
) -> (Vec<Parameter>, Option<OAuth>) {
    let Some(f) = &p.flow else {
        return (Vec::new(), None);
    };
    let base = first_origin(desc);
    let absolute = |u: &Option<String>| u.as_ref().map(|u| absolute(u, base.as_deref()));
    let (flow, m2m) = match f.grant {
        Grant::ClientCredentials => (Flow::M2m, true),
        _ => (Flow::U2m, false),
    };
    let mut params = vec![
        parameter(
            "client_id",
            true,
            false,
            format!(
                "{}The OAuth client ID of the app registered with the provider.",
                lead(&p.scheme)
            ),
        ),
        parameter(
            "client_secret",
            m2m,
            true,
            "The OAuth client secret of the app.".into(),
        ),
    ];
    out.notes.push(Note {
        parameter: "client_id".into(),
        pointer: p.scheme.pointer.clone(),
        why: format!("OAuth 2.0, {} flow", flow.as_str()),
    });
    let token_url = absolute(&f.token_url);
    if f.grant == Grant::Implicit {
        params.push(parameter("token_url", true, false, "The provider's token endpoint for the authorization code flow (the description gives only the implicit flow).".into()));
        out.review.push(format!("the description offers only the implicit flow ({}), which is not offered: its tokens travel in the URL and cannot be refreshed. The draft uses the authorization code flow at the same authorization URL; `token_url` asks for the token endpoint the description does not give", f.pointer));
    }
    let (scopes, all) = read_only_scopes(&f.scopes);
    if all && !f.scopes.is_empty() {
        out.review.push(format!("no scope of {} is named read-only: all {} are requested; keep only what the connector reads", f.pointer, f.scopes.len()));
    }
    for (key, value) in [
        ("authorizationUrl", &f.authorization_url),
        ("tokenUrl", &f.token_url),
    ] {
        if value.is_some() {
            let name = if key == "tokenUrl" {
                "oauth.token_url"
            } else {
                "oauth.authorization_url"
            };
            out.notes.push(Note {
                parameter: name.into(),
                pointer: format!("{}/{key}", f.pointer),
                why: "OAuth endpoint".into(),
            });
        }
    }
    if !scopes.is_empty() {
        out.notes.push(Note {
            parameter: "oauth.scopes".into(),
            pointer: format!("{}/scopes", f.pointer),
            why: if all {
                "all scopes"
            } else {
                "the read-only scopes"
            }
            .into(),
        });
    }
    let located = |v: Option<String>| {
        v.map(|value| Located {
            value,
            span: Span::default(),
        })
    };
    let oauth = OAuth {
        flow: Some(flow),
        pkce: true,
        scopes,
        authorization_url: if m2m {
            None
        } else {
            located(absolute(&f.authorization_url))
        },
        token_url: located(token_url),
        device_authorization_url: None,
        extra_auth_params: Vec::new(),
        span: Span::default(),
    };
    (params, Some(oauth))
}

/// The read-only scopes (by name or description), else all; `true` when all.
fn read_only_scopes(scopes: &[(String, String)]) -> (Vec<String>, bool) {
    let read = |t: &str| {
        let t = t.to_ascii_lowercase();
        (t.contains("read") || t.contains("view")) && !t.contains("write")
    };
    let chosen: Vec<String> = scopes
        .iter()
        .filter(|(name, _)| read(name))
        .map(|(n, _)| n.clone())
        .collect();
    if chosen.is_empty() {
        (scopes.iter().map(|(n, _)| n.clone()).collect(), true)
    } else {
        (chosen, false)
    }
}

/// The scheme, host and port of the first absolute server URL without variables.
fn first_origin(desc: &Description) -> Option<String> {
    let server = desc.servers().into_iter().next()?;
    let url = url::Url::parse(&server.url).ok()?;
    Some(url.origin().ascii_serialization())
}

fn absolute(u: &str, base: Option<&str>) -> String {
    match base {
        Some(b) if u.starts_with('/') => format!("{b}{u}"),
        _ => u.to_string(),
    }
}

/// The parameters the first server needs: its variables, else `base_url`.
fn server_parameters(desc: &Description, out: &mut OpenApiDraft) -> Vec<Parameter> {
    let servers = desc.servers();
    if servers.len() > 1 {
        out.review.push(format!(
            "the description lists {} servers; the first ({}) is used",
            servers.len(),
            servers[0].url
        ));
    }
    let Some(server) = servers.first() else {
        out.notes.push(Note {
            parameter: "base_url".into(),
            pointer: "#".into(),
            why: "no server in the description".into(),
        });
        return vec![parameter(
            "base_url",
            true,
            false,
            "The API's base URL (the description names no server).".into(),
        )];
    };
    let vars = variables(server);
    if !vars.is_empty() {
        return vars
            .into_iter()
            .map(|(p, ptr)| {
                out.notes.push(Note {
                    parameter: p.name.clone(),
                    pointer: ptr,
                    why: format!("server variable of {}", server.url),
                });
                p
            })
            .collect();
    }
    out.notes.push(Note {
        parameter: "base_url".into(),
        pointer: server.pointer.clone(),
        why: "the server URL".into(),
    });
    if server.url.starts_with("https://") || server.url.starts_with("http://") {
        let mut p = parameter(
            "base_url",
            false,
            false,
            format!("The API's base URL; `{}` when empty.", server.url),
        );
        p.default = Some(server.url.clone());
        vec![p]
    } else {
        vec![parameter(
            "base_url",
            true,
            false,
            format!(
                "The API's base URL (the description gives only `{}`).",
                server.url
            ),
        )]
    }
}

/// The server URL's `{variables}` as required parameters, with the pointer
/// each came from.
pub fn variables(server: &Server) -> Vec<(Parameter, String)> {
    let mut out: Vec<(Parameter, String)> = Vec::new();
    for (_, name) in crate::template::placeholders(&server.url) {
        let pname = snake(name, "variable");
        if out.iter().any(|(p, _)| p.name == pname) {
            continue;
        }
        let declared = server.variables.iter().find(|v| v.name == name);
        let mut text = declared
            .and_then(|v| v.description.clone())
            .unwrap_or_else(|| format!("The `{name}` part of {}.", server.url));
        let mut default = None;
        if let Some(v) = declared {
            if let Some(d) = &v.default {
                text.push_str(&format!(" Default: `{d}`."));
                default = Some(d.clone());
            }
            if !v.enumeration.is_empty() {
                text.push_str(&format!(" One of: {}.", v.enumeration.join(", ")));
            }
        }
        let mut p = parameter(&pname, true, false, text);
        p.default = default;
        let ptr = declared
            .map(|v| v.pointer.clone())
            .unwrap_or_else(|| format!("{}/url", server.pointer));
        out.push((p, ptr));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_key_purpose() {
        assert_eq!(snake("X-Acme-Key", "p"), "x_acme_key");
        assert_eq!(snake("bearerAuth", "p"), "bearer_auth");
        assert_eq!(snake("--", "p"), "p");
        assert_eq!(snake("9lives", "p"), "p");
        assert_eq!(key_parameter("X-Api-Key"), "api_key");
        assert_eq!(key_parameter("X-Auth-Token"), "auth_token");
        assert_eq!(key_parameter("Authorization"), "api_key");
        assert_eq!(key_parameter("appid"), "api_key");
    }

    #[test]
    fn read_only_scopes_else_all() {
        let s = |n: &str| (n.to_string(), String::new());
        let (chosen, all) =
            read_only_scopes(&[s("orders.read"), s("orders.write"), s("read_write")]);
        assert_eq!((chosen, all), (vec!["orders.read".to_string()], false));
        let (chosen, all) = read_only_scopes(&[s("admin")]);
        assert_eq!((chosen, all), (vec!["admin".to_string()], true));
    }

    #[test]
    fn hostile_documents_do_not_panic() {
        for text in [
            "{}",
            "[]",
            "openapi: 3.0.0",
            r##"{"openapi":"3.0.0","components":{"securitySchemes":{"a":{"$ref":"#/components/securitySchemes/a"}}}}"##,
            r#"{"openapi":"3.0.0","components":{"securitySchemes":{"o":{"type":"oauth2","flows":{"clientCredentials":{"tokenUrl":7,"scopes":[]}}}}}}"#,
            r#"{"swagger":"2.0","securityDefinitions":[],"host":5,"paths":{"/":{"get":{"parameters":{}}}}}"#,
        ] {
            if let Ok(desc) = crate::openapi::parse(text, "test") {
                let _ = draft(&desc, "x");
            }
        }
    }
}
