//! Step 1: drafting the connection/auth section of `connector_spec.yaml`
//! from a source's API doc, deterministically, by recognisers over the
//! parsed markdown (one per construct real docs contain: `region`,
//! `listed`, `usage`, `oauth`, `kinds`). Every parameter keeps the doc line
//! it came from; what the doc does not say is not guessed, and a draft that
//! would not lint is corrected or said to be undecided.
//!
//! Step 1 (see docs/architecture.md): it imports the readers and base modules, no other step.

mod condition;
mod config_example;
mod cues;
mod describe;
mod inline_marks;
mod kinds;
mod listed;
mod markup;
mod method_table;
mod oauth;
mod region;
mod setting_sentence;
mod usage;
mod wire;

use crate::apidoc::{self, ApiDoc, DocLine};
use crate::source::Span;
use crate::spec::{AuthMethod, Located, OAuth, ParamType, Parameter, Spec, credential_like};
use crate::template;

pub use describe::title;

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
    "the API doc says nothing usable about authentication (no credential in a header, curl -u, query key, parameters list or OAuth endpoint)"
)]
pub struct NoAuthFacts;

/// Issued by a provider, never typed by a person, when the connector runs
/// the grant (or signs a service account's JWT).
const ISSUED: &[&str] = &["access_token", "id_token", "bearer_token", "oauth_token"];

/// A parameter on its way into the draft.
#[derive(Debug, Clone)]
struct Candidate {
    name: String,
    required: bool,
    secret: bool,
    kind: ParamType,
    default: Option<String>,
    description: Option<String>,
    /// The auth method it belongs to (`None`: shared).
    method: Option<String>,
    line: usize,
    why: String,
    /// In the doc's own list of settings (a table, bullets, a sentence or
    /// a config example): strong evidence. Anything else was inferred.
    listed: bool,
}

impl Candidate {
    fn new(name: &str, required: bool, secret: bool, line: usize, why: &str) -> Candidate {
        Candidate {
            name: name.to_string(),
            required,
            secret,
            kind: ParamType::String,
            default: None,
            description: None,
            method: None,
            line,
            why: why.to_string(),
            listed: false,
        }
    }
}

/// The parameters found so far, in the order they will be written.
#[derive(Default)]
struct Found {
    params: Vec<Candidate>,
    /// (wire name, setting): a listed setting the doc says goes out under
    /// another name (`client_id`).
    wire: Vec<(String, String)>,
}

impl Found {
    fn get(&self, name: &str) -> Option<&Candidate> {
        self.params.iter().find(|c| c.name == name)
    }

    fn add(&mut self, c: Candidate) {
        // `regionCode` and `region_code` are one parameter, written snake_case.
        let same =
            |a: &str, b: &str| a == b || apidoc::camel_to_snake(a) == apidoc::camel_to_snake(b);
        match self.params.iter_mut().find(|p| same(&p.name, &c.name)) {
            Some(p) => {
                if c.name.contains('_') && !p.name.contains('_') {
                    p.name = c.name.clone();
                }
                p.secret |= c.secret;
                p.listed |= c.listed;
                if p.description.is_none() {
                    p.description = c.description;
                }
            }
            None => self.params.push(c),
        }
    }

    fn remove(&mut self, name: &str) {
        self.params.retain(|c| c.name != name);
    }

    /// The one parameter that names the API's host (`coupa_host`,
    /// `instance_url`, `subdomain`), if exactly one does.
    fn the_host(&self) -> Option<String> {
        let host = |n: &str| {
            n.ends_with("host")
                || n.ends_with("domain")
                || n.ends_with("instance")
                || n.ends_with("instance_url")
                || n.ends_with("base_url")
        };
        let mut hosts = self.params.iter().filter(|c| host(&c.name));
        match (hosts.next(), hosts.next()) {
            (Some(only), None) => Some(only.name.clone()),
            _ => None,
        }
    }

    /// The listed parameter a doc's placeholder name means, if any.
    fn matching(&self, name: &str) -> Option<String> {
        if self.get(name).is_some() {
            return Some(name.to_string());
        }
        if let Some((_, setting)) = self.wire.iter().find(|(w, _)| w == name) {
            return Some(setting.clone());
        }
        let params: Vec<Parameter> = self
            .params
            .iter()
            .map(|c| Parameter {
                name: c.name.clone(),
                kind: c.kind,
                required: c.required,
                secret: c.secret,
                description: None,
                default: None,
                span: Span::default(),
            })
            .collect();
        let refs: Vec<&Parameter> = params.iter().collect();
        apidoc::match_parameter(name, &refs).map(|p| p.name.clone())
    }
}

/// Drafts the connection/auth section of a spec from `doc`.
pub fn draft(doc: &ApiDoc, source: &str) -> Result<Draft, NoAuthFacts> {
    let mut view = region::View::new(doc);
    let lists = listed::find(&view.usable);
    let listed_names: Vec<&str> = lists.params.iter().map(|p| p.name.as_str()).collect();
    view.confirm_alternatives(&listed_names);
    let several = several_methods(&view, &lists);
    let chosen = if several {
        view.auth.clone()
    } else {
        view.chosen_auth()
    };
    // A listed client id or refresh token (`client_id`, `<vendor>_client_id`)
    // says the connector runs OAuth, wherever in the
    // doc its endpoints stand ("Access we were given" above the settings).
    let recognised = oauth::recognise(&chosen).or_else(|| {
        let app = lists
            .params
            .iter()
            .any(|p| p.name.ends_with("client_id") || p.name.ends_with("refresh_token"));
        if app && chosen.len() < view.usable.len() {
            oauth::recognise(&view.usable)
        } else {
            None
        }
    });
    let kind = kinds::recognise(&chosen);
    let mut review = Vec::new();
    let mut found = Found::default();

    // 1. What the doc lists is authoritative.
    add_listed(doc, &lists, recognised.is_some(), &mut found, &mut review);
    let listed_at: Vec<(&str, usize)> = lists
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.line))
        .collect();
    found.wire = wire::names(&view.usable, &listed_at);
    // A list is authoritative; "the connector stores `client_id`…" alone
    // speaks only for the OAuth app.
    let listed_any = lists
        .params
        .iter()
        .any(|l| l.why != listed::STORED && l.why != listed::NEEDED_BY_CALLS);

    // 2. What the kind of connection needs; a service account beside an
    // OAuth grant the connector runs is not the chosen way in.
    let kind = match kind {
        kinds::Kind::ServiceAccount(_) if recognised.is_some() => kinds::Kind::Http,
        k => k,
    };
    let service_account = matches!(kind, kinds::Kind::ServiceAccount(_));
    add_kind(&kind, listed_any, &mut found);

    // 3. OAuth: the app's identity, and the endpoints' placeholders.
    let mut oauth_block = None;
    if let Some(r) = &recognised {
        app_under_wire_names(&mut found, &mut review);
        add_oauth_app(r, &mut found);
        oauth_block = Some(oauth_spec(r, &mut found, &mut review));
    }

    // 4. How the requests use credentials, mapped onto what is listed.
    let runs_grant = recognised.is_some() || service_account;
    add_used(
        &chosen,
        doc,
        &mut found,
        runs_grant,
        recognised.is_some(),
        service_account,
        listed_any,
        &mut review,
    );
    // An issued token is no value to type, unless the doc lists it as a
    // method's own setting ("`access_token` | with `pat`").
    for name in ISSUED {
        let typed = found
            .get(name)
            .is_some_and(|c| c.listed && c.method.is_some());
        if runs_grant && !typed {
            found.remove(name);
        }
    }
    drop_synonyms(doc, &mut found);
    corrected_requirement(&view.usable, &mut found, &mut review);
    if found.params.is_empty() && oauth_block.is_none() {
        return Err(NoAuthFacts);
    }
    Ok(assemble(
        doc,
        source,
        &view,
        &lists,
        several,
        found,
        oauth_block,
        review,
    ))
}

