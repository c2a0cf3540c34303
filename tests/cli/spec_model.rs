//! The spec model on the fixture corpus: what each fixture means, the views
//! later steps use, and render → load giving the same spec back.

use connector_auth::source::Source;
use connector_auth::spec::{self, AuthKind, Endpoint, Flow, ParamType, Spec};

use crate::support::{fixture_spec, good_specs};

fn load(name: &str) -> Spec {
    let loaded = spec::load_str(Source::new(name, fixture_spec(name)));
    let errors: Vec<_> = loaded
        .findings
        .iter()
        .filter(|f| f.severity() == connector_auth::diagnostic::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    loaded.spec.unwrap_or_else(|| panic!("{name}: no spec"))
}

fn names<'a>(params: impl IntoIterator<Item = &'a spec::Parameter>) -> Vec<&'a str> {
    params.into_iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn flat_parameters() {
    let spec = load("flat.yaml");
    assert_eq!(spec.display_name.as_deref(), Some("GitHub"));
    assert_eq!(names(spec.parameters_for(None)), ["token", "base_url"]);
    assert!(spec.parameters[0].required && spec.parameters[0].secret);
    assert!(!spec.parameters[1].required);
    assert!(
        spec.parameters[0]
            .description
            .as_deref()
            .is_some_and(|d| d.ends_with("Developer settings.") && !d.contains('\n'))
    );
    assert_eq!(spec.auth_kind(), AuthKind::Bearer);
    assert_eq!(spec.external_options_allowlist.as_deref(), Some(""));
}

#[test]
fn auth_methods_with_shared_parameters() {
    let spec = load("methods_shared.yaml");
    let token = spec.method("api_token").expect("method");
    assert_eq!(
        names(spec.parameters_for(Some(token))),
        ["subdomain", "email", "api_token"]
    );
    let password = spec.method("password").expect("method");
    assert_eq!(
        names(spec.parameters_for(Some(password))),
        ["subdomain", "email", "password"]
    );
    assert_eq!(spec.oauth_for(Some(token)), None);
    assert_eq!(spec.auth_kind(), AuthKind::Methods(2));
}

#[test]
fn u2m_with_extra_auth_params() {
    let spec = load("oauth_u2m.yaml");
    let oauth = spec.oauth_for(None).expect("oauth");
    assert_eq!(oauth.flow(), Flow::U2m);
    assert!(oauth.pkce);
    assert_eq!(
        oauth.scopes,
        ["https://www.googleapis.com/auth/analytics.readonly"]
    );
    assert_eq!(
        oauth.extra_auth_params,
        [
            ("access_type".to_string(), "offline".to_string()),
            ("prompt".into(), "consent".into())
        ]
    );
    let scope = spec.parameters_for(None);
    assert!(
        matches!(oauth.authorization_endpoint(&scope), Some(Endpoint::Block(u)) if u.value.contains("accounts.google.com"))
    );
    assert_eq!(spec.auth_kind(), AuthKind::OAuth(Flow::U2m));
}

#[test]
fn m2m_with_a_tenant_placeholder() {
    let spec = load("oauth_m2m.yaml");
    let oauth = spec.oauth.as_ref().expect("oauth");
    assert_eq!(oauth.flow(), Flow::M2m);
    let url = oauth.token_url.as_ref().expect("token url");
    assert_eq!(
        connector_auth::template::placeholders(&url.value)[0].1,
        "tenant_id"
    );
    assert_eq!(url.span.line, 24);
}

#[test]
fn oauth_inside_one_method_beside_an_api_key_method() {
    let spec = load("oauth_in_method.yaml");
    assert!(spec.parameters.is_empty());
    let private = spec.method("private_app").expect("method");
    let oauth_method = spec.method("oauth").expect("method");
    assert_eq!(spec.oauth_for(Some(private)), None);
    assert_eq!(
        spec.oauth_for(Some(oauth_method)).map(|o| o.flow()),
        Some(Flow::U2m)
    );
}

#[test]
fn typed_parameters() {
    let spec = load("typed.yaml");
    let kinds: Vec<_> = spec.parameters.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ParamType::String,
            ParamType::Integer,
            ParamType::Boolean,
            ParamType::Number
        ]
    );
    assert_eq!(spec.parameters[1].default.as_deref(), Some("100"));
    assert!(!spec.parameters[3].required, "required defaults to false");
}

#[test]
fn folded_unicode_descriptions() {
    let spec = load("folded_unicode.yaml");
    assert_eq!(spec.display_name.as_deref(), Some("Zoho CRM — Европа"));
    let host = spec.parameters[0]
        .description
        .as_deref()
        .expect("description");
    assert!(host.contains("(«invalid_client»)"));
    assert!(host.ends_with("日本: accounts.zoho.jp."));
    assert!(!host.contains('\n'), "folded lines join with spaces");
    let oauth = spec.oauth.as_ref().expect("oauth");
    assert_eq!(
        oauth.token_url.as_ref().map(|u| u.value.as_str()),
        Some("https://{accounts_host}/oauth/v2/token")
    );
}

#[test]
fn comments_and_unknown_keys_load() {
    let spec = load("comments_unknown.yaml");
    assert_eq!(spec.display_name.as_deref(), Some("Acme"));
    assert_eq!(names(&spec.parameters), ["api_key", "region"]);
    assert_eq!(spec.auth_kind(), AuthKind::ApiKey);
}

#[test]
fn real_world_bends_load() {
    let spec = load("bent.yaml");
    let none = spec.method("none").expect("none method");
    assert!(none.parameters.is_empty());
    let oauth_method = spec.method("oauth").expect("oauth method");
    let oauth = spec
        .oauth_for(Some(oauth_method))
        .expect("the block belongs to the method with client_id");
    assert_eq!(oauth.flow(), Flow::U2m, "inferred from authorization_url");
    assert_eq!(oauth.scopes, ["read", "offline_access"]);
    let scope = spec.parameters_for(Some(oauth_method));
    assert!(
        matches!(oauth.token_endpoint(&scope), Some(Endpoint::Parameter(p)) if p.name == "token_endpoint")
    );
    assert_eq!(spec.oauth_for(Some(none)), None);
}

#[test]
fn render_then_load_gives_the_same_spec_for_every_fixture() {
    for path in good_specs() {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let original = load(name);
        let text = spec::render(&original, &["rendered"]);
        let again = spec::load_str(Source::new("again.yaml", text.clone()));
        assert_eq!(again.spec.as_ref(), Some(&original), "{name}:\n{text}");
        let unknown = again
            .findings
            .iter()
            .filter(|f| f.rule.code() == "unknown-key")
            .count();
        assert_eq!(
            unknown, 0,
            "{name}: the renderer wrote an unknown key:\n{text}"
        );
    }
}

#[test]
fn rendered_spec_reads_like_a_hand_written_one() {
    let spec = load("folded_unicode.yaml");
    let text = spec::render(
        &spec,
        &[
            "connector_spec.yaml for Zoho CRM",
            "",
            "Review every description before committing.",
        ],
    );
    insta::assert_snapshot!("rendered_folded_unicode", text);
    let spec = load("methods_shared.yaml");
    insta::assert_snapshot!("rendered_methods_shared", spec::render(&spec, &[]));
}
