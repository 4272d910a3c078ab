//! The crate root: module declarations behind their features, re-exports, and the crate-wide
//! `events::Event`.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::Spec;

pub(super) fn lib_rs(spec: &Spec) -> TokenStream {
    let mods = spec.modules.iter().map(|m| {
        let feature = &m.name;
        let name = ident(&m.rust_name);
        let doc = format!(" {} (cargo feature `{}`).", m.title, m.name);
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub mod #name;
        }
    });
    // Per module with webhooks: its variant of `events::Event`, and the attempt to type a raw
    // event with it.
    let (variants, tries): (Vec<TokenStream>, Vec<TokenStream>) = spec
        .modules
        .iter()
        .filter(|m| !m.webhooks.is_empty())
        .map(|m| {
            let feature = &m.name;
            let variant = ident(&m.type_name);
            let module = ident(&m.rust_name);
            let doc = format!(" An event of {}.", m.title);
            let declared = quote! {
                #[doc = #doc]
                #[cfg(feature = #feature)]
                #variant(crate::#module::Event),
            };
            let tried = quote! {
                #[cfg(feature = #feature)]
                if let Some(event) = crate::#module::Event::from_raw(raw) {
                    return event.map(Event::#variant);
                }
            };
            (declared, tried)
        })
        .unzip();
    quote! {
        //! Typed async Rust bindings for the [Wix REST API](https://dev.wix.com/docs/rest),
        //! generated from the specs in `specs/` by `cargo xtask codegen`.
        //!
        //! Each Wix module is a Rust module behind a cargo feature of the same name
        //! (`stores-catalog-v1`, ...; `full` enables all). A module has a client handle with one
        //! async method per Wix method, the request and response types, the metadata of each
        //! method (`operations`), an `Event` enum of its webhooks, and a `Webhooks` router whose
        //! handlers compile only for the events the declared scopes cover.
        //!
        //! [`scopes`](mod@scopes) and [`permissions`] hold Wix's permission model: a method
        //! requires a permission; a scope, which a site owner grants an app, grants a set of
        //! permissions. The compiler enforces it: an app declares the scopes it holds
        //! ([`#[scope_set]`](macro@scope_set) on a struct, or [`#[scopes]`](macro@scopes) on a
        //! function), and a method compiles only when a declared scope grants its permission.
        //! The plain [`Client`] calls nothing by itself. [`ScopeSet`] and the permission traits
        //! are `unsafe` traits only the attributes implement, after checking the scopes; raw
        //! requests go through the `unsafe` [`Client::request_unchecked`].
        //!
        //! ```no_run
        //! # #[cfg(feature = "stores-orders-v2")]
        //! # async fn run() -> wix_rest::Result<()> {
        //! use wix_rest::stores_orders_v2::{QueryOrdersRequest, StoresOrdersV2};
        //! use wix_rest::{Client, Credentials, ScopeSet};
        //!
        //! #[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
        //! struct Orders;
        //!
        //! let client = Client::new(Credentials::api_key_for_site("API_KEY", "SITE_ID"))?;
        //! let wix = Orders::open(&client);
        //! let orders = StoresOrdersV2::new(&wix)
        //!     .query_orders(&QueryOrdersRequest::default())
        //!     .await?;
        //! # Ok(()) }
        //! ```
        //!
        #![doc = include_str!("../SCOPES.md")]
        #![deny(missing_docs)]
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        pub use wix_rest_macros::{scope_set, scopes};
        pub use wix_rest_runtime::{
            paging, prelude, query, store, webhook, ApiError, App, AppBuilder, ApplicationError, Client, ClientBuilder,
            Credentials, Error, FieldViolation, Hook, HttpMethod, Operation, Permission, RateLimit,
            Requires, RequestParts, ResponseInfo, Result, RetryPolicy, Scope, ScopeSet, Scoped, Secret,
            SharedRateLimit, Timestamp, TimestampError, UnknownFields, ValidationError,
        };
        #[cfg(feature = "axum")]
        pub use wix_rest_runtime::axum;

        pub mod permissions;
        pub mod scopes;

        #(#mods)*

        /// Webhook events of every enabled module.
        pub mod events {
            use wix_rest_runtime::webhook::{RawEvent, WebhookError};

            /// A verified webhook, typed by its module.
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// An event type no enabled module knows; its data is in the [`RawEvent`].
                Unknown {
                    /// The event type.
                    event_type: String,
                },
            }

            impl Event {
                /// Types a verified webhook by its event type.
                #[inline]
                pub fn from_raw(raw: &RawEvent) -> Result<Event, WebhookError> {
                    #(#tries)*
                    Ok(Event::Unknown { event_type: raw.event_type.clone() })
                }
            }

            impl wix_rest_runtime::webhook::FromRawEvent for Event {
                #[inline]
                fn from_raw_event(raw: &RawEvent) -> Option<Result<Self, WebhookError>> {
                    Some(Event::from_raw(raw))
                }
            }
        }
    }
}
