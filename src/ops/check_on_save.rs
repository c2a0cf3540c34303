//! The check on Save: Step 3's auth check adapted to the verifier Step 2
//! runs before writing ([`crate::collect::Verifier`]). The only place that
//! knows both steps' verdicts; building the verifier writes no file.
//!
//! An operation (see docs/architecture.md): it may import the steps, the readers and base modules.

use std::sync::Arc;

use crate::check::file;
use crate::check::probe::{self, DEFAULT_TIMEOUT, Outcome, Request, Verdict};
use crate::collect::form::humanise;
use crate::collect::{CheckResult, OAuthEdits, Verifier};
use crate::credentials::Credentials;
use crate::spec::Spec;
use crate::workspace::SourcePaths;

/// The auth check as a verifier for Save, whenever a complete one exists
/// or can be derived without a TODO ([`file::for_save`]); `None` when none
/// can run yet, and Save then saves without a verdict.
pub fn verifier(paths: &SourcePaths, spec: &Spec) -> Option<Verifier> {
    let check_file = file::for_save(paths, spec)?;
    let http = probe::http_client(DEFAULT_TIMEOUT).ok()?;
    let spec = spec.clone();
    Some(Arc::new(
        move |credentials: Credentials, edits: OAuthEdits| {
            let (check_file, http) = (check_file.clone(), http.clone());
            let spec = edited(&spec, &edits);
            Box::pin(async move {
                let outcome = match probe::choose(&check_file, &spec, &credentials) {
                    Ok(check) => {
                        Request {
                            http: &http,
                            file: &check_file,
                            check,
                            spec: &spec,
                            credentials: &credentials,
                            timeout: DEFAULT_TIMEOUT,
                        }
                        .send()
                        .await
                    }
                    Err(missing) => Outcome::new(
                        Verdict::MissingCredentials,
                        format!("the check needs {}", missing.join(", ")),
                    ),
                };
                result(outcome, &spec, &credentials)
            })
        },
    ))
}

/// The spec with the OAuth token URL and scopes the person edited on the
/// form: the check's token request then goes where the form's grant went.
fn edited(spec: &Spec, edits: &OAuthEdits) -> Spec {
    let mut spec = spec.clone();
    let blocks = spec.oauth.iter_mut().chain(
        spec.auth_methods
            .iter_mut()
            .filter_map(|m| m.oauth.as_mut()),
    );
    for block in blocks {
        if let Some(url) = &edits.token_url {
            block.token_url = Some(crate::spec::Located {
                value: url.clone(),
                span: crate::source::Span::default(),
            });
        }
        if let Some(scopes) = &edits.scopes {
            block.scopes = scopes.clone();
        }
    }
    spec
}

/// What Save checks, in words for the form (`GET https://… (the credential
/// in the X-Api-Key header)`), when a check can run on Save.
pub fn sends(paths: &SourcePaths, spec: &Spec) -> Option<String> {
    file::for_save(paths, spec).map(|f| checks_in_words(&f, spec))
}

/// The checks of a file in words: each one's method and URL, filled with
/// the defaults (never a secret; what the person types stays a
/// `{placeholder}`), and where the credential goes.
fn checks_in_words(file: &crate::check::AuthCheck, spec: &Spec) -> String {
    use crate::check::Auth;
    let words: Vec<String> = file
        .checks
        .iter()
        .map(|c| {
            let method = spec
                .auth_methods
                .iter()
                .find(|m| Some(&m.name) == c.auth_method.as_ref());
            let scope = spec.parameters_for(method);
            let mut url = c.url.clone();
            for (_, name) in crate::template::placeholders(&c.url) {
                let param = scope.iter().find(|p| p.name == name);
                if param.is_some_and(|p| p.secret || p.looks_secret()) {
                    continue;
                }
                let default = param
                    .and_then(|p| p.default.clone())
                    .or_else(|| file.default_value(name).map(str::to_string));
                if let Some(v) = default {
                    url = url.replace(&format!("{{{name}}}"), &v);
                }
            }
            let goes = match &c.auth {
                Auth::Basic { .. } => " (the credentials in an Authorization: Basic header)".into(),
                Auth::Bearer(_) => " (the credential in an Authorization: Bearer header)".into(),
                Auth::Header { name, .. } => format!(" (the credential in the {name} header)"),
                Auth::Query { name, .. } => {
                    format!(" (the credential in the {name} query parameter)")
                }
                Auth::OAuth { scheme } => format!(
                    " (a token from the OAuth provider in an Authorization: {} header)",
                    scheme.as_deref().unwrap_or("Bearer")
                ),
                Auth::Jwt { .. } | Auth::ClientAssertion { .. } => {
                    " (a token for a JWT signed with the key, in an Authorization: Bearer header; the key is never sent)".into()
                }
                Auth::None => String::new(),
            };
            let who = c
                .auth_method
                .as_ref()
                .map(|m| format!("for {m}: "))
                .unwrap_or_default();
            crate::report::printable(&format!("{who}{} {url}{goes}", c.method))
        })
        .collect();
    words.join("; ")
}

