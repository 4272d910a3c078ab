//! `cargo xtask import`: the fixture package (trimmed from Wix's real ones, with their licence)
//! converts to the spec snapshotted beside it, and that spec lowers and generates; a construct
//! the importer does not understand, a missing file or an unknown package is an error that names
//! the package, file and declaration, and nothing is written; and the committed specs are what
//! the lock imports (`UPDATE_SNAPSHOTS=1` rewrites the fixture snapshot).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value as Yaml;
use xtask::import::{self, convert};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/wix-packages/stores-mini")
}

const NAME: &str = "@wix/auto_sdk_stores_mini";

fn convert_dir(dir: &Path) -> Result<convert::Converted, Vec<String>> {
    let pkg = import::read_package_dir(NAME, "1.0.0", dir, false)?;
    convert::convert(&pkg, "stores-mini", "Stores Mini")
        .map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
}

fn method<'a>(spec: &'a Yaml, name: &str) -> &'a Yaml {
    spec["methods"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no method {name}"))
}

#[test]
fn the_fixture_package_converts_to_its_snapshot() {
    let converted = convert_dir(&fixture()).unwrap_or_else(|e| panic!("{e:#?}"));
    let text = xtask::spec::to_yaml(&converted.module);
    let path = root().join("tests/fixtures/wix-packages/stores-mini.expected.yaml");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        text == expected,
        "the conversion differs from {}; rerun with UPDATE_SNAPSHOTS=1 and review the diff",
        path.display()
    );
}

