// The review page: the queue, then one document at a time (page left, fields right).
// Plain JS, no build step. Talks only to the review API on this origin.
"use strict";

const REASONS = {
  MISSING: "no value was found",
  PATTERN_MISMATCH: "the text does not have this field's shape",
  LOW_OCR_CONFIDENCE: "the OCR was unsure of a word",
  VARIANTS_DISAGREE: "two readings of it disagree",
  AMBIGUOUS_DATE: "the date reads more than one way",
  UNKNOWN_MEDICINE: "the medicine is not in the drug list",
  UNKNOWN_WORD: "a word of it is in no vocabulary",
  IMPLAUSIBLE_VALUE: "the value is implausible for this field",
  DATES_INCONSISTENT: "the date contradicts another date",
  FLAGGED_FIELD_UNCHECKED: "a flagged field needs your value",
  UNKNOWN_FIELD: "the form has no such field",
};
const $ = (sel) => document.querySelector(sel);
const state = { status: "NEEDS_REVIEW", queue: [], next: null, doc: null, page: 1, zoom: 1, x: 0, y: 0, opening: 0, skipped: new Set() };

// ------------------------------------------------------------------ the API
function token() {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (hash.get("access_token")) {  // back from the sign-in page
    sessionStorage.setItem("token", hash.get("access_token"));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("token");
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error((data && data.message) || response.statusText), { status: response.status, data });
  return data;
}

function say(text, ok = false) {
  $("#message").textContent = text || "";
  $("#message").classList.toggle("ok", ok);
}
// A message for the next view (after submit-and-next, the next document says what was saved).
function sayNext(text, ok = true) { state.flash = { text, ok }; }
function sayFlash(otherwise = "") {
  const flash = state.flash;
  state.flash = null;
  if (flash) say(flash.text, flash.ok); else say(otherwise);
}

// ------------------------------------------------------------------ routing
function route() {
  const hash = location.hash || "#/";
  const doc = hash.match(/^#\/doc\/([a-z]+_[0-9a-f]+)/);
  if (doc) return openDocument(doc[1]);
  const params = new URLSearchParams(hash.split("?")[1] || "");
  state.status = params.get("status") || "NEEDS_REVIEW";
  return showQueue();
}
window.addEventListener("hashchange", () => route().catch(fail));
window.addEventListener("DOMContentLoaded", () => start().catch(fail));

async function start() {
  token();
  const config = await api("GET", "/config");
  $("#upload").hidden = !config.uploads;
  try {
    const who = await api("GET", "/me");
    $("#who").textContent = `signed in as ${who.name}`;
    $("#who").dataset.name = who.name;
  } catch (err) {
    if (err.status !== 401) throw err;
    if (config.login_url) { location.assign(config.login_url); return; }
    throw err;
  }
  await route();
}

function fail(err) {
  say(err.status === 401 ? "Sign in first (your session has no valid token)." : `Error: ${err.message}`);
}

// ------------------------------------------------------------------ the queue
async function showQueue(more = false) {
  $("#document-view").hidden = true;
  $("#queue-view").hidden = false;
  document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("current", a.dataset.status === state.status));
  const query = new URLSearchParams({ status: state.status, limit: "25" });
  if (more && state.next) query.set("next", state.next);
  const page = await api("GET", `/documents?${query}`);
  state.queue = more ? state.queue.concat(page.items) : page.items;
  state.next = page.next;
  const body = $("#queue tbody");
  body.replaceChildren(...state.queue.map((item) => {
    const row = document.createElement("tr");
    row.dataset.id = item.document_id;
    const missing = (item.missing_pages || []).length ? `page ${item.missing_pages.join(", ")} not sent` : "";
    const cells = [item.received_at.replace("T", " ").slice(0, 19), item.document_type || "—", item.page_count,
      item.flagged_fields.join(", ") || "—", [item.failure_reason, missing].filter(Boolean).join("; ") || "—"];
    for (const text of cells) { const td = document.createElement("td"); td.textContent = text; row.append(td); }
    const open = document.createElement("td");
    const link = Object.assign(document.createElement("a"), { href: `#/doc/${item.document_id}`, textContent: "open" });
    open.append(link); row.append(open);
    return row;
  }));
  $("#more").hidden = !state.next;
  sayFlash(state.queue.length ? "" : "Nothing here.");
}
$("#more").addEventListener("click", () => showQueue(true).catch(fail));

