//! Benchmarks (figures only, nothing asserted): the per-call overhead of a generated method
//! against hand-written `reqwest` + `serde_json` for the same call on the same loopback server,
//! from 1 task and from 64 tasks (p50, p99); and the peak heap of a 100,000-item stream.
//!
//! `cargo bench -p wix-rest-tests --bench runtime`

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use wix_rest::stores_orders_v2::{QueryOrdersRequest, QueryOrdersResponse, StoresOrdersV2};
use wix_rest::{Client, Credentials, RateLimit, ScopeSet};

/// Counts live heap bytes and their peak, only while `COUNTING` is set (the stream's run): the
/// shared counters would otherwise add contended atomics to every allocation of the latency runs.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded to the system allocator with the caller's layout.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && COUNTING.load(Ordering::Relaxed) {
            let size = layout.size() as isize;
            let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Reader;

const TOTAL: u64 = 100_000;

fn order(n: u64) -> serde_json::Value {
    json!({
        "id": format!("order-{n}"), "number": 10_000 + n, "dateCreated": "2025-01-02T03:04:05.678Z",
        "read": true, "archived": false, "paymentStatus": "PAID", "fulfillmentStatus": "NOT_FULFILLED",
        "currency": "USD", "buyerNote": "Gift wrap, please", "weightUnit": "KG",
        "buyerInfo": {"id": format!("buyer-{n}"), "email": "buyer@example.com", "firstName": "Ann"},
        "lineItems": [{"index": 1, "productId": format!("prod-{n}"), "name": "Indonesian Blend", "quantity": 2, "price": "10.5"}],
        "totals": {"subtotal": "21", "shipping": "0", "tax": "0", "discount": "0", "total": "21", "quantity": 2},
    })
}

/// A loopback HTTP/1.1 server: `POST /stores/v2/orders/query` answers 10 orders for the
/// latency runs, or, for paging requests (`limit` 100), the page at `offset` of 100,000.
async fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let small = Bytes::from(
        json!({"orders": (0..10).map(order).collect::<Vec<_>>(), "totalResults": 10}).to_string(),
    );
    let page = Bytes::from(json!({"orders": (0..100).map(order).collect::<Vec<_>>()}).to_string());
    let empty = Bytes::from_static(b"{\"orders\":[]}");
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (small, page, empty) = (small.clone(), page.clone(), empty.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let (small, page, empty) = (small.clone(), page.clone(), empty.clone());
                    async move {
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let request: serde_json::Value =
                            serde_json::from_slice(&body).unwrap_or_default();
                        let paging = &request["query"]["paging"];
                        let reply = match paging["offset"].as_u64() {
                            None => small,
                            Some(offset) if offset < TOTAL => page,
                            Some(_) => empty,
                        };
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(reply))
                                .unwrap(),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Runs `calls` calls from `tasks` tasks, each timed; returns (p50, p99).
async fn measure<F, Fut>(tasks: usize, calls: usize, call: F) -> (Duration, Duration)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(calls / tasks);
                for _ in 0..calls / tasks {
                    let start = Instant::now();
                    call().await;
                    times.push(start.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.unwrap());
    }
    all.sort();
    (percentile(&all, 0.50), percentile(&all, 0.99))
}

/// A boxed call, so the sides of a comparison can be listed together.
type Call = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync,
>;

fn boxed<F, Fut>(call: F) -> Call
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    std::sync::Arc::new(move || Box::pin(call()))
}

/// The generated `query_orders` through `client`.
fn generated(client: &Client) -> Call {
    let client = client.clone();
    boxed(move || {
        let client = client.clone();
        async move {
            let response = StoresOrdersV2::new(&Reader::open(&client))
                .query_orders(&QueryOrdersRequest::default())
                .await
                .unwrap();
            assert_eq!(response.orders.map(|o| o.len()), Some(10));
        }
    })
}

/// The same call written by hand: the same headers and body, `bytes()`, `serde_json::from_slice`.
fn hand_written(http: &reqwest::Client, url: &str) -> Call {
    let http = http.clone();
    let endpoint = format!("{url}/stores/v2/orders/query");
    boxed(move || {
        let http = http.clone();
        let endpoint = endpoint.clone();
        async move {
            let body = serde_json::to_vec(&QueryOrdersRequest::default()).unwrap();
            let response = http
                .post(&endpoint)
                .header("authorization", "key")
                .header("wix-site-id", "site")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let bytes = response.bytes().await.unwrap();
            let response: QueryOrdersResponse = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(response.orders.map(|o| o.len()), Some(10));
        }
    })
}

