//! The generator: freshness of `generated/`, determinism, snapshots of a fixture spec set, and
//! one test per class of spec error, with the exact message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::{Mode, SpecFile, Target};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn generated_crate_is_fresh() {
    let root = root();
    let summary = xtask::codegen(&root.join("specs"), "specs", &root, Mode::Check)
        .unwrap_or_else(|e| panic!("the specs do not generate:\n{e}"));
    assert!(
        summary.changed.is_empty(),
        "generated/ is stale ({:?}); run `cargo xtask codegen` and commit the result",
        summary.changed
    );
}

#[test]
fn generation_is_deterministic() {
    let files = xtask::read_specs(&root().join("specs"), "specs").unwrap();
    let first = xtask::generate(&xtask::load(&files).unwrap(), &Target::WIX);
    // Reverse the file order too: the result must not depend on it.
    let reversed: Vec<SpecFile> = files.into_iter().rev().collect();
    let second = xtask::generate(&xtask::load(&reversed).unwrap(), &Target::WIX);
    assert_eq!(first, second);
}

/// The fixture spec set's generated files against `tests/snapshots/pets/`.
/// `UPDATE_SNAPSHOTS=1 cargo test -p wix-rest-tests --test integration codegen::` rewrites them; read the diff before committing.
#[test]
fn pets_fixture_snapshot() {
    let root = root();
    let fixture = root.join("tests/fixtures/specs/pets");
    let files = xtask::read_specs(&fixture, "fixtures/specs/pets").unwrap();
    let spec = xtask::load(&files).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
    // Under its own crate name: the snapshot is a crate the tests compile and use.
    let target = Target {
        layout: xtask::Layout::OneCrate {
            name: "wix-rest-pets-fixture",
        },
        spec_dir: "fixtures/specs/pets",
    };
    let generated = xtask::generate(&spec, &target);
    let stale = xtask::write_or_check(
        &root.join("tests/snapshots/pets"),
        &generated,
        xtask::Owned::Dirs(&["generated/src"]),
        Mode::from_env("UPDATE_SNAPSHOTS"),
    )
    .unwrap();
    assert!(
        stale.is_empty() || std::env::var_os("UPDATE_SNAPSHOTS").is_some(),
        "snapshots differ: {stale:?}; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
    );
}

#[test]
fn pets_fixture_scope_table() {
    let files = xtask::read_specs(&root().join("tests/fixtures/specs/pets"), "fixtures").unwrap();
    let spec = xtask::load(&files).unwrap();
    let json: serde_json::Value = serde_json::from_str(&xtask::scopes_table::json(&spec)).unwrap();
    assert_eq!(
        json["methods"][0],
        serde_json::json!({
            "module": "pets-v1",
            "name": "Get Pet",
            "http_method": "GET",
            "url": "https://pets.example.com/pets/v1/pets/{petId}",
            "permissions": ["PETS.READ"],
            "scopes": ["SCOPE.PETS.READ", "SCOPE.PETS.MANAGE"],
        })
    );
    assert_eq!(
        json["webhooks"][0],
        serde_json::json!({
            "module": "pets-v1",
            "name": "Pet Created",
            "event_type": "wix.pets.v1.pet_created",
            "permissions": ["PETS.READ"],
            "scopes": ["SCOPE.PETS.READ", "SCOPE.PETS.MANAGE"],
        })
    );
    // The write permission is granted by Manage only: includes do not flow backwards.
    assert_eq!(
        json["methods"][1]["scopes"],
        serde_json::json!(["SCOPE.PETS.MANAGE"])
    );
}

