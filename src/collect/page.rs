//! The HTML pages of the browser form, rendered with auto-escaping
//! templates: the form (with the values typed so far, never secrets), the
//! success page and short message pages.
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use minijinja::Environment;
use minijinja::value::Serde;
use serde_json::json;

use super::form::{Field, Form, Problem, humanise};
use crate::credentials::Credentials;
use crate::secret::Secret;
use crate::spec::ParamType;

/// The compiled templates.
pub struct Pages {
    env: Environment<'static>,
}

/// What stays the same for every render of one run's form.
pub struct Frame<'a> {
    pub path: &'a str,
    pub csrf: &'a str,
    pub redirect_uri: &'a str,
    pub warnings: &'a [String],
    pub audience: &'a Audience,
    /// What Save sends to check the credentials (under `authenticate`).
    pub checks: Option<&'a str>,
}

/// Who started the form, which decides how the pages speak of what comes
/// after them and how to cancel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Audience {
    /// A person at a terminal (`collect`, `authenticate`): Ctrl+C there
    /// cancels too, and the terminal carries on after Save.
    #[default]
    Terminal,
    /// An assistant over MCP: there is no terminal for this person; Cancel
    /// declines the request, and the assistant carries on after Save.
    Assistant,
    /// `demo`: the sandbox's values to type, and a throw-away workspace.
    Demo {
        values: Vec<(String, String)>,
        /// The workspace stays after the demo (`--keep`).
        kept: bool,
    },
}

impl Audience {
    fn view(&self) -> serde_json::Value {
        match self {
            Audience::Terminal => json!({"kind": "terminal"}),
            Audience::Assistant => json!({"kind": "assistant"}),
            Audience::Demo { values, kept } => json!({
                "kind": "demo",
                "values": values.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
                "kept": kept,
            }),
        }
    }
}

/// How a Save ended, for the Saved page.
#[derive(Debug, Clone, Copy, Default)]
pub enum Checked<'a> {
    /// No check ran.
    #[default]
    NotRun,
    /// The check passed: its reason.
    Passed(&'a str),
    /// Saved anyway: what the check said.
    SavedAnyway(&'a str),
}

/// What a render shows of one attempt: the chosen method, what was typed
/// (secrets are dropped before they get here), and what was wrong.
#[derive(Default)]
pub struct Attempt<'a> {
    pub method: Option<&'a str>,
    pub typed: &'a [(String, String)],
    pub problems: &'a [Problem],
    pub stored: Option<&'a Credentials>,
    /// Secrets typed earlier in this run, held by the server.
    pub kept: Option<&'a Credentials>,
    /// Offer "save anyway" after a failed client-credentials check.
    pub offer_save_anyway: bool,
    /// Where the OAuth authorization stands, shown again after any error.
    pub oauth_status: Option<&'a super::flow::Status>,
}

impl Pages {
    pub fn new() -> Result<Pages, minijinja::Error> {
        let mut env = Environment::new();
        env.add_template("base.html", include_str!("templates/base.html"))?;
        env.add_template("form.html", include_str!("templates/form.html"))?;
        env.add_template("done.html", include_str!("templates/done.html"))?;
        env.add_template("message.html", include_str!("templates/message.html"))?;
        Ok(Pages { env })
    }

