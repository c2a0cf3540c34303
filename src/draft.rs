//! Step 1: drafting the connection/auth section of `connector_spec.yaml`
//! from a source's API doc, deterministically, by rules over the parsed
//! markdown. Every parameter keeps the doc line it came from; what the doc
//! does not say is not guessed.

use crate::apidoc::{self, ApiDoc};
use crate::source::Span;
use crate::spec::{AuthMethod, Flow, Located, OAuth, ParamType, Parameter, Spec, credential_like};
use crate::template;

/// A drafted spec, with where each parameter came from and what to review.
#[derive(Debug, Clone)]
pub struct Draft {
    pub spec: Spec,
    pub notes: Vec<Note>,
    pub review: Vec<String>,
}

/// Why a parameter is in the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub parameter: String,
    pub line: usize,
    pub why: String,
}

/// The doc says nothing usable about authentication.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the API doc says nothing usable about authentication (no credential in a header, curl -u, query key, parameters table or OAuth endpoint)"
)]
pub struct NoAuthFacts;

/// Issued by a provider, never typed by a person: not drafted under OAuth.
const ISSUED: &[&str] = &["access_token", "refresh_token", "id_token"];
/// Query parameter names that carry a credential.
const QUERY_KEYS: &[&str] = &[
    "key",
    "api_key",
    "apikey",
    "appid",
    "token",
    "access_token",
    "auth",
    "api_token",
    "secret",
];

/// A set of doc lines: the whole doc, the auth section, one method's part.
struct Region<'d> {
    lines: Vec<&'d apidoc::DocLine>,
}

pub fn draft(doc: &ApiDoc, source: &str) -> Result<Draft, NoAuthFacts> {
    // Section flags are worked out once per section, not once per line.
    let mut last: Option<(*const [String], bool, bool)> = None;
    let mut usable: Vec<&apidoc::DocLine> = Vec::new();
    let mut auth_lines: Vec<&apidoc::DocLine> = Vec::new();
    for line in &doc.lines {
        let key = std::sync::Arc::as_ptr(&line.section_path);
        let (other, auth) = match last {
            Some((k, other, auth)) if std::ptr::eq(k, key) => (other, auth),
            _ => {
                let flags = (
                    other_methods(&line.section_path),
                    is_auth_section(&line.section_path),
                );
                last = Some((key, flags.0, flags.1));
                flags
            }
        };
        if other || introduced_by_other(doc, line) {
            continue;
        }
        usable.push(line);
        if auth {
            auth_lines.push(line);
        }
    }
    let has_auth_section = auth_lines
        .iter()
        .any(|l| !l.text.trim().is_empty() && !l.text.starts_with('#'));
    let region = Region {
        lines: if has_auth_section {
            auth_lines
        } else {
            usable.clone()
        },
    };
    let mut notes = Vec::new();
    let mut review = Vec::new();
    // Several methods only when the auth section itself is split into them.
    let methods = if has_auth_section {
        method_sections(&region)
    } else {
        Vec::new()
    };
    let mut spec = Spec {
        display_name: Some(title(doc, source)),
        external_options_allowlist: Some(String::new()),
        ..Spec::default()
    };
    if methods.len() >= 2 {
        for (name, lines) in &methods {
            let sub = Region {
                lines: lines.clone(),
            };
            let (params, oauth) = facts(&sub, &mut notes, &mut review);
            spec.auth_methods.push(AuthMethod {
                name: name.clone(),
                description: Some(format!(
                    "From the API doc section on {}.",
                    name.replace('_', " ")
                )),
                parameters: params,
                oauth,
                span: Span::default(),
            });
        }
        if spec.auth_methods.iter().all(|m| m.parameters.is_empty()) {
            return Err(NoAuthFacts);
        }
    } else {
        let (params, oauth) = facts(&region, &mut notes, &mut review);
        if params.is_empty() && oauth.is_none() {
            return Err(NoAuthFacts);
        }
        spec.parameters = params;
        spec.oauth = oauth;
    }
    if let Some(table) = table(&region) {
        apply_table(&mut spec, &table, &mut notes);
    }
    Ok(Draft {
        spec,
        notes,
        review,
    })
}

