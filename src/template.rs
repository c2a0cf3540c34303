//! Strings with `{parameter}` placeholders, as written in specs and auth
//! checks (`https://{subdomain}.zendesk.com`, `{email}/token`): finding the
//! placeholders and filling them from collected values.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

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
    /// The value cannot stand where the template puts it; nothing is sent.
    #[error("the value of `{name}` {why}")]
    BadValue { name: String, why: &'static str },
}

impl FillError {
    fn bad(name: &str, why: &'static str) -> FillError {
        FillError::BadValue {
            name: name.to_string(),
            why,
        }
    }

    /// The parameter whose value was refused, if one was.
    pub fn bad_value(&self) -> Option<&str> {
        match self {
            FillError::BadValue { name, .. } => Some(name),
            FillError::Missing(_) => None,
        }
    }
}

/// Fills the placeholders of a URL template.
///
/// - A placeholder that starts the template (`{base_url}/users/me`,
///   `{service_url}$metadata`) takes an absolute http(s) URL as a prefix,
///   inserted as is (no query or fragment; a trailing slash is not doubled).
///   A template that is a single placeholder takes the value as the whole URL.
/// - A placeholder in the host takes a host label or name (letters, digits,
///   `.`, `-`).
/// - Anywhere else the value is percent-encoded, so no value can add a path
///   segment, a query or a fragment; `.` and `..` are refused.
pub fn fill_url(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, FillError> {
    let found = placeholders(template);
    let get = |name: &str| value(name).ok_or_else(|| FillError::Missing(name.to_string()));
    let mut out = String::with_capacity(template.len() + 32);
    let mut last = 0;
    let mut rest_found = found.as_slice();
    // Where the authority ends: placeholders before it stand in the host.
    let mut authority_end = template.find("://").map(|i| {
        let rest = &template[i + 3..];
        i + 3 + rest.find(['/', '?', '#']).unwrap_or(rest.len())
    });
    let mut origin = None;
    if let [(0, name), tail @ ..] = found.as_slice() {
        let v = get(name)?;
        if template.len() == name.len() + 2 {
            return Ok(v);
        }
        let prefix = url_prefix(name, &v)?;
        origin = Some((*name, prefix.clone()));
        last = name.len() + 2;
        let after = &template[last..];
        last += overlap(&prefix, after);
        let after = &template[last..];
        if prefix.ends_with('/') && after.starts_with('/') {
            out.push_str(&prefix[..prefix.len() - 1]);
        } else {
            out.push_str(&prefix);
        }
        authority_end = None;
        rest_found = tail;
    }
    for &(at, name) in rest_found {
        out.push_str(&template[last..at]);
        let v = get(name)?;
        if let Some(end) = authority_end.filter(|end| (..*end).contains(&at)) {
            let v = whole_host(&v, &template[at + name.len() + 2..end]);
            let host_safe = !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if !host_safe {
                return Err(FillError::bad(
                    name,
                    "cannot stand in a host name (type only the name, such as `acme`, not a URL)",
                ));
            }
            out.push_str(v);
        } else {
            if v == "." || v == ".." {
                return Err(FillError::bad(
                    name,
                    "is `.` or `..`, which would move the request to another path",
                ));
            }
            out.push_str(&percent_encode(first_of_list(&v)));
        }
        last = at + name.len() + 2;
    }
    out.push_str(&template[last..]);
    if let Some((name, prefix)) = origin {
        same_origin(name, &prefix, &out)?;
    }
    Ok(out)
}

/// A host value given whole, normalised to the part the template asks
/// for: `https://acme.example.com/` is `acme.example.com`, and in
/// `{shop}.myshop.test` the value `acme.myshop.test` is `acme`.
pub fn whole_host<'v>(value: &'v str, after: &str) -> &'v str {
    let mut v = value.trim();
    for scheme in ["https://", "http://"] {
        let named = v
            .get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme));
        if let Some(rest) = v.get(scheme.len()..).filter(|_| named) {
            v = rest;
        }
    }
    v = v.trim_end_matches('/');
    // The rest of the template's host, up to the next placeholder or port.
    let suffix = after.split(['{', ':']).next().unwrap_or("");
    // A value that is only the suffix leaves nothing: no host name.
    if suffix.starts_with('.')
        && v.len() >= suffix.len()
        && v.get(v.len() - suffix.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
    {
        v = &v[..v.len() - suffix.len()];
    }
    v
}

