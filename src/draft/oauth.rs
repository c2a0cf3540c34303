//! The OAuth recogniser: whether the connector itself runs an OAuth grant,
//! which one, and its endpoints and scopes. OAuth counts only when the doc
//! gives a mechanism the connector uses (a token endpoint, a grant it
//! runs); negated, hedged and template-boilerplate mentions do not count,
//! nor does a service-account JWT grant (not one of the spec's flows).
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use super::cues::{self, CLIENT_CREDENTIALS, M2M};
use super::region::{set_aside, set_aside_on, softly_aside};
use crate::apidoc::{DocLine, normalise_placeholders};
use crate::providers::{self, Provider};
use crate::spec::Flow;

/// What the doc says of the connector's OAuth grant.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    pub flow: Flow,
    /// Why this flow, and the line that says so.
    pub flow_line: usize,
    pub token_url: Option<(String, usize)>,
    pub authorization_url: Option<(String, usize)>,
    pub scopes: Vec<String>,
    pub extra_auth_params: Vec<(String, String)>,
    /// The well-known provider the doc names, and which of its endpoints
    /// came from the catalogue rather than the doc.
    pub provider: Option<&'static Provider>,
    pub from_catalogue: Vec<&'static str>,
    /// The line where the doc has the person copy the refresh token into
    /// the connector ("Copy the refresh token into the connector").
    pub refresh_pasted: Option<usize>,
    /// The line that says the app is a public client, with no secret
    /// ("There is no client secret in this setup").
    pub public_client: Option<usize>,
}

use super::markup::lowered as lower;

/// The template's own sentence ("the connector stores client_id … and
/// exchanges them for an access token at runtime"): not evidence by itself.
/// `t` is lowercase (a line's `lower`, or a slice of it).
fn boilerplate(t: &str) -> bool {
    // "stores" holds "store"; the rarest word is asked first.
    t.contains("exchang") && t.contains("access token") && t.contains("store")
}

/// A line that negates or hedges what it says of OAuth, or a paragraph
/// marked as left over from the template.
fn discounted(text: &str) -> bool {
    // "Alternative: Square OAuth" offers a second method, not a negation.
    let t = lower(text);
    // "The connector also supports an OAuth App:" affirms a second method;
    // "the vendor also supports OAuth" hedges one.
    let affirmed = [
        "connector also support",
        "we also support",
        "connector additionally support",
    ]
    .iter()
    .any(|w| t.contains(w));
    set_aside(text) && !softly_aside(text) || !affirmed && DISCOUNTING.any_in(&t)
}

/// [`discounted`] of `t`, the line's `lower` or a slice of it: the words'
/// lists are read only where the line's cues say they can stand.
fn discounted_on(line: &DocLine, t: &str) -> bool {
    if cues::absent(line, cues::DISCOUNTING) {
        return set_aside_on(line, t) && !softly_aside(t);
    }
    discounted(t)
}

static DISCOUNTING: crate::words::WordList = crate::words::WordList::new(cues::DISCOUNTING_WORDS);

/// A sentence that says the connector has no OAuth at all: "the connector
/// has no OAuth settings", "OAuth may be supported later".
fn disowns_oauth(l: &str) -> bool {
    // Most lines name no OAuth: passed over before any allocation.
    if !lower(l).contains("oauth") {
        return false;
    }
    // "does not use OAuth scopes" says nothing of the grant.
    let l = lower(l).replace("oauth scope", "scope");
    l.contains("oauth")
        && crate::any_word!(
            &l,
            [
                "no oauth setting",
                "no oauth parameter",
                "no oauth configuration",
                "oauth is not used",
                "oauth is not supported",
                "oauth is out of scope",
                "oauth may be supported later",
                "oauth **may be supported later",
                "oauth might be supported later",
                "does not use oauth",
                "doesn't use oauth",
                "do not use oauth",
                "oauth is not part"
            ]
        )
}

/// Grant evidence in a line.
fn grant_words(text: &str) -> Option<Flow> {
    let t = lower(text);
    // Most lines hold none of the words below: one pass turns them away.
    if !GRANT_WORDS.any_in(&t) {
        return None;
    }
    // "no client-credentials grant", "not client credentials": refused.
    let said = |w: &&str| {
        t.match_indices(*w).any(|(at, _)| {
            let before = t[..at].trim_end_matches([' ', '*', '`']);
            !(before.ends_with(" no") || before.ends_with(" not") || before.ends_with("without"))
        })
    };
    let named_m2m = M2M.iter().any(said);
    let client_credentials = CLIENT_CREDENTIALS.iter().any(said);
    // "the OAuth client credentials … go through the consent flow": the
    // client's id and secret, in a grant a person consents to.
    let consented = t.contains("consent") || t.contains("authorization code");
    if named_m2m || client_credentials && (!consented || grant_named(&t)) {
        return Some(Flow::M2m);
    }
    if t.contains("authorization code")
        || t.contains("authorization_code")
        || t.contains("authorization-code")
        || t.contains("auth code")
        || t.contains("three-legged")
        || t.contains("3-legged")
        || t.contains("u2m")
        || t.contains("consent")
        || t.contains("grant_type=refresh_token")
        || t.contains("refresh token grant")
        || t.contains("refresh_token grant")
    {
        return Some(Flow::U2m);
    }
    None
}

static GRANT_WORDS: crate::words::WordList = crate::words::WordList::new(cues::GRANT_WORDS);

