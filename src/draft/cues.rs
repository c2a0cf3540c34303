//! The word lists drafting reads on every line, looked for in one pass per
//! line: a line's hits are kept on it ([`DocLine::cues`], filled on first
//! ask), so a recogniser turns a line away without scanning it again for
//! each list. The lists stay with the recognisers that read them.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::{CUES_FILLED, DocLine};
use crate::words::WordSet;

/// [`super::region::THIS_WINS`].
pub const THIS_WINS: u64 = 1 << 0;
/// [`super::region::REPLACES`].
pub const REPLACES: u64 = 1 << 1;
/// [`super::region::OTHER_METHODS`].
pub const OTHER_METHODS: u64 = 1 << 2;
/// [`super::region::SET_ASIDE_WORDS`].
pub const SET_ASIDE: u64 = 1 << 3;
/// [`super::listed::LISTING`].
pub const LISTING: u64 = 1 << 4;
/// [`super::listed::UNNEEDED`].
pub const UNNEEDED: u64 = 1 << 5;
/// [`super::listed::CALLS`].
pub const CALLS: u64 = 1 << 6;
/// [`super::oauth::JWT`].
pub const JWT: u64 = 1 << 7;
/// [`super::oauth::GRANT`].
pub const GRANT: u64 = 1 << 8;
/// [`super::oauth::DISCOUNTING_WORDS`].
pub const DISCOUNTING: u64 = 1 << 9;
/// [`crate::providers::NAMED_WITH`].
pub const PROVIDER: u64 = 1 << 10;

/// The lists, in the order of their bits.
static LISTS: WordSet = WordSet::new(&[
    super::region::THIS_WINS,
    super::region::REPLACES,
    super::region::OTHER_METHODS,
    super::region::SET_ASIDE_WORDS,
    super::listed::LISTING,
    super::listed::UNNEEDED,
    super::listed::CALLS,
    super::oauth::JWT,
    super::oauth::GRANT,
    super::oauth::DISCOUNTING_WORDS,
    crate::providers::NAMED_WITH,
]);

fn of(line: &DocLine) -> u64 {
    use std::sync::atomic::Ordering::Relaxed;
    let cues = line.cues.0.load(Relaxed);
    if cues & CUES_FILLED != 0 {
        return cues;
    }
    // Two threads filling one line write the same bits.
    let cues = LISTS.hits(&line.lower) | CUES_FILLED;
    line.cues.0.store(cues, Relaxed);
    cues
}

/// Whether the line's `lower` holds a word of one of the lists `which`.
pub fn holds(line: &DocLine, which: u64) -> bool {
    of(line) & which != 0
}

/// Whether no text read from the line's `lower` (all of it or a slice,
/// lowercased again or not: lowercasing lowercase text changes nothing)
/// holds a word of the lists `which`.
pub fn absent(line: &DocLine, which: u64) -> bool {
    of(line) & which == 0
}
