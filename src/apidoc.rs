//! What a source's API doc (markdown) says about authentication: its title,
//! base URL, example requests (curl commands, `GET /path` lines), header
//! lines, each with the line it came from. Placeholders are written the
//! spec's way (`{name}`) whatever the doc used (`<your-domain>`, `{{x}}`,
//! `YOUR_API_KEY`, `$TOKEN`).
//!
//! A reader (see docs/architecture.md): it says what a document says and imports no step.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// One line of the doc.
#[derive(Debug, Clone)]
pub struct DocLine {
    /// 1-based.
    pub number: usize,
    pub text: String,
    /// The text lowercased, once for every recogniser that reads it so.
    pub lower: String,
    /// The text with placeholders written the spec's way, when that
    /// differs from `text` (see [`DocLine::norm`]).
    renormed: Option<String>,
    /// Inside a fenced or indented code block.
    pub code: bool,
    /// Whether `lower` holds one of the words a base URL statement holds
    /// ([`BASE_WORDS`]), read on the first search of the base URL that
    /// reaches the line and kept for the others: `0` until read, then
    /// `1` (no) or `2` (yes).
    base_words: Cues,
    /// The heading the line stands under, lowercased.
    pub section: std::sync::Arc<str>,
    /// Every heading above the line, outermost first (shared by the lines
    /// of one section).
    pub section_path: std::sync::Arc<[String]>,
    /// Where in `section_path` the first heading about authentication
    /// stands ([`is_auth_heading`]; the doc's title never counts).
    pub auth_depth: Option<usize>,
    /// Which of a reader's per-line word lists `lower` holds, one bit
    /// each, filled by the reader on first ask (drafting's: `draft::cues`).
    /// `0` until filled; filled, the reader's bit [`CUES_FILLED`] is set.
    pub cues: Cues,
}

/// The bit of [`DocLine::cues`] that says they are filled.
pub const CUES_FILLED: u64 = 1 << 62;

/// A reader's per-line bits (see [`DocLine::cues`]); a clone keeps them.
#[derive(Debug, Default)]
pub struct Cues(pub std::sync::atomic::AtomicU64);

impl Clone for Cues {
    fn clone(&self) -> Cues {
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        Cues(AtomicU64::new(self.0.load(Relaxed)))
    }
}

impl DocLine {
    /// The text with placeholders written the spec's way.
    pub fn norm(&self) -> &str {
        self.renormed.as_deref().unwrap_or(&self.text)
    }
}

/// A fact and where the doc says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact<T> {
    pub value: T,
    pub line: usize,
}

/// An example request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Example {
    pub method: String,
    /// An absolute URL or a path, placeholders normalised.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// `curl -u user:password`.
    pub basic: Option<(String, String)>,
}

/// A parsed API doc.
#[derive(Debug, Clone)]
pub struct ApiDoc {
    pub title: Option<String>,
    pub lines: Vec<DocLine>,
}