/// The line's machine-to-machine words are only "client credentials", not
/// the grant or flow of that name ("send the client credentials in the
/// Basic header").
fn only_client_credentials(t: &str) -> bool {
    if M2M.iter().any(|w| t.contains(w)) {
        return false;
    }
    let named_oauth = CREDENTIAL_STEMS.iter().any(|c| {
        t.match_indices(c).any(|(at, _)| {
            let before = t[..at].trim_end_matches([' ', '*', '`', '"']);
            ["oauth", "oauth 2.0", "oauth2", "("]
                .iter()
                .any(|w| before.ends_with(w))
        })
    });
    !(grant_named(t) || named_oauth)
}

/// "client credential(s)" with or without its hyphen: the stems a grant's
/// name starts with.
const CREDENTIAL_STEMS: [&str; 2] = ["client credential", "client-credential"];

/// A service account's JWT grant: not an OAuth flow of the spec.
fn jwt_grant(text: &str) -> bool {
    let t = lower(text);
    // Each case below holds one of these: most lines are turned away here.
    static WORDS: crate::words::WordList = crate::words::WordList::new(cues::JWT_WORDS);
    if !WORDS.any_in(&t) {
        return false;
    }
    t.contains("jwt-bearer")
        || t.contains("jwt bearer")
        || (t.contains("service account")
            && (t.contains("json") || t.contains("jwt") || t.contains("private key")))
        || t.contains("signed jwt")
        || t.contains("key pair")
}

/// URLs in a line, with placeholders the spec's way.
fn urls(line: &DocLine) -> Vec<String> {
    let mut found = Vec::new();
    let text = line.norm();
    // `contains` (a vector scan) turns most lines away before `find` sets
    // up its searcher.
    let mut rest = if text.contains("http") { text } else { "" };
    while let Some(at) = rest.find("http") {
        let cand = &rest[at..];
        let Some(scheme_end) = cand.find("://").filter(|i| *i <= 5) else {
            rest = &rest[at + 4..];
            continue;
        };
        let end = cand[scheme_end + 3..]
            .find(|c: char| c.is_whitespace() || "\"'`),]|<>*".contains(c))
            .map(|e| e + scheme_end + 3)
            .unwrap_or(cand.len());
        let url = cand[..end].trim_end_matches(['.', ':', ';']);
        if url.len() > scheme_end + 4 {
            found.push(normalise_placeholders(url));
        }
        rest = &cand[end..];
    }
    // "token: `{mautic_url}/oauth/v2/token`": an endpoint under the
    // instance's URL, where a label names it.
    for span in text.split('`').skip(1).step_by(2) {
        let span = span.trim();
        if let Some((name, path)) = span.strip_prefix('{').and_then(|s| s.split_once('}'))
            && !name.is_empty()
            && path.starts_with('/')
            && path.len() > 1
            && !path.contains(char::is_whitespace)
            && text
                .find(span)
                .is_some_and(|at| label_names(&text[..at]).is_some())
        {
            found.push(span.to_string());
        }
    }
    found
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.find('/')
        .map(|i| lower(&rest[i..]).into_owned())
        .unwrap_or_default()
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    lower(rest.split(['/', '?', '#']).next().unwrap_or("")).into_owned()
}

/// A URL that is a token endpoint.
fn token_endpoint(url: &str, line: &str) -> bool {
    let p = path_of(url);
    let l = lower(line);
    let docs_page = host_of(url).starts_with("docs.")
        || host_of(url).starts_with("developer")
        || p.contains("/docs/")
        || p.contains("/reference/");
    // `/o/token/`: a trailing slash changes nothing.
    let p = match p.split_once('?') {
        Some((path, query)) => format!("{}?{query}", path.trim_end_matches('/')),
        None => p.trim_end_matches('/').to_string(),
    };
    !docs_page
        && (p.ends_with("/token")
            || p.contains("/token?")
            || p.contains("/oauth/token")
            || p.contains("/oauth2/token")
            || p.contains("oauth2/v2.0/token")
            || p.contains("/access_token")
            || p.contains("/accesstoken")
            || p.contains("/tokens")
            || (p.contains("token") && (l.contains("token url") || l.contains("token endpoint"))))
}

/// A URL that is an authorization endpoint (labelled, or shaped like one).
fn authorization_endpoint(url: &str, line: &str) -> bool {
    let p = path_of(url);
    // "Authorization: Bearer …" in a request is a header, not a label.
    let l = lower(line).replace("authorization: ", "");
    // A browser request for a code, whatever its path
    // (`/my/oauth/login?…&response_type=code&scope=…`).
    let asks_code = p.contains("response_type=code");
    if asks_code && !p.split('?').next().unwrap_or(&p).contains("token") {
        return true;
    }
    if l.contains("scope") && !l.contains("authoriz") {
        return false;
    }
    let labelled = (l.contains("authoriz")
        || l.contains("authorise")
        || l.contains("consent")
        || l.contains("auth url"))
        && (l.contains("url")
            || l.contains("endpoint")
            || l.contains("redirect the")
            || l.contains("open")
            || l.contains(":"));
    let shaped = p.contains("/authorize")
        || p.contains("/authorization")
        || p.contains("/oauth/auth")
        || p.contains("/oauth2/auth")
        || p.ends_with("/auth")
        || p.contains("/consent");
    // `scope=offline_token` in the query says nothing of the endpoint.
    let path_only = p.split('?').next().unwrap_or(&p);
    !path_only.contains("token") && (shaped || (labelled && !p.is_empty() && p != "/"))
}

/// Recognises the connector's OAuth grant in `lines` (the chosen auth lines).
pub fn recognise(lines: &[&DocLine]) -> Option<Recognised> {
    // `disowns_oauth` lowercases again, which changes no line's `lower`:
    // a line without "oauth" is passed over before it.
    if lines
        .iter()
        .any(|l| !l.code && l.lower.contains("oauth") && disowns_oauth(&l.lower))
    {
        return None;
    }
    grant_in(lines)
}

