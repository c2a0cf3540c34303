//! Part of Step 2 (`collect`): the seam of the check on Save. Collect
//! defines the small verdict it needs and runs a [`Verifier`] without
//! knowing its insides; Step 3 (`check`) is adapted to it by
//! `ops::check_on_save`, so the two steps never import each other.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::credentials::Credentials;
use crate::secret::Secret;

/// What the check on Save concluded, as collect needs it.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The API accepted the credentials.
    pub accepted: bool,
    /// For the person: what the verdict means and what to do next (for an
    /// accepted one, what the check found, such as the identity).
    pub sentence: String,
    /// The verdict and its reason on one line, as the terminal prints it.
    pub detail: String,
    /// A new refresh token the provider issued in place of the one sent
    /// (rotation): the sent one is spent, this one is saved instead.
    pub rotated_refresh_token: Option<Secret>,
}

/// Runs the check on credentials about to be saved.
pub type Verifier =
    Arc<dyn Fn(Credentials) -> Pin<Box<dyn Future<Output = CheckResult> + Send>> + Send + Sync>;
