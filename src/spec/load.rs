//! Reading `connector_spec.yaml` into a [`Spec`], tolerant of the shapes real
//! specs take (comments, unknown keys, missing optional sections) and exact
//! about the ones that break it, each reported with its position.
//!
//! Part of the base module `spec` (see docs/architecture.md).

use std::path::Path;

use super::{AuthMethod, Flow, Located, OAuth, ParamType, Parameter, Spec};
use crate::diagnostic::{Finding, Rule, has_errors};
use crate::shape::{self, Reader};
use crate::source::{ReadError, Source};
use crate::yaml::Node;

/// A spec file as read: its text, the model when one could be built, and
/// everything noticed on the way.
#[derive(Debug)]
pub struct Loaded {
    pub source: Source,
    pub spec: Option<Spec>,
    pub findings: Vec<Finding>,
}

impl Loaded {
    /// The spec when nothing in it is an error, with its warnings.
    pub fn usable(&self) -> Option<&Spec> {
        self.spec.as_ref().filter(|_| !has_errors(&self.findings))
    }
}

/// Reads and loads a spec file. Only a file that cannot be opened is an
/// `Err`; an oversized or non-UTF-8 file is a finding like any other.
pub fn load(path: &Path) -> Result<Loaded, ReadError> {
    Ok(match shape::read(path)? {
        Ok(source) => load_str(source),
        Err(finding) => Loaded {
            source: Source::new(path, String::new()),
            spec: None,
            findings: vec![finding],
        },
    })
}

/// Loads a spec from text already in memory.
pub fn load_str(source: Source) -> Loaded {
    let mut loader = Loader {
        r: Reader::default(),
    };
    let spec = shape::document(&source, &mut loader.r).and_then(|root| loader.spec(&root, &source));
    Loaded {
        source,
        spec,
        findings: loader.r.findings,
    }
}

const TOP_KEYS: &[&str] = &["display_name", "connection", "external_options_allowlist"];
const CONNECTION_KEYS: &[&str] = &[
    "parameters",
    "auth_methods",
    "oauth",
    // Real specs name the shared list so too; read as `parameters`.
    "common_parameters",
    "shared_parameters",
];
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "type",
    "required",
    "secret",
    "description",
    "default",
];
const METHOD_KEYS: &[&str] = &["name", "description", "parameters", "oauth"];
const OAUTH_KEYS: &[&str] = &[
    "flow",
    "pkce",
    "scopes",
    "authorization_url",
    "token_url",
    "device_authorization_url",
    "extra_auth_params",
];

struct Loader {
    r: Reader,
}

impl Loader {
    fn spec(&mut self, root: &Node, source: &Source) -> Option<Spec> {
        let top = self.r.fields(root, "the spec", Some(TOP_KEYS))?;
        let display_name = top
            .get("display_name")
            .and_then(|n| self.r.text(n, "display_name"));
        let external_options_allowlist = top.get("external_options_allowlist").map(|n| {
            if n.is_null() {
                String::new()
            } else {
                self.r
                    .text(n, "external_options_allowlist")
                    .unwrap_or_default()
            }
        });
        let Some((connection_key, connection)) = top.entry("connection") else {
            self.r.push(
                Finding::new(
                    Rule::MissingConnection,
                    source.start_span(),
                    "the spec has no `connection` section",
                )
                .help("add `connection:` with a `parameters:` list"),
            );
            return None;
        };
        let fields = self
            .r
            .fields(connection, "`connection`", Some(CONNECTION_KEYS))?;
        let parameters = match fields.get("parameters") {
            Some(list) => self.parameters(list, "`connection.parameters`"),
            None => match fields
                .get("common_parameters")
                .or_else(|| fields.get("shared_parameters"))
            {
                Some(list) => self.parameters(list, "the shared parameters"),
                None => Vec::new(),
            },
        };
        let auth_methods = match fields.get("auth_methods") {
            Some(list) => self
                .r
                .list(list, "`connection.auth_methods`")
                .iter()
                .filter_map(|item| self.method(item))
                .collect(),
            None => Vec::new(),
        };
        let oauth = fields.entry("oauth").and_then(|(k, n)| self.oauth(k, n));
        Some(Spec {
            display_name,
            parameters,
            auth_methods,
            oauth,
            external_options_allowlist,
            span: connection_key.span,
        })
    }

    fn parameters(&mut self, node: &Node, what: &str) -> Vec<Parameter> {
        self.r
            .list(node, what)
            .iter()
            .filter_map(|item| self.parameter(item))
            .collect()
    }

    fn parameter(&mut self, node: &Node) -> Option<Parameter> {
        let fields = self.r.fields(node, "a parameter", Some(PARAMETER_KEYS))?;
        let (name, span) = self.r.name(&fields, node, "parameter")?;
        let kind = match fields.get("type") {
            None => ParamType::String,
            Some(n) if n.is_null() => ParamType::String,
            Some(n) => match n.as_str().and_then(ParamType::parse) {
                Some(kind) => kind,
                None => {
                    self.r.push(
                        Finding::new(
                            Rule::UnknownType,
                            n.span,
                            format!(
                                "parameter `{name}` has unknown type `{}`",
                                n.as_str().unwrap_or("?")
                            ),
                        )
                        .label("not a known type")
                        .help("use one of: string, integer, boolean, number"),
                    );
                    ParamType::String
                }
            },
        };
        Some(Parameter {
            required: self.r.flag(fields.get("required"), "required", false),
            secret: self.r.flag(fields.get("secret"), "secret", false),
            description: fields.get("description").and_then(|n| self.r.prose(n)),
            default: fields
                .get("default")
                .and_then(|n| n.as_str().map(str::to_string)),
            name,
            kind,
            span,
        })
    }

