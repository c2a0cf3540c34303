//! Deriving auth checks from API docs written in the style of real ones
//! (tests/fixtures/apidocs/<source>/: the doc and its spec), snapshotted.

use connector_auth::apidoc::ApiDoc;
use connector_auth::check;
use connector_auth::source::Source;

use crate::support::fixtures;

/// (fixture, whether everything can be derived)
const DOCS: &[(&str, bool)] = &[
    ("airtable", true),
    ("datadog", true),
    ("dynamics", true),
    ("freshdesk", true),
    ("github", true),
    ("google_analytics", true),
    ("hubspot", true),
    ("jira", true),
    ("mailchimp", true),
    ("nowhere", false),
    ("openweather", true),
    ("shopify", true),
    ("stripe", true),
    ("zendesk", true),
];

fn derived(name: &str) -> (String, check::Derived, connector_auth::spec::Spec) {
    let dir = fixtures().join("apidocs").join(name);
    let spec_text = std::fs::read_to_string(dir.join("connector_spec.yaml")).expect("spec");
    let spec = connector_auth::spec::load_str(Source::new("connector_spec.yaml", spec_text))
        .spec
        .expect("spec loads");
    let doc_name = format!("{name}_api_doc.md");
    let doc = ApiDoc::parse(&std::fs::read_to_string(dir.join(&doc_name)).expect("doc"));
    let derived = check::derive(&spec, Some(&doc), &doc_name);
    let text = check::render(&derived, spec.title(name), Some(&doc_name));
    (text, derived, spec)
}

#[test]
fn every_fixture_doc_has_an_expectation() {
    let on_disk = std::fs::read_dir(fixtures().join("apidocs"))
        .expect("apidocs")
        .count();
    assert_eq!(on_disk, DOCS.len());
    assert!(DOCS.len() >= 12);
}

#[test]
fn derived_checks_match_their_snapshots_and_lint_clean() {
    for (name, complete) in DOCS {
        let (text, derived, spec) = derived(name);
        insta::assert_snapshot!(format!("derived_{name}"), text);
        assert_eq!(
            derived.todos.is_empty(),
            *complete,
            "{name}: {:?}",
            derived.todos
        );
        let loaded = check::load_str(Source::new("auth_check.yaml", text.clone()), &spec);
        let errors: Vec<_> = loaded
            .findings
            .iter()
            .filter(|f| f.severity() == connector_auth::diagnostic::Severity::Error)
            .map(|f| f.rule.code())
            .collect();
        if *complete {
            assert!(errors.is_empty(), "{name}: {errors:?}\n{text}");
            assert_eq!(
                loaded.check.as_ref(),
                Some(&derived.file),
                "{name}: render → load changed the check"
            );
        } else {
            assert!(errors.contains(&"check-todo"), "{name}: {errors:?}");
        }
    }
}

/// The check derived from an inline spec and doc, written the way real
/// docs write these constructs.
fn first_check(spec: &str, doc: &str) -> (check::Check, check::Derived) {
    let spec = connector_auth::spec::load_str(Source::new("connector_spec.yaml", spec.to_string()))
        .spec
        .expect("spec loads");
    let derived = check::derive(&spec, Some(&ApiDoc::parse(doc)), "api_doc.md");
    let first = derived.file.checks.first().cloned().expect("a check");
    (first, derived)
}

#[test]
fn a_provider_issued_token_under_an_oauth_app_is_an_oauth_check() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: client_id, type: string, required: true}\n    - {name: client_secret, type: string, required: true, secret: true}\n",
        "## Auth\n\nThe connector swaps its client id and secret for a token, then sends\n\n```\nAuthorization: Bearer {access_token}\n```\n\n## Reading\n\n`GET https://api.payroll.example/api/v1/organisations`\n",
    );
    assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    assert_eq!(
        c.auth,
        check::Auth::OAUTH,
        "never a Bearer of the client secret"
    );
}

#[test]
fn a_header_of_key_pairs_sends_each_parameter_by_its_name() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: access_key, type: string, required: true, secret: true}\n    - {name: secret_key, type: string, required: true, secret: true}\n",
        "## Auth\n\n```\nX-ApiKeys: accessKey=ACCESS_KEY;secretKey=SECRET_KEY\n```\n\n```bash\ncurl https://cloud.vendor.example/session -H \"X-ApiKeys: accessKey=2a9b;secretKey=8c7d\"\n```\n",
    );
    assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    assert_eq!(
        c.auth,
        check::Auth::Header {
            name: "X-ApiKeys".into(),
            value: "accessKey={access_key};secretKey={secret_key}".into()
        }
    );
}

