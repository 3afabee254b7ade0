//! The schema: every `schema` block of the policy set, merged and resolved.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use writ_language::ast::{self, Ident, ItemKind, SchemaDecl, Span, TypeExpr, TypeExprKind};

use crate::db::SourceFile;
use crate::diagnostic::{Anchor, Diagnostic, Loc};
use crate::items::{ItemKey, ItemNode, ItemTag};
use crate::suggest::closest;
use crate::types::{Field, Name, PRIMITIVE_NAMES, RecordTy, Ty, primitive};
use crate::workspace::active_items;

/// Where something was declared: the item, and the span of its name within the item.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Origin {
    pub file: SourceFile,
    pub item: ItemKey,
    pub span: Span,
}

impl Origin {
    pub fn loc(&self) -> Loc {
        Loc {
            file: self.file,
            anchor: Anchor::Item(self.item.clone()),
            span: self.span,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AttrInfo {
    pub docs: String,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EntityInfo {
    pub name: Name,
    pub parents: Vec<Name>,
    pub attrs: RecordTy,
    pub attr_info: BTreeMap<Name, AttrInfo>,
    pub docs: String,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EnumInfo {
    pub name: Name,
    pub members: Vec<Name>,
    pub member_info: BTreeMap<Name, AttrInfo>,
    pub docs: String,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AliasInfo {
    pub name: Name,
    pub ty: Ty,
    pub docs: String,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ActionInfo {
    pub name: Name,
    /// Entity types that may propose it; empty means any.
    pub actors: Vec<Name>,
    /// Entity types it acts on; empty means any.
    pub resources: Vec<Name>,
    pub args: RecordTy,
    pub arg_info: BTreeMap<Name, AttrInfo>,
    pub has_effect: bool,
    /// Whether some of the actor (`.0`) or resource (`.1`) types named were not entity types
    /// (already reported): code is then also checked with that role of an unknown type, so
    /// the mistake is not reported again at every use.
    pub unresolved: (bool, bool),
    pub docs: String,
    pub origin: Origin,
}

/// `authority User` (every `User`) or `authority Org::"acme"` (that one entity).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AuthorityInfo {
    pub ty: Name,
    pub id: Option<Name>,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct StateInfo {
    pub ty: RecordTy,
    pub field_info: BTreeMap<Name, AttrInfo>,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Schema {
    pub entities: BTreeMap<Name, EntityInfo>,
    pub enums: BTreeMap<Name, EnumInfo>,
    pub aliases: BTreeMap<Name, AliasInfo>,
    pub actions: BTreeMap<Name, ActionInfo>,
    pub state: Option<StateInfo>,
    /// For each entity type, every type it may be a descendant of (itself excluded).
    pub ancestors: BTreeMap<Name, BTreeSet<Name>>,
    /// Where delegation chains may start.
    pub authorities: Vec<AuthorityInfo>,
    /// Names of types and actions whose declarations have syntax errors. Uses of them are
    /// not reported again: the syntax error says what is wrong.
    pub broken: BTreeSet<Name>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Schema {
    pub fn entity(&self, name: &str) -> Option<&EntityInfo> {
        self.entities.get(name)
    }

    /// Whether an entity of type `child` can be `in` an entity of type `ancestor`.
    pub fn may_be_in(&self, child: &str, ancestor: &str) -> bool {
        child == ancestor
            || self
                .ancestors
                .get(child)
                .is_some_and(|set| set.contains(ancestor))
    }

    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.entities
            .keys()
            .chain(self.enums.keys())
            .chain(self.aliases.keys())
            .map(|n| n.as_ref())
            .chain(PRIMITIVE_NAMES.iter().copied())
    }

    pub fn state_ty(&self) -> Option<Ty> {
        self.state
            .as_ref()
            .map(|s| Ty::Record(Arc::new(s.ty.clone())))
    }

    /// Resolves a type written outside the schema (a helper's parameters), reporting into
    /// `diagnostics`.
    pub fn resolve_type(
        &self,
        ty: &TypeExpr,
        at: &dyn Fn(Span) -> Loc,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Ty {
        let mut resolver = Resolver {
            schema_names: Names::from_schema(self),
            aliases: &BTreeMap::new(),
            resolved_aliases: self
                .aliases
                .iter()
                .map(|(n, a)| (n.clone(), a.ty.clone()))
                .collect(),
            in_progress: BTreeSet::new(),
            diagnostics,
        };
        resolver.resolve(ty, at)
    }
}

/// Collects the schema from every active item. Runs again only when a schema item changes
/// (or items are added or removed), and its result is compared before anything downstream runs.
#[salsa::tracked(returns(ref))]
pub fn schema(db: &dyn salsa::Database) -> Arc<Schema> {
    let user_files: std::collections::HashSet<SourceFile> = crate::db::Workspace::get(db)
        .files(db)
        .iter()
        .copied()
        .collect();
    let mut blocks: Vec<(SourceFile, ItemKey, Arc<crate::items::ItemSyntax>)> = Vec::new();
    for item in active_items(db) {
        if item.key(db).tag == ItemTag::Schema {
            blocks.push((item.file(db), item.key(db).clone(), item.syntax(db).clone()));
        }
    }
    // Prelude modules first: when a policy declares a name a module it uses already declares,
    // the policy's declaration is the one reported, where it can be changed.
    blocks.sort_by_key(|(file, _, _)| user_files.contains(file));
    let mut schema = build(&blocks);
    let preludes = crate::db::Workspace::get(db).preludes(db);
    for d in &mut schema.diagnostics {
        if !matches!(d.code, "E0110" | "E0113" | "E0117") {
            continue;
        }
        let module = d
            .secondary
            .first()
            .and_then(|first| preludes.iter().find(|(_, file)| *file == first.loc.file));
        if let Some((module, _)) = module {
            d.help = Some(format!(
                "`use {module}` already declares it: remove this declaration, or give yours another name"
            ));
        }
    }
    Arc::new(schema)
}

pub(crate) fn item_loc<'db>(db: &'db dyn salsa::Database, item: ItemNode<'db>, span: Span) -> Loc {
    Loc {
        file: item.file(db),
        anchor: Anchor::Item(item.key(db).clone()),
        span,
    }
}

struct Decl<'a> {
    file: SourceFile,
    item: &'a ItemKey,
    decl: &'a SchemaDecl,
}

impl Decl<'_> {
    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            anchor: Anchor::Item(self.item.clone()),
            span,
        }
    }

    fn origin(&self, span: Span) -> Origin {
        Origin {
            file: self.file,
            item: self.item.clone(),
            span,
        }
    }
}

fn build(blocks: &[(SourceFile, ItemKey, Arc<crate::items::ItemSyntax>)]) -> Schema {
    let mut schema = Schema::default();
    let mut decls = Vec::new();
    for (file, key, syntax) in blocks {
        if let ItemKind::Schema(block) = &syntax.kind {
            for decl in &block.decls {
                decls.push(Decl {
                    file: *file,
                    item: key,
                    decl,
                });
            }
        }
    }

    // First every type name, so declarations may refer to each other in any order.
    let mut type_names: BTreeMap<Name, Origin> = BTreeMap::new();
    let mut alias_decls: BTreeMap<Name, (&TypeExpr, usize)> = BTreeMap::new();
    let mut entity_names = BTreeSet::new();
    let mut enum_names = BTreeSet::new();
    let mut first_of_kind: Vec<bool> = Vec::with_capacity(decls.len());
    for d in &decls {
        if let SchemaDecl::Broken(b, _) = d.decl
            && let Some(name) = &b.name
        {
            schema.broken.insert(Arc::from(name.name.as_str()));
        }
    }
    for (index, d) in decls.iter().enumerate() {
        let name = match d.decl {
            SchemaDecl::Entity(e) => Some(&e.name),
            SchemaDecl::Enum(e) => Some(&e.name),
            SchemaDecl::Type(t) => Some(&t.name),
            _ => None,
        };
        let Some(name) = name else {
            first_of_kind.push(true);
            continue;
        };
        let key: Name = Arc::from(name.name.as_str());
        if let Some(first) = type_names.get(&key) {
            schema.diagnostics.push(
                Diagnostic::error(
                    "E0110",
                    format!("the type `{}` is declared more than once", name.name),
                    d.loc(name.span),
                    "declared again here",
                )
                .with_label(first.loc(), "first declared here")
                .with_help("rename one of them, or merge their attributes into one declaration"),
            );
            first_of_kind.push(false);
            continue;
        }
        if let Some(builtin) =
            primitive(&name.name)
                .map(|_| ())
                .or(matches!(name.name.as_str(), "Set" | "Map").then_some(()))
        {
            let () = builtin;
            schema.diagnostics.push(
                Diagnostic::error(
                    "E0110",
                    format!(
                        "`{}` is a built-in type and cannot be declared again",
                        name.name
                    ),
                    d.loc(name.span),
                    "built-in type name",
                )
                .with_help("choose another name"),
            );
            first_of_kind.push(false);
            continue;
        }
        type_names.insert(key.clone(), d.origin(name.span));
        match d.decl {
            SchemaDecl::Entity(_) => {
                entity_names.insert(key);
            }
            SchemaDecl::Enum(_) => {
                enum_names.insert(key);
            }
            SchemaDecl::Type(t) => {
                alias_decls.insert(key, (&t.ty, index));
            }
            _ => {}
        }
        first_of_kind.push(true);
    }

    let names = Names {
        entities: entity_names,
        enums: enum_names,
        aliases: alias_decls.keys().cloned().collect(),
        broken: schema.broken.clone(),
    };
    let alias_sources: BTreeMap<Name, (&TypeExpr, &Decl)> = alias_decls
        .iter()
        .map(|(name, (ty, index))| (name.clone(), (*ty, &decls[*index])))
        .collect();
    let mut resolver = Resolver {
        schema_names: names,
        aliases: &alias_sources,
        resolved_aliases: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        diagnostics: &mut schema.diagnostics,
    };

    for (d, first) in decls.iter().zip(&first_of_kind) {
        if !first {
            continue;
        }
        match d.decl {
            SchemaDecl::Type(t) => {
                let name: Name = Arc::from(t.name.name.as_str());
                let ty = resolver.alias(&name);
                schema.aliases.insert(
                    name.clone(),
                    AliasInfo {
                        name,
                        ty,
                        docs: t.docs.text(),
                        origin: d.origin(t.name.span),
                    },
                );
            }
            SchemaDecl::Enum(e) => {
                let mut members = Vec::new();
                let mut member_info = BTreeMap::new();
                for m in &e.members {
                    let name: Name = Arc::from(m.name.name.as_str());
                    if let Some(first) = member_info.get(&name) {
                        let first: &AttrInfo = first;
                        resolver.diagnostics.push(
                            Diagnostic::error(
                                "E0114",
                                format!(
                                    "`{}` is a member of `{}` more than once",
                                    m.name.name, e.name.name
                                ),
                                d.loc(m.name.span),
                                "repeated member",
                            )
                            .with_label(first.origin.loc(), "first listed here"),
                        );
                        continue;
                    }
                    members.push(name.clone());
                    member_info.insert(
                        name,
                        AttrInfo {
                            docs: m.docs.text(),
                            origin: d.origin(m.name.span),
                        },
                    );
                }
                let name: Name = Arc::from(e.name.name.as_str());
                schema.enums.insert(
                    name.clone(),
                    EnumInfo {
                        name,
                        members,
                        member_info,
                        docs: e.docs.text(),
                        origin: d.origin(e.name.span),
                    },
                );
            }
            SchemaDecl::Entity(e) => {
                let name: Name = Arc::from(e.name.name.as_str());
                let mut parents = Vec::new();
                for parent in &e.parents {
                    if let Some(p) = resolver.entity_name(parent, &|s| d.loc(s)) {
                        if parents.contains(&p) {
                            continue;
                        }
                        parents.push(p);
                    }
                }
                let (attrs, attr_info) = resolver.attrs(&e.attrs, d, "attribute");
                schema.entities.insert(
                    name.clone(),
                    EntityInfo {
                        name,
                        parents,
                        attrs,
                        attr_info,
                        docs: e.docs.text(),
                        origin: d.origin(e.name.span),
                    },
                );
            }
            _ => {}
        }
    }

    for d in &decls {
        match d.decl {
            SchemaDecl::Action(a) => {
                let name: Name = Arc::from(a.name.dotted().as_str());
                if let Some(first) = schema.actions.get(&name) {
                    resolver.diagnostics.push(
                        Diagnostic::error(
                            "E0113",
                            format!("the action `{name}` is declared more than once"),
                            d.loc(a.name.span),
                            "declared again here",
                        )
                        .with_label(first.origin.loc(), "first declared here"),
                    );
                    continue;
                }
                let actors: Vec<Name> = a
                    .actors
                    .iter()
                    .filter_map(|t| resolver.entity_name(t, &|s| d.loc(s)))
                    .collect();
                let resources: Vec<Name> = a
                    .resources
                    .iter()
                    .filter_map(|t| resolver.entity_name(t, &|s| d.loc(s)))
                    .collect();
                let unresolved = (
                    actors.len() < a.actors.len(),
                    resources.len() < a.resources.len(),
                );
                let (args, arg_info) = resolver.attrs(&a.args, d, "argument");
                schema.actions.insert(
                    name.clone(),
                    ActionInfo {
                        name,
                        actors,
                        resources,
                        args,
                        arg_info,
                        has_effect: a.effect.is_some(),
                        unresolved,
                        docs: a.docs.text(),
                        origin: d.origin(a.name.span),
                    },
                );
            }
            SchemaDecl::Authority(a) => {
                if let Some(ty) = resolver.entity_name(&a.ty, &|s| d.loc(s)) {
                    schema.authorities.push(AuthorityInfo {
                        ty,
                        id: a.id.as_ref().map(|id| Arc::from(id.value.as_str())),
                        origin: d.origin(a.span),
                    });
                }
            }
            SchemaDecl::State(s) => {
                // State blocks merge, so a prelude module and a policy can each declare fields.
                let (ty, field_info) = resolver.attrs(&s.fields, d, "state field");
                let state = schema.state.get_or_insert_with(|| StateInfo {
                    ty: RecordTy::default(),
                    field_info: BTreeMap::new(),
                    origin: d.origin(s.keyword),
                });
                for (name, field) in ty.fields {
                    let info = &field_info[&name];
                    if let Some(first) = state.field_info.get(&name) {
                        resolver.diagnostics.push(
                            Diagnostic::error(
                                "E0117",
                                format!("the state field `{name}` is declared more than once"),
                                info.origin.loc(),
                                "declared again here",
                            )
                            .with_label(first.origin.loc(), "first declared here"),
                        );
                        continue;
                    }
                    state.ty.fields.insert(name.clone(), field);
                    state.field_info.insert(name, info.clone());
                }
            }
            _ => {}
        }
    }

    compute_ancestors(&mut schema);
    schema
}

/// Computes `ancestors`. Cycles between types are allowed (a `Team` may be in a `Team`); only
/// entity data can form a real cycle, and that is the evaluator's concern.
fn compute_ancestors(schema: &mut Schema) {
    let mut ancestors: BTreeMap<Name, BTreeSet<Name>> = BTreeMap::new();
    for name in schema.entities.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Name> = schema.entities[name].parents.clone();
        while let Some(next) = stack.pop() {
            if seen.insert(next.clone())
                && let Some(info) = schema.entities.get(&next)
            {
                stack.extend(info.parents.iter().cloned());
            }
        }
        ancestors.insert(name.clone(), seen);
    }
    schema.ancestors = ancestors;
}

#[derive(Default)]
struct Names {
    entities: BTreeSet<Name>,
    enums: BTreeSet<Name>,
    aliases: BTreeSet<Name>,
    broken: BTreeSet<Name>,
}

impl Names {
    fn from_schema(schema: &Schema) -> Names {
        Names {
            entities: schema.entities.keys().cloned().collect(),
            enums: schema.enums.keys().cloned().collect(),
            aliases: schema.aliases.keys().cloned().collect(),
            broken: schema.broken.clone(),
        }
    }

    fn all(&self) -> impl Iterator<Item = &str> {
        self.entities
            .iter()
            .chain(&self.enums)
            .chain(&self.aliases)
            .map(|n| n.as_ref())
            .chain(PRIMITIVE_NAMES.iter().copied())
    }
}

struct Resolver<'a, 'd> {
    schema_names: Names,
    aliases: &'a BTreeMap<Name, (&'a TypeExpr, &'a Decl<'d>)>,
    resolved_aliases: BTreeMap<Name, Ty>,
    in_progress: BTreeSet<Name>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Resolver<'_, '_> {
    fn alias(&mut self, name: &Name) -> Ty {
        if let Some(ty) = self.resolved_aliases.get(name) {
            return ty.clone();
        }
        let Some(&(ty, decl)) = self.aliases.get(name) else {
            return Ty::Error;
        };
        if !self.in_progress.insert(name.clone()) {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0222",
                    format!("the type alias `{name}` is defined in terms of itself"),
                    decl.loc(ty.span),
                    "refers back to itself",
                )
                .with_help("a type alias must expand to a finite type; use an entity type for recursive data"),
            );
            self.resolved_aliases.insert(name.clone(), Ty::Error);
            return Ty::Error;
        }
        let resolved = self.resolve(ty, &|s| decl.loc(s));
        self.in_progress.remove(name);
        self.resolved_aliases.insert(name.clone(), resolved.clone());
        resolved
    }

    fn resolve(&mut self, ty: &TypeExpr, at: &dyn Fn(Span) -> Loc) -> Ty {
        match &ty.kind {
            TypeExprKind::Named(ident) => self.named(ident, at),
            TypeExprKind::Set(element) => Ty::set(self.resolve(element, at)),
            TypeExprKind::Map(k, v) => {
                let key = self.resolve(k, at);
                let value = self.resolve(v, at);
                Ty::map(key, value)
            }
            TypeExprKind::Record(fields) => {
                let mut record = RecordTy::default();
                for f in fields {
                    let name: Name = Arc::from(f.name.name.as_str());
                    if record.fields.contains_key(&name) {
                        let first = fields
                            .iter()
                            .find(|g| g.name.name == f.name.name)
                            .map(|g| g.name.span);
                        self.duplicate_attr(&f.name, first, at, "field");
                        continue;
                    }
                    let ty = self.resolve(&f.ty, at);
                    record.fields.insert(
                        name,
                        Field {
                            ty,
                            optional: f.optional,
                        },
                    );
                }
                Ty::Record(Arc::new(record))
            }
        }
    }

    fn named(&mut self, ident: &Ident, at: &dyn Fn(Span) -> Loc) -> Ty {
        let name = ident.name.as_str();
        if let Some(ty) = primitive(name) {
            return ty;
        }
        if self.schema_names.entities.contains(name) {
            return Ty::Entity(Arc::from(name));
        }
        if self.schema_names.broken.contains(name) {
            return Ty::Error;
        }
        if self.schema_names.enums.contains(name) {
            return Ty::Enum(Arc::from(name));
        }
        if self.schema_names.aliases.contains(name) {
            if self.aliases.is_empty() {
                return self
                    .resolved_aliases
                    .get(name)
                    .cloned()
                    .unwrap_or(Ty::Error);
            }
            return self.alias(&Arc::from(name));
        }
        if matches!(name, "Set" | "Map") {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0103",
                    format!("`{name}` needs type arguments"),
                    at(ident.span),
                    "missing type arguments",
                )
                .with_help(if name == "Set" {
                    "write `Set<String>`, for example"
                } else {
                    "write `Map<String, Int>`, for example"
                }),
            );
            return Ty::Error;
        }
        let mut d = Diagnostic::error(
            "E0103",
            format!("unknown type `{name}`"),
            at(ident.span),
            "not a declared type",
        );
        if let Some(s) = closest(name, self.schema_names.all()) {
            d = d.with_suggestion(s);
        } else {
            d = d.with_help(
                "declare it in a `schema` block, or use a built-in type such as `String`",
            );
        }
        self.diagnostics.push(d);
        Ty::Error
    }

    fn entity_name(&mut self, ident: &Ident, at: &dyn Fn(Span) -> Loc) -> Option<Name> {
        let name = ident.name.as_str();
        if self.schema_names.entities.contains(name) {
            return Some(Arc::from(name));
        }
        if self.schema_names.broken.contains(name) {
            return None;
        }
        let kind = if self.schema_names.enums.contains(name) {
            Some("an enum")
        } else if self.schema_names.aliases.contains(name) {
            Some("a type alias")
        } else if primitive(name).is_some() {
            Some("a built-in type")
        } else {
            None
        };
        if let Some(kind) = kind {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0221",
                    format!("`{name}` is not an entity type"),
                    at(ident.span),
                    format!("`{name}` is {kind}"),
                )
                .with_help("only entities have parents, propose actions and are acted on: declare one with `entity`"),
            );
            return None;
        }
        let mut d = Diagnostic::error(
            "E0102",
            format!("unknown entity type `{name}`"),
            at(ident.span),
            "not a declared entity type",
        );
        if let Some(s) = closest(name, self.schema_names.entities.iter().map(|n| n.as_ref())) {
            d = d.with_suggestion(s);
        } else {
            d = d.with_help(format!("declare it: `entity {name}`"));
        }
        self.diagnostics.push(d);
        None
    }

    fn duplicate_attr(
        &mut self,
        name: &Ident,
        first: Option<Span>,
        at: &dyn Fn(Span) -> Loc,
        what: &str,
    ) {
        let mut d = Diagnostic::error(
            "E0111",
            format!("the {what} `{}` is declared more than once", name.name),
            at(name.span),
            "declared again here",
        )
        .with_help(format!("remove one of them: {what}s are looked up by name"));
        if let Some(first) = first {
            d = d.with_label(at(first), "first declared here");
        }
        self.diagnostics.push(d);
    }

    fn attrs(
        &mut self,
        attrs: &[ast::AttrDecl],
        d: &Decl,
        what: &str,
    ) -> (RecordTy, BTreeMap<Name, AttrInfo>) {
        let mut record = RecordTy::default();
        let mut info = BTreeMap::new();
        for a in attrs {
            let name: Name = Arc::from(a.name.name.as_str());
            if record.fields.contains_key(&name) {
                let first = attrs
                    .iter()
                    .find(|b| b.name.name == a.name.name)
                    .map(|b| b.name.span);
                self.duplicate_attr(&a.name, first, &|s| d.loc(s), what);
                continue;
            }
            let ty = self.resolve(&a.ty, &|s| d.loc(s));
            record.fields.insert(
                name.clone(),
                Field {
                    ty,
                    optional: a.optional,
                },
            );
            info.insert(
                name,
                AttrInfo {
                    docs: a.docs.text(),
                    origin: d.origin(a.name.span),
                },
            );
        }
        (record, info)
    }
}
