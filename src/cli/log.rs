//! `writ log verify FILE`: checks a decision log's hash chain.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;

use crate::decision_log::verify::verify;

/// Exit 0 when the chain is intact, 1 at the first break (or when the file cannot be read).
pub fn verify_file(path: &Path, head: Option<&str>) -> ExitCode {
    let shown = path.display();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: cannot open `{shown}`: {e}");
            return ExitCode::from(1);
        }
    };
    match verify(BufReader::with_capacity(1 << 20, file), head) {
        Ok(verified) if verified.entries == 0 => {
            outln!("`{shown}`: no entries; nothing to verify");
            ExitCode::SUCCESS
        }
        Ok(verified) => {
            outln!(
                "`{shown}`: {} entr{} (1 to {}), the chain is intact\nhead: entry {} {}",
                verified.entries,
                if verified.entries == 1 { "y" } else { "ies" },
                verified.head.seq,
                verified.head.seq,
                verified.head.hash
            );
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("error: `{shown}` fails verification: {why}");
            ExitCode::from(1)
        }
    }
}