#[test]
fn a_secret_named_inside_an_encoded_credential_is_that_parameter() {
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: endpoint, type: string, required: true}\n    - {name: api_key, type: string, required: true, secret: true}\n",
        "- API key header: `Authorization: ApiKey <BASE64(api_key_id:api_key)>`\n- Bearer: `Authorization: Bearer <access_token>` (token service)\n\n```bash\ncurl -X GET \"https://<host>:9200/_cat/indices?format=json\"\n```\n",
    );
    assert_eq!(
        c.auth,
        check::Auth::Header {
            name: "Authorization".into(),
            value: "ApiKey {api_key}".into()
        }
    );
    assert_eq!(c.url, "{endpoint}/_cat/indices?format=json");
}

#[test]
fn what_the_doc_names_wins_over_a_lone_secret_guess() {
    // The key method's check takes the named `key=` query, not the Bearer
    // header of the other method the doc shows first.
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: api_key, type: string, required: true, secret: true}\n",
        "* OAuth: header `Authorization: Bearer {access_token}` for private data\n* Key: `?key=YOUR_API_KEY` on public reads\n\nExample: `GET https://www.example-video.com/data/v3/channels?part=id&key=YOUR_API_KEY`\n",
    );
    assert_eq!(
        c.auth,
        check::Auth::Query {
            name: "key".into(),
            value: "{api_key}".into()
        }
    );
}

#[test]
fn sample_path_segments_and_hosts_become_the_placeholders_the_doc_shows() {
    // Account in the path under a fixed host.
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: organization, type: string, required: true}\n    - {name: pat, type: string, required: true, secret: true}\n",
        "**Base URL**: `https://dev.tracker.example/{organization}`\n\n```bash\ncurl -u :{PAT} \"https://dev.tracker.example/contoso/_apis/projects?api-version=7.1\"\n```\n",
    );
    assert_eq!(
        c.url,
        "https://dev.tracker.example/{organization}/_apis/projects?api-version=7.1"
    );
    // The whole host is the parameter: a sample host stands for all of it.
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: hostname, type: string, required: true}\n    - {name: token, type: string, required: true, secret: true}\n",
        "- Base URL: `https://{hostname}/api/v2`\n\n```bash\ncurl -H \"Authorization: Bearer <TOKEN>\" \"https://yourcompany.foundry.example.com/api/v2/ontologies\"\n```\n",
    );
    assert_eq!(c.url, "https://{hostname}/api/v2/ontologies");
    // A URL parameter written in the host stands for the origin.
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: instance_url, type: string, required: true}\n    - {name: token, type: string, required: true, secret: true}\n",
        "Header `Authorization: Bearer <token>`.\n\n```\nGET https://<instance>.energy.example.com/api/schema/v1/schema?limit=1\n```\n",
    );
    assert_eq!(c.url, "{instance_url}/api/schema/v1/schema?limit=1");
}

#[test]
fn an_optional_base_url_takes_the_default_its_description_names() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: username, type: string, required: true}\n    - {name: password, type: string, required: true, secret: true}\n    - {name: base_url, type: string, required: false, description: Platform base URL. Defaults to https://scanapi.example.com.}\n",
        "Basic auth with `username` and `password`.\n\n`GET /api/2.0/fo/asset/host/?action=list`\n",
    );
    assert_eq!(c.url, "{base_url}/api/2.0/fo/asset/host/?action=list");
    assert_eq!(
        derived.file.default_value("base_url"),
        Some("https://scanapi.example.com")
    );
}

/// The derived check of one auth method.
fn method_check(derived: &check::Derived, method: &str) -> check::Check {
    derived
        .file
        .checks
        .iter()
        .find(|c| c.auth_method.as_deref() == Some(method))
        .cloned()
        .unwrap_or_else(|| panic!("no check for {method}: {:#?}", derived.file))
}

