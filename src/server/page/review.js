// The review page: lists recent decisions from GET /v1/decisions and shows one from
// GET /v1/decisions/{seq}. Everything a client sent is inserted with textContent, never as
// markup.
"use strict";

const $ = (selector) => document.querySelector(selector);

/** Creates an element with a class and text (or children). */
function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (Array.isArray(content)) node.append(...content.filter((c) => c != null));
  else if (content != null) node.textContent = String(content);
  return node;
}

function badge(outcome) {
  return el("span", "badge " + outcome, outcome);
}

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
  return body;
}

let selected = null;
let newest = null;

async function loadPolicy() {
  try {
    const p = await getJson("/v1/policies");
    $("#policy").textContent =
      p.rules.length + " rules in " + p.files.filter((f) => !f.prelude).length +
      " files from " + p.path + " — policy " + p.policy_hash.slice(0, 12) +
      "…, loaded " + p.loaded_at;
    const error = p.last_reload_error;
    $("#reload-error").hidden = !error;
    $("#reload-error-text").textContent = error ? error.message : "";
  } catch (e) {
    $("#policy").textContent = "cannot read the policy set: " + e.message;
  }
}

function query() {
  const form = new FormData($("#filters"));
  const params = new URLSearchParams();
  for (const key of ["outcome", "action", "actor"]) {
    const value = String(form.get(key) || "").trim();
    if (value) params.set(key, value);
  }
  params.set("limit", "200");
  return params;
}

async function loadList() {
  let body;
  try {
    body = await getJson("/v1/decisions?" + query());
  } catch (e) {
    $("#status").textContent = "cannot list decisions: " + e.message;
    return;
  }
  const rows = body.decisions.map((d) => {
    const row = el("tr", d.seq === selected ? "selected" : "", [
      el("td", "seq", d.seq),
      el("td", "time", d.time.slice(11, 23)),
      el("td", null, [badge(d.decision)]),
      el("td", "action", d.action),
      el("td", "actor", d.actor),
      el("td", "resource", d.resource),
    ]);
    row.dataset.seq = d.seq;
    row.tabIndex = 0;
    row.title = d.summary;
    return row;
  });
  $("#decisions tbody").replaceChildren(...rows);
  $("#empty").hidden = rows.length > 0;
  newest = body.decisions.length ? body.decisions[0].seq : null;
  $("#status").textContent =
    body.decisions.length + " shown of the " + body.kept + " kept in memory";
}

function clauseView(clause) {
  const state = clause.error ? "error" : String(clause.value);
  const values = (clause.values || []).map((v) => el("li", null, [el("code", null, v.expr), " = ", el("code", null, v.value)]));
  return el("div", "clause " + state, [
    el("div", null, [
      el("code", null, clause.kind + " " + clause.source),
      " → ",
      el("strong", null, clause.error ? "error: " + clause.error : String(clause.value)),
      el("span", "muted", "  line " + clause.line),
    ]),
    values.length ? el("ul", "values", values) : null,
  ]);
}

function ruleView(rule, extra) {
  const clauses = Array.isArray(rule.clauses) ? rule.clauses : [rule.failed].filter(Boolean);
  return el("div", "rule", [
    el("div", null, [el("strong", "rule-name", rule.rule), " ", el("span", "muted", rule.effect)]),
    el("div", "where", rule.file + ":" + rule.line + ":" + rule.column),
    rule.because ? el("div", null, "because: " + rule.because) : null,
    extra ? el("div", "muted", extra) : null,
    ...clauses.map(clauseView),
  ]);
}

function section(title, children) {
  if (!children || children.length === 0) return null;
  return el("div", null, [el("h3", null, title), ...children]);
}

