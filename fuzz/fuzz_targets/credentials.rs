//! Credentials JSON reading: errors never quote the content.
#![no_main]
use connector_auth::credentials::{Credentials, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(err) = Credentials::from_json(text, &Origin::EnvJson) {
            let message = err.to_string();
            for word in text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 12)
            {
                assert!(
                    !message.contains(word) || "CONNECTOR_TEST_CONFIG_JSON".contains(word),
                    "{message}"
                );
            }
        }
    }
});
