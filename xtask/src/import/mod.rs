//! `cargo xtask import`: spec modules from Wix's own published metadata, the `@wix/auto_sdk_*`
//! packages. The lock (`specs/import.lock`) pins each package's version and names its module;
//! tarballs come through the `npm` client into a cache outside the repository ([`npm`]); the
//! TypeScript declarations ([`ts`]) and the JavaScript request metadata ([`js`]) are read with
//! `oxc_parser`; [`convert`] turns a package into a module, [`overrides`] merges the hand
//! knowledge the metadata lacks, and [`registry`] writes `specs/wix.scopes.yaml` from Wix's scope
//! tags. Every package is read before anything is written; on any error nothing is.

pub mod convert;
pub mod js;
pub mod npm;
pub mod overrides;
pub mod registry;
pub mod share;
pub mod trial;
pub mod ts;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use convert::{Converted, Package, PermissionFacts};

/// The lock file, in the spec directory.
pub const LOCK_FILE: &str = "import.lock";
/// The registry the import writes, in the spec directory.
pub const REGISTRY_FILE: &str = "wix.scopes.yaml";
/// The first line of every file the import writes.
pub const MARKER: &str = "# Imported by `cargo xtask import`";

/// `import.lock`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub packages: Vec<Locked>,
}

/// One pinned package.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    /// `@wix/auto_sdk_stores_products-v-3`
    pub package: String,
    /// `1.0.226`
    pub version: String,
    /// The spec module it becomes (`stores-products-v3`); absent for `scope_tags_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The module's title; by default, from the package name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An older version read only for the scope tags its methods still carry.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scope_tags_only: bool,
}

/// The module name of a package: `@wix/auto_sdk_stores_products-v-3` -> `stores-products-v3`.
pub fn module_name(package: &str) -> String {
    let base = package
        .trim_start_matches("@wix/")
        .trim_start_matches("auto_sdk_");
    let mut name = base.replace('_', "-");
    // `-v-3` -> `-v3`
    while let Some(i) = name.find("-v-") {
        let rest = &name[i + 3..];
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            name = format!("{}-v{}", &name[..i], rest);
        } else {
            break;
        }
    }
    name
}

/// What `cargo xtask import` was asked.
#[derive(Debug, Default)]
pub struct Options {
    /// Packages to add to the lock (at their newest version) or, with `update`, to move.
    pub packages: Vec<String>,
    /// Move the lock to the newest versions (of `packages`, or of all).
    pub update: bool,
    /// Write nothing; fail when a file differs.
    pub check: bool,
}

/// One written (or checked) file.
pub struct Output {
    /// Relative to the spec directory.
    pub file: String,
    pub text: String,
}

/// What an import produced.
pub struct Imported {
    pub files: Vec<Output>,
    /// Per module: package, version, methods, webhooks.
    pub summary: Vec<(String, String, String, usize, usize)>,
    /// Lines to show: lock changes.
    pub changes: Vec<String>,
}

/// Reads the lock of `spec_dir`.
pub fn read_lock(spec_dir: &Path) -> Result<Lock, String> {
    let path = spec_dir.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn lock_text(lock: &Lock) -> String {
    format!(
        "{MARKER}: the Wix packages the specs are imported from, pinned.\n\
         # `cargo xtask import PACKAGE` adds one; `--update` moves them to the newest versions.\n\
         # `scope_tags_only`: an older version read only for the scope tags its methods carried.\n{}",
        serde_yaml::to_string(lock).expect("the lock serializes")
    )
}

/// Reads one package's metadata files from its tarball.
/// Whether `path` (in the package) holds universal declarations with JSDoc: the chunk
/// `build/cjs/<fqdn>.universal-<hash>.d.ts`, the inlined `build/cjs/index.typings.d.ts`, or the
/// oldest layout's `build/cjs/src/<fqdn>.universal.d.ts`.
fn is_universal(path: &str) -> bool {
    path.starts_with("build/cjs/")
        && path.ends_with(".d.ts")
        && (path.contains(".universal") || path == "build/cjs/index.typings.d.ts")
}

/// Whether the importer reads the file at `path` of a package.
fn wanted(path: &str) -> bool {
    path == "build/cjs/meta.js" || path == "build/cjs/meta.d.ts" || is_universal(path)
}

/// Reads one package from its tarball.
pub fn read_package(
    name: &str,
    version: &str,
    tarball: &Path,
    scope_tags_only: bool,
) -> Result<Package, Vec<String>> {
    let files = npm::read_files(tarball, wanted).map_err(|e| vec![e])?;
    package_from_files(name, version, &files, scope_tags_only)
}

/// Reads one package from a directory laid out like the tarball's `package/` (the importer's
/// fixture packages).
pub fn read_package_dir(
    name: &str,
    version: &str,
    dir: &Path,
    scope_tags_only: bool,
) -> Result<Package, Vec<String>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| vec![format!("cannot read {}: {e}", d.display())])?;
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if wanted(&rel) {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| vec![format!("cannot read {}: {e}", path.display())])?;
                files.insert(rel, text);
            }
        }
    }
    package_from_files(name, version, &files, scope_tags_only)
}

