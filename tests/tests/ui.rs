//! The scope checks, as the compiler reports them: `tests/ui/fail/*.rs` must fail with exactly
//! the committed `.stderr`; `tests/ui/pass/*.rs` must compile and run.
//!
//! `TRYBUILD=overwrite cargo test -p wix-rest-tests --test ui` rewrites the `.stderr` files; read
//! the diff before committing. Some of them quote generated code and rustc's list of other
//! implementors (e.g. the fields that accept `$gt`), so a spec change can change them too.

#[test]
fn scope_checks() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
