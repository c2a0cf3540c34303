//! The doc's example of the connector's own configuration: a JSON object, a
//! YAML mapping, a TOML table or a `.env` file in a code block under words
//! about configuring it. Its keys are listed parameters; the comments beside
//! or above a key say whether it is optional, secret, or not the source's.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::DocLine;
use crate::spec::ParamType;

use super::condition::SELECTOR_NAMES;
use super::markup::{about_something_else, before, headings, identifier};

/// Why a config example's key is listed.
pub const WHY: &str = "a key of the doc's example connection config";

/// A key of a config example, with what the example says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigKey {
    pub name: String,
    /// `None`: the example does not say.
    pub required: Option<bool>,
    pub secret: Option<bool>,
    pub kind: ParamType,
    /// The method whose config this is (`auth_type: oauth` in it).
    pub method: Option<String>,
    pub line: usize,
}

/// One code block: its fence's info string and its lines.
struct Block<'d> {
    info: String,
    lines: Vec<&'d DocLine>,
    /// Index of the block's first line in the lines searched.
    start: usize,
    /// Index just past the block.
    end: usize,
}

/// Every code block among `lines`.
fn blocks<'d>(lines: &[&'d DocLine]) -> Vec<Block<'d>> {
    let fence = |l: &DocLine| {
        let t = l.text.trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].code {
            i += 1;
            continue;
        }
        let start = i;
        let info = if fence(lines[i]) {
            lines[i]
                .lower
                .trim_start()
                .trim_start_matches(['`', '~'])
                .trim()
                .to_string()
        } else {
            String::new()
        };
        i += 1;
        while i < lines.len() && lines[i].code && !fence(lines[i]) {
            i += 1;
        }
        if i < lines.len() && fence(lines[i]) {
            i += 1;
        }
        out.push(Block {
            info,
            lines: lines[start..i]
                .iter()
                .copied()
                .filter(|l| !fence(l))
                .collect(),
            start,
            end: i,
        });
    }
    out
}

/// The keys of the config examples among `lines`, in doc order; `listed`
/// names the settings the doc lists elsewhere.
pub fn find(lines: &[&DocLine], listed: &[&str]) -> Vec<ConfigKey> {
    let mut keys: Vec<ConfigKey> = Vec::new();
    for block in blocks(lines) {
        let known: Vec<&str> = listed
            .iter()
            .copied()
            .chain(keys.iter().map(|k| k.name.as_str()))
            .collect();
        let context = format!(
            "{} {} {}",
            headings(lines[block.start]),
            before(lines, block.start),
            block.info
        );
        // Lowercased once for the readers below that ask it so.
        let lower_context = context.to_lowercase();
        if samples_own(&lower_context) {
            continue;
        }
        let text: String = block
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let found = if text.trim_start().starts_with('{') {
            json(lines, &block, &text, &context)
        } else if let Some(entries) = dotenv(&block) {
            keyed(lines, &block, &context, entries, Form::Env, &known)
        } else if let Some(entries) = toml(&block, &lower_context) {
            keyed(lines, &block, &context, entries, Form::Toml, &known)
        } else if let Some(entries) = yaml(&block) {
            keyed(lines, &block, &context, entries, Form::Yaml, &known)
        } else {
            Vec::new()
        };
        keys.extend(
            found
                .into_iter()
                .filter(|k| !SELECTOR_NAMES.contains(&k.name.as_str())),
        );
    }
    keys
}

