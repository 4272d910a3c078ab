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
    /// The permission's identity, the trait's constant parameter (`WixStoresReadProducts<ID>`):
    /// the 64-bit FNV-1a hash of its id, distinct for every permission of the registry. The
    /// attributes write it as a literal, so an impl reached through a renamed path implements
    /// a trait no method requires.
    pub identity: u64,
    pub description: String,
    /// Why no scope grants it (`no_scope:`): Wix's metadata names none.
    pub no_scope: Option<String>,
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
    /// The permission `id`; lowering has checked that every permission a scope grants is listed.
    pub fn permission(&self, id: &str) -> &Permission {
        self.permissions
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("the registry lists every permission a scope grants: `{id}`"))
    }

    /// The scopes that grant `permission`, in registry order.
    pub fn granting(&self, permission: &str) -> impl Iterator<Item = &Scope> {
        self.scopes
            .iter()
            .filter(move |s| s.permissions.iter().any(|p| p == permission))
    }
}

#[derive(Debug, Default)]
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
    /// Types of the shared module [`SHARED_MODULE`] this module uses, by Rust name, sorted.
    pub imports: Vec<String>,
}

/// The module whose types other modules refer to as `common.Name`: the types Wix's packages
/// share (paging, money, addresses, rich content, ...), generated once. It has no methods.
pub const SHARED_MODULE: &str = "common";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    /// The variant of the runtime's `HttpMethod`: `Get`.
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
    /// `QueryProductsParams`: the struct of the query parameters, when there are any.
    pub params_type: Option<String>,
    /// What the method requires: usually one permission.
    pub access: Access,
    pub request: Option<Ty>,
    /// How the request body is sent.
    pub request_encoding: BodyEncoding,
    pub response: Option<Ty>,
    /// A method without a request body that still sends `{}` (POST, PUT and PATCH: what Wix's
    /// examples send to methods that take no parameters).
    pub sends_empty_object: bool,
    pub retry_safe: bool,
    pub paging: Option<Paging>,
    pub query: Option<Query>,
    /// Wix's deprecation note: the client method carries `#[deprecated]`.
    pub deprecated: Option<String>,
}

/// What a method or webhook requires.
#[derive(Debug)]
pub enum Access {
    /// `permission: none`: nothing (the OAuth token endpoint, App Installed).
    Open,
    /// `permission: unpublished`: Wix's metadata names no permission. No scope set is shown to
    /// grant it, so it is callable only through the unchecked escape hatch.
    Unpublished,
    /// Every one of these permissions (usually one).
    All(Vec<Requirement>),
}

impl Access {
    /// The permissions required (none for `Open` and `Unpublished`).
    pub fn requirements(&self) -> &[Requirement] {
        match self {
            Access::All(r) => r,
            Access::Open | Access::Unpublished => &[],
        }
    }

    /// Every scope that grants one of the required permissions, each once, in order.
    pub fn scopes(&self) -> Vec<&ScopeRef> {
        let mut out: Vec<&ScopeRef> = Vec::new();
        for r in self.requirements() {
            for s in &r.scopes {
                if !out.iter().any(|o| o.id == s.id) {
                    out.push(s);
                }
            }
        }
        out
    }
}

/// A permission a method or webhook requires, the trait that stands for it, and the scopes
/// that grant it.
#[derive(Debug)]
pub struct Requirement {
    /// `WIX_STORES.READ_PRODUCTS`
    pub permission: String,
    /// `WixStoresReadProducts`
    pub trait_name: String,
    /// Every scope that grants it, in registry order.
    pub scopes: Vec<ScopeRef>,
}