impl ApiDoc {
    pub fn parse(text: &str) -> ApiDoc {
        let mut code_ranges = Vec::new();
        let mut headings: Vec<(usize, String, HeadingLevel)> = Vec::new();
        let mut heading: Option<(usize, String, HeadingLevel)> = None;
        let mut code_start = None;
        for (event, range) in Parser::new(text).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_)) => code_start = Some(range.start),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(start) = code_start.take() {
                        code_ranges.push(start..range.end);
                    }
                }
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((range.start, String::new(), level));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, h, _)) = heading.as_mut() {
                        h.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(h) = heading.take() {
                        headings.push(h);
                    }
                }
                _ => {}
            }
        }
        let title = headings
            .iter()
            .find(|(_, _, level)| *level == HeadingLevel::H1)
            .map(|(_, t, _)| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let mut lines = Vec::with_capacity(text.bytes().filter(|b| *b == b'\n').count() + 1);
        let mut offset = 0;
        let mut next_heading = 0;
        let mut next_code = 0;
        // Each heading above the line, and whether it is an auth heading
        // (judged once, when it is met).
        let mut path: Vec<(HeadingLevel, String, bool)> = Vec::new();
        let mut shared_path: std::sync::Arc<[String]> = std::sync::Arc::from(Vec::new());
        let mut section: std::sync::Arc<str> = std::sync::Arc::from("");
        let mut auth_depth = None;
        for (i, line) in text.split('\n').enumerate() {
            while code_ranges.get(next_code).is_some_and(|r| r.end <= offset) {
                next_code += 1;
            }
            let code = code_ranges
                .get(next_code)
                .is_some_and(|r| r.contains(&offset));
            let met = enter_headings(&headings[next_heading..], offset, &mut path);
            next_heading += met;
            if met > 0 {
                shared_path = path
                    .iter()
                    .map(|(_, t, _)| t.clone())
                    .collect::<Vec<_>>()
                    .into();
                section = path
                    .last()
                    .map(|(_, t, _)| t.to_lowercase())
                    .unwrap_or_default()
                    .into();
                // The doc's title (H1) naming "API" is not an auth heading.
                auth_depth = path
                    .iter()
                    .enumerate()
                    .skip(usize::from(path.len() > 1))
                    .find(|(_, (_, _, auth))| *auth)
                    .map(|(i, _)| i);
            }
            let text = line.trim_end_matches('\r').to_string();
            let lower = if text.is_ascii() {
                text.to_ascii_lowercase()
            } else {
                text.to_lowercase()
            };
            lines.push(DocLine {
                number: i + 1,
                renormed: may_hold_placeholder(&text).then(|| normalise_placeholders(&text)),
                base_words: Cues::default(),
                lower,
                text,
                code,
                section: section.clone(),
                section_path: shared_path.clone(),
                auth_depth,
                cues: Cues::default(),
            });
            offset += line.len() + 1;
        }
        ApiDoc { title, lines }
    }

    /// The whole doc as a [`Part`], for the readers below.
    pub fn part(&self) -> Part<'_> {
        Part {
            lines: self.lines.iter().collect(),
        }
    }

    /// Every URL in the doc, placeholders normalised.
    pub fn urls(&self) -> Vec<Fact<String>> {
        self.part().urls()
    }

    /// See [`Part::stated_base_url`].
    pub fn stated_base_url(&self) -> Option<Fact<String>> {
        self.part().stated_base_url()
    }

    /// See [`Part::base_url_statements`].
    pub fn base_url_statements(&self) -> (Option<Fact<String>>, Option<Fact<String>>) {
        self.part().base_url_statements()
    }

    /// See [`Part::base_url`].
    pub fn base_url(&self) -> Option<Fact<String>> {
        self.part().base_url()
    }

    /// See [`Part::examples`].
    pub fn examples(&self) -> Vec<Fact<Example>> {
        self.part().examples()
    }

    /// See [`Part::header_lines`].
    pub fn header_lines(&self) -> Vec<Fact<(String, String)>> {
        self.part().header_lines()
    }
}

/// Enters the headings (from the first of `headings`) that stand at or
/// before byte `offset` into `path`, each judged auth or not once; how many.
fn enter_headings(
    headings: &[(usize, String, HeadingLevel)],
    offset: usize,
    path: &mut Vec<(HeadingLevel, String, bool)>,
) -> usize {
    let mut met = 0;
    for (_, t, level) in headings.iter().take_while(|(at, _, _)| *at <= offset) {
        path.retain(|(l, _, _)| *l < *level);
        let t = t.trim().to_string();
        let auth = is_auth_heading(&t);
        path.push((*level, t, auth));
        met += 1;
    }
    met
}

/// Some of a doc's lines (all of them, or a section's), borrowed: what the
/// readers of example requests, base URLs and header lines read.
pub struct Part<'d> {
    pub lines: Vec<&'d DocLine>,
}