$("#upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  if (!file) return;
  const types = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", tif: "image/tiff", tiff: "image/tiff" };
  const type = file.type || types[file.name.split(".").pop().toLowerCase()];
  try {
    const ticket = await api("POST", "/uploads", { content_type: type, size: file.size });
    const form = new FormData();
    for (const [k, v] of Object.entries(ticket.fields)) form.append(k, v);
    form.append("file", file);
    const sent = await fetch(ticket.url, { method: "POST", body: form });
    if (!sent.ok) throw new Error(`the upload was refused (${sent.status})`);
    say("Uploaded: it will appear here once it has been read.", true);
  } catch (err) { fail(err); }
});

// ------------------------------------------------------------------ a document
// Nothing of the previous document stays in view while this one loads (or if it fails).
function clearDocument() {
  state.doc = null;
  state.active = null;
  state.userZoom = false;
  const img = $("#page");
  img.onload = null;
  img.removeAttribute("src");
  delete img.dataset.src;
  for (const sel of ["#boxes", "#page-buttons", "#fields", "#history", "#failure", "#doc-reasons"]) $(sel).replaceChildren();
  $("#doc-title").textContent = $("#doc-state").textContent = "";
  $("#viewer").classList.add("empty");
}

async function openDocument(id) {
  const ticket = ++state.opening;  // a slower answer for an earlier document is dropped
  $("#queue-view").hidden = true;
  $("#document-view").hidden = false;
  clearDocument();
  sayFlash();
  let doc = await api("GET", `/documents/${id}`);
  const mine = doc.claim && doc.claim.holder === $("#who").dataset.name;
  if (doc.status === "NEEDS_REVIEW" && !mine) {
    try { await api("POST", `/documents/${id}/claim`); doc = await api("GET", `/documents/${id}`); }
    catch (err) { if (err.status === 409) say(`Read-only: ${err.message}`); else throw err; }
  }
  if (ticket !== state.opening) return;
  state.doc = doc;
  state.touched = new Set();
  state.page = (doc.fields[doc.field_order[0]] || {}).page || 1;
  renderDocument();
  await renderHistory();
}

function editable() {
  const d = state.doc;
  return d.status === "NEEDS_REVIEW" && (!d.claim || d.claim.holder === $("#who").dataset.name);
}

function confClass(c) { return c >= 0.9 ? "conf-high" : c >= 0.8 ? "conf-mid" : "conf-low"; }

function asText(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join("\n");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return String(value);
}

function renderDocument() {
  const d = state.doc;
  $("#doc-title").textContent = `${d.document_type || "document"} · ${d.document_id.slice(0, 12)}…`;
  $("#doc-state").textContent = `status ${d.status} · version ${d.version}` +
    (d.claim ? ` · held by ${d.claim.holder} until ${d.claim.expires_at.slice(11, 16)} UTC` : "") +
    (d.reviewed_by ? ` · reviewed by ${d.reviewed_by}` : "");
  $("#doc-state").dataset.status = d.status;
  const failure = $("#failure");
  failure.hidden = !d.failure;
  failure.textContent = d.failure ? `This document could not be read: ${d.failure.reason} — ${d.failure.message}` : "";
  const incomplete = $("#doc-reasons");
  incomplete.hidden = !d.missing_pages.length;
  incomplete.textContent = d.missing_pages.length ?
    `Incomplete record: page ${d.missing_pages.join(", ")} of ${Math.max(...d.missing_pages)} was not sent. ` +
    "Its fields are empty because they were not on the pages sent, not because the form left them blank: " +
    "ask the sender for the missing page." : "";
  renderPages();
  const form = $("#fields");
  const canEdit = editable();
  form.replaceChildren(...d.field_order.map((name) => fieldRow(name, d.fields[name], canEdit)));
  $("#submit").hidden = $("#release").hidden = !canEdit;
  updateSubmit();
  const first = form.querySelector("textarea, input");
  if (first && canEdit) first.focus();
}