/// Where the doc has the person paste a refresh token; a later part that
/// replaces an earlier one (true: the line is passed over) makes what the
/// earlier part said about pasting no longer hold.
fn replaced_or_pasted(
    line: &DocLine,
    l: &str,
    before: Option<&DocLine>,
    refresh_pasted: &mut Option<usize>,
) -> bool {
    if !line.code && super::region::replaces_earlier_on(line, l) {
        *refresh_pasted = None;
        return true;
    }
    // The sentence may start on the line before ("You do not\npaste a
    // refresh token.").
    let opening = || {
        before
            .filter(|b| !b.code && !line.code)
            .map_or("", |b| b.lower.rsplit(['.', ':']).next().unwrap_or(""))
    };
    if refresh_pasted.is_none()
        && l.contains("refresh")
        && pastes_refresh_token(&format!("{} {l}", opening()))
    {
        *refresh_pasted = Some(line.number);
    }
    false
}

/// [`discounted`] of the line after line `i`, `next` its `lower` ("" when
/// there is none).
fn next_discounted(lines: &[&DocLine], i: usize, next: &str) -> bool {
    lines
        .get(i + 1)
        .map_or_else(|| discounted(next), |n| discounted_on(n, next))
}

/// [`grant_words`] of `l`, the line's `lower` or a slice of it: none in a
/// question ("Can I use Client Credentials?"); a sentence read whole when
/// it runs on ("… the OAuth client credentials and goes / through the
/// consent flow").
fn grant_on(line: &DocLine, l: &str, next: &str) -> Option<Flow> {
    if cues::absent(line, cues::GRANT) || l.ends_with('?') {
        return None;
    }
    let grant = grant_words(l);
    if grant == Some(Flow::M2m) && !line.code && !l.ends_with('.') && !next.trim().is_empty() {
        return grant_words(&format!("{l} {}", next.trim()));
    }
    grant
}

/// The line saying the OAuth app has no secret: "a public client", "no
/// client secret", "without a client secret", "the client secret is not
/// needed".
fn public_client(lines: &[&DocLine]) -> Option<usize> {
    lines
        .iter()
        .filter(|l| {
            !l.code && (l.lower.contains("client secret") || l.lower.contains("public client"))
        })
        .find(|l| {
            let t = l.lower.replace('*', "");
            crate::any_word!(
                &t,
                [
                    "public client",
                    "no client secret",
                    "without a client secret",
                    "without client secret",
                    "client secret is not needed",
                    "client secret is not required",
                    "there is no client secret"
                ]
            ) && !t.contains("confidential client")
        })
        .map(|l| l.number)
}

/// A bullet's or numbered item's first line (`text` trimmed).
fn starts_item(text: &str) -> bool {
    text.starts_with("- ")
        || text.starts_with("* ")
        // A number starts with a digit (or `+`): other lines are not split.
        || text
            .as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_digit() || *c == b'+')
            && text
                .split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u8>().is_ok())
}

/// Whether the paragraph (or list item) starting at `lines[0]` sets what
/// it describes aside in a later line ("2. **OAuth 2.0 for service apps**
/// … / The connector is not supporting it for the moment").
fn paragraph_set_aside(lines: &[&DocLine]) -> bool {
    lines
        .iter()
        .enumerate()
        .take_while(|(k, l)| {
            !l.code && !l.text.trim().is_empty() && (*k == 0 || !starts_item(l.text.trim()))
        })
        .any(|(_, l)| discounted_on(l, &l.lower))
}

/// "client credentials grant" or "… flow": the grant, not the pair.
fn grant_named(t: &str) -> bool {
    CREDENTIAL_STEMS.iter().any(|c| {
        t.match_indices(c).any(|(at, _)| {
            let after = t[at + c.len()..].trim_start_matches([' ', '*', '`', ')', '"', 's']);
            after.starts_with("grant") || after.starts_with("flow")
        })
    })
}

/// The flow so far, with the grant `f` that `lines[0]` names: a machine
/// grant overrides a person's only in prose whose paragraph does not go on
/// to set it aside ("Client Credentials … could be added later").
fn update_flow(flow: &mut Option<(Flow, usize)>, f: Flow, lines: &[&DocLine]) {
    let Some(line) = lines.first() else { return };
    let overrides = f == Flow::M2m
        && !line.code
        && !lines
            .iter()
            .take_while(|l| !l.text.trim().is_empty() && !l.code)
            .any(|l| discounted_on(l, &l.lower));
    if flow.is_none() || overrides {
        *flow = flow
            .filter(|(old, _)| *old == Flow::M2m)
            .or(Some((f, line.number)));
    }
}

