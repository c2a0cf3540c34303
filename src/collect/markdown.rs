//! Descriptions are markdown (code, bold, links, lists): rendered to HTML
//! safely. Raw HTML in them is shown as text, links keep only http(s) and
//! mailto targets, images become their alt text (the page loads nothing
//! from outside).
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// The HTML of a description; safe to insert into the page as is.
pub fn render(text: &str) -> String {
    let mut open_links: Vec<bool> = Vec::new();
    let text = quoted_stars_escaped(text);
    let events = Parser::new_ext(&text, Options::ENABLE_STRIKETHROUGH).filter_map(|event| {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            // The alt text (the events between) stays; the image goes.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let safe = ["https://", "http://", "mailto:"]
                    .iter()
                    .any(|p| dest_url.to_ascii_lowercase().starts_with(p));
                open_links.push(safe);
                safe.then_some(Event::Start(Tag::Link {
                    link_type: if link_type == LinkType::Email {
                        LinkType::Email
                    } else {
                        LinkType::Inline
                    },
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Link) => match open_links.pop() {
                Some(true) => Some(Event::End(TagEnd::Link)),
                _ => None,
            },
            other => Some(other),
        }
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    // One paragraph reads as inline help text.
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// `"*.hl7"`: a `*` inside double quotes is a literal, not emphasis
/// (code spans keep theirs already).
fn quoted_stars_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    let mut in_quote = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '"' if !in_code => in_quote = !in_quote,
            '\n' if !in_code => in_quote = false,
            '*' if in_quote && !in_code => {
                out.push_str("\\*");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn code_bold_links_and_lists_are_rendered() {
        assert_eq!(
            render("Your **admin** `api_key`, see [docs](https://x.test/k)."),
            r#"Your <strong>admin</strong> <code>api_key</code>, see <a href="https://x.test/k">docs</a>."#
        );
        assert!(render("- one\n- two\n").contains("<li>one</li>"));
    }

    #[test]
    fn stars_inside_quotes_and_code_stay() {
        assert_eq!(
            render(r#"Files to read, e.g. "*.hl7" or "*.txt"; `*.csv` too."#),
            r#"Files to read, e.g. "*.hl7" or "*.txt"; <code>*.csv</code> too."#
        );
        assert_eq!(
            render("Some *emphasis* here."),
            "Some <em>emphasis</em> here."
        );
    }

    #[test]
    fn nothing_active_gets_through() {
        let html = render("<script>alert(1)</script> and <b onmouseover=x>b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let html = render("See [x](javascript:alert(1)) and ![i](https://evil.test/p.png) here.");
        assert!(!html.contains("href"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("See x and i here."), "{html}");
    }
}
