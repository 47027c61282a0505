// The review page: the queue, then one document at a time (page left, fields right).
// Plain JS, no build step. Talks only to the review API on this origin. Every action
// has a key; the mouse is never needed (see the "keys" panel).
"use strict";

const REASONS = {
  MISSING: "no value found",
  PATTERN_MISMATCH: "not the field's shape",
  LOW_OCR_CONFIDENCE: "OCR unsure of a word",
  VARIANTS_DISAGREE: "two readings disagree",
  UNKNOWN_MEDICINE: "medicine not in the drug list",
  UNKNOWN_WORD: "a word in no vocabulary",
  IMPLAUSIBLE_VALUE: "implausible value",
  DATES_INCONSISTENT: "contradicts another date",
  UNKNOWN_PLACE: "no known state, country or city",
  UNUSUAL_NAME: "a rare name: check its spelling",
  INTERLEAVED_LINES: "two lines read as one",
  UNCONFIRMED: "the field that would confirm it is missing or flagged",
  FLAGGED_FIELD_UNCHECKED: "a flagged field needs your value",
  AUDITED_FIELD_UNCHECKED: "an audit checks every field: accept or correct it",
  UNKNOWN_FIELD: "the form has no such field",
  PAGES_MISSING: "a page of the form was not sent",
  CHECK_DIGIT: "the NPI's check digit is wrong",
  UNKNOWN_CODE: "no such diagnosis code",
  POINTER_UNFILLED: "points to a diagnosis letter with no code",
  TOTAL_MISMATCH: "the total is not the sum of the line charges",
  PLACE_MISMATCH: "no such state, or a ZIP of another state",
  UNREAD_LINE: "writing under it was not read: a line may be missing",
  EMPTY_ROW: "a line with no value: remove it (Alt+Delete)",
  ROWS_MISMATCH: "the lines sent do not match the lines read: reload",
  NOT_A_TABLE: "not a table's lines",
};
// Refusals of a submission, not reasons a document is flagged: not in the queue's filter.
const REFUSALS = ["FLAGGED_FIELD_UNCHECKED", "AUDITED_FIELD_UNCHECKED", "UNKNOWN_FIELD", "EMPTY_ROW", "ROWS_MISMATCH", "NOT_A_TABLE"];
// A failed document: what went wrong in words, and what the reviewer can do about it.
const FAILURES = {
  EMPTY_FILE: ["the file is empty", "Ask the sender for the scan again and upload it."],
  UNSUPPORTED_FORMAT: ["the file is not a PDF, JPEG, PNG or TIFF", "Ask for a PDF or an image of the form and upload it."],
  CORRUPT_DOCUMENT: ["the file is damaged and cannot be opened", "Ask the sender for the scan again and upload it."],
  ENCRYPTED_PDF: ["the PDF is locked with a password", "Ask the sender for an unlocked copy and upload it."],
  TOO_MANY_PAGES: ["the document has more pages than a form has", "Split it into one file per form and upload each, setting its form."],
  PAGE_TOO_LARGE: ["a page is too large to read", "Ask for a scan at 300 dpi and upload it."],
  BLANK_PAGE: ["no text on any page", "Check the sender scanned the printed side; upload the right scan, setting its form if you know it."],
  FILE_TOO_LARGE: ["the file is over the size limit", "Ask for a smaller scan (300 dpi, one form per file) and upload it."],
  SOURCE_NOT_FOUND: ["the upload had gone before it was read", "Upload it again."],
  RENDER_TIMEOUT: ["a page took too long to render", "Ask for a plain scan (not a vector drawing) and upload it."],
  OCR_TIMEOUT: ["a page took too long to read", "Upload a cleaner scan, setting its form type."],
};
const QUEUE_LABEL = { NEEDS_REVIEW: "To review", FAILED: "Failed", REVIEWED: "Reviewed", EXTRACTED: "Extracted" };
const $ = (sel) => document.querySelector(sel);
const state = {
  status: "NEEDS_REVIEW", filters: {}, queue: [], next: null, summary: null,
  doc: null, page: 1, zoom: 1, x: 0, y: 0, active: null, userZoom: false,
  touched: new Set(), opening: 0, skipped: new Set(), flash: null,
};

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

function fail(err) {
  say(err.status === 401 ? "Sign in first (your session has no valid token)." : `Error: ${err.message}`);
}

