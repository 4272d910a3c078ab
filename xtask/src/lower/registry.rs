//! `scopes.yaml`: permissions, and the scopes that grant them (with `includes` resolved); and the
//! requirement of a method or webhook, looked up in it.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;

use super::{ModuleLowering, SpecFile, const_name, yaml_error};
use crate::diag::{Diagnostic, Reporter, one_of};
use crate::model::*;
use crate::spec::keyword::PermissionWord;
use crate::spec::pos::{Anchor, YamlPath};
use crate::spec::{self, Registry as RawRegistry};

pub(super) fn lower_registry(file: &SpecFile, diags: &mut Vec<Diagnostic>) -> Option<Registry> {
    let decoded = match spec::decode::<RawRegistry>(&file.source) {
        Ok(d) => d,
        Err(e) => {
            diags.push(yaml_error(&file.name, e));
            return None;
        }
    };
    let mut report = Reporter::new(&file.name, &file.source, diags);
    report.unknown_keys(&decoded.unknown_keys, &spec::known_keys());
    let raw = decoded.value;
    let permissions_path = YamlPath::root().key("permissions");
    let scopes_path = YamlPath::root().key("scopes");

    let mut permission_ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in raw.permissions.iter().enumerate() {
        let path = permissions_path.index(i);
        if !is_wix_id(&p.id) {
            report.error(
                &path.key("id"),
                Anchor::Value,
                format!("`{}` is not a permission id", p.id),
                Some("write it as Wix does, like `WIX_STORES.READ_PRODUCTS`".to_owned()),
            );
        }
        if let Some(first) = permission_ids.insert(&p.id, i) {
            let line = report.line_of(&permissions_path.index(first));
            report.error(
                &path.key("id"),
                Anchor::Value,
                format!("permission `{}` is listed twice", p.id),
                Some(format!("it is first listed on line {line}; remove one")),
            );
        }
    }
    let mut scope_ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let path = scopes_path.index(i);
        if !is_wix_id(&s.id) || !s.id.starts_with("SCOPE.") {
            report.error(
                &path.key("id"),
                Anchor::Value,
                format!("`{}` is not a scope id", s.id),
                Some(
                    "scope ids start with `SCOPE.`, like `SCOPE.DC-STORES.READ-PRODUCTS`"
                        .to_owned(),
                ),
            );
        }
        if let Some(first) = scope_ids.insert(&s.id, i) {
            let line = report.line_of(&scopes_path.index(first));
            report.error(
                &path.key("id"),
                Anchor::Value,
                format!("scope `{}` is listed twice", s.id),
                Some(format!("it is first listed on line {line}; remove one")),
            );
        }
    }
    // Direct grants, then includes.
    let mut direct: Vec<Vec<String>> = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let path = scopes_path.index(i);
        let mut grants = Vec::new();
        for (j, g) in s.grants.iter().enumerate() {
            if permission_ids.contains_key(g.as_str()) {
                grants.push(g.clone());
            } else {
                report.error(
                    &path.key("grants").index(j),
                    Anchor::Value,
                    format!(
                        "scope `{}` grants `{g}`, which is not listed under `permissions`",
                        s.id
                    ),
                    Some(one_of(g, permission_ids.keys().copied(), || {
                        format!("add `{g}` to `permissions`")
                    })),
                );
            }
        }
        for (j, inc) in s.includes.iter().enumerate() {
            if !scope_ids.contains_key(inc.as_str()) {
                report.error(
                    &path.key("includes").index(j),
                    Anchor::Value,
                    format!("unknown scope `{inc}` in the includes of `{}`", s.id),
                    Some(one_of(inc, scope_ids.keys().copied(), || {
                        "list the scope under `scopes` first".to_owned()
                    })),
                );
            } else if inc == &s.id {
                report.error(
                    &path.key("includes").index(j),
                    Anchor::Value,
                    format!("scope `{}` includes itself", s.id),
                    Some("remove it".to_owned()),
                );
            }
        }
        direct.push(grants);
    }
    // Resolve includes transitively; cycles are harmless once each scope is visited once.
    let mut scopes = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        let mut visited = BTreeSet::new();
        let mut stack = vec![i];
        let mut granted = BTreeSet::new();
        while let Some(k) = stack.pop() {
            if !visited.insert(k) {
                continue;
            }
            granted.extend(direct[k].iter().cloned());
            for inc in &raw.scopes[k].includes {
                if let Some(&idx) = scope_ids.get(inc.as_str()) {
                    stack.push(idx);
                }
            }
        }
        if granted.is_empty() {
            report.error(
                &scopes_path.index(i).key("id"),
                Anchor::Value,
                format!("scope `{}` grants no permission", s.id),
                Some(
                    "add the permissions it grants under `grants`, or remove the scope".to_owned(),
                ),
            );
        }
        // Keep registry order for the permissions of a scope.
        let permissions = raw
            .permissions
            .iter()
            .filter(|p| granted.contains(&p.id))
            .map(|p| p.id.clone())
            .collect();
        scopes.push(Scope {
            const_name: const_name(s.id.trim_start_matches("SCOPE.")),
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_else(|| s.name.clone()),
            permissions,
        });
    }
    for (i, p) in raw.permissions.iter().enumerate() {
        let granted = scopes.iter().any(|s| s.permissions.contains(&p.id));
        match (granted, &p.no_scope) {
            (false, None) => report.error(
                &permissions_path.index(i).key("id"),
                Anchor::Value,
                format!("no scope grants the permission `{}`", p.id),
                Some("add it to the `grants` of the scopes that grant it, or say with `no_scope: <why>` that Wix names none".to_owned()),
            ),
            (true, Some(_)) => report.error(
                &permissions_path.index(i).key("no_scope"),
                Anchor::Key,
                format!("permission `{}` has `no_scope`, but a scope grants it", p.id),
                Some("remove `no_scope`".to_owned()),
            ),
            _ => {}
        }
    }
    let mut consts = BTreeMap::new();
    for (i, s) in scopes.iter().enumerate() {
        if let Some(other) = consts.insert(s.const_name.clone(), s.id.clone()) {
            report.error(
                &scopes_path.index(i).key("id"),
                Anchor::Value,
                format!(
                    "scopes `{other}` and `{}` would both be named `{}` in Rust",
                    s.id, s.const_name
                ),
                Some("scope ids must differ in more than punctuation".to_owned()),
            );
        }
    }
    let permissions = raw
        .permissions
        .into_iter()
        .map(|p| Permission {
            const_name: const_name(&p.id),
            trait_name: p.id.replace(['.', '-', ':'], "_").to_upper_camel_case(),
            identity: identity(&p.id),
            no_scope: p.no_scope,
            description: p
                .description
                .unwrap_or_else(|| format!("The Wix permission `{}`.", p.id)),
            id: p.id,
        })
        .collect();
    Some(Registry {
        permissions,
        scopes,
    })
}

