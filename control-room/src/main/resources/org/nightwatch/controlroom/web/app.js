// The ranked list of live alerts: loaded once from /api/alerts, then kept up to date by the alert
// WebSocket (each message one alert change: new, updated or retracted). No polling.
"use strict";
const live = new Map(); // object id -> latest alert
const vetted = new Map(); // object id -> the label an operator gave it here

function hhmm(mjd) {
  const d = new Date((mjd - 40587) * 86400000);
  return d.toISOString().substring(11, 16);
}

function num(v, digits) {
  return v === null || v === undefined ? "" : Number(v).toFixed(digits);
}

function render() {
  const rows = [...live.values()].sort((a, b) => b.rank_score - a.rank_score || a.object_id.localeCompare(b.object_id));
  const body = document.querySelector("#alerts tbody");
  body.replaceChildren(...rows.map((a, i) => {
    const tr = document.createElement("tr");
    tr.className = a.kind;
    tr.dataset.object = a.object_id;
    const parts = Object.entries(a.score_parts || {}).map(([k, v]) => k + " " + num(v, 2)).join(", ");
    const w = a.window ? hhmm(a.window.start_mjd) + "-" + hhmm(a.window.end_mjd) + " X" + num(a.window.min_airmass, 2) : "not tonight";
    const c = a.candidate;
    const cells = [i + 1, a.object_id, a.kind, num(a.rank_score, 3), parts, num(c.score, 3), num(c.mag, 2), num(c.snr, 1),
      (a.history || []).length, a.host, w, a.state];
    const classes = ["rank", "object", "kind", "score", "parts", "rb", "mag", "snr", "det", "host", "window", "state"];
    cells.forEach((v, k) => {
      const td = document.createElement("td");
      td.className = classes[k];
      td.textContent = v;
      tr.appendChild(td);
    });
    const vet = document.createElement("td");
    vet.className = "vet";
    if (vetted.has(a.object_id)) {
      const done = document.createElement("span");
      done.className = "done";
      done.textContent = "\u2713 " + vetted.get(a.object_id);
      vet.appendChild(done);
    } else {
      for (const label of ["real", "bogus", "moving", "variable"]) {
        const b = document.createElement("button");
        b.textContent = label;
        b.dataset.label = label;
        b.onclick = () => vetObject(a.object_id, label);
        vet.appendChild(b);
      }
    }
    tr.appendChild(vet);
    return tr;
  }));
}

function apply(a) {
  if (a.keepalive) {
    return;
  }
  if (a.state === "retracted") {
    live.delete(a.object_id);
  } else {
    live.set(a.object_id, a);
  }
  render();
}

async function vetObject(objectId, label) {
  const token = document.getElementById("token").value.trim();
  sessionStorage.setItem("nightwatch-token", token);
  const r = await fetch("/api/objects/" + encodeURIComponent(objectId) + "/label", {
    method: "POST",
    headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
    body: JSON.stringify({ label: label, operator: "control room" }),
  });
  if (r.ok) {
    vetted.set(objectId, label);
    render();
  } else {
    const e = await r.json().catch(() => ({ error: r.statusText }));
    document.getElementById("night").textContent = "label not stored: " + (e.error || r.status);
  }
}

async function mosaic() {
  try {
    const sensors = await (await fetch("/api/sensors")).json();
    const box = document.getElementById("mosaic");
    const rows = 1 + Math.max(0, ...sensors.map((s) => s.row));
    box.style.height = (rows * 2.2 + 0.4) + "em";
    box.replaceChildren(...sensors.map((s) => {
      const d = document.createElement("div");
      d.className = "sensor " + s.state;
      d.dataset.sensor = s.sensor;
      d.title = s.sensor + ": " + s.state + ", " + s.frames_stacked + " frames stacked, " + s.frames_lost + " lost, "
        + s.frames_deferred + " deferred";
      d.style.left = (s.column * 3.2) + "em";
      d.style.top = (s.row * 2.2) + "em";
      d.textContent = s.sensor.replace("sensor-", "");
      return d;
    }));
  } catch (e) {
    // the next refresh tries again
  }
}

async function night() {
  try {
    const n = await (await fetch("/api/night")).json();
    document.getElementById("night").textContent = n.summary || "";
  } catch (e) {
    document.getElementById("night").textContent = "night state unavailable";
  }
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/alerts");
  const badge = document.getElementById("live");
  ws.onopen = () => { badge.textContent = "live"; badge.className = "badge on"; };
  ws.onmessage = (m) => apply(JSON.parse(m.data));
  ws.onclose = () => { badge.textContent = "offline"; badge.className = "badge"; setTimeout(connect, 2000); };
}

(async () => {
  (await (await fetch("/api/alerts")).json()).forEach((a) => live.set(a.object_id, a));
  render();
  document.getElementById("token").value = sessionStorage.getItem("nightwatch-token") || "";
  connect();
  night();
  mosaic();
  setInterval(night, 5000);
  setInterval(mosaic, 2000);
})();
