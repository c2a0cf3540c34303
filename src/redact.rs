//! Scrubbing secrets out of text before anyone sees it: provider error
//! bodies, API responses, messages. A secret is found in the forms it
//! travels in (raw, base64 as in a Basic header, URL-encoded) and in the
//! escaped forms servers echo it back in (JSON `\/` and `\uXXXX`, HTML
//! entities), in any mixture.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// What replaces a secret.
pub const MASK: &str = "***";
/// Values shorter than this are not scrubbed: they would mangle every message.
const MIN_LEN: usize = 4;

/// The secrets to remove, in every encoding they may appear in.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret inside a longer one does not cut it.
    needles: Vec<Vec<char>>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Adds a secret value (and its base64 encodings; URL-encoded and
    /// escaped forms are matched by [`Redactor::scrub`] itself).
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() < MIN_LEN {
            return;
        }
        self.push(secret);
        self.push_encodings(secret.as_bytes());
    }

    /// Adds a credential as sent in an HTTP Basic header: `user:password`, base64.
    pub fn add_basic(&mut self, user: &str, password: &str) {
        self.push_encodings(format!("{user}:{password}").as_bytes());
    }

    /// Adds a client's credential as a token endpoint's HTTP Basic header
    /// carries it (RFC 6749 §2.3.1): both parts form-URL-encoded, then
    /// `id:secret` in base64. With `~ / + =` or a space in the secret this
    /// differs from [`Redactor::add_basic`], and decodes to the secret.
    pub fn add_client_basic(&mut self, client_id: &str, client_secret: &str) {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        self.push_encodings(format!("{}:{}", enc(client_id), enc(client_secret)).as_bytes());
        self.add_basic(client_id, client_secret);
    }

    fn push_encodings(&mut self, bytes: &[u8]) {
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            self.push(&engine.encode(bytes));
        }
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            for shift in 0..3 {
                self.push(&encoded_inside(engine, bytes, shift));
            }
        }
    }

    /// `text` as it may be shown: control characters and bidi overrides
    /// stripped first ([`crate::report::printable`]), then every secret
    /// scrubbed, so a secret split by a NUL or U+202E cannot come back
    /// whole once the stripping has joined it.
    pub fn shown(&self, text: &str) -> String {
        self.scrub(&crate::report::printable(text))
    }

    fn push(&mut self, needle: &str) {
        let chars: Vec<char> = needle.chars().collect();
        if chars.len() >= MIN_LEN && !self.needles.contains(&chars) {
            self.needles.push(chars);
            self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        }
    }

    /// `text` with every known secret replaced by [`MASK`], wherever it
    /// stands raw, percent- or form-encoded, JSON-escaped or as HTML
    /// entities (one character at a time, so mixtures are found too).
    pub fn scrub(&self, text: &str) -> String {
        if self.needles.is_empty() {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let firsts: Vec<char> = self.needles.iter().map(|n| n[0]).collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if (firsts.contains(&c) || ESCAPE_STARTS.contains(&c))
                && let Some(end) = self
                    .needles
                    .iter()
                    .find_map(|needle| match_at(&chars, i, needle))
            {
                out.push_str(MASK);
                i = end;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }
}

/// The base64 characters that `bytes` alone decide when they stand `shift`
/// bytes into a larger encoded block (`Bearer <token>`, `user:secret`, a
/// JSON credential): the characters whose six bits all come from `bytes`,
/// whatever surrounds them. Masking them leaves at most a few bits of the
/// secret at each end, never enough to decode it back.
fn encoded_inside(engine: &base64::engine::GeneralPurpose, bytes: &[u8], shift: usize) -> String {
    let mut block = vec![0u8; shift];
    block.extend_from_slice(bytes);
    block.extend_from_slice(&[0, 0]);
    let encoded = engine.encode(&block);
    let first = (8 * shift).div_ceil(6);
    let end = 8 * (shift + bytes.len()) / 6;
    encoded.get(first..end).unwrap_or_default().to_string()
}

/// Characters that can begin an escaped form of another character.
const ESCAPE_STARTS: &[char] = &['\\', '&', '%', '+'];

/// How many dead ends one match may back out of before it gives up.
const BACKTRACK_BUDGET: usize = 1024;

/// Where `needle` ends if it stands at `text[at..]`, each of its characters
/// written literally or in an escaped form. Where both readings fit (a
/// secret that itself holds `%`, `&`, `+` or a backslash), the escaped one
/// is tried first and the literal one when the rest does not match, so any
/// mixture of the two is found.
fn match_at(text: &[char], at: usize, needle: &[char]) -> Option<usize> {
    // The choices not taken yet: (needle index, text position after the literal reading).
    let mut untried: Vec<(usize, usize)> = Vec::new();
    let mut budget = BACKTRACK_BUDGET;
    let (mut i, mut j) = (0, at);
    while let Some(&want) = needle.get(i) {
        let literal = (text.get(j) == Some(&want)).then_some(1);
        let escaped = unescape(text, j).and_then(|(c, len)| (c == want).then_some(len));
        match (escaped, literal) {
            (Some(step), Some(other)) => {
                untried.push((i, j + other));
                j += step;
            }
            (Some(step), None) | (None, Some(step)) => j += step,
            (None, None) => {
                let (back, after) = untried.pop()?;
                budget = budget.checked_sub(1)?;
                (i, j) = (back, after);
            }
        }
        i += 1;
    }
    Some(j)
}

/// The character an escape sequence at `text[at..]` stands for, and its length.
fn unescape(text: &[char], at: usize) -> Option<(char, usize)> {
    match text.get(at)? {
        '\\' => json_escape(text, at),
        '&' => html_entity(text, at),
        '%' => percent(text, at),
        '+' => Some((' ', 1)),
        _ => None,
    }
}

fn hex_value(text: &[char], from: usize, len: usize) -> Option<u32> {
    let digits: String = text.get(from..from + len)?.iter().collect();
    if digits.chars().all(|c| c.is_ascii_hexdigit()) {
        u32::from_str_radix(&digits, 16).ok()
    } else {
        None
    }
}

/// `\/`, `\\`, `\"`, `\'` and `\uXXXX` (with surrogate pairs).
fn json_escape(text: &[char], at: usize) -> Option<(char, usize)> {
    match text.get(at + 1)? {
        c @ ('/' | '\\' | '"' | '\'') => Some((*c, 2)),
        'u' | 'U' => {
            let high = hex_value(text, at + 2, 4)?;
            if (0xD800..0xDC00).contains(&high) {
                if text.get(at + 6) == Some(&'\\') && matches!(text.get(at + 7), Some('u' | 'U')) {
                    let low = hex_value(text, at + 8, 4)?;
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
                    return char::from_u32(code).map(|c| (c, 12));
                }
                return None;
            }
            char::from_u32(high).map(|c| (c, 6))
        }
        _ => None,
    }
}

/// The longest entity body read (`#x10FFFF` and the named ones fit).
const ENTITY_BODY_MAX: usize = 10;

/// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;`, `&#NN;` and `&#xHH;`.
fn html_entity(text: &[char], at: usize) -> Option<(char, usize)> {
    let body_len = text
        .get(at + 1..)?
        .iter()
        .take(ENTITY_BODY_MAX + 1)
        .position(|&c| c == ';')?;
    let body: String = text[at + 1..at + 1 + body_len].iter().collect();
    let len = body_len + 2;
    let named = match body.as_str() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "sol" => Some('/'),
        "equals" => Some('='),
        "plus" => Some('+'),
        _ => None,
    };
    if let Some(c) = named {
        return Some((c, len));
    }
    let number = body.strip_prefix('#')?;
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code).map(|c| (c, len))
}

