//! The module's types: structs (open ones keep unknown fields) and string enums (unknown values
//! kept), and the Rust type of a model [`Ty`].

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

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

/// A type's items (its definition, then its impls), one token stream each: the shared module
/// puts a `cfg` on each.
pub(super) fn type_def(def: &TypeDef, defaults: &BTreeSet<String>) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let doc = docs(&def.docs);
    match &def.kind {
        TypeKind::Struct { fields, open } => struct_def(def, fields, *open, defaults),
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

/// A struct, with its `Serialize` and `Deserialize` written out rather than derived: the
/// derive's code is most of what the compiler checks in a generated module, and these impls are
/// a fraction of it (one chain of calls to write, one `match` to read; what every struct shares
/// is in the runtime's `__private::object`). The wire format is the derive's for JSON.
fn struct_def(
    def: &TypeDef,
    fields: &[Field],
    open: bool,
    defaults: &BTreeSet<String>,
) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let name_str = &def.name;
    let doc = docs(&def.docs);
    let unknown = ident(UNKNOWN_FIELDS);
    let unknown_field = open.then(|| {
        quote! {
            /// The fields these bindings do not know, kept as sent so that nothing is lost
            /// when the value is sent back.
            pub #unknown: serde_json::Map<String, serde_json::Value>,
        }
    });
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
    let default = defaults.contains(&def.name);
    let derive_default = default.then(|| quote!(Default,));
    let serialize = serialize_body(name_str, fields, open);
    let visit = visit_map_body(fields, open, default);
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
            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    #serialize
                }
            }
        },
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    rt::object::deserialize(deserializer)
                }
            }
        },
        quote! {
            impl rt::object::Object for #name {
                const NAME: &'static str = #name_str;

                fn visit_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                    #visit
                }
            }
        },
    ]
}

/// `Serialize::serialize` of a struct: required fields always, optional ones when set, then the
/// unknown fields an open struct kept; one chain of calls (the runtime's writers keep the first
/// error), not one `?` per field.
fn serialize_body(name: &str, fields: &[Field], open: bool) -> TokenStream {
    let writes = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let wire = &f.wire;
        if f.required {
            quote!(.field(#wire, &self.#fname))
        } else {
            quote!(.optional(#wire, &self.#fname))
        }
    });
    if open {
        let unknown = ident(UNKNOWN_FIELDS);
        return quote! {
            rt::object::MapWriter::new(serializer)
                #(#writes)*
                .end_with(&self.#unknown)
        };
    }
    // The number of fields written: the required ones, and each optional one that is set.
    let required = fields.iter().filter(|f| f.required).count();
    let mut len: Vec<TokenStream> = Vec::new();
    if required > 0 || fields.len() == required {
        let n = proc_macro2::Literal::usize_unsuffixed(required);
        len.push(quote!(#n));
    }
    len.extend(fields.iter().filter(|f| !f.required).map(|f| {
        let fname = ident(&f.rust_name);
        quote!(usize::from(self.#fname.is_some()))
    }));
    quote! {
        rt::object::StructWriter::new(serializer, #name, #(#len)+*)
            #(#writes)*
            .end()
    }
}

/// `Object::visit_map` of a struct: one `match` arm per wire name, each a call that reads the
/// value into its place; one `?` per key. A struct with a default and no required field starts
/// from its default and reads each field in place (most of Wix's types); any other reads into
/// one local per field and checks the required ones in one `match` at the end.
fn visit_map_body(fields: &[Field], open: bool, default: bool) -> TokenStream {
    let unknown = ident(UNKNOWN_FIELDS);
    let in_place = default && fields.iter().all(|f| !f.required);
    let locals: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("f{}", i)).collect();
    // Where each field's value goes, and where unknown fields go.
    let (places, unknown_place): (Vec<TokenStream>, TokenStream) = if in_place {
        let places = fields
            .iter()
            .map(|f| {
                let fname = ident(&f.rust_name);
                quote!(out.#fname)
            })
            .collect();
        (places, quote!(out.#unknown))
    } else {
        (
            locals.iter().map(|l| quote!(#l)).collect(),
            quote!(#unknown),
        )
    };
    let arms = fields.iter().zip(&places).map(|(f, place)| {
        let wire = &f.wire;
        let read = match (f.ty == Ty::I64, f.required) {
            (false, false) => quote!(nullable),
            (false, true) => quote!(value),
            (true, false) => quote!(nullable_int64),
            (true, true) => quote!(int64),
        };
        quote!(#wire => rt::object::#read(&mut map, &mut #place),)
    });
    let other = if open {
        quote!(rt::object::keep(&mut map, &mut #unknown_place, key))
    } else {
        quote!(rt::object::skip(&mut map))
    };
    // A struct without fields has nothing to match.
    let step = if fields.is_empty() {
        other
    } else {
        quote!(match &*key { #(#arms)* _ => #other, })
    };
    let read_all = quote! {
        while let Some(key) = map.next_key::<rt::object::Key<'de>>()? {
            #step?;
        }
    };
    if in_place {
        return quote! {
            let mut out = Self::default();
            #read_all
            Ok(out)
        };
    }
    let inits = fields.iter().zip(&locals).map(|(f, local)| {
        let fname = ident(&f.rust_name);
        quote!(#fname: #local,)
    });
    let unknown_init = open.then(|| quote!(#unknown,));
    let build = quote!(Self { #(#inits)* #unknown_init });
    let unknown_local = open.then(|| quote!(let mut #unknown = serde_json::Map::new();));
    let (required, wires): (Vec<&Ident>, Vec<&String>) = fields
        .iter()
        .zip(&locals)
        .filter(|(f, _)| f.required)
        .map(|(f, local)| (local, &f.wire))
        .unzip();
    // The required fields are checked in one `match`: one early return, whatever their number.
    let finish = if required.is_empty() {
        quote!(Ok(#build))
    } else {
        quote! {
            match (#(#required,)*) {
                (#(Some(#required),)*) => Ok(#build),
                (#(#required,)*) => Err(rt::object::missing(&[#((#required.is_none(), #wires)),*])),
            }
        }
    };
    quote! {
        #(let mut #locals = None;)*
        #unknown_local
        #read_all
        #finish
    }
}
