//! A service-account key file checked the way its client libraries use it:
//! read the key (pretty-printed as downloaded, or on one line), sign a JWT
//! with its private key (RS256) and build the RFC 7523 JWT bearer grant for
//! the key's `token_uri`. The key itself never leaves the machine.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};

use crate::secret::Secret;

/// How long the signed assertion is valid, in seconds (the usual hour).
const LIFETIME: u64 = 3600;

/// The fields of a key file the grant needs.
#[derive(Debug)]
pub struct Key {
    pub client_email: String,
    pub token_uri: String,
    key_id: Option<String>,
    private_key: Secret,
}

/// Why a key file cannot sign; never holds any part of the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "is not a key file's JSON (an object with `client_email`, `private_key` and `token_uri`)"
    )]
    NotJson,
    #[error("has no `{0}`")]
    Missing(&'static str),
    #[error("holds a `private_key` that is not a PEM RSA private key")]
    BadPrivateKey,
    #[error("could not be used to sign")]
    Signing,
}

impl Key {
    /// Reads a key file's JSON, as downloaded (newlines and indentation
    /// included) or flattened to one line.
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let json: serde_json::Value =
            serde_json::from_str(text.trim()).map_err(|_| KeyError::NotJson)?;
        let object = json.as_object().ok_or(KeyError::NotJson)?;
        let field = |name: &'static str| {
            object
                .get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or(KeyError::Missing(name))
        };
        Ok(Key {
            client_email: field("client_email")?,
            token_uri: field("token_uri")?,
            key_id: field("private_key_id").ok(),
            private_key: Secret::new(field("private_key")?),
        })
    }

    /// A client's registered private key (PEM) and its token endpoint.
    pub fn client(client_id: &str, token_url: &str, private_key: &str) -> Key {
        Key {
            client_email: client_id.to_string(),
            token_uri: token_url.to_string(),
            key_id: None,
            private_key: Secret::new(private_key),
        }
    }

    /// The private key as PEM text, for the redactor.
    pub fn private_key(&self) -> &Secret {
        &self.private_key
    }

    /// A signed assertion (RFC 7523 §3): the key's account as issuer, the
    /// token URI as audience, `scope` when given, valid for an hour.
    pub fn assertion(&self, scope: Option<&str>, now: u64) -> Result<Secret, KeyError> {
        let mut claims = serde_json::json!({
            "iss": self.client_email,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + LIFETIME,
        });
        if let Some(scope) = scope.map(str::trim).filter(|s| !s.is_empty()) {
            claims["scope"] = serde_json::Value::String(scope.to_string());
        }
        self.sign(&claims)
    }

    /// A client assertion (RFC 7523 §3, §2.2): the client as issuer and
    /// subject, the token URL as audience, a unique id, five minutes.
    pub fn client_assertion(&self, now: u64) -> Result<Secret, KeyError> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|_| KeyError::Signing)?;
        let jti: String = id.iter().map(|b| format!("{b:02x}")).collect();
        self.sign(&serde_json::json!({
            "iss": self.client_email,
            "sub": self.client_email,
            "aud": self.token_uri,
            "jti": jti,
            "iat": now,
            "exp": now + 300,
        }))
    }

    fn sign(&self, claims: &serde_json::Value) -> Result<Secret, KeyError> {
        let der = pem_body(self.private_key.expose()).ok_or(KeyError::BadPrivateKey)?;
        let pair = RsaKeyPair::from_pkcs8(&der)
            .or_else(|_| RsaKeyPair::from_der(&der))
            .map_err(|_| KeyError::BadPrivateKey)?;
        let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.key_id {
            header["kid"] = serde_json::Value::String(kid.clone());
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; pair.public().modulus_len()];
        pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            signing_input.as_bytes(),
            &mut signature,
        )
        .map_err(|_| KeyError::Signing)?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

/// The DER bytes of the first PEM block of `text`.
fn pem_body(text: &str) -> Option<Vec<u8>> {
    // A key pasted with its newlines escaped once more reads the same.
    let text = text.replace("\\n", "\n");
    let start = text.find("-----BEGIN ")?;
    let after = &text[start..];
    let body_start = after.find('\n')? + 1;
    let end = after.find("-----END ")?;
    let body: String = after
        .get(body_start..end)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_without_its_fields_says_which_is_missing() {
        assert_eq!(Key::parse("not json").err(), Some(KeyError::NotJson));
        assert_eq!(
            Key::parse(r#"{"client_email": "a@b.test", "private_key": "x"}"#).err(),
            Some(KeyError::Missing("token_uri"))
        );
    }

    #[test]
    fn a_private_key_that_is_not_pem_cannot_sign() {
        let key = Key::parse(
            "{\n  \"client_email\": \"a@b.test\",\n  \"private_key\": \"nope\",\n  \"token_uri\": \"https://t.test/token\"\n}\n",
        )
        .ok();
        let signed = key.map(|k| k.assertion(None, 0).err());
        assert_eq!(signed, Some(Some(KeyError::BadPrivateKey)));
    }
}