fn other(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("other supported method") || t.contains("not used by this connector")
}

/// A section headed "Other supported methods (not used by this connector)".
fn other_methods(path: &[String]) -> bool {
    path.iter().any(|s| other(s))
}

/// A line of a paragraph or list introduced by such a sentence, up to the
/// next blank line or heading.
fn introduced_by_other(doc: &ApiDoc, line: &apidoc::DocLine) -> bool {
    let mut i = line.number.saturating_sub(1);
    while i > 0 {
        let prev = &doc.lines[i - 1];
        let t = prev.text.trim();
        if t.is_empty() || t.starts_with('#') {
            return false;
        }
        if t.len() > 20 && other(t) {
            return true;
        }
        i -= 1;
    }
    false
}

fn is_auth_section(path: &[String]) -> bool {
    path.iter().any(|s| {
        let s = s.to_lowercase();
        s.contains("authori") || s.contains("authenti") || s == "auth" || s.contains("credential")
    })
}

/// The doc's title without "API", "REST", "Documentation" suffixes.
fn title(doc: &ApiDoc, source: &str) -> String {
    let mut t = doc.title.clone().unwrap_or_default();
    loop {
        let trimmed = [
            " Documentation",
            " Docs",
            " API",
            " REST",
            " Web",
            " Reference",
        ]
        .iter()
        .find_map(|s| t.strip_suffix(s).map(str::to_string));
        match trimmed {
            Some(shorter) if !shorter.trim().is_empty() => t = shorter,
            _ => break,
        }
    }
    if t.trim().is_empty() {
        source.to_string()
    } else {
        t.trim().to_string()
    }
}

/// Sub-sections of the auth section, one per documented method, when the
/// connector supports several.
fn method_sections<'d>(region: &Region<'d>) -> Vec<(String, Vec<&'d apidoc::DocLine>)> {
    let Some(first) = region.lines.first() else {
        return Vec::new();
    };
    let depth = first.section_path.len();
    let mut sections: Vec<(String, Vec<&apidoc::DocLine>)> = Vec::new();
    for line in &region.lines {
        if line.section_path.len() <= depth {
            continue;
        }
        let heading = &line.section_path[depth];
        let h = heading.to_lowercase();
        if h.contains("parameter")
            || h.contains("example")
            || h.contains("other")
            || h.contains("scope")
        {
            continue;
        }
        let name = method_name(heading);
        match sections.iter_mut().find(|(n, _)| *n == name) {
            Some((_, lines)) => lines.push(line),
            None => sections.push((name, vec![line])),
        }
    }
    sections
}

fn method_name(heading: &str) -> String {
    let cleaned: String = heading
        .to_lowercase()
        .replace("2.0", "")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "method" | "option" | "via" | "with" | "the" | "a" | "an" | "1" | "2" | "3"
            )
        })
        .collect();
    let name = words.join("_");
    if name.is_empty() {
        "method".to_string()
    } else {
        name
    }
}

/// A parameter being drafted.
struct Found {
    name: String,
    secret: bool,
    required: bool,
    line: usize,
    why: String,
    description: Option<String>,
}

fn add(found: &mut Vec<Found>, candidate: Found) {
    match found.iter_mut().find(|f| f.name == candidate.name) {
        Some(f) => f.secret |= candidate.secret,
        None => found.push(candidate),
    }
}

/// Doc placeholder name → parameter name: snake_case, without `your_`.
fn param_name(placeholder: &str) -> String {
    let n = apidoc::snake(placeholder);
    n.strip_prefix("your_")
        .or_else(|| n.strip_prefix("my_"))
        .unwrap_or(&n)
        .to_string()
}

