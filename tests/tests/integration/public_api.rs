//! The public API surface of the runtime (`wix-rest-runtime`) and the generated crate
//! (`wix-rest`), read from their sources with `syn` (stable Rust has no rustdoc JSON): every
//! item declared `pub`, `#[doc(hidden)]` ones included, whether or not its module is public (an
//! over-approximation: a private module's `pub` item may be re-exported).
//!
//! It keeps ARCHITECTURE.md's invariant "no API method is reachable from a plain `Client`" true:
//!
//! - no safe public function of the runtime takes both a `Client` (or is a method of `Client`)
//!   and an `Operation`: the only functions that send an operation are `unsafe`
//!   (`__private::call`, `Client::request_unchecked`) or crate-private (`Client::execute`);
//! - `ScopeSet` and every permission trait are `unsafe` traits;
//! - every public method of a module client and of a module's `Webhooks` router is bounded by
//!   the permission trait the spec gives its Wix method or event (none when the permission is
//!   `none`), and has no other public method than the constructor and the router's plumbing;
//! - the generated crate has no public function that takes a `Client` or an `Operation`, and no
//!   public `unsafe` function.
//!
//! And it compares the surface with `tests/public_api.txt`, so a new public item shows up in
//! review: `UPDATE_PUBLIC_API=1 cargo test -p wix-rest-tests --test integration public_api::` rewrites it.
//! Each check is also run on a hand-written violation (`checks_catch_violations`), so none of
//! them passes vacuously.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, TraitItem, Visibility};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A public function or method.
#[derive(Debug)]
struct PubFn {
    /// `file: module::path::Type::name`
    path: String,
    is_unsafe: bool,
    hidden: bool,
    /// The `Self` type of the impl it is in (`Client`, `StoresCatalogV1`), if any.
    self_ty: Option<String>,
    /// The parameter types as text (`&self` is `Self`).
    params: Vec<String>,
    /// The trait bounds on `S` (last path segment), from generics and where clauses.
    s_bounds: Vec<String>,
    signature: String,
}

/// Everything public in a crate's sources.
#[derive(Debug, Default)]
struct Surface {
    fns: Vec<PubFn>,
    /// Other items: `kind path` (`struct client::Client`, `unsafe trait ...`).
    items: Vec<String>,
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && a.meta.to_token_stream().to_string().contains("hidden")
    })
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

fn mentions(text: &str, name: &str) -> bool {
    words(text).any(|w| w == name)
}

fn s_bounds(generics: &[&syn::Generics]) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |ty: &str, bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, _>| {
        if ty == "S" {
            for b in bounds {
                if let syn::TypeParamBound::Trait(t) = b {
                    out.push(t.path.segments.last().unwrap().ident.to_string());
                }
            }
        }
    };
    for g in generics {
        for p in &g.params {
            if let syn::GenericParam::Type(t) = p {
                add(&t.ident.to_string(), &t.bounds);
            }
        }
        if let Some(w) = &g.where_clause {
            for p in &w.predicates {
                if let syn::WherePredicate::Type(t) = p {
                    add(&t.bounded_ty.to_token_stream().to_string(), &t.bounds);
                }
            }
        }
    }
    out
}

fn pub_fn(
    prefix: &str,
    sig: &syn::Signature,
    attrs: &[syn::Attribute],
    self_ty: Option<&str>,
    impl_generics: Option<&syn::Generics>,
) -> PubFn {
    let params = sig
        .inputs
        .iter()
        .map(|a| match a {
            FnArg::Receiver(_) => "Self".to_owned(),
            FnArg::Typed(t) => t.ty.to_token_stream().to_string(),
        })
        .collect();
    let mut generics = vec![&sig.generics];
    generics.extend(impl_generics);
    PubFn {
        path: format!("{prefix}{}", sig.ident),
        is_unsafe: sig.unsafety.is_some(),
        hidden: hidden(attrs),
        self_ty: self_ty.map(str::to_owned),
        params,
        s_bounds: s_bounds(&generics),
        signature: sig.to_token_stream().to_string(),
    }
}

