//! Authority chains: whether the actor holds a valid delegation for the intent.
//!
//! A grant gives its holder a capability (an action pattern) over a scope (entities a resource
//! must be `in`), issued by someone who held it. A chain is valid when every link is unexpired
//! and unrevoked, each link's issuer holds the link above it, each link's capability and scope
//! lie within its parent's (attenuation: authority only narrows as it is delegated), and the top
//! link was issued by a declared root authority.

use std::collections::HashSet;
use std::fmt;

use writ_stdlib::{Datetime, EntityUid};

use crate::input::{Grant, Intent, Snapshot};
use crate::policy::PolicySet;

/// An action pattern as grants write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capability {
    Any,
    Exact(String),
    /// `fs.*`: the prefix `fs`.
    Prefix(String),
}

impl Capability {
    pub fn parse(text: &str) -> Option<Capability> {
        let dotted = |s: &str| !s.is_empty() && s.split('.').all(writ_stdlib::is_identifier);
        if text == "*" {
            Some(Capability::Any)
        } else if let Some(prefix) = text.strip_suffix(".*") {
            dotted(prefix).then(|| Capability::Prefix(prefix.to_string()))
        } else {
            dotted(text).then(|| Capability::Exact(text.to_string()))
        }
    }

    pub fn covers(&self, action: &str) -> bool {
        match self {
            Capability::Any => true,
            Capability::Exact(a) => a == action,
            Capability::Prefix(p) => {
                action.len() > p.len()
                    && action.starts_with(p.as_str())
                    && action.as_bytes()[p.len()] == b'.'
            }
        }
    }

    /// Whether everything `self` allows, `parent` allows too.
    pub fn within(&self, parent: &Capability) -> bool {
        match (self, parent) {
            (_, Capability::Any) => true,
            (Capability::Any, _) => false,
            (Capability::Exact(a), parent) => parent.covers(a),
            (Capability::Prefix(q), Capability::Prefix(p)) => {
                q == p || Capability::Prefix(p.clone()).covers(q)
            }
            (Capability::Prefix(_), Capability::Exact(_)) => false,
        }
    }
}

/// A link of a chain, as the explanation shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub grant: String,
    pub issuer: EntityUid,
    pub holder: EntityUid,
    pub capability: String,
    pub scope: Option<Vec<EntityUid>>,
    pub expires: Option<Datetime>,
}

/// Why a chain does not hold.
#[derive(Clone, Debug, PartialEq)]
pub enum Break {
    /// No grant gives the actor this action on this resource.
    NoGrant,
    Expired {
        grant: String,
        expired: Datetime,
    },
    /// The snapshot has no time, so an expiry cannot be checked (and fails closed).
    NoTime {
        grant: String,
    },
    Revoked {
        grant: String,
    },
    /// The link's parent grant is not in the snapshot.
    MissingParent {
        grant: String,
        parent: String,
    },
    /// The link's issuer does not hold its parent grant.
    NotDelegated {
        grant: String,
        issuer: EntityUid,
        parent_holder: EntityUid,
    },
    /// The link claims more than its parent gives.
    CapabilityWidened {
        grant: String,
        capability: String,
        parent_capability: String,
    },
    ScopeWidened {
        grant: String,
    },
    /// The top of the chain was not issued by a root authority (or, for `delegated(root)`,
    /// by the required root).
    NoRoot {
        grant: String,
        issuer: EntityUid,
        required: Option<EntityUid>,
    },
    /// Following parents leads back to a grant already seen.
    Cycle {
        grant: String,
    },
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::NoGrant => write!(f, "no grant gives the actor this action on this resource"),
            Break::Expired { grant, expired } => write!(f, "grant `{grant}` expired at {expired}"),
            Break::NoTime { grant } => write!(
                f,
                "grant `{grant}` expires, and the snapshot gives no time to check it against"
            ),
            Break::Revoked { grant } => write!(f, "grant `{grant}` is revoked"),
            Break::MissingParent { grant, parent } => write!(
                f,
                "grant `{grant}` names the parent `{parent}`, which is not in the snapshot"
            ),
            Break::NotDelegated {
                grant,
                issuer,
                parent_holder,
            } => write!(
                f,
                "grant `{grant}` was issued by {issuer}, but its parent is held by {parent_holder}"
            ),
            Break::CapabilityWidened {
                grant,
                capability,
                parent_capability,
            } => write!(
                f,
                "grant `{grant}` gives `{capability}`, more than its parent's `{parent_capability}`"
            ),
            Break::ScopeWidened { grant } => write!(
                f,
                "grant `{grant}` covers resources outside its parent's scope"
            ),
            Break::NoRoot {
                grant,
                issuer,
                required: None,
            } => write!(
                f,
                "grant `{grant}` was issued by {issuer}, which is not a root authority"
            ),
            Break::NoRoot {
                grant,
                issuer,
                required: Some(root),
            } => write!(
                f,
                "grant `{grant}` was issued by {issuer}, but the rule requires a chain starting at {root}"
            ),
            Break::Cycle { grant } => write!(f, "the parents of grant `{grant}` lead back to it"),
        }
    }
}

/// The result of checking a chain: the links from the actor's grant up to the root, and what
/// broke if it did not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainOutcome {
    pub links: Vec<Link>,
    pub broken: Option<Break>,
}

impl ChainOutcome {
    pub fn valid(&self) -> bool {
        self.broken.is_none()
    }
}

