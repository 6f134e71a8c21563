// The control room page. The ranked list of live alerts is loaded once from /api/alerts, then kept up to
// date by the alert WebSocket (each message one alert change: new, updated or retracted); no polling for
// alerts. Each change moves or updates its own row only. Once a change's row is on screen the page tells
// the server how long after publication that was. The night's gauges and the mosaic refresh every 2 s.
"use strict";
const CHANNELS = ["reference", "new", "difference"];
const LABELS = ["real", "bogus", "moving", "variable"];
const live = new Map(); // object id -> latest alert
const rowsById = new Map(); // object id -> its <tr>
let ranked = []; // object ids, best first
const vetted = new Map(); // object id -> the label an operator gave it here
let openObject = null;
let nightClock = 0; // MJD of the newest detection: the night's own clock (a replayed night runs in the past)
let pending = []; // changes that arrived while the list was loading

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  children.forEach((c) => e.append(c));
  return e;
}

function utc(mjd) {
  return new Date((mjd - 40587) * 86400000).toISOString().substring(11, 19);
}

function num(v, digits) {
  return v === null || v === undefined || Number.isNaN(Number(v)) ? "" : Number(v).toFixed(digits);
}

function ago(mjd) {
  const min = Math.max(0, (nightClock - mjd) * 1440);
  return min < 1 ? "now" : min < 90 ? Math.round(min) + " min" : (min / 60).toFixed(1) + " h";
}

function stampUrl(a, channel, scale) {
  return "/api/objects/" + encodeURIComponent(a.object_id) + "/cutouts/" + encodeURIComponent(a.candidate.id) + "/" + channel
    + ".png?scale=" + scale;
}

function before(a, b) {
  // ties broken by object id in code-unit order, as the server ranks (not localeCompare, which may skip the '-')
  return b.rank_score - a.rank_score || (a.object_id < b.object_id ? -1 : a.object_id > b.object_id ? 1 : 0);
}

