// Checks the TextMate grammar as part of the build: it is valid JSON, every `include` names a
// rule of its repository, every regular expression compiles, and sample lines get the scopes
// they should. (VS Code uses Oniguruma; the grammar keeps to syntax both engines accept.)

"use strict";
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "syntaxes", "writ.tmLanguage.json");
const grammar = JSON.parse(fs.readFileSync(file, "utf8"));
const problems = [];

function visit(rule, where) {
  for (const key of ["match", "begin", "end"]) {
    if (typeof rule[key] === "string") {
      try {
        new RegExp(rule[key]);
      } catch (error) {
        problems.push(`${where}.${key}: ${error.message}`);
      }
    }
  }
  if (typeof rule.include === "string" && rule.include.startsWith("#")) {
    if (!grammar.repository[rule.include.slice(1)]) {
      problems.push(`${where}: no repository rule ${rule.include}`);
    }
  }
  (rule.patterns || []).forEach((p, i) => visit(p, `${where}.patterns[${i}]`));
}

visit(grammar, "grammar");
for (const [name, rule] of Object.entries(grammar.repository)) {
  visit(rule, `repository.${name}`);
}

// The first pattern (in grammar order) that matches at the start of `text`, by scope name.
function flatten(rule) {
  if (rule.include) {
    return flatten(grammar.repository[rule.include.slice(1)]);
  }
  if (rule.patterns && !rule.begin) {
    return rule.patterns.flatMap(flatten);
  }
  return [rule];
}
const rules = grammar.patterns.flatMap(flatten);
function scopeAt(text) {
  for (const rule of rules) {
    const source = rule.match || rule.begin;
    const found = new RegExp(source, "y").exec(text);
    if (found) {
      return rule.name || (rule.captures && rule.captures["1"] && rule.captures["1"].name);
    }
  }
  return undefined;
}
const samples = [
  ["/// docs", "comment.line.documentation.writ"],
  ["// note", "comment.line.double-slash.writ"],
  ['"text"', "string.quoted.double.writ"],
  ["@2026-01-31T09:30:00Z", "constant.numeric.datetime.writ"],
  ["1h30m", "constant.numeric.duration.writ"],
  ["12.50", "constant.numeric.decimal.writ"],
  ["deny secret_writes on fs.write", "keyword.control.effect.writ"],
  ["entity File in Workspace", "storage.type.writ"],
  ['User::"alice"', "entity.name.type.writ"],
  ["when actor.ring", "keyword.control.writ"],
  ["actor", "variable.language.writ"],
  ["Int", "support.type.primitive.writ"],
  ["&&", "keyword.operator.logical.writ"],
];
for (const [text, scope] of samples) {
  const found = scopeAt(text);
  if (found !== scope) {
    problems.push(`${JSON.stringify(text)} is ${found}, expected ${scope}`);
  }
}

if (problems.length > 0) {
  console.error(`writ.tmLanguage.json has ${problems.length} problem(s):`);
  for (const p of problems) {
    console.error(`  ${p}`);
  }
  process.exit(1);
}
console.log(`writ.tmLanguage.json: ${samples.length} samples scoped as expected`);
