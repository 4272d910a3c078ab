//! Types Wix's packages share (paging, sorting, money, addresses, rich content, ...): a type that
//! several imported modules declare identically, and whose referenced types are shared too, moves
//! to the module `common`, generated once; the modules refer to it as `common.Name`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::SHARED_MODULE;
use crate::spec::{Module, OrderedMap, Schema};

/// Moves the shared types of `modules` (name, spec) into a new `common` module spec, which it
/// returns (`None` when nothing is shared).
pub fn extract(modules: &mut [(String, Module)]) -> Option<Module> {
    // Name -> (schema, its shape, modules declaring it), `None` once two declarations differ in
    // shape. The shape leaves out descriptions: the same type, documented in other words by two
    // packages, is one type (with the docs of the first module that declares it).
    let mut seen: BTreeMap<String, Option<(Schema, Schema, usize)>> = BTreeMap::new();
    for (_, spec) in modules.iter() {
        for (name, v) in &spec.types.0 {
            let shape = without_descriptions(v);
            match seen.get_mut(name) {
                None => {
                    seen.insert(name.clone(), Some((v.clone(), shape, 1)));
                }
                Some(Some((_, first, n))) if *first == shape => *n += 1,
                Some(slot) => *slot = None,
            }
        }
    }
    let mut shared: BTreeMap<String, Schema> = seen
        .into_iter()
        .filter_map(|(k, v)| v.filter(|(_, _, n)| *n >= 2).map(|(s, _, _)| (k, s)))
        .collect();
    // A shared type may refer only to shared types: drop the others until nothing changes.
    loop {
        let names: BTreeSet<String> = shared.keys().cloned().collect();
        let before = shared.len();
        shared.retain(|_, schema| {
            let mut all_shared = true;
            schema.walk(&mut |s| {
                if let Some(r) = &s.reference {
                    all_shared &= names.contains(r);
                }
            });
            all_shared
        });
        if shared.len() == before {
            break;
        }
    }
    if shared.is_empty() {
        return None;
    }
    let prefix = format!("{SHARED_MODULE}.");
    for (_, spec) in modules.iter_mut() {
        spec.types.0.retain(|(k, _)| !shared.contains_key(k));
        for schema in spec.schemas_mut() {
            schema.walk_mut(&mut |s| {
                if let Some(r) = s.reference.as_mut().filter(|r| shared.contains_key(*r)) {
                    *r = format!("{prefix}{r}");
                }
            });
        }
    }
    Some(Module {
        module: SHARED_MODULE.to_owned(),
        title: "Common types".to_owned(),
        version: "v1".to_owned(),
        host: None,
        docs: Some(
            "The types several of Wix's packages declare identically (paging, sorting, money, \
             addresses, rich content, ...), generated once. The modules that use them re-export them."
                .to_owned(),
        ),
        methods: Vec::new(),
        webhooks: Vec::new(),
        types: OrderedMap(shared.into_iter().collect()),
    })
}

/// `schema` without its descriptions, at any depth.
fn without_descriptions(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    s.walk_mut(&mut |s| s.description = None);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(types: &str) -> Module {
        crate::spec::decode(&format!(
            "module: m\ntitle: M\nversion: v1\nmethods:\n  - name: A\n    http: GET\n    path: /a\n    permission: none\n    response: {{ $ref: Resp }}\ntypes:\n{types}"
        ))
        .ok()
        .unwrap()
        .value
    }

    #[test]
    fn identical_types_move_to_common_with_their_references() {
        let paging = "  Paging:\n    type: object\n    properties:\n      cursor: { $ref: Cursor }\n  Cursor:\n    type: string\n    enum: [A]\n";
        let mut modules = vec![
            (
                "a".to_owned(),
                module(&format!(
                    "{paging}  Resp:\n    type: object\n    properties:\n      p: {{ $ref: Paging }}\n"
                )),
            ),
            (
                "b".to_owned(),
                module(&format!(
                    "{paging}  Resp:\n    type: object\n    properties:\n      q: {{ $ref: Paging }}\n"
                )),
            ),
        ];
        let common = extract(&mut modules).unwrap();
        let names: Vec<&str> = common.types.0.iter().map(|(k, _)| k.as_str()).collect();
        // `Resp` differs between the modules: it stays in each.
        assert_eq!(names, ["Cursor", "Paging"]);
        // Inside `common`, references stay plain; the modules name `common.Paging`.
        let prop = |m: &Module, t: &str, p: &str| {
            m.types
                .get(t)
                .unwrap()
                .properties
                .as_ref()
                .unwrap()
                .get(p)
                .unwrap()
                .reference
                .clone()
        };
        assert_eq!(prop(&common, "Paging", "cursor").as_deref(), Some("Cursor"));
        let a = &modules[0].1;
        assert_eq!(prop(a, "Resp", "p").as_deref(), Some("common.Paging"));
        assert!(a.types.get("Paging").is_none());
        let response = a.methods[0].response.as_ref().unwrap();
        assert_eq!(response.reference.as_deref(), Some("Resp"));
    }

    #[test]
    fn a_type_that_refers_to_an_unshared_type_stays() {
        let mut modules = vec![
            (
                "a".to_owned(),
                module(
                    "  Resp:\n    type: object\n    properties:\n      x: { $ref: X }\n  X:\n    type: string\n    enum: [A]\n",
                ),
            ),
            (
                "b".to_owned(),
                module(
                    "  Resp:\n    type: object\n    properties:\n      x: { $ref: X }\n  X:\n    type: string\n    enum: [B]\n",
                ),
            ),
        ];
        assert!(extract(&mut modules).is_none());
    }
}
