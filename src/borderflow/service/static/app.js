// borderflow dashboard: plain JS + SVG, everything from this server (no CDN, no tiles).
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const W = 1000, H = 520;
const state = { geo: null, points: [], byId: {}, waits: {}, selected: null, detail: null,
  whatifTimer: null, whatifSeq: 0 };

// Sequential, colour-blind-safe bins (ColorBrewer YlOrRd) [minutes].
const BINS = [
  { max: 5, color: "#ffffcc", label: "< 5 min" },
  { max: 15, color: "#fed976", label: "5–15 min" },
  { max: 30, color: "#fd8d3c", label: "15–30 min" },
  { max: 60, color: "#e31a1c", label: "30–60 min" },
  { max: Infinity, color: "#800026", label: "≥ 60 min" },
];
const NA_COLOR = "#8a8a8a";
const LANE_COLORS = { general: "#0b57d0", nexus: "#1b7f3b", ready: "#7a3db8",
  commercial: "#a34700", pedestrian: "#444" };

const $ = (id) => document.getElementById(id);
function el(name, attrs = {}, parent = null, ns = SVGNS) {
  const e = document.createElementNS(ns, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function html(name, attrs = {}, parent = null, text = null) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function fmt(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const s = Number(v).toFixed(digits);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s; // no "-0.0"
}

async function api(path, options = {}) {
  const res = await fetch(path, options);
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : `HTTP ${res.status}`;
    const err = new Error(msg);
    err.status = res.status;
    err.code = body && body.error ? body.error.code : null;
    throw err;
  }
  return body;
}

// --- projection: Lambert conformal conic, standard parallels 45 and 60 degrees N ---------
const RAD = Math.PI / 180;
const P1 = 45 * RAD, P2 = 60 * RAD, LAT0 = 50 * RAD, LON0 = -100 * RAD;
const N_ = Math.log(Math.cos(P1) / Math.cos(P2)) /
  Math.log(Math.tan(Math.PI / 4 + P2 / 2) / Math.tan(Math.PI / 4 + P1 / 2));
const F_ = Math.cos(P1) * Math.pow(Math.tan(Math.PI / 4 + P1 / 2), N_) / N_;
const RHO0 = F_ / Math.pow(Math.tan(Math.PI / 4 + LAT0 / 2), N_);
function lcc(lon, lat) {
  const rho = F_ / Math.pow(Math.tan(Math.PI / 4 + (lat * RAD) / 2), N_);
  const t = N_ * (lon * RAD - LON0);
  return [rho * Math.sin(t), RHO0 - rho * Math.cos(t)];
}
let fit = { k: 1, x0: 0, y0: 0 };
function setFit(points) {
  let x1 = Infinity, x2 = -Infinity, y1 = Infinity, y2 = -Infinity;
  for (const [lon, lat] of points) {
    const [x, y] = lcc(lon, lat);
    x1 = Math.min(x1, x); x2 = Math.max(x2, x); y1 = Math.min(y1, y); y2 = Math.max(y2, y);
  }
  const pad = 0.06;
  const k = Math.min(W / ((x2 - x1) * (1 + 2 * pad)), H / ((y2 - y1) * (1 + 2 * pad)));
  fit = { k, x0: (x1 + x2) / 2, y0: (y1 + y2) / 2 };
}
function project(lon, lat) {
  const [x, y] = lcc(lon, lat);
  return [W / 2 + (x - fit.x0) * fit.k, H / 2 - (y - fit.y0) * fit.k];
}
function pathOf(ring, close) {
  let d = "";
  ring.forEach(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    d += (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
  });
  return close ? d + "Z" : d;
}

// --- map -----------------------------------------------------------------------------------
// Zoom presets [west, south, east, north] degrees: dense stretches need a closer look.
const VIEWS = {
  all: null,
  pacific: [-124.5, 47.8, -116.5, 49.6],
  prairies: [-116.5, 47.8, -95, 49.6],
  lakes: [-96, 41.5, -74.5, 49.5],
  east: [-76.5, 43.8, -66.5, 47.6],
  alaska: [-142, 54.5, -129, 65],
};
let zoom = 1;
function setView(name) {
  const svg = $("map");
  const box = VIEWS[name];
  if (!box) {
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    zoom = 1;
  } else {
    const corners = [[box[0], box[1]], [box[0], box[3]], [box[2], box[1]], [box[2], box[3]]]
      .map(([lon, lat]) => project(lon, lat));
    const xs = corners.map((c) => c[0]), ys = corners.map((c) => c[1]);
    let x = Math.min(...xs), y = Math.min(...ys), w = Math.max(...xs) - x, h = Math.max(...ys) - y;
    if (w / h > W / H) { const nh = (w * H) / W; y -= (nh - h) / 2; h = nh; }
    else { const nw = (h * W) / H; x -= (nw - w) / 2; w = nw; }
    svg.setAttribute("viewBox", `${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`);
    zoom = W / w;
  }
  // Circles keep their size on screen at any zoom; overlapping ones are nudged apart so
  // each can be clicked (crossings a kilometre apart would otherwise hide each other).
  const circles = [...document.querySelectorAll("#crossings circle")];
  const pos = circles.map((c) => ({ x: Number(c.dataset.x), y: Number(c.dataset.y),
    r: Number(c.dataset.r) / zoom }));
  const gap = 1.5 / zoom;
  for (let it = 0; it < 60; it++) {
    let moved = false;
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        const a = pos[i], b = pos[j];
        let dx = b.x - a.x, dy = b.y - a.y;
        let d = Math.hypot(dx, dy);
        const need = a.r + b.r + gap;
        if (d >= need) continue;
        if (d < 1e-9) { dx = Math.cos(i + j); dy = Math.sin(i + j); d = 1; }
        const push = (need - d) / 2;
        a.x -= (dx / d) * push; a.y -= (dy / d) * push;
        b.x += (dx / d) * push; b.y += (dy / d) * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  circles.forEach((c, i) => {
    c.setAttribute("r", pos[i].r.toFixed(2));
    c.setAttribute("cx", pos[i].x.toFixed(2));
    c.setAttribute("cy", pos[i].y.toFixed(2));
  });
  svg.style.setProperty("--zoom", zoom);
  for (const b of document.querySelectorAll("#views button")) {
    b.setAttribute("aria-pressed", String(b.dataset.view === name));
  }
}

function colorOf(delay) {
  if (delay === null || delay === undefined) return NA_COLOR;
  return BINS.find((b) => delay < b.max).color;
}

function drawMap() {
  const svg = $("map");
  svg.textContent = "";
  el("title", {}, svg).textContent = "Map of the U.S.–Canada border";
  const base = el("g", { "aria-hidden": "true" }, svg);
  for (const r of state.geo.regions) {
    const d = r.rings.map((ring) => pathOf(ring, true)).join("");
    el("path", { d, class: `region ${r.country}`, "fill-rule": "evenodd" }, base);
  }
  for (const ring of state.geo.lakes) el("path", { d: pathOf(ring, true), class: "lake" }, base);
  for (const line of state.geo.border) el("path", { d: pathOf(line, false), class: "border-line" }, base);
  const maxVeh = Math.max(...state.points.map((p) => p.vehicles_per_year), 1);
  const dots = el("g", { id: "crossings" }, svg);
  const sorted = [...state.points].sort((a, b) => b.vehicles_per_year - a.vehicles_per_year);
  for (const p of sorted) {
    const [x, y] = project(p.longitude, p.latitude);
    const r = 2.5 + 10 * Math.sqrt(p.vehicles_per_year / maxVeh);
    const c = el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
      "data-r": r.toFixed(1), "data-x": x.toFixed(2), "data-y": y.toFixed(2), class: "crossing", tabindex: "0", role: "button",
      "data-id": p.crossing_id }, dots);
    el("title", {}, c);
    c.addEventListener("click", () => selectCrossing(p.crossing_id, true));
    c.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); selectCrossing(p.crossing_id, true); }
    });
  }
  paintCrossings();
}

