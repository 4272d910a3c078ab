//! `cargo xtask bench`: prints figures, asserts nothing.
//!
//! Side by side with progenitor on the same operations: the spec set is exported as OpenAPI 3
//! (`cargo xtask export-openapi`), progenitor generates a crate from that document
//! (`bench/progenitor`, a workspace of its own so that CI never builds progenitor), and both
//! crates are measured the same way: in-process generation time, lines, and wall-clock
//! `cargo check`, debug build and release build with their dependencies prebuilt and the crate
//! itself cleaned first. Then the per-call figures of the runtime bench
//! (`cargo bench -p wix-rest-tests --bench runtime`), and `cargo check` of a small app using the
//! scope macros.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Where the bench writes the exported document, progenitor's crate and their target dirs.
const BENCH_DIR: &str = "target/bench";

/// What `cargo xtask bench` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Generation time only (`--generation`).
    Generation,
    /// Everything.
    All,
}

/// Runs the bench.
pub fn run(root: &Path, scope: Scope) -> ExitCode {
    match run_inner(root, scope) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(root: &Path, scope: Scope) -> Result<(), String> {
    let ours = generation(root)?;
    println!(
        "wix-rest generate: {} operations, median {:.1} ms (parse and validate {:.1} ms) over 20 runs, {} lines ({:.0} per operation), {:.2} ms per operation",
        ours.operations,
        ours.millis,
        ours.front_millis,
        ours.lines,
        ours.lines as f64 / ours.operations as f64,
        ours.millis / ours.operations as f64,
    );
    if scope == Scope::Generation {
        return Ok(());
    }
    let cargo = Cargo::new(root);
    let bench = root.join(BENCH_DIR);
    std::fs::create_dir_all(&bench).map_err(|e| format!("cannot create {BENCH_DIR}: {e}"))?;

    // Progenitor on the same operations.
    let document = bench.join("wix-rest.openapi.json");
    let exe = std::env::current_exe().map_err(|e| format!("no current exe: {e}"))?;
    let exported = Command::new(exe)
        .args(["export-openapi", "-o"])
        .arg(&document)
        .status()
        .is_ok_and(|s| s.success());
    if !exported {
        return Err("`cargo xtask export-openapi` failed".to_owned());
    }
    let generator_target = bench.join("generator");
    cargo.run(
        "build progenitor's generator",
        &[
            "build",
            "--release",
            "--manifest-path",
            "bench/progenitor/Cargo.toml",
        ],
        Some(&generator_target),
    )?;
    let progenitor_crate = bench.join("progenitor-wix-rest");
    let output = Command::new(generator_target.join("release/wix-rest-progenitor-bench"))
        .arg(&document)
        .arg(&progenitor_crate)
        .arg("20")
        .output()
        .map_err(|e| format!("cannot run progenitor's generator: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "progenitor's generator failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let progenitor = parse_progenitor(&stdout)?;
    println!(
        "per operation: generation {:.2} ms vs progenitor {:.2} ms ({:.2}x); lines {:.0} vs {:.0} ({:.2}x)",
        ours.millis / ours.operations as f64,
        progenitor.millis / progenitor.operations as f64,
        (ours.millis / ours.operations as f64) / (progenitor.millis / progenitor.operations as f64),
        ours.lines as f64 / ours.operations as f64,
        progenitor.lines as f64 / progenitor.operations as f64,
        (ours.lines as f64 / ours.operations as f64)
            / (progenitor.lines as f64 / progenitor.operations as f64),
    );

    // Compile time, per operation, both crates measured alike.
    let progenitor_manifest = progenitor_crate.join("Cargo.toml");
    let progenitor_manifest = progenitor_manifest.to_string_lossy();
    let progenitor_target = bench.join("progenitor-target");
    for (step, extra) in [
        ("cargo check", &["check"][..]),
        ("cargo build", &["build"][..]),
        ("cargo build --release", &["build", "--release"][..]),
    ] {
        let mut ours_args = extra.to_vec();
        ours_args.extend(["-p", "wix-rest", "--features", "full"]);
        let ours_secs = cargo.timed(&ours_args, &["wix-rest"], None)?;
        let mut theirs_args = extra.to_vec();
        theirs_args.extend(["--manifest-path", &progenitor_manifest]);
        let theirs_secs = cargo.timed(
            &theirs_args,
            &["progenitor-generated"],
            Some(&progenitor_target),
        )?;
        let ours_per_op = ours_secs / ours.operations as f64;
        let theirs_per_op = theirs_secs / progenitor.operations as f64;
        println!(
            "{step}: wix-rest {ours_secs:.2} s ({:.1} ms per operation) vs progenitor {theirs_secs:.2} s ({:.1} ms per operation): {:.2}x per operation",
            ours_per_op * 1000.0,
            theirs_per_op * 1000.0,
            ours_per_op / theirs_per_op
        );
    }

    // One module, and an app using the scope macros.
    for (label, args, clean) in [
        (
            "cargo check -p wix-rest --features stores-catalog-v1",
            &["check", "-p", "wix-rest", "--features", "stores-catalog-v1"][..],
            &["wix-rest"][..],
        ),
        (
            "cargo check of the examples app (scope macros), one module; wix-rest, macros and app rebuilt",
            &["check", "-p", "wix-rest-examples", "--examples"][..],
            &["wix-rest", "wix-rest-macros", "wix-rest-examples"][..],
        ),
        (
            "cargo check of the examples app (scope macros), every module; wix-rest, macros and app rebuilt",
            &[
                "check",
                "-p",
                "wix-rest-examples",
                "--examples",
                "--features",
                "wix-rest/full",
            ][..],
            &["wix-rest", "wix-rest-macros", "wix-rest-examples"][..],
        ),
    ] {
        let secs = cargo.timed(args, clean, None)?;
        println!("{label}: {secs:.2} s");
    }

    // Per call, against hand-written reqwest + serde_json on the same loopback server.
    cargo.run(
        "the runtime bench",
        &["bench", "-p", "wix-rest-tests", "--bench", "runtime"],
        None,
    )?;
    Ok(())
}

/// In-process generation of the spec set.
struct Generation {
    operations: usize,
    /// Median, parse to printed files.
    millis: f64,
    /// Median of parse and validate.
    front_millis: f64,
    lines: usize,
}

fn generation(root: &Path) -> Result<Generation, String> {
    let files = crate::read_specs(&root.join("specs"), "specs")
        .map_err(|e| format!("cannot read specs/: {e}"))?;
    let (mut total, mut front) = (Vec::new(), Vec::new());
    let mut lines = 0;
    let mut operations = 0;
    for _ in 0..20 {
        let start = Instant::now();
        let spec = crate::load(&files).map_err(|d| crate::diag::render(&d))?;
        front.push(start.elapsed().as_secs_f64() * 1000.0);
        let out = crate::generate(&spec, &crate::Target::WIX);
        total.push(start.elapsed().as_secs_f64() * 1000.0);
        lines = out
            .iter()
            .filter(|(path, _)| path.ends_with(".rs"))
            .map(|(_, text)| text.lines().count())
            .sum::<usize>();
        operations = spec.modules.iter().map(|m| m.methods.len()).sum();
    }
    total.sort_by(f64::total_cmp);
    front.sort_by(f64::total_cmp);
    Ok(Generation {
        operations,
        millis: total[10],
        front_millis: front[10],
        lines,
    })
}

/// The figures the progenitor generator prints:
/// `progenitor: N operations, generate median X ms over R runs, L lines`.
fn parse_progenitor(stdout: &str) -> Result<Generation, String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("progenitor:"))
        .ok_or("progenitor's generator printed no figures")?;
    let number_before = |word: &str| -> Option<f64> {
        let words: Vec<&str> = line.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        let at = words.iter().position(|w| *w == word)?;
        words.get(at.checked_sub(1)?)?.parse().ok()
    };
    let (Some(operations), Some(millis), Some(lines)) = (
        number_before("operations"),
        number_before("ms"),
        number_before("lines"),
    ) else {
        return Err(format!("cannot read progenitor's figures: {line}"));
    };
    Ok(Generation {
        operations: operations as usize,
        millis,
        front_millis: 0.0,
        lines: lines as usize,
    })
}

/// Runs cargo in the workspace.
struct Cargo {
    cargo: String,
    root: PathBuf,
}

impl Cargo {
    fn new(root: &Path) -> Cargo {
        Cargo {
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
            root: root.to_path_buf(),
        }
    }

    fn command(&self, args: &[&str], target_dir: Option<&Path>) -> Command {
        let mut command = Command::new(&self.cargo);
        command.current_dir(&self.root).args(args).arg("--quiet");
        if let Some(dir) = target_dir {
            command.env("CARGO_TARGET_DIR", dir);
        }
        command
    }

    fn run(&self, what: &str, args: &[&str], target_dir: Option<&Path>) -> Result<(), String> {
        let ok = self
            .command(args, target_dir)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Ok(())
        } else {
            Err(format!("{what} (`cargo {}`) failed", args.join(" ")))
        }
    }

    /// Runs `args` once untimed (so that the dependencies in its feature set are built), cleans
    /// the measured packages (incremental data too), then runs it again, timed.
    fn timed(
        &self,
        args: &[&str],
        clean: &[&str],
        target_dir: Option<&Path>,
    ) -> Result<f64, String> {
        self.run("warm-up", args, target_dir)?;
        let mut clean_args = vec!["clean"];
        if let Some(at) = args.iter().position(|a| *a == "--manifest-path") {
            clean_args.extend(&args[at..at + 2]);
        }
        if args.contains(&"--release") {
            clean_args.push("--release");
        }
        for p in clean {
            clean_args.extend(["-p", p]);
        }
        self.run("cargo clean", &clean_args, target_dir)?;
        let start = Instant::now();
        self.run("the timed step", args, target_dir)?;
        Ok(start.elapsed().as_secs_f64())
    }
}