/// A JSON object of the connection's values under words about the
/// connection ("`dev_config.json` / connection parameters should hold:"):
/// its keys are the parameters.
fn json(lines: &[&DocLine], block: &Block, text: &str, context: &str) -> Vec<ConfigKey> {
    let c = context.to_lowercase();
    // "config, token method:" over the block: one method's config.
    let method = lines[..block.start]
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .and_then(|l| config_method(&l.text));
    let heading = headings(lines[block.start]).to_lowercase();
    let cued = method.is_some()
        || crate::any_word!(
            &c,
            [
                "dev_config",
                "config.json",
                "connection parameter",
                "connection params",
                "connection option",
                "connection setting",
                "connection config",
                "connector config",
                "connection should",
                "connection values"
            ]
        )
        || crate::any_word!(
            &heading,
            ["configuration", "config example", "example config"]
        );
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    // `"auth_type": "pat"` beside flat values: the connector's own config,
    // for the method the selector names (a response nests objects, lists
    // and nulls).
    let flat = map
        .values()
        .all(|v| v.is_string() || v.is_number() || v.is_boolean());
    let selected = flat
        .then_some(())
        .and(
            SELECTOR_NAMES
                .iter()
                .find_map(|s| map.get(*s).and_then(|v| v.as_str())),
        )
        .and_then(identifier);
    let method = method.or_else(|| selected.clone());
    if !(cued || selected.is_some()) || method.is_none() && about_something_else(context) {
        return Vec::new();
    }
    // A service account's key file is one value, not the connection's keys.
    if map.contains_key("private_key_id") || map.contains_key("token_uri") {
        return Vec::new();
    }
    let mut found = config_keys(
        &map,
        &block.lines,
        lines[block.start].number,
        method.as_deref(),
    );
    found.sort_by_key(|l| l.line);
    found
}

/// The keys of a config example's JSON object as listed parameters; with
/// `method`, its credentials belong to that method.
fn config_keys(
    map: &serde_json::Map<String, serde_json::Value>,
    block: &[&DocLine],
    first_line: usize,
    method: Option<&str>,
) -> Vec<ConfigKey> {
    map.iter()
        .filter_map(|(key, value)| {
            let name = crate::apidoc::to_snake_case(&identifier(key)?);
            let ticked = format!("\"{key}\"");
            let line = block
                .iter()
                .find(|l| l.text.contains(&ticked))
                .map_or(first_line, |l| l.number);
            let credential = crate::spec::credential_like(&name) || name == "client_id";
            Some(ConfigKey {
                name,
                // A flag or a number is a setting; a text is a value to type.
                required: (!value.is_string()).then_some(false),
                secret: None,
                kind: match value {
                    serde_json::Value::Bool(_) => ParamType::Boolean,
                    serde_json::Value::Number(_) => ParamType::Integer,
                    _ => ParamType::String,
                },
                // A method's config ties its credentials to it; its
                // other keys are shared settings.
                method: method.map(str::to_string).filter(|_| credential),
                line,
            })
        })
        .collect()
}

/// "config, token method:", "OAuth method config:", "Config for the API
/// key method:": the method whose config example follows.
fn config_method(line: &str) -> Option<String> {
    let t = line.trim().trim_matches('*').to_lowercase();
    let body = t.strip_suffix(':')?;
    if !body.contains("config") || !body.contains("method") {
        return None;
    }
    let words: Vec<&str> = body
        .split([' ', ',', '(', ')', '`'])
        .filter(|w| {
            !w.is_empty()
                && ![
                    "config",
                    "configuration",
                    "example",
                    "for",
                    "the",
                    "method",
                    "with",
                    "dev_config.json",
                ]
                .contains(w)
        })
        .collect();
    let name = crate::apidoc::snake(&words.join(" "));
    (!name.is_empty() && words.len() <= 3 && super::region::names_a_scheme(&words.join(" ")))
        .then_some(name)
}

/// How a block writes its keys.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    Env,
    Toml,
    Yaml,
}

/// One `key = value  # comment` of a block.
struct Entry<'d> {
    key: String,
    value: String,
    /// Nothing after the key: a YAML parent of the keys below it.
    parent: bool,
    /// The comment beside the key and the one just above it, lowercased.
    comment: String,
    /// What the section comment above it says of the keys under it.
    section: Section,
    line: &'d DocLine,
}

