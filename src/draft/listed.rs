//! The doc's own list of connection parameters, wherever it stands: a
//! parameters table (classified by its heading and columns: token-request
//! bodies and schemas are not parameters), bullets such as
//! "`account_id` (string, required)", and sentences such as "Required
//! connection parameters: `a`, `b`" or "the connector stores `client_id`…".
//! When the doc lists its parameters, the list is authoritative.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::DocLine;
use crate::spec::ParamType;

/// A parameter the doc lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub name: String,
    /// `None`: the list does not say.
    pub required: Option<bool>,
    pub secret: Option<bool>,
    pub kind: ParamType,
    pub default: Option<String>,
    pub description: Option<String>,
    /// The selector value this row belongs to ("required when
    /// `auth_type=api_token`"), or the method column's value.
    pub method: Option<String>,
    pub line: usize,
    pub why: &'static str,
}

/// A selector the doc lists (`auth_type`: one of `api_token`, `basic`):
/// the person's choice of method, not a value to type.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub name: String,
    pub values: Vec<String>,
    pub line: usize,
}

/// What the doc lists.
#[derive(Debug, Default)]
pub struct Lists {
    pub params: Vec<Listed>,
    pub selectors: Vec<Selector>,
}

/// Names that choose a method rather than carry a value.
const SELECTOR_NAMES: &[&str] = &[
    "auth_type",
    "auth_method",
    "auth_mode",
    "authenticator",
    "authentication_type",
    "authentication_method",
    "auth_scheme",
    "credentials_type",
];

/// Fields of an OAuth token request: a table holding them describes the
/// request, not the connection.
const TOKEN_REQUEST_FIELDS: &[&str] = &["grant_type", "response_type", "redirect_uri", "code"];

/// A parameter name as docs write them: `snake_case` or `camelCase`.
pub fn identifier(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| matches!(c, '`' | '*' | '"' | '\''))
        .trim();
    let ok = !t.is_empty()
        && t.len() <= 48
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && (t.contains('_') || t.chars().any(|c| c.is_ascii_lowercase()));
    ok.then(|| t.to_string())
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// Whether a heading path and the lines before a table or list say it is
/// about the connection's parameters.
fn about_connection(context: &str) -> bool {
    let c = lower(context);
    [
        "connection parameter",
        "connection option",
        "connection setting",
        "connector option",
        "connector config",
        "connector setting",
        "connector parameter",
        "configuration",
        "config ",
        "settings",
        "credential",
        "parameters the connector",
        "connector needs",
        "connector requires",
        "required parameter",
        "optional parameter",
        "auth parameter",
        "authentication parameter",
        "connection",
    ]
    .iter()
    .any(|w| c.contains(w))
}

/// Whether it is about something else: a token request, a schema, errors.
fn about_something_else(context: &str) -> bool {
    let c = lower(context);
    [
        "token request",
        "form field",
        "request body",
        "body parameter",
        "form parameter",
        "refresh request",
        "token exchange",
        "exchange request",
        "schema",
        "field type",
        "type mapping",
        "response",
        "error",
        "rate limit",
        "pagination",
        "query parameter",
        "filter",
        "primary key",
        "ingestion",
        "object list",
        "validation",
        "table option",
        "table-level",
        "per-table",
        "read option",
        "external option",
        "status code",
        "scopes",
        "permissions",
    ]
    .iter()
    .any(|w| c.contains(w))
}

/// A bullet's words saying its name is no value to type: a response
/// header, a fixed setting, a token obtained at run time.
fn not_a_value(text: &str) -> bool {
    let t = lower(text);
    super::region::set_aside(text)
        || [
            "never stored",
            "not stored",
            "not configurable",
            "hard-coded",
            "hardcoded",
            "response header",
            "obtained at runtime",
            "obtained at run time",
            "short-lived",
            "not a parameter",
            "only used once",
            "is returned",
            "returned by",
            "must match",
        ]
        .iter()
        .any(|w| t.contains(w))
}

/// Whether a line stands in the doc's auth section.
fn in_auth_section(line: &DocLine) -> bool {
    line.section_path
        .iter()
        .skip(usize::from(line.section_path.len() > 1))
        .any(|h| super::region::is_auth_heading(h))
}

/// The heading path of a line, joined.
fn headings(line: &DocLine) -> String {
    line.section_path.join(" / ")
}

/// Finds the doc's parameter lists among `lines` (in doc order).
pub fn find(lines: &[&DocLine]) -> Lists {
    let mut lists = Lists::default();
    tables(lines, &mut lists);
    bullets(lines, &mut lists);
    sentences(lines, &mut lists);
    config_objects(lines, &mut lists);
    required_by_calls(lines, &mut lists);
    lists
}

/// Why a value every request needs is listed ("API calls require both a
/// bearer token and the company `realmId`"): one value beside the
/// credentials, not the connection's whole list.
pub const NEEDED_BY_CALLS: &str = "a value the doc says every call needs";

