//! Parse -> validate -> lower: turns the spec files into the plain [`model`](crate::model),
//! reporting every problem of the whole set with file, line, column and a hint.
//!
//! One file per concern, each an `impl ModuleLowering` block (or free functions for the
//! registry): [`registry`] (`scopes.yaml` and method/webhook requirements), [`module`] (a module
//! file and the names the generator takes), [`method`], [`path`] (the path template), [`paging`],
//! [`query`], [`webhook`], [`schema`] (schemas to types) and [`graph`] (field paths through the
//! types, and the boxes that break type cycles).

mod decide;
mod graph;
mod method;
pub(crate) mod module;
mod paging;
mod query;
mod registry;
mod schema;
mod webhook;

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;

use crate::diag::{Diagnostic, Reporter};
use crate::model::*;
use crate::spec;
use crate::spec::pos::YamlPath;

/// A spec file: its name as diagnostics show it, and its text.
pub struct SpecFile {
    pub name: String,
    pub source: String,
}

/// The registry file's name.
pub use module::RESERVED_TYPE_NAMES;

pub const REGISTRY_FILE: &str = "scopes.yaml";

/// The host of a module that names none.
const DEFAULT_HOST: &str = "https://www.wixapis.com";

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Lowers a spec set: `scopes.yaml` plus module files (any order; the result is sorted).
pub fn lower(files: &[SpecFile]) -> Result<Spec, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let registry_file = files.iter().find(|f| file_stem(&f.name) == "scopes");
    let registry = match registry_file {
        Some(file) => registry::lower_registry(file, &mut diags),
        None => {
            diags.push(Diagnostic {
                file: REGISTRY_FILE.to_owned(),
                line: 1,
                column: 1,
                message: "the scope registry `scopes.yaml` is missing".to_owned(),
                hint: Some("every spec set needs one; see specs/README.md".to_owned()),
            });
            None
        }
    };
    let empty = Registry {
        permissions: Vec::new(),
        scopes: Vec::new(),
    };
    // `NAME.scopes.yaml`: the registry of an imported module, added to `scopes.yaml`'s.
    let mut registry = registry;
    let mut extra_files: Vec<&SpecFile> = files
        .iter()
        .filter(|f| is_extra_registry(&f.name))
        .collect();
    extra_files.sort_by(|a, b| a.name.cmp(&b.name));
    for file in extra_files {
        let Some(extra) = registry::lower_registry(file, &mut diags) else {
            continue;
        };
        let Some(main) = registry.as_mut() else {
            continue;
        };
        for p in extra.permissions {
            if main.permissions.iter().any(|q| q.id == p.id) {
                diags.push(Diagnostic {
                    file: file.name.clone(),
                    line: 1,
                    column: 1,
                    message: format!("permission `{}` is already in another registry file", p.id),
                    hint: Some("list each permission in one registry file".to_owned()),
                });
            } else {
                main.permissions.push(p);
            }
        }
        // A scope in two files (an imported scope that also grants hand-listed permissions of
        // legacy APIs) grants what both files say.
        for s in extra.scopes {
            match main.scopes.iter_mut().find(|q| q.id == s.id) {
                Some(q) => {
                    for p in s.permissions {
                        if !q.permissions.contains(&p) {
                            q.permissions.push(p);
                        }
                    }
                }
                None => main.scopes.push(s),
            }
        }
    }
    // Each permission trait is told apart by its identity (the hash of its id): two permissions
    // of the merged registry must not share one.
    if let (Some(registry), Some(file)) = (&registry, registry_file) {
        let mut identities: BTreeMap<u64, &str> = BTreeMap::new();
        for p in &registry.permissions {
            if let Some(other) = identities.insert(p.identity, &p.id) {
                diags.push(Diagnostic {
                    file: file.name.clone(),
                    line: 1,
                    column: 1,
                    message: format!(
                        "permissions `{other}` and `{}` have the same 64-bit identity, so their traits could not be told apart",
                        p.id
                    ),
                    hint: None,
                });
            }
        }
    }
    let registry_ref = registry.as_ref().unwrap_or(&empty);
    // Modules lower independently: on every core, each with its own diagnostics.
    // The shared module first: the others refer to its types.
    let shared = files
        .iter()
        .find(|f| file_stem(&f.name) == SHARED_MODULE)
        .and_then(|f| module::lower_module(f, registry_ref, None, &mut diags));
    let module_files: Vec<&SpecFile> = files
        .iter()
        .filter(|f| {
            let stem = file_stem(&f.name);
            stem != "scopes" && stem != SHARED_MODULE && !is_extra_registry(&f.name)
        })
        .collect();
    let mut modules = Vec::new();
    for (module, module_diags) in crate::par::map(&module_files, |file| {
        let mut module_diags = Vec::new();
        let module = module::lower_module(file, registry_ref, shared.as_ref(), &mut module_diags);
        (module, module_diags)
    }) {
        modules.extend(module);
        diags.extend(module_diags);
    }
    // Two modules must not claim the same Rust name.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for m in &modules {
        if let Some(first) = seen.insert(m.rust_name.clone(), m.source.clone()) {
            diags.push(Diagnostic {
                file: m.source.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "module `{}` has the same Rust name as the module of {first}",
                    m.name
                ),
                hint: Some("give each module its own `module:` name".to_owned()),
            });
        }
    }
    modules.extend(shared);
    diags.sort();
    diags.dedup();
    if !diags.is_empty() {
        return Err(diags);
    }
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    decide::decide(&mut modules);
    Ok(Spec {
        registry: registry.expect("no diagnostics means the registry lowered"),
        modules,
    })
}

