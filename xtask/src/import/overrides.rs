//! `specs/overrides/<module>.yaml`: hand knowledge the metadata lacks (typed query capabilities,
//! paging, `retry_safe`, a better doc line), merged into an imported module by method or webhook
//! name. The import never writes these files; an override that matches nothing is an error, and
//! every error names the file, line and column, as a spec's do.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Reporter};
use crate::spec::keyword::Keyword;
use crate::spec::pos::{Anchor, Seg, YamlPath};
use crate::spec::{self, OrderedMap, Word, keys_of};

/// An override file.
#[derive(Debug, Default, Deserialize)]
pub struct Overrides {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub docs: Option<String>,
    /// Method name -> what to set on it.
    #[serde(default)]
    pub methods: OrderedMap<MethodOverride>,
    /// Webhook name -> what to set on it.
    #[serde(default)]
    pub webhooks: OrderedMap<WebhookOverride>,
}

/// What an override may set on a method.
#[derive(Debug, Default, Deserialize)]
pub struct MethodOverride {
    #[serde(default)]
    pub docs: Option<String>,
    #[serde(default)]
    pub retry_safe: Option<bool>,
    #[serde(default)]
    pub paging: Option<spec::Paging>,
    #[serde(default)]
    pub query: Option<spec::Query>,
}

/// What an override may set on a webhook.
#[derive(Debug, Default, Deserialize)]
pub struct WebhookOverride {
    #[serde(default)]
    pub docs: Option<String>,
}

/// Merges the override file at `path` (if there is one) into `spec`. Errors are rendered
/// diagnostics (`overrides/<module>.yaml:LINE:COLUMN: error: ...`).
pub fn apply(path: &Path, spec: &mut spec::Module) -> Result<(), Vec<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(vec![format!("cannot read {}: {e}", path.display())]),
    };
    let shown = format!(
        "overrides/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut diags = Vec::new();
    merge(&shown, &text, spec, &mut diags);
    if diags.is_empty() {
        Ok(())
    } else {
        diags.sort();
        Err(diags.iter().map(Diagnostic::to_string).collect())
    }
}