/// The grant the lines describe, read line by line (see [`recognise`]).
fn grant_in(lines: &[&DocLine]) -> Option<Recognised> {
    let mut flow: Option<(Flow, usize)> = None;
    // Machine-to-machine said in words other than a bare "client
    // credentials" (which often means the client's id and secret).
    let mut m2m_said = false;
    let mut token: Option<(String, usize)> = None;
    let mut authorize: Option<(String, usize)> = None;
    let mut mentions = false;
    let mut jwt = false;
    let mut provider: Option<&'static Provider> = None;
    let mut discounted_paragraph = false;
    let mut previous_blank = true;
    let mut refresh_pasted = None;
    // "Things that exist but are **not** used by this connector:" over a
    // list: every item of it is set aside.
    let mut disowned_list = false;
    for (i, line) in lines.iter().enumerate() {
        let text = line.text.trim();
        if text.is_empty() {
            previous_blank = true;
            discounted_paragraph = false;
            continue;
        }
        let item = list_item(line);
        if !line.code && !item {
            disowned_list = text.ends_with(':') && discounted_on(line, &line.lower);
        }
        if disowned_list && item {
            continue;
        }
        // A paragraph (or a bullet) is judged by its own words and, for the
        // first line after a template sentence, by the note that follows.
        let next = lines.get(i + 1).map(|l| l.text.as_str()).unwrap_or("");
        if previous_blank || starts_item(text) {
            discounted_paragraph = !line.code && paragraph_set_aside(&lines[i..]);
        }
        previous_blank = false;
        // The word checks read the line lowercased once.
        let l = line.lower.trim();
        let next = lines.get(i + 1).map(|l| l.lower.as_str()).unwrap_or(next);
        if !line.code && discounted_on(line, l) {
            discounted_paragraph = true;
        }
        // Asked once: a discounted paragraph's line goes no further.
        let template = !discounted_paragraph && boilerplate(l);
        if discounted_paragraph
            || template
                && (next_discounted(lines, i, next)
                    || next.trim().is_empty()
                        && lines.get(i + 2).is_some_and(|l| discounted_on(l, &l.lower)))
        {
            continue;
        }
        if !cues::absent(line, cues::JWT) && jwt_grant(l) {
            jwt = true;
        }
        if l.contains("oauth") && !template {
            mentions = true;
        }
        let before = i.checked_sub(1).and_then(|b| lines.get(b).copied());
        if replaced_or_pasted(line, l, before, &mut refresh_pasted) {
            continue;
        }
        let grant = grant_on(line, l, next);
        // `-d grant_type=client_credentials` says the grant, even in code.
        if grant == Some(Flow::M2m) && !only_client_credentials(l) {
            m2m_said = true;
        }
        if let Some(f) = grant {
            update_flow(&mut flow, f, &lines[i..]);
        }
        endpoints(lines, i, &mut token, &mut authorize, &mut provider);
    }
    if jwt && flow.is_none_or(|(f, _)| f != Flow::M2m) {
        return None;
    }
    // A mechanism: an endpoint the grant runs against, or a well-known
    // provider whose endpoints the catalogue holds; not just a name.
    let has_mechanism = token.is_some() || authorize.is_some() || provider.is_some();
    if !has_mechanism || !(mentions || flow.is_some()) {
        return None;
    }
    let (flow, flow_line) = decide_flow(lines, flow, m2m_said, &token, &authorize);
    let extra = extra_auth_params(lines, &authorize);
    let mut r = Recognised {
        flow,
        flow_line,
        authorization_url: authorize.map(|(u, l)| (strip_query(&u), l)),
        token_url: token,
        scopes: scopes(lines),
        extra_auth_params: extra,
        provider,
        from_catalogue: Vec::new(),
        refresh_pasted,
        public_client: public_client(lines),
    };
    complete_from_catalogue(&mut r, lines);
    Some(r)
}

/// The endpoints and provider line `i` names, where none was found yet:
/// its URLs, a host with paths, a raw request's `Host:` line.
fn endpoints(
    lines: &[&DocLine],
    i: usize,
    token: &mut Option<(String, usize)>,
    authorize: &mut Option<(String, usize)>,
    provider: &mut Option<&'static Provider>,
) {
    let Some(line) = lines.get(i) else { return };
    let text = line.text.trim();
    let mut found = urls(line);
    found.extend(host_and_paths(text));
    found.extend(raw_request(lines, i));
    *provider = provider.or_else(|| provider_of(line, text, &found));
    // Most lines hold no URL: nothing below is read for them.
    if found.is_empty() {
        return;
    }
    let label = label_of(lines, i);
    let posts_grant = posts_a_grant(lines, i);
    let labelled = endpoint_label(text);
    // A form POSTed to ("`POST https://…/auth` with `username` and
    // `password`") is a login, not the browser's authorization endpoint.
    let posted = text.contains("POST http") || text.contains("POST `http");
    for url in found {
        let token_label = labelled == Some(Endpoint::Token);
        if token.is_none() && (token_label || token_endpoint(&url, &label) || posts_grant) {
            *token = Some((strip_query(&url), line.number));
        } else if authorize.is_none()
            && (labelled == Some(Endpoint::Authorize)
                || !posted && authorization_endpoint(&url, &label))
        {
            *authorize = Some((url.clone(), line.number));
        }
    }
}

/// Which endpoint a label names.
#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Token,
    Authorize,
}

/// The endpoint a line's own label names, whatever the URL's path says:
/// "| Token | `https://…/v2/token_endpoint` |", "- authorize: `https://…`".
fn endpoint_label(text: &str) -> Option<Endpoint> {
    let at = text.find("http")?;
    label_names(&text[..at])
}

/// The endpoint the words before a URL name ("- token:", "| Authorize |").
fn label_names(before: &str) -> Option<Endpoint> {
    let label = before
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let label = label.trim_end_matches(|c: char| !c.is_alphanumeric());
    // "Authorize (browser)", "Token (POST)": the words before the aside.
    let label = label.split_once(" (").map_or(label, |(l, _)| {
        l.trim_end_matches(|c: char| !c.is_alphanumeric())
    });
    const TOKEN: &[&str] = &[
        "token",
        "token url",
        "token uri",
        "token endpoint",
        "access token url",
        "access token endpoint",
    ];
    const AUTHORIZE: &[&str] = &[
        "authorize",
        "authorization",
        "authorization url",
        "authorization endpoint",
        "authorize url",
        "auth url",
        "consent",
        "consent url",
    ];
    if TOKEN.contains(&label) {
        Some(Endpoint::Token)
    } else if AUTHORIZE.contains(&label) {
        Some(Endpoint::Authorize)
    } else {
        None
    }
}

