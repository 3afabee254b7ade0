//! Writ expressions as the translator builds them, and their text with the fewest parentheses
//! the precedence of Writ's operators needs (`docs/language.md` §5.1).

use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum W {
    Bool(bool),
    Int(i64),
    Str(String),
    /// A Writ entity type and an id.
    Entity(String, String),
    /// `actor`, `resource`, `args` or `action`.
    Var(&'static str),
    /// `.name`; `name` is an identifier.
    Attr(Box<W>, String),
    /// `["name"]`, a record field whose name is not an identifier.
    Index(Box<W>, String),
    /// `m[k]`, a map's value.
    Key(Box<W>, Box<W>),
    Has(Box<W>, Vec<String>),
    Is(Box<W>, String, Option<Box<W>>),
    /// The pattern in Writ string syntax, without its quotes.
    Like(Box<W>, String),
    Not(Box<W>),
    Neg(Box<W>),
    And(Box<W>, Box<W>),
    Or(Box<W>, Box<W>),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `+`, `-`, `*`.
    Bin(&'static str, Box<W>, Box<W>),
    If(Box<W>, Box<W>, Box<W>),
    Set(Vec<W>),
    Record(Vec<(String, W)>),
    Call(&'static str, Vec<W>),
    Method(Box<W>, String, Vec<W>),
}

pub fn bx(w: W) -> Box<W> {
    Box::new(w)
}

const OR: u8 = 1;
const AND: u8 = 2;
const REL: u8 = 3;
const ADD: u8 = 4;
const MUL: u8 = 5;
const UNARY: u8 = 6;
const POSTFIX: u8 = 7;
const PRIMARY: u8 = 8;

impl W {
    /// How tightly the expression binds; `if` binds loosest, as its `else` extends right.
    fn precedence(&self) -> u8 {
        match self {
            W::If(..) => 0,
            W::Or(..) => OR,
            W::And(..) => AND,
            W::Has(..) | W::Is(..) | W::Like(..) => REL,
            W::Bin(op, ..) => match *op {
                "+" | "-" => ADD,
                "*" => MUL,
                _ => REL,
            },
            W::Not(_) | W::Neg(_) => UNARY,
            W::Int(i) if *i < 0 => UNARY,
            W::Attr(..) | W::Index(..) | W::Key(..) | W::Method(..) => POSTFIX,
            _ => PRIMARY,
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn child(&self, out: &mut String, min: u8) {
        if self.precedence() < min {
            out.push('(');
            self.write(out);
            out.push(')');
        } else {
            self.write(out);
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            W::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            W::Int(i) => {
                let _ = write!(out, "{i}");
            }
            W::Str(s) => quote(s, out),
            W::Entity(ty, id) => {
                out.push_str(ty);
                out.push_str("::");
                quote(id, out);
            }
            W::Var(v) => out.push_str(v),
            W::Attr(target, name) => {
                target.child(out, POSTFIX);
                out.push('.');
                out.push_str(name);
            }
            W::Index(target, name) => {
                target.child(out, POSTFIX);
                out.push('[');
                quote(name, out);
                out.push(']');
            }
            W::Key(target, key) => {
                target.child(out, POSTFIX);
                out.push('[');
                key.child(out, 0);
                out.push(']');
            }
            W::Has(target, path) => {
                target.child(out, REL + 1);
                out.push_str(" has ");
                for (i, name) in path.iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    field_name(name, out);
                }
            }
            W::Is(target, ty, within) => {
                target.child(out, REL + 1);
                out.push_str(" is ");
                out.push_str(ty);
                if let Some(within) = within {
                    out.push_str(" in ");
                    within.child(out, REL + 1);
                }
            }
            W::Like(target, pattern) => {
                target.child(out, REL + 1);
                out.push_str(" like \"");
                out.push_str(pattern);
                out.push('"');
            }
            W::Not(inner) => {
                out.push('!');
                inner.child(out, UNARY);
            }
            W::Neg(inner) => {
                out.push('-');
                // `-` before a negative literal would read as one token.
                if matches!(**inner, W::Int(i) if i < 0) {
                    out.push('(');
                    inner.write(out);
                    out.push(')');
                } else {
                    inner.child(out, UNARY);
                }
            }
            W::And(l, r) => {
                l.child(out, AND);
                out.push_str(" && ");
                r.child(out, AND + 1);
            }
            W::Or(l, r) => {
                l.child(out, OR);
                out.push_str(" || ");
                r.child(out, OR + 1);
            }
            W::Bin(op, l, r) => {
                let p = self.precedence();
                // Relations do not chain; arithmetic is left-associative.
                l.child(out, if p == REL { REL + 1 } else { p });
                out.push(' ');
                out.push_str(op);
                out.push(' ');
                r.child(out, p + 1);
            }
            W::If(c, t, e) => {
                out.push_str("if ");
                c.child(out, OR);
                out.push_str(" then ");
                t.child(out, OR);
                out.push_str(" else ");
                e.child(out, 0);
            }
            W::Set(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.child(out, 0);
                }
                out.push(']');
            }
            W::Record(fields) => {
                if fields.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{ ");
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    field_name(name, out);
                    out.push_str(": ");
                    value.child(out, 0);
                }
                out.push_str(" }");
            }
            W::Call(name, args) => {
                out.push_str(name);
                arguments(args, out);
            }
            W::Method(receiver, name, args) => {
                receiver.child(out, POSTFIX);
                out.push('.');
                out.push_str(name);
                arguments(args, out);
            }
        }
    }
}

fn arguments(args: &[W], out: &mut String) {
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        a.child(out, 0);
    }
    out.push(')');
}

/// A field or attribute name in a declaration, record literal or `has`: bare when it is an
/// identifier, quoted otherwise.
pub fn field_name(name: &str, out: &mut String) {
    if writ_stdlib::is_identifier(name) {
        out.push_str(name);
    } else {
        quote(name, out);
    }
}

/// A Writ string literal.
pub fn quote(text: &str, out: &mut String) {
    out.push('"');
    escape_into(text, out);
    out.push('"');
}

/// The body of a Writ string literal (without quotes).
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        escape_char(c, out);
    }
}

