//! Spec loading and lint: any bytes, no panic, bounded work.
#![no_main]
use connector_auth::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let loaded = connector_auth::spec::load_str(Source::new("fuzz.yaml", text.to_string()));
        if let Some(spec) = &loaded.spec {
            let _ = connector_auth::spec::lint(spec);
            let _ = connector_auth::spec::render(spec, &[]);
        }
        for finding in &loaded.findings {
            let _ = finding.render(&loaded.source, false);
        }
    }
});
