//! `writ fmt`: rewrite policy files in the canonical style.

use std::path::PathBuf;
use std::process::ExitCode;

use super::sources;

pub fn run(paths: &[PathBuf], check: bool) -> ExitCode {
    let files = match sources::writ_files(paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut failed = false;
    let mut unformatted = 0;
    for path in &files {
        let text = match sources::read(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        match writ_language::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check {
                    unformatted += 1;
                    outln!("{}", path.display());
                } else if let Err(e) = std::fs::write(path, formatted) {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("error: `{}` was not formatted: {e}", path.display());
                failed = true;
            }
        }
    }
    if check && unformatted > 0 {
        eprintln!(
            "{unformatted} file{} would be reformatted; run `writ fmt` to fix",
            if unformatted == 1 { "" } else { "s" }
        );
    }
    if failed || unformatted > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
