//! Integers and floats: TypeScript says `number` for both; `meta.js` names every float a method
//! sends or receives (the paths of its `transformSDKFloatToRESTFloat` /
//! `transformRESTFloatToSDKFloat` transforms). A `number` field of a type some method sends or
//! receives that no transform names is an integer; one only a webhook carries stays a `number`,
//! since Wix's metadata does not say.

use super::*;
use crate::import::js::Floats;

impl Cx<'_> {
    /// Records the floats of a method whose request and response are the interfaces `request`
    /// and `response`, and every type the two reach.
    pub(super) fn note_numbers(&mut self, request: &str, response: &str, floats: &Floats) {
        for (root, paths) in [(request, &floats.request), (response, &floats.response)] {
            self.reach(root);
            for path in paths {
                if let Some(at) = self.field_at(root, path) {
                    self.floats.insert(at);
                }
            }
        }
    }

    /// Whether the `number` at `at` (`Type.field`, as [`Cx::schema`] names it) is a float,
    /// an integer, or unknown (`None`: no method reaches its type).
    pub(super) fn number_kind(&self, at: &str) -> Option<SchemaType> {
        if self.floats.contains(at) {
            return Some(SchemaType::Number);
        }
        let (base, _) = at.rsplit_once('.')?;
        self.reached.contains(base).then_some(SchemaType::Integer)
    }

    /// The schema of a `number` at `at`.
    pub(super) fn number_schema(&self, at: &str) -> Schema {
        match self.number_kind(at) {
            Some(kind) => Schema::of(kind),
            None => Schema {
                description: Some(
                    "A number: only webhooks carry it, and Wix's metadata does not say whether it is an integer."
                        .to_owned(),
                ),
                ..Schema::of(SchemaType::Number)
            },
        }
    }

    /// The `at` name of the field a transform path (`a.b`, `*` for a map's values) reaches
    /// from the interface `root`.
    pub(super) fn field_at(&self, root: &str, path: &str) -> Option<String> {
        let mut base = root.to_owned();
        let mut props = self.props_of_named(root)?;
        let mut segments = path.split('.').filter(|s| *s != "*").peekable();
        while let Some(seg) = segments.next() {
            let p = props.iter().find(|p| p.name == seg)?.clone();
            if segments.peek().is_none() {
                return Some(format!("{base}.{seg}"));
            }
            match self.container_of(&p.ty)? {
                Container::Named(n) => {
                    props = self.props_of_named(&n)?;
                    base = n;
                }
                Container::Inline(inline) => {
                    props = inline;
                    base = format!("{base}.{seg}");
                }
            }
        }
        None
    }

    /// Marks `root` and every type its fields reach (through lists, maps and inline objects).
    fn reach(&mut self, root: &str) {
        let mut stack = vec![(root.to_owned(), self.props_of_named(root))];
        while let Some((base, props)) = stack.pop() {
            if !self.reached.insert(base.clone()) {
                continue;
            }
            for p in props.unwrap_or_default() {
                match self.container_of(&p.ty) {
                    Some(Container::Named(n)) => {
                        let props = self.props_of_named(&n);
                        stack.push((n, props));
                    }
                    Some(Container::Inline(inline)) => {
                        stack.push((format!("{base}.{}", p.name), Some(inline)));
                    }
                    None => {}
                }
            }
        }
    }

    /// The properties of a named object type: an interface, or an alias of an object literal.
    fn props_of_named(&self, name: &str) -> Option<Vec<Prop>> {
        if self.pkg.meta_dts.interfaces.contains_key(name) {
            return Some(self.interface_props(name));
        }
        match self
            .pkg
            .meta_dts
            .aliases
            .get(name)
            .map(|a| strip_null(&a.ty).0)
        {
            Some(Ty::Object(props)) => Some(props),
            _ => None,
        }
    }

    /// The object type a field's values are (through `null`, lists and maps).
    fn container_of(&self, ty: &Ty) -> Option<Container> {
        match strip_null(ty).0 {
            Ty::Array(item) => self.container_of(&item),
            Ty::Ref(n, args) if n == "Record" && args.len() == 2 => self.container_of(&args[1]),
            Ty::Ref(n, args) if args.is_empty() => {
                self.props_of_named(&n).map(|_| Container::Named(n))
            }
            Ty::Object(props) => Some(Container::Inline(props)),
            _ => None,
        }
    }
}

/// Where a field's object values are declared.
enum Container {
    Named(String),
    Inline(Vec<Prop>),
}