// where object a goes in the ranked list (binary search)
function slot(a) {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(live.get(ranked[mid]), a) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function vetButtons(objectId) {
  if (vetted.has(objectId)) {
    return [el("span", { className: "done", textContent: "\u2713 " + vetted.get(objectId) })];
  }
  return LABELS.map((label) => {
    const b = el("button", { type: "button", textContent: label });
    b.dataset.label = label;
    b.onclick = (ev) => { ev.stopPropagation(); vetObject(objectId, label); };
    return b;
  });
}

// the text cells of a row, after the rank and the cutouts and before the vetting buttons
const TEXT_CELLS = ["object", "kind", "score", "parts", "rb", "mag", "snr", "det", "host", "seen", "window", "state"];
const SEEN = 2 + TEXT_CELLS.indexOf("seen");
const VET = 2 + TEXT_CELLS.length;

function makeRow() {
  const tr = el("tr", {}, el("td", { className: "rank" }),
    el("td", { className: "cutouts" }, ...CHANNELS.map((ch) => el("img", { alt: ch, title: ch }))),
    ...TEXT_CELLS.map((k) => el("td", { className: k })), el("td", { className: "vet" }));
  tr.onclick = () => showObject(tr.dataset.object);
  return tr;
}

function setText(node, value) {
  const s = String(value);
  if (node.textContent !== s) {
    node.textContent = s;
  }
}

// a row shows its alert; only what changed is touched, so an update costs the browser little to lay out and
// draw, and a thumbnail is fetched only when the row's candidate changes
function fillRow(tr, a) {
  const cls = a.kind + (a.object_id === openObject ? " open" : "");
  if (tr.className !== cls) {
    tr.className = cls;
  }
  tr.dataset.object = a.object_id;
  const parts = Object.entries(a.score_parts || {}).map(([k, v]) => k + " " + num(v, 2)).join(", ");
  const w = a.window ? utc(a.window.start_mjd).substring(0, 5) + "-" + utc(a.window.end_mjd).substring(0, 5) + " X"
    + num(a.window.min_airmass, 2) : "not tonight";
  const c = a.candidate;
  const cells = tr.cells;
  const imgs = cells[1].children;
  CHANNELS.forEach((ch, i) => {
    const url = stampUrl(a, ch, 2);
    if (imgs[i].getAttribute("src") !== url) {
      imgs[i].src = url;
    }
  });
  [a.object_id, a.kind, num(a.rank_score, 3), parts, num(c.score, 3), num(c.mag, 2), num(c.snr, 1), (a.history || []).length, a.host,
    ago(c.mjd), w, a.state].forEach((v, i) => setText(cells[2 + i], v));
  cells[SEEN].dataset.mjd = c.mjd;
  const vet = vetted.get(a.object_id) || "";
  if (!cells[VET].hasChildNodes() || cells[VET].dataset.vetted !== vet) {
    cells[VET].replaceChildren(...vetButtons(a.object_id));
    cells[VET].dataset.vetted = vet;
  }
}

// the table holds the top rows of the ranked list only (more on request): an operator reads the top, and a
// browser lays the whole table out again on every change, so its size sets the cost of each alert
// (?rows=N in the page's address sets how many, e.g. for a wall screen)
const PAGE_ROWS = Math.max(1, Math.min(10000, Number(new URLSearchParams(location.search).get("rows")) || 100));
let rowLimit = PAGE_ROWS;

// the row of ranked[at] in its place; rows in the table are always ranked[0..n-1], in order
function place(id, at) {
  const body = document.querySelector("#alerts tbody");
  let tr = rowsById.get(id);
  if (!tr) {
    tr = makeRow();
    rowsById.set(id, tr);
  }
  fillRow(tr, live.get(id));
  let next = at + 1 < ranked.length ? rowsById.get(ranked[at + 1]) : null;
  if (next && next.parentNode !== body) {
    next = null;
  }
  if (tr.nextSibling !== next || tr.parentNode !== body) {
    body.insertBefore(tr, next);
  }
}

function dropRow(id) {
  const tr = rowsById.get(id);
  rowsById.delete(id);
  if (tr) {
    tr.remove();
  }
}

// after a change: as many rows as the limit allows, no more
function fitRows() {
  const body = document.querySelector("#alerts tbody");
  while (body.rows.length > rowLimit) {
    dropRow(body.lastElementChild.dataset.object);
  }
  while (body.rows.length < Math.min(rowLimit, ranked.length)) {
    place(ranked[body.rows.length], body.rows.length);
  }
  const more = document.getElementById("more");
  more.hidden = ranked.length <= body.rows.length;
  setText(document.getElementById("more-count"), "top " + body.rows.length + " of " + ranked.length + " live alerts");
}

function apply(a) {
  if (live.has(a.object_id)) {
    ranked.splice(ranked.indexOf(a.object_id), 1);
  }
  if (a.state === "retracted") {
    live.delete(a.object_id);
    dropRow(a.object_id);
  } else {
    nightClock = Math.max(nightClock, a.candidate.mjd);
    live.set(a.object_id, a);
    const at = slot(a);
    ranked.splice(at, 0, a.object_id);
    if (at < rowLimit) {
      place(a.object_id, at);
    } else {
      dropRow(a.object_id);
    }
  }
  fitRows();
  if (a.object_id === openObject) {
    showObject(openObject);
  }
}

function refreshAges() {
  document.querySelectorAll("#alerts td.seen").forEach((td) => setText(td, ago(Number(td.dataset.mjd))));
}

function message(text) {
  document.getElementById("message").textContent = text;
}

function token() {
  const t = document.getElementById("token").value.trim();
  sessionStorage.setItem("nightwatch-token", t);
  return t;
}

async function vetObject(objectId, label) {
  const r = await fetch("/api/objects/" + encodeURIComponent(objectId) + "/label", {
    method: "POST",
    headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json" },
    body: JSON.stringify({ label: label, operator: "control room" }),
  });
  if (r.ok) {
    vetted.set(objectId, label);
    const a = live.get(objectId);
    if (a && rowsById.has(objectId)) {
      fillRow(rowsById.get(objectId), a);
    }
    if (objectId === openObject) {
      document.getElementById("object-vet").replaceChildren(...vetButtons(objectId));
    }
    message("");
  } else {
    const e = await r.json().catch(() => ({ error: r.statusText }));
    message("label not stored: " + (e.error || r.status));
  }
}

async function command(name) {
  const mode = document.getElementById("mode");
  const body = name === "start" && mode.value ? JSON.stringify({ mode: mode.value }) : "";
  const r = await fetch("/api/night/" + name, { method: "POST", headers: { "Authorization": "Bearer " + token(),
    "Content-Type": "application/json" }, body: body });
  const e = await r.json().catch(() => ({ error: r.statusText }));
  message(r.ok ? e.night : name + " refused: " + (e.error || r.status));
  night();
}

// the light curve: magnitude (brighter up) against UTC, with 1-sigma bars
function lightCurve(history) {
  const svg = document.getElementById("lightcurve");
  const ns = "http://www.w3.org/2000/svg";
  const W = 460;
  const H = 200;
  const m = { l: 44, r: 10, t: 10, b: 28 };
  const pts = history.filter((d) => Number.isFinite(d.mag));
  const shape = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  };
  if (pts.length === 0) {
    svg.replaceChildren(shape("text", { x: 20, y: 40 }, "no magnitudes"));
    return;
  }
  const t0 = Math.min(...pts.map((d) => d.mjd));
  const t1 = Math.max(...pts.map((d) => d.mjd));
  const mags = pts.flatMap((d) => [d.mag - (d.mag_err || 0), d.mag + (d.mag_err || 0)]);
  const lo = Math.min(...mags) - 0.1;
  const hi = Math.max(...mags) + 0.1;
  const x = (t) => m.l + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * (W - m.l - m.r);
  const y = (mag) => m.t + (mag - lo) / (hi - lo) * (H - m.t - m.b);
  const parts = [shape("line", { class: "axis", x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b }),
    shape("line", { class: "axis", x1: m.l, y1: m.t, x2: m.l, y2: H - m.b }),
    shape("text", { x: 2, y: m.t + 8 }, lo.toFixed(1)), shape("text", { x: 2, y: H - m.b }, hi.toFixed(1)),
    shape("text", { x: m.l, y: H - 8 }, utc(t0)), shape("text", { x: W - m.r - 48, y: H - 8 }, utc(t1)),
    shape("text", { x: W / 2 - 20, y: H - 8 }, "mag, UTC")];
  pts.forEach((d) => {
    parts.push(shape("line", { class: "err", x1: x(d.mjd), x2: x(d.mjd), y1: y(d.mag - (d.mag_err || 0)), y2: y(d.mag + (d.mag_err || 0)) }));
    parts.push(shape("circle", { class: "point", cx: x(d.mjd), cy: y(d.mag), r: 3 }));
  });
  svg.replaceChildren(...parts);
}

