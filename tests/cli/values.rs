//! The values a person gives reach the request the way the doc says:
//! a region picks its host from the doc's table, a base URL override
//! replaces the derived base, a base URL with its path prefix is not
//! doubled, a data-centre label comes from the key's suffix, a host given
//! whole is normalised, and an example URL with spaces in its query is
//! sent encoded. Each derived from a doc and spec written for the test and
//! shown by `validate --dry-run`.

use crate::support::{Repo, validate};

/// A repo whose source `src` has `spec`, `doc` and `credentials`.
fn source(spec: &str, doc: &str, credentials: &str) -> Repo {
    let repo = Repo::new();
    repo.spec("src", spec)
        .api_doc("src", doc)
        .credentials("src", credentials);
    repo
}

/// The URL `validate --dry-run` would send for these credentials.
fn would_send(spec: &str, doc: &str, credentials: &str) -> String {
    let repo = source(spec, doc, credentials);
    let run = validate(&repo, &["src", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    run.stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("GET "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no request in {}", run.stdout))
}

const REGION_SPEC: &str = "connection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\n    - {name: data_region, description: \"'standard' (default) or 'eu' for the EU residency host.\"}\n";
const REGION_DOC: &str = "## Authorization\n\n```\ncurl -H \"X-Metrics-Key: {api_key}\" https://metrics.example/api/2/projects\n```\n\n### Residency\n\n| Residency | Base URL |\n|---|---|\n| Standard (default) | `https://metrics.example` |\n| EU | `https://analytics.eu.metrics.example` |\n";

#[test]
fn a_region_picks_its_host_from_the_docs_table() {
    for (credentials, sent) in [
        (
            r#"{"api_key": "k-1", "data_region": "eu"}"#,
            "https://analytics.eu.metrics.example/api/2/projects",
        ),
        (
            r#"{"api_key": "k-1", "data_region": "standard"}"#,
            "https://metrics.example/api/2/projects",
        ),
        (
            r#"{"api_key": "k-1"}"#,
            "https://metrics.example/api/2/projects",
        ),
    ] {
        assert_eq!(
            would_send(REGION_SPEC, REGION_DOC, credentials),
            sent,
            "{credentials}"
        );
    }
}

#[test]
fn a_region_not_in_the_table_is_a_bad_value_and_nothing_is_sent() {
    let repo = source(
        REGION_SPEC,
        REGION_DOC,
        r#"{"api_key": "k-1", "data_region": "mars"}"#,
    );
    let run = validate(&repo, &["src", "--dry-run"]);
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert!(run.all().contains("`standard`, `eu`"), "{}", run.all());
}

const BASE_SPEC: &str = "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n    - {name: base_url, description: \"API base URL including any path prefix. Defaults to https://api.tickets.example/api/v2.\"}\n";
const BASE_DOC: &str = "## Auth\n\n**Base URL**: `https://api.tickets.example/api/v2`\n\n`Authorization: Bearer {token}`\n\n`GET /api/v2/users/me`\n";

#[test]
fn a_base_url_override_replaces_the_derived_base() {
    assert_eq!(
        would_send(
            BASE_SPEC,
            BASE_DOC,
            r#"{"token": "t-1", "base_url": "https://proxy.acme.example/tickets"}"#
        ),
        "https://proxy.acme.example/tickets/users/me"
    );
    assert_eq!(
        would_send(BASE_SPEC, BASE_DOC, r#"{"token": "t-1"}"#),
        "https://api.tickets.example/api/v2/users/me"
    );
}

#[test]
fn a_base_url_with_its_path_prefix_is_not_doubled() {
    assert_eq!(
        would_send(
            BASE_SPEC,
            BASE_DOC,
            r#"{"token": "t-1", "base_url": "https://eu.tickets.example/api/v2/"}"#
        ),
        "https://eu.tickets.example/api/v2/users/me"
    );
}

#[test]
fn a_data_centre_label_comes_from_the_keys_suffix() {
    let spec = "connection:\n  parameters:\n    - {name: api_key, required: true, secret: true, description: \"The API key, such as 0123abcd-us21.\"}\n    - {name: dc, description: \"Data centre; when empty, the part after the last dash of the API key.\"}\n";
    let doc = "## Authorization\n\n```\ncurl -u anystring:{api_key} https://{dc}.api.newsletter.example/3.0/ping\n```\n";
    assert_eq!(
        would_send(spec, doc, r#"{"api_key": "0123abcd-us21"}"#),
        "https://us21.api.newsletter.example/3.0/ping"
    );
    assert_eq!(
        would_send(spec, doc, r#"{"api_key": "0123abcd-us21", "dc": "eu4"}"#),
        "https://eu4.api.newsletter.example/3.0/ping",
        "a value given wins"
    );
}

#[test]
fn a_host_given_whole_is_normalised() {
    let spec = "connection:\n  parameters:\n    - {name: shop, required: true, description: \"The shop's name, `acme` of acme.storefront.example.\"}\n    - {name: access_token, required: true, secret: true}\n";
    let doc = "## Auth\n\nSend `X-Storefront-Access-Token: {access_token}`.\n\n`GET https://{shop}.storefront.example/admin/api/2024-01/shop.json`\n";
    assert_eq!(
        would_send(
            spec,
            doc,
            r#"{"shop": "acme.storefront.example", "access_token": "t"}"#
        ),
        "https://acme.storefront.example/admin/api/2024-01/shop.json"
    );
    let spec = "connection:\n  parameters:\n    - {name: hostname, required: true, description: \"Your stack's host; a full URL is accepted.\"}\n    - {name: token, required: true, secret: true}\n";
    let doc = "## Auth\n\n`Authorization: Bearer {token}`\n\n`GET https://{hostname}/api/v1/me`\n";
    assert_eq!(
        would_send(
            spec,
            doc,
            r#"{"hostname": "https://acme.stack.example/", "token": "t"}"#
        ),
        "https://acme.stack.example/api/v1/me"
    );
}

#[test]
fn an_example_url_with_spaces_is_sent_encoded() {
    let spec = "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n";
    let doc = "## Auth\n\n`Authorization: Bearer {token}`\n\n```\nGET https://directory.example/v1.0/groups?$filter=kind eq 'Team'\n```\n";
    assert_eq!(
        would_send(spec, doc, r#"{"token": "t"}"#),
        "https://directory.example/v1.0/groups?$filter=kind%20eq%20%27Team%27"
    );
}

#[test]
fn a_region_row_in_words_is_matched_to_the_value_its_host_names() {
    let spec = "connection:\n  parameters:\n    - {name: access_token, required: true, secret: true}\n    - {name: region, description: \"Workspace region: 'us' (default), 'eu' or 'au'.\"}\n";
    let doc = "## Auth\n\n`Authorization: Bearer {access_token}`\n\n`GET https://api.chat.example/me`\n\n| Region | Base URL |\n|---|---|\n| US (default) | `https://api.chat.example` |\n| Europe | `https://api.eu.chat.example` |\n| Australia | `https://api.au.chat.example` |\n";
    for (region, host) in [
        ("eu", "api.eu.chat.example"),
        ("au", "api.au.chat.example"),
        ("us", "api.chat.example"),
    ] {
        assert_eq!(
            would_send(
                spec,
                doc,
                &format!(r#"{{"access_token": "tok-1", "region": "{region}"}}"#)
            ),
            format!("https://{host}/me")
        );
    }
}

const ACCOUNTS_SPEC: &str = "connection:\n  parameters:\n    - {name: client_id, required: true}\n    - {name: client_secret, required: true, secret: true}\n    - {name: refresh_token, required: true, secret: true}\n    - {name: accounts_server, description: \"The accounts host of your data centre, such as https://accounts.ledger.example.eu. Defaults to the US one.\"}\n  oauth:\n    flow: u2m\n    authorization_url: https://accounts.ledger.example.com/oauth/auth\n    token_url: https://accounts.ledger.example.com/oauth/token\n    scopes: \"books.read\"\n";
const ACCOUNTS_DOC: &str = "## Signing in\n\nEach data centre has its own accounts server and its own API host:\n\n| Data centre | Accounts server | API host |\n| --- | --- | --- |\n| United States | https://accounts.ledger.example.com | https://api.ledger.example.com |\n| Europe | https://accounts.ledger.example.eu | https://api.ledger.example.eu |\n| India | https://accounts.ledger.example.in | https://api.ledger.example.in |\n\nSend the access token as `Authorization: Bearer {access_token}`.\n\n`GET https://api.ledger.example.com/books/v1/organizations`\n";

#[test]
fn an_accounts_host_in_a_region_picks_that_regions_api_host() {
    let credentials = |accounts: &str| {
        format!(
            r#"{{"client_id": "c-1", "client_secret": "s-1", "refresh_token": "r-1"{accounts}}}"#
        )
    };
    assert_eq!(
        would_send(
            ACCOUNTS_SPEC,
            ACCOUNTS_DOC,
            &credentials(r#", "accounts_server": "https://accounts.ledger.example.eu""#)
        ),
        "https://api.ledger.example.eu/books/v1/organizations"
    );
    assert_eq!(
        would_send(
            ACCOUNTS_SPEC,
            ACCOUNTS_DOC,
            &credentials(r#", "accounts_server": "accounts.ledger.example.in""#)
        ),
        "https://api.ledger.example.in/books/v1/organizations"
    );
    assert_eq!(
        would_send(ACCOUNTS_SPEC, ACCOUNTS_DOC, &credentials("")),
        "https://api.ledger.example.com/books/v1/organizations"
    );
}

#[test]
fn an_accounts_host_in_a_region_takes_validates_token_request_there() {
    let repo = source(
        ACCOUNTS_SPEC,
        ACCOUNTS_DOC,
        r#"{"client_id": "c-1", "client_secret": "s-1", "refresh_token": "r-1", "accounts_server": "https://accounts.ledger.example.eu"}"#,
    );
    // The example hosts resolve nowhere: the token request is named as
    // not reachable, at the region's accounts host, never the default one.
    let run = validate(&repo, &["src"]);
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.all().contains("accounts.ledger.example.eu"),
        "{}",
        run.all()
    );
    assert!(
        !run.all().contains("accounts.ledger.example.com"),
        "{}",
        run.all()
    );
}
