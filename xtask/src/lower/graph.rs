//! The type graph: field paths through the module's types (`paging.limit`, `lineItems.productId`)
//! and the boxes that break type cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::ModuleLowering;
use crate::diag::did_you_mean;
use crate::model::*;

impl ModuleLowering<'_, '_> {
    /// A type of the module, or a shared type (one it refers to, or one a shared type's field
    /// names: a module never declares a type of a shared type's name, see
    /// `import::share`).
    pub(super) fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .get(name)
            .or_else(|| self.shared?.types.iter().find(|t| t.name == name))
    }

    /// The field of a struct by its wire name.
    pub(super) fn field(&self, type_name: &str, wire: &str) -> Option<&Field> {
        match &self.type_def(type_name)?.kind {
            TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == wire),
            TypeKind::Enum { .. } | TypeKind::OneOf { .. } => None,
        }
    }

    /// Follows a dotted path of wire names from a type.
    pub(super) fn resolve_steps(&self, from: &Ty, dotted: &str) -> Result<Vec<Step>, String> {
        let mut ty = from.clone();
        let mut steps = Vec::new();
        for part in dotted.split('.') {
            let Ty::Named(name) = &ty else {
                return Err(format!(
                    "`{part}` is looked up in a value that is not an object"
                ));
            };
            let Some(field) = self.field(name, part) else {
                let known: Vec<&str> = match self.type_def(name).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, .. }) => {
                        fields.iter().map(|f| f.wire.as_str()).collect()
                    }
                    _ => Vec::new(),
                };
                let hint = did_you_mean(part, known)
                    .map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                return Err(format!("`{name}` has no field `{part}`{hint}"));
            };
            steps.push(Step {
                rust_field: field.rust_name.clone(),
                optional: !field.required,
                ty: field.ty.clone(),
            });
            ty = field.ty.clone();
        }
        Ok(steps)
    }

    /// The type of a dotted field, looking into the elements of arrays on the way
    /// (`lineItems.productId`).
    pub(super) fn resolve_through_arrays(&self, from: &Ty, dotted: &str) -> Result<Ty, String> {
        let mut ty = from.clone();
        for part in dotted.split('.') {
            while let Ty::Array(inner) = ty {
                ty = *inner;
            }
            ty = self
                .resolve_steps(&ty, part)?
                .pop()
                .map(|s| s.ty)
                .unwrap_or(Ty::Json);
        }
        Ok(ty)
    }

    /// The description of field `last` of the object at `parent` (dotted) under `ty`.
    pub(super) fn field_docs(&self, ty: &Ty, parent: &str, last: &str) -> String {
        let owner = if parent.is_empty() {
            Some(ty.clone())
        } else {
            self.resolve_through_arrays(ty, parent).ok()
        };
        let owner = match owner {
            Some(Ty::Array(inner)) => *inner,
            Some(other) => other,
            None => return String::new(),
        };
        match owner {
            Ty::Named(n) => self
                .field(&n, last)
                .map(|f| f.docs.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// Boxes the fields whose type contains, without an indirection, the struct itself.
pub(super) fn mark_boxes(types: &mut BTreeMap<String, TypeDef>) {
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|(name, def)| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        Ty::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                // Variant payloads are always boxed: no cycle goes through them.
                TypeKind::Enum { .. } | TypeKind::OneOf { .. } => Vec::new(),
            };
            (name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(direct.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (name, def) in types.iter() {
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for (i, f) in fields.iter().enumerate() {
                if let Ty::Named(target) = &f.ty
                    && reaches(target, name)
                {
                    to_box.push((name.clone(), i));
                }
            }
        }
    }
    for (name, i) in to_box {
        if let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = types.get_mut(&name)
        {
            fields[i].boxed = true;
        }
    }
}
