//! The generator's snapshot of the pets fixture (`tests/snapshots/pets/generated`) compiled and
//! used: it exercises what the Wix specs do not (object-encoded typed queries, required query
//! parameters, recursive types, maps, enum values that are not Rust names, a pets host).

use futures_util::StreamExt;
use serde_json::json;
use wix_rest_pets_fixture::pets_v1::{
    GetPetParams, PetKind, PetsV1, QueryPetsQuery, QueryPetsRequest,
};
use wix_rest_pets_fixture::query::SortOrder;
use wix_rest_pets_fixture::{Scope, ScopeSet, permissions, scopes};
use wix_rest_tests::{Recorded, Reply, TestServer, client_for};

/// The macros read the real Wix table; a fixture scope set is written out by hand, through the
/// documented `unsafe` escape hatch.
struct Keeper;

// SAFETY: `PETS_READ` grants `PETS.READ` in the fixture's registry (`scopes.yaml`), and it is the
// only permission implemented below.
unsafe impl ScopeSet for Keeper {
    const SCOPES: &'static [&'static Scope] = &[&scopes::PETS_READ];
    const GRANTED: &'static [&'static str] = &["PETS.READ"];
}

// SAFETY: as above.
unsafe impl permissions::PetsRead for Keeper {}

#[test]
fn object_encoded_queries_are_objects_and_sorts_are_field_name_order_pairs() {
    let mut request = QueryPetsRequest::default();
    QueryPetsQuery::new()
        .kind()
        .is_in([PetKind::Cat, PetKind::V3HeadedDog])
        .number()
        .gt(10_i64)
        .number()
        .lt(20_i64)
        .owner_name()
        .starts_with("Ann")
        .shelter_id()
        .eq("s-1")
        .tags()
        .has_some(["calm"])
        .sort_by_number(SortOrder::Desc)
        .sort_by_kind(SortOrder::Asc)
        .apply_to(&mut request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "filter": {
                "kind": {"$in": ["cat", "3-headed-dog"]},
                "number": {"$gt": 10, "$lt": 20},
                "owner.name": {"$startsWith": "Ann"},
                "shelter.id": {"$eq": "s-1"},
                "tags": {"$hasSome": ["calm"]},
            },
            "sort": [
                {"fieldName": "number", "order": "DESC"},
                {"fieldName": "kind", "order": "ASC"},
            ],
        })
    );
}

#[test]
fn enum_values_that_are_not_rust_names_round_trip() {
    for (wire, value) in [
        ("3-headed-dog", PetKind::V3HeadedDog),
        ("unknown", PetKind::UnknownValue),
        ("hamster", PetKind::Unknown("hamster".to_owned())),
    ] {
        assert_eq!(
            serde_json::from_value::<PetKind>(json!(wire)).unwrap(),
            value
        );
        assert_eq!(serde_json::to_value(&value).unwrap(), json!(wire));
    }
}

#[tokio::test]
async fn required_query_parameters_recursive_types_and_int64_strings() {
    let server = TestServer::start(|_, _| {
        Reply::json(&json!({"pet": {
            "id": "p2", "number": "9007199254740993", "attributes": {"color": "grey"},
            "parent": {"id": "p1", "parent": {"id": "p0"}},
        }}))
    })
    .await;
    let client = client_for(&server);
    let params = GetPetParams {
        fields: None,
        include_owner: true,
    };
    let got = PetsV1::new(&Keeper::open(&client))
        .get_pet("p 2", &params)
        .await
        .unwrap();
    assert_eq!(got.pet.number, Some(9_007_199_254_740_993));
    assert_eq!(got.pet.parent.unwrap().parent.unwrap().id, "p0");
    assert_eq!(got.pet.attributes.unwrap()["color"], "grey");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/pets/v1/pets/p%202");
    assert_eq!(request.query.as_deref(), Some("includeOwner=true"));
}

#[tokio::test]
async fn the_cursor_stream_sends_the_query_with_the_first_page_only() {
    let server = TestServer::start(|request: &Recorded, _| {
        let body = request.json();
        match body["cursorPaging"]["cursor"].as_str() {
            None => Reply::json(&json!({
                "pets": [{"id": "a"}, {"id": "b"}],
                "pagingMetadata": {"cursors": {"next": "c2"}},
            })),
            Some(_) => {
                Reply::json(&json!({"pets": [{"id": "c"}], "pagingMetadata": {"cursors": {}}}))
            }
        }
    })
    .await;
    let client = client_for(&server);
    let mut request = QueryPetsRequest::default();
    QueryPetsQuery::new()
        .kind()
        .eq(PetKind::Dog)
        .sort_by_kind(SortOrder::Asc)
        .apply_to(&mut request);
    let ids: Vec<String> = PetsV1::new(&Keeper::open(&client))
        .query_pets_stream(request)
        .map(|pet| pet.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["a", "b", "c"]);
    let bodies: Vec<_> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(
        bodies,
        [
            json!({"cursorPaging": {"limit": 50}, "filter": {"kind": {"$eq": "dog"}},
                   "sort": [{"fieldName": "kind", "order": "ASC"}]}),
            json!({"cursorPaging": {"limit": 50, "cursor": "c2"}}),
        ]
    );
}

