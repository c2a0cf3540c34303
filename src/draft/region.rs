//! Which lines of an API doc speak for the connector: the auth section (by
//! its heading, whatever the author called it), without the parts about
//! methods the connector does not use, and the method sub-sections with
//! whether the doc prefers, supports or sets each aside.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::{ApiDoc, DocLine};
use crate::words::WordList;

use super::cues;

/// How the doc regards a method sub-section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// "Preferred", "Chosen", "Recommended", "used by this connector".
    Preferred,
    /// "Also supported", or no word either way.
    Supported,
    /// "Alternative" or "Fallback" where the connector still stores that
    /// method's values: a second method the person may choose.
    Alternative,
    /// "Alternative", "Fallback", "Deprecated", "not used", "not supported".
    SetAside,
}

/// Words that set a method aside only softly: it remains one the
/// connector can run when the doc says what it stores for it.
pub fn softly_aside(text: &str) -> bool {
    let t = text.to_lowercase();
    (t.contains("alternative") || t.contains("fallback") || t.contains("secondary"))
        && !set_aside(&t.replace("alternative", "").replace("fallback", ""))
}

/// A section saying what the connector keeps for its method.
fn stores_values(lines: &[&DocLine]) -> bool {
    lines.iter().filter(|l| !l.code).any(|l| {
        let t = &l.lower;
        let supports = t.contains("connector also supports")
            || t.contains("also supported")
            || t.contains("both supported");
        (supports
            || (t.contains("connector stores") || t.contains("connector is configured with"))
                && t.contains('`'))
            && !set_aside(&t.replace("alternative", "").replace("fallback", ""))
    })
}

/// A method sub-section of the auth section.
#[derive(Debug, Clone)]
pub struct MethodSection<'d> {
    pub heading: String,
    pub standing: Standing,
    pub lines: Vec<&'d DocLine>,
    /// The section's first prose lines, lowercased: where it says how it
    /// stands ("alternative", "not used").
    pub opening: String,
}

impl MethodSection<'_> {
    /// The names the section writes in backticks, snake_case and without a
    /// dotted prefix (`cfg.clientId` is `client_id`).
    pub fn named(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.text.contains('`'))
            .flat_map(|l| super::markup::backticked_raw(&l.text))
            .filter_map(|t| super::markup::identifier(t.rsplit('.').next().unwrap_or(&t)))
            .map(|n| crate::apidoc::to_snake_case(&n))
            .collect()
    }

    /// Whether the section's heading names the scheme a credential belongs
    /// to: an OAuth heading claims `client_id`, a key heading `*key*`.
    pub fn claims_by_scheme(&self, name: &str) -> bool {
        let h = self.heading.to_lowercase();
        h.contains("oauth") && (name == "client_id" || name == "client_secret")
            || h.contains("key") && name.contains("key")
            || h.contains("token") && name.contains("token")
            || h.contains("basic") && name.contains("password")
    }
}

/// The doc as drafting reads it.
pub struct View<'d> {
    /// Lines that do not describe something the connector does not use.
    pub usable: Vec<&'d DocLine>,
    /// The auth section's usable lines; the whole usable doc when the doc
    /// has no auth section.
    pub auth: Vec<&'d DocLine>,
    pub methods: Vec<MethodSection<'d>>,
}

/// Words by which a part of a doc replaces an earlier one ("Replaces the
/// … step above", "(later — this wins)").
pub fn replaces_earlier(t: &str) -> bool {
    static WINS: WordList = WordList::new(cues::THIS_WINS_WORDS);
    static REPLACING: WordList = WordList::new(cues::REPLACES_WORDS);
    WINS.any_in(t)
        || revised_heading(t)
        || REPLACING.any_in(t)
            && crate::any_word!(
                t,
                [
                    "above",
                    "earlier",
                    "previous",
                    "older",
                    "first draft",
                    "latest",
                    "v1 "
                ]
            )
}