async function showObject(objectId) {
  const r = await fetch("/api/objects/" + encodeURIComponent(objectId));
  if (!r.ok) {
    message("object " + objectId + " is no longer live");
    return;
  }
  const o = await r.json();
  if (openObject && rowsById.has(openObject)) {
    rowsById.get(openObject).classList.remove("open");
  }
  openObject = objectId;
  if (rowsById.has(objectId)) {
    rowsById.get(objectId).classList.add("open");
  }
  const c = o.candidate;
  document.getElementById("object-title").textContent = o.object_id + " (" + o.kind + ")";
  document.getElementById("object-summary").textContent = "RA " + num(c.ra, 5) + ", Dec " + num(c.dec, 5) + "; rank score "
    + num(o.rank_score, 3) + "; real/bogus " + num(c.score, 3) + "; mag " + num(c.mag, 2) + " \u00b1 " + num(c.mag_err, 2)
    + "; host " + o.host + "; " + (o.history || []).length + " detections";
  document.getElementById("object-cutouts").replaceChildren(...CHANNELS.map((ch) =>
    el("figure", {}, el("img", { src: stampUrl(o, ch, 5), alt: ch }), el("figcaption", { textContent: ch }))));
  lightCurve(o.history || []);
  const w = o.window;
  document.getElementById("object-plan").textContent = (o.plan
    ? "place " + o.plan.place + " of " + o.plan.of + " in tonight's plan: " + o.plan.telescope + " at " + utc(o.plan.start_mjd)
      + "-" + utc(o.plan.end_mjd) + " UTC. "
    : "not in tonight's plan. ")
    + (w ? "Observable " + utc(w.start_mjd) + "-" + utc(w.end_mjd) + " UTC, best " + utc(w.best_mjd) + " at airmass "
      + num(w.min_airmass, 2) + ", Moon " + num(w.moon_separation_deg, 0) + "\u00b0 away." : "Not observable tonight.");
  document.querySelector("#history tbody").replaceChildren(...(o.history || []).map((d) => el("tr", {},
    ...[utc(d.mjd), d.sensor, d.visit, num(d.mag, 2), num(d.snr, 1), num(d.score, 3)].map((v) => el("td", { textContent: v })))));
  document.getElementById("object-vet").replaceChildren(...vetButtons(objectId));
  document.getElementById("object").hidden = false;
}

