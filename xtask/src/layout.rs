//! Where the generated items go and how one crate names another's: the one place the output's
//! crate structure is decided. The emitters ask the layout for every file path and for every
//! path that leaves a module (the permission traits, the scope constants, the shared types);
//! none prints `crate::permissions` or a crate name of its own.
//!
//! Two layouts: [`Layout::OneCrate`], today's `wix-rest` (one crate, a cargo feature per module,
//! the registry and the shared types beside the modules), and [`Layout::ByArea`], a base crate
//! holding the registry and the shared types with one crate per Wix area around it, whose
//! modules name the base crate's items by its crate path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Module, SHARED_MODULE};

/// The folder generated crates live under, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated";

/// How the generated output is split into crates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout<'a> {
    /// One crate `name` under [`GENERATED_DIR`]: every module a file of it, behind a feature.
    OneCrate { name: &'a str },
    /// A base crate `{prefix}-base` (scopes, permissions, shared types) and one crate
    /// `{prefix}-{area}` per Wix area, each under `GENERATED_DIR/{crate}`. This layout answers
    /// where each item goes and how it is named; the area crates' manifests and the umbrella
    /// crate that re-exports them are not generated yet.
    ByArea { prefix: &'a str },
}

/// The crate an item is generated into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    /// The crate's package name (`wix-rest`, `wix-rest-stores`).
    pub krate: String,
    /// Its folder, relative to the workspace root.
    pub dir: String,
}

impl Layout<'_> {
    /// The crate that holds the registry (scopes, permissions) and the shared types, and that
    /// the scope attributes name (`::wix_rest::permissions::...`).
    pub fn base(&self) -> Home {
        match *self {
            Layout::OneCrate { name } => Home {
                krate: name.to_owned(),
                dir: GENERATED_DIR.to_owned(),
            },
            Layout::ByArea { prefix } => home(&format!("{prefix}-base")),
        }
    }

    /// The crate a module is generated into. The shared module lives in the base crate.
    pub fn home_of(&self, module: &Module) -> Home {
        match *self {
            Layout::OneCrate { .. } => self.base(),
            Layout::ByArea { .. } if module.name == SHARED_MODULE => self.base(),
            Layout::ByArea { prefix } => home(&format!("{prefix}-{}", area(&module.name))),
        }
    }

    /// The module's source file, relative to the workspace root.
    pub fn module_file(&self, module: &Module) -> String {
        format!("{}/src/{}.rs", self.home_of(module).dir, module.rust_name)
    }

    /// How code in `module` names the base crate: `crate` in its own crate, else `::base_crate`.
    fn base_from(&self, module: &Module) -> TokenStream {
        let base = self.base();
        if self.home_of(module) == base {
            quote!(crate)
        } else {
            let krate = format_ident!("{}", base.krate.replace('-', "_"));
            quote!(::#krate)
        }
    }

    /// The paths a module's code names items of the base crate by.
    pub fn names_from(&self, module: &Module) -> Names {
        Names {
            permissions: self.permissions(module),
            scopes: self.scopes(module),
            shared: self.shared(module),
        }
    }

    /// The permission traits' module, named from `module`.
    pub fn permissions(&self, module: &Module) -> TokenStream {
        let base = self.base_from(module);
        quote!(#base::permissions)
    }

    /// The scope constants' module, named from `module`.
    pub fn scopes(&self, module: &Module) -> TokenStream {
        let base = self.base_from(module);
        quote!(#base::scopes)
    }

    /// The shared types' module, named from `module`.
    pub fn shared(&self, module: &Module) -> TokenStream {
        let base = self.base_from(module);
        let shared = format_ident!("{SHARED_MODULE}");
        quote!(#base::#shared)
    }
}

/// How one module's code names the base crate's items (see [`Layout::names_from`]).
pub struct Names {
    /// `crate::permissions`
    pub permissions: TokenStream,
    /// `crate::scopes`
    pub scopes: TokenStream,
    /// `crate::common`
    pub shared: TokenStream,
}

fn home(krate: &str) -> Home {
    Home {
        krate: krate.to_owned(),
        dir: format!("{GENERATED_DIR}/{krate}"),
    }
}

/// The Wix area of a module: the first word of its name (`stores-catalog-v1` -> `stores`,
/// `ecom-cart` -> `ecom`), as Wix's package names lead with the area
/// (`@wix/auto_sdk_stores_products`).
pub fn area(module: &str) -> &str {
    module.split('-').next().unwrap_or(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(name: &str) -> Module {
        Module {
            name: name.to_owned(),
            rust_name: name.replace('-', "_"),
            ..Module::default()
        }
    }

    #[test]
    fn one_crate_names_everything_from_itself() {
        let layout = Layout::OneCrate { name: "wix-rest" };
        let m = module("stores-catalog-v1");
        assert_eq!(layout.base().krate, "wix-rest");
        assert_eq!(layout.module_file(&m), "generated/src/stores_catalog_v1.rs");
        assert_eq!(layout.permissions(&m).to_string(), "crate :: permissions");
        assert_eq!(layout.shared(&m).to_string(), "crate :: common");
    }

    #[test]
    fn by_area_puts_modules_in_their_area_and_names_the_base_crate() {
        let layout = Layout::ByArea { prefix: "wix-rest" };
        let m = module("stores-catalog-v1");
        assert_eq!(layout.home_of(&m).krate, "wix-rest-stores");
        assert_eq!(
            layout.module_file(&m),
            "generated/wix-rest-stores/src/stores_catalog_v1.rs"
        );
        assert_eq!(
            layout.permissions(&m).to_string(),
            ":: wix_rest_base :: permissions"
        );
        assert_eq!(layout.scopes(&m).to_string(), ":: wix_rest_base :: scopes");
        let common = module(SHARED_MODULE);
        assert_eq!(layout.home_of(&common).krate, "wix-rest-base");
        assert_eq!(layout.shared(&common).to_string(), "crate :: common");
    }
}