/// Every case of `tests/spec_errors/` must fail with exactly its `.stderr`. A case is a module
/// file `NAME.yaml`, checked with the folder's `scopes.yaml`, or a folder `NAME/` of spec files
/// (with its own `scopes.yaml`, or the folder's). `UPDATE_SNAPSHOTS=1` writes the `.stderr`
/// files; read the diff before committing.
#[test]
fn spec_errors() {
    let dir = root().join("tests/spec_errors");
    let shared = std::fs::read_to_string(dir.join("scopes.yaml")).unwrap();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut cases: Vec<(String, Vec<SpecFile>)> = Vec::new();
    let mut expected_files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "scopes.yaml" {
            continue;
        }
        if let Some(case) = name.strip_suffix(".stderr") {
            expected_files.push(case.to_owned());
            continue;
        }
        let mut files = if path.is_dir() {
            xtask::read_specs(&path, &format!("spec_errors/{name}")).unwrap()
        } else if let Some(stem) = name.strip_suffix(".yaml") {
            vec![SpecFile {
                name: format!("spec_errors/{stem}.yaml"),
                source: std::fs::read_to_string(&path).unwrap(),
            }]
        } else {
            panic!("tests/spec_errors/{name} is neither a case nor its .stderr");
        };
        if !files.iter().any(|f| f.name.ends_with("/scopes.yaml")) {
            files.push(SpecFile {
                name: "spec_errors/scopes.yaml".to_owned(),
                source: shared.clone(),
            });
        }
        cases.push((name.trim_end_matches(".yaml").to_owned(), files));
    }
    assert!(!cases.is_empty(), "no cases in tests/spec_errors");
    let mut failures = Vec::new();
    for (case, files) in &cases {
        let actual = match xtask::load(files) {
            Ok(_) => {
                failures.push(format!("{case}: the spec set was accepted"));
                continue;
            }
            Err(diags) => xtask::diag::render(&diags),
        };
        let stderr = dir.join(format!("{case}.stderr"));
        let expected = std::fs::read_to_string(&stderr).ok();
        if expected.as_deref() == Some(actual.as_str()) {
            continue;
        }
        if update {
            std::fs::write(&stderr, &actual).unwrap();
        } else {
            failures.push(format!(
                "{case}: expected\n{}\ngot\n{actual}",
                expected.as_deref().unwrap_or("(no .stderr file)\n")
            ));
        }
    }
    for orphan in expected_files
        .iter()
        .filter(|e| !cases.iter().any(|(c, _)| c == *e))
    {
        failures.push(format!("{orphan}.stderr has no case"));
    }
    assert!(
        failures.is_empty(),
        "{}\nrerun with UPDATE_SNAPSHOTS=1 to accept, and review the diff",
        failures.join("\n")
    );
}

fn shared_scopes() -> String {
    std::fs::read_to_string(root().join("tests/spec_errors/scopes.yaml")).unwrap()
}

const HEAD: &str = "module: pets\ntitle: Pets\nversion: v1\n";

fn module(methods: &str) -> String {
    format!("{HEAD}methods:\n{methods}")
}

