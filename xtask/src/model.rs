//! The lowered, validated model the emitters work from. No YAML is left in it: names are Rust
//! names, references are resolved, and every invariant the emitters rely on has been checked.

/// The whole spec set.
#[derive(Debug)]
pub struct Spec {
    pub registry: Registry,
    /// Sorted by module name.
    pub modules: Vec<Module>,
}

/// `scopes.yaml`, with `includes` resolved.
#[derive(Debug)]
pub struct Registry {
    /// In file order.
    pub permissions: Vec<Permission>,
    /// In file order.
    pub scopes: Vec<Scope>,
}

#[derive(Debug)]
pub struct Permission {
    pub id: String,
    /// `WIX_STORES_READ_PRODUCTS`
    pub const_name: String,
    /// `WixStoresReadProducts`: the trait a scope set implements when it grants this permission.
    pub trait_name: String,
    pub description: String,
}

#[derive(Debug)]
pub struct Scope {
    pub id: String,
    /// `DC_STORES_READ_PRODUCTS`
    pub const_name: String,
    pub name: String,
    pub description: String,
    /// Every permission the scope grants, its own and its includes', in registry order.
    pub permissions: Vec<String>,
}

impl Registry {
    /// The trait of a permission (the permission is known to exist).
    pub fn trait_of(&self, permission: &str) -> &str {
        self.permissions
            .iter()
            .find(|p| p.id == permission)
            .map_or("", |p| p.trait_name.as_str())
    }

    /// The scopes that grant `permission` (none for no permission), in registry order.
    pub fn granting_opt<'a>(
        &'a self,
        permission: Option<&str>,
    ) -> impl Iterator<Item = &'a Scope> + 'a {
        let permission = permission.map(str::to_owned);
        self.scopes.iter().filter(move |s| {
            permission
                .as_ref()
                .is_some_and(|p| s.permissions.contains(p))
        })
    }

    /// The scopes that grant `permission`, in registry order.
    pub fn granting(&self, permission: &str) -> impl Iterator<Item = &Scope> {
        self.scopes
            .iter()
            .filter(move |s| s.permissions.iter().any(|p| p == permission))
    }
}

#[derive(Debug)]
pub struct Module {
    /// `stores-catalog-v1`
    pub name: String,
    /// `stores_catalog_v1`
    pub rust_name: String,
    /// `StoresCatalogV1`
    pub type_name: String,
    pub title: String,
    pub version: String,
    pub host: String,
    pub docs: String,
    /// `specs/stores-catalog-v1.yaml`
    pub source: String,
    pub methods: Vec<Method>,
    pub webhooks: Vec<Webhook>,
    /// Named and inline types, sorted by name.
    pub types: Vec<TypeDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    pub fn variant(self) -> &'static str {
        match self {
            HttpMethod::Get => "Get",
            HttpMethod::Post => "Post",
            HttpMethod::Put => "Put",
            HttpMethod::Patch => "Patch",
            HttpMethod::Delete => "Delete",
        }
    }
}

#[derive(Debug)]
pub struct Method {
    /// `Query Products`
    pub wix_name: String,
    /// `query_products`
    pub rust_name: String,
    /// `QUERY_PRODUCTS`
    pub const_name: String,
    pub docs: String,
    pub http: HttpMethod,
    /// The documented template, `/stores/v1/products/{id}`.
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub query_params: Vec<QueryParam>,
    /// `None` for the few methods that need no permission (the OAuth token endpoint).
    pub permission: Option<String>,
    pub request: Option<Ty>,
    pub response: Option<Ty>,
    pub retry_safe: bool,
    pub paging: Option<Paging>,
    pub query: Option<QueryCaps>,
}

#[derive(Debug)]
pub enum PathPart {
    Literal(String),
    /// A `{name}` bound to a method argument.
    Arg {
        rust_name: String,
        description: String,
    },
    /// A dotted `{a.b}` bound to a body field: the access steps from the body down.
    Body {
        dotted: String,
        steps: Vec<Step>,
    },
}

/// One field access on the way to a value inside a typed body.
#[derive(Clone, Debug)]
pub struct Step {
    pub rust_field: String,
    /// Whether the field is an `Option` (or, at the end, a non-string needing conversion).
    pub optional: bool,
    pub ty: Ty,
}

