//! OpenAPI 3 interop: the export parses back with `openapiv3` and carries every method with its
//! permission and scopes; every module of `specs/` survives export -> import; a third-party
//! fixture imports to an exact spec; an unsupported construct is an error naming its pointer.

use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr};
use xtask::SpecFile;
use xtask::model::Access;
use xtask::openapi::{export, import};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn specs() -> Vec<SpecFile> {
    xtask::read_specs(&root().join("specs"), "specs").unwrap()
}

fn operation<'a>(doc: &'a OpenAPI, path: &str, http: &str) -> &'a openapiv3::Operation {
    let Some(ReferenceOr::Item(item)) = doc.paths.paths.get(path) else {
        panic!("no path {path}")
    };
    let op = match http {
        "GET" => &item.get,
        "POST" => &item.post,
        "PUT" => &item.put,
        "PATCH" => &item.patch,
        "DELETE" => &item.delete,
        other => panic!("{other}"),
    };
    op.as_ref().unwrap_or_else(|| panic!("no {http} {path}"))
}

#[test]
fn export_parses_back_with_every_method_permission_and_scope() {
    let files = specs();
    let spec = xtask::load(&files).unwrap();
    let text = export::to_string(&export::export(&files, None).unwrap());
    let doc: OpenAPI = serde_json::from_str(&text).expect("the export is an OpenAPI 3.0 document");
    assert_eq!(doc.openapi, "3.0.3");
    let methods: usize = spec.modules.iter().map(|m| m.methods.len()).sum();
    assert_eq!(doc.operations().count(), methods);
    for m in &spec.modules {
        for method in &m.methods {
            let op = operation(&doc, &method.path, method.http.as_str());
            assert_eq!(op.summary.as_deref(), Some(method.wix_name.as_str()));
            assert_eq!(op.tags, vec![m.name.clone()]);
            // One permission is a string, several a list; `none` and `unpublished` are words.
            let permission = match &method.access {
                Access::Open => serde_json::json!("none"),
                Access::Unpublished => serde_json::json!("unpublished"),
                Access::All(reqs) if reqs.len() == 1 => serde_json::json!(reqs[0].permission),
                Access::All(reqs) => serde_json::json!(
                    reqs.iter()
                        .map(|r| r.permission.as_str())
                        .collect::<Vec<_>>()
                ),
            };
            let scopes: Vec<&str> = method
                .access
                .scopes()
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            assert_eq!(
                op.extensions["x-wix-permission"], permission,
                "{}",
                method.wix_name
            );
            assert_eq!(op.extensions["x-wix-scopes"], serde_json::json!(scopes));
            assert_eq!(
                op.security.as_ref().unwrap().is_empty(),
                matches!(method.access, Access::Open)
            );
        }
    }
    let components = doc.components.as_ref().unwrap();
    assert!(
        components
            .security_schemes
            .contains_key(xtask::openapi::AUTH_SCHEME)
    );
    // Every module type, under its module's prefix.
    for f in files.iter().filter(|f| !f.name.ends_with("scopes.yaml")) {
        let yaml: serde_yaml::Value = serde_yaml::from_str(&f.source).unwrap();
        let module = spec.modules.iter().find(|m| m.source == f.name).unwrap();
        for (name, _) in yaml["types"].as_mapping().into_iter().flatten() {
            let key = xtask::openapi::component_name(&module.type_name, name.as_str().unwrap());
            assert!(components.schemas.contains_key(&key), "{key}");
        }
    }
    // Deterministic.
    assert_eq!(
        text,
        export::to_string(&export::export(&files, None).unwrap())
    );
}

/// A module as the round trip compares it: everything lowering derives, but its file name.
fn normalized(m: &xtask::model::Module) -> String {
    let mut methods: Vec<String> = m.methods.iter().map(|x| format!("{x:#?}")).collect();
    methods.sort();
    // A shared type's users are the modules of the set it is loaded with (here the whole set,
    // there the one module): what the module itself says is the rest.
    let mut types: Vec<String> = m
        .types
        .iter()
        .map(|x| format!("{:#?} {} {:#?}", x.name, x.derives_default, x.kind) + &x.docs)
        .collect();
    types.sort();
    format!(
        "{} {} {} {} {}\n{}\n{:#?}\n{}",
        m.name,
        m.title,
        m.version,
        m.host,
        m.docs,
        methods.join("\n"),
        m.webhooks,
        types.join("\n")
    )
}

