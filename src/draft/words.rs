//! Lists of words a recogniser looks for in a line, matched in one pass
//! over the line (aho-corasick) instead of one search per word: drafting
//! reads every line of a long doc against several such lists.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

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