/// Generated structs write their own serde impls (not derived): the JSON is the derive's.
#[test]
fn generated_structs_read_and_write_json_as_the_derive_does() {
    use wix_rest_pets_fixture::pets_v1::Pet;
    let pet: Pet = serde_json::from_value(json!({
        "id": "p1", "number": "42", "age": null, "tags": ["a"], "brandNew": {"x": [1]},
        "parent": {"id": "p0", "number": 7}, "oldName": "Rex",
    }))
    .unwrap();
    assert_eq!(pet.number, Some(42));
    assert_eq!(pet.age, None);
    assert_eq!(pet.parent.as_ref().unwrap().number, Some(7));
    // Written back: required fields always, optional ones only when set, by their wire names;
    // the field no spec declares is kept and written after the known ones.
    assert_eq!(pet.unknown_fields.get("brandNew"), Some(&json!({"x": [1]})));
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({"id": "p1", "number": 42, "tags": ["a"], "parent": {"id": "p0", "number": 7}, "oldName": "Rex", "brandNew": {"x": [1]}})
    );
    let from_str = |s: &str| serde_json::from_str::<Pet>(s).map_err(|e| e.to_string());
    assert_eq!(
        from_str(r#"{"number": 1}"#).unwrap_err(),
        "missing field `id` at line 1 column 13"
    );
    let err = from_str(r#"{"id": "a", "age": "x"}"#).unwrap_err();
    assert!(
        err.starts_with(r#"invalid type: string "x", expected i32"#),
        "{err}"
    );
    let err = from_str("[]").unwrap_err();
    assert!(
        err.starts_with("invalid type: sequence, expected struct Pet"),
        "{err}"
    );
    let err = from_str(r#"{"id": "a", "number": "4x"}"#).unwrap_err();
    assert!(err.contains(r#"found the string "4x""#), "{err}");
    // A key sent twice keeps its last value, as JavaScript's `JSON.parse` does.
    assert_eq!(from_str(r#"{"id": "a", "id": "b"}"#).unwrap().id, "b");

    // An open object keeps what it does not know and sends it back.
    use wix_rest::oauth::AppInstalled;
    let wire = json!({"appId": "a-1", "originInstanceId": "", "extra": [1], "more": {"x": null}});
    let app: AppInstalled = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(app.app_id.as_deref(), Some("a-1"));
    assert_eq!(app.unknown_fields.len(), 2);
    assert_eq!(serde_json::to_value(&app).unwrap(), wire);
}

/// A scope set that also writes, for the methods that send bodies.
struct Manager;

// SAFETY: `PETS_MANAGE` grants `PETS.WRITE` and includes `PETS_READ` in the fixture's registry;
// those are the two permissions implemented below.
unsafe impl ScopeSet for Manager {
    const SCOPES: &'static [&'static Scope] = &[&scopes::PETS_MANAGE];
    const GRANTED: &'static [&'static str] = &["PETS.READ", "PETS.WRITE"];
}

// SAFETY: as above.
unsafe impl permissions::PetsRead for Manager {}

// SAFETY: as above.
unsafe impl permissions::PetsWrite for Manager {}

fn header<'r>(request: &'r Recorded, name: &str) -> Option<&'r str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn form_and_binary_bodies_are_sent_with_their_content_types() {
    use wix_rest_pets_fixture::pets_v1::ApplyForAdoptionRequest;
    let server = TestServer::start(|request: &Recorded, _| {
        if request.path.ends_with("/photo") {
            Reply::json(&json!({"size": request.body.len()}))
        } else {
            Reply::json(&json!({}))
        }
    })
    .await;
    let client = client_for(&server);
    let pets = PetsV1::new(&Manager::open(&client));

    let form = ApplyForAdoptionRequest {
        name: "Ann & Bo".to_owned(),
        age: Some(34),
        has_garden: Some(true),
        other_pets: Some(vec!["cat".to_owned(), "fish/1".to_owned()]),
        unknown_fields: Default::default(),
    };
    pets.apply_for_adoption("p1", &form).await.unwrap();
    let photo: Vec<u8> = (0..=255).collect();
    let uploaded = pets.upload_pet_photo("p1", &photo).await.unwrap();
    assert_eq!(uploaded.size, Some(256));

    let requests = server.requests();
    let (form_request, photo_request) = (&requests[0], &requests[1]);
    assert_eq!(
        header(form_request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // The object's fields as pairs, a list as the key once per value (serde_json's key order).
    assert_eq!(
        String::from_utf8_lossy(&form_request.body),
        "age=34&hasGarden=true&name=Ann+%26+Bo&otherPets=cat&otherPets=fish%2F1"
    );
    assert_eq!(
        header(photo_request, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(photo_request.method, "PUT");
    assert_eq!(photo_request.body, photo);
}