pub fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parenthesizes_only_where_precedence_needs_it() {
        let a = || W::Var("actor");
        let or = W::Or(bx(W::Bool(true)), bx(W::Bool(false)));
        let and = W::And(bx(or.clone()), bx(W::Bool(true)));
        assert_eq!(and.text(), "(true || false) && true");
        let eq = W::Bin(
            "==",
            bx(W::Bin("==", bx(W::Int(1)), bx(W::Int(1)))),
            bx(W::Bool(true)),
        );
        assert_eq!(eq.text(), "(1 == 1) == true");
        let sub = W::Bin(
            "-",
            bx(W::Int(1)),
            bx(W::Bin("-", bx(W::Int(2)), bx(W::Int(3)))),
        );
        assert_eq!(sub.text(), "1 - (2 - 3)");
        let neg = W::Neg(bx(W::Int(-5)));
        assert_eq!(neg.text(), "-(-5)");
        let method = W::Method(bx(W::Int(-1)), "abs".into(), vec![]);
        assert_eq!(method.text(), "(-1).abs()");
        let cond = W::If(bx(W::Bool(true)), bx(W::Int(1)), bx(W::Int(2)));
        assert_eq!(
            W::Bin("+", bx(cond), bx(W::Int(1))).text(),
            "(if true then 1 else 2) + 1"
        );
        let like = W::Like(bx(W::Attr(bx(a()), "name".into())), "a\\*b*".into());
        assert_eq!(like.text(), "actor.name like \"a\\*b*\"");
        let rec = W::Record(vec![("x-y".into(), W::Str("q\"".into()))]);
        assert_eq!(rec.text(), "{ \"x-y\": \"q\\\"\" }");
    }
}
