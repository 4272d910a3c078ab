//! A query method's typed builder: a method per filterable field returning a `Field` whose
//! marker implements only the documented operators, `sort_by_*` for sortable fields only.

use proc_macro2::TokenStream;
use quote::quote;

use super::access::mut_creating;
use super::docs::docs;
use super::ident;
use super::types::ty_tokens;
use crate::model::*;

/// The builder of a query method, or the alias of the builder it shares.
pub(super) fn builder(module: &Module, m: &Method, q: &Query) -> TokenStream {
    match &q.same_as {
        None => own_builder(module, m, q),
        Some(first) => {
            let alias = ident(&q.builder);
            let target = ident(first);
            let doc = format!(
                " The typed filter and sort of [`{}::{}`]: the same as [`{target}`].",
                module.type_name, m.rust_name
            );
            quote! {
                #[doc = #doc]
                pub type #alias = #target;
            }
        }
    }
}

/// The typed query builder of a query method: a method per filterable field returning a
/// `Field` whose marker implements only the documented operators, and `sort_by_*` methods for
/// the sortable fields only.
fn own_builder(module: &Module, m: &Method, q: &Query) -> TokenStream {
    let query = &q.caps;
    let builder = ident(&q.builder);
    let fields_mod = ident(&q.fields_mod);
    let req_ty = ty_tokens(
        m.request
            .as_ref()
            .expect("lowering gives a query method a request"),
    );
    let mut accessors = Vec::new();
    let mut markers = Vec::new();
    for f in &query.fields {
        let method = ident(&f.rust_name);
        let marker = ident(&f.marker);
        let wire = &f.field;
        // Markers live in their own module, where a marker may share a name with a spec type.
        let value_ty = match &f.value_ty {
            Ty::Named(n) => {
                let n = ident(n);
                quote!(super::#n)
            }
            other => ty_tokens(other),
        };
        let ops_list: Vec<String> = f
            .operators
            .iter()
            .map(|o| format!("`{}`", o.wire()))
            .collect();
        let description = if f.description.is_empty() {
            String::new()
        } else {
            format!(": {}", f.description)
        };
        let doc = docs(&format!(
            "Filters by `{wire}`{description}\n\nOperators: {}.",
            ops_list.join(", ")
        ));
        accessors.push(quote! {
            #doc
            pub fn #method(self) -> rt::query::Field<Self, #fields_mod::#marker> {
                rt::query::Field::new(self)
            }
        });
        if let Some(sort_fn) = &f.sort_fn {
            let sort_method = ident(sort_fn);
            let doc = format!(" Sorts by `{wire}`, after the sorts already given.");
            accessors.push(quote! {
                #[doc = #doc]
                pub fn #sort_method(mut self, order: rt::query::SortOrder) -> Self {
                    self.0.sort(#wire, order);
                    self
                }
            });
        }
        let op_traits = f.operators.iter().map(|o| {
            let t = ident(o.trait_name());
            quote!(impl rt::query::ops::#t for #marker {})
        });
        let marker_doc = format!(" The `{wire}` field.");
        markers.push(quote! {
            #[doc = #marker_doc]
            pub struct #marker;

            impl rt::query::FieldSpec for #marker {
                const NAME: &'static str = #wire;
                type Value = #value_ty;
            }

            #(#op_traits)*
        });
    }
    let assign = |steps: &[Step], value: TokenStream| -> TokenStream {
        let (last, parents) = steps
            .split_last()
            .expect("lowering resolves the filter and sort to a field");
        let f = ident(&last.rust_field);
        let value = if last.optional {
            quote!(Some(#value))
        } else {
            value
        };
        if parents.is_empty() {
            quote!(request.#f = #value;)
        } else {
            let target = mut_creating(quote!(request), parents);
            quote! {
                let target = #target;
                target.#f = #value;
            }
        }
    };
    let last_ty = |steps: &[Step]| steps.last().map(|s| s.ty.clone());
    let (filter_value, sort_value) = match query.encoding {
        QueryEncoding::JsonString => (quote!(self.0.filter_string()), quote!(self.0.sort_string())),
        QueryEncoding::Object => {
            let filter = match last_ty(&query.filter) {
                Some(Ty::Json) => quote!(self.0.filter()),
                _ => quote!(rt::query::into_field(self.0.filter())),
            };
            let sort = match last_ty(&query.sort) {
                Some(Ty::Json) => quote!(self.0.sort_objects()),
                _ => quote!(rt::query::into_field(self.0.sort_objects())),
            };
            (filter, sort)
        }
    };
    let set_filter = assign(&query.filter, filter_value);
    let set_sort = assign(&query.sort, sort_value);
    let client = &module.type_name;
    let doc = docs(&format!(
        "The typed filter and sort of [`{client}::{}`]: each field offers only the operators Wix documents for it, and only sortable fields have a `sort_by_*`.\n\nBuild it, then [`{builder}::apply_to`] a request.",
        m.rust_name
    ));
    let fields_doc = format!(" The fields [`{builder}`] filters by.");
    let wire_note = match query.encoding {
        QueryEncoding::JsonString => "as JSON strings, as Stores V1 wants them",
        QueryEncoding::Object => "as objects",
    };
    let apply_doc = format!(
        " Writes the filter, and the sort when one was given, into `request` ({wire_note})."
    );
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #builder(rt::query::Query);

        impl rt::query::QueryBuilder for #builder {
            fn query_mut(&mut self) -> &mut rt::query::Query {
                &mut self.0
            }
        }

        impl #builder {
            /// An empty query: no filter, no sort.
            pub fn new() -> Self {
                Self::default()
            }

            #(#accessors)*

            /// Keeps the items that match any of `alternatives` (`$or`).
            pub fn any_of(mut self, alternatives: impl IntoIterator<Item = Self>) -> Self {
                self.0.any_of(alternatives.into_iter().map(|q| q.0));
                self
            }

            /// The query as built.
            pub fn as_query(&self) -> &rt::query::Query {
                &self.0
            }

            #[doc = #apply_doc]
            pub fn apply_to(&self, request: &mut #req_ty) {
                #set_filter
                if self.0.has_sort() {
                    #set_sort
                }
            }
        }

        #[doc = #fields_doc]
        pub mod #fields_mod {
            use super::rt;

            #(#markers)*
        }
    }
}
