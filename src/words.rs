//! Lists of words a reader looks for in a line, matched in one pass over
//! the line (aho-corasick) instead of one search per word: drafting reads
//! every line of a long doc against several such lists. `any_word!(text,
//! ["a", "b"])` builds the list once, where it is written.
//!
//! A leaf (see docs/architecture.md): it imports nothing from the crate.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// Whether `text` holds one of the words: `any_word!(text, ["a", "b"])`,
/// the list built once (a [`WordList`] in a `static`).
#[macro_export]
macro_rules! any_word {
    ($text:expr, [$($word:expr),+ $(,)?]) => {{
        static WORDS: $crate::words::WordList = $crate::words::WordList::new(&[$($word),+]);
        WORDS.any_in($text)
    }};
}

/// A list of words, and the matcher built from it on first use.
pub struct WordList {
    words: &'static [&'static str],
    matcher: OnceLock<Option<AhoCorasick>>,
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        WordList {
            words,
            matcher: OnceLock::new(),
        }
    }

    /// Whether `text` holds one of the words (as written: callers pass
    /// lowercased text for lowercase words).
    pub fn any_in(&self, text: &str) -> bool {
        match self
            .matcher
            .get_or_init(|| AhoCorasick::new(self.words).ok())
        {
            Some(matcher) => matcher.is_match(text),
            None => self.words.iter().any(|w| text.contains(w)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIST: WordList = WordList::new(&["not used", "legacy", "❌"]);

    #[test]
    fn any_word_anywhere_is_found() {
        assert!(LIST.any_in("this is not used here"));
        assert!(LIST.any_in("the legacy key"));
        assert!(LIST.any_in("| oauth | ❌ |"));
        assert!(!LIST.any_in("the api key is used"));
        assert!(!LIST.any_in(""));
    }
}
