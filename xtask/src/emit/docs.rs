//! Doc text: spec prose into `#[doc]` attributes, one per line.

use proc_macro2::TokenStream;
use quote::quote;

/// Wraps the bare URLs of spec prose in `<...>` so rustdoc links them (and does not warn);
/// URLs in code spans, links and angle brackets are left alone.
fn link_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(at) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let in_code = out.matches('`').count() % 2 == 1;
        let linked = matches!(out.chars().last(), Some('<' | '(' | '[' | '`'));
        let end = from
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']' | '`')
            })
            .unwrap_or(from.len());
        let url = from[..end].trim_end_matches(['.', ',', ';', ':']);
        if in_code || linked {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &from[url.len()..];
    }
    out.push_str(rest);
    out
}

/// The lines of a doc comment: bare URLs linked, trailing spaces and repeated blank lines gone,
/// each line led by a space so that prettyplease prints `/// line`.
fn doc_lines(text: &str) -> Vec<String> {
    let text = link_bare_urls(text.trim());
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
        } else {
            lines.push(format!(" {line}"));
        }
    }
    lines
}

/// `#[doc = " line"]` for each line.
pub(super) fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = " line"]` for each line.
pub(super) fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_are_linked_and_others_left_alone() {
        assert_eq!(
            link_bare_urls(
                r#"Base URL, e.g. "https://my-website.com". See https://dev.wix.com/docs."#
            ),
            r#"Base URL, e.g. "<https://my-website.com>". See <https://dev.wix.com/docs>."#
        );
        let kept = "`https://www.wixapis.com/x` and [docs](https://dev.wix.com) and <http://a.b>";
        assert_eq!(link_bare_urls(kept), kept);
    }
}