#[test]
fn each_method_sends_its_credential_its_own_way() {
    let spec = "connection:\n  auth_methods:\n    - name: basic\n      description: HTTP Basic authentication with a service user.\n      parameters:\n        - {name: username, required: true}\n        - {name: password, required: true, secret: true}\n    - name: api_key\n      parameters:\n        - {name: api_key, required: true, secret: true}\n        - {name: api_key_header, default: x-api-key, description: Header that carries the key.}\n    - name: bearer_token\n      parameters:\n        - {name: token, required: true, secret: true}\n";
    let doc = "## Authentication\n\nSend a token on every call:\n\n```\ncurl -H \"Authorization: Bearer <token>\" https://api.inventory.example/v2/me\n```\n\nor a user and password with HTTP Basic, or a key in the header your admin configured.\n";
    let (_, derived) = first_check(spec, doc);
    assert_eq!(
        method_check(&derived, "basic").auth,
        check::Auth::Basic {
            username: "{username}".into(),
            password: "{password}".into()
        },
        "a basic method never sends Bearer <password>"
    );
    assert_eq!(
        method_check(&derived, "api_key").auth,
        check::Auth::Header {
            name: "{api_key_header}".into(),
            value: "{api_key}".into()
        }
    );
    assert_eq!(
        derived.file.default_value("api_key_header"),
        Some("x-api-key")
    );
    assert_eq!(
        method_check(&derived, "bearer_token").auth,
        check::Auth::Bearer("{token}".into())
    );
}

#[test]
fn a_custom_header_the_doc_names_is_that_header() {
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: store, required: true}\n    - {name: access_token, required: true, secret: true}\n",
        "## Auth\n\nEvery call carries the app's token in `X-Storefront-Access-Token: {access_token}`;\nthe `Authorization` header is NOT used.\n\n`GET https://{store}.shopfront.example/admin/api/2024-01/shop.json`\n",
    );
    assert_eq!(
        c.auth,
        check::Auth::Header {
            name: "X-Storefront-Access-Token".into(),
            value: "{access_token}".into()
        }
    );
    assert_eq!(
        c.url,
        "https://{store}.shopfront.example/admin/api/2024-01/shop.json"
    );
}

#[test]
fn an_oauth_token_keeps_the_scheme_the_doc_shows() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: client_id, required: true}\n    - {name: client_secret, required: true, secret: true}\n    - {name: refresh_token, required: true, secret: true}\n  oauth:\n    authorization_url: https://accounts.crm.example/oauth/v2/auth\n    token_url: https://accounts.crm.example/oauth/v2/token\n",
        "## Auth\n\nAPI calls send the access token with its own prefix:\n\n```\nAuthorization: Crm-oauthtoken {access_token}\n```\n\n`GET https://www.crmapis.example/crm/v5/users?type=CurrentUser`\n",
    );
    assert_eq!(
        c.auth,
        check::Auth::OAuth {
            scheme: Some("Crm-oauthtoken".into())
        }
    );
    let text = check::render(&derived, "CRM", Some("api_doc.md"));
    assert!(
        text.contains("oauth: {scheme: \"Crm-oauthtoken\"}"),
        "{text}"
    );
}

#[test]
fn a_kerberos_example_is_no_basic_example() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: namenode_url, required: true}\n    - {name: keytab, required: true, secret: true}\n",
        "## Auth\n\nThe cluster uses Kerberos (SPNEGO):\n\n```\ncurl --negotiate -u : \"https://nn.cluster.example:9871/webhdfs/v1/?op=LISTSTATUS\"\n```\n",
    );
    assert!(
        !matches!(c.auth, check::Auth::Basic { .. }),
        "{:?} {:?}",
        c.auth,
        derived.todos
    );
}

#[test]
fn a_key_file_says_no_http_check_every_time_and_is_never_sent_as_a_token() {
    // Issue 24: a service account's key file is proved by the connector,
    // not by one request, even when the doc shows a request and a scope (a
    // person may still write a `jwt:` check by hand; tests/cli/methods.rs
    // runs one).
    let spec = "connection:\n  parameters:\n    - {name: project_id, required: true}\n    - {name: credentials_json, required: true, secret: true, description: The service account key file (JSON) as downloaded.}\n";
    let spec = connector_auth::spec::load_str(Source::new("connector_spec.yaml", spec.to_string()))
        .spec
        .expect("spec");
    for doc in [
        "## Auth\n\nThe connector signs in with a service account key and asks for the scope `https://auth.cloudstore.example/scopes/read`.\n\n```\ncurl -H \"Authorization: Bearer $(print-access-token)\" https://api.cloudstore.example/v1/projects/{project_id}/buckets\n```\n",
        "## Auth\n\nA service account.\n",
    ] {
        let derived = check::derive(&spec, Some(&ApiDoc::parse(doc)), "d.md");
        let reason = derived.file.no_http.as_deref().unwrap_or_default();
        assert!(reason.contains("service account"), "{:#?}", derived.file);
        assert!(derived.file.checks.is_empty(), "{:#?}", derived.file);
        assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    }
}

