//! Test support. The loopback server the suites script whole exchanges with is the published
//! fake Wix (`wix_rest_testing::FakeWix::start_with`), behind the suites' own short names
//! (`TestServer`, `Recorded`, `Reply`); the raw TCP server below does what an HTTP library
//! would refuse to. Nothing of the bindings is mocked: the generated clients go through
//! reqwest, TCP and hyper like they would against Wix.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::net::TcpListener;
use wix_rest_testing::FakeWix;

/// A request as the server received it: the fake Wix's record, with a body read as JSON that
/// panics (naming the body) when it is not.
#[derive(Clone, Debug)]
pub struct Recorded(pub wix_rest_testing::Received);

impl std::ops::Deref for Recorded {
    type Target = wix_rest_testing::Received;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Recorded {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.0.body)
            )
        })
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
    /// How long the server waits before answering.
    pub delay: Option<std::time::Duration>,
}

impl Reply {
    /// A 200 with a JSON body and an `x-wix-request-id`.
    pub fn json(body: &serde_json::Value) -> Reply {
        Reply::status(200, body.to_string())
    }

    /// Any status with a body and an `x-wix-request-id`.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("x-wix-request-id".into(), "req-test-1".into())],
            body: body.into(),
            delay: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers only after `delay` (without blocking the server).
    pub fn delayed(mut self, delay: std::time::Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// As the fake Wix answers it (a JSON content type unless the reply names one).
    fn into_fake(self) -> wix_rest_testing::Reply {
        let mut reply = wix_rest_testing::Reply::raw(self.status, self.body);
        let typed = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        for (name, value) in &self.headers {
            reply = reply.header(name, value);
        }
        if !typed {
            reply = reply.header("content-type", "application/json");
        }
        match self.delay {
            Some(delay) => reply.delayed(delay),
            None => reply,
        }
    }
}

/// A loopback server whose handler answers every request: the fake Wix in its scripted mode.
/// Stops when dropped.
pub struct TestServer {
    fake: FakeWix,
}

impl TestServer {
    /// Starts a server whose `handler` gets each request and its 0-based index.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        TestServer::start_delaying_arrivals(|_| std::time::Duration::ZERO, handler).await
    }

    /// [`TestServer::start`], with the `n`th request (in the order requests reach the server)
    /// held for `delay(n)` before it counts as arrived (its `at`) and is handled: what a slow
    /// network or a queue in front of the server does to arrivals.
    pub async fn start_delaying_arrivals(
        delay: impl Fn(usize) -> std::time::Duration + Send + Sync + 'static,
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let fake = FakeWix::start_delaying_arrivals(delay, move |received, index| {
            handler(&Recorded(received.clone()), index).into_fake()
        })
        .await;
        TestServer { fake }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.fake.url()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.fake.requests().into_iter().map(Recorded).collect()
    }
}

