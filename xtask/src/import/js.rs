//! `meta.js`, read with `oxc_parser`: per method, the HTTP method, the method's fully qualified
//! name, its path template (`protoPath`) and URL resolver, and whether its request goes as query
//! parameters or as a JSON body; per resolver, the `www.wixapis.com` path mappings.

use std::collections::BTreeMap;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    ArrayExpressionElement, Expression, Function, ObjectExpression, ObjectPropertyKind,
    PropertyKey, VariableDeclarator,
};
use oxc_ast_visit::Visit;
use oxc_parser::Parser;
use oxc_span::SourceType;
use oxc_syntax::scope::ScopeFlags;

/// The public REST host whose mappings give the paths the REST API documents.
pub const REST_HOST: &str = "www.wixapis.com";

/// One method's request metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsMethod {
    /// `GET`
    pub http: String,
    /// `wix.stores.catalog.v3.CatalogApi.GetProduct`
    pub fqn: String,
    /// `/v3/products/{productId}`: the path on the service, before host mapping.
    pub proto_path: String,
    /// The URL resolver function it calls.
    pub resolver: String,
    /// The request's fields go in the query string (`params: toURLSearchParams(payload)`).
    pub query: bool,
    /// The request goes as a JSON body (`data: ...`).
    pub body: bool,
    /// The method has a `fallback` of `POST` with a JSON body to the same path: what Wix's SDK
    /// sends when the request does not fit the query string.
    pub post_fallback: bool,
    /// The floats of its request and response: the paths Wix's SDK converts with
    /// `transformSDKFloatToRESTFloat` / `transformRESTFloatToSDKFloat` (`a.b` through objects
    /// and lists, `*` for each value of a map). A `number` these do not name is an integer.
    pub floats: Floats,
}

/// The float paths of one method (see [`JsMethod::floats`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Floats {
    /// In the request body.
    pub request: Vec<String>,
    /// In the response body.
    pub response: Vec<String>,
}

/// What `meta.js` says.
#[derive(Clone, Debug, Default)]
pub struct JsMeta {
    /// By the name of the function that builds the request (`getProduct`).
    pub methods: BTreeMap<String, JsMethod>,
    /// Exported name -> local function (`__export(meta_exports, { getProduct: () => getProduct2 })`).
    pub exports: BTreeMap<String, String>,
    /// Wrapper function -> the request builder it calls (`getRequestOptions = getProduct(payload)`).
    pub wrappers: BTreeMap<String, String>,
    /// Resolver name -> the `(srcPath, destPath)` mappings of [`REST_HOST`].
    pub mappings: BTreeMap<String, Vec<(String, String)>>,
    /// Request builder -> the float paths its `transformPaths` calls name.
    floats: BTreeMap<String, Floats>,
    /// What could not be read, by function: reported by the caller.
    pub problems: Vec<String>,
}

impl JsMeta {
    /// The request metadata of the method `meta.d.ts` declares as `name`: through the export
    /// and its wrapper to the request builder (or the builder of that name, in older layouts).
    pub fn method(&self, name: &str) -> Option<&JsMethod> {
        let local = self.exports.get(name).map(String::as_str).unwrap_or(name);
        self.wrappers
            .get(local)
            .and_then(|b| self.methods.get(b))
            .or_else(|| self.methods.get(local))
            .or_else(|| self.methods.get(name))
    }

    /// The REST path of `m` as Wix's SDK runtime resolves it (`resolvePathFromMappings`): the
    /// first mapping, in order, whose `destPath` is a plain string prefix of the `protoPath`
    /// has that prefix replaced by its `srcPath`. `Err` with the `protoPath` when none matches
    /// (the SDK then sends the `protoPath` unchanged).
    pub fn rest_path(&self, m: &JsMethod) -> Result<String, String> {
        self.mappings
            .get(&m.resolver)
            .into_iter()
            .flatten()
            .find(|(_, dest)| m.proto_path.starts_with(dest.as_str()))
            .map(|(src, dest)| format!("{src}{}", &m.proto_path[dest.len()..]))
            .ok_or_else(|| m.proto_path.clone())
    }
}

/// Parses `meta.js`.
pub fn parse(text: &str) -> Result<JsMeta, String> {
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, SourceType::cjs()).parse();
    if let Some(why) = super::ts::syntax_errors(text, &ret) {
        return Err(format!("not JavaScript: {why}"));
    }
    let mut v = MetaVisitor {
        stack: Vec::new(),
        meta: JsMeta::default(),
    };
    v.visit_program(&ret.program);
    let mut meta = v.meta;
    let floats = std::mem::take(&mut meta.floats);
    for (builder, f) in floats {
        if let Some(m) = meta.methods.get_mut(&builder) {
            m.floats = f;
        }
    }
    Ok(meta)
}

struct MetaVisitor {
    /// Names of the enclosing named functions, outermost first.
    stack: Vec<String>,
    meta: JsMeta,
}

fn key_name(k: &PropertyKey) -> Option<String> {
    match k {
        PropertyKey::StaticIdentifier(id) => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        _ => None,
    }
}

