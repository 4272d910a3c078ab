//! `cargo xtask import-trial`: shows that the importer handles `@wix/auto_sdk_*` packages beyond
//! the seeded areas. Imports the packages pinned in `xtask/import-trial.lock` (30 packages of
//! other areas) into `target/import-trial/specs`, generates a crate from them beside it, and
//! `cargo check`s it with every module on, printing the figures of each step. Nothing of it is
//! committed.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::{Options, import, npm, write};

/// Runs the trial under the workspace `root`.
pub fn run(root: &Path) -> Result<(), String> {
    let out = root.join("target/import-trial");
    let specs = out.join("specs");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&specs)
        .map_err(|e| format!("cannot create {}: {e}", specs.display()))?;
    let io = |e: std::io::Error| e.to_string();
    std::fs::copy(
        root.join("xtask/import-trial.lock"),
        specs.join(super::LOCK_FILE),
    )
    .map_err(io)?;
    // The trial's packages bring their own registry (`wix.scopes.yaml`); the main one is empty.
    std::fs::write(specs.join("scopes.yaml"), "permissions: []\nscopes: []\n").map_err(io)?;

    let start = Instant::now();
    let imported = import(&specs, &npm::cache_dir(), &Options::default())
        .map_err(|e| format!("the import failed:\n{}", e.join("\n")))?;
    write(&specs, &imported, false)?;
    let import_ms = start.elapsed().as_millis();
    let methods: usize = imported.summary.iter().map(|s| s.3).sum();
    let webhooks: usize = imported.summary.iter().map(|s| s.4).sum();
    println!(
        "import: {} packages, {methods} methods, {webhooks} webhooks in {import_ms} ms",
        imported.summary.len()
    );

    let summary = crate::codegen(
        &specs,
        &specs.display().to_string(),
        &out,
        crate::Mode::Write,
    )
    .map_err(|e| e.to_string())?;
    let lines: usize = std::fs::read_dir(out.join("generated/src"))
        .map_err(io)?
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|t| t.lines().count())
        .sum();
    println!(
        "codegen: {} modules, {} types, {lines} generated lines in {} ms",
        summary.modules, summary.types, summary.millis
    );

    // A workspace of its own around the generated crate, on this repository's runtime and
    // macros and its lock file, built in the shared target directory.
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"generated\"]\n\n[workspace.package]\n\
         edition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"MIT OR Apache-2.0\"\n\
         repository = \"https://github.com/wix-rest/wix-rest\"\n\n\
         [workspace.dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\nwix-rest-macros = {{ path = {:?} }}\nwix-rest-runtime = {{ path = {:?} }}\n",
        root.join("crates/macros"),
        root.join("crates/runtime"),
    );
    // The same profiles as this workspace, so that the dependencies built for it are reused.
    let root_manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(io)?;
    // (Only the sections for every package: the per-package ones name this workspace's crates.)
    let mut profiles = String::new();
    let mut keep = false;
    for line in root_manifest.lines() {
        if line.starts_with('[') {
            keep = line == "[profile.dev]" || line == "[profile.dev.package.\"*\"]";
        }
        if keep {
            profiles.push_str(line);
            profiles.push('\n');
        }
    }
    std::fs::write(out.join("Cargo.toml"), format!("{manifest}\n{profiles}")).map_err(io)?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(io)?;
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--all-features",
            "--offline",
            "--message-format",
            "short",
        ])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Warnings count as failures (without `RUSTFLAGS`, which would rebuild the shared target).
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.starts_with("error")
                || l.starts_with("warning")
                || l.contains(": error")
                || l.contains(": warning")
        })
        .collect();
    if !output.status.success() || !problems.is_empty() {
        return Err(format!(
            "the generated crate does not compile cleanly:\n{}",
            problems.join("\n")
        ));
    }
    println!(
        "cargo check --all-features (no warnings): {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
