//! `cargo xtask`: the project's own commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::Mode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]               generate generated/ from specs/ (--check: fail if stale)
  cargo xtask codegen --specs DIR --out ROOT  generate ROOT/generated/ from another spec directory
  cargo xtask export-openapi [--module M] [-o FILE]
                                              write the specs (or module M) as an OpenAPI 3.0
                                              document (JSON; stdout unless -o)
  cargo xtask import-openapi FILE --module NAME [--out DIR] [--skip-unsupported]
                                              write an OpenAPI 3.0 document as the spec module
                                              DIR/NAME.yaml (DIR: specs/), and its registry when
                                              its permissions are not Wix data
  cargo xtask import [PACKAGE...] [--update] [--check]
                                              write specs/ from Wix's `@wix/auto_sdk_*` packages
                                              pinned in specs/import.lock (PACKAGE: add one;
                                              --update: move to the newest versions; --check:
                                              write nothing, fail if a spec differs)
  cargo xtask import-trial                    import the 30 packages of xtask/import-trial.lock
                                              (other areas) into target/import-trial, generate
                                              and `cargo check` them; prints the figures
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
        ["codegen", "--specs", dir, "--out", out] => codegen_into(Path::new(dir), Path::new(out)),
        #[cfg(feature = "import")]
        ["export-openapi", rest @ ..] => export_openapi(&root, rest),
        #[cfg(feature = "import")]
        ["import-openapi", file, rest @ ..] => import_openapi(&root, file, rest),
        #[cfg(feature = "import")]
        ["import-trial"] => match xtask::import::trial::run(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        #[cfg(feature = "import")]
        ["import", rest @ ..] => import(&root, rest),
        #[cfg(feature = "import")]
        ["bench"] => xtask::bench::run(&root, xtask::bench::Scope::All),
        #[cfg(feature = "import")]
        ["bench", "--generation"] => xtask::bench::run(&root, xtask::bench::Scope::Generation),
        // Codegen is built without the importer (the TypeScript parser, OpenAPI, tarballs):
        // the commands that need it run a build of xtask that has it.
        #[cfg(not(feature = "import"))]
        [
            "export-openapi" | "import-openapi" | "import-trial" | "import" | "bench",
            ..,
        ] => with_importer(&args),
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
        "markdown" => to_stdout(&xtask::scopes_table::markdown(&spec)),
        "json" => to_stdout(&xtask::scopes_table::json(&spec)),
        other => {
            eprintln!("unknown format `{other}`: use markdown or json");
            ExitCode::from(2)
        }
    }
}

/// Writes a command's output; a reader that stops early (`| head`) ends it quietly.
fn to_stdout(text: &str) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

fn codegen_into(dir: &Path, out: &Path) -> ExitCode {
    match xtask::codegen(dir, &dir.display().to_string(), out, Mode::Write) {
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
        Ok(s) => {
            println!(
                "generated {} modules, {} methods, {} types in {} ms under {}",
                s.modules,
                s.methods,
                s.types,
                s.millis,
                out.display()
            );
            ExitCode::SUCCESS
        }
    }
}