/// Parameters and the OAuth block a region of the doc describes.
fn facts(
    region: &Region,
    notes: &mut Vec<Note>,
    review: &mut Vec<String>,
) -> (Vec<Parameter>, Option<OAuth>) {
    let mut found: Vec<Found> = Vec::new();
    let doc = ApiDoc {
        title: None,
        lines: region.lines.iter().map(|l| (*l).clone()).collect(),
    };
    let oauth = oauth_block(&doc, &mut found, review);
    let issued = |n: &str| oauth.is_some() && ISSUED.contains(&n);
    let credential = |found: &mut Vec<Found>, text: &str, line: usize, why: &str| {
        add_credentials(found, text, line, why, &issued);
    };
    for ex in doc.examples() {
        if let Some((user, pass)) = &ex.value.basic {
            for (_, p) in template::placeholders(user) {
                let name = param_name(p);
                let secret = credential_like(&name);
                add(
                    &mut found,
                    Found {
                        name,
                        secret,
                        required: true,
                        line: ex.line,
                        why: "the user of `curl -u`".into(),
                        description: None,
                    },
                );
            }
            credential(&mut found, pass, ex.line, "the password of `curl -u`");
        }
        for (name, value) in &ex.value.headers {
            if name.eq_ignore_ascii_case("authorization")
                || (name.contains('-')
                    && !name.eq_ignore_ascii_case("content-type")
                    && !name.eq_ignore_ascii_case("accept"))
            {
                credential(
                    &mut found,
                    value,
                    ex.line,
                    &format!("sent in the `{name}` header"),
                );
            }
        }
        query_credentials(&ex.value.target, ex.line, &mut found, &issued);
        host_parameters(&ex.value.target, ex.line, &mut found);
    }
    for h in doc.header_lines() {
        let (name, value) = &h.value;
        if name.eq_ignore_ascii_case("authorization") && value.to_lowercase().contains("basic") {
            if let Some(inner) = value
                .split_once('(')
                .map(|(_, r)| r.trim_end_matches(')').trim_matches('"'))
            {
                if let Some((u, p)) = inner.split_once(':') {
                    for (_, ph) in template::placeholders(u) {
                        let n = param_name(ph);
                        let secret = credential_like(&n);
                        add(
                            &mut found,
                            Found {
                                name: n,
                                secret,
                                required: true,
                                line: h.line,
                                why: "the Basic username".into(),
                                description: None,
                            },
                        );
                    }
                    credential(&mut found, p, h.line, "the Basic password");
                    continue;
                }
            }
        }
        credential(
            &mut found,
            value,
            h.line,
            &format!("sent in the `{name}` header"),
        );
    }
    for url in doc.urls() {
        query_credentials(&url.value, url.line, &mut found, &issued);
    }
    base_url(&doc, &mut found);
    stored_sentences(&doc, &mut found, &issued);
    // Where the account is first, then who, then the secrets, then options.
    found.sort_by_key(|f| (!f.required, f.secret || credential_like(&f.name)));
    let parameters: Vec<Parameter> = found
        .into_iter()
        .map(|f| {
            notes.push(Note {
                parameter: f.name.clone(),
                line: f.line,
                why: f.why.clone(),
            });
            Parameter {
                description: f.description.or_else(|| describe(&doc, &f.name, f.line)),
                kind: ParamType::String,
                required: f.required,
                secret: f.secret || credential_like(&f.name),
                default: None,
                name: f.name,
                span: Span::default(),
            }
        })
        .collect();
    (parameters, oauth)
}

/// Adds the placeholders of `text` as required secret parameters, leaving
/// out tokens a provider issues.
fn add_credentials(
    found: &mut Vec<Found>,
    text: &str,
    line: usize,
    why: &str,
    issued: &dyn Fn(&str) -> bool,
) {
    for (_, p) in template::placeholders(text) {
        let name = param_name(p);
        if !issued(&name) {
            add(
                found,
                Found {
                    name,
                    secret: true,
                    required: true,
                    line,
                    why: why.into(),
                    description: None,
                },
            );
        }
    }
}

fn query_credentials(
    target: &str,
    line: usize,
    found: &mut Vec<Found>,
    issued: &dyn Fn(&str) -> bool,
) {
    let Some((_, query)) = target.split_once('?') else {
        return;
    };
    for pair in query.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        if !QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
            continue;
        }
        add_credentials(
            found,
            v,
            line,
            &format!("the `{k}` query parameter"),
            issued,
        );
    }
}

