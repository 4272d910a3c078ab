//! Verifies a webhook body (a JWT, as Wix POSTs it) with the app's public key and prints the
//! typed event.
//!
//! ```sh
//! # A real body, with the app's public key from the Wix dashboard:
//! cargo run -p wix-rest-examples --example verify_webhook -- public-key.pem < body.jwt
//! # No arguments: a Product Created webhook signed with wix-rest-testing's test key, verified:
//! cargo run -p wix-rest-examples --example verify_webhook
//! ```

use std::io::Read;

use serde_json::json;
use wix_rest::events::Event;
use wix_rest::stores_catalog_v1;
use wix_rest::webhook::WebhookVerifier;
use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, Webhook, WebhookSigner};

const USAGE: &str = "usage: verify_webhook [PUBLIC_KEY.pem < BODY]\n\
    with no argument, verifies a sample webhook signed with the test key";

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (verifier, body) = match (args.next(), args.next()) {
        (None, _) => {
            println!("no key given: verifying a sample signed with the test key\n");
            let body = WebhookSigner::test_key().sign(&Webhook::new(
                "com.wix.ecommerce.catalog.api.v1.ProductCreated",
                json!({"productId": "5a2b1c3d-0000-4000-8000-00000000c0de", "name": "Cactus"}),
            ));
            (WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM)?, body)
        }
        (Some(flag), _) if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return Ok(());
        }
        (Some(key_path), None) => {
            let key = std::fs::read(&key_path)
                .map_err(|e| format!("cannot read the public key `{key_path}`: {e}"))?;
            let mut body = String::new();
            std::io::stdin()
                .read_to_string(&mut body)
                .map_err(|e| format!("cannot read the webhook body from stdin: {e}"))?;
            (WebhookVerifier::from_pem(&key)?, body)
        }
        (Some(_), Some(_)) => return Err(USAGE.into()),
    };

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

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