fn walk(items: &[Item], file: &str, module: &str, dir: &Path, out: &mut Surface) {
    let public = |v: &Visibility| matches!(v, Visibility::Public(_));
    let name = |kind: &str, ident: &dyn ToString, attrs: &[syn::Attribute]| {
        let hidden = if hidden(attrs) { " #[doc(hidden)]" } else { "" };
        format!("{file}: {kind} {module}{}{hidden}", ident.to_string())
    };
    for item in items {
        match item {
            Item::Fn(f) if public(&f.vis) => out.fns.push(pub_fn(
                &format!("{file}: {module}"),
                &f.sig,
                &f.attrs,
                None,
                None,
            )),
            Item::Struct(s) if public(&s.vis) => out.items.push(name("struct", &s.ident, &s.attrs)),
            Item::Enum(e) if public(&e.vis) => out.items.push(name("enum", &e.ident, &e.attrs)),
            Item::Type(t) if public(&t.vis) => out.items.push(name("type", &t.ident, &t.attrs)),
            Item::Use(u) if public(&u.vis) => out.items.push(format!(
                "{file}: use {module}{}",
                u.tree.to_token_stream().to_string().replace(' ', "")
            )),
            Item::Trait(t) if public(&t.vis) => {
                let kind = if t.unsafety.is_some() {
                    "unsafe trait"
                } else {
                    "trait"
                };
                out.items.push(name(kind, &t.ident, &t.attrs));
                let self_ty = t.ident.to_string();
                for ti in &t.items {
                    if let TraitItem::Fn(f) = ti {
                        let prefix = format!("{file}: {module}{self_ty}::");
                        out.fns.push(pub_fn(
                            &prefix,
                            &f.sig,
                            &f.attrs,
                            Some(&self_ty),
                            Some(&t.generics),
                        ));
                    }
                }
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let self_ty = match &*i.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().unwrap().ident.to_string(),
                    other => other.to_token_stream().to_string(),
                };
                for ii in &i.items {
                    if let ImplItem::Fn(f) = ii
                        && public(&f.vis)
                    {
                        let prefix = format!("{file}: {module}{self_ty}::");
                        out.fns.push(pub_fn(
                            &prefix,
                            &f.sig,
                            &f.attrs,
                            Some(&self_ty),
                            Some(&i.generics),
                        ));
                    }
                }
            }
            Item::Mod(m) => {
                if public(&m.vis) {
                    out.items.push(name("mod", &m.ident, &m.attrs));
                }
                let inner = format!("{module}{}::", m.ident);
                match &m.content {
                    Some((_, items)) => walk(items, file, &inner, dir, out),
                    None => {
                        // `lib.rs`'s and `a/mod.rs`'s modules are beside them; `a.rs`'s are in
                        // `a/`. A module `m` is `m.rs` or `m/mod.rs`.
                        let parent = if file == "lib.rs" {
                            String::new()
                        } else if let Some(folder) = file.strip_suffix("mod.rs") {
                            folder.to_owned()
                        } else {
                            format!("{}/", file.trim_end_matches(".rs"))
                        };
                        let flat = format!("{parent}{}.rs", m.ident);
                        let rel = if dir.join(&flat).exists() {
                            flat
                        } else {
                            format!("{parent}{}/mod.rs", m.ident)
                        };
                        let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
                        let parsed = syn::parse_file(&text).unwrap();
                        walk(&parsed.items, &rel, &inner, dir, out);
                    }
                }
            }
            Item::Const(c) if public(&c.vis) => out.items.push(name("const", &c.ident, &c.attrs)),
            Item::Static(s) if public(&s.vis) => out.items.push(name("static", &s.ident, &s.attrs)),
            _ => {}
        }
    }
}

fn surface(src: &Path) -> Surface {
    let lib = syn::parse_file(&std::fs::read_to_string(src.join("lib.rs")).unwrap()).unwrap();
    let mut out = Surface::default();
    walk(&lib.items, "lib.rs", "", src, &mut out);
    out
}

/// Safe public functions that take a `Client` and an `Operation`: a path to the network that
/// no scope set checks.
fn unchecked_paths(s: &Surface) -> Vec<String> {
    s.fns
        .iter()
        .filter(|f| !f.is_unsafe)
        .filter(|f| {
            let client = f.params.iter().any(|p| {
                mentions(p, "Client") || (p == "Self" && f.self_ty.as_deref() == Some("Client"))
            });
            let op = f.params.iter().any(|p| mentions(p, "Operation"));
            client && op
        })
        .map(|f| f.path.clone())
        .collect()
}