#[derive(Debug)]
pub struct QueryParam {
    pub wire: String,
    pub rust_name: String,
    pub ty: Ty,
    pub required: bool,
    pub description: String,
}

#[derive(Debug)]
pub struct Paging {
    pub style: PagingStyle,
    pub max_page_size: u32,
    /// Steps from the request body to the paging object.
    pub request: Vec<Step>,
    /// The paging object's type name.
    pub request_type: String,
    /// For a GET: the query parameters that page (then `request` is empty).
    pub in_params: Option<ParamsPaging>,
    /// Steps from the response to the items array, and the item type.
    pub items: Vec<Step>,
    pub item_ty: Ty,
    /// Cursor style: steps from the response to the next cursor.
    pub next_cursor: Vec<Step>,
    /// Offset style, Stores V1: the numeric field to crawl by, as a field of the item.
    pub crawl: Option<Crawl>,
}

/// Paging through query parameters: `paging.limit` and `paging.cursor` (or `.offset`).
#[derive(Debug)]
pub struct ParamsPaging {
    /// The Rust field of the limit in the method's params struct.
    pub limit: String,
    pub limit_ty: Ty,
    /// The Rust field of the cursor (or offset).
    pub other: String,
    pub other_ty: Ty,
}

#[derive(Debug)]
pub struct Crawl {
    /// Wire name, `numericId`.
    pub wire: String,
    /// Steps from the item to the key.
    pub key: Step,
    /// Steps from the request body to the query object holding `filter` and `sort`.
    pub query: Vec<Step>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagingStyle {
    Offset,
    Cursor,
}

#[derive(Debug)]
pub struct QueryCaps {
    pub encoding: QueryEncoding,
    /// Steps from the request body to the filter field.
    pub filter: Vec<Step>,
    /// Steps from the request body to the sort field.
    pub sort: Vec<Step>,
    pub fields: Vec<QueryField>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryEncoding {
    JsonString,
    Object,
}

#[derive(Debug)]
pub struct QueryField {
    /// The wire name, maybe dotted: `priceData.price`.
    pub field: String,
    /// `price_data_price`: the builder's method.
    pub rust_name: String,
    /// `PriceDataPrice`: the field's marker type.
    pub marker: String,
    /// The type of the values it is compared with (an array field's element type).
    pub value_ty: Ty,
    pub operators: Vec<String>,
    pub sortable: bool,
    pub description: String,
}

#[derive(Debug)]
pub struct Webhook {
    pub wix_name: String,
    /// `ProductCreated`: the variant of the module's event enum.
    pub variant: String,
    pub docs: String,
    pub event_type: String,
    /// `None` for events every app receives (App Installed).
    pub permission: Option<String>,
    pub envelope: Envelope,
    pub payload: Ty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    Legacy,
    Domain,
}

/// A Rust type a schema lowers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    /// A string that must not show in `Debug` output (`format: password`).
    Secret,
    I32,
    I64,
    F32,
    F64,
    Bool,
    /// Any JSON value.
    Json,
    Array(Box<Ty>),
    /// A map with string keys.
    Map(Box<Ty>),
    /// A struct or enum of the module, by Rust name.
    Named(String),
}

#[derive(Debug)]
pub struct TypeDef {
    pub name: String,
    pub docs: String,
    pub kind: TypeKind,
}

/// The name of the field that keeps the unknown fields of an open object.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

#[derive(Debug)]
pub enum TypeKind {
    /// `open`: the object has `additionalProperties: true` beside its properties, so fields the
    /// spec does not list are kept (in [`UNKNOWN_FIELDS`]) and sent back as they came.
    Struct {
        fields: Vec<Field>,
        open: bool,
    },
    Enum {
        values: Vec<EnumValue>,
    },
}

#[derive(Debug)]
pub struct EnumValue {
    pub wire: String,
    pub variant: String,
}

#[derive(Debug)]
pub struct Field {
    pub wire: String,
    pub rust_name: String,
    pub ty: Ty,
    pub required: bool,
    /// Whether a `Box` is needed to break a type cycle.
    pub boxed: bool,
    pub docs: String,
    pub deprecated: bool,
}