impl<'d> Part<'d> {
    /// Lines borrowed from a doc.
    pub fn of(lines: &[&'d DocLine]) -> Part<'d> {
        Part {
            lines: lines.to_vec(),
        }
    }

    /// Every URL in the doc, placeholders normalised.
    pub fn urls(&self) -> Vec<Fact<String>> {
        self.lines
            .iter()
            .flat_map(|l| {
                urls_in(l.norm()).into_iter().map(move |u| Fact {
                    value: u,
                    line: l.number,
                })
            })
            .collect()
    }

    /// The base URL the doc states on a line that says "base URL" (or
    /// "API root", `Host:`).
    pub fn stated_base_url(&self) -> Option<Fact<String>> {
        let (labelled, loose) = self.base_url_statements();
        labelled.or(loose)
    }

    /// The base URL under a label ("**Base URL:** …", "## Base URL"), not one
    /// a sentence mentions in passing ("regional base URLs (`…`) for …"),
    /// and the first one stated either way; one pass over the doc.
    pub fn base_url_statements(&self) -> (Option<Fact<String>>, Option<Fact<String>>) {
        let loose = self.base_url_where(false, 0);
        let Some(first) = &loose else {
            return (None, None);
        };
        // The labelled one is the loose one, or comes after it.
        let start = self
            .lines
            .iter()
            .position(|l| l.number >= first.line.saturating_sub(12))
            .unwrap_or(0);
        (self.base_url_where(true, start), loose)
    }

    fn base_url_where(&self, labelled: bool, start: usize) -> Option<Fact<String>> {
        let words = |t: &str| {
            let t = t.to_lowercase();
            t.contains("base url")
                || t.contains("base_url")
                || t.contains("base uri")
                || t.contains("api root")
                || t.contains("root url")
                || t.contains("api endpoint")
                // "The public API (v2) lives at `https://…`".
                || t.contains("api") && (t.contains("lives at") || t.contains("is served at"))
                // "All paths are relative to `https://…`".
                || t.contains("paths are relative to")
                || t.contains("requests are relative to")
        };
        let says = |t: &str| {
            let trimmed = t.trim_start();
            if trimmed.starts_with('#') {
                // "## Servers", as an OpenAPI description lists them.
                let h = trimmed.trim_start_matches(['#', ' ']).to_lowercase();
                return words(t) || h == "servers" || h == "server";
            }
            // The words stand in a short label before the first colon
            // ("**Base URL:**", or only "Base:").
            let label = t.split_once(':').map(|(l, _)| l).unwrap_or("");
            let bare = label.trim_matches(['*', '_', '-', ' ']).to_lowercase();
            if bare == "base" {
                return true;
            }
            if !labelled {
                return words(t);
            }
            words(label) && !label.contains('`') && label.split_whitespace().count() <= 6
        };
        for (i, l) in self.lines.iter().enumerate().skip(start) {
            // Most lines name none of the words: passed over without allocating.
            if !holds_base_words(l) {
                continue;
            }
            let lower = &l.lower;
            if says(&l.text) {
                if let Some(u) = urls_in(l.norm()).into_iter().next() {
                    return Some(Fact {
                        value: u.trim_end_matches('/').to_string(),
                        line: l.number,
                    });
                }
                // "## Base URL" over a code block or a line: the next URL
                // before the next heading.
                if l.text.trim_start().starts_with('#') || l.text.trim_end().ends_with(':') {
                    let next = self.lines[i + 1..]
                        .iter()
                        .take(12)
                        .take_while(|n| !n.text.trim_start().starts_with('#'))
                        // A server marked unused ("| `https://…` | no |").
                        .filter(|n| !marked_unused(&n.lower))
                        .find_map(|n| urls_in(n.norm()).into_iter().next().map(|u| (u, n.number)));
                    if let Some((u, line)) = next {
                        return Some(Fact {
                            value: u.trim_end_matches('/').to_string(),
                            line,
                        });
                    }
                }
            } else if !labelled
                && l.code
                && lower.trim_start().starts_with("host:")
                && !self.token_request_above(i)
            {
                // `Host: api.example.com` in a raw request.
                let host = l
                    .norm()
                    .trim()
                    .split_once(':')
                    .map(|(_, h)| h.trim())
                    .unwrap_or("");
                if !host.is_empty() && !host.contains(' ') && host.contains('.') {
                    return Some(Fact {
                        value: format!("https://{host}"),
                        line: l.number,
                    });
                }
            }
        }
        None
    }

    /// The raw request a `Host:` line at `i` belongs to signs in
    /// (`POST /oauth/v2/token`): its host is the login server's, not the API's.
    fn token_request_above(&self, i: usize) -> bool {
        self.lines[i.saturating_sub(3)..i].iter().any(|l| {
            l.code
                && request_line(strip_decoration(l.norm())).is_some()
                && ["token", "oauth", "authorize", "login"]
                    .iter()
                    .any(|w| l.lower.contains(w))
        })
    }

    /// The base URL: the one the doc states, else the origin most example
    /// requests use.
    pub fn base_url(&self) -> Option<Fact<String>> {
        if let Some(said) = self.stated_base_url() {
            return Some(said);
        }
        let mut origins: Vec<(String, usize, usize)> = Vec::new();
        for ex in self.examples() {
            if let Some(origin) = origin_of(&ex.value.target) {
                match origins.iter_mut().find(|(o, _, _)| *o == origin) {
                    Some(entry) => entry.1 += 1,
                    None => origins.push((origin, 1, ex.line)),
                }
            }
        }
        origins
            .into_iter()
            .max_by_key(|(_, count, _)| *count)
            .map(|(value, _, line)| Fact { value, line })
    }

    /// Example requests: curl commands (continuation lines joined) and
    /// `GET /path` lines.
    pub fn examples(&self) -> Vec<Fact<Example>> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < self.lines.len() {
            let line = &self.lines[i];
            let trimmed = strip_decoration(line.norm());
            if trimmed.starts_with("curl ") || trimmed == "curl" {
                let mut command = trimmed.trim_end_matches('\\').to_string();
                let mut j = i;
                while self.lines[j].norm().trim_end().ends_with('\\') && j + 1 < self.lines.len() {
                    j += 1;
                    command.push(' ');
                    command.push_str(self.lines[j].norm().trim().trim_end_matches('\\'));
                }
                if let Some(example) = curl(&command) {
                    found.push(Fact {
                        value: example,
                        line: line.number,
                    });
                }
                i = j + 1;
                continue;
            }
            if let Some(example) = request_line(trimmed).or_else(|| heading_request(line.norm())) {
                found.push(Fact {
                    value: example,
                    line: line.number,
                });
            } else if !line.code {
                // `GET /path` in an inline code span inside a sentence.
                for span in line.norm().split('`').skip(1).step_by(2) {
                    if let Some(example) = request_line(span) {
                        found.push(Fact {
                            value: example,
                            line: line.number,
                        });
                    }
                }
            }
            i += 1;
        }
        found
    }

    /// `Name: value` header lines (Authorization and X-… or other dashed
    /// headers) in code blocks or inline code, placeholders normalised.
    pub fn header_lines(&self) -> Vec<Fact<(String, String)>> {
        let mut found = Vec::new();
        for l in &self.lines {
            let candidates: Vec<&str> = if l.code {
                vec![l.norm()]
            } else {
                l.norm().split('`').skip(1).step_by(2).collect()
            };
            for text in candidates {
                let text = strip_decoration(text);
                let text = text
                    .trim_start_matches("-H")
                    .trim()
                    .trim_matches(['"', '\'']);
                let Some((name, value)) = text.split_once(':') else {
                    continue;
                };
                let name = name.trim();
                let dashed = name.contains('-')
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !name.starts_with('-');
                let is_header = name.eq_ignore_ascii_case("authorization") || dashed;
                if is_header && !value.trim().starts_with("//") {
                    found.push(Fact {
                        value: (name.to_string(), value.trim().to_string()),
                        line: l.number,
                    });
                }
            }
        }
        found
    }
}

/// Drops list markers, quotes and backticks around a line.
fn strip_decoration(line: &str) -> &str {
    let t = line.trim();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .unwrap_or(t);
    let t = t.strip_prefix("$ ").unwrap_or(t);
    t.trim_matches('`').trim()
}

/// A table row or line that marks its URL as one not used ("| `…` | no |",
/// "(unused)", "not used").
fn marked_unused(lower: &str) -> bool {
    let cells: Vec<&str> = lower.split('|').map(str::trim).collect();
    cells.len() > 2 && cells.iter().any(|c| *c == "no" || c.starts_with("no ("))
        || ["unused", "not used", "unsupported", "not supported"]
            .iter()
            .any(|w| lower.contains(w))
}

/// A heading that names its endpoint after a label ("### CMS: GET
/// https://…", "### 3.2 List users — GET /users").
fn heading_request(text: &str) -> Option<Example> {
    let t = text.trim_start();
    if !t.starts_with('#') {
        return None;
    }
    ["GET ", "POST "]
        .iter()
        .filter_map(|m| t.find(m))
        .filter(|&at| at > 0 && t.as_bytes()[at - 1] == b' ')
        .min()
        .and_then(|at| request_line(&t[at..]))
}

/// `GET /path` or `GET https://…`.
fn request_line(text: &str) -> Option<Example> {
    let text = text.trim_start_matches(['*', '#', ' ']);
    let (method, rest) = text.split_once(' ')?;
    // `GET/POST /path`: an endpoint that answers GET too.
    let method = if method.starts_with("GET/") || method.starts_with("GET|") {
        "GET"
    } else {
        method
    };
    if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD") {
        return None;
    }
    let target = query_with_spaces(rest.trim_start()).trim_matches('`');
    if !(target.starts_with('/')
        || target.contains("://")
        || target.starts_with('{')
        || target.starts_with('<'))
    {
        return None;
    }
    Some(Example {
        method: method.to_string(),
        target: normalise_placeholders(target),
        ..Example::default()
    })
}

