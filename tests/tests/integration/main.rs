//! The integration tests of the runtime, the generator and the generated crate: one test binary
//! (one link of the whole crate), a module per concern. Run one concern with its module's name,
//! e.g. `cargo test -p wix-rest-tests --test integration faults::`.
//!
//! `ui` (trybuild) compiles its cases while the suites that mostly wait (the rate-limit windows
//! of `faults`, the replicas of `replicas`) run beside it. `forged_grants` is a binary of its
//! own: a crate that forbids unsafe code, as an app would.

mod app;
mod codegen;
mod docs_hygiene;
mod faults;
mod fixture_crate;
mod import;
mod module_webhooks;
mod modules;
mod openapi;
mod public_api;
mod queries;
mod replicas;
mod runtime;
mod testing;
mod ui;
mod webhook_router;
mod webhooks;
mod wire;