function paintCrossings() {
  const lane = $("lane").value;
  for (const c of document.querySelectorAll("#crossings circle")) {
    const p = state.byId[c.dataset.id];
    const w = state.waits[p.crossing_id];
    const delay = w ? w.delay_min : null;
    c.setAttribute("fill", colorOf(delay));
    c.classList.toggle("validated", !!(w && w.validated));
    c.classList.toggle("modelled", !w || !w.validated);
    c.classList.toggle("selected", state.selected === p.crossing_id);
    const waitText = delay === null || delay === undefined
      ? "predicted wait not available"
      : `predicted ${lane} wait ${fmt(delay, 0)} minutes` +
        (w.validated ? " (validated against measurements)" : " (modelled only)");
    const label = `${p.name}, ${p.state}: ${waitText}; ` +
      `${Math.round(p.vehicles_per_year).toLocaleString("en-US")} vehicles/year`;
    c.setAttribute("aria-label", label);
    c.querySelector("title").textContent = label;
  }
}

function drawLegend(available) {
  const lg = $("legend");
  lg.textContent = "";
  html("strong", {}, lg, "Predicted wait:");
  for (const b of BINS) {
    const s = html("span", {}, lg);
    html("span", { class: "sw", style: `background:${b.color}` }, s);
    s.appendChild(document.createTextNode(b.label));
  }
  const na = html("span", {}, lg);
  html("span", { class: "sw", style: `background:${NA_COLOR}` }, na);
  na.appendChild(document.createTextNode(available ? "no prediction" : "predictions not available"));
  html("span", {}, lg, "Thick solid ring: validated against measured waits · dashed ring: modelled only · size: vehicles/year (U.S.-bound)");
}

