//! Types Wix's packages share (paging, sorting, money, addresses, rich content, ...): a type that
//! several imported modules declare identically, and whose referenced types are shared too, moves
//! to the module `common`, generated once; the modules refer to it as `common.Name`.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value as Yaml};

use crate::model::SHARED_MODULE;

/// Moves the shared types of `modules` (name, spec) into a new `common` module spec, which it
/// returns (`None` when nothing is shared).
pub fn extract(modules: &mut [(String, Mapping)]) -> Option<Mapping> {
    // Name -> (schema, its shape, modules declaring it), `None` once two declarations differ in
    // shape. The shape leaves out descriptions: the same type, documented in other words by two
    // packages, is one type (with the docs of the first module that declares it).
    let mut seen: BTreeMap<String, Option<(Yaml, Yaml, usize)>> = BTreeMap::new();
    for (_, spec) in modules.iter() {
        let Some(Yaml::Mapping(types)) = spec.get("types") else {
            continue;
        };
        for (k, v) in types {
            let Some(name) = k.as_str() else { continue };
            let shape = without_descriptions(v);
            match seen.get_mut(name) {
                None => {
                    seen.insert(name.to_owned(), Some((v.clone(), shape, 1)));
                }
                Some(Some((_, first, n))) if *first == shape => *n += 1,
                Some(slot) => *slot = None,
            }
        }
    }
    let mut shared: BTreeMap<String, Yaml> = seen
        .into_iter()
        .filter_map(|(k, v)| v.filter(|(_, _, n)| *n >= 2).map(|(s, _, _)| (k, s)))
        .collect();
    // A shared type may refer only to shared types: drop the others until nothing changes.
    loop {
        let names: BTreeSet<String> = shared.keys().cloned().collect();
        let before = shared.len();
        shared.retain(|_, schema| {
            let mut refs = BTreeSet::new();
            collect_refs(schema, &mut refs);
            refs.iter().all(|r| names.contains(r))
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
        if let Some(Yaml::Mapping(types)) = spec.get_mut("types") {
            types.retain(|k, _| !k.as_str().is_some_and(|n| shared.contains_key(n)));
        }
        for key in ["methods", "webhooks", "types"] {
            if let Some(v) = spec.get_mut(key) {
                rewrite_refs(v, &shared, &prefix);
            }
        }
    }
    let mut types = Mapping::new();
    for (k, v) in shared {
        types.insert(k.into(), v);
    }
    let mut out = Mapping::new();
    out.insert("module".into(), SHARED_MODULE.into());
    out.insert("title".into(), "Common types".into());
    out.insert("version".into(), "v1".into());
    out.insert(
        "docs".into(),
        "The types several of Wix's packages declare identically (paging, sorting, money, \
         addresses, rich content, ...), generated once. The modules that use them re-export them."
            .into(),
    );
    out.insert("types".into(), Yaml::Mapping(types));
    Some(out)
}

/// `v` without its `description` keys, at any depth.
fn without_descriptions(v: &Yaml) -> Yaml {
    match v {
        Yaml::Mapping(m) => Yaml::Mapping(
            m.iter()
                .filter(|(k, _)| k.as_str() != Some("description"))
                .map(|(k, v)| (k.clone(), without_descriptions(v)))
                .collect(),
        ),
        Yaml::Sequence(s) => Yaml::Sequence(s.iter().map(without_descriptions).collect()),
        other => other.clone(),
    }
}

fn collect_refs(v: &Yaml, out: &mut BTreeSet<String>) {
    match v {
        Yaml::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("$ref") {
                    if let Some(r) = v.as_str() {
                        out.insert(r.to_owned());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Yaml::Sequence(s) => s.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn rewrite_refs(v: &mut Yaml, shared: &BTreeMap<String, Yaml>, prefix: &str) {
    match v {
        Yaml::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                if k.as_str() == Some("$ref") {
                    if let Some(r) = v.as_str().filter(|r| shared.contains_key(*r)) {
                        *v = format!("{prefix}{r}").into();
                    }
                } else {
                    rewrite_refs(v, shared, prefix);
                }
            }
        }
        Yaml::Sequence(s) => s.iter_mut().for_each(|v| rewrite_refs(v, shared, prefix)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(types: &str) -> Mapping {
        serde_yaml::from_str(&format!(
            "module: m\nmethods:\n  - name: A\n    response: {{ $ref: Resp }}\ntypes:\n{types}"
        ))
        .unwrap()
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
        let names: Vec<&str> = common["types"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Yaml::as_str)
            .collect();
        // `Resp` differs between the modules: it stays in each.
        assert_eq!(names, ["Cursor", "Paging"]);
        // Inside `common`, references stay plain; the modules name `common.Paging`.
        assert_eq!(
            common["types"]["Paging"]["properties"]["cursor"]["$ref"],
            Yaml::from("Cursor")
        );
        let a = &modules[0].1;
        assert_eq!(
            a["types"]["Resp"]["properties"]["p"]["$ref"],
            Yaml::from("common.Paging")
        );
        assert!(a["types"].get("Paging").is_none());
        assert_eq!(a["methods"][0]["response"]["$ref"], Yaml::from("Resp"));
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
