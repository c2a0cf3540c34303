//! What the form says about the auth check that ran on Save: one sentence
//! a person reads ("The API refused the API key (HTTP 401)") and what to
//! do, with the check's own words (verdict, reason, the API's answer)
//! folded below as the detail. Also the line a Saved page shows when the
//! person saved although the check did not pass.

use super::form::{Form, Problem};
use crate::check::run::{Outcome, Verdict};
use crate::spec::AuthMethod;

/// The problem a negative verdict puts at the top of the form.
pub fn problem(outcome: &Outcome, form: &Form, method: Option<&AuthMethod>) -> Problem {
    let status = outcome
        .status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    let what = credential_words(form, method);
    let headline = match outcome.verdict {
        Verdict::InvalidCredentials => format!(
            "The API refused {what}{status}. Check for a typo (Show reveals what you typed), correct it and Save again."
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
            "The API is limiting requests{status}, so it gave no verdict. Save again in a moment."
        ),
        Verdict::ServerError => format!(
            "The API had an error of its own{status}, so it gave no verdict. Save again in a moment."
        ),
        Verdict::Timeout => {
            "The API did not answer in time, so it gave no verdict. Save again in a moment."
                .to_string()
        }
        Verdict::Unreachable => unreachable(&outcome.reason),
        Verdict::BadValue => format!(
            "A value cannot be used as typed: {}. Correct it and Save again.",
            first_clause(&outcome.reason)
        ),
        Verdict::BadCheck | Verdict::MissingCredentials => {
            "The auth check could not run, so these credentials were not tried: the auth check file needs fixing (the detail says what)."
                .to_string()
        }
        Verdict::Ok | Verdict::Skipped => "The check passed.".to_string(),
    };
    Problem::new(None, headline).with_detail(detail(outcome))
}

/// The check's own words: the verdict and its reason.
pub fn detail(outcome: &Outcome) -> String {
    format!("{}: {}", outcome.verdict.as_str(), outcome.reason)
}

/// The Saved page's line when the person saved although the check did not
/// pass (or it could not give a verdict).
pub fn saved_anyway(outcome: &Outcome) -> String {
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

/// "the API key" when the chosen method has one secret field, else "these
/// credentials".
fn credential_words(form: &Form, method: Option<&AuthMethod>) -> String {
    let chosen = method.map(|m| m.name.as_str());
    let secrets: Vec<String> = form
        .fields
        .iter()
        .filter(|f| f.parameter.secret && !f.from_flow && !f.selector)
        .filter(|f| {
            f.methods.is_empty() || chosen.is_some_and(|m| f.methods.iter().any(|x| x == m))
        })
        .map(|f| f.label())
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
/// wrong; anything else is the network.
fn unreachable(reason: &str) -> String {
    if reason.contains("DNS") || reason.contains("does not exist") {
        let said = first_clause(reason).trim_end_matches('.');
        let mut chars = said.chars();
        let said = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
            None => String::new(),
        };
        format!("{said}. Correct it and Save again.")
    } else {
        "The API could not be reached, so it gave no verdict. Check your network, proxy or VPN, then Save again."
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    fn form(yaml: &str) -> Form {
        let loaded =
            crate::spec::load_str(crate::source::Source::new("spec.yaml", yaml.to_string()));
        let spec: Spec = loaded.spec.expect("spec");
        Form::new(&spec, "acme")
    }

    fn rejected(reason: &str) -> Outcome {
        let mut o = Outcome::new(Verdict::InvalidCredentials, reason);
        o.status = Some(401);
        o
    }

    #[test]
    fn a_rejected_key_is_said_in_a_sentence_with_the_jargon_below() {
        let f = form(
            "connection:\n  parameters:\n    - {name: api_key, secret: true, required: true}\n",
        );
        let o = rejected("HTTP 401: the API refused the credentials — {\"error\":\"bad key\"}");
        let p = problem(&o, &f, None);
        assert!(
            p.message
                .starts_with("The API refused the API key (HTTP 401)."),
            "{}",
            p.message
        );
        assert!(!p.message.contains("invalid_credentials") && !p.message.contains('{'));
        assert_eq!(
            p.detail.as_deref(),
            Some(
                "invalid_credentials: HTTP 401: the API refused the credentials — {\"error\":\"bad key\"}"
            )
        );
    }

    #[test]
    fn several_secrets_are_these_credentials() {
        let f = form(
            "connection:\n  parameters:\n    - {name: email, required: true}\n    - {name: password, secret: true}\n    - {name: otp_secret, secret: true}\n",
        );
        let p = problem(&rejected("HTTP 401"), &f, None);
        assert!(
            p.message
                .starts_with("The API refused these credentials (HTTP 401).")
        );
    }

    #[test]
    fn a_host_that_does_not_exist_is_a_value_to_correct_not_a_moment_to_wait() {
        let f = form("connection:\n  parameters:\n    - {name: api_key, secret: true}\n");
        let o = Outcome::new(
            Verdict::Unreachable,
            "the host acme-typo.example.com does not exist (DNS): `subdomain` is probably wrong; nothing was sent",
        );
        let p = problem(&o, &f, None);
        assert!(p.message.contains("acme-typo.example.com"), "{}", p.message);
        assert!(p.message.contains("probably wrong"), "{}", p.message);
        assert!(!p.message.contains("in a moment"), "{}", p.message);
        let network = problem(
            &Outcome::new(Verdict::Unreachable, "cannot reach x: refused"),
            &f,
            None,
        );
        assert!(network.message.contains("network"), "{}", network.message);
    }

    #[test]
    fn saving_anyway_says_the_check_did_not_pass() {
        let line = saved_anyway(&rejected("HTTP 401: the API refused the credentials"));
        assert_eq!(
            line,
            "Saved as you asked, but the check did not pass: HTTP 401: the API refused the credentials"
        );
        let late = saved_anyway(&Outcome::new(
            Verdict::Timeout,
            "api.x did not answer within 15 s",
        ));
        assert!(late.contains("could not give a verdict"), "{late}");
    }
}
