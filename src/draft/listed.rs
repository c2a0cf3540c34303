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

pub use super::markup::identifier;
use super::markup::{about_something_else, backticked, backticked_raw, before, cells, headings};

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
    /// Names a later part of the doc left out of the list it replaces:
    /// (name, its line, the line of the part that replaces it).
    pub dropped: Vec<(String, usize, usize)>,
    /// Old names a mapping of old settings to new ones replaces ("|
    /// `vendorAuthCode` | `api_key` |"), each with its row's line.
    pub renamed: Vec<(String, usize)>,
    /// Optional names the doc says a connection does without ("`owner`
    /// … isn't needed to connect"): (name, its line, the saying's line).
    pub unneeded: Vec<(String, usize, usize)>,
}

use super::condition::SELECTOR_NAMES;
use super::cues;

/// Fields of an OAuth token request: a table holding them describes the
/// request, not the connection.
const TOKEN_REQUEST_FIELDS: &[&str] = &["grant_type", "response_type", "redirect_uri", "code"];

fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// Whether a heading path and the lines before a table or list say it is
/// about the connection's parameters.
fn about_connection(context: &str) -> bool {
    let c = lower(context);
    crate::any_word!(
        &c,
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
            "config.",
            "config file",
            "settings",
            "credential",
            "parameters the connector",
            "connector needs",
            "connector requires",
            "required parameter",
            "optional parameter",
            "auth parameter",
            "authentication parameter",
            "connection"
        ]
    )
}

/// A heading that names the connection's parameters ("1.3 Connection
/// Parameters", "Settings"), and nothing else.
fn own_heading_lists(heading: &str) -> bool {
    let h = lower(heading);
    crate::any_word!(
        &h,
        [
            "connection parameter",
            "connection setting",
            "connector setting",
            "connection option"
        ]
    ) && !about_something_else(heading)
}

/// A heading about the source's objects rather than its connection: their
/// schema, ingestion, incremental reads, or one endpoint.
fn about_objects(heading: &str) -> bool {
    let h = lower(heading);
    crate::any_word!(
        &h,
        [
            "schema",
            "ingestion",
            "incremental",
            "cursor",
            "object",
            "endpoint reference",
            "field type",
            "type mapping"
        ]
    )
}

/// The words before a table saying its rows are no settings ("the
/// following are fixed by the connector and are not connection settings").
fn disowned(intro: &str) -> bool {
    let t = lower(intro);
    crate::any_word!(
        &t,
        [
            "not connection settings",
            "not connection parameters",
            "are not settings",
            "are not parameters",
            "query option",
            "uri option",
            "url option",
            "connection string option",
            "dsn option"
        ]
    )
}

/// A bullet's words saying its name is no value to type: a response
/// header, a fixed setting, a token obtained at run time.
fn not_a_value(text: &str) -> bool {
    let t = lower(text);
    super::region::set_aside(text)
        || crate::any_word!(
            &t,
            [
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
                "must match"
            ]
        )
}

/// Whether a line stands in the doc's auth section.
fn in_auth_section(line: &DocLine) -> bool {
    line.auth_depth.is_some()
}

/// Finds the doc's parameter lists among `lines` (in doc order).
pub fn find(lines: &[&DocLine]) -> Lists {
    let mut lists = Lists::default();
    tables(lines, &mut lists);
    bullets(lines, &mut lists);
    sentences(lines, &mut lists);
    config_examples(lines, &mut lists);
    required_by_calls(lines, &mut lists);
    for n in super::setting_sentence::find(lines) {
        if lists.params.iter().any(|p| p.name == n.name) {
            continue;
        }
        lists.params.push(Listed {
            name: n.name,
            required: n.required,
            secret: None,
            kind: ParamType::String,
            default: None,
            description: None,
            method: None,
            line: n.line,
            why: super::setting_sentence::NAMED_SETTING,
        });
    }
    for m in super::inline_marks::find(lines) {
        if lists.params.iter().any(|p| p.name == m.name) {
            continue;
        }
        lists.params.push(Listed {
            name: m.name,
            required: Some(m.required),
            secret: m.secret.then_some(true),
            kind: ParamType::String,
            default: None,
            description: None,
            method: None,
            line: m.line,
            why: super::inline_marks::WHY,
        });
    }
    superseded(lines, &mut lists);
    unneeded(lines, &mut lists);
    let renamed = std::mem::take(&mut lists.renamed);
    for (old, line) in &renamed {
        if let Some(at) = lists.params.iter().position(|p| p.name == *old) {
            let p = lists.params.remove(at);
            lists.dropped.push((p.name, p.line, *line));
        }
    }
    lists.renamed = renamed;
    lists
}

/// "`owner` — strictly it just filters results, it isn't needed to
/// connect": an optional name the doc says a connection does without.
fn unneeded(lines: &[&DocLine], lists: &mut Lists) {
    for line in lines.iter().filter(|l| !l.code) {
        if !cues::holds(line, cues::UNNEEDED) {
            continue;
        }
        let named = backticked(&line.text);
        let [name] = named.as_slice() else { continue };
        if let Some(at) = lists
            .params
            .iter()
            .position(|p| p.name == *name && p.required != Some(true))
        {
            let p = lists.params.remove(at);
            lists.unneeded.push((p.name, p.line, line.number));
        }
    }
}

/// The keys of the doc's config examples, merged into what it lists: an
/// example's comment fills what a list left open.
fn config_examples(lines: &[&DocLine], lists: &mut Lists) {
    let listed: Vec<&str> = lists.params.iter().map(|p| p.name.as_str()).collect();
    for k in super::config_example::find(lines, &listed) {
        match lists.params.iter_mut().find(|p| p.name == k.name) {
            Some(p) => {
                p.required = p.required.or(k.required);
                p.secret = p.secret.or(k.secret);
            }
            None => lists.params.push(Listed {
                name: k.name,
                required: k.required,
                secret: k.secret,
                kind: k.kind,
                default: None,
                description: None,
                method: k.method,
                line: k.line,
                why: super::config_example::WHY,
            }),
        }
    }
}

