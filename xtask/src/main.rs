//! `cargo xtask`: the project's own commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]               generate generated/ from specs/ (--check: fail if stale)
  cargo xtask scopes [--format markdown|json] print the method -> permission -> scopes table
  cargo xtask bench [--generation]            measure generation, and check/build times of the
                                              generated crate and of a small app using it
";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    match args.as_slice() {
        ["codegen"] => codegen(&root, false),
        ["codegen", "--check"] => codegen(&root, true),
        ["scopes"] => scopes(&root, "markdown"),
        ["scopes", "--format", format] => scopes(&root, format),
        ["bench"] | ["bench", "--generation"] => bench(&root),
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn codegen(root: &Path, check: bool) -> ExitCode {
    match xtask::codegen(&root.join("specs"), "specs", root, check) {
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
        Ok(s) if check && !s.changed.is_empty() => {
            eprintln!(
                "the generated code is stale; these files differ from what the specs generate:"
            );
            for f in &s.changed {
                eprintln!("  {f}");
            }
            eprintln!("run `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
        Ok(s) => {
            let verb = if check { "checked" } else { "generated" };
            println!(
                "{verb} {} modules, {} methods, {} types, {} webhooks in {} ms ({} files {})",
                s.modules,
                s.methods,
                s.types,
                s.webhooks,
                s.millis,
                s.changed.len(),
                if check { "stale" } else { "written" }
            );
            ExitCode::SUCCESS
        }
    }
}

fn scopes(root: &Path, format: &str) -> ExitCode {
    let files = match xtask::read_specs(&root.join("specs"), "specs") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot read specs/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let spec = match xtask::load(&files) {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", xtask::diag::render(&d));
            return ExitCode::FAILURE;
        }
    };
    match format {
        "markdown" => print!("{}", xtask::scopes_table::markdown(&spec)),
        "json" => print!("{}", xtask::scopes_table::json(&spec)),
        other => {
            eprintln!("unknown format `{other}`: use markdown or json");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// Prints figures, asserts nothing: generation time in process (median of 20), then wall-clock
/// `cargo check` and `cargo build` of the generated crate (dependencies already built, the crate
/// itself cleaned first), and `cargo check` of the examples (a small app using the scope macros)
/// with one module and with every module.
fn bench(root: &Path) -> ExitCode {
    let only_generation = std::env::args().any(|a| a == "--generation");
    let files = match xtask::read_specs(&root.join("specs"), "specs") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot read specs/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut total, mut front) = (Vec::new(), Vec::new());
    let mut lines = 0;
    for _ in 0..20 {
        let start = std::time::Instant::now();
        let spec = match xtask::load(&files) {
            Ok(s) => s,
            Err(d) => {
                eprint!("{}", xtask::diag::render(&d));
                return ExitCode::FAILURE;
            }
        };
        front.push(start.elapsed().as_secs_f64() * 1000.0);
        let out = xtask::generate(&spec, "specs");
        total.push(start.elapsed().as_secs_f64() * 1000.0);
        lines = out.values().map(|t| t.lines().count()).sum::<usize>();
    }
    total.sort_by(f64::total_cmp);
    front.sort_by(f64::total_cmp);
    println!(
        "generate: median {:.1} ms (parse and validate {:.1} ms), min {:.1} ms, over 20 runs; {} spec files in, {lines} lines out",
        total[10],
        front[10],
        total[0],
        files.len()
    );
    if only_generation {
        return ExitCode::SUCCESS;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_quiet = |args: &[&str]| {
        std::process::Command::new(&cargo)
            .current_dir(root)
            .args(args)
            .arg("--quiet")
            .status()
            .is_ok_and(|s| s.success())
    };
    // Each step runs once untimed, so that its dependencies (in its own feature set) are built;
    // then the measured packages are cleaned (incremental data too) and it runs again, timed.
    let run = |label: &str, args: &[&str], clean: &[&str]| -> bool {
        if !cargo_quiet(args) {
            eprintln!("{label}: failed");
            return false;
        }
        let mut clean_args = vec!["clean"];
        for p in clean {
            clean_args.extend(["-p", p]);
        }
        if !cargo_quiet(&clean_args) {
            eprintln!("{label}: cargo clean failed");
            return false;
        }
        let start = std::time::Instant::now();
        let ok = cargo_quiet(args);
        let secs = start.elapsed().as_secs_f64();
        if ok {
            println!("{label}: {secs:.2} s");
        } else {
            eprintln!("{label}: failed");
        }
        ok
    };
    let steps: [(&str, &[&str], &[&str]); 6] = [
        (
            "cargo check -p wix-rest --features full",
            &["check", "-p", "wix-rest", "--features", "full"],
            &["wix-rest"],
        ),
        (
            "cargo build -p wix-rest --features full",
            &["build", "-p", "wix-rest", "--features", "full"],
            &["wix-rest"],
        ),
        (
            "cargo check -p wix-rest --features stores-catalog-v1",
            &["check", "-p", "wix-rest", "--features", "stores-catalog-v1"],
            &["wix-rest"],
        ),
        (
            "cargo build -p wix-rest --features stores-catalog-v1",
            &["build", "-p", "wix-rest", "--features", "stores-catalog-v1"],
            &["wix-rest"],
        ),
        (
            "cargo check of the examples app (scope macros), one module; wix-rest, macros and app rebuilt",
            &["check", "-p", "wix-rest-examples", "--examples"],
            &["wix-rest", "wix-rest-macros", "wix-rest-examples"],
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
            ],
            &["wix-rest", "wix-rest-macros", "wix-rest-examples"],
        ),
    ];
    for (label, args, clean) in steps {
        if !run(label, args, clean) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
