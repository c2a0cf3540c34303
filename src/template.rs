//! Strings with `{parameter}` placeholders, as written in specs and auth
//! checks (`https://{subdomain}.zendesk.com`, `{email}/token`): finding the
//! placeholders and filling them from collected values.

/// The placeholder names in `text`, in order, each with its byte offset
/// (of the opening brace). Only `{identifier}` counts; other braces are text.
pub fn placeholders(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut base = 0;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_identifier(&after[..close]) => {
                found.push((base + open, &after[..close]));
                base += open + close + 2;
                rest = &after[close + 1..];
            }
            _ => {
                base += open + 1;
                rest = after;
            }
        }
    }
    found
}

/// True for names a placeholder may carry: ASCII letters, digits, `_`, not empty.
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_identifier_placeholders() {
        let found = placeholders("https://{tenant}.x/{ not }/{a_1}{}/{b");
        assert_eq!(found, vec![(8, "tenant"), (27, "a_1")]);
    }

    #[test]
    fn no_braces_no_placeholders() {
        assert!(placeholders("https://example.com/oauth/token").is_empty());
    }
}
