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

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    #[error("`{{{0}}}` has no value")]
    Missing(String),
    #[error("the value of `{0}` cannot stand in a host name")]
    BadHost(String),
}

/// Fills the placeholders of a URL template. A value standing in the host
/// must be a host name (letters, digits, `.`, `-`); elsewhere it is
/// percent-encoded, so no value can add a path, a query or a fragment. A
/// template that is a single placeholder takes the value as the whole URL.
pub fn fill_url(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, FillError> {
    let found = placeholders(template);
    if let [(0, name)] = found.as_slice() {
        if template.len() == name.len() + 2 {
            return value(name).ok_or_else(|| FillError::Missing(name.to_string()));
        }
    }
    let authority_end = template.find("://").map(|i| {
        let rest = &template[i + 3..];
        i + 3 + rest.find(['/', '?', '#']).unwrap_or(rest.len())
    });
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for (at, name) in found {
        out.push_str(&template[last..at]);
        let v = value(name).ok_or_else(|| FillError::Missing(name.to_string()))?;
        if authority_end.is_some_and(|end| at < end) {
            let host_safe = !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if !host_safe {
                return Err(FillError::BadHost(name.to_string()));
            }
            out.push_str(&v);
        } else {
            out.push_str(&percent_encode(&v));
        }
        last = at + name.len() + 2;
    }
    out.push_str(&template[last..]);
    Ok(out)
}

/// Fills placeholders with the values as they are (headers, Basic usernames).
/// CR and LF are refused, so a value cannot add a header line.
pub fn fill_text(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, FillError> {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for (at, name) in placeholders(template) {
        out.push_str(&template[last..at]);
        let v = value(name).ok_or_else(|| FillError::Missing(name.to_string()))?;
        out.push_str(&v.replace(['\r', '\n'], ""));
        last = at + name.len() + 2;
    }
    out.push_str(&template[last..]);
    Ok(out)
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub(crate) fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod fill_tests {
    use super::*;

    fn values(name: &str) -> Option<String> {
        match name {
            "tenant" => Some("acme-eu".into()),
            "evil" => Some("a/../b?x=1#f".into()),
            "url" => Some("https://x.test/token".into()),
            "host" => Some("evil.test/path".into()),
            _ => None,
        }
    }

    #[test]
    fn host_and_path_values_are_placed_safely() {
        assert_eq!(
            fill_url("https://{tenant}.example.com/t/{tenant}/x", values).unwrap(),
            "https://acme-eu.example.com/t/acme-eu/x"
        );
        assert_eq!(
            fill_url("https://x.test/items/{evil}", values).unwrap(),
            "https://x.test/items/a%2F..%2Fb%3Fx%3D1%23f"
        );
        assert_eq!(fill_url("{url}", values).unwrap(), "https://x.test/token");
        assert_eq!(
            fill_url("https://{host}.x.test/", values),
            Err(FillError::BadHost("host".into()))
        );
        assert_eq!(
            fill_url("https://{nope}.x.test/", values),
            Err(FillError::Missing("nope".into()))
        );
    }

    #[test]
    fn text_values_cannot_add_lines() {
        let v = |_: &str| Some("a\r\nX-Injected: 1".to_string());
        assert_eq!(fill_text("{x}/token", v).unwrap(), "aX-Injected: 1/token");
    }
}
