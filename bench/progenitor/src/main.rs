//! `wix-rest-progenitor-bench OPENAPI.json OUT_DIR RUNS`: generates a client crate with
//! progenitor from an OpenAPI document into `OUT_DIR` (its own workspace), and prints the median
//! in-process generation time over `RUNS` runs, the operation count and the lines written.
//! Run by `cargo xtask bench`; it asserts nothing.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use progenitor_impl::{GenerationSettings, Generator};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [doc, out, runs] = args.as_slice() else {
        eprintln!("usage: wix-rest-progenitor-bench OPENAPI.json OUT_DIR RUNS");
        return ExitCode::from(2);
    };
    let runs: usize = runs.parse().unwrap_or(10).max(1);
    let text = match std::fs::read_to_string(doc) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {doc}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let spec: openapiv3::OpenAPI = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{doc} is not an OpenAPI 3.0 document: {e}");
            return ExitCode::FAILURE;
        }
    };
    let operations: usize = spec
        .paths
        .paths
        .values()
        .filter_map(|p| p.as_item())
        .map(|p| p.iter().count())
        .sum();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let mut generator = Generator::new(&GenerationSettings::default());
        let tokens = match generator.generate_tokens(&spec) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("progenitor cannot generate from {doc}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let file: syn::File = match syn::parse2(tokens) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("progenitor's output does not parse: {e}");
                return ExitCode::FAILURE;
            }
        };
        let text = prettyplease::unparse(&file);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(text);
    }
    let Some(code) = last else {
        return ExitCode::FAILURE;
    };
    times.sort_by(f64::total_cmp);
    let out = Path::new(out);
    // A superset of what progenitor's output may use; prebuilt before anything is timed.
    let manifest = "[package]\nname = \"progenitor-generated\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n\
        bytes = \"1\"\n\
        chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n\
        futures = \"0.3\"\n\
        progenitor-client = \"0.15\"\n\
        regress = \"0.10\"\n\
        base64 = \"0.22\"\n\
        rand = \"0.9\"\n\
        reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"stream\", \"query\", \"form\"] }\n\
        serde = { version = \"1\", features = [\"derive\"] }\n\
        serde_json = \"1\"\n\
        serde_urlencoded = \"0.7\"\n\
        uuid = { version = \"1\", features = [\"serde\", \"v4\"] }\n";
    let written = std::fs::create_dir_all(out.join("src"))
        .and_then(|()| std::fs::write(out.join("Cargo.toml"), manifest))
        .and_then(|()| std::fs::write(out.join("src/lib.rs"), &code));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "progenitor: {operations} operations, generate median {:.1} ms over {runs} runs, {} lines",
        times[times.len() / 2],
        code.lines().count()
    );
    ExitCode::SUCCESS
}