function fieldRow(name, field, canEdit) {
  const flagged = field.needs_review;
  const unsent = state.doc.unsent_fields.includes(name);
  const row = document.createElement("div");
  // A reviewed field was checked by a person: no machine confidence colour.
  // A field of a page not sent was never read: it is not "confident", it is absent.
  const kind = unsent ? "unsent" : field.review ? "reviewed" : confClass(field.confidence);
  row.className = `field ${kind}${flagged ? " flagged" : ""}`;
  row.dataset.field = name;
  const multi = Array.isArray(field.value) || asText(field.value).includes("\n");
  const input = document.createElement(multi ? "textarea" : "input");
  input.id = `f-${name}`;
  input.name = name;
  input.value = asText(field.value);
  input.dataset.original = input.value;
  input.readOnly = !canEdit || unsent;
  if (unsent) input.placeholder = "not on the pages sent";
  if (multi) input.rows = Math.max(2, input.value.split("\n").length);
  const label = document.createElement("label");
  label.htmlFor = input.id;
  label.innerHTML = `<span></span><span class="conf"></span>`;
  label.firstChild.textContent = name.replaceAll("_", " ") + (flagged ? " ⚑" : "");
  label.lastChild.textContent = unsent ? "not on the pages sent"
    : field.review ? `checked by ${field.review.reviewed_by}` : `${Math.round(field.confidence * 100)} %`;
  row.append(label, input);
  if (field.review_reasons.length) {
    const why = document.createElement("p");
    why.className = "reasons";
    why.textContent = field.review_reasons.map((r) => REASONS[r] || r).join("; ");
    row.append(why);
  }
  if (field.suggestion && !field.review) {
    const hint = document.createElement("p");
    hint.className = "machine";
    hint.textContent = `suggested: ${asText(field.suggestion)}`;
    row.append(hint);
  }
  if (field.review && field.review.changed) {
    const machine = document.createElement("p");
    machine.className = "machine";
    machine.textContent = `read as: ${asText(field.review.extracted_value) || "(nothing)"}`;
    row.append(machine);
  }
  input.addEventListener("focus", () => activate(name));
  input.addEventListener("input", () => { state.touched.add(name); row.classList.add("touched"); updateSubmit(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();  // Enter accepts the field; Shift+Enter is a new line
      state.touched.add(name); row.classList.add("touched"); updateSubmit();
      const inputs = [...document.querySelectorAll("#fields input, #fields textarea")];
      const next = inputs[inputs.indexOf(input) + 1];
      if (next) next.focus(); else $("#submit").focus();
    }
  });
  return row;
}

function untouchedFlagged() {
  return state.doc.field_order.filter((n) => state.doc.fields[n].needs_review && !state.touched.has(n));
}

function updateSubmit() {
  const left = untouchedFlagged();
  const button = $("#submit");
  button.disabled = !editable() || left.length > 0;
  button.title = left.length ? `still to check: ${left.join(", ")}` : "";
}

function activate(name) {
  document.querySelectorAll(".field.active, .box.active").forEach((e) => e.classList.remove("active"));
  state.active = name;
  const field = state.doc.fields[name];
  document.querySelector(`.field[data-field="${name}"]`)?.classList.add("active");
  if (field && field.page && field.page !== state.page) { state.page = field.page; renderPages(); }  // focusView on load
  else if ($("#page").complete && $("#page").naturalWidth) focusView();
  document.querySelector(`.box[data-field="${name}"]`)?.classList.add("active");
}

// ------------------------------------------------------------------ page, boxes, zoom, pan
function renderPages() {
  const d = state.doc;
  const buttons = $("#page-buttons");
  buttons.replaceChildren(...d.pages.map((p) => {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: `page ${p.page}` });
    b.setAttribute("aria-pressed", String(p.page === state.page));
    b.addEventListener("click", () => { state.page = p.page; renderPages(); });
    return b;
  }));
  const link = d.pages.find((p) => p.page === state.page) || d.pages[0];
  const img = $("#page");
  $("#viewer").classList.toggle("empty", !link);  // no image, no zoom: nothing to show
  if (!link) { img.onload = null; img.removeAttribute("src"); delete img.dataset.src; }
  else if (img.dataset.src !== link.url) { img.dataset.src = link.url; img.onload = focusView; img.src = link.url; }
  const boxes = $("#boxes");
  boxes.replaceChildren(...Object.entries(d.fields)
    .filter(([, f]) => f.box && (f.page || 1) === (link ? link.page : 1))
    .map(([name, f]) => {
      const box = document.createElement("div");
      box.className = `box${f.needs_review ? " flagged" : ""}`;
      box.dataset.field = name;
      box.title = name;
      Object.assign(box.style, { left: `${f.box.left * 100}%`, top: `${f.box.top * 100}%`,
        width: `${f.box.width * 100}%`, height: `${f.box.height * 100}%` });
      box.addEventListener("click", () => document.getElementById(`f-${name}`)?.focus());
      return box;
    }));
}

