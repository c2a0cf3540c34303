//! The form a person fills in, derived from the spec: one field per distinct
//! parameter name (tagged with the auth methods it belongs to), and the
//! checks a submission must pass. Browser and terminal share it.
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use crate::credentials::Credentials;
use crate::secret::Secret;
use crate::spec::{AuthMethod, OAuth, ParamType, Parameter, Spec};

/// Form inputs that are not parameters: the CSRF token, the chosen method,
/// and the editable OAuth endpoints. A parameter may not use these names.
pub const CSRF: &str = "_csrf";
pub const METHOD: &str = "_method";
pub const OAUTH_AUTHORIZATION_URL: &str = "_oauth_authorization_url";
pub const OAUTH_TOKEN_URL: &str = "_oauth_token_url";
pub const OAUTH_SCOPES: &str = "_oauth_scopes";
/// Ticked to save although the client-credentials check failed.
pub const SAVE_ANYWAY: &str = "_save_anyway";
/// The OAuth boxes a person may edit: shown again after any error.
pub const OAUTH_EDITABLE: &[&str] = &[OAUTH_AUTHORIZATION_URL, OAUTH_TOKEN_URL, OAUTH_SCOPES];
pub const RESERVED: &[&str] = &[
    CSRF,
    METHOD,
    OAUTH_AUTHORIZATION_URL,
    OAUTH_TOKEN_URL,
    OAUTH_SCOPES,
    SAVE_ANYWAY,
];

/// Everything a person is asked, for one spec.
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub methods: Vec<AuthMethod>,
    pub fields: Vec<Field>,
    spec: Spec,
    /// Words the spec writes in a casing of their own (`PI`, `HL7v2`), for labels.
    casing: Vec<String>,
}

/// One input: a parameter name, and where it applies.
#[derive(Debug, Clone)]
pub struct Field {
    pub parameter: Parameter,
    /// The auth methods this field belongs to; empty for shared parameters.
    pub methods: Vec<String>,
    /// Filled by the u2m flow rather than typed (`refresh_token`).
    pub from_flow: bool,
    /// A shared `auth_type`-like parameter whose value is the chosen
    /// method's name: filled from the method chooser, never typed.
    pub selector: bool,
    /// The label shown for it.
    label: String,
}

/// Names of a shared parameter that repeats the method choice.
const SELECTORS: &[&str] = &[
    "auth_type",
    "auth_method",
    "auth_mode",
    "authentication_type",
    "authentication_method",
    "authenticator",
];

/// A problem with a submission, shown next to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
    /// Shown folded below the message: the technical words behind it.
    pub detail: Option<String>,
}

impl Problem {
    pub fn new(field: Option<&str>, message: impl Into<String>) -> Problem {
        Problem {
            field: field.map(str::to_string),
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }
}

impl Form {
    pub fn new(spec: &Spec, source: &str) -> Form {
        let mut fields: Vec<Field> = Vec::new();
        for p in &spec.parameters {
            fields.push(Field {
                parameter: p.clone(),
                methods: Vec::new(),
                from_flow: false,
                selector: false,
                label: String::new(),
            });
        }
        for m in &spec.auth_methods {
            for p in &m.parameters {
                match fields.iter_mut().find(|f| f.parameter.name == p.name) {
                    Some(field) if !field.methods.is_empty() => {
                        field.methods.push(m.name.clone());
                        field.parameter.required |= p.required;
                    }
                    Some(_) => {}
                    None => fields.push(Field {
                        parameter: p.clone(),
                        methods: vec![m.name.clone()],
                        from_flow: false,
                        selector: false,
                        label: String::new(),
                    }),
                }
            }
        }
        let casing = casing_of(spec);
        for field in &mut fields {
            field.label = humanise_in(&field.parameter.name, &casing);
            field.from_flow =
                field.parameter.name == "refresh_token" && field.applies_to_user_flow(spec);
            // A credential-looking name is masked even when the spec forgot
            // `secret: true`: typed values are never echoed or pre-filled.
            field.parameter.secret |= masked_name(&field.parameter.name);
            field.selector = field.methods.is_empty()
                && spec.auth_methods.len() >= 2
                && SELECTORS.contains(&field.parameter.name.as_str());
        }
        Form {
            title: spec.title(source).to_string(),
            methods: spec.auth_methods.clone(),
            fields,
            spec: spec.clone(),
            casing,
        }
    }