/// [`replaces_earlier`] of `t`, the line's `lower` or a slice of it: a line
/// without the words can only be a revised heading.
pub fn replaces_earlier_on(line: &DocLine, t: &str) -> bool {
    if cues::absent(line, cues::THIS_WINS | cues::REPLACES) {
        return revised_heading(t);
    }
    replaces_earlier(t)
}

/// A heading that presents a later version of what came before: "## 4.
/// Settings (revised)", "## Final decision", "### Corrected settings".
fn revised_heading(t: &str) -> bool {
    t.trim_start().starts_with('#')
        && crate::any_word!(
            t,
            [
                "revised",
                "final decision",
                "(final)",
                "(updated)",
                "corrected",
                "amended"
            ]
        )
}

/// Words that set a method or a mention aside.
pub fn set_aside(text: &str) -> bool {
    let t = super::markup::lowered(text);
    // "later `grant_type=refresh_token`": later in a sequence, not a plan.
    let t = if t.contains("later `") {
        std::borrow::Cow::Owned(t.replace("later `", "then `"))
    } else {
        t
    };
    // "are **not** used": emphasis inside the words still negates.
    if t.contains('*') {
        return SET_ASIDE.any_in(&t.replace('*', ""));
    }
    SET_ASIDE.any_in(&t)
}

/// [`set_aside`] of `t`, the line's `lower` or a slice of it: a line
/// without the words, read with its emphasis removed (which may join
/// them), is passed over unread. A slice of it holds none of them either
/// way; nor does it hold "later `", which holds "later", one of them.
pub fn set_aside_on(line: &DocLine, t: &str) -> bool {
    if cues::absent(line, cues::SET_ASIDE_UNSTARRED) {
        return false;
    }
    set_aside(t)
}

static SET_ASIDE: WordList = WordList::new(cues::SET_ASIDE_WORDS);

/// Words that mark the method the connector uses.
fn preferred(text: &str) -> bool {
    let t = text.to_lowercase();
    crate::any_word!(
        &t,
        [
            "preferred",
            "chosen",
            "recommended",
            "used by this connector",
            "used by the connector",
            "this connector uses",
            "the connector uses",
            "selected",
            "primary",
            "✅"
        ]
    ) && !t.contains("not recommended")
}

/// Words that say a heading is about an authentication scheme.
pub fn names_a_scheme(heading: &str) -> bool {
    let h = heading.to_lowercase();
    // No scheme word holds a separator, so no occurrence crosses one.
    SCHEME_WORDS.any_in(&h) && !not_a_method(&h)
}

/// The words of [`names_a_scheme`], matched in one pass.
static SCHEME_WORDS: crate::words::WordList = crate::words::WordList::new(&[
    "api key",
    "api-key",
    "apikey",
    "token",
    "oauth",
    "basic",
    "bearer",
    "password",
    "service account",
    "service principal",
    "ssh",
    "private key",
    "key pair",
    "key-pair",
    "jwt",
    "pat",
    "client credential",
    "app password",
    "application password",
    "private app",
    "signature",
    "hmac",
    "certificate",
    "sso",
    "saml",
    "kerberos",
    "ntlm",
    "method",
    "option",
]);

/// Sub-headings of an auth section that are not methods.
fn not_a_method(h: &str) -> bool {
    crate::any_word!(
        &h,
        [
            "base url",
            "base-url",
            "endpoint",
            "host",
            "rate limit",
            "limits",
            "role",
            "permission",
            "scope",
            "discovery",
            "lifetime",
            "expir",
            "refresh",
            "region",
            "example",
            "parameter",
            "header",
            "error",
            "verif",
            "testing",
            "validation",
            "troubleshoot",
            "storage",
            "storing",
            "rotation",
            "where to find",
            "obtain",
            "getting",
            "setup",
            "set up",
            "summary",
            "notes",
            "request",
            "placement",
            "caching",
            "crumb",
            "csrf",
            "environment",
            "sandbox",
            "data center",
            "datacenter"
        ]
    )
}

