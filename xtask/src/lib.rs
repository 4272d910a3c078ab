//! The Wix REST API code generator behind `cargo xtask codegen`.
//!
//! Staged like a compiler: [`raw`] decodes the YAML, [`lower`] validates it and lowers it to the
//! plain [`model`] (every problem reported at once, with file, line and column), and [`emit`]
//! writes Rust from the model. The emitters never see YAML.

pub mod diag;
pub mod emit;
pub mod lower;
pub mod model;
pub mod raw;
pub mod scopes_table;
pub mod yaml_pos;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use diag::Diagnostic;
pub use lower::SpecFile;
pub use model::Spec;

/// The name of the generated crate.
pub const CRATE_NAME: &str = "wix-rest";

/// Reads every `*.yaml` under `dir`, named in diagnostics as `{shown_as}/{file}`.
pub fn read_specs(dir: &Path, shown_as: &str) -> std::io::Result<Vec<SpecFile>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok(SpecFile {
                name: format!("{shown_as}/{name}"),
                source: fs::read_to_string(&p)?,
            })
        })
        .collect()
}

/// Validates and lowers a spec set.
pub fn load(files: &[SpecFile]) -> Result<Spec, Vec<Diagnostic>> {
    lower::lower(files)
}

/// Every file a spec set generates, keyed by its path relative to the workspace root.
pub fn generate(spec: &Spec, spec_dir: &str) -> emit::Files {
    emit::all_files(spec, CRATE_NAME, spec_dir)
}

/// [`generate`] under another crate name (the fixture crates of the tests).
pub fn generate_named(spec: &Spec, spec_dir: &str, crate_name: &str) -> emit::Files {
    emit::all_files(spec, crate_name, spec_dir)
}

/// What a codegen run did.
#[derive(Debug)]
pub struct Summary {
    pub modules: usize,
    pub methods: usize,
    pub types: usize,
    pub webhooks: usize,
    pub millis: u128,
    /// Files written (or, with `check`, found stale), relative to the workspace root.
    pub changed: Vec<String>,
}

/// Why a codegen run failed.
#[derive(Debug)]
pub enum CodegenError {
    Spec(Vec<Diagnostic>),
    Io(String),
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodegenError::Spec(diags) => f.write_str(&diag::render(diags)),
            CodegenError::Io(e) => f.write_str(e),
        }
    }
}

/// Generates the files of `spec_dir` under the workspace `root`. With `check`, writes nothing
/// and reports the stale files in `changed`. On a spec error nothing is written.
pub fn codegen(
    spec_dir: &Path,
    shown_as: &str,
    root: &Path,
    check: bool,
) -> Result<Summary, CodegenError> {
    let start = Instant::now();
    let files = read_specs(spec_dir, shown_as)
        .map_err(|e| CodegenError::Io(format!("cannot read {}: {e}", spec_dir.display())))?;
    let spec = load(&files).map_err(CodegenError::Spec)?;
    let generated = generate(&spec, shown_as);
    let mut changed = Vec::new();
    for (rel, text) in &generated {
        let path = root.join(rel);
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            changed.push(rel.clone());
            if !check {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| {
                        CodegenError::Io(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                fs::write(&path, text).map_err(|e| {
                    CodegenError::Io(format!("cannot write {}: {e}", path.display()))
                })?;
            }
        }
    }
    // A module whose spec is gone leaves a file nobody generates any more.
    let generated_src = format!("{}/src", emit::CRATE_DIR);
    if let Ok(entries) = fs::read_dir(root.join(&generated_src)) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| format!("{generated_src}/{}", e.file_name().to_string_lossy()))
            .filter(|rel| !generated.contains_key(rel))
            .collect();
        extra.sort();
        for rel in extra {
            if !check {
                fs::remove_file(root.join(&rel))
                    .map_err(|e| CodegenError::Io(format!("cannot remove {rel}: {e}")))?;
            }
            changed.push(rel);
        }
    }
    Ok(Summary {
        modules: spec.modules.len(),
        methods: spec.modules.iter().map(|m| m.methods.len()).sum(),
        types: spec.modules.iter().map(|m| m.types.len()).sum(),
        webhooks: spec.modules.iter().map(|m| m.webhooks.len()).sum(),
        millis: start.elapsed().as_millis(),
        changed,
    })
}
