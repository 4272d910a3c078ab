//! `cargo xtask`: the project's own commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::Mode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]               generate generated/ from specs/ (--check: fail if stale)
  cargo xtask scopes [--format markdown|json] print the method -> permission -> scopes table
  cargo xtask bench [--generation]            measure generation, check and build times side by
                                              side with progenitor on the same operations (from
                                              the OpenAPI export), and per-call overhead
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
        ["codegen"] => codegen(&root, Mode::Write),
        ["codegen", "--check"] => codegen(&root, Mode::Check),
        ["scopes"] => scopes(&root, "markdown"),
        ["scopes", "--format", format] => scopes(&root, format),
        ["bench"] => xtask::bench::run(&root, xtask::bench::Scope::All),
        ["bench", "--generation"] => xtask::bench::run(&root, xtask::bench::Scope::Generation),
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn codegen(root: &Path, mode: Mode) -> ExitCode {
    let check = mode == Mode::Check;
    match xtask::codegen(&root.join("specs"), "specs", root, mode) {
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