fn props<'o, 'a>(
    o: &'o ObjectExpression<'a>,
) -> impl Iterator<Item = (String, &'o Expression<'a>)> {
    o.properties.iter().filter_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) => key_name(&p.key).map(|k| (k, &p.value)),
        ObjectPropertyKind::SpreadProperty(_) => None,
    })
}

/// The name a call's callee ends with: `f`, `x.f`, `(0, x.f)` (how bundlers call an import).
fn callee_name(e: &Expression) -> Option<String> {
    match e {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.to_string()),
        Expression::ParenthesizedExpression(p) => callee_name(&p.expression),
        Expression::SequenceExpression(s) => s.expressions.last().and_then(callee_name),
        _ => None,
    }
}

fn string(e: &Expression) -> Option<String> {
    match e {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
        _ => None,
    }
}

impl MetaVisitor {
    fn method(&mut self, o: &ObjectExpression) {
        let Some(outer) = self.stack.first().cloned() else {
            return;
        };
        let mut http = None;
        let mut fqn = None;
        let mut url = None;
        let mut query = false;
        let mut body = false;
        let mut post_fallback = false;
        for (k, v) in props(o) {
            match k.as_str() {
                "fallback" => {
                    if let Expression::ArrayExpression(a) = v {
                        post_fallback = a.elements.iter().any(|el| match el {
                            ArrayExpressionElement::ObjectExpression(f) => {
                                props(f).any(|(k, v)| {
                                    k == "method" && string(v).as_deref() == Some("POST")
                                }) && props(f).any(|(k, _)| k == "data")
                            }
                            _ => false,
                        });
                    }
                }
                "method" => http = string(v),
                "methodFqn" => fqn = string(v),
                "params" => query = true,
                "data" => body = true,
                "url" => {
                    if let Expression::CallExpression(c) = v {
                        let resolver = match &c.callee {
                            Expression::Identifier(id) => Some(id.name.to_string()),
                            _ => None,
                        };
                        let proto = c.arguments.first().and_then(|a| match a.as_expression() {
                            Some(Expression::ObjectExpression(args)) => props(args)
                                .find(|(k, _)| k == "protoPath")
                                .and_then(|(_, v)| string(v)),
                            _ => None,
                        });
                        url = resolver.zip(proto);
                    }
                }
                _ => {}
            }
        }
        match (http, fqn, url) {
            (Some(http), Some(fqn), Some((resolver, proto_path))) => {
                self.meta.methods.insert(
                    outer,
                    JsMethod {
                        http,
                        fqn,
                        proto_path,
                        resolver,
                        query,
                        body,
                        post_fallback,
                        floats: Floats::default(),
                    },
                );
            }
            _ => self.meta.problems.push(format!(
                "function `{outer}`: its request metadata has no `method`, `methodFqn` or `url: resolver({{ protoPath }})`"
            )),
        }
    }

    /// `transformPaths(value, [{ transformFn: x.transformSDKFloatToRESTFloat, paths: [{ path }] }])`
    /// in a request builder: its float paths.
    fn transforms(&mut self, list: &oxc_ast::ast::ArrayExpression) {
        let Some(outer) = self.stack.first().cloned() else {
            return;
        };
        for el in &list.elements {
            let ArrayExpressionElement::ObjectExpression(t) = el else {
                continue;
            };
            let function = props(t)
                .find(|(k, _)| k == "transformFn")
                .and_then(|(_, v)| match v {
                    Expression::StaticMemberExpression(m) => Some(m.property.name.to_string()),
                    Expression::Identifier(id) => Some(id.name.to_string()),
                    _ => None,
                });
            let floats = self.meta.floats.entry(outer.clone()).or_default();
            let into = match function.as_deref() {
                Some("transformSDKFloatToRESTFloat") => &mut floats.request,
                Some("transformRESTFloatToSDKFloat") => &mut floats.response,
                _ => continue,
            };
            let Some((_, Expression::ArrayExpression(paths))) =
                props(t).find(|(k, _)| k == "paths")
            else {
                continue;
            };
            for p in &paths.elements {
                if let ArrayExpressionElement::ObjectExpression(p) = p {
                    if let Some(path) = props(p)
                        .find(|(k, _)| k == "path")
                        .and_then(|(_, v)| string(v))
                    {
                        into.push(path);
                    }
                }
            }
        }
    }

    fn mappings(&mut self, o: &ObjectExpression) {
        let Some(resolver) = self.stack.first().cloned() else {
            return;
        };
        let mut list = Vec::new();
        for (host, v) in props(o) {
            if host != REST_HOST {
                continue;
            }
            let Expression::ArrayExpression(a) = v else {
                continue;
            };
            for el in &a.elements {
                if let ArrayExpressionElement::ObjectExpression(m) = el {
                    let src = props(m)
                        .find(|(k, _)| k == "srcPath")
                        .and_then(|(_, v)| string(v));
                    let dest = props(m)
                        .find(|(k, _)| k == "destPath")
                        .and_then(|(_, v)| string(v));
                    if let (Some(s), Some(d)) = (src, dest) {
                        list.push((s, d));
                    }
                }
            }
        }
        self.meta.mappings.insert(resolver, list);
    }
}