/// "API calls require … `realmId`", "every request must include the
/// `workspace_id`": in the auth section, values the requests need.
fn required_by_calls(lines: &[&DocLine], lists: &mut Lists) {
    let cued = |t: &str| {
        ["requir", "needs", "must incl"].iter().any(|w| {
            t.as_bytes()
                .windows(w.len())
                .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
        })
    };
    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.code && cued(&l.text) && in_auth_section(l))
    {
        let l = lower(&line.text);
        let cue = [
            "calls require",
            "requests require",
            "request requires",
            "call requires",
            "every call needs",
            "every request needs",
            "must include the",
        ]
        .iter()
        .find_map(|c| l.find(c));
        let Some(at) = cue else { continue };
        if not_a_value(&line.text) {
            continue;
        }
        let joined = with_continuation(lines, i);
        for raw in backticked_raw(sentence_from(&joined, at)) {
            let Some(name) = identifier(&raw) else {
                continue;
            };
            let name = crate::apidoc::camel_to_snake(&name);
            let issued =
                ["access_token", "id_token", "token", "bearer_token"].contains(&name.as_str());
            if issued
                || TOKEN_REQUEST_FIELDS.contains(&name.as_str())
                || SELECTOR_NAMES.contains(&name.as_str())
                || lists.params.iter().any(|p| p.name == name)
            {
                continue;
            }
            lists.params.push(Listed {
                name,
                required: Some(true),
                secret: None,
                kind: ParamType::String,
                default: None,
                description: None,
                method: None,
                line: line.number,
                why: NEEDED_BY_CALLS,
            });
        }
    }
}

/// A JSON object of the connection's values under words about the
/// connection ("`dev_config.json` / connection parameters should hold:"):
/// its keys are the parameters.
fn config_objects(lines: &[&DocLine], lists: &mut Lists) {
    let fence = |l: &DocLine| {
        let t = l.text.trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    };
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].code {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < lines.len() && lines[i].code && !fence(lines[i]) {
            i += 1;
        }
        if i < lines.len() && fence(lines[i]) {
            i += 1;
        }
        let block: Vec<&DocLine> = lines[start..i]
            .iter()
            .copied()
            .filter(|l| !fence(l))
            .collect();
        let text: String = block
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        if !text.trim_start().starts_with('{') {
            continue;
        }
        let context = format!("{} {}", headings(lines[start]), before(lines, start));
        let c = lower(&context);
        let cued = [
            "dev_config",
            "config.json",
            "connection parameter",
            "connection params",
            "connection option",
            "connection setting",
            "connection config",
            "connector config",
            "connection should",
            "connection values",
        ]
        .iter()
        .any(|w| c.contains(w));
        if !cued || about_something_else(&context) {
            continue;
        }
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&text)
        else {
            continue;
        };
        // A service account's key file is one value, not the connection's keys.
        if map.contains_key("private_key_id") || map.contains_key("token_uri") {
            continue;
        }
        let mut found: Vec<Listed> = map
            .iter()
            .filter_map(|(key, value)| {
                let name = identifier(key)?;
                let ticked = format!("\"{key}\"");
                let line = block
                    .iter()
                    .find(|l| l.text.contains(&ticked))
                    .map_or(lines[start].number, |l| l.number);
                Some(Listed {
                    name,
                    // A flag or a number is a setting; a text is a value to type.
                    required: (!value.is_string()).then_some(false),
                    secret: None,
                    kind: match value {
                        serde_json::Value::Bool(_) => ParamType::Boolean,
                        serde_json::Value::Number(_) => ParamType::Integer,
                        _ => ParamType::String,
                    },
                    default: None,
                    description: None,
                    method: None,
                    line,
                    why: "a key of the doc's example connection config",
                })
            })
            .collect();
        found.sort_by_key(|l| l.line);
        for l in found {
            if !lists.params.iter().any(|p| p.name == l.name)
                && !SELECTOR_NAMES.contains(&l.name.as_str())
            {
                lists.params.push(l);
            }
        }
    }
}

/// The cells of a table row.
fn cells(text: &str) -> Vec<String> {
    text.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

/// The prose just before line index `i` (up to 3 non-empty lines).
fn before(lines: &[&DocLine], i: usize) -> String {
    lines[..i]
        .iter()
        .rev()
        .filter(|l| !l.text.trim().is_empty())
        .take(2)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn tables(lines: &[&DocLine], lists: &mut Lists) {
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].text.trim_start().starts_with('|') || lines[i].code {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].text.trim_start().starts_with('|') {
            i += 1;
        }
        let rows: Vec<&DocLine> = lines[start..i].to_vec();
        if rows.len() < 3 {
            continue;
        }
        let header: Vec<String> = cells(&rows[0].text)
            .iter()
            .map(|c| lower(c).replace(['*', '`'], ""))
            .collect();
        // A table can list parameters only with a required/secret column,
        // or under words about the connection: others are passed over
        // before their context is read in full.
        let strong = header.iter().any(|h| {
            [
                "required",
                "mandatory",
                "req",
                "secret",
                "sensitive",
                "must be set",
            ]
            .iter()
            .any(|w| h.contains(w))
        });
        let context = format!("{} {}", headings(rows[0]), before(lines, start));
        let lowered = lower(&context);
        let hinted = [
            "connect",
            "config",
            "setting",
            "credential",
            "parameter",
            "option",
            "needs",
            "requires",
        ]
        .iter()
        .any(|w| lowered.contains(w));
        if !strong && !hinted {
            continue;
        }
        table(&header, &rows[2..], &context, lists);
    }
}