#[test]
fn an_example_url_with_spaces_in_its_query_is_kept_whole_and_encoded() {
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n",
        "## Auth\n\n`Authorization: Bearer {token}`\n\n## Reading\n\n```\nGET https://directory.example/v1.0/groups?$filter=kind eq 'Team'\n```\n",
    );
    assert_eq!(
        c.url,
        "https://directory.example/v1.0/groups?$filter=kind%20eq%20'Team'"
    );
}

#[test]
fn a_login_directory_id_never_replaces_a_fixed_api_host_label() {
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: tenant_id, required: true, description: Directory (tenant) ID of the app registration.}\n    - {name: client_id, required: true}\n    - {name: client_secret, required: true, secret: true}\n    - {name: organization, required: true, description: Organization name.}\n  oauth:\n    flow: m2m\n    token_url: https://login.identity.example/{tenant_id}/oauth2/v2.0/token\n",
        "## Authorization\n\nGet a token from `https://login.identity.example/{tenant_id}/oauth2/v2.0/token`, then call:\n\n```\nGET https://dev.boards.example/{organization}/_apis/projects?api-version=7.1\n```\n",
    );
    assert_eq!(
        c.url,
        "https://dev.boards.example/{organization}/_apis/projects?api-version=7.1"
    );
}

#[test]
fn a_sample_keys_prefix_is_part_of_the_key_not_sent_before_it() {
    let (c, _) = first_check(
        "connection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\n",
        "## Auth\n\n```\ncurl -H \"x-api-key: sk_YOUR_KEY_HERE\" https://api.trends.example/v1/me\n```\n",
    );
    assert_eq!(
        c.auth,
        check::Auth::Header {
            name: "x-api-key".into(),
            value: "{api_key}".into()
        }
    );
}

#[test]
fn a_servers_list_gives_the_base_and_the_request_named_as_the_connection_test_wins() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: api_token, type: string, required: true, secret: true}\n    - {name: organization_slug, type: string, required: true}\n",
        "## Security\n\nSend `Authorization: Bearer <token>`.\n\n## Servers\n\n| URL | Used |\n| --- | --- |\n| `https://agent.example.io/v3` | no (agent API) |\n| `https://api.example.io/v2` | yes |\n\n## Operations\n\n### getOrganization — `GET /organizations/{org.slug}`\n\nReturns the organization.\n\nNote: this is the connection test.\n\n### getToken — `GET /access-token`\n\n### CMS: GET https://api.example.io/v2/pipelines\n",
    );
    assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    assert_eq!(
        c.url,
        "https://api.example.io/v2/organizations/{organization_slug}"
    );
}

#[test]
fn the_host_of_a_raw_token_request_is_not_the_api_s_base() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: access_token, type: string, required: true, secret: true}\n    - {name: dc_domain, type: string, required: true}\n",
        "## Auth\n\nSend `Authorization: Bearer <token>`.\n\n```http\nPOST /oauth/v2/token HTTP/1.1\nHost: accounts.example.eu\n```\n\n## Endpoints\n\nBase: `https://desk.<dc_domain>/api/v1`.\n\n### `GET /myinfo`\n",
    );
    assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    assert_eq!(c.url, "https://desk.{dc_domain}/api/v1/myinfo");
}

#[test]
fn a_whole_host_the_person_types_is_where_the_check_goes() {
    let (c, derived) = first_check(
        "connection:\n  parameters:\n    - {name: portal_domain, type: string, required: true}\n    - {name: api_key, type: string, required: true, secret: true}\n",
        "## Auth\n\n`Authorization: Apikey <api_key>`\n\n## Reading\n\n```\ncurl -H \"Authorization: Apikey $KEY\" https://<portal_domain>/api/v2/catalog/datasets\n```\n",
    );
    assert!(derived.todos.is_empty(), "{:?}", derived.todos);
    assert_eq!(c.url, "https://{portal_domain}/api/v2/catalog/datasets");
}