/// The target at the start of `rest`: its first word, or, when that word
/// opens a query whose quoted value holds spaces (`$filter=name eq 'Team'`),
/// up to where the quote closes.
fn query_with_spaces(rest: &str) -> &str {
    let first = rest.split_whitespace().next().unwrap_or("");
    let Some(q) = first.find('?') else {
        return first;
    };
    let mut end = first.len();
    let quotes = |t: &str| t[q..].matches('\'').count();
    while quotes(&rest[..end]) % 2 == 1 {
        let after = &rest[end..];
        let Some(word) = after.split_whitespace().next() else {
            return first;
        };
        let Some(at) = after.find(word) else {
            return first;
        };
        end += at + word.len();
    }
    // `eq 'Team'` after a complete value: an OData comparison, kept whole.
    let mut words = rest[end..].split_whitespace();
    if let (Some(op), Some(value)) = (words.next(), words.next())
        && ["eq", "ne", "gt", "ge", "lt", "le"].contains(&op)
        && value.starts_with('\'')
        && value.trim_end_matches(['`', ')', '.', ',']).ends_with('\'')
    {
        let at = rest[end..].find(value).unwrap_or(0);
        end += at + value.trim_end_matches(['`', ')', '.', ',']).len();
    }
    &rest[..end]
}

