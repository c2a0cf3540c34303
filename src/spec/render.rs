//! Writing a [`Spec`] back to YAML in the shape and comment style of a
//! hand-written `connector_spec.yaml`: a header comment, `>` folded
//! descriptions, every parameter field spelled out.

use std::fmt::Write;

use super::{OAuth, Parameter, Spec};

/// Width at which folded descriptions are wrapped.
const WIDTH: usize = 80;

/// Renders `spec` as YAML. `header` lines are written first as comments.
pub fn render(spec: &Spec, header: &[&str]) -> String {
    let mut out = String::new();
    for line in header {
        let line = comment(line);
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    if let Some(name) = &spec.display_name {
        let _ = writeln!(out, "display_name: {}", scalar(name));
    }
    out.push_str("connection:\n");
    if !spec.parameters.is_empty() || spec.auth_methods.is_empty() {
        parameters(&mut out, &spec.parameters, 2);
    }
    if !spec.auth_methods.is_empty() {
        out.push_str("  auth_methods:\n");
        for method in &spec.auth_methods {
            let _ = writeln!(out, "    - name: {}", scalar(&method.name));
            if let Some(text) = &method.description {
                description(&mut out, text, 6);
            }
            parameters(&mut out, &method.parameters, 6);
            if let Some(oauth) = &method.oauth {
                oauth_block(&mut out, oauth, 6);
            }
        }
    }
    if let Some(oauth) = &spec.oauth {
        oauth_block(&mut out, oauth, 2);
    }
    let _ = writeln!(
        out,
        "external_options_allowlist: {}",
        quoted(spec.external_options_allowlist.as_deref().unwrap_or(""))
    );
    out
}

fn parameters(out: &mut String, list: &[Parameter], indent: usize) {
    let pad = " ".repeat(indent);
    if list.is_empty() {
        let _ = writeln!(out, "{pad}parameters: []");
        return;
    }
    let _ = writeln!(out, "{pad}parameters:");
    for p in list {
        let _ = writeln!(out, "{pad}  - name: {}", scalar(&p.name));
        let _ = writeln!(out, "{pad}    type: {}", p.kind.as_str());
        let _ = writeln!(out, "{pad}    required: {}", p.required);
        let _ = writeln!(out, "{pad}    secret: {}", p.secret);
        if let Some(default) = &p.default {
            let _ = writeln!(out, "{pad}    default: {}", scalar(default));
        }
        if let Some(text) = &p.description {
            description(out, text, indent + 4);
        }
    }
}

fn oauth_block(out: &mut String, oauth: &OAuth, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}oauth:");
    if let Some(flow) = oauth.flow {
        let _ = writeln!(out, "{pad}  flow: {}", flow.as_str());
    }
    let _ = writeln!(out, "{pad}  pkce: {}", oauth.pkce);
    if !oauth.scopes.is_empty() {
        let _ = writeln!(out, "{pad}  scopes: {}", quoted(&oauth.scopes.join(" ")));
    }
    let urls = [
        ("authorization_url", &oauth.authorization_url),
        ("token_url", &oauth.token_url),
        ("device_authorization_url", &oauth.device_authorization_url),
    ];
    for (key, url) in urls {
        if let Some(url) = url {
            let _ = writeln!(out, "{pad}  {key}: {}", scalar(&url.value));
        }
    }
    if !oauth.extra_auth_params.is_empty() {
        let _ = writeln!(out, "{pad}  extra_auth_params:");
        for (k, v) in &oauth.extra_auth_params {
            let _ = writeln!(out, "{pad}    {}: {}", scalar(k), scalar(v));
        }
    }
}

/// `description:` as a folded block when the text folds back to itself,
/// else as a double-quoted string.
fn description(out: &mut String, text: &str, indent: usize) {
    let pad = " ".repeat(indent);
    if !foldable(text) {
        let _ = writeln!(out, "{pad}description: {}", quoted(text));
        return;
    }
    let _ = writeln!(out, "{pad}description: >");
    let width = WIDTH.saturating_sub(indent + 2).max(20);
    for line in wrap(text, width) {
        let _ = writeln!(out, "{pad}  {line}");
    }
}

/// True when a folded block scalar reads back as exactly `text`: one line,
/// printable, no leading or trailing blanks.
fn foldable(text: &str) -> bool {
    !text.is_empty() && text.trim() == text && text.chars().all(|c| !needs_escape(c))
}

/// True for a character a double-quoted scalar must escape for YAML 1.1
/// and 1.2 readers to read the same string: every control character (C0,
/// DEL, C1 with NEL), the line and paragraph separators (U+2028/U+2029,
/// line breaks to YAML 1.1 only), the byte-order mark and the
/// non-characters outside YAML's printable set; and the bidi overrides,
/// which make a file read in another order than it parses.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            // bidi overrides and marks: text that reads in another order
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}'
        )
}

/// A header line as one comment line: any character that could end the
/// comment for some reader (a line break, NEL, U+2028/U+2029) or that a
/// terminal would act on becomes a space.
pub fn comment(line: &str) -> String {
    line.chars()
        .map(|c| if needs_escape(c) { ' ' } else { c })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Splits `text` at single spaces (a fold reads a line break back as one
/// space, and a line starting with a blank would be kept verbatim).
fn wrap(text: &str, width: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut last_break = None;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let breakable = c == ' '
            && i > start
            && bytes.get(i + 1).is_some_and(|b| *b != b' ')
            && bytes.get(i.wrapping_sub(1)).is_some_and(|b| *b != b' ');
        if breakable {
            if text[start..i].chars().count() > width
                && let Some(at) = last_break
            {
                lines.push(&text[start..at]);
                start = at + 1;
            }
            last_break = Some(i);
        }
    }
    if text[start..].chars().count() > width
        && let Some(at) = last_break.filter(|at| *at > start)
    {
        lines.push(&text[start..at]);
        start = at + 1;
    }
    lines.push(&text[start..]);
    lines
}

/// A scalar written plain when YAML reads it back as the same string,
/// double-quoted otherwise.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./:@=&?%+".contains(c))
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && text.trim() == text
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A double-quoted YAML scalar whose only characters are printable ones
/// every YAML reader takes literally: `"` and `\\` escaped, and every
/// character of [`needs_escape`] written as a `\\u` escape (both YAML 1.1
/// and 1.2 read those the same way).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_single_spaces_only() {
        let text = "aaaa bbbb  cccc dddd";
        let lines = wrap(text, 6);
        assert_eq!(lines, vec!["aaaa", "bbbb  cccc", "dddd"]);
    }

    #[test]
    fn scalars_that_yaml_would_reinterpret_are_quoted() {
        assert_eq!(scalar("subdomain"), "subdomain");
        assert_eq!(scalar("https://x.com/a?b=c"), "https://x.com/a?b=c");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("https://{tenant}.x"), "\"https://{tenant}.x\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }

    #[test]
    fn line_separators_and_controls_are_escaped_in_quoted_scalars() {
        assert_eq!(quoted("a\u{2028}b"), "\"a\\u2028b\"");
        assert_eq!(quoted("a\u{2029}b\u{85}c"), "\"a\\u2029b\\u0085c\"");
        assert_eq!(quoted("q\"\\\n\t\u{7f}"), "\"q\\\"\\\\\\n\\t\\u007f\"");
        assert!(!foldable("one\u{2028}secret: false"));
        assert_eq!(comment("Title\nconnection: {}"), "Title connection: {}");
        assert_eq!(comment("T\u{2029}x\u{1b}[2J"), "T x [2J");
    }
}