async function loadWaits() {
  const at = `${$("day").value}T${String($("hour").value).padStart(2, "0")}:00`;
  try {
    const doc = await api(`/api/waits?at=${encodeURIComponent(at)}&lane_type=${$("lane").value}`);
    state.waits = Object.fromEntries(doc.ports.map((p) => [p.crossing_id, p]));
    drawLegend(true);
    $("status").textContent = `Predicted waits at ${at} (local time at each crossing).`;
  } catch (e) {
    state.waits = {};
    drawLegend(false);
    $("status").textContent = e.status === 501
      ? "Predicted waits: not available in this build (the map shows traffic only)."
      : `Predicted waits could not be loaded: ${e.message}`;
  }
  paintCrossings();
}

// --- charts ---------------------------------------------------------------------------------
// A line chart with axes and units. series: [{name, color, points: [[x, y]], band: [[x, lo, hi]], dash}]
function lineChart(container, series, opts) {
  container.textContent = "";
  const w = 560, h = 240, m = { l: 58, r: 12, t: 12, b: 44 };
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": opts.title }, container);
  el("title", {}, svg).textContent = opts.title;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).concat((s.band || []).map((b) => b[2])))
    .filter((v) => v !== null && Number.isFinite(v));
  if (!xs.length) return;
  const x1 = opts.xmin ?? Math.min(...xs), x2 = opts.xmax ?? Math.max(...xs);
  const y2 = Math.max(opts.ymin_top ?? 1, ...ys) * 1.08, y1 = 0;
  const X = (v) => m.l + ((v - x1) / (x2 - x1 || 1)) * (w - m.l - m.r);
  const Y = (v) => h - m.b - ((v - y1) / (y2 - y1 || 1)) * (h - m.t - m.b);
  const ax = el("g", { class: "axis" }, svg);
  for (let i = 0; i <= 4; i++) {
    const v = y1 + ((y2 - y1) * i) / 4;
    el("line", { x1: m.l, x2: w - m.r, y1: Y(v), y2: Y(v), class: "grid" }, ax);
    el("text", { x: m.l - 6, y: Y(v) + 4, "text-anchor": "end" }, ax).textContent = opts.yfmt(v);
  }
  for (const t of opts.xticks(x1, x2)) {
    el("line", { x1: X(t.v), x2: X(t.v), y1: h - m.b, y2: h - m.b + 4 }, ax);
    el("text", { x: X(t.v), y: h - m.b + 16, "text-anchor": "middle" }, ax).textContent = t.label;
  }
  el("line", { x1: m.l, x2: w - m.r, y1: h - m.b, y2: h - m.b }, ax);
  el("line", { x1: m.l, x2: m.l, y1: m.t, y2: h - m.b }, ax);
  el("text", { x: (m.l + w - m.r) / 2, y: h - 6, "text-anchor": "middle" }, ax).textContent = opts.xlabel;
  el("text", { x: 12, y: (m.t + h - m.b) / 2, "text-anchor": "middle",
    transform: `rotate(-90 12 ${(m.t + h - m.b) / 2})` }, ax).textContent = opts.ylabel;
  for (const s of series) {
    if (s.band && s.band.length) {
      const up = s.band.map((b) => `${X(b[0])},${Y(b[2])}`);
      const down = s.band.slice().reverse().map((b) => `${X(b[0])},${Y(b[1])}`);
      el("polygon", { points: up.concat(down).join(" "), fill: s.color, "fill-opacity": 0.15 }, svg);
    }
    const pts = s.points.filter((p) => p[1] !== null).map((p) => `${X(p[0])},${Y(p[1])}`).join(" ");
    el("polyline", { points: pts, fill: "none", stroke: s.color, "stroke-width": 2,
      "stroke-dasharray": s.dash || "none" }, svg);
  }
  const leg = el("g", {}, svg);
  series.forEach((s, i) => {
    const lx = m.l + 8 + i * 130;
    el("line", { x1: lx, x2: lx + 18, y1: m.t + 6, y2: m.t + 6, stroke: s.color, "stroke-width": 3,
      "stroke-dasharray": s.dash || "none" }, leg);
    el("text", { x: lx + 22, y: m.t + 10 }, leg).textContent = s.name;
  });
}
const hourTicks = () => [0, 3, 6, 9, 12, 15, 18, 21, 24].map((v) => ({ v, label: String(v) }));
const hourOf = (iso) => Number(String(iso).slice(11, 13));

