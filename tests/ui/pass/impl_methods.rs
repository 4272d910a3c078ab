//! `#[scopes]` on methods in an impl, sync and async, with `self`.
use wix_rest::stores_catalog_v1::{StoresCatalogV1, UpdateProductRequest};
use wix_rest::{Client, ScopeSet};

struct App {
    client: Client,
}

impl App {
    #[wix_rest::scopes(DC_STORES_MANAGE_PRODUCTS)]
    async fn rename(&self, request: &UpdateProductRequest) -> bool {
        let wix = Scopes::open(&self.client);
        StoresCatalogV1::new(&wix).update_product(request).await.is_ok()
    }

    #[wix_rest::scopes("SCOPE.DC-STORES.READ-PRODUCTS")]
    fn permissions(&self) -> Vec<&'static str> {
        Scopes::permissions()
    }
}

fn main() {
    let app = App { client: Client::new(wix_rest::Credentials::access_token("t")).unwrap() };
    let _ = app.rename(&UpdateProductRequest::default());
    assert!(app.permissions().contains(&"WIX_STORES.READ_PRODUCTS"));
}
