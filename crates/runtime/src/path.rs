//! Where a request goes, and the checks that keep it there: the client's base URL (scheme,
//! host, port and an optional path prefix, nothing else), a method's expanded path held against
//! its template, and the final URL held against both.
//!
//! A path parameter is percent-encoded as one segment (`__private::segment`), but `.`, `..` and
//! the empty string are segments a URL resolves or collapses into another path
//! (`/collections/..` is `/`): such a value is refused before anything is sent, naming the
//! method and the parameter.

use reqwest::Url;

use crate::error::Error;
use crate::operation::Operation;

/// A validated base URL: `scheme://host[:port][/prefix]`, without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    /// `https://proxy.example:8443/wix`
    text: String,
    /// `/wix` (empty without a prefix)
    prefix_len: usize,
}

impl BaseUrl {
    /// Reads a base URL; anything but a scheme (`http` or `https`), a host, a port and a path
    /// prefix is refused with a message that says what was found (the client's builder reports
    /// it as [`Error::Config`]).
    pub(crate) fn parse(text: &str) -> Result<BaseUrl, String> {
        let bad = |why: String| format!("base URL `{text}`: {why}");
        let url = Url::parse(text).map_err(|e| bad(format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(format!(
                "the scheme `{}` is not http or https",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("it has no host".to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "it carries a user name or password; a base URL is a scheme, host, port and path prefix only (credentials come from `Credentials`)".to_owned(),
            ));
        }
        if url.query().is_some() {
            return Err(bad(
                "it has a query (`?`); a base URL is a scheme, host, port and path prefix only"
                    .to_owned(),
            ));
        }
        if url.fragment().is_some() {
            return Err(bad(
                "it has a fragment (`#`), which would hide every method's path; a base URL is a scheme, host, port and path prefix only".to_owned(),
            ));
        }
        let written_path = text
            .split_once("://")
            .map_or("", |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
        if written_path.split('/').any(is_dot_segment) {
            return Err(bad(
                "its path has a `.` or `..` segment; write the prefix as it is meant".to_owned(),
            ));
        }
        let full = url.as_str().trim_end_matches('/');
        let origin_len = url.origin().ascii_serialization().len();
        Ok(BaseUrl {
            text: full.to_owned(),
            prefix_len: full.len().saturating_sub(origin_len),
        })
    }

    /// The base URL as text, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The path prefix (`/wix`), empty without one.
    fn prefix(&self) -> &str {
        &self.text[self.text.len() - self.prefix_len..]
    }
}

/// A method's URL: `path` (expanded, percent-encoded) appended to the base URL, or to the
/// operation's host. The URL's path must come out exactly as written: a URL parser that
/// resolved or dropped a segment would call another endpoint, so that is an error, not a
/// request.
pub(crate) fn url(base: Option<&BaseUrl>, op: &Operation, path: &str) -> Result<Url, Error> {
    let (root, prefix) = match base {
        Some(base) => (base.as_str(), base.prefix()),
        None => (op.host.trim_end_matches('/'), ""),
    };
    let text = format!("{root}{path}");
    let url = Url::parse(&text)
        .map_err(|e| Error::Config(format!("{}: `{text}` is not a URL: {e}", op.name)))?;
    let sent = url.path();
    let meant_len = prefix.len() + path.len();
    let as_meant = url.query().is_none()
        && url.fragment().is_none()
        && sent.len() == meant_len
        && sent.starts_with(prefix)
        && &sent[prefix.len()..] == path;
    if !as_meant || !url.has_host() {
        return Err(Error::InvalidPathParameter {
            method: op.name,
            parameter: op.path.to_owned(),
            problem: "does not expand to a path the URL keeps as written (the path must be `/`-separated segments, without a query, a fragment, `.` or `..`)",
        });
    }
    Ok(url)
}

/// Holds an expanded path against the method's template: as many segments, the literal ones as
/// written, each parameter neither empty nor a dot segment. Errors name the parameter.
pub(crate) fn check(op: &'static Operation, path: &str) -> Result<(), Error> {
    let mismatch = || Error::InvalidPathParameter {
        method: op.name,
        parameter: op.path.to_owned(),
        problem: "does not fit the method's path template",
    };
    let mut sent = path.split('/');
    for template in op.path.split('/') {
        let segment = sent.next().ok_or_else(mismatch)?;
        let Some((prefix, rest)) = template.split_once('{') else {
            if segment != template {
                return Err(mismatch());
            }
            continue;
        };
        let (name, suffix) = rest.split_once('}').ok_or_else(mismatch)?;
        let value = segment
            .strip_prefix(prefix)
            .and_then(|s| s.strip_suffix(suffix))
            .ok_or_else(mismatch)?;
        let problem = if value.is_empty() {
            "is empty, which would call another endpoint"
        } else if is_dot_segment(value) {
            "is `.` or `..`, which a URL resolves to another path"
        } else {
            continue;
        };
        return Err(Error::InvalidPathParameter {
            method: op.name,
            parameter: name.to_owned(),
            problem,
        });
    }
    if sent.next().is_some() {
        return Err(mismatch());
    }
    Ok(())
}

/// `.` or `..`, as written or percent-encoded (the URL standard resolves `%2e` as a dot).
fn is_dot_segment(segment: &str) -> bool {
    [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
        .iter()
        .any(|dots| segment.eq_ignore_ascii_case(dots))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{HttpMethod, Requires};

    static OP: Operation = Operation {
        module: "m",
        name: "confirm",
        wix_name: "Confirm",
        http_method: HttpMethod::Post,
        host: "https://www.wixapis.com",
        path: "/bookings/v2/confirmation/{bookingId}:confirm",
        requires: Requires::Nothing,
        scopes: &[],
        retry_safe: false,
    };

    #[test]
    fn base_urls_are_scheme_host_port_and_prefix_only() {
        for ok in [
            "https://www.wixapis.com",
            "http://127.0.0.1:8080/",
            "https://proxy.example/wix/",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        let prefix = BaseUrl::parse("https://proxy.example/wix/").unwrap();
        assert_eq!(prefix.as_str(), "https://proxy.example/wix");
        assert_eq!(prefix.prefix(), "/wix");
        for (bad, says) in [
            (
                "https://www.wixapis.com/contacts/v4/contacts/c1#",
                "fragment",
            ),
            ("https://www.wixapis.com/?x=1", "query"),
            ("https://user:pw@www.wixapis.com", "user name or password"),
            ("ftp://www.wixapis.com", "scheme `ftp`"),
            ("https://h/a/../b", "`.` or `..`"),
            ("https://h/a/%2e%2E/b", "`.` or `..`"),
            ("not a url", "not a URL"),
            ("unix:/run/socket", "scheme"),
        ] {
            let err = BaseUrl::parse(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_method_path_is_appended_as_segments() {
        let base = BaseUrl::parse("https://proxy.example/wix").unwrap();
        let url = url(Some(&base), &OP, "/bookings/v2/confirmation/b1:confirm").unwrap();
        assert_eq!(
            url.as_str(),
            "https://proxy.example/wix/bookings/v2/confirmation/b1:confirm"
        );
        let url = super::url(None, &OP, "/stores/v1/x").unwrap();
        assert_eq!(url.as_str(), "https://www.wixapis.com/stores/v1/x");
        for bad in ["/a/../b", "/a/./b", "/a?x", "/a#b", "/a/%2e%2e/b"] {
            assert!(
                matches!(
                    super::url(Some(&base), &OP, bad),
                    Err(Error::InvalidPathParameter { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn parameters_are_neither_empty_nor_dots() {
        assert!(check(&OP, "/bookings/v2/confirmation/b%2F1:confirm").is_ok());
        for (path, parameter, says) in [
            (
                "/bookings/v2/confirmation/:confirm",
                "bookingId",
                "is empty",
            ),
            (
                "/bookings/v2/confirmation/..:confirm",
                "bookingId",
                "`.` or `..`",
            ),
            (
                "/bookings/v2/confirmation/%2E:confirm",
                "bookingId",
                "`.` or `..`",
            ),
            ("/bookings/v2/confirmation/b1", OP.path, "template"),
            ("/bookings/v2/confirmation/b/1:confirm", OP.path, "template"),
            ("/bookings/v2/other/b1:confirm", OP.path, "template"),
        ] {
            let Err(Error::InvalidPathParameter {
                method,
                parameter: named,
                problem,
            }) = check(&OP, path)
            else {
                panic!("{path} refused")
            };
            assert_eq!((method, named.as_str()), ("confirm", parameter), "{path}");
            assert!(problem.contains(says), "{path}: {problem}");
        }
    }
}
