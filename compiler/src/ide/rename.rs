//! Renaming a declared name everywhere it is used, refusing names that would not parse or that
//! would collide with another declaration.

use writ_language::ast::Span;
use writ_language::{is_contextual_keyword, is_keyword};
use writ_stdlib::is_identifier;

use super::is_user_file;
use super::navigate::{SymbolAt, declaration, occurrences, symbol_at};
use super::symbol::Symbol;
use crate::check::VARIABLES;
use crate::db::SourceFile;
use crate::schema::schema;
use crate::types::PRIMITIVE_NAMES;
use crate::workspace::name_index;

/// Replace `span` of `file` with `text`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Edit {
    pub file: SourceFile,
    pub span: Span,
    pub text: String,
}

/// The name at the cursor and its current spelling, if it can be renamed.
pub fn prepare_rename(
    db: &dyn salsa::Database,
    file: SourceFile,
    offset: u32,
) -> Result<(Span, String), String> {
    let at = symbol_at(db, file, offset).ok_or("there is no name to rename here")?;
    renamable(db, &at)?;
    Ok((at.span, at.symbol.name().to_string()))
}

/// The edits that rename the name at the cursor to `new_name` in every file.
pub fn rename(
    db: &dyn salsa::Database,
    file: SourceFile,
    offset: u32,
    new_name: &str,
) -> Result<Vec<Edit>, String> {
    let at = symbol_at(db, file, offset).ok_or("there is no name to rename here")?;
    renamable(db, &at)?;
    if new_name == at.symbol.name() {
        return Ok(Vec::new());
    }
    valid_name(&at.symbol, new_name)?;
    no_collision(db, &at, new_name)?;
    let found = occurrences(db, &at.symbol, at.item);
    if found.iter().any(|(f, _)| !is_user_file(db, *f)) {
        return Err(format!(
            "{} is also used by a standard module, which cannot be edited",
            at.symbol.describe()
        ));
    }
    Ok(found
        .into_iter()
        .map(|(file, o)| Edit {
            file,
            span: o.span,
            text: if o.quoted {
                writ_stdlib::Quoted(new_name).to_string()
            } else {
                new_name.to_string()
            },
        })
        .collect())
}

fn renamable(db: &dyn salsa::Database, at: &SymbolAt<'_>) -> Result<(), String> {
    let fixed = match &at.symbol {
        Symbol::Variable(_) => Some("is predefined"),
        Symbol::Builtin { .. } => Some("is part of the standard library"),
        Symbol::Primitive(_) => Some("is a built-in type"),
        Symbol::Module(_) => Some("is a standard module"),
        Symbol::Test(_) => Some("is named by its string: edit the string instead"),
        _ => None,
    };
    if let Some(why) = fixed {
        return Err(format!(
            "{} {why}, so it cannot be renamed",
            at.symbol.describe()
        ));
    }
    let declared = declaration(db, &at.symbol, at.item)
        .ok_or_else(|| format!("{} is not declared anywhere", at.symbol.describe()))?;
    if !is_user_file(db, declared.file) {
        return Err(format!(
            "{} is declared by a standard module, which cannot be edited",
            at.symbol.describe()
        ));
    }
    Ok(())
}

/// Whether the new name can be written everywhere the old one is.
fn valid_name(symbol: &Symbol, name: &str) -> Result<(), String> {
    let not_identifier = || {
        Err(format!(
            "`{name}` is not a valid name: use letters, digits and `_`, not starting with a digit"
        ))
    };
    let keyword = || {
        Err(format!(
            "`{name}` is a keyword and cannot be used as a name"
        ))
    };
    match symbol {
        Symbol::Action(_) => {
            let parts: Vec<&str> = name.split('.').collect();
            if parts.iter().any(|p| !is_identifier(p)) {
                return Err(format!(
                    "`{name}` is not a valid action name: write names separated by dots, such as `fs.read`"
                ));
            }
            if parts.first().is_some_and(|p| is_keyword(p)) {
                return keyword();
            }
            Ok(())
        }
        // Attribute names may be keywords: after a `.`, any word is a name.
        Symbol::Attribute { .. } | Symbol::Argument { .. } | Symbol::StateField(_) => {
            if is_identifier(name) {
                Ok(())
            } else {
                not_identifier()
            }
        }
        Symbol::Entity(_) | Symbol::Enum(_) | Symbol::Alias(_) => {
            if !is_identifier(name) {
                return not_identifier();
            }
            if is_keyword(name) || is_contextual_keyword(name) {
                return keyword();
            }
            if PRIMITIVE_NAMES.contains(&name) {
                return Err(format!("`{name}` is a built-in type"));
            }
            Ok(())
        }
        _ => {
            if !is_identifier(name) {
                return not_identifier();
            }
            if is_keyword(name) {
                return keyword();
            }
            Ok(())
        }
    }
}

/// Whether something else already has the new name, where the two would be confused.
fn no_collision(db: &dyn salsa::Database, at: &SymbolAt<'_>, name: &str) -> Result<(), String> {
    let schema = schema(db);
    let names = name_index(db);
    let taken = match &at.symbol {
        Symbol::Entity(_) | Symbol::Enum(_) | Symbol::Alias(_) => {
            schema.type_names().any(|n| n == name)
        }
        Symbol::EnumMember { ty, .. } => schema
            .enums
            .get(ty)
            .is_some_and(|e| e.members.iter().any(|m| m.as_ref() == name)),
        Symbol::Attribute { entity, .. } => schema
            .entities
            .get(entity)
            .is_some_and(|e| e.attrs.fields.contains_key(name)),
        Symbol::Argument { action, .. } => schema
            .actions
            .get(action)
            .is_some_and(|a| a.args.fields.contains_key(name)),
        Symbol::StateField(_) => schema
            .state
            .as_ref()
            .is_some_and(|s| s.ty.fields.contains_key(name)),
        Symbol::Action(_) => schema.actions.contains_key(name),
        Symbol::Rule(_) => names.rules.contains_key(name),
        Symbol::Helper(_) => {
            if name == crate::check::DELEGATED || writ_stdlib::names().any(|b| b == name) {
                return Err(format!("`{name}` is the name of a built-in function"));
            }
            names.helpers.contains_key(name)
        }
        Symbol::Local { .. } => {
            if VARIABLES.contains(&name) {
                return Err(format!("`{name}` is a predefined variable"));
            }
            super::analysis::item_analysis(db, at.item)
                .occurrences
                .iter()
                .any(|o| matches!(&o.symbol, Symbol::Local { name: n, .. } if n.as_ref() == name))
        }
        _ => false,
    };
    if taken {
        return Err(format!(
            "`{name}` is already used: renaming {} would confuse the two",
            at.symbol.describe()
        ));
    }
    Ok(())
}