    /// The form page. `nonce` is the script nonce of this response's CSP.
    pub fn form(
        &self,
        form: &Form,
        frame: &Frame,
        attempt: &Attempt,
        nonce: &str,
    ) -> Result<String, minijinja::Error> {
        let stored_method = attempt.stored.and_then(|s| form.stored_method(s));
        let chosen = attempt
            .method
            .or(stored_method.map(|m| m.name.as_str()))
            .or(form.methods.first().map(|m| m.name.as_str()));
        let methods: Vec<_> = form
            .methods
            .iter()
            .map(|m| {
                json!({
                    "name": m.name,
                    "label": form.method_label(&m.name),
                    "description": m.description.as_deref().map(super::markdown::render),
                    "checked": Some(m.name.as_str()) == chosen,
                })
            })
            .collect();
        let field = |f: &Field| field_view(form, f, attempt);
        let visible: Vec<&Field> = form
            .fields
            .iter()
            .filter(|f| !f.from_flow && !f.selector)
            .collect();
        let required: Vec<_> = visible
            .iter()
            .filter(|f| f.parameter.required)
            .map(|f| field(f))
            .collect();
        let optional: Vec<_> = visible
            .iter()
            .filter(|f| !f.parameter.required)
            .map(|f| field(f))
            .collect();
        // A heading shows only with a method that has fields under it.
        let section_methods = |required: bool| {
            let under: Vec<&&Field> = visible
                .iter()
                .filter(|f| f.parameter.required == required)
                .collect();
            if under.iter().any(|f| f.methods.is_empty()) {
                return String::new();
            }
            let mut names: Vec<&str> = Vec::new();
            for m in under.iter().flat_map(|f| f.methods.iter()) {
                if !names.contains(&m.as_str()) {
                    names.push(m);
                }
            }
            names.join(" ")
        };
        let problems: Vec<_> = attempt
            .problems
            .iter()
            .map(|p| {
                json!({
                    "field": p.field,
                    "label": p.field.as_deref().map(label_of),
                    "message": p.message,
                    "detail": p.detail,
                })
            })
            .collect();
        let oauth = oauth_views(form, frame.redirect_uri, attempt);
        self.env.get_template("form.html")?.render(Serde(json!({
            "title": form.title,
            "path": frame.path,
            "csrf": frame.csrf,
            "nonce": nonce,
            "warnings": frame.warnings,
            "checks": frame.checks,
            "problems": problems,
            "methods": methods,
            "sections": [
                {"heading": "Required", "fields": required, "methods": section_methods(true)},
                {"heading": "Optional", "fields": optional, "methods": section_methods(false)},
            ],
            "oauth": oauth,
            "offer_save_anyway": attempt.offer_save_anyway,
            "audience": frame.audience.view(),
        })))
    }

    /// The success page: where the credentials went and what the check on
    /// Save said.
    pub fn done(
        &self,
        title: &str,
        path: &str,
        checked: Checked,
        notes: &[String],
        audience: &Audience,
    ) -> Result<String, minijinja::Error> {
        let (verified, unverified) = match checked {
            Checked::NotRun => (None, None),
            Checked::Passed(reason) => (Some(reason), None),
            Checked::SavedAnyway(said) => (None, Some(said)),
        };
        self.env.get_template("done.html")?.render(Serde(json!({
            "title": title,
            "path": path,
            "verified": verified,
            "unverified": unverified,
            "notes": notes,
            "audience": audience.view(),
        })))
    }

    /// The page after the person cancelled in the form.
    pub fn cancelled(&self, audience: &Audience) -> Result<String, minijinja::Error> {
        let next = match audience {
            Audience::Assistant => {
                "Nothing was written. You can close this tab; your assistant is told you cancelled."
            }
            _ => "Nothing was written. You can close this tab; the terminal says so too.",
        };
        self.message("Cancelled", next)
    }

    pub fn message(&self, heading: &str, message: &str) -> Result<String, minijinja::Error> {
        self.env
            .get_template("message.html")?
            .render(Serde(json!({"heading": heading, "message": message})))
    }
}

fn label_of(name: &str) -> String {
    if name == super::form::METHOD {
        "Authentication method".to_string()
    } else {
        humanise(name)
    }
}