#[cfg(feature = "import")]
fn import(root: &Path, args: &[&str]) -> ExitCode {
    let mut options = xtask::import::Options::default();
    for a in args {
        match *a {
            "--update" => options.update = true,
            "--check" => options.check = true,
            p if !p.starts_with('-') => options.packages.push(p.to_owned()),
            other => {
                eprintln!("error: unexpected argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let spec_dir = root.join("specs");
    let cache = xtask::import::npm::cache_dir();
    let start = std::time::Instant::now();
    let imported = match xtask::import::import(&spec_dir, &cache, &options) {
        Ok(i) => i,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!("{} error(s); nothing was written", errors.len());
            return ExitCode::FAILURE;
        }
    };
    for c in &imported.changes {
        println!("lock: {c}");
    }
    for (module, package, version, methods, webhooks) in &imported.summary {
        println!("{module:<32} {package}@{version}: {methods} methods, {webhooks} webhooks");
    }
    match xtask::import::write(&spec_dir, &imported, options.check) {
        Ok(differ) if options.check && !differ.is_empty() => {
            eprintln!(
                "error: the specs are not what the lock imports: {}; run `cargo xtask import`",
                differ.join(", ")
            );
            ExitCode::FAILURE
        }
        Ok(differ) => {
            println!(
                "{} package(s) in {} ms; {} file(s) {}",
                imported.summary.len(),
                start.elapsed().as_millis(),
                differ.len(),
                if options.check { "differ" } else { "written" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "import")]
/// `--flag value` pairs and lone flags of a command's arguments.
fn options<'a>(
    args: &[&'a str],
    with_value: &[&str],
    lone: &[&str],
) -> Result<Vec<(&'a str, &'a str)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if with_value.contains(&a) {
            let v = args
                .get(i + 1)
                .ok_or_else(|| format!("`{a}` needs a value"))?;
            out.push((a, *v));
            i += 2;
        } else if lone.contains(&a) {
            out.push((a, ""));
            i += 1;
        } else {
            return Err(format!("unexpected argument `{a}`"));
        }
    }
    Ok(out)
}

#[cfg(feature = "import")]
fn export_openapi(root: &Path, args: &[&str]) -> ExitCode {
    let opts = match options(args, &["--module", "-o"], &[]) {
        Ok(o) => o,
        Err(e) => {
            eprint!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let get = |k: &str| opts.iter().find(|(o, _)| *o == k).map(|(_, v)| *v);
    let files = match xtask::read_specs(&root.join("specs"), "specs") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot read specs/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = match xtask::openapi::export::export(&files, get("--module")) {
        Ok(d) => d,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let text = xtask::openapi::export::to_string(&doc);
    match get("-o") {
        Some(file) => {
            let path = Path::new(file);
            let (dir, name) = match (path.parent(), path.file_name()) {
                (Some(dir), Some(name)) => (dir, name.to_string_lossy().into_owned()),
                _ => {
                    eprintln!("cannot write {file}: not a file path");
                    return ExitCode::FAILURE;
                }
            };
            match write_files(dir, [(name, text)]) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        None => to_stdout(&text),
    }
}

#[cfg(feature = "import")]
fn import_openapi(root: &Path, file: &str, args: &[&str]) -> ExitCode {
    let opts = match options(args, &["--module", "--out"], &["--skip-unsupported"]) {
        Ok(o) => o,
        Err(e) => {
            eprint!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let get = |k: &str| opts.iter().find(|(o, _)| *o == k).map(|(_, v)| *v);
    let Some(module) = get("--module") else {
        eprint!("`--module NAME` is required\n{USAGE}");
        return ExitCode::from(2);
    };
    let out = get("--out").map_or_else(|| root.join("specs"), PathBuf::from);
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = match xtask::openapi::import::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let source = Path::new(file)
        .file_name()
        .map_or(file.into(), |n| n.to_string_lossy());
    let skip = get("--skip-unsupported").is_some();
    let imported = match xtask::openapi::import::import(&doc, module, &source, skip) {
        Ok(i) => i,
        Err(errors) => {
            for e in &errors {
                eprintln!("{file}: error: unsupported: {e}");
            }
            eprintln!(
                "{} unsupported constructs; nothing was written (--skip-unsupported leaves out the operations that have them)",
                errors.len()
            );
            return ExitCode::FAILURE;
        }
    };
    for s in &imported.skipped {
        eprintln!("{file}: skipped: {s}");
    }
    // The registry sits next to the module: `NAME.scopes.yaml`, or `scopes.yaml` in a
    // directory that has none.
    let mut writes = vec![(format!("{module}.yaml"), imported.module)];
    if let Some(registry) = imported.registry {
        let name = if out.join("scopes.yaml").exists() {
            format!("{module}.scopes.yaml")
        } else {
            "scopes.yaml".to_owned()
        };
        writes.push((name, registry));
    }
    let names: Vec<String> = writes.iter().map(|(name, _)| name.clone()).collect();
    match write_files(&out, writes) {
        Ok(_) => {
            for name in names {
                println!("wrote {}", out.join(name).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "import")]
/// Writes documents under `dir` through the one write-or-check (folders created, unchanged
/// files left alone).
fn write_files(
    dir: &Path,
    files: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<String>, String> {
    let files: xtask::emit::Files = files.into_iter().collect();
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    xtask::write_or_check(dir, &files, xtask::Owned::Nothing, Mode::Write)
}

/// Runs this command again in a build of xtask with the importer (feature `import`), which
/// `cargo xtask codegen` does not compile: the first such command builds it, with cargo's
/// progress shown.
#[cfg(not(feature = "import"))]
fn with_importer(args: &[&str]) -> ExitCode {
    eprintln!(
        "xtask: `{}` needs the importer; building xtask with it (feature `import`)",
        args[0]
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args(["run", "--package", "xtask", "--features", "import", "--"])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("xtask: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