fn table(header: &[String], rows: &[&DocLine], context: &str, lists: &mut Lists) {
    let col = |words: &[&str]| {
        header
            .iter()
            .position(|h| words.iter().any(|w| h.contains(w)))
    };
    let Some(name_col) = col(&[
        "parameter",
        "name",
        "field",
        "key",
        "option",
        "setting",
        "config",
        "variable",
        "property",
    ]) else {
        return;
    };
    let required_col = col(&["required", "mandatory", "req"]).filter(|c| *c != name_col);
    // "| Method | Required keys | Optional |": names in both columns.
    let optional_col = header
        .iter()
        .position(|h| {
            h.trim() == "optional"
                || h.starts_with("optional ")
                || h.contains("may be set")
                || h.contains("(optional")
        })
        .filter(|c| *c != name_col);
    let names_required = header[name_col].contains("required") || header[name_col].contains("must");
    let secret_col = col(&["secret", "sensitive"]);
    let type_col = col(&["type"]).filter(|c| *c != name_col);
    let default_col = col(&["default"]);
    let description_col = col(&[
        "description",
        "notes",
        "meaning",
        "what",
        "example",
        "purpose",
        "value",
    ])
    .filter(|c| *c != name_col);
    // A column of selector values (`auth_type`: `bearer`, `basic`) names
    // the methods the way the connector does.
    let selector_col = header
        .iter()
        .position(|h| SELECTOR_NAMES.contains(&h.trim()))
        .filter(|c| *c != name_col);
    let method_col = selector_col.or_else(|| {
        col(&[
            "method",
            "auth type",
            "auth_type",
            "applies",
            "used by",
            "used for",
        ])
        .filter(|c| *c != name_col)
    });
    let mut previous: Vec<String> = Vec::new();
    let names: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let cell = cells(&r.text).get(name_col).cloned().unwrap_or_default();
            let mut found = identifiers_of(&cell);
            if !cell.contains('`') && found.len() <= 1 {
                let row = cells(&r.text);
                let value = description_col
                    .and_then(|d| row.get(d))
                    .map_or("", |c| c.as_str());
                let by_label = label_name(&cell, value);
                if !by_label.is_empty() {
                    found = by_label;
                }
            }
            // "Same plus `oauth2_refresh_token`".
            let cell_lower = lower(&cell);
            let cell_lower = cell_lower.trim_start();
            if cell_lower.starts_with("same") || cell_lower.starts_with("as above") {
                found = previous.iter().cloned().chain(found).collect();
            }
            previous = found.clone();
            found
        })
        .collect();
    if names
        .iter()
        .flatten()
        .any(|n| TOKEN_REQUEST_FIELDS.contains(&n.as_str()))
    {
        return;
    }
    if let Some(sc) = selector_col {
        let values: Vec<String> = rows
            .iter()
            .flat_map(|r| backticked(cells(&r.text).get(sc).map_or("", |c| c.as_str())))
            .collect();
        if !values.is_empty() {
            lists.selectors.push(Selector {
                name: header[sc].trim().to_string(),
                values,
                line: rows.first().map_or(0, |r| r.number),
            });
        }
    }
    let mut seen_methods: Vec<String> = Vec::new();
    let strong_columns =
        required_col.is_some() || secret_col.is_some() || names_required || optional_col.is_some();
    let connection = about_connection(context) && !about_something_else(context);
    let in_auth = rows.first().is_some_and(|r| in_auth_section(r));
    if !(connection || (strong_columns && in_auth && !about_something_else(context))) {
        return;
    }
    let database = names.iter().flatten().any(|n| n == "host")
        && names
            .iter()
            .flatten()
            .any(|n| n == "database" || n == "port");
    for (row, row_names) in rows.iter().zip(names) {
        let c = cells(&row.text);
        let get = |i: Option<usize>| i.and_then(|i| c.get(i)).map(|s| s.as_str()).unwrap_or("");
        // "`app_password` (preferred)": the backticked value names the method.
        let method_cell = |m: usize| {
            let cell = get(Some(m));
            backticked(cell)
                .into_iter()
                .next()
                .unwrap_or_else(|| cell.replace(['`', '*'], "").trim().to_string())
        };
        let row_method = method_col.map(method_cell).filter(|m| !m.is_empty());
        // A later row of a method already seen (a variant): its extra names
        // are optional.
        let variant = row_method
            .as_ref()
            .is_some_and(|m| seen_methods.contains(m));
        if let Some(m) = &row_method {
            seen_methods.push(m.clone());
        }
        let extra: Vec<(String, bool)> = optional_col
            .map(|o| identifiers_of(get(Some(o))))
            .unwrap_or_default()
            .into_iter()
            .map(|n| (n, true))
            .collect();
        let several = row_names.len() > 1 || !extra.is_empty();
        let all: Vec<(String, bool)> = row_names
            .into_iter()
            .map(|n| (n, false))
            .chain(extra)
            .collect();
        for (name, optional) in all {
            if lists
                .params
                .iter()
                .any(|p| p.name == name && p.line == row.number)
            {
                continue;
            }
            if database && not_a_connection_value(&name) {
                continue;
            }
            let description = if several { "" } else { get(description_col) };
            if selector(&name, description) {
                lists.selectors.push(Selector {
                    values: backticked(description)
                        .into_iter()
                        .chain(backticked(get(default_col)))
                        .collect(),
                    name,
                    line: row.number,
                });
                continue;
            }
            let required_text = lower(get(required_col));
            let condition = required_text
                .split_once('=')
                .map(|(_, v)| v.trim().trim_matches(['`', ')', ' ']).to_string())
                .filter(|v| !v.is_empty());
            let method = condition.or_else(|| {
                method_col.map(method_cell).filter(|m| {
                    !m.is_empty()
                        && m != "—"
                        && m != "-"
                        && !m.eq_ignore_ascii_case("all")
                        && !m.eq_ignore_ascii_case("both")
                })
            });
            let value = lower(get(description_col));
            let label = lower(c.get(name_col).map_or("", |s| s.as_str()));
            let required = if optional || (variant && several) {
                Some(false)
            } else if required_col.is_some() {
                Some(
                    yes(&required_text)
                        && !required_text.contains("when")
                        && !required_text.contains("if "),
                )
            } else if names_required {
                Some(true)
            } else if value.starts_with("optional")
                || value.contains("(default")
                || label.contains("(default")
                || label.contains("optional")
            {
                Some(false)
            } else {
                None
            };
            let secret = secret_col.map(|s| yes(&lower(get(Some(s)))));
            let kind = ParamType::parse(&lower(get(type_col)).replace('`', "")).unwrap_or_default();
            let default = default_col
                .map(|d| get(Some(d)).trim_matches('`').to_string())
                .filter(|d| {
                    !d.is_empty() && !matches!(d.as_str(), "—" | "-" | "–" | "none" | "n/a")
                });
            lists.params.push(Listed {
                name,
                required,
                secret,
                kind,
                default,
                description: clean_cell(description),
                method,
                line: row.number,
                why: "a row of the doc's parameters table",
            });
        }
    }
}

