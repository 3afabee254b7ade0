//! The formatter's acceptance tests.
//!
//! Every `tests/format/NAME.writ` is formatted and compared with `NAME.expected.writ` (checked by
//! hand; `WRIT_BLESS=1 cargo test -p writ-language --test format` rewrites them, to be reviewed
//! with `git diff`). Every input and every expected file must also satisfy the formatter's
//! properties: idempotence, meaning preservation and comment preservation.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use writ_language::{FormatError, format, parse};

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format")
}

/// The input files, sorted.
fn inputs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(case_dir())
        .expect("tests/format exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".writ") && !name.ends_with(".expected.writ")
        })
        .collect();
    files.sort();
    files
}

fn expected_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("file name");
    input.with_file_name(format!("{stem}.expected.writ"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every input and expected file, with its name.
fn corpus() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for input in inputs() {
        all.push((input.display().to_string(), read(&input)));
        let expected = expected_path(&input);
        all.push((expected.display().to_string(), read(&expected)));
    }
    all
}

/// A tree's pretty debug text with every position erased: the `Span { start, end }` blocks and
/// the items' `offset` both depend on layout, nothing else does.
fn erase_spans(pretty: &str) -> String {
    let mut out = Vec::new();
    let mut lines = pretty.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("offset: ") {
            continue;
        }
        if let Some(head) = line.strip_suffix("Span {") {
            let close = lines
                .by_ref()
                .find(|l| l.trim_start().starts_with('}'))
                .expect("end of a span");
            out.push(format!("{head}Span{}", &close.trim_start()[1..]));
            continue;
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

fn items_without_spans(src: &str) -> String {
    let file = parse(src);
    assert!(file.errors.is_empty(), "syntax errors: {:?}", file.errors);
    erase_spans(&format!("{:#?}", file.items))
}

/// Every `//` and `///` comment of a file, in order, without trailing whitespace.
fn all_comments(src: &str) -> Vec<String> {
    let mut comments = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                comments.push(src[i..end].trim_end().to_string());
                i = end;
            }
            _ => i += 1,
        }
    }
    comments
}

/// For every comment (`//` or `///`), how many code tokens come before it. The separators the
/// formatter may add or leave out (`,`, `;`, and the brackets of a single parent) are not
/// counted; any other token a comment changed places with would show.
fn comment_positions(src: &str) -> Vec<(String, usize)> {
    let mut positions = Vec::new();
    let mut tokens = 0;
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            positions.push((src[i..end].trim_end().to_string(), tokens));
            i = end;
        } else if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            tokens += 1;
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens += 1;
        } else {
            if !b.is_ascii_whitespace() && !matches!(b, b',' | b';' | b'[' | b']') {
                tokens += 1;
            }
            i += 1;
        }
    }
    positions
}

fn format_ok(name: &str, src: &str) -> String {
    format(src).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check_properties(name: &str, src: &str) {
    let once = format_ok(name, src);
    let twice = format_ok(name, &once);
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        items_without_spans(src),
        items_without_spans(&once),
        "{name}: formatting changed the meaning"
    );
    assert_eq!(
        all_comments(src),
        all_comments(&once),
        "{name}: formatting lost or reordered comments"
    );
    assert_eq!(
        comment_positions(src),
        comment_positions(&once),
        "{name}: a comment changed places with code"
    );
    let plain = |s: &str| {
        parse(s)
            .comments
            .into_iter()
            .map(|c| c.text)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        plain(src),
        plain(&once),
        "{name}: parser sees other comments"
    );
    assert!(
        once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n")),
        "{name}: must end with exactly one newline"
    );
    for (n, line) in once.lines().enumerate() {
        assert_eq!(
            line,
            line.trim_end(),
            "{name}:{}: trailing whitespace",
            n + 1
        );
        assert!(!line.contains('\t'), "{name}:{}: tab", n + 1);
    }
    assert!(!once.contains("\n\n\n"), "{name}: two empty lines in a row");
    assert!(!once.starts_with('\n'), "{name}: starts with an empty line");
}

