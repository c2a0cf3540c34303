//! The catalogue of well-known OAuth 2.0 providers: one table of data (a
//! name, the words docs use for it, the hosts that identify it, its
//! authorization and token endpoints, and the parameters its authorization
//! URL needs for a refresh token), in the manner of Go's x/oauth2
//! `endpoints` package. Drafting reads it to complete an `oauth` block a
//! doc names without its URLs; checks may read it to recognise a token
//! host. Adding a provider is one row; a `{tenant_id}` or `{okta_domain}`
//! placeholder stands for the part each account fills in.
//!
//! A base module (see docs/architecture.md): data that drafting reads; it imports no step.

/// One well-known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    pub name: &'static str,
    /// Lower-case words a doc names the provider's OAuth with ("google").
    pub words: &'static [&'static str],
    /// Hosts of its authorization and token endpoints (lower case).
    pub hosts: &'static [&'static str],
    pub authorization_url: &'static str,
    pub token_url: &'static str,
    /// Added to the authorization URL so the grant returns a refresh token
    /// (or a scope word that does, left to the doc's scopes).
    pub offline: &'static [(&'static str, &'static str)],
    /// Other hosts of the same endpoints (data centres, sovereign clouds).
    pub regions: &'static str,
    /// Words that fill the endpoints' `{tenant_id}` for every account
    /// ("the connector signs in through the `common` tenant").
    pub tenants: &'static [&'static str],
}