/// A table mapping old setting names to new ones ("| 2.x setting | 3.0
/// setting |", "| Old name | New name |"): the columns of the old and the
/// new names.
fn mapping_columns(header: &[String]) -> Option<(usize, usize)> {
    let naming: Vec<usize> = (0..header.len())
        .filter(|c| {
            crate::any_word!(
                &header[*c],
                [
                    "setting",
                    "parameter",
                    "name",
                    "key",
                    "field",
                    "option",
                    "variable"
                ]
            )
        })
        .collect();
    if naming.len() != 2 {
        return None;
    }
    let (a, b) = (naming[0], naming[1]);
    let age = |h: &str| -> Option<i32> {
        if crate::any_word!(
            h,
            [
                "old",
                "before",
                "previous",
                "legacy",
                "deprecated",
                "former"
            ]
        ) {
            return Some(0);
        }
        if crate::any_word!(h, ["new", "after", "now", "current", "replacement"]) {
            return Some(1000);
        }
        // "2.x setting", "v3 name": the version number.
        let digits: String = h
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    match (age(&header[a]), age(&header[b])) {
        (Some(x), Some(y)) if x < y => Some((a, b)),
        (Some(x), Some(y)) if x > y => Some((b, a)),
        _ => None,
    }
}

/// "Replaces the … above", "(later — this wins)": a later part of the doc
/// that says it replaces an earlier one and lists two settings of its own
/// or names (in backticks) two of those listed before it. The ones listed
/// before it that it leaves out, or names only to set aside, are dropped.
fn superseded(lines: &[&DocLine], lists: &mut Lists) {
    let Some(i) = lines
        .iter()
        .rposition(|l| !l.code && super::region::replaces_earlier_on(l, &l.lower))
    else {
        return;
    };
    let at = lines[i].number;
    // What the later part (the rest of the section it stands in) names,
    // but not where it says a name is not needed.
    let part = &lines[i].section_path;
    let after: Vec<&str> = lines[i..]
        .iter()
        .take_while(|l| l.section_path.starts_with(part))
        .filter(|l| !l.code && !super::region::set_aside(&l.lower))
        .map(|l| l.text.as_str())
        .collect();
    // "No `environment_id` setting": named to be refused, not restated.
    let restated = |name: &str| {
        let ticked = format!("`{name}`");
        after.iter().any(|t| {
            t.match_indices(&ticked).any(|(at, _)| {
                let word = t[..at].split_whitespace().last().unwrap_or("");
                !["no", "not", "without", "drop", "dropped", "removed"]
                    .contains(&word.to_ascii_lowercase().trim_matches(['*', '(']))
            })
        })
    };
    let kept = lists
        .params
        .iter()
        .filter(|p| p.line < at && restated(&p.name))
        .count();
    let listed_after = lists.params.iter().filter(|p| p.line > at).count();
    if kept < 2 && listed_after < 2 {
        return;
    }
    let (kept, dropped): (Vec<Listed>, Vec<Listed>) = std::mem::take(&mut lists.params)
        .into_iter()
        .partition(|p| p.line > at || restated(&p.name));
    lists.params = kept;
    lists
        .dropped
        .extend(dropped.into_iter().map(|p| (p.name, p.line, at)));
}

/// Why a value every request needs is listed ("API calls require both a
/// bearer token and the company `realmId`"): one value beside the
/// credentials, not the connection's whole list.
pub const NEEDED_BY_CALLS: &str = "a value the doc says every call needs";

/// "API calls require … `realmId`", "every request must include the
/// `workspace_id`": in the auth section, values the requests need.
fn required_by_calls(lines: &[&DocLine], lists: &mut Lists) {
    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.code && cues::holds(l, cues::CALLS) && in_auth_section(l))
    {
        let l = &line.lower;
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
        if endpoint_table(&header, rows[0]) {
            continue;
        }
        if let Some(found) = super::method_table::read(&header, &rows[2..]) {
            for row in found {
                let listed = Listed {
                    name: row.name,
                    required: Some(true),
                    secret: row.secret.then_some(true),
                    kind: ParamType::String,
                    default: None,
                    description: None,
                    method: Some(row.method),
                    line: row.line,
                    why: super::method_table::METHOD_ROW,
                };
                if !lists
                    .params
                    .iter()
                    .any(|p| p.name == listed.name && p.method == listed.method)
                {
                    lists.params.push(listed);
                }
            }
            continue;
        }
        // A table can list parameters only with a required/secret column,
        // or under words about the connection: others are passed over
        // before their context is read in full.
        let strong = header.iter().any(|h| {
            crate::any_word!(
                &h,
                [
                    "required",
                    "mandatory",
                    "req",
                    "needed",
                    "must have",
                    "secret",
                    "sensitive",
                    "must be set"
                ]
            )
        });
        if !(strong || about_the_connection(lines, start))
            || disowned(&paragraph_before(lines, start))
        {
            continue;
        }
        let context = format!("{} {}", headings(rows[0]), before(lines, start));
        let intro = lines[..start]
            .iter()
            .rev()
            .find(|l| !l.text.trim().is_empty())
            .map_or("", |l| l.text.as_str());
        let hint = table_method(rows[0], intro);
        let footnote = lines[i..]
            .iter()
            .find(|l| !l.text.trim().is_empty())
            .map_or("", |l| l.lower.as_str());
        let tail = TableTail {
            hint: hint.as_deref(),
            starred_choice: starred_choice(footnote),
        };
        table(&header, &rows[2..], &context, tail, lists);
    }
    shared_across_method_tables(lists);
}

/// What stands around a parameters table: the method its heading or
/// intro names, and whether a footnote makes starred cells a choice.
struct TableTail<'a> {
    hint: Option<&'a str>,
    starred_choice: bool,
}

/// A footnote under a table ("\\* Give either `iotdb_host` or
/// `iotdb_node_urls`") saying a starred Required cell is one of a choice.
fn starred_choice(footnote: &str) -> bool {
    let t = footnote.trim_start();
    let starred = t.starts_with("\\*") || t.starts_with('*') && !t.starts_with("**");
    starred && (t.contains("either") || t.contains(" one of "))
}

/// A table of one endpoint's request or response: its first column names
/// query, path or body parameters, headers or fields, or it stands under
/// an endpoint's heading (`### GET /v2/business-units`) outside the auth
/// section. Its rows are the endpoint's, never the connection's.
fn endpoint_table(header: &[String], first: &DocLine) -> bool {
    let column = header.first().map_or("", |h| h.trim());
    let request_column = [
        "query param",
        "path param",
        "body param",
        "request param",
        "url param",
        "query string",
        "header",
    ]
    .iter()
    .any(|w| column.starts_with(w))
        // "| Field | Required |" may list the settings themselves: a
        // field or column table counts as the endpoint's only outside the
        // auth and connection sections.
        || ["column", "field", "property", "attribute"]
            .iter()
            .any(|w| column.starts_with(w))
            && !in_auth_section(first)
            && !about_connection(&headings(first));
    let endpoint_heading = first.section_path.last().is_some_and(|h| {
        let h = h.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
        ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "]
            .iter()
            .any(|m| h.starts_with(m))
            && h.contains('/')
    });
    request_column || endpoint_heading && !in_auth_section(first)
}

/// Words about the connection in the headings over line `start` or the
/// two lines before it: read line by line, most tables are passed over here.
fn about_the_connection(lines: &[&DocLine], start: usize) -> bool {
    const HINTS: [&str; 8] = [
        "connect",
        "config",
        "setting",
        "credential",
        "parameter",
        "option",
        "needs",
        "requires",
    ];
    // The words just before the table, in its own section (the section's
    // heading is read below).
    lines[..start]
        .iter()
        .rev()
        .filter(|l| !l.text.trim().is_empty())
        .take_while(|l| !l.text.trim_start().starts_with('#'))
        .take(2)
        .any(|l| HINTS.iter().any(|w| l.lower.contains(w)))
        || lines[start].section_path.iter().any(|h| {
            let h = h.to_lowercase();
            HINTS.iter().any(|w| h.contains(w))
        })
}

/// The paragraph just before line `start` (up to 4 lines), in doc order.
fn paragraph_before(lines: &[&DocLine], start: usize) -> String {
    let mut paragraph: Vec<&str> = lines[..start]
        .iter()
        .rev()
        .skip_while(|l| l.text.trim().is_empty())
        .take_while(|l| !l.text.trim().is_empty())
        .take(4)
        .map(|l| l.text.as_str())
        .collect();
    paragraph.reverse();
    paragraph.join(" ")
}

/// Why a row of a table for one method is listed.
pub const METHOD_TABLE: &str = "a row of the doc's parameters table for one method";
/// Why a row whose Required cell names its method is listed.
pub const CONDITIONAL: &str = "a row of the doc's parameters table, required for one method";