impl<'a> Visit<'a> for MetaVisitor {
    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        let named = it.id.as_ref().map(|id| id.name.to_string());
        if let Some(n) = &named {
            self.stack.push(n.clone());
        }
        oxc_ast_visit::walk::walk_function(self, it, flags);
        if named.is_some() {
            self.stack.pop();
        }
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let (Some(name), Some(Expression::ObjectExpression(o))) =
            (it.id.get_identifier_name(), &it.init)
        {
            if name == "domainToMappings" {
                self.mappings(o);
            }
        }
        if let (Some(name), Some(Expression::CallExpression(c))) =
            (it.id.get_identifier_name(), &it.init)
        {
            if name == "getRequestOptions" {
                if let (Some(outer), Expression::Identifier(callee)) =
                    (self.stack.first(), &c.callee)
                {
                    self.meta
                        .wrappers
                        .insert(outer.clone(), callee.name.to_string());
                }
            }
        }
        oxc_ast_visit::walk::walk_variable_declarator(self, it);
    }

    fn visit_call_expression(&mut self, it: &oxc_ast::ast::CallExpression<'a>) {
        if callee_name(&it.callee).as_deref() == Some("transformPaths") {
            if let Some(Expression::ArrayExpression(list)) =
                it.arguments.get(1).and_then(|a| a.as_expression())
            {
                self.transforms(list);
            }
        }
        if let Expression::Identifier(callee) = &it.callee {
            if callee.name == "__export" {
                if let Some(Expression::ObjectExpression(o)) =
                    it.arguments.get(1).and_then(|a| a.as_expression())
                {
                    for (k, v) in props(o) {
                        if let Expression::ArrowFunctionExpression(f) = v {
                            if let Some(Expression::Identifier(id)) = f.get_expression() {
                                self.meta.exports.insert(k, id.name.to_string());
                            }
                        }
                    }
                }
            }
        }
        oxc_ast_visit::walk::walk_call_expression(self, it);
    }

    fn visit_object_expression(&mut self, it: &ObjectExpression<'a>) {
        if props(it).any(|(k, _)| k == "methodFqn") {
            self.method(it);
        }
        oxc_ast_visit::walk::walk_object_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = r#"
function resolveCatalogApiUrl(opts) {
  const domainToMappings = {
    "manage._base_domain_": [{ srcPath: "/stores", destPath: "" }],
    "www.wixapis.com": [
      { srcPath: "/stores/v3/products", destPath: "/v3/products" },
      { srcPath: "/stores/v3/products-with-inventory", destPath: "/v3/products-with-inventory" }
    ]
  };
  return resolveUrl(Object.assign(opts, { domainToMappings }));
}
function getProduct(payload) {
  function __getProduct({ host }) {
    const metadata = {
      method: "GET",
      methodFqn: "wix.stores.catalog.v3.CatalogApi.GetProduct",
      url: resolveCatalogApiUrl({ protoPath: "/v3/products/{productId}", data: payload, host }),
      params: toURLSearchParams(payload)
    };
    return metadata;
  }
  return __getProduct;
}
function createProductWithInventory(payload) {
  function __x({ host }) {
    const serializedData = (0, import_transform_paths.transformPaths)(payload, [
      { transformFn: import_timestamp.transformSDKTimestampToRESTTimestamp, paths: [{ path: "product.createdDate" }] },
      { transformFn: import_float.transformSDKFloatToRESTFloat, paths: [{ path: "product.weight" }] }
    ]);
    const metadata = {
      transformResponse: (payload2) => (0, import_transform_paths.transformPaths)(payload2, [
        { transformFn: import_float2.transformRESTFloatToSDKFloat, paths: [{ path: "product.weight" }, { path: "product.variantsById.*.price" }] }
      ]),
      method: "POST",
      methodFqn: "wix.stores.catalog.v3.CatalogApi.CreateProductWithInventory",
      url: resolveCatalogApiUrl({ protoPath: "/v3/products-with-inventory", data: payload, host }),
      data: payload
    };
    return metadata;
  }
  return __x;
}
"#;

    #[test]
    fn reads_methods_and_maps_their_paths() {
        let m = parse(META).unwrap();
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let get = &m.methods["getProduct"];
        assert_eq!(get.http, "GET");
        assert!(get.query && !get.body);
        assert_eq!(
            m.rest_path(get).as_deref(),
            Ok("/stores/v3/products/{productId}")
        );
        let create = &m.methods["createProductWithInventory"];
        assert!(create.body);
        // The first plain prefix wins, as in the SDK runtime (here with the same result).
        assert_eq!(
            m.rest_path(create).as_deref(),
            Ok("/stores/v3/products-with-inventory")
        );
        // The float transforms' paths, the request's and the response's; other transforms
        // (timestamps) are not floats.
        assert_eq!(create.floats.request, ["product.weight"]);
        assert_eq!(
            create.floats.response,
            ["product.weight", "product.variantsById.*.price"]
        );
        assert_eq!(get.floats, Floats::default());
    }
}
