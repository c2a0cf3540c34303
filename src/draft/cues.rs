//! The word lists drafting reads on every line, looked for in one pass per
//! line: a line's hits are kept on it ([`DocLine::cues`], filled on first
//! ask), so a recogniser turns a line away without scanning it again for
//! each list. The lists are kept here, each naming the recogniser that reads
//! it; this module imports none of them.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::{CUES_FILLED, DocLine};
use crate::words::WordSet;

/// [`THIS_WINS_WORDS`].
pub const THIS_WINS: u64 = 1 << 0;
/// [`REPLACES_WORDS`].
pub const REPLACES: u64 = 1 << 1;
/// [`OTHER_METHODS_WORDS`].
pub const OTHER_METHODS: u64 = 1 << 2;
/// [`SET_ASIDE_WORDS`].
pub const SET_ASIDE: u64 = 1 << 3;
/// [`LISTING_WORDS`].
pub const LISTING: u64 = 1 << 4;
/// [`UNNEEDED_WORDS`].
pub const UNNEEDED: u64 = 1 << 5;
/// [`CALLS_WORDS`].
pub const CALLS: u64 = 1 << 6;
/// [`JWT_WORDS`].
pub const JWT: u64 = 1 << 7;
/// [`GRANT_WORDS`].
pub const GRANT: u64 = 1 << 8;
/// [`DISCOUNTING_WORDS`].
pub const DISCOUNTING: u64 = 1 << 9;
/// [`crate::providers::NAMED_WITH`].
pub const PROVIDER: u64 = 1 << 10;
/// [`SET_ASIDE_WORDS`] in the line's `lower` with its `*` removed ("are
/// **not** used"): the same as [`SET_ASIDE`] on a line without emphasis.
pub const SET_ASIDE_UNSTARRED: u64 = 1 << 11;

/// Words by which a later part wins (see `region::replaces_earlier`).
pub const THIS_WINS_WORDS: &[&str] = &["this wins", "this one wins"];
/// Words by which a part replaces another (see `region::replaces_earlier`).
pub const REPLACES_WORDS: &[&str] = &["replaces the", "supersedes the", "supersedes"];

/// The words of `region::set_aside`.
pub const SET_ASIDE_WORDS: &[&str] = &[
    "not used",
    "not supported",
    "unsupported",
    "not needed",
    "not required",
    "not implemented",
    "not handled",
    "not covered",
    "not offered",
    "not applicable",
    "n/a",
    "does not use",
    "doesn't use",
    "does not run",
    "doesn't run",
    "do not use",
    "don't use",
    "not use ",
    "isn't used",
    "is not used",
    "won't be",
    "won't use",
    "won't support",
    "won't work",
    "we won't",
    "connector won't",
    "will not",
    "deprecated",
    "legacy",
    "out of scope",
    "alternative",
    "fallback",
    "not recommended",
    "discouraged",
    "❌",
    "not for this connector",
    "not this connector",
    "not here",
    "different connector",
    "another connector",
    "other supported method",
    "not in scope",
    "future",
    "later",
    "partner-only",
    "partner only",
    "partners only",
    "for partners",
    "partner api",
    "partner program",
    "overkill",
    "not build",
    "n't build",
    "you don't need",
    "you do not need",
    "retired",
    "no longer",
];

/// The words of `region::other_methods_intro`.
pub const OTHER_METHODS_WORDS: &[&str] = &[
    "other supported method",
    "not used by this connector",
    "not used by the connector",
    "other methods",
    "other authentication methods",
];

/// The words a line naming the connection's values holds, one at least
/// (see `listed::sentences`).
pub const LISTING_WORDS: &[&str] = &[
    "param",
    "need",
    "requir",
    "stor",
    "setting",
    "field",
    "connection val",
    "both",
];

/// Words saying a name is not needed to connect (see `listed::unneeded`).
pub const UNNEEDED_WORDS: &[&str] = &[
    "not needed to connect",
    "isn't needed to connect",
    "is not needed to connect",
    "not needed for the connection",
    "not required to connect",
    "isn't required to connect",
];

/// The words a sentence naming what every call needs holds, one at least
/// (see `listed::required_by_calls`).
pub const CALLS_WORDS: &[&str] = &["requir", "needs", "must incl"];

/// The words (beside `region::set_aside`'s) that negate or hedge a line on OAuth.
pub const DISCOUNTING_WORDS: &[&str] = &[
    "no oauth",
    "without oauth",
    "may be available",
    "might be",
    "could be",
    "template",
    "ignore",
    "only for",
    "not for",
    "instead of oauth",
    "rather than oauth",
    "has no ",
    "there is no",
    "additionally support",
    "also support",
    "enterprise",
];

/// "Client credentials" as prose writes it: the grant, or only the
/// client's id and secret (see `oauth::only_client_credentials`).
pub const CLIENT_CREDENTIALS: [&str; 2] = ["client credentials", "client-credentials"];
/// Words that name the machine-to-machine grant itself.
pub const M2M: [&str; 7] = [
    "client_credentials",
    "machine-to-machine",
    "machine to machine",
    "m2m",
    "two-legged",
    "2-legged",
    "server-to-server",
];

/// Every word `oauth::grant_words` looks for.
pub const GRANT_WORDS: &[&str] = &[
    CLIENT_CREDENTIALS[0],
    CLIENT_CREDENTIALS[1],
    M2M[0],
    M2M[1],
    M2M[2],
    M2M[3],
    M2M[4],
    M2M[5],
    M2M[6],
    "authorization code",
    "authorization_code",
    "authorization-code",
    "auth code",
    "three-legged",
    "3-legged",
    "u2m",
    "consent",
    "grant_type=refresh_token",
    "refresh token grant",
    "refresh_token grant",
];

/// The words every case of `oauth::jwt_grant` holds, one at least.
pub const JWT_WORDS: &[&str] = &["jwt", "service account", "key pair"];

/// The lists, in the order of their bits.
static LISTS: WordSet = WordSet::new(&[
    THIS_WINS_WORDS,
    REPLACES_WORDS,
    OTHER_METHODS_WORDS,
    SET_ASIDE_WORDS,
    LISTING_WORDS,
    UNNEEDED_WORDS,
    CALLS_WORDS,
    JWT_WORDS,
    GRANT_WORDS,
    DISCOUNTING_WORDS,
    crate::providers::NAMED_WITH,
]);

/// [`SET_ASIDE_WORDS`] alone, for [`SET_ASIDE_UNSTARRED`].
static SET_ASIDE_ALONE: crate::words::WordList = crate::words::WordList::new(SET_ASIDE_WORDS);

fn of(line: &DocLine) -> u64 {
    use std::sync::atomic::Ordering::Relaxed;
    let cues = line.cues.0.load(Relaxed);
    if cues & CUES_FILLED != 0 {
        return cues;
    }
    // Two threads filling one line write the same bits.
    let mut cues = LISTS.hits(&line.lower) | CUES_FILLED;
    let unstarred = if line.lower.as_bytes().contains(&b'*') {
        SET_ASIDE_ALONE.any_in(&line.lower.replace('*', ""))
    } else {
        cues & SET_ASIDE != 0
    };
    if unstarred {
        cues |= SET_ASIDE_UNSTARRED;
    }
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