/// The method a parameters table is for, from its heading ("Parameters —
/// API key method") or the line introducing it ("SSH key method:").
fn table_method(first: &DocLine, intro: &str) -> Option<String> {
    let heading = first
        .section_path
        .last()
        .map_or("", |h| h.as_str())
        .to_lowercase();
    let from_heading = crate::any_word!(&heading, ["parameters", "settings", "fields", "options"])
        .then(|| {
            heading
                .split_once([':', '—', '–'])
                .map(|(_, t)| t.to_string())
        })
        .flatten();
    let intro = intro.trim().trim_matches('*').to_lowercase();
    let from_intro = intro
        .strip_suffix("method:")
        .filter(|head| head.split_whitespace().count() <= 3)
        .map(str::to_string)
        .or_else(|| intro_names_a_method(&intro));
    let tail = from_heading.or(from_intro)?;
    let words: Vec<&str> = tail
        .split_whitespace()
        .map(|w| w.trim_matches(['`', '*', '(', ')']))
        .filter(|w| !["method", "the", "auth", "authentication", ""].contains(w))
        .collect();
    let name = crate::apidoc::snake(&words.join(" "));
    (!name.is_empty() && super::region::names_a_scheme(&tail)).then_some(name)
}

/// "Parameters (private app):", "Fields for the OAuth method:", "OAuth
/// parameters:": the method the table under such a line is for.
fn intro_names_a_method(intro: &str) -> Option<String> {
    let body = intro.trim_end_matches(['*', ' ']).strip_suffix(':')?;
    let body = body.trim_end_matches(['*', ' ']);
    const LISTS: [&str; 5] = ["parameters", "params", "fields", "settings", "values"];
    let tail = LISTS.iter().find_map(|w| {
        let rest = body.strip_prefix(w)?.trim_start();
        rest.strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .or_else(|| rest.strip_prefix("for "))
            .or_else(|| rest.strip_prefix(['—', '–', '-']))
    });
    let tail = tail.or_else(|| {
        LISTS
            .iter()
            .find_map(|w| body.strip_suffix(w))
            .filter(|head| (1..=3).contains(&head.split_whitespace().count()))
    })?;
    let tail = tail.trim();
    (!tail.is_empty()).then(|| tail.to_string())
}

/// Rows listed in every one-method table are shared by the methods: one
/// parameter, tied to none.
fn shared_across_method_tables(lists: &mut Lists) {
    let mut methods: Vec<String> = lists
        .params
        .iter()
        .filter(|p| p.why == METHOD_TABLE)
        .filter_map(|p| p.method.clone())
        .collect();
    methods.sort();
    methods.dedup();
    if methods.len() < 2 {
        return;
    }
    let in_all = |name: &str, params: &[Listed]| {
        methods.iter().all(|m| {
            params
                .iter()
                .any(|p| p.name == name && p.method.as_deref() == Some(m.as_str()))
        })
    };
    let shared: Vec<String> = lists
        .params
        .iter()
        .filter(|p| p.why == METHOD_TABLE && in_all(&p.name, &lists.params))
        .map(|p| p.name.clone())
        .collect();
    let mut seen: Vec<String> = Vec::new();
    lists.params.retain_mut(|p| {
        if !shared.contains(&p.name) {
            return true;
        }
        if seen.contains(&p.name) {
            return false;
        }
        seen.push(p.name.clone());
        p.method = None;
        true
    });
}

/// Where a parameters table keeps what: the name, and the columns that
/// mark each row required, optional, secret, typed, defaulted, described,
/// or tied to a method.
struct Columns {
    name: usize,
    required: Option<usize>,
    /// "| Method | Required keys | Optional |": names in both columns.
    optional: Option<usize>,
    /// The name column's heading says its names are required.
    names_required: bool,
    secret: Option<usize>,
    kind: Option<usize>,
    default: Option<usize>,
    description: Option<usize>,
    /// A column of selector values (`auth_type`: `bearer`, `basic`) names
    /// the methods the way the connector does.
    selector: Option<usize>,
    method: Option<usize>,
    /// A footnote under the table ("\\* Give either `host` or `urls`")
    /// makes a starred Required cell ("yes*") a choice, not a must.
    starred_choice: bool,
    /// The description column is the doc's "Example" column.
    description_is_example: bool,
}

/// "| Field | Setting | Required |" over "| Jamf Pro URL | `jamf_pro_url` |
/// Yes |": of two columns whose headers could name the parameter, the one
/// whose cells hold the backticked names (when the first holds none).
fn ticked_name_column(header: &[String], rows: &[&DocLine], first: usize) -> usize {
    let ticked = |c: usize| {
        rows.iter()
            .filter(|r| {
                cells(&r.text)
                    .get(c)
                    .is_some_and(|cell| backticked(cell).len() == 1)
            })
            .count()
    };
    if ticked(first) > 0 {
        return first;
    }
    let later = header.iter().enumerate().skip(first + 1).find(|(c, h)| {
        crate::any_word!(
            h,
            ["parameter", "name", "key", "setting", "config", "variable"]
        ) && ticked(*c) * 2 > rows.len()
    });
    later.map_or(first, |(c, _)| c)
}

impl Columns {
    /// The columns of `header`, when it has a name column.
    fn of(header: &[String]) -> Option<Columns> {
        let col = |words: &[&str]| {
            header
                .iter()
                .position(|h| words.iter().any(|w| h.contains(w)))
        };
        let name = col(&[
            "parameter",
            "name",
            "field",
            "key",
            "option",
            "setting",
            "config",
            "variable",
            "property",
        ])?;
        let other = |c: &usize| *c != name;
        let optional = header
            .iter()
            .position(|h| {
                h.trim() == "optional"
                    || h.starts_with("optional ")
                    || h.contains("may be set")
                    || h.contains("(optional")
            })
            .filter(other);
        let selector = header
            .iter()
            .position(|h| SELECTOR_NAMES.contains(&h.trim()))
            .filter(other);
        let method = selector.or_else(|| {
            col(&[
                "method",
                "mode",
                "auth type",
                "auth_type",
                "applies",
                "used by",
                "used for",
            ])
            .filter(other)
        });
        let description = col(&[
            "description",
            "notes",
            "meaning",
            "what",
            "example",
            "purpose",
            "value",
        ])
        .filter(other);
        Some(Columns {
            description_is_example: description.is_some_and(|d| header[d].contains("example")),
            description,
            name,
            required: col(&[
                "required",
                "mandatory",
                "req",
                "needed",
                "must have",
                "must be set",
            ])
            .filter(other),
            optional,
            names_required: header[name].contains("required") || header[name].contains("must"),
            secret: col(&["secret", "sensitive"]),
            kind: col(&["type"]).filter(other),
            default: col(&["default"]),
            selector,
            method,
            starred_choice: false,
        })
    }

    /// Whether a column marks rows required, optional or secret.
    fn strong(&self) -> bool {
        self.required.is_some()
            || self.secret.is_some()
            || self.names_required
            || self.optional.is_some()
    }
}