function unavailable(container, text) {
  container.textContent = "";
  html("p", { class: "unavailable" }, container, text);
}

// --- port page ------------------------------------------------------------------------------
async function selectCrossing(id, focusPanel) {
  state.selected = id;
  paintCrossings();
  history.replaceState(null, "", `#${id}`);
  const panel = $("port");
  $("port-body").hidden = false;
  let c;
  try {
    c = await api(`/api/ports/${encodeURIComponent(id)}`);
  } catch (e) {
    $("port-title").textContent = "Crossing not found";
    $("port-facts").textContent = e.message;
    return;
  }
  state.detail = c;
  $("port-title").textContent = `${c.us_name} (${c.state}${c.province ? " / " + c.province : ""})`;
  const p = state.byId[c.crossing_id];
  $("port-facts").textContent = `Crossing ${c.crossing_id}, BTS port ${c.bts_port_code} ${c.bts_port_name}. ` +
    `Hours: ${c.hours || "not in CBP's feed"}. ` +
    (p ? `About ${Math.round(p.vehicles_per_year).toLocaleString("en-US")} U.S.-bound vehicles/year.` : "");
  if (focusPanel) panel.focus();
  await Promise.all([loadPortWaits(), loadTraffic(c), runWhatIf()]);
}

async function loadPortWaits() {
  const id = state.selected;
  const wrap = $("waits-table-wrap");
  try {
    const doc = await api(`/api/ports/${id}/waits?day=${$("day").value}`);
    if (id !== state.selected) return;
    const badge = doc.validated
      ? '<span class="badge validated">validated against measured waits</span>'
      : '<span class="badge modelled">modelled only</span>';
    $("waits-basis").innerHTML = `${badge} model ${doc.model}; capacity: ${doc.capacity_basis}` +
      (doc.capacity_basis === "sizing rule" ? " (an assumption, not sourced booths)" : "");
    const lanes = [...new Set(doc.rows.map((r) => r.lane_type))];
    lineChart($("waits-chart"), lanes.map((lt) => {
      const rows = doc.rows.filter((r) => r.lane_type === lt);
      return { name: lt, color: LANE_COLORS[lt] || "#333", dash: doc.validated ? null : "6 3",
        points: rows.map((r) => [hourOf(r.hour_start) + 0.5, r.delay_min]),
        band: rows.map((r) => [hourOf(r.hour_start) + 0.5, r.lo, r.hi]) };
    }), { title: `Predicted delay by hour, ${doc.day}`, xlabel: "local hour of arrival",
      ylabel: "predicted delay [minutes]", xmin: 0, xmax: 24, xticks: hourTicks, yfmt: (v) => v.toFixed(0) });
    wrap.textContent = "";
    const t = html("table", { id: "waits-table" }, wrap);
    html("caption", {}, t, `Predicted delay [minutes] and booths open, ${doc.day} (80% interval)`);
    const hr = html("tr", {}, html("thead", {}, t));
    for (const h of ["hour", "lane", "delay [min]", "low [min]", "high [min]", "booths open"]) html("th", { scope: "col" }, hr, h);
    const tb = html("tbody", {}, t);
    for (const r of doc.rows) {
      const tr = html("tr", { "data-hour": hourOf(r.hour_start), "data-lane": r.lane_type }, tb);
      html("td", {}, tr, String(hourOf(r.hour_start)).padStart(2, "0") + ":00");
      html("td", {}, tr, r.lane_type);
      html("td", { "data-field": "delay_min" }, tr, fmt(r.delay_min));
      html("td", {}, tr, fmt(r.lo));
      html("td", {}, tr, fmt(r.hi));
      html("td", { "data-field": "lanes_open" }, tr, fmt(r.lanes_open, 0));
    }
  } catch (e) {
    $("waits-basis").textContent = "";
    $("waits-chart").textContent = "";
    unavailable(wrap, e.status === 501 ? "Predicted waits: not available in this build." : e.message);
  }
}

