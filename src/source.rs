//! A text file held in memory with a line index, and the `Span` type that
//! points into it. Everything that reports a position (spec diagnostics,
//! auth-check diagnostics) goes through here.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use std::fmt;
use std::path::{Path, PathBuf};

/// Files larger than this are refused before they are parsed: a spec or an
/// auth check is a few kilobytes, and a bound keeps hostile input cheap.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A byte range in a [`Source`], with the 1-based line and column of its start.
///
/// Spans say where something was read. Two values that mean the same thing are
/// equal wherever they were read from, so every `Span` compares equal to every
/// other: a model deriving `PartialEq` compares meaning, not position.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, counted in characters.
    pub column: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Span {}

impl Span {
    /// The byte range, for snippet rendering.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A file's path (as the user should see it) and its text.
#[derive(Debug, Clone)]
pub struct Source {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

/// Why a file could not be turned into a [`Source`].
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is {size} bytes; files over {} bytes are refused", path.display(), MAX_FILE_BYTES)]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{}:{line}:{column}: the file is not valid UTF-8", path.display())]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
}

impl Source {
    /// Reads a file, refusing ones over [`MAX_FILE_BYTES`] and ones that are not UTF-8.
    pub fn read(path: &Path) -> Result<Source, ReadError> {
        use std::io::Read;
        let io = |source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge {
                path: path.to_path_buf(),
                size,
            });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge {
                path: path.to_path_buf(),
                size: bytes.len() as u64,
            });
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, text)),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]);
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Err(ReadError::NotUtf8 {
                    path: path.to_path_buf(),
                    line,
                    column,
                })
            }
        }
    }

    /// Wraps text already in memory.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Source {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte offset of a 1-based line and a 0-based character column,
    /// clamped to the text.
    pub fn offset(&self, line: usize, char_col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or(rest);
        start
            + line_text
                .char_indices()
                .nth(char_col)
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// A span from two (line, character column) positions as parsers report them.
    pub fn span(&self, start: (usize, usize), end: (usize, usize)) -> Span {
        let from = self.offset(start.0, start.1);
        let to = self.offset(end.0, end.1).max(from);
        Span {
            start: from,
            end: to,
            line: start.0.max(1),
            column: start.1 + 1,
        }
    }

    /// A span covering the first line, for findings about the whole file.
    pub fn start_span(&self) -> Span {
        let end = self.text.find('\n').unwrap_or(self.text.len());
        Span {
            start: 0,
            end,
            line: 1,
            column: 1,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let src = Source::new("x", "a: é\nbé: c\n".to_string());
        assert_eq!(src.offset(1, 3), 3);
        assert_eq!(src.offset(2, 2), 6 + 3);
        let span = src.span((2, 4), (2, 5));
        assert_eq!(&src.text()[span.range()], "c");
        assert_eq!((span.line, span.column), (2, 5));
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let src = Source::new("x", "ab".to_string());
        assert_eq!(src.offset(9, 0), 2);
        assert_eq!(src.offset(1, 9), 2);
    }
}
