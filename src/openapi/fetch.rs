//! Fetching a description by URL: once, over https (plain http only to a
//! loopback host), with a timeout and a size cap, redirects held to the same
//! rule.
//!
//! Part of the reader `openapi` (see docs/architecture.md): it imports no step.

use std::net::IpAddr;
use std::time::Duration;

use super::{MAX_BYTES, OpenApiError};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a URL may be fetched: https, or http to a loopback host.
fn allowed(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => false,
        },
        _ => false,
    }
}

/// The body of `location`, as text.
pub fn get(location: &str) -> Result<String, OpenApiError> {
    let fail = |why: String| OpenApiError::Fetch(format!("cannot fetch {location}: {why}"));
    let url = url::Url::parse(location)
        .map_err(|e| OpenApiError::NotAllowed(format!("{location} ({e})")))?;
    if !allowed(&url) {
        return Err(OpenApiError::NotAllowed(location.to_string()));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let bytes = runtime.block_on(download(url)).map_err(fail)?;
    String::from_utf8(bytes).map_err(|_| OpenApiError::Syntax {
        what: location.to_string(),
        why: "not UTF-8".into(),
    })
}

async fn download(url: url::Url) -> Result<Vec<u8>, String> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 5 || !allowed(attempt.url()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(policy)
        .build()
        .map_err(|e| e.to_string())?;
    let mut response = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err("the description is larger than 20 MiB".into());
        }
    }
    Ok(body)
}