function me() { return $("#who").dataset.name; }
function when(iso) { return iso ? iso.replace("T", " ").slice(0, 16) : "—"; }
function age(iso) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
}
function hoursOld(iso) { return (Date.now() - Date.parse(iso)) / 3600000; }

// ------------------------------------------------------------------ routing
function route() {
  const hash = location.hash || "#/";
  $("#quality-view").hidden = true;
  $("#quality-tab").classList.remove("current");
  if (hash.startsWith("#/quality")) return showQuality();  // quality.js
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
  const reasons = $("#filter-reason");
  for (const [code, words] of Object.entries({ ...REASONS, ...Object.fromEntries(Object.entries(FAILURES).map(([k, v]) => [k, v[0]])) })) {
    if (REFUSALS.includes(code)) continue;
    reasons.append(Object.assign(document.createElement("option"), { value: code, textContent: words }));
  }
  await route();
}

// ------------------------------------------------------------------ counts and the deadline
async function refreshSummary() {
  const summary = await api("GET", "/queues");
  state.summary = summary;
  for (const q of summary.queues) {
    const tab = document.querySelector(`#tabs a[data-status="${q.status}"] .count`);
    if (tab) tab.textContent = `${q.count}${q.capped ? "+" : ""}`;
  }
  const waiting = summary.queues.find((q) => q.status === "NEEDS_REVIEW");
  const deadline = $("#deadline");
  if (waiting && waiting.oldest_received_at) {
    const hours = hoursOld(waiting.oldest_received_at);
    deadline.textContent = `oldest waiting ${age(waiting.oldest_received_at)} of ${summary.deadline_hours} h`;
    deadline.classList.toggle("late", hours > summary.deadline_hours * 0.75);
  } else {
    deadline.textContent = waiting ? "nothing waiting" : "";
    deadline.classList.remove("late");
  }
}

// ------------------------------------------------------------------ the queue
function queueQuery(status, extra = {}) {
  const query = new URLSearchParams({ status, limit: "25", ...extra });
  for (const [k, v] of Object.entries(state.filters)) if (v) query.set(k, v);
  return query;
}

async function showQueue(more = false) {
  $("#document-view").hidden = true;
  $("#queue-view").hidden = false;
  document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("current", a.dataset.status === state.status));
  $("#start").hidden = state.status !== "NEEDS_REVIEW";
  const flashed = Boolean(state.flash);
  if (flashed) sayFlash();  // at once: what was just saved, and that the queue is empty
  const query = queueQuery(state.status, { free: "false" });
  if (more && state.next) query.set("next", state.next);
  const [page] = await Promise.all([api("GET", `/documents?${query}`), refreshSummary()]);
  state.queue = more ? state.queue.concat(page.items) : page.items;
  state.next = page.next;
  const deadline = state.summary ? state.summary.deadline_hours : 24;
  $("#queue tbody").replaceChildren(...state.queue.map((item) => queueRow(item, deadline)));
  $("#more").hidden = !state.next;
  const filtered = Object.values(state.filters).some(Boolean);
  if (!flashed) say(state.queue.length ? "" : filtered ? "Nothing matches these filters." : `Nothing here (${QUEUE_LABEL[state.status] || state.status}).`);
}

function queueRow(item, deadline) {
  const row = document.createElement("tr");
  row.dataset.id = item.document_id;
  const missing = (item.missing_pages || []).length ? `page ${item.missing_pages.join(", ")} not sent` : "";
  const reasons = [item.failure_reason && (FAILURES[item.failure_reason] || [item.failure_reason])[0],
    ...(item.review_reasons || []).map((r) => REASONS[r] || r), missing].filter(Boolean);
  let who = "—";
  if (item.claim) who = `held by ${item.claim.holder === me() ? "you" : item.claim.holder} since ${when(item.claim.since).slice(11)}`;
  else if (item.reviewed_by) who = `${item.reviewed_by}, ${when(item.reviewed_at)}`;
  else if (item.handled_by) who = `handled by ${item.handled_by}, ${when(item.handled_at)}`;
  const waiting = ["NEEDS_REVIEW", "FAILED"].includes(item.status) ? age(item.received_at) : "";
  const cells = [when(item.received_at), waiting, item.document_type || "—",
    `${item.page_count}${missing ? " (incomplete)" : ""}`, flaggedSummary(item.flagged_fields) || "—",
    [...new Set(reasons)].join("; ") || "—", (item.source_key || "").split("/").pop() || "—", who];
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (i === 1 && waiting && hoursOld(item.received_at) > deadline * 0.75) td.className = "late";
    if (i === 6) td.title = item.source_key || "";
    if (i === 7 && item.claim && item.claim.holder !== me()) td.className = "held";
    row.append(td);
  });
  const open = document.createElement("td");
  open.append(Object.assign(document.createElement("a"), { href: `#/doc/${item.document_id}`, textContent: "open" }));
  row.append(open);
  return row;
}

