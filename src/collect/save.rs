//! Part of Step 2 (`collect`): the one save path of the browser form, the
//! terminal and MCP (which serves the browser form). The check on Save runs
//! first when a [`Verifier`] is given; credentials it did not accept are
//! written only when the person chose to ("Save anyway").

use super::verifier::{CheckResult, Verifier};
use crate::credentials::Credentials;
use crate::report::eprint;
use crate::store::{Store, StoreError};

/// How a save ended.
#[derive(Debug)]
pub enum Saved {
    /// Written; with the check's result when one ran and accepted them.
    Written(Option<CheckResult>),
    /// Not written: the check did not accept them, and the person has not
    /// chosen to save anyway.
    Refused(CheckResult),
}

/// Checks `credentials` with `verifier` (unless the person chose to save
/// anyway) and writes them to `output` when accepted. Each attempt is
/// printed on stderr; a refresh token the provider rotated during the
/// check replaces the spent one before writing.
pub async fn save(
    output: &Store,
    verifier: Option<&Verifier>,
    mut credentials: Credentials,
    anyway: bool,
) -> Result<Saved, StoreError> {
    let mut checked = None;
    if let (Some(verify), false) = (verifier, anyway) {
        let result = verify(credentials.clone()).await;
        let mark = if result.accepted { "✓" } else { "✗" };
        eprint(&format!("{mark} check on Save: {}", result.detail));
        if let Some(new) = &result.rotated_refresh_token {
            credentials.insert("refresh_token", new.clone());
        }
        if !result.accepted {
            return Ok(Saved::Refused(result));
        }
        checked = Some(result);
    }
    output.save(&credentials)?;
    Ok(Saved::Written(checked))
}