#[test]
fn there_are_enough_cases() {
    let names: Vec<String> = inputs()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 15, "only {} cases: {names:?}", names.len());
    assert!(names.iter().any(|n| n == "sketch.writ"));
}

#[test]
fn cases_match_their_expected_output() {
    let bless = std::env::var_os("WRIT_BLESS").is_some();
    let mut failures = Vec::new();
    for input in inputs() {
        let src = read(&input);
        let actual = format_ok(&input.display().to_string(), &src);
        let expected_file = expected_path(&input);
        if bless {
            fs::write(&expected_file, &actual).expect("write expected file");
            continue;
        }
        let expected = read(&expected_file);
        if actual != expected {
            failures.push(format!(
                "{}\n--- expected\n{expected}--- actual\n{actual}",
                input.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expected_outputs_are_fixed_points() {
    for input in inputs() {
        let expected_file = expected_path(&input);
        let expected = read(&expected_file);
        assert_eq!(
            format_ok(&expected_file.display().to_string(), &expected),
            expected,
            "{} is not in canonical form",
            expected_file.display()
        );
    }
}

#[test]
fn formatting_is_idempotent_and_keeps_meaning_and_comments() {
    for (name, src) in corpus() {
        check_properties(&name, &src);
    }
}

#[test]
fn lines_fit_in_100_columns_unless_unbreakable() {
    for (name, src) in corpus() {
        let out = format_ok(&name, &src);
        for (n, line) in out.lines().enumerate() {
            let width = line.chars().count();
            let exempt = line.contains("//") || line.contains("\"");
            assert!(width <= 100 || exempt, "{name}:{}: {width} columns", n + 1);
        }
    }
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    for src in [
        "allow a on fs.write when\n",
        "schema { entity A { x: } }\n",
        "deny x on y when a ==\n\nallow ok on z\n",
        "nonsense\n",
        "test \"t\" { expect maybe }\n",
        "allow a on x when \"unterminated\n",
    ] {
        match format(src) {
            Err(FormatError::Syntax(errors)) => {
                assert!(!errors.is_empty(), "{src:?}");
                let err = format(src).unwrap_err();
                let message = err.to_string();
                assert!(message.starts_with("the file has"), "{src:?}: {message}");
                assert_eq!(err.syntax_errors(), errors.as_slice());
                let as_error: &dyn std::error::Error = &err;
                assert_eq!(as_error.to_string(), message);
            }
            other => panic!("{src:?}: expected syntax errors, got {other:?}"),
        }
    }
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(format("").unwrap(), "");
    assert_eq!(format("\n\n  \n").unwrap(), "");
    assert_eq!(format("// just a comment").unwrap(), "// just a comment\n");
    assert_eq!(
        format("\n\n// one\n\n\n\n// two   \n\n").unwrap(),
        "// one\n\n// two\n"
    );
}

#[test]
fn crlf_and_tabs_are_normalized() {
    let src = "schema {\r\n\tentity A { x: Int }   // c\r\n\r\n\r\n\tentity B\r\n}\r\n";
    assert_eq!(
        format(src).unwrap(),
        "schema {\n  entity A { x: Int } // c\n\n  entity B\n}\n"
    );
}

#[test]
fn a_form_feed_before_the_first_item_is_dropped() {
    // The parser takes a form feed before the first item for blank space, so the formatter must
    // not see a token there that it never prints.
    assert_eq!(
        format("\x0c\n// c\nschema {\n  entity A\n}\n").unwrap(),
        "// c\nschema {\n  entity A\n}\n"
    );
}

#[test]
fn unicode_white_space_between_items_is_dropped() {
    // A no-break space pasted between items is blank space to the parser, as above.
    assert_eq!(
        format("\u{a0}schema {\n  entity A\n}\n\u{2003}\nschema {\n  entity B\n}\n").unwrap(),
        "schema {\n  entity A\n}\n\nschema {\n  entity B\n}\n"
    );
}

#[test]
fn strings_are_written_canonically_and_round_trip() {
    let cases = [
        (r#""plain""#, r#""plain""#),
        (r#""a \"quote\"""#, r#""a \"quote\"""#),
        (r#""back\\slash""#, r#""back\\slash""#),
        (
            r#""line\nbreak\ttab\rret\0nul""#,
            r#""line\nbreak\ttab\rret\0nul""#,
        ),
        (r#""\u{41}\u{1b}\u{7f}é""#, r#""A\u{1b}\u{7f}é""#),
        (r#""it\'s""#, r#""it's""#),
        (r#""star \* in a string""#, r#""star * in a string""#),
        (r#""backslash star \\*""#, r#""backslash star \\*""#),
    ];
    for (written, canonical) in cases {
        let src = format!("fn f() -> String {{\n  {written}\n}}\n");
        let out = format(&src).unwrap();
        assert_eq!(
            out,
            format!("fn f() -> String {{\n  {canonical}\n}}\n"),
            "{written}"
        );
        check_properties(written, &src);
    }
}

#[test]
fn like_patterns_keep_wildcards_and_escaped_stars_apart() {
    let cases = [
        (r#""rm -rf *""#, r#""rm -rf *""#),
        (r#""a\*b*""#, r#""a\*b*""#),
        (r#""**""#, r#""**""#),
        (r#""C:\\*""#, r#""C:\\*""#),
        (r#""C:\\\**""#, r#""C:\\\**""#),
        (r#""\u{2a}x""#, r#""\*x""#),
        (r#""say \"hi\"*""#, r#""say \"hi\"*""#),
    ];
    for (written, canonical) in cases {
        let src = format!("deny d on x\n  when args.c like {written}\n");
        let out = format(&src).unwrap();
        assert_eq!(
            out,
            format!("deny d on x\n  when args.c like {canonical}\n"),
            "{written}"
        );
        check_properties(written, &src);
    }
}

#[test]
fn numbers_are_written_from_their_text() {
    let src =
        "fn f() -> Int {\n  1_000 + -5 - --3 + 1_000.50 + 1_0h30m + -9223372036854775808\n}\n";
    assert_eq!(
        format(src).unwrap(),
        "fn f() -> Int {\n  1000 + -5 - --3 + 1000.50 + 10h30m + -9223372036854775808\n}\n"
    );
}

#[test]
fn effect_assignments_keep_a_separator_where_one_is_needed() {
    let src = "schema {\n  action a effect { state.x = y; [1][0] = 2; (state).z = 3 }\n}\n";
    let out = format(src).unwrap();
    assert_eq!(
        out,
        "schema {\n  action a\n    effect {\n      state.x = y;\n      [1][0] = 2;\n      (state).z = 3\n    }\n}\n"
    );
    check_properties("separators", src);
}

#[test]
fn a_clause_that_does_not_fit_breaks_at_its_operators() {
    let long = "resource.sensitivity != Sensitivity.secret";
    let src = format!(
        "allow a on fs.write when actor.ring <= 2 && resource in actor.workspace && {long} && actor.trust > 0.5\n"
    );
    assert_eq!(
        format(&src).unwrap(),
        format!(
            "allow a on fs.write\n  when actor.ring <= 2\n    && resource in actor.workspace\n    && {long}\n    && actor.trust > 0.5\n"
        )
    );
    let short = "allow a on fs.write\n  when a\n    && b\n";
    assert_eq!(
        format(short).unwrap(),
        "allow a on fs.write\n  when a && b\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Layout insensitivity: the output depends on the tokens, the comments, and where the input had
// empty lines; not on any other whitespace.

/// The input cut at whitespace outside strings and comments: `(text, is_whitespace)`.
fn pieces(src: &str) -> Vec<(String, bool)> {
    let bytes = src.as_bytes();
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    let mut start = 0;
    let push = |out: &mut Vec<(String, bool)>, text: &str, ws: bool| match out.last_mut() {
        Some((t, w)) if *w == ws => t.push_str(text),
        _ => out.push((text.to_string(), ws)),
    };
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            push(&mut out, &src[start..i], false);
            let ws_start = i;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            push(&mut out, &src[ws_start..i], true);
            start = i;
            continue;
        }
        if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = src[i..].find('\n').map_or(src.len(), |n| i + n);
        } else {
            i += 1;
        }
    }
    push(&mut out, &src[start.min(src.len())..], false);
    out.retain(|(t, _)| !t.is_empty());
    out
}

/// Rewrites the whitespace of `src`, keeping for each run whether it has no line break, one, or
/// an empty line. `choices` drives the new indentation and spacing.
fn relayout(src: &str, choices: &[u8], join_lines: bool) -> String {
    let parts = pieces(src);
    let mut out = String::new();
    let mut k = 0;
    let mut next = || {
        let c = choices.get(k % choices.len().max(1)).copied().unwrap_or(0);
        k += 1;
        c
    };
    for (i, (text, ws)) in parts.iter().enumerate() {
        if !ws {
            out.push_str(text);
            continue;
        }
        let newlines = text.matches('\n').count();
        let after_comment = i > 0 && {
            let prev = &parts[i - 1].0;
            prev.lines().last().is_some_and(|l| l.contains("//"))
        };
        let before_comment = parts.get(i + 1).is_some_and(|(t, _)| t.starts_with("//"));
        let indent = |c: u8| [" ", "\t", "   ", "", "  \t "][(c % 5) as usize];
        match newlines {
            0 => out.push_str([" ", "  ", "\t", "   \t"][(next() % 4) as usize]),
            1 if join_lines && !after_comment && !before_comment => {
                out.push_str([" ", "  ", "\t"][(next() % 3) as usize]);
            }
            1 => {
                out.push_str(indent(next()).trim_start_matches('\t'));
                out.push_str(if next() % 2 == 0 { "\n" } else { "\r\n" });
                out.push_str(indent(next()));
            }
            _ => {
                out.push('\n');
                for _ in 0..1 + next() % 3 {
                    out.push_str(indent(next()));
                    out.push('\n');
                }
                out.push_str(indent(next()));
            }
        }
    }
    out
}

fn sources_for_relayout() -> Vec<(String, String)> {
    inputs()
        .iter()
        .map(|p| (p.display().to_string(), read(p)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn output_does_not_depend_on_spacing(choices in prop::collection::vec(any::<u8>(), 1..64)) {
        for (name, src) in sources_for_relayout() {
            let moved = relayout(&src, &choices, false);
            let expected = format_ok(&name, &src);
            let actual = format(&moved).unwrap_or_else(|e| panic!("{name} relaid out: {e}\n{moved}"));
            prop_assert_eq!(actual, expected, "{} relaid out:\n{}", name, moved);
        }
    }

    #[test]
    fn output_does_not_depend_on_line_breaks(choices in prop::collection::vec(any::<u8>(), 1..64)) {
        let sources = sources_for_relayout();
        let mut checked = 0;
        for (name, src) in &sources {
            let joined = relayout(src, &choices, true);
            if !parse(&joined).errors.is_empty() {
                // Joining lines can break a keyword the splitter needs at a line start (an item
                // inside unbalanced brackets); such inputs are not the same file any more.
                continue;
            }
            checked += 1;
            let expected = format_ok(name, src);
            let actual = format_ok(name, &joined);
            prop_assert_eq!(actual, expected, "{} joined:\n{}", name, joined);
        }
        prop_assert!(checked * 4 >= sources.len() * 3, "only {} of {} joined files parse", checked, sources.len());
    }
}

/// `src` with a comment in place of some of its whitespace runs: `(run index, own line)`.
fn with_comments(src: &str, spots: &[(usize, bool)]) -> String {
    // The parser's splitter wants the name on the same line as the keyword that starts an item
    // or a declaration, and `allow`, `review` and `deny` off line starts inside a test.
    const KEYWORDS: [&str; 14] = [
        "use",
        "schema",
        "allow",
        "deny",
        "review",
        "invariant",
        "fn",
        "test",
        "entity",
        "enum",
        "type",
        "action",
        "state",
        "expect",
    ];
    let parts = pieces(src);
    let runs = parts.iter().filter(|(_, ws)| *ws).count().max(1);
    let mut out = String::new();
    let mut run = 0;
    for (i, (text, ws)) in parts.iter().enumerate() {
        if !ws {
            out.push_str(text);
            continue;
        }
        let after_keyword = i > 0 && {
            let prev = &parts[i - 1].0;
            let word = prev
                .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next();
            word.is_some_and(|w| KEYWORDS.contains(&w))
        };
        if after_keyword {
            out.push_str(text);
            run += 1;
            continue;
        }
        let mut replaced = false;
        for (n, &(spot, own_line)) in spots.iter().enumerate() {
            if spot % runs == run && !replaced {
                replaced = true;
                let keep = text.trim_end_matches([' ', '\t']);
                if own_line {
                    out.push_str(&format!("\n// inserted {n}\n"));
                } else {
                    out.push_str(&format!(" // inserted {n}\n"));
                }
                if keep.contains('\n') {
                    out.push('\n');
                }
            }
        }
        if !replaced {
            out.push_str(text);
        }
        run += 1;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn comments_anywhere_keep_every_property(
        spots in prop::collection::vec((any::<usize>(), any::<bool>()), 1..6)
    ) {
        let sources = sources_for_relayout();
        let mut checked = 0;
        for (name, src) in &sources {
            let commented = with_comments(src, &spots);
            if !parse(&commented).errors.is_empty() {
                // A comment right after an item keyword, or a line break before a contextual
                // keyword inside brackets, is a syntax error of its own.
                continue;
            }
            checked += 1;
            check_properties(&format!("{name} with comments:\n{commented}"), &commented);
        }
        prop_assert!(checked * 2 >= sources.len(), "only {} of {} commented files parse", checked, sources.len());
    }
}

#[test]
fn deep_expressions_are_formatted() {
    // As deep as the parser accepts: its limit counts grammar levels, not written nesting.
    let shapes: [fn(usize) -> String; 4] = [
        |n| format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        |n| vec!["a"; n].join(" && "),
        |n| vec!["1"; n].join(" + "),
        |n| format!("{}1{}", "{ a: ".repeat(n), " }".repeat(n)),
    ];
    for shape in shapes {
        let deepest = (1..400)
            .map(|n| format!("fn f() -> Bool {{ {} }}\n", shape(n)))
            .take_while(|src| parse(src).errors.is_empty())
            .last()
            .expect("a shallow one parses");
        check_properties("deep", &deepest);
    }
}

#[test]
fn a_clause_of_exactly_100_columns_stays_on_its_line() {
    for width in [99, 100, 101] {
        // "  when " + "a && " + name: 12 + name.len() columns.
        let name = "b".repeat(width - 12);
        let src = format!("allow r on x\n  when a && {name}\n");
        let out = format(&src).unwrap();
        if width <= 100 {
            assert_eq!(out, src, "{width} columns");
        } else {
            assert_eq!(
                out,
                format!("allow r on x\n  when a\n    && {name}\n"),
                "{width}"
            );
        }
    }
}

#[test]
fn one_line_blocks_stay_within_100_columns() {
    for width in [100, 101] {
        // "  entity E { a: " + type + " }": 18 + type.len() columns.
        let ty = format!("T{}", "t".repeat(width - 19));
        let src = format!("schema {{\n  entity E {{ a: {ty} }}\n}}\n");
        let out = format(&src).unwrap();
        if width <= 100 {
            assert_eq!(out, src, "{width} columns");
        } else {
            assert_eq!(
                out,
                format!("schema {{\n  entity E {{\n    a: {ty},\n  }}\n}}\n")
            );
        }
    }
}

#[test]
fn the_position_check_notices_a_moved_comment() {
    let before = "allow r on x\n  when a && // c\n    b\n";
    let moved = "allow r on x\n  when a // c\n    && b\n";
    assert_ne!(comment_positions(before), comment_positions(moved));
    let commas = "enum E { a // c\n b }";
    let with_commas = "enum E { a, // c\n b, }";
    assert_eq!(comment_positions(commas), comment_positions(with_commas));
}