$("#more").addEventListener("click", () => showQueue(true).catch(fail));
$("#start").addEventListener("click", () => nextDocument().catch(fail));
$("#filters").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("#filter-id").value.trim();
  if (/^[a-z]{1,8}_[0-9a-f]{16,64}$/.test(id)) { location.hash = `#/doc/${id}`; return; }  // a whole id: open it
  state.filters = { form: $("#filter-form").value, reason: $("#filter-reason").value,
    source: $("#filter-source").value.trim(), id };
  showQueue().catch(fail);
});
for (const sel of ["#filter-form", "#filter-reason"]) $(sel).addEventListener("change", () => $("#filters").requestSubmit());

$("#upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  if (!file) return;
  const types = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", tif: "image/tiff", tiff: "image/tiff" };
  const type = file.type || types[file.name.split(".").pop().toLowerCase()];
  try {
    const request = { content_type: type, size: file.size };
    if ($("#upload-type").value) request.document_type = $("#upload-type").value;
    const ticket = await api("POST", "/uploads", request);
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
  state.grids = {};
  state.gridValues = {};
  const img = $("#page");
  img.onload = null;
  img.removeAttribute("src");
  delete img.dataset.src;
  for (const sel of ["#boxes", "#page-buttons", "#fields", "#history", "#failure"]) $(sel).replaceChildren();
  for (const sel of ["#doc-title", "#doc-state", "#doc-reasons", "#history-count"]) $(sel).textContent = "";
  $("#failure").hidden = $("#doc-reasons").hidden = true;
  $("#viewer").classList.add("empty");
}

async function openDocument(id) {
  const ticket = ++state.opening;  // a slower answer for an earlier document is dropped
  $("#queue-view").hidden = true;
  $("#document-view").hidden = false;
  clearDocument();
  sayFlash();
  let doc = await api("GET", `/documents/${id}`);
  const mine = doc.claim && doc.claim.holder === me();
  if (awaiting(doc) && !mine) {
    try { await api("POST", `/documents/${id}/claim`); doc = await api("GET", `/documents/${id}`); }
    catch (err) { if (err.status === 409) say(`Read-only: ${err.message}`); else throw err; }
  }
  if (ticket !== state.opening) return;
  state.doc = doc;
  state.lane = doc.audit ? "AUDIT" : "NEEDS_REVIEW";  // where "next" looks
  state.touched = new Set();
  const order = stops(doc.field_order);
  const first = order.find((n) => required(n)) || order[0];
  state.page = (fieldOf(first) || {}).page || 1;
  renderDocument();
  await renderHistory();
  // The tabs' counts once the document and its page are drawn: counting the queues is the
  // slowest read (a count per tab) and must not hold the document back.
  await pageDrawn();
  if (ticket === state.opening) refreshSummary().catch(() => {});
}

function pageDrawn() {
  const img = $("#page");
  return new Promise((resolve) => {
    if (!img.getAttribute("src") || img.complete) { resolve(); return; }
    img.addEventListener("load", resolve, { once: true });
    img.addEventListener("error", resolve, { once: true });
  });
}

// Awaiting a person: flagged, or sampled for audit (every field checked, blind).
function awaiting(d) { return d.status === "NEEDS_REVIEW" || Boolean(d.audit); }

function editable() {
  const d = state.doc;
  return Boolean(d) && awaiting(d) && (!d.claim || d.claim.holder === me());
}
// A field the reviewer must check before submitting: flagged, on a document in review;
// every field of an audit.
// A table's cells each (grid.js); the table itself only when it is flagged with no cell
// flagged (no line was read: the record names the table itself then).
function required(name) {
  const d = state.doc;
  const cell = cellOf(name);
  if (cell) return cellRequired(cell);
  if (isTable(name)) return !d.audit && d.status === "NEEDS_REVIEW" && d.flagged_fields.includes(name);
  if (d.audit) return !d.unsent_fields.includes(name);
  return d.status === "NEEDS_REVIEW" && (d.flagged_fields.includes(name) || d.fields[name].needs_review);
}

function confClass(c) { return c >= 0.9 ? "conf-high" : c >= 0.8 ? "conf-mid" : "conf-low"; }

function asText(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join("\n");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return Object.values(value).map(cellText).filter(Boolean).join(" ");  // a table's line
  return String(value);
}

function renderDocument() {
  const d = state.doc;
  const source = (d.source_key || "").split("/").pop();
  $("#doc-title").textContent = `${d.document_type || "document"} · ${d.document_id.slice(0, 16)}…${source ? ` · ${source}` : ""}`;
  $("#doc-title").title = d.source_key || "";
  $("#doc-state").textContent = `${d.status} · version ${d.version} · received ${when(d.received_at)} (${age(d.received_at)} ago)` +
    (d.claim ? ` · held by ${d.claim.holder === me() ? "you" : d.claim.holder} since ${when(d.claim.since).slice(11)}` : "") +
    (d.reviewed_by ? ` · reviewed by ${d.reviewed_by} ${when(d.reviewed_at)}` : "") +
    (d.handled_by ? ` · handled by ${d.handled_by} ${when(d.handled_at)}` : "") +
    (d.audit ? " · audit: check every field against the page" : "");
  $("#doc-state").dataset.status = d.status;
  $("#doc-state").title = $("#doc-state").textContent;
  renderFailure(d);
  const incomplete = $("#doc-reasons");
  incomplete.hidden = !d.missing_pages.length;
  incomplete.textContent = d.missing_pages.length ?
    `Incomplete record: page ${d.missing_pages.join(", ")} of ${Math.max(...d.missing_pages)} was not sent. ` +
    "Its fields are empty because they were not on the pages sent, not because the form left them blank: " +
    "ask the sender for the missing page." : "";
  renderPages();
  const canEdit = editable();
  const form = $("#fields");
  form.replaceChildren();
  for (const section of d.sections) {
    if (section.title) form.append(Object.assign(document.createElement("h3"), { textContent: section.title }));
    for (const name of section.fields) form.append(isTable(name) ? tableBlock(name, canEdit) : fieldRow(name, d.fields[name], canEdit));
  }
  $("#submit").hidden = $("#release").hidden = !canEdit;
  $("#next").hidden = d.status !== "NEEDS_REVIEW";
  $("#reopen").hidden = !["REVIEWED", "EXTRACTED"].includes(d.status);
  $("#reopen").textContent = d.status === "EXTRACTED" ? "send back to review" : "reopen for review";
  $("#handled").hidden = d.status !== "FAILED" || Boolean(d.handled_at);
  $("#document-view").classList.toggle("has-table", Object.keys(d.fields).some(isTable));
  updateSubmit();
  const order = stops(d.field_order);
  const first = order.find((n) => required(n)) || order[0];
  if (first && canEdit) document.getElementById(`f-${first}`)?.focus();
  else if (d.status === "FAILED" && !$("#handled").hidden) $("#handled").focus();
}

function renderFailure(d) {
  const box = $("#failure");
  box.hidden = !d.failure;
  if (!d.failure) return;
  const [words, todo] = FAILURES[d.failure.reason] || [d.failure.message, "Ask the sender for the document again and upload it."];
  const lines = [
    `This document could not be read: ${d.failure.reason} — ${words}.`,
    `File: ${d.source_key || "unknown"}.`,
    `What to do: ${todo} Uploading it again (with its form type set, if you know it) reads it afresh; then mark this one handled.`,
  ];
  box.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
}

function fieldRow(name, field, canEdit) {
  const d = state.doc;
  const flagged = required(name) && !d.audit;  // an audit flags nothing: every field alike
  const unsent = d.unsent_fields.includes(name);
  const row = document.createElement("div");
  // A reviewed field was checked by a person: no machine confidence colour.
  // A field of a page not sent was never read: it is not "confident", it is absent.
  // An audit is blind: no confidence, colour or reason reaches the auditor.
  const kind = d.audit ? "audit" : unsent ? "unsent" : field.review ? "reviewed" : confClass(field.confidence);
  row.className = `field ${kind}${flagged ? " flagged" : ""}`;
  row.dataset.field = name;
  const multi = Array.isArray(field.value) || asText(field.value).includes("\n") || name === "directions";
  const input = document.createElement(multi ? "textarea" : "input");
  input.id = `f-${name}`;
  input.name = name;
  input.value = asText(field.value);
  input.dataset.original = input.value;
  input.readOnly = !canEdit || unsent;
  input.autocomplete = "off";
  if (unsent) input.placeholder = "not on the pages sent";
  else if (d.formats[name]) input.placeholder = d.formats[name];
  if (multi) input.rows = Math.min(3, Math.max(1, input.value.split("\n").length));
  if (d.formats[name]) input.title = `expected: ${d.formats[name]}`;
  const label = document.createElement("label");
  label.htmlFor = input.id;
  const title = Object.assign(document.createElement("span"), { className: "name", textContent: name.replaceAll("_", " ") + (flagged ? " ⚑" : "") });
  const conf = Object.assign(document.createElement("span"), { className: "conf" });
  conf.textContent = unsent ? "not on the pages sent" : d.audit ? "check"
    : field.review ? `checked by ${field.review.reviewed_by}` : `${Math.round(field.confidence * 100)} %`;
  const why = flagged ? (field.review_reasons || []).map((r) => REASONS[r] || r).join("; ") : "";
  if (!d.audit) label.title = `${title.textContent}: ${conf.textContent}${why ? ` (${why})` : ""}`;
  // A confident field's colour bar says enough; its figure is in the label's title.
  if (d.audit || (!unsent && !field.review && !flagged && field.confidence >= 0.9)) conf.classList.add("quiet");
  label.append(title, conf);
  row.append(label, input);
  const notes = Object.assign(document.createElement("div"), { className: "notes" });
  const note = (className, text) => notes.appendChild(Object.assign(document.createElement("p"), { className, textContent: text }));
  if (flagged && (field.review_reasons || []).length) note("reasons", field.review_reasons.map((r) => REASONS[r] || r).join("; "));
  if (canEdit) {
    const options = alternatives(name, field);
    options.forEach((option, i) => {
      const p = note("machine", `${option.label}: `);
      const take = Object.assign(document.createElement("button"), { type: "button", className: "take", tabIndex: -1,
        textContent: `${asText(option.value).replaceAll("\n", " / ")} (Alt+${i + 1})`, title: asText(option.value) });
      take.dataset.key = String(i + 1);
      take.addEventListener("click", () => takeAlternative(name, i));
      p.append(take);
    });
  }
  if (flagged && d.formats[name] && (field.review_reasons || []).includes("PATTERN_MISMATCH")) note("format", `expected ${d.formats[name]}`);
  if (field.review && field.review.changed) note("machine", `read as: ${asText(field.review.extracted_value) || "(nothing)"}`);
  if (notes.children.length) row.append(notes);
  input.addEventListener("focus", () => activate(name));
  input.addEventListener("input", () => touch(name));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();  // Enter accepts the field; Shift+Enter is a new line
      touch(name);
      nextField(name);
    }
  });
  return row;
}

