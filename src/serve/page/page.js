// claimscrub quick check: the form is read on every edit (debounced), sent to /v1/quick,
// and the findings are shown; codes complete from /v1/codes; a header code offers its
// billable children and an unknown code its near matches, from /v1/codes/{code}.
"use strict";
const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 200;
let timer = 0;
let seq = 0;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function addRow(listId, templateId, focus) {
  const li = $(templateId).content.firstElementChild.cloneNode(true);
  $(listId).append(li);
  li.querySelector(".remove").addEventListener("click", () => {
    const prev = li.previousElementSibling || li.nextElementSibling;
    li.remove(); number(); schedule();
    (prev ? prev.querySelector(".code") : $(listId === "diagnoses" ? "add-dx" : "add-proc")).focus();
  });
  number();
  if (focus) li.querySelector(".code").focus();
  return li;
}

// Label every row so a screen reader says which diagnosis or procedure it is.
function number() {
  document.querySelectorAll("#diagnoses li").forEach((li, i) => {
    li.querySelector(".n").textContent = `Diagnosis ${i + 1}`;
    li.querySelector(".remove").setAttribute("aria-label", `Remove diagnosis ${i + 1}`);
  });
  document.querySelectorAll("#procedures li").forEach((li, i) => {
    li.querySelector(".code").setAttribute("aria-label", `Procedure ${i + 1} code`);
    li.querySelector(".mods").setAttribute("aria-label", `Procedure ${i + 1} modifiers`);
    li.querySelector(".units").setAttribute("aria-label", `Procedure ${i + 1} units`);
    li.querySelector(".remove").setAttribute("aria-label", `Remove procedure ${i + 1}`);
  });
}

function body() {
  const codes = (sel) => [...document.querySelectorAll(sel)];
  const b = {
    diagnoses: codes("#diagnoses .code").map((i) => i.value.trim()).filter(Boolean),
    procedures: codes("#procedures li").map((li) => ({
      code: li.querySelector(".code").value.trim(),
      modifiers: li.querySelector(".mods").value.split(/[\s,]+/).filter(Boolean),
      units: Number(li.querySelector(".units").value) || 1,
    })).filter((p) => p.code),
    claim_type: $("type").value,
  };
  if ($("age").value !== "") b.age = Number($("age").value);
  if ($("sex").value) b.sex = $("sex").value;
  if ($("pos").value.trim()) b.place_of_service = $("pos").value.trim();
  if ($("payer").value.trim()) b.payer = $("payer").value.trim();
  if ($("date").value) b.date_of_service = $("date").value;
  return b;
}

function schedule() { clearTimeout(timer); timer = setTimeout(check, DEBOUNCE_MS); }

async function check() {
  const mine = ++seq;
  const b = body();
  offers();
  if (!b.diagnoses.length && !b.procedures.length) {
    $("findings").replaceChildren(); $("status").textContent = "Type a code to start."; return;
  }
  let r, j;
  try { r = await fetch("/v1/quick", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }); j = await r.json(); }
  catch (e) { if (mine === seq) $("status").textContent = "The server did not answer."; return; }
  if (mine !== seq) return; // a newer edit is on its way
  if (!r.ok) { $("findings").replaceChildren(); $("status").textContent = j.error ? j.error.message : `Error ${r.status}`; return; }
  const n = j.findings.length;
  $("status").textContent = n ? `${n} finding${n > 1 ? "s" : ""}.` : "No findings: this combination passes every rule.";
  $("findings").replaceChildren(...j.findings.map(finding));
}

function finding(f) {
  const where = f.line ? `line ${f.line}` : "claim";
  return el("li", { class: f.severity, "data-rule": f.rule },
    el("span", { class: "sev" }, f.severity), el("span", { class: "msg" }, f.message),
    el("p", { class: "help" }, f.help),
    el("p", { class: "meta" }, `${where} · CARC ${f.carc || "none"}${f.rarc ? ` · RARC ${f.rarc}` : ""} · `,
      el("a", { href: `/v1/rules/${encodeURIComponent(f.rule)}` }, `${f.rule} docs`)));
}