#[test]
fn each_construct_of_the_fixture_lands_where_it_should() {
    let c = convert_dir(&fixture()).unwrap();
    // Read as the written file reads.
    let spec = &serde_yaml::to_value(&c.module).unwrap();
    // meta.js: the path through the `www.wixapis.com` mapping; GET fields as query parameters,
    // nested objects flattened with dots, lists left out; the POST fallback of a complex GET.
    let get = method(spec, "Get Product");
    assert_eq!(get["path"], Yaml::from("/stores/v3/products/{productId}"));
    let params: Vec<&str> = get["params"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "productId",
            "fields",
            "includeMerchantData",
            "paging.limit",
            "paging.offset"
        ]
    );
    // A list of enum values: the key repeated.
    assert_eq!(get["params"][1]["schema"]["type"], Yaml::from("array"));
    assert_eq!(
        get["params"][1]["schema"]["items"]["$ref"],
        Yaml::from("RequestedFields")
    );
    let query = method(spec, "Query Products");
    assert_eq!(query["http"], Yaml::from("POST"));
    assert_eq!(query["request"]["$ref"], Yaml::from("QueryProductsRequest"));
    // Cursor paging read from the shapes, its page size from `@max`.
    assert_eq!(query["paging"]["style"], Yaml::from("cursor"));
    assert_eq!(query["paging"]["request"], Yaml::from("query.cursorPaging"));
    assert_eq!(query["paging"]["max_page_size"], Yaml::from(100));
    assert_eq!(query["paging"]["items"], Yaml::from("products"));
    assert_eq!(
        query["paging"]["has_next"],
        Yaml::from("pagingMetadata.hasNext")
    );
    // The typed query capabilities of the query spec: `_id` is `id` on the wire; `'*'` is every
    // operator `@wix/sdk-types` applies to the field's type; operators the generator does not
    // know (`$matchItems`) and object fields (`variantsById`) are left out.
    let fields = query["query"]["fields"].as_sequence().unwrap();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["field"] == name)
            .unwrap_or_else(|| panic!("no query field {name}"))
    };
    assert_eq!(query["query"]["filter"], Yaml::from("query.filter"));
    assert_eq!(field("id")["sortable"], Yaml::Bool(true));
    assert!(
        field("id")["operators"]
            .as_sequence()
            .unwrap()
            .contains(&Yaml::from("$startsWith"))
    );
    assert_eq!(
        field("createdDate")["operators"],
        serde_yaml::from_str::<Yaml>("[$eq, $ne, $gt, $lt, $gte, $lte, $exists, $in, $nin]")
            .unwrap()
    );
    assert_eq!(
        field("name")["operators"],
        serde_yaml::from_str::<Yaml>("[$eq, $startsWith]").unwrap()
    );
    assert_eq!(field("name")["sortable"], Yaml::Bool(false));
    assert_eq!(
        field("tags")["operators"],
        serde_yaml::from_str::<Yaml>("[$hasAll, $hasSome, $isEmpty, $exists]").unwrap()
    );
    assert!(fields.iter().all(|f| f["field"] != "variantsById"));
    // `{product.id}` binds the body field.
    let update = method(spec, "Update Product");
    assert_eq!(
        update["path"],
        Yaml::from("/stores/v3/products/{product.id}")
    );
    assert!(
        update["deprecated"]
            .as_str()
            .unwrap()
            .contains("removal planned for 2026-12-31")
    );
    // No mapping: the service path, said in the docs.
    let unmapped = method(spec, "Get Unmapped");
    assert_eq!(unmapped["path"], Yaml::from("/v2/unmapped/{id}"));
    assert!(
        unmapped["docs"]
            .as_str()
            .unwrap()
            .contains("no `www.wixapis.com` prefix")
    );
    // Permissions exactly as tagged: one, several, or none published.
    assert_eq!(
        method(spec, "Create Product")["permission"],
        Yaml::from("WIX_STORES.PRODUCT_CREATE")
    );
    assert_eq!(
        get["permission"],
        serde_yaml::from_str::<Yaml>(
            "[WIX_STORES.PRODUCT_READ, WIX_STORES.PRODUCT_READ_NON_VISIBLE]"
        )
        .unwrap()
    );
    assert_eq!(unmapped["permission"], Yaml::from("unpublished"));
    // Types: required-ness, nullability, timestamps, formats, enums, maps, bytes, oneOf groups.
    let product = &spec["types"]["Product"];
    assert_eq!(
        product["required"],
        serde_yaml::from_str::<Yaml>("[name]").unwrap()
    );
    let props = &product["properties"];
    assert_eq!(props["id"]["format"], Yaml::from("uuid"));
    assert_eq!(props["name"]["nullable"], Yaml::Bool(true));
    assert_eq!(props["createdDate"]["format"], Yaml::from("date-time"));
    assert_eq!(props["productType"]["$ref"], Yaml::from("ProductType"));
    assert_eq!(
        props["extendedFields"]["additionalProperties"],
        Yaml::Bool(true)
    );
    assert_eq!(
        props["choices"]["additionalProperties"]["type"],
        Yaml::from("string")
    );
    assert_eq!(
        props["variantsById"]["additionalProperties"]["$ref"],
        Yaml::from("Variant")
    );
    assert_eq!(props["thumbnail"]["format"], Yaml::from("byte"));
    // Integers and floats: a `number` a float transform of `meta.js` names is a float (through
    // an object, and through a map's values, `*`); one it does not name is an integer.
    assert_eq!(props["weight"]["type"], Yaml::from("number"));
    let variant = &spec["types"]["Variant"]["properties"];
    assert_eq!(variant["stock"]["type"], Yaml::from("number"));
    assert_eq!(variant["index"]["type"], Yaml::from("integer"));
    assert_eq!(
        spec["types"]["CursorPagingMetadata"]["properties"]["count"]["type"],
        Yaml::from("integer")
    );
    assert_eq!(props["legacyType"]["deprecated"], Yaml::Bool(true));
    assert!(
        product["description"]
            .as_str()
            .unwrap()
            .contains("At most one of `image`, `video` is set")
    );
    assert_eq!(
        spec["types"]["ProductType"]["enum"],
        serde_yaml::from_str::<Yaml>("[UNKNOWN_PRODUCT_TYPE, PHYSICAL, DIGITAL]").unwrap()
    );
    // Webhooks: real event types; domain events around the REST entity, older events legacy.
    let hooks: BTreeMap<&str, &Yaml> = spec["webhooks"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|w| (w["event_type"].as_str().unwrap(), w))
        .collect();
    let updated = hooks["wix.stores.catalog.v3.product_updated"];
    assert_eq!(updated["envelope"], Yaml::from("domain"));
    assert_eq!(updated["payload"]["$ref"], Yaml::from("Product"));
    let created = hooks["com.wix.ecommerce.catalog.api.v1.ProductCreated"];
    assert_eq!(created["envelope"], Yaml::from("legacy"));
    assert_eq!(created["payload"]["$ref"], Yaml::from("ProductCreated"));
    // Scopes from the webhook tags.
    let read = &c.permissions["WIX_STORES.PRODUCT_READ"];
    assert_eq!(
        read.scopes.keys().collect::<Vec<_>>(),
        [
            "SCOPE.DC-STORES.MANAGE-PRODUCTS",
            "SCOPE.DC-STORES.READ-PRODUCTS"
        ]
    );
    assert!(c.permissions["WIX_STORES.PRODUCT_CREATE"].scopes.is_empty());
}

