//! The cost of sharing state through Redis: per-call latency of an app instance with the Redis
//! rate-limit and token stores against the in-process ones, the raw store operations, and the
//! calls per second one app instance sustains across four replicas.
//!
//! `cargo bench -p wix-rest-tests --bench stores` (needs `redis-server`; it starts its own on a
//! free loopback port). Figures are printed, never asserted. `WIX_BENCH_CALLS` sets the calls
//! per measurement (default 2,000).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use wix_rest::{App, RateLimit, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::pets_v1::PetsV1;
use wix_rest_runtime::HttpMethod;
use wix_rest_runtime::store::{RateLimitStore, RedisStore, TokenStore};
use wix_rest_testing::{FakeWix, Reply, Route};
use wix_rest_tests::pets::{PET, PetsReader, WITH_OWNER};
use wix_rest_tests::redis_server::RedisServer;

/// A limit far above the bench's rate: the limiter's cost is measured, not its waits.
const UNBOUNDED: RateLimit = RateLimit {
    requests: 1_000_000,
    per: Duration::from_secs(1),
};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn app(wix: &FakeWix, redis: Option<&str>, namespace: &str) -> App {
    let builder = wix
        .app_builder("bench-app", "bench-secret")
        .retry(RetryPolicy::default())
        .rate_limit(UNBOUNDED);
    let builder = match redis {
        Some(url) => {
            let store = Arc::new(RedisStore::open(url, namespace).unwrap());
            builder.token_store(store.clone()).rate_limit_store(store)
        }
        None => builder,
    };
    builder.build().unwrap()
}

/// `calls` calls from `tasks` tasks over `apps` (round robin), each timed: (p50, p99, calls/s).
async fn run(apps: &[App], tasks: usize, calls: usize) -> (Duration, Duration, f64) {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let client = apps[task % apps.len()].instance("bench-instance");
            let next = next.clone();
            tokio::spawn(async move {
                let mut times = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    let started = Instant::now();
                    PetsV1::new(&PetsReader::open(&client))
                        .get_pet("p1", &WITH_OWNER)
                        .await
                        .unwrap();
                    times.push(started.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.unwrap());
    }
    let rate = all.len() as f64 / start.elapsed().as_secs_f64();
    all.sort();
    (percentile(&all, 0.5), percentile(&all, 0.99), rate)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let calls: usize = std::env::var("WIX_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let wix = FakeWix::start().await;
        wix.on(Route::new(HttpMethod::Get, "/pets/v1/pets/{petId}"))
            .reply(Reply::ok(serde_json::from_str(PET).unwrap()));
        let local = [app(&wix, None, "")];
        let shared = [app(&wix, Some(&redis.url()), "bench-one")];
        // Warm up both (token fetched, connections open).
        run(&local, 1, 50).await;
        run(&shared, 1, 50).await;

        println!("per call, one app instance, {calls} calls (p50 / p99, interleaved 3 pairs, median):");
        for tasks in [1, 16] {
            let (mut local_p50, mut local_p99, mut shared_p50, mut shared_p99) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for _ in 0..3 {
                wix.clear_requests();
                let (p50, p99, _) = run(&local, tasks, calls).await;
                local_p50.push(p50);
                local_p99.push(p99);
                wix.clear_requests();
                let (p50, p99, _) = run(&shared, tasks, calls).await;
                shared_p50.push(p50);
                shared_p99.push(p99);
            }
            for values in [&mut local_p50, &mut local_p99, &mut shared_p50, &mut shared_p99] {
                values.sort();
            }
            let (lp50, lp99, sp50, sp99) = (local_p50[1], local_p99[1], shared_p50[1], shared_p99[1]);
            println!(
                "  {tasks:>2} task(s): in-process {:>7.1} / {:>7.1} us   redis {:>7.1} / {:>7.1} us   ratio p50 {:.2}x, p99 {:.2}x",
                micros(lp50),
                micros(lp99),
                micros(sp50),
                micros(sp99),
                sp50.as_secs_f64() / lp50.as_secs_f64(),
                sp99.as_secs_f64() / lp99.as_secs_f64()
            );
        }

        // The store operations alone, one at a time on loopback.
        let store = RedisStore::open(&redis.url(), "bench-ops").unwrap();
        let mut limiter = Vec::new();
        let mut tokens = Vec::new();
        for n in 0..calls {
            let slot = format!("slot-{n}");
            let started = Instant::now();
            store
                .try_acquire("key", &slot, UNBOUNDED, Duration::from_secs(35))
                .await
                .unwrap();
            RateLimitStore::release(&store, "key", &slot, UNBOUNDED)
                .await
                .unwrap();
            limiter.push(started.elapsed());
            let started = Instant::now();
            TokenStore::get(&store, "app:instance").await.unwrap();
            tokens.push(started.elapsed());
        }
        limiter.sort();
        tokens.sort();
        println!(
            "store operations: rate-limit slot (acquire + release) p50 {:.1} us, p99 {:.1} us; token read p50 {:.1} us, p99 {:.1} us",
            micros(percentile(&limiter, 0.5)),
            micros(percentile(&limiter, 0.99)),
            micros(percentile(&tokens, 0.5)),
            micros(percentile(&tokens, 0.99))
        );

        // One app instance, four replicas, 64 tasks: what the shared limiter lets through, with
        // no limit in reach and with a limit of 1,000 per second.
        let replicas: Vec<App> = (0..4)
            .map(|_| app(&wix, Some(&redis.url()), "bench-replicas"))
            .collect();
        run(&replicas, 4, 40).await;
        wix.clear_requests();
        let (_, _, rate) = run(&replicas, 64, calls * 2).await;
        println!("four replicas, one instance, 64 tasks, no limit in reach: {rate:.0} calls/s");
        let limited = RateLimit {
            requests: 1_000,
            per: Duration::from_secs(1),
        };
        let replicas: Vec<App> = (0..4)
            .map(|_| {
                let store = Arc::new(RedisStore::open(&redis.url(), "bench-limited").unwrap());
                wix.app_builder("bench-app", "bench-secret")
                    .rate_limit(limited)
                    .token_store(store.clone())
                    .rate_limit_store(store)
                    .build()
                    .unwrap()
            })
            .collect();
        run(&replicas, 4, 40).await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
        wix.clear_requests();
        let (_, _, rate) = run(&replicas, 64, 4_000).await;
        println!(
            "four replicas, one instance, 64 tasks, 4,000 calls, limit 1,000/s (a burst of 1,000, then 1,000/s): {rate:.0} calls/s"
        );
    });
}