impl<'d> View<'d> {
    pub fn new(doc: &'d ApiDoc) -> View<'d> {
        let mut usable = Vec::new();
        let mut auth: Vec<&DocLine> = Vec::new();
        let mut paragraph_aside = false;
        let item_aside = unused_items(&doc.lines);
        // A section's flags are worked out once, not once per line (the
        // lines of one section share their heading path).
        let mut last: Option<(*const [String], bool, bool)> = None;
        for (index, line) in doc.lines.iter().enumerate() {
            let key = std::sync::Arc::as_ptr(&line.section_path);
            let (aside_section, in_auth) = match last {
                Some((k, aside, in_auth)) if std::ptr::eq(k, key) => (aside, in_auth),
                _ => {
                    let aside = line
                        .section_path
                        .iter()
                        .skip(1)
                        .any(|h| other_methods_intro(h) || unused_heading(h));
                    let in_auth = line.auth_depth.is_some();
                    last = Some((key, aside, in_auth));
                    (aside, in_auth)
                }
            };
            let t = line.text.trim();
            if t.is_empty() || t.starts_with('#') {
                paragraph_aside = false;
            } else if !line.code
                && t.len() > 20
                && !cues::absent(line, cues::OTHER_METHODS)
                && other_methods_intro(&line.lower)
            {
                paragraph_aside = true;
            }
            if paragraph_aside || aside_section || item_aside[index] {
                continue;
            }
            usable.push(line);
            if in_auth {
                auth.push(line);
            }
        }
        let has_auth_section = auth
            .iter()
            .any(|l| !l.text.trim().is_empty() && !l.text.starts_with('#'));
        let methods = if has_auth_section {
            method_sections(&auth)
        } else {
            Vec::new()
        };
        View {
            auth: if has_auth_section {
                auth
            } else {
                usable.clone()
            },
            usable,
            methods,
        }
    }

    /// An "Alternative: …" section set aside by its ranking word alone is
    /// a method the connector supports when the doc's list of settings
    /// holds its credentials (the `.env` keeps `CLIENT_ID` for the
    /// alternative OAuth): the list is stronger evidence than the rank.
    pub fn confirm_alternatives(&mut self, listed: &[&str]) {
        let names: Vec<Vec<String>> = self.methods.iter().map(MethodSection::named).collect();
        for i in 0..self.methods.len() {
            let m = &self.methods[i];
            let opening = m.opening.replace("alternative", "").replace("fallback", "");
            if m.standing != Standing::SetAside || !softly_aside(&m.heading) || set_aside(&opening)
            {
                continue;
            }
            let own = listed.iter().any(|n| {
                let credential = crate::spec::credential_like(n) || *n == "client_id";
                let elsewhere = names
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.iter().any(|o| o == n));
                credential
                    && !elsewhere
                    && (names[i].iter().any(|o| o == n) || m.claims_by_scheme(n))
            });
            if own {
                self.methods[i].standing = Standing::Alternative;
            }
        }
    }

    /// The auth lines a draft reads: the auth section without the method
    /// sub-sections the doc sets aside (when it keeps another).
    pub fn chosen_auth(&self) -> Vec<&'d DocLine> {
        let kept_any = self
            .methods
            .iter()
            .any(|m| m.standing != Standing::SetAside);
        if !kept_any {
            return self.auth.clone();
        }
        let aside: std::collections::HashSet<usize> = self
            .methods
            .iter()
            .filter(|m| m.standing == Standing::SetAside)
            .flat_map(|m| m.lines.iter().map(|l| l.number))
            .collect();
        self.auth
            .iter()
            .copied()
            .filter(|l| !aside.contains(&l.number))
            .collect()
    }
}

