//! `writ import cedar`, then `writ check`, `writ fmt --check` and `writ eval --cedar-request`
//! on the result, for every shared Cedar use case (`../shared/corpus/cedar/use-cases`).
#![cfg(feature = "cedar")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn writ(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(args)
        .output()
        .expect("writ runs")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/cedar/use-cases")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// How each use case imports: `github_example` needs `--derive-schema` (an entity type its
/// schema lacks); `document_cloud`'s entities contradict an attribute type, which the import
/// must refuse (docs/cedar.md), so it is imported without them.
fn import_args(name: &str) -> (&'static [&'static str], bool) {
    match name {
        "github_example" => (&["--derive-schema"], true),
        "document_cloud" => (&[], false),
        _ => (&[], true),
    }
}

#[test]
fn imported_use_cases_check_format_and_decide_like_their_folders() {
    let mut decided = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("ALLOW").is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let out = tempfile::tempdir().expect("temp dir");
        let out_dir = out.path().to_str().expect("utf-8 path");
        let (extra, with_entities) = import_args(&name);
        let policies = dir.join("policies.cedar");
        let schema = dir.join("policies.cedarschema");
        let entities = dir.join("entities.json");
        let mut args = vec![
            "import",
            "cedar",
            "--policies",
            policies.to_str().unwrap_or_default(),
            "--schema",
            schema.to_str().unwrap_or_default(),
            "--out",
            out_dir,
        ];
        args.extend_from_slice(extra);
        if !with_entities {
            let mut strict = args.clone();
            strict.extend(["--entities", entities.to_str().unwrap_or_default()]);
            let refused = writ(&strict);
            assert_eq!(refused.status.code(), Some(1), "{name}: {}", text(&refused));
            assert!(text(&refused).contains("modifyACL") || text(&refused).contains("manageACL"));
            let imported = writ(&args);
            assert!(imported.status.success(), "{name}: {}", text(&imported));
            assert!(writ(&["check", out_dir]).status.success());
            continue;
        }
        args.extend(["--entities", entities.to_str().unwrap_or_default()]);
        let imported = writ(&args);
        assert!(imported.status.success(), "{name}: {}", text(&imported));
        let check = writ(&["check", out_dir]);
        assert!(check.status.success(), "{name}: {}", text(&check));
        let fmt = writ(&["fmt", "--check", out_dir]);
        assert!(
            fmt.status.success(),
            "{name}: not formatted: {}",
            text(&fmt)
        );
        let snapshot = out.path().join("snapshot.json");
        for (folder, code) in [("ALLOW", 0), ("DENY", 2)] {
            for request in std::fs::read_dir(dir.join(folder))
                .expect("requests")
                .filter_map(|e| e.ok())
            {
                let eval = writ(&[
                    "eval",
                    "--policies",
                    out_dir,
                    "--snapshot",
                    snapshot.to_str().unwrap_or_default(),
                    "--cedar-request",
                    request.path().to_str().unwrap_or_default(),
                ]);
                assert_eq!(
                    eval.status.code(),
                    Some(code),
                    "{name}/{folder}/{:?}: {}",
                    request.file_name(),
                    text(&eval)
                );
                decided += 1;
            }
        }
    }
    assert!(decided >= 19, "{decided} requests decided");
}

#[test]
fn import_errors_name_the_construct_and_its_position() {
    let out = tempfile::tempdir().expect("temp dir");
    let policies = out.path().join("p.cedar");
    let schema = out.path().join("s.cedarschema");
    std::fs::write(
        &schema,
        "entity User; action view appliesTo { principal: User, resource: User };",
    )
    .expect("write");
    std::fs::write(
        &policies,
        "permit (principal, action, resource)\nwhen { principal.nope };",
    )
    .expect("write");
    let output = writ(&[
        "import",
        "cedar",
        "--policies",
        policies.to_str().unwrap_or_default(),
        "--schema",
        schema.to_str().unwrap_or_default(),
        "--out",
        out.path().join("out").to_str().unwrap_or_default(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = text(&output);
    assert!(message.contains("p.cedar:2:"), "{message}");
    assert!(message.contains("nope"), "{message}");
}
