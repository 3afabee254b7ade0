//! End-to-end tests of the `writ` command: the real binary, on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn writ(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the writ binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn three_broken_items_give_three_located_errors_and_exit_1() {
    let dir = corpus();
    let out = writ(
        &[
            "check",
            "--color",
            "never",
            "invalid/three_broken_items.writ",
        ],
        &dir,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    let locations: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("┌─ "))
        .collect();
    assert_eq!(locations.len(), 3, "{stderr}");
    for location in locations {
        let parts: Vec<&str> = location.rsplitn(3, ':').collect();
        assert_eq!(parts.len(), 3, "not file:line:col: {location}");
        assert!(
            parts[0].parse::<u32>().is_ok() && parts[1].parse::<u32>().is_ok(),
            "{location}"
        );
        assert!(parts[2].ends_with("three_broken_items.writ"), "{location}");
    }
}

#[test]
fn check_reports_json_for_machines() {
    let out = writ(
        &[
            "check",
            "--format",
            "json",
            "invalid/three_broken_items.writ",
        ],
        &corpus(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let diagnostics = json["diagnostics"].as_array().expect("a list");
    assert_eq!(diagnostics.len(), 3);
    for d in diagnostics {
        assert!(d["code"].as_str().is_some_and(|c| c.starts_with('E')));
        assert!(d["location"]["line"].as_u64().is_some_and(|l| l > 0));
        assert!(d["location"]["column"].as_u64().is_some_and(|c| c > 0));
    }
}

#[test]
fn check_exits_0_on_a_valid_policy_set() {
    let out = writ(&["check", "valid/coding_agent_std_agents.writ"], &corpus());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no errors"));
}

#[test]
fn check_names_a_missing_path() {
    let out = writ(&["check", "no/such/dir"], &corpus());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`no/such/dir` is not a file or a directory"));
}

/// The codes of a file's diagnostics, as `writ check --format json` reports them.
fn codes(file: &Path, dir: &Path) -> Vec<String> {
    let out = writ(&["check", "--format", "json", file.to_str().unwrap()], dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let mut codes: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn fmt_is_idempotent_on_the_corpus_and_keeps_its_meaning() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(corpus()).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "writ") {
            let relative = entry.path().strip_prefix(corpus()).unwrap().to_path_buf();
            let target = tmp.path().join(&relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
            files.push(relative);
        }
    }
    assert!(files.len() >= 60);
    let before: Vec<Vec<String>> = files.iter().map(|f| codes(f, tmp.path())).collect();

    // Files with syntax errors are refused (and reported); every other file is rewritten.
    let first = writ(&["fmt", "valid", "invalid"], tmp.path());
    let refused = text(&first.stderr).matches("was not formatted").count();
    let with_syntax_errors = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(tmp.path().join(f)).unwrap();
            !writ_language::parse(&text).errors.is_empty()
        })
        .count();
    assert_eq!(refused, with_syntax_errors, "{}", text(&first.stderr));

    let second = writ(&["fmt", "--check", "valid"], tmp.path());
    assert_eq!(
        second.status.code(),
        Some(0),
        "not idempotent: {}",
        text(&second.stdout)
    );
    let formatted_again = writ(&["fmt", "valid", "invalid"], tmp.path());
    assert_eq!(
        text(&formatted_again.stdout),
        "",
        "a second run changed files"
    );

    for (file, codes_before) in files.iter().zip(&before) {
        assert_eq!(
            &codes(file, tmp.path()),
            codes_before,
            "formatting changed the diagnostics of {}",
            file.display()
        );
    }
    for file in files.iter().filter(|f| f.starts_with("valid")) {
        let check = writ(&["check", file.to_str().unwrap()], tmp.path());
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    }
}

#[test]
fn fmt_check_lists_unformatted_files_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("messy.writ"),
        "schema {entity   User}\nallow a on *   when   true\n",
    )
    .unwrap();
    let out = writ(&["fmt", "--check", "."], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("messy.writ"));
    let out = writ(&["fmt", "."], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let formatted = std::fs::read_to_string(tmp.path().join("messy.writ")).unwrap();
    assert_eq!(
        formatted,
        "schema {\n  entity User\n}\n\nallow a on *\n  when true\n"
    );
}