/// Step 1 of a draft: every parameter the doc lists.
fn add_listed(
    doc: &ApiDoc,
    lists: &listed::Lists,
    oauth: bool,
    found: &mut Found,
    review: &mut Vec<String>,
) {
    for (name, line, at) in &lists.unneeded {
        review.push(format!(
            "`{name}` (line {line}) left out: the doc says a connection does without it (line {at})"
        ));
    }
    for (name, line, at) in &lists.dropped {
        let renamed = lists.renamed.iter().any(|(n, l)| n == name && l == at);
        review.push(if renamed {
            format!("`{name}` (line {line}) left out: the doc's table of old and new names renames it (line {at})")
        } else {
            format!("`{name}` (line {line}) left out: a later part of the doc (line {at}) replaces the list that named it")
        });
    }
    for l in &lists.params {
        if !oauth && from_boilerplate(doc, l) {
            continue;
        }
        if l.required.is_none() && found.get(&l.name).is_none() {
            review.push(format!(
                "`{}` (line {}): the doc does not say whether it is required; drafted as {} from its name",
                l.name,
                l.line,
                if l.default.is_none() && likely_required(&l.name) {
                    "required"
                } else {
                    "optional"
                }
            ));
        }
        let secret = l.secret.unwrap_or(false) || credential_like(&l.name);
        let required = l
            .required
            .unwrap_or(l.default.is_none() && likely_required(&l.name));
        found.add(Candidate {
            kind: l.kind,
            default: l.default.clone(),
            description: l.description.clone(),
            method: l.method.as_deref().map(apidoc::snake),
            listed: true,
            ..Candidate::new(&l.name, required, secret, l.line, l.why)
        });
    }
}

/// Step 2 of a draft: what a database or a service account needs.
fn add_kind(kind: &kinds::Kind, listed_any: bool, found: &mut Found) {
    match kind {
        kinds::Kind::Database(params, line) if !listed_any => {
            for (name, secret, required) in params {
                found.add(Candidate::new(
                    name,
                    *required,
                    *secret,
                    *line,
                    "a database connection needs it",
                ));
            }
        }
        kinds::Kind::ServiceAccount(line) => {
            // A listed key (`credentials_json`, `private_key`) is the key.
            let has_key = found.params.iter().any(|c| {
                c.name.contains("json") || c.name.contains("key") || c.name.contains("credential")
            });
            if !has_key {
                found.add(Candidate::new(
                    "service_account_json",
                    true,
                    true,
                    *line,
                    "the service account's JSON key",
                ));
            }
        }
        _ => {}
    }
}

/// Step 3 of a draft: the OAuth app's identity.
fn add_oauth_app(r: &oauth::Recognised, found: &mut Found) {
    for (name, secret) in [("client_id", false), ("client_secret", true)] {
        if secret && r.public_client.is_some() {
            continue;
        }
        if found.matching(name).is_none() {
            found.add(Candidate {
                description: Some(if secret {
                    "OAuth client secret of the same app.".into()
                } else {
                    "OAuth client ID of the app registered with the provider.".into()
                }),
                ..Candidate::new(name, true, secret, r.flow_line, "the OAuth app's identity")
            });
        }
    }
}

/// A setting the doc sends as the OAuth app's `client_id` or
/// `client_secret` takes that name: the flow reads the app by it. The
/// review list says which of the doc's names it stands for.
fn app_under_wire_names(found: &mut Found, review: &mut Vec<String>) {
    for (wire, setting) in std::mem::take(&mut found.wire) {
        if !["client_id", "client_secret"].contains(&wire.as_str()) || found.get(&wire).is_some() {
            found.wire.push((wire, setting));
            continue;
        }
        if let Some(c) = found.params.iter_mut().find(|c| c.name == setting) {
            review.push(format!(
                "`{wire}` (line {}) is the doc's `{setting}`: the doc sends it as the OAuth app's `{wire}`, the name the OAuth flow reads",
                c.line
            ));
            c.secret = wire == "client_secret";
            c.name = wire;
        }
    }
}