/// `["123"]` (a JSON list where one value goes): its first item, so a list
/// is never sent as one percent-encoded id.
fn first_of_list(value: &str) -> &str {
    let t = value.trim();
    if !(t.starts_with('[') && t.ends_with(']')) {
        return value;
    }
    let inner = t[1..t.len() - 1].trim();
    let first = inner.split(',').next().unwrap_or("").trim();
    let first = first
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(first);
    if first.is_empty() || first.contains(['"', '[', ']', '{', '}', '\\']) {
        value
    } else {
        first
    }
}

/// How many bytes of `after` repeat the end of the prefix URL's path: a
/// base URL given with its path prefix (`https://x.test/api/v2`) before
/// `/api/v2/users` is not doubled.
fn overlap(prefix: &str, after: &str) -> usize {
    let Some(path) = url::Url::parse(prefix.trim())
        .ok()
        .map(|u| u.path().trim_end_matches('/').to_string())
        .filter(|p| !p.is_empty())
    else {
        return 0;
    };
    let tail: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let head_end = after.find(['?', '#', '{']).unwrap_or(after.len());
    let head: Vec<&str> = after[..head_end].split('/').collect();
    if head.first() != Some(&"") {
        return 0;
    }
    let head = &head[1..];
    for n in (1..=tail.len().min(head.len())).rev() {
        // The last compared segment must be whole, not cut at a placeholder.
        let complete = n < head.len() || !after[head_end..].starts_with('{');
        if tail[tail.len() - n..]
            .iter()
            .zip(&head[..n])
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
            && complete
        {
            return head[..n].iter().map(|s| s.len() + 1).sum();
        }
    }
    0
}

/// A filled URL keeps the origin of its leading placeholder's value: text
/// after it (`:8443/me`, `@other.host/me`, `.other.example/me`) can extend
/// the path, never move the port or the host, nor add user info.
fn same_origin(name: &str, prefix: &str, filled: &str) -> Result<(), FillError> {
    let moved = || {
        FillError::bad(
            name,
            "is followed in the URL template by text that would move the request to another host or port (the template must go on with `/`)",
        )
    };
    let (Ok(base), Ok(url)) = (url::Url::parse(prefix.trim()), url::Url::parse(filled)) else {
        return Err(moved());
    };
    if base.origin() != url.origin() || url.username() != "" || url.password().is_some() {
        return Err(moved());
    }
    Ok(())
}