// What the reviewer may take with one key: the check's suggestion, and the text as it
// was read when that differs from the typed value.
function alternatives(name, field) {
  const out = [];
  const shown = asText(field.value);
  if (field.suggestion && asText(field.suggestion) !== shown) out.push({ label: "suggested", value: field.suggestion });
  if (field.text && field.text !== shown && !field.review) out.push({ label: "as read", value: field.text });
  return out;
}

function takeAlternative(name, index) {
  const field = fieldOf(name);
  const option = field && alternatives(name, field)[index];
  const input = document.getElementById(`f-${name}`);
  if (!option || !input || input.readOnly) return;
  input.value = cellOf(name) ? cellText(option.value) : asText(option.value);
  touch(name);
  input.focus();
}

function touch(name) {
  state.touched.add(name);
  document.querySelector(`#fields [data-field="${name}"]`)?.classList.add("touched");
  updateSubmit();
}

// Enter: the next flagged field not yet checked (in the form's order, wrapping), else submit.
function nextField(name) {
  const d = state.doc;
  const order = stops(d.sections.flatMap((s) => s.fields));
  const left = order.filter((n) => required(n) && !state.touched.has(n));
  const after = left.find((n) => order.indexOf(n) > order.indexOf(name)) || left[0];
  if (after) document.getElementById(`f-${after}`).focus();
  else $("#submit").focus();
}