    /// The label of an auth method (`oidc_client_credentials` → "OIDC
    /// client credentials").
    pub fn method_label(&self, name: &str) -> String {
        humanise_in(name, &self.casing)
    }

    /// The method named `name`, or the only choice when the spec has none.
    /// `Err` names the problem when the choice is missing or unknown.
    pub fn choose(&self, name: Option<&str>) -> Result<Option<&AuthMethod>, Problem> {
        if self.methods.is_empty() {
            return Ok(None);
        }
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        match name {
            None => Err(Problem::new(
                Some(METHOD),
                "choose an authentication method",
            )),
            Some(n) => self
                .methods
                .iter()
                .find(|m| m.name == n)
                .map(Some)
                .ok_or_else(|| {
                    Problem::new(Some(METHOD), format!("unknown authentication method `{n}`"))
                }),
        }
    }

    /// The fields of `method`, required ones first, each with whether it is
    /// required for that method.
    pub fn fields_for(&self, method: Option<&AuthMethod>) -> Vec<(&Field, bool)> {
        let mut active: Vec<(&Field, bool)> = self
            .fields
            .iter()
            .filter_map(|f| {
                if f.methods.is_empty() {
                    return Some((f, f.parameter.required));
                }
                let m = method?;
                let own = m.parameters.iter().find(|p| p.name == f.parameter.name)?;
                Some((f, own.required))
            })
            .collect();
        active.sort_by_key(|(_, required)| !required);
        active
    }

    /// The OAuth block that applies to `method`.
    pub fn oauth<'a>(&'a self, method: Option<&'a AuthMethod>) -> Option<&'a OAuth> {
        self.spec.oauth_for(method)
    }

    /// The parameters in scope for `method` (shared, then the method's own).
    pub fn scope<'a>(&'a self, method: Option<&'a AuthMethod>) -> Vec<&'a Parameter> {
        self.spec.parameters_for(method)
    }

    /// Whether `name` may be posted: a parameter or a reserved input.
    pub fn accepts(&self, name: &str) -> bool {
        RESERVED.contains(&name) || self.fields.iter().any(|f| f.parameter.name == name)
    }