// The sheet is the page at the stage's width, scaled by state.zoom from its top-left
// corner and moved by (state.x, state.y). Every zoom keeps one point still: the cursor
// (wheel), else the active field's box, else the stage's centre.
function place() { $("#sheet").style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.zoom})`; }
function sheetSize() {
  const stage = $("#stage"), img = $("#page");
  return { w: stage.clientWidth, h: stage.clientWidth * (img.naturalHeight / img.naturalWidth || 1.3) };
}
function fitZoom() { return Math.min(1, $("#stage").clientHeight / sheetSize().h) || 1; }
function fit() {
  const stage = $("#stage");
  $("#sheet").style.width = `${stage.clientWidth}px`;
  state.zoom = fitZoom();
  state.userZoom = false;
  state.x = (stage.clientWidth - stage.clientWidth * state.zoom) / 2; state.y = 0;
  place();
}
function activeBox() {
  const d = state.doc, name = state.active;
  const f = d && name && d.fields[name];
  return f && f.box && (f.page || 1) === state.page ? f.box : null;
}
// The active field's box centred, at a zoom that makes it readable (or the reviewer's own).
function focusView() {
  const stage = $("#stage");
  $("#sheet").style.width = `${stage.clientWidth}px`;
  const box = activeBox();
  if (!box) { fit(); return; }
  const { w, h } = sheetSize();
  if (!state.userZoom) state.zoom = Math.min(3, Math.max(fitZoom(), (0.5 * stage.clientWidth) / Math.max(box.width * w, 1)));
  state.x = stage.clientWidth / 2 - (box.left + box.width / 2) * w * state.zoom;
  state.y = stage.clientHeight / 2 - (box.top + box.height / 2) * h * state.zoom;
  place();
}
function zoomBy(factor, at) {
  const stage = $("#stage");
  let point = at;
  if (!point) {
    const box = activeBox(), { w, h } = sheetSize();
    point = box ? { x: state.x + (box.left + box.width / 2) * w * state.zoom, y: state.y + (box.top + box.height / 2) * h * state.zoom }
      : { x: stage.clientWidth / 2, y: stage.clientHeight / 2 };
  }
  const zoom = Math.min(8, Math.max(0.2, state.zoom * factor));
  state.x = point.x - (point.x - state.x) * (zoom / state.zoom);
  state.y = point.y - (point.y - state.y) * (zoom / state.zoom);
  state.zoom = zoom;
  state.userZoom = true;
  place();
}
$("#zoom-in").addEventListener("click", () => zoomBy(1.25));
$("#zoom-out").addEventListener("click", () => zoomBy(0.8));
$("#zoom-reset").addEventListener("click", fit);
$("#stage").addEventListener("wheel", (event) => {
  event.preventDefault();
  const r = $("#stage").getBoundingClientRect();
  zoomBy(event.deltaY < 0 ? 1.1 : 0.9, { x: event.clientX - r.left, y: event.clientY - r.top });
}, { passive: false });
$("#stage").addEventListener("pointerdown", (event) => {
  if (event.target.classList.contains("box")) return;
  const start = { x: event.clientX - state.x, y: event.clientY - state.y };
  const stage = $("#stage");
  stage.classList.add("panning");
  stage.setPointerCapture(event.pointerId);
  const move = (e) => { state.x = e.clientX - start.x; state.y = e.clientY - start.y; place(); };
  const up = () => { stage.classList.remove("panning"); stage.removeEventListener("pointermove", move); };
  stage.addEventListener("pointermove", move);
  stage.addEventListener("pointerup", up, { once: true });
});
window.addEventListener("resize", () => { if (!$("#document-view").hidden && state.doc) focusView(); });

// ------------------------------------------------------------------ submit, release, next
async function submit() {
  if ($("#submit").disabled) { say(`Check every flagged field first: ${untouchedFlagged().join(", ")}`); return; }
  const d = state.doc;
  const values = {};
  for (const input of document.querySelectorAll("#fields input, #fields textarea")) {
    const field = d.fields[input.name];
    if (field.needs_review || input.value !== input.dataset.original) {
      values[input.name] = Array.isArray(field.value) ? input.value.split("\n").filter((l) => l.trim()) : input.value;
    }
  }
  document.querySelectorAll(".field .error").forEach((e) => e.remove());
  try {
    const reviewed = await api("POST", `/documents/${d.document_id}/review`, { version: d.version, values });
    const changed = Object.values(reviewed.fields).filter((f) => f.review && f.review.changed).length;
    sayNext(`Saved ${d.document_id.slice(0, 12)}…: ` + (changed ?
      `${changed} field${changed > 1 ? "s" : ""} corrected.` : "every field confirmed as read, nothing changed."));
    state.doc = reviewed;
    await nextDocument();
  } catch (err) {
    if (err.status === 422 && err.data && err.data.fields) {
      for (const bad of err.data.fields) {
        const row = document.querySelector(`.field[data-field="${bad.field}"]`);
        const p = Object.assign(document.createElement("p"), { className: "error", textContent: REASONS[bad.reason] || bad.message });
        p.dataset.reason = bad.reason;
        row?.append(p);
      }
      say("Some values were refused: see the fields marked.");
    } else if (err.status === 409) offerReload(err.message);
    else fail(err);
  }
}

async function renderHistory() {
  const entries = (await api("GET", `/documents/${state.doc.document_id}/history`)).items;
  $("#history").replaceChildren(...entries.map((e) => {
    const li = document.createElement("li");
    const changes = e.changes.map((c) => `${c.field}: ${asText(c.before) || "∅"} → ${asText(c.after) || "∅"}`).join("; ");
    li.textContent = `${e.at.slice(0, 19).replace("T", " ")} ${e.actor} ${e.action} v${e.version}${changes ? ` (${changes})` : ""}`;
    li.dataset.action = e.action;
    return li;
  }));
}

// Another document changed this one meanwhile (another tab, another reviewer): the
// refusal says how, and the reload is one key away (the button has the focus).
function offerReload(text) {
  say(`Not saved: ${text}. It changed since you opened it.`);
  const button = Object.assign(document.createElement("button"), { type: "button", id: "reload", textContent: "reload it (Enter)" });
  const id = state.doc.document_id;
  button.addEventListener("click", () => openDocument(id).catch(fail));
  $("#message").append(" ", button);
  button.focus();
}

// The next document nobody else holds, after this one; skipped ones come last. A claim
// on the one left is released only when there is another to go to.
async function nextDocument() {
  const current = state.doc;
  const page = await api("GET", `/documents?status=NEEDS_REVIEW&limit=25`);
  const mine = $("#who").dataset.name;
  const free = page.items.filter((i) => (!current || i.document_id !== current.document_id) && (!i.claim || i.claim.holder === mine));
  const next = free.find((i) => !state.skipped.has(i.document_id)) || free[0];
  if (next) {
    if (current && current.status === "NEEDS_REVIEW" && current.claim && editable()) {
      await api("POST", `/documents/${current.document_id}/release`);
      state.skipped.add(current.document_id);
    }
    location.hash = `#/doc/${next.document_id}`;
    return;
  }
  if (current && current.status === "NEEDS_REVIEW") { say("No other document waits for review: this is the last one."); return; }
  const text = state.flash ? `${state.flash.text} ` : "";
  sayNext(`${text}The queue is empty: nothing left to review.`);
  state.status = "NEEDS_REVIEW";
  if (location.hash === "#/?status=NEEDS_REVIEW") await showQueue(); else location.hash = "#/?status=NEEDS_REVIEW";
}