/// The catalogue.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "Google",
        words: &["google"],
        hosts: &["accounts.google.com", "oauth2.googleapis.com"],
        authorization_url: "https://accounts.google.com/o/oauth2/v2/auth",
        token_url: "https://oauth2.googleapis.com/token",
        offline: &[("access_type", "offline"), ("prompt", "consent")],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Microsoft identity platform",
        words: &[
            "microsoft identity platform",
            "microsoft entra",
            "entra id",
            "azure ad",
            "azure active directory",
        ],
        hosts: &["login.microsoftonline.com"],
        authorization_url: "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/authorize",
        token_url: "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token",
        offline: &[],
        regions: "national clouds use login.microsoftonline.us or login.partner.microsoftonline.cn",
        tenants: &["common", "organizations", "consumers"],
    },
    Provider {
        name: "Salesforce",
        words: &["salesforce"],
        hosts: &["login.salesforce.com", "test.salesforce.com"],
        authorization_url: "https://login.salesforce.com/services/oauth2/authorize",
        token_url: "https://login.salesforce.com/services/oauth2/token",
        offline: &[],
        regions: "sandboxes use test.salesforce.com; My Domain logins use the org's own host",
        tenants: &[],
    },
    Provider {
        name: "Zoho",
        words: &["zoho"],
        hosts: &[
            "accounts.zoho.com",
            "accounts.zoho.eu",
            "accounts.zoho.in",
            "accounts.zoho.com.au",
            "accounts.zoho.jp",
            "accounts.zohocloud.ca",
        ],
        authorization_url: "https://accounts.zoho.com/oauth/v2/auth",
        token_url: "https://accounts.zoho.com/oauth/v2/token",
        offline: &[("access_type", "offline"), ("prompt", "consent")],
        regions: "each data centre has its own accounts server: accounts.zoho.eu, .in, .com.au, .jp, accounts.zohocloud.ca",
        tenants: &[],
    },
    Provider {
        name: "HubSpot",
        words: &["hubspot"],
        hosts: &["app.hubspot.com", "api.hubapi.com"],
        authorization_url: "https://app.hubspot.com/oauth/authorize",
        token_url: "https://api.hubapi.com/oauth/v1/token",
        offline: &[],
        regions: "EU accounts authorize at app-eu1.hubspot.com",
        tenants: &[],
    },
    Provider {
        name: "GitHub",
        words: &["github"],
        hosts: &["github.com"],
        authorization_url: "https://github.com/login/oauth/authorize",
        token_url: "https://github.com/login/oauth/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Atlassian",
        words: &["atlassian", "jira cloud", "confluence cloud"],
        hosts: &["auth.atlassian.com"],
        authorization_url: "https://auth.atlassian.com/authorize",
        token_url: "https://auth.atlassian.com/oauth/token",
        offline: &[("audience", "api.atlassian.com"), ("prompt", "consent")],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Xero",
        words: &["xero"],
        hosts: &["login.xero.com", "identity.xero.com"],
        authorization_url: "https://login.xero.com/identity/connect/authorize",
        token_url: "https://identity.xero.com/connect/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Dropbox",
        words: &["dropbox"],
        hosts: &["www.dropbox.com", "api.dropboxapi.com"],
        authorization_url: "https://www.dropbox.com/oauth2/authorize",
        token_url: "https://api.dropboxapi.com/oauth2/token",
        offline: &[("token_access_type", "offline")],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Box",
        words: &["box oauth", "box.com"],
        hosts: &["account.box.com", "api.box.com"],
        authorization_url: "https://account.box.com/api/oauth2/authorize",
        token_url: "https://api.box.com/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Asana",
        words: &["asana"],
        hosts: &["app.asana.com"],
        authorization_url: "https://app.asana.com/-/oauth_authorize",
        token_url: "https://app.asana.com/-/oauth_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Slack",
        words: &["slack"],
        hosts: &["slack.com"],
        authorization_url: "https://slack.com/oauth/v2/authorize",
        token_url: "https://slack.com/api/oauth.v2.access",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Intuit",
        words: &["intuit", "quickbooks"],
        hosts: &["appcenter.intuit.com", "oauth.platform.intuit.com"],
        authorization_url: "https://appcenter.intuit.com/connect/oauth2",
        token_url: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "LinkedIn",
        words: &["linkedin"],
        hosts: &["www.linkedin.com"],
        authorization_url: "https://www.linkedin.com/oauth/v2/authorization",
        token_url: "https://www.linkedin.com/oauth/v2/accessToken",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Zoom",
        words: &["zoom"],
        hosts: &["zoom.us"],
        authorization_url: "https://zoom.us/oauth/authorize",
        token_url: "https://zoom.us/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Mailchimp",
        words: &["mailchimp"],
        hosts: &["login.mailchimp.com"],
        authorization_url: "https://login.mailchimp.com/oauth2/authorize",
        token_url: "https://login.mailchimp.com/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Pinterest",
        words: &["pinterest"],
        hosts: &["www.pinterest.com", "api.pinterest.com"],
        authorization_url: "https://www.pinterest.com/oauth/",
        token_url: "https://api.pinterest.com/v5/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Square",
        words: &["square"],
        hosts: &["connect.squareup.com"],
        authorization_url: "https://connect.squareup.com/oauth2/authorize",
        token_url: "https://connect.squareup.com/oauth2/token",
        offline: &[],
        regions: "the sandbox uses connect.squareupsandbox.com",
        tenants: &[],
    },
    Provider {
        name: "DocuSign",
        words: &["docusign"],
        hosts: &["account.docusign.com", "account-d.docusign.com"],
        authorization_url: "https://account.docusign.com/oauth/auth",
        token_url: "https://account.docusign.com/oauth/token",
        offline: &[],
        regions: "the developer sandbox uses account-d.docusign.com",
        tenants: &[],
    },
    Provider {
        name: "Notion",
        words: &["notion"],
        hosts: &["api.notion.com"],
        authorization_url: "https://api.notion.com/v1/oauth/authorize",
        token_url: "https://api.notion.com/v1/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Airtable",
        words: &["airtable"],
        hosts: &["airtable.com"],
        authorization_url: "https://airtable.com/oauth2/v1/authorize",
        token_url: "https://airtable.com/oauth2/v1/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Calendly",
        words: &["calendly"],
        hosts: &["auth.calendly.com"],
        authorization_url: "https://auth.calendly.com/oauth/authorize",
        token_url: "https://auth.calendly.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Stripe",
        words: &["stripe connect", "stripe"],
        hosts: &["connect.stripe.com"],
        authorization_url: "https://connect.stripe.com/oauth/authorize",
        token_url: "https://connect.stripe.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Typeform",
        words: &["typeform"],
        hosts: &["api.typeform.com"],
        authorization_url: "https://api.typeform.com/oauth/authorize",
        token_url: "https://api.typeform.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "eBay",
        words: &["ebay"],
        hosts: &["auth.ebay.com", "api.ebay.com"],
        authorization_url: "https://auth.ebay.com/oauth2/authorize",
        token_url: "https://api.ebay.com/identity/v1/oauth2/token",
        offline: &[],
        regions: "the sandbox uses auth.sandbox.ebay.com and api.sandbox.ebay.com",
        tenants: &[],
    },
    Provider {
        name: "GitLab",
        words: &["gitlab"],
        hosts: &["gitlab.com"],
        authorization_url: "https://gitlab.com/oauth/authorize",
        token_url: "https://gitlab.com/oauth/token",
        offline: &[],
        regions: "a self-managed GitLab serves the same paths on its own host",
        tenants: &[],
    },
    Provider {
        name: "Bitbucket",
        words: &["bitbucket"],
        hosts: &["bitbucket.org"],
        authorization_url: "https://bitbucket.org/site/oauth2/authorize",
        token_url: "https://bitbucket.org/site/oauth2/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Spotify",
        words: &["spotify"],
        hosts: &["accounts.spotify.com"],
        authorization_url: "https://accounts.spotify.com/authorize",
        token_url: "https://accounts.spotify.com/api/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Reddit",
        words: &["reddit"],
        hosts: &["www.reddit.com"],
        authorization_url: "https://www.reddit.com/api/v1/authorize",
        token_url: "https://www.reddit.com/api/v1/access_token",
        offline: &[("duration", "permanent")],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Discord",
        words: &["discord"],
        hosts: &["discord.com"],
        authorization_url: "https://discord.com/oauth2/authorize",
        token_url: "https://discord.com/api/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Twitch",
        words: &["twitch"],
        hosts: &["id.twitch.tv"],
        authorization_url: "https://id.twitch.tv/oauth2/authorize",
        token_url: "https://id.twitch.tv/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Strava",
        words: &["strava"],
        hosts: &["www.strava.com"],
        authorization_url: "https://www.strava.com/oauth/authorize",
        token_url: "https://www.strava.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Fitbit",
        words: &["fitbit"],
        hosts: &["www.fitbit.com", "api.fitbit.com"],
        authorization_url: "https://www.fitbit.com/oauth2/authorize",
        token_url: "https://api.fitbit.com/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Vimeo",
        words: &["vimeo"],
        hosts: &["api.vimeo.com"],
        authorization_url: "https://api.vimeo.com/oauth/authorize",
        token_url: "https://api.vimeo.com/oauth/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Etsy",
        words: &["etsy"],
        hosts: &["www.etsy.com", "api.etsy.com"],
        authorization_url: "https://www.etsy.com/oauth/connect",
        token_url: "https://api.etsy.com/v3/public/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Login with Amazon",
        words: &["login with amazon", "lwa"],
        hosts: &["www.amazon.com", "api.amazon.com"],
        authorization_url: "https://www.amazon.com/ap/oa",
        token_url: "https://api.amazon.com/auth/o2/token",
        offline: &[],
        regions: "Europe and the Far East use eu.account.amazon.com / api.amazon.co.uk and apac.account.amazon.com / api.amazon.co.jp",
        tenants: &[],
    },
    Provider {
        name: "Pipedrive",
        words: &["pipedrive"],
        hosts: &["oauth.pipedrive.com"],
        authorization_url: "https://oauth.pipedrive.com/oauth/authorize",
        token_url: "https://oauth.pipedrive.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "monday.com",
        words: &["monday.com"],
        hosts: &["auth.monday.com"],
        authorization_url: "https://auth.monday.com/oauth2/authorize",
        token_url: "https://auth.monday.com/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Smartsheet",
        words: &["smartsheet"],
        hosts: &["app.smartsheet.com", "api.smartsheet.com"],
        authorization_url: "https://app.smartsheet.com/b/authorize",
        token_url: "https://api.smartsheet.com/2.0/token",
        offline: &[],
        regions: "Smartsheet regions EU and Gov use app.smartsheet.eu / api.smartsheet.eu and app.smartsheetgov.com / api.smartsheetgov.com",
        tenants: &[],
    },
    Provider {
        name: "Webflow",
        words: &["webflow"],
        hosts: &["webflow.com", "api.webflow.com"],
        authorization_url: "https://webflow.com/oauth/authorize",
        token_url: "https://api.webflow.com/oauth/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Linear",
        words: &["linear"],
        hosts: &["linear.app", "api.linear.app"],
        authorization_url: "https://linear.app/oauth/authorize",
        token_url: "https://api.linear.app/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Harvest",
        words: &["getharvest"],
        hosts: &["id.getharvest.com"],
        authorization_url: "https://id.getharvest.com/oauth2/authorize",
        token_url: "https://id.getharvest.com/api/v2/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Outreach",
        words: &["outreach"],
        hosts: &["api.outreach.io"],
        authorization_url: "https://api.outreach.io/oauth/authorize",
        token_url: "https://api.outreach.io/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Salesloft",
        words: &["salesloft"],
        hosts: &["accounts.salesloft.com"],
        authorization_url: "https://accounts.salesloft.com/oauth/authorize",
        token_url: "https://accounts.salesloft.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Constant Contact",
        words: &["constant contact"],
        hosts: &["authz.constantcontact.com"],
        authorization_url: "https://authz.constantcontact.com/oauth2/default/v1/authorize",
        token_url: "https://authz.constantcontact.com/oauth2/default/v1/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Eventbrite",
        words: &["eventbrite"],
        hosts: &["www.eventbrite.com"],
        authorization_url: "https://www.eventbrite.com/oauth/authorize",
        token_url: "https://www.eventbrite.com/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Wrike",
        words: &["wrike"],
        hosts: &["login.wrike.com"],
        authorization_url: "https://login.wrike.com/oauth2/authorize/v4",
        token_url: "https://login.wrike.com/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Lever",
        words: &["lever"],
        hosts: &["auth.lever.co"],
        authorization_url: "https://auth.lever.co/authorize",
        token_url: "https://auth.lever.co/oauth/token",
        offline: &[],
        regions: "the sandbox uses sandbox-lever.auth0.com",
        tenants: &[],
    },
    Provider {
        name: "Procore",
        words: &["procore"],
        hosts: &["login.procore.com"],
        authorization_url: "https://login.procore.com/oauth/authorize",
        token_url: "https://login.procore.com/oauth/token",
        offline: &[],
        regions: "the sandbox uses login-sandbox.procore.com",
        tenants: &[],
    },
    Provider {
        name: "Keap",
        words: &["keap", "infusionsoft"],
        hosts: &["accounts.infusionsoft.com", "api.infusionsoft.com"],
        authorization_url: "https://accounts.infusionsoft.com/app/oauth/authorize",
        token_url: "https://api.infusionsoft.com/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Webex",
        words: &["webex"],
        hosts: &["webexapis.com"],
        authorization_url: "https://webexapis.com/v1/authorize",
        token_url: "https://webexapis.com/v1/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Miro",
        words: &["miro"],
        hosts: &["miro.com", "api.miro.com"],
        authorization_url: "https://miro.com/oauth/authorize",
        token_url: "https://api.miro.com/v1/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Gusto",
        words: &["gusto"],
        hosts: &["api.gusto.com"],
        authorization_url: "https://api.gusto.com/oauth/authorize",
        token_url: "https://api.gusto.com/oauth/token",
        offline: &[],
        regions: "the demo environment uses api.gusto-demo.com",
        tenants: &[],
    },
    Provider {
        name: "Intercom",
        words: &["intercom"],
        hosts: &["app.intercom.com", "api.intercom.io"],
        authorization_url: "https://app.intercom.com/oauth",
        token_url: "https://api.intercom.io/auth/eagle/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "FreshBooks",
        words: &["freshbooks"],
        hosts: &["auth.freshbooks.com", "api.freshbooks.com"],
        authorization_url: "https://auth.freshbooks.com/oauth/authorize",
        token_url: "https://api.freshbooks.com/auth/oauth/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Facebook",
        words: &["facebook", "meta marketing", "meta graph"],
        hosts: &["www.facebook.com", "graph.facebook.com"],
        authorization_url: "https://www.facebook.com/dialog/oauth",
        token_url: "https://graph.facebook.com/oauth/access_token",
        offline: &[],
        regions: "Graph API versions may prefix the paths (/v19.0/dialog/oauth)",
        tenants: &[],
    },
    Provider {
        name: "Twitter",
        words: &["twitter"],
        hosts: &["twitter.com", "api.twitter.com"],
        authorization_url: "https://twitter.com/i/oauth2/authorize",
        token_url: "https://api.twitter.com/2/oauth2/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Todoist",
        words: &["todoist"],
        hosts: &["todoist.com"],
        authorization_url: "https://todoist.com/oauth/authorize",
        token_url: "https://todoist.com/oauth/access_token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Brex",
        words: &["brex"],
        hosts: &["accounts-api.brex.com"],
        authorization_url: "https://accounts-api.brex.com/oauth2/default/v1/authorize",
        token_url: "https://accounts-api.brex.com/oauth2/default/v1/token",
        offline: &[],
        regions: "",
        tenants: &[],
    },
    Provider {
        name: "Okta",
        words: &["okta"],
        hosts: &[],
        authorization_url: "https://{okta_domain}/oauth2/default/v1/authorize",
        token_url: "https://{okta_domain}/oauth2/default/v1/token",
        offline: &[],
        regions: "these are the `default` custom authorization server's endpoints; another server has its own id in place of `default`, and the org server drops it (/oauth2/v1/…)",
        tenants: &[],
    },
    Provider {
        name: "Auth0",
        words: &["auth0"],
        hosts: &[],
        authorization_url: "https://{auth0_domain}/authorize",
        token_url: "https://{auth0_domain}/oauth/token",
        offline: &[],
        regions: "a custom domain replaces the tenant's *.auth0.com host",
        tenants: &[],
    },
    Provider {
        name: "Keycloak",
        words: &["keycloak"],
        hosts: &[],
        authorization_url: "https://{keycloak_host}/realms/{realm}/protocol/openid-connect/auth",
        token_url: "https://{keycloak_host}/realms/{realm}/protocol/openid-connect/token",
        offline: &[],
        regions: "Keycloak before version 17 serves them under /auth/realms/…",
        tenants: &[],
    },
];