/// Placeholders in a URL's host (or a URL that is one placeholder).
fn host_parameters(url: &str, line: usize, found: &mut Vec<Found>) {
    if url.starts_with('{') {
        if let Some((_, p)) = template::placeholders(url).first() {
            add(
                found,
                Found {
                    name: param_name(p),
                    secret: false,
                    required: true,
                    line,
                    why: "the start of the request URL".into(),
                    description: None,
                },
            );
        }
        return;
    }
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    for (_, p) in template::placeholders(host) {
        add(
            found,
            Found {
                name: param_name(p),
                secret: false,
                required: true,
                line,
                why: "part of the API host".into(),
                description: None,
            },
        );
    }
}

/// A "Base URL" line: host placeholders become parameters; a fixed URL an
/// optional `base_url` that defaults to it.
fn base_url(doc: &ApiDoc, found: &mut Vec<Found>) {
    let Some(base) = doc.lines.iter().find(|l| {
        let t = l.text.to_lowercase();
        (t.contains("base url") || t.contains("host is") || t.contains("base_url"))
            && t.contains("://")
    }) else {
        return;
    };
    let urls = doc.urls();
    let Some(url) = urls.iter().find(|u| u.line == base.number) else {
        return;
    };
    if template::placeholders(&url.value).is_empty() {
        let fixed = url.value.trim_end_matches('/');
        add(
            found,
            Found {
                name: "base_url".into(),
                secret: false,
                required: false,
                line: base.number,
                why: "the base URL (optional: it has a default)".into(),
                description: Some(format!(
                    "API base URL. Defaults to {fixed}; set it only for another host (e.g. a self-hosted or regional instance)."
                )),
            },
        );
    } else {
        host_parameters(&url.value, base.number, found);
    }
}

/// "The connector stores `client_id`, …" and "Required connection
/// parameters: `a`, `b`" sentences.
fn stored_sentences(doc: &ApiDoc, found: &mut Vec<Found>, issued: &dyn Fn(&str) -> bool) {
    for (i, line) in doc.lines.iter().enumerate() {
        if line.code {
            continue;
        }
        let t = line.text.to_lowercase();
        let stores =
            t.contains("stores") || t.contains("store the") || t.contains("connection parameters:");
        if !stores {
            continue;
        }
        let mut text = line.text.clone();
        if let Some(next) = doc
            .lines
            .get(i + 1)
            .filter(|n| !n.text.trim().is_empty() && !n.code)
        {
            text.push(' ');
            text.push_str(&next.text);
        }
        for word in text.split('`').skip(1).step_by(2) {
            let w = word.trim();
            if !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                if issued(w) {
                    continue;
                }
                add(
                    found,
                    Found {
                        name: w.to_string(),
                        secret: credential_like(w),
                        required: true,
                        line: line.number,
                        why: "named as a connection value in the doc".into(),
                        description: None,
                    },
                );
            }
        }
    }
}