#[test]
fn the_converted_fixture_lowers_and_generates() {
    let c = convert_dir(&fixture()).unwrap();
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in c.permissions.keys() {
        used.insert(id.clone(), vec!["stores-mini".to_owned()]);
    }
    let files = vec![
        xtask::SpecFile {
            name: "specs/scopes.yaml".into(),
            source: "permissions: []\nscopes: []\n".into(),
        },
        xtask::SpecFile {
            name: "specs/wix.scopes.yaml".into(),
            source: import::registry::text(&c.permissions, &used),
        },
        xtask::SpecFile {
            name: "specs/stores-mini.yaml".into(),
            source: xtask::spec::to_yaml(&c.module),
        },
    ];
    let spec = xtask::load(&files).unwrap_or_else(|d| panic!("{}", xtask::diag::render(&d)));
    let generated = xtask::generate(&spec, &xtask::Target::WIX);
    let module = &generated["generated/src/stores_mini.rs"];
    // Several permissions bound together; an unpublished method bounded by `Unpublished`; the
    // deprecation carried to the client method.
    assert!(module.contains("crate::permissions::WixStoresProductRead"));
    assert!(module.contains("+ crate::permissions::WixStoresProductReadNonVisible"));
    assert!(module.contains("S: crate::permissions::Unpublished"));
    assert!(module.contains("#[deprecated("));
    let permissions = &generated["generated/src/permissions.rs"];
    assert!(permissions.contains("no scope set is checked to grant `WIX_STORES.PRODUCT_CREATE`"));
}

/// A copy of the fixture package in a fresh directory, with `edit` applied.
fn edited_fixture(tag: &str, edit: impl FnOnce(&Path)) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wix-import-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = fixture();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let to = dir.join(p.strip_prefix(&src).unwrap());
            if p.is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                stack.push(p);
            } else {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(&p, &to).unwrap();
            }
        }
    }
    edit(&dir);
    dir
}

#[test]
fn a_construct_it_does_not_understand_names_package_file_and_declaration() {
    let dir = edited_fixture("construct", |d| {
        let p = d.join("build/cjs/meta.d.ts");
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text.replace(
            "    visible?: boolean | null;",
            "    visible?: boolean | null;\n    merged?: Variant & Choice;",
        );
        std::fs::write(&p, text).unwrap();
    });
    let errors = convert_dir(&dir).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains(NAME)
            && e.contains("build/cjs/meta.d.ts")
            && e.contains("`Product`")
            && e.contains("Variant & Choice")),
        "{errors:#?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_file_or_broken_typescript_is_named() {
    let dir = edited_fixture("missing", |d| {
        std::fs::remove_file(d.join("build/cjs/meta.js")).unwrap();
    });
    let errors = convert_dir(&dir).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains(NAME) && e.contains("has no build/cjs/meta.js")),
        "{errors:#?}"
    );
    let _ = std::fs::remove_dir_all(dir);
    let dir = edited_fixture("syntax", |d| {
        std::fs::write(d.join("build/cjs/meta.d.ts"), "interface A {\n  a: ;\n}\n").unwrap();
    });
    let errors = convert_dir(&dir).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("build/cjs/meta.d.ts") && e.contains("line 2")),
        "{errors:#?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_override_that_matches_nothing_fails_the_import_and_writes_nothing() {
    let specs = std::env::temp_dir().join(format!("wix-import-specs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&specs);
    std::fs::create_dir_all(specs.join("overrides")).unwrap();
    std::fs::write(
        specs.join("overrides/not-a-module.yaml"),
        "methods:\n  Get Thing:\n    retry_safe: true\n",
    )
    .unwrap();
    std::fs::write(specs.join(import::LOCK_FILE), "packages: []\n").unwrap();
    let errors = import::import(&specs, &specs.join("cache"), &Default::default())
        .err()
        .expect("the import fails");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("overrides/not-a-module.yaml")),
        "{errors:#?}"
    );
    // Nothing but what the test wrote.
    let mut names: Vec<String> = std::fs::read_dir(&specs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [import::LOCK_FILE, "overrides"]);
    let _ = std::fs::remove_dir_all(specs);
}

/// The committed specs are exactly what the lock imports: the import is deterministic and
/// fresh. Fetches the locked packages through `npm` into the cache (once).
#[test]
fn the_committed_specs_are_what_the_lock_imports() {
    let specs = root().join("specs");
    let cache = import::npm::cache_dir();
    let imported = import::import(&specs, &cache, &Default::default())
        .unwrap_or_else(|e| panic!("the import failed:\n{}", e.join("\n")));
    let differ = import::write(&specs, &imported, true).unwrap();
    assert!(
        differ.is_empty(),
        "specs differ from what specs/import.lock imports: {differ:?}; run `cargo xtask import`"
    );
    // Twice the same: byte for byte.
    let again = import::import(&specs, &cache, &Default::default()).unwrap();
    let texts = |i: &import::Imported| -> Vec<(String, String)> {
        i.files
            .iter()
            .map(|o| (o.file.clone(), o.text.clone()))
            .collect()
    };
    assert_eq!(texts(&imported), texts(&again));
}