/// What the raw server does with a request: anything an HTTP library would refuse to do.
#[derive(Clone, Debug)]
pub enum RawReply {
    /// Writes these bytes (usually from [`http_response`]) and closes the connection.
    Bytes(Vec<u8>),
    /// Writes these bytes, then `chunk` `times` times (stopping when the client goes away), then
    /// closes: a large body without holding it in memory.
    Stream {
        /// The status line, headers and any start of the body.
        head: Vec<u8>,
        /// Written repeatedly.
        chunk: Vec<u8>,
        /// How many times.
        times: usize,
    },
    /// Writes these bytes (possibly nothing), then never writes again nor closes.
    Stall(Vec<u8>),
    /// Closes the connection without a byte.
    Close,
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A 200 with a JSON body, as raw bytes.
pub fn raw_json(body: &str) -> RawReply {
    RawReply::Bytes(http_response(
        200,
        &[("content-type", "application/json")],
        body.as_bytes(),
    ))
}

type RawHandler = dyn Fn(&Recorded, usize) -> RawReply + Send + Sync;

/// A loopback server on raw TCP: it parses each request (one per connection) itself and
/// answers with whatever bytes the handler says, however broken. Records every request and
/// counts the body bytes it managed to write. Stops (closing every connection) when dropped.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    written: Arc<std::sync::atomic::AtomicUsize>,
    tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl RawServer {
    /// Starts a server whose `handler` gets each request and its 0-based index.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> RawReply + Send + Sync + 'static,
    ) -> RawServer {
        use tokio::io::AsyncWriteExt;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let written: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let handler: Arc<RawHandler> = Arc::new(handler);
        let (recorded, counter, all) = (requests.clone(), written.clone(), tasks.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (handler, recorded, counter) =
                    (handler.clone(), recorded.clone(), counter.clone());
                let conn = tokio::spawn(async move {
                    let Some(rec) = read_raw_request(&mut stream).await else {
                        return;
                    };
                    let index = {
                        let mut all = recorded.lock().unwrap();
                        all.push(rec.clone());
                        all.len() - 1
                    };
                    match handler(&rec, index) {
                        RawReply::Bytes(bytes) => {
                            if stream.write_all(&bytes).await.is_ok() {
                                counter.fetch_add(bytes.len(), std::sync::atomic::Ordering::SeqCst);
                            }
                            let _ = stream.shutdown().await;
                        }
                        RawReply::Stream { head, chunk, times } => {
                            if stream.write_all(&head).await.is_err() {
                                return;
                            }
                            for _ in 0..times {
                                if stream.write_all(&chunk).await.is_err() {
                                    return;
                                }
                                counter.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
                            }
                            let _ = stream.shutdown().await;
                        }
                        RawReply::Stall(bytes) => {
                            let _ = stream.write_all(&bytes).await;
                            std::future::pending::<()>().await;
                        }
                        RawReply::Close => {}
                    }
                });
                all.lock().unwrap().push(conn.abort_handle());
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
        RawServer {
            addr,
            requests,
            written,
            tasks,
        }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests were received so far.
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// How many requests to `path` were received so far.
    pub fn count_path(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Body bytes the server wrote in [`RawReply::Stream`] and [`RawReply::Bytes`] replies.
    pub fn bytes_written(&self) -> usize {
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_raw_request(stream: &mut tokio::net::TcpStream) -> Option<Recorded> {
    use tokio::io::AsyncReadExt;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let at = Instant::now();
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target, None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded(wix_rest_testing::Received {
        method,
        path,
        query,
        headers,
        body,
        at,
    }))
}

/// Compares JSON the way Wix means it: a 64-bit integer sent as a string (`"1567588455405000"`)
/// equals the same number, and `1.0` equals `1`. Panics with the first differing path.
pub fn assert_json_equivalent(
    expected: &serde_json::Value,
    actual: &serde_json::Value,
    context: &str,
) {
    if let Err(path) = equivalent(expected, actual, String::from("$")) {
        panic!(
            "{context}: JSON differs at {path}\nexpected: {}\nactual:   {}",
            serde_json::to_string_pretty(expected).unwrap(),
            serde_json::to_string_pretty(actual).unwrap()
        );
    }
}

fn equivalent(e: &serde_json::Value, a: &serde_json::Value, path: String) -> Result<(), String> {
    use serde_json::Value;
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for key in eo.keys().chain(ao.keys()) {
                let p = format!("{path}.{key}");
                match (eo.get(key), ao.get(key)) {
                    (Some(ev), Some(av)) => equivalent(ev, av, p)?,
                    _ => return Err(format!("{p} (present on one side only)")),
                }
            }
            Ok(())
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if ea.len() != aa.len() {
                return Err(format!("{path} (lengths {} and {})", ea.len(), aa.len()));
            }
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                equivalent(ev, av, format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s))
            if s.parse::<i64>().ok() == n.as_i64() && n.as_i64().is_some() =>
        {
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        _ if e == a => Ok(()),
        _ => Err(path),
    }
}

/// Checks the body a request arrived with: JSON equivalent to `expected` with a JSON content
/// type, or (for `None`) no body and no content type.
pub fn assert_request_body(
    request: &Recorded,
    expected: Option<&serde_json::Value>,
    context: &str,
) {
    match expected {
        Some(expected) => {
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{context}: content-type"
            );
            assert_json_equivalent(
                expected,
                &request.json(),
                &format!("{context}: request body received"),
            );
        }
        None => {
            assert!(
                request.body.is_empty(),
                "{context}: no body expected, got {:?}",
                String::from_utf8_lossy(&request.body)
            );
            assert_eq!(
                request.header("content-type"),
                None,
                "{context}: content-type without a body"
            );
        }
    }
}

/// The API key the replay tests' clients send.
pub const API_KEY: &str = "test-api-key";
/// The site id the replay tests' clients send.
pub const SITE_ID: &str = "site-123";

/// A client with an API key for [`SITE_ID`], sending to `server`, without a rate limit.
pub fn client_for(server: &TestServer) -> wix_rest_runtime::Client {
    wix_rest_runtime::Client::builder(wix_rest_runtime::Credentials::api_key_for_site(
        API_KEY, SITE_ID,
    ))
    .base_url(server.url())
    .no_rate_limit()
    .build()
    .expect("a client for the test server")
}

/// A paged test method (`POST /things/query`, `TEST.READ`) for the suites that call the pager
/// and the unchecked path directly.
pub static LIST_THINGS: wix_rest_runtime::Operation = wix_rest_runtime::Operation {
    module: "test",
    name: "list_things",
    wix_name: "List Things",
    http_method: wix_rest_runtime::HttpMethod::Post,
    host: "https://www.wixapis.com",
    path: "/things/query",
    requires: wix_rest_runtime::Requires::All(&["TEST.READ"]),
    scopes: &[],
    retry_safe: true,
};

/// A Wix-like error body, for a test server that got a request it did not expect.
pub fn bad_request(message: String) -> Reply {
    Reply::status(
        400,
        serde_json::json!({
            "message": message,
            "details": {"applicationError": {"code": "TEST_SERVER", "description": message}}
        })
        .to_string(),
    )
}

/// Webhooks as Wix sends them: JWTs signed RS256 with the test app's real key pair
/// (`tests/fixtures/keys`, test-only keys).
/// What a dependency can do that the scope check cannot stop: a crate that forbids unsafe code
/// exports a `macro_rules!` that writes `unsafe impl` of a permission trait, and rustc lints
/// neither the macro's definition nor its expansion in the app (an external macro). The calls
/// then find the permission missing from the set's declared grants (`ScopeSet::GRANTED`,
/// written by the attributes) and refuse to send (`tests/tests/forged_grants.rs`).
#[forbid(unsafe_code)]
pub mod forger {
    /// Implements `WixStoresModifyProducts` (its default identity: the real one) for `$set`.
    #[macro_export]
    macro_rules! forge_modify_products {
        ($set:ty) => {
            unsafe impl ::wix_rest::permissions::WixStoresModifyProducts for $set {}
        };
    }
}

pub mod jwt {
    use std::time::{SystemTime, UNIX_EPOCH};

    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::{Value, json};
    use wix_rest_runtime::webhook::{RawEvent, WebhookVerifier};

    /// The app's private key (signs genuine webhooks): the fake Wix's test key pair, the one
    /// apps' own tests sign with.
    pub const APP_PRIVATE: &[u8] = wix_rest_testing::webhook::TEST_PRIVATE_KEY_PEM;
    /// The app's public key (what the verifier trusts).
    pub const APP_PUBLIC: &[u8] = wix_rest_testing::webhook::TEST_PUBLIC_KEY_PEM;
    /// An unrelated private key (signs forgeries).
    pub const OTHER_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/other-private.pem");
    /// The app instance the test webhooks are for.
    pub const INSTANCE_ID: &str = "6b0e1ad4-9c52-4d5b-8f1e-1a2b3c4d5e6f";

    /// Seconds since the epoch.
    pub fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs()
    }

    /// The identity the test webhooks carry.
    pub fn identity() -> Value {
        json!({"identityType": "WIX_USER", "wixUserId": "a9c7c4a8-7f1e-4c2b-9d3e-0f1a2b3c4d5e"})
    }

    /// The claims of a Wix webhook JWT: `data` is a JSON string of `{eventType, instanceId,
    /// data, identity}`, whose `data` and `identity` are JSON strings again.
    pub fn wix_claims(
        event_type: &str,
        instance_id: &str,
        payload: &Value,
        iat: u64,
        exp: u64,
    ) -> Value {
        let envelope = json!({
            "eventType": event_type,
            "instanceId": instance_id,
            "data": payload.to_string(),
            "identity": identity().to_string(),
        });
        json!({"data": envelope.to_string(), "iat": iat, "exp": exp})
    }

    /// Claims for [`INSTANCE_ID`], valid for the next hour.
    pub fn fresh_claims(event_type: &str, payload: &Value) -> Value {
        let now = now();
        wix_claims(event_type, INSTANCE_ID, payload, now, now + 3600)
    }

    /// Signs `claims` RS256 with a PEM private key.
    pub fn sign_rs256(claims: &Value, private_pem: &[u8]) -> String {
        let key = EncodingKey::from_rsa_pem(private_pem).expect("a PEM RSA private key");
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("signing")
    }

    /// Signs a genuine webhook for `event_type` and `data`, verifies it, and checks the opened
    /// envelope (event type, instance, identity, data) before handing it back.
    pub fn deliver(
        verifier: &WebhookVerifier,
        event_type: &str,
        data: &Value,
        context: &str,
    ) -> RawEvent {
        let token = sign_rs256(&fresh_claims(event_type, data), APP_PRIVATE);
        let raw = verifier
            .verify(&token)
            .unwrap_or_else(|e| panic!("{context}: a genuine webhook was refused: {e}"));
        assert_eq!(raw.event_type, event_type, "{context}: event type");
        assert_eq!(raw.instance_id, INSTANCE_ID, "{context}: instance id");
        assert_eq!(raw.identity, Some(identity()), "{context}: identity");
        let raw_data: Value = serde_json::from_str(&raw.data).expect("the raw data is JSON");
        assert_eq!(&raw_data, data, "{context}: raw data");
        raw
    }

    /// A verifier trusting the app's public key.
    pub fn verifier() -> WebhookVerifier {
        WebhookVerifier::from_pem(APP_PUBLIC).expect("the app's public key")
    }
}

/// The pets fixture (`tests/snapshots/pets/generated`, crate `wix-rest-pets-fixture`): the
/// stable module that tests of runtime and generator behaviour call, so that they do not change
/// with Wix's metadata. Its registry is the fixture's own `scopes.yaml`, which the scope macros
/// (they read the real Wix table) do not know: its scope sets are written out here, through the
/// documented `unsafe` escape hatch.
pub mod pets {
    use wix_rest_pets_fixture::pets_v1::{GetPetParams, Pet, UpdatePetRequest};
    use wix_rest_pets_fixture::{Scope, ScopeSet, permissions, scopes};