/// The outcome of the check, as collect needs it.
fn result(outcome: Outcome, spec: &Spec, credentials: &Credentials) -> CheckResult {
    let accepted = outcome.verdict == Verdict::Ok;
    CheckResult {
        accepted,
        sentence: if accepted {
            outcome.reason.clone()
        } else {
            sentence(&outcome, &credential_words(spec, credentials))
        },
        detail: format!("{} — {}", outcome.verdict.as_str(), outcome.reason),
        saved_anyway: saved_anyway(&outcome),
        rotated_refresh_token: outcome.rotated_refresh_token,
    }
}

/// What a negative verdict means to the person saving, in a sentence
/// without the check's jargon (that is the detail), and what to do.
fn sentence(outcome: &Outcome, what: &str) -> String {
    let status = outcome
        .status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    match outcome.verdict {
        Verdict::InvalidCredentials => format!(
            "The API refused {what}{status}: check it for a typo, correct it and try again."
        ),
        Verdict::Forbidden => format!(
            "The API knows {what} but refused access{status}: the account or token lacks a permission or scope the check needs."
        ),
        Verdict::NotFound => format!(
            "The API found nothing at the check's address{status}: a value that makes up the address (a subdomain, a base URL) is probably wrong."
        ),
        Verdict::UnexpectedResponse => format!(
            "The API did not answer as it does for working credentials{status}, so {what} may be wrong."
        ),
        Verdict::RateLimited => format!(
            "The API is limiting requests{status}, so it gave no verdict yet. Try again in a moment."
        ),
        Verdict::ServerError => format!(
            "The API had an error of its own{status}, so it gave no verdict yet. Try again in a moment."
        ),
        Verdict::Timeout => {
            "The API did not answer in time, so it gave no verdict yet. Try again in a moment."
                .to_string()
        }
        Verdict::Unreachable => unreachable(&outcome.reason),
        Verdict::BadValue => format!(
            "A value cannot be used as typed: {}. Correct it and try again.",
            first_clause(&outcome.reason)
        ),
        Verdict::BadCheck | Verdict::MissingCredentials => {
            "The auth check could not run, so these credentials were not tried: the auth check file needs fixing (the detail says what)."
                .to_string()
        }
        Verdict::Ok | Verdict::Skipped => outcome.reason.clone(),
    }
}

/// The Saved page's line when the person saved although the check did not
/// pass (or could not give a verdict).
fn saved_anyway(outcome: &Outcome) -> String {
    let said = match outcome.verdict.exit() {
        crate::error::Exit::NoVerdict => "could not give a verdict",
        crate::error::Exit::Input => "could not run",
        _ => "did not pass",
    };
    format!(
        "Saved as you asked, but the check {said}: {}",
        outcome.reason
    )
}

/// "the API key" when the credentials hold one secret, else "these
/// credentials".
fn credential_words(spec: &Spec, credentials: &Credentials) -> String {
    let secrets: Vec<String> = credentials
        .iter()
        .map(|(name, _)| name)
        .filter(|name| *name != "refresh_token")
        .filter(|name| {
            spec.all_parameters()
                .any(|p| p.name == **name && (p.secret || p.looks_secret()))
        })
        .map(humanise)
        .collect();
    match secrets.as_slice() {
        [one] => format!("the {}", lowercase_first(one)),
        _ => "these credentials".to_string(),
    }
}