/// Splits a shell command line into words, honouring quotes.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The request a curl command sends.
fn curl(command: &str) -> Option<Example> {
    let words = shell_words(command);
    let mut example = Example {
        method: "GET".into(),
        ..Example::default()
    };
    let mut explicit_method = false;
    // `--negotiate -u :` is Kerberos (SPNEGO): the `-u` is no Basic account.
    let negotiate = words
        .iter()
        .any(|w| matches!(w.as_str(), "--negotiate" | "--ntlm" | "--delegation"));
    let mut iter = words.iter().skip(1).peekable();
    while let Some(word) = iter.next() {
        match word.as_str() {
            "-X" | "--request" => {
                if let Some(m) = iter.next() {
                    example.method = m.to_uppercase();
                    explicit_method = true;
                }
            }
            "-H" | "--header" => {
                if let Some(h) = iter.next()
                    && let Some((k, v)) = h.split_once(':')
                {
                    example
                        .headers
                        .push((k.trim().to_string(), normalise_placeholders(v.trim())));
                }
            }
            "-u" | "--user" => {
                if let Some(u) = iter.next().filter(|_| !negotiate) {
                    let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                    example.basic =
                        Some((normalise_placeholders(user), normalise_placeholders(pass)));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-urlencode" | "--json" | "-F" | "--form" => {
                iter.next();
                if !explicit_method {
                    example.method = "POST".into();
                }
            }
            "-G" | "--get" => {
                example.method = "GET".into();
                explicit_method = true;
            }
            w if w.starts_with('-') => {}
            w => {
                if example.target.is_empty()
                    && (w.contains("://")
                        || w.starts_with('{')
                        || w.starts_with('<')
                        || w.starts_with('$'))
                {
                    example.target = normalise_placeholders(w);
                }
            }
        }
    }
    (!example.target.is_empty()).then_some(example)
}

/// The URLs in a line of text.
fn urls_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // `contains` (a vector scan) turns most lines away before `find` sets
    // up its searcher.
    let mut rest = if text.contains("http") { text } else { "" };
    while let Some(at) = rest.find("http") {
        let candidate = &rest[at..];
        let Some(scheme_end) = candidate.find("://").filter(|i| *i <= 5) else {
            rest = &rest[at + 4..];
            continue;
        };
        let mut end = scheme_end + 3;
        let bytes = candidate.as_bytes();
        let mut angle = false;
        while end < bytes.len() {
            let c = bytes[end] as char;
            match c {
                '<' => angle = true,
                '>' if angle => angle = false,
                c if c.is_whitespace() || "\"'`),]|".contains(c) => break,
                '>' => break,
                _ => {}
            }
            end += 1;
        }
        let url = candidate[..end].trim_end_matches(['.', ':', ';']);
        if url.len() > scheme_end + 3 {
            found.push(normalise_placeholders(url));
        }
        rest = &candidate[end..];
    }
    found
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let rest = &url[scheme_end + 3..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(url[..scheme_end + 3 + host_end].to_string())
}

/// The words one of which a line stating the base URL holds (see
/// [`Part::base_url_where`]), lowercase.
static BASE_WORDS: crate::words::WordList = crate::words::WordList::new(&[
    "base",
    "root",
    "endpoint",
    "host",
    "lives at",
    "served at",
    "server",
    "relative to",
]);

/// Whether the line's `lower` holds one of [`BASE_WORDS`] (read once).
fn holds_base_words(l: &DocLine) -> bool {
    use std::sync::atomic::Ordering::Relaxed;
    match l.base_words.0.load(Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let holds = BASE_WORDS.any_in(&l.lower);
            l.base_words.0.store(if holds { 2 } else { 1 }, Relaxed);
            holds
        }
    }
}

/// A heading's words but its paths: "POST /oauth/token" names an
/// endpoint, not a section about OAuth.
fn prose(heading: &str) -> String {
    heading
        .split_whitespace()
        .filter(|w| !w.contains('/'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether [`prose`] of `h` can hold "oauth", "access token" or "bearer":
/// its words are `h`'s, so `h` holds "oauth", "bearer", or "access" and
/// "token" (most headings hold none, and are not copied).
fn prose_may_name(h: &str) -> bool {
    h.contains("oauth") || h.contains("bearer") || h.contains("access") && h.contains("token")
}

/// A heading that names the auth section.
pub fn is_auth_heading(heading: &str) -> bool {
    let h = heading.to_lowercase();
    crate::any_word!(
        &h,
        [
            "authori",
            "authenti",
            "credential",
            "security",
            "api key",
            "api token",
            "access method"
        ]
    ) || prose_may_name(&h) && crate::any_word!(&prose(&h), ["oauth", "access token", "bearer"])
        || h.split(|c: char| !c.is_alphanumeric()).any(|w| w == "auth")
        || (h.contains("connect") && !h.contains("connector options"))
}

/// A header value made of two or more `name=value` pairs split by `;`
/// (`accessKey=…;secretKey=…`), as written; `None` when it is not one.
pub fn key_pairs(value: &str) -> Option<Vec<(&str, &str)>> {
    let pairs: Vec<&str> = value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if pairs.len() < 2 {
        return None;
    }
    pairs.iter().map(|p| p.split_once('=')).collect()
}

/// Headers that never carry a credential (content negotiation, versions).
pub fn plain_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "content-type",
        "accept",
        "user-agent",
        "host",
        "content-length",
        "accept-encoding",
        "cache-control",
        "connection",
        "x-request-id",
        "if-none-match",
        "revision",
    ]
    .contains(&n.as_str())
        || n.contains("version")
}

/// A literal standing for a credential in a doc's example: elided
/// (`pk_abc...`, `secret_xxx`, `****`) or a long opaque token.
pub fn sample_credential(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'', '`', '<', '>']);
    let elided = v.contains("...") || v.contains('…') || v.contains("xxx") || v.contains("***");
    let opaque = v.len() >= 16
        && !v.contains(' ')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.=+/".contains(c))
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic());
    !v.is_empty() && (elided || opaque)
}

