//! [`RedisStore`]: the three shared stores on one Redis server, through the `redis` crate's
//! connection manager (one multiplexed connection per store, reconnected in the background).
//!
//! Every key starts with `wix-rest:{namespace}:` and has a TTL; every read-then-write is one Lua
//! script, atomic on the server, which also gives the rate limit its one clock (Redis's `TIME`),
//! whatever the replicas' clocks say. Tokens are stored as Redis must hold them (the value of a
//! key readable by whoever can read the server: protect it as the app secret is protected), and
//! never appear in a key, a log line or an error.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{FromRedisValue, Script, ScriptInvocation, Value};

use crate::error::Error;
use crate::limit::RateLimit;
use crate::secret::Secret;
use crate::store::{
    Acquired, DeliveryStore, RateLimitStore, SharedToken, StoreError, StoreFuture, TokenStore,
};

/// The token, rate-limit and delivery stores on one Redis server, shared by every replica
/// given the same URL and namespace. Cheap to clone.
///
/// ```no_run
/// # fn run() -> wix_rest_runtime::Result<()> {
/// use std::sync::Arc;
/// use wix_rest_runtime::App;
/// use wix_rest_runtime::store::RedisStore;
///
/// let redis = Arc::new(RedisStore::open("redis://127.0.0.1:6379", "my-app")?);
/// let app = App::builder("APP_ID", "APP_SECRET")
///     .token_store(redis.clone())
///     .rate_limit_store(redis.clone())
///     .build()?;
/// # let _ = app; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    prefix: String,
    acquire: Script,
    release: Script,
    put_token: Script,
    compare_delete: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

/// Takes a rate-limit slot. KEYS: in-flight slots (score: lease end), completed slots (score:
/// completion). ARGV: slot, capacity, window ms, lease ms. Answers 0 (granted), the ms until the
/// oldest completion stops counting, or -1 (every slot in flight).
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[2])
local per = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
for i = 1, #expired, 2 do
  redis.call('ZADD', KEYS[2], expired[i + 1], expired[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - per))
if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) < capacity then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease + per)
  redis.call('PEXPIRE', KEYS[2], lease + per)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #oldest == 0 then
  return -1
end
return math.max(1, tonumber(oldest[2]) + per + 1 - now)
";

/// Completes a slot: it counts from now for a window. KEYS as ACQUIRE; ARGV: slot, window ms.
const RELEASE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]) + 1000)
end
return 0
";

/// Stores a token and releases the holder's lease. KEYS: token, lease. ARGV: the token's
/// record, its TTL in ms, the holder.
const PUT_TOKEN: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
return 0
";

/// Deletes a key only if it holds ARGV[1] (a lease of this holder, a token Wix rejected).
const COMPARE_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

impl RedisStore {
    /// A store on the Redis server at `url` (`redis://host:port[/db]`, `rediss://` for TLS is
    /// not built in), its keys under `wix-rest:{namespace}:` (one namespace per app: two apps
    /// on one server must not share tokens or limits). Connects on first use, and reconnects by
    /// itself: a server that is down now is not an error here.
    pub fn open(url: &str, namespace: &str) -> Result<RedisStore, Error> {
        let client = redis::Client::open(url)
            .map_err(|e| Error::Config(format!("the Redis URL is not usable: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| Error::Config(format!("the Redis connection cannot be set up: {e}")))?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection,
                prefix: format!("wix-rest:{namespace}:"),
                acquire: Script::new(ACQUIRE),
                release: Script::new(RELEASE),
                put_token: Script::new(PUT_TOKEN),
                compare_delete: Script::new(COMPARE_DELETE),
            }),
        })
    }

    fn key(&self, kind: &str, key: &str) -> String {
        format!("{}{kind}:{key}", self.inner.prefix)
    }

    async fn invoke<T: FromRedisValue>(
        &self,
        invocation: &ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut connection = self.inner.connection.clone();
        invocation
            .invoke_async(&mut connection)
            .await
            .map_err(failed)
    }

    /// Deletes `key` if it holds `value`.
    async fn compare_delete(&self, key: String, value: &str) -> Result<(), StoreError> {
        let _: Value = self
            .invoke(self.inner.compare_delete.key(key).arg(value))
            .await?;
        Ok(())
    }

    async fn query<T: FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, StoreError> {
        let mut connection = self.inner.connection.clone();
        command.query_async(&mut connection).await.map_err(failed)
    }
}

