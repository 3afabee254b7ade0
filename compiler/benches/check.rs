//! `writ check` on a large policy set: the full check, and the re-check after editing one rule.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use writ_compiler::Compiler;

mod generate;

const TYPES: usize = 200;
const RULES: usize = 10_000;
const FILES: usize = 100;

fn load(set: &generate::PolicySet) -> (Compiler, Vec<writ_compiler::SourceFile>) {
    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", set.schema.clone());
    let files = set
        .files
        .iter()
        .map(|(path, text)| compiler.add_file(path.clone(), text.clone()))
        .collect();
    (compiler, files)
}

fn benches(c: &mut Criterion) {
    let set = generate::generate(TYPES, RULES, FILES);
    {
        let (compiler, _) = load(&set);
        let diagnostics = compiler.diagnostics();
        assert!(
            diagnostics.is_empty(),
            "{}",
            writ_compiler::render::render(compiler.db(), &diagnostics, false)
        );
    }
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.bench_function("full_10k_rules_100_files_200_types", |b| {
        b.iter_batched(
            || set.clone_texts(),
            |set| {
                let (compiler, _) = load(&set);
                assert!(compiler.diagnostics().is_empty());
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("full_and_lower_10k_rules", |b| {
        b.iter_batched(
            || set.clone_texts(),
            |set| {
                let (compiler, _) = load(&set);
                assert_eq!(compiler.lowered_items().len(), RULES + 1);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("recheck");
    let (mut compiler, files) = load(&set);
    compiler.diagnostics();
    let mut variant = 0;
    group.bench_function("one_rule_edited_10k_rules", |b| {
        b.iter(|| {
            variant += 1;
            let text = generate::edited_file(TYPES, RULES, FILES, 42, 1 + variant % 2);
            compiler.set_text(files[42], text);
            assert!(compiler.diagnostics().is_empty());
        })
    });
    group.finish();
}

trait CloneTexts {
    fn clone_texts(&self) -> Self;
}

impl CloneTexts for generate::PolicySet {
    fn clone_texts(&self) -> Self {
        generate::PolicySet {
            schema: self.schema.clone(),
            files: self.files.clone(),
        }
    }
}

criterion_group!(check, benches);
criterion_main!(check);