function untouchedFlagged() {
  return stops(state.doc.field_order).filter((n) => required(n) && !state.touched.has(n));
}

function updateSubmit() {
  const left = untouchedFlagged();
  const button = $("#submit");
  button.disabled = !editable() || left.length > 0;
  button.title = left.length ? `still to check: ${left.map(nameInWords).join("; ")}` : "";
}

function activate(name) {
  document.querySelectorAll(".field.active, .cell.active, .box.active").forEach((e) => e.classList.remove("active"));
  state.active = name;
  const field = fieldOf(name);
  document.querySelector(`#fields [data-field="${name}"]`)?.classList.add("active");
  cellNotes(name);
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
    b.addEventListener("click", () => showPage(p.page));
    return b;
  }));
  const link = d.pages.find((p) => p.page === state.page) || d.pages[0];
  const img = $("#page");
  $("#viewer").classList.toggle("empty", !link);  // no image, no zoom: nothing to show
  if (!link) { img.onload = null; img.removeAttribute("src"); delete img.dataset.src; }
  else if (img.dataset.src !== link.url) { img.dataset.src = link.url; img.onload = focusView; img.src = link.url; }
  $("#boxes").replaceChildren(...boxEntries(d)
    .filter(([, f]) => f.box && (f.page || 1) === (link ? link.page : 1))
    .map(([name, f]) => {
      const box = document.createElement("div");
      box.className = `box${required(name) ? " flagged" : ""}${name === state.active ? " active" : ""}`;
      box.dataset.field = name;
      box.title = nameInWords(name);
      Object.assign(box.style, { left: `${f.box.left * 100}%`, top: `${f.box.top * 100}%`,
        width: `${f.box.width * 100}%`, height: `${f.box.height * 100}%` });
      box.addEventListener("click", () => document.getElementById(`f-${name}`)?.focus());
      return box;
    }));
}

