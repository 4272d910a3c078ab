//! The generator: freshness of `generated/`, determinism, snapshots of a fixture spec set, and
//! one test per class of spec error, with the exact message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::SpecFile;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn generated_crate_is_fresh() {
    let root = root();
    let summary = xtask::codegen(&root.join("specs"), "specs", &root, true)
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
    let first = xtask::generate(&xtask::load(&files).unwrap(), "specs");
    // Reverse the file order too: the result must not depend on it.
    let reversed: Vec<SpecFile> = files.into_iter().rev().collect();
    let second = xtask::generate(&xtask::load(&reversed).unwrap(), "specs");
    assert_eq!(first, second);
}

/// The fixture spec set's generated files against `tests/snapshots/pets/`.
/// `UPDATE_SNAPSHOTS=1 cargo test --test codegen` rewrites them; read the diff before committing.
#[test]
fn pets_fixture_snapshot() {
    let root = root();
    let fixture = root.join("tests/fixtures/specs/pets");
    let files = xtask::read_specs(&fixture, "fixtures/specs/pets").unwrap();
    let spec = xtask::load(&files).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
    // Under its own crate name: the snapshot is a crate the tests compile and use.
    let generated = xtask::generate_named(&spec, "fixtures/specs/pets", "wix-rest-pets-fixture");
    let snapshots = root.join("tests/snapshots/pets");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for (rel, text) in &generated {
        let path = snapshots.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, text).unwrap();
            } else {
                stale.push(rel.clone());
            }
        }
    }
    assert!(
        stale.is_empty(),
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

const SCOPES: &str = "\
permissions:
  - id: PETS.READ
  - id: PETS.WRITE
scopes:
  - id: SCOPE.PETS.READ
    name: Read Pets
    grants: [PETS.READ]
  - id: SCOPE.PETS.MANAGE
    name: Manage Pets
    grants: [PETS.WRITE]
    includes: [SCOPE.PETS.READ]
";

const HEAD: &str = "module: pets\ntitle: Pets\nversion: v1\n";

/// The rendered diagnostics of a spec set made of `SCOPES` and one module file.
fn errors_of(module: &str) -> String {
    errors_of_files(&[("specs/scopes.yaml", SCOPES), ("specs/pets.yaml", module)])
}

fn errors_of_files(files: &[(&str, &str)]) -> String {
    let files: Vec<SpecFile> = files
        .iter()
        .map(|(name, source)| SpecFile {
            name: name.to_string(),
            source: source.to_string(),
        })
        .collect();
    match xtask::load(&files) {
        Ok(_) => panic!("the spec set was accepted"),
        Err(diags) => xtask::diag::render(&diags),
    }
}

fn module(methods: &str) -> String {
    format!("{HEAD}methods:\n{methods}")
}

#[test]
fn yaml_syntax_error() {
    assert_eq!(
        errors_of(&format!(
            "{HEAD}methods:\n  - name: \"Get Pet\n    http: GET\n"
        )),
        "specs/pets.yaml:7:1: error: found unexpected end of stream, while scanning a quoted scalar at line 5 column 11\n  hint: fix the YAML here\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn missing_field() {
    assert_eq!(
        errors_of(&module(
            "  - name: Get Pet\n    http: GET\n    permission: PETS.READ\n"
        )),
        "specs/pets.yaml:5:5: error: methods[0]: missing field `path`\n  hint: add the field; specs/README.md shows what each section needs\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn unknown_keys_are_all_reported_with_a_suggestion() {
    let text = errors_of(&module(
        "  - name: Get Pet\n    http: GET\n    path: /pets\n    permision: PETS.READ\n    permission: PETS.READ\n    response:\n      type: object\n      propertees: {}\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:8:5: error: unknown key `permision` in `methods[0]`\n  hint: did you mean `permission`?\n\
         specs/pets.yaml:12:7: error: unknown key `propertees` in `methods[0].response`\n  hint: did you mean `properties`?\n\
         2 errors in the specs; nothing was generated\n"
    );
}

#[test]
fn unknown_ref() {
    let text = errors_of(&format!(
        "{HEAD}methods:\n  - name: Get Pet\n    http: GET\n    path: /pets\n    permission: PETS.READ\n    response: {{ $ref: Pett }}\ntypes:\n  Pet:\n    type: object\n    properties:\n      id: {{ type: string }}\n"
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:9:23: error: unknown `$ref` `Pett`\n  hint: did you mean `Pet`?\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn path_parameter_without_binding() {
    let text = errors_of(&module(
        "  - name: Get Pet\n    http: GET\n    path: /pets/{petId}\n    permission: PETS.READ\n  - name: Update Pet\n    http: PATCH\n    path: /pets/{pet.id}\n    permission: PETS.WRITE\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:7:11: error: path parameter `{petId}` has no binding\n  hint: add a `params` entry `{ name: petId, in: path }`, or bind it to a body field with a dotted name like `{product.id}`\n\
         specs/pets.yaml:11:11: error: path parameter `{pet.id}` has no binding: the method has no request body\n  hint: the request body must have the field `pet.id`\n\
         2 errors in the specs; nothing was generated\n"
    );
}

#[test]
fn duplicate_method_names() {
    let text = errors_of(&module(
        "  - name: Get Pet\n    http: GET\n    path: /a\n    permission: PETS.READ\n  - name: get pet\n    http: GET\n    path: /b\n    permission: PETS.READ\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:9:11: error: duplicate method name `get pet` (Rust `get_pet`)\n  hint: the first method of that name is on line 5; method names must be unique in a module\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn unknown_permission() {
    let text = errors_of(&module(
        "  - name: Get Pet\n    http: GET\n    path: /a\n    permission: PETS.RAED\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:8:17: error: unknown permission `PETS.RAED`: no scope in scopes.yaml grants it\n  hint: did you mean `PETS.READ`?\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn invalid_http_method() {
    let text = errors_of(&module(
        "  - name: Get Pet\n    http: GTE\n    path: /a\n    permission: PETS.READ\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:6:11: error: invalid HTTP method `GTE` in method `Get Pet`\n  hint: did you mean `GET`?\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn paging_without_a_page_size_limit() {
    let text = errors_of(&module(
        "  - name: Query Pets\n    http: POST\n    path: /q\n    permission: PETS.READ\n    paging:\n      style: offset\n      request: paging\n      items: pets\n",
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:10:14: error: paging style `offset` without a page-size limit\n  hint: add `max_page_size`, the most items the method returns per page\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn bad_types_formats_required_fields_and_operators() {
    let text = errors_of(&format!(
        "{HEAD}methods:\n  - name: Query Pets\n    http: POST\n    path: /q\n    permission: PETS.READ\n    query:\n      encoding: object\n      filter: f\n      sort: s\n      fields:\n        - field: kind\n          operators: [$eq, $equals]\n\
         types:\n  Pet:\n    type: object\n    required: [idd]\n    properties:\n      id: {{ type: strng }}\n      age: {{ type: integer, format: int16 }}\n"
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:9:5: error: a `query` block needs a `request` body and `paging` with `items`\n  hint: the filter and sort are written into the request; the items' type gives each field's type\n\
         specs/pets.yaml:15:28: error: unknown query operator `$equals`\n  hint: did you mean `$eq`?\n\
         specs/pets.yaml:19:16: error: required field `idd` is not a property of `Pet`\n  hint: did you mean `id`?\n\
         specs/pets.yaml:21:19: error: unknown type `strng`\n  hint: did you mean `string`?\n\
         specs/pets.yaml:22:37: error: format `int16` does not apply to type `integer`\n  hint: formats for this type: int32, int64\n\
         5 errors in the specs; nothing was generated\n"
    );
}

#[test]
fn registry_errors() {
    let scopes = "\
permissions:
  - id: PETS.READ
  - id: PETS.ORPHAN
scopes:
  - id: SCOPE.PETS.READ
    name: Read Pets
    grants: [PETS.READ, PETS.REED]
  - id: SCOPE.PETS.MANAGE
    name: Manage Pets
    includes: [SCOPE.PETS.RAED]
";
    let text = errors_of_files(&[("specs/scopes.yaml", scopes), ("specs/pets.yaml", HEAD)]);
    assert_eq!(
        text,
        "specs/scopes.yaml:3:9: error: no scope grants the permission `PETS.ORPHAN`\n  hint: add it to the `grants` of the scopes that grant it\n\
         specs/scopes.yaml:7:25: error: scope `SCOPE.PETS.READ` grants `PETS.REED`, which is not listed under `permissions`\n  hint: did you mean `PETS.READ`?\n\
         specs/scopes.yaml:8:9: error: scope `SCOPE.PETS.MANAGE` grants no permission\n  hint: add the permissions it grants under `grants`, or remove the scope\n\
         specs/scopes.yaml:10:16: error: unknown scope `SCOPE.PETS.RAED` in the includes of `SCOPE.PETS.MANAGE`\n  hint: did you mean `SCOPE.PETS.READ`?\n\
         4 errors in the specs; nothing was generated\n"
    );
}

#[test]
fn module_name_must_match_its_file() {
    let text = errors_of("module: cats\ntitle: Cats\nversion: v1\n");
    assert_eq!(
        text,
        "specs/pets.yaml:1:9: error: module `cats` is in the file `pets.yaml`\n  hint: name the module `pets` or rename the file to `cats.yaml`\n\
         1 error in the specs; nothing was generated\n"
    );
}

#[test]
fn errors_of_every_file_are_reported_in_one_run() {
    let text = errors_of_files(&[
        ("specs/scopes.yaml", SCOPES),
        (
            "specs/pets.yaml",
            &module("  - name: Get Pet\n    http: GTE\n    path: /a\n    permission: PETS.READ\n"),
        ),
        (
            "specs/toys.yaml",
            "module: toys\ntitle: Toys\nversion: v1\nhots: x\n",
        ),
    ]);
    assert_eq!(
        text,
        "specs/pets.yaml:6:11: error: invalid HTTP method `GTE` in method `Get Pet`\n  hint: did you mean `GET`?\n\
         specs/toys.yaml:4:1: error: unknown key `hots` at the top level\n  hint: did you mean `host`?\n\
         2 errors in the specs; nothing was generated\n"
    );
}

#[test]
fn a_spec_error_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("wix-rest-codegen-{}", std::process::id()));
    let specs = dir.join("specs");
    let out = dir.join("generated");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// kept\n").unwrap();
    std::fs::write(specs.join("scopes.yaml"), SCOPES).unwrap();
    std::fs::write(
        specs.join("pets.yaml"),
        module("  - name: Get Pet\n    http: GTE\n    path: /a\n    permission: PETS.READ\n"),
    )
    .unwrap();
    let err = xtask::codegen(&specs, "specs", &dir, false).unwrap_err();
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
    let summary = xtask::codegen(&specs, "specs", &dir, false).unwrap();
    assert_eq!((summary.modules, summary.methods), (1, 1));
    assert!(
        std::fs::read_to_string(out.join("src/pets.rs"))
            .unwrap()
            .starts_with("// @generated by `cargo xtask codegen`")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn types_must_not_take_generated_names() {
    let text = errors_of(&format!(
        "{HEAD}types:\n  Pets:\n    type: object\n    properties:\n      id: {{ type: string }}\n  Result:\n    type: string\n    enum: [ok]\n"
    ));
    assert_eq!(
        text,
        "specs/pets.yaml:5:3: error: type `Pets` has the name of the module's client\n  hint: rename the type (or, for an inline type, give the shape a named type)\n\
         specs/pets.yaml:9:3: error: type `Result` has the name of an item every generated module uses\n  hint: rename the type (or, for an inline type, give the shape a named type)\n\
         2 errors in the specs; nothing was generated\n"
    );
}

/// `cargo xtask scopes --format json` is how coverage is checked: every method and webhook of
/// the seeds, each with the scopes that grant it.
#[test]
fn the_scope_table_lists_every_method_and_webhook() {
    let files = xtask::read_specs(&root().join("specs"), "specs").unwrap();
    let spec = xtask::load(&files).unwrap();
    let json: serde_json::Value = serde_json::from_str(&xtask::scopes_table::json(&spec)).unwrap();
    let methods = json["methods"].as_array().unwrap();
    let webhooks = json["webhooks"].as_array().unwrap();
    assert_eq!((methods.len(), webhooks.len()), (55, 17));
    for row in methods.iter().chain(webhooks) {
        let needs_permission = !row["permissions"].as_array().unwrap().is_empty();
        let has_scopes = !row["scopes"].as_array().unwrap().is_empty();
        assert_eq!(needs_permission, has_scopes, "{row}");
    }
    let get_order = methods
        .iter()
        .find(|m| m["module"] == "ecom-orders-v1" && m["name"] == "Search Orders")
        .unwrap();
    assert_eq!(
        get_order["url"],
        "https://www.wixapis.com/ecom/v1/orders/search"
    );
    // "SCOPE.DC-STORES.READ-ORDERS (or MANAGE-ORDERS)": both grant it, and so does the
    // "Read eCommerce - all read permissions" umbrella scope.
    assert_eq!(
        get_order["scopes"],
        serde_json::json!([
            "SCOPE.DC-STORES.READ-ORDERS",
            "SCOPE.DC-STORES.MANAGE-ORDERS",
            "SCOPE.DC-ECOM-MEGA.READ-ECOM"
        ])
    );
    let cart = methods.iter().find(|m| m["name"] == "Get Cart").unwrap();
    assert!(
        cart["url"]
            .as_str()
            .unwrap()
            .starts_with("https://ecom.wix.com/")
    );
}
