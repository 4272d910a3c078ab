//! A webhook: its event type, payload and permission, from the package's event declarations.

use super::*;
use crate::model::Envelope;

impl Cx<'_> {
    pub(super) fn webhook(
        &mut self,
        f: &crate::import::ts::Function,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> Option<spec::Webhook> {
        let file = self.pkg.universal_file.clone();
        let Some(event_type) = f.doc.first("eventType").map(str::to_owned) else {
            self.err(&file, &f.name, "a `@webhook` with no `@eventType`".into());
            return None;
        };
        let envelope = f.params.first().and_then(|(_, t)| match t {
            Ty::Function(args) => match args.first() {
                Some(Ty::Ref(n, a)) if a.is_empty() => Some(n.clone()),
                _ => None,
            },
            _ => None,
        });
        let Some(envelope) = envelope else {
            self.err(
                &file,
                &f.name,
                "the handler's event parameter is not a named envelope type".into(),
            );
            return None;
        };
        let Some(env) = self.pkg.universal.interfaces.get(&envelope).cloned() else {
            self.err(
                &file,
                &f.name,
                format!("envelope `{envelope}` is not declared"),
            );
            return None;
        };
        let (_, permission) = self.permission_tags(&f.name, &f.doc, permissions);
        // `onProductCreated` -> `Product Created`.
        let name = f.name.strip_prefix("on").unwrap_or(&f.name);
        let mut docs = doc_text(&f.doc).unwrap_or_else(|| format!("The `{event_type}` event."));
        if f.doc.has("deprecated") {
            docs.push_str("\n\nDeprecated by Wix.");
        }
        // `entity` (created/updated) or `data` (action events) is the payload; `metadata`
        // is the envelope the runtime decodes. An envelope with neither carries no payload.
        let payload = env
            .props
            .iter()
            .find(|p| p.name == "entity" || p.name == "data")
            .map(|p| p.ty.clone());
        // `metadata: BaseEventMetadata`: an older event whose data is the payload itself;
        // `metadata: EventMetadata`: a domain event around the entity.
        let legacy = env.props.iter().any(|p| {
            p.name == "metadata" && matches!(&p.ty, Ty::Ref(n, _) if n == "BaseEventMetadata")
        });
        let payload = match payload {
            Some(Ty::Ref(n, a)) if a.is_empty() => {
                if self.pkg.meta_dts.interfaces.contains_key(&n) {
                    self.reference(&n)
                } else {
                    // The SDK type has no REST twin in meta.d.ts: keep the payload open.
                    open_object(&format!("`{n}` (the package declares no REST shape of it)"))
                }
            }
            _ => open_object("the event carries no entity"),
        };
        Some(spec::Webhook {
            name: display_name(name),
            docs: Some(docs),
            event_type,
            permission,
            envelope: if legacy {
                Envelope::Legacy
            } else {
                Envelope::Domain
            }
            .into(),
            payload,
        })
    }
}
