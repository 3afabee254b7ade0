//! Cedar interoperability for Writ: translates Cedar schemas (Cedar or JSON syntax), policies
//! (templates with their links, action groups, `is`, `has`, `like`, extension types, tags) and
//! entities into a Writ policy set and snapshot, and Cedar requests into Writ intents.
//!
//! cedar-policy parses and validates the input: the translator starts from policies Cedar's
//! own strict validator accepts, and every output is checked by Writ's compiler before it is
//! returned. What cannot be translated is an [`Error`] naming the construct and its position.
//! The mapping and the intended differences in meaning are described in `docs/cedar.md`.

mod cexpr;
mod derive;
mod error;
mod import;
pub mod model;
mod names;
mod policies;
mod request;
mod schema_out;
mod translate;
mod values;
mod wexpr;

pub use error::{Error, Position};
pub use import::{Input, Options, Output, Text, import, parse_schema};
pub use names::NameMap;
pub use request::intent;