/// A scope as a requirement names it.
#[derive(Debug)]
pub struct ScopeRef {
    /// `SCOPE.DC-STORES.READ-PRODUCTS`
    pub id: String,
    /// `Read Products`
    pub name: String,
    /// `DC_STORES_READ_PRODUCTS`
    pub const_name: String,
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
#[derive(Clone, Debug, PartialEq)]
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

/// How a method pages, with every field it touches resolved: the emitters look nothing up.
#[derive(Debug)]
pub struct Paging {
    pub max_page_size: u32,
    /// `query_products_stream`: the method that yields every item.
    pub stream_fn: String,
    /// Steps from the response to the items array.
    pub items: Vec<Step>,
    /// The type of one item.
    pub item_ty: Ty,
    /// The page-size field.
    pub limit: FieldRef,
    /// The offset or cursor field.
    pub position: FieldRef,
    /// Steps from the response to `hasNext` (a bool), when the response says it.
    pub has_next: Option<Vec<Step>>,
    /// Steps from the response to the total number of matching items (an integer), when the
    /// response says it.
    pub total: Option<Vec<Step>>,
    pub style: PagingStyle,
    pub location: PagingLocation,
}

/// How the next page is asked for.
#[derive(Debug)]
pub enum PagingStyle {
    /// `position` is an offset; the stream ends at a short page.
    Offset,
    /// `position` is a cursor; the stream ends when the response has no next cursor.
    Cursor {
        /// Steps from the response to the next cursor.
        next_cursor: Vec<Step>,
    },
}

/// Where the paging fields are.
#[derive(Debug)]
pub enum PagingLocation {
    /// In a paging object of the request body (`limit`/`position` are its fields).
    Body {
        /// Steps from the request body to the paging object.
        to_paging: Vec<Step>,
        /// Cursor style: what the cursor carries after the first page (the optional `filter`
        /// and `sort` beside the paging object), cleared on the later requests.
        cleared_after_first: Option<ClearedFields>,
        /// Offset style, Stores V1: the crawl by an ascending numeric field.
        crawl: Option<Box<Crawl>>,
    },
    /// In query parameters of a GET (`limit`/`position` are fields of the params struct).
    Params,
}

/// A field the paging code sets: its Rust name, type and whether it is required.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    pub rust_name: String,
    pub ty: Ty,
    pub required: bool,
}

/// Optional fields of one object to set to `None`.
#[derive(Debug)]
pub struct ClearedFields {
    /// Steps from the request body to the object.
    pub to_parent: Vec<Step>,
    /// The Rust names of its fields to clear.
    pub fields: Vec<String>,
}

/// The Stores V1 crawl: pages by an ascending numeric item field past the 10k offset window.
#[derive(Debug)]
pub struct Crawl {
    /// `query_products_crawl`
    pub crawl_fn: String,
    /// Wire name, `numericId`.
    pub wire: String,
    /// The key's field on the item.
    pub key: Step,
    /// Steps from the request body to the query object holding `filter` and `sort` (the
    /// parent of the paging object).
    pub to_query: Vec<Step>,
    /// The step from the query object to the paging object.
    pub query_to_paging: Step,
}

/// A method's typed query builder.
#[derive(Debug)]
pub struct Query {
    pub caps: QueryCaps,
    /// `QueryProductsQuery`: the builder's name.
    pub builder: String,
    /// `Some(first)` when an earlier method of the module has the same request type and
    /// capabilities: then `builder` is an alias of `first`'s builder.
    pub same_as: Option<String>,
    /// `query_products_fields`: the module of the field markers (own builders only).
    pub fields_mod: String,
}

/// What a query method can filter and sort by. Two methods with equal capabilities and request
/// types share one builder.
#[derive(Debug, PartialEq)]
pub struct QueryCaps {
    pub encoding: QueryEncoding,
    /// Steps from the request body to the filter field.
    pub filter: Vec<Step>,
    /// Steps from the request body to the sort field.
    pub sort: Vec<Step>,
    pub fields: Vec<QueryField>,
}

/// How a request body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json`: the request type as JSON.
    Json,
    /// `application/x-www-form-urlencoded`: the request object's fields as form pairs.
    Form,
    /// `application/octet-stream`: the bytes as given (`type: string, format: binary`).
    Binary,
}

