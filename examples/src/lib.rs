//! Runnable examples live beside this file; see `Cargo.toml`. The repository's README is this
//! crate's documentation, so `cargo test` compiles its Rust snippets as doctests.
#![doc = include_str!("../../README.md")]