    /// Reads pets: `SCOPE.PETS.READ`.
    pub struct PetsReader;

    // SAFETY: `PETS_READ` grants `PETS.READ` in the fixture's registry, and it is the only
    // permission implemented for the type.
    unsafe impl ScopeSet for PetsReader {
        const SCOPES: &'static [&'static Scope] = &[&scopes::PETS_READ];
        const GRANTED: &'static [&'static str] = &["PETS.READ"];
    }

    // SAFETY: as above.
    unsafe impl permissions::PetsRead for PetsReader {}

    /// Reads and changes pets: `SCOPE.PETS.MANAGE`.
    pub struct PetsKeeper;

    // SAFETY: `PETS_MANAGE` grants `PETS.WRITE` and includes `SCOPE.PETS.READ` (`PETS.READ`) in
    // the fixture's registry; those two are the permissions implemented for the type.
    unsafe impl ScopeSet for PetsKeeper {
        const SCOPES: &'static [&'static Scope] = &[&scopes::PETS_MANAGE];
        const GRANTED: &'static [&'static str] = &["PETS.READ", "PETS.WRITE"];
    }

    // SAFETY: as above.
    unsafe impl permissions::PetsRead for PetsKeeper {}

    // SAFETY: as above.
    unsafe impl permissions::PetsWrite for PetsKeeper {}

    /// The parameters of `get_pet` the tests send: `?includeOwner=true`.
    pub const WITH_OWNER: GetPetParams = GetPetParams {
        fields: None,
        include_owner: true,
    };

    /// An `update_pet` (a write, not retry-safe) of pet `p1`: `PATCH /pets/v1/pets/p1`.
    pub fn update() -> UpdatePetRequest {
        UpdatePetRequest {
            pet: Some(Pet {
                id: "p1".to_owned(),
                age: Some(4),
                ..Pet::default()
            }),
            ..UpdatePetRequest::default()
        }
    }

    /// A `get_pet`/`update_pet` response.
    pub const PET: &str = r#"{"pet":{"id":"p1","age":3,"kind":"cat","tags":["calm"]}}"#;
}

