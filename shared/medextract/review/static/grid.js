// A table field (a claim's service lines) as a grid: one row per line, one input per
// cell. Loaded before review.js, which calls these; they use its globals ($, state,
// required, touch, activate, nextField...) at run time only.
//
// A cell is named `table[key].column`: key is the row's index as read ("1": the name the
// record's flagged_fields give it) or "+n" for the n-th line the reviewer added, so a
// cell keeps its name while lines are added or removed. The API names a refused cell by
// its place in the submitted rows; `gridName` turns that back into the cell's name.
"use strict";

const CELL = /^([a-z][a-z0-9_]*)\[(\+?\d+)\]\.([a-z][a-z0-9_]*)$/;

function isTable(name) {
  const f = state.doc && state.doc.fields[name];
  return Boolean(f && Array.isArray(f.rows));
}
function cellOf(name) {
  const m = CELL.exec(name);
  return m ? { table: m[1], key: m[2], column: m[3] } : null;
}
function cellName(table, key, column) { return `${table}[${key}].${column}`; }

// The grid's lines as the reviewer has them: each {key, origin} (origin: the row as read,
// null for an added one). Made when the document is drawn, kept while it is open.
function gridRows(table) {
  state.grids = state.grids || {};
  if (!state.grids[table] || state.grids[table].doc !== state.doc.document_id + state.doc.version) {
    const rows = (state.doc.fields[table].rows || []).map((_, i) => ({ key: String(i), origin: i }));
    state.grids[table] = { doc: state.doc.document_id + state.doc.version, rows, added: 0, changed: false };
  }
  return state.grids[table];
}

// The columns: the form's, from the rows as read (or the hints, when none was read).
function gridColumns(table) {
  const rows = state.doc.fields[table].rows || [];
  const seen = [];
  for (const row of rows) for (const c of Object.keys(row)) if (!seen.includes(c)) seen.push(c);
  if (seen.length) return seen;
  return Object.keys(state.doc.formats).filter((n) => n.startsWith(`${table}.`)).map((n) => n.slice(table.length + 1));
}

// The field behind a name: a field's, or a cell's as read (null for an added line's).
function fieldOf(name) {
  const cell = cellOf(name);
  if (!cell) return state.doc.fields[name];
  const table = state.doc.fields[cell.table];
  if (!table || cell.key.startsWith("+")) return null;
  const row = (table.rows || [])[Number(cell.key)];
  return row ? row[cell.column] || null : null;
}

// A cell to check: flagged (in review), every cell of a line as read (in an audit).
function cellRequired(cell) {
  const d = state.doc;
  if (!gridRows(cell.table).rows.some((r) => r.key === cell.key)) return false;  // removed
  const f = fieldOf(cellName(cell.table, cell.key, cell.column));
  if (d.audit) return Boolean(f);
  // The record's flagged_fields name a cell by its row as read, which is its key: a
  // reopened claim's flagged cells are to be checked again, as its flagged fields are.
  const name = cellName(cell.table, cell.key, cell.column);
  return d.status === "NEEDS_REVIEW" && Boolean(f && (f.needs_review || d.flagged_fields.includes(name)));
}

// The queue's flagged fields in few words: a table's flagged cells counted, not listed.
function flaggedSummary(names) {
  const out = [], cells = {};
  for (const name of names) {
    const cell = cellOf(name);
    if (!cell) { out.push(name); continue; }
    if (!(cell.table in cells)) { cells[cell.table] = 0; out.push(cell.table); }
    cells[cell.table] += 1;
  }
  return out.map((n) => (n in cells ? `${n} (${cells[n]} cell${cells[n] > 1 ? "s" : ""})` : n)).join(", ");
}

// The stops of the keyboard, in order: each field, a table's cells row by row (a table
// flagged with no cell flagged, as when no line was read: its "add a line" button first).
function stops(names) {
  const out = [];
  for (const name of names) {
    if (!isTable(name)) { out.push(name); continue; }
    if (required(name)) out.push(name);
    const columns = gridColumns(name);
    for (const row of gridRows(name).rows) for (const c of columns) out.push(cellName(name, row.key, c));
  }
  return out;
}

function lineLabel(table, key) {
  const rows = gridRows(table).rows;
  const at = rows.findIndex((r) => r.key === key);
  return at >= 0 ? `line ${at + 1}` : "line";
}
// A name in words: "service lines, line 2, charges".
function nameInWords(name) {
  const cell = cellOf(name);
  if (!cell) return name.replaceAll("_", " ");
  return `${cell.table.replaceAll("_", " ")}, ${lineLabel(cell.table, cell.key)}, ${cell.column.replaceAll("_", " ")}`;
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(" ");
  return String(value);
}

