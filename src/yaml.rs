//! A YAML document as a tree of nodes that remember where they stand in the
//! source. Built from saphyr's event parser, with bounds on nesting depth and
//! node count so that hostile input can neither overflow the stack nor expand
//! aliases without end.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::source::{Source, Span};

/// Deeper nesting than this is refused; a spec is four or five levels deep.
pub const MAX_DEPTH: usize = 64;
/// More nodes than this (aliases expanded) are refused.
pub const MAX_NODES: usize = 100_000;

/// One node of the tree and where it was read.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// What a node holds. Scalars keep their text; whether a plain scalar is a
/// boolean or a number is decided by whoever reads it.
#[derive(Debug, Clone)]
pub enum Value {
    Scalar { text: String, plain: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Why a document could not be turned into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    Syntax,
    TooDeep,
    TooManyNodes,
    MultipleDocuments,
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    pub span: Span,
}

impl Node {
    /// The text of a scalar of any style; `None` for null, lists and mappings.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// True for `~`, `null` and an empty plain value.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A YAML 1.2 boolean (`true`, `False`, …) written without quotes.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// What kind of value this is, in words, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "nothing",
            Value::Scalar { .. } => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    fn size(&self) -> usize {
        match &self.value {
            Value::Scalar { .. } => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        span: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        span: Span,
        anchor: usize,
    },
}

/// Parses the first document of `source`. `Ok(None)` for a file holding no document.
pub fn parse(source: &Source) -> Result<Option<Node>, ParseError> {
    let mut tree = Tree::default();
    for item in Parser::new_from_str(source.text()) {
        let (event, raw) = item.map_err(|err| scan_error(source, &err))?;
        let span = source.span(
            (raw.start.line(), raw.start.col()),
            (raw.end.line(), raw.end.col()),
        );
        if let Some((node, anchor)) = tree.event(event, span)? {
            tree.place(node, anchor)?;
        }
    }
    Ok(tree.root)
}

/// A scanner error as a parse error at its position.
fn scan_error(source: &Source, err: &saphyr_parser::ScanError) -> ParseError {
    let mark = err.marker();
    let span = source.span((mark.line(), mark.col()), (mark.line(), mark.col() + 1));
    // The scanner bounds flow nesting itself; report that as depth.
    let kind = if err.info().contains("recursion limit") {
        ParseErrorKind::TooDeep
    } else {
        ParseErrorKind::Syntax
    };
    ParseError {
        kind,
        message: err.info().to_string(),
        span,
    }
}

/// The document being built from parser events.
#[derive(Default)]
struct Tree {
    /// The collections still open, innermost last.
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    /// Values so far, aliases expanded.
    nodes: usize,
    root: Option<Node>,
    documents: usize,
}

impl Tree {
    /// Reads one event: a node it completes, with its anchor (0: none).
    fn event(&mut self, event: Event, span: Span) -> Result<Option<(Node, usize)>, ParseError> {
        Ok(match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(ParseError {
                        kind: ParseErrorKind::MultipleDocuments,
                        message: "a second YAML document starts here; a spec is one document"
                            .into(),
                        span,
                    });
                }
                None
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Seq {
                items: Vec::new(),
                span,
                anchor,
            })?,
            Event::MappingStart(anchor, _) => self.open(Frame::Map {
                entries: Vec::new(),
                key: None,
                span,
                anchor,
            })?,
            Event::SequenceEnd | Event::MappingEnd => self.stack.pop().map(close),
            Event::Scalar(text, style, anchor, _) => Some((
                Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    span,
                },
                anchor,
            )),
            Event::Alias(id) => Some((self.alias(id, span)?, 0)),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
        })
    }

    /// Opens a collection, no deeper than [`MAX_DEPTH`].
    fn open(&mut self, frame: Frame) -> Result<Option<(Node, usize)>, ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            let span = match &frame {
                Frame::Seq { span, .. } | Frame::Map { span, .. } => *span,
            };
            return Err(ParseError {
                kind: ParseErrorKind::TooDeep,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                span,
            });
        }
        self.stack.push(frame);
        Ok(None)
    }

    /// A copy of the node anchored as `id`, at the alias's place.
    fn alias(&self, id: usize, span: Span) -> Result<Node, ParseError> {
        let mut copy = self.anchors.get(&id).cloned().ok_or_else(|| ParseError {
            kind: ParseErrorKind::Syntax,
            message: "alias to an unknown anchor".into(),
            span,
        })?;
        copy.span = span;
        Ok(copy)
    }

    /// Puts a complete node where it belongs: in the open collection, or
    /// as the root. At most [`MAX_NODES`] values, aliases expanded.
    fn place(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        self.nodes += node.size();
        if self.nodes > MAX_NODES {
            return Err(ParseError {
                kind: ParseErrorKind::TooManyNodes,
                message: format!("more than {MAX_NODES} values (aliases expanded)"),
                span: node.span,
            });
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => self.root = Some(node),
        }
        Ok(())
    }
}

/// The node a closed collection makes, spanning to its last value.
fn close(frame: Frame) -> (Node, usize) {
    match frame {
        Frame::Seq {
            items,
            mut span,
            anchor,
        } => {
            span.end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
            let value = Value::Seq(items);
            (Node { value, span }, anchor)
        }
        Frame::Map {
            entries,
            mut span,
            anchor,
            ..
        } => {
            span.end = entries
                .last()
                .map_or(span.end, |(_, v)| v.span.end.max(span.end));
            let value = Value::Map(entries);
            (Node { value, span }, anchor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Option<Node>, ParseError> {
        parse(&Source::new("t.yaml", text.to_string()))
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let src = Source::new("t.yaml", "a: 1\nlist:\n  - name: x\n".to_string());
        let root = parse(&src).unwrap().unwrap();
        let entries = root.as_map().unwrap();
        let (key, value) = &entries[1];
        assert_eq!((key.span.line, key.span.column), (2, 1));
        let item = &value.as_seq().unwrap()[0];
        let (k, v) = &item.as_map().unwrap()[0];
        assert_eq!(k.as_str(), Some("name"));
        assert_eq!((v.span.line, v.span.column), (3, 11));
        assert_eq!(&src.text()[v.span.range()], "x");
    }

    #[test]
    fn empty_file_has_no_document() {
        assert!(tree("").unwrap().is_none());
        assert!(tree("# only a comment\n").unwrap().is_none());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let flow = "[".repeat(10_000);
        assert_eq!(tree(&flow).unwrap_err().kind, ParseErrorKind::TooDeep);
        let block: String = (0..100)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert_eq!(tree(&block).unwrap_err().kind, ParseErrorKind::TooDeep);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = tree(&text).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::TooManyNodes);
    }

    #[test]
    fn scalars_resolve_like_yaml_core_schema() {
        let root = tree("a: true\nb: 'true'\nc: ~\nd:\n").unwrap().unwrap();
        let m = root.as_map().unwrap();
        assert_eq!(m[0].1.as_bool(), Some(true));
        assert_eq!(m[1].1.as_bool(), None);
        assert_eq!(m[1].1.as_str(), Some("true"));
        assert!(m[2].1.is_null());
        assert!(m[3].1.is_null());
    }

    #[test]
    fn a_second_document_is_refused() {
        let err = tree("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::MultipleDocuments);
        assert_eq!(err.span.line, 2);
    }
}
