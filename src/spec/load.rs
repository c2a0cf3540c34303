//! Reading `connector_spec.yaml` into a [`Spec`], tolerant of the shapes real
//! specs take (comments, unknown keys, missing optional sections) and exact
//! about the ones that break it, each reported with its position.

use std::path::Path;

use super::{AuthMethod, Flow, Located, OAuth, ParamType, Parameter, Spec};
use crate::diagnostic::{Finding, Rule, has_errors};
use crate::source::{ReadError, Source, Span};
use crate::yaml::{self, Node, ParseErrorKind};

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
    match Source::read(path) {
        Ok(source) => Ok(load_str(source)),
        Err(ReadError::TooLarge { size, .. }) => Ok(unreadable(
            path,
            Finding::new(
                Rule::TooLarge,
                Span::default_at(1, 1),
                format!("the file is {size} bytes; a spec is refused above 1 MiB"),
            ),
        )),
        Err(ReadError::NotUtf8 { line, column, .. }) => Ok(unreadable(
            path,
            Finding::new(
                Rule::Encoding,
                Span::default_at(line, column),
                "the file is not valid UTF-8",
            )
            .help("save the file as UTF-8"),
        )),
        Err(err) => Err(err),
    }
}

fn unreadable(path: &Path, finding: Finding) -> Loaded {
    Loaded {
        source: Source::new(path, String::new()),
        spec: None,
        findings: vec![finding],
    }
}

/// Loads a spec from text already in memory.
pub fn load_str(source: Source) -> Loaded {
    let mut loader = Loader {
        findings: Vec::new(),
    };
    let spec = match yaml::parse(&source) {
        Ok(Some(root)) => loader.spec(&root, &source),
        Ok(None) => {
            loader.findings.push(
                Finding::new(
                    Rule::EmptySpec,
                    source.start_span(),
                    "the file holds no YAML document",
                )
                .help("a spec needs at least a `connection:` section with `parameters:`"),
            );
            None
        }
        Err(err) => {
            let rule = match err.kind {
                ParseErrorKind::Syntax => Rule::YamlSyntax,
                ParseErrorKind::TooDeep => Rule::TooDeep,
                ParseErrorKind::TooManyNodes => Rule::TooLarge,
                ParseErrorKind::MultipleDocuments => Rule::MultipleDocuments,
            };
            let mut finding = Finding::new(rule, err.span, err.message);
            if err.span.line > 0 && line_has_tab_indent(&source, err.span.line) {
                finding = finding.help("YAML indentation must use spaces, not tabs");
            }
            loader.findings.push(finding);
            None
        }
    };
    Loaded {
        source,
        spec,
        findings: loader.findings,
    }
}

fn line_has_tab_indent(source: &Source, line: usize) -> bool {
    source
        .text()
        .lines()
        .take(line)
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'))
}

impl Span {
    /// A zero-width span at a line and column, for findings without text.
    pub(crate) fn default_at(line: usize, column: usize) -> Span {
        Span {
            start: 0,
            end: 0,
            line,
            column,
        }
    }
}

const TOP_KEYS: &[&str] = &["display_name", "connection", "external_options_allowlist"];
const CONNECTION_KEYS: &[&str] = &["parameters", "auth_methods", "oauth"];
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
    findings: Vec<Finding>,
}

/// The entries of one mapping, looked up by key.
struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and the value node of `key`.
    fn entry(&self, key: &str) -> Option<(&'n Node, &'n Node)> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, v)| (*k, *v))
    }
}

