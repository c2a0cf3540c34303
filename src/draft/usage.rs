//! Parameters from how the doc's requests use credentials: placeholders in
//! `Authorization:` and custom header lines, `curl -u`, credential query
//! keys, host placeholders of the API's URLs, and the base URL (a fixed one
//! becomes an optional `base_url`).
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::{self, ApiDoc, DocLine};
use crate::spec::credential_like;
use crate::template;

/// A parameter a request uses.
#[derive(Debug, Clone)]
pub struct Used {
    pub name: String,
    pub secret: bool,
    /// A host placeholder or the start of the URL: where the account is.
    pub locates: bool,
    pub line: usize,
    pub why: String,
    pub description: Option<String>,
    pub default: Option<String>,
    pub required: bool,
}

impl Used {
    /// A required parameter a request carries (not where the account is).
    fn new(name: impl Into<String>, secret: bool, line: usize, why: &str) -> Used {
        Used {
            name: name.into(),
            secret,
            locates: false,
            line,
            why: why.into(),
            description: None,
            default: None,
            required: true,
        }
    }
}

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
    "auth_token",
    "private_token",
    "apitoken",
    "app_key",
    "user_key",
    "subscription_key",
];

/// Doc placeholder name → parameter name: snake_case, without `your_`; a
/// bare `key` is the API key it stands for.
pub fn param_name(placeholder: &str) -> String {
    // `{realmId}` is `realm_id`; `{YOUR_KEY}` stays one word per part.
    let camel = placeholder.chars().any(|c| c.is_ascii_lowercase())
        && placeholder.chars().skip(1).any(|c| c.is_ascii_uppercase())
        && !placeholder.contains(['_', '-', ' ']);
    let n = if camel {
        apidoc::camel_to_snake(placeholder)
    } else {
        apidoc::snake(placeholder)
    };
    let n = n
        .strip_prefix("your_")
        .or_else(|| n.strip_prefix("my_"))
        .or_else(|| n.strip_prefix("the_"))
        .unwrap_or(&n)
        .trim_end_matches("_here");
    if n == "key" {
        "api_key".to_string()
    } else {
        n.to_string()
    }
}

/// A placeholder naming an encoded form of another value
/// (`<BASE64_ENCODED_PAT>`, `{base64(user:pass)}`): the person types the
/// value, the connector encodes it.
fn encoded_form(name: &str) -> bool {
    name.split('_')
        .any(|w| w.starts_with("base64") || w == "encoded" || w == "b64")
}

fn push(found: &mut Vec<Used>, used: Used) {
    // Names come from identifiers only; an encoded form's inner credential
    // is read where the value is (`header_credentials`).
    if encoded_form(&used.name) {
        return;
    }
    match found.iter_mut().find(|f| f.name == used.name) {
        Some(f) => f.secret |= used.secret,
        None => found.push(used),
    }
}

fn credentials(found: &mut Vec<Used>, text: &str, line: usize, why: &str) {
    header_credentials(found, text, line, why, None);
}

/// A credential placeholder; in a custom header (`X-Api-Key: <YOUR_KEY>`)
/// a bare `key`/`token`/`secret` takes the header's name (`api_key`).
fn header_credentials(
    found: &mut Vec<Used>,
    text: &str,
    line: usize,
    why: &str,
    header: Option<&str>,
) {
    // `X-ApiKeys: accessKey=…;secretKey=…`: each pair names a credential.
    if let Some(names) = credential_pairs(text) {
        for name in names {
            push(found, Used::new(name, true, line, why));
        }
        return;
    }
    // `ApiKey <BASE64(api_key_id:api_key)>`: the credential the encoded
    // form is made of.
    if template::placeholders(text).is_empty()
        && let Some((_, inner)) = text.split_once('(')
        && text.contains(['<', '{'])
    {
        let name = inner
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .rfind(|w| !w.is_empty() && w.contains('_') && credential_like(w));
        if let Some(name) = name {
            push(found, Used::new(name.to_ascii_lowercase(), true, line, why));
        }
        return;
    }
    for (_, p) in template::placeholders(text) {
        let mut name = param_name(p);
        if let Some(h) = header.filter(|h| !h.eq_ignore_ascii_case("authorization")) {
            let from_header =
                apidoc::snake(h.trim_start_matches(['x', 'X']).trim_start_matches('-'));
            if ["key", "token", "secret", "value", "credential"].contains(&name.as_str())
                && crate::spec::credential_like(&from_header)
            {
                name = from_header;
            }
        }
        push(found, Used::new(name, true, line, why));
    }
}

/// The names of a header value made of two or more `name=value` pairs
/// (`accessKey=…;secretKey=…`), snake_case, when every name is a
/// credential's.
fn credential_pairs(value: &str) -> Option<Vec<String>> {
    apidoc::key_pairs(value)?
        .into_iter()
        .map(|(k, v)| {
            let plain = !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let name = apidoc::to_snake_case(k);
            (plain && !v.trim().is_empty() && credential_like(&name)).then_some(name)
        })
        .collect()
}

