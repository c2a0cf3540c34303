//! The check on Save: Step 3's auth check adapted to the verifier Step 2
//! runs before writing ([`crate::collect::Verifier`]). The only place that
//! knows both steps' verdicts; building the verifier writes no file.

use std::sync::Arc;

use crate::check::file;
use crate::check::probe::{self, DEFAULT_TIMEOUT, Outcome, Request, Verdict};
use crate::collect::{CheckResult, Verifier};
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
    Some(Arc::new(move |credentials: Credentials| {
        let (check_file, spec, http) = (check_file.clone(), spec.clone(), http.clone());
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
            result(outcome)
        })
    }))
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
                Auth::OAuth => {
                    " (a token from the OAuth provider in an Authorization: Bearer header)".into()
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
fn result(outcome: Outcome) -> CheckResult {
    let accepted = outcome.verdict == Verdict::Ok;
    CheckResult {
        accepted,
        sentence: if accepted {
            outcome.reason.clone()
        } else {
            sentence(&outcome)
        },
        detail: format!("{} — {}", outcome.verdict.as_str(), outcome.reason),
        rotated_refresh_token: outcome.rotated_refresh_token,
    }
}

/// What a negative verdict means to the person saving, and what to do.
fn sentence(outcome: &Outcome) -> String {
    let what = format!("{} — {}", outcome.verdict.as_str(), outcome.reason);
    match outcome.verdict {
        Verdict::Unreachable | Verdict::Timeout | Verdict::RateLimited | Verdict::ServerError => {
            format!(
                "The API could not give a verdict, so nothing was saved yet ({what}). Try Save again in a moment, or tick Save anyway."
            )
        }
        Verdict::BadCheck | Verdict::MissingCredentials => format!(
            "The auth check could not run ({what}): fix the auth check file, or tick Save anyway."
        ),
        Verdict::BadValue => {
            format!("A value cannot be used as typed ({what}): correct it and Save again.")
        }
        _ => format!(
            "The API did not accept these credentials, so nothing was saved yet ({what}). Correct a value and Save again, or tick Save anyway to keep them."
        ),
    }
}
