//! The collect server's form handling: a posted body parsed as the server
//! parses it, then checked against a spec with auth methods.
#![no_main]
use connector_auth::collect::form::Form;
use connector_auth::credentials::Credentials;
use connector_auth::source::Source;
use libfuzzer_sys::fuzz_target;

const SPEC: &str = "connection:\n  parameters:\n    - {name: subdomain, required: true}\n  auth_methods:\n    - name: token\n      parameters:\n        - {name: api_token, required: true, secret: true}\n        - {name: page_size, type: integer}\n    - name: basic\n      parameters:\n        - {name: username, required: true}\n        - {name: password, required: true, secret: true}\n        - {name: active, type: boolean}\n";

fuzz_target!(|data: &[u8]| {
    let spec = connector_auth::spec::load_str(Source::new("s.yaml", SPEC.to_string()))
        .spec
        .expect("fixed spec");
    let form = Form::new(&spec, "fuzz");
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else {
        return;
    };
    if pairs.iter().all(|(n, _)| form.accepts(n)) {
        let method = pairs
            .iter()
            .find(|(n, _)| n == "_method")
            .map(|(_, v)| v.as_str());
        if let Ok(m) = form.choose(method) {
            let _ = form.check(m, &pairs, None, &Credentials::new());
        }
    }
});