/// The permission traits each public method of each scope-generic type must be bounded by, in
/// the spec's order: type -> method -> traits (none for `permission: none`; `Unpublished`, which
/// no scope set implements, for `permission: unpublished`).
type Expected = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn expected() -> Expected {
    let files = xtask::read_specs(&root().join("specs"), "specs").unwrap();
    let spec = xtask::load(&files).unwrap();
    let trait_of = |access: &xtask::model::Access| -> Vec<String> {
        match access {
            xtask::model::Access::Open => Vec::new(),
            xtask::model::Access::Unpublished => vec!["Unpublished".to_owned()],
            xtask::model::Access::All(reqs) => reqs.iter().map(|r| r.trait_name.clone()).collect(),
        }
    };
    let mut out = Expected::new();
    for m in &spec.modules {
        let client = out.entry(m.type_name.clone()).or_default();
        for method in &m.methods {
            let t = trait_of(&method.access);
            client.insert(method.rust_name.clone(), t.clone());
            if let Some(paging) = &method.paging {
                client.insert(paging.stream_fn.clone(), t.clone());
                if let xtask::model::PagingLocation::Body {
                    crawl: Some(crawl), ..
                } = &paging.location
                {
                    client.insert(crawl.crawl_fn.clone(), t);
                }
            }
        }
        if !m.webhooks.is_empty() {
            let router = out.entry(format!("{}::Webhooks", m.rust_name)).or_default();
            for w in &m.webhooks {
                router.insert(w.handler_fn.clone(), trait_of(&w.access));
            }
        }
    }
    out
}

/// Public methods of scope-generic types that are not bounded as the spec says.
fn unbounded_methods(s: &Surface, expected: &Expected) -> Vec<String> {
    const PLUMBING: &[&str] = &["new", "event_types", "dispatch"];
    let mut problems = Vec::new();
    for f in &s.fns {
        let Some(self_ty) = &f.self_ty else { continue };
        // `lib.rs: stores_catalog_v1::Webhooks::on_x` -> `stores_catalog_v1::Webhooks`
        let module = f
            .path
            .split(": ")
            .nth(1)
            .unwrap()
            .split("::")
            .next()
            .unwrap();
        let key = if self_ty == "Webhooks" {
            format!("{module}::Webhooks")
        } else {
            self_ty.clone()
        };
        let Some(methods) = expected.get(&key) else {
            continue;
        };
        let method = f.path.rsplit("::").next().unwrap();
        if PLUMBING.contains(&method) {
            continue;
        }
        let permission_bounds: Vec<&String> =
            f.s_bounds.iter().filter(|b| *b != "ScopeSet").collect();
        match methods.get(method) {
            None => problems.push(format!(
                "{}: a public method no spec method or event explains",
                f.path
            )),
            Some(want) => {
                let want: Vec<&String> = want.iter().collect();
                if permission_bounds != want {
                    problems.push(format!(
                        "{}: bounded by {permission_bounds:?}, the spec says {want:?}",
                        f.path
                    ));
                }
            }
        }
    }
    problems
}

fn listing(s: &Surface) -> String {
    let mut lines: Vec<String> = s.items.clone();
    for f in &s.fns {
        let mut line = format!("{}: {}", f.path, f.signature);
        if f.hidden {
            line.push_str(" #[doc(hidden)]");
        }
        lines.push(line);
    }
    lines.sort();
    lines.join("\n") + "\n"
}

#[test]
fn no_safe_public_function_sends_an_operation() {
    let runtime = surface(&root().join("crates/runtime/src"));
    assert_eq!(unchecked_paths(&runtime), Vec::<String>::new());
    // The functions that do send one are all `unsafe`, and they are the three documented ones.
    let senders: Vec<&str> = runtime
        .fns
        .iter()
        .filter(|f| f.params.iter().any(|p| mentions(p, "Operation")))
        .filter(|f| f.is_unsafe)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        senders,
        [
            "client.rs: client::Client::request_unchecked",
            "__private.rs: __private::call",
            "__private.rs: __private::call_no_content"
        ]
    );
    let generated = surface(&root().join("generated/src"));
    let takes_client: Vec<&str> = generated
        .fns
        .iter()
        .filter(|f| {
            f.params
                .iter()
                .any(|p| mentions(p, "Client") || mentions(p, "Operation"))
        })
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(takes_client, Vec::<&str>::new());
    let unsafe_fns: Vec<&str> = generated
        .fns
        .iter()
        .filter(|f| f.is_unsafe)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(unsafe_fns, Vec::<&str>::new());
}

#[test]
fn scope_sets_and_permissions_are_unsafe_traits() {
    let runtime = surface(&root().join("crates/runtime/src"));
    assert!(
        runtime
            .items
            .contains(&"scoped.rs: unsafe trait scoped::ScopeSet".to_owned())
    );
    let generated = surface(&root().join("generated/src"));
    let permission_traits: Vec<&String> = generated
        .items
        .iter()
        .filter(|i| i.starts_with("permissions.rs:") && i.contains("trait"))
        .collect();
    assert!(permission_traits.len() >= 20, "{permission_traits:?}");
    for t in permission_traits {
        assert!(t.contains(": unsafe trait "), "{t}");
    }
}

