//! The module's types: structs (open ones keep unknown fields) and string enums (unknown values
//! kept), and the Rust type of a model [`Ty`].

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use super::ident;
use crate::model::*;

/// Which types can derive `Default`: structs whose required fields all have defaults.
pub(super) fn defaultable(module: &Module, shared: &BTreeSet<String>) -> BTreeSet<String> {
    let mut ok: BTreeSet<String> = shared.clone();
    loop {
        let before = ok.len();
        for def in &module.types {
            if let TypeKind::Struct { fields, .. } = &def.kind
                && fields.iter().all(|f| !f.required || ty_default(&f.ty, &ok))
            {
                ok.insert(def.name.clone());
            }
        }
        if ok.len() == before {
            return ok;
        }
    }
}

fn ty_default(ty: &Ty, ok: &BTreeSet<String>) -> bool {
    match ty {
        Ty::Named(n) => ok.contains(n),
        // An instant has no meaningful default.
        Ty::Timestamp => false,
        _ => true,
    }
}

pub(super) fn ty_tokens(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Secret => quote!(wix_rest_runtime::Secret),
        Ty::Timestamp => quote!(wix_rest_runtime::Timestamp),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(serde_json::Value),
        Ty::Array(inner) => {
            let inner = ty_tokens(inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Named(n) => {
            let n = ident(n);
            quote!(#n)
        }
    }
}

/// serde's `rename_all = "camelCase"` applied to a snake_case field name.
fn serde_camel(rust: &str) -> String {
    let rust = rust.trim_start_matches("r#");
    let mut out = String::new();
    let mut upper = false;
    for (i, c) in rust.chars().enumerate() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else if i == 0 {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn type_def(def: &TypeDef, defaults: &BTreeSet<String>) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs(&def.docs);
    match &def.kind {
        TypeKind::Struct { fields, open } => {
            let unknown = open.then(|| {
                let name = ident(UNKNOWN_FIELDS);
                quote! {
                    /// The fields these bindings do not know, kept as sent so that nothing is lost
                    /// when the value is sent back.
                    #[serde(flatten)]
                    pub #name: serde_json::Map<String, serde_json::Value>,
                }
            });
            let fields = fields.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let mut ty = ty_tokens(&f.ty);
                if f.boxed {
                    ty = quote!(Box<#ty>);
                }
                let mut doc_text = f.docs.clone();
                if f.deprecated {
                    doc_text.push_str("\n\nDeprecated by Wix.");
                }
                let doc = docs(&doc_text);
                let mut serde_args = Vec::new();
                if serde_camel(&f.rust_name) != f.wire {
                    let wire = &f.wire;
                    serde_args.push(quote!(rename = #wire));
                }
                if f.required {
                    if f.ty == Ty::I64 {
                        serde_args.push(quote!(deserialize_with = "rt::int64::required"));
                    }
                } else {
                    ty = quote!(Option<#ty>);
                    if f.ty == Ty::I64 {
                        serde_args.push(quote!(default, deserialize_with = "rt::int64::optional"));
                    }
                    serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
                }
                let serde_attr =
                    (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
                quote! {
                    #doc
                    #serde_attr
                    pub #fname: #ty,
                }
            });
            let default = defaults.contains(&def.name).then(|| quote!(Default,));
            quote! {
                #doc
                #[derive(Clone, Debug, #default PartialEq, Serialize, Deserialize)]
                #[serde(rename_all = "camelCase")]
                pub struct #name {
                    #(#fields)*
                    #unknown
                }
            }
        }
        TypeKind::OneOf { tag, variants } => {
            let variants = variants.iter().map(|v| {
                let var = ident(&v.name);
                let doc = docs(&v.docs);
                let rename = v.tag_value.as_ref().map(|t| quote!(#[serde(rename = #t)]));
                match &v.ty {
                    Some(ty @ Ty::Named(_)) => {
                        let t = ty_tokens(ty);
                        quote!(#doc #rename #var(Box<#t>),)
                    }
                    Some(ty) => {
                        let t = ty_tokens(ty);
                        quote!(#doc #rename #var(#t),)
                    }
                    None => quote!(#doc #rename #var,),
                }
            });
            let how = match tag {
                Some(t) => quote!(#[serde(tag = #t)]),
                None => quote!(#[serde(untagged)]),
            };
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
                #how
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Enum { values } => {
            let variants = values.iter().map(|v| {
                let var = ident(&v.variant);
                let d = format!(" `{}`", v.wire);
                quote!(#[doc = #d] #var,)
            });
            let to_str = values.iter().map(|v| {
                let var = ident(&v.variant);
                let wire = &v.wire;
                quote!(Self::#var => #wire,)
            });
            let from_str = values.iter().map(|v| {
                let var = ident(&v.variant);
                let wire = &v.wire;
                quote!(#wire => Self::#var,)
            });
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#variants)*
                    /// A value these bindings do not know yet, kept as sent.
                    Unknown(String),
                }

                impl #name {
                    /// The value as it is sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#to_str)*
                            Self::Unknown(other) => other,
                        }
                    }
                }

                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#from_str)*
                            other => Self::Unknown(other.to_owned()),
                        }
                    }
                }

                impl Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        rt::string(deserializer).map(|s| Self::from(s.as_str()))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_camel_case_matches_serde() {
        assert_eq!(serde_camel("numeric_id"), "numericId");
        assert_eq!(serde_camel("r#type"), "type");
        assert_eq!(serde_camel("price_data"), "priceData");
    }
}
