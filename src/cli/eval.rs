//! `writ eval`: decide one request and print the decision.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use writ_evaluator::Outcome;

use super::{Color, Format, load};

pub struct Args {
    pub policies: PathBuf,
    pub request: Option<PathBuf>,
    pub intent: Option<PathBuf>,
    pub snapshot: Option<PathBuf>,
    /// A Cedar request, translated through the names `writ import cedar` recorded.
    pub cedar_request: Option<PathBuf>,
    pub format: Format,
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
