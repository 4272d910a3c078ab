//! [`Route`]: which requests a programmed response answers (an HTTP method and a path
//! template, or an operation's).

use std::fmt;

use wix_rest_runtime::{HttpMethod, Operation};

/// An HTTP method and a path template: `GET /stores/v1/collections/{id}`. A `{name}` matches
/// one path segment or part of one (never a `/`); the query string is not matched.
///
/// Made from a generated operation (`Route::from(&stores_catalog_v1::operations::GET_COLLECTION)`,
/// or just `&GET_COLLECTION` where a route is expected), or by hand with [`Route::new`].
#[derive(Clone, PartialEq, Eq)]
pub struct Route {
    method: HttpMethod,
    template: String,
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Param,
}

impl Route {
    /// A route for `method` and the path template `template` (`/stores/v1/products/{id}`).
    ///
    /// # Panics
    ///
    /// When the template does not start with `/` or has an unclosed `{`: a mistake in the test
    /// itself, reported where it is written.
    #[track_caller]
    pub fn new(method: HttpMethod, template: &str) -> Route {
        match Route::parse(method, template) {
            Ok(route) => route,
            Err(message) => panic!("{message}"),
        }
    }

    /// Like [`Route::new`], with the mistake as an error.
    pub fn parse(method: HttpMethod, template: &str) -> Result<Route, String> {
        if !template.starts_with('/') {
            return Err(format!(
                "the path template `{template}` must start with `/`"
            ));
        }
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!(
                    "the path template `{template}` has an unclosed `{{`"
                ));
            };
            pieces.push(Piece::Param);
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Ok(Route {
            method,
            template: template.to_owned(),
            pieces,
        })
    }

    /// The route of Wix's OAuth token endpoint, `POST /oauth2/token`.
    pub fn oauth_token() -> Route {
        Route::new(HttpMethod::Post, "/oauth2/token")
    }

    /// The HTTP method.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// The path template.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Whether a request with this method and (percent-encoded) path matches.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_str().eq_ignore_ascii_case(method) && match_pieces(&self.pieces, path)
    }
}

/// Matches `path` against the pieces: a literal must come next, a parameter takes at least one
/// character and no `/`, as few as the rest allows.
fn match_pieces(pieces: &[Piece], path: &str) -> bool {
    match pieces.split_first() {
        None => path.is_empty(),
        Some((Piece::Literal(text), rest)) => path
            .strip_prefix(text.as_str())
            .is_some_and(|after| match_pieces(rest, after)),
        Some((Piece::Param, rest)) => {
            let segment_end = path.find('/').unwrap_or(path.len());
            (1..=segment_end)
                .filter(|&end| path.is_char_boundary(end))
                .any(|end| match_pieces(rest, &path[end..]))
        }
    }
}

impl From<&Operation> for Route {
    fn from(op: &Operation) -> Route {
        Route::new(op.http_method, op.path)
    }
}

impl From<&Route> for Route {
    fn from(route: &Route) -> Route {
        route.clone()
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.template)
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let route = Route::new(HttpMethod::Get, "/stores/v1/collections/{id}");
        assert!(route.matches("GET", "/stores/v1/collections/c1"));
        assert!(route.matches("get", "/stores/v1/collections/a%2Fb"));
        assert!(!route.matches("POST", "/stores/v1/collections/c1"));
        assert!(!route.matches("GET", "/stores/v1/collections/"));
        assert!(!route.matches("GET", "/stores/v1/collections/c1/x"));
        assert!(!route.matches("GET", "/stores/v1/collections"));

        let inside = Route::new(HttpMethod::Post, "/v1/items/{id}:cancel");
        assert!(inside.matches("POST", "/v1/items/i-1:cancel"));
        assert!(!inside.matches("POST", "/v1/items/i-1"));

        let two = Route::new(HttpMethod::Patch, "/v1/{a}/x/{b}");
        assert!(two.matches("PATCH", "/v1/1/x/2"));
        assert!(!two.matches("PATCH", "/v1/1/y/2"));
    }

    #[test]
    fn bad_templates_are_errors() {
        assert!(Route::parse(HttpMethod::Get, "v1/x").is_err());
        assert!(Route::parse(HttpMethod::Get, "/v1/{x").is_err());
    }
}
