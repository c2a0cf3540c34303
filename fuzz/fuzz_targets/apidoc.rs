//! API doc extraction and drafting, then deriving a check from the draft.
#![no_main]
use connector_auth::apidoc::ApiDoc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let doc = ApiDoc::parse(text);
        let _ = doc.examples();
        let _ = doc.base_url();
        if let Ok(draft) = connector_auth::draft::draft(&doc, "fuzz") {
            let derived = connector_auth::check::derive(&draft.spec, Some(&doc), "fuzz_api_doc.md");
            let _ = connector_auth::check::render(&derived, "Fuzz", None);
        }
    }
});