/// The OAuth block the region describes, if it does; adds its parameters.
fn oauth_block(doc: &ApiDoc, found: &mut Vec<Found>, review: &mut Vec<String>) -> Option<OAuth> {
    let text: String = doc
        .lines
        .iter()
        .map(|l| l.text.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let m2m = text.contains("client credentials") || text.contains("client_credentials");
    let code = text.contains("authorization code") || text.contains("authorization_code");
    let refresh = text.contains("refresh token") || text.contains("refresh_token");
    let mentions_oauth = text.contains("oauth");
    if !(m2m || code || (refresh && mentions_oauth)) {
        return None;
    }
    let urls = doc.urls();
    let token = urls
        .iter()
        .find(|u| u.value.to_lowercase().contains("token"));
    let authorize = urls.iter().find(|u| {
        let v = u.value.to_lowercase();
        (v.contains("authoriz") || v.contains("/auth")) && !v.contains("token")
    });
    let flow = if m2m { Flow::M2m } else { Flow::U2m };
    let line = token
        .or(authorize)
        .map(|u| u.line)
        .unwrap_or_else(|| doc.lines.first().map_or(1, |l| l.number));
    add(
        found,
        Found {
            name: "client_id".into(),
            secret: false,
            required: true,
            line,
            why: "the OAuth app's client ID".into(),
            description: Some("OAuth client ID of the app registered with the provider.".into()),
        },
    );
    add(
        found,
        Found {
            name: "client_secret".into(),
            secret: true,
            required: true,
            line,
            why: "the OAuth app's client secret".into(),
            description: Some("OAuth client secret of the same app.".into()),
        },
    );
    let strip_query = |u: &str| u.split('?').next().unwrap_or(u).to_string();
    if let Some(t) = token {
        for (_, p) in template::placeholders(&t.value) {
            add(
                found,
                Found {
                    name: param_name(p),
                    secret: false,
                    required: true,
                    line: t.line,
                    why: "a placeholder of the token URL".into(),
                    description: None,
                },
            );
        }
    } else {
        review.push("add oauth.token_url: the doc names no token endpoint".into());
    }
    if flow.is_user() && authorize.is_none() {
        review.push("add oauth.authorization_url: the doc names no authorization endpoint".into());
    }
    let extra: Vec<(String, String)> = authorize
        .and_then(|a| a.value.split_once('?').map(|(_, q)| q.to_string()))
        .or_else(|| {
            doc.lines.iter().find_map(|l| {
                l.text
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .find(|s| s.contains("access_type=") || s.contains("prompt="))
                    .map(str::to_string)
            })
        })
        .map(|q| {
            q.split('&')
                .filter_map(|p| p.split_once('='))
                .filter(|(k, _)| !crate::oauth::FLOW_PARAMS.contains(k))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let scopes: Vec<String> = doc
        .lines
        .iter()
        .filter(|l| l.text.to_lowercase().contains("scope"))
        .flat_map(|l| {
            l.text
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .flat_map(|s| s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|s| !s.contains('='))
        .collect();
    Some(OAuth {
        flow: Some(flow),
        pkce: true,
        scopes,
        authorization_url: authorize.map(|a| Located {
            value: strip_query(&a.value),
            span: Span::default(),
        }),
        token_url: token.map(|t| Located {
            value: strip_query(&t.value),
            span: Span::default(),
        }),
        device_authorization_url: None,
        extra_auth_params: extra,
        span: Span::default(),
    })
}

/// A "Connection Parameters" table: (name, type, required, default, description, line).
type Row = (
    String,
    ParamType,
    bool,
    Option<String>,
    Option<String>,
    usize,
);

fn table(region: &Region) -> Option<Vec<Row>> {
    let mut rows = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    for line in &region.lines {
        let t = line.text.trim();
        if !t.starts_with('|') {
            if columns.is_some() && !rows.is_empty() {
                break;
            }
            columns = None;
            continue;
        }
        let cells: Vec<String> = t
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect();
        match &columns {
            None => {
                if cells
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case("parameter") || c.eq_ignore_ascii_case("name"))
                {
                    columns = Some(cells.iter().map(|c| c.to_lowercase()).collect());
                }
            }
            Some(cols) => {
                if cells
                    .iter()
                    .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
                {
                    continue;
                }
                let get = |name: &str| {
                    cols.iter()
                        .position(|c| c.contains(name))
                        .and_then(|i| cells.get(i))
                        .map(String::as_str)
                };
                let Some(name) = get("parameter")
                    .or_else(|| get("name"))
                    .filter(|n| !n.is_empty())
                else {
                    continue;
                };
                let kind = get("type")
                    .and_then(|t| ParamType::parse(&t.to_lowercase()))
                    .unwrap_or_default();
                let required = get("required").is_some_and(|r| {
                    let r = r.to_lowercase();
                    r.contains('✅')
                        || r.starts_with("yes")
                        || r == "true"
                        || r == "required"
                        || r == "y"
                });
                let default = get("default").filter(|d| !d.is_empty()).map(str::to_string);
                let description = get("description")
                    .filter(|d| !d.is_empty())
                    .map(str::to_string);
                rows.push((
                    apidoc::snake(name),
                    kind,
                    required,
                    default,
                    description,
                    line.number,
                ));
            }
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// The table wins: its rows are the parameters, with its types, required
/// flags, defaults and descriptions.
fn apply_table(spec: &mut Spec, rows: &[Row], notes: &mut Vec<Note>) {
    let oauth = spec.oauth.is_some();
    let params: Vec<Parameter> = rows
        .iter()
        .filter(|(name, ..)| !(oauth && ISSUED.contains(&name.as_str())))
        .map(|(name, kind, required, default, description, line)| {
            notes.retain(|n| n.parameter != *name);
            notes.push(Note {
                parameter: name.clone(),
                line: *line,
                why: "a row of the parameters table".into(),
            });
            let known = spec.parameters.iter().find(|p| p.name == *name);
            Parameter {
                name: name.clone(),
                kind: *kind,
                required: *required,
                secret: known.is_some_and(|p| p.secret) || credential_like(name),
                description: description.clone(),
                default: default.clone(),
                span: Span::default(),
            }
        })
        .collect();
    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    notes.retain(|n| names.contains(&n.parameter));
    spec.parameters = params;
}

/// A description from the doc's own words: the prose line that best says
/// where to find the value, else a sentence built from how it is used.
fn describe(doc: &ApiDoc, name: &str, line: usize) -> Option<String> {
    let tick = format!("`{name}`");
    let mentions = |t: &str| {
        t.contains(&tick) || t.contains(&format!("{{{name}}}")) || t.contains(&format!("<{name}>"))
    };
    let obtain = [
        "create", "generate", "find", "found", "under", "settings", "admin", "console", "shown",
        "copy", "is the", "your",
    ];
    let best = doc
        .lines
        .iter()
        .filter(|l| !l.code && mentions(&l.text))
        .filter(|l| !l.text.trim_start().starts_with('|') && !l.text.trim_start().starts_with('#'))
        .map(|l| {
            let lower = l.text.to_lowercase();
            let mut score = 1i32;
            if obtain.iter().any(|w| lower.contains(w)) {
                score += 3;
            }
            if l.text.matches('`').count() > 4 {
                score -= 3;
            }
            if lower.contains("placement") || lower.contains("base64(") {
                score -= 2;
            }
            (score, l)
        })
        .filter(|(score, _)| *score > 0)
        .max_by_key(|(score, l)| (*score, std::cmp::Reverse(l.number)));
    let text = match best {
        Some((_, l)) => clean(&l.text),
        None => {
            let host = doc
                .urls()
                .into_iter()
                .find(|u| u.value.contains(&format!("{{{name}}}")));
            match host {
                Some(u) => format!("The {name} part of the API address, as in {}.", u.value),
                None if credential_like(name) => format!(
                    "The {} used to authenticate (API doc, line {line}).",
                    name.replace('_', " ")
                ),
                None => format!(
                    "The {} the credentials belong to (API doc, line {line}).",
                    name.replace('_', " ")
                ),
            }
        }
    };
    let text: String = text.chars().take(240).collect();
    (!text.is_empty()).then_some(text)
}

/// Markdown marks removed from a line of prose.
fn clean(text: &str) -> String {
    let t = text.trim().trim_start_matches(['-', '*', ' ']);
    t.replace("**", "").replace('`', "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_api_suffixes() {
        let doc = ApiDoc::parse("# Helpdesk Cloud REST API Documentation\n");
        assert_eq!(title(&doc, "x"), "Helpdesk Cloud");
        assert_eq!(title(&ApiDoc::parse("no title"), "src"), "src");
    }

    #[test]
    fn method_names_are_snake_case() {
        assert_eq!(method_name("OAuth 2.0"), "oauth");
        assert_eq!(
            method_name("Username and password"),
            "username_and_password"
        );
        assert_eq!(method_name("Method 1: API key"), "api_key");
    }
}
