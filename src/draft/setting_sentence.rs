//! A sentence naming one setting by its role: "set as the `project_slug`
//! connection parameter (required)", "the optional `region` setting".
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use super::markup::identifier;
use crate::apidoc::DocLine;

/// A setting named in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub required: Option<bool>,
    pub line: usize,
}

/// Why such a setting is listed.
pub const NAMED_SETTING: &str = "named in the doc as a connection setting";

const ROLES: [&str; 7] = [
    " setting",
    " connection parameter",
    " connection setting",
    " connection field",
    " connection option",
    " connector parameter",
    " connector setting",
];

/// Every "`name` connection parameter" of `lines`.
pub fn find(lines: &[&DocLine]) -> Vec<Named> {
    let mut found = Vec::new();
    for line in lines.iter().filter(|l| !l.code) {
        let text = &line.text;
        if !text.contains("` conne") && !text.contains("` setting") {
            continue;
        }
        let lower = text.to_lowercase();
        for role in ROLES {
            for (at, _) in lower.match_indices(&format!("`{role}")) {
                let Some(open) = text[..at].rfind('`') else {
                    continue;
                };
                let Some(name) = identifier(&text[open + 1..at]) else {
                    continue;
                };
                let before = lower[..open].trim_end();
                let after = lower[at + 1 + role.len()..].trim_start();
                // "the old `sandbox` setting": one a newer version dropped;
                // "do not add `password` settings", the selector `auth_type`.
                // A bare "`x` setting" only where a value is put in it
                // ("put the key in the `api_key` setting").
                let plural = role == " setting"
                    && (after.starts_with('s')
                        || ![" in the", " into the", " in your", " into your"]
                            .iter()
                            .any(|w| format!(" {before}").ends_with(w)));
                if plural
                    || crate::any_word!(
                        before.rsplit(' ').next().unwrap_or(""),
                        [
                            "old",
                            "legacy",
                            "deprecated",
                            "former",
                            "previous",
                            "removed"
                        ]
                    )
                    || crate::any_word!(
                        before.rsplit(['.', ';']).next().unwrap_or(""),
                        ["do not", "don't", "no longer", "never"]
                    )
                    || super::condition::SELECTOR_NAMES.contains(&name.as_str())
                {
                    continue;
                }
                let required = if after.starts_with("(required") || before.ends_with("required") {
                    Some(true)
                } else if after.starts_with("(optional") || before.ends_with("optional") {
                    Some(false)
                } else {
                    None
                };
                let name = crate::apidoc::camel_to_snake(&name);
                if !found.iter().any(|n: &Named| n.name == name) {
                    found.push(Named {
                        name,
                        required,
                        line: line.number,
                    });
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidoc::ApiDoc;

    fn named(text: &str) -> Vec<(String, Option<bool>)> {
        let doc = ApiDoc::parse(text);
        let lines: Vec<&DocLine> = doc.lines.iter().collect();
        find(&lines)
            .into_iter()
            .map(|n| (n.name, n.required))
            .collect()
    }

    #[test]
    fn a_setting_named_by_its_role() {
        assert_eq!(
            named(
                "The connector reads one project, set as the `project_slug` connection parameter (required).\n"
            ),
            [("project_slug".to_string(), Some(true))]
        );
        assert_eq!(
            named("Pass the optional `siteId` connection setting to narrow it.\n"),
            [("site_id".to_string(), Some(false))]
        );
        assert_eq!(
            named("The `region` connection parameter picks the host.\n"),
            [("region".to_string(), None)]
        );
        assert_eq!(
            named(
                "Put the key in the `api_key` setting; it replaces the old `vendorAuthCode` setting.\n"
            ),
            [("api_key".to_string(), None)]
        );
    }

    #[test]
    fn other_words_after_a_name_are_not_a_role() {
        assert!(named("The `limit` query parameter pages results.\n").is_empty());
        assert!(named("```\n`x` connection parameter\n```\n").is_empty());
    }
}
