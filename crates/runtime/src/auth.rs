//! The three ways to authenticate: an account API key, an installed app's OAuth client
//! credentials, or a raw access token.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

/// A secret string (API key, app secret, access token) that never shows in `Debug` output or logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; use it only where it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How the client authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An account API key from the API Keys Manager, sent as is in `Authorization`, with the site
    /// (`wix-site-id`) or account (`wix-account-id`) it acts on.
    ApiKey {
        /// The key.
        key: Secret,
        /// `wix-site-id` for site-level calls, or `None` for account-level calls.
        site_id: Option<String>,
        /// `wix-account-id` for account-level calls.
        account_id: Option<String>,
    },
    /// An installed app's OAuth client credentials. The client asks
    /// `POST /oauth2/token` for an access token, caches it and renews it before it expires.
    OAuthApp {
        /// The app ID.
        client_id: String,
        /// The app secret.
        client_secret: Secret,
        /// The app instance ID of the site (from the App Installed webhook).
        instance_id: String,
    },
    /// An access token obtained elsewhere, sent as is.
    AccessToken(Secret),
}

impl Credentials {
    /// An API key acting on one site (`wix-site-id`).
    pub fn api_key_for_site(key: impl Into<Secret>, site_id: impl Into<String>) -> Self {
        Credentials::ApiKey {
            key: key.into(),
            site_id: Some(site_id.into()),
            account_id: None,
        }
    }

    /// An API key acting on an account (`wix-account-id`).
    pub fn api_key_for_account(key: impl Into<Secret>, account_id: impl Into<String>) -> Self {
        Credentials::ApiKey {
            key: key.into(),
            site_id: None,
            account_id: Some(account_id.into()),
        }
    }

    /// An installed app's client credentials: app ID, app secret and the site's instance ID.
    pub fn oauth_app(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        instance_id: impl Into<String>,
    ) -> Self {
        Credentials::OAuthApp {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            instance_id: instance_id.into(),
        }
    }

    /// A raw access token.
    pub fn access_token(token: impl Into<Secret>) -> Self {
        Credentials::AccessToken(token.into())
    }
}

/// The body `POST /oauth2/token` answers with.
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: Secret,
    #[serde(default = "default_expires_in")]
    pub(crate) expires_in: u64,
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Wix's documented token lifetime: 4 hours.
fn default_expires_in() -> u64 {
    4 * 60 * 60
}

/// An access token and when it must be renewed.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: Secret,
    pub(crate) renew_at: Instant,
}

/// The app token cache. The mutex is held across a renewal, so concurrent callers wait for the
/// one renewal in flight instead of starting their own.
#[derive(Default)]
pub(crate) struct TokenCache {
    pub(crate) slot: Mutex<Option<CachedToken>>,
}

/// Renew this long before the token expires, so a call never leaves with a token about to lapse.
pub(crate) const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

impl CachedToken {
    pub(crate) fn new(response: TokenResponse, now: Instant) -> Self {
        let lifetime = Duration::from_secs(response.expires_in);
        CachedToken {
            token: response.access_token,
            renew_at: now + lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2),
        }
    }
}