/// A heading that marks its whole section as unused: "Marketing Cloud
/// REST API (not used)", "SOAP endpoint — not supported".
fn unused_heading(heading: &str) -> bool {
    let h = heading.to_lowercase();
    // "OAuth? (no)", "OAuth — no", "SOAP API: not for us": a heading that
    // answers its own question in the negative.
    let answered_no = [
        "(no)",
        "? no",
        "— no",
        "- no",
        ": no",
        "(not for us)",
        "not for us",
    ]
    .iter()
    .any(|w| h.trim_end_matches(['.', '!', ' ', '*']).ends_with(w));
    answered_no
        || crate::any_word!(
            &h,
            [
                "not used",
                "not supported",
                "unsupported",
                "out of scope",
                "not implemented",
                "not for the connector",
                "not for this connector",
                "not used by",
                "not to use",
                "don't use",
                "do not use",
                "what to avoid",
                "not build",
                "not built",
                "n't build",
                "not implement",
                "n't implement",
                "deprecated",
                "retired",
                "no longer"
            ]
        )
}

/// Words by which a bullet says its own subject is not used ("- **HTTP
/// interface** (`https://<host>:8443/`): … The connector doesn't use it.").
fn item_unused(text: &str) -> bool {
    let t = text.to_lowercase();
    !t.contains("required")
        && crate::any_word!(
            &t,
            [
                "not used",
                "doesn't use",
                "does not use",
                "don't use",
                "do not use",
                "isn't used",
                "not supported",
                "unsupported",
                "not for the connector",
                "not for this connector"
            ]
        )
}

/// The bullets of `lines` (each with its indented continuation lines) that
/// say their subject is not used: the indexes of all their lines.
fn unused_items(lines: &[DocLine]) -> Vec<bool> {
    let mut aside = vec![false; lines.len()];
    let bullet = |t: &str| {
        let t = t.trim_start();
        t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ")
    };
    let mut i = 0;
    while i < lines.len() {
        if lines[i].code || !bullet(&lines[i].text) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len()
            && !lines[end].code
            && !lines[end].text.trim().is_empty()
            && !bullet(&lines[end].text)
            && lines[end].text.starts_with([' ', '\t'])
        {
            end += 1;
        }
        let item: Vec<&str> = lines[i..end].iter().map(|l| l.text.as_str()).collect();
        if item_unused(&item.join(" ")) {
            aside[i..end].iter_mut().for_each(|a| *a = true);
        }
        i = end;
    }
    aside
}

/// "Other supported methods (not used by this connector)" and the like.
fn other_methods_intro(text: &str) -> bool {
    static WORDS: WordList = WordList::new(cues::OTHER_METHODS_WORDS);
    WORDS.any_in(&super::markup::lowered(text))
}

fn method_sections<'d>(auth: &[&'d DocLine]) -> Vec<MethodSection<'d>> {
    let mut sections: Vec<MethodSection<'d>> = Vec::new();
    let mut last: Option<(*const String, bool)> = None;
    for line in auth {
        let Some(depth) = line.auth_depth else {
            continue;
        };
        let Some(heading) = line.section_path.get(depth + 1) else {
            continue;
        };
        // The lines of one section share their heading: judged once.
        let scheme = match last {
            Some((at, scheme)) if std::ptr::eq(at, heading) => scheme,
            _ => names_a_scheme(heading),
        };
        last = Some((heading, scheme));
        if !scheme {
            continue;
        }
        match sections.iter_mut().find(|s| s.heading == *heading) {
            Some(s) => s.lines.push(line),
            None => sections.push(MethodSection {
                heading: heading.clone(),
                standing: Standing::Supported,
                lines: vec![line],
                opening: String::new(),
            }),
        }
    }
    if sections.is_empty() {
        sections = labelled_methods(auth);
    }
    for s in &mut sections {
        // The heading and the section's first prose lines say how it stands.
        s.opening = s
            .lines
            .iter()
            .filter(|l| !l.code)
            .take(4)
            .map(|l| l.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let opening = &s.opening;
        s.standing = if softly_aside(&s.heading)
            && !set_aside(&opening.replace("alternative", "").replace("fallback", ""))
            && stores_values(&s.lines)
        {
            Standing::Alternative
        } else if set_aside(&s.heading) && !preferred(&s.heading) {
            Standing::SetAside
        } else if preferred(&s.heading) {
            Standing::Preferred
        } else if set_aside(opening) && !preferred(opening) {
            Standing::SetAside
        } else if preferred(opening) {
            Standing::Preferred
        } else {
            Standing::Supported
        };
    }
    sections
}

