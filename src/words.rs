//! Lists of words a reader looks for in a line, matched in one pass over
//! the line (aho-corasick) instead of one search per word: drafting reads
//! every line of a long doc against several such lists. `any_word!(text,
//! ["a", "b"])` builds the list once, where it is written; a [`WordSet`]
//! answers for several lists in one pass.
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
    matcher: OnceLock<Option<Matcher>>,
}

/// The automaton, and a sieve that answers most lines without it: one
/// pair of adjacent bytes from each word (its rarest), hashed to 14 bits.
/// A line holding a word holds that word's pair, so a line none of whose
/// pairs is marked holds none of the words, and where a pair is marked
/// only the words with that pair are compared there. Most lines hold no
/// word of a list, and a table lookup per byte is cheaper than starting
/// the automaton on every line (drafting asks ~550K times per pass).
struct Matcher {
    automaton: AhoCorasick,
    /// `None` when a word is shorter than a pair.
    sieve: Option<Sieve>,
}

/// See [`Matcher`].
struct Sieve {
    marked: Box<[u64; PAIR_WORDS]>,
    /// Each word, its pair's slot and where the pair starts in it.
    words: Vec<(&'static [u8], usize, usize)>,
}

/// 2^14 bits: the low 7 bits of each byte of a pair.
const PAIR_WORDS: usize = (1 << 14) / 64;

/// The sieve's slot for the pair `a`, `b` (bytes past ASCII share slots
/// with ASCII ones: more lines pass the sieve, none is missed).
fn pair_slot(a: u8, b: u8) -> usize {
    (usize::from(a & 0x7f) << 7) | usize::from(b & 0x7f)
}

/// How common a byte is in English prose (higher: commoner), to pick the
/// pair of a word the fewest lines hold.
fn commonness(b: u8) -> usize {
    const COMMON: &[u8] = b" etaoinsrhldcu";
    COMMON
        .iter()
        .position(|c| *c == b)
        .map_or(0, |at| COMMON.len() - at)
}

impl Sieve {
    fn new(words: &[&'static str]) -> Option<Sieve> {
        let mut marked = Box::new([0u64; PAIR_WORDS]);
        let mut pairs = Vec::with_capacity(words.len());
        for word in words {
            let w = word.as_bytes();
            let at = (0..w.len().saturating_sub(1))
                .min_by_key(|i| commonness(w[*i]) + commonness(w[*i + 1]))?;
            let slot = pair_slot(w[at], w[at + 1]);
            marked[slot / 64] |= 1 << (slot % 64);
            pairs.push((w, slot, at));
        }
        Some(Sieve {
            marked,
            words: pairs,
        })
    }

    /// Whether `text` holds one of the words, compared where their pair
    /// stands.
    fn any_in(&self, text: &[u8]) -> bool {
        (1..text.len()).any(|i| {
            let slot = pair_slot(text[i - 1], text[i]);
            self.marked[slot / 64] & (1 << (slot % 64)) != 0
                && self.words.iter().any(|(w, s, at)| {
                    *s == slot
                        && (i - 1)
                            .checked_sub(*at)
                            .is_some_and(|start| text[start..].starts_with(w))
                })
        })
    }
}

impl Matcher {
    fn new(words: &[&'static str]) -> Option<Matcher> {
        Some(Matcher {
            automaton: AhoCorasick::new(words).ok()?,
            sieve: Sieve::new(words),
        })
    }

    fn is_match(&self, text: &str) -> bool {
        match &self.sieve {
            Some(sieve) => sieve.any_in(text.as_bytes()),
            None => self.automaton.is_match(text),
        }
    }
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
        match self.matcher.get_or_init(|| Matcher::new(self.words)) {
            Some(matcher) => matcher.is_match(text),
            None => self.words.iter().any(|w| text.contains(w)),
        }
    }
}

/// Several word lists looked for in one pass over a text: which of them
/// the text holds, one bit each (bit `k` for list `k`, up to 64 lists).
/// Drafting reads every line against many lists; a line's answer for all
/// of them costs about one list's scan.
pub struct WordSet {
    lists: &'static [&'static [&'static str]],
    matcher: OnceLock<SetMatcher>,
}

/// The [`Sieve`] of every list's words together, each word with the lists
/// holding it.
struct SetMatcher {
    marked: Box<[u64; PAIR_WORDS]>,
    /// (its pair's slot, the word, where the pair starts in it, its lists),
    /// in slot order.
    words: Vec<(usize, &'static [u8], usize, u64)>,
    /// Where each slot's words start in `words` (one more entry than
    /// slots: a slot's words end where the next slot's start).
    starts: Vec<u32>,
    /// Words shorter than a pair, searched for one by one.
    short: Vec<(&'static str, u64)>,
}

impl WordSet {
    pub const fn new(lists: &'static [&'static [&'static str]]) -> WordSet {
        WordSet {
            lists,
            matcher: OnceLock::new(),
        }
    }

    /// Which lists `text` holds a word of (as written: callers pass
    /// lowercased text for lowercase words).
    pub fn hits(&self, text: &str) -> u64 {
        let m = self.matcher.get_or_init(|| SetMatcher::new(self.lists));
        let b = text.as_bytes();
        let mut found = 0u64;
        for i in 1..b.len() {
            let slot = pair_slot(b[i - 1], b[i]);
            if m.marked[slot / 64] & (1 << (slot % 64)) == 0 {
                continue;
            }
            let (from, to) = (m.starts[slot] as usize, m.starts[slot + 1] as usize);
            for (_, w, at, lists) in m.words.get(from..to).unwrap_or_default() {
                if found & lists != *lists
                    && (i - 1)
                        .checked_sub(*at)
                        .is_some_and(|start| b[start..].starts_with(w))
                {
                    found |= lists;
                }
            }
        }
        for (w, lists) in &m.short {
            if found & lists != *lists && text.contains(w) {
                found |= lists;
            }
        }
        found
    }
}

impl SetMatcher {
    fn new(lists: &[&'static [&'static str]]) -> SetMatcher {
        let mut by_word: Vec<(&'static str, u64)> = Vec::new();
        for (k, list) in lists.iter().enumerate().take(64) {
            for word in list.iter() {
                match by_word.iter_mut().find(|(w, _)| w == word) {
                    Some((_, bits)) => *bits |= 1 << k,
                    None => by_word.push((word, 1 << k)),
                }
            }
        }
        let mut marked = Box::new([0u64; PAIR_WORDS]);
        let mut words = Vec::new();
        let mut short = Vec::new();
        for (word, bits) in by_word {
            let w = word.as_bytes();
            let rarest = (0..w.len().saturating_sub(1))
                .min_by_key(|i| commonness(w[*i]) + commonness(w[*i + 1]));
            match rarest {
                Some(at) => {
                    let slot = pair_slot(w[at], w[at + 1]);
                    marked[slot / 64] |= 1 << (slot % 64);
                    words.push((slot, w, at, bits));
                }
                None => short.push((word, bits)),
            }
        }
        words.sort_by_key(|w| w.0);
        let starts = (0..=PAIR_WORDS * 64)
            .map(|slot| words.partition_point(|w| w.0 < slot) as u32)
            .collect();
        SetMatcher {
            marked,
            words,
            starts,
            short,
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

    static SHORT: WordList = WordList::new(&["x", "not used"]);

    #[test]
    fn the_sieve_misses_no_word() {
        // A one-byte word: no sieve, every word still found.
        assert!(SHORT.any_in("x"));
        assert!(SHORT.any_in("is not used"));
        assert!(!SHORT.any_in("is used"));
        // Bytes past ASCII share the sieve's slots: still found, and a
        // word only at the very end or start of the line too.
        assert!(LIST.any_in("é❌"));
        assert!(LIST.any_in("legacy"));
        assert!(LIST.any_in("ab legacy"));
        assert!(!LIST.any_in("the lega cy key"));
    }

    static SET: WordSet = WordSet::new(&[&["not used", "legacy"], &["x", "used"], &["❌"]]);

    #[test]
    fn a_set_says_which_lists_a_text_holds() {
        assert_eq!(SET.hits("this is not used"), 0b011);
        assert_eq!(SET.hits("the legacy key"), 0b001);
        assert_eq!(SET.hits("an x"), 0b010);
        assert_eq!(SET.hits("é❌ legacy"), 0b101);
        assert_eq!(SET.hits("legac y"), 0);
        assert_eq!(SET.hits(""), 0);
    }
}
