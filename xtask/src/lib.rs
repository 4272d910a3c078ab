//! The Wix REST API code generator behind `cargo xtask codegen`.
//!
//! Staged like a compiler: [`spec`] decodes the YAML (its node types, positions and keywords), [`lower`] validates it and lowers it to the plain [`model`] (every problem
//! reported at once through [`diag`], with file, line and column), and [`emit`] prints Rust from
//! the model. The emitters never see YAML and decide nothing. [`write_or_check`] is the one
//! place generated files reach the disk.

#[cfg(feature = "import")]
pub mod bench;
pub mod diag;
pub mod emit;
#[cfg(feature = "import")]
pub mod import;
pub mod layout;
pub mod lower;
pub mod model;
#[cfg(feature = "import")]
pub mod openapi;
mod par;
pub mod scopes_table;
pub mod spec;
mod template;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use diag::Diagnostic;
pub use emit::Files;
pub use layout::Layout;
pub use lower::SpecFile;
pub use model::Spec;

/// What a generation run writes: the layout of its crates, and how the spec directory is named in the
/// generated files' headers.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The crates and where each item goes.
    pub layout: Layout<'a>,
    pub spec_dir: &'a str,
}

impl Target<'static> {
    /// The product: `specs/` generates the crate `wix-rest`.
    pub const WIX: Target<'static> = Target {
        layout: Layout::OneCrate { name: "wix-rest" },
        spec_dir: "specs",
    };
}

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

/// Every file a spec set generates for `target`, keyed by its path relative to the root the
/// files are written under.
pub fn generate(spec: &Spec, target: &Target) -> Files {
    emit::all_files(spec, &target.layout, target.spec_dir)
}

/// Whether [`write_or_check`] writes the files or only compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write every file that differs; remove generated files nobody generates any more.
    Write,
    /// Write nothing; report what differs.
    Check,
}

impl Mode {
    /// [`Mode::Write`] when the environment variable `var` is set (`UPDATE_SNAPSHOTS=1`), else
    /// [`Mode::Check`]: how snapshot tests choose.
    pub fn from_env(var: &str) -> Mode {
        if std::env::var_os(var).is_some() {
            Mode::Write
        } else {
            Mode::Check
        }
    }
}

/// Which files already under `root` a command owns besides the ones it writes: those it no
/// longer makes are stale, and [`write_or_check`] removes them in [`Mode::Write`].
#[derive(Clone, Copy, Debug)]
pub enum Owned<'a> {
    /// None (a command that writes the files it is given, such as one document).
    Nothing,
    /// Every file in these folders (relative to `root`): the generated crate's sources.
    Dirs(&'a [&'a str]),
    /// The `.yaml` files directly under `root` whose text starts with this marker: the
    /// imported specs (hand-written ones beside them stay).
    Marked(&'a str),
}

/// The one function through which every file a command writes reaches the disk (generated code,
/// imported specs, exported and imported OpenAPI documents): compares `files` with what is under
/// `root`, and in [`Mode::Write`] writes the ones that differ (creating folders). A file
/// [`Owned`] by the command that `files` does not contain is stale too (a module whose spec is
/// gone), and is removed in write mode. Returns the paths that differ (relative to `root`),
/// sorted.
pub fn write_or_check(
    root: &Path,
    files: &Files,
    owned: Owned<'_>,
    mode: Mode,
) -> Result<Vec<String>, String> {
    let mut changed = Vec::new();
    for (rel, text) in files {
        let path = root.join(rel);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        changed.push(rel.clone());
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    let mut extra = stale(root, files, owned);
    extra.sort();
    for rel in extra {
        if mode == Mode::Write {
            fs::remove_file(root.join(&rel)).map_err(|e| format!("cannot remove {rel}: {e}"))?;
        }
        changed.push(rel);
    }
    changed.sort();
    Ok(changed)
}

/// The files `owned` names under `root` that `files` does not contain.
fn stale(root: &Path, files: &Files, owned: Owned<'_>) -> Vec<String> {
    let listed = |dir: &str| -> Vec<(String, PathBuf)> {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let rel = if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                };
                (rel, e.path())
            })
            .filter(|(rel, _)| !files.contains_key(rel))
            .collect()
    };
    match owned {
        Owned::Nothing => Vec::new(),
        Owned::Dirs(dirs) => dirs
            .iter()
            .flat_map(|dir| listed(dir))
            .map(|(rel, _)| rel)
            .collect(),
        Owned::Marked(marker) => listed("")
            .into_iter()
            .filter(|(rel, path)| {
                rel.ends_with(".yaml")
                    && fs::read_to_string(path).is_ok_and(|text| text.starts_with(marker))
            })
            .map(|(rel, _)| rel)
            .collect(),
    }
}

/// What a codegen run did.
#[derive(Debug)]
pub struct Summary {
    pub modules: usize,
    pub methods: usize,
    pub types: usize,
    pub webhooks: usize,
    pub millis: u128,
    /// Files written (or, with [`Mode::Check`], found stale), relative to the workspace root.
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

/// Generates the crate from the specs in `spec_dir` (named `shown_as` in messages and headers)
/// under the workspace `root`. On a spec error nothing is written.
pub fn codegen(
    spec_dir: &Path,
    shown_as: &str,
    root: &Path,
    mode: Mode,
) -> Result<Summary, CodegenError> {
    let start = Instant::now();
    let files = read_specs(spec_dir, shown_as)
        .map_err(|e| CodegenError::Io(format!("cannot read {}: {e}", spec_dir.display())))?;
    let spec = load(&files).map_err(CodegenError::Spec)?;
    let target = Target {
        spec_dir: shown_as,
        ..Target::WIX
    };
    let generated = generate(&spec, &target);
    let owned = format!("{}/src", target.layout.base().dir);
    let changed = write_or_check(root, &generated, Owned::Dirs(&[owned.as_str()]), mode)
        .map_err(CodegenError::Io)?;
    Ok(Summary {
        modules: spec.modules.len(),
        methods: spec.modules.iter().map(|m| m.methods.len()).sum(),
        types: spec.modules.iter().map(|m| m.types.len()).sum(),
        webhooks: spec.modules.iter().map(|m| m.webhooks.len()).sum(),
        millis: start.elapsed().as_millis(),
        changed,
    })
}