/// The names each row of a table holds (a "Same plus `x`" row repeats the
/// row above).
fn row_names(rows: &[&DocLine], cols: &Columns) -> Vec<Vec<String>> {
    let mut previous: Vec<String> = Vec::new();
    // An "Example" column holds sample values (`test`), never a key.
    let described = cols.description.filter(|_| !cols.description_is_example);
    rows.iter()
        .map(|r| {
            let cell = cells(&r.text).get(cols.name).cloned().unwrap_or_default();
            let mut found = identifiers_of(&cell);
            if !cell.contains('`') && found.len() <= 1 {
                let row = cells(&r.text);
                let value = described
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
        .collect()
}

/// A mapping of old names to new ones lists the new ones; the old ones
/// are gone wherever else the doc names them.
fn renamed_by_mapping(header: &[String], rows: &[&DocLine], cols: &mut Columns, lists: &mut Lists) {
    if let Some((old, new)) = mapping_columns(header) {
        cols.name = new;
        cols.description = cols.description.filter(|d| *d != old);
        for r in rows {
            let row = cells(&r.text);
            let cell = |c: usize| identifiers_of(row.get(c).map_or("", |c| c.as_str()));
            let kept: Vec<String> = cell(new)
                .iter()
                .map(|n| crate::apidoc::to_snake_case(n))
                .collect();
            for name in cell(old) {
                let name = crate::apidoc::to_snake_case(&name);
                // `locationIds` → `location_ids`: the same setting, respelled.
                if !kept.contains(&name) {
                    lists.renamed.push((name, r.number));
                }
            }
        }
    }
}

fn table(header: &[String], rows: &[&DocLine], context: &str, tail: TableTail, lists: &mut Lists) {
    let hint = tail.hint;
    let Some(mut cols) = Columns::of(header) else {
        return;
    };
    cols.starred_choice = tail.starred_choice;
    cols.name = ticked_name_column(header, rows, cols.name);
    renamed_by_mapping(header, rows, &mut cols, lists);
    let names = row_names(rows, &cols);
    if names
        .iter()
        .flatten()
        .any(|n| TOKEN_REQUEST_FIELDS.contains(&n.as_str()))
    {
        return;
    }
    if let Some(sc) = cols.selector {
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
    // A heading that names the connection's parameters speaks for its
    // table whatever the paragraph before it is about.
    let own = rows
        .first()
        .and_then(|r| r.section_path.last())
        .map_or("", |h| h.as_str());
    let connection =
        about_connection(context) && !about_something_else(context) || own_heading_lists(own);
    let in_auth = rows.first().is_some_and(|r| in_auth_section(r));
    // "| Setting | Type | Required |" in the auth section names settings
    // whatever words stand before it ("request the scopes listed above").
    // Not under one method's own heading, where the table is that method's.
    let method_heading = ["oauth", "token", "key", "basic", "preferred", "alternative"]
        .iter()
        .any(|w| lower(own).contains(w));
    let settings_header = !method_heading
        && header.first().is_some_and(|h| {
            let h = h.trim();
            ["setting", "parameter", "option", "connection"]
                .iter()
                .any(|w| h.starts_with(w))
        });
    // "| Setting | Required |", "| Key | Required |" name settings wherever
    // they stand; endpoint tables say "Parameter", "Name" or "Field".
    let setting_column = header.first().is_some_and(|h| {
        let h = h.trim();
        h.starts_with("setting") || h == "key" || h.starts_with("config key")
    });
    if !(connection
        || cols.strong() && setting_column
        || (cols.strong() && in_auth && (settings_header || !about_something_else(context))))
    {
        return;
    }
    let database = names.iter().flatten().any(|n| n == "host")
        && names
            .iter()
            .flatten()
            .any(|n| n == "database" || n == "port");
    let mut seen_methods: Vec<String> = Vec::new();
    for (row, row_names) in rows.iter().zip(names) {
        table_row(
            row,
            row_names,
            &cols,
            database,
            hint,
            &mut seen_methods,
            lists,
        );
    }
}

/// One row of a parameters table: its names, each with what the row's
/// cells say of it.
fn table_row(
    row: &DocLine,
    row_names: Vec<String>,
    cols: &Columns,
    database: bool,
    hint: Option<&str>,
    seen_methods: &mut Vec<String>,
    lists: &mut Lists,
) {
    let c = cells(&row.text);
    let get = |i: Option<usize>| i.and_then(|i| c.get(i)).map(|s| s.as_str()).unwrap_or("");
    // "`app_password` (preferred)": the backticked value names the method.
    let method_cell = |m: usize| method_named(get(Some(m)));
    let row_method = cols.method.map(method_cell).filter(|m| one_method(m));
    // A later row of a method already seen (a variant): its extra names
    // are optional.
    let variant = row_method
        .as_ref()
        .is_some_and(|m| seen_methods.contains(m));
    if let Some(m) = &row_method {
        seen_methods.push(m.clone());
    }
    let extra: Vec<(String, bool)> = cols
        .optional
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
        let description = if several { "" } else { get(cols.description) };
        if selector(&name, description) {
            lists.selectors.push(Selector {
                values: backticked(description)
                    .into_iter()
                    .chain(backticked(get(cols.default)))
                    .collect(),
                name,
                line: row.number,
            });
            continue;
        }
        // "| `x` | both, required |": a Used-by cell may say it instead.
        let used_by_says = cols
            .required
            .is_none()
            .then(|| said_required(&lower(get(cols.method))))
            .flatten();
        let required_text = lower(get(cols.required));
        let condition = cols
            .required
            .and_then(|_| super::condition::of(get(cols.required)));
        let method = condition
            .as_ref()
            .map(|c| c.method.clone())
            .or_else(|| cols.method.map(method_cell).filter(|m| one_method(m)));
        let method = method.or_else(|| hint.map(str::to_string));
        let label = lower(c.get(cols.name).map_or("", |s| s.as_str()));
        let required = if optional || (variant && several) {
            Some(false)
        } else if let Some(c) = &condition {
            Some(c.required)
        } else if used_by_says.is_some() {
            used_by_says
        } else {
            row_required(cols, &required_text, &lower(get(cols.description)), &label)
        };
        let secret = cols.secret.map(|s| yes(&lower(get(Some(s)))));
        let kind = ParamType::parse(&lower(get(cols.kind)).replace('`', "")).unwrap_or_default();
        let default = cols.default.and_then(|d| clean_default(get(Some(d))));
        lists.params.push(Listed {
            name,
            required,
            secret,
            kind,
            default,
            description: clean_cell(description),
            why: row_why(condition.is_some(), hint, method.as_deref()),
            method,
            line: row.number,
        });
    }
}

/// A Method cell naming one method (not "all", "both" or a dash).
/// The method a Used-by cell names: its backticked value, or its words
/// without "method" ("API token method", "OAuth auth").
fn method_named(cell: &str) -> String {
    backticked(cell).into_iter().next().unwrap_or_else(|| {
        let words = cell.replace(['`', '*'], "");
        let mut words = words.trim();
        for tail in [" method", " auth", " authentication"] {
            words = words.strip_suffix(tail).unwrap_or(words);
        }
        words.trim().to_string()
    })
}

/// "both, required", "both, optional": what a cell says of requiredness.
fn said_required(cell: &str) -> Option<bool> {
    if cell.contains("optional") {
        Some(false)
    } else if cell.contains("required") {
        Some(true)
    } else {
        None
    }
}

fn one_method(m: &str) -> bool {
    // "both, required", "all methods", "either": every method's.
    let first = m
        .split([',', ' ', '('])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !m.is_empty()
        && m != "—"
        && m != "-"
        && !["all", "both", "every", "either", "any", "shared"].contains(&first.as_str())
}

/// Why a table row is listed: tied to a method by its Required cell, by a
/// one-method table, or neither.
fn row_why(conditional: bool, hint: Option<&str>, method: Option<&str>) -> &'static str {
    if conditional {
        CONDITIONAL
    } else if hint.is_some() && method == hint {
        METHOD_TABLE
    } else {
        "a row of the doc's parameters table"
    }
}

/// A Default cell's value, unless it says there is none.
fn clean_default(cell: &str) -> Option<String> {
    let d = cell.trim_matches('`');
    (!d.is_empty() && !matches!(d, "—" | "-" | "–" | "none" | "n/a")).then(|| d.to_string())
}

/// Whether a row is required: its Required cell (a condition makes it
/// not required for every method), the name column's heading, or words of
/// its value or label ("optional", "(default …)").
fn row_required(cols: &Columns, required_text: &str, value: &str, label: &str) -> Option<bool> {
    if cols.starred_choice && required_text.trim_end().ends_with('*') {
        return Some(false);
    }
    if cols.required.is_some() {
        Some(
            yes(required_text) && !required_text.contains("when") && !required_text.contains("if "),
        )
    } else if cols.names_required {
        Some(true)
    } else if value.starts_with("optional")
        || value.contains("(default")
        || label.contains("(default")
        || label.contains("optional")
    {
        Some(false)
    } else {
        None
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

/// An introduction naming a selector ("`auth_method` is one of:"): the
/// bullets under it are its values.
fn names_a_selector(intro: &str) -> bool {
    let named = backticked(intro);
    let chosen_with = || {
        let t = lower(intro);
        !named.is_empty()
            && crate::any_word!(
                &t,
                [
                    "chosen with",
                    "chosen by",
                    "selected with",
                    "selected by",
                    "picked with"
                ]
            )
    };
    (named.iter().any(|n| SELECTOR_NAMES.contains(&n.as_str())) || chosen_with())
        && !intro.trim_start().starts_with(['-', '*'])
}

/// Whether a row or bullet is a selector of the auth method.
fn selector(name: &str, description: &str) -> bool {
    let d = lower(description);
    SELECTOR_NAMES.contains(&name)
        || (name.contains("auth")
            && (d.contains("one of") || d.contains(" or `") || d.contains("set to")))
}

/// A bullet's name (`name`, **name**, **`name`**), the rest of the
/// bullet, and whether the name was backticked. A capitalised bold word
/// ("**Scopes**: …") is a label, not a name.
fn bullet_name(item: &str) -> Option<(String, &str, bool)> {
    let unbold = item.trim_start_matches("**");
    let ticked = unbold.starts_with('`');
    let (name, rest) = if let Some(r) = unbold.strip_prefix('`') {
        let (n, rest) = r.split_once('`')?;
        (n, rest.trim_start_matches("**").trim())
    } else if item.starts_with("**") {
        let (n, rest) = unbold.split_once("**")?;
        (n, rest.trim())
    } else {
        return None;
    };
    // "`api_token` *(string, secret)* — …": the parenthesis in emphasis.
    let rest = match rest.strip_prefix(['*', '_']) {
        Some(r) if r.starts_with('(') => r,
        _ => rest,
    };
    let label = !ticked && name.starts_with(|c: char| c.is_ascii_uppercase());
    Some((identifier(name).filter(|_| !label)?, rest, ticked))
}

/// Whether a bullet's words, or its list's introduction, mark it required.
fn bullet_required(
    paren: &str,
    rest_lower: &str,
    auth_bullet: bool,
    intro_lower: &str,
) -> Option<bool> {
    // "— required.", "— optional, int, default 22", "— secret. only
    // needed when the key is encrypted".
    let said = rest_lower.trim_start_matches(['—', '-', ':', '–', ' ']);
    let first = said.split(['.', ';']).next().unwrap_or("");
    if paren.contains("optional")
        || said.starts_with("optional")
        || (auth_bullet && rest_lower.contains("optional"))
        || crate::any_word!(
            said,
            ["only needed when", "only needed if", "only when", "only if"]
        )
    {
        Some(false)
    } else if paren.contains("required") {
        Some(!paren.contains("when") && !paren.contains("if "))
    } else if first.trim() == "required" || first.starts_with("required,") {
        Some(true)
    } else if intro_lower.contains("optional") {
        Some(false)
    } else if intro_lower.contains("required") || intro_lower.contains("needs") {
        Some(true)
    } else {
        None
    }
}

/// Bullets: "- `name` (string, required) — …", "* **name** (optional): …".
fn bullets(lines: &[&DocLine], lists: &mut Lists) {
    let mut intro = String::new();
    let mut tree: Option<SelectorTree> = None;
    // An indented line right under an item carries the item on.
    let mut in_item = false;
    for line in lines {
        if line.code {
            continue;
        }
        let t = line.text.trim();
        let Some(item) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
        else {
            let continued = in_item && line.text.starts_with([' ', '\t']);
            in_item = continued;
            if !t.is_empty() && !continued {
                if let Some(done) = tree.take() {
                    done.close(lists);
                }
                intro = t.to_string();
            }
            continue;
        };
        in_item = true;
        let item = item.trim();
        // "- Per-table options:" introduces the bullets nested under it.
        if item.ends_with(':') && !item.starts_with('`') {
            intro = item.to_string();
            continue;
        }
        let named = bullet_name(item);
        let Some(tree_method) = in_tree(&mut tree, line, named.as_ref(), &mut intro, lists) else {
            continue;
        };
        let Some((name, rest, ticked)) =
            named.filter(|_| tree_method.is_some() || !names_a_selector(&intro))
        else {
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
        let method = tree_method.or_else(|| intro_method(&intro));
        let intro_lists =
            method.is_some() || about_connection(&context) && !about_something_else(&context);
        let marks_in_paren = paren_marks(&paren, line, intro_lists);
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
        let description = bullet_description(rest);
        if selector(&name, description) || selector(&name, &paren) {
            lists.selectors.push(Selector {
                values: backticked(rest),
                name,
                line: line.number,
            });
            continue;
        }
        let required = bullet_required(&paren, &rest_lower, auth_bullet, &intro_lower);
        let (kind, default, secret) = paren_facts(&paren, rest);
        lists.params.push(Listed {
            name,
            required,
            secret,
            kind,
            default,
            description: clean_cell(description),
            why: if method.is_some() {
                METHOD_BULLET
            } else {
                "listed as a connection parameter in the doc"
            },
            method: method.clone(),
            line: line.number,
        });
    }
    if let Some(done) = tree {
        done.close(lists);
    }
}

/// A bullet's words after its name and parenthesis.
fn bullet_description(rest: &str) -> &str {
    rest.trim_start_matches('(')
        .split_once(')')
        .map(|(_, d)| d)
        .unwrap_or(rest)
        .trim_start_matches([' ', '—', '-', ':', '–'])
        .trim()
}

/// Where bullet `item` stands towards a selector written as nested
/// bullets: `None` when the tree takes it (the selector, one of its
/// values), else the method whose setting it is, if any.
fn in_tree(
    tree: &mut Option<SelectorTree>,
    line: &DocLine,
    named: Option<&(String, &str, bool)>,
    intro: &mut String,
    lists: &mut Lists,
) -> Option<Option<String>> {
    let indent = line.text.len() - line.text.trim_start().len();
    if let Some(at) = tree.as_mut() {
        match at.place(indent, named.map(|(n, ..)| n.clone())) {
            Place::Value => return None,
            Place::Param(method) => return Some(Some(method)),
            Place::After => {
                if let Some(done) = tree.take() {
                    done.close(lists);
                }
                intro.clear();
            }
        }
    }
    // "- `auth_type`" over nested bullets of its values, each over its
    // method's settings.
    if let Some((name, rest, _)) = named
        && SELECTOR_NAMES.contains(&name.as_str())
        && (rest.trim().is_empty() || names_a_selector(intro))
    {
        *tree = Some(SelectorTree::new(name, indent, line.number));
        return None;
    }
    Some(None)
}

/// A selector written as nested bullets: `auth_type`, under it each value
/// (a method), under each value that method's settings.
struct SelectorTree {
    name: String,
    indent: usize,
    line: usize,
    values: Vec<String>,
    /// The value being read, and how deep its bullet stands.
    value: Option<(String, usize)>,
}

/// Where a bullet stands in a [`SelectorTree`].
enum Place {
    Value,
    Param(String),
    After,
}

impl SelectorTree {
    fn new(name: &str, indent: usize, line: usize) -> Self {
        SelectorTree {
            name: name.to_string(),
            indent,
            line,
            values: Vec::new(),
            value: None,
        }
    }

    fn place(&mut self, indent: usize, name: Option<String>) -> Place {
        if indent <= self.indent {
            return Place::After;
        }
        match (&self.value, name) {
            (Some((value, depth)), _) if indent > *depth => Place::Param(value.clone()),
            (_, Some(name)) => {
                self.values.push(name.clone());
                self.value = Some((name, indent));
                Place::Value
            }
            (_, None) => Place::Value,
        }
    }

    fn close(self, lists: &mut Lists) {
        if self.values.len() >= 2 {
            lists.selectors.push(Selector {
                name: self.name,
                values: self.values,
                line: self.line,
            });
        }
    }
}

/// Whether a bullet's parenthesis marks a parameter: "(required)" or
/// "(optional)" anywhere; a type alone ("(string)") only in a list about
/// the connection, not a schema.
fn paren_marks(paren: &str, line: &DocLine, intro_lists: bool) -> bool {
    let required_mark = paren.contains("required") || paren.contains("optional");
    let typed = ParamType::parse(paren.split([',', ' ']).next().unwrap_or("")).is_some();
    (required_mark
        && (in_auth_section(line) || intro_lists)
        && !about_something_else(&headings(line)))
        || (typed && intro_lists)
}

/// What a bullet's parenthesis says: its type, its default (backticked
/// after "default"), whether it is secret.
fn paren_facts(paren: &str, rest: &str) -> (ParamType, Option<String>, Option<bool>) {
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
    (kind, default, secret)
}

/// Why a bullet under its method's name is listed.
pub const METHOD_BULLET: &str = "a bullet under its method's name in the doc";

/// "`sql_password`:", "**OAuth**:", "For the API key method:": the method
/// whose settings the bullets under such a line are.
fn intro_method(intro: &str) -> Option<String> {
    let body = intro.trim().strip_suffix(':')?.trim();
    let body = body
        .strip_prefix("For ")
        .or_else(|| body.strip_prefix("for "))
        .unwrap_or(body);
    let name = body
        .trim_matches(['`', '*'])
        .trim()
        .trim_start_matches("the ")
        .trim_end_matches(" method")
        .trim();
    let one_name = !name.is_empty()
        && name.split_whitespace().count() <= 3
        && !name.contains(['`', '*', '(', ',']);
    // "Option", "method" alone name no scheme here ("**Table options**:").
    let spoken = name
        .to_lowercase()
        .replace(['_', '-'], " ")
        .replace("option", "")
        .replace("method", "");
    (one_name && super::region::names_a_scheme(&spoken)).then(|| crate::apidoc::snake(name))
}

/// The cues of "the connector stores `client_id` …" sentences.
const STORES: [&str; 3] = ["stores `", "store `", "stores the"];
/// Why a parameter named by such a sentence is listed: it describes an
/// OAuth app's identity, not the connection's whole list.
pub const STORED: &str = "named as a value the connector stores";

/// The cues of a listing sentence, each with what it says of the names
/// after it (`Some(true)`: required), tried in this order.
const LISTING_CUES: [(&str, Option<bool>); 29] = [
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
    ("both:", Some(true)),
    ("both methods:", Some(true)),
    ("all methods:", Some(true)),
    ("every method needs", Some(true)),
    ("all methods need", Some(true)),
];

/// [`LISTING_CUES`]' words, to pass over a line holding none in one scan.
static LISTING_CUE_WORDS: crate::words::WordList = crate::words::WordList::new(&[
    "required connection parameters",
    "optional connection parameters",
    "connection parameters:",
    "connection params:",
    "connection values:",
    "connection fields:",
    "connection parameters are",
    "connection settings:",
    "connector parameters:",
    "connector params:",
    "config parameters:",
    "config params:",
    "configuration parameters:",
    "connector needs",
    "connector requires",
    "required parameters:",
    "required settings:",
    "required fields:",
    STORES[0],
    STORES[1],
    STORES[2],
    "needs the following",
    "both need",
    "both methods need",
    "both:",
    "both methods:",
    "all methods:",
    "every method needs",
    "all methods need",
]);

/// Sentences that list parameters.
fn sentences(lines: &[&DocLine], lists: &mut Lists) {
    // Whether a section is about objects, worked out once per section (its
    // lines share their heading path).
    let mut objects: Option<(*const [String], bool)> = None;
    for (i, line) in lines.iter().enumerate() {
        if line.code {
            continue;
        }
        let text = line.text.as_str();
        // Every cue holds one of the words of [`cues::LISTING_WORDS`] (read with the
        // line's other cues, once): most lines are passed over here.
        let l = &line.lower;
        if l.contains("with `") {
            selector_sentence(text, line.number, lists);
        }
        if !cues::holds(line, cues::LISTING) {
            continue;
        }
        // "The connector stores the last `sequence_number`" under the
        // objects' ingestion or schema: a cursor, not a connection value.
        if !in_auth_section(line) {
            let key = std::sync::Arc::as_ptr(&line.section_path);
            let about = match objects {
                Some((k, about)) if std::ptr::eq(k, key) => about,
                _ => {
                    let about = about_objects(&headings(line));
                    objects = Some((key, about));
                    about
                }
            };
            if about {
                continue;
            }
        }
        // "Optional `use_sandbox` is for table options": not the connection's.
        if crate::any_word!(
            &l,
            [
                "table option",
                "table-level",
                "per-table",
                "table_options",
                "table configuration"
            ]
        ) {
            continue;
        }
        // Every cue below holds one of these words.
        if !crate::any_word!(
            &l,
            [
                "conn", "config", "required", "store", "need", "both", "methods:"
            ]
        ) {
            continue;
        }
        // Most lines hold none of the cues: one scan passes them over.
        if !LISTING_CUE_WORDS.any_in(l) {
            continue;
        }
        for (cue, required) in LISTING_CUES {
            let Some(at) = l.find(cue) else { continue };
            let joined = with_continuation(lines, i);
            // "stores the newest `played_at` and passes it as `after` next
            // time": a sync's cursor, not a connection value.
            if STORES.contains(&cue) && keeps_sync_state(&sentence_from(&joined, at).to_lowercase())
            {
                break;
            }
            listed_in_sentence(&joined, at, cue, required, line.number, lists);
            break;
        }
    }
}

/// A sentence about what a sync keeps between runs (a cursor, a
/// watermark), not about the connection.
fn keeps_sync_state(sentence: &str) -> bool {
    crate::any_word!(
        sentence,
        [
            "newest",
            "latest",
            "the last ",
            "cursor",
            "watermark",
            "high-water",
            "checkpoint",
            "next time",
            "next run",
            "next sync",
            "between runs"
        ]
    )
}

/// The names a listing sentence gives after its cue (backticked, or plain
/// words after a colon), each with the sentence's marks.
fn listed_in_sentence(
    joined: &str,
    at: usize,
    cue: &str,
    required: Option<bool>,
    line: usize,
    lists: &mut Lists,
) {
    let sentence = sentence_from(joined, at);
    let mut names = backticked(sentence);
    // "stores `auth_type` = `api_token` or `oauth`": a selector's values.
    if let Some(i) = names
        .iter()
        .position(|n| SELECTOR_NAMES.contains(&n.as_str()))
        && sentence.contains('=')
    {
        let values = names.split_off(i + 1);
        if values.len() >= 2 {
            lists.selectors.push(Selector {
                name: names[i].clone(),
                values,
                line,
            });
        }
    }
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
            line,
            why,
        });
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
        find(&lines)
    }

    fn names(l: &Lists) -> Vec<(String, Option<bool>)> {
        l.params
            .iter()
            .map(|p| (p.name.clone(), p.required))
            .collect()
    }

    #[test]
    fn a_later_part_that_replaces_an_earlier_list_drops_what_it_leaves_out() {
        let l = lists(
            "## Auth\n\n| Parameter | Required |\n|---|---|\n| `client_id` | Yes |\n| `client_secret` | Yes |\n| `refresh_token` | Yes |\n\n### Rework (later, this wins)\n\nThe form only asks for:\n\n- `client_id` (required)\n- `client_secret` (required, secret)\n",
        );
        let n: Vec<String> = l.params.iter().map(|p| p.name.clone()).collect();
        assert_eq!(n, ["client_id", "client_secret"]);
        assert_eq!(l.dropped, [("refresh_token".to_string(), 7, 9)]);
        // Without the words that replace it, the first list stands.
        let l = lists(
            "## Auth\n\n| Parameter | Required |\n|---|---|\n| `client_id` | Yes |\n| `client_secret` | Yes |\n| `refresh_token` | Yes |\n\n### More\n\n- `client_id` (required)\n- `client_secret` (required, secret)\n",
        );
        assert!(l.params.iter().any(|p| p.name == "refresh_token"));
    }

    #[test]
    fn a_revised_settings_section_replaces_the_original_and_its_refusals_count() {
        let l = lists(
            "## Settings (original)\n\n| Setting | Required |\n|---|---|\n| `app_id` | yes |\n| `environment_id` | yes |\n| `start_date` | no |\n\n## Final decision\n\n| Setting | Required |\n|---|---|\n| `client_id` | yes |\n| `client_secret` | yes |\n\n- `start_date` stays.\n- No `environment_id` setting.\n",
        );
        let n: Vec<String> = l.params.iter().map(|p| p.name.clone()).collect();
        assert_eq!(n, ["start_date", "client_id", "client_secret"]);
        assert_eq!(l.dropped.len(), 2);
    }

    #[test]
    fn a_used_by_column_saying_both_shares_the_row_and_may_say_required() {
        let l = lists(
            "## Settings\n\n| Setting | Used by | Description |\n|---|---|---|\n| `site_url` | both, required | The site. |\n| `api_key` | API key | The key. |\n| `client_id` | app credentials | The id. |\n| `page_size` | both, optional | Rows. |\n",
        );
        let shared: Vec<(String, Option<bool>)> = l
            .params
            .iter()
            .filter(|p| p.method.is_none())
            .map(|p| (p.name.clone(), p.required))
            .collect();
        assert_eq!(
            shared,
            [
                ("site_url".to_string(), Some(true)),
                ("page_size".to_string(), Some(false))
            ]
        );
        assert!(
            l.params
                .iter()
                .any(|p| p.name == "api_key" && p.method.as_deref() == Some("API key"))
        );
    }

    #[test]
    fn a_toml_config_example_lists_its_keys_snake_case() {
        let l = lists(
            "## Connection settings\n\n```toml\n[source.vendor]\napiToken = \"****\"   # secret\ndocId = \"AbCd\"\npageSize = 100   # optional\n```\n",
        );
        assert_eq!(
            names(&l),
            [
                ("api_token".to_string(), None),
                ("doc_id".to_string(), None),
                ("page_size".to_string(), Some(false))
            ]
        );
        assert_eq!(l.params[0].secret, Some(true));
        // A TOML block about something else (a tool's own settings) lists none.
        let l = lists("## Build\n\n```toml\n[tool.black]\nline_length = 100\n```\n");
        assert!(l.params.is_empty(), "{:?}", names(&l));
    }

    #[test]
    fn a_mapping_of_old_names_to_new_lists_the_new_and_drops_the_old() {
        let l = lists(
            "## Before\n\nSettings in 2.x: `vendorId` (numeric), `vendorAuthCode` (secret).\n\n## Settings mapping\n\n| 2.x setting | 3.0 setting | What to do |\n|---|---|---|\n| `vendorId` | *(removed)* | Keys identify the seller. |\n| `vendorAuthCode` | `api_key` | Create a new key. |\n| `resultsPerPage` | `page_size` | Optional, default 50. |\n| `locationIds` | `location_ids` | Required. |\n",
        );
        let listed: Vec<&str> = l.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(listed, ["api_key", "page_size", "location_ids"]);
        let gone: Vec<&str> = l.renamed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(gone, ["vendor_id", "vendor_auth_code", "results_per_page"]);
        assert_eq!(
            mapping_columns(&["old name".into(), "new name".into()]),
            Some((0, 1))
        );
        assert_eq!(
            mapping_columns(&["3.0 key".into(), "2.x key".into()]),
            Some((1, 0))
        );
        assert_eq!(mapping_columns(&["name".into(), "setting".into()]), None);
    }

    #[test]
    fn the_column_of_backticked_names_names_the_parameters() {
        let l = lists(
            "## Connector fields\n\n| Field | Setting | Required | Notes |\n|---|---|---|---|\n| Instance URL | `instance_url` | Yes | scheme + host |\n| Client ID | `client_id` | Yes | UUID |\n| Page size | `page_size` | No | 200 |\n",
        );
        assert_eq!(
            names(&l),
            [
                ("instance_url".to_string(), Some(true)),
                ("client_id".to_string(), Some(true)),
                ("page_size".to_string(), Some(false))
            ]
        );
    }

    #[test]
    fn a_table_under_its_own_heading_is_not_read_by_the_words_before_it() {
        let l = lists(
            "## Auth\n\nSee *Connection settings*.\n\n## Objects\n\n| Object | Path | Primary key |\n|---|---|---|\n| jobs | `/v1/jobs` | `id` |\n",
        );
        assert!(l.params.is_empty(), "{:?}", names(&l));
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
    fn an_endpoints_query_table_is_not_parameters_wherever_it_stands() {
        // Under a heading that happens to hold "settings" in its path.
        let l = lists(
            "## Connection settings\n\n| Setting | Required | Description |\n|---|---|---|\n| `tenant_id` | yes | tenant |\n\n## Endpoint reference\n\n### GET /settings/v2/units\n\nNeeds the credentials.\n\n| Query parameter | Type | Description |\n|---|---|---|\n| `page` | integer | page |\n| `pageSize` | integer | size |\n\n### GET /v2/jobs\n\n| Name | Type | Description |\n|---|---|---|\n| `active` | string | filter |\n",
        );
        assert_eq!(names(&l), [("tenant_id".into(), Some(true))]);
        // A `Field` column in the connection section still lists settings.
        let l = lists(
            "## Connection settings\n\n| Field | Required | Description |\n|---|---|---|\n| `api_key` | yes | key |\n",
        );
        assert_eq!(names(&l), [("api_key".into(), Some(true))]);
    }

    #[test]
    fn a_cursor_the_connector_stores_for_an_object_is_not_a_parameter() {
        let l = lists(
            "## Objects' ingestion type\n\n`append`. The connector stores the last `sequence_number` per partition and resumes from it.\n",
        );
        assert_eq!(names(&l), []);
    }

    #[test]
    fn a_selector_written_as_nested_bullets_gives_each_method_its_settings() {
        let l = lists(
            "## Authorization\n\nSelected with `auth_type`:\n\n- `auth_type`\n  - `token` (default) — personal API token\n    - `api_token` *(string, secret, required for this method)* — the token.\n  - `oauth` — OAuth app\n    - `client_id` *(string, required with oauth)* — app id.\n    - `client_secret` *(string, secret, required with oauth)* — same place.\n- `project_ids` *(string, optional)* — projects to read.\n",
        );
        let got: Vec<(String, Option<String>, Option<bool>)> = l
            .params
            .iter()
            .map(|p| (p.name.clone(), p.method.clone(), p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("api_token".into(), Some("token".into()), Some(true)),
                ("client_id".into(), Some("oauth".into()), Some(true)),
                ("client_secret".into(), Some("oauth".into()), Some(true)),
                ("project_ids".into(), None, Some(false)),
            ]
        );
        assert_eq!(l.selectors.len(), 1);
        assert_eq!(l.selectors[0].values, ["token", "oauth"]);
        assert_eq!(l.params[0].secret, Some(true));
    }

    #[test]
    fn a_settings_table_in_the_auth_section_is_read_whatever_stands_before_it() {
        let l = lists(
            "## Authorization\n\n### x-connector-auth\n\n- `oauth`: the connector stores the app's id and secret. Request the scopes listed above.\n\n| Setting | Type | Required | Secret | Notes |\n| --- | --- | --- | --- | --- |\n| `user_token` | string | for the `user_token` method | yes | token |\n| `start_date` | string | no | no | date |\n",
        );
        assert!(
            l.params
                .iter()
                .any(|p| p.name == "start_date" && p.required == Some(false))
        );
        assert!(l.params.iter().any(|p| p.name == "user_token"));
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
        // Required within its method.
        assert_eq!(l.params[0].required, Some(true));
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
    fn selector_values_labels_and_method_tables_are_read_as_such() {
        // A stored selector's values, bullets under a selector, a bold label.
        let l = lists(
            "## Auth\n\nThe form stores `auth_type` = `api_token` or `oauth`.\n\n`auth_method` is one of:\n\n- `basic` — a user and a password.\n- `oauth_cc` — client credentials.\n\n- **Scopes**: set on the app, not in the request.\n",
        );
        assert!(l.params.is_empty(), "{:?}", l.params);
        assert_eq!(l.selectors[0].values, ["api_token", "oauth"]);
        // One table per method: rows in both are shared.
        let l = lists(
            "## Connection settings\n\nPassword method:\n\n| Setting | Required |\n|---|---|\n| `host` | yes |\n| `password` | yes |\n\nSSH key method:\n\n| Setting | Required |\n|---|---|\n| `host` | yes |\n| `private_key` | yes |\n",
        );
        let tied: Vec<(&str, Option<&str>)> = l
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.method.as_deref()))
            .collect();
        assert_eq!(
            tied,
            [
                ("host", None),
                ("password", Some("password")),
                ("private_key", Some("ssh_key"))
            ]
        );
    }

    #[test]
    fn a_connection_parameters_heading_outweighs_the_paragraph_before() {
        let l = lists(
            "## Auth\n\n### Connection Parameters\n\nThe token response carries a new refresh token.\n\n| Parameter | Required |\n|---|---|\n| `realm_id` | ✅ |\n",
        );
        assert_eq!(names(&l), [("realm_id".into(), Some(true))]);
    }

    #[test]
    fn plain_word_lists_after_a_colon() {
        let l = lists("The connector needs: host, port, database, user, password.\n");
        assert_eq!(l.params.len(), 5, "{:?}", l.params);
    }

    #[test]
    fn a_line_over_a_table_may_name_its_method() {
        assert_eq!(
            intro_names_a_method("parameters (private app):").as_deref(),
            Some("private app")
        );
        assert_eq!(
            intro_names_a_method("fields for the oauth method:").as_deref(),
            Some("the oauth method")
        );
        assert_eq!(
            intro_names_a_method("oauth parameters:").as_deref(),
            Some("oauth")
        );
        assert_eq!(intro_names_a_method("parameters:"), None);
        assert_eq!(intro_names_a_method("parameters (private app)"), None);
    }

    #[test]
    fn a_line_naming_a_method_introduces_its_bullets() {
        assert_eq!(
            intro_method("`sql_password`:").as_deref(),
            Some("sql_password")
        );
        assert_eq!(intro_method("**OAuth**:").as_deref(), Some("oauth"));
        assert_eq!(
            intro_method("For the API key method:").as_deref(),
            Some("api_key")
        );
        assert_eq!(intro_method("Settings for every method:"), None);
        assert_eq!(intro_method("`sql_password`"), None);
        assert_eq!(intro_method("Objects:"), None);
        assert_eq!(intro_method("**Table options**:"), None);
    }

    #[test]
    fn a_table_the_doc_says_holds_no_settings_lists_none() {
        let text = "# DB\n\n## Connection\n\nThe driver accepts more connection parameters. The following are fixed and are not\nconnection settings.\n\n| Parameter | Value | Meaning |\n|---|---|---|\n| `tmode` | `ANSI` | mode |\n| `charset` | `UTF8` | set |\n";
        let doc = crate::apidoc::ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        assert!(find(&lines).params.is_empty());
    }
    fn required_of(text: &str) -> Vec<(String, Option<bool>)> {
        names(&lists(text))
    }

    #[test]
    fn a_key_table_under_a_config_file_heading_lists_settings() {
        let text = "# Src\n\n## Setup\n\n### config.json\n\n| Key | Required | Default | Notes |\n|---|---|---|---|\n| `db_host` | yes* | — | host |\n| `db_urls` | yes* | — | cluster |\n| `db_user` | yes | — | |\n| `zone_id` | no | `UTC` | zone |\n\n\\* Give either `db_host` or `db_urls`.\n";
        assert_eq!(
            required_of(text),
            [
                ("db_host".to_string(), Some(false)),
                ("db_urls".to_string(), Some(false)),
                ("db_user".to_string(), Some(true)),
                ("zone_id".to_string(), Some(false)),
            ]
        );
    }

    #[test]
    fn a_table_of_a_uri_s_query_options_lists_no_settings() {
        let text = "# Src\n\n## Connection string\n\nUseful query options (passed through to the client):\n\n| Option | Default | Notes |\n|---|---|---|\n| `tls` | `true` | |\n| `nodePreference` | `leader` | |\n";
        assert!(lists(text).params.is_empty());
    }

    #[test]
    fn an_optional_name_the_doc_says_a_connection_does_without_is_left_out() {
        let text = "# Src\n\n## Settings\n\n| Key | Required | What |\n|---|---|---|\n| `api_token` | yes | token |\n| `owner` | no | filter |\n\nHmm, `owner` just filters results, it isn't needed to connect.\n";
        let found = lists(text);
        assert_eq!(names(&found), [("api_token".to_string(), Some(true))]);
        assert_eq!(found.unneeded, [("owner".to_string(), 8, 10)]);
    }

    #[test]
    fn an_item_s_indented_lines_do_not_introduce_the_next_item() {
        let text = "# Src\n\nThe connector uses the client-credentials grant. Two settings only:\n\n- `acme_key` — the API Key. On the wire it is the\n  `client_id` form field.\n- `acme_secret` — the API Secret. Secret.\n";
        let got: Vec<String> = lists(text).params.into_iter().map(|p| p.name).collect();
        assert_eq!(got, ["acme_key", "acme_secret"]);
    }

    #[test]
    fn a_bullet_says_required_or_optional_after_its_dash() {
        let text = "# Src\n\nConnection settings:\n- `host` — required. `sftp.example.com`\n- `port` — optional, int, default 22\n- `key_passphrase` — secret. only needed when the key is encrypted.\n";
        assert_eq!(
            required_of(text),
            [
                ("host".to_string(), Some(true)),
                ("port".to_string(), Some(false)),
                ("key_passphrase".to_string(), Some(false)),
            ]
        );
    }

    #[test]
    fn an_intro_saying_a_setting_chooses_introduces_its_values() {
        assert!(names_a_selector(
            "The connector supports both schemes, chosen with `credential_type`:"
        ));
        assert!(!names_a_selector("The connector needs `api_token`:"));
    }
}