/// A paragraph or bullet opening with a bold label that ranks a method:
/// "**Preferred: personal access token.**", "- **Alternative**: OAuth
/// app — …". Returns the method's heading ("Preferred: personal access
/// token"), when what it names is a scheme.
fn method_label(text: &str) -> Option<String> {
    let t = text.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .unwrap_or(t);
    let inner = t.trim_start().strip_prefix("**")?;
    let (bold, rest) = inner.split_once("**")?;
    let b = bold.to_lowercase();
    let ranked = [
        "preferred",
        "alternative",
        "fallback",
        "secondary",
        "recommended",
        "primary",
    ]
    .iter()
    .any(|w| b.starts_with(w));
    if !ranked {
        return None;
    }
    let named = match bold.split_once(':') {
        Some((_, n)) if !n.trim().is_empty() => n.trim().trim_end_matches('.').to_string(),
        _ => rest
            .trim_start_matches([':', ' ', '—', '-', '–'])
            .split(['—', '.', '('])
            .next()
            .unwrap_or("")
            .replace('`', "")
            .trim()
            .to_string(),
    };
    let rank = bold.split(':').next().unwrap_or(bold).trim();
    names_a_scheme(&named).then(|| format!("{rank}: {named}"))
}

/// Method sub-sections written as labelled paragraphs rather than
/// headings: each runs from its label to the next label or heading.
fn labelled_methods<'d>(auth: &[&'d DocLine]) -> Vec<MethodSection<'d>> {
    let mut sections: Vec<MethodSection<'d>> = Vec::new();
    let mut open: Option<usize> = None;
    for line in auth {
        let t = line.text.trim();
        if t.starts_with('#') {
            open = None;
            continue;
        }
        if !line.code
            && let Some(heading) = method_label(t)
        {
            sections.push(MethodSection {
                heading,
                standing: Standing::Supported,
                lines: Vec::new(),
                opening: String::new(),
            });
            open = Some(sections.len() - 1);
        }
        let same_section = |s: &MethodSection<'d>| {
            s.lines
                .first()
                .is_none_or(|f| std::sync::Arc::ptr_eq(&f.section_path, &line.section_path))
        };
        if let Some(i) = open
            && same_section(&sections[i])
        {
            sections[i].lines.push(line);
        }
    }
    // One label alone ranks nothing.
    if sections.len() < 2 {
        sections.clear();
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_what_not_to_use_heading_sets_its_section_aside() {
        assert!(unused_heading("What NOT to use"));
        assert!(unused_heading("Things we don't use"));
        assert!(!unused_heading("How we use the API"));
        // A heading answering its own question in the negative.
        assert!(unused_heading("OAuth? (no)"));
        assert!(unused_heading("SOAP API — no"));
        assert!(!unused_heading("OAuth? Yes"));
        assert!(!unused_heading("Step 2: Authorize the app"));
    }

    #[test]
    fn auth_headings_in_many_words() {
        for h in [
            "Authorization",
            "**Authentication**",
            "1. Authentication Method",
            "Auth",
            "Authentication & Connection",
            "Security",
            "Getting Credentials",
        ] {
            assert!(crate::apidoc::is_auth_heading(h), "{h}");
        }
        for h in ["Object List", "Read API for Data Retrieval", "Rate limits"] {
            assert!(!crate::apidoc::is_auth_heading(h), "{h}");
        }
    }

    #[test]
    fn method_headings_and_other_sub_headings() {
        for h in [
            "API Key (preferred)",
            "OAuth 2.0",
            "Basic auth",
            "Personal access token",
        ] {
            assert!(names_a_scheme(h), "{h}");
        }
        for h in [
            "Base URL",
            "Rate limits",
            "Roles & permissions",
            "Token lifetime",
            "Token discovery",
        ] {
            assert!(!names_a_scheme(h), "{h}");
        }
    }

    #[test]
    fn labelled_paragraphs_are_method_sections() {
        let doc = ApiDoc::parse(
            "# Hub\n\n## Authorization\n\n**Preferred: personal access token.** Send it as a bearer token.\n\n**Alternative: OAuth app.** The connector stores the `client_id` and `client_secret`.\n\n- Token URL: `https://hub.example/oauth/token`\n",
        );
        let view = View::new(&doc);
        let methods: Vec<(&str, Standing)> = view
            .methods
            .iter()
            .map(|m| (m.heading.as_str(), m.standing))
            .collect();
        assert_eq!(
            methods,
            [
                ("Preferred: personal access token", Standing::Preferred),
                ("Alternative: OAuth app", Standing::Alternative)
            ]
        );
        assert_eq!(view.methods[1].lines.len(), 4);
        assert_eq!(method_label("- **Chosen method**: API key"), None);
    }

    #[test]
    fn an_alternative_whose_credentials_the_settings_hold_is_a_method() {
        let text = "# Sync\n\n## Auth\n\n### Preferred: API key\n\nSend the key with Basic.\n\n### Alternative: OAuth2\n\nA partner registers an app; the owner signs in. You need `clientId` and `clientSecret`.\n";
        let doc = ApiDoc::parse(text);
        let mut view = View::new(&doc);
        assert_eq!(view.methods[1].standing, Standing::SetAside);
        // Settings that hold no OAuth credential leave it aside…
        view.confirm_alternatives(&["api_key", "start_date"]);
        assert_eq!(view.methods[1].standing, Standing::SetAside);
        // …and settings that hold its client id make it a method.
        view.confirm_alternatives(&["api_key", "client_id", "client_secret"]);
        assert_eq!(view.methods[1].standing, Standing::Alternative);
        // An alternative the doc says is not used stays aside.
        let doc = ApiDoc::parse(&text.replace("A partner", "Not supported yet. A partner"));
        let mut view = View::new(&doc);
        view.confirm_alternatives(&["api_key", "client_id", "client_secret"]);
        assert_eq!(view.methods[1].standing, Standing::SetAside);
    }

    #[test]
    fn a_section_headed_not_used_is_left_out() {
        let doc = ApiDoc::parse(
            "# Drop\n\n## Connecting\n\nLog in with `username` and `password`.\n\n### Reporting REST API (not used)\n\nTokens come from https://x.test/v2/token with client credentials.\n",
        );
        let view = View::new(&doc);
        assert!(view.usable.iter().all(|l| !l.text.contains("v2/token")));
    }

    #[test]
    fn set_aside_methods_are_left_out() {
        let doc = ApiDoc::parse(
            "# X\n\n## Authentication\n\n### API key (preferred)\n\nSend `X-Api-Key: <api_key>`.\n\n### OAuth 2.0 (not used by this connector)\n\nToken at https://x.test/oauth/token\n",
        );
        let view = View::new(&doc);
        assert_eq!(
            view.methods.len(),
            1,
            "{:?}",
            view.methods.iter().map(|m| &m.heading).collect::<Vec<_>>()
        );
        assert!(
            view.chosen_auth()
                .iter()
                .all(|l| !l.text.contains("oauth/token"))
        );
    }

    #[test]
    fn a_bullet_saying_its_subject_is_not_used_is_set_aside_whole() {
        let doc = ApiDoc::parse(
            "# DB\n\n## Auth\n\n- **HTTP interface** (`https://<host>:8443/`): SQL over HTTP.\n  The connector doesn't use it; `GET https://<host>:8443/ping` needs no login.\n- `dsn` (required): the connection string.\n",
        );
        let view = View::new(&doc);
        assert!(view.usable.iter().all(|l| !l.text.contains("8443")));
        assert!(view.usable.iter().any(|l| l.text.contains("`dsn`")));
    }
}
