//! The generated crate's docs are for its users: no local paths, no spec-authoring notes (which
//! source page or seed file a fact came from, what a page lacks).
//!
//! Two lists. [`NEVER`]: must not occur at all. [`UNTIL_SPECS_ARE_REPLACED`]: words that are
//! also Wix's own text, each allowed up to its present count so that no authoring note using
//! them gets in; when a count reaches 0, move the pattern to [`NEVER`].

use std::path::Path;

/// Patterns (case-insensitive) that never belong in generated docs.
const NEVER: &[&str] = &[
    "/work/",
    "/home/",
    "/tmp/",
    "/users/",
    "c:\\",
    "agent overview",
    "file://",
    // Notes of the hand-written seed specs, gone since the specs are imported from Wix's
    // metadata: "the seeds list no values", "seed 000", "named in 000 ...", "(Wix's current
    // reference)".
    "seed",
    "named in 000",
    "current reference",
    // Notes of the hand-written legacy specs, moved to YAML comments.
    "not on the page",
    "wix's standard field",
    "later reference",
];

/// Authoring notes of the current spec text: the pattern (case-insensitive) and how many times
/// it may occur at most. Lower a count as notes are removed; 0 when the specs are replaced.
const UNTIL_SPECS_ARE_REPLACED: &[(&str, usize)] = &[
    // Only Wix's own text now ("the path to the page", "the page's author", "the cursor of the
    // page to read"), never a note about a source page.
    ("the page", 7),
];

/// The generated crate's text files: its sources, the scope table and the manifest.
fn generated_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let mut files = vec![root.join("SCOPES.md"), root.join("Cargo.toml")];
    let src = root.join("src");
    for entry in std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        files.push(entry.expect("a directory entry").path());
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            (name, text.to_lowercase())
        })
        .collect()
}

/// Where `pattern` occurs: `file:line` of each occurrence.
fn occurrences(files: &[(String, String)], pattern: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in files {
        for (i, line) in text.lines().enumerate() {
            for _ in line.matches(pattern) {
                found.push(format!("generated/{name}:{}", i + 1));
            }
        }
    }
    found
}

/// A seed file's name (`000_8f5a2c17dd769f45`): three digits, `_`, sixteen hex digits.
fn seed_file_names(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in files {
        for (i, line) in text.lines().enumerate() {
            let bytes = line.as_bytes();
            for (at, _) in line.match_indices('_') {
                let digits = at >= 3 && bytes[at - 3..at].iter().all(u8::is_ascii_digit);
                let hex = bytes
                    .get(at + 1..at + 17)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                if digits && hex {
                    found.push(format!("generated/{name}:{}", i + 1));
                }
            }
        }
    }
    found
}

#[test]
fn generated_docs_carry_no_local_paths_or_source_file_names() {
    let files = generated_files();
    let mut problems = Vec::new();
    for pattern in NEVER {
        for at in occurrences(&files, pattern) {
            problems.push(format!("{at}: `{pattern}`"));
        }
    }
    for at in seed_file_names(&files) {
        problems.push(format!("{at}: a seed file's name"));
    }
    assert!(
        problems.is_empty(),
        "generated docs must not carry these (fix the spec text, then `cargo xtask codegen`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn spec_authoring_notes_do_not_grow() {
    let files = generated_files();
    let mut problems = Vec::new();
    for (pattern, allowed) in UNTIL_SPECS_ARE_REPLACED {
        let found = occurrences(&files, pattern);
        if found.len() > *allowed {
            problems.push(format!(
                "`{pattern}`: {} occurrences, {allowed} allowed:\n  {}",
                found.len(),
                found.join("\n  ")
            ));
        } else if found.len() < *allowed {
            // A removed note lowers the cap, so that it cannot come back unnoticed.
            problems.push(format!(
                "`{pattern}`: {} occurrences, {allowed} allowed: lower the cap to {}{}",
                found.len(),
                found.len(),
                if found.is_empty() {
                    " (then move it to NEVER)"
                } else {
                    ""
                }
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "spec-authoring notes reached the generated docs; docs are for users (say what the \
         field is, not where the fact was found):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    let files = vec![(
        "src/x.rs".to_owned(),
        "/// from /work/specs and 000_8f5a2c17dd769f45.txt\n/// not on the page".to_lowercase(),
    )];
    assert_eq!(occurrences(&files, "/work/"), ["generated/src/x.rs:1"]);
    assert_eq!(seed_file_names(&files), ["generated/src/x.rs:1"]);
    assert_eq!(
        occurrences(&files, "not on the page"),
        ["generated/src/x.rs:2"]
    );
    assert!(occurrences(&files, "agent overview").is_empty());
}
