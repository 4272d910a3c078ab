//! A module's webhook `Event` enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use super::forwarder::{access_bound, access_doc};
use super::ident;
use super::types::ty_tokens;
use crate::layout::Names;
use crate::model::*;

pub(super) fn events_tokens(module: &Module, names: &Names) -> TokenStream {
    if module.webhooks.is_empty() {
        return TokenStream::new();
    }
    let title = &module.title;
    let variants = module.webhooks.iter().map(|w| {
        let v = ident(&w.variant);
        let payload = ty_tokens(&w.payload);
        let ty = match w.envelope {
            Envelope::Legacy => payload,
            Envelope::Domain => quote!(wix_rest_runtime::webhook::DomainEvent<#payload>),
        };
        let requirement = match &w.access {
            Access::Open => "sent to every app.".to_owned(),
            other => access_doc(other),
        };
        let doc = docs(&format!(
            "{}\n\nEvent type `{}`. {requirement}",
            w.docs, w.event_type
        ));
        quote!(#doc #v(#ty),)
    });
    let arms = module.webhooks.iter().map(|w| {
        let v = ident(&w.variant);
        let et = &w.event_type;
        let decode = match w.envelope {
            Envelope::Legacy => quote!(raw.payload()),
            Envelope::Domain => quote!(raw.domain_event()),
        };
        quote!(#et => #decode.map(Self::#v),)
    });
    let types_arms = module.webhooks.iter().map(|w| {
        let v = ident(&w.variant);
        let et = &w.event_type;
        quote!(Self::#v(_) => #et,)
    });
    let all_types = module.webhooks.iter().map(|w| &w.event_type);
    let doc = format!(" A webhook event of {title}.");
    // The scope-checked router: one `on_<event>` per webhook, bounded by its permission's trait.
    let handlers = module.webhooks.iter().map(|w| {
        let on = ident(&w.handler_fn);
        let payload = ty_tokens(&w.payload);
        let (ty, decode) = match w.envelope {
            Envelope::Legacy => (payload, quote!(raw.payload())),
            Envelope::Domain => (
                quote!(wix_rest_runtime::webhook::DomainEvent<#payload>),
                quote!(raw.domain_event()),
            ),
        };
        let et = &w.event_type;
        let (bound, requirement) = match &w.access {
            Access::Open => (TokenStream::new(), "Wix sends it to every app: no permission is needed.".to_owned()),
            other => {
                let b = access_bound(other, &names.permissions);
                (
                    quote!(where #b),
                    format!("Compiles only when the scope set `S` grants what Wix requires to send it. {}", access_doc(other)),
                )
            }
        };
        let doc = docs(&format!(
            "Handles `{et}` ([`Event::{}`]) with `handler`, replacing any earlier handler of it.\n\n{requirement}",
            w.variant
        ));
        quote! {
            #doc
            pub fn #on(mut self, mut handler: impl FnMut(#ty) -> R + Send + 'h) -> Self
            #bound
            {
                self.router.on_unchecked(#et, move |raw| #decode.map(&mut handler));
                self
            }
        }
    });
    let webhooks_doc = docs(&format!(
        "Receives the webhooks of {title} for the scope set `S`: the scope-checked way to handle events.\n\nEach `on_<event>` method compiles only when `S` grants the permission Wix requires to send that event, so an app cannot handle an event its declared scopes do not cover. [`Webhooks::dispatch`] types a verified [`RawEvent`](wix_rest_runtime::webhook::RawEvent) and calls its handler; a handler returns `R` (e.g. a boxed future for async work). [`Event::from_raw`] stays available to type any verified event."
    ));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
        }

        impl Event {
            /// The event types of this module.
            pub const EVENT_TYPES: &'static [&'static str] = &[#(#all_types),*];

            /// Types a verified webhook, when its event type belongs to this module.
            #[inline]
            pub fn from_raw(raw: &wix_rest_runtime::webhook::RawEvent) -> Option<Result<Self, wix_rest_runtime::webhook::WebhookError>> {
                Some(match raw.event_type.as_str() {
                    #(#arms)*
                    _ => return None,
                })
            }

            /// The event type string Wix sends.
            pub fn event_type(&self) -> &'static str {
                match self {
                    #(#types_arms)*
                }
            }
        }

        impl wix_rest_runtime::webhook::FromRawEvent for Event {
            #[inline]
            fn from_raw_event(raw: &wix_rest_runtime::webhook::RawEvent) -> Option<Result<Self, wix_rest_runtime::webhook::WebhookError>> {
                Event::from_raw(raw)
            }
        }

        #webhooks_doc
        pub struct Webhooks<'h, S: ScopeSet, R = ()> {
            router: wix_rest_runtime::webhook::Router<'h, R>,
            scopes: std::marker::PhantomData<fn() -> S>,
        }

        impl<'h, S: ScopeSet, R> Webhooks<'h, S, R> {
            /// A router that handles no event yet.
            pub fn new() -> Self {
                Webhooks { router: wix_rest_runtime::webhook::Router::new(), scopes: std::marker::PhantomData }
            }

            #(#handlers)*

            /// The event types a handler is registered for, in registration order.
            pub fn event_types(&self) -> Vec<&'static str> {
                self.router.event_types()
            }

            /// Calls the handler of a verified event: `Ok(None)` when no handler is registered
            /// for its type (an event of another module, or one this router does not handle).
            pub fn dispatch(&mut self, raw: &wix_rest_runtime::webhook::RawEvent) -> Result<Option<R>, wix_rest_runtime::webhook::WebhookError> {
                self.router.dispatch(raw)
            }
        }

        impl<S: ScopeSet, R> Default for Webhooks<'_, S, R> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<S: ScopeSet, R> std::fmt::Debug for Webhooks<'_, S, R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.router, f)
            }
        }
    }
}