    /// Checks a submission for `method` and builds the credentials: trimmed,
    /// typed values of the method's fields; an empty secret keeps the stored
    /// value; fields the flow fills come from `from_flow`.
    pub fn check(
        &self,
        method: Option<&AuthMethod>,
        values: &[(String, String)],
        stored: Option<&Credentials>,
        from_flow: &Credentials,
    ) -> Result<Credentials, Vec<Problem>> {
        let mut credentials = Credentials::new();
        let mut problems = Vec::new();
        for (field, required) in self.fields_for(method) {
            let p = &field.parameter;
            if field.selector {
                if let Some(m) = method {
                    credentials.insert(&p.name, Secret::new(m.name.clone()));
                }
                continue;
            }
            if field.from_flow {
                match from_flow
                    .get(&p.name)
                    .or_else(|| stored.and_then(|s| s.get(&p.name)))
                {
                    Some(v) => credentials.insert(&p.name, v.clone()),
                    None if required => problems.push(Problem::new(
                        Some(&p.name),
                        "is obtained by the OAuth authorization: click Authorize first",
                    )),
                    None => {}
                }
                continue;
            }
            let typed = values
                .iter()
                .rev()
                .find(|(n, _)| *n == p.name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let typed = field.clean(typed);
            let typed = typed.as_str();
            if typed.is_empty() {
                if let Some(kept) = stored.and_then(|s| s.get(&p.name)).filter(|_| p.secret) {
                    credentials.insert(&p.name, kept.clone());
                } else if required {
                    problems.push(Problem::new(Some(&p.name), "is required"));
                }
                continue;
            }
            if let Some(why) = field.wrong_shape(typed) {
                problems.push(Problem::new(Some(&p.name), why));
                continue;
            }
            match normalise(p.kind, typed) {
                Ok(value) => credentials.insert(&p.name, Secret::new(value)),
                Err(why) => problems.push(Problem::new(Some(&p.name), why)),
            }
        }
        // A u2m flow's refresh token is saved even when the spec does not
        // declare it: the connector needs it, and only the flow can give it.
        let declared = self
            .fields
            .iter()
            .any(|f| f.parameter.name == "refresh_token");
        if !declared && self.oauth(method).is_some_and(|o| o.flow().is_user()) {
            match from_flow
                .get("refresh_token")
                .or_else(|| stored.and_then(|s| s.get("refresh_token")))
            {
                Some(token) => credentials.insert("refresh_token", token.clone()),
                None => problems.push(Problem::new(
                    None,
                    "the refresh token comes from the OAuth authorization: click Authorize first",
                )),
            }
        }
        let from_store = from_flow.get("refresh_token").is_none();
        if let Some(why) = token_of_another_client(&credentials, stored).filter(|_| from_store)
            && credentials.remove("refresh_token").is_some()
        {
            problems.push(Problem::new(None, why));
        }
        if problems.is_empty() {
            Ok(credentials)
        } else {
            Err(problems)
        }
    }

    /// The method whose required fields the stored credentials fill, to
    /// pre-select it on a re-run.
    pub fn stored_method(&self, stored: &Credentials) -> Option<&AuthMethod> {
        self.methods.iter().find(|m| {
            self.fields_for(Some(m))
                .iter()
                .filter(|(f, required)| *required && !f.from_flow)
                .all(|(f, _)| stored.contains(&f.parameter.name))
        })
    }
}

/// What to say when the stored refresh token was issued to another client
/// than the one about to be saved: a token is never paired with a client
/// it was not issued to.
pub fn token_of_another_client(
    credentials: &Credentials,
    stored: Option<&Credentials>,
) -> Option<&'static str> {
    let before = stored.and_then(|s| s.get("client_id"))?;
    let now = credentials.get("client_id")?;
    (before.expose() != now.expose()).then_some(STORED_TOKEN_OF_ANOTHER_CLIENT)
}

/// The sentence for a stored refresh token whose client changed.
pub const STORED_TOKEN_OF_ANOTHER_CLIENT: &str = "a refresh token is stored, but it was issued to the earlier client ID: the client ID changed, so click Authorize again to get one for the new client";

impl Field {
    fn applies_to_user_flow(&self, spec: &Spec) -> bool {
        if self.methods.is_empty() {
            return spec
                .oauth_for(spec.connection_oauth_owner())
                .is_some_and(|o| o.flow().is_user());
        }
        self.methods
            .iter()
            .filter_map(|m| spec.method(m))
            .any(|m| spec.oauth_for(Some(m)).is_some_and(|o| o.flow().is_user()))
    }

    /// Whether the value names a host label (`acme` of acme.zendesk.com):
    /// by its name, as URLs of connectors put such values in the host.
    fn host_label(&self) -> bool {
        let n = self.parameter.name.to_ascii_lowercase();
        [
            "subdomain",
            "instance",
            "instance_name",
            "shop",
            "shop_name",
            "store_name",
            "site_name",
            "tenant",
            "tenant_name",
            "org",
            "org_name",
            "organization",
            "company",
            "company_domain",
            "workspace",
            "account",
            "account_name",
            "my_domain",
        ]
        .contains(&n.as_str())
            || n.ends_with("_subdomain")
    }

    /// A host parameter whose description accepts a full URL for it.
    fn host_accepting_url(&self) -> bool {
        let n = self.parameter.name.to_ascii_lowercase();
        let d = self
            .parameter
            .description
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let host = self.host_label()
            || ["host", "hostname", "domain"]
                .iter()
                .any(|w| n == *w || n.ends_with(&format!("_{w}")));
        host && !self.parameter.secret
            && (d.contains("full url")
                || d.contains("url is accepted")
                || d.contains("with or without https"))
    }

    /// Why a typed value cannot stand where the connector puts it: a URL
    /// typed where a host label goes.
    pub fn wrong_shape(&self, typed: &str) -> Option<String> {
        if !self.host_label() || self.parameter.secret || self.host_accepting_url() {
            return None;
        }
        let url_like = typed.contains("://") || typed.contains('/') || typed.contains(' ');
        if !url_like {
            return None;
        }
        let host = url::Url::parse(typed)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .or_else(|| {
                typed
                    .split('/')
                    .find(|p| p.contains('.'))
                    .map(str::to_string)
            });
        let example = host
            .as_deref()
            .and_then(|h| h.split('.').next())
            .filter(|l| !l.is_empty() && *l != "www")
            .map(|l| format!(": type only `{l}`"))
            .unwrap_or_default();
        Some(format!(
            "looks like a URL, and only the name goes here{example}"
        ))
    }

