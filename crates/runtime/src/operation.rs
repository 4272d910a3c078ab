//! Static metadata the generator emits for every method, scope and permission.

use std::fmt;

/// The host most Wix modules live on.
pub const DEFAULT_HOST: &str = "https://www.wixapis.com";

/// An HTTP method a Wix endpoint is called with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as it is written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Wix permission, such as `WIX_STORES.READ_PRODUCTS`: what a method requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission {
    /// The permission's id as Wix writes it.
    pub id: &'static str,
    /// What the permission allows.
    pub description: &'static str,
}

/// A Wix permission scope, such as `SCOPE.DC-STORES.READ-PRODUCTS` ("Read Products"): what a site
/// owner grants an app at install. A scope grants a set of permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The scope's id as Wix writes it.
    pub id: &'static str,
    /// The name site owners see.
    pub name: &'static str,
    /// What the scope allows.
    pub description: &'static str,
    /// The ids of every permission the scope grants (its own and those of the scopes it includes).
    pub permissions: &'static [&'static str],
}

impl Scope {
    /// Whether this scope grants the permission with the given id.
    pub fn grants(&self, permission: &str) -> bool {
        self.permissions.contains(&permission)
    }
}

/// What a Wix method requires of the app that calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requires {
    /// Nothing: the request is sent without credentials (the OAuth token endpoint).
    Nothing,
    /// Wix's metadata names no permission for the method; only [`Client::request_unchecked`]
    /// (which asserts the app holds what Wix requires) sends it.
    ///
    /// [`Client::request_unchecked`]: crate::Client::request_unchecked
    Unpublished,
    /// Every one of these permissions (usually one).
    All(&'static [&'static str]),
}

impl Requires {
    /// The permission ids required (none for [`Requires::Nothing`] and
    /// [`Requires::Unpublished`]).
    pub fn permissions(&self) -> &'static [&'static str] {
        match self {
            Requires::All(p) => p,
            Requires::Nothing | Requires::Unpublished => &[],
        }
    }
}

/// Everything the runtime needs to know about one Wix method.
///
/// Its `Debug` names the method (module, name, HTTP method, path and the permissions it
/// requires), not the scope table behind it: an error that carries it stays short.
#[derive(Clone, Copy)]
pub struct Operation {
    /// The spec module the method belongs to, e.g. `stores-catalog-v1`.
    pub module: &'static str,
    /// The Rust name of the method, e.g. `query_products`.
    pub name: &'static str,
    /// Wix's own name of the method, e.g. `Query Products`.
    pub wix_name: &'static str,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The host the module lives on, e.g. `https://www.wixapis.com`.
    pub host: &'static str,
    /// The documented path template, e.g. `/stores/v1/products/{id}`.
    pub path: &'static str,
    /// What the method requires of the app.
    pub requires: Requires,
    /// Every scope that grants one of the permissions of [`Operation::requires`].
    pub scopes: &'static [&'static Scope],
    /// Whether the method may be sent again after a throttled or failed attempt.
    pub retry_safe: bool,
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("module", &self.module)
            .field("name", &self.name)
            .field("http_method", &self.http_method)
            .field("path", &self.path)
            .field("requires", &self.requires)
            .finish_non_exhaustive()
    }
}
