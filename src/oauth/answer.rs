//! Token endpoint answers read the way real providers write them, not only
//! as RFC 6749 §5.1 says: `expires_in` as a string, no `token_type`, any
//! case, a form-encoded body (GitHub without `Accept: application/json`), an
//! `error` inside a 200. Each answer is turned into the JSON the `oauth2`
//! crate reads; one that still cannot be read is described by its status and
//! content type, with every token-looking value masked.
//!
//! Part of the base module `oauth` (see docs/architecture.md).

use serde_json::{Map, Value};

/// Which endpoint an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantEndpoint {
    Token,
    DeviceAuthorization,
}

/// What to hand the `oauth2` crate: a status and a JSON body.
#[derive(Debug, PartialEq)]
pub struct Normalised {
    pub status: u16,
    pub body: Vec<u8>,
}

/// An answer that is neither a grant nor an OAuth error.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error(
    "it answered HTTP {status} with {content_type}, which is not an OAuth token answer{excerpt}"
)]
pub struct Unreadable {
    pub status: u16,
    pub content_type: String,
    /// A short excerpt, token-looking values masked (not yet scrubbed of
    /// the request's own secrets: the caller does that).
    pub excerpt: String,
}

/// Reads an answer. `content_type` is the header as sent (if any).
pub fn read(
    endpoint: GrantEndpoint,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Normalised, Unreadable> {
    let fields = parse(content_type, body);
    let unreadable = || Unreadable {
        status,
        content_type: content_type
            .map(|c| format!("`{}`", c.split(';').next().unwrap_or(c).trim()))
            .unwrap_or_else(|| "no content type".into()),
        excerpt: excerpt(body),
    };
    let Some(mut fields) = fields else {
        return Err(unreadable());
    };
    let success = (200..300).contains(&status);
    let has = |k: &str| fields.get(k).is_some_and(|v| !v.is_null());
    if has("error") {
        // An error, whatever the status says.
        let status = if success { 400 } else { status };
        return Ok(Normalised {
            status,
            body: to_json(fields),
        });
    }
    if !success {
        return Err(unreadable());
    }
    match endpoint {
        GrantEndpoint::Token if has("access_token") => {
            let kind = fields
                .get("token_type")
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_else(|| "bearer".into());
            fields.insert("token_type".into(), Value::String(kind));
            seconds(&mut fields, "expires_in");
            if let Some(Value::Array(scopes)) = fields.get("scope") {
                let joined: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
                let joined = joined.join(" ");
                fields.insert("scope".into(), Value::String(joined));
            }
            drop_nulls(&mut fields);
        }
        GrantEndpoint::DeviceAuthorization if has("device_code") => {
            seconds(&mut fields, "expires_in");
            seconds(&mut fields, "interval");
            drop_nulls(&mut fields);
        }
        _ => return Err(unreadable()),
    }
    Ok(Normalised {
        status: 200,
        body: to_json(fields),
    })
}

/// The body as a JSON object, else as form fields (whatever the content
/// type claims: providers mislabel both ways).
fn parse(content_type: Option<&str>, body: &[u8]) -> Option<Map<String, Value>> {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        return Some(map);
    }
    let text = std::str::from_utf8(body).ok()?.trim();
    let looks_form = content_type
        .is_some_and(|c| c.contains("form-urlencoded") || c.starts_with("text/plain"))
        || (!text.contains(['<', '{', ' ', '\n']) && text.contains('='));
    if !looks_form || text.is_empty() {
        return None;
    }
    let mut map = Map::new();
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        if k.is_empty() {
            return None;
        }
        map.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    Some(map)
}