/// JSON values built from the spec model (`xtask::model`): a value of every field of a type, so
/// that tests of the imported Wix modules take their bodies from the real types, not from
/// hand-copied examples that drift from Wix's metadata.
pub mod samples {
    use serde_json::{Map, Value, json};
    use xtask::model::{Module, SHARED_MODULE, Spec, Ty, TypeDef, TypeKind};

    /// The spec set of `specs/`, loaded as the generator loads it.
    pub fn spec() -> Spec {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let files = xtask::read_specs(&root, "specs").expect("specs/ is readable");
        xtask::load(&files)
            .unwrap_or_else(|d| panic!("the specs are valid: {}", xtask::diag::render(&d)))
    }

    /// Builds values of one module's types.
    pub struct Sampler<'s> {
        spec: &'s Spec,
        module: &'s Module,
        /// Below this depth every field is filled; deeper, only required ones (recursive types
        /// stay finite).
        pub full_depth: usize,
        /// A field no spec declares, put in every object a struct stands for: what a lossless
        /// type must keep and send back.
        pub unknown: Option<(String, Value)>,
    }

    /// An instant in Wix's millisecond UTC form, which `Timestamp` writes back unchanged.
    pub const TIMESTAMP: &str = "2024-01-30T12:34:56.789Z";

    impl<'s> Sampler<'s> {
        /// A sampler of `module`'s types.
        pub fn new(spec: &'s Spec, module: &'s Module) -> Sampler<'s> {
            Sampler {
                spec,
                module,
                full_depth: 3,
                unknown: None,
            }
        }

        /// The definition of a named type: the module's own, else the shared module's.
        pub fn def(&self, name: &str) -> &'s TypeDef {
            let shared = self.spec.modules.iter().find(|m| m.name == SHARED_MODULE);
            self.module
                .types
                .iter()
                .chain(shared.into_iter().flat_map(|m| m.types.iter()))
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("{}: no type `{name}`", self.module.name))
        }

        /// A value of `ty`.
        pub fn value(&self, ty: &Ty) -> Value {
            self.at(ty, 0)
        }

        fn at(&self, ty: &Ty, depth: usize) -> Value {
            match ty {
                Ty::String | Ty::Secret => json!("text-1"),
                Ty::Timestamp => json!(TIMESTAMP),
                Ty::I32 => json!(7),
                Ty::I64 => json!("9007199254740993"),
                Ty::F32 | Ty::F64 => json!(1.5),
                Ty::Bool => json!(true),
                Ty::Json => json!({"any": [1, "two"]}),
                Ty::Array(item) => Value::Array(vec![self.at(item, depth + 1)]),
                Ty::Map(item) => json!({ "key-1": self.at(item, depth + 1) }),
                Ty::Named(name) => self.named(name, depth),
            }
        }

        fn named(&self, name: &str, depth: usize) -> Value {
            match &self.def(name).kind {
                TypeKind::Struct { fields, .. } => {
                    let mut out = Map::new();
                    for f in fields {
                        if f.required || depth < self.full_depth {
                            out.insert(f.wire.clone(), self.at(&f.ty, depth + 1));
                        }
                    }
                    if let Some((key, value)) = &self.unknown {
                        out.insert(key.clone(), value.clone());
                    }
                    Value::Object(out)
                }
                TypeKind::Enum { values } => json!(values.first().map_or("", |v| v.wire.as_str())),
                TypeKind::OneOf { tag, variants } => {
                    // The first variant: an untagged `oneOf` tries the variants in order.
                    let variant = variants.first().expect("a oneOf has variants");
                    let mut value = variant
                        .ty
                        .as_ref()
                        .map_or_else(|| json!({}), |t| self.at(t, depth));
                    if let (Some(tag), Some(tag_value)) = (tag, &variant.tag_value) {
                        value[tag] = json!(tag_value);
                    }
                    value
                }
            }
        }

        /// A path (`a.b[0].c`, serde_path_to_error's form) in `value` to a scalar the type
        /// declares (a string, number or boolean field; not a `Json` one), with its type: where
        /// a value of the wrong type must be refused.
        pub fn typed_leaf(&self, ty: &Ty, value: &Value) -> Option<String> {
            self.leaf(ty, value, String::new(), 0)
        }

        fn leaf(&self, ty: &Ty, value: &Value, path: String, depth: usize) -> Option<String> {
            if depth > 6 {
                return None;
            }
            match ty {
                Ty::String
                | Ty::Secret
                | Ty::Timestamp
                | Ty::I32
                | Ty::I64
                | Ty::F32
                | Ty::F64
                | Ty::Bool => Some(path),
                Ty::Json => None,
                Ty::Array(item) => self.leaf(item, value.get(0)?, format!("{path}[0]"), depth + 1),
                Ty::Map(item) => {
                    let key = if path.is_empty() {
                        "key-1".to_owned()
                    } else {
                        format!("{path}.key-1")
                    };
                    self.leaf(item, value.get("key-1")?, key, depth + 1)
                }
                Ty::Named(name) => match &self.def(name).kind {
                    TypeKind::Struct { fields, .. } => fields.iter().find_map(|f| {
                        let v = value.get(&f.wire)?;
                        let p = if path.is_empty() {
                            f.wire.clone()
                        } else {
                            format!("{path}.{}", f.wire)
                        };
                        self.leaf(&f.ty, v, p, depth + 1)
                    }),
                    TypeKind::Enum { .. } => Some(path),
                    TypeKind::OneOf { .. } => None,
                },
            }
        }
    }

    /// Replaces the value at `path` (as [`Sampler::typed_leaf`] writes it) by `with`.
    pub fn replace_at(value: &mut Value, path: &str, with: Value) {
        let mut at = value;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let mut pieces = part.split('[');
            let key = pieces.next().unwrap_or_default();
            if !key.is_empty() {
                at = at
                    .get_mut(key)
                    .unwrap_or_else(|| panic!("no `{key}` in {path}"));
            }
            for index in pieces {
                let i: usize = index.trim_end_matches(']').parse().expect("an index");
                at = at
                    .get_mut(i)
                    .unwrap_or_else(|| panic!("no [{i}] in {path}"));
            }
        }
        *at = with;
    }
}