async function select(seq) {
  selected = seq;
  for (const row of document.querySelectorAll("#decisions tbody tr")) {
    row.classList.toggle("selected", Number(row.dataset.seq) === seq);
  }
  const detail = $("#detail");
  detail.replaceChildren(el("p", "muted", "loading decision " + seq + "…"));
  let entry;
  try {
    entry = await getJson("/v1/decisions/" + seq);
  } catch (e) {
    detail.replaceChildren(el("p", "banner", "cannot load decision " + seq + ": " + e.message));
    return;
  }
  if (selected !== seq) return;
  const d = entry.decision;
  const intent = entry.request.intent || {};
  const parts = [
    el("h2", null, ["Decision " + entry.seq + " ", badge(d.decision)]),
    el("p", "summary", d.summary),
    el("p", "muted", [
      el("code", null, String(intent.action)), " by ", el("code", null, String(intent.actor)),
      intent.resource ? " on " : "", intent.resource ? el("code", null, String(intent.resource)) : null,
      " at " + entry.time,
    ]),
    section("Deciding rules", (d.reasons || []).map((r) => ruleView(r))),
    section("Nearest allow rules", (d.nearest || []).map((r) =>
      ruleView(r, "clause " + (r.passed + 1) + " of " + r.clauses + " does not hold"))),
    section("Invariants", (d.invariants || []).map((i) => el("div", "rule", [
      el("strong", null, i.name), " ", el("span", "muted", i.holds === null ? "could not be checked" : "would not hold"),
      el("div", "where", i.file + ":" + i.line),
      el("ul", "values", (i.values || []).map((v) => el("li", null, [el("code", null, v.expr), " = ", el("code", null, v.value)]))),
    ]))),
    section("Invalid input", (d.validation || []).map((v) => el("div", "rule", [el("code", null, v.path), ": " + v.message]))),
    section("Errors", (d.errors || []).map((e) => el("div", "rule", [
      el("strong", null, e.rule), ": " + e.message, el("div", "where", e.file + ":" + e.line), el("code", null, e.source)]))),
    section("Delegation", d.delegation ? [el("pre", null, JSON.stringify(d.delegation, null, 2))] : []),
    section("Approvers and obligations", (d.approvers || []).length + (d.obligations || []).length
      ? [el("p", null, "approvers: " + (d.approvers || []).join(", ") + "; obligations: " + (d.obligations || []).join(", "))]
      : []),
    section("Explanation", [entry.explanation
      ? el("pre", "explanation", entry.explanation)
      : el("p", "muted", entry.explanation_unavailable || "no explanation available")]),
    section("Request", [el("pre", "request", JSON.stringify(entry.request, null, 2))]),
    section("Hashes", [el("dl", "hashes", [
      el("dt", null, "policy"), el("dd", null, entry.policy_hash),
      el("dt", null, "intent"), el("dd", null, d.intent_hash),
      el("dt", null, "snapshot"), el("dd", null, d.snapshot_hash),
      el("dt", null, "entry"), el("dd", null, entry.hash),
      el("dt", null, "previous"), el("dd", null, entry.prev),
    ])]),
  ];
  // Sections with nothing to show are left out (section() returns null for them).
  detail.replaceChildren(...parts.filter((part) => part != null));
  detail.id = "detail";
  detail.dataset.seq = String(seq);
}

function rowOf(target) {
  const row = target.closest("tr[data-seq]");
  return row ? Number(row.dataset.seq) : null;
}

document.addEventListener("DOMContentLoaded", () => {
  $("#decisions tbody").addEventListener("click", (event) => {
    const seq = rowOf(event.target);
    if (seq !== null) select(seq);
  });
  $("#decisions tbody").addEventListener("keydown", (event) => {
    const seq = rowOf(event.target);
    if (seq !== null && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(seq);
    }
  });
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadList();
  });
  $("#filters").addEventListener("change", () => loadList());
  let timer = null;
  $("#live").addEventListener("change", (event) => {
    clearInterval(timer);
    if (event.target.checked) {
      timer = setInterval(async () => {
        const before = newest;
        const body = await getJson("/v1/decisions?limit=1").catch(() => null);
        if (body && body.decisions.length && body.decisions[0].seq !== before) {
          loadList();
          loadPolicy();
        }
      }, 2000);
    }
  });
  loadPolicy();
  loadList();
});