/// Writes every placeholder the spec's way: `{name}`, snake_case.
/// Whether `text` holds `<`, `{`, `$`, `YOUR_` or `MY_` (every line of a
/// doc is asked: byte searches first, the words only where a `_` stands).
fn may_hold_placeholder(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&b'<')
        || b.contains(&b'{')
        || b.contains(&b'$')
        || b.contains(&b'_') && (text.contains("YOUR_") || text.contains("MY_"))
}

pub fn normalise_placeholders(text: &str) -> String {
    if !may_hold_placeholder(text) {
        return text.to_string();
    }
    // Every character this looks at is ASCII, and no byte of a multi-byte
    // UTF-8 character is: the text is read as bytes, copied in slices.
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    let put = |out: &mut String, copied: &mut usize, from: usize, to: usize, name: &str| {
        out.push_str(&text[*copied..from]);
        out.push('{');
        out.push_str(&snake(name));
        out.push('}');
        *copied = to;
    };
    while i < b.len() {
        let c = b[i];
        let close = match c {
            b'<' => Some(b'>'),
            b'{' => Some(b'}'),
            _ => None,
        };
        if let Some(close) = close {
            let mut j = i + 1;
            while j < b.len() && b[j] == c {
                j += 1;
            }
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b"_- ".contains(&b[j])) {
                j += 1;
            }
            if j < b.len() && b[j] == close && j > start {
                let name = &text[start..j];
                while j < b.len() && b[j] == close {
                    j += 1;
                }
                put(&mut out, &mut copied, i, j, name);
                i = j;
                continue;
            }
        }
        if c == b'$' {
            let mut j = i + 1;
            let braced = b.get(j) == Some(&b'{');
            if braced {
                j += 1;
            }
            let start = j;
            while j < b.len()
                && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit() || b[j] == b'_')
            {
                j += 1;
            }
            if j > start + 1 {
                let end = if braced && b.get(j) == Some(&b'}') {
                    j + 1
                } else {
                    j
                };
                put(&mut out, &mut copied, i, end, &text[start..j]);
                i = end;
                continue;
            }
        }
        if c.is_ascii_uppercase() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit() || b[j] == b'_')
            {
                j += 1;
            }
            let word = &text[i..j];
            let boundary = j == b.len() || !b[j].is_ascii_alphanumeric();
            if boundary && (word.starts_with("YOUR_") || word.starts_with("MY_")) && word.len() > 5
            {
                put(&mut out, &mut copied, i, j, word);
                i = j;
                continue;
            }
            // The rest of an upper-case word is no placeholder's start.
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// `regionCode` → `region_code` (snake_case names stay as they are).
pub fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `accessKey` → `access_key`, `apiBaseURL` → `api_base_url`,
/// `HTTPProxy2Url` → `http_proxy2_url`: a word starts at a capital after a
/// lowercase letter or a digit, and at the last capital of a run that a
/// lowercase letter follows.
pub fn to_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let starts_word = prev.is_ascii_lowercase()
                || (prev.is_ascii_digit() && next_lower)
                || (prev.is_ascii_uppercase() && next_lower);
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `Your-Domain` → `your_domain`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c == '-' || c == ' ' {
            out.push('_');
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Words that mean the same credential or setting, whatever a doc calls it.
const SYNONYMS: &[&[&str]] = &[
    &[
        "token",
        "access_token",
        "api_token",
        "personal_access_token",
        "pat",
        "auth_token",
        "bearer_token",
        "oauth_token",
        "private_token",
        "secret_token",
        "private_app_token",
    ],
    &[
        "api_key",
        "apikey",
        "key",
        "x_api_key",
        "access_key",
        "app_key",
        "subscription_key",
        "appid",
        "app_id",
    ],
    &[
        "email",
        "user",
        "username",
        "user_name",
        "login",
        "user_email",
        "account_email",
        "email_address",
    ],
    &["password", "pass", "pwd", "user_password"],
    &[
        "subdomain",
        "domain",
        "site",
        "instance",
        "instance_name",
        "tenant",
        "account",
        "org",
        "organization",
        "workspace",
        "company",
        "shop",
        "store",
        "host",
        "hostname",
        "shop_name",
        "store_name",
        "account_name",
        "site_name",
    ],
    &["region", "data_center", "datacenter", "dc", "server_prefix"],
    &["client_id", "app_client_id", "application_id"],
    &["client_secret", "app_secret", "application_secret"],
];

/// Which parameter a doc's placeholder name means: the same name, the same
/// name once `your_`/`my_` and separators are dropped, a synonym, or a name
/// that contains the other.
pub fn match_parameter<'a>(
    doc_name: &str,
    parameters: &[&'a crate::spec::Parameter],
) -> Option<&'a crate::spec::Parameter> {
    let name = snake(doc_name);
    let name = name
        .strip_prefix("your_")
        .or_else(|| name.strip_prefix("my_"))
        .or_else(|| name.strip_prefix("the_"))
        .unwrap_or(&name)
        .trim_end_matches("_here")
        .to_string();
    by_spelling(&name, parameters)
        .or_else(|| by_last_word(&name, parameters))
        .or_else(|| by_synonym(&name, parameters))
        .or_else(|| {
            parameters
                .iter()
                .filter(|p| p.name.len() >= 3 && name.len() >= 3)
                .find(|p| name.contains(p.name.as_str()) || p.name.contains(name.as_str()))
                .copied()
        })
}