fn user(found: &mut Vec<Used>, text: &str, line: usize, why: &str) {
    for (_, p) in template::placeholders(text) {
        let name = param_name(p);
        let secret = credential_like(&name);
        push(found, Used::new(name, secret, line, why));
    }
}

/// Everything the lines' requests use.
pub fn find(lines: &[&DocLine]) -> Vec<Used> {
    let mut found = Vec::new();
    let doc = apidoc::Part::of(lines);
    for ex in doc.examples() {
        if let Some((u, p)) = &ex.value.basic {
            if template::placeholders(u).is_empty() && template::placeholders(p).is_empty() {
                sample_basic(&mut found, p, ex.line);
            }
            user(&mut found, u, ex.line, "the user of `curl -u`");
            credentials(&mut found, p, ex.line, "the password of `curl -u`");
        }
        for (name, value) in &ex.value.headers {
            if !apidoc::plain_header(name) {
                header_credentials(
                    &mut found,
                    value,
                    ex.line,
                    &format!("sent in the `{name}` header"),
                    Some(name),
                );
            }
        }
        query_credentials(&ex.value.target, ex.line, &mut found);
        hosts(&ex.value.target, ex.line, &mut found);
    }
    for h in doc.header_lines() {
        let (name, value) = &h.value;
        if apidoc::plain_header(name) {
            continue;
        }
        if name.eq_ignore_ascii_case("authorization") && value.to_lowercase().contains("basic") {
            let inner = value
                .split_once('(')
                .map(|(_, r)| r.trim_end_matches(')').trim_matches('"'));
            if let Some((u, p)) = inner.and_then(|i| i.split_once(':')) {
                user(&mut found, u, h.line, "the Basic username");
                credentials(&mut found, p, h.line, "the Basic password");
                named_basic(&mut found, u, p, h.line);
                continue;
            }
        }
        header_credentials(
            &mut found,
            value,
            h.line,
            &format!("sent in the `{name}` header"),
            Some(name),
        );
        if template::placeholders(value).is_empty() && credential_pairs(value).is_none() {
            sample_header(&mut found, name, value, h.line);
        }
    }
    for url in doc.urls() {
        query_credentials(&url.value, url.line, &mut found);
        let mut prose = Vec::new();
        hosts(&url.value, url.line, &mut prose);
        for mut u in prose {
            u.why = HOST_IN_PROSE.into();
            push(&mut found, u);
        }
    }
    // A Basic pair the doc names wins over the generic names of sample values.
    if found.iter().any(|u| u.why == "the Basic password") {
        found.retain(|u| u.why != SAMPLE_BASIC || u.name == "username");
    }
    found
}

/// Why `curl -u` with sample values gives parameters.
const SAMPLE_BASIC: &str = "`curl -u` with sample values";

/// `Basic base64(username:application_password)`: the pair written as the
/// parameters' own names.
fn named_basic(found: &mut Vec<Used>, user: &str, password: &str, line: usize) {
    let plain = |t: &str| {
        !t.is_empty()
            && t.len() <= 40
            && t.starts_with(|c: char| c.is_ascii_lowercase())
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if !plain(user) || !plain(password) {
        return;
    }
    for (name, secret, why) in [
        (user, false, "the Basic username"),
        (password, true, "the Basic password"),
    ] {
        push(found, Used::new(name.to_string(), secret, line, why));
    }
}

/// A header carrying a sample credential (`Authorization: Klaviyo-API-Key
/// pk_abc123...`, `X-Api-Key: 8b1f…`): the parameter is named by the
/// scheme or the header.
fn sample_header(found: &mut Vec<Used>, name: &str, value: &str, line: usize) {
    let (scheme, credential) = if name.eq_ignore_ascii_case("authorization") {
        match value.split_once(' ') {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest.trim()),
            None => return,
        }
    } else {
        (name.to_ascii_lowercase(), value.trim())
    };
    if !apidoc::sample_credential(credential) || scheme == "basic" {
        return;
    }
    let param = if scheme.contains("key") {
        "api_key".to_string()
    } else if scheme == "bearer" || scheme.contains("token") {
        if name.eq_ignore_ascii_case("authorization") {
            "api_token".to_string()
        } else {
            apidoc::snake(scheme.trim_start_matches("x-"))
        }
    } else {
        return;
    };
    push(
        found,
        Used::new(
            param,
            true,
            line,
            &format!("a sample credential in the `{name}` header"),
        ),
    );
}

/// `curl -u 'ACME\pi-reader:********'`, `-u yourapikey:X`: Basic with
/// sample values. A one-letter password is the dummy some APIs ask for
/// with a key as the user; otherwise a user and a password.
fn sample_basic(found: &mut Vec<Used>, password: &str, line: usize) {
    let why = SAMPLE_BASIC;
    let mut add = |name: &str, secret: bool| push(found, Used::new(name, secret, line, why));
    if password.chars().count() <= 1 {
        add("api_key", true);
    } else {
        add("username", false);
        add("password", true);
    }
}