    /// A value that spans lines: a PEM key or certificate, a JSON key file.
    pub fn multiline(&self) -> bool {
        let n = self.parameter.name.to_ascii_lowercase();
        let d = self
            .parameter
            .description
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        n.ends_with("_pem")
            || n.ends_with("_json")
            || n.ends_with("private_key")
            || n.ends_with("certificate")
            || n.ends_with("_cert")
            || d.contains("pem")
            || d.contains("json key")
            || d.contains("key file")
            || d.contains("service account json")
            || d.contains("-----begin")
    }

    /// A typed value as saved: trimmed; a multi-line value keeps its inner
    /// line breaks (written `\n`, whatever the browser sent).
    pub fn clean(&self, typed: &str) -> String {
        if self.multiline() {
            typed
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim()
                .to_string()
        } else if self.host_accepting_url() {
            // A host given whole (`https://acme.shop.example/`) where the
            // spec accepts one is read the way the check reads it: without
            // its scheme and last slash.
            crate::template::whole_host(typed, "").to_string()
        } else {
            typed.trim().to_string()
        }
    }

    /// A readable label: `api_token` → "API token", `pi_base_url` → "PI
    /// base URL" where the spec writes "PI".
    pub fn label(&self) -> String {
        if self.label.is_empty() {
            humanise(&self.parameter.name)
        } else {
            self.label.clone()
        }
    }
}

/// Checks a typed value and writes it in its canonical form.
pub fn normalise(kind: ParamType, value: &str) -> Result<String, String> {
    match kind {
        ParamType::String => Ok(value.to_string()),
        ParamType::Integer => value
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| "must be a whole number".to_string()),
        ParamType::Number => match value.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(value.to_string()),
            _ => Err("must be a number".to_string()),
        },
        ParamType::Boolean => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok("true".to_string()),
            "false" | "no" | "off" | "0" => Ok("false".to_string()),
            _ => Err("must be true or false".to_string()),
        },
    }
}

/// A credential-looking name that is masked on the form. A name saying
/// what kind of key it is (`private_key_algorithm`: `RS384`) is no secret.
fn masked_name(name: &str) -> bool {
    const DESCRIBES: &[&str] = &[
        "_algorithm",
        "_alg",
        "_format",
        "_mode",
        "_version",
        "_length",
        "_size",
        "_path",
        "_location",
        "_region",
        "_count",
        "_enabled",
        "_ttl",
        "_kind",
    ];
    let n = name.to_ascii_lowercase();
    crate::spec::credential_like(name) && !DESCRIBES.iter().any(|d| n.ends_with(d))
}

/// Words of the spec's own text (display name, descriptions) written in a
/// casing of their own: all capitals (`PI`, `OIDC`) or capitals after the
/// first letter (`HL7v2`, `GraphQL`).
fn casing_of(spec: &Spec) -> Vec<String> {
    let mut texts: Vec<&str> = spec.display_name.iter().map(String::as_str).collect();
    let params = spec.all_parameters();
    texts.extend(params.filter_map(|p| p.description.as_deref()));
    texts.extend(
        spec.auth_methods
            .iter()
            .filter_map(|m| m.description.as_deref()),
    );
    let mut found: Vec<String> = Vec::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            let capitals = word.chars().filter(char::is_ascii_uppercase).count();
            let inner = word.chars().skip(1).any(|c| c.is_ascii_uppercase());
            if word.len() >= 2 && capitals >= 2 && inner && !found.iter().any(|f| f == word) {
                found.push(word.to_string());
            }
        }
    }
    found
}