// What has a box on the page: each field, a table's cells (its lines still in the grid).
function boxEntries(d) {
  return Object.entries(d.fields).flatMap(([name, f]) => {
    if (!isTable(name)) return [[name, f]];
    return gridRows(name).rows.filter((r) => r.origin !== null)
      .flatMap((r) => Object.entries(f.rows[r.origin]).map(([c, cell]) => [cellName(name, r.key, c), cell]));
  });
}

function showPage(number) {
  if (!state.doc || !state.doc.pages.some((p) => p.page === number)) return;
  state.page = number;
  renderPages();
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
  const f = d && name && fieldOf(name);
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

// ------------------------------------------------------------------ submit, release, next, reopen
async function submit() {
  if (!state.doc || $("#submit").hidden) return;
  if ($("#submit").disabled) { say(`Check every ${state.doc.audit ? "" : "flagged "}field first: ${untouchedFlagged().map(nameInWords).join("; ")}`); return; }
  const d = state.doc;
  const values = {}, rows = {};
  for (const input of document.querySelectorAll("#fields input:not(.cell-input), #fields textarea")) {
    const field = d.fields[input.name];
    if (input.readOnly) continue;
    if (required(input.name) || input.value !== input.dataset.original) {
      values[input.name] = Array.isArray(field.value) ? input.value.split("\n").filter((l) => l.trim()) : input.value;
    }
  }
  gridSubmission(values, rows);
  document.querySelectorAll(".field .error").forEach((e) => e.remove());
  document.querySelectorAll(".field.refused, .cell.refused").forEach((e) => e.classList.remove("refused"));
  try {
    const body = { version: d.version, values };
    if (Object.keys(rows).length) body.rows = rows;
    const reviewed = await api("POST", `/documents/${d.document_id}/review`, body);
    const changed = Object.values(reviewed.fields).filter((f) => f.review && f.review.changed && f.review.reviewed_at === reviewed.reviewed_at).length;
    sayNext(`Saved ${d.document_id.slice(0, 12)}…: ` + (changed ?
      `${changed} field${changed > 1 ? "s" : ""} corrected.` : "every field confirmed as read, nothing changed."));
    state.skipped.delete(d.document_id);
    state.doc = reviewed;
    await nextDocument();
  } catch (err) {
    if (err.status === 422 && err.data && err.data.fields) {
      for (const bad of err.data.fields) {
        bad.field = gridName(bad.field);  // a cell by its place in the rows sent: its grid name
        const cell = cellOf(bad.field);
        document.querySelector(`#fields .cell[data-field="${bad.field}"]`)?.classList.add("refused");
        const row = document.querySelector(`.field[data-field="${cell ? cell.table : bad.field}"]`);
        row?.classList.add("refused");
        const said = bad.expected ? `${REASONS[bad.reason] || bad.message}: expected ${bad.expected}` : REASONS[bad.reason] || bad.message;
        const words = cell ? `${nameInWords(bad.field)}: ${said}` : said;
        const p = Object.assign(document.createElement("p"), { className: "error", textContent: words });
        p.dataset.reason = bad.reason;
        let notes = row && row.querySelector(".notes");
        if (row && !notes) { notes = Object.assign(document.createElement("div"), { className: "notes" }); row.append(notes); }
        notes?.prepend(p);
      }
      const first = err.data.fields[0] && document.getElementById(`f-${err.data.fields[0].field}`);
      first?.focus();
      first?.select?.();
      say("Some values were refused: see the fields marked.");
    } else if (err.status === 409) offerReload(err.message);
    else fail(err);
  }
}

// Another tab or reviewer changed this document meanwhile: the refusal says how, and the
// reload is one key away (the button has the focus).
function offerReload(text) {
  say(`Not saved: ${text}. It changed since you opened it.`);
  const button = Object.assign(document.createElement("button"), { type: "button", id: "reload", textContent: "reload it (Enter)" });
  const id = state.doc.document_id;
  button.addEventListener("click", () => openDocument(id).catch(fail));
  $("#message").append(" ", button);
  button.focus();
}

// History: what was decided (reviews, reopenings, handling); claims and releases on demand.
async function renderHistory() {
  const d = state.doc;
  const entries = (await api("GET", `/documents/${d.document_id}/history`)).items;
  if (state.doc !== d) return;
  const noise = (e) => e.action === "CLAIMED" || e.action === "RELEASED";
  $("#history").replaceChildren(...entries.map((e) => {
    const li = document.createElement("li");
    const changes = e.changes.map((c) => `${c.field}: ${asText(c.before) || "∅"} → ${asText(c.after) || "∅"}`).join("; ");
    li.textContent = `${when(e.at)} ${e.actor} ${e.action} v${e.version}${changes ? ` (${changes})` : ""}`;
    li.dataset.action = e.action;
    if (noise(e)) li.className = "noise";
    return li;
  }));
  const decisions = entries.filter((e) => !noise(e)).length;
  $("#history-count").textContent = `(${decisions})`;
  $("#history-box").title = `${decisions} decision${decisions === 1 ? "" : "s"}, ${entries.length - decisions} claims and releases`;
  $("#history").classList.toggle("quiet", !$("#show-claims").checked);
}
$("#show-claims").addEventListener("change", () => $("#history").classList.toggle("quiet", !$("#show-claims").checked));

// The next document nobody else holds, after this one; skipped ones come last. A claim
// on the one left is released only when there is another to go to.
async function nextDocument() {
  const current = state.doc;
  const lane = state.lane || "NEEDS_REVIEW";
  const page = await api("GET", `/documents?${queueQuery(lane)}`);
  const free = page.items.filter((i) => (!current || i.document_id !== current.document_id) && (!i.claim || i.claim.holder === me()));
  const next = free.find((i) => !state.skipped.has(i.document_id)) || free[0];
  if (next) {
    if (current && awaiting(current) && current.claim && editable()) {
      await api("POST", `/documents/${current.document_id}/release`);
      state.skipped.add(current.document_id);
    }
    location.hash = `#/doc/${next.document_id}`;
    return;
  }
  if (current && awaiting(current)) { say("No other document waits for review: this is the last one."); return; }
  const text = state.flash ? `${state.flash.text} ` : "";
  sayNext(`${text}The queue is empty: nothing left to review.`);
  state.status = lane;
  if (location.hash === `#/?status=${lane}`) await showQueue(); else location.hash = `#/?status=${lane}`;
}

async function backToQueue() {
  const d = state.doc;
  if (d && awaiting(d) && d.claim && editable()) await api("POST", `/documents/${d.document_id}/release`).catch(() => {});
  location.hash = `#/?status=${d ? (d.audit ? "AUDIT" : d.status) : state.status}`;
}

async function reopen() {
  const d = state.doc;
  state.doc = await api("POST", `/documents/${d.document_id}/reopen`, { version: d.version });
  state.touched = new Set();
  state.grids = {};
  state.gridValues = {};
  renderDocument();
  await renderHistory();
  say(d.status === "EXTRACTED" ? "Sent back to review: you hold it." : "Reopened for review (a new version): you hold it.", true);
}

async function markHandled() {
  const d = state.doc;
  state.doc = await api("POST", `/documents/${d.document_id}/handled`);
  renderDocument();
  await renderHistory();
  say("Marked handled: it has left the Failed tab.", true);
}

$("#submit").addEventListener("click", () => submit());
$("#release").addEventListener("click", async () => {
  await api("POST", `/documents/${state.doc.document_id}/release`).catch(fail);
  location.hash = "#/";
});
$("#next").addEventListener("click", () => nextDocument().catch(fail));
$("#back").addEventListener("click", () => backToQueue().catch(fail));
$("#reopen").addEventListener("click", () => reopen().catch((err) => err.status === 409 ? offerReload(err.message) : fail(err)));
$("#handled").addEventListener("click", () => markHandled().catch(fail));
$("#keys-button").addEventListener("click", () => {
  $("#keys").hidden = !$("#keys").hidden;
  $("#keys-button").setAttribute("aria-expanded", String(!$("#keys").hidden));
});

// ------------------------------------------------------------------ keys
// Alt+= / Alt+- / Alt+0 zoom from anywhere, a field too (by key position: any layout).
const ZOOM_KEYS = { Equal: () => zoomBy(1.25), NumpadAdd: () => zoomBy(1.25), Minus: () => zoomBy(0.8),
  NumpadSubtract: () => zoomBy(0.8), Digit0: () => fit(), Numpad0: () => fit() };
function typing() { return ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName); }