#[test]
fn every_module_survives_export_then_import() {
    let files = specs();
    let spec = xtask::load(&files).unwrap();
    assert!(!spec.modules.is_empty());
    for module in &spec.modules {
        let text = export::to_string(&export::export(&files, Some(&module.name)).unwrap());
        let doc = import::parse(&text).unwrap();
        let imported = import::import(&doc, &module.name, "export.json", false)
            .unwrap_or_else(|e| panic!("{}: {e:?}", module.name));
        assert!(
            imported.registry.is_none(),
            "Wix permissions need no registry of their own"
        );
        assert!(imported.skipped.is_empty());
        // The registries, and the shared types the module refers to (`common.yaml`).
        let mut set: Vec<SpecFile> = files
            .iter()
            .filter(|f| f.name.ends_with("scopes.yaml") || f.name.ends_with("/common.yaml"))
            .map(|f| SpecFile {
                name: f.name.clone(),
                source: f.source.clone(),
            })
            .collect();
        set.push(SpecFile {
            name: format!("imported/{}.yaml", module.name),
            source: imported.module,
        });
        let again = xtask::load(&set).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
        let again_module = again
            .modules
            .iter()
            .find(|m| m.name == module.name)
            .expect("the imported module");
        let (a, b) = (normalized(module), normalized(again_module));
        if a != b {
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{} differs after export -> import, first at line {line}:\n  spec:     {}\n  imported: {}",
                module.name,
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}

/// The third-party fixture (`$ref`, enums, oneOf tagged and untagged, allOf, nullable, formats,
/// OAuth scopes, form and binary request bodies) imports to the exact committed spec and registry, and that spec generates.
#[test]
fn third_party_fixture_imports_to_the_committed_spec() {
    let dir = root().join("tests/fixtures/openapi");
    let doc = import::parse(&std::fs::read_to_string(dir.join("zoo.json")).unwrap()).unwrap();
    let imported = import::import(&doc, "zoo", "zoo.json", false).unwrap();
    let registry = imported
        .registry
        .clone()
        .expect("OAuth scopes give a registry");
    for (file, text) in [
        ("zoo.yaml", &imported.module),
        ("zoo.scopes.yaml", &registry),
    ] {
        let path = dir.join(file);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, text).unwrap();
        }
        assert_eq!(
            &std::fs::read_to_string(&path).unwrap_or_default(),
            text,
            "{file} differs; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
        );
    }
    // With an empty main registry, the module's own registry validates its permissions.
    let set = vec![
        SpecFile {
            name: "zoo/scopes.yaml".into(),
            source: "permissions: []\nscopes: []\n".into(),
        },
        SpecFile {
            name: "zoo/zoo.scopes.yaml".into(),
            source: registry,
        },
        SpecFile {
            name: "zoo/zoo.yaml".into(),
            source: imported.module,
        },
    ];
    let spec = xtask::load(&set).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
    let zoo = &spec.modules[0];
    let operations: usize = doc
        .paths
        .paths
        .values()
        .filter_map(|p| p.as_item())
        .map(|p| p.iter().count())
        .sum();
    assert_eq!(zoo.methods.len(), operations);
    // Form and binary request bodies keep their encodings.
    let encoding = |name: &str| {
        zoo.methods
            .iter()
            .find(|m| m.rust_name == name)
            .map(|m| m.request_encoding)
    };
    assert_eq!(
        encoding("keeper_login"),
        Some(xtask::model::BodyEncoding::Form)
    );
    assert_eq!(
        encoding("keeper_badge_upload"),
        Some(xtask::model::BodyEncoding::Binary)
    );
    assert_eq!(
        zoo.methods[0].access.requirements()[0].permission,
        "ZOO.ZOO_READ"
    );
    assert!(!xtask::generate(&spec, &xtask::Target::WIX).is_empty());
}

#[test]
fn an_unsupported_construct_names_its_json_pointer() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/openapi/unsupported.json")).unwrap();
    let doc = import::parse(&text).unwrap();
    let errors = import::import(&doc, "bad", "unsupported.json", false).unwrap_err();
    assert_eq!(
        errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "#/paths/~1instances/get/responses/200/content/application~1json/schema/properties/v/anyOf: `anyOf`; use `oneOf` or `allOf`"
        ]
    );
    // Left out on request, and listed.
    let imported = import::import(&doc, "bad", "unsupported.json", true).unwrap();
    assert_eq!(imported.skipped, errors);
    assert!(!imported.module.contains("instance"));
}
