//! Times a full check and a one-rule re-check of the generated 10,000-rule policy set, once.
//! For quick looks; the numbers in docs come from `cargo bench -p writ-compiler`.

#[path = "../benches/generate.rs"]
mod generate;

use std::time::Instant;

use writ_compiler::Compiler;

fn main() {
    let set = generate::generate(200, 10_000, 100);
    let start = Instant::now();
    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", set.schema.clone());
    let files: Vec<_> = set
        .files
        .iter()
        .map(|(p, t)| compiler.add_file(p.clone(), t.clone()))
        .collect();
    let diagnostics = compiler.diagnostics();
    println!(
        "full check: {:?} ({} diagnostics)",
        start.elapsed(),
        diagnostics.len()
    );
    if let Some(d) = diagnostics.first() {
        println!(
            "{}",
            writ_compiler::render::render(compiler.db(), std::slice::from_ref(d), false)
        );
    }
    let start = Instant::now();
    let n = compiler.lowered_items().len();
    println!("lower all: {:?} ({n} items)", start.elapsed());
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for variant in 1..=rounds {
        let text = generate::edited_file(200, 10_000, 100, 42, variant);
        let start = Instant::now();
        let d = recheck(&mut compiler, files[42], text);
        let check = start.elapsed();
        compiler.lowered_items();
        println!(
            "re-check after one edit: {check:?}, with lowering {:?} ({d} diagnostics)",
            start.elapsed()
        );
    }
}

#[inline(never)]
fn recheck(compiler: &mut Compiler, file: writ_compiler::SourceFile, text: String) -> usize {
    compiler.set_text(file, text);
    compiler.diagnostics().len()
}