/// The `reqwest` client both sides use: the settings `ClientBuilder::build` uses by default.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("wix-rest/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if std::env::var("WIX_BENCH_ONLY").as_deref() == Ok("app") {
        runtime.block_on(async { app_instances() });
        return;
    }
    runtime.block_on(async {
        let addr = serve().await;
        let url = format!("http://{addr}");
        let credentials = Credentials::api_key_for_site("key", "site");
        // The product's defaults (retries, deadline, attempt timeout, size cap, API key auth,
        // rate limit on) with the rate limit set far above the bench's rate: its default, 200
        // per minute, would measure the limiter's waits, not its cost.
        let default = Client::builder(credentials.clone())
            .base_url(&url)
            .rate_limit(RateLimit::per_minute(100_000_000))
            .build()
            .unwrap();
        // The same, the rate limit off.
        let no_limit = Client::builder(credentials)
            .base_url(&url)
            .no_rate_limit()
            .build()
            .unwrap();
        let hand = hand_written(&http_client(), &url);
        let sides: [(&str, Call); 3] = [
            ("generated, defaults", generated(&default)),
            ("generated, no rate limit", generated(&no_limit)),
            ("reqwest + serde_json", hand),
        ];

        // `WIX_BENCH_PROFILE=<side index>` runs one side only, for a profiler
        // (`WIX_BENCH_TASKS`, `WIX_BENCH_CALLS`), and prints its p50/p99.
        if let Some(side) = std::env::var("WIX_BENCH_PROFILE")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            let tasks = env_usize("WIX_BENCH_TASKS", 64);
            let calls = env_usize("WIX_BENCH_CALLS", 64_000);
            let (name, call) = &sides[side];
            let call = call.clone();
            measure(tasks, tasks * 10, move || call()).await;
            let call = sides[side].1.clone();
            let (p50, p99) = measure(tasks, calls, move || call()).await;
            println!("{name}: {tasks} task(s), {calls} calls: p50 {p50:.1?} p99 {p99:.1?}");
            return;
        }

        let rounds = env_usize("WIX_BENCH_ROUNDS", 9);
        println!(
            "query_orders, 10 orders per response, loopback HTTP/1.1 server in the same \
             2-worker runtime; each side its own reqwest client with the same settings"
        );
        println!(
            "{rounds} rounds, sides interleaved (rotated order); figures: median over the rounds of \
             each run's p50/p99; ratio to reqwest + serde_json"
        );
        for (tasks, calls) in [(1, 2_000), (64, 6_400)] {
            // Warm up: connections (one per task), allocator, caches.
            for (_, call) in &sides {
                let call = call.clone();
                measure(tasks, calls / 4, move || call()).await;
            }
            let mut p50s = vec![Vec::new(); sides.len()];
            let mut p99s = vec![Vec::new(); sides.len()];
            for round in 0..rounds {
                for k in 0..sides.len() {
                    let side = (round + k) % sides.len();
                    let call = sides[side].1.clone();
                    let (p50, p99) = measure(tasks, calls, move || call()).await;
                    p50s[side].push(p50);
                    p99s[side].push(p99);
                }
            }
            let base = sides.len() - 1;
            let (h50, h99) = (median(&mut p50s[base]), median(&mut p99s[base]));
            println!("  {tasks:>2} task(s), {calls} calls per run:");
            for (side, (name, _)) in sides.iter().enumerate() {
                let (p50, p99) = (median(&mut p50s[side]), median(&mut p99s[side]));
                println!(
                    "    {name:<26} p50 {p50:>9.1?} p99 {p99:>9.1?} | ratio p50 {:.2} p99 {:.2}",
                    p50.as_secs_f64() / h50.as_secs_f64(),
                    p99.as_secs_f64() / h99.as_secs_f64(),
                );
            }
        }
        let client = no_limit;

        // Live bytes are counted from here (frees of older blocks count negative): the peak is
        // the stream's own.
        LIVE.store(0, Ordering::Relaxed);
        PEAK.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        let start = Instant::now();
        let api = StoresOrdersV2::new(&Reader::open(&client));
        let mut stream = api.query_orders_stream(QueryOrdersRequest::default());
        let mut count = 0u64;
        while let Some(order) = stream.next().await {
            let order = order.unwrap();
            count += u64::from(order.id.is_some());
        }
        drop(stream);
        COUNTING.store(false, Ordering::Relaxed);
        let peak = PEAK.load(Ordering::Relaxed).max(0);
        println!(
            "query_orders_stream: {count} items in {:.2?}, peak heap above baseline {:.2} MiB",
            start.elapsed(),
            peak as f64 / (1024.0 * 1024.0)
        );
        app_instances();
    });
}

/// `App::instance` with a full cache (10,000 instances, the default): a lookup, and a new
/// instance that evicts the least recently used. `WIX_BENCH_ONLY=app` runs this part alone.
fn app_instances() {
    const CACHED: usize = 10_000;
    let app = wix_rest::App::builder("bench-app", "secret")
        .no_rate_limit()
        .build()
        .unwrap();
    for i in 0..CACHED {
        drop(app.instance(format!("warm-{i}")));
    }
    let time_each = |ids: &mut dyn Iterator<Item = String>| {
        let mut each: Vec<Duration> = ids
            .map(|id| {
                let start = Instant::now();
                drop(app.instance(id));
                start.elapsed()
            })
            .collect();
        each.sort_unstable();
        (percentile(&each, 0.5), percentile(&each, 0.99))
    };
    let (hit50, hit99) = time_each(&mut (0..CACHED).map(|i| format!("warm-{}", (i * 7) % CACHED)));
    let (new50, new99) = time_each(&mut (0..CACHED).map(|i| format!("new-{i}")));
    assert_eq!(app.cached_instances(), CACHED);
    println!(
        "App::instance with {CACHED} cached: lookup p50 {hit50:.1?} p99 {hit99:.1?}; new instance (evicts one) p50 {new50:.1?} p99 {new99:.1?}"
    );
}