/// Step 4 of a draft: what the requests use, mapped onto what is listed.
#[allow(clippy::too_many_arguments)]
fn add_used(
    chosen: &[&DocLine],
    doc: &ApiDoc,
    found: &mut Found,
    runs_grant: bool,
    oauth: bool,
    service_account: bool,
    listed_any: bool,
    review: &mut Vec<String>,
) {
    let mut used = usage::find(chosen);
    usage::base_url(chosen, doc, &mut used);
    for u in used {
        // `$QBO_ACCESS_TOKEN` in a request is the issued token too.
        // A personal access token is typed by a person, never issued.
        let issued = runs_grant
            && !u.name.starts_with("personal")
            && ISSUED
                .iter()
                .any(|i| u.name == *i || u.name.ends_with(&format!("_{i}")));
        if issued || u.name == "refresh_token" && oauth {
            continue;
        }
        if let Some(existing) = found.matching(&u.name) {
            if let Some(c) = found.params.iter_mut().find(|c| c.name == existing) {
                c.secret |= u.secret && credential_like(&c.name);
            }
            continue;
        }
        // A host placeholder beside the one host parameter the doc lists
        // is that parameter (`<instance>.coupahost.com`, `coupa_host`).
        if u.locates && listed_any && found.the_host().is_some() {
            continue;
        }
        let has_credential = found.params.iter().any(|c| c.secret);
        let keep = !listed_any
            || (u.locates && u.why != usage::HOST_IN_PROSE)
            || (u.secret && !has_credential)
            || (u.name == "base_url"
                && !found
                    .params
                    .iter()
                    .any(|c| c.name.contains("url") || c.name.contains("host")));
        if !keep || (service_account && u.secret) {
            continue;
        }
        // A fixed host alone is no value a person types.
        if u.why == usage::FIXED_BASE {
            review.push(format!(
                "the doc states one fixed base URL ({}): no `base_url` parameter drafted; add an optional one if the API has other hosts (regions, self-hosted)",
                u.default.as_deref().unwrap_or("")
            ));
            continue;
        }
        found.add(Candidate {
            description: u.description.clone(),
            default: u.default.clone(),
            ..Candidate::new(&u.name, u.required, u.secret, u.line, &u.why)
        });
    }
}

/// Whether a listed name the doc does not mark is required: credentials,
/// where the account is, and identifiers are; tuning options (page sizes,
/// start dates, windows) are not.
fn likely_required(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let option = [
        "page", "size", "limit", "start", "date", "window", "lookback", "days", "timeout",
        "retries", "retry", "batch", "interval", "verify", "ssl", "tls", "filter", "include",
        "exclude", "max", "min", "rate", "delay", "format", "version", "debug", "log",
    ];
    if option.iter().any(|w| n.split('_').any(|part| part == *w)) {
        return false;
    }
    true
}

/// A "stores `client_id` …" sentence copied from the template into a doc
/// whose connector runs no OAuth grant.
fn from_boilerplate(doc: &ApiDoc, l: &listed::Listed) -> bool {
    ["client_id", "client_secret", "refresh_token"].contains(&l.name.as_str())
        && doc
            .lines
            .get(l.line.saturating_sub(1))
            .is_some_and(|line| line.text.to_lowercase().contains("store"))
}

/// Whether the person chooses between several methods: a selector with
/// two values or more, rows tied to two methods or more, or several method
/// sub-sections none of which is preferred or set aside.
fn several_methods(view: &region::View, lists: &listed::Lists) -> bool {
    let selector = lists.selectors.iter().any(|s| s.values.len() >= 2);
    let mut tied: Vec<&str> = lists
        .params
        .iter()
        .filter_map(|p| p.method.as_deref())
        .collect();
    tied.sort_unstable();
    tied.dedup();
    let kept: Vec<&region::MethodSection> = view
        .methods
        .iter()
        .filter(|m| m.standing != region::Standing::SetAside)
        .collect();
    let unranked = kept.len() >= 2
        && kept
            .iter()
            .all(|m| m.standing == region::Standing::Supported)
        || kept.len() >= 2
            && kept
                .iter()
                .any(|m| m.standing == region::Standing::Alternative);
    (selector || tied.len() >= 2 || unranked) && !combined(view)
}

/// "Every operation requires both of them at the same time", "the
/// connector uses both schemes on every request": the methods are one way
/// in, used together, not a choice.
fn combined(view: &region::View) -> bool {
    view.usable.iter().any(|l| {
        if l.code || !l.lower.contains("both") {
            return false;
        }
        let t = l.lower.replace('*', "");
        crate::any_word!(
            &t,
            [
                "requires both",
                "require both",
                "uses both",
                "use both",
                "sends both",
                "send both",
                "both at the same time"
            ]
        ) && crate::any_word!(
            &t,
            [
                "same time",
                "every request",
                "each request",
                "every call",
                "every operation"
            ]
        ) && !crate::any_word!(&t, ["either", "one of", "choose", "pick", "supported"])
    })
}

/// A u2m grant's refresh token: a parameter when the doc has the person
/// copy it in, else the consent flow collects it and a "stores … the
/// refresh token" sentence does not make it a value to type.
fn consent_refresh_token(r: &oauth::Recognised, found: &mut Found) {
    match r.refresh_pasted {
        Some(line) => pasted_refresh_token(
            found,
            line,
            "the refresh token the doc has the person copy into the connector",
        ),
        None => found
            .params
            .retain(|c| !(c.name == "refresh_token" && c.why == listed::STORED)),
    }
}

/// A later line that changes whether a listed setting is required ("Agreed,
/// `username` becomes required"; "`port` is now optional") overrides what
/// the list said; the review list names the line.
fn corrected_requirement(lines: &[&DocLine], found: &mut Found, review: &mut Vec<String>) {
    for c in found.params.iter_mut().filter(|c| c.listed) {
        let name = format!("`{}`", c.name);
        // The last such line wins: read from the end.
        let changed = lines
            .iter()
            .rev()
            .filter(|l| l.number > c.line && !l.code && l.text.contains(&name))
            .find_map(|l| {
                let t = &l.lower[l.lower.find(&name)? + name.len()..];
                let clause = t.split(['.', ';', ':']).next().unwrap_or("");
                let to = |word: &str| {
                    ["becomes", "is now", "now", "changed to", "made", "must be"]
                        .iter()
                        .any(|v| clause.contains(&format!("{v} {word}")))
                };
                if to("required") {
                    Some((true, l.number))
                } else if to("optional") {
                    Some((false, l.number))
                } else {
                    None
                }
            });
        if let Some((required, line)) = changed
            && required != c.required
        {
            c.required = required;
            review.push(format!(
                "`{}`: line {line} changes it to {}, after the list said otherwise",
                c.name,
                if required { "required" } else { "optional" }
            ));
        }
    }
}

/// Why a u2m grant the draft cannot run has its refresh token pasted.
const STORED_REFRESH: &str = "the refresh token the connector stores";