/// A line of a list: a bullet, a numbered item, or a continuation line.
fn list_item(line: &DocLine) -> bool {
    line.text.starts_with("  ") || starts_item(line.text.trim())
}

/// Line `i` with the label on the line before it (`- Authorization
/// endpoint:` over an indented URL), which names the URL too.
fn label_of(lines: &[&DocLine], i: usize) -> String {
    let text = lines.get(i).map_or("", |l| l.text.trim());
    match i.checked_sub(1).and_then(|p| lines.get(p)) {
        Some(prev) if prev.text.trim_end().ends_with(':') && !prev.text.contains("://") => {
            format!("{} {text}", prev.text.trim())
        }
        _ => text.to_string(),
    }
}

/// A `curl -X POST <url>` whose request (the same code block) sends a
/// `grant_type`: its URL is the token endpoint, whatever its path says
/// (`/oauth/authorize/client`).
fn posts_a_grant(lines: &[&DocLine], i: usize) -> bool {
    let Some(line) = lines.get(i) else {
        return false;
    };
    let l = &line.lower;
    // `curl -X POST …`, or a raw `POST /o/token/ HTTP/1.1` request.
    let raw = l.starts_with("post /") && l.contains(" http/");
    if !line.code || !raw && (!l.contains("curl") || !(l.contains("post") || l.contains(" -d"))) {
        return false;
    }
    lines[i..]
        .iter()
        .take_while(|l| l.code && !l.text.trim().is_empty())
        .take(8)
        .any(|l| l.lower.contains("grant_type"))
}

/// "Copy the refresh token into the connector", "paste the refresh_token":
/// the person, not a consent flow, gives the connector its refresh token.
fn pastes_refresh_token(l: &str) -> bool {
    (l.contains("refresh token") || l.contains("refresh_token"))
        && crate::any_word!(&l, ["copy the", "paste", "copies the"])
        && !discounted(l)
        // "nobody pastes it", "the user never paste a token".
        && !crate::any_word!(&l, ["nobody", "nothing", "never", "no one", "not ", "n't"])
}

/// A raw HTTP request (`POST /oauth/token HTTP/1.1` over `Host:
/// id.example.com` in the same code block): the URL it is sent to.
fn raw_request(lines: &[&DocLine], i: usize) -> Option<String> {
    let line = lines.get(i)?;
    if !line.code {
        return None;
    }
    let mut words = line.text.split_whitespace();
    let (method, path, version) = (words.next()?, words.next()?, words.next()?);
    if !["POST", "GET"].contains(&method) || !path.starts_with('/') || !version.starts_with("HTTP/")
    {
        return None;
    }
    lines[i + 1..]
        .iter()
        .take_while(|l| l.code && !l.text.trim().is_empty())
        .take(8)
        .find_map(|l| {
            let (name, value) = l.text.split_once(':')?;
            let host = value.trim();
            // A host name (and port) only: no user info, path or query.
            let plain = host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:".contains(&b));
            (name.trim().eq_ignore_ascii_case("host") && !host.is_empty() && plain)
                .then(|| format!("https://{host}{path}"))
        })
}

/// Endpoints written as a host and paths: "Lever's auth server
/// (`auth.lever.co`), standard `/authorize` and `/oauth/token` endpoints"
/// names `https://auth.lever.co/authorize` and its token URL.
fn host_and_paths(text: &str) -> Vec<String> {
    // No backtick, no span: most lines are passed over unsplit.
    if !text.as_bytes().contains(&b'`') {
        return Vec::new();
    }
    let spans = || text.split('`').skip(1).step_by(2);
    let host = spans().find(|t| {
        t.contains('.')
            && !t.starts_with('.')
            && t.chars().any(|c| c.is_ascii_alphabetic())
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    });
    let Some(host) = host else {
        return Vec::new();
    };
    spans()
        .filter(|t| t.starts_with('/') && t.len() > 1 && !t.contains(' '))
        .map(|p| format!("https://{host}{p}"))
        .collect()
}

/// The provider a line names: by its words next to "OAuth", by the host of
/// a URL, or by a `Host:` header over a token request.
/// `text` is the line's, trimmed.
fn provider_of(line: &DocLine, text: &str, urls: &[String]) -> Option<&'static Provider> {
    // A line without the words `named` asks for names none (read from its
    // cues; `named` lowercases the text as the line's `lower` is).
    let named = if cues::absent(line, cues::PROVIDER) {
        None
    } else {
        providers::named(text)
    };
    named
        .or_else(|| urls.iter().find_map(|u| providers::endpoint(u)))
        .or_else(|| {
            let t = text.trim_start_matches(['-', '*', ' ', '`']);
            t.strip_prefix("Host:")
                .or_else(|| t.strip_prefix("host:"))
                .and_then(|h| providers::by_host(h.trim()))
        })
}

/// Fills what the doc leaves out of a well-known provider's OAuth from the
/// catalogue: the token URL, the authorization URL of a u2m grant, and the
/// parameters the provider needs to return a refresh token.
fn complete_from_catalogue(r: &mut Recognised, lines: &[&DocLine]) {
    let Some(p) = r.provider else { return };
    let line = r.flow_line;
    if r.token_url.is_none() {
        r.token_url = Some((p.token_url.to_string(), line));
        r.from_catalogue.push("token URL");
    }
    if r.flow.is_user() {
        if r.authorization_url.is_none() {
            r.authorization_url = Some((p.authorization_url.to_string(), line));
            r.from_catalogue.push("authorization URL");
        }
        for (k, v) in p.offline {
            if !r.extra_auth_params.iter().any(|(ek, _)| ek == k) {
                r.extra_auth_params.push((k.to_string(), v.to_string()));
                r.from_catalogue.push("offline-access parameters");
            }
        }
        r.from_catalogue.dedup();
    }
    fill_tenant(r, lines);
}