fn field_view(form: &Form, f: &Field, attempt: &Attempt) -> serde_json::Value {
    let p = &f.parameter;
    let stored = attempt.stored.and_then(|s| s.get(&p.name));
    let typed = attempt
        .typed
        .iter()
        .rev()
        .find(|(n, _)| *n == p.name)
        .map(|(_, v)| v.as_str());
    let value = if p.secret {
        ""
    } else {
        typed.or(stored.map(Secret::expose)).unwrap_or("")
    };
    let (input, step) = match (p.secret, p.kind) {
        _ if f.multiline() => ("textarea", None),
        (true, _) => ("password", None),
        (false, ParamType::Integer) => ("number", Some("1")),
        (false, ParamType::Number) => ("number", Some("any")),
        (false, ParamType::Boolean) => ("select", None),
        (false, ParamType::String) => ("text", None),
    };
    let kept = p.secret && attempt.kept.is_some_and(|k| k.contains(&p.name));
    let placeholder = if kept {
        Some("kept — leave empty to keep it".to_string())
    } else if p.secret && stored.is_some() {
        Some("saved — leave empty to keep it".to_string())
    } else {
        p.default.as_ref().map(|d| format!("default: {d}"))
    };
    let error = attempt
        .problems
        .iter()
        .find(|pr| pr.field.as_deref() == Some(p.name.as_str()))
        .map(|pr| format!("{} {}", f.label(), pr.message));
    let for_methods = if f.methods.is_empty() || form.methods.len() < 2 {
        String::new()
    } else {
        f.methods
            .iter()
            .map(|m| form.method_label(m))
            .collect::<Vec<_>>()
            .join(", ")
    };
    json!({
        "name": p.name,
        "label": f.label(),
        "methods": f.methods.join(" "),
        "for_methods": for_methods,
        "required": p.required,
        "description": p.description.as_deref().map(super::markdown::render),
        "input": input,
        "step": step,
        "value": value,
        "placeholder": placeholder,
        "masked": p.secret,
        "kept": kept || (p.secret && stored.is_some()),
        "error": error,
    })
}

fn oauth_views(form: &Form, redirect_uri: &str, attempt: &Attempt) -> Vec<serde_json::Value> {
    // What the person typed in the OAuth boxes is shown again after an
    // error, rather than the spec's values.
    let typed = |name: &str| {
        attempt
            .typed
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let status = attempt.oauth_status.map(|s| s.to_json());
    let mut views = Vec::new();
    let mut add = |method: &str, oauth: &crate::spec::OAuth| {
        let flow = oauth.flow();
        let m = form.methods.iter().find(|m| m.name == method);
        let scope = form.scope(m);
        // A value a parameter already supplies is asked once, in its field.
        let from_parameter = |e: Option<crate::spec::Endpoint>| {
            matches!(e, Some(crate::spec::Endpoint::Parameter(_)))
        };
        let token_from_parameter = from_parameter(oauth.token_endpoint(&scope));
        let authorization_from_parameter = from_parameter(oauth.authorization_endpoint(&scope));
        let scopes_from_parameter =
            oauth.scopes.is_empty() && scope.iter().any(|p| p.name.contains("scope"));
        views.push(json!({
            "token_from_parameter": token_from_parameter,
            "authorization_from_parameter": authorization_from_parameter,
            "scopes_from_parameter": scopes_from_parameter,
            "method": method,
            "suffix": if method.is_empty() { String::new() } else { format!("-{method}") },
            "flow": flow.as_str(),
            "user": flow.is_user(),
            "redirect_uri": redirect_uri,
            "authorization_url": typed(super::form::OAUTH_AUTHORIZATION_URL).unwrap_or_else(|| oauth.authorization_url.as_ref().map(|u| u.value.clone()).unwrap_or_default()),
            "token_url": typed(super::form::OAUTH_TOKEN_URL).unwrap_or_else(|| oauth.token_url.as_ref().map(|u| u.value.clone()).unwrap_or_default()),
            "scopes": typed(super::form::OAUTH_SCOPES).unwrap_or_else(|| oauth.scopes.join(" ")),
            "status": status,
            "token_stored": flow.is_user() && attempt.stored.is_some_and(|s| s.contains("refresh_token")),
        }));
    };
    if form.methods.is_empty() {
        if let Some(oauth) = form.oauth(None) {
            add("", oauth);
        }
    } else {
        for m in &form.methods {
            if let Some(oauth) = form.oauth(Some(m)) {
                add(&m.name, oauth);
            }
        }
    }
    views
}
