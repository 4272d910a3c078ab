//! The path template of a method: `/stores/v1/products/{id}` into literal and `{name}` parts.
//! The one parser of path templates: the lowering binds the names to arguments or body fields
//! (`lower/method.rs`), the importer and the OpenAPI export read the names.

/// One part of a path template.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    /// Text sent as is.
    Literal(&'a str),
    /// The name inside `{...}`: a path parameter, or a dotted body field (`product.id`).
    Param(&'a str),
}

/// What is wrong with a template.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TemplateError {
    NoLeadingSlash,
    /// A `}` with no `{` before it.
    UnbalancedClose,
    /// A `{` never closed.
    Unclosed,
}

impl TemplateError {
    /// The message and hint for the template `path`.
    pub(crate) fn describe(&self, path: &str) -> (String, Option<String>) {
        match self {
            TemplateError::NoLeadingSlash => (
                format!("path `{path}` does not start with `/`"),
                Some("write the path without the host, like `/stores/v1/products`".to_owned()),
            ),
            TemplateError::UnbalancedClose => (format!("unbalanced `}}` in path `{path}`"), None),
            TemplateError::Unclosed => (format!("unclosed `{{` in path `{path}`"), None),
        }
    }
}

/// Splits a template into parts; the parts before a fatal error are kept, so the names found
/// can still be checked.
pub(crate) fn parse(template: &str) -> (Vec<Part<'_>>, Vec<TemplateError>) {
    let mut parts = Vec::new();
    let mut errors = Vec::new();
    if !template.starts_with('/') {
        errors.push(TemplateError::NoLeadingSlash);
    }
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            if rest.contains('}') {
                errors.push(TemplateError::UnbalancedClose);
            }
            parts.push(Part::Literal(rest));
            break;
        };
        if open > 0 {
            if rest[..open].contains('}') {
                errors.push(TemplateError::UnbalancedClose);
            }
            parts.push(Part::Literal(&rest[..open]));
        }
        let Some(close) = rest[open..].find('}') else {
            errors.push(TemplateError::Unclosed);
            break;
        };
        parts.push(Part::Param(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    (parts, errors)
}

/// The names inside the `{...}` of a template, in order (`id`, `variant.id`).
#[cfg(feature = "import")]
pub(crate) fn params(template: &str) -> impl Iterator<Item = &str> {
    parse(template).0.into_iter().filter_map(|part| match part {
        Part::Param(name) => Some(name),
        Part::Literal(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_params() {
        let (parts, errors) = parse("/stores/v1/products/{id}/variants/{variant.id}:x");
        assert_eq!(
            parts,
            [
                Part::Literal("/stores/v1/products/"),
                Part::Param("id"),
                Part::Literal("/variants/"),
                Part::Param("variant.id"),
                Part::Literal(":x"),
            ]
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn a_template_without_params_is_one_literal() {
        assert_eq!(
            parse("/oauth2/token"),
            (vec![Part::Literal("/oauth2/token")], vec![])
        );
    }

    #[test]
    fn malformed_templates() {
        assert_eq!(parse("a/{x}").1, [TemplateError::NoLeadingSlash]);
        assert_eq!(parse("/a}/{x}").1, [TemplateError::UnbalancedClose]);
        assert_eq!(parse("/a/x}").1, [TemplateError::UnbalancedClose]);
        let (parts, errors) = parse("/a/{x");
        assert_eq!(parts, [Part::Literal("/a/")]);
        assert_eq!(errors, [TemplateError::Unclosed]);
    }
}
