//! Scope sets: the permission scopes an app declares, turned into a type the compiler checks
//! every call against.

use std::fmt;
use std::marker::PhantomData;

use crate::client::Client;
use crate::operation::Scope;

/// A set of Wix permission scopes an app holds, as a type.
///
/// Declared with `#[wix_rest::scope_set(...)]` on a unit struct, or `#[wix_rest::scopes(...)]`
/// on a function. The declaration also implements, for the set, the permission traits of every
/// permission its scopes grant; each generated method requires its permission's trait, so a call
/// no declared scope allows does not compile.
///
/// # Safety
///
/// This trait and every permission trait (`wix_rest::permissions::*`) are `unsafe` to
/// implement: an implementation is the proof the generated methods rely on, that the site owner
/// granted the app the permissions it names. The two attributes write these impls only after
/// checking the declared scopes against the committed scope table; they are the only intended
/// implementors. A hand-written `unsafe impl` is the documented escape hatch (e.g. for a
/// permission Wix grants outside the scope table): it asserts that [`ScopeSet::SCOPES`] is what
/// the app holds and that every permission trait implemented for the type is granted by one of
/// them. A crate with `#![forbid(unsafe_code)]` cannot write one; the attributes still work there.
pub unsafe trait ScopeSet: Sized + 'static {
    /// The declared scopes, in declaration order.
    const SCOPES: &'static [&'static Scope];

    /// Opens `client` with these scopes: the handle the module clients are made from.
    fn open(client: &Client) -> Scoped<'_, Self> {
        Scoped {
            client,
            scopes: PhantomData,
        }
    }

    /// Every permission the declared scopes grant, sorted and without repeats.
    fn permissions() -> Vec<&'static str> {
        let mut all: Vec<&'static str> = Self::SCOPES
            .iter()
            .flat_map(|s| s.permissions.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Whether some declared scope grants `permission` (at run time, e.g. for a permission
    /// given as data).
    fn grants(permission: &str) -> bool {
        Self::SCOPES.iter().any(|s| s.grants(permission))
    }
}

/// A [`Client`] opened with the scope set `S`: the only way to reach API methods.
pub struct Scoped<'c, S: ScopeSet> {
    client: &'c Client,
    scopes: PhantomData<fn() -> S>,
}

impl<'c, S: ScopeSet> Scoped<'c, S> {
    /// The client it sends through.
    pub fn client(&self) -> &'c Client {
        self.client
    }

    /// The declared scopes.
    pub fn scopes(&self) -> &'static [&'static Scope] {
        S::SCOPES
    }
}

impl<S: ScopeSet> Clone for Scoped<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ScopeSet> Copy for Scoped<'_, S> {}

impl<S: ScopeSet> fmt::Debug for Scoped<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = S::SCOPES.iter().map(|s| s.id).collect();
        f.debug_struct("Scoped")
            .field("scopes", &ids)
            .finish_non_exhaustive()
    }
}
