//! Properties over generated input: a spec renders and loads back to itself;
//! no credential value can add a path, query, fragment or header line to a
//! request; a secret never survives scrubbing in any encoding it travels in.

use base64::Engine;
use connector_auth::redact::Redactor;
use connector_auth::source::{Source, Span};
use connector_auth::spec::{self, AuthMethod, Flow, Located, OAuth, ParamType, Parameter, Spec};
use connector_auth::template;
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,15}"
}

/// Free text as a person writes it: unicode, punctuation, YAML's special
/// characters, but no leading/trailing blanks (descriptions are trimmed).
fn prose() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.:;#'\"{}\\[\\]&*!|>%@`éü日本→«»-]{1,120}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn parameter() -> impl Strategy<Value = Parameter> {
    (
        name(),
        prop_oneof![
            Just(ParamType::String),
            Just(ParamType::Integer),
            Just(ParamType::Boolean),
            Just(ParamType::Number)
        ],
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(prose()),
        proptest::option::of(
            "[a-zA-Z0-9 :/._-]{1,20}"
                .prop_map(|s| s.trim().to_string())
                .prop_filter("x", |s| !s.is_empty()),
        ),
    )
        .prop_map(
            |(name, kind, required, secret, description, default)| Parameter {
                name,
                kind,
                required,
                secret,
                description,
                default,
                span: Span::default(),
            },
        )
}

fn unique(params: Vec<Parameter>) -> Vec<Parameter> {
    let mut seen = std::collections::HashSet::new();
    params
        .into_iter()
        .filter(|p| seen.insert(p.name.clone()))
        .collect()
}

fn url() -> impl Strategy<Value = Located> {
    "https://[a-z]{1,10}\\.example\\.com/[a-z/{}_]{0,20}".prop_map(|value| Located {
        value,
        span: Span::default(),
    })
}

fn oauth() -> impl Strategy<Value = OAuth> {
    (
        proptest::option::of(prop_oneof![
            Just(Flow::M2m),
            Just(Flow::U2m),
            Just(Flow::U2mPerUser)
        ]),
        any::<bool>(),
        proptest::collection::vec("[a-z.:/_-]{1,12}", 0..4),
        proptest::option::of(url()),
        proptest::option::of(url()),
        proptest::collection::vec(
            (
                name(),
                "[a-z0-9 ]{1,10}"
                    .prop_map(|s| s.trim().to_string())
                    .prop_filter("x", |s| !s.is_empty()),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(flow, pkce, scopes, authorization_url, token_url, extra)| {
                let mut seen = std::collections::HashSet::new();
                OAuth {
                    flow,
                    pkce,
                    scopes,
                    authorization_url,
                    token_url,
                    device_authorization_url: None,
                    extra_auth_params: extra
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                    span: Span::default(),
                }
            },
        )
}

fn a_spec() -> impl Strategy<Value = Spec> {
    (
        proptest::option::of(prose()),
        proptest::collection::vec(parameter(), 0..5),
        proptest::collection::vec(
            (
                name(),
                proptest::option::of(prose()),
                proptest::collection::vec(parameter(), 0..4),
                proptest::option::of(oauth()),
            ),
            0..3,
        ),
        proptest::option::of(oauth()),
    )
        .prop_map(|(display_name, parameters, methods, oauth)| {
            let mut seen = std::collections::HashSet::new();
            Spec {
                display_name,
                parameters: unique(parameters),
                auth_methods: methods
                    .into_iter()
                    .filter(|(n, ..)| seen.insert(n.clone()))
                    .map(|(name, description, parameters, oauth)| AuthMethod {
                        name,
                        description,
                        parameters: unique(parameters),
                        oauth,
                        span: Span::default(),
                    })
                    .collect(),
                oauth,
                external_options_allowlist: Some(String::new()),
                span: Span::default(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_rendered_spec_loads_back_to_itself(spec in a_spec()) {
        let text = spec::render(&spec, &["generated"]);
        let loaded = spec::load_str(Source::new("generated.yaml", text.clone()));
        prop_assert_eq!(loaded.spec.as_ref(), Some(&spec), "{}", text);
    }

    #[test]
    fn credential_values_cannot_reshape_a_url(value in "\\PC{0,40}", tail in "[a-z/]{0,10}") {
        let template = format!("https://api.example.com/v1/{{id}}/{tail}");
        if let Ok(url) = template::fill_url(&template, |_| Some(value.clone())) {
            let parsed = url::Url::parse(&url).expect("a filled URL parses");
            prop_assert_eq!(parsed.host_str(), Some("api.example.com"));
            prop_assert!(parsed.query().is_none(), "query injected: {}", url);
            prop_assert!(parsed.fragment().is_none(), "fragment injected: {}", url);
            prop_assert_eq!(parsed.path_segments().map(|s| s.count()), Some(3 + tail.matches('/').count()));
        }
        if let Ok(host) = template::fill_url("https://{sub}.example.com/me", |_| Some(value.clone())) {
            let parsed = url::Url::parse(&host).expect("parses");
            prop_assert!(parsed.host_str().is_some_and(|h| h.ends_with(".example.com")), "{}", host);
            prop_assert_eq!(parsed.path(), "/me");
        }
        let header = template::fill_text("Token {key}", |_| Some(value.clone())).expect("fills");
        prop_assert!(!header.contains('\r') && !header.contains('\n'));
    }

    #[test]
    fn a_secret_never_survives_scrubbing(secret in "[ -~]{4,40}", user in "[a-z@.]{1,12}", noise in "[ -~]{0,40}") {
        let mut r = Redactor::new();
        r.add(&secret);
        r.add_basic(&user, &secret);
        let b64 = base64::engine::general_purpose::STANDARD;
        let forms = [
            secret.clone(),
            b64.encode(&secret),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&secret),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
            b64.encode(format!("{user}:{secret}")),
        ];
        for form in &forms {
            let text = format!("{noise}{form}{noise}");
            let clean = r.scrub(&text);
            prop_assert!(!clean.contains(form.as_str()), "{} survived in {}", form, clean);
        }
    }
}