/// A permission's identity: the 64-bit FNV-1a hash of its id (stable across runs, platforms
/// and releases; checked distinct across the merged registry by `lower::lower`).
pub(crate) fn identity(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A Wix id: `WIX_STORES.READ_PRODUCTS`, `SCOPE.DC-STORES.READ-PRODUCTS`, Wix's newer form
/// `stores:catalog:v3:product:bulk_update_product_tags`, or a mixed-case one Wix also publishes
/// (`Shoutout.Read`): ASCII letters, digits and `.` `_` `:` `-`, with a `.` or `:` in it.
fn is_wix_id(id: &str) -> bool {
    !id.is_empty()
        && (id.contains('.') || id.contains(':'))
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
}

impl ModuleLowering<'_, '_> {
    /// What a method or webhook requires: `none` says, explicitly, that it needs no permission;
    /// `unpublished` that Wix names none; a list, that it needs all of them.
    pub(super) fn access(&mut self, permission: &spec::PermissionRef, path: &YamlPath) -> Access {
        match permission {
            spec::PermissionRef::One(p) if p == PermissionWord::None.as_str() => Access::Open,
            spec::PermissionRef::One(p) if p == PermissionWord::Unpublished.as_str() => {
                Access::Unpublished
            }
            spec::PermissionRef::One(p) => Access::All(vec![self.requirement(p, path)]),
            spec::PermissionRef::All(list) => {
                if list.is_empty() {
                    self.report.error(
                        path,
                        Anchor::Value,
                        "an empty list of permissions",
                        Some("name the permissions, or write `none` or `unpublished`".to_owned()),
                    );
                }
                let mut out: Vec<Requirement> = Vec::new();
                for (i, p) in list.iter().enumerate() {
                    if out.iter().any(|r| &r.permission == p) {
                        self.report.error(
                            &path.index(i),
                            Anchor::Value,
                            format!("permission `{p}` is listed twice"),
                            None,
                        );
                        continue;
                    }
                    out.push(self.requirement(p, &path.index(i)));
                }
                Access::All(out)
            }
        }
    }

    /// The requirement of one permission. An unknown permission is reported (and lowered as if
    /// it had no scopes).
    fn requirement(&mut self, permission: &str, path: &YamlPath) -> Requirement {
        let known = self
            .registry
            .permissions
            .iter()
            .find(|p| p.id == permission);
        if known.is_none() {
            let hint = one_of(
                permission,
                self.registry.permissions.iter().map(|p| p.id.as_str()),
                || {
                    "list it under `permissions` in scopes.yaml, with the scopes that grant it"
                        .to_owned()
                },
            );
            self.report.error(
                path,
                Anchor::Value,
                format!("unknown permission `{permission}`: no scope in scopes.yaml grants it"),
                Some(hint),
            );
        }
        Requirement {
            permission: permission.to_owned(),
            trait_name: known.map(|p| p.trait_name.clone()).unwrap_or_default(),
            scopes: self
                .registry
                .granting(permission)
                .map(|s| ScopeRef {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    const_name: s.const_name.clone(),
                })
                .collect(),
        }
    }
}