/// A catalogue endpoint's `{tenant_id}` the doc fixes for every account
/// ("the connector signs in through the `common` tenant").
fn fill_tenant(r: &mut Recognised, lines: &[&DocLine]) {
    let Some(p) = r.provider else { return };
    let said = p.tenants.iter().find(|t| {
        let ticked = format!("`{t}` tenant");
        let plain = format!("{t} tenant");
        let path = format!("/{t}/oauth2");
        lines.iter().any(|l| {
            l.lower.contains(&ticked) || l.lower.contains(&plain) || l.lower.contains(&path)
        })
    });
    let Some(tenant) = said else { return };
    for url in [&mut r.token_url, &mut r.authorization_url]
        .into_iter()
        .flatten()
    {
        url.0 = url.0.replace("{tenant_id}", tenant);
    }
}

/// The flow: the grant words seen, else an authorization endpoint or a
/// refresh token (u2m), else the client-credentials grant (m2m). A bare
/// "client credentials" weighs less than an authorization endpoint: a
/// person consenting in a browser is u2m.
fn decide_flow(
    lines: &[&DocLine],
    flow: Option<(Flow, usize)>,
    m2m_said: bool,
    token: &Option<(String, usize)>,
    authorize: &Option<(String, usize)>,
) -> (Flow, usize) {
    match flow {
        Some((Flow::M2m, _)) if !m2m_said && authorize.is_some() => {
            (Flow::U2m, authorize.as_ref().map_or(1, |a| a.1))
        }
        Some(f) => f,
        None if authorize.is_some() => (Flow::U2m, authorize.as_ref().map_or(1, |a| a.1)),
        None => {
            let refresh = lines.iter().find(|l| {
                let t = &l.lower;
                (t.contains("refresh token") || t.contains("refresh_token")) && !discounted(&l.text)
            });
            match refresh {
                Some(l) => (Flow::U2m, l.number),
                None => (Flow::M2m, token.as_ref().map_or(1, |t| t.1)),
            }
        }
    }
}