function tableBlock(name, canEdit) {
  const d = state.doc;
  const field = d.fields[name];
  const grid = gridRows(name);
  const columns = gridColumns(name);
  const flaggedCells = stops([name]).filter((n) => n !== name && required(n));
  const block = document.createElement("div");
  const kind = d.audit ? "audit" : field.review ? "reviewed" : confClass(field.confidence);
  block.className = `field table-field ${kind}${!d.audit && (flaggedCells.length || required(name)) ? " flagged" : ""}`;
  block.dataset.field = name;
  const head = document.createElement("div");
  head.className = "table-head";
  const title = Object.assign(document.createElement("span"), { className: "name",
    textContent: `${name.replaceAll("_", " ")}${!d.audit && flaggedCells.length ? ` ⚑ ${flaggedCells.length}` : ""}` });
  const add = Object.assign(document.createElement("button"), { type: "button", id: `f-${name}`, className: "add-line",
    textContent: "+ line (Alt+L)", title: "add a line the reader missed" });
  add.disabled = !canEdit;
  add.addEventListener("click", () => addLine(name));
  add.addEventListener("focus", () => activate(name));
  head.append(title, add);
  const table = document.createElement("table");
  table.className = "grid";
  const thead = table.createTHead().insertRow();
  thead.append(Object.assign(document.createElement("th"), { textContent: "#" }));
  for (const c of columns) {
    const th = Object.assign(document.createElement("th"), { textContent: c.replaceAll("_", " ") });
    th.title = d.formats[`${name}.${c}`] ? `${c}: ${d.formats[`${name}.${c}`]}` : c;
    th.style.width = `${columnWidth(field, c)}ch`;
    thead.append(th);
  }
  thead.append(document.createElement("th"));
  const body = table.createTBody();
  grid.rows.forEach((row, at) => {
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    tr.append(Object.assign(document.createElement("th"), { textContent: row.origin === null ? `${at + 1}+` : String(at + 1),
      title: row.origin === null ? "a line you added" : `line ${at + 1} as read` }));
    for (const c of columns) tr.append(gridCell(name, row, c, canEdit));
    const cut = Object.assign(document.createElement("td"), { className: "cut" });
    const remove = Object.assign(document.createElement("button"), { type: "button", tabIndex: -1, textContent: "×",
      title: "remove this line (Alt+Delete)" });
    remove.disabled = !canEdit;
    remove.addEventListener("click", () => removeLine(name, row.key));
    cut.append(remove);
    tr.append(cut);
  });
  const notes = Object.assign(document.createElement("div"), { className: "notes table-notes" });
  block.append(head, Object.assign(document.createElement("div"), { className: "grid-scroll" }), notes);
  block.querySelector(".grid-scroll").append(table);
  return block;
}

// A column as wide as its longest value as read (an NPI's ten digits whole), within bounds.
function columnWidth(field, column) {
  const longest = Math.max(2, ...(field.rows || []).map((r) => cellText(r[column] && r[column].value).length));
  return Math.min(12, Math.max(3, longest + 1.5));
}

function gridCell(table, row, column, canEdit) {
  const d = state.doc;
  const name = cellName(table, row.key, column);
  const f = fieldOf(name);
  const td = document.createElement("td");
  const flagged = required(name) && !d.audit;
  const kind = d.audit ? "audit" : !f ? "added" : f.review ? "reviewed" : confClass(f.confidence);
  td.className = `cell ${kind}${flagged ? " flagged" : ""}${state.touched.has(name) ? " touched" : ""}`;
  td.dataset.field = name;
  const input = document.createElement("input");
  input.id = `f-${name}`;
  input.name = name;
  input.className = "cell-input";
  input.autocomplete = "off";
  const kept = state.gridValues && state.gridValues[name];
  input.dataset.original = f ? cellText(f.value) : "";
  input.value = kept !== undefined ? kept : input.dataset.original;
  input.readOnly = !canEdit;
  const hint = d.formats[`${table}.${column}`];
  if (hint) input.placeholder = hint;
  input.setAttribute("aria-label", nameInWords(name));
  if (!d.audit && f) input.title = `${nameInWords(name)}: ${f.review ? `checked by ${f.review.reviewed_by}` : `${Math.round(f.confidence * 100)} %`}` +
    (flagged ? ` (${(f.review_reasons || []).map((r) => REASONS[r] || r).join("; ")})` : "");
  input.addEventListener("focus", () => activate(name));
  input.addEventListener("input", () => touch(name));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();  // Enter accepts the cell, as a field
      touch(name);
      nextField(name);
    }
  });
  td.append(input);
  return td;
}

