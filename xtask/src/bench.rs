//! `cargo xtask bench`: prints figures, asserts nothing.

use std::path::Path;
use std::process::ExitCode;

/// Prints figures, asserts nothing: generation time in process (median of 20), then wall-clock
/// `cargo check` and `cargo build` of the generated crate (dependencies already built, the crate
/// itself cleaned first), and `cargo check` of the examples (a small app using the scope macros)
/// with one module and with every module.
pub fn run(root: &Path, only_generation: bool) -> ExitCode {
    let files = match crate::read_specs(&root.join("specs"), "specs") {
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
        let spec = match crate::load(&files) {
            Ok(s) => s,
            Err(d) => {
                eprint!("{}", crate::diag::render(&d));
                return ExitCode::FAILURE;
            }
        };
        front.push(start.elapsed().as_secs_f64() * 1000.0);
        let out = crate::generate(&spec, &crate::Target::WIX);
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