/// The names of a table cell: every backticked one
/// (`` `username`, `password` ``), or plain words ("User / Password").
fn identifiers_of(cell: &str) -> Vec<String> {
    let ticked = backticked(cell);
    // Only names and joining words between them: "`a`, `b`", "Same plus `c`".
    let between: String = cell.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let only_joins = between
        .split(|c: char| c.is_whitespace() || ",;/&+".contains(c))
        .filter(|w| !w.is_empty())
        .all(|w| {
            ["and", "or", "same", "plus", "also", "as", "above"]
                .contains(&w.to_lowercase().as_str())
        });
    if ticked.len() > 1 && only_joins {
        return ticked;
    }
    let plain = cell.replace("**", "");
    if !plain.contains('`') && plain.contains(" / ") {
        let parts: Vec<String> = plain
            .split(" / ")
            .filter_map(|p| first_identifier(p.trim()))
            .collect();
        if parts.len() > 1 {
            return parts;
        }
    }
    first_identifier(cell).into_iter().collect()
}

/// A row labelled in words: "Port (default 3307)" is `port`; "Company
/// database" whose value starts with `` `company_db` `` is that name;
/// "SSL" whose value says "optional — `ssl_mode`: …" is `ssl_mode`.
fn label_name(cell: &str, value: &str) -> Vec<String> {
    let label = cell.split('(').next().unwrap_or(cell).replace("**", "");
    let named = value_key(value);
    // A snake_case key the value names beats the label's word.
    if let Some(k) = named.first().filter(|k| k.contains('_')) {
        return vec![k.clone()];
    }
    if let Some(n) = first_identifier(label.trim()) {
        return vec![n];
    }
    named
}

/// The key a value cell starts with: "optional — `ssl_mode`: …".
fn value_key(value: &str) -> Vec<String> {
    let v = value.trim_start();
    let v = v
        .strip_prefix("optional")
        .or_else(|| v.strip_prefix("Optional"))
        .map(|r| r.trim_start_matches([' ', '—', '-', '–', ':', ',']))
        .unwrap_or(v);
    if v.starts_with('`') {
        return backticked_raw(v)
            .first()
            .and_then(|raw| identifier(raw))
            .into_iter()
            .collect();
    }
    Vec::new()
}

/// Rows of a database's connection table that describe, not hold, a value:
/// the driver library, the assembled connection string.
fn not_a_connection_value(name: &str) -> bool {
    matches!(
        name,
        "driver" | "library" | "protocol" | "connection_string" | "dsn" | "url" | "uri"
    ) || name.starts_with("connection")
}

