//! What the emitters would otherwise have to work out across modules, decided once every module
//! is lowered: which types derive `Default`, and which modules use each shared type.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Module, SHARED_MODULE, Ty, TypeKind};

/// Sets [`TypeDef::derives_default`](crate::model::TypeDef::derives_default) of every type and
/// [`TypeDef::users`](crate::model::TypeDef::users) of the shared module's.
pub(super) fn decide(modules: &mut [Module]) {
    let shared_defaults = modules
        .iter()
        .find(|m| m.name == SHARED_MODULE)
        .map(|m| defaultable(m, &BTreeSet::new()))
        .unwrap_or_default();
    let users = shared_type_users(modules);
    for module in modules.iter_mut() {
        let shared = module.name == SHARED_MODULE;
        let defaults = if shared {
            shared_defaults.clone()
        } else {
            defaultable(module, &shared_defaults)
        };
        for def in &mut module.types {
            def.derives_default = defaults.contains(&def.name);
            if shared {
                def.users = users
                    .get(&def.name)
                    .map(|u| u.iter().cloned().collect())
                    .unwrap_or_default();
            }
        }
    }
}

/// Which types can derive `Default`: structs whose required fields all have defaults (named
/// types among `shared` count as having one).
fn defaultable(module: &Module, shared: &BTreeSet<String>) -> BTreeSet<String> {
    let mut ok: BTreeSet<String> = shared.clone();
    loop {
        let before = ok.len();
        for def in &module.types {
            if let TypeKind::Struct { fields, .. } = &def.kind
                && fields
                    .iter()
                    .all(|f| !f.required || has_default(&f.ty, &ok))
            {
                ok.insert(def.name.clone());
            }
        }
        if ok.len() == before {
            return ok;
        }
    }
}

fn has_default(ty: &Ty, ok: &BTreeSet<String>) -> bool {
    match ty {
        Ty::Named(n) => ok.contains(n),
        // An instant has no meaningful default.
        Ty::Timestamp => false,
        _ => true,
    }
}

/// Shared type -> the features of the modules that use it, directly or through other shared
/// types.
fn shared_type_users(modules: &[Module]) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Some(shared) = modules.iter().find(|m| m.name == SHARED_MODULE) else {
        return users;
    };
    let by_name: BTreeMap<&str, &crate::model::TypeDef> =
        shared.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for m in modules.iter().filter(|m| m.name != SHARED_MODULE) {
        let mut stack: Vec<&str> = m.imports.iter().map(String::as_str).collect();
        while let Some(t) = stack.pop() {
            if users
                .entry(t.to_owned())
                .or_default()
                .insert(m.name.clone())
            {
                stack.extend(
                    by_name
                        .get(t)
                        .into_iter()
                        .flat_map(|d| d.referenced_names()),
                );
            }
        }
    }
    users
}
