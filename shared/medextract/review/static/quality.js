// The quality page (#/quality): how often a value left unflagged is wrong, estimated from
// audits, and what flagging costs, from reviews (GET /quality). Plots are inline SVG drawn
// here; no library, nothing fetched but the figures. Uses api(), say() and fail() of review.js.
"use strict";

const QUALITY_WEEKS = 8;
const SVG_NS = "http://www.w3.org/2000/svg";

function svg(name, attrs = {}, text) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function html(name, attrs = {}, text) {
  const el = Object.assign(document.createElement(name), attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

function percent(x) { return x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)} %`; }
function interval(r) { return r.high === null ? "—" : `${percent(r.low)} – ${percent(r.high)}`; }

async function showQuality() {
  $("#queue-view").hidden = $("#document-view").hidden = true;
  $("#quality-view").hidden = false;
  document.querySelectorAll("#tabs a").forEach((a) => a.classList.remove("current"));
  $("#quality-tab").classList.add("current");
  const asked = Number(new URLSearchParams(location.hash.split("?")[1] || "").get("weeks"));
  const weeks = asked >= 1 && asked <= 52 ? asked : QUALITY_WEEKS;
  const quality = await api("GET", `/quality?weeks=${weeks}`);
  say("");
  renderQuality(quality);
}

function renderQuality(q) {
  const rate = q.silent_error_rate;
  $("#quality-summary").textContent =
    `Weeks ${q.weeks[0]} to ${q.weeks[q.weeks.length - 1]} (of receipt). ` +
    `Audited: ${q.documents_audited} documents, ${rate.values} values, ${rate.errors} wrong but unflagged ` +
    `(silent errors): ${percent(rate.rate)}, 95 % interval ${interval(rate)}. ` +
    `Reviewed: ${q.documents_reviewed} flagged documents; flagged values found right: ` +
    `${q.flagged_right} of ${q.flagged_reviewed} (${percent(q.flagged_right_share)}).`;
  const summary = $("#quality-summary");
  summary.dataset.audited = q.documents_audited;
  summary.dataset.silent = rate.errors;
  $("#quality-forms").replaceChildren(...q.forms.map(formSection));
  $("#quality-reasons tbody").replaceChildren(...q.reasons.map((r) => {
    const row = html("tr");
    row.dataset.reason = r.reason;
    for (const text of [REASONS[r.reason] ? `${r.reason} (${REASONS[r.reason]})` : r.reason, r.fired, r.right, percent(r.right_share)]) {
      row.append(html("td", {}, String(text)));
    }
    return row;
  }));
  $("#quality-reasons").hidden = !q.reasons.length;
  if (!q.forms.length) say("No audit or review in these weeks yet.", true);
}

function formSection(form) {
  const section = html("section", { className: "quality-form" });
  section.dataset.form = form.form;
  const r = form.silent_error_rate;
  section.append(html("h3", {}, `${form.form}: ${form.documents_audited} audited, ${form.documents_reviewed} reviewed; ` +
    `silent errors ${r.errors} of ${r.values} values (${percent(r.rate)}, 95 % interval ${interval(r)})`));
  const table = html("table", { className: "quality-table" });
  table.append(html("thead"));
  const head = html("tr");
  for (const h of ["field", "audited values", "silent errors", "rate", "95 % interval", "flagged, checked", "flagged but right", "unflagged corrected in review"]) head.append(html("th", {}, h));
  table.tHead.append(head);
  const body = html("tbody");
  for (const f of form.fields) {
    const row = html("tr");
    row.dataset.field = f.field;
    const cells = [f.field.replaceAll("_", " "), f.audited, f.silent_errors, percent(f.silent_error_rate.rate),
      interval(f.silent_error_rate), f.flagged_reviewed, `${f.flagged_right} (${percent(f.flagged_right_share)})`, f.unflagged_corrected];
    cells.forEach((text, i) => { const td = html("td", {}, String(text)); if (i) td.className = "num"; row.append(td); });
    body.append(row);
  }
  table.append(body);
  section.append(table);
  const audited = form.fields.filter((f) => f.audited > 0);
  if (audited.length) {
    section.append(html("h4", {}, "Wrong unflagged values: rate (dot) and 95 % interval (bar), per field"));
    section.append(fieldPlot(form.form, audited));
    section.append(html("h4", {}, "The same per week of receipt"));
    const weeks = html("div", { className: "quality-weeks" });
    for (const f of audited) weeks.append(weekPlot(form.form, f));
    section.append(weeks);
  }
  return section;
}

// One row per field: the 95 % interval as a bar, the rate as a dot, on one scale.
function fieldPlot(formName, fields) {
  const rowH = 22, left = 170, width = 420, top = 8, axisH = 26;
  const top95 = Math.max(0.05, ...fields.map((f) => f.silent_error_rate.high || 0));
  const scale = (x) => left + (x / top95) * width;
  const height = top + fields.length * rowH + axisH;
  const plot = svg("svg", { class: "quality-plot", viewBox: `0 0 ${left + width + 20} ${height}`, role: "img",
    "aria-label": `${formName}: rate of wrong unflagged values and its 95 % interval, per field` });
  plot.dataset.form = formName;
  fields.forEach((f, i) => {
    const y = top + i * rowH + rowH / 2;
    const r = f.silent_error_rate;
    plot.append(svg("text", { x: left - 8, y: y + 4, "text-anchor": "end", "font-size": 12 }, f.field.replaceAll("_", " ")));
    plot.append(svg("line", { x1: scale(r.low), x2: scale(r.high), y1: y, y2: y, stroke: "#0b57d0", "stroke-width": 4, "stroke-linecap": "round" }));
    const dot = svg("circle", { cx: scale(r.rate), cy: y, r: 5, fill: r.errors ? "#b3261e" : "#1b7f3b" });
    dot.dataset.field = f.field;
    dot.dataset.rate = r.rate;
    dot.dataset.high = r.high;
    dot.append(svg("title", {}, `${f.field}: ${r.errors} of ${r.values} (${percent(r.rate)}; 95 % ${interval(r)})`));
    plot.append(dot);
  });
  const axisY = top + fields.length * rowH + 4;
  plot.append(svg("line", { x1: left, x2: left + width, y1: axisY, y2: axisY, stroke: "#555" }));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = left + t * width;
    plot.append(svg("line", { x1: x, x2: x, y1: axisY, y2: axisY + 4, stroke: "#555" }));
    plot.append(svg("text", { x, y: axisY + 16, "text-anchor": "middle", "font-size": 11 }, percent(t * top95)));
  }
  return plot;
}

// One small plot per field: a week per column, its interval as a bar and its rate as a dot.
function weekPlot(formName, field) {
  const w = 240, h = 110, left = 36, bottom = 22, top = 16;
  const weeks = field.weeks;
  const top95 = Math.max(0.05, ...weeks.map((p) => p.high || 0));
  const x = (i) => left + (weeks.length === 1 ? (w - left) / 2 : (i * (w - left - 12)) / (weeks.length - 1) + 6);
  const y = (v) => top + (1 - v / top95) * (h - top - bottom);
  const plot = svg("svg", { class: "week-plot", viewBox: `0 0 ${w} ${h}`, role: "img",
    "aria-label": `${formName} ${field.field}: rate of wrong unflagged values per week, with 95 % intervals` });
  plot.dataset.field = field.field;
  plot.append(svg("text", { x: left, y: 11, "font-size": 11, "font-weight": 600 }, field.field.replaceAll("_", " ")));
  plot.append(svg("line", { x1: left, x2: left, y1: top, y2: h - bottom, stroke: "#555" }));
  plot.append(svg("line", { x1: left, x2: w, y1: h - bottom, y2: h - bottom, stroke: "#555" }));
  plot.append(svg("text", { x: left - 3, y: top + 4, "text-anchor": "end", "font-size": 9 }, percent(top95)));
  plot.append(svg("text", { x: left - 3, y: h - bottom, "text-anchor": "end", "font-size": 9 }, "0"));
  weeks.forEach((p, i) => {
    if (i === 0 || i === weeks.length - 1) {
      const anchor = weeks.length > 1 && i === weeks.length - 1 ? "end" : "middle";
      plot.append(svg("text", { x: x(i), y: h - 6, "text-anchor": anchor, "font-size": 9 }, p.week.slice(5)));
    }
    if (!p.values) return;
    plot.append(svg("line", { x1: x(i), x2: x(i), y1: y(p.low), y2: y(p.high), stroke: "#0b57d0", "stroke-width": 3 }));
    const dot = svg("circle", { cx: x(i), cy: y(p.rate), r: 3.5, fill: p.errors ? "#b3261e" : "#1b7f3b" });
    dot.dataset.week = p.week;
    dot.append(svg("title", {}, `${p.week}: ${p.errors} of ${p.values} (95 % ${interval(p)})`));
    plot.append(dot);
  });
  return plot;
}