/// A yes in a table cell.
fn yes(cell: &str) -> bool {
    let c = cell.trim().trim_matches(['*', '`']);
    c.contains('✅')
        || c.contains('✔')
        || c.starts_with("yes")
        || c == "y"
        || c == "true"
        || c.starts_with("required")
        || c == "x"
        || c == "always"
        || c == "mandatory"
}

fn clean_cell(text: &str) -> Option<String> {
    let t = text.replace("**", "").replace('`', "");
    let t = t.trim();
    (!t.is_empty() && t != "—" && t != "-").then(|| t.to_string())
}

/// The first identifier of a cell: a backticked one, else the cell itself
/// (a plain word such as "Host" written the spec's way, `host`).
fn first_identifier(cell: &str) -> Option<String> {
    backticked(cell).into_iter().next().or_else(|| {
        let plain = cell.replace("**", "");
        identifier(plain.trim()).map(|n| {
            // `camelCase` and `snake_case` stay; a capitalised word is lowered.
            let camel = n.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if n.contains('_') || camel {
                n
            } else {
                n.to_ascii_lowercase()
            }
        })
    })
}

/// The identifiers in backticks in a text.
pub fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(identifier)
        .collect()
}

/// Whether a row or bullet is a selector of the auth method.
fn selector(name: &str, description: &str) -> bool {
    let d = lower(description);
    SELECTOR_NAMES.contains(&name)
        || (name.contains("auth")
            && (d.contains("one of") || d.contains(" or `") || d.contains("set to")))
}

/// Bullets: "- `name` (string, required) — …", "* **name** (optional): …".
fn bullets(lines: &[&DocLine], lists: &mut Lists) {
    let mut intro = String::new();
    let mut intro_line = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.code {
            continue;
        }
        let t = line.text.trim();
        let Some(item) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
        else {
            if !t.is_empty() {
                intro = t.to_string();
                intro_line = line.number;
            }
            continue;
        };
        let _ = i;
        let item = item.trim();
        // "- Per-table options:" introduces the bullets nested under it.
        if item.ends_with(':') && !item.starts_with('`') {
            intro = item.to_string();
            intro_line = line.number;
            continue;
        }
        // The name: `name`, **name**, **`name`**.
        let unbold = item.trim_start_matches("**");
        let ticked = unbold.starts_with('`');
        let (name, rest) = if let Some(r) = unbold.strip_prefix('`') {
            match r.split_once('`') {
                Some((n, rest)) => (n.to_string(), rest.trim_start_matches("**").trim()),
                None => continue,
            }
        } else if item.starts_with("**") {
            match unbold.split_once("**") {
                Some((n, rest)) => (n.to_string(), rest.trim()),
                None => continue,
            }
        } else {
            continue;
        };
        let Some(name) = identifier(&name) else {
            continue;
        };
        let rest_lower = lower(rest);
        let paren = rest
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .map(|(p, _)| lower(p))
            .unwrap_or_default();
        let context = format!("{} {}", headings(line), intro);
        let intro_lower = lower(&intro);
        let intro_lists = about_connection(&context) && !about_something_else(&context);
        // "(required)"/"(optional)" mark a parameter anywhere; a type alone
        // ("(string)") only in a list about the connection, not a schema.
        let required_mark = paren.contains("required") || paren.contains("optional");
        let typed = ParamType::parse(paren.split([',', ' ']).next().unwrap_or("")).is_some();
        let marks_in_paren = (required_mark
            && (in_auth_section(line) || intro_lists)
            && !about_something_else(&headings(line)))
            || (typed && intro_lists);
        let described = rest.is_empty() || rest.starts_with(['—', '-', ':', '–', '(']);
        // In the auth section, "`name` — what it is" lists a value too,
        // unless it says the value is not one to type.
        let auth_bullet = ticked
            && in_auth_section(line)
            && rest.starts_with(['—', ':', '–'])
            && !not_a_value(rest)
            && !about_something_else(&intro);
        if !(marks_in_paren || intro_lists || auth_bullet) {
            continue;
        }
        if !marks_in_paren && !described {
            continue;
        }
        let description = rest
            .trim_start_matches('(')
            .split_once(')')
            .map(|(_, d)| d)
            .unwrap_or(rest)
            .trim_start_matches([' ', '—', '-', ':', '–'])
            .trim();
        if selector(&name, description) || selector(&name, &paren) {
            lists.selectors.push(Selector {
                values: backticked(rest),
                name,
                line: line.number,
            });
            continue;
        }
        let required = if paren.contains("optional")
            || rest_lower.starts_with("optional")
            || (auth_bullet && rest_lower.contains("optional"))
        {
            Some(false)
        } else if paren.contains("required") {
            Some(!paren.contains("when") && !paren.contains("if "))
        } else if intro_lower.contains("optional") {
            Some(false)
        } else if intro_lower.contains("required") || intro_lower.contains("needs") {
            Some(true)
        } else {
            None
        };
        let kind = paren
            .split([',', ' ', ';'])
            .find_map(ParamType::parse)
            .unwrap_or_default();
        let default = rest
            .find("default")
            .map(|at| &rest[at + 7..])
            .and_then(|d| backticked_raw(d).into_iter().next())
            .filter(|_| paren.contains("default"));
        let secret = (paren.contains("secret") || paren.contains("sensitive")).then_some(true);
        let _ = intro_line;
        lists.params.push(Listed {
            name,
            required,
            secret,
            kind,
            default,
            description: clean_cell(description),
            method: None,
            line: line.number,
            why: "listed as a connection parameter in the doc",
        });
    }
}