/// What lowering one module keeps while it walks the file.
struct ModuleLowering<'a, 'b> {
    report: Reporter<'a>,
    /// `StoresCatalogV1`: the module's client.
    module_type: String,
    /// Raw type name -> Rust type name, for `$ref`.
    refs: BTreeMap<String, String>,
    /// Raw type name -> its schema, for `allOf` parts that are `$ref`s.
    raw_types: BTreeMap<String, spec::Schema>,
    /// Rust type name -> definition.
    types: BTreeMap<String, TypeDef>,
    /// Rust type name -> where it was defined (for collisions).
    defined_at: BTreeMap<String, YamlPath>,
    registry: &'b Registry,
    /// The shared module, lowered first, whose types `common.Name` refers to.
    shared: Option<&'b Module>,
    /// The shared types this module refers to (Rust names).
    imports: std::collections::BTreeSet<String>,
}

/// `NAME.scopes.yaml`: a registry file of its own next to module `NAME` (imported modules).
pub fn is_extra_registry(name: &str) -> bool {
    file_stem(name).ends_with(".scopes")
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.strip_suffix(".yaml").unwrap_or(base)
}

/// A Rust identifier for `name`, raw (`r#type`) when it is a keyword.
fn rust_ident(name: &str) -> String {
    if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// A constant's name for a Wix id: `WIX_STORES.READ_PRODUCTS` -> `WIX_STORES_READ_PRODUCTS`.
fn const_name(id: &str) -> String {
    id.replace(['.', '-', ':'], "_").to_shouty_snake_case()
}

/// A YAML or type error serde_yaml stopped at.
fn yaml_error(file: &str, e: spec::DecodeError) -> Diagnostic {
    // serde_yaml says "... at line L column C"; we place it ourselves, and keep the rest
    // (", while scanning a quoted scalar at line 3 column 11" says where the trouble began).
    let message = e
        .message
        .replacen(&format!(" at line {} column {}", e.line, e.column), "", 1);
    let hint = if message.contains("missing field") {
        "add the field; specs/README.md shows what each section needs"
    } else if message.contains("invalid type") {
        "check the value's type (a list, a mapping, a string, a number)"
    } else {
        "fix the YAML here"
    };
    Diagnostic {
        file: file.to_owned(),
        line: e.line,
        column: e.column,
        message,
        hint: Some(hint.to_owned()),
    }
}
