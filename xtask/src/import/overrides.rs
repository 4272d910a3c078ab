//! `specs/overrides/<module>.yaml`: hand knowledge the metadata lacks (typed query capabilities,
//! paging, `retry_safe`, a better doc line), merged into an imported module by method or webhook
//! name. The import never writes these files; an override that matches nothing is an error.

use std::path::Path;

use serde_yaml::{Mapping, Value as Yaml};

/// Keys an override may set on a method.
const METHOD_KEYS: &[&str] = &["docs", "retry_safe", "paging", "query"];
/// Keys an override may set on a webhook.
const WEBHOOK_KEYS: &[&str] = &["docs"];
/// Keys an override may set on the module.
const MODULE_KEYS: &[&str] = &["title", "docs", "methods", "webhooks"];

/// Merges the override file at `path` (if there is one) into `spec`.
pub fn apply(path: &Path, spec: &mut Mapping) -> Result<(), Vec<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(vec![format!("cannot read {}: {e}", path.display())]),
    };
    let shown = format!(
        "overrides/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let doc: Mapping = match serde_yaml::from_str(&text) {
        Ok(Yaml::Mapping(m)) => m,
        Ok(Yaml::Null) => return Ok(()),
        Ok(_) => return Err(vec![format!("{shown}: not a mapping")]),
        Err(e) => return Err(vec![format!("{shown}: {e}")]),
    };
    let mut errors = Vec::new();
    for (k, v) in &doc {
        let key = k.as_str().unwrap_or_default();
        if !MODULE_KEYS.contains(&key) {
            errors.push(format!(
                "{shown}: unknown key `{key}` (use one of: {})",
                MODULE_KEYS.join(", ")
            ));
            continue;
        }
        match key {
            "title" | "docs" => {
                spec.insert(k.clone(), v.clone());
            }
            "methods" | "webhooks" => {
                let allowed = if key == "methods" {
                    METHOD_KEYS
                } else {
                    WEBHOOK_KEYS
                };
                merge_named(&shown, key, v, spec, allowed, &mut errors);
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn merge_named(
    shown: &str,
    section: &str,
    overrides: &Yaml,
    spec: &mut Mapping,
    allowed: &[&str],
    errors: &mut Vec<String>,
) {
    let Some(overrides) = overrides.as_mapping() else {
        errors.push(format!(
            "{shown}: `{section}` must map {section} names to their overrides"
        ));
        return;
    };
    let mut empty = Vec::new();
    let items = match spec.get_mut(section) {
        Some(Yaml::Sequence(s)) => s,
        _ => &mut empty,
    };
    for (name, changes) in overrides {
        let name = name.as_str().unwrap_or_default();
        let Some(item) = items
            .iter_mut()
            .filter_map(Yaml::as_mapping_mut)
            .find(|m| m.get("name").and_then(Yaml::as_str) == Some(name))
        else {
            errors.push(format!(
                "{shown}: {section}: `{name}` matches nothing the package declares"
            ));
            continue;
        };
        let Some(changes) = changes.as_mapping() else {
            errors.push(format!("{shown}: {section}: `{name}`: not a mapping"));
            continue;
        };
        for (k, v) in changes {
            let key = k.as_str().unwrap_or_default();
            if !allowed.contains(&key) {
                errors.push(format!(
                    "{shown}: {section}: `{name}`: `{key}` cannot be overridden (only {})",
                    allowed.join(", ")
                ));
                continue;
            }
            item.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Mapping {
        serde_yaml::from_str(
            "module: m\nmethods:\n  - name: Get Product\n    http: GET\n  - name: Query Products\n    http: POST\n",
        )
        .unwrap()
    }

    fn apply_text(text: &str) -> Result<Mapping, Vec<String>> {
        let dir = std::env::temp_dir().join(format!("wix-overrides-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("m{}.yaml", text.len()));
        std::fs::write(&path, text).unwrap();
        let mut s = spec();
        let r = apply(&path, &mut s).map(|()| s);
        let _ = std::fs::remove_file(&path);
        r
    }

    #[test]
    fn merges_by_method_name() {
        let s = apply_text("methods:\n  Query Products:\n    retry_safe: true\n").unwrap();
        let m = &s["methods"][1];
        assert_eq!(m["retry_safe"], Yaml::Bool(true));
        assert_eq!(m["http"], Yaml::from("POST"));
    }

    #[test]
    fn an_override_that_matches_nothing_is_an_error() {
        let e = apply_text("methods:\n  Query Product:\n    retry_safe: true\n").unwrap_err();
        assert!(e[0].contains("`Query Product` matches nothing"), "{e:?}");
        let e = apply_text("methods:\n  Get Product:\n    permission: X.Y\n").unwrap_err();
        assert!(e[0].contains("`permission` cannot be overridden"), "{e:?}");
        let e = apply_text("method: {}\n").unwrap_err();
        assert!(e[0].contains("unknown key `method`"), "{e:?}");
    }
}