/// What a comment line standing alone ("# --- optional ---", "# not
/// checkly:") says of the keys under it.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Plain,
    Required,
    Optional,
    /// Not the source's: where the tool writes, its logging.
    Elsewhere,
}

impl Section {
    fn of(comment: &str) -> Section {
        let c = comment.trim_matches(|ch: char| !ch.is_alphanumeric());
        if c.starts_with("not ")
            || crate::any_word!(
                c,
                [
                    "unrelated",
                    "sink",
                    "destination",
                    "output",
                    "logging",
                    "nothing to do"
                ]
            )
        {
            Section::Elsewhere
        } else if c.contains("optional") {
            Section::Optional
        } else if c.contains("required") {
            Section::Required
        } else {
            Section::Plain
        }
    }
}

/// A comment that stands over the keys below it rather than the next one:
/// short, or framed (`# --- optional ---`).
fn section_comment(comment: &str) -> bool {
    let words = comment.split_whitespace().filter(|w| w.len() > 1).count();
    comment.contains("---") || comment.contains("===") || comment.ends_with(':') || words <= 3
}

/// Reads a block's lines with `split` (a line → key and the rest), `None`
/// when a line is neither a key, a comment nor blank.
fn entries<'d>(
    block: &Block<'d>,
    split: impl Fn(&str) -> Option<(String, String)>,
) -> Option<Vec<Entry<'d>>> {
    let mut out = Vec::new();
    let mut section = Section::Plain;
    let mut above = String::new();
    for l in &block.lines {
        let t = l.text.trim();
        if t.is_empty() {
            above.clear();
            continue;
        }
        if let Some(comment) = t.strip_prefix('#') {
            let c = comment.trim().to_lowercase();
            if section_comment(&c) {
                section = Section::of(&c);
                above.clear();
            } else {
                above = c;
            }
            continue;
        }
        let (key, rest) = split(t)?;
        let (value, comment) = match rest.find(" #") {
            Some(at) => (&rest[..at], rest[at + 2..].to_lowercase()),
            None => (rest.as_str(), String::new()),
        };
        out.push(Entry {
            key,
            parent: value.trim().is_empty(),
            value: value.trim().trim_matches(['"', '\'']).to_string(),
            comment: format!("{comment} {above}"),
            section,
            line: l,
        });
        above.clear();
    }
    Some(out)
}

/// A `.env` file: `NAME=value` lines (with or without `export`).
fn dotenv<'d>(block: &Block<'d>) -> Option<Vec<Entry<'d>>> {
    let found = entries(block, |t| {
        let t = t.strip_prefix("export ").unwrap_or(t);
        let (key, rest) = t.split_once('=')?;
        let ok = key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && key
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        ok.then(|| (key.to_string(), rest.to_string()))
    })?;
    // One `export X=…` over a curl is how to run it, not a config file.
    (found.len() >= 2 || !found.is_empty() && block.info.contains("env")).then_some(found)
}

/// A TOML config example (`[source.x]` over `apiToken = "…"   # secret`).
/// `lower_context`: the words around the block, lowercased.
fn toml<'d>(block: &Block<'d>, lower_context: &str) -> Option<Vec<Entry<'d>>> {
    let first = block.lines.iter().find(|l| !l.text.trim().is_empty())?;
    let head = first.lower.trim();
    let table = head.starts_with('[') && head.ends_with(']');
    let cued = table && crate::any_word!(head, ["source", "connection", "connector", "config"])
        || crate::any_word!(lower_context, ["toml"]);
    if !cued {
        return None;
    }
    let found = entries(block, |t| {
        if t.starts_with('[') {
            return Some((String::new(), String::new()));
        }
        let (key, rest) = t.split_once('=')?;
        Some((identifier(key.trim())?, rest.to_string()))
    })?;
    // `[[source.x.streams]]`, `[destination]`: keys of another part.
    let mut elsewhere = std::collections::HashSet::new();
    let mut skipping = false;
    for l in &block.lines {
        let t = l.lower.trim();
        if t.starts_with('[') {
            skipping = not_the_sources(t);
        } else if skipping {
            elsewhere.insert(l.number);
        }
    }
    Some(
        found
            .into_iter()
            .filter(|e| !e.key.is_empty() && !elsewhere.contains(&e.line.number))
            .collect(),
    )
}

