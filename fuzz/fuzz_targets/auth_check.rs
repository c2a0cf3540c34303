//! auth_check.yaml loading and lint against a fixed spec.
#![no_main]
use connector_auth::source::Source;
use libfuzzer_sys::fuzz_target;

const SPEC: &str = "connection:\n  parameters:\n    - {name: subdomain}\n    - {name: email}\n    - {name: api_token, secret: true}\n";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let spec = connector_auth::spec::load_str(Source::new("s.yaml", SPEC.to_string()))
            .spec
            .expect("fixed spec");
        let _ = connector_auth::check::load_str(Source::new("c.yaml", text.to_string()), &spec);
    }
});