/// The parameter spelled like `name`, underscores aside; or like it with
/// abbreviations written out (`app_key` for `application_key`), or without
/// a vendor prefix (`datadog_api_key`, `dd_api_key`).
fn by_spelling<'a>(
    name: &str,
    parameters: &[&'a crate::spec::Parameter],
) -> Option<&'a crate::spec::Parameter> {
    let squash = |s: &str| s.replace('_', "");
    let same = |a: &str| {
        parameters
            .iter()
            .find(|p| p.name == a || squash(&p.name) == squash(a))
            .copied()
    };
    let unprefixed = name.split_once('_').map(|(_, rest)| rest.to_string());
    let expanded = |n: &str| {
        n.split('_')
            .map(|w| match w {
                "app" => "application",
                "org" => "organization",
                "pat" => "personal_access_token",
                "pwd" | "pass" => "password",
                other => other,
            })
            .collect::<Vec<_>>()
            .join("_")
    };
    [
        Some(name.to_string()),
        Some(expanded(name)),
        unprefixed.clone(),
        unprefixed.as_deref().map(expanded),
    ]
    .into_iter()
    .flatten()
    .find_map(|candidate| same(&candidate))
}

/// `wc_key` for `consumer_key`: the same last word, on one parameter only.
fn by_last_word<'a>(
    name: &str,
    parameters: &[&'a crate::spec::Parameter],
) -> Option<&'a crate::spec::Parameter> {
    let (_, last) = name
        .split_once('_')
        .filter(|(prefix, last)| prefix.len() <= 3 && !last.contains('_'))?;
    let tail = format!("_{last}");
    let ends: Vec<&&crate::spec::Parameter> = parameters
        .iter()
        .filter(|p| {
            p.name.ends_with(&tail)
                && ["key", "secret", "token", "password"].contains(&last)
                // An OAuth grant's tokens are not another credential's name.
                && !["refresh_token", "access_token", "id_token"].contains(&p.name.as_str())
        })
        .collect();
    match ends.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// Words of a name that say which key, not whose: a vendor prefix is
/// dropped from a name, these are not.
const GENERIC_WORDS: &[&str] = &[
    "application",
    "app",
    "client",
    "service",
    "user",
    "account",
    "secret",
    "private",
    "public",
    "access",
    "refresh",
    "personal",
    "global",
    "admin",
    "read",
    "write",
    "master",
    "partner",
    "developer",
    "consumer",
    "api",
    "auth",
    "session",
    "bearer",
    "project",
];