function documentKeys(event) {
  const alt = event.altKey && !event.ctrlKey && !event.metaKey;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submit(); }
  else if (alt && event.code === "KeyN") { event.preventDefault(); nextDocument().catch(fail); }
  else if (alt && event.code === "KeyQ") { event.preventDefault(); backToQueue().catch(fail); }
  else if (alt && ZOOM_KEYS[event.code]) { event.preventDefault(); ZOOM_KEYS[event.code](); }  // never typed
  else if (alt && /^Digit[1-9]$/.test(event.code) && state.active) { event.preventDefault(); takeAlternative(state.active, Number(event.code.slice(5)) - 1); }
  else if (gridKeys(event, alt)) { /* Alt+L, Alt+Delete: a line added, removed (grid.js) */ }
  else if (alt && event.code === "PageDown") { event.preventDefault(); showPage(state.page + 1); }
  else if (alt && event.code === "PageUp") { event.preventDefault(); showPage(state.page - 1); }
  else if (!typing() && !event.ctrlKey && !event.metaKey && !event.altKey) {
    if (event.key === "+" || event.key === "=") zoomBy(1.25);
    else if (event.key === "-") zoomBy(0.8);
    else if (event.key === "0") fit();
  }
}

function queueKeys(event) {
  const alt = event.altKey && !event.ctrlKey && !event.metaKey;
  if (alt && event.code === "KeyN") { event.preventDefault(); nextDocument().catch(fail); return; }
  if (typing()) { if (event.key === "Escape") document.activeElement.blur(); return; }  // Esc: out of a filter
  const links = [...document.querySelectorAll("#queue tbody a")];
  const at = links.indexOf(document.activeElement);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const to = links[Math.min(links.length - 1, Math.max(0, at + (event.key === "ArrowDown" ? 1 : -1)))];
    to?.focus();
  } else if (event.key === "/") { event.preventDefault(); $("#filter-id").focus(); }
  else if (event.key === "Enter" && document.activeElement === document.body && state.status === "NEEDS_REVIEW") {
    event.preventDefault();
    nextDocument().catch(fail);
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" && !typing()) { $("#keys-button").click(); return; }
  if (!$("#document-view").hidden) documentKeys(event);
  else if (!$("#queue-view").hidden) queueKeys(event);
});
