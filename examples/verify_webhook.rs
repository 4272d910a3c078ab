//! Verifies a webhook body (a JWT, as Wix POSTs it) with the app's public key and prints the
//! typed event.
//!
//! ```sh
//! cargo run -p wix-rest-examples --example verify_webhook -- public-key.pem < body.jwt
//! ```

use std::io::Read;

use wix_rest::events::Event;
use wix_rest::stores_catalog_v1;
use wix_rest::webhook::WebhookVerifier;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key_path = std::env::args()
        .nth(1)
        .ok_or("usage: verify_webhook PUBLIC_KEY.pem < BODY")?;
    let verifier = WebhookVerifier::from_pem(&std::fs::read(key_path)?)?;
    let mut body = String::new();
    std::io::stdin().read_to_string(&mut body)?;

    // A forged or expired body is rejected here, before anything of it is read.
    let raw = verifier.verify(&body)?;
    println!("{} for app instance {}", raw.event_type, raw.instance_id);
    match Event::from_raw(&raw)? {
        Event::StoresCatalogV1(stores_catalog_v1::Event::ProductCreated(product)) => {
            println!(
                "new product {}",
                product.name.as_deref().unwrap_or("(unnamed)")
            );
        }
        Event::StoresCatalogV1(other) => println!("{other:?}"),
        Event::Unknown { event_type } => println!("an event no enabled module knows: {event_type}"),
        other => println!("{other:?}"),
    }
    Ok(())
}