fn failed(error: redis::RedisError) -> StoreError {
    StoreError::new("redis", error.to_string())
}

fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn from_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_millis(ms))
        .unwrap_or(UNIX_EPOCH)
}

fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A token as stored: `{renew ms} {expires ms} {token}`.
fn encode(token: &SharedToken) -> String {
    format!(
        "{} {} {}",
        millis(token.renew_at),
        millis(token.expires_at),
        token.access_token.expose()
    )
}

fn decode(record: &str) -> Option<SharedToken> {
    let mut parts = record.splitn(3, ' ');
    let renew_at = parts.next()?.parse().ok()?;
    let expires_at = parts.next()?.parse().ok()?;
    let token = parts.next()?;
    Some(SharedToken {
        access_token: Secret::new(token),
        renew_at: from_millis(renew_at),
        expires_at: from_millis(expires_at),
    })
}

impl TokenStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<SharedToken>> {
        Box::pin(async move {
            let record: Option<String> = self
                .query(redis::cmd("GET").arg(self.key("token", key)))
                .await?;
            // A record this version cannot read is no token: the caller renews.
            Ok(record.as_deref().and_then(decode))
        })
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let set: Value = self
                .query(
                    redis::cmd("SET")
                        .arg(self.key("token-lease", key))
                        .arg(holder)
                        .arg("NX")
                        .arg("PX")
                        .arg(ms(lease)),
                )
                .await?;
            Ok(matches!(set, Value::Okay))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        holder: &'a str,
        token: &'a SharedToken,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let ttl = token
                .expires_at
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            let _: Value = self
                .invoke(
                    self.inner
                        .put_token
                        .key(self.key("token", key))
                        .key(self.key("token-lease", key))
                        .arg(encode(token))
                        .arg(ms(ttl))
                        .arg(holder),
                )
                .await?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a str, holder: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.compare_delete(self.key("token-lease", key), holder)
                .await
        })
    }

    fn reject<'a>(&'a self, key: &'a str, token: &'a Secret) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let record: Option<String> = self
                .query(redis::cmd("GET").arg(self.key("token", key)))
                .await?;
            let Some(record) = record else {
                return Ok(());
            };
            if decode(&record).is_some_and(|stored| stored.access_token == *token) {
                self.compare_delete(self.key("token", key), &record).await?;
            }
            Ok(())
        })
    }
}

impl RateLimitStore for RedisStore {
    fn try_acquire<'a>(
        &'a self,
        key: &'a str,
        slot: &'a str,
        limit: RateLimit,
        lease: Duration,
    ) -> StoreFuture<'a, Acquired> {
        Box::pin(async move {
            let answer: i64 = self
                .invoke(
                    self.inner
                        .acquire
                        .key(self.key("limit-in-flight", key))
                        .key(self.key("limit-done", key))
                        .arg(slot)
                        .arg(limit.requests.max(1))
                        .arg(ms(limit.per))
                        .arg(ms(lease)),
                )
                .await?;
            Ok(match answer {
                0 => Acquired::Granted,
                wait if wait > 0 => {
                    Acquired::Busy(Some(Duration::from_millis(wait.unsigned_abs())))
                }
                _ => Acquired::Busy(None),
            })
        })
    }

    fn release<'a>(&'a self, key: &'a str, slot: &'a str, limit: RateLimit) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: Value = self
                .invoke(
                    self.inner
                        .release
                        .key(self.key("limit-in-flight", key))
                        .key(self.key("limit-done", key))
                        .arg(slot)
                        .arg(ms(limit.per)),
                )
                .await?;
            Ok(())
        })
    }
}

impl DeliveryStore for RedisStore {
    fn claim<'a>(&'a self, delivery_id: &'a str, keep_for: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let set: Value = self
                .query(
                    redis::cmd("SET")
                        .arg(self.key("delivery", delivery_id))
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(ms(keep_for)),
                )
                .await?;
            Ok(matches!(set, Value::Okay))
        })
    }

    fn forget<'a>(&'a self, delivery_id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: Value = self
                .query(redis::cmd("DEL").arg(self.key("delivery", delivery_id)))
                .await?;
            Ok(())
        })
    }
}
