//! Findings about a file (a spec now, an auth check later): the rule that
//! fired, how bad it is, where, and what to do. Rendered as rich snippets for
//! people and as one JSON object per finding for programs.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, Styles, StylesWriter};

use crate::source::{Source, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

macro_rules! rules {
    ($($variant:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Every check `lint` runs, with a stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule { $(#[doc = $doc] $variant,)* }

        impl Rule {
            pub const ALL: &[Rule] = &[$(Rule::$variant,)*];

            /// The stable code shown in brackets and in `--json`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One sentence on what the rule checks.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $doc,)* }
            }
        }
    };
}

rules! {
    YamlSyntax = "yaml-syntax", Error, "The file is not valid YAML.";
    Encoding = "encoding", Error, "The file is not UTF-8.";
    TooLarge = "too-large", Error, "The file is over 1 MiB, or holds too many values.";
    TooDeep = "too-deep", Error, "Values are nested deeper than 64 levels.";
    MultipleDocuments = "multiple-documents", Error, "The file holds more than one YAML document.";
    EmptySpec = "empty-spec", Error, "The file holds no YAML document.";
    NotAMapping = "not-a-mapping", Error, "A value that must be a mapping (key: value) is not.";
    MissingConnection = "missing-connection", Error, "There is no `connection` section.";
    NotAList = "not-a-list", Error, "`parameters` or `auth_methods` is not a list.";
    MissingName = "missing-name", Error, "A parameter or auth method has no `name`.";
    DuplicateName = "duplicate-name", Error, "Two parameters a person would fill in share a name.";
    DuplicateKey = "duplicate-key", Error, "A mapping has the same key twice.";
    UnknownType = "unknown-type", Error, "A parameter's `type` is not string, integer, boolean or number.";
    BadFlow = "bad-flow", Error, "`oauth.flow` is not m2m, u2m or u2m_per_user.";
    BadValue = "bad-value", Error, "A value has the wrong shape (e.g. `required` that is not true or false).";
    NoAuthorizationUrl = "no-authorization-url", Error, "A u2m flow has no way to find its authorization URL.";
    NoTokenUrl = "no-token-url", Error, "An OAuth flow has no way to find its token URL.";
    UnknownPlaceholder = "unknown-placeholder", Error, "A `{placeholder}` in an OAuth URL names no parameter.";
    FlowInferred = "flow-inferred", Warning, "`oauth` has no `flow`; it is inferred from `authorization_url`.";
    RefreshTokenParameter = "refresh-token-parameter", Warning, "`refresh_token` is a parameter although the u2m flow obtains it.";
    TokenUrlFromParameter = "token-url-from-parameter", Warning, "The token URL comes from a parameter, not from `oauth.token_url`.";
    CommaScopes = "comma-scopes", Warning, "Scopes are separated by commas rather than spaces.";
    OAuthOwnerInferred = "oauth-owner-inferred", Warning, "The connection's `oauth` block is taken to belong to the auth method with `client_id`.";
    OAuthUnattached = "oauth-unattached", Warning, "No auth method has `client_id`, so the `oauth` block is not used.";
    UnknownKey = "unknown-key", Warning, "A key the template does not have (often a typo).";
    NotSecret = "not-secret", Warning, "A credential-looking parameter is not marked `secret: true`.";
    MissingDisplayName = "missing-display-name", Warning, "There is no `display_name`.";
    MissingDescription = "missing-description", Warning, "A parameter or auth method has no `description`.";
    MissingAllowlist = "missing-allowlist", Warning, "There is no `external_options_allowlist` key.";
    CheckEmpty = "check-empty", Error, "An auth check file has no `checks`.";
    CheckTodo = "check-todo", Error, "An auth check still holds a TODO to fill in.";
    CheckBadAuth = "check-bad-auth", Error, "A check's `auth` is not exactly one of basic, bearer, header, query, oauth.";
    CheckUnknownPlaceholder = "check-unknown-placeholder", Error, "A `{placeholder}` in a check names no spec parameter or default.";
    CheckUnknownMethod = "check-unknown-method", Error, "A check's `auth_method` is not an auth method of the spec.";
    CheckInsecureUrl = "check-insecure-url", Error, "A check's URL is plain http to a host that is not loopback.";
    CheckNoAuth = "check-no-auth", Warning, "A check sends no credentials.";
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    /// What to show under the snippet's caret.
    pub label: Option<String>,
    pub span: Span,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            message: message.into(),
            label: None,
            span,
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// The finding for programs: one flat JSON object.
    pub fn to_json(&self, source: &Source) -> serde_json::Value {
        serde_json::json!({
            "event": "finding",
            "file": source.path().display().to_string(),
            "line": self.span.line,
            "column": self.span.column,
            "severity": self.severity(),
            "rule": self.rule.code(),
            "message": self.message,
            "help": self.help,
        })
    }

    /// The finding for people: a header, the location and, when the text is
    /// at hand, the offending line with its span underlined.
    pub fn render(&self, source: &Source, color: bool) -> String {
        let diagnostic = match self.severity() {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_code(self.rule.code())
        .with_message(&self.message)
        .with_notes(self.help.iter().map(|h| format!("help: {h}")).collect());
        let fits = self.span.end <= source.text().len() && !source.text().is_empty();
        let file = SimpleFile::new(source.path().display().to_string(), source.text());
        let diagnostic = if fits {
            diagnostic.with_labels(vec![
                Label::primary((), self.span.range())
                    .with_message(self.label.clone().unwrap_or_default()),
            ])
        } else {
            diagnostic.with_notes(vec![format!(
                "at {}:{}:{}",
                source.path().display(),
                self.span.line,
                self.span.column
            )])
        };
        let config = Config::default();
        let rendered = if color {
            let styles = Styles::default();
            let mut buffer = term::termcolor::Ansi::new(Vec::new());
            let mut out = StylesWriter::new(&mut buffer, &styles);
            term::emit_to_write_style(&mut out, &config, &file, &diagnostic)
                .ok()
                .map(|()| String::from_utf8_lossy(&buffer.into_inner()).into_owned())
        } else {
            term::emit_into_string(&config, &file, &diagnostic).ok()
        };
        rendered.unwrap_or_else(|| {
            format!(
                "{}[{}]: {}\n  at {}:{}:{}\n",
                match self.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                self.rule.code(),
                self.message,
                source.path().display(),
                self.span.line,
                self.span.column
            )
        })
    }
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity() == Severity::Error)
}
