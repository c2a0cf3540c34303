//! Conditions that tie a parameter to one auth method: a Required cell or
//! a bullet's marks saying for which method the value is needed.
//!
//! Fires on: "✅ for `pat`", "only with OAuth", "for key auth", "when
//! `auth_type` is `oauth`", "required if `isu_basic`", "✅ (key_pair only)",
//! "no (key auth, encrypted keys only)". The method is the backticked value
//! (not the selector's own name), else the words naming it ("key auth" is
//! `key`, "the token method" is `token`). "Yes (both methods)" ties to none.
//!
//! Example: in a settings table, `| client_secret | string | only with
//! OAuth | |` makes `client_secret` a required value of the `oauth` method.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::snake;

/// Names that choose a method rather than carry a value.
pub const SELECTOR_NAMES: &[&str] = &[
    "auth_type",
    "auth_method",
    "auth_mode",
    "authenticator",
    "authentication_type",
    "authentication_method",
    "auth_scheme",
    "credentials_type",
];

/// The identifiers in backticks in a text.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| name_like(t))
        .map(str::to_string)
        .collect()
}

/// A value that can name a method: `api_token`, `oauth2`, `isu_basic`.
fn name_like(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 48
        && t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A row's tie to one method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub method: String,
    /// Whether the value is required within that method.
    pub required: bool,
}

/// Words that say a value serves every method, not one.
const EVERY: &[&str] = &["both", "all method", "every method", "any method", "either"];

/// The method a Required cell (or a bullet's marks) ties its value to.
pub fn of(cell: &str) -> Option<Condition> {
    let c = cell.to_lowercase();
    if EVERY.iter().any(|w| c.contains(w)) {
        return None;
    }
    let cue = crate::any_word!(&c, ["for ", "with ", "if ", "when ", " only", "(only"])
        || c.contains('=');
    if !cue {
        return None;
    }
    let method = by_value(cell).or_else(|| by_words(&c))?;
    let t = c.trim_start_matches(['*', '`', ' ']);
    let optional = t.starts_with("no")
        || t.starts_with('❌')
        || t.starts_with("optional")
        || t.starts_with('-')
        || t.starts_with('—');
    Some(Condition {
        method,
        required: !optional,
    })
}

/// The backticked value that names the method (`auth_type=oauth`, "for
/// `pat`"), never the selector's own name.
fn by_value(cell: &str) -> Option<String> {
    if let Some((_, v)) = cell.split_once('=') {
        let v = v.trim().trim_matches(['`', ')', ' ', '"', '\'']);
        if name_like(v) {
            return Some(snake(v));
        }
    }
    backticked(cell)
        .into_iter()
        .rfind(|n| !SELECTOR_NAMES.contains(&n.as_str()))
        .map(|n| snake(&n))
}

/// The words after "for", "with", "if" or "when", or before "only":
/// "key auth" → `key`, "the token method" → `token`, "oauth" → `oauth`.
fn by_words(c: &str) -> Option<String> {
    let after = ["only with ", "only for ", "for ", "with ", "if ", "when "]
        .iter()
        .find_map(|w| c.find(w).map(|at| &c[at + w.len()..]));
    let phrase = match after {
        Some(a) => a,
        None => {
            // "(key_pair only)", "no (key auth, encrypted keys only)": the
            // first words in the parentheses.
            c.contains(" only").then_some(())?;
            c.split_once('(').map_or(c, |(_, inside)| inside)
        }
    };
    let phrase = phrase
        .split([',', ')', ';', '.', '('])
        .next()
        .unwrap_or("")
        .replace('`', "");
    let words: Vec<&str> = phrase
        .split_whitespace()
        .filter(|w| !["the", "a", "an", "using", "is", "set", "to"].contains(w))
        .take_while(|w| !["auth", "authentication", "method", "mode", "login", "only"].contains(w))
        .take(2)
        .collect();
    // "yes (for that method)": the method is named elsewhere (a "Used by"
    // column), not here.
    if words
        .first()
        .is_some_and(|w| ["that", "this", "its", "each", "chosen", "selected"].contains(w))
    {
        return None;
    }
    let name = snake(&words.join(" "));
    let name = name.trim_matches('_').to_string();
    (!name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(cell: &str) -> Option<(String, bool)> {
        of(cell).map(|c| (c.method, c.required))
    }

    #[test]
    fn cells_that_tie_a_row_to_a_method() {
        for (cell, method, required) in [
            ("✅ for `pat`", "pat", true),
            ("only with OAuth", "oauth", true),
            ("for key auth", "key", true),
            ("for API key auth", "api_key", true),
            ("When `auth_type` is `oauth`", "oauth", true),
            ("✅ if `isu_basic`", "isu_basic", true),
            ("when `auth_type=api_token`", "api_token", true),
            ("✅ (key_pair only)", "key_pair", true),
            ("only for `api_key`", "api_key", true),
            ("no (key auth, encrypted keys only)", "key", false),
            ("for the token method", "token", true),
        ] {
            assert_eq!(tie(cell), Some((method.to_string(), required)), "{cell}");
        }
    }

    #[test]
    fn cells_for_every_method_or_none() {
        for cell in [
            "yes (both methods)",
            "✅",
            "No",
            "Yes",
            "needed by both methods",
            "yes (for that method)",
            "",
        ] {
            assert_eq!(tie(cell), None, "{cell}");
        }
    }
}