$("#submit").addEventListener("click", () => submit());
$("#release").addEventListener("click", async () => {
  await api("POST", `/documents/${state.doc.document_id}/release`).catch(fail);
  location.hash = "#/";
});
$("#next").addEventListener("click", () => nextDocument().catch(fail));
// Alt+= / Alt+- / Alt+0 zoom from anywhere, a field too (by key position: any layout).
const ZOOM_KEYS = { Equal: () => zoomBy(1.25), NumpadAdd: () => zoomBy(1.25), Minus: () => zoomBy(0.8),
  NumpadSubtract: () => zoomBy(0.8), Digit0: () => fit(), Numpad0: () => fit() };
document.addEventListener("keydown", (event) => {
  if ($("#document-view").hidden) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submit(); }
  else if (event.altKey && (event.key === "n" || event.key === "N")) { event.preventDefault(); nextDocument().catch(fail); }
  else if (event.altKey && ZOOM_KEYS[event.code]) { event.preventDefault(); ZOOM_KEYS[event.code](); }  // never typed
  else if (!["INPUT", "TEXTAREA"].includes(document.activeElement.tagName) && !event.ctrlKey && !event.metaKey) {
    if (event.key === "+" || event.key === "=") zoomBy(1.25);
    else if (event.key === "-") zoomBy(0.8);
    else if (event.key === "0") fit();
  }
});
