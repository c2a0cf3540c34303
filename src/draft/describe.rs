//! Descriptions and names in a draft: the spec's title from the doc's, a
//! method's name from its heading, a parameter's description from the doc's
//! own words (the prose line that best says where to find the value).
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::ApiDoc;
use crate::spec::credential_like;

/// The doc's title without "API", "REST", "Documentation" suffixes.
pub fn title(doc: &ApiDoc, source: &str) -> String {
    let mut t = doc.title.clone().unwrap_or_default();
    // "— REST API Documentation", "API research notes", "Source API Notes".
    if let Some((head, _)) = t.split_once(" — ").or_else(|| t.split_once(" - ")) {
        t = head.to_string();
    }
    loop {
        let lower = t.to_ascii_lowercase();
        let trimmed = [
            " documentation",
            " docs",
            " api",
            " rest",
            " web",
            " reference",
            " notes",
            " research",
            " source",
            " overview",
            " guide",
            " connector",
            " technical",
        ]
        .iter()
        .find_map(|s| {
            lower
                .ends_with(s)
                .then(|| t[..t.len() - s.len()].to_string())
        });
        match trimmed {
            Some(shorter) if !shorter.trim().is_empty() => t = shorter,
            _ => break,
        }
    }
    if t.trim().is_empty() {
        source.to_string()
    } else {
        t.trim().to_string()
    }
}

/// A method heading as a snake_case name.
pub fn method_name(heading: &str) -> String {
    // "Preferred Method: Personal API Key", "Alternative: OAuth 2.0
    // (Authorization Code Flow)": the scheme, without its standing or aside.
    // `{#oauth}` anchors are not words of the heading.
    let lowered = match heading.find("{#") {
        Some(at) => heading[..at].to_lowercase(),
        None => heading.to_lowercase(),
    };
    let scheme = match lowered.split_once(':') {
        Some((head, tail))
            if !tail.trim().is_empty()
                && crate::any_word!(
                    &head,
                    [
                        "preferred",
                        "chosen",
                        "alternative",
                        "fallback",
                        "method",
                        "option",
                        "primary",
                        "secondary",
                        "recommended"
                    ]
                ) =>
        {
            tail
        }
        _ => lowered.as_str(),
    };
    let scheme = match scheme.split_once('(') {
        Some((before, _)) if !before.trim().is_empty() => before,
        _ => scheme,
    };
    let cleaned: String = scheme
        .replace("2.0", "")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "method" | "option" | "via" | "with" | "the" | "a" | "an" | "1" | "2" | "3"
            )
        })
        .collect();
    let name = words.join("_");
    if name.is_empty() {
        "method".to_string()
    } else {
        name
    }
}

/// A description from the doc's own words: the prose line that best says
/// where to find the value, else a sentence built from how it is used.
pub fn describe(doc: &ApiDoc, name: &str, line: usize) -> Option<String> {
    let tick = format!("`{name}`");
    let braced = format!("{{{name}}}");
    let angled = format!("<{name}>");
    // One search for the name, then its marks around it.
    let mentions = |t: &str| {
        t.contains(name) && (t.contains(&tick) || t.contains(&braced) || t.contains(&angled))
    };
    let obtain = [
        "create", "generate", "find", "found", "under", "settings", "admin", "console", "shown",
        "copy", "is the", "your",
    ];
    let best = doc
        .lines
        .iter()
        .filter(|l| !l.code && mentions(&l.text))
        .filter(|l| !l.text.trim_start().starts_with('|') && !l.text.trim_start().starts_with('#'))
        .map(|l| {
            let lower = &l.lower;
            let mut score = 1i32;
            if obtain.iter().any(|w| lower.contains(w)) {
                score += 3;
            }
            if l.text.matches('`').count() > 4 {
                score -= 3;
            }
            if lower.contains("placement") || lower.contains("base64(") {
                score -= 2;
            }
            (score, l)
        })
        .filter(|(score, _)| *score > 0)
        .max_by_key(|(score, l)| (*score, std::cmp::Reverse(l.number)));
    let text = match best {
        Some((_, l)) => clean(&l.text),
        None => {
            let placeholder = format!("{{{name}}}");
            let host = doc
                .lines
                .iter()
                .filter(|l| l.norm().contains(&placeholder))
                .find_map(|l| {
                    crate::apidoc::Part { lines: vec![l] }
                        .urls()
                        .into_iter()
                        .find(|u| u.value.contains(&placeholder))
                });
            match host {
                Some(u) => format!("The {name} part of the API address, as in {}.", u.value),
                None if credential_like(name) => format!(
                    "The {} used to authenticate (API doc, line {line}).",
                    name.replace('_', " ")
                ),
                None => format!(
                    "The {} the credentials belong to (API doc, line {line}).",
                    name.replace('_', " ")
                ),
            }
        }
    };
    let text: String = text.chars().take(240).collect();
    (!text.is_empty()).then_some(text)
}

/// Markdown marks removed from a line of prose.
fn clean(text: &str) -> String {
    let t = text.trim().trim_start_matches(['-', '*', ' ']);
    t.replace("**", "").replace('`', "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_api_suffixes() {
        let doc = ApiDoc::parse("# Helpdesk Cloud REST API Documentation\n");
        assert_eq!(title(&doc, "x"), "Helpdesk Cloud");
        assert_eq!(title(&ApiDoc::parse("no title"), "src"), "src");
        assert_eq!(
            title(
                &ApiDoc::parse("# QuickBooks Online Accounting API research notes\n"),
                "x"
            ),
            "QuickBooks Online Accounting"
        );
        assert_eq!(
            title(
                &ApiDoc::parse("# Collibra Platform — REST API Documentation\n"),
                "x"
            ),
            "Collibra Platform"
        );
    }

    #[test]
    fn method_names_are_snake_case() {
        assert_eq!(method_name("OAuth 2.0"), "oauth");
        assert_eq!(
            method_name("Preferred Method: Personal API Key"),
            "personal_api_key"
        );
        assert_eq!(
            method_name("Alternative: OAuth 2.0 (Authorization Code Flow)"),
            "oauth"
        );
        assert_eq!(
            method_name("Username and password"),
            "username_and_password"
        );
        assert_eq!(method_name("Method 1: API key"), "api_key");
    }
}