async function loadTraffic(c) {
  const chart = $("traffic-chart");
  let hist, fc = null;
  try {
    hist = await api(`/api/ports/${c.bts_port_code}/traffic?measure=Personal%20Vehicles&from=2015-01`);
  } catch (e) {
    unavailable(chart, `Traffic history: ${e.message}`);
    return;
  }
  try { fc = await api(`/api/ports/${c.bts_port_code}/forecast?measure=Personal%20Vehicles&horizon=12`); }
  catch (e) { fc = null; }
  const mIndex = (s) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
  const series = [{ name: "observed", color: "#1a1a1a",
    points: hist.rows.map((r) => [mIndex(r.month), r.value]) }];
  if (fc && fc.rows.length) {
    series.push({ name: `forecast (${fc.model})`, color: "#b35c00", dash: "6 3",
      points: fc.rows.map((r) => [mIndex(r.month), r.value]),
      band: fc.rows.map((r) => [mIndex(r.month), r.lo80 ?? r.value, r.hi80 ?? r.value]) });
  }
  lineChart(chart, series, { title: `U.S.-bound personal vehicles per month, port ${hist.port_code} ${hist.port_name}`,
    xlabel: "month", ylabel: "vehicles/month", xticks: (a, b) => {
      const out = [];
      for (let y = Math.ceil(a / 12); y * 12 <= b; y += 2) out.push({ v: y * 12, label: String(y) });
      return out;
    }, yfmt: (v) => (v >= 1000 ? `${(v / 1000).toFixed(0)}k` : v.toFixed(0)) });
  $("traffic-note").textContent = `Port ${hist.port_code} (all its crossings). Source: ${hist.source}. ` +
    (fc ? `Forecast with 80% interval, model ${fc.model}.` : "Forecast: not available in this build.");
}

function whatifBody() {
  const num = (id) => ($(id).value === "" ? null : Number($(id).value));
  const booths = {};
  if (num("wi-general")) booths.general = num("wi-general");
  if (num("wi-nexus")) booths.nexus = num("wi-nexus");
  const from = num("wi-close-from"), to = num("wi-close-to");
  const closed = [];
  if (from !== null && to !== null) for (let h = from; h <= to; h++) closed.push(h);
  const share = num("wi-share");
  return { crossing_id: state.selected, day: $("day").value, direction: "US-bound", booths,
    nexus_share: share === null ? null : share / 100, closed_hours: closed };
}

