//! What a description says about auth, the same for OpenAPI 3.x and
//! Swagger 2.0: security schemes, security requirements, servers and GET
//! operations, each with the JSON pointer it was read at.
//!
//! Part of the reader `openapi` (see docs/architecture.md): it imports no step.

use serde_json::{Map, Value};

use super::{Description, Version, pointer};

/// One entry of `components.securitySchemes` / `securityDefinitions`.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub name: String,
    /// Where the scheme itself was read (a `$ref`'s target when it is one).
    pub pointer: String,
    pub kind: SchemeKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    ApiKey {
        name: String,
        location: KeyIn,
    },
    Basic,
    Bearer,
    OAuth2(Vec<OAuthFlow>),
    /// Anything else (`openIdConnect`, `mutualTLS`, an unknown HTTP scheme).
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyIn {
    Header,
    Query,
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    pub grant: Grant,
    pub pointer: String,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    /// Scope names and their descriptions.
    pub scopes: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    ClientCredentials,
    AuthorizationCode,
    Implicit,
    Password,
}

/// A server URL and its variables.
#[derive(Debug, Clone)]
pub struct Server {
    pub url: String,
    pub pointer: String,
    pub variables: Vec<Variable>,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub default: Option<String>,
    pub enumeration: Vec<String>,
    pub description: Option<String>,
    pub pointer: String,
}

/// A GET operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub path: String,
    pub pointer: String,
    /// Its own `security`, else `None` (the global requirement applies).
    pub security: Option<Vec<Vec<String>>>,
    /// Names of the required parameters (path, query, header, body).
    pub required: Vec<String>,
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn object(v: Option<&Value>) -> Option<&Map<String, Value>> {
    v.and_then(Value::as_object)
}