/// A value standing at the start of a URL template: an absolute http(s)
/// URL with a host and no query or fragment.
fn url_prefix(name: &str, value: &str) -> Result<String, FillError> {
    let value = value.trim();
    let parsed = url::Url::parse(value).map_err(|_| {
        FillError::bad(
            name,
            "must be an absolute URL such as `https://api.example.com/v2`",
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(FillError::bad(name, "must be an http(s) URL with a host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(FillError::bad(
            name,
            "must not carry a query (`?`) or fragment (`#`): it is the start of a URL",
        ));
    }
    if parsed.username() != "" || parsed.password().is_some() {
        return Err(FillError::bad(
            name,
            "must not carry a user name or password: credentials go in their own fields",
        ));
    }
    Ok(value.to_string())
}

/// Fills placeholders with the values as they are (headers, Basic usernames).
/// A value holding a control character (CR, LF, NUL, DEL, …) is refused: it
/// could add a header line, and no HTTP header may carry it.
pub fn fill_text(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, FillError> {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for (at, name) in placeholders(template) {
        out.push_str(&template[last..at]);
        let v = value(name).ok_or_else(|| FillError::Missing(name.to_string()))?;
        if v.chars().any(|c| c.is_control() && c != '\t') {
            return Err(FillError::bad(
                name,
                "holds a control character (a line break, NUL or DEL), which no HTTP header can carry",
            ));
        }
        out.push_str(&v);
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
            fill_url("https://{host}.x.test/", values)
                .unwrap_err()
                .bad_value(),
            Some("host")
        );
        assert_eq!(
            fill_url("https://{nope}.x.test/", values),
            Err(FillError::Missing("nope".into()))
        );
    }

    #[test]
    fn text_values_cannot_add_lines_or_carry_controls() {
        for bad in ["a\r\nX-Injected: 1", "key\0", "key\u{7f}", "x\ny"] {
            let v = |_: &str| Some(bad.to_string());
            assert_eq!(
                fill_text("{x}/token", v).unwrap_err().bad_value(),
                Some("x"),
                "{bad:?}"
            );
        }
        let v = |_: &str| Some("me@x.test".to_string());
        assert_eq!(fill_text("{x}/token", v).unwrap(), "me@x.test/token");
    }

    fn with(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_leading_placeholder_is_a_url_prefix() {
        let v = with(&[
            ("base_url", "https://api.github.com"),
            ("slash", "https://api.example.com/v2/"),
            ("service_url", "https://erp.example.com/odata/Service.svc/"),
            ("user", "octo cat"),
        ]);
        assert_eq!(
            fill_url("{base_url}/user/orgs", &v).unwrap(),
            "https://api.github.com/user/orgs"
        );
        assert_eq!(
            fill_url("{slash}/users/me", &v).unwrap(),
            "https://api.example.com/v2/users/me"
        );
        assert_eq!(
            fill_url("{service_url}$metadata", &v).unwrap(),
            "https://erp.example.com/odata/Service.svc/$metadata"
        );
        assert_eq!(
            fill_url("{base_url}/users/{user}", &v).unwrap(),
            "https://api.github.com/users/octo%20cat"
        );
    }

    #[test]
    fn a_base_url_with_its_path_prefix_is_not_doubled() {
        let v = with(&[
            ("base_url", "https://h.test/api/v2"),
            ("slash", "https://h.test/api/v2/"),
            ("bare", "https://h.test"),
        ]);
        for name in ["base_url", "slash", "bare"] {
            assert_eq!(
                fill_url(&format!("{{{name}}}/api/v2/users?x=1"), &v).unwrap(),
                "https://h.test/api/v2/users?x=1",
                "{name}"
            );
        }
        assert_eq!(
            fill_url("{base_url}/v2/users", &v).unwrap(),
            "https://h.test/api/v2/users"
        );
        assert_eq!(
            fill_url("{base_url}/users", &v).unwrap(),
            "https://h.test/api/v2/users"
        );
    }

    #[test]
    fn a_host_given_whole_is_normalised() {
        let v = with(&[
            ("shop", "acme.myshop.test"),
            ("url", "https://acme.foundry.test/"),
            ("label", "acme"),
        ]);
        assert_eq!(
            fill_url("https://{shop}.myshop.test/admin/shop.json", &v).unwrap(),
            "https://acme.myshop.test/admin/shop.json"
        );
        assert_eq!(
            fill_url("https://{label}.myshop.test/admin", &v).unwrap(),
            "https://acme.myshop.test/admin"
        );
        assert_eq!(
            fill_url("https://{url}/api/v1/me", &v).unwrap(),
            "https://acme.foundry.test/api/v1/me"
        );
    }

    #[test]
    fn a_host_value_of_any_text_never_panics() {
        for v in [
            "U$ໂB¥$",
            "¥",
            "https://¥",
            "ab¥.myshop.test",
            "¥¥¥¥¥¥¥¥¥¥¥¥¥¥¥",
        ] {
            let _ = whole_host(v, ".myshop.test/x");
        }
    }

    #[test]
    fn a_json_list_value_sends_its_first_item() {
        let v = with(&[("ids", r#"["123", "456"]"#), ("one", "[7]")]);
        assert_eq!(
            fill_url("https://h.test/accounts/{ids}/me", &v).unwrap(),
            "https://h.test/accounts/123/me"
        );
        assert_eq!(
            fill_url("https://h.test/a/{one}", &v).unwrap(),
            "https://h.test/a/7"
        );
    }

    #[test]
    fn a_prefix_must_be_an_absolute_url_without_query() {
        for bad in [
            "api.github.com",
            "https://x.test/?a=1",
            "https://x.test/#f",
            "ftp://x.test",
            "https://me:pw@x.test",
            "/relative",
        ] {
            let v = move |_: &str| Some(bad.to_string());
            assert_eq!(
                fill_url("{base_url}/me", v).unwrap_err().bad_value(),
                Some("base_url"),
                "{bad}"
            );
        }
    }

    #[test]
    fn text_after_a_leading_placeholder_never_moves_the_origin() {
        let base = with(&[("base_url", "http://127.0.0.1:8080")]);
        for template in [
            "{base_url}:18188/users/me",
            "{base_url}@127.0.0.1:18188/v2/me",
            "{base_url}.attacker.example/users/me",
        ] {
            let err = fill_url(template, &base).expect_err(template);
            assert_eq!(err.bad_value(), Some("base_url"), "{template}");
        }
        assert_eq!(
            fill_url("{base_url}/users/me", &base).as_deref(),
            Ok("http://127.0.0.1:8080/users/me")
        );
        let odata = with(&[("service_url", "https://x.example/svc/")]);
        assert_eq!(
            fill_url("{service_url}$metadata", &odata).as_deref(),
            Ok("https://x.example/svc/$metadata")
        );
    }

    #[test]
    fn dot_segments_are_refused() {
        for bad in [".", ".."] {
            let v = move |_: &str| Some(bad.to_string());
            assert_eq!(
                fill_url("http://h.test/v1/users/{user}/me", v)
                    .unwrap_err()
                    .bad_value(),
                Some("user")
            );
        }
        let v = |_: &str| Some("a..b".to_string());
        assert_eq!(
            fill_url("http://h.test/v1/users/{user}/me", v).unwrap(),
            "http://h.test/v1/users/a..b/me"
        );
    }

    #[test]
    fn a_url_that_is_one_placeholder_is_its_value_whole() {
        let url = "https://api.example.com/v1/me?fields=id";
        let filled = fill_url("{check_url}", |n| {
            (n == "check_url").then(|| url.to_string())
        });
        assert_eq!(filled.ok().as_deref(), Some(url));
    }

    #[test]
    fn a_host_value_that_is_only_the_scheme_or_the_suffix_is_no_host() {
        for value in [
            "https://",
            "HTTP://",
            ".myshop.test",
            "https://.myshop.test/",
        ] {
            let filled = fill_url("https://{shop}.myshop.test/admin", |_| {
                Some(value.to_string())
            });
            assert!(filled.is_err(), "{value}: {filled:?}");
        }
        assert_eq!(
            whole_host("https://acme.myshop.test/", ".myshop.test"),
            "acme"
        );
        assert_eq!(
            whole_host("HTTPS://Acme.MyShop.Test", ".myshop.test"),
            "Acme"
        );
    }

    #[test]
    fn a_base_url_ending_in_the_whole_template_path_is_not_doubled() {
        let filled = fill_url("{base_url}/api/v2", |_| {
            Some("https://x.test/api/v2".into())
        });
        assert_eq!(filled.ok().as_deref(), Some("https://x.test/api/v2"));
    }

    #[test]
    fn text_after_a_base_url_that_moves_only_the_host_or_adds_only_a_user_is_refused() {
        let base = |_: &str| Some("https://x.test".to_string());
        assert!(fill_url("{base_url}.other.example/me", base).is_err());
        assert!(fill_url("{base_url}@x.test/me", base).is_err());
        assert!(fill_url("{base_url}/me", base).is_ok());
    }

    #[test]
    fn a_base_url_with_a_query_or_a_fragment_alone_is_refused() {
        for value in ["https://x.test/v1?a=1", "https://x.test/v1#top"] {
            let filled = fill_url("{base_url}/me", |_| Some(value.to_string()));
            assert!(filled.is_err(), "{value}");
        }
    }

    #[test]
    fn only_whole_path_segments_of_a_base_url_overlap_the_template() {
        let fill = |template: &str, base: &str| {
            fill_url(template, |n| match n {
                "base_url" => Some(base.to_string()),
                _ => Some("7".to_string()),
            })
            .ok()
        };
        // `api` is whole before `/{id}`: not doubled.
        assert_eq!(
            fill("{base_url}/api/{id}", "https://x.test/api").as_deref(),
            Some("https://x.test/api/7")
        );
        // `v` is cut at `{n}` in the template: no overlap is assumed.
        assert_eq!(
            fill("{base_url}/api/v{n}/users", "https://x.test/api/v").as_deref(),
            Some("https://x.test/api/v/api/v7/users")
        );
    }

    #[test]
    fn only_a_whole_json_list_with_a_plain_first_item_is_read_as_a_list() {
        assert_eq!(first_of_list("[\"123\", \"456\"]"), "123");
        assert_eq!(first_of_list("[7]"), "7");
        for value in ["[abc", "abc]", "[\"\"]", "[]", "[\"a\\\"b\"]", "[[1]]"] {
            assert_eq!(first_of_list(value), value, "{value}");
        }
    }

    #[test]
    fn a_base_url_of_another_scheme_or_with_a_user_or_a_password_alone_is_refused() {
        for value in [
            "ftp://x.test/v1",
            "file:///etc",
            "javascript://x.test/",
            "https://me@x.test/v1",
            "https://:pw@x.test/v1",
        ] {
            let filled = fill_url("{base_url}/me", |_| Some(value.to_string()));
            assert!(filled.is_err(), "{value}: {filled:?}");
        }
        // Said as what it is: credentials go in their own fields.
        for value in ["https://me@x.test/v1", "https://:pw@x.test/v1"] {
            let err = fill_url("{base_url}/me", |_| Some(value.to_string()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("user name or password"), "{value}: {err}");
        }
    }
}