#[test]
fn every_method_of_a_scoped_handle_is_bounded_by_its_permission() {
    let expected = expected();
    let generated = surface(&root().join("generated/src"));
    assert_eq!(
        unbounded_methods(&generated, &expected),
        Vec::<String>::new()
    );
    // Every spec method and event has its bounded public method.
    for (ty, methods) in &expected {
        for name in methods.keys() {
            if name.ends_with("_crawl") || name.ends_with("_stream") {
                continue; // only paged methods have them, and only some have both
            }
            let found = generated.fns.iter().any(|f| {
                f.path
                    .ends_with(&format!("{}::{name}", ty.rsplit("::").next().unwrap()))
            });
            assert!(found, "{ty}::{name} has no public method");
        }
    }
}

#[test]
fn the_public_surface_is_the_committed_one() {
    let mut text = String::from(
        "# The public API surface of wix-rest-runtime and of the generated wix-rest crate, as\n\
         # tests/tests/integration/public_api.rs reads it. A change here is a change of what apps can call:\n\
         # review it. UPDATE_PUBLIC_API=1 cargo test -p wix-rest-tests --test integration public_api:: rewrites it.\n",
    );
    text.push_str("\n## crates/runtime/src\n");
    text.push_str(&listing(&surface(&root().join("crates/runtime/src"))));
    // The generated crate: its functions (types and fields are data; their number is large).
    let generated = surface(&root().join("generated/src"));
    let fns = Surface {
        fns: generated.fns,
        items: Vec::new(),
    };
    text.push_str("\n## generated/src (functions)\n");
    text.push_str(&listing(&fns));
    let path = root().join("tests/public_api.txt");
    if std::env::var_os("UPDATE_PUBLIC_API").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        let old: Vec<&str> = committed.lines().collect();
        let new: Vec<&str> = text.lines().collect();
        let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
        let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
        panic!(
            "the public API surface changed; review it and rerun with UPDATE_PUBLIC_API=1\nadded: {added:#?}\nremoved: {removed:#?}"
        );
    }
}

/// Each check, run on a hand-written violation: it must report it.
#[test]
fn checks_catch_violations() {
    let parse = |src: &str| {
        let file = syn::parse_file(src).unwrap();
        let mut out = Surface::default();
        walk(&file.items, "lib.rs", "", Path::new("."), &mut out);
        out
    };
    // `Client::execute` made public again, and `call` made safe: both reported; the unsafe
    // one is not.
    let leaky = parse(
        "impl Client { pub async fn execute(&self, op: &'static Operation) {} }
         pub mod __private {
             pub async fn call(client: &crate::Client, op: &'static Operation) {}
             pub async unsafe fn fine(client: &crate::Client, op: &'static Operation) {}
         }",
    );
    assert_eq!(
        unchecked_paths(&leaky),
        ["lib.rs: Client::execute", "lib.rs: __private::call"]
    );
    // A module client method without its bound, with the wrong one, and one the spec does not
    // know; the bounded one passes.
    let mut expected = Expected::new();
    expected.entry("Api".into()).or_default().extend([
        ("get".to_owned(), vec!["ReadThings".to_owned()]),
        ("delete".to_owned(), vec!["WriteThings".to_owned()]),
        ("ok".to_owned(), vec!["ReadThings".to_owned()]),
        (
            "both".to_owned(),
            vec!["ReadThings".to_owned(), "WriteThings".to_owned()],
        ),
        (
            "half".to_owned(),
            vec!["ReadThings".to_owned(), "WriteThings".to_owned()],
        ),
    ]);
    let unbounded = parse(
        "impl<'a, S: ScopeSet> Api<'a, S> {
             pub fn new(wix: &Scoped<'a, S>) -> Self { todo!() }
             pub fn get(self) {}
             pub fn delete(self) where S: crate::permissions::ReadThings {}
             pub fn ok(self) where S: crate::permissions::ReadThings {}
             pub fn both(self) where S: crate::permissions::ReadThings + crate::permissions::WriteThings {}
             pub fn half(self) where S: crate::permissions::ReadThings {}
             pub fn raw(self) {}
         }",
    );
    // `get` (no bound), `delete` (the wrong one), `half` (one of two), `raw` (unknown).
    assert_eq!(unbounded_methods(&unbounded, &expected).len(), 4);
    // A new public item changes the listing.
    assert_ne!(
        listing(&parse("pub fn a() {}")),
        listing(&parse("pub fn a() {} #[doc(hidden)] pub fn b() {}"))
    );
}