function gauge(name, value, detail, fraction, warn) {
  const g = el("div", { className: "gauge" + (warn ? " warn" : "") }, el("div", { className: "name", textContent: name }),
    el("div", { className: "value", textContent: value }));
  g.dataset.gauge = name;
  if (detail) {
    g.append(el("div", { className: "name", textContent: detail }));
  }
  if (fraction !== undefined) {
    const bar = el("div", { className: "bar" }, el("div"));
    bar.firstChild.style.width = Math.round(100 * Math.min(1, fraction)) + "%";
    g.append(bar);
  }
  return g;
}

const ms = (v) => (v === null || v === undefined ? "\u2013" : v < 1000 ? Math.round(v) + " ms" : (v / 1000).toFixed(2) + " s");

async function night() {
  try {
    const n = await (await fetch("/api/night")).json();
    document.getElementById("night").textContent = n.summary || "";
    const phase = document.getElementById("phase");
    phase.textContent = n.phase + " \u00b7 " + n.mode;
    phase.className = "badge " + n.phase;
    // the survey mode is the operator's choice until the night starts
    const mode = document.getElementById("mode");
    if (mode.options.length === 0 && (n.modes || []).length > 0) {
      mode.replaceChildren(...n.modes.map((m) => el("option", { value: m, textContent: m, selected: m === n.mode })));
    }
    mode.disabled = n.phase !== "waiting";
    if (mode.disabled && mode.value !== n.mode && [...mode.options].some((o) => o.value === n.mode)) {
      mode.value = n.mode;
    }
    const t = n.throughput;
    const l = n.latency;
    const b = n.backpressure;
    document.getElementById("gauges").replaceChildren(
      gauge("frames/s", num(t.frames_per_s, 0), n.frames.stacked + " stacked, " + n.frames.lost + " lost"),
      gauge("real-time factor", num(n.realtime_factor, 2), "frames handled / frames due", undefined, n.realtime_factor < 0.95 && n.phase === "observing"),
      gauge("candidates/s", num(t.candidates_per_s, 0), n.candidates + " tonight"),
      gauge("alerts/s", num(t.alerts_per_s, 1), n.alerts.published + " published, " + n.alerts.live + " live"),
      gauge("visit \u2192 stack", ms(l.visit_stacked_p50_ms), "p99 " + ms(l.visit_stacked_p99_ms)),
      gauge("visit \u2192 alert", ms(l.visit_to_alert_p50_ms), "p99 " + ms(l.visit_to_alert_p99_ms)),
      gauge("stack buffers", b.buffers_in_use + " / " + b.buffers_capacity, "in use", b.buffers_in_use / Math.max(1, b.buffers_capacity),
        b.buffers_in_use >= b.buffers_capacity),
      gauge("back-pressure", String(b.camera_offers_back_pressured + b.ingest_polls_back_pressured),
        b.frames_deferred + " frames deferred", undefined, b.frames_deferred > 0));
  } catch (e) {
    document.getElementById("night").textContent = "night state unavailable";
  }
}

const tiles = new Map(); // sensor name -> its tile in the mosaic

// the focal plane: each sensor's tile made once and then only changed where its state changed
async function mosaic() {
  try {
    const sensors = await (await fetch("/api/sensors")).json();
    const box = document.getElementById("mosaic");
    const rows = 1 + Math.max(0, ...sensors.map((s) => s.row));
    const cols = 1 + Math.max(0, ...sensors.map((s) => s.column));
    box.style.height = (rows * 2.6 + 0.2) + "em";
    box.style.width = (cols * 3.9 + 0.2) + "em";
    sensors.forEach((s) => {
      let d = tiles.get(s.sensor);
      if (!d) {
        d = el("div", {}, el("span", { textContent: s.sensor.replace("sensor-", "") }), el("small"), el("small"));
        d.dataset.sensor = s.sensor;
        d.style.left = (s.column * 3.9) + "em";
        d.style.top = (s.row * 2.6) + "em";
        tiles.set(s.sensor, d);
        box.append(d);
      }
      const cls = "sensor " + s.state + (s.gaps > 0 ? " gaps" : "");
      if (d.className !== cls) {
        d.className = cls;
      }
      setText(d.children[1], num(s.frame_rate_hz, 1) + " Hz");
      setText(d.children[2], s.sky_level === null ? "\u2013" : "sky " + num(s.sky_level, 0));
      const title = s.sensor + ": " + s.state + ", " + num(s.frame_rate_hz, 2) + " frames/s, " + s.frames_stacked + " stacked, "
        + s.frames_lost + " lost, " + s.frames_deferred + " deferred, " + s.gaps + " gaps, sky "
        + (s.sky_level === null ? "not yet" : num(s.sky_level, 1) + " ADU/frame") + (s.problem ? "; last problem: " + s.problem : "")
        + (s.node ? "; on " + s.node : "");
      if (d.title !== title) {
        d.title = title;
      }
    });
  } catch (e) {
    // the next refresh tries again
  }
}