// The active cell's notes under its grid: why it is flagged, what one key takes, its shape.
function cellNotes(name) {
  const cell = cellOf(name);
  // A refusal stays until the next submit; the rest is the active cell's.
  document.querySelectorAll(".table-notes > :not(.error)").forEach((n) => n.remove());
  if (!cell) return;
  const notes = document.querySelector(`.table-field[data-field="${cell.table}"] .table-notes`);
  const f = fieldOf(name);
  if (!notes) return;
  const d = state.doc;
  const note = (className, text) => notes.appendChild(Object.assign(document.createElement("p"), { className, textContent: text }));
  note("where", `${nameInWords(name)}:`);
  if (!f) { note("machine", "a line you added: the reader read nothing here"); return; }
  if (!d.audit && f.needs_review && (f.review_reasons || []).length) note("reasons", f.review_reasons.map((r) => REASONS[r] || r).join("; "));
  if (editable()) {
    alternatives(name, f).forEach((option, i) => {
      const p = note("machine", `${option.label}: `);
      const take = Object.assign(document.createElement("button"), { type: "button", className: "take", tabIndex: -1,
        textContent: `${cellText(option.value)} (Alt+${i + 1})` });
      take.addEventListener("click", () => takeAlternative(name, i));
      p.append(take);
    });
  }
  const hint = d.formats[`${cell.table}.${cell.column}`];
  if (!d.audit && hint && (f.review_reasons || []).includes("PATTERN_MISMATCH")) note("format", `expected ${hint}`);
  if (f.review && f.review.changed) note("machine", `read as: ${cellText(f.review.extracted_value) || "(nothing)"}`);
}

// What each input of a grid holds now (kept across a redraw: a line added or removed).
function snapshotGrid(table) {
  state.gridValues = state.gridValues || {};
  document.querySelectorAll(`.table-field[data-field="${table}"] input.cell-input`).forEach((i) => { state.gridValues[i.name] = i.value; });
}

function redrawGrid(table, focus) {
  snapshotGrid(table);
  const old = document.querySelector(`.table-field[data-field="${table}"]`);
  old.replaceWith(tableBlock(table, editable()));
  renderPages();
  updateSubmit();
  if (focus) document.getElementById(`f-${focus}`)?.focus();
}

function activeTable() {
  const cell = state.active && cellOf(state.active);
  if (cell) return cell;
  const name = state.active && isTable(state.active) ? state.active : Object.keys(state.doc.fields).find(isTable);
  return name ? { table: name, key: null, column: null } : null;
}

// Alt+L: a line the reader missed, after the active cell's line (or at the end).
function addLine(table) {
  if (!editable()) return;
  const grid = gridRows(table);
  const key = `+${grid.added++}`;
  const at = grid.rows.findIndex((r) => state.active && cellOf(state.active) && r.key === cellOf(state.active).key);
  grid.rows.splice(at >= 0 ? at + 1 : grid.rows.length, 0, { key, origin: null });
  grid.changed = true;
  touch(table);
  redrawGrid(table, cellName(table, key, gridColumns(table)[0]));
  say(`A line added to ${table.replaceAll("_", " ")}: fill in what the form prints.`, true);
}

// Alt+Delete: the active cell's line removed (a line read where none is printed).
function removeLine(table, key) {
  if (!editable()) return;
  const grid = gridRows(table);
  const at = grid.rows.findIndex((r) => r.key === key);
  if (at < 0) return;
  const [gone] = grid.rows.splice(at, 1);
  grid.changed = true;
  touch(table);
  const next = grid.rows[Math.min(at, grid.rows.length - 1)];
  redrawGrid(table, next ? cellName(table, next.key, gridColumns(table)[0]) : table);
  say(`Line ${at + 1} removed${gone.origin === null ? "" : " (as read: it stays in the history)"}.`, true);
}

function gridKeys(event, alt) {
  if (!alt || !editable()) return false;
  const where = activeTable();
  if (!where) return false;
  if (event.code === "KeyL") { event.preventDefault(); addLine(where.table); return true; }
  if (event.code === "Delete" && where.key !== null) { event.preventDefault(); removeLine(where.table, where.key); return true; }
  return false;
}

// The submission's part for each table: its rows whole, when a cell was to be checked,
// changed, or a line added or removed; `rows` when lines were added or removed.
function gridSubmission(values, rowsOf) {
  const d = state.doc;
  for (const table of Object.keys(d.fields).filter(isTable)) {
    const grid = gridRows(table);
    const columns = gridColumns(table);
    const inputs = [...document.querySelectorAll(`.table-field[data-field="${table}"] input.cell-input`)];
    const changed = inputs.some((i) => i.value !== i.dataset.original);
    const needed = stops([table]).some((n) => required(n));
    if (!needed && !changed && !grid.changed) continue;
    values[table] = grid.rows.map((row) => Object.fromEntries(columns.map((c) => {
      const input = document.getElementById(`f-${cellName(table, row.key, c)}`);
      return [c, input ? input.value : ""];
    })));
    if (grid.changed) rowsOf[table] = grid.rows.map((r) => r.origin);
  }
}

// A refusal's name (a cell by its place in the submitted rows) as the grid names it.
function gridName(name) {
  const m = /^([a-z][a-z0-9_]*)\[(\d+)\](\.[a-z][a-z0-9_]*)?$/.exec(name);
  if (!m || !isTable(m[1])) return name;
  const row = gridRows(m[1]).rows[Number(m[2])];
  if (!row) return m[1];
  return m[3] ? `${m[1]}[${row.key}]${m[3]}` : m[1];
}