fn package_from_files(
    name: &str,
    version: &str,
    files: &BTreeMap<String, String>,
    scope_tags_only: bool,
) -> Result<Package, Vec<String>> {
    let at = format!("{name}@{version}");
    let mut errors = Vec::new();
    let meta_dts = match files.get("build/cjs/meta.d.ts") {
        _ if scope_tags_only => Some(ts::Decls::default()),
        Some(t) => ts::parse(t)
            .map_err(|e| errors.push(format!("{at}: build/cjs/meta.d.ts: {e}")))
            .ok(),
        None => {
            errors.push(format!("{at}: the package has no build/cjs/meta.d.ts"));
            None
        }
    };
    let meta_js = match files.get("build/cjs/meta.js") {
        _ if scope_tags_only => Some(js::JsMeta::default()),
        Some(t) => js::parse(t)
            .map_err(|e| errors.push(format!("{at}: build/cjs/meta.js: {e}")))
            .ok(),
        None => {
            errors.push(format!(
                "{at}: the package has no build/cjs/meta.js: it describes no REST methods (Wix's service-plugin packages have none)"
            ));
            None
        }
    };
    let mut universal = ts::Decls::default();
    let mut universal_files = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| is_universal(p)) {
        match ts::parse(text) {
            Ok(d) => {
                for (k, v) in d.interfaces {
                    universal.interfaces.entry(k).or_insert(v);
                }
                for (k, v) in d.enums {
                    universal.enums.entry(k).or_insert(v);
                }
                for (k, v) in d.aliases {
                    universal.aliases.entry(k).or_insert(v);
                }
                // A function declared in two files (the chunk and the inlined typings): the
                // declaration with JSDoc tags wins.
                for f in d.functions {
                    match universal.functions.iter_mut().find(|g| g.name == f.name) {
                        Some(g) if g.doc.tags.is_empty() => *g = f,
                        Some(_) => {}
                        None => universal.functions.push(f),
                    }
                }
                universal_files.push(path.clone());
            }
            Err(e) => errors.push(format!("{at}: {path}: {e}")),
        }
    }
    if universal_files.is_empty() && errors.is_empty() {
        errors.push(format!(
            "{at}: the package has no universal declarations (build/cjs/*.universal*.d.ts or build/cjs/index.typings.d.ts)"
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Package {
        name: name.to_owned(),
        version: version.to_owned(),
        meta_dts: meta_dts.expect("no errors"),
        universal,
        universal_file: universal_files.join(", "),
        meta_js: meta_js.expect("no errors"),
    })
}

/// Runs the import for the spec directory `spec_dir`: reads the lock, fetches and converts every
/// package, merges overrides, and returns every file to write. Writes nothing itself.
pub fn import(spec_dir: &Path, cache: &Path, options: &Options) -> Result<Imported, Vec<String>> {
    let mut lock = read_lock(spec_dir).map_err(|e| vec![e])?;
    let mut changes = Vec::new();
    for p in &options.packages {
        if !p.starts_with("@wix/auto_sdk_") {
            return Err(vec![format!(
                "`{p}` is not a Wix SDK package (they are named `@wix/auto_sdk_<area>_<entity>`)"
            )]);
        }
        if !lock
            .packages
            .iter()
            .any(|l| &l.package == p && !l.scope_tags_only)
        {
            let version = npm::latest(p, cache).map_err(|e| vec![e])?;
            changes.push(format!("added {p}@{version}"));
            lock.packages.push(Locked {
                package: p.clone(),
                version,
                module: Some(module_name(p)),
                title: None,
                scope_tags_only: false,
            });
        }
    }
    if options.update {
        for l in lock.packages.iter_mut().filter(|l| !l.scope_tags_only) {
            if !options.packages.is_empty() && !options.packages.contains(&l.package) {
                continue;
            }
            let newest = npm::latest(&l.package, cache).map_err(|e| vec![e])?;
            if newest != l.version {
                changes.push(format!("{}: {} -> {newest}", l.package, l.version));
                l.version = newest;
            }
        }
    }
    lock.packages.sort_by(|a, b| {
        (a.scope_tags_only, &a.package, &a.version).cmp(&(
            b.scope_tags_only,
            &b.package,
            &b.version,
        ))
    });

    // Read every package (on every core), then convert.
    let read: Vec<Result<(Locked, Package), Vec<String>>> = crate::par::map(&lock.packages, |l| {
        let tarball = npm::fetch(&l.package, &l.version, cache).map_err(|e| vec![e])?;
        read_package(&l.package, &l.version, &tarball, l.scope_tags_only).map(|p| (l.clone(), p))
    });
    let mut errors = Vec::new();
    let mut packages = Vec::new();
    for r in read {
        match r {
            Ok(p) => packages.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut files = Vec::new();
    // Module -> (package, version, spec), written once the shared types are out.
    let mut specs: Vec<(String, (String, String), crate::spec::Module)> = Vec::new();
    let mut summary = Vec::new();
    let mut facts: BTreeMap<String, PermissionFacts> = BTreeMap::new();
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut modules_seen: BTreeMap<String, String> = BTreeMap::new();
    let mut fqns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (l, pkg) in &packages {
        if l.scope_tags_only {
            continue;
        }
        let module = l.module.clone().unwrap_or_else(|| module_name(&l.package));
        if let Some(other) = modules_seen.insert(module.clone(), l.package.clone()) {
            errors.push(format!(
                "{LOCK_FILE}: module `{module}` is named for both {other} and {}",
                l.package
            ));
            continue;
        }
        let title = l
            .title
            .clone()
            .unwrap_or_else(|| heck::ToTitleCase::to_title_case(module.as_str()));
        match convert::convert(pkg, &module, &title) {
            Ok(Converted {
                module: mut spec,
                fqns: package_fqns,
                permissions,
                methods,
                webhooks,
            }) => {
                let override_path = spec_dir.join("overrides").join(format!("{module}.yaml"));
                if let Err(e) = overrides::apply(&override_path, &mut spec) {
                    errors.extend(e);
                    continue;
                }
                fqns.extend(package_fqns);
                for (id, f) in permissions {
                    used.entry(id.clone()).or_default().push(module.clone());
                    let e = facts.entry(id).or_default();
                    e.scopes.extend(f.scopes);
                    e.sources.extend(f.sources);
                }
                specs.push((module.clone(), (l.package.clone(), l.version.clone()), spec));
                summary.push((
                    module,
                    l.package.clone(),
                    l.version.clone(),
                    methods,
                    webhooks,
                ));
            }
            Err(e) => errors.extend(e.into_iter().map(|e| e.to_string())),
        }
    }
    // Older versions' method scope tags, matched to the current methods by FQN.
    let mut unmatched = Vec::new();
    for (l, pkg) in &packages {
        if l.scope_tags_only {
            unmatched.extend(registry::scope_tags_of_methods(pkg, &fqns, &mut facts));
        }
    }
    // Overrides of modules the lock does not name.
    if let Ok(dir) = std::fs::read_dir(spec_dir.join("overrides")) {
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        for n in names {
            let module = n.trim_end_matches(".yaml");
            if !modules_seen.contains_key(module) {
                errors.push(format!(
                    "overrides/{n}: no package of {LOCK_FILE} becomes the module `{module}`"
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Types several modules declare identically: generated once, in `common`.
    let mut named: Vec<(String, crate::spec::Module)> = specs
        .iter_mut()
        .map(|(m, _, s)| (m.clone(), std::mem::take(s)))
        .collect();
    let common = share::extract(&mut named);
    for ((module, (package, version), spec), (_, shared_out)) in specs.iter_mut().zip(named) {
        *spec = shared_out;
        files.push(Output {
            file: format!("{module}.yaml"),
            text: format!(
                "{MARKER} from {package}@{version} (MIT). Do not edit:\n\
                 # hand knowledge goes in overrides/{module}.yaml; re-run the import.\n{}",
                crate::spec::to_yaml(spec)
            ),
        });
    }
    if let Some(common) = common {
        files.push(Output {
            file: format!("{}.yaml", crate::model::SHARED_MODULE),
            text: format!(
                "{MARKER}: the types several of the locked packages declare identically.\n\
                 # Do not edit: re-run the import.\n{}",
                crate::spec::to_yaml(&common)
            ),
        });
    }
    files.push(Output {
        file: REGISTRY_FILE.to_owned(),
        text: registry::text(&facts, &used),
    });
    if !unmatched.is_empty() {
        changes.push(format!(
            "{} tagged method(s) of older versions match no current method (their tags are not used): {}",
            unmatched.len(),
            unmatched.join(", ")
        ));
    }
    files.push(Output {
        file: LOCK_FILE.to_owned(),
        text: lock_text(&lock),
    });
    Ok(Imported {
        files,
        summary,
        changes,
    })
}

/// Writes (or, with `check`, compares) the imported files under `spec_dir`, and removes the
/// imported module files that no package makes any more (through [`crate::write_or_check`]).
/// Returns the files that differ.
pub fn write(spec_dir: &Path, imported: &Imported, check: bool) -> Result<Vec<String>, String> {
    let files: crate::emit::Files = imported
        .files
        .iter()
        .map(|o| (o.file.clone(), o.text.clone()))
        .collect();
    let mode = if check {
        crate::Mode::Check
    } else {
        crate::Mode::Write
    };
    crate::write_or_check(spec_dir, &files, crate::Owned::Marked(MARKER), mode)
}