fn query_credentials(target: &str, line: usize, found: &mut Vec<Used>) {
    let Some((_, query)) = target.split_once('?') else {
        return;
    };
    for pair in query.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        if QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
            credentials(found, v, line, &format!("the `{k}` query parameter"));
        }
    }
}

/// Why a host placeholder of a URL outside any request is a parameter.
pub const HOST_IN_PROSE: &str = "a placeholder in the host of a URL in the doc";

/// Why a placeholder that starts a request URL is a parameter.
const LEADING: &str = "the start of the request URL";

/// Placeholders in a URL's host, or a placeholder that starts the URL.
pub fn hosts(url: &str, line: usize, found: &mut Vec<Used>) {
    let mut add = |name: String, why: &str| {
        push(
            found,
            Used {
                secret: false,
                locates: true,
                line,
                why: why.into(),
                description: None,
                default: None,
                required: true,
                name,
            },
        )
    };
    if url.starts_with('{') {
        if let Some((_, p)) = template::placeholders(url).first() {
            add(param_name(p), LEADING);
        }
        return;
    }
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    for (_, p) in template::placeholders(host) {
        add(param_name(p), "part of the API host");
    }
}

/// The base URL the doc states: its host placeholders, or (a fixed URL) an
/// optional `base_url` defaulting to it. A labelled base URL in the auth
/// section comes first, then one labelled anywhere (unless the section's
/// requests already say where the API is), then one mentioned in passing.
pub fn base_url(lines: &[&DocLine], doc: &ApiDoc, found: &mut Vec<Used>) {
    let part = apidoc::Part::of(lines);
    let located = found.iter().any(|u| u.locates || u.name == "base_url");
    let (part_labelled, part_loose) = part.base_url_statements();
    let (doc_labelled, doc_loose) = if located || part_labelled.is_some() {
        (None, None)
    } else {
        doc.base_url_statements()
    };
    let base = part_labelled.or(doc_labelled).or(part_loose).or(doc_loose);
    if let Some(base) = base {
        use_base_url(base, found);
    }
}

/// Why a fixed base URL is proposed: weak evidence (one host the doc
/// states, no placeholder, no setting listed), so the decision step leaves
/// it out of the draft and names it in the review list.
pub const FIXED_BASE: &str = "a fixed base URL the doc states";

/// Adds what a stated base URL needs.
fn use_base_url(base: apidoc::Fact<String>, found: &mut Vec<Used>) {
    if template::placeholders(&base.value).is_empty() {
        let fixed = base.value.trim_end_matches('/').to_string();
        let description = format!(
            "API base URL. Defaults to {fixed}; set it only for another host (e.g. a self-hosted or regional instance)."
        );
        // Requests written `{base_url}/…` under a fixed base: the same value,
        // optional, defaulting to the doc's base.
        if let Some(lead) = found.iter_mut().find(|u| u.why == LEADING) {
            lead.required = false;
            lead.locates = false;
            lead.description = Some(description);
            lead.line = base.line;
            lead.why = "the base URL (optional: it has a default)".into();
            return;
        }
        push(
            found,
            Used {
                name: "base_url".into(),
                secret: false,
                locates: false,
                line: base.line,
                why: FIXED_BASE.into(),
                description: Some(description),
                default: Some(fixed),
                required: false,
            },
        );
    } else {
        hosts(&base.value, base.line, found);
        // `https://api.example.com/shards/{shard}/`: a placeholder anywhere in
        // the base URL is a value every request needs.
        for (_, p) in template::placeholders(&base.value) {
            // `https://<host>/api/v1/<endpoint>/...`: where each request goes.
            let name = param_name(p);
            if [
                "endpoint", "path", "resource", "object", "entity", "table", "id",
            ]
            .contains(&name.as_str())
            {
                continue;
            }
            push(
                found,
                Used {
                    name: param_name(p),
                    secret: false,
                    locates: true,
                    line: base.line,
                    why: "a placeholder of the base URL".into(),
                    description: None,
                    default: None,
                    required: true,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{credential_pairs, param_name};

    #[test]
    fn a_header_of_key_pairs_names_each_credential() {
        assert_eq!(
            credential_pairs("accessKey=ACCESS_KEY;secretKey=SECRET_KEY"),
            Some(vec!["access_key".to_string(), "secret_key".to_string()])
        );
        // One pair, or a pair whose name is no credential's: not this form.
        assert_eq!(credential_pairs("token=abc"), None);
        assert_eq!(credential_pairs("session=abc; theme=dark"), None);
    }

    #[test]
    fn placeholders_become_snake_case_names() {
        assert_eq!(param_name("realmId"), "realm_id");
        assert_eq!(param_name("YOUR_API_KEY"), "api_key");
        assert_eq!(param_name("Your-Domain"), "domain");
        assert_eq!(param_name("key"), "api_key");
    }
}