/// The raw texts in backticks.
fn backticked_raw(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The cues of "the connector stores `client_id` …" sentences.
const STORES: [&str; 3] = ["stores `", "store `", "stores the"];
/// Why a parameter named by such a sentence is listed: it describes an
/// OAuth app's identity, not the connection's whole list.
pub const STORED: &str = "named as a value the connector stores";

/// Sentences that list parameters.
fn sentences(lines: &[&DocLine], lists: &mut Lists) {
    for (i, line) in lines.iter().enumerate() {
        if line.code {
            continue;
        }
        let text = line.text.as_str();
        // Every cue holds one of these words: most lines are passed over
        // after a few searches.
        let l = lower(text);
        if l.contains("with `") {
            selector_sentence(text, line.number, lists);
        }
        if ![
            "param",
            "need",
            "requir",
            "stor",
            "setting",
            "field",
            "connection val",
            "both",
        ]
        .iter()
        .any(|w| l.contains(w))
        {
            continue;
        }
        // "Optional `use_sandbox` is for table options": not the connection's.
        if [
            "table option",
            "table-level",
            "per-table",
            "table_options",
            "table configuration",
        ]
        .iter()
        .any(|w| l.contains(w))
        {
            continue;
        }
        for (cue, required) in [
            ("required connection parameters", Some(true)),
            ("optional connection parameters", Some(false)),
            ("connection parameters:", None),
            ("connection params:", None),
            ("connection values:", None),
            ("connection fields:", None),
            ("connection parameters are", None),
            ("connection settings:", None),
            ("connector parameters:", None),
            ("connector params:", None),
            ("config parameters:", None),
            ("config params:", None),
            ("configuration parameters:", None),
            ("connector needs", Some(true)),
            ("connector requires", Some(true)),
            ("required parameters:", Some(true)),
            ("required settings:", Some(true)),
            ("required fields:", Some(true)),
            (STORES[0], Some(true)),
            (STORES[1], Some(true)),
            (STORES[2], Some(true)),
            ("needs the following", Some(true)),
            ("both need", Some(true)),
            ("both methods need", Some(true)),
            ("every method needs", Some(true)),
            ("all methods need", Some(true)),
        ] {
            let Some(at) = l.find(cue) else { continue };
            let joined = with_continuation(lines, i);
            let sentence = sentence_from(&joined, at);
            let mut names = backticked(sentence);
            if names.is_empty() {
                // "The connector needs: host, port, database, user, password."
                if let Some((_, tail)) = sentence.split_once(':') {
                    names = tail
                        .split([',', ' '])
                        .map(|w| w.trim().trim_end_matches('.'))
                        .filter(|w| !w.is_empty() && *w != "and" && *w != "or")
                        .map(identifier)
                        .collect::<Option<Vec<_>>>()
                        .unwrap_or_default();
                }
            }
            let why = if STORES.contains(&cue) {
                STORED
            } else if cue.contains("need") && !cue.contains("connector") {
                // "Both need `account_number`": one shared value, not a list.
                NEEDED_BY_CALLS
            } else {
                "named as a connection value in the doc"
            };
            for name in names {
                if let Some(p) = lists.params.iter_mut().find(|p| p.name == name) {
                    // A table that did not say; the sentence does.
                    if p.required.is_none() && marked_optional(sentence, &name) {
                        p.required = Some(false);
                    }
                    continue;
                }
                if SELECTOR_NAMES.contains(&name.as_str()) {
                    continue;
                }
                let required = if marked_optional(sentence, &name) {
                    Some(false)
                } else {
                    required
                };
                lists.params.push(Listed {
                    name,
                    required,
                    secret: None,
                    kind: ParamType::String,
                    default: None,
                    description: None,
                    method: None,
                    line: line.number,
                    why,
                });
            }
            break;
        }
    }
}

/// "The person chooses with `credential_type`: `api_token` (preferred) or
/// `oauth2`": a selector and its values.
fn selector_sentence(text: &str, line: usize, lists: &mut Lists) {
    let l = lower(text);
    let Some(at) = [
        "chooses with `",
        "picks with `",
        "selected with `",
        "chosen with `",
        "choose with `",
    ]
    .iter()
    .find_map(|c| l.find(c)) else {
        return;
    };
    let sentence = sentence_from(text, at);
    let mut names = backticked(sentence).into_iter();
    let Some(name) = names.next() else { return };
    let values: Vec<String> = names.collect();
    if values.len() >= 2 && !lists.selectors.iter().any(|s| s.name == name) {
        lists.selectors.push(Selector { name, values, line });
    }
}

/// "optional `use_sandbox`", "`client_secret` (optional for native apps)":
/// the sentence marks this one name optional.
fn marked_optional(sentence: &str, name: &str) -> bool {
    let ticked = format!("`{name}`");
    let Some(at) = sentence.find(&ticked) else {
        return false;
    };
    let before = sentence[..at].trim_end().to_lowercase();
    let after = sentence[at + ticked.len()..].trim_start().to_lowercase();
    before.ends_with("optional")
        || before.ends_with("optionally")
        || before.ends_with("an optional")
        || after.starts_with("(optional")
        || after.starts_with("(opt")
        || (after.starts_with('(')
            && after
                .split(')')
                .next()
                .is_some_and(|p| p.contains("optional")))
}

/// A prose line with the lines that continue its paragraph (a sentence
/// wrapped at 80 columns, a bullet's indented continuation).
fn with_continuation(lines: &[&DocLine], i: usize) -> String {
    let mut text = lines[i].text.clone();
    for next in lines.iter().skip(i + 1).take(3) {
        let t = next.text.trim();
        let structural = t.is_empty()
            || next.code
            || t.starts_with(['#', '|', '-', '*', '+', '>'])
            || t.split_once(". ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
        if structural || next.number != lines[i].number + (text.matches('\n').count() + 1) {
            break;
        }
        text.push('\n');
        text.push_str(t);
    }
    text.replace('\n', " ")
}

/// The sentence of `text` that holds byte offset `at`: up to ". " or the end.
fn sentence_from(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let mut end = rest.len();
    let bytes = rest.as_bytes();
    let mut in_tick = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_tick = !in_tick,
            b'.' | b';' if !in_tick && (i + 1 == bytes.len() || bytes[i + 1] == b' ') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidoc::ApiDoc;

    fn lists(text: &str) -> Lists {
        let doc = ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        let found = find(&lines);
        Lists {
            params: found.params,
            selectors: found.selectors,
        }
    }

    fn names(l: &Lists) -> Vec<(String, Option<bool>)> {
        l.params
            .iter()
            .map(|p| (p.name.clone(), p.required))
            .collect()
    }

    #[test]
    fn a_parameters_table_with_marks() {
        let l = lists(
            "## 2. Connector options\n\n| Option | Type | Required | Default | Description |\n|---|---|---|---|---|\n| `region` | string | Yes | — | `us` or `eu` |\n| `personal_api_key` | string | ✅ | — | secret |\n| `page_size` | integer | No | 100 | rows |\n",
        );
        assert_eq!(
            names(&l),
            [
                ("region".into(), Some(true)),
                ("personal_api_key".into(), Some(true)),
                ("page_size".into(), Some(false))
            ]
        );
        assert_eq!(l.params[2].kind, ParamType::Integer);
        assert_eq!(l.params[2].default.as_deref(), Some("100"));
    }

    #[test]
    fn a_token_request_table_is_not_parameters() {
        let l = lists(
            "### Token endpoint\n\nForm fields of the token request:\n\n| Field | Value |\n|---|---|\n| `grant_type` | `client_credentials` |\n| `client_id` | the app id |\n| `scope` | `x/.default` |\n",
        );
        assert!(l.params.is_empty(), "{:?}", l.params);
    }

    #[test]
    fn bullets_and_sentences() {
        let l = lists(
            "## Configuration\n\nConnection parameters the connector reads:\n\n- `token` (string, required, secret) — the PAT.\n- `owner` (string, required) — org.\n- `base_url` (string, optional, default `https://api.github.com`) — override.\n\nThe connector needs: `base_url`, `username`, `api_token`.\n\nRequired connection parameters: `tenant_id`, `client_id`. Tokens are cached.\n- `workspace_id` is a GUID\n",
        );
        let n = names(&l);
        assert!(n.contains(&("token".into(), Some(true))), "{n:?}");
        assert!(n.contains(&("base_url".into(), Some(false))), "{n:?}");
        assert!(n.contains(&("username".into(), Some(true))), "{n:?}");
        assert!(n.contains(&("tenant_id".into(), Some(true))), "{n:?}");
        assert!(!n.iter().any(|(x, _)| x == "workspace_id"), "{n:?}");
        assert_eq!(
            l.params[2].default.as_deref(),
            Some("https://api.github.com")
        );
    }

    #[test]
    fn selectors_are_not_parameters() {
        let l = lists(
            "### Connection parameters\n\n| Parameter | Type | Required | Secret | Notes |\n|---|---|---|---|---|\n| `auth_type` | string | ✅ | No | `api_token` or `global_api_key` |\n| `api_token` | string | when `auth_type=api_token` | ✅ | |\n| `account_id` | string | ✅ | No | id |\n",
        );
        assert_eq!(l.selectors.len(), 1);
        assert_eq!(l.selectors[0].values, ["api_token", "global_api_key"]);
        assert_eq!(l.params[0].method.as_deref(), Some("api_token"));
        assert_eq!(l.params[0].required, Some(false));
    }

    #[test]
    fn a_method_table_lists_several_names_per_cell() {
        let l = lists(
            "## Authentication\n\nThe connector picks its method from `auth_type`.\n\n| Method | `auth_type` | Required option keys | Optional |\n| --- | --- | --- | --- |\n| Bearer | `bearer` | `token` | — |\n| Basic | `basic` | `username`, `password` | — |\n| Key in a header | `api_key` | `api_key` | `api_key_header` (default `x-api-key`) |\n| Client credentials | `oauth2` | `token_url`, `client_id`, `client_secret` | `scope` |\n| Refresh | `oauth2` | Same plus `refresh_token` | `scope` |\n",
        );
        let n = names(&l);
        assert!(n.contains(&("password".into(), Some(true))), "{n:?}");
        assert!(n.contains(&("api_key_header".into(), Some(false))), "{n:?}");
        assert!(n.contains(&("refresh_token".into(), Some(false))), "{n:?}");
        let method = |name: &str| {
            l.params
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.method.clone())
        };
        assert_eq!(method("username").as_deref(), Some("basic"));
        assert_eq!(l.selectors[0].name, "auth_type");
        // A description naming sample values is not a list of names.
        let l = lists(
            "### Connection parameters\n\n| Method | Parameter |\n|---|---|\n| both | `instance` — the label before `.desk.example` (`acme`, `dev42`) |\n",
        );
        assert_eq!(names(&l), [("instance".into(), None)]);
    }

    #[test]
    fn a_database_table_splits_pairs_and_skips_the_driver() {
        let l = lists(
            "## Connection\n\n| Parameter | Value / Description |\n|---|---|\n| Driver | `pg8000` (`pip install pg8000`) |\n| Host | the server |\n| Port | 6432 (default for the wire protocol) |\n| Database | the catalog name |\n| User / Password | an account with read rights |\n| SSL | Optional (`sslmode=require`) |\n",
        );
        assert_eq!(
            names(&l),
            [
                ("host".into(), None),
                ("port".into(), Some(false)),
                ("database".into(), None),
                ("user".into(), None),
                ("password".into(), None),
            ]
        );
    }

    #[test]
    fn sentences_wrapped_over_lines_are_read_whole() {
        let l = lists(
            "# Ledger API\n\n## Authentication\n\n- Every call carries a bearer token. API calls require both the token and a company\n  `companyId` from the admin page.\n\nThe connector stores `client_id`, `client_secret`,\nand `refresh_token`.\n\n- `unrelated`\n",
        );
        let n = names(&l);
        assert!(n.contains(&("company_id".into(), Some(true))), "{n:?}");
        assert!(n.contains(&("refresh_token".into(), Some(true))), "{n:?}");
        assert!(!n.iter().any(|(x, _)| x == "unrelated"), "{n:?}");
    }

    #[test]
    fn rows_labelled_in_words_take_their_names() {
        let l = lists(
            "## Connection settings\n\n| Setting | Value |\n|---|---|\n| Port (default 7010) | the gateway port |\n| Ledger database | `ledger_db`, e.g. `ACME01` |\n| Encryption | optional — `tls_mode`: `off`, `on` |\n| Connection string | `Server={host};Db={ledger_db}` — for testing with `odbcping` |\n| Host | the gateway host |\n",
        );
        assert_eq!(
            names(&l),
            [
                ("port".into(), Some(false)),
                ("ledger_db".into(), None),
                ("tls_mode".into(), Some(false)),
                ("host".into(), None),
            ]
        );
    }

    #[test]
    fn an_example_connection_config_lists_its_keys() {
        let l = lists(
            "Alternatives are not used.\n\nThe connection parameters should hold:\n\n```json\n{\n  \"site_url\": \"https://blog.example.org\",\n  \"username\": \"reader\",\n  \"app_password\": \"abcd efgh\",\n  \"use_cache\": false\n}\n```\n\nA token answer:\n\n```json\n{\"access_token\": \"x\", \"expires_in\": 3600}\n```\n",
        );
        assert_eq!(
            names(&l),
            [
                ("site_url".into(), None),
                ("username".into(), None),
                ("app_password".into(), None),
                ("use_cache".into(), Some(false)),
            ]
        );
    }

    #[test]
    fn sentences_mark_single_names_optional_and_skip_table_options() {
        let l = lists(
            "- Connector connection params: `service_user_id`, `service_user_token`, optional `use_sandbox` (bool).\n\nThe connector stores `client_id`, `client_secret` (optional for public clients), and `refresh_token`.\n\n**Connector requires** `region_code` in table options.\n",
        );
        let n = names(&l);
        assert!(n.contains(&("service_user_token".into(), None)), "{n:?}");
        assert!(n.contains(&("use_sandbox".into(), Some(false))), "{n:?}");
        assert!(n.contains(&("client_secret".into(), Some(false))), "{n:?}");
        assert!(n.contains(&("refresh_token".into(), Some(true))), "{n:?}");
        assert!(!n.iter().any(|(x, _)| x == "region_code"), "{n:?}");
    }

    #[test]
    fn plain_word_lists_after_a_colon() {
        let l = lists("The connector needs: host, port, database, user, password.\n");
        assert_eq!(l.params.len(), 5, "{:?}", l.params);
    }
}