// For each diagnosis: a header offers its billable children, an unknown code its near matches.
const looked = new Map();
async function offers() {
  const date = $("date").value;
  for (const li of document.querySelectorAll("#diagnoses li")) {
    const code = li.querySelector(".code").value.trim();
    const box = li.querySelector(".offer");
    const key = `${code}|${date}`;
    if (!code || code.length < 3) { box.replaceChildren(); box.dataset.key = ""; continue; }
    if (box.dataset.key === key) continue;
    box.dataset.key = key;
    let d = looked.get(key);
    if (!d) {
      const q = new URLSearchParams({ system: "icd10cm" }); if (date) q.set("date", date);
      try { const r = await fetch(`/v1/codes/${encodeURIComponent(code)}?${q}`); if (!r.ok) continue; d = (await r.json()).results[0]; looked.set(key, d); }
      catch (e) { continue; }
    }
    if (box.dataset.key !== key) continue;
    box.replaceChildren(...offer(li, d));
  }
}

function offer(li, d) {
  const input = li.querySelector(".code");
  const use = (code) => { input.value = code; li.querySelector(".offer").replaceChildren(); schedule(); input.focus(); };
  if (d.record && d.record.billable === false && d.children.length) {
    const id = `pick-${Math.random().toString(36).slice(2)}`;
    const sel = el("select", { id, class: "children" }, ...d.children.map((c) => el("option", { value: c.display_code }, `${c.display_code} ${c.title}`)));
    return [el("label", { for: id }, `${d.display_code} is a header; pick a billable code: `), sel,
      el("button", { type: "button", class: "use", onclick: () => use(sel.value) }, "Use code")];
  }
  if (!d.record && d.suggestions && d.suggestions.length) {
    return [el("span", {}, "Unknown code; did you mean: "), ...d.suggestions.map((s) =>
      el("button", { type: "button", class: "suggestion", onclick: () => use(s) }, s))];
  }
  return [];
}

// Completion as you type: the datalist of the focused kind of field.
let completing = 0;
async function complete(input, listId, systems) {
  const prefix = input.value.trim();
  const mine = ++completing;
  if (prefix.length < 1) return;
  const date = $("date").value;
  const all = [];
  for (const system of systems) {
    const q = new URLSearchParams({ prefix, system, limit: "15" }); if (date) q.set("date", date);
    try { const r = await fetch(`/v1/codes?${q}`); if (r.ok) all.push(...(await r.json()).completions); } catch (e) { /* offline: no completion */ }
  }
  if (mine !== completing) return;
  $(listId).replaceChildren(...all.map((c) => el("option", { value: c.display_code }, c.title)));
}

document.addEventListener("input", (e) => {
  const t = e.target;
  if (t.matches("#diagnoses .code")) complete(t, "dx-list", ["icd10cm"]);
  if (t.matches("#procedures .code")) complete(t, "proc-list", procSystems);
  schedule();
});
document.addEventListener("change", schedule);
document.addEventListener("keydown", (e) => {
  if (!e.altKey) return;
  if (e.key === "d" || e.key === "D") { e.preventDefault(); addRow("diagnoses", "dx-row", true); }
  if (e.key === "p" || e.key === "P") { e.preventDefault(); addRow("procedures", "proc-row", true); }
});
$("add-dx").addEventListener("click", () => addRow("diagnoses", "dx-row", true));
$("add-proc").addEventListener("click", () => addRow("procedures", "proc-row", true));
$("form").addEventListener("submit", (e) => { e.preventDefault(); check(); });
// Procedures complete from HCPCS, and from CPT when the server has a CPT file loaded.
let procSystems = ["hcpcs"];
fetch("/healthz").then((r) => r.json()).then((h) => {
  if (h.codesets.some((c) => c.name === "cpt")) procSystems = ["hcpcs", "cpt"];
}).catch(() => {});
addRow("diagnoses", "dx-row", true);
addRow("procedures", "proc-row", false);
