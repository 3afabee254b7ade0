//! A small Wadler/Prettier-style layout engine: a tree of text, line breaks, groups and nests,
//! printed so that a group goes on one line when it fits and breaks all of its lines otherwise.
//!
//! Two additions serve comments and blank lines:
//!
//! - [`Doc::Comment`]: an own-line comment is printed on a line of its own at the current
//!   indentation; a trailing comment is appended to the end of the line it is on (like
//!   Prettier's line suffix), and a source token that followed it in the input is never printed
//!   on that same line.
//! - Every hard or broken line says whether an empty line may follow it ([`Blank`]); a token or
//!   comment that had an empty line before it in the input gets one when that is allowed.

/// Whether an empty line may be printed after a line break.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Blank {
    /// Never; not even after a comment that follows the break.
    Never,
    /// Not before the first thing after the break, but after a comment that comes first
    /// (the first line of a block).
    Start,
    /// When the input had one (between declarations, attributes, clauses, steps).
    Preserve,
    /// Always exactly one (between items).
    Always,
}

#[derive(Clone, Debug)]
pub(crate) enum Doc {
    /// Text without line breaks. `src` is where the token starts in the input, when it comes
    /// from the input.
    Text {
        text: String,
        src: Option<u32>,
        blank_before: bool,
    },
    /// A line break, or `flat` when its group is on one line. A hard line always breaks and
    /// breaks every group around it.
    Line {
        flat: &'static str,
        hard: bool,
        blank: Blank,
    },
    Comment {
        text: String,
        src: u32,
        own_line: bool,
        blank_before: bool,
    },
    /// Text printed only when the enclosing group is broken (a trailing comma).
    IfBreak(&'static str),
    Group {
        docs: Vec<Doc>,
        /// Contains a hard line or a comment, so it can never be flat.
        broken: bool,
    },
    Nest {
        indent: usize,
        docs: Vec<Doc>,
    },
}

/// Whether a group holding `docs` must break.
pub(crate) fn forces_break(docs: &[Doc]) -> bool {
    docs.iter().any(|d| match d {
        Doc::Line { hard, .. } => *hard,
        Doc::Comment { .. } => true,
        Doc::Group { broken, .. } => *broken,
        Doc::Nest { docs, .. } => forces_break(docs),
        Doc::Text { .. } | Doc::IfBreak(_) => false,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flat,
    Break,
}

type Cmd<'d> = (usize, Mode, &'d Doc);

/// Lays `docs` out in `width` columns. The result has no trailing whitespace and ends with a
/// newline unless it is empty.
pub(crate) fn print(docs: &[Doc], width: usize) -> String {
    let mut p = Printer {
        width,
        out: String::new(),
        line: String::new(),
        col: 0,
        fresh: true,
        indent: 0,
        line_indent: 0,
        blank_allowed: true,
        blank_after_comment: true,
        blank_pending: false,
        suffix: Vec::new(),
    };
    let mut stack: Vec<Cmd> = docs.iter().rev().map(|d| (0, Mode::Break, d)).collect();
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text {
                text,
                src,
                blank_before,
            } => p.text(text, *src, *blank_before),
            Doc::Line { flat, hard, blank } => {
                if *hard || mode == Mode::Break {
                    p.newline(indent, *blank);
                } else {
                    p.text(flat, None, false);
                }
            }
            Doc::Comment {
                text,
                src,
                own_line,
                blank_before,
            } => p.comment(text, *src, *own_line, *blank_before),
            Doc::IfBreak(text) => {
                if mode == Mode::Break {
                    p.text(text, None, false);
                }
            }
            Doc::Group { docs, broken } => {
                let mode = if *broken {
                    Mode::Break
                } else if mode == Mode::Flat || p.fits(docs, &stack) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.extend(docs.iter().rev().map(|d| (indent, mode, d)));
            }
            Doc::Nest { indent: n, docs } => {
                stack.extend(docs.iter().rev().map(|d| (indent + n, mode, d)));
            }
        }
    }
    p.finish()
}

/// The indentation of a line that a comment forced to start before `text`, given the
/// indentation of the line it continues: one step more, except for a closing bracket.
fn continuation(indent: usize, text: &str) -> usize {
    if text.starts_with(['}', ']', ')', '>']) {
        indent
    } else {
        indent + 2
    }
}

struct Printer {
    width: usize,
    out: String,
    /// The current line, indentation included, once it has content.
    line: String,
    col: usize,
    /// Nothing has been written on the current line yet.
    fresh: bool,
    /// Indentation of the current line when it is still fresh.
    indent: usize,
    /// Indentation of the current line once it has content.
    line_indent: usize,
    blank_allowed: bool,
    blank_after_comment: bool,
    blank_pending: bool,
    /// Trailing comments waiting for the end of the line, with where they were in the input.
    suffix: Vec<(String, u32)>,
}

