//! Webhooks signed the way Wix signs them: an RS256 JWT whose `data` claim is a JSON string of
//! `{eventType, instanceId, data, identity}` (`data` and `identity` JSON strings again), with
//! numeric `iat` and `exp`.
//!
//! [`WebhookSigner::test_key`] signs with a test-only key pair committed in this crate; give
//! [`TEST_PUBLIC_KEY_PEM`] to the app's verifier in its tests.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The test key pair's private key. **Public, so it protects nothing**: for tests only; never
/// configure a real app with its public half.
pub const TEST_PRIVATE_KEY_PEM: &[u8] = include_bytes!("../keys/test-private.pem");

/// The test key pair's public key: what the app's `WebhookVerifier` trusts in its tests.
pub const TEST_PUBLIC_KEY_PEM: &[u8] = include_bytes!("../keys/test-public.pem");

/// The app instance a [`Webhook`] is for unless told otherwise.
pub const TEST_INSTANCE_ID: &str = "00000000-0000-4000-8000-000000000001";

/// A webhook to sign: its event type, payload and envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    event_type: String,
    instance_id: String,
    data: Value,
    identity: Option<Value>,
    issued_at: u64,
    expires_at: u64,
}

impl Webhook {
    /// A webhook of `event_type` (`ProductCreated`, `wix.ecom.v1.order_created`) carrying `data`
    /// (for domain events, the envelope: `{"id", "entityFqdn", "createdEvent": ...}`, with the
    /// entity as Wix sends it, a string of JSON: `{"entityAsJson": "{\"id\":...}"}`), for
    /// [`TEST_INSTANCE_ID`], issued now and valid for an hour.
    pub fn new(event_type: impl Into<String>, data: Value) -> Webhook {
        let now = unix_now();
        Webhook {
            event_type: event_type.into(),
            instance_id: TEST_INSTANCE_ID.to_owned(),
            data,
            identity: None,
            issued_at: now,
            expires_at: now.saturating_add(3600),
        }
    }

    /// For this app instance.
    #[must_use]
    pub fn instance(mut self, instance_id: impl Into<String>) -> Webhook {
        self.instance_id = instance_id.into();
        self
    }

    /// With this identity (who caused the event), e.g.
    /// `{"identityType": "WIX_USER", "wixUserId": "..."}`.
    #[must_use]
    pub fn identity(mut self, identity: Value) -> Webhook {
        self.identity = Some(identity);
        self
    }

    /// Issued at `seconds` since the epoch (`iat`); an old one tests the verifier's age check.
    #[must_use]
    pub fn issued_at(mut self, seconds: u64) -> Webhook {
        self.issued_at = seconds;
        self
    }

    /// Expiring at `seconds` since the epoch (`exp`).
    #[must_use]
    pub fn expires_at(mut self, seconds: u64) -> Webhook {
        self.expires_at = seconds;
        self
    }

    /// The JWT claims Wix would send for it.
    pub fn claims(&self) -> Value {
        let mut envelope = json!({
            "eventType": self.event_type,
            "instanceId": self.instance_id,
            "data": self.data.to_string(),
        });
        if let Some(identity) = &self.identity {
            envelope["identity"] = Value::String(identity.to_string());
        }
        json!({"data": envelope.to_string(), "iat": self.issued_at, "exp": self.expires_at})
    }
}

/// Signs [`Webhook`]s RS256 with a private key.
#[derive(Clone)]
pub struct WebhookSigner {
    key: EncodingKey,
}

impl fmt::Debug for WebhookSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSigner")
            .field("algorithm", &"RS256")
            .finish_non_exhaustive()
    }
}

/// A private key that is not an RSA private key in PEM form.
#[derive(Debug)]
pub struct KeyError(String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RSA private key in PEM form: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

impl WebhookSigner {
    /// Signs with the test key pair ([`TEST_PRIVATE_KEY_PEM`]); verify with
    /// [`TEST_PUBLIC_KEY_PEM`].
    pub fn test_key() -> WebhookSigner {
        match WebhookSigner::from_pem(TEST_PRIVATE_KEY_PEM) {
            Ok(signer) => signer,
            Err(e) => unreachable!("the committed test key is an RSA key: {e}"),
        }
    }

    /// Signs with this RSA private key (PEM, PKCS#1 or PKCS#8).
    pub fn from_pem(private_key_pem: &[u8]) -> Result<WebhookSigner, KeyError> {
        EncodingKey::from_rsa_pem(private_key_pem)
            .map(|key| WebhookSigner { key })
            .map_err(|e| KeyError(e.to_string()))
    }

    /// The webhook's body, as Wix POSTs it: the signed JWT.
    pub fn sign(&self, webhook: &Webhook) -> String {
        self.sign_claims(&webhook.claims())
    }

    /// Signs any claims (a malformed webhook, to test how the app rejects it).
    pub fn sign_claims(&self, claims: &Value) -> String {
        match jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &self.key) {
            Ok(token) => token,
            // RS256 signing of JSON claims with a parsed RSA key has no failure mode left.
            Err(e) => unreachable!("RS256 signing failed: {e}"),
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