impl Loader {
    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The fields of a mapping, reporting duplicate keys and keys not in
    /// `known` (`None`: any key is allowed); `None` (reported) when `node` is
    /// not a mapping.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: Option<&[&str]>,
    ) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            self.push(
                Finding::new(
                    Rule::NotAMapping,
                    node.span,
                    format!(
                        "{what} must be a mapping of keys to values, found {}",
                        node.kind()
                    ),
                )
                .label("expected `key: value` lines here"),
            );
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
        };
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.push(Finding::new(
                    Rule::BadValue,
                    key.span,
                    format!("a key in {what} is {}, not a name", key.kind()),
                ));
                continue;
            };
            if fields.get(name).is_some() {
                self.push(
                    Finding::new(
                        Rule::DuplicateKey,
                        key.span,
                        format!("`{name}` appears twice in {what}"),
                    )
                    .label("second occurrence")
                    .help("YAML keeps only one of them; delete the other"),
                );
                continue;
            }
            if let Some(known) = known.filter(|k| !k.contains(&name)) {
                let mut finding = Finding::new(
                    Rule::UnknownKey,
                    key.span,
                    format!("unknown key `{name}` in {what}; it is ignored"),
                );
                if let Some(close) = closest(name, known) {
                    finding = finding.help(format!("did you mean `{close}`?"));
                }
                self.push(finding);
            }
            fields.entries.push((name, key, value));
        }
        Some(fields)
    }

    fn spec(&mut self, root: &Node, source: &Source) -> Option<Spec> {
        let top = self.fields(root, "the spec", Some(TOP_KEYS))?;
        let display_name = top
            .get("display_name")
            .and_then(|n| self.text(n, "display_name"));
        let external_options_allowlist = top.get("external_options_allowlist").map(|n| {
            if n.is_null() {
                String::new()
            } else {
                self.text(n, "external_options_allowlist")
                    .unwrap_or_default()
            }
        });
        let Some((connection_key, connection)) = top.entry("connection") else {
            self.push(
                Finding::new(
                    Rule::MissingConnection,
                    source.start_span(),
                    "the spec has no `connection` section",
                )
                .help("add `connection:` with a `parameters:` list"),
            );
            return None;
        };
        let fields = self.fields(connection, "`connection`", Some(CONNECTION_KEYS))?;
        let parameters = match fields.get("parameters") {
            Some(list) => self.parameters(list, "`connection.parameters`"),
            None => Vec::new(),
        };
        let auth_methods = match fields.get("auth_methods") {
            Some(list) => self
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

    /// The items of a list; null counts as empty, anything else is reported.
    fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        if node.is_null() {
            return &[];
        }
        match node.as_seq() {
            Some(items) => items,
            None => {
                self.push(
                    Finding::new(
                        Rule::NotAList,
                        node.span,
                        format!("{what} must be a list, found {}", node.kind()),
                    )
                    .label("expected a list here")
                    .help("write each entry on its own line starting with `- `"),
                );
                &[]
            }
        }
    }

    fn parameters(&mut self, node: &Node, what: &str) -> Vec<Parameter> {
        self.list(node, what)
            .iter()
            .filter_map(|item| self.parameter(item))
            .collect()
    }

    fn parameter(&mut self, node: &Node) -> Option<Parameter> {
        let fields = self.fields(node, "a parameter", Some(PARAMETER_KEYS))?;
        let (name, span) = self.name(&fields, node, "parameter")?;
        let kind = match fields.get("type") {
            None => ParamType::String,
            Some(n) if n.is_null() => ParamType::String,
            Some(n) => match n.as_str().and_then(ParamType::parse) {
                Some(kind) => kind,
                None => {
                    self.push(
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
            required: self.flag(fields.get("required"), "required", false),
            secret: self.flag(fields.get("secret"), "secret", false),
            description: fields.get("description").and_then(|n| self.prose(n)),
            default: fields
                .get("default")
                .and_then(|n| n.as_str().map(str::to_string)),
            name,
            kind,
            span,
        })
    }

    fn method(&mut self, node: &Node) -> Option<AuthMethod> {
        let fields = self.fields(node, "an auth method", Some(METHOD_KEYS))?;
        let (name, span) = self.name(&fields, node, "auth method")?;
        Some(AuthMethod {
            description: fields.get("description").and_then(|n| self.prose(n)),
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
        let fields = self.fields(node, "`oauth`", Some(OAUTH_KEYS))?;
        let flow = fields
            .get("flow")
            .and_then(|n| match n.as_str().and_then(Flow::parse) {
                Some(flow) => Some(flow),
                None => {
                    self.push(
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
                this.text(n, key).map(|value| Located {
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
            self.push(
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
            pkce: self.flag(fields.get("pkce"), "pkce", true),
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
                .filter_map(|n| self.text(n, "a scope"))
                .collect();
        }
        let Some(text) = self.text(node, "scopes") else {
            return Vec::new();
        };
        if text.contains(',') {
            self.push(
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
        if node.is_null() {
            return Vec::new();
        }
        let Some(fields) = self.fields(node, "`extra_auth_params`", None) else {
            return Vec::new();
        };
        fields
            .entries
            .iter()
            .filter_map(|(k, _, v)| self.text(v, k).map(|v| (k.to_string(), v)))
            .collect()
    }

    fn name(&mut self, fields: &Fields, node: &Node, what: &str) -> Option<(String, Span)> {
        match fields.get("name") {
            Some(n) => match n.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                Some(name) => Some((name.to_string(), n.span)),
                None => {
                    self.push(
                        Finding::new(
                            Rule::MissingName,
                            n.span,
                            format!("this {what} has an empty `name`"),
                        )
                        .label("empty name"),
                    );
                    None
                }
            },
            None => {
                self.push(
                    Finding::new(
                        Rule::MissingName,
                        node.span,
                        format!("this {what} has no `name`"),
                    )
                    .label("no `name:` in this entry")
                    .help("the name is the key of the value in the credentials JSON"),
                );
                None
            }
        }
    }

    /// A scalar as text; other shapes are reported.
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(text) => Some(text.to_string()),
            None if node.is_null() => None,
            None => {
                self.push(Finding::new(
                    Rule::BadValue,
                    node.span,
                    format!("`{what}` must be a single value, found {}", node.kind()),
                ));
                None
            }
        }
    }

    /// A description: trimmed, empty counts as absent.
    fn prose(&mut self, node: &Node) -> Option<String> {
        self.text(node, "description")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn flag(&mut self, node: Option<&Node>, what: &str, default: bool) -> bool {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return default;
        };
        node.as_bool().unwrap_or_else(|| {
            self.push(
                Finding::new(
                    Rule::BadValue,
                    node.span,
                    format!(
                        "`{what}` must be true or false, found `{}`",
                        node.as_str().unwrap_or("?")
                    ),
                )
                .help("write true or false without quotes"),
            );
            default
        })
    }
}

/// The known key closest to `name` when it is a likely typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> Loaded {
        load_str(Source::new("connector_spec.yaml", text.to_string()))
    }

    #[test]
    fn typos_get_a_suggestion() {
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