/// A synonym of the name, or of the name without a vendor prefix
/// (`jenkins_token` for `api_token`); a secret parameter first.
fn by_synonym<'a>(
    name: &str,
    parameters: &[&'a crate::spec::Parameter],
) -> Option<&'a crate::spec::Parameter> {
    let vendor_unprefixed = name
        .split_once('_')
        .filter(|(first, _)| !GENERIC_WORDS.contains(first))
        .map(|(_, rest)| rest.to_string());
    for candidate in [Some(name.to_string()), vendor_unprefixed]
        .into_iter()
        .flatten()
    {
        if let Some(group) = SYNONYMS.iter().find(|g| g.contains(&candidate.as_str())) {
            let mut candidates: Vec<&&crate::spec::Parameter> = parameters
                .iter()
                .filter(|p| group.contains(&p.name.as_str()))
                .collect();
            candidates.sort_by_key(|p| !p.secret);
            if let Some(p) = candidates.first() {
                return Some(p);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_oauth_heading_is_an_auth_heading_but_an_endpoint_s_path_is_not() {
        assert!(is_auth_heading("Option 2 — OAuth app"));
        assert!(is_auth_heading("3. Requesting an access token"));
        assert!(!is_auth_heading("A.3 POST /oauth/token"));
    }

    use super::*;

    #[test]
    fn names_become_snake_case() {
        for (from, to) in [
            ("accessKey", "access_key"),
            ("apiBaseUrl", "api_base_url"),
            ("apiBaseURL", "api_base_url"),
            ("HTTPProxy2Url", "http_proxy2_url"),
            ("datacenterId", "datacenter_id"),
            ("already_snake", "already_snake"),
            ("Token", "token"),
        ] {
            assert_eq!(to_snake_case(from), to, "{from}");
        }
    }

    #[test]
    fn a_query_value_with_spaces_is_one_target() {
        let ex = request_line("GET https://api.test/v1/groups?$filter=kind eq 'Team' lists teams")
            .map(|e| e.target);
        assert_eq!(
            ex.as_deref(),
            Some("https://api.test/v1/groups?$filter=kind eq 'Team'")
        );
        let ex = request_line("GET https://api.test/v1/items?q='red shoes'&top=5 (search)")
            .map(|e| e.target);
        assert_eq!(
            ex.as_deref(),
            Some("https://api.test/v1/items?q='red shoes'&top=5")
        );
        let ex = request_line("GET /v1/me returns you").map(|e| e.target);
        assert_eq!(ex.as_deref(), Some("/v1/me"));
    }

    #[test]
    fn a_kerberos_curl_is_no_basic_example() {
        let ex = curl("curl --negotiate -u : https://hadoop.test:9871/webhdfs/v1/?op=LISTSTATUS");
        assert_eq!(ex.map(|e| e.basic), Some(None));
        let ex = curl("curl -u alice:pw https://h.test/me");
        assert_eq!(
            ex.and_then(|e| e.basic),
            Some(("alice".to_string(), "pw".to_string()))
        );
    }

    #[test]
    fn placeholders_are_written_the_spec_way() {
        assert_eq!(
            normalise_placeholders("https://<your-domain>.atlassian.net/rest/api/3/myself"),
            "https://{your_domain}.atlassian.net/rest/api/3/myself"
        );
        assert_eq!(
            normalise_placeholders("Bearer {{access_token}}"),
            "Bearer {access_token}"
        );
        assert_eq!(
            normalise_placeholders("token YOUR_API_KEY"),
            "token {your_api_key}"
        );
        assert_eq!(
            normalise_placeholders("Bearer $API_TOKEN"),
            "Bearer {api_token}"
        );
        assert_eq!(normalise_placeholders("GET /v1/items"), "GET /v1/items");
    }

    #[test]
    fn curl_commands_are_read() {
        let doc = ApiDoc::parse(
            "# Acme API\n\n## Authentication\n\n```bash\ncurl -s \\\n  -H \"Authorization: Bearer <token>\" \\\n  https://api.acme.com/v1/me\n```\n\n```\ncurl -u {email}/token:{api_token} https://{subdomain}.zendesk.com/api/v2/users/me.json\n```\n",
        );
        assert_eq!(doc.title.as_deref(), Some("Acme API"));
        let ex = doc.examples();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].line, 6);
        assert_eq!(ex[0].value.target, "https://api.acme.com/v1/me");
        assert_eq!(
            ex[0].value.headers,
            [("Authorization".to_string(), "Bearer {token}".to_string())]
        );
        assert_eq!(
            ex[1].value.basic,
            Some(("{email}/token".into(), "{api_token}".into()))
        );
        assert!(doc.lines[5].code && !doc.lines[2].code);
        assert_eq!(&*doc.lines[5].section, "authentication");
    }

    #[test]
    fn base_url_and_request_lines() {
        let doc = ApiDoc::parse(
            "# X\n\n- **Base URL**: `https://api.example.com/v2/`\n- `GET /users/me` returns you\n\n```\nX-Api-Key: <api_key>\n```\n",
        );
        assert_eq!(
            doc.base_url().map(|f| f.value),
            Some("https://api.example.com/v2".into())
        );
        let ex = doc.examples();
        assert_eq!(ex[0].value.target, "/users/me");
        assert_eq!(
            doc.header_lines()[0].value,
            ("X-Api-Key".into(), "{api_key}".into())
        );
    }

    #[test]
    fn an_api_that_lives_at_a_url_states_its_base() {
        let doc = ApiDoc::parse(
            "# X\n\nSign in to `https://phone.example` as an admin.\n\nThe public API (v2) lives at `https://phone.example/api/v2`.\n",
        );
        assert_eq!(
            doc.stated_base_url().map(|f| f.value),
            Some("https://phone.example/api/v2".into())
        );
    }
}
