//! The checks on a loaded [`Spec`] that need the whole picture: duplicate
//! names, whether each OAuth flow can find its endpoints, and the template
//! deviations worth a warning.
//!
//! Part of the base module `spec` (see docs/architecture.md).

use std::collections::HashMap;

use super::{Endpoint, OAuth, Parameter, Spec};
use crate::diagnostic::{Finding, Rule};
use crate::source::Span;
use crate::template;

/// Every finding about `spec`'s meaning, in file order.
pub fn lint(spec: &Spec) -> Vec<Finding> {
    let mut findings = Vec::new();
    let top = Span::default_at(1, 1);
    if spec.display_name.is_none() {
        findings.push(
            Finding::new(
                Rule::MissingDisplayName,
                top,
                "the spec has no `display_name`",
            )
            .help("add `display_name: <Product name>`; the source name is shown meanwhile"),
        );
    }
    if spec.external_options_allowlist.is_none() {
        findings.push(
            Finding::new(
                Rule::MissingAllowlist,
                top,
                "the spec has no `external_options_allowlist`",
            )
            .help("add `external_options_allowlist: \"\"`"),
        );
    }
    duplicates(&spec.parameters, None, &mut findings);
    for method in &spec.auth_methods {
        duplicates(&method.parameters, Some(&spec.parameters), &mut findings);
        if method.description.is_none() {
            findings.push(
                Finding::new(
                    Rule::MissingDescription,
                    method.span,
                    format!("auth method `{}` has no description", method.name),
                )
                .help("say in a sentence when to pick this method"),
            );
        }
    }
    let all = spec.all_parameters();
    for parameter in all {
        parameter_warnings(parameter, &mut findings);
    }
    if let Some(oauth) = &spec.oauth {
        if spec.auth_methods.len() > 1 {
            match spec.connection_oauth_owner() {
                Some(owner) => findings.push(Finding::new(
                    Rule::OAuthOwnerInferred,
                    oauth.span,
                    format!(
                        "this `oauth` block is taken to belong to auth method `{}`, the one with `client_id`",
                        owner.name
                    ),
                ).help("move the block inside that method to say so explicitly")),
                None => findings.push(Finding::new(
                    Rule::OAuthUnattached,
                    oauth.span,
                    "no single auth method has a `client_id` parameter, so this `oauth` block applies to none",
                ).help("add `client_id` to the method that uses OAuth, or move the block inside it")),
            }
        }
        let owner = spec.connection_oauth_owner();
        flow_checks(oauth, &spec.parameters_for(owner), &mut findings);
    }
    for method in &spec.auth_methods {
        if let Some(oauth) = &method.oauth {
            flow_checks(oauth, &spec.parameters_for(Some(method)), &mut findings);
        }
    }
    findings.sort_by_key(|f| (f.span.line, f.span.column));
    findings
}

fn duplicates(list: &[Parameter], shared: Option<&[Parameter]>, findings: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, &Parameter> = HashMap::new();
    for parameter in list {
        if let Some(first) = seen.get(parameter.name.as_str()) {
            findings.push(
                Finding::new(
                    Rule::DuplicateName,
                    parameter.span,
                    format!(
                        "parameter `{}` is declared twice in the same list (first on line {})",
                        parameter.name, first.span.line
                    ),
                )
                .label("declared again here")
                .help("each name is one key of the credentials JSON; remove or rename one"),
            );
            continue;
        }
        if let Some(first) = shared.and_then(|s| s.iter().find(|p| p.name == parameter.name)) {
            findings.push(
                Finding::new(
                    Rule::DuplicateName,
                    parameter.span,
                    format!(
                        "parameter `{}` is already a shared connection parameter (line {})",
                        parameter.name, first.span.line
                    ),
                )
                .label("declared again here")
                .help("shared parameters apply to every auth method; remove it from one list"),
            );
        }
        seen.insert(&parameter.name, parameter);
    }
}

fn parameter_warnings(parameter: &Parameter, findings: &mut Vec<Finding>) {
    if parameter.description.is_none() {
        findings.push(
            Finding::new(
                Rule::MissingDescription,
                parameter.span,
                format!("parameter `{}` has no description", parameter.name),
            )
            .help("say where the person finds this value"),
        );
    }
    if !parameter.secret && parameter.looks_secret() {
        findings.push(
            Finding::new(
                Rule::NotSecret,
                parameter.span,
                format!(
                    "parameter `{}` looks like a credential but is not marked secret",
                    parameter.name
                ),
            )
            .label("credential-looking name")
            .help("add `secret: true` so it is never echoed and uses a password input"),
        );
    }
}

/// Checks one OAuth block against the parameters a person would fill in with it.
fn flow_checks(oauth: &OAuth, scope: &[&Parameter], findings: &mut Vec<Finding>) {
    let flow = oauth.flow();
    if flow.is_user() && oauth.authorization_endpoint(scope).is_none() {
        findings.push(
            Finding::new(
                Rule::NoAuthorizationUrl,
                oauth.span,
                format!(
                    "the {} flow needs an authorization URL, and none can be found",
                    flow.as_str()
                ),
            )
            .help(
                "add `authorization_url:` to the oauth block (or an `authorization_url` parameter)",
            ),
        );
    }
    match oauth.token_endpoint(scope) {
        None => findings.push(
            Finding::new(
                Rule::NoTokenUrl,
                oauth.span,
                "the OAuth flow needs a token URL, and none can be found",
            )
            .help("add `token_url:` to the oauth block (or a `token_url` parameter)"),
        ),
        Some(Endpoint::Parameter(p)) => findings.push(
            Finding::new(
                Rule::TokenUrlFromParameter,
                p.span,
                format!("the token URL is taken from parameter `{}`", p.name),
            )
            .help("fine when it differs per account; otherwise set `oauth.token_url`"),
        ),
        Some(Endpoint::Block(_)) => {}
    }
    let urls = [
        &oauth.authorization_url,
        &oauth.token_url,
        &oauth.device_authorization_url,
    ];
    for url in urls.into_iter().flatten() {
        for (_, name) in template::placeholders(&url.value) {
            if !scope.iter().any(|p| p.name == name) {
                findings.push(
                    Finding::new(
                        Rule::UnknownPlaceholder,
                        url.span,
                        format!("`{{{name}}}` names no parameter of this flow"),
                    )
                    .label("filled from the collected values")
                    .help(format!("add a `{name}` parameter, or fix the placeholder")),
                );
            }
        }
    }
    if flow.is_user()
        && let Some(p) = scope.iter().find(|p| p.name == "refresh_token")
    {
        findings.push(
            Finding::new(
                Rule::RefreshTokenParameter,
                p.span,
                "`refresh_token` is declared, but the u2m flow obtains it",
            )
            .help("collect fills it by running the flow; it is not asked on the form"),
        );
    }
}
