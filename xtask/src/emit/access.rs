//! Field-access expressions along the model's [`Step`]s.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::Step;

/// `Some(start)` followed by one `and_then`/`map` per step, by reference (`start` is then a
/// reference) or by value.
pub(super) fn optional_read(start: TokenStream, steps: &[Step], by_ref: bool) -> TokenStream {
    let mut expr = quote!(Some(#start));
    for step in steps {
        let f = ident(&step.rust_field);
        expr = match (step.optional, by_ref) {
            (true, true) => quote!(#expr.and_then(|v| v.#f.as_ref())),
            (false, true) => quote!(#expr.map(|v| &v.#f)),
            (true, false) => quote!(#expr.and_then(|v| v.#f)),
            (false, false) => quote!(#expr.map(|v| v.#f)),
        };
    }
    expr
}

/// `&mut` down to the object at the end of `steps`, creating missing ones.
pub(super) fn mut_creating(start: TokenStream, steps: &[Step]) -> TokenStream {
    let mut expr = start;
    let mut is_ref = false;
    for step in steps {
        let f = ident(&step.rust_field);
        expr = if step.optional {
            quote!(#expr.#f.get_or_insert_with(Default::default))
        } else {
            quote!(#expr.#f)
        };
        is_ref = step.optional;
    }
    if is_ref { expr } else { quote!(&mut #expr) }
}