/// The provider whose endpoint host a URL (or a `Host:` line's value) names.
pub fn by_host(text: &str) -> Option<&'static Provider> {
    let t = text.to_ascii_lowercase();
    let host = t
        .split_once("://")
        .map_or(t.as_str(), |(_, r)| r)
        .split(['/', '?', '#', ' ', '`'])
        .next()
        .unwrap_or("");
    PROVIDERS.iter().find(|p| p.hosts.contains(&host))
}

/// The provider a line names as the OAuth it uses ("Google OAuth 2.0",
/// "Xero OAuth", "authorization code flow on the Microsoft identity
/// platform"): one of its words as a whole word, near "OAuth" or in a
/// line naming the grant.
pub fn named(line: &str) -> Option<&'static Provider> {
    static WORDS: crate::words::WordList = crate::words::WordList::new(NAMED_WITH);
    let t = line.to_lowercase();
    // Most lines name neither: one pass turns them away; most of the rest
    // name no provider: a second pass over every provider's words.
    if !WORDS.any_in(&t) || !any_provider_word(&t) {
        return None;
    }
    let grant = t.contains("authorization code") || t.contains("client credentials");
    // "Entra ID tokens issued by the Microsoft identity platform" names
    // the provider as plainly as "Microsoft OAuth" does.
    let oauth: Vec<usize> = t
        .match_indices("oauth")
        .chain(t.match_indices("issued by"))
        .map(|(at, _)| at)
        .collect();
    if oauth.is_empty() && !grant {
        return None;
    }
    PROVIDERS.iter().find(|p| {
        p.words.iter().any(|w| {
            t.match_indices(w).any(|(at, _)| {
                // A whole word, not part of another ("boxes", "googleapis").
                let before = t[..at].chars().next_back();
                let after = t[at + w.len()..].chars().next();
                let part = |c: char| c.is_alphanumeric() || ".-_/@".contains(c);
                let whole = !before.is_some_and(part) && !after.is_some_and(part);
                let near = oauth
                    .iter()
                    .any(|o| o.abs_diff(at) <= w.len() + NEAR || o.abs_diff(at + w.len()) <= NEAR);
                whole && (near || grant)
            })
        })
    })
}