#[test]
fn a_spec_error_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("wix-rest-codegen-{}", std::process::id()));
    let specs = dir.join("specs");
    let out = dir.join("generated");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// kept\n").unwrap();
    std::fs::write(specs.join("scopes.yaml"), shared_scopes()).unwrap();
    std::fs::write(
        specs.join("pets.yaml"),
        module("  - name: Get Pet\n    http: GTE\n    path: /a\n    permission: PETS.READ\n"),
    )
    .unwrap();
    let err = xtask::codegen(&specs, "specs", &dir, Mode::Write).unwrap_err();
    assert!(
        err.to_string().contains("invalid HTTP method `GTE`"),
        "{err}"
    );
    let left: BTreeMap<String, String> = std::fs::read_dir(out.join("src"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        left,
        BTreeMap::from([("lib.rs".to_owned(), "// kept\n".to_owned())])
    );
    assert!(!out.join("Cargo.toml").exists());
    // A fixed spec then generates.
    std::fs::write(
        specs.join("pets.yaml"),
        module("  - name: Get Pet\n    http: GET\n    path: /a\n    permission: PETS.READ\n"),
    )
    .unwrap();
    let summary = xtask::codegen(&specs, "specs", &dir, Mode::Write).unwrap();
    assert_eq!((summary.modules, summary.methods), (1, 1));
    assert!(
        std::fs::read_to_string(out.join("src/pets.rs"))
            .unwrap()
            .starts_with("// @generated by `cargo xtask codegen`")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `cargo xtask scopes --format json` is how coverage is checked: every method and webhook of
/// the specs, each with the scopes that grant it (registries, `scopes.yaml` and
/// `wix.scopes.yaml`, list no methods).
#[test]
fn the_scope_table_lists_every_method_and_webhook() {
    let files = xtask::read_specs(&root().join("specs"), "specs").unwrap();
    let spec = xtask::load(&files).unwrap();
    let json: serde_json::Value = serde_json::from_str(&xtask::scopes_table::json(&spec)).unwrap();
    let methods = json["methods"].as_array().unwrap();
    let webhooks = json["webhooks"].as_array().unwrap();
    // What the spec files list, read without the lowering.
    let (mut listed_methods, mut listed_webhooks) = (0, 0);
    for file in files.iter().filter(|f| !f.name.ends_with("scopes.yaml")) {
        let module = xtask::spec::decode::<xtask::spec::Module>(&file.source)
            .unwrap_or_else(|_| panic!("{} does not decode", file.name))
            .value;
        listed_methods += module.methods.len();
        listed_webhooks += module.webhooks.len();
    }
    assert_eq!(
        (methods.len(), webhooks.len()),
        (listed_methods, listed_webhooks),
        "every method and webhook of the specs is in the table"
    );
    // Each row's scopes are those of the registry that grant one of its permissions, each once:
    // none for `none`, for `unpublished` and for permissions Wix maps to no scope (`no_scope`).
    let mut without_scopes = 0;
    for row in methods.iter().chain(webhooks) {
        let permissions: Vec<&str> = row["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let mut want: Vec<&str> = Vec::new();
        for p in permissions.iter().filter(|p| **p != "unpublished") {
            let granting: Vec<&str> = spec.registry.granting(p).map(|s| s.id.as_str()).collect();
            assert_eq!(
                granting.is_empty(),
                spec.registry.permission(p).no_scope.is_some(),
                "{p}: no scope grants it exactly when the registry says `no_scope`"
            );
            for s in granting {
                if !want.contains(&s) {
                    want.push(s);
                }
            }
        }
        without_scopes += usize::from(want.is_empty());
        assert_eq!(row["scopes"], serde_json::json!(want), "{row}");
    }
    // Most rows name a scope: an empty column everywhere would pass the loop above.
    assert!(
        without_scopes * 2 < methods.len() + webhooks.len(),
        "{without_scopes} rows without scopes"
    );
    // A URL is the module's host and the method's path.
    let search_orders = methods
        .iter()
        .find(|m| m["module"] == "ecom-orders-v1" && m["name"] == "Search Orders")
        .unwrap();
    assert_eq!(
        search_orders["url"],
        "https://www.wixapis.com/ecom/v1/orders/search"
    );
    let cart = methods
        .iter()
        .find(|m| m["module"] == "stores-carts" && m["name"] == "Get Cart")
        .unwrap();
    assert!(
        cart["url"]
            .as_str()
            .unwrap()
            .starts_with("https://ecom.wix.com/")
    );
}

/// The emitters ask the layout for every file and every path that leaves a module: under a
/// crate per Wix area, each module lands in its area's crate and names the base crate's
/// permissions, scopes and shared types by that crate's path, never by `crate::`.
#[test]
fn a_layout_places_each_module_and_names_the_base_crate() {
    let files = xtask::read_specs(&root().join("specs"), "specs").unwrap();
    let spec = xtask::load(&files).unwrap();
    let layout = xtask::Layout::ByArea { prefix: "wix-rest" };
    let generated = xtask::generate(
        &spec,
        &Target {
            layout,
            ..Target::WIX
        },
    );
    let base = layout.base();
    for module in &spec.modules {
        let file = layout.module_file(module);
        let text = generated
            .get(&file)
            .unwrap_or_else(|| panic!("{} is not generated at {file}", module.name));
        let home = layout.home_of(module);
        if home == base {
            continue;
        }
        assert_eq!(
            home.krate,
            format!("wix-rest-{}", xtask::layout::area(&module.name))
        );
        for local in ["crate::permissions", "crate::scopes", "crate::common"] {
            assert!(!text.contains(local), "{file} names `{local}`");
        }
        let needs_base = module
            .methods
            .iter()
            .any(|m| !matches!(m.access, xtask::model::Access::Open));
        assert!(
            !needs_base || text.contains("::wix_rest_base::permissions::"),
            "{file} does not name the base crate's permissions"
        );
    }
}
