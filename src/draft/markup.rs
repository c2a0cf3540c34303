//! The doc's markdown pieces the recognisers read alike: a table row's
//! cells, the texts in backticks, a name as docs write parameter names.
//!
//! The words around a table or block say what it is about
//! ([`about_something_else`]).
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::DocLine;

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

/// The cells of a table row.
pub fn cells(text: &str) -> Vec<String> {
    text.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

/// The raw texts in backticks.
pub fn backticked_raw(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The identifiers in backticks in a text.
pub fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(identifier)
        .collect()
}

/// `text` lowercased, borrowed when it already is (a line's `lower`): the
/// word checks run on every line and most are lowercase already.
pub fn lowered(text: &str) -> std::borrow::Cow<'_, str> {
    // ASCII (most lines): the same answer byte by byte, without decoding.
    if text.is_ascii() {
        return if text.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(text)
        };
    }
    if text.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(text.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether it is about something else: a token request, a schema, errors.
pub fn about_something_else(context: &str) -> bool {
    let c = context.to_lowercase();
    crate::any_word!(
        &c,
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
            "permissions"
        ]
    )
}

/// The heading path of a line, joined.
pub fn headings(line: &DocLine) -> String {
    line.section_path.join(" / ")
}

/// The prose just before line index `i` (up to 3 non-empty lines).
pub fn before(lines: &[&DocLine], i: usize) -> String {
    lines[..i]
        .iter()
        .rev()
        .filter(|l| !l.text.trim().is_empty())
        .take(2)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