/// The keys an override file takes, for "did you mean".
fn override_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = [
        keys_of::<Overrides>(),
        keys_of::<MethodOverride>(),
        keys_of::<WebhookOverride>(),
        keys_of::<spec::Paging>(),
        keys_of::<spec::Query>(),
        keys_of::<spec::QueryField>(),
    ]
    .concat();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn merge(file: &str, text: &str, spec: &mut spec::Module, diags: &mut Vec<Diagnostic>) {
    let decoded = match spec::decode::<Option<Overrides>>(text) {
        Ok(d) => d,
        Err(e) => {
            diags.push(Diagnostic {
                file: file.to_owned(),
                line: e.line,
                column: e.column,
                message: e.message,
                hint: None,
            });
            return;
        }
    };
    let mut report = Reporter::new(file, text, diags);
    // A key of a method or webhook the override cannot set: said as such.
    let mut unknown = Vec::new();
    for path in &decoded.unknown_keys {
        match &path[..] {
            [Seg::Key(section), Seg::Key(_), Seg::Key(key)]
                if (section == "methods" && keys_of::<spec::Method>().contains(&key.as_str()))
                    || (section == "webhooks"
                        && keys_of::<spec::Webhook>().contains(&key.as_str())) =>
            {
                let allowed = if section == "methods" {
                    keys_of::<MethodOverride>()
                } else {
                    keys_of::<WebhookOverride>()
                };
                report.error(
                    path,
                    Anchor::Key,
                    format!("`{key}` cannot be overridden"),
                    Some(format!(
                        "an override sets only {}; the rest is Wix's metadata",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
            _ => unknown.push(path.clone()),
        }
    }
    report.unknown_keys(&unknown, &override_keys());
    let Some(o) = decoded.value else { return };

    if let Some(t) = o.title {
        spec.title = t;
    }
    if let Some(d) = o.docs {
        spec.docs = Some(d);
    }
    let root = YamlPath::root();
    for (name, m) in o.methods.0 {
        let at = root.key("methods").key(&name);
        let Some(method) = spec.methods.iter_mut().find(|x| x.name == name) else {
            no_match(
                &mut report,
                &at,
                "methods",
                &name,
                spec_names(&spec.methods),
            );
            continue;
        };
        if let Some(p) = &m.paging {
            check_word(&mut report, &at.key("paging").key("style"), &p.style);
        }
        if let Some(q) = &m.query {
            let at = at.key("query");
            check_word(&mut report, &at.key("encoding"), &q.encoding);
            for (i, f) in q.fields.iter().enumerate() {
                let at = at.key("fields").index(i);
                for (j, op) in f.operators.iter().enumerate() {
                    check_word(&mut report, &at.key("operators").index(j), op);
                }
                if let Some(ty) = &f.ty {
                    check_word(&mut report, &at.key("type"), ty);
                }
            }
        }
        if let Some(d) = m.docs {
            method.docs = Some(d);
        }
        if let Some(r) = m.retry_safe {
            method.retry_safe = Some(r);
        }
        if let Some(p) = m.paging {
            method.paging = Some(p);
        }
        if let Some(q) = m.query {
            method.query = Some(q);
        }
    }
    for (name, w) in o.webhooks.0 {
        let at = root.key("webhooks").key(&name);
        let names: Vec<String> = spec.webhooks.iter().map(|w| w.name.clone()).collect();
        let Some(webhook) = spec.webhooks.iter_mut().find(|x| x.name == name) else {
            no_match(&mut report, &at, "webhooks", &name, names);
            continue;
        };
        if let Some(d) = w.docs {
            webhook.docs = Some(d);
        }
    }
}

fn spec_names(methods: &[spec::Method]) -> Vec<String> {
    methods.iter().map(|m| m.name.clone()).collect()
}

fn no_match(report: &mut Reporter, at: &YamlPath, section: &str, name: &str, names: Vec<String>) {
    let hint = crate::diag::one_of(name, names.iter().map(String::as_str), || {
        format!("the {section} are named as in the imported module")
    });
    report.error(
        at,
        Anchor::Key,
        format!("{section}: `{name}` matches nothing the package declares"),
        Some(hint),
    );
}

fn check_word<K: Keyword>(report: &mut Reporter, at: &YamlPath, word: &Word<K>) {
    if let Err(hint) = word.parse() {
        report.error(
            at,
            Anchor::Value,
            format!("`{word}` is not a keyword here"),
            Some(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> spec::Module {
        spec::decode(
            "module: m\ntitle: M\nversion: v1\nmethods:\n  - name: Get Product\n    http: GET\n    path: /a\n    permission: none\n  - name: Query Products\n    http: POST\n    path: /b\n    permission: none\n",
        )
        .ok()
        .unwrap()
        .value
    }

    fn apply_text(text: &str) -> Result<spec::Module, Vec<String>> {
        let mut s = spec();
        let mut diags = Vec::new();
        merge("overrides/m.yaml", text, &mut s, &mut diags);
        if diags.is_empty() {
            Ok(s)
        } else {
            Err(diags.iter().map(Diagnostic::to_string).collect())
        }
    }

    #[test]
    fn merges_by_method_name() {
        let s = apply_text("methods:\n  Query Products:\n    retry_safe: true\n").unwrap();
        let m = &s.methods[1];
        assert_eq!(m.retry_safe, Some(true));
        assert_eq!(m.http.as_str(), "POST");
    }

    #[test]
    fn errors_name_the_line_and_column_with_a_hint() {
        let e = apply_text("methods:\n  Query Product:\n    retry_safe: true\n").unwrap_err();
        assert!(
            e[0].starts_with(
                "overrides/m.yaml:2:3: error: methods: `Query Product` matches nothing"
            ),
            "{e:?}"
        );
        assert!(e[0].contains("did you mean `Query Products`?"), "{e:?}");
        let e = apply_text("methods:\n  Get Product:\n    permission: X.Y\n").unwrap_err();
        assert!(
            e[0].starts_with("overrides/m.yaml:3:5: error: `permission` cannot be overridden"),
            "{e:?}"
        );
        let e = apply_text("method: {}\n").unwrap_err();
        assert!(e[0].contains("1:1: error: unknown key `method`"), "{e:?}");
        assert!(e[0].contains("did you mean `methods`?"), "{e:?}");
        let e = apply_text("methods:\n  Get Product:\n    retry_safe: maybe\n").unwrap_err();
        assert!(e[0].starts_with("overrides/m.yaml:3:"), "{e:?}");
        let e =
            apply_text("methods:\n  Get Product:\n    paging:\n      style: cursr\n").unwrap_err();
        assert!(
            e[0].starts_with("overrides/m.yaml:4:14: error: `cursr` is not a keyword here")
                && e[0].contains("did you mean `cursor`?"),
            "{e:?}"
        );
    }
}