/// A part of a config example that is not the source connection's:
/// where data goes, the tables or streams read, the schedule, logging.
fn not_the_sources(key: &str) -> bool {
    crate::any_word!(
        key,
        [
            "destination",
            "sink",
            "target",
            "tables",
            "streams",
            "objects",
            "schedule",
            "logging",
            "output"
        ]
    )
}

/// A YAML mapping of the connection's values (`api_key: …  # secret`),
/// nested or not; the keys under a part that is not the source's
/// (`destination:`, `tables:`) are left out.
fn yaml<'d>(block: &Block<'d>) -> Option<Vec<Entry<'d>>> {
    let mut skip_below: Option<usize> = None;
    let mut parents: Vec<(usize, String)> = Vec::new();
    let found = entries(block, |t| {
        if t.starts_with("- ") || t == "-" {
            return Some((String::new(), String::new()));
        }
        let (key, rest) = t.split_once(':')?;
        Some((identifier(key.trim())?, rest.to_string()))
    })?;
    let mut out = Vec::new();
    for e in found {
        let indent = e.line.text.len() - e.line.text.trim_start().len();
        if skip_below.is_some_and(|at| indent > at) {
            continue;
        }
        skip_below = None;
        if e.key.is_empty() {
            continue;
        }
        if e.parent {
            // A parent: the source's own parts are read, others are not.
            if not_the_sources(&e.key.to_lowercase()) {
                skip_below = Some(indent);
            }
            parents.retain(|(at, _)| *at < indent);
            parents.push((indent, e.key.to_lowercase()));
            continue;
        }
        // `source: hubspot`, `type: postgres` (at the top or under
        // `source:`): which connector, not a value.
        parents.retain(|(at, _)| *at < indent);
        let under_source = parents
            .last()
            .is_some_and(|(_, p)| ["source", "connector", "connection"].contains(&p.as_str()));
        if (indent == 0 || under_source)
            && ["source", "type", "connector", "kind"].contains(&e.key.as_str())
        {
            continue;
        }
        out.push(e);
    }
    (out.len() >= 2).then_some(out)
}

/// The listed parameters of a config example's entries, when the words
/// around it say it configures the connector and it holds a credential or
/// an address.
fn keyed(
    lines: &[&DocLine],
    block: &Block,
    context: &str,
    entries: Vec<Entry>,
    form: Form,
    listed: &[&str],
) -> Vec<ConfigKey> {
    let c = context.to_lowercase();
    let cued = crate::any_word!(
        &c,
        [
            "config",
            "setting",
            ".env",
            "dotenv",
            "env",
            "environment",
            "connecting",
            "connection",
            "credential",
            "toml"
        ]
    );
    if !cued || about_something_else(&headings(lines[block.start])) {
        return Vec::new();
    }
    let names = renamed(lines, block, &entries, form, listed);
    // Beside the doc's own list of settings, an example naming none of
    // them is another tool's file ("the Okta SDK file `okta.yaml`").
    if !listed.is_empty() && !names.iter().any(|n| listed.contains(&n.as_str())) {
        return Vec::new();
    }
    let holds_credential = names.iter().any(|n| {
        crate::spec::credential_like(n)
            || [
                "client_id",
                "host",
                "hostname",
                "username",
                "user",
                "account_id",
            ]
            .contains(&n.as_str())
    });
    if !holds_credential {
        return Vec::new();
    }
    // The selector's value in the example names the method whose
    // credentials it holds (`auth_type: oauth`).
    let method = entries
        .iter()
        .zip(&names)
        .find(|(e, n)| SELECTOR_NAMES.contains(&n.as_str()) && identifier(&e.value).is_some())
        .map(|(e, _)| e.value.clone());
    let elsewhere = disowned_after(lines, block);
    entries
        .iter()
        .zip(names)
        .filter(|(e, _)| e.section != Section::Elsewhere && !elsewhere.contains(&e.key))
        .map(|(e, name)| {
            // A numeric id is still a value to type, not a count.
            let id = name == "id" || name.ends_with("_id");
            let kind = match e.value.as_str() {
                "true" | "false" => ParamType::Boolean,
                v if v.parse::<i64>().is_ok() && !id => ParamType::Integer,
                _ => ParamType::String,
            };
            let c = &e.comment;
            let required = if crate::any_word!(c, ["optional", "default", "only if", "unless"]) {
                Some(false)
            } else if c.contains("required") {
                Some(true)
            } else {
                match e.section {
                    Section::Optional => Some(false),
                    Section::Required => Some(true),
                    _ => (kind != ParamType::String || e.value.starts_with('[')).then_some(false),
                }
            };
            let credential = crate::spec::credential_like(&name) || name == "client_id";
            ConfigKey {
                secret: c.contains("secret").then_some(true),
                method: method.clone().filter(|_| credential),
                name,
                required,
                kind,
                line: e.line.number,
            }
        })
        .collect()
}

