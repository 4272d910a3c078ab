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
/// the app holds, that [`ScopeSet::GRANTED`] lists exactly the permissions they grant, and that
/// every permission trait implemented for the type is one of those.
///
/// Each permission trait carries its permission's identity as a constant parameter
/// (`WixStoresReadProducts<ID>`, `ID` defaulting to that permission's), and the attributes write
/// that identity as a literal: an impl reached through a renamed or re-exported path
/// (`extern crate self as wix_rest` and a module that re-exports another permission under the
/// name) implements a trait no method requires. A crate with `#![forbid(unsafe_code)]` cannot
/// write an impl by hand; the attributes still work there. Rust does not report `unsafe` written
/// by a *dependency's* macro, so such a macro can implement a permission trait for an app's
/// type; every call then checks the permission against [`ScopeSet::GRANTED`], which the
/// attributes write, and a permission the declared scopes do not grant fails the call with
/// [`Error::NotGranted`](crate::Error::NotGranted) before anything is sent.
pub unsafe trait ScopeSet: Sized + 'static {
    /// The declared scopes, in declaration order.
    const SCOPES: &'static [&'static Scope];

    /// The ids of every permission the declared scopes grant, sorted and without repeats,
    /// written by the attributes as literals from the scope table. Every call checks its
    /// permissions against it before sending.
    const GRANTED: &'static [&'static str];

    /// Opens `client` with these scopes: the handle the module clients are made from.
    fn open(client: &Client) -> Scoped<'_, Self> {
        Scoped {
            client,
            scopes: PhantomData,
        }
    }

    /// Every permission the declared scopes grant, sorted and without repeats
    /// ([`ScopeSet::GRANTED`]).
    fn permissions() -> Vec<&'static str> {
        Self::GRANTED.to_vec()
    }

    /// Whether some declared scope grants `permission` (at run time, e.g. for a permission
    /// given as data).
    fn grants(permission: &str) -> bool {
        granted(Self::GRANTED, permission)
    }
}

/// Whether the sorted list `granted` holds `permission`.
pub(crate) fn granted(granted: &[&str], permission: &str) -> bool {
    granted.binary_search(&permission).is_ok()
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

    /// What generated methods send through: the client and the permissions `S` was declared
    /// with, which [`__private::call`](crate::__private::call) checks before sending.
    #[doc(hidden)]
    pub fn sender(&self) -> Sender<'c> {
        Sender {
            client: self.client,
            granted: S::GRANTED,
            set: std::any::type_name::<S>(),
        }
    }
}

/// A client with the permissions its scope set was declared with: what generated methods hand
/// to the runtime. Made only by [`Scoped::sender`].
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Sender<'c> {
    pub(crate) client: &'c Client,
    pub(crate) granted: &'static [&'static str],
    pub(crate) set: &'static str,
}

impl fmt::Debug for Sender<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("scope_set", &self.set)
            .field("granted", &self.granted)
            .finish_non_exhaustive()
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