/// "API key" stays, "Client secret" becomes "client secret".
fn lowercase_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            format!("{}{}", first.to_lowercase(), &label[first.len_utf8()..])
        }
        _ => label.to_string(),
    }
}

/// Up to the first ";": the part of a reason that says what is wrong.
fn first_clause(reason: &str) -> &str {
    reason.split(';').next().unwrap_or(reason).trim()
}

/// An unreachable API: a host name that does not exist is a value typed
/// wrong (the reason names the host and the value); anything else is the
/// network.
fn unreachable(reason: &str) -> String {
    if reason.contains("does not exist") {
        let said = first_clause(reason).trim_end_matches('.');
        let mut chars = said.chars();
        let said: String = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        format!("{said}. Correct it and try again.")
    } else {
        "The API could not be reached, so it gave no verdict yet. Check your network, proxy or VPN, then try again."
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Spec {
        crate::spec::load_str(crate::source::Source::new("spec.yaml", yaml.to_string()))
            .spec
            .expect("spec")
    }

    fn credentials(pairs: &[(&str, &str)]) -> Credentials {
        let mut c = Credentials::new();
        for (k, v) in pairs {
            c.insert(k, crate::secret::Secret::new(*v));
        }
        c
    }

    fn rejected(reason: &str) -> Outcome {
        let mut o = Outcome::new(Verdict::InvalidCredentials, reason);
        o.status = Some(401);
        o
    }

    #[test]
    fn a_rejected_key_is_said_in_a_sentence_with_the_jargon_in_the_detail() {
        let s = spec(
            "connection:\n  parameters:\n    - {name: api_key, secret: true, required: true}\n",
        );
        let o = rejected("HTTP 401: the API refused the credentials — {\"error\":\"bad key\"}");
        let r = result(o, &s, &credentials(&[("api_key", "k")]));
        assert!(!r.accepted);
        assert!(
            r.sentence
                .starts_with("The API refused the API key (HTTP 401): check it for a typo"),
            "{}",
            r.sentence
        );
        assert!(!r.sentence.contains("invalid_credentials") && !r.sentence.contains('{'));
        assert_eq!(
            r.detail,
            "invalid_credentials — HTTP 401: the API refused the credentials — {\"error\":\"bad key\"}"
        );
        assert_eq!(
            r.saved_anyway,
            "Saved as you asked, but the check did not pass: HTTP 401: the API refused the credentials — {\"error\":\"bad key\"}"
        );
    }

    #[test]
    fn several_secrets_are_these_credentials() {
        let s = spec(
            "connection:\n  parameters:\n    - {name: email, required: true}\n    - {name: password, secret: true}\n    - {name: otp_secret, secret: true}\n",
        );
        let c = credentials(&[("email", "e"), ("password", "p"), ("otp_secret", "o")]);
        let r = result(rejected("HTTP 401"), &s, &c);
        assert!(
            r.sentence
                .starts_with("The API refused these credentials (HTTP 401):")
        );
    }

    #[test]
    fn a_host_that_does_not_exist_is_a_value_to_correct_not_a_moment_to_wait() {
        let s = spec("connection:\n  parameters:\n    - {name: api_key, secret: true}\n");
        let c = credentials(&[("api_key", "k")]);
        let o = Outcome::new(
            Verdict::Unreachable,
            "the host acme-typo.example.com does not exist (its name does not resolve): the value of `subdomain` is probably wrong; nothing was sent (its address could not be looked up)",
        );
        let r = result(o, &s, &c);
        assert!(
            r.sentence.starts_with("The host acme-typo.example.com"),
            "{}",
            r.sentence
        );
        assert!(
            r.sentence.contains("`subdomain` is probably wrong"),
            "{}",
            r.sentence
        );
        assert!(!r.sentence.contains("in a moment"), "{}", r.sentence);
        assert!(
            r.saved_anyway.contains("could not give a verdict"),
            "{}",
            r.saved_anyway
        );
        let network = result(
            Outcome::new(Verdict::Unreachable, "cannot reach x: refused"),
            &s,
            &c,
        );
        assert!(network.sentence.contains("network"), "{}", network.sentence);
    }
}