/// The refresh token as a value to paste (stated at `line`, for `why`),
/// unless the doc lists one already (`planday_refresh_token`).
fn pasted_refresh_token(found: &mut Found, line: usize, why: &str) {
    if found.matching("refresh_token").is_none() {
        found.add(Candidate::new("refresh_token", true, true, line, why));
    }
}

/// The spec's `oauth` block from what was recognised; placeholders of its
/// URLs become (or map onto) parameters. A u2m grant with no authorization
/// endpoint cannot lint: the refresh token is then a parameter to paste.
fn oauth_spec(r: &oauth::Recognised, found: &mut Found, review: &mut Vec<String>) -> Option<OAuth> {
    let mut fill = |url: &str, line: usize| -> String {
        let mut out = url.to_string();
        for (at, p) in template::placeholders(url) {
            let name = usage::param_name(p);
            // `https://{instance}.host.example/…` beside a listed
            // `coupa_host`: the one host parameter the doc lists.
            let in_host = url[..at].ends_with("://");
            let target = found
                .matching(&name)
                .or_else(|| in_host.then(|| found.the_host()).flatten())
                .unwrap_or_else(|| {
                    found.add(Candidate::new(
                        &name,
                        true,
                        false,
                        line,
                        "a placeholder of an OAuth endpoint",
                    ));
                    name.clone()
                });
            if target != p {
                out = out.replace(&format!("{{{p}}}"), &format!("{{{target}}}"));
            }
        }
        out
    };
    let token_url = r.token_url.as_ref().map(|(u, l)| fill(u, *l));
    let authorization_url = r.authorization_url.as_ref().map(|(u, l)| fill(u, *l));
    let token_parameter = found
        .params
        .iter()
        .any(|c| c.name.contains("token_url") || c.name.contains("token_endpoint"));
    if token_url.is_none() && !token_parameter {
        review.push("the doc names no token endpoint: add oauth.token_url to run the grant".into());
        if r.flow.is_user() {
            pasted_refresh_token(found, r.flow_line, STORED_REFRESH);
        }
        return None;
    }
    if r.flow.is_user() && authorization_url.is_none() {
        review.push("the doc names no authorization endpoint: add oauth.authorization_url to let collect run the consent flow; until then the refresh token is pasted".into());
        pasted_refresh_token(found, r.flow_line, STORED_REFRESH);
        return None;
    }
    if r.flow.is_user() {
        consent_refresh_token(r, found);
    }
    if !r.from_catalogue.is_empty()
        && let Some(p) = r.provider
    {
        let regions = if p.regions.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.regions)
        };
        review.push(format!(
            "the OAuth {} came from the provider catalogue ({}), not from the doc: check them against the provider's documentation{regions}",
            r.from_catalogue.join(", "),
            p.name
        ));
    }
    let located = |v: String| Located {
        value: v,
        span: Span::default(),
    };
    Some(OAuth {
        flow: Some(r.flow),
        pkce: true,
        scopes: r.scopes.clone(),
        authorization_url: authorization_url.map(located),
        token_url: token_url.map(located),
        device_authorization_url: None,
        extra_auth_params: r.extra_auth_params.clone(),
        span: Span::default(),
    })
}

/// The spec: shared parameters, methods when the person chooses, notes.
#[allow(clippy::too_many_arguments)]
fn assemble(
    doc: &ApiDoc,
    source: &str,
    view: &region::View,
    lists: &listed::Lists,
    several: bool,
    found: Found,
    oauth: Option<Option<OAuth>>,
    mut review: Vec<String>,
) -> Draft {
    let mut notes = Vec::new();
    let mut params = found.params;
    if let Some(first) = weak_evidence(&params) {
        review.insert(0, first);
    }
    // Where the account is first, then who, then the secrets, then options.
    params.sort_by_key(|c| (!c.required, c.secret));
    let to_param = |c: &Candidate, notes: &mut Vec<Note>| {
        notes.push(Note {
            parameter: c.name.clone(),
            line: c.line,
            why: c.why.clone(),
        });
        Parameter {
            description: c
                .description
                .clone()
                .or_else(|| describe::describe(doc, &c.name, c.line)),
            kind: c.kind,
            required: c.required,
            secret: c.secret || credential_like(&c.name),
            default: c.default.clone(),
            name: c.name.clone(),
            span: Span::default(),
        }
    };
    let mut spec = Spec {
        display_name: Some(title(doc, source)),
        external_options_allowlist: Some(String::new()),
        ..Spec::default()
    };
    let oauth = oauth.flatten();
    let methods = if several {
        method_groups(view, lists, &params)
    } else {
        Vec::new()
    };
    if methods.len() >= 2 {
        let names: Vec<&str> = methods.iter().map(|(n, _)| n.as_str()).collect();
        review.push(format!(
            "auth methods {} were grouped from the doc's sections and Required cells: check which parameters each holds",
            names.join(", ")
        ));
        let mut claimed: Vec<String> = Vec::new();
        for (name, members) in &methods {
            let parameters = params
                .iter()
                .filter(|c| members.contains(&c.name))
                .map(|c| to_param(c, &mut notes))
                .collect();
            claimed.extend(members.iter().cloned());
            spec.auth_methods.push(AuthMethod {
                name: name.clone(),
                description: Some(format!("From the API doc: {}.", name.replace('_', " "))),
                parameters,
                oauth: None,
                span: Span::default(),
            });
        }
        spec.parameters = params
            .iter()
            .filter(|c| !claimed.contains(&c.name))
            .map(|c| to_param(c, &mut notes))
            .collect();
        give_oauth_to_its_method(&mut spec, oauth);
    } else {
        // With one method, a value required only for a method is optional.
        for c in params.iter_mut().filter(|c| c.why == listed::CONDITIONAL) {
            c.required = false;
        }
        spec.parameters = params.iter().map(|c| to_param(c, &mut notes)).collect();
        spec.oauth = oauth;
    }
    let mut draft = Draft {
        spec,
        notes,
        review,
    };
    snake_case_names(&mut draft);
    draft
}

/// The OAuth block belongs to the method holding `client_id` (or the
/// connection, when none does).
fn give_oauth_to_its_method(spec: &mut Spec, oauth: Option<OAuth>) {
    let Some(block) = oauth else { return };
    match spec
        .auth_methods
        .iter_mut()
        .find(|m| m.parameters.iter().any(|p| p.name == "client_id"))
    {
        Some(m) => m.oauth = Some(block),
        None => spec.oauth = Some(block),
    }
}