/// Whether `t` holds one of the providers' words, anywhere.
fn any_provider_word(t: &str) -> bool {
    static ALL: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| {
        aho_corasick::AhoCorasick::new(PROVIDERS.iter().flat_map(|p| p.words.iter())).ok()
    });
    // Without the automaton (it cannot fail on these words), every line is read.
    all.as_ref().is_none_or(|a| a.is_match(t))
}

/// The words a line [`named`] finds a provider in holds, one at least.
pub const NAMED_WITH: &[&str] = &[
    "oauth",
    "authorization code",
    "client credentials",
    "issued by",
];

/// How far "OAuth" may stand from the provider's name, in bytes.
const NEAR: usize = 24;

/// The provider one of whose endpoints a URL is (same host, and a path the
/// endpoint's starts with), or whose endpoint host a `Host:` value names.
pub fn endpoint(url: &str) -> Option<&'static Provider> {
    let u = url.to_ascii_lowercase();
    let Some((_, rest)) = u.split_once("://") else {
        return by_host(&u);
    };
    let path = |e: &str| {
        let r = e.split_once("://").map_or(e, |(_, r)| r);
        r.find('/').map_or(String::new(), |i| r[i..].to_string())
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let own = rest.get(host.len()..).unwrap_or("");
    PROVIDERS.iter().find(|p| {
        p.hosts.contains(&host)
            && [p.token_url, p.authorization_url].iter().any(|e| {
                let ep = path(e);
                let stem = ep.split('{').next().unwrap_or("");
                !stem.is_empty() && stem != "/" && own.starts_with(stem)
                    || ep.contains('{') && own.contains(ep.rsplit('}').next().unwrap_or("\0"))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_complete_https_and_names_its_own_hosts_unless_each_account_has_one() {
        for p in PROVIDERS {
            for url in [p.authorization_url, p.token_url] {
                assert!(url.starts_with("https://"), "{}: {url}", p.name);
            }
            assert!(!p.words.is_empty(), "{}", p.name);
            // Each account's own host (Okta, Auth0, Keycloak): no host to name.
            if p.token_url.starts_with("https://{") {
                assert!(p.hosts.is_empty(), "{}", p.name);
                continue;
            }
            assert!(by_host(p.token_url).is_some(), "{}", p.name);
            assert!(!p.hosts.is_empty(), "{}", p.name);
        }
    }

    #[test]
    fn providers_by_host_and_by_name() {
        // "Host: login.microsoftonline.com" over a token request.
        assert_eq!(
            by_host("login.microsoftonline.com").map(|p| p.name),
            Some("Microsoft identity platform")
        );
        assert_eq!(
            by_host("https://oauth2.googleapis.com/token").map(|p| p.name),
            Some("Google")
        );
        assert_eq!(by_host("https://api.acme.example/token"), None);
        // An API host whose token path is the endpoint, and its other paths are not.
        assert_eq!(
            endpoint("https://api.ebay.com/identity/v1/oauth2/token").map(|p| p.name),
            Some("eBay")
        );
        assert_eq!(
            endpoint("https://api.ebay.com/sell/fulfillment/v1/order"),
            None
        );
        // An API host that is also an endpoint host is not an endpoint.
        assert_eq!(endpoint("https://slack.com/api/conversations.list"), None);
        assert_eq!(
            endpoint("https://slack.com/api/oauth.v2.access").map(|p| p.name),
            Some("Slack")
        );
        assert_eq!(
            endpoint("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
                .map(|p| p.name),
            Some("Microsoft identity platform")
        );
        assert_eq!(
            named("Sign-in is Google OAuth 2.0 with a desktop client.").map(|p| p.name),
            Some("Google")
        );
        assert_eq!(
            named("Microsoft identity platform, authorization code flow, delegated.")
                .map(|p| p.name),
            Some("Microsoft identity platform")
        );
        // A provider named without OAuth, far from it, or inside another
        // word, is not it.
        assert_eq!(named("Exports land in Google Drive."), None);
        assert_eq!(
            named("With OAuth, call https://login.mailchimp.com/oauth2/metadata"),
            None
        );
        assert_eq!(
            named("The Dropbox Sign API supports two schemes: an API key (HTTP Basic) and OAuth."),
            None
        );
        assert_eq!(named("OAuth tokens for the inboxes API"), None);
    }
}
