//! The scope checks, as the compiler reports them: `tests/ui/fail/*.rs` must fail with exactly
//! the committed `.stderr`; `tests/ui/pass/*.rs` must compile and run.
//!
//! Split into groups, one test each, so `cargo test` reports progress (trybuild runs them one
//! after the other: they share its project and lock). `TRYBUILD=overwrite cargo test -p
//! wix-rest-tests --test integration ui::` rewrites the `.stderr` files; read the diff before committing. Some
//! of them quote generated code and rustc's list of other implementors (e.g. the fields that
//! accept `$gt`), so a spec change can change them too.

use std::path::Path;

/// The `.rs` cases of `ui/<dir>` whose file name `keep` accepts, as paths relative to this
/// crate (what trybuild expects), sorted.
fn cases(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui").join(dir);
    let mut found: Vec<String> = std::fs::read_dir(&full)
        .unwrap_or_else(|e| panic!("{}: {e}", full.display()))
        .map(|entry| entry.expect("a directory entry").file_name())
        .filter_map(|name| name.to_str().map(str::to_owned))
        .filter(|name| name.ends_with(".rs") && keep(name))
        .map(|name| format!("ui/{dir}/{name}"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no case in ui/{dir} for this group");
    found
}

/// The groups of `ui/fail`, by file name prefix; the last one takes the rest.
const BYPASS: &str = "bypass_";
const QUERY: &str = "query_";

#[test]
fn pass_cases_compile_and_run() {
    let t = trybuild::TestCases::new();
    for case in cases("pass", |_| true) {
        t.pass(case);
    }
}

/// Every way around the scope check that `ARCHITECTURE.md` closes: hand-written impls, the
/// private call path, a `Scoped` made by hand.
#[test]
fn bypass_attempts_do_not_compile() {
    let t = trybuild::TestCases::new();
    for case in cases("fail", |name| name.starts_with(BYPASS)) {
        t.compile_fail(case);
    }
}

/// Typed queries: operators and sorts a field does not offer.
#[test]
fn query_misuse_does_not_compile() {
    let t = trybuild::TestCases::new();
    for case in cases("fail", |name| name.starts_with(QUERY)) {
        t.compile_fail(case);
    }
}

/// Missing grants and the macros' diagnostics.
#[test]
fn scope_diagnostics() {
    let t = trybuild::TestCases::new();
    for case in cases("fail", |name| {
        !name.starts_with(BYPASS) && !name.starts_with(QUERY)
    }) {
        t.compile_fail(case);
    }
}