/// `%XX`, and the `%XX%XX…` of one multi-byte UTF-8 character.
fn percent(text: &[char], at: usize) -> Option<(char, usize)> {
    let first = hex_value(text, at + 1, 2)? as u8;
    let width = match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let mut bytes = vec![first];
    for k in 1..width {
        let from = at + 3 * k;
        if text.get(from) != Some(&'%') {
            return None;
        }
        bytes.push(hex_value(text, from + 1, 2)? as u8);
    }
    let s = std::str::from_utf8(&bytes).ok()?;
    s.chars().next().map(|c| (c, 3 * width))
}

/// Masks the values of token-looking fields (`access_token`,
/// `refresh_token`, `id_token`, …) in a body that could not be read as a
/// token answer: JSON `"name": "value"` pairs and form `name=value` pairs.
pub fn mask_token_fields(text: &str) -> String {
    const NAMES: &[&str] = &[
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "device_code",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for name in NAMES {
            if let Some(tail) = rest.strip_prefix(name)
                && let Some(skip) = value_start(tail)
            {
                out.push_str(name);
                out.push_str(&tail[..skip]);
                let value = &tail[skip..];
                let quoted = tail[..skip].ends_with('"');
                let end = value
                    .find(|c: char| {
                        if quoted {
                            c == '"'
                        } else {
                            c == '&' || c == ',' || c == '}' || c == '<' || c.is_whitespace()
                        }
                    })
                    .unwrap_or(value.len());
                out.push_str(MASK);
                rest = &value[end..];
                continue 'outer;
            }
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// After a field name: the length of what separates it from its value
/// (`=`, `": "`, `: "`, `':'`), if a value follows.
fn value_start(tail: &str) -> Option<usize> {
    let bytes = tail.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'"' | b'\'')) {
        i += 1;
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'=' | b':')) {
        return None;
    }
    i += 1;
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    if matches!(bytes.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_base64_and_url_encoded_forms_are_removed() {
        let mut r = Redactor::new();
        r.add("s3cr3t/+value=");
        r.add_basic("me@example.com", "s3cr3t/+value=");
        let basic = STANDARD.encode("me@example.com:s3cr3t/+value=");
        let text = format!(
            "raw s3cr3t/+value= b64 {} form {} pct {} basic {basic}",
            STANDARD.encode("s3cr3t/+value="),
            "s3cr3t%2F%2Bvalue%3D",
            "s3cr3t%2f%2bvalue%3d",
        );
        let clean = r.scrub(&text);
        assert!(!clean.contains("s3cr3t"), "{clean}");
        assert!(!clean.contains(&basic), "{clean}");
        assert!(!clean.contains(&STANDARD.encode("s3cr3t/+value=")));
        assert_eq!(clean.matches(MASK).count(), 5, "{clean}");
    }

    #[test]
    fn a_secret_split_by_a_control_character_is_scrubbed_once_joined() {
        let mut r = Redactor::new();
        r.add("tok-SECRET-1234");
        for hostile in [
            "tok-SECRET\u{0}-1234",
            "tok-\u{202e}SECRET-1234",
            "tok-SECRET-12\u{1b}34",
        ] {
            let shown = r.shown(&format!("you sent {hostile}!"));
            assert_eq!(shown, "you sent ***!", "{hostile:?}");
        }
    }

    #[test]
    fn a_secret_inside_a_larger_encoded_block_is_removed_at_every_offset() {
        let secret = "tok-3x4mpl3/value";
        let mut r = Redactor::new();
        r.add(secret);
        for prefix in ["", "B", "Be", "Bearer ", "user:", "{\"key\":\""] {
            for suffix in ["", ":", "\"}", "xyz"] {
                let block = format!("{prefix}{secret}{suffix}");
                for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
                    let encoded = engine.encode(&block);
                    let clean = r.scrub(&format!("seen {encoded} end"));
                    assert!(clean.contains(MASK), "{block:?} as {encoded}: {clean}");
                    let rest = clean.replace(MASK, "");
                    for token in rest.split_whitespace() {
                        let decoded = STANDARD_NO_PAD
                            .decode(token.trim_end_matches('='))
                            .or_else(|_| URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')))
                            .unwrap_or_default();
                        assert!(
                            !String::from_utf8_lossy(&decoded).contains(secret),
                            "{block:?}: {clean}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inside_a_block_the_mask_starts_where_the_secret_decides_the_characters() {
        // Every character whose six bits come from the secret alone is
        // masked: what is left before the mask is exactly the characters
        // the bytes in front of it decide (or share with the secret).
        for secret in ["s3cr3t-value", "s3cr3t-valu", "s3cr3t-val"] {
            let mut r = Redactor::new();
            r.add(secret);
            for shift in 0..3 {
                let mut block = b"xyz"[..shift].to_vec();
                block.extend_from_slice(secret.as_bytes());
                block.extend_from_slice(b"!?");
                let encoded = STANDARD_NO_PAD.encode(&block);
                let clean = r.scrub(&encoded);
                let kept = clean.find(MASK).unwrap_or(usize::MAX);
                // …and goes on at least as far as its bytes decide them.
                let after = clean.len() - kept - MASK.len();
                let end = 8 * (shift + secret.len()) / 6;
                assert!(after <= encoded.len() - end, "{secret} at {shift}: {clean}");
                assert_eq!(
                    kept,
                    (8 * shift).div_ceil(6),
                    "{secret} at {shift}: {clean}"
                );
            }
        }
        assert!(Redactor::new().is_empty());
        let mut r = Redactor::new();
        r.add("abcd");
        assert!(!r.is_empty());
    }

    #[test]
    fn text_that_is_not_the_secret_in_any_form_is_left_alone() {
        // `a\\\` (three backslashes): two backslashes read literally or
        // as one JSON escape are neither of them the secret.
        let mut r = Redactor::new();
        r.add("a\\\\\\");
        for text in ["a\\\\/", "a\\\\a", "a\\\\"] {
            assert_eq!(r.scrub(text), text);
        }
        assert_eq!(r.scrub("a\\\\\\"), MASK);
        assert_eq!(r.scrub("a\\\\\\\\\\\\"), MASK);
    }

    #[test]
    fn a_secret_of_exactly_the_minimum_length_is_removed() {
        let mut r = Redactor::new();
        r.add("abcd");
        assert_eq!(r.scrub("x abcd y"), "x *** y");
        let mut shorter = Redactor::new();
        shorter.add("abc");
        assert!(shorter.is_empty());
        assert_eq!(shorter.scrub("x abc y"), "x abc y");
    }

    #[test]
    fn the_same_secret_added_twice_is_kept_once() {
        let mut r = Redactor::new();
        r.add("topsecret");
        let once = r.needles.len();
        r.add("topsecret");
        r.add_basic("me", "topsecret");
        let with_basic = r.needles.len();
        r.add_basic("me", "topsecret");
        assert!(once > 1);
        assert_eq!(r.needles.len(), with_basic);
        assert!(
            r.needles.windows(2).all(|w| w[0].len() >= w[1].len()),
            "longest first"
        );
    }

    #[test]
    fn a_basic_header_echoed_back_is_removed() {
        let mut r = Redactor::new();
        r.add_basic("me@example.com", "pw");
        let header = STANDARD.encode("me@example.com:pw");
        assert_eq!(
            r.scrub(&format!("got Authorization: Basic {header}")),
            "got Authorization: Basic ***"
        );
    }

    #[test]
    fn a_malformed_surrogate_escape_is_no_character() {
        let mut r = Redactor::new();
        r.add("pw😀pw");
        for text in [r"x pw\ud83dXude00pw y", r"x pw\ud83d\Xde00pw y"] {
            assert_eq!(r.scrub(text), text);
        }
    }

    #[test]
    fn an_entity_at_the_very_start_is_read() {
        let mut r = Redactor::new();
        r.add("&abcdef");
        assert_eq!(r.scrub("&amp;abcdef"), "***");
        assert_eq!(r.scrub("&#38;abcdef tail"), "*** tail");
    }

    #[test]
    fn every_named_entity_and_long_numeric_ones_are_read() {
        let mut r = Redactor::new();
        r.add("it's/a=b+c");
        for echoed in [
            "it&apos;s&sol;a&equals;b&plus;c",
            "it&#0000039;s/a=b+c",
            "it&#x00000027;s/a=b+c",
        ] {
            assert_eq!(r.scrub(&format!("[{echoed}]")), "[***]", "{echoed}");
        }
        // A body longer than any entity is no entity.
        assert_eq!(
            r.scrub("it&#00000000039;s/a=b+c"),
            "it&#00000000039;s/a=b+c"
        );
    }

    #[test]
    fn multi_byte_characters_are_read_from_their_percent_bytes() {
        let mut r = Redactor::new();
        r.add("k日本😀y");
        assert_eq!(
            r.scrub("q=k%E6%97%A5%E6%9C%AC%F0%9F%98%80y&x=1"),
            "q=***&x=1"
        );
        assert_eq!(r.scrub("q=k%e6%97%a5%e6%9c%ac%f0%9f%98%80y"), "q=***");
    }

    #[test]
    fn a_secret_mixing_escapes_and_their_literal_look_is_found() {
        let mut r = Redactor::new();
        let secret = r"%é\\&0";
        r.add(secret);
        for echoed in [
            r"%é\\&amp;0",
            r"%25é\\\\&0",
            r"%é\\\\&#38;0",
            r"%%C3%A9\\&0",
        ] {
            assert_eq!(r.scrub(&format!("<{echoed}>")), "<***>", "{echoed}");
        }
    }

    #[test]
    fn plain_words_stay_readable() {
        let mut r = Redactor::new();
        r.add("abc");
        r.add("topsecret");
        assert_eq!(r.scrub("abc user topsecret"), "abc user ***");
        assert_eq!(r.scrub("100% sure & +1"), "100% sure & +1");
    }

    #[test]
    fn escaped_echoes_are_removed() {
        let mut r = Redactor::new();
        let key = "k3y/with&<odd>=\"chars\" é";
        r.add(key);
        for echoed in [
            // PHP's json_encode
            r#"k3y\/with&<odd>=\"chars\" \u00e9"#,
            // Go's encoding/json
            r#"k3y/with\u0026\u003codd\u003e=\"chars\" é"#,
            // upper-case hex, every character escaped
            r#"\u006B\u0033\u0079\u002F\u0077ith\u0026\u003Codd\u003E\u003D\u0022chars\u0022\u0020\u00E9"#,
            // HTML
            "k3y/with&amp;&lt;odd&gt;=&quot;chars&quot; é",
            "k3y&#x2F;with&#38;&#60;odd&#62;&#61;&#34;chars&#34; é",
            // form encoding
            "k3y%2Fwith%26%3Codd%3E%3D%22chars%22+%C3%A9",
        ] {
            let clean = r.scrub(&format!("echo: {echoed} end"));
            assert_eq!(clean, "echo: *** end", "{echoed}");
        }
    }

    #[test]
    fn a_surrogate_pair_is_one_character() {
        let mut r = Redactor::new();
        r.add("pw😀pw");
        assert_eq!(r.scrub(r#"x pw\ud83d\ude00pw y"#), "x *** y");
    }

    #[test]
    fn the_client_basic_header_of_rfc6749_is_removed() {
        let mut r = Redactor::new();
        let (id, secret) = ("app id", "Zx8~Q/a+b=c d");
        r.add(secret);
        r.add_client_basic(id, secret);
        let sent = STANDARD.encode("app+id:Zx8%7EQ%2Fa%2Bb%3Dc+d");
        let echoed = format!(r#"{{"error":"invalid_client","auth":"Basic {sent}"}}"#);
        let clean = r.scrub(&echoed);
        assert!(!clean.contains(&sent), "{clean}");
        let php = sent.replace('/', r"\/");
        assert!(!r.scrub(&php).contains(&sent[..12]), "{php}");
    }

    #[test]
    fn token_fields_are_masked_in_unreadable_answers() {
        let json =
            r#"{"access_token": "eyJabc.def", "token_type":"weird", "refresh_token":"r-123"}"#;
        assert_eq!(
            mask_token_fields(json),
            r#"{"access_token": "***", "token_type":"weird", "refresh_token":"***"}"#
        );
        let form = "access_token=gho_abc123&scope=repo&token_type=bearer";
        assert_eq!(
            mask_token_fields(form),
            "access_token=***&scope=repo&token_type=bearer"
        );
        assert_eq!(mask_token_fields("no tokens here"), "no tokens here");
        for (text, masked) in [
            ("access_token=abc,scope=x", "access_token=***,scope=x"),
            ("{access_token=abc}", "{access_token=***}"),
            ("access_token=abc<br>", "access_token=***<br>"),
            ("access_token=abc next", "access_token=*** next"),
            ("access_token = abc&x=1", "access_token = ***&x=1"),
            (r#"{"access_token" : "eyJ"}"#, r#"{"access_token" : "***"}"#),
            ("access_token=abc\nnext", "access_token=***\nnext"),
        ] {
            assert_eq!(mask_token_fields(text), masked, "{text}");
        }
    }
}
