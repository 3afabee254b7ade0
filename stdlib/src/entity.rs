//! References to entities: a type name and an id within that type.

use std::fmt;
use std::sync::Arc;

use crate::syntax::Quoted;

/// `Type::"id"`. The type may be namespaced (`Acme::User`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityUid {
    pub ty: Arc<str>,
    pub id: Arc<str>,
}

impl EntityUid {
    pub fn new(ty: impl Into<Arc<str>>, id: impl Into<Arc<str>>) -> EntityUid {
        EntityUid {
            ty: ty.into(),
            id: id.into(),
        }
    }
}

impl fmt::Display for EntityUid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.ty, Quoted(&self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_with_escaped_id() {
        assert_eq!(
            EntityUid::new("User", "alice").to_string(),
            r#"User::"alice""#
        );
        assert_eq!(
            EntityUid::new("Acme::Doc", "a\"b").to_string(),
            r#"Acme::Doc::"a\"b""#
        );
    }
}
