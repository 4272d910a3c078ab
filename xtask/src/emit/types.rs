//! The module's types: structs (each keeps the fields it does not know) and string enums (unknown
//! values kept), and the Rust type of a model [`Ty`].

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use super::ident;
use crate::model::*;

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

/// A type's items (its definition, then its impls), one token stream each: the shared module
/// puts a `cfg` on each.
pub(super) fn type_def(def: &TypeDef) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let doc = docs(&def.docs);
    match &def.kind {
        TypeKind::Struct { fields } => struct_def(def, fields),
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
            vec![quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
                #how
                pub enum #name {
                    #(#variants)*
                }
            }]
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
            vec![
                quote! {
                    #doc
                    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                    pub enum #name {
                        #(#variants)*
                        /// A value these bindings do not know yet, kept as sent.
                        Unknown(String),
                    }
                },
                quote! {
                    impl #name {
                        /// The value as it is sent on the wire.
                        #[inline]
                        pub fn as_str(&self) -> &str {
                            match self {
                                #(#to_str)*
                                Self::Unknown(other) => other,
                            }
                        }
                    }
                },
                quote! {
                    impl From<&str> for #name {
                        #[inline]
                        fn from(value: &str) -> Self {
                            match value {
                                #(#from_str)*
                                other => Self::Unknown(other.to_owned()),
                            }
                        }
                    }
                },
                quote! {
                    impl Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            serializer.serialize_str(self.as_str())
                        }
                    }
                },
                quote! {
                    impl<'de> Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            rt::object::string(deserializer).map(|s| Self::from(&*s))
                        }
                    }
                },
            ]
        }
    }
}

/// A struct, and its `Serialize` and `Deserialize` from one `rt::object!` invocation (its field
/// table) rather than serde's derives: the derive's code is most of what the compiler checks in
/// a generated module, and the macro's expansion is a fraction of it (one chain of calls to
/// write, one `match` to read; see the runtime's `__private::object`). The wire format is the
/// derive's for JSON.
fn struct_def(def: &TypeDef, fields: &[Field]) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let doc = docs(&def.docs);
    let unknown = ident(UNKNOWN_FIELDS);
    let unknown_field = quote! {
        /// The fields these bindings do not know, kept as Wix sent them and sent back after the
        /// known ones, so that nothing is lost in a read-modify-write.
        pub #unknown: wix_rest_runtime::UnknownFields,
    };
    let field_defs = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let mut ty = ty_tokens(&f.ty);
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        if !f.required {
            ty = quote!(Option<#ty>);
        }
        let mut doc_text = f.docs.clone();
        if f.deprecated {
            doc_text.push_str("\n\nDeprecated by Wix.");
        }
        let doc = docs(&doc_text);
        quote! {
            #doc
            pub #fname: #ty,
        }
    });
    let derive_default = def.derives_default.then(|| quote!(Default,));
    // The serde impls: one `rt::object!` per struct, its field table (the macro is in the
    // runtime's `__private::object`; a struct without required fields derives `Default`).
    let entries = fields.iter().map(|f| {
        let wire = &f.wire;
        let fname = ident(&f.rust_name);
        let read = match (f.ty == Ty::I64, f.required) {
            (false, false) => quote!(nullable),
            (false, true) => quote!(value),
            (true, false) => quote!(nullable_int64),
            (true, true) => quote!(int64),
        };
        let write = if f.required {
            quote!(field)
        } else {
            quote!(optional)
        };
        quote!(#wire #fname: #read #write,)
    });
    let unknown_part = quote!(unknown #unknown);
    let required: Vec<TokenStream> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let fname = ident(&f.rust_name);
            let wire = &f.wire;
            quote!(#fname #wire)
        })
        .collect();
    let required_part = (!required.is_empty()).then(|| quote!(required { #(#required)* }));
    vec![
        quote! {
            #doc
            #[derive(Clone, Debug, #derive_default PartialEq)]
            pub struct #name {
                #(#field_defs)*
                #unknown_field
            }
        },
        quote! {
            rt::object! {
                #name { #(#entries)* }
                #unknown_part
                #required_part
            }
        },
    ]
}
