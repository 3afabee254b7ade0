//! Library modules written in Writ itself and shipped inside the engine.
//!
//! Their sources live in `stdlib/prelude/` and are embedded with
//! `include_str!`, so a policy can import them without any file on disk and
//! every build agrees on their contents.

/// One Writ module that policies can import by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreludeModule {
    /// The import name, such as `std.agents`.
    pub name: &'static str,
    /// The module's Writ source.
    pub source: &'static str,
    /// What the module offers, shown in editor hovers.
    pub doc: &'static str,
}

/// Every prelude module is listed here, with its source included from
/// `stdlib/prelude/`.
static MODULES: &[PreludeModule] = &[PreludeModule {
    name: "std.agents",
    source: include_str!("../prelude/agents.writ"),
    doc: "A vocabulary for AI agents: users, teams, agents, tools, workspaces, files, hosts, \
          endpoints, repositories and accounts; the actions fs.read, fs.write, fs.delete, \
          shell.exec, net.connect, http.request, tool.call, git.push and payment.transfer; \
          per-agent budgets; and helpers for paths, secrets and metadata endpoints.",
}];

/// Every prelude module, in a stable order.
pub fn prelude_modules() -> &'static [PreludeModule] {
    MODULES
}

/// The prelude module imported as `name`, if there is one.
pub fn prelude(name: &str) -> Option<&'static PreludeModule> {
    MODULES.iter().find(|module| module.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_resolvable() {
        for (i, module) in prelude_modules().iter().enumerate() {
            assert!(!module.doc.is_empty(), "{}", module.name);
            assert_eq!(prelude(module.name), Some(module));
            assert!(prelude_modules()[..i].iter().all(|m| m.name != module.name));
        }
        assert_eq!(prelude("std.nonexistent"), None);
    }
}
