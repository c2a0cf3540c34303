//! The errors a command can end with, and the one place that maps every
//! outcome to the documented exit codes.

use std::process::ExitCode;

use std::path::PathBuf;

use crate::collect::server::BindError;
use crate::credentials::CredentialsError;
use crate::oauth::OAuthError;
use crate::source::ReadError;
use crate::store::StoreError;
use crate::workspace::WorkspaceError;

/// How a command ended, as the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: done.
    Done,
    /// 1: the step's verdict is negative (lint errors, credentials rejected, cancelled).
    Negative,
    /// 2: usage or input error (unknown source, unreadable spec).
    Input,
    /// 3: no verdict could be reached (network, timeout).
    NoVerdict,
    /// `exec`: the exit code of the command it ran, passed on as is.
    Child(u8),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Negative => 1,
            Exit::Input => 2,
            Exit::NoVerdict => 3,
            Exit::Child(code) => code,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// An error that ends a command before it reaches a verdict.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Usage(String),
    #[error("no spec for `{source_name}` at {}; `connector-auth spec {source_name}` drafts one", path.display())]
    NoSpec { source_name: String, path: PathBuf },
    #[error("{} has errors (above); fix them first (`connector-auth lint {source_name}` shows them again)", path.display())]
    InvalidSpec { source_name: String, path: PathBuf },
    #[error(transparent)]
    Bind(#[from] BindError),
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("OAuth: {0}")]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    OpenApi(#[from] crate::openapi::OpenApiError),
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl Error {
    /// The exit code this error ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Workspace(_)
            | Error::Read(_)
            | Error::Usage(_)
            | Error::NoSpec { .. }
            | Error::InvalidSpec { .. }
            | Error::Bind(_)
            | Error::Credentials(_)
            | Error::Store(_) => Exit::Input,
            Error::Output(_) | Error::Internal(_) => Exit::NoVerdict,
            Error::OpenApi(crate::openapi::OpenApiError::Fetch(_)) => Exit::NoVerdict,
            Error::OpenApi(_) => Exit::Input,
            Error::OAuth(e) => match e {
                OAuthError::Provider { .. }
                | OAuthError::NoRefreshToken(_)
                | OAuthError::StateMismatch => Exit::Negative,
                OAuthError::BadUrl { .. } => Exit::Input,
                OAuthError::Unreachable { .. }
                | OAuthError::Timeout { .. }
                | OAuthError::Malformed { .. } => Exit::NoVerdict,
            },
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::Output(err)
    }
}
