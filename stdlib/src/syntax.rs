//! The bits of Writ's literal syntax that printing values needs, kept in one
//! place so every value prints the way a policy author would write it.

use std::fmt;

/// Whether `text` can stand unquoted as a record key: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Displays a string as a double-quoted, escaped Writ string literal.
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                // Invisible characters are spelled out so that two strings
                // that print alike are alike.
                c if c.is_control() || is_invisible(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// Format characters that render as nothing and could hide in an identifier.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// Displays a record key bare when it is an identifier, quoted otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a>(pub &'a str);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_identifier(self.0) {
            f.write_str(self.0)
        } else {
            Quoted(self.0).fmt(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("a"));
        assert!(is_identifier("_x9"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("9a"));
        assert!(!is_identifier("b c"));
        assert!(!is_identifier("é"));
    }

    #[test]
    fn quoting() {
        assert_eq!(Quoted("plain").to_string(), r#""plain""#);
        assert_eq!(Quoted("a\"b\\c\nd").to_string(), r#""a\"b\\c\nd""#);
        assert_eq!(Quoted("\u{7}\u{200b}é").to_string(), r#""\u{7}\u{200b}é""#);
        assert_eq!(Key("b c").to_string(), r#""b c""#);
        assert_eq!(Key("bc").to_string(), "bc");
    }
}
