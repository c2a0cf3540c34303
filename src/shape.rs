//! Reading typed values out of a YAML tree and reporting, with positions,
//! every value of the wrong shape. Spec and auth-check loaders build on it.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use crate::diagnostic::{Finding, Rule};
use crate::source::{ReadError, Source, Span};
use crate::yaml::{self, Node, ParseErrorKind};

impl Span {
    /// A zero-width span at a line and column, for findings without text.
    pub(crate) fn default_at(line: usize, column: usize) -> Span {
        Span {
            start: 0,
            end: 0,
            line,
            column,
        }
    }
}

/// Parses `source` into a tree, turning an empty file or a YAML error into
/// a finding (with a hint for tab indentation).
pub fn document(source: &Source, reader: &mut Reader) -> Option<Node> {
    match yaml::parse(source) {
        Ok(Some(root)) => Some(root),
        Ok(None) => {
            reader.push(
                Finding::new(
                    Rule::EmptySpec,
                    source.start_span(),
                    "the file holds no YAML document",
                )
                .help("a spec needs at least a `connection:` section with `parameters:`"),
            );
            None
        }
        Err(err) => {
            let rule = match err.kind {
                ParseErrorKind::Syntax => Rule::YamlSyntax,
                ParseErrorKind::TooDeep => Rule::TooDeep,
                ParseErrorKind::TooManyNodes => Rule::TooLarge,
                ParseErrorKind::MultipleDocuments => Rule::MultipleDocuments,
            };
            let mut finding = Finding::new(rule, err.span, err.message);
            if err.span.line > 0 && line_has_tab_indent(source, err.span.line) {
                finding = finding.help("YAML indentation must use spaces, not tabs");
            }
            reader.push(finding);
            None
        }
    }
}

fn line_has_tab_indent(source: &Source, line: usize) -> bool {
    source
        .text()
        .lines()
        .take(line)
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'))
}

/// Reads a file for a loader: `Ok(Err(finding))` for a file that is too
/// large or not UTF-8 (a finding like any other), `Err` when it cannot be opened.
pub fn read(path: &std::path::Path) -> Result<Result<Source, Finding>, ReadError> {
    match Source::read(path) {
        Ok(source) => Ok(Ok(source)),
        Err(ReadError::TooLarge { size, .. }) => Ok(Err(Finding::new(
            Rule::TooLarge,
            Span::default_at(1, 1),
            format!("the file is {size} bytes; files over 1 MiB are refused"),
        ))),
        Err(ReadError::NotUtf8 { line, column, .. }) => Ok(Err(Finding::new(
            Rule::Encoding,
            Span::default_at(line, column),
            "the file is not valid UTF-8",
        )
        .help("save the file as UTF-8"))),
        Err(err) => Err(err),
    }
}

/// The entries of one mapping, looked up by key.
pub struct Fields<'n> {
    pub entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and the value node of `key`.
    pub fn entry(&self, key: &str) -> Option<(&'n Node, &'n Node)> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, v)| (*k, *v))
    }
}

/// Collects findings while values are read.
#[derive(Debug, Default)]
pub struct Reader {
    pub findings: Vec<Finding>,
}

impl Reader {
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// A mapping of any keys to single values, as ordered pairs; absent or
    /// null is empty, other shapes are reported.
    pub fn pairs(&mut self, node: Option<&Node>, what: &str) -> Vec<(String, String)> {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return Vec::new();
        };
        let Some(fields) = self.fields(node, what, None) else {
            return Vec::new();
        };
        fields
            .entries
            .iter()
            .filter_map(|(k, _, v)| self.text(v, k).map(|v| (k.to_string(), v)))
            .collect()
    }

    /// The fields of a mapping, reporting duplicate keys and keys not in
    /// `known` (`None`: any key is allowed); `None` (reported) when `node` is
    /// not a mapping.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: Option<&[&str]>,
    ) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            self.push(
                Finding::new(
                    Rule::NotAMapping,
                    node.span,
                    format!(
                        "{what} must be a mapping of keys to values, found {}",
                        node.kind()
                    ),
                )
                .label("expected `key: value` lines here"),
            );
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
        };
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.push(Finding::new(
                    Rule::BadValue,
                    key.span,
                    format!("a key in {what} is {}, not a name", key.kind()),
                ));
                continue;
            };
            if fields.get(name).is_some() {
                self.push(
                    Finding::new(
                        Rule::DuplicateKey,
                        key.span,
                        format!("`{name}` appears twice in {what}"),
                    )
                    .label("second occurrence")
                    .help("YAML keeps only one of them; delete the other"),
                );
                continue;
            }
            if let Some(known) = known.filter(|k| !k.contains(&name)) {
                let mut finding = Finding::new(
                    Rule::UnknownKey,
                    key.span,
                    format!("unknown key `{name}` in {what}; it is ignored"),
                );
                if let Some(close) = closest(name, known) {
                    finding = finding.help(format!("did you mean `{close}`?"));
                }
                self.push(finding);
            }
            fields.entries.push((name, key, value));
        }
        Some(fields)
    }

    /// The items of a list; null counts as empty, anything else is reported.
    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        if node.is_null() {
            return &[];
        }
        match node.as_seq() {
            Some(items) => items,
            None => {
                self.push(
                    Finding::new(
                        Rule::NotAList,
                        node.span,
                        format!("{what} must be a list, found {}", node.kind()),
                    )
                    .label("expected a list here")
                    .help("write each entry on its own line starting with `- `"),
                );
                &[]
            }
        }
    }

    pub fn name(&mut self, fields: &Fields, node: &Node, what: &str) -> Option<(String, Span)> {
        match fields.get("name") {
            Some(n) => match n.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                Some(name) => Some((name.to_string(), n.span)),
                None => {
                    self.push(
                        Finding::new(
                            Rule::MissingName,
                            n.span,
                            format!("this {what} has an empty `name`"),
                        )
                        .label("empty name"),
                    );
                    None
                }
            },
            None => {
                self.push(
                    Finding::new(
                        Rule::MissingName,
                        node.span,
                        format!("this {what} has no `name`"),
                    )
                    .label("no `name:` in this entry")
                    .help("the name is the key of the value in the credentials JSON"),
                );
                None
            }
        }
    }

    /// A scalar as text; other shapes are reported.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(text) => Some(text.to_string()),
            None if node.is_null() => None,
            None => {
                self.push(Finding::new(
                    Rule::BadValue,
                    node.span,
                    format!("`{what}` must be a single value, found {}", node.kind()),
                ));
                None
            }
        }
    }

    /// A description: trimmed, empty counts as absent.
    pub fn prose(&mut self, node: &Node) -> Option<String> {
        self.text(node, "description")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub fn flag(&mut self, node: Option<&Node>, what: &str, default: bool) -> bool {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return default;
        };
        node.as_bool().unwrap_or_else(|| {
            self.push(
                Finding::new(
                    Rule::BadValue,
                    node.span,
                    format!(
                        "`{what}` must be true or false, found `{}`",
                        node.as_str().unwrap_or("?")
                    ),
                )
                .help("write true or false without quotes"),
            );
            default
        })
    }
}

/// The known key closest to `name` when it is a likely typo.
pub fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}
