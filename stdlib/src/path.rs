//! POSIX path helpers that work on text alone, never the file system.
//!
//! Policies guard paths, and `..` is the classic way around a guard:
//! `/work/../etc/passwd` starts with `/work` but is not inside it. Everything
//! here resolves `.` and `..` first, lexically, so a policy sees where a path
//! really points (symlinks aside, which only the file system knows).

/// The path with repeated `/`, `.` components and `..` components resolved.
///
/// `..` never climbs above `/` in an absolute path; in a relative path leading
/// `..` are kept. The empty relative path is `.`.
pub fn normalize(path: &str) -> String {
    let (absolute, components) = components(path);
    let joined = components.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Whether `path` is `dir` or below it, comparing whole components after
/// normalizing both: `/work/a` is not within `/work/ab`, and a relative path
/// is never within an absolute directory (nor the other way round).
pub fn within(path: &str, dir: &str) -> bool {
    let (path_absolute, path) = components(path);
    let (dir_absolute, dir) = components(dir);
    if path_absolute != dir_absolute {
        return false;
    }
    // After normalizing, `..` can only lead a relative path; one left over past
    // `dir`'s components would climb out of it (`../x` is not within `.`).
    path.starts_with(&dir) && !path[dir.len()..].contains(&"..")
}

/// The last component of the normalized path, or "" for `/` and `.`.
pub fn basename(path: &str) -> String {
    let (_, components) = components(path);
    components
        .last()
        .map_or_else(String::new, |last| (*last).to_owned())
}

/// The normalized path without its last component: `/a/b` gives `/a`, `/a`
/// gives `/`, and `a` gives `.`. A path of only `..` components is its own
/// parent lexically, so it is returned with one more `..`.
pub fn dirname(path: &str) -> String {
    let (absolute, mut components) = components(path);
    if components.last() == Some(&"..") {
        components.push("..");
    } else {
        components.pop();
    }
    let joined = components.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// What follows the last `.` of the basename, without the dot, or "" when
/// there is none. Dotfiles such as `.bashrc` have no extension.
pub fn extension(path: &str) -> String {
    let name = basename(path);
    match name.rfind('.') {
        Some(0) | None => String::new(),
        Some(_) if name == ".." => String::new(),
        Some(dot) => name[dot + 1..].to_owned(),
    }
}

/// Whether the path is absolute, and its normalized components.
fn components(path: &str) -> (bool, Vec<&str>) {
    let absolute = path.starts_with('/');
    let mut stack: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match stack.last() {
                Some(&last) if last != ".." => {
                    stack.pop();
                }
                _ if absolute => {}
                _ => stack.push(".."),
            },
            part => stack.push(part),
        }
    }
    (absolute, stack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        let cases = [
            ("/", "/"),
            ("", "."),
            (".", "."),
            ("//a//b/", "/a/b"),
            ("/a/./b/.", "/a/b"),
            ("/a/b/../c", "/a/c"),
            ("/../..", "/"),
            ("/work/../../etc", "/etc"),
            ("a/..", "."),
            ("a/../..", ".."),
            ("../../a", "../../a"),
            ("./a/../../b", "../b"),
            ("a/b/../../c/./d/..", "c"),
            ("...", "..."),
            ("a/..b", "a/..b"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "{input:?}");
        }
    }

    #[test]
    fn within_defeats_dot_dot_tricks() {
        assert!(!within("/work/../etc/passwd", "/work"));
        assert!(within("/work/./a/../b", "/work"));
        assert!(within("/work", "/work"));
        assert!(within("/work/", "/work"));
        assert!(within("/work/a", "/work/"));
        assert!(!within("/work/ab", "/work/a"));
        assert!(!within("/work", "/work/a"));
        assert!(within("/anything", "/"));
        assert!(within("/../../etc", "/etc"));
        assert!(!within("/work/a/../../etc", "/work"));
        assert!(within("/work//a", "/work/./"));
    }

    #[test]
    fn within_keeps_relative_and_absolute_apart() {
        assert!(!within("work/a", "/work"));
        assert!(!within("/work/a", "work"));
        assert!(within("a/b", "a"));
        assert!(within("a/b", "."));
        assert!(!within("../x", "."));
        assert!(!within("a/../../x", "."));
        assert!(within("../x", ".."));
        assert!(!within("../../x", ".."));
        assert!(within("..", ".."));
        assert!(!within("..", "."));
    }

    #[test]
    fn names() {
        assert_eq!(basename("/a/b.txt"), "b.txt");
        assert_eq!(basename("/a/b/"), "b");
        assert_eq!(basename("/a/b/.."), "a");
        assert_eq!(basename("/"), "");
        assert_eq!(basename("."), "");
        assert_eq!(basename("../.."), "..");
        assert_eq!(dirname("/a/b"), "/a");
        assert_eq!(dirname("/a"), "/");
        assert_eq!(dirname("/"), "/");
        assert_eq!(dirname("a/b"), "a");
        assert_eq!(dirname("a"), ".");
        assert_eq!(dirname("."), ".");
        assert_eq!(dirname(".."), "../..");
        assert_eq!(dirname("/a/b/../c/d"), "/a/c");
        assert_eq!(extension("/a/report.pdf"), "pdf");
        assert_eq!(extension("archive.tar.gz"), "gz");
        assert_eq!(extension("/home/.bashrc"), "");
        assert_eq!(extension("Makefile"), "");
        assert_eq!(extension("file."), "");
        assert_eq!(extension("/a/b.d/c"), "");
        assert_eq!(extension(".."), "");
        assert_eq!(extension("/"), "");
    }
}