fn link(grant: &Grant) -> Link {
    Link {
        grant: grant.id.to_string(),
        issuer: grant.issuer.clone(),
        holder: grant.holder.clone(),
        capability: grant.capability.to_string(),
        scope: grant.scope.clone(),
        expires: grant.expires,
    }
}

/// Checks the actor's chains for the intent: the first valid one, or the first failure. With
/// `root`, a chain must start at that entity; without, at a declared root authority.
pub fn check(
    set: &PolicySet,
    intent: &Intent,
    snapshot: &Snapshot,
    root: Option<&EntityUid>,
) -> ChainOutcome {
    let candidates = snapshot.grants.iter().filter(|g| {
        g.holder == intent.actor
            && Capability::parse(&g.capability).is_some_and(|c| c.covers(&intent.action))
            && covers_resource(snapshot, g, intent.resource.as_ref())
    });
    let mut first_failure = None;
    for grant in candidates {
        let outcome = walk(set, snapshot, grant, root);
        if outcome.valid() {
            return outcome;
        }
        first_failure.get_or_insert(outcome);
    }
    first_failure.unwrap_or(ChainOutcome {
        links: Vec::new(),
        broken: Some(Break::NoGrant),
    })
}

fn covers_resource(snapshot: &Snapshot, grant: &Grant, resource: Option<&EntityUid>) -> bool {
    match (&grant.scope, resource) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(scope), Some(resource)) => scope.iter().any(|s| snapshot.is_in(resource, s)),
    }
}

/// Follows parents from `start` to the root, checking each link.
fn walk(
    set: &PolicySet,
    snapshot: &Snapshot,
    start: &Grant,
    required_root: Option<&EntityUid>,
) -> ChainOutcome {
    let mut links = Vec::new();
    let mut seen = HashSet::new();
    let mut grant = start;
    loop {
        links.push(link(grant));
        let id = grant.id.to_string();
        if !seen.insert(grant.id.clone()) {
            return ChainOutcome {
                links,
                broken: Some(Break::Cycle { grant: id }),
            };
        }
        if grant.revoked {
            return ChainOutcome {
                links,
                broken: Some(Break::Revoked { grant: id }),
            };
        }
        if let Some(expires) = grant.expires {
            match snapshot.time {
                None => {
                    return ChainOutcome {
                        links,
                        broken: Some(Break::NoTime { grant: id }),
                    };
                }
                Some(now) if now >= expires => {
                    return ChainOutcome {
                        links,
                        broken: Some(Break::Expired {
                            grant: id,
                            expired: expires,
                        }),
                    };
                }
                Some(_) => {}
            }
        }
        let Some(parent_id) = &grant.parent else {
            let root = match required_root {
                Some(required) => grant.issuer == *required,
                None => set.schema.authorities.iter().any(|a| {
                    a.ty.as_ref() == grant.issuer.ty.as_ref()
                        && a.id
                            .as_ref()
                            .is_none_or(|id| id.as_ref() == grant.issuer.id.as_ref())
                }),
            };
            let broken = (!root).then(|| Break::NoRoot {
                grant: id,
                issuer: grant.issuer.clone(),
                required: required_root.cloned(),
            });
            return ChainOutcome { links, broken };
        };
        let Some(parent) = snapshot.grants.iter().find(|g| &g.id == parent_id) else {
            return ChainOutcome {
                links,
                broken: Some(Break::MissingParent {
                    grant: id,
                    parent: parent_id.to_string(),
                }),
            };
        };
        if parent.holder != grant.issuer {
            return ChainOutcome {
                links,
                broken: Some(Break::NotDelegated {
                    grant: id,
                    issuer: grant.issuer.clone(),
                    parent_holder: parent.holder.clone(),
                }),
            };
        }
        let (child_cap, parent_cap) = (
            Capability::parse(&grant.capability),
            Capability::parse(&parent.capability),
        );
        if !matches!((&child_cap, &parent_cap), (Some(c), Some(p)) if c.within(p)) {
            return ChainOutcome {
                links,
                broken: Some(Break::CapabilityWidened {
                    grant: id,
                    capability: grant.capability.to_string(),
                    parent_capability: parent.capability.to_string(),
                }),
            };
        }
        if !scope_within(snapshot, grant.scope.as_deref(), parent.scope.as_deref()) {
            return ChainOutcome {
                links,
                broken: Some(Break::ScopeWidened { grant: id }),
            };
        }
        grant = parent;
    }
}

fn scope_within(
    snapshot: &Snapshot,
    child: Option<&[EntityUid]>,
    parent: Option<&[EntityUid]>,
) -> bool {
    match (child, parent) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(child), Some(parent)) => child
            .iter()
            .all(|c| parent.iter().any(|p| snapshot.is_in(c, p))),
    }
}

#[cfg(test)]
mod tests {
    use super::Capability;

    #[test]
    fn capabilities_attenuate() {
        let p = |s| Capability::parse(s).unwrap();
        assert!(p("fs.write").within(&p("fs.*")));
        assert!(p("fs.*").within(&p("*")));
        assert!(p("fs.tmp.*").within(&p("fs.*")));
        assert!(!p("fs.*").within(&p("fs.write")));
        assert!(!p("*").within(&p("fs.*")));
        assert!(!p("fsx.write").within(&p("fs.*")));
        assert!(p("fs.*").covers("fs.write") && !p("fs.*").covers("fs"));
        assert!(Capability::parse("fs.").is_none() && Capability::parse("").is_none());
    }
}
