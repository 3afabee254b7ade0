//! Command-line interface: parses arguments and dispatches to one module per command.

/// Writes to standard output. A reader that goes away (`writ eval ... | head`) is no reason to
/// panic: the output just stops.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod check;
mod eval;
mod fmt;
mod load;
mod sources;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "writ",
    version,
    about = "Authorization for AI agents: check, format and evaluate Writ policies"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Type-check a policy set: every `.writ` file under the paths, compiled together.
    Check {
        /// Files or directories (default: `policies/`).
        paths: Vec<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// When to color text output.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Decide one request against a policy set and explain the decision.
    ///
    /// Exits 0 for allow, 2 for deny, 3 for review, and 1 for a usage or compile error.
    Eval {
        /// The policy directory (or file).
        #[arg(long, default_value = "policies")]
        policies: std::path::PathBuf,
        /// A request file: `{"intent": ..., "snapshot": ...}`.
        #[arg(long, conflicts_with_all = ["intent", "snapshot"])]
        request: Option<std::path::PathBuf>,
        /// An intent file (with `--snapshot`).
        #[arg(long, requires = "snapshot")]
        intent: Option<std::path::PathBuf>,
        /// A snapshot file (with `--intent`).
        #[arg(long, requires = "intent")]
        snapshot: Option<std::path::PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Run the `test` blocks of a policy set.
    Test {
        /// Files or directories (default: `policies/`).
        paths: Vec<std::path::PathBuf>,
        /// Report which rules and clauses the tests exercised.
        #[arg(long)]
        coverage: bool,
    },
    /// Format policy files in the canonical style.
    Fmt {
        /// Files or directories (default: `policies/`).
        paths: Vec<std::path::PathBuf>,
        /// Report files that are not formatted, without changing them; exit 1 if any.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check {
            paths,
            format,
            color,
        } => check::run(&paths, format, color),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Test { paths, coverage } => test::run(&paths, coverage),
        Command::Eval {
            policies,
            request,
            intent,
            snapshot,
            format,
            color,
        } => eval::run(eval::Args {
            policies,
            request,
            intent,
            snapshot,
            format,
            color,
        }),
    }
}