/// A real `redis-server` (the Debian package) on a free loopback port, started by the test that
/// needs it and killed when dropped: the shared stores' tests run against the server apps use.
pub mod redis_server {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// A running `redis-server`, persistence off.
    pub struct RedisServer {
        port: u16,
        child: Option<Child>,
    }

    impl RedisServer {
        /// Starts one on a free port and waits until it answers `PING`.
        ///
        /// # Panics
        ///
        /// When `redis-server` is not installed (`.ci/run` installs it) or does not start.
        pub fn start() -> RedisServer {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let mut server = RedisServer { port, child: None };
            server.restart();
            server
        }

        /// `redis://127.0.0.1:PORT`.
        pub fn url(&self) -> String {
            format!("redis://127.0.0.1:{}", self.port)
        }

        /// Kills the server (SIGKILL: no goodbye to its clients), keeping its port.
        pub fn kill(&mut self) {
            if let Some(mut child) = self.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }

        /// Starts the server again on the same port (empty: nothing was persisted).
        pub fn restart(&mut self) {
            self.kill();
            let child = Command::new("redis-server")
                .args(["--port", &self.port.to_string()])
                .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "`redis-server` could not be started ({e}): install the Debian package \
                         redis-server (`.ci/run` does)"
                    )
                });
            self.child = Some(child);
            let give_up = Instant::now() + Duration::from_secs(10);
            while !self.answers_ping() {
                assert!(
                    Instant::now() < give_up,
                    "redis-server did not answer PING on port {} within 10 s",
                    self.port
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        /// How many keys the server holds (`DBSIZE`); 0 when it does not answer.
        pub fn key_count(&self) -> usize {
            let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
                return 0;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut answer = [0u8; 32];
            if stream.write_all(b"DBSIZE\r\n").is_err() {
                return 0;
            }
            let read = stream.read(&mut answer).unwrap_or(0);
            // `:N\r\n`
            std::str::from_utf8(&answer[..read])
                .ok()
                .and_then(|line| line.strip_prefix(':'))
                .and_then(|rest| rest.trim_end().parse().ok())
                .unwrap_or(0)
        }

        /// Whether the server answers `PING` now.
        pub fn answers_ping(&self) -> bool {
            let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
                return false;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut answer = [0u8; 7];
            stream.write_all(b"PING\r\n").is_ok()
                && stream.read_exact(&mut answer).is_ok()
                && &answer == b"+PONG\r\n"
        }
    }

    impl Drop for RedisServer {
        fn drop(&mut self) {
            self.kill();
        }
    }
}