/// The names the connector uses for a block's keys: snake_case; for a
/// `.env` file lowercased, or the names the paragraph after it says the
/// code reads them as ("maps these to `cfg.userId`, `cfg.apiKey`").
fn renamed(
    lines: &[&DocLine],
    block: &Block,
    entries: &[Entry],
    form: Form,
    listed: &[&str],
) -> Vec<String> {
    let named: Vec<String> = if form == Form::Env {
        lines
            .iter()
            .filter(|l| !l.code && l.text.contains('`'))
            .flat_map(|l| super::markup::backticked_raw(&l.text))
            .filter_map(|t| identifier(&t).filter(|n| n.contains('_') && n.to_lowercase() == *n))
            .collect()
    } else {
        Vec::new()
    };
    let plain: Vec<String> = entries
        .iter()
        .map(|e| match form {
            Form::Env => {
                // `GSC_SITE_URL` beside a listed `site_url` (or one the
                // doc writes in backticks) is that setting; so is
                // `TODOIST_AUTH_TYPE` the selector `auth_type`.
                let name = e.key.to_lowercase();
                let known = listed
                    .iter()
                    .copied()
                    .chain(named.iter().map(String::as_str));
                if known.clone().any(|k| k == name) {
                    return name;
                }
                known
                    .chain(SELECTOR_NAMES.iter().copied())
                    .filter(|l| name.ends_with(&format!("_{l}")))
                    .max_by_key(|l| l.len())
                    .map_or(name.clone(), str::to_string)
            }
            _ => crate::apidoc::to_snake_case(&e.key),
        })
        .collect();
    if form != Form::Env {
        return plain;
    }
    let after: Vec<String> = lines[block.end..]
        .iter()
        .skip_while(|l| l.text.trim().is_empty())
        .take_while(|l| !l.code && !l.text.trim().is_empty() && !l.text.starts_with('|'))
        .flat_map(|l| super::markup::backticked_raw(&l.text))
        .filter_map(|t| {
            let last = t.rsplit('.').next().unwrap_or(&t);
            identifier(last).map(|n| crate::apidoc::to_snake_case(&n))
        })
        .collect();
    if after.len() < plain.len() {
        return plain;
    }
    let suffixes = plain
        .iter()
        .zip(&after)
        .filter(|(p, a)| p.ends_with(a.as_str()))
        .count();
    if suffixes * 2 >= plain.len() {
        after[..plain.len()].to_vec()
    } else {
        plain
    }
}