    fn method(&mut self, node: &Node) -> Option<AuthMethod> {
        let fields = self.r.fields(node, "an auth method", Some(METHOD_KEYS))?;
        let (name, span) = self.r.name(&fields, node, "auth method")?;
        Some(AuthMethod {
            description: fields.get("description").and_then(|n| self.r.prose(n)),
            parameters: fields
                .get("parameters")
                .map(|n| self.parameters(n, &format!("the parameters of `{name}`")))
                .unwrap_or_default(),
            oauth: fields.entry("oauth").and_then(|(k, n)| self.oauth(k, n)),
            name,
            span,
        })
    }

    fn oauth(&mut self, key: &Node, node: &Node) -> Option<OAuth> {
        let fields = self.r.fields(node, "`oauth`", Some(OAUTH_KEYS))?;
        let flow = fields
            .get("flow")
            .and_then(|n| match n.as_str().and_then(Flow::parse) {
                Some(flow) => Some(flow),
                None => {
                    self.r.push(
                    Finding::new(
                        Rule::BadFlow,
                        n.span,
                        format!("unknown OAuth flow `{}`", n.as_str().unwrap_or("?")),
                    )
                    .label("not a known flow")
                    .help("use m2m (client credentials), u2m or u2m_per_user (authorization code)"),
                );
                    None
                }
            });
        let located = |this: &mut Loader, key: &str| {
            fields.get(key).and_then(|n| {
                this.r.text(n, key).map(|value| Located {
                    value,
                    span: n.span,
                })
            })
        };
        let authorization_url = located(self, "authorization_url");
        if fields.get("flow").is_none() {
            let (flow, why) = match authorization_url {
                Some(_) => ("u2m", "an authorization_url is present"),
                None => ("m2m", "there is no authorization_url"),
            };
            self.r.push(
                Finding::new(
                    Rule::FlowInferred,
                    key.span,
                    format!("`oauth` has no `flow`; taken as {flow}"),
                )
                .help(format!("add `flow: {flow}` ({why})")),
            );
        }
        let token_url = located(self, "token_url");
        let device_authorization_url = located(self, "device_authorization_url");
        Some(OAuth {
            flow,
            pkce: self.r.flag(fields.get("pkce"), "pkce", true),
            scopes: fields
                .get("scopes")
                .map(|n| self.scopes(n))
                .unwrap_or_default(),
            authorization_url,
            token_url,
            device_authorization_url,
            extra_auth_params: fields
                .get("extra_auth_params")
                .map(|n| self.extra_params(n))
                .unwrap_or_default(),
            span: key.span,
        })
    }

    fn scopes(&mut self, node: &Node) -> Vec<String> {
        if let Some(items) = node.as_seq() {
            return items
                .iter()
                .filter_map(|n| self.r.text(n, "a scope"))
                .collect();
        }
        let Some(text) = self.r.text(node, "scopes") else {
            return Vec::new();
        };
        if text.contains(',') {
            self.r.push(
                Finding::new(
                    Rule::CommaScopes,
                    node.span,
                    "scopes are separated by commas; OAuth separates them with spaces",
                )
                .help("they are read as separate scopes and sent space-separated"),
            );
        }
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn extra_params(&mut self, node: &Node) -> Vec<(String, String)> {
        self.r.pairs(Some(node), "`extra_auth_params`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> Loaded {
        load_str(Source::new("connector_spec.yaml", text.to_string()))
    }

    #[test]
    fn common_parameters_are_the_shared_list() {
        let l = loaded(
            "connection:\n  auth_methods:\n    - name: key\n      parameters:\n        - {name: api_key, secret: true}\n  common_parameters:\n    - {name: endpoint, required: true}\n",
        );
        let spec = l.spec.expect("spec");
        assert_eq!(spec.parameters[0].name, "endpoint");
        assert!(l.findings.is_empty(), "{:?}", l.findings);
    }

    #[test]
    fn typos_get_a_suggestion() {
        use crate::shape::closest;
        assert_eq!(closest("requried", PARAMETER_KEYS), Some("required"));
        assert_eq!(closest("colour", PARAMETER_KEYS), None);
    }

    #[test]
    fn defaults_apply() {
        let l = loaded(
            "connection:\n  parameters:\n    - name: a\n  oauth:\n    token_url: https://x/t\n",
        );
        let spec = l.spec.unwrap();
        let p = &spec.parameters[0];
        assert_eq!(
            (p.kind, p.required, p.secret),
            (ParamType::String, false, false)
        );
        assert!(spec.oauth.unwrap().pkce);
    }

    #[test]
    fn comma_scopes_are_split_and_warned() {
        let l = loaded("connection:\n  oauth:\n    scopes: \"a,b c\"\n    token_url: https://x\n");
        assert_eq!(l.spec.unwrap().oauth.unwrap().scopes, vec!["a", "b", "c"]);
        assert!(l.findings.iter().any(|f| f.rule == Rule::CommaScopes));
    }

    #[test]
    fn extra_auth_params_take_any_key() {
        let l = loaded(
            "connection:\n  oauth:\n    token_url: https://x\n    extra_auth_params: {access_type: offline, prompt: consent}\n",
        );
        assert!(
            l.findings.iter().all(|f| f.rule != Rule::UnknownKey),
            "{:?}",
            l.findings
        );
        let oauth = l.spec.unwrap().oauth.unwrap();
        assert_eq!(
            oauth.extra_auth_params[1],
            ("prompt".into(), "consent".into())
        );
    }
}