impl Description {
    /// Every security scheme, in the order declared.
    pub fn schemes(&self) -> Vec<Scheme> {
        let (container, parts): (Option<&Value>, &[&str]) = match self.version {
            Version::OpenApi3 => (
                self.doc
                    .get("components")
                    .and_then(|c| c.get("securitySchemes")),
                &["components", "securitySchemes"],
            ),
            Version::Swagger2 => (
                self.doc.get("securityDefinitions"),
                &["securityDefinitions"],
            ),
        };
        let Some(map) = object(container) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(name, raw)| {
                let mut at: Vec<&str> = parts.to_vec();
                at.push(name);
                let (v, ptr) = self.resolve(raw, &pointer(&at))?;
                Some(Scheme {
                    name: name.clone(),
                    kind: self.scheme_kind(v, &ptr),
                    description: string(v.get("description")),
                    pointer: ptr,
                })
            })
            .collect()
    }

    fn scheme_kind(&self, v: &Value, at: &str) -> SchemeKind {
        let kind = v.get("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "apiKey" => {
                let location = match v.get("in").and_then(Value::as_str) {
                    Some("query") => KeyIn::Query,
                    Some("cookie") => KeyIn::Cookie,
                    _ => KeyIn::Header,
                };
                match string(v.get("name")) {
                    Some(name) => SchemeKind::ApiKey { name, location },
                    None => SchemeKind::Other("apiKey without a name".into()),
                }
            }
            "basic" => SchemeKind::Basic,
            "http" => {
                let scheme = string(v.get("scheme")).unwrap_or_default();
                match scheme.to_ascii_lowercase().as_str() {
                    "basic" => SchemeKind::Basic,
                    "bearer" => SchemeKind::Bearer,
                    other => SchemeKind::Other(format!("HTTP `{other}` authentication")),
                }
            }
            "oauth2" => SchemeKind::OAuth2(self.flows(v, at)),
            other => SchemeKind::Other(format!("`{other}`")),
        }
    }

    fn flows(&self, v: &Value, at: &str) -> Vec<OAuthFlow> {
        if self.version == Version::Swagger2 {
            let grant = match v.get("flow").and_then(Value::as_str) {
                Some("application") => Grant::ClientCredentials,
                Some("accessCode") => Grant::AuthorizationCode,
                Some("password") => Grant::Password,
                _ => Grant::Implicit,
            };
            return vec![flow(grant, v, at.to_string())];
        }
        let Some(map) = object(v.get("flows")) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, f)| {
                let grant = match k.as_str() {
                    "clientCredentials" => Grant::ClientCredentials,
                    "authorizationCode" => Grant::AuthorizationCode,
                    "implicit" => Grant::Implicit,
                    "password" => Grant::Password,
                    _ => return None,
                };
                Some(flow(grant, f, format!("{at}/flows/{k}")))
            })
            .collect()
    }

    /// The global security requirement: alternatives, each a list of scheme names.
    pub fn global_security(&self) -> Vec<Vec<String>> {
        requirements(self.doc.get("security"))
    }

    /// The servers; for Swagger 2.0, one made of `schemes`, `host` and `basePath`.
    pub fn servers(&self) -> Vec<Server> {
        if self.version == Version::Swagger2 {
            return self.swagger_server().into_iter().collect();
        }
        let Some(list) = self.doc.get("servers").and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let at = format!("#/servers/{i}");
                let url = string(s.get("url"))?;
                let variables = object(s.get("variables"))
                    .map(|vars| {
                        vars.iter()
                            .map(|(name, v)| variable(name, v, &at))
                            .collect()
                    })
                    .unwrap_or_default();
                Some(Server {
                    url,
                    pointer: at,
                    variables,
                })
            })
            .collect()
    }

    fn swagger_server(&self) -> Option<Server> {
        let host = string(self.doc.get("host"));
        let base = string(self.doc.get("basePath")).unwrap_or_default();
        let schemes: Vec<&str> = self
            .doc
            .get("schemes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let scheme = if schemes.is_empty() || schemes.contains(&"https") {
            "https"
        } else {
            "http"
        };
        let (url, at) = match host {
            Some(h) => (format!("{scheme}://{h}{base}"), "#/host"),
            None if !base.is_empty() => (base, "#/basePath"),
            None => return None,
        };
        Some(Server {
            url,
            pointer: at.into(),
            variables: Vec::new(),
        })
    }

    /// Every GET operation, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let Some(paths) = object(self.doc.get("paths")) else {
            return Vec::new();
        };
        paths
            .iter()
            .filter_map(|(path, item)| {
                let item_at = pointer(&["paths", path]);
                let (item, _) = self.resolve(item, &item_at)?;
                let get = item.get("get")?;
                let at = format!("{item_at}/get");
                let (get, _) = self.resolve(get, &at)?;
                let mut required = self.required_parameters(item.get("parameters"));
                required.extend(self.required_parameters(get.get("parameters")));
                if let Some(body) = get.get("requestBody")
                    && self.resolve(body, "").is_some_and(|(b, _)| {
                        b.get("required").and_then(Value::as_bool) == Some(true)
                    })
                {
                    required.push("(request body)".into());
                }
                Some(Operation {
                    path: path.clone(),
                    pointer: at,
                    security: get.get("security").map(|s| requirements(Some(s))),
                    required,
                })
            })
            .collect()
    }

    fn required_parameters(&self, list: Option<&Value>) -> Vec<String> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|p| {
                // A parameter that cannot be read (a cycle, an external
                // reference) cannot be filled either.
                let Some((p, _)) = self.resolve(p, "") else {
                    return Some("(unresolved $ref)".into());
                };
                let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let required =
                    p.get("required").and_then(Value::as_bool) == Some(true) || location == "path";
                if required && location != "cookie" {
                    string(p.get("name")).or_else(|| Some("(unnamed)".into()))
                } else {
                    None
                }
            })
            .collect()
    }
}

fn flow(grant: Grant, v: &Value, at: String) -> OAuthFlow {
    let scopes = object(v.get("scopes"))
        .map(|m| {
            m.iter()
                .map(|(k, d)| (k.clone(), d.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    OAuthFlow {
        grant,
        pointer: at,
        authorization_url: string(v.get("authorizationUrl")),
        token_url: string(v.get("tokenUrl")),
        scopes,
    }
}

fn variable(name: &str, v: &Value, server_at: &str) -> Variable {
    let enumeration = v
        .get("enum")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let default = match v.get("default") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Variable {
        name: name.to_string(),
        default,
        enumeration,
        description: string(v.get("description")),
        pointer: format!(
            "{server_at}/variables/{}",
            pointer(&[name]).trim_start_matches("#/")
        ),
    }
}

/// A `security` value as alternatives of scheme names.
fn requirements(v: Option<&Value>) -> Vec<Vec<String>> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .collect()
}
