//! The form's words on specs written the way real ones are: labels keep
//! acronyms and the spec's casing, `*` inside quotes survives markdown,
//! method descriptions render their code, only credentials are masked, and
//! a heading shows only with a method that has fields under it.

use crate::support::{Repo, page};

const SPEC: &str = r#"display_name: Plant data
connection:
  parameters:
    - name: pi_base_url
      required: true
      description: Base URL of the PI Web API, such as `https://pi.plant.example/piwebapi`.
    - name: file_glob
      description: Which files to read, e.g. "*.hl7" (every message file).
  auth_methods:
    - name: oidc_client_credentials
      description: Sign in with an app registration; the token goes in `Authorization`.
      parameters:
        - {name: client_id, required: true}
        - {name: private_key, required: true, secret: true}
        - {name: private_key_algorithm, default: RS384, description: Signing algorithm.}
    - name: none
      description: No sign-in (an open test server).
      parameters: []
"#;

#[tokio::test]
async fn the_form_keeps_the_specs_words() {
    let repo = Repo::new();
    repo.spec("historian", SPEC);
    let running = repo.start(&["collect", "historian", "--port", "0", "--no-open"]);
    let html = page(&running).await;
    assert!(html.contains("PI base URL"), "{html}");
    assert!(!html.contains("Pi base URL"));
    assert!(html.contains("OIDC client credentials"), "{html}");
    assert!(html.contains(r#""*.hl7""#), "the glob survives: {html}");
    assert!(
        html.contains("the token goes in <code>Authorization</code>"),
        "{html}"
    );
    assert!(!html.contains("&lt;code&gt;"), "{html}");
    assert!(
        html.contains(r#"<textarea id="private_key" name="private_key" class="masked""#),
        "{html}"
    );
    assert!(
        html.contains(r#"id="private_key_algorithm" name="private_key_algorithm" type="text""#),
        "RS384 is not a secret: {html}"
    );
    // Every optional field belongs to a method or is shared: the shared
    // `file_glob` keeps the Optional heading for every method here.
    assert!(html.contains("<h2>Optional</h2>"), "{html}");
}

#[tokio::test]
async fn a_method_without_parameters_shows_no_empty_heading() {
    let repo = Repo::new();
    repo.spec(
        "historian",
        "connection:\n  auth_methods:\n    - name: api_key\n      parameters:\n        - {name: api_key, required: true, secret: true}\n        - {name: page_size, type: integer}\n    - name: none\n      parameters: []\n",
    );
    let running = repo.start(&["collect", "historian", "--port", "0", "--no-open"]);
    let html = page(&running).await;
    assert!(
        html.contains(r#"<h2 data-methods="api_key">Optional</h2>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<h2 data-methods="api_key">Required</h2>"#),
        "{html}"
    );
}
