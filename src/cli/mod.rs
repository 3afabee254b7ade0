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

pub(crate) mod check;
mod eval;
mod fmt;
mod import;
mod load;
mod log;
mod replay;
mod serve;
pub(crate) mod sources;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "writ",
    version,
    about = "Authorization for AI agents: check, format, evaluate and serve Writ policies"
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
    Eval(eval::Args),
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
    /// Translate policies from another language into a Writ policy set.
    Import(import::Args),
    /// Run the language server on standard input and output, for editors (docs/editor.md).
    Lsp {
        /// Accepted for editors that pass it: standard input and output is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Serve decisions over HTTP, reloading the policies as they change (see docs/api.md).
    Serve(serve::Args),
    /// Work with a decision log written by `writ serve --log`.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Decide every request of a decision log again with another policy set, and report the
    /// decisions that would change.
    ///
    /// Exits 0 when none would, 4 when some would, and 1 for a usage or compile error.
    Replay {
        /// The decision log.
        #[arg(long)]
        log: std::path::PathBuf,
        /// The policy directory (or file) to decide with.
        #[arg(long, default_value = "policies")]
        policies: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Check the hash chain: exit 0 if intact, 1 at the first altered, deleted or reordered
    /// entry, or a tail cut short.
    Verify {
        file: std::path::PathBuf,
        /// A hash the log must contain (an earlier head, as `GET /healthz` or an earlier
        /// verify reports it), which catches entries cut from the end.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
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
        Command::Lsp { .. } => match writ_lsp::run_stdio() {
            true => ExitCode::SUCCESS,
            false => ExitCode::from(1),
        },
        Command::Test { paths, coverage } => test::run(&paths, coverage),
        Command::Eval(args) => eval::run(args),
        Command::Import(args) => import::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Log {
            command: LogCommand::Verify { file, head },
        } => log::verify_file(&file, head.as_deref()),
        Command::Replay {
            log,
            policies,
            format,
        } => replay::run(replay::Args {
            log,
            policies,
            format,
        }),
    }
}