async function runWhatIf() {
  if (!state.selected) return;
  const seq = ++state.whatifSeq;
  const t0 = performance.now();
  $("whatif-status").textContent = "Re-running the simulation…";
  try {
    const doc = await api("/api/whatif", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(whatifBody()) });
    if (seq !== state.whatifSeq) return;
    const lane = $("lane").value in LANE_COLORS ? $("lane").value : "general";
    const rows = doc.rows.filter((r) => r.lane_type === lane);
    const shown = rows.length ? rows : doc.rows.filter((r) => r.lane_type === doc.rows[0].lane_type);
    const lt = shown.length ? shown[0].lane_type : lane;
    lineChart($("whatif-chart"), [
      { name: "baseline", color: "#555", points: shown.map((r) => [hourOf(r.hour_start) + 0.5, r.baseline_min]) },
      { name: "what-if", color: "#0b57d0", dash: "6 3", points: shown.map((r) => [hourOf(r.hour_start) + 0.5, r.scenario_min]) },
    ], { title: `What-if, ${lt} lanes`, xlabel: "local hour of arrival", ylabel: "predicted delay [minutes]",
      xmin: 0, xmax: 24, xticks: hourTicks, yfmt: (v) => v.toFixed(0) });
    const wrap = $("whatif-table-wrap");
    wrap.textContent = "";
    const t = html("table", { id: "whatif-table" }, wrap);
    html("caption", {}, t, "Delay [minutes]: baseline, what-if and difference (95% interval)");
    const hr = html("tr", {}, html("thead", {}, t));
    for (const h of ["hour", "lane", "baseline", "what-if", "difference", "interval", "booths"]) html("th", { scope: "col" }, hr, h);
    const tb = html("tbody", {}, t);
    for (const r of doc.rows) {
      const tr = html("tr", { "data-hour": hourOf(r.hour_start), "data-lane": r.lane_type }, tb);
      html("td", {}, tr, String(hourOf(r.hour_start)).padStart(2, "0") + ":00");
      html("td", {}, tr, r.lane_type);
      html("td", { "data-field": "baseline_min" }, tr, fmt(r.baseline_min));
      html("td", { "data-field": "scenario_min" }, tr, fmt(r.scenario_min));
      html("td", { "data-field": "diff_min" }, tr, fmt(r.diff_min));
      html("td", {}, tr, `${fmt(r.diff_lo)} … ${fmt(r.diff_hi)}`);
      html("td", { "data-field": "scenario_lanes_open" }, tr, fmt(r.scenario_lanes_open, 0));
    }
    $("whatif-status").textContent = `Re-ran in ${Math.round(performance.now() - t0)} ms ` +
      `(model ${doc.model}${doc.validated ? ", validated" : ", modelled only"}).` +
      (doc.notes && doc.notes.length ? ` Notes: ${doc.notes.join("; ")}.` : "");
  } catch (e) {
    if (seq !== state.whatifSeq) return;
    $("whatif-chart").textContent = "";
    $("whatif-table-wrap").textContent = "";
    $("whatif-status").textContent = e.status === 501
      ? "What-if: not available in this build." : `What-if failed: ${e.message}`;
  }
}

function scheduleWhatIf() {
  clearTimeout(state.whatifTimer);
  state.whatifTimer = setTimeout(runWhatIf, 200);
}

// --- start ----------------------------------------------------------------------------------
async function main() {
  const hourSel = $("hour");
  for (let h = 0; h < 24; h++) html("option", { value: h }, hourSel, `${String(h).padStart(2, "0")}:00`);
  const now = new Date();
  $("day").value = now.toISOString().slice(0, 10);
  hourSel.value = String(now.getHours());
  const params = new URLSearchParams(location.search);
  if (params.get("day")) $("day").value = params.get("day");
  if (params.get("hour")) hourSel.value = params.get("hour");
  try {
    const [geo, pts] = await Promise.all([api("/api/geo"), api("/api/map")]);
    state.geo = geo;
    state.points = pts.crossings.filter((p) => p.mode === "road");
  } catch (e) {
    $("status").textContent = `The map could not be loaded: ${e.message}`;
    return;
  }
  state.byId = Object.fromEntries(state.points.map((p) => [p.crossing_id, p]));
  setFit(state.points.map((p) => [p.longitude, p.latitude]));
  const list = $("crossing-list");
  for (const p of state.points) html("option", { value: `${p.name} (${p.state}) ${p.crossing_id}` }, list);
  drawMap();
  for (const b of document.querySelectorAll("#views button")) {
    b.addEventListener("click", () => setView(b.dataset.view));
  }
  setView(params.get("view") || "all");
  await loadWaits();
  for (const id of ["day", "hour", "lane"]) $(id).addEventListener("change", async () => {
    await loadWaits();
    if (state.selected) { await loadPortWaits(); scheduleWhatIf(); }
  });
  $("search").addEventListener("change", () => {
    const text = $("search").value.trim();
    const m = text.match(/(\d{4})\s*$/);
    const q = text.toLowerCase();
    const hit = m && state.byId[m[1]]
      ? state.byId[m[1]]
      : state.points.find((p) => q && p.name.toLowerCase().includes(q));
    if (hit) selectCrossing(hit.crossing_id, true);
    else if (text) $("status").textContent = `No crossing matches "${text}".`;
  });
  for (const id of ["wi-general", "wi-nexus", "wi-share", "wi-close-from", "wi-close-to"]) {
    $(id).addEventListener("input", scheduleWhatIf);
  }
  $("wi-run").addEventListener("click", runWhatIf);
  const hash = location.hash.slice(1);
  if (hash && state.byId[hash]) await selectCrossing(hash, false);
  document.body.dataset.ready = "1";
}

main();