/// "Most sample apps read the parameters from a `.env` file": a vendor's
/// sample code's config, not the connector's.
/// `lower_context`: the words around the block, lowercased.
fn samples_own(lower_context: &str) -> bool {
    crate::any_word!(
        lower_context,
        [
            "sample app",
            "sample code",
            "sample application",
            "example app",
            "demo app",
            "quickstart app"
        ]
    )
}

/// The keys the doc says, just after the block, are not the source's
/// ("`PG_DSN` is only where we write; it has nothing to do with Checkly").
fn disowned_after(lines: &[&DocLine], block: &Block) -> Vec<String> {
    lines[block.end..]
        .iter()
        .filter(|l| !l.code)
        .take(12)
        .filter(|l| {
            crate::any_word!(
                &l.lower,
                [
                    "nothing to do with",
                    "only where we write",
                    "not used by the source",
                    "is for the sink",
                    "is for the destination"
                ]
            )
        })
        .flat_map(|l| super::markup::backticked_raw(&l.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys this recogniser alone finds, nothing listed before it.
    fn keys(text: &str) -> Vec<String> {
        let doc = crate::apidoc::ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        find(&lines, &[]).into_iter().map(|k| k.name).collect()
    }

    #[test]
    fn a_flat_object_naming_its_method_is_the_connector_s_config() {
        let text = "#### Option A\n\nCopy the token.\n\n```json\n{\n  \"auth_type\": \"pat\",\n  \"personal_access_token\": \"eyJ...\"\n}\n```\n";
        let doc = crate::apidoc::ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        let found = find(&lines, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "personal_access_token");
        assert_eq!(found[0].method.as_deref(), Some("pat"));
        // A response that happens to hold such a key nests values.
        let response = "```json\n{\n  \"username\": \"x\",\n  \"roles\": [\"r\"],\n  \"authentication_type\": \"realm\"\n}\n```\n";
        assert!(keys(response).is_empty());
    }

    #[test]
    fn a_sample_app_s_env_file_is_not_the_connector_s() {
        assert!(keys("## Environment\n\nMost sample apps read the parameters from a `.env` file:\n\n```dotenv\nDB_HOST=db.example.com\nDB_PASSWORD=x\n```\n").is_empty());
        assert_eq!(
            keys(
                "## Connector configuration\n\nThe connector reads a `.env` file:\n\n```dotenv\nDB_HOST=db.example.com\nDB_PASSWORD=x\n```\n"
            ),
            ["db_host", "db_password"]
        );
    }

    #[test]
    fn the_connector_type_and_per_stream_keys_are_not_settings() {
        assert_eq!(
            keys(
                "## Connector configuration\n\n```yaml\nsource:\n  type: launchdarkly\n  ld_access_token: ${LD_TOKEN}\n  ld_project_key: mobile-app\n```\n"
            ),
            ["ld_access_token", "ld_project_key"]
        );
        assert_eq!(
            keys(
                "## Connector configuration\n\n```toml\n[source.solace]\nsolace_host = \"tcps://h:55443\"\nsolace_password = \"${P}\"\n\n[[source.solace.streams]]\nqueue = \"q.orders\"\npayload_format = \"json\"\n```\n"
            ),
            ["solace_host", "solace_password"]
        );
    }

    fn drafted(text: &str) -> Vec<(String, Option<bool>, Option<String>)> {
        let doc = crate::apidoc::ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        super::super::listed::find(&lines)
            .params
            .into_iter()
            .map(|p| (p.name, p.required, p.method))
            .collect()
    }

    #[test]
    fn a_config_example_of_one_method_ties_its_credentials_to_it() {
        assert_eq!(
            config_method("config, token method:").as_deref(),
            Some("token")
        );
        assert_eq!(
            config_method("**OAuth method config:**").as_deref(),
            Some("oauth")
        );
        assert_eq!(config_method("config:"), None);
        let text = "# S\n\n## Setup\n\nconfig, token method:\n```json\n{ \"access_token\": \"EAAA\", \"location_ids\": \"L1\" }\n```\n\nconfig, OAuth method:\n```json\n{ \"client_id\": \"sq0\", \"client_secret\": \"x\" }\n```\n";
        let doc = crate::apidoc::ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        let tied: Vec<(String, Option<String>)> = super::super::listed::find(&lines)
            .params
            .into_iter()
            .map(|p| (p.name, p.method))
            .collect();
        assert_eq!(
            tied,
            [
                ("access_token".to_string(), Some("token".to_string())),
                ("location_ids".to_string(), None),
                ("client_id".to_string(), Some("oauth".to_string())),
                ("client_secret".to_string(), Some("oauth".to_string())),
            ]
        );
    }

    #[test]
    fn a_dotenv_file_lists_its_variables_with_its_section_comments() {
        let got = drafted(
            "# tool\n\n## Configure\n\n```dotenv\n# --- required ---\nACME_API_KEY=abc123\nACME_ACCOUNT_ID=42\n# --- optional ---\n# how far back to read; default 30 days\nACME_LOOKBACK_DAYS=30\n# not acme:\nPG_DSN=postgres://x@db/y\n```\n",
        );
        assert_eq!(
            got,
            [
                ("acme_api_key".to_string(), Some(true), None),
                ("acme_account_id".to_string(), Some(true), None),
                ("acme_lookback_days".to_string(), Some(false), None),
            ]
        );
    }

    #[test]
    fn a_dotenv_file_takes_the_names_the_doc_gives_its_variables() {
        // The paragraph after it names what the code reads them as; a
        // variable ending in a name the doc writes elsewhere is that name.
        let got = drafted(
            "# tool\n\n## .env\n\n```dotenv\nBC_ACCOUNT_ID=1234\nBC_CLIENT_ID=abc\nBC_FROM=2024-01-01\n```\n\nWe read them as `account_id`, `client_id`, `from_date`.\n",
        );
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["account_id", "client_id", "from_date"]);
        let got = drafted(
            "# tool\n\nThe `site_url` setting names the property.\n\n## Settings\n\n```dotenv\nGSC_SITE_URL=sc-domain:acme.com\nGSC_API_KEY=x\nGSC_AUTH_TYPE=key\n```\n",
        );
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["site_url", "gsc_api_key"]);
    }

    #[test]
    fn a_yaml_config_lists_its_keys_but_not_the_parts_that_are_not_the_source() {
        let got = drafted(
            "# S\n\n## Configuration\n\n```yaml\nsource: acme\napi_key: abc   # required; secret\nsite: eu\npageSize: 100   # optional\ndestination:\n  host: warehouse\n  password: x\n```\n",
        );
        assert_eq!(
            got,
            [
                ("api_key".to_string(), Some(true), None),
                ("site".to_string(), None, None),
                ("page_size".to_string(), Some(false), None),
            ]
        );
        // One block per method: the selector's value names the method.
        let got = drafted(
            "# S\n\n## Configuration\n\n```yaml\nauth_type: oauth\nclient_id: \"1\"\nclient_secret: x\nstart_date: \"2024-01-01\"   # optional\n```\n",
        );
        assert_eq!(
            got[0],
            ("client_id".to_string(), None, Some("oauth".to_string()))
        );
        assert_eq!(got[2], ("start_date".to_string(), Some(false), None));
    }

    #[test]
    fn an_example_beside_the_doc_s_list_naming_none_of_it_is_another_tool_s() {
        let got = drafted(
            "# S\n\n## Settings\n\n| Setting | Required |\n|---|---|\n| `okta_domain` | yes |\n| `api_token` | yes |\n\nThe SDK file `okta.yaml` looks like this:\n\n```yaml\nokta:\n  client:\n    orgUrl: https://x\n    token: abc\n```\n",
        );
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["okta_domain", "api_token"]);
    }
}
