//! `Secret`: a credential value from the moment it is read. Its `Debug`
//! never shows the value, and it has no `Display`, so a token cannot reach a
//! log line, an error message or a panic by accident.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the few places that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn conversions_keep_the_value_and_emptiness_is_told() {
        assert_eq!(Secret::from("s3cr3t").expose(), "s3cr3t");
        assert_eq!(Secret::from(String::from("s3cr3t")).expose(), "s3cr3t");
        assert!(!Secret::from("x").is_empty());
        assert!(Secret::from("").is_empty());
        assert!(Secret::default().is_empty());
    }
}