/// `accessKey`, `apiBaseURL`: the connector's names are snake_case, in the
/// parameters, the notes, the review list and the OAuth endpoints'
/// placeholders alike.
fn snake_case_names(draft: &mut Draft) {
    let spec = &mut draft.spec;
    let renamed: Vec<(String, String)> = spec
        .all_parameters()
        .filter(|p| p.name.chars().any(|c| c.is_ascii_uppercase()))
        .map(|p| (p.name.clone(), apidoc::to_snake_case(&p.name)))
        .collect();
    if renamed.is_empty() {
        return;
    }
    let new_name = |name: &str| {
        renamed
            .iter()
            .find(|(old, _)| old == name)
            .map(|(_, new)| new.clone())
    };
    let params = spec.parameters.iter_mut().chain(
        spec.auth_methods
            .iter_mut()
            .flat_map(|m| m.parameters.iter_mut()),
    );
    for p in params {
        if let Some(new) = new_name(&p.name) {
            p.name = new;
        }
    }
    for n in &mut draft.notes {
        if let Some(new) = new_name(&n.parameter) {
            n.parameter = new;
        }
    }
    let blocks = spec.oauth.iter_mut().chain(
        spec.auth_methods
            .iter_mut()
            .filter_map(|m| m.oauth.as_mut()),
    );
    for block in blocks {
        let urls = [
            &mut block.authorization_url,
            &mut block.token_url,
            &mut block.device_authorization_url,
        ];
        for url in urls.into_iter().flatten() {
            for (old, new) in &renamed {
                url.value = url
                    .value
                    .replace(&format!("{{{old}}}"), &format!("{{{new}}}"));
            }
        }
    }
    for line in &mut draft.review {
        for (old, new) in &renamed {
            *line = line.replace(&format!("`{old}`"), &format!("`{new}`"));
        }
    }
}

/// Names docs use for one value: a plain word ("User / Password") and a
/// written name (`username`) are one parameter.
const SYNONYMS: &[&[&str]] = &[
    &["username", "user", "user_name", "login", "uid"],
    &["password", "pass", "pwd", "passwd"],
    &["host", "hostname", "host_name", "server"],
    &["database", "db", "dbname", "database_name"],
];

/// Of two drafted names for one value, the one the doc writes as a name
/// (in backticks or as a placeholder) stays; the other goes, leaving its
/// flags to the one kept.
fn drop_synonyms(doc: &ApiDoc, found: &mut Found) {
    let written = |name: &str| {
        let ticked = format!("`{name}`");
        let placeholder = format!("{{{name}}}");
        doc.lines
            .iter()
            .any(|l| l.text.contains(&ticked) || l.norm().contains(&placeholder))
    };
    for group in SYNONYMS {
        let present: Vec<String> = found
            .params
            .iter()
            .filter(|c| group.contains(&c.name.as_str()))
            .map(|c| c.name.clone())
            .collect();
        let [a, b] = present.as_slice() else {
            continue;
        };
        let (keep, drop) = match (written(a), written(b)) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => continue,
        };
        let Some(gone) = found.params.iter().position(|c| &c.name == drop) else {
            continue;
        };
        let gone = found.params.remove(gone);
        if let Some(kept) = found.params.iter_mut().find(|c| &c.name == keep) {
            kept.secret |= gone.secret;
            kept.required |= gone.required;
            kept.listed |= gone.listed;
        }
    }
}

/// What a person or agent should check first: the parameters the doc does
/// not list among its settings, drafted from weaker evidence (a placeholder
/// in a request, a host, a kind of connection, an OAuth endpoint).
fn weak_evidence(params: &[Candidate]) -> Option<String> {
    let weak: Vec<String> = params
        .iter()
        .filter(|c| !c.listed)
        .map(|c| format!("`{}` (line {}: {})", c.name, c.line, c.why))
        .collect();
    if weak.is_empty() {
        return None;
    }
    let listed = params.iter().any(|c| c.listed);
    Some(if listed {
        format!(
            "check first, drafted on weak evidence (not in the doc's list of settings): {}",
            weak.join("; ")
        )
    } else {
        format!(
            "check first, the doc lists no settings: every parameter was inferred from how the doc uses it: {}",
            weak.join("; ")
        )
    })
}

/// The methods and their parameters: from rows tied to a method, else from
/// the method sub-sections' own credentials.
fn method_groups(
    view: &region::View,
    lists: &listed::Lists,
    params: &[Candidate],
) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for c in params {
        if let Some(m) = &c.method {
            match groups.iter_mut().find(|(n, _)| n == m) {
                Some((_, members)) => members.push(c.name.clone()),
                None => groups.push((m.clone(), vec![c.name.clone()])),
            }
        }
    }
    if groups.len() >= 2 {
        return order_by_selector(in_doc_order(groups, view, params), lists);
    }
    groups.clear();
    for section in view
        .methods
        .iter()
        .filter(|m| m.standing != region::Standing::SetAside)
    {
        let lines: Vec<&DocLine> = section.lines.clone();
        let mut members: Vec<String> = Vec::new();
        for u in usage::find(&lines) {
            if let Some(c) = params.iter().find(|c| c.name == u.name && !u.locates) {
                members.push(c.name.clone());
            }
        }
        // What the section names in backticks (`clientId` is `client_id`),
        // and what its heading names in words ("user ID + API key").
        let ticked = section.named();
        let heading = section.heading.to_lowercase();
        for c in params.iter() {
            let credential = c.secret || c.name == "client_id";
            let in_words = heading.contains(&c.name.replace('_', " "));
            let claimed = credential
                && (ticked.contains(&c.name) || section.claims_by_scheme(&c.name))
                || in_words;
            if claimed && !members.contains(&c.name) {
                members.push(c.name.clone());
            }
        }
        if !members.is_empty() {
            let name = describe::method_name(&section.heading);
            groups.push((name, members));
        }
    }
    // A parameter claimed by several sections is shared.
    let all: Vec<String> = groups.iter().flat_map(|(_, m)| m.clone()).collect();
    for (_, members) in &mut groups {
        members.retain(|n| all.iter().filter(|a| *a == n).count() == 1);
    }
    groups.retain(|(_, m)| !m.is_empty());
    order_by_selector(groups, lists)
}

