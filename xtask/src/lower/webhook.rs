//! A webhook: its event type, the permission that governs it, its envelope and payload.

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::ModuleLowering;
use crate::model::*;
use crate::spec;
use crate::spec::keyword::ENVELOPES;
use crate::spec::pos::{Anchor, YamlPath};

impl ModuleLowering<'_, '_> {
    pub(super) fn lower_webhook(&mut self, rw: &spec::Webhook, path: &YamlPath) -> Option<Webhook> {
        let access = self.access(&rw.permission, &path.key("permission"));
        let envelope = match ENVELOPES.parse(&rw.envelope) {
            Ok(envelope) => Some(envelope),
            Err(hint) => {
                self.report.error(
                    &path.key("envelope"),
                    Anchor::Value,
                    format!("unknown envelope `{}`", rw.envelope),
                    Some(hint),
                );
                None
            }
        };
        let variant = rw
            .event_type
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_upper_camel_case();
        if variant.is_empty() {
            self.report.error(
                &path.key("event_type"),
                Anchor::Value,
                "empty event type",
                None,
            );
            return None;
        }
        let payload = self.lower_schema(
            &rw.payload,
            &path.key("payload"),
            &format!("{variant}Payload"),
        );
        Some(Webhook {
            wix_name: rw.name.clone(),
            docs: rw
                .docs
                .clone()
                .unwrap_or_else(|| format!("The {} webhook.", rw.name)),
            handler_fn: format!("on_{}", variant.to_snake_case()),
            variant,
            event_type: rw.event_type.clone(),
            access,
            envelope: envelope?,
            payload,
        })
    }
}