/// A number of seconds written as a string or a float becomes an integer;
/// anything else unusable is dropped.
fn seconds(fields: &mut Map<String, Value>, key: &str) {
    let parsed = match fields.get(key) {
        None | Some(Value::Null) => return,
        Some(Value::Number(n)) if n.is_u64() => return,
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match parsed.filter(|n| n.is_finite() && *n >= 0.0) {
        Some(n) => {
            fields.insert(key.into(), Value::from(n.round() as u64));
        }
        None => {
            fields.remove(key);
        }
    }
}

fn drop_nulls(fields: &mut Map<String, Value>) {
    fields.retain(|_, v| !v.is_null());
}

fn to_json(fields: Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(&Value::Object(fields)).unwrap_or_default()
}

/// At most 200 characters of a body, on one line, token fields masked.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let masked = crate::redact::mask_token_fields(&flat);
    let cut: String = masked.chars().take(200).collect();
    match cut.len() {
        0 => String::new(),
        n if n < masked.len() => format!(": {cut}…"),
        _ => format!(": {cut}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(status: u16, ct: Option<&str>, body: &str) -> Result<Value, Unreadable> {
        read(GrantEndpoint::Token, status, ct, body.as_bytes())
            .map(|n| serde_json::from_slice(&n.body).unwrap_or(Value::Null))
    }

    #[test]
    fn odd_grants_are_read() {
        let v = token(
            200,
            Some("application/json"),
            r#"{"access_token":"a","expires_in":"3600"}"#,
        )
        .unwrap();
        assert_eq!(v["expires_in"], 3600);
        assert_eq!(v["token_type"], "bearer");
        let v = token(200, None, r#"{"access_token":"a","token_type":"BEARER","expires_in":3599.5,"refresh_token":null}"#).unwrap();
        assert_eq!(v["token_type"], "bearer");
        assert_eq!(v["expires_in"], 3600);
        assert!(v.get("refresh_token").is_none());
        let v = token(
            200,
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            "access_token=gho_x&scope=repo%2Cgist&token_type=bearer",
        )
        .unwrap();
        assert_eq!(v["access_token"], "gho_x");
        assert_eq!(v["scope"], "repo,gist");
        let v = token(
            200,
            Some("text/plain"),
            "access_token=gho_x&token_type=bearer",
        )
        .unwrap();
        assert_eq!(v["access_token"], "gho_x");
        let v = token(
            200,
            None,
            r#"{"access_token":"a","scope":["read","write"]}"#,
        )
        .unwrap();
        assert_eq!(v["scope"], "read write");
    }

    #[test]
    fn an_error_in_a_200_is_an_error() {
        let n = read(
            GrantEndpoint::Token,
            200,
            Some("application/json"),
            br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        )
        .unwrap();
        assert_eq!(n.status, 400);
        let n = read(
            GrantEndpoint::Token,
            200,
            Some("application/x-www-form-urlencoded"),
            b"error=incorrect_client_credentials&error_description=The+client_id+is+wrong",
        )
        .unwrap();
        assert_eq!(n.status, 400);
    }

    #[test]
    fn unreadable_answers_are_described_with_tokens_masked() {
        let e = token(
            200,
            Some("text/html; charset=utf-8"),
            "<html><body>access_token: tok-123 welcome</body></html>",
        )
        .unwrap_err();
        assert_eq!(e.status, 200);
        assert_eq!(e.content_type, "`text/html`");
        assert!(!e.to_string().contains("tok-123"), "{e}");
        let e = token(
            200,
            Some("application/json"),
            r#"{"accessToken":"x","access_token_missing":true}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("HTTP 200"), "{e}");
        let e = token(502, Some("text/html"), "<h1>Bad gateway</h1>").unwrap_err();
        assert!(e.to_string().contains("HTTP 502"), "{e}");
    }

    #[test]
    fn device_answers_take_string_numbers() {
        let n = read(
            GrantEndpoint::DeviceAuthorization,
            200,
            Some("application/json"),
            br#"{"device_code":"d","user_code":"U","verification_uri":"https://x.test/d","expires_in":"900","interval":"5"}"#,
        )
        .unwrap();
        let v: Value = serde_json::from_slice(&n.body).unwrap();
        assert_eq!(v["interval"], 5);
        assert_eq!(v["expires_in"], 900);
    }

    fn device(body: &str) -> Result<Value, Unreadable> {
        read(
            GrantEndpoint::DeviceAuthorization,
            200,
            None,
            body.as_bytes(),
        )
        .map(|n| serde_json::from_slice(&n.body).unwrap_or(Value::Null))
    }

    #[test]
    fn each_endpoint_needs_its_own_field() {
        assert!(device(r#"{"access_token":"a"}"#).is_err());
        assert!(token(200, None, r#"{"device_code":"d","user_code":"U"}"#).is_err());
        assert!(device(r#"{"device_code":"d","user_code":"U","interval":null}"#).is_ok());
        assert!(token(200, None, r#"{"access_token":null}"#).is_err());
    }

    #[test]
    fn a_blank_token_type_is_bearer_and_others_are_kept_lowercased() {
        let v = token(200, None, r#"{"access_token":"a","token_type":"  "}"#).unwrap();
        assert_eq!(v["token_type"], "bearer");
        let v = token(200, None, r#"{"access_token":"a","token_type":" MAC "}"#).unwrap();
        assert_eq!(v["token_type"], "mac");
    }

    #[test]
    fn seconds_are_read_from_numbers_and_strings_and_nonsense_is_dropped() {
        for (given, read) in [
            ("3600", Some(3600)),
            ("\"3600\"", Some(3600)),
            ("\" 59.6 \"", Some(60)),
            ("0", Some(0)),
            // A whole number is kept exactly, beyond what a float holds.
            ("9007199254740993", Some(9_007_199_254_740_993)),
            ("\"-5\"", None),
            ("\"soon\"", None),
            ("[1]", None),
            ("null", None),
        ] {
            let v = token(
                200,
                None,
                &format!(r#"{{"access_token":"a","expires_in":{given}}}"#),
            )
            .unwrap();
            assert_eq!(v.get("expires_in").and_then(Value::as_u64), read, "{given}");
        }
    }

    #[test]
    fn form_bodies_are_read_by_their_look_or_their_content_type() {
        // Labelled form or text: read even with spaces (`+`-free text).
        for ct in [
            "application/x-www-form-urlencoded",
            "text/plain; charset=utf-8",
        ] {
            let v = token(200, Some(ct), "access_token=a b&token_type=bearer").unwrap();
            assert_eq!(v["access_token"], "a b", "{ct}");
        }
        // Unlabelled: read when it looks like one, `k=v&k=v` without markup.
        let v = token(200, Some("application/octet-stream"), "access_token=a&x=1").unwrap();
        assert_eq!(v["access_token"], "a");
        for body in [
            "<p>access_token=a</p>",
            "access_token=a and more",
            "access_token",
            "{access_token=a}",
            "line\naccess_token=a",
        ] {
            assert!(token(200, None, body).is_err(), "{body:?}");
        }
        assert!(token(200, Some("text/plain"), "  ").is_err());
        assert!(token(200, Some("text/plain"), "=a&access_token=b").is_err());
    }

    #[test]
    fn an_excerpt_is_one_line_of_at_most_two_hundred_characters() {
        assert_eq!(excerpt(b""), "");
        assert_eq!(excerpt(b"  a \n b  "), ": a b");
        let long = "x".repeat(250);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut, format!(": {}…", "x".repeat(200)));
        let exact = "y".repeat(200);
        assert_eq!(excerpt(exact.as_bytes()), format!(": {exact}"));
        let e = token(500, None, "{\"access_token\": \"tok-9\", \"other\": 1}").unwrap_err();
        assert!(!e.excerpt.contains("tok-9"), "{}", e.excerpt);
        assert_eq!(e.content_type, "no content type");
    }
}
