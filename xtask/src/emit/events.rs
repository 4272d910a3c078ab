//! A module's webhook `Event` enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use super::ident;
use super::types::ty_tokens;
use crate::model::*;

pub(super) fn events_tokens(module: &Module) -> TokenStream {
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
        let requirement = match &w.permission {
            Some(p) => format!("requires the permission `{}`", p.permission),
            None => "sent to every app".to_owned(),
        };
        let doc = docs(&format!(
            "{}\n\nEvent type `{}`; {requirement}.",
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
    }
}