/// Extra parameters of the authorization URL (`access_type=offline`), from
/// its query or from a backticked query the doc shows.
fn extra_auth_params(
    lines: &[&DocLine],
    authorize: &Option<(String, usize)>,
) -> Vec<(String, String)> {
    authorize
        .as_ref()
        .and_then(|(u, _)| u.split_once('?').map(|(_, q)| q.to_string()))
        .or_else(|| {
            lines.iter().find_map(|l| {
                l.text
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .find(|s| {
                        s.contains("access_type=")
                            || s.contains("prompt=")
                            || (l.lower.contains("authoriz")
                                && s.split_once('=').is_some_and(|(k, _)| {
                                    !k.is_empty()
                                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                                        && !crate::spec::FLOW_PARAMS.contains(&k)
                                        && k != "grant_type"
                                }))
                    })
                    .map(str::to_string)
            })
        })
        .map(|q| {
            q.split('&')
                .filter_map(|p| p.split_once('='))
                .filter(|(k, _)| !crate::spec::FLOW_PARAMS.contains(k) && !k.contains(' '))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn strip_query(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_string()
}

/// A line about what goes wrong ("| `403` on `/oauth/token` | … |",
/// "Insufficient scope"): the scopes it names are in an error message.
fn reports_an_error(lower: &str) -> bool {
    crate::any_word!(
        lower,
        [
            "401",
            "403",
            "insufficient",
            "access_denied",
            "invalid_scope",
            "error"
        ]
    )
}

/// Scopes: backticked words on lines about scopes, or scope URLs.
fn scopes(lines: &[&DocLine]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for l in lines {
        if !l.lower.contains("scope") || discounted(&l.text) || reports_an_error(&l.lower) {
            continue;
        }
        for span in l.text.split('`').skip(1).step_by(2) {
            for word in span.split([' ', ',']) {
                let w = word.trim();
                let plausible = !w.is_empty()
                    && !w.contains('=')
                    && !w.contains('{')
                    && w != "scope"
                    && w != "scopes"
                    // `403`, `/oauth/token`, `/api/v2/...`: a status or a path.
                    && !w.chars().all(|c| c.is_ascii_digit())
                    && !w.starts_with('/')
                    && !w.contains("..")
                    && !w.ends_with(':')
                    // `pat-na1-`: the prefix of a token, not a scope.
                    && !w.ends_with('-')
                    && w.len() < 120;
                if plausible && !found.iter().any(|f| f == w) {
                    found.push(w.to_string());
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidoc::ApiDoc;

    fn recognised(text: &str) -> Option<Recognised> {
        let doc = ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        recognise(&lines)
    }

    #[test]
    fn negated_hedged_and_boilerplate_mentions_are_not_oauth() {
        for text in [
            "OAuth 2.0 is not supported for this connector; use the API key.\n",
            "OAuth may be available for partner apps later.\n",
            "The connector stores `client_id`, `client_secret` and `refresh_token` and exchanges them for an access token at runtime; it does not run user-facing OAuth flows.\n\n(↑ template sentence; there is no OAuth here.)\n",
            "- OAuth: the connector stores client_id, client_secret and refresh_token and exchanges them for an access token at runtime. ← copied from the template, ignore.\n",
        ] {
            assert_eq!(recognised(text), None, "{text}");
        }
    }

    #[test]
    fn a_tenant_the_doc_fixes_fills_the_catalogue_endpoint() {
        let r = recognised("Ads signs in with Microsoft Entra ID **OAuth 2.0 authorization code**: a person consents in the browser.\nThe connector signs in through the\n`common` tenant.\n").expect("oauth");
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://login.microsoftonline.com/common/oauth2/v2.0/token")
        );
        let r = recognised("Ads signs in with Microsoft Entra ID **OAuth 2.0 authorization code**: a person consents in the browser.\n").expect("oauth");
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token")
        );
    }

    #[test]
    fn endpoints_under_the_instance_url_placeholder() {
        let r = recognised("1. **OAuth2 (authorization code)**: a user consents in the browser.\n   - authorize: `<mautic_url>/oauth/v2/authorize`\n   - token: `<mautic_url>/oauth/v2/token` (`grant_type=authorization_code`, later `grant_type=refresh_token`)\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert_eq!(
            r.authorization_url.map(|t| t.0).as_deref(),
            Some("{mautic_url}/oauth/v2/authorize")
        );
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("{mautic_url}/oauth/v2/token")
        );
    }

    #[test]
    fn scopes_in_an_error_table_are_not_the_scopes() {
        let doc = ApiDoc::parse(
            "Required scope: `read:users`.\n\n| `403` on `/oauth/token` | not granted (`access_denied`) |\n| `403` on `/api/v2/...` | `Insufficient scope, expected any of: read:logs` |\n",
        );
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        assert_eq!(scopes(&lines), ["read:users"]);
    }

    #[test]
    fn client_credentials_with_a_tenant_token_url() {
        let r = recognised("Microsoft Entra ID **OAuth 2.0 client credentials** flow.\n\n```\nPOST https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token\n```\n").expect("oauth");
        assert_eq!(r.flow, Flow::M2m);
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token")
        );
    }

    #[test]
    fn scope_urls_are_not_endpoints() {
        let r = recognised("OAuth 2.0 authorization code.\n- Authorize URL: `https://accounts.example.com/o/oauth2/v2/auth?access_type=offline&prompt=consent`\n- Token URL: `https://oauth2.example.com/token`\n- Scopes: `https://www.example.com/auth/yt.readonly`\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert_eq!(
            r.authorization_url.map(|a| a.0).as_deref(),
            Some("https://accounts.example.com/o/oauth2/v2/auth")
        );
        assert_eq!(r.scopes, ["https://www.example.com/auth/yt.readonly"]);
        assert_eq!(r.extra_auth_params.len(), 2);
        let r = recognised(
            "# A\n\n## OAuth\n\nTick the read scopes, copy the token (starts with `pat-na1-`).\n\n- Scopes: `crm.read tickets`\n- Authorize: `https://a.example/oauth/authorize`\n- Token: `https://a.example/oauth/token`\n",
        )
        .unwrap();
        assert_eq!(r.scopes, ["crm.read", "tickets"]);
    }

    #[test]
    fn a_request_with_an_authorization_header_is_no_authorize_endpoint() {
        let r = recognised("Sign in with OAuth 2.0 (authorization code).\n\n```\ncurl -H \"Authorization: Bearer <token>\" https://api.ledger.example/me\n```\n\n- Authorize URL: `https://ledger.example/oauth/authorize`\n- Token URL: `https://ledger.example/oauth/token`\n").expect("oauth");
        assert_eq!(
            r.authorization_url.map(|a| a.0).as_deref(),
            Some("https://ledger.example/oauth/authorize")
        );
    }

    #[test]
    fn an_endpoint_labelled_in_a_table_is_that_endpoint_whatever_its_path() {
        let r = recognised("FreeAgent uses OAuth 2.0 with the authorization code flow.\n\n| Purpose | URL |\n|---|---|\n| Authorization | `https://api.books.example/v2/approve_app` |\n| Token | `https://api.books.example/v2/token_endpoint` |\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://api.books.example/v2/token_endpoint")
        );
        assert_eq!(
            r.authorization_url.map(|a| a.0).as_deref(),
            Some("https://api.books.example/v2/approve_app")
        );
    }

    #[test]
    fn endpoints_written_as_a_host_and_paths() {
        let r = recognised("- Authorization code flow against the auth server (`auth.crm.example`), standard `/authorize` and `/oauth/token` endpoints.\n- The authorize request must carry `audience=https://api.crm.example/v1/`.\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://auth.crm.example/oauth/token")
        );
        assert_eq!(
            r.authorization_url.map(|a| a.0).as_deref(),
            Some("https://auth.crm.example/authorize")
        );
        assert_eq!(
            r.extra_auth_params,
            [(
                "audience".to_string(),
                "https://api.crm.example/v1/".to_string()
            )]
        );
    }

    #[test]
    fn client_credentials_sent_in_a_header_are_no_m2m_grant_beside_a_browser_consent() {
        let doc = "## OAuth\n\n| Authorize (browser) | `https://pins.example/oauth/` |\n| Token | `https://api.pins.example/v5/oauth/token` |\n\nThe API wants the client credentials in the Basic header at the token endpoint.\n";
        assert_eq!(recognised(doc).map(|r| r.flow), Some(Flow::U2m));
        let grant = doc.replace("client credentials in", "client credentials grant in");
        assert_eq!(recognised(&grant).map(|r| r.flow), Some(Flow::M2m));
    }

    #[test]
    fn a_service_account_jwt_is_not_an_oauth_flow() {
        assert_eq!(
            recognised(
                "Service account JSON key; the connector signs a JWT (jwt-bearer grant) at https://oauth2.example.com/token\n"
            ),
            None
        );
    }

    #[test]
    fn a_raw_token_request_names_its_endpoint_by_its_host_line() {
        let r = recognised(
            "## Auth\n\nOAuth 2.0 client credentials grant:\n\n```http\nPOST /oauth/token HTTP/1.1\nHost: id.example.io\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=<id>\n```\n",
        )
        .expect("oauth");
        assert_eq!(r.flow, Flow::M2m);
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://id.example.io/oauth/token")
        );
        let odd = recognised(
            "## Auth\n\nOAuth 2.0 client credentials grant:\n\n```http\nPOST /oauth/token HTTP/1.1\nHost: evil.example@id.example.io\n\ngrant_type=client_credentials\n```\n",
        );
        assert!(odd.is_none_or(|r| r.token_url.is_none()));
    }

    #[test]
    fn a_curl_posting_a_grant_names_the_token_endpoint_whatever_its_path() {
        let r = recognised("Client credentials token, Basic auth with id:secret:\n\n```bash\ncurl -s -X POST https://api.clips.example/oauth/authorize/client \\\n  -u \"$ID:$SECRET\" \\\n  -d '{\"grant_type\":\"client_credentials\",\"scope\":\"public\"}'\n```\n").expect("oauth");
        assert_eq!(r.flow, Flow::M2m);
        assert_eq!(
            r.token_url.map(|(u, _)| u).as_deref(),
            Some("https://api.clips.example/oauth/authorize/client")
        );
        assert_eq!(r.authorization_url, None);
    }

    #[test]
    fn a_refresh_token_the_person_copies_is_said_and_one_nobody_pastes_is_not() {
        let pasted = recognised("OAuth **authorization code grant**.\n\n- Token: `https://id.shop.example/oauth/token`\n- Copy the refresh token into the connector (`refresh_token`).\n").expect("oauth");
        assert_eq!(pasted.refresh_pasted, Some(4));
        let kept = recognised("OAuth **authorization code grant**.\n\n- Token: `https://id.shop.example/oauth/token`\n- The connector keeps the refresh token it receives (nobody pastes it).\n").expect("oauth");
        assert_eq!(kept.refresh_pasted, None);
        let split = recognised("OAuth **authorization code grant**.\n\n- Token: `https://id.shop.example/oauth/token`\n\nThe integration refreshes tokens itself. You do not\npaste a refresh token.\n").expect("oauth");
        assert_eq!(split.refresh_pasted, None);
    }

    #[test]
    fn an_alternative_method_is_offered_not_negated() {
        let r = recognised("- **Preferred: access token.** Bearer.\n- **Alternative: Acme OAuth.** For when the seller won't hand over the token. Authorization code flow; consent once in the setup wizard.\n  Token URL: `https://connect.acme.example/oauth2/token`, a partner app is needed.\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert!(r.token_url.is_some());
        assert!(recognised("OAuth 2.0 is the alternative, but it is not supported here.\nToken URL: `https://connect.acme.example/oauth2/token`\n").is_none());
    }

    #[test]
    fn a_list_the_doc_disowns_and_a_connector_with_no_oauth_settings_have_no_grant() {
        let listed = "Things that exist but are **not** used by this connector:\n\n- **mTLS client certificates.** Maybe later.\n- **The Cloud API** (OAuth 2.0 client credentials against\n  `https://auth.cloud.example/oauth/token`). It cannot read messages.\n\nThe connector signs in with SCRAM.\n";
        assert_eq!(recognised(listed), None);
        let decided = "1. **API key.** Basic auth.\n2. **OAuth 2.0 (public apps).** Authorization code at `https://{domain}.desk.example/oauth/authorize` and `.../oauth/token`.\n\n> **Decision:** Basic auth with an API key; the connector has no OAuth settings.\n";
        assert_eq!(recognised(decided), None);
        // "does not use OAuth scopes" keeps the grant.
        let scopes = "OAuth 2.0 client credentials; token from `https://login.build.example/oauth/token`.\n\nCorrection: the API does not use OAuth scopes.\n";
        assert_eq!(recognised(scopes).map(|r| r.flow), Some(Flow::M2m));
    }

    #[test]
    fn a_method_set_aside_later_in_its_item_is_not_the_grant() {
        let text = "Two kinds of credential:\n\n1. **API token** (the one we use).\n2. **OAuth 2.0 for Okta service apps** (client credentials, scopes like `okta.users.read`).\n   It needs a signed client assertion. The connector is not supporting it for the moment, maybe in a later version.\n";
        assert!(recognised(text).is_none());
    }

    #[test]
    fn a_provider_named_without_endpoints_is_completed_from_the_catalogue() {
        let r = recognised("Auth goes through **Okta** OAuth 2.0: a person consents in the browser (authorization code).\n").expect("oauth");
        assert_eq!(r.flow, Flow::U2m);
        assert_eq!(
            r.token_url.map(|t| t.0).as_deref(),
            Some("https://{okta_domain}/oauth2/default/v1/token")
        );
        assert!(r.from_catalogue.contains(&"authorization URL"));
    }

    #[test]
    fn a_posted_login_form_is_no_authorization_endpoint() {
        let text = "Uses OAuth 2.0 authorization code; token at `https://id.vault.example/oauth/token`.\n\nThe old session login: `POST https://vault.example/api/v1/auth` with `username` and `password`.\n";
        let r = recognised(text).expect("oauth");
        assert_eq!(r.authorization_url, None);
    }

    #[test]
    fn a_public_client_has_no_secret() {
        let text = "OAuth 2.0; the connector refreshes at `https://id.shifts.example/connect/token`.\n\nThere is **no client secret** in this setup: the app is a public client.\n";
        assert!(recognised(text).and_then(|r| r.public_client).is_some());
        let confidential = "OAuth 2.0; token at `https://id.shifts.example/connect/token` with the client secret.\n";
        assert!(
            recognised(confidential)
                .and_then(|r| r.public_client)
                .is_none()
        );
    }
}
