//! Settings a sentence marks one after another: "`host` (required),
//! `port` (optional, default `4000`), `password` (required, secret)". Two
//! marked names or more in one sentence make it a list of settings.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use super::markup::{backticked, identifier};
use crate::apidoc::DocLine;

/// A setting a sentence marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    pub name: String,
    pub required: bool,
    pub secret: bool,
    pub line: usize,
}

/// Why such a setting is listed.
pub const WHY: &str = "marked required or optional in a sentence listing settings";

/// Every name marked in a sentence of `lines` that marks two or more.
pub fn find(lines: &[&DocLine]) -> Vec<Marked> {
    let mut found: Vec<Marked> = Vec::new();
    // The last line of the paragraph read: its later lines are read with
    // it, never again as the start of a sentence.
    let mut read_to = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.code || line.number <= read_to || !line.text.contains("` (") {
            continue;
        }
        // A quoted paragraph ("> Settings: `host` (required), …") reads
        // on across its lines.
        let (text, last) = paragraph(lines, i);
        read_to = last;
        if request_parameters(&text) || after_a_request(lines, i) {
            continue;
        }
        let marked = marks(&text, line.number);
        if marked.len() < 2 && !marked.iter().any(|m| told_to_set(&text, &m.name)) {
            continue;
        }
        for m in marked {
            if !found.iter().any(|f| f.name == m.name) {
                found.push(m);
            }
        }
    }
    found
}

/// "Params: `accountId` (required, from authorize), …": an endpoint's
/// parameters, not the connection's.
fn request_parameters(text: &str) -> bool {
    let t = text.trim_start_matches(['*', '_', ' ']).to_lowercase();
    [
        "param", "query", "request", "body", "path", "header", "field", "argument",
    ]
    .iter()
    .any(|w| t.starts_with(w))
}

/// A paragraph right under an example request, outside the auth section,
/// speaks of that request.
fn after_a_request(lines: &[&DocLine], i: usize) -> bool {
    let under_code = lines[..i]
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .is_some_and(|l| l.code);
    under_code && lines[i].auth_depth.is_none()
}

/// Line `i` and the lines that carry it on (no blank line, heading, table
/// or code between), quote marks removed, and the number of its last line.
fn paragraph(lines: &[&DocLine], i: usize) -> (String, usize) {
    let unquote = |t: &str| t.trim().trim_start_matches('>').trim().to_string();
    let mut text = unquote(&lines[i].text);
    let mut number = lines[i].number;
    for next in &lines[i + 1..] {
        let t = unquote(&next.text);
        if next.code || next.number != number + 1 || t.is_empty() || t.starts_with(['#', '|', '-'])
        {
            break;
        }
        text.push(' ');
        text.push_str(&t);
        number = next.number;
    }
    (text, number)
}

/// "Configure `recharge_api_token` (required, secret)": one marked name
/// the reader is told to set.
fn told_to_set(text: &str, name: &str) -> bool {
    let Some(at) = text.find(&format!("`{name}` (")) else {
        return false;
    };
    let before = text[..at].to_lowercase();
    let verb = before.split_whitespace().last().unwrap_or("");
    ["configure", "set", "provide", "supply", "enter", "fill"].contains(&verb)
}

/// The "`name` (required …)" and "`name` (optional …)" of one text.
fn marks(text: &str, line: usize) -> Vec<Marked> {
    let mut marked = Vec::new();
    for (at, _) in text.match_indices("` (") {
        let Some(open) = text[..at].rfind('`') else {
            continue;
        };
        let Some(name) = identifier(&text[open + 1..at]) else {
            continue;
        };
        let paren = &text[at + 3..];
        let paren = paren.split(')').next().unwrap_or(paren).to_lowercase();
        let required = paren.starts_with("required");
        if !required && !paren.starts_with("optional") {
            continue;
        }
        marked.push(Marked {
            required: required && !paren.contains(" when ") && !paren.contains(" if "),
            secret: paren.contains("secret"),
            name,
            line,
        });
    }
    for (label, required) in [("Required:", true), ("Optional:", false)] {
        for name in label_run(text, label) {
            if !marked.iter().any(|m| m.name == name) {
                marked.push(Marked {
                    name,
                    required,
                    secret: false,
                    line,
                });
            }
        }
    }
    marked
}

/// "Required: `account_id`, `client_id`. Optional: `start_date` (ISO
/// date, …) and `page_size` (1–250)": the names a label opening a
/// sentence lists, up to the sentence's end, outside parentheses (where
/// values stand).
fn label_run(text: &str, label: &str) -> Vec<String> {
    // The label opens a sentence: "— optional: `after_commit` (default)"
    // names a setting's values.
    let Some(at) = text.find(label) else {
        return Vec::new();
    };
    let opens = text[..at].trim_end();
    if !(opens.is_empty() || opens.ends_with(['.', ';', ')', ':'])) {
        return Vec::new();
    }
    let mut depth = 0usize;
    let mut outside = String::new();
    let rest = &text[at + label.len()..];
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && (rest[i + 1..].starts_with(' ') || i + 1 == rest.len()) => break,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    backticked(&outside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidoc::ApiDoc;

    fn found(text: &str) -> Vec<(String, bool, bool)> {
        let doc = ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        find(&lines)
            .into_iter()
            .map(|m| (m.name, m.required, m.secret))
            .collect()
    }

    #[test]
    fn a_quoted_sentence_marking_settings_lists_them() {
        let text = "# Db\n\n> **Connector note.** Settings, as named in the form:\n> `host` (required), `port` (optional, default `4000`), `password` (required, secret),\n> and `ssl_ca` (optional path to a CA bundle).\n";
        assert_eq!(
            found(text),
            [
                ("host".to_string(), true, false),
                ("port".to_string(), false, false),
                ("password".to_string(), true, true),
                ("ssl_ca".to_string(), false, false),
            ]
        );
    }

    #[test]
    fn an_endpoint_s_parameters_are_no_settings() {
        let text = "# Store\n\n### buckets\n\n```bash\ncurl \"$API/list?accountId=$ID\"\n```\n\nParams: `accountId` (required, from authorize), `bucketId` (optional filter).\n\nSo `prefix` (optional) and `delimiter` (optional) narrow it.\n";
        assert_eq!(
            found(text),
            [
                ("prefix".to_string(), false, false),
                ("delimiter".to_string(), false, false)
            ]
        );
    }

    #[test]
    fn one_marked_name_the_reader_is_told_to_set_is_a_setting() {
        assert_eq!(
            found(
                "# Shop\n\n> The source uses one token. Configure `shop_api_token` (required, secret); it goes in a header.\n"
            ),
            [("shop_api_token".to_string(), true, true)]
        );
    }

    #[test]
    fn names_after_an_optional_label_are_optional_settings() {
        assert_eq!(
            found(
                "# Shop\n\nConfigure `shop_token` (required, secret). Optional: `start_date` (ISO date, default:\neverything) and `page_size` (1–250). The `version` (fixed) is not a setting.\n"
            ),
            [
                ("shop_token".to_string(), true, true),
                ("start_date".to_string(), false, false),
                ("page_size".to_string(), false, false),
            ]
        );
    }

    #[test]
    fn one_marked_name_is_no_list() {
        assert!(found("# Db\n\nUse `region` (optional) to pin the data centre.\n").is_empty());
        assert!(found("# Db\n\nCall `list` (see below) and `get` (required scope).\n").is_empty());
    }
}