impl Printer {
    fn text(&mut self, text: &str, src: Option<u32>, blank_before: bool) {
        // A token written after a trailing comment in the input goes on the next line.
        if let Some(at) = src
            && self.suffix.iter().any(|(_, c)| *c < at)
        {
            self.newline(continuation(self.line_indent, text), Blank::Never);
        }
        if self.fresh {
            if text.trim().is_empty() {
                return;
            }
            if !self.out.is_empty() && (self.blank_pending || (blank_before && self.blank_allowed))
            {
                self.out.push('\n');
            }
            self.blank_pending = false;
            self.line.clear();
            self.line.extend(std::iter::repeat_n(' ', self.indent));
            self.col = self.indent;
            self.line_indent = self.indent;
            self.fresh = false;
        }
        self.line.push_str(text);
        self.col += text.chars().count();
    }

    fn newline(&mut self, indent: usize, blank: Blank) {
        if !self.fresh {
            self.end_line();
        }
        self.indent = indent;
        let (allowed, after_comment) = match blank {
            Blank::Never => (false, false),
            Blank::Start => (false, true),
            Blank::Preserve => (true, true),
            Blank::Always => {
                self.blank_pending = true;
                (true, true)
            }
        };
        self.blank_allowed = allowed;
        self.blank_after_comment = after_comment;
    }

    fn end_line(&mut self) {
        let mut line = std::mem::take(&mut self.line);
        line.truncate(line.trim_end().len());
        for (comment, _) in self.suffix.drain(..) {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&comment);
        }
        self.out.push_str(&line);
        self.out.push('\n');
        self.fresh = true;
        self.col = 0;
    }

    fn comment(&mut self, text: &str, src: u32, own_line: bool, blank_before: bool) {
        if own_line || self.fresh {
            let indent = if self.fresh {
                self.indent
            } else {
                let indent = continuation(self.line_indent, text);
                self.newline(indent, Blank::Never);
                indent
            };
            let after = self.blank_after_comment;
            self.text(text, Some(src), blank_before);
            self.end_line();
            self.indent = indent;
            self.blank_allowed = after;
        } else {
            self.suffix.push((text.to_string(), src));
        }
    }

    fn column(&self) -> usize {
        if self.fresh { self.indent } else { self.col }
    }

    /// Whether `docs` fit flat on the rest of the line, followed by what comes after them up to
    /// the next line break.
    fn fits(&self, docs: &[Doc], rest: &[Cmd]) -> bool {
        let mut left = self.width as isize - self.column() as isize;
        let mut cmds: Vec<(Mode, &Doc)> = docs.iter().rev().map(|d| (Mode::Flat, d)).collect();
        let mut rest_index = rest.len();
        loop {
            if left < 0 {
                return false;
            }
            let (mode, doc) = match cmds.pop() {
                Some(cmd) => cmd,
                None => {
                    if rest_index == 0 {
                        return true;
                    }
                    rest_index -= 1;
                    (rest[rest_index].1, rest[rest_index].2)
                }
            };
            match doc {
                Doc::Text { text, .. } => left -= text.chars().count() as isize,
                Doc::Line { flat, hard, .. } => {
                    if *hard || mode == Mode::Break {
                        return true;
                    }
                    left -= flat.len() as isize;
                }
                // A comment ends the line it is on.
                Doc::Comment { .. } => return true,
                Doc::IfBreak(text) => {
                    if mode == Mode::Break {
                        left -= text.len() as isize;
                    }
                }
                Doc::Group { docs, broken } => {
                    let mode = if *broken { Mode::Break } else { mode };
                    cmds.extend(docs.iter().rev().map(|d| (mode, d)));
                }
                Doc::Nest { docs, .. } => cmds.extend(docs.iter().rev().map(|d| (mode, d))),
            }
        }
    }

    fn finish(mut self) -> String {
        if !self.fresh {
            self.end_line();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Doc {
        Doc::Text {
            text: s.to_string(),
            src: None,
            blank_before: false,
        }
    }

    fn line() -> Doc {
        Doc::Line {
            flat: " ",
            hard: false,
            blank: Blank::Never,
        }
    }

    fn list(items: &[&str]) -> Doc {
        let mut inner = vec![line()];
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(text(","));
                inner.push(line());
            }
            inner.push(text(item));
        }
        inner.push(Doc::IfBreak(","));
        Doc::Group {
            docs: vec![
                text("{"),
                Doc::Nest {
                    indent: 2,
                    docs: inner,
                },
                line(),
                text("}"),
            ],
            broken: false,
        }
    }

    #[test]
    fn group_is_flat_when_it_fits() {
        assert_eq!(print(&[list(&["a", "b"])], 20), "{ a, b }\n");
        assert_eq!(
            print(&[list(&["aaaaaaa", "bbbbbbb"])], 15),
            "{\n  aaaaaaa,\n  bbbbbbb,\n}\n"
        );
    }

    #[test]
    fn trailing_comment_goes_to_the_end_of_its_line() {
        let docs = vec![
            text("a"),
            Doc::Comment {
                text: "// c".to_string(),
                src: 1,
                own_line: false,
                blank_before: false,
            },
            text(","),
            Doc::Text {
                text: "b".to_string(),
                src: Some(9),
                blank_before: false,
            },
        ];
        assert_eq!(print(&docs, 80), "a, // c\n  b\n");
    }
}