/// Methods the doc prefers first ("Recommended", "Preferred"), then in the
/// order the doc first names their parameters.
fn in_doc_order(
    mut groups: Vec<(String, Vec<String>)>,
    view: &region::View,
    params: &[Candidate],
) -> Vec<(String, Vec<String>)> {
    let first_line = |members: &[String]| {
        params
            .iter()
            .filter(|c| members.contains(&c.name))
            .map(|c| c.line)
            .min()
            .unwrap_or(usize::MAX)
    };
    let preferred = |members: &[String]| {
        view.methods.iter().any(|m| {
            m.standing == region::Standing::Preferred
                && m.lines.iter().any(|l| {
                    members.iter().any(|n| {
                        l.text.contains(&format!("`{n}`")) || l.number == first_line(members)
                    })
                })
        })
    };
    groups.sort_by_key(|(_, members)| (!preferred(members), first_line(members)));
    groups
}

/// Methods in the selector's order, the preferred first, named by the
/// selector's values where a section's name is one of them in other words
/// (`api_tokens` → `api_token`, `oauth` → `oauth2`).
fn order_by_selector(
    mut groups: Vec<(String, Vec<String>)>,
    lists: &listed::Lists,
) -> Vec<(String, Vec<String>)> {
    if let Some(sel) = lists.selectors.iter().find(|s| s.values.len() >= 2) {
        let stem = |n: &str| {
            n.trim_end_matches(|c: char| c.is_ascii_digit() || c == 's')
                .to_string()
        };
        for (name, _) in groups.iter_mut() {
            let values: Vec<&String> = sel
                .values
                .iter()
                .filter(|v| {
                    // `token` is the selector's `api_token`, and the reverse.
                    let (v, n) = (stem(&apidoc::snake(v)), stem(name));
                    v == n || v.ends_with(&format!("_{n}")) || n.ends_with(&format!("_{v}"))
                })
                .collect();
            if let [only] = values.as_slice() {
                *name = apidoc::snake(only);
            }
        }
        groups.sort_by_key(|(n, _)| {
            sel.values
                .iter()
                .position(|v| apidoc::snake(v) == *n)
                .unwrap_or(usize::MAX)
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drafted(text: &str) -> Spec {
        draft(&ApiDoc::parse(text), "x").expect("draft").spec
    }

    #[test]
    fn a_setting_sent_as_the_app_s_client_id_takes_that_name() {
        let text = "# Travel API\n\nThe source uses the OAuth2 client-credentials grant. Two settings only:\n\n- `acme_api_key` — the API Key. On the wire it is the\n  `client_id` form field of the token request.\n- `acme_api_secret` — the API Secret. On the wire it is `client_secret`. Secret.\n\n## Authorization\n\n```\nPOST https://api.travel.example/v1/oauth2/token\n```\n\n`grant_type=client_credentials&client_id={API_KEY}&client_secret={API_SECRET}`\n";
        let d = draft(&ApiDoc::parse(text), "x").expect("draft");
        let names: Vec<(&str, bool)> = d
            .spec
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.secret))
            .collect();
        assert_eq!(names, [("client_id", false), ("client_secret", true)]);
        assert!(
            d.review
                .iter()
                .any(|r| r.contains("is the doc's `acme_api_key`")),
            "{:?}",
            d.review
        );
    }

    fn flow_of(spec: &Spec) -> Option<bool> {
        spec.oauth
            .as_ref()
            .or_else(|| spec.auth_methods.iter().find_map(|m| m.oauth.as_ref()))
            .map(|o| o.flow().is_user())
    }

    #[test]
    fn an_oauth_flow_the_authors_did_not_build_is_left_out() {
        let text = "# Tickets\n\n## How we connect\n\nTickets' auth is OAuth 2.0 all the way down, but for one organisation you don't need to run\nthe flow: a private token does.\n\n| Setting | Required |\n|---|---|\n| `private_token` | yes |\n\n### The OAuth flow we did NOT build\n\n1. Send the user to `https://www.tickets.example/oauth/authorize`.\n2. Exchange the code at `https://www.tickets.example/oauth/token`.\n\nThe connector sends `Authorization: Bearer <private_token>`.\n";
        let spec = drafted(text);
        let names: Vec<&str> = spec.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["private_token"]);
        assert_eq!(flow_of(&spec), None);
    }

    #[test]
    fn client_credentials_a_person_consents_to_are_a_u2m_flow() {
        let text = "# Hotels\n\n## Authentication\n\n| Setting | Required |\n|---|---|\n| `client_id` | yes |\n| `client_secret` | yes |\n\nThe connector expects the OAuth client credentials and goes\nthrough the consent flow when the connection is created.\n\n| Step | Endpoint |\n|---|---|\n| Authorization (browser) | `https://hotels.example/api/oauth` |\n| Token exchange | `https://hotels.example/api/access_token` |\n";
        assert_eq!(flow_of(&drafted(text)), Some(true));
    }

    #[test]
    fn a_question_names_no_grant_and_a_set_aside_paragraph_does_not_override() {
        let text = "# Music\n\n## Auth\n\nThe Music API uses OAuth 2.0 (the authorization code flow). Token URL:\n`https://accounts.music.example/api/token`. Authorize URL:\n`https://accounts.music.example/authorize`.\n\nYou paste the refresh token once.\n\n### Q: Can I skip the user login and use Client Credentials?\n\n**A:** No. The Client Credentials flow gives an app-only token with no user data.\nA catalogue-only mode using it could be added later.\n\n| Key | Required |\n|---|---|\n| `client_id` | Yes |\n| `client_secret` | Yes |\n| `refresh_token` | Yes |\n";
        assert_eq!(flow_of(&drafted(text)), Some(true));
    }

    #[test]
    fn a_cursor_the_connector_stores_is_no_setting() {
        let text = "# Music\n\n## Auth\n\nSend `Authorization: Bearer <api_token>`.\n\n| Key | Required |\n|---|---|\n| `api_token` | Yes |\n\n## Streams\n\nSync often; the connector stores the newest `played_at` and passes\nit as `after` next time.\n";
        let names: Vec<String> = drafted(text)
            .parameters
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(names, ["api_token"]);
    }

    #[test]
    fn the_endpoints_the_connector_also_supports_are_read() {
        let text = "# Code host\n\n## Authentication\n\n### Preferred: personal access token\n\nSend `Authorization: Bearer <personal_access_token>`.\n\n### Alternative: OAuth App (authorization code)\n\nFor them the connector also supports an **OAuth App** owned by the organisation:\n\n- Authorize endpoint: `https://code.example/login/oauth/authorize`\n- Token endpoint: `https://code.example/login/oauth/access_token`\n\n## Settings\n\n| Name | Required |\n|---|---|\n| `personal_access_token` | for `pat` |\n| `client_id` | for `oauth` |\n| `client_secret` | for `oauth` |\n";
        assert_eq!(flow_of(&drafted(text)), Some(true));
    }

    #[test]
    fn a_browser_url_asking_for_a_code_is_the_authorization_endpoint() {
        let text = "# Shifts\n\n## Auth\n\nUses the OAuth 2.0 authorization-code flow.\n\n| Step | Endpoint |\n|---|---|\n| Authorize (browser) | `https://once.shifts.example/my/oauth/login?client_id=...&response_type=code&scope=longlife_refresh_token` |\n| Code to token | `POST https://once.shifts.example/my/oauth/access_token` |\n\n| Key | Required |\n|---|---|\n| `client_id` | yes |\n| `client_secret` | yes |\n";
        let spec = drafted(text);
        let oauth = spec.oauth.expect("an oauth block");
        assert_eq!(
            oauth.authorization_url.map(|u| u.value),
            Some("https://once.shifts.example/my/oauth/login".to_string())
        );
    }

    #[test]
    fn tokens_issued_by_a_known_provider_name_it() {
        let text = "# Partner API\n\n## Authentication\n\nCalls are authorised with Entra ID tokens issued by the Microsoft identity platform.\nThe connector uses app-only tokens (the OAuth 2.0 client credentials grant).\n\n| Setting | Required |\n|---|---|\n| `tenant_id` | Yes |\n| `client_id` | Yes |\n| `client_secret` | Yes |\n";
        assert_eq!(flow_of(&drafted(text)), Some(false));
    }

    #[test]
    fn a_raw_token_request_and_a_refused_machine_grant_make_a_u2m_flow() {
        let text = "# Clinic\n\n## Credentials\n\nClinic only does OAuth 2.0 authorization-code. There are no API keys and no client-credentials grant.\n\nOpen `https://clinic.example/o/authorize/?response_type=code&client_id=...` in your browser.\n\n```http\nPOST /o/token/ HTTP/1.1\nHost: clinic.example\n\ngrant_type=authorization_code&code=...\n```\n\n| Key | Required |\n|---|---|\n| `client_id` | yes |\n| `client_secret` | yes |\n";
        let spec = drafted(text);
        assert_eq!(flow_of(&spec), Some(true));
        assert_eq!(
            spec.oauth.and_then(|o| o.token_url).map(|u| u.value),
            Some("https://clinic.example/o/token/".to_string())
        );
    }

    #[test]
    fn schemes_the_doc_says_are_used_together_are_one_way_in() {
        let text = "# Solar API\n\n## Security schemes\n\nEvery operation requires both of them at the same time.\n\n### ApiKey\n\nQuery `key`.\n\n### OAuth2\n\nAuthorization code.\n\n## Connector setup\n\nThe connector uses **both** schemes on every request.\n\n| Setting | Required | Secret |\n|---|---|---|\n| `api_key` | yes | yes |\n| `client_id` | yes | no |\n| `client_secret` | yes | yes |\n";
        let spec = drafted(text);
        assert!(spec.auth_methods.is_empty(), "{:?}", spec.auth_methods);
        let mut names: Vec<&str> = spec.parameters.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["api_key", "client_id", "client_secret"]);
    }

    #[test]
    fn an_oauth_heading_is_part_of_the_auth_section() {
        let text = "# Cms\n\n## Setup\n\nTwo ways to authenticate. Pick one.\n\n### Option 1 — site API token\n\nSent as `Authorization: Bearer <site_token>`.\n\n### Option 2 — OAuth app\n\nA user approves the app in the browser.\n\n- authorize: `https://cms.example/oauth/authorize?response_type=code&client_id=...`\n- token: `POST https://api.cms.example/oauth/access_token`\n\n### Settings\n\n| Setting | Required | Notes |\n|---|---|---|\n| `site_token` | when using a site token | secret |\n| `client_id` | only for OAuth | app |\n| `client_secret` | only for OAuth | secret |\n";
        let spec = drafted(text);
        let oauth = spec.auth_methods.iter().find_map(|m| m.oauth.as_ref());
        assert_eq!(
            oauth
                .and_then(|o| o.token_url.as_ref())
                .map(|u| u.value.as_str()),
            Some("https://api.cms.example/oauth/access_token")
        );
    }

    #[test]
    fn a_name_the_doc_renames_is_left_out_with_its_own_review_line() {
        let text = "# Desk API\n\n## Connection settings\n\n| Setting | Required |\n|---|---|\n| `vendor_token` | Yes |\n| `account` | Yes |\n\n## Renamed settings\n\n| Old setting | New setting |\n|---|---|\n| `vendor_token` | `api_key` |\n";
        let d = draft(&ApiDoc::parse(text), "x").expect("draft");
        let names: Vec<&str> = d.spec.all_parameters().map(|p| p.name.as_str()).collect();
        assert!(!names.contains(&"vendor_token"), "{names:?}");
        assert!(
            d.review.iter().any(|r| r.starts_with(
                "`vendor_token` (line 7) left out: the doc's table of old and new names renames it"
            )),
            "{:?}",
            d.review
        );
    }

    #[test]
    fn a_selector_value_names_the_method_it_stands_for_and_orders_it() {
        let text = "# Desk API\n\n## Authorization\n\n- **Preferred: API token.** Bearer.\n- **Alternative: OAuth.** Authorization code; token at `https://app.desk.example/oauth/token`, consent at `https://app.desk.example/oauth/authorize`.\n\n### Connection settings\n\n| Setting | Type | Required | Notes |\n|---|---|---|---|\n| `auth_type` | enum | Yes | `api_token` (default) or `oauth` |\n| `client_id` | string | only with OAuth | app id |\n| `client_secret` | string, secret | only with OAuth | app secret |\n| `api_token` | string, secret | for the token method | the token |\n";
        let spec = drafted(text);
        let methods: Vec<&str> = spec.auth_methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(methods, ["api_token", "oauth"]);
    }

    #[test]
    fn an_alternative_the_connector_stores_values_for_is_a_second_method() {
        let text = "# Tracker API\n\n## Authentication\n\nTwo ways in; keys suit pipelines.\n\n### Preferred: Personal API key\n\nSend it raw: `Authorization: <YOUR_API_KEY>`.\n\n### Alternative: OAuth 2.0 (authorization code)\n\nFor acting on behalf of users. The connector stores `client_id`, `client_secret`, and `refresh_token`, and refreshes at run time.\n\n- Authorize: `https://tracker.example/oauth/authorize`\n- Token endpoint: `POST https://api.tracker.example/oauth/token`\n\n### Fallback: session cookies (not used by this connector)\n\nLog in with `username` and `password` to get a cookie.\n";
        let spec = drafted(text);
        let methods: Vec<&str> = spec.auth_methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(methods, ["personal_api_key", "oauth"], "{spec:#?}");
        assert!(spec.auth_methods[1].oauth.is_some());
        // Without the stored values, an alternative stays aside.
        let aside = drafted(&text.replace("The connector stores", "An app would keep"));
        assert!(aside.auth_methods.is_empty(), "{aside:#?}");
        assert!(aside.parameters.iter().any(|p| p.name == "api_key"));
    }

    fn names(spec: &Spec) -> Vec<(&str, bool)> {
        spec.parameters
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect()
    }

    #[test]
    fn a_listed_set_wins_over_header_placeholders() {
        let spec = drafted(
            "# Acme API\n\n## Authentication\n\nSend `X-Api-Key: <YOUR_KEY>` with every request.\n\nRequired connection parameters: `api_key`, `account_id`.\n",
        );
        assert_eq!(names(&spec), [("account_id", true), ("api_key", true)]);
    }

    #[test]
    fn a_negated_oauth_mention_drafts_no_oauth() {
        let spec = drafted(
            "# Acme API\n\n## Auth\n\nOAuth 2.0 is not supported; use `Authorization: Bearer <api_token>`.\n",
        );
        assert!(spec.oauth.is_none());
        assert_eq!(names(&spec), [("api_token", true)]);
    }

    #[test]
    fn a_database_gets_its_connection_fields() {
        let spec = drafted(
            "# Orders DB\n\n## Authentication\n\nThe connector uses the psycopg driver with a database user and password; it connects to the host and port of the server.\n",
        );
        let n: Vec<&str> = spec.parameters.iter().map(|p| p.name.as_str()).collect();
        assert!(
            n.contains(&"host") && n.contains(&"password") && n.contains(&"database"),
            "{n:?}"
        );
    }

    #[test]
    fn a_host_placeholder_is_the_one_host_parameter_the_doc_lists() {
        let spec = drafted(
            "# Procure API\n\nInstances live at `https://<instance>.procure.example`.\n\n## Auth\n\nOAuth 2.0 client credentials grant:\n\n```\nPOST https://<instance>.procure.example/oauth2/token\n```\n\nSettings:\n\n| setting | required | secret | description |\n|---|---|---|---|\n| `procure_host` | yes | no | the instance host |\n| `client_id` | yes | no | client id |\n| `client_secret` | yes | yes | client secret |\n",
        );
        let n: Vec<&str> = spec.parameters.iter().map(|p| p.name.as_str()).collect();
        assert!(!n.contains(&"instance"), "{n:?}");
        let token = spec
            .oauth
            .as_ref()
            .and_then(|o| o.token_url.as_ref().map(|t| t.value.clone()));
        assert_eq!(
            token.as_deref(),
            Some("https://{procure_host}.procure.example/oauth2/token")
        );
    }

    #[test]
    fn a_token_a_method_lists_is_typed_even_beside_an_oauth_grant() {
        let spec = drafted(
            "# Warehouse\n\n## Auth\n\nTwo methods, pick with `auth_type`: `pat` or `oauth_m2m` (OAuth client credentials grant against `https://<server-hostname>/oidc/v1/token`).\n\nSettings:\n\n| name | needed | notes |\n| --- | --- | --- |\n| `server_hostname` | yes | the host |\n| `access_token` | with `pat` | secret |\n| `client_id` | with `oauth_m2m` | the app id |\n| `client_secret` | with `oauth_m2m` | secret |\n| `catalog` | no | default all |\n",
        );
        let methods: Vec<(&str, Vec<&str>)> = spec
            .auth_methods
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.parameters.iter().map(|p| p.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            methods,
            [
                ("pat", vec!["access_token"]),
                ("oauth_m2m", vec!["client_id", "client_secret"])
            ],
            "{spec:#?}"
        );
        assert!(
            spec.parameters
                .iter()
                .any(|p| p.name == "catalog" && !p.required)
        );
    }

    #[test]
    fn a_plain_word_and_a_written_name_for_one_value_are_one_parameter() {
        let spec = drafted(
            "# ERP\n\n## Connection\n\n| Setting | Value |\n|---|---|\n| Host | the server |\n| User / Password | a SQL login |\n\nConnection string: `Server={host};Uid={username};Pwd={password};`\n\nRequired connection parameters: `host`, `username`, `password`.\n",
        );
        let n: Vec<&str> = spec.parameters.iter().map(|p| p.name.as_str()).collect();
        assert!(n.contains(&"username") && !n.contains(&"user"), "{n:?}");
    }

    #[test]
    fn a_later_correction_changes_whether_a_setting_is_required() {
        let text = "# Tick store\n\n## Settings\n\n| Setting | Type | Required | Notes |\n|---|---|---|---|\n| `host` | string | yes | host |\n| `port` | integer | yes | port |\n| `username` | string | no | OS user by default |\n| `password` | string | no | secret |\n\n> **Review:** defaulting to the OS user is a trap.\n\n> **Answer:** Agreed, `username` becomes required. `password` stays optional.\n";
        let spec = drafted(text);
        let required = |n: &str| {
            spec.parameters
                .iter()
                .find(|p| p.name == n)
                .map(|p| p.required)
        };
        assert_eq!(required("username"), Some(true));
        assert_eq!(required("password"), Some(false));
    }
}
