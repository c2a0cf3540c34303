//! An OpenAPI 3.x or Swagger 2.0 description, read as the exact source of a
//! source's auth facts: its security schemes, the global and per-operation
//! security requirements, its servers and its GET operations. JSON and YAML
//! are both read (bounded in size and depth); local `$ref`s are resolved with
//! a hop limit (cycles end there), external ones are reported, not fetched.
//! A reader: it knows no step. `draft` turns a description into a spec;
//! Step 3 derives an auth check from it (`check::from_openapi`).

pub mod draft;
mod fetch;
mod model;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use model::{Grant, KeyIn, OAuthFlow, Operation, Scheme, SchemeKind, Server, Variable};

/// Descriptions larger than this are refused.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// `$ref` chains longer than this are treated as cycles.
const MAX_HOPS: usize = 16;

/// Why a description cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is larger than 20 MiB; larger descriptions are refused")]
    TooLarge(String),
    #[error("{0}")]
    Fetch(String),
    #[error("{0}: only https URLs are fetched (plain http only on loopback)")]
    NotAllowed(String),
    #[error("{what} is neither JSON nor YAML: {why}")]
    Syntax { what: String, why: String },
    #[error(
        "{0} is not an OpenAPI or Swagger description (no `openapi: 3.x` or `swagger: \"2.0\"` at its top)"
    )]
    NotOpenApi(String),
}

impl OpenApiError {
    /// The exit class: a description that could not be fetched gives no
    /// verdict; every other problem is the input's.
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            OpenApiError::Fetch(_) => crate::exit::Exit::NoVerdict,
            _ => crate::exit::Exit::Input,
        }
    }
}

/// Which specification the description follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi3,
}

/// A parsed description.
#[derive(Debug)]
pub struct Description {
    pub doc: Value,
    pub version: Version,
    /// `$ref`s that point outside the document, met while reading it.
    external: RefCell<Vec<String>>,
}

/// Reads a description from a path or an `https://` URL (loopback `http://` too).
pub fn read(location: &str) -> Result<(String, Description), OpenApiError> {
    let text = if location.starts_with("https://") || location.starts_with("http://") {
        fetch::get(location)?
    } else {
        read_file(Path::new(location))?
    };
    Ok((location.to_string(), parse(&text, location)?))
}

fn read_file(path: &Path) -> Result<String, OpenApiError> {
    use std::io::Read;
    let io = |source| OpenApiError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_BYTES {
        return Err(OpenApiError::TooLarge(path.display().to_string()));
    }
    String::from_utf8(bytes).map_err(|_| OpenApiError::Syntax {
        what: path.display().to_string(),
        why: "not UTF-8".into(),
    })
}

/// Parses JSON or YAML text and checks it is OpenAPI 3.x or Swagger 2.0.
pub fn parse(text: &str, what: &str) -> Result<Description, OpenApiError> {
    let doc = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| OpenApiError::Syntax {
            what: what.to_string(),
            why: e.to_string(),
        })?
    } else {
        yaml_value(text, what)?
    };
    let version = match (doc.get("openapi"), doc.get("swagger")) {
        (Some(Value::String(v)), _) if v.starts_with("3.") => Version::OpenApi3,
        (_, Some(Value::String(v))) if v == "2.0" => Version::Swagger2,
        (_, Some(Value::Number(n))) if n.as_f64() == Some(2.0) => Version::Swagger2,
        _ => return Err(OpenApiError::NotOpenApi(what.to_string())),
    };
    Ok(Description {
        doc,
        version,
        external: RefCell::new(Vec::new()),
    })
}

fn yaml_value(text: &str, what: &str) -> Result<Value, OpenApiError> {
    let source = crate::source::Source::new(what, text.to_string());
    match crate::yaml::parse(&source) {
        Ok(Some(node)) => Ok(from_yaml(&node)),
        Ok(None) => Err(OpenApiError::NotOpenApi(what.to_string())),
        Err(e) => Err(OpenApiError::Syntax {
            what: what.to_string(),
            why: e.message,
        }),
    }
}

/// The YAML tree as JSON values (its depth is bounded by the YAML reader).
fn from_yaml(node: &crate::yaml::Node) -> Value {
    use crate::yaml::Value as Y;
    match &node.value {
        Y::Scalar { text, plain: false } => Value::String(text.clone()),
        Y::Scalar { .. } if node.is_null() => Value::Null,
        Y::Scalar { text, .. } => node
            .as_bool()
            .map(Value::Bool)
            .or_else(|| text.parse::<i64>().ok().map(Value::from))
            .unwrap_or_else(|| Value::String(text.clone())),
        Y::Seq(items) => Value::Array(items.iter().map(from_yaml).collect()),
        Y::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), from_yaml(v)))
                .collect(),
        ),
    }
}

/// A JSON pointer (`#/a/b~1c`) from its parts.
pub fn pointer(parts: &[&str]) -> String {
    let mut out = String::from("#");
    for p in parts {
        out.push('/');
        out.push_str(&p.replace('~', "~0").replace('/', "~1"));
    }
    out
}

impl Description {
    /// `value` with its `$ref` chain followed within the document, and the
    /// pointer it was found at (`at` when it is not a reference). A cycle,
    /// a dangling or an external reference gives `None`.
    pub fn resolve<'a>(&'a self, value: &'a Value, at: &str) -> Option<(&'a Value, String)> {
        let mut current = value;
        let mut where_ = at.to_string();
        for _ in 0..MAX_HOPS {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Some((current, where_));
            };
            let Some(local) = reference.strip_prefix('#') else {
                self.external.borrow_mut().push(reference.to_string());
                return None;
            };
            current = self.doc.pointer(local)?;
            where_ = reference.to_string();
        }
        None
    }

    /// The external references met so far.
    pub fn external_refs(&self) -> Vec<String> {
        let mut refs = self.external.borrow().clone();
        refs.sort();
        refs.dedup();
        refs
    }

    /// A string at a path of keys from the root.
    fn text(&self, keys: &[&str]) -> Option<&str> {
        let mut v = &self.doc;
        for k in keys {
            v = v.get(k)?;
        }
        v.as_str()
    }

    /// The title of the API.
    pub fn title(&self) -> Option<&str> {
        self.text(&["info", "title"])
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
}
