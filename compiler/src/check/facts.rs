//! What the checker knows holds, from the `has` and `is` tests guarding an expression.
//!
//! `actor has workspace && actor.workspace == resource.owner` is well typed because, on the
//! right of `&&`, the left side is known to be true. Facts are about access paths
//! (`actor.workspace`), and flow the way evaluation does: through `&&`, into `then` branches,
//! and from one `when` clause to the next.

use std::collections::BTreeSet;

use writ_language::ast::{Expr, ExprKind};

use crate::types::Name;

/// A variable followed by attribute names: `actor.owner.team`.
pub type Path = Vec<Name>;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Fact {
    /// The optional attribute at the end of the path is present.
    Has(Path),
    /// The entity at the path has this type.
    Is(Path, Name),
}

#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct Facts(BTreeSet<Fact>);

impl Facts {
    pub fn none() -> Facts {
        Facts::default()
    }

    pub fn union(&self, other: &Facts) -> Facts {
        Facts(self.0.union(&other.0).cloned().collect())
    }

    pub fn intersection(&self, other: &Facts) -> Facts {
        Facts(self.0.intersection(&other.0).cloned().collect())
    }

    pub fn add(&mut self, fact: Fact) {
        self.0.insert(fact);
    }

    pub fn has(&self, path: &Path) -> bool {
        self.0.contains(&Fact::Has(path.clone()))
    }

    pub fn entity_type(&self, path: &Path) -> Option<&Name> {
        self.0.iter().find_map(|f| match f {
            Fact::Is(p, ty) if p == path => Some(ty),
            _ => None,
        })
    }

    /// Forgets what was known about a variable that is being rebound.
    pub fn without_root(&self, root: &str) -> Facts {
        Facts(
            self.0
                .iter()
                .filter(|f| {
                    let path = match f {
                        Fact::Has(p) | Fact::Is(p, _) => p,
                    };
                    path.first().is_none_or(|r| r.as_ref() != root)
                })
                .cloned()
                .collect(),
        )
    }
}

/// The access path an expression denotes, if it is one.
pub fn path_of(expr: &Expr) -> Option<Path> {
    match &expr.kind {
        ExprKind::Name(ident) => Some(vec![Name::from(ident.name.as_str())]),
        ExprKind::Field { target, name } => {
            let mut path = path_of(target)?;
            path.push(Name::from(name.name.as_str()));
            Some(path)
        }
        ExprKind::Index { target, index } => match &index.unparen().kind {
            ExprKind::Str(key) => {
                let mut path = path_of(target)?;
                path.push(Name::from(key.as_str()));
                Some(path)
            }
            _ => None,
        },
        ExprKind::Paren(inner) => path_of(inner),
        _ => None,
    }
}

pub fn render_path(path: &Path) -> String {
    let parts: Vec<&str> = path.iter().map(|p| p.as_ref()).collect();
    parts.join(".")
}
