//! Emits the generated crate from the lowered model. Never sees YAML, and decides nothing: every
//! name, field and sharing choice is in the model; these files only print.
//!
//! One file per output kind: [`crate_root`] (`lib.rs` and the crate-wide event enum),
//! [`cargo_toml`], [`registry`] (scopes, permissions, the macros' table), and per module
//! [`client`] (the client, its methods, `calls`, `operations`), [`paging`], [`query`],
//! [`types`] and [`events`], collected in a [`out::ModuleOut`]. [`docs`] shapes doc text and
//! [`access`] builds field-access expressions.
//!
//! Generated methods stay thin: each builds its path and hands the request to one non-generic
//! runtime function; all derives are the few a user needs (`Clone`, `Debug`, `PartialEq`, serde,
//! and `Default` where it is possible).

mod access;
mod cargo_toml;
mod client;
mod crate_root;
mod docs;
mod events;
mod out;
mod paging;
mod query;
mod registry;
mod types;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};

use crate::model::Spec;

/// Generated files: path (relative to the workspace root) -> text.
pub type Files = BTreeMap<String, String>;

/// Where the generated crate lives.
pub const CRATE_DIR: &str = "generated";
/// The scope table of the proc-macro crate.
pub const MACRO_TABLE: &str = "crates/macros/src/table.rs";

/// Everything a spec set generates, keyed by path relative to the workspace root: the crate
/// `crate_name` under [`CRATE_DIR`], and the macros' scope table. `spec_dir` is how the spec
/// directory is named in the files' headers.
pub fn all_files(spec: &Spec, crate_name: &str, spec_dir: &str) -> Files {
    let registry_source = format!("{spec_dir}/scopes.yaml");
    let mut crate_files = Files::new();
    crate_files.insert(
        "Cargo.toml".into(),
        cargo_toml::cargo_toml(spec, crate_name, spec_dir),
    );
    crate_files.insert("SCOPES.md".into(), crate::scopes_table::markdown(spec));
    crate_files.insert(
        "src/lib.rs".into(),
        rust_file(&format!("{spec_dir}/"), crate_root::lib_rs(spec)),
    );
    crate_files.insert(
        "src/scopes.rs".into(),
        rust_file(&registry_source, registry::scopes_rs(&spec.registry)),
    );
    crate_files.insert(
        "src/permissions.rs".into(),
        rust_file(&registry_source, registry::permissions_rs(&spec.registry)),
    );
    // Modules are independent: emitted on every core. Each thread builds its own token streams
    // (they are not `Send`); only the finished text crosses threads.
    let shared_defaults = spec
        .modules
        .iter()
        .find(|m| m.name == crate::model::SHARED_MODULE)
        .map(|m| types::defaultable(m, &Default::default()))
        .unwrap_or_default();
    let users = shared_type_users(spec);
    crate_files.extend(crate::par::map(&spec.modules, |module| {
        (
            format!("src/{}.rs", module.rust_name),
            rust_file(
                &module.source,
                client::module_rs(module, &shared_defaults, &users),
            ),
        )
    }));
    let mut files: Files = crate_files
        .into_iter()
        .map(|(rel, text)| (format!("{CRATE_DIR}/{rel}"), text))
        .collect();
    files.insert(
        MACRO_TABLE.to_owned(),
        rust_file(&registry_source, registry::macro_table(&spec.registry)),
    );
    files
}

/// The first line of every generated file.
/// Shared type -> the features of the modules that use it, directly or through other shared
/// types.
fn shared_type_users(spec: &Spec) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    use crate::model::{SHARED_MODULE, Ty, TypeKind};
    let mut users: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    let Some(shared) = spec.modules.iter().find(|m| m.name == SHARED_MODULE) else {
        return users;
    };
    fn named(ty: &Ty, out: &mut Vec<String>) {
        match ty {
            Ty::Named(n) => out.push(n.clone()),
            Ty::Array(t) | Ty::Map(t) => named(t, out),
            _ => {}
        }
    }
    let refs = |name: &str| -> Vec<String> {
        let mut out = Vec::new();
        if let Some(def) = shared.types.iter().find(|t| t.name == name) {
            match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().for_each(|f| named(&f.ty, &mut out))
                }
                TypeKind::OneOf { variants, .. } => variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref())
                    .for_each(|t| named(t, &mut out)),
                TypeKind::Enum { .. } => {}
            }
        }
        out
    };
    for m in spec.modules.iter().filter(|m| m.name != SHARED_MODULE) {
        let mut stack: Vec<String> = m.imports.clone();
        while let Some(t) = stack.pop() {
            if users.entry(t.clone()).or_default().insert(m.name.clone()) {
                stack.extend(refs(&t));
            }
        }
    }
    users
}

fn header(source: &str) -> String {
    format!("// @generated by `cargo xtask codegen` from {source}. Do not edit.\n")
}

/// A Rust file: the header, then the tokens formatted by prettyplease.
fn rust_file(source: &str, tokens: TokenStream) -> String {
    // Not cloned for the message: a shared token stream would be copied as it is parsed.
    let file: syn::File = match syn::parse2(tokens) {
        Ok(f) => f,
        Err(e) => panic!("generated code for {source} does not parse: {e}"),
    };
    // Formatted by prettyplease; rustfmt is told to leave it so (`cargo fmt` must not fight codegen).
    format!(
        "{}#![cfg_attr(rustfmt, rustfmt::skip)]\n\n{}",
        header(source),
        blank_lines_between_items(&prettyplease::unparse(&file))
    )
}

/// prettyplease puts no blank lines between items; rustfmt-style code reads better with them.
fn blank_lines_between_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///", "#[", "pub ", "pub(", "impl", "use ", "mod ", "fn ", "const ", "static ", "enum ",
        "struct ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev: Option<(usize, &str)> = None;
    for line in code.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let starts_item = ITEM_STARTS.iter().any(|s| trimmed.starts_with(s));
        if let Some((prev_indent, prev_trimmed)) = prev {
            // A doc line ending in `;` ends no item: a blank line there would split the docs.
            let after_item = prev_indent == indent
                && !prev_trimmed.starts_with("//")
                && (prev_trimmed.ends_with('}') || prev_trimmed.ends_with(';'))
                && !(prev_trimmed.starts_with("use ") && trimmed.starts_with("use "));
            let after_inner_docs = prev_trimmed.starts_with("//!") && !trimmed.starts_with("//!");
            if (starts_item && after_item) || after_inner_docs {
                out.push('\n');
            }
        }
        if !trimmed.is_empty() {
            prev = Some((indent, trimmed));
        } else {
            prev = None;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// An identifier, raw (`r#type`) when the model's name says so.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}