impl BodyEncoding {
    /// The content type the body is sent with.
    pub fn content_type(self) -> &'static str {
        match self {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form => "application/x-www-form-urlencoded",
            BodyEncoding::Binary => "application/octet-stream",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryEncoding {
    JsonString,
    Object,
}

#[derive(Debug, PartialEq)]
pub struct QueryField {
    /// The wire name, maybe dotted: `priceData.price`.
    pub field: String,
    /// `price_data_price`: the builder's method.
    pub rust_name: String,
    /// `PriceDataPrice`: the field's marker type.
    pub marker: String,
    /// The type of the values it is compared with (an array field's element type).
    pub value_ty: Ty,
    pub operators: Vec<Operator>,
    /// `sort_by_price_data_price`, for a sortable field.
    pub sort_fn: Option<String>,
    pub description: String,
}

/// A query operator Wix documents (`$eq`, ...). Its spelling is in `keyword::OPERATORS`
/// (`Operator::wire`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    Nin,
    HasSome,
    HasAll,
    StartsWith,
    Contains,
    Exists,
    IsEmpty,
}

impl Operator {
    /// Its marker trait in `wix_rest_runtime::query::ops`: `HasSome`.
    pub fn trait_name(self) -> &'static str {
        match self {
            Operator::Eq => "Eq",
            Operator::Ne => "Ne",
            Operator::Gt => "Gt",
            Operator::Gte => "Gte",
            Operator::Lt => "Lt",
            Operator::Lte => "Lte",
            Operator::In => "In",
            Operator::Nin => "Nin",
            Operator::HasSome => "HasSome",
            Operator::HasAll => "HasAll",
            Operator::StartsWith => "StartsWith",
            Operator::Contains => "Contains",
            Operator::Exists => "Exists",
            Operator::IsEmpty => "IsEmpty",
        }
    }
}

#[derive(Debug)]
pub struct Webhook {
    pub wix_name: String,
    /// `ProductCreated`: the variant of the module's event enum.
    pub variant: String,
    /// `on_product_created`: the method of the module's `Webhooks` router that handles it.
    pub handler_fn: String,
    pub docs: String,
    pub event_type: String,
    /// What an app needs to receive it (`Access::Open` for events every app receives).
    pub access: Access,
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
    /// An instant (`format: date-time`), an RFC 3339 string on the wire.
    Timestamp,
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

impl Ty {
    /// The named type a value of this type holds, through arrays and maps.
    pub fn held_name(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            Ty::Array(t) | Ty::Map(t) => t.held_name(),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct TypeDef {
    pub name: String,
    pub docs: String,
    pub kind: TypeKind,
    /// Whether it derives `Default`: a struct whose required fields all have defaults (decided
    /// by `lower/decide.rs` once every module is lowered).
    pub derives_default: bool,
    /// Of a type of the shared module: the features of the modules that use it, directly or
    /// through other shared types, sorted (it is compiled only with them). Empty elsewhere.
    pub users: Vec<String>,
}

impl TypeDef {
    /// The named types its fields or variants hold, through arrays and maps.
    pub fn referenced_names(&self) -> impl Iterator<Item = &str> {
        let tys: Vec<&Ty> = match &self.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::OneOf { variants, .. } => {
                variants.iter().filter_map(|v| v.ty.as_ref()).collect()
            }
            TypeKind::Enum { .. } => Vec::new(),
        };
        tys.into_iter().filter_map(Ty::held_name)
    }
}

/// The name of the field that keeps the unknown fields of an open object.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

#[derive(Debug)]
pub enum TypeKind {
    /// An object: its fields; every struct also keeps the fields the spec does not list (in
    /// [`UNKNOWN_FIELDS`]) and sends them back as they came, so a read-modify-write of any Wix
    /// object loses nothing.
    Struct {
        fields: Vec<Field>,
    },
    Enum {
        values: Vec<EnumValue>,
    },
    /// `oneOf`: a value of exactly one of the variants. `tag: None`: untagged (the variants are
    /// tried in order); `Some(property)`: tagged by that property's value (`discriminator`).
    OneOf {
        tag: Option<String>,
        variants: Vec<Variant>,
    },
}

/// One variant of a `oneOf` type.
#[derive(Debug)]
pub struct Variant {
    /// `Instance`: the Rust variant.
    pub name: String,
    /// Tagged: the tag's value that selects it.
    pub tag_value: Option<String>,
    /// The payload (boxed in Rust, so recursive types need no cycle analysis); `None` for a
    /// tagged variant with no field but the tag.
    pub ty: Option<Ty>,
    pub docs: String,
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
