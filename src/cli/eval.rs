//! `writ eval`: decide one request and print the decision.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use writ_evaluator::Outcome;

use super::{Color, Format, load};

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory (or file).
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// A request file: `{"intent": ..., "snapshot": ...}`.
    #[arg(long, conflicts_with_all = ["intent", "snapshot"])]
    pub request: Option<PathBuf>,
    /// An intent file (with `--snapshot`).
    #[arg(long, requires = "snapshot")]
    pub intent: Option<PathBuf>,
    /// A snapshot file (with `--intent` or `--cedar-request`).
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// A Cedar request file (`principal`, `action`, `resource`, `context`), with
    /// `--snapshot`, for a policy set made by `writ import cedar`.
    #[arg(long, requires = "snapshot", conflicts_with_all = ["request", "intent"])]
    pub cedar_request: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Exit codes: 0 allow, 2 deny, 3 review, 1 for a usage or compile error.
pub fn run(args: Args) -> ExitCode {
    let request = match (&args.request, &args.intent, &args.snapshot, &args.cedar_request) {
        (Some(request), None, None, None) => load::json(request),
        (None, Some(intent), Some(snapshot), None) => load::json(intent).and_then(|intent| {
            let snapshot = load::json(snapshot)?;
            Ok(serde_json::json!({ "intent": intent, "snapshot": snapshot }))
        }),
        // Translated below: the translation needs the policy set's schema.
        (None, None, Some(snapshot), Some(_)) => load::json(snapshot),
        _ => Err(
            "give either `--request FILE`, both `--intent FILE` and `--snapshot FILE`, or both `--cedar-request FILE` and `--snapshot FILE`"
                .to_string(),
        ),
    };
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let Some(set) = load::policy_set(std::slice::from_ref(&args.policies)) else {
        return ExitCode::from(1);
    };
    let request = match &args.cedar_request {
        Some(path) => match super::import::cedar_request(path, &args.policies, &set, request) {
            Ok(request) => request,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        },
        None => request,
    };
    let decision = set.decide_json(&request);
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&decision.to_json(&set)) {
            Ok(text) => outln!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        },
        Format::Text => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stdout().is_terminal(),
            };
            out!("{}", decision.render_text(&set, color));
        }
    }
    ExitCode::from(match decision.outcome {
        Outcome::Allow => 0,
        Outcome::Deny => 2,
        Outcome::Review => 3,
    })
}
