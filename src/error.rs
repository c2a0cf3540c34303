//! Base module: the errors a command can end with. Each step's own error
//! says its exit class itself (see [`crate::exit`]); this enum only wraps
//! them and names the command-level ones.

use crate::collect::server::BindError;
use crate::credentials::CredentialsError;
use crate::oauth::OAuthError;
use crate::source::ReadError;
use crate::store::StoreError;
use crate::workspace::WorkspaceError;

pub use crate::exit::Exit;

/// An error that ends a command before it reaches a verdict.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Spec(#[from] crate::spec::Unusable),
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
            | Error::Spec(_)
            | Error::Bind(_)
            | Error::Credentials(_)
            | Error::Store(_) => Exit::Input,
            Error::Output(_) | Error::Internal(_) => Exit::NoVerdict,
            Error::OpenApi(e) => e.exit(),
            Error::OAuth(e) => e.exit(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::Output(err)
    }
}
