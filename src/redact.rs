//! Scrubbing secrets out of text before anyone sees it: provider error
//! bodies, API responses, messages. A secret is removed in the forms it
//! travels in: raw, base64 (as in a Basic header) and URL-encoded.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// What replaces a secret.
pub const MASK: &str = "***";
/// Values shorter than this are not scrubbed: they would mangle every message.
const MIN_LEN: usize = 4;

/// The secrets to remove, in every encoding they may appear in.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    needles: Vec<String>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Adds a secret value (and its encodings).
    pub fn add(&mut self, secret: &str) {
        if secret.len() < MIN_LEN {
            return;
        }
        self.push(secret.to_string());
        self.push_encodings(secret.as_bytes());
        self.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
        self.push(crate::template::percent_encode(secret));
    }

    /// Adds a credential as sent in an HTTP Basic header: `user:password`, base64.
    pub fn add_basic(&mut self, user: &str, password: &str) {
        self.push_encodings(format!("{user}:{password}").as_bytes());
    }

    fn push_encodings(&mut self, bytes: &[u8]) {
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            self.push(engine.encode(bytes));
        }
    }

    fn push(&mut self, needle: String) {
        if needle.len() >= MIN_LEN && !self.needles.contains(&needle) {
            self.needles.push(needle);
            self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        }
    }

    /// `text` with every known secret replaced by [`MASK`].
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }
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
            "s3cr3t%2F%2Bvalue%3D",
        );
        let clean = r.scrub(&text);
        assert!(!clean.contains("s3cr3t"), "{clean}");
        assert!(!clean.contains(&basic), "{clean}");
        assert!(!clean.contains(&STANDARD.encode("s3cr3t/+value=")));
        assert_eq!(clean.matches(MASK).count(), 5, "{clean}");
    }

    #[test]
    fn plain_words_stay_readable() {
        let mut r = Redactor::new();
        r.add("abc");
        r.add("topsecret");
        assert_eq!(r.scrub("abc user topsecret"), "abc user ***");
    }
}
