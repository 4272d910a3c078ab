//! `specs/wix.scopes.yaml`: the permissions the imported methods and webhooks require, exactly as
//! Wix tags them (`@permissionId`), and the scopes that grant them, from Wix's own
//! `@permissionScope` / `@permissionScopeId` tags, each mapping with where it was read. A
//! permission no tag maps to a scope is listed with `no_scope`: no scope set grants it, so a call
//! does not compile without the unchecked escape hatch.

use std::collections::{BTreeMap, BTreeSet};

use super::MARKER;
use super::convert::{Package, PermissionFacts, scope_tags};
use crate::spec;

/// Adds the scope tags of the methods of `pkg`, an older version that still tagged them. Those
/// versions name no permission: a method's scopes are matched, by its `@fqn`, to the
/// permissions the current version of the method requires (`fqns`); a scope that let an app
/// call the method grants what the method requires. Returns the tagged methods no current
/// method matches.
pub fn scope_tags_of_methods(
    pkg: &Package,
    fqns: &BTreeMap<String, Vec<String>>,
    facts: &mut BTreeMap<String, PermissionFacts>,
) -> Vec<String> {
    let mut unmatched = Vec::new();
    for f in &pkg.universal.functions {
        let Some(fqn) = f.doc.first("fqn") else {
            continue;
        };
        let scopes = scope_tags(&f.doc);
        if scopes.is_empty() {
            continue;
        }
        let Some(ids) = fqns.get(fqn) else {
            unmatched.push(format!("{}@{} {}", pkg.name, pkg.version, f.name));
            continue;
        };
        for id in ids {
            let e = facts.entry(id.to_owned()).or_default();
            e.scopes.extend(scopes.clone());
            e.sources
                .insert(format!("{}@{} {} ({fqn})", pkg.name, pkg.version, f.name));
        }
    }
    unmatched
}

/// The registry file for the permissions `used` (id -> modules) with their `facts`.
pub fn text(
    facts: &BTreeMap<String, PermissionFacts>,
    used: &BTreeMap<String, Vec<String>>,
) -> String {
    let mut permissions = Vec::new();
    // Scope id -> (name, granted permissions).
    let mut scopes: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for (id, modules) in used {
        let mut modules = modules.clone();
        modules.sort();
        modules.dedup();
        let f = facts.get(id).cloned().unwrap_or_default();
        let description = format!(
            "Wix's permission `{id}`, required by methods or webhooks of {}.",
            modules
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (source, no_scope) = if f.scopes.is_empty() {
            (
                None,
                Some("Wix's metadata (method and webhook scope tags of the locked packages) names no scope that grants it.".to_owned()),
            )
        } else {
            (
                Some(format!(
                    "@permissionScopeId tags of {}",
                    f.sources.iter().cloned().collect::<Vec<_>>().join(", ")
                )),
                None,
            )
        };
        permissions.push(spec::Permission {
            id: id.clone(),
            description: Some(description),
            source,
            no_scope,
        });
        for (scope, name) in &f.scopes {
            scopes
                .entry(scope.clone())
                .or_insert_with(|| (name.clone(), BTreeSet::new()))
                .1
                .insert(id.clone());
        }
    }
    let scopes: Vec<spec::Scope> = scopes
        .into_iter()
        .map(|(id, (name, grants))| spec::Scope {
            id,
            name,
            description: None,
            grants: grants.into_iter().collect(),
            includes: Vec::new(),
            source: None,
        })
        .collect();
    let doc = spec::Registry {
        permissions,
        scopes,
    };
    format!(
        "{MARKER}: Wix's permissions, as the imported packages tag their methods and\n\
         # webhooks (`@permissionId`), and the scopes that grant them (`@permissionScopeId`).\n\
         # `source` says which tags each mapping was read from; `no_scope` marks a permission\n\
         # no tag maps to a scope. Do not edit: re-run the import.\n{}",
        spec::to_yaml(&doc)
    )
}