// a night on a cluster: each node, its roles, whether it is up or was lost, the sensors it hosts and its load
async function cluster() {
  try {
    const c = await (await fetch("/api/cluster")).json();
    const box = document.getElementById("cluster");
    box.hidden = c.nodes.length === 0;
    box.querySelector("tbody").replaceChildren(...c.nodes.map((n) => {
      const tr = el("tr", { className: "node " + n.status },
        el("td", { textContent: n.address }), el("td", { textContent: n.roles.join(", ") }), el("td", { textContent: n.status }),
        el("td", { textContent: n.sensors.length ? n.sensors.map((s) => s.replace("sensor-", "")).join(" ") : "\u2013" }),
        el("td", { textContent: n.cpu_load === null || n.cpu_load === undefined ? "\u2013" : num(100 * n.cpu_load, 0) + " %" }),
        el("td", { textContent: n.heap_mb === null || n.heap_mb === undefined ? "\u2013" : num(n.heap_mb, 0) + " MB" }));
      tr.dataset.node = n.address;
      return tr;
    }));
  } catch (e) {
    // the next refresh tries again
  }
}

// the list as the server has it now, then the changes that came meanwhile (those not older than the list's)
async function resync() {
  const list = await (await fetch("/api/alerts")).json();
  live.clear();
  rowsById.clear();
  ranked = [];
  document.querySelector("#alerts tbody").replaceChildren();
  list.forEach(apply);
  const early = pending;
  pending = null;
  early.forEach((a) => {
    const now = live.get(a.object_id);
    if (!now || a.state === "retracted" || a.candidate.mjd >= now.candidate.mjd) {
      apply(a);
    }
  });
}

// the socket opens before the list loads, so that no change published meanwhile is missed; after a lost
// connection the page loads the list again
function connect() {
  pending = [];
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/alerts");
  const badge = document.getElementById("live");
  ws.onopen = () => {
    badge.textContent = "live";
    badge.className = "badge on";
    resync();
  };
  ws.onmessage = (m) => {
    const arrived = Date.now();
    const a = JSON.parse(m.data);
    if (a.keepalive) {
      return;
    }
    if (pending) {
      pending.push(a);
      return;
    }
    apply(a);
    if (a.published_ms) {
      // the row is on screen once the frame after this change has been drawn
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ shown: a.id, latency_ms: Date.now() - a.published_ms, delivered_ms: arrived - a.published_ms }));
        }
      }));
    }
  };
  ws.onclose = () => { badge.textContent = "offline"; badge.className = "badge"; setTimeout(connect, 2000); };
}

(() => {
  document.getElementById("token").value = sessionStorage.getItem("nightwatch-token") || "";
  document.getElementById("start").onclick = () => command("start");
  const showMore = document.getElementById("show-more");
  showMore.textContent = "show " + PAGE_ROWS + " more";
  showMore.onclick = () => { rowLimit += PAGE_ROWS; fitRows(); };
  document.getElementById("stop").onclick = () => command("stop");
  document.getElementById("close").onclick = () => {
    document.getElementById("object").hidden = true;
    if (rowsById.has(openObject)) {
      rowsById.get(openObject).classList.remove("open");
    }
    openObject = null;
  };
  connect();
  night();
  mosaic();
  setInterval(night, 2000);
  setInterval(mosaic, 2000);
  cluster();
  setInterval(cluster, 2000);
  setInterval(refreshAges, 10000);
})();
