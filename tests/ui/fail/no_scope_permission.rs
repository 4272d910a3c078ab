// Create Category requires CATEGORIES.CATEGORY_CREATE, which Wix's metadata maps to no scope
// (`no_scope` in specs/wix.scopes.yaml): no scope set grants it, not even the categories' own
// write scope.
use wix_rest::categories::{Categories, CreateCategoryRequest};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(CATEGORIES_CATEGORY_WRITE, CATEGORIES_CATEGORY_READ)]
struct Catalog;

async fn create(client: &Client) {
    let _ = Categories::new(&Catalog::open(client))
        .create_category(&CreateCategoryRequest::default())
        .await;
}

fn main() {
    let _ = create;
}