/// [`humanise`], keeping the casing the spec writes a word in.
pub fn humanise_in(name: &str, casing: &[String]) -> String {
    let plain = humanise(name);
    plain
        .split(' ')
        .map(|w| {
            casing
                .iter()
                .find(|c| c.eq_ignore_ascii_case(w))
                .cloned()
                .unwrap_or_else(|| w.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `api_token` → "API token", `client_id` → "Client ID".
pub fn humanise(name: &str) -> String {
    const ACRONYMS: &[&str] = &[
        "api", "id", "url", "uri", "oauth", "pat", "sso", "ssl", "ip", "jwt", "aws", "gcp", "sql",
        "http", "https", "crm", "json", "oidc", "saml", "xml", "ssh", "tls", "dsn", "jdbc", "odbc",
        "sftp", "ftp", "hmac", "rsa", "pem", "sas", "arn", "iam", "kms", "mfa", "otp", "dc",
    ];
    let words: Vec<String> = name
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_ascii_lowercase();
            if lower == "oauth" {
                "OAuth".to_string()
            } else if ACRONYMS.contains(&lower.as_str()) {
                lower.to_ascii_uppercase()
            } else if i == 0 {
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                lower
            }
        })
        .collect();
    if words.is_empty() {
        name.to_string()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn form(text: &str) -> Form {
        let loaded = crate::spec::load_str(Source::new("s.yaml", text.to_string()));
        Form::new(loaded.spec.as_ref().unwrap(), "acme")
    }

    const METHODS: &str = "connection:\n  parameters:\n    - {name: subdomain, required: true}\n  auth_methods:\n    - name: token\n      parameters:\n        - {name: email, required: true}\n        - {name: api_token, required: true, secret: true}\n    - name: password\n      parameters:\n        - {name: email, required: true}\n        - {name: password, required: true, secret: true}\n        - {name: page_size, type: integer}\n";

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_name_shared_by_two_methods_is_one_field() {
        let f = form(METHODS);
        let names: Vec<_> = f.fields.iter().map(|f| f.parameter.name.as_str()).collect();
        assert_eq!(
            names,
            ["subdomain", "email", "api_token", "password", "page_size"]
        );
        assert_eq!(f.fields[1].methods, ["token", "password"]);
    }

    #[test]
    fn only_the_chosen_methods_fields_are_kept() {
        let f = form(METHODS);
        let method = f.choose(Some("token")).unwrap();
        let values = pairs(&[
            ("subdomain", " acme "),
            ("email", "a@b.c"),
            ("api_token", "t"),
            ("password", "ignored"),
        ]);
        let c = f.check(method, &values, None, &Credentials::new()).unwrap();
        let names: Vec<_> = c.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["subdomain", "email", "api_token"]);
        assert_eq!(c.get("subdomain").map(Secret::expose), Some("acme"));
    }

    #[test]
    fn missing_and_mistyped_values_are_problems() {
        let f = form(METHODS);
        let method = f.choose(Some("password")).unwrap();
        let values = pairs(&[("subdomain", "acme"), ("page_size", "ten")]);
        let problems = f
            .check(method, &values, None, &Credentials::new())
            .unwrap_err();
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, ["email", "password", "page_size"]);
        assert!(f.choose(None).is_err());
        assert!(f.choose(Some("nope")).is_err());
    }

    #[test]
    fn an_empty_secret_keeps_the_stored_value() {
        let f = form(METHODS);
        let mut stored = Credentials::new();
        stored.insert("api_token", Secret::new("old"));
        let method = f.choose(Some("token")).unwrap();
        let values = pairs(&[("subdomain", "acme"), ("email", "a@b.c"), ("api_token", "")]);
        let c = f
            .check(method, &values, Some(&stored), &Credentials::new())
            .unwrap();
        assert_eq!(c.get("api_token").map(Secret::expose), Some("old"));
    }

    #[test]
    fn refresh_token_of_a_u2m_flow_comes_from_the_flow() {
        let f = form(
            "connection:\n  parameters:\n    - {name: client_id, required: true}\n    - {name: refresh_token, required: true, secret: true}\n  oauth:\n    flow: u2m\n    authorization_url: https://x/a\n    token_url: https://x/t\n",
        );
        assert!(f.fields[1].from_flow);
        let values = pairs(&[("client_id", "c"), ("refresh_token", "typed")]);
        let problems = f
            .check(None, &values, None, &Credentials::new())
            .unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("refresh_token"));
        let mut flow = Credentials::new();
        flow.insert("refresh_token", Secret::new("from-flow"));
        let c = f.check(None, &values, None, &flow).unwrap();
        assert_eq!(
            c.get("refresh_token").map(Secret::expose),
            Some("from-flow")
        );
    }

    #[test]
    fn credential_names_are_masked_and_pem_keys_keep_their_lines() {
        let f = form(
            "connection:\n  parameters:\n    - {name: client_id, required: true}\n    - {name: client_secret, required: true}\n    - {name: private_key_pem, required: true, secret: true}\n",
        );
        assert!(!f.fields[0].parameter.secret);
        assert!(
            f.fields[1].parameter.secret,
            "client_secret without `secret: true`"
        );
        assert!(f.fields[2].multiline() && !f.fields[0].multiline());
        let pem = "-----BEGIN PRIVATE KEY-----\r\nMIIB\r\nabc=\r\n-----END PRIVATE KEY-----\r\n";
        let values = pairs(&[
            ("client_id", "c"),
            ("client_secret", "s"),
            ("private_key_pem", pem),
        ]);
        let c = f.check(None, &values, None, &Credentials::new()).unwrap();
        assert_eq!(
            c.get("private_key_pem").map(Secret::expose),
            Some("-----BEGIN PRIVATE KEY-----\nMIIB\nabc=\n-----END PRIVATE KEY-----")
        );
    }

    #[test]
    fn a_url_typed_as_a_subdomain_is_a_problem() {
        let f = form(METHODS);
        let method = f.choose(Some("token")).unwrap();
        let values = pairs(&[
            ("subdomain", "https://acme.zendesk.com"),
            ("email", "a@b.c"),
            ("api_token", "t"),
        ]);
        let problems = f
            .check(method, &values, None, &Credentials::new())
            .unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("subdomain"));
        assert!(
            problems[0].message.contains("`acme`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_selector_parameter_takes_the_chosen_method() {
        let f = form(&METHODS.replace(
            "    - {name: subdomain, required: true}\n",
            "    - {name: subdomain, required: true}\n    - {name: auth_type, required: true}\n",
        ));
        assert!(f.fields[1].selector);
        let method = f.choose(Some("token")).unwrap();
        let values = pairs(&[
            ("subdomain", "acme"),
            ("auth_type", "password"),
            ("email", "a@b.c"),
            ("api_token", "t"),
        ]);
        let c = f.check(method, &values, None, &Credentials::new()).unwrap();
        assert_eq!(c.get("auth_type").map(Secret::expose), Some("token"));
    }

    #[test]
    fn values_are_normalised_by_type() {
        assert_eq!(normalise(ParamType::Integer, "042"), Ok("42".into()));
        assert!(normalise(ParamType::Integer, "4.2").is_err());
        assert!(normalise(ParamType::Number, "NaN").is_err());
        assert_eq!(normalise(ParamType::Boolean, "Yes"), Ok("true".into()));
        assert!(normalise(ParamType::Boolean, "maybe").is_err());
    }

    #[test]
    fn labels_read_like_words() {
        assert_eq!(humanise("api_token"), "API token");
        assert_eq!(humanise("client_id"), "Client ID");
        assert_eq!(humanise("subdomain"), "Subdomain");
        assert_eq!(humanise("oauth"), "OAuth");
        assert_eq!(humanise("credentials_json"), "Credentials JSON");
        assert_eq!(
            humanise("oidc_client_credentials"),
            "OIDC client credentials"
        );
    }

    #[test]
    fn a_host_given_whole_is_cleaned_the_way_the_check_reads_it() {
        let f = form(
            "connection:\n  parameters:\n    - {name: shop, required: true, description: The shop's host; a full URL is accepted.}\n",
        );
        assert_eq!(
            f.fields[0].clean(" https://acme.shop.example/ "),
            "acme.shop.example"
        );
        assert_eq!(f.fields[0].wrong_shape("https://acme.shop.example/"), None);
    }

    #[test]
    fn labels_keep_the_casing_the_spec_writes() {
        let f = form(
            "display_name: Plant historian\nconnection:\n  parameters:\n    - {name: pi_base_url, required: true, description: Base URL of the PI Web API.}\n    - {name: hl7v2_store_id, description: The HL7v2 store to read.}\n    - {name: page_size, description: Rows per page. API default.}\n",
        );
        let labels: Vec<String> = f.fields.iter().map(Field::label).collect();
        assert_eq!(labels, ["PI base URL", "HL7v2 store ID", "Page size"]);
    }

    #[test]
    fn only_credential_like_parameters_are_masked() {
        let f = form(
            "connection:\n  parameters:\n    - {name: private_key, required: true}\n    - {name: private_key_algorithm, default: RS384}\n",
        );
        assert!(f.fields[0].parameter.secret);
        assert!(!f.fields[1].parameter.secret, "RS384 is no secret");
    }
}
