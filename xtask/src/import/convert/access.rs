//! Permissions and scopes: the `@permissionId` and `@permissionScope(Id)` tags of a declaration.

use super::*;

impl Cx<'_> {
    /// The `permission:` of a method or webhook tagged by `doc` (Wix's `@permissionId`s: one,
    /// several, or none, `unpublished`), recording the scopes its tags name for each.
    pub(super) fn permission_tags(
        &self,
        function: &str,
        doc: &Doc,
        permissions: &mut BTreeMap<String, PermissionFacts>,
    ) -> (Vec<String>, spec::PermissionRef) {
        let ids: Vec<String> = doc.all("permissionId").map(str::to_owned).collect();
        let scopes = scope_tags(doc);
        for id in &ids {
            let facts = permissions.entry(id.clone()).or_default();
            if !scopes.is_empty() {
                facts
                    .sources
                    .insert(format!("{}@{} {function}", self.pkg.name, self.pkg.version));
            }
            facts.scopes.extend(scopes.clone());
        }
        let permission = spec::PermissionRef::ids(&ids);
        (ids, permission)
    }
}

/// The `@permissionScope` / `@permissionScopeId` pairs of a JSDoc block.
pub fn scope_tags(doc: &Doc) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut name: Option<&str> = None;
    for (tag, value) in &doc.tags {
        match tag.as_str() {
            "permissionScope" => name = Some(value),
            "permissionScopeId" => {
                out.insert(value.clone(), name.take().unwrap_or(value).to_owned());
            }
            _ => {}
        }
    }
    out
}
