// The airgap console: polls the JSON API every second and renders each section.
// Plain DOM code, no inline scripts or styles (the Content-Security-Policy forbids them).
"use strict";

const POLL_MS = 1000;
const ENDPOINTS = ["status", "registry", "images", "dns", "dhcp", "bmc", "cluster"];
const state = { csrf: null, user: null, last: {}, tables: {}, busy: false };

// ---- small helpers -------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function bytes(n) {
  if (n === undefined || n === null) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)) + " " + units[i];
}

function relative(iso) {
  if (!iso) return el("span", { class: "muted", text: "—" });
  const t = new Date(iso);
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  const abs = Math.abs(s);
  let text;
  if (abs < 60) text = abs + " s";
  else if (abs < 3600) text = Math.round(abs / 60) + " min";
  else if (abs < 86400 * 2) text = Math.round(abs / 3600) + " h";
  else text = Math.round(abs / 86400) + " days";
  return el("time", { datetime: iso, title: t.toISOString() }, s >= 0 ? text + " ago" : "in " + text);
}

function duration(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
  const m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + s + "s";
}

function copyable(text, label) {
  const btn = el("button", { type: "button", class: "copy", "aria-label": "Copy " + label, title: "Copy" }, "copy");
  btn.addEventListener("click", () => {
    const done = () => { btn.textContent = "copied"; setTimeout(() => { btn.textContent = "copy"; }, 1500); };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => { btn.textContent = "select it"; });
  });
  return el("span", {}, el("code", { class: "digest" }, text), btn);
}

function stateBadge(s) {
  return el("span", { class: "state-" + s }, s);
}

// ---- tables that sort and filter -----------------------------------------------------------

// columns: [{label, value: row => sortable/filterable text, cell: row => Node|string}]
function table(id, caption, columns, rows, empty) {
  const host = document.getElementById(id);
  let t = state.tables[id];
  if (!t) {
    const input = el("input", { type: "search", id: id + "-filter", placeholder: "Filter" });
    t = state.tables[id] = { sort: 0, asc: true, filter: "", input, body: el("div") };
    input.addEventListener("input", () => { t.filter = input.value.toLowerCase(); draw(); });
    host.replaceChildren(
      el("div", { class: "filter" }, el("label", { for: input.id, class: "muted" }, "Filter " + caption.toLowerCase() + " "), input),
      t.body);
  }
  t.columns = columns;
  t.rows = rows;
  t.empty = empty;
  t.caption = caption;
  function draw() {
    const col = t.columns[t.sort];
    let rs = t.rows.filter(r => !t.filter || t.columns.some(c => String(c.value(r) ?? "").toLowerCase().includes(t.filter)));
    rs = rs.slice().sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""), undefined, { numeric: true });
      return t.asc ? c : -c;
    });
    const head = el("tr", {}, t.columns.map((c, i) => {
      const sorted = i === t.sort ? (t.asc ? "ascending" : "descending") : null;
      return el("th", { scope: "col", "aria-sort": sorted },
        el("button", { type: "button", class: "sort", onclick: () => { if (t.sort === i) t.asc = !t.asc; else { t.sort = i; t.asc = true; } draw(); } },
          c.label + (sorted ? (t.asc ? " ▲" : " ▼") : "")));
    }));
    const body = rs.length
      ? rs.map(r => el("tr", {}, t.columns.map(c => el("td", {}, c.cell ? c.cell(r) : String(c.value(r) ?? "")))))
      : [el("tr", {}, el("td", { colspan: String(t.columns.length), class: "placeholder" }, t.filter ? "No row matches the filter." : t.empty))];
    t.body.replaceChildren(el("table", {}, el("caption", { class: "muted" }, t.caption), el("thead", {}, head), el("tbody", {}, body)));
  }
  t.draw = draw;
  draw();
}

// ---- sections ------------------------------------------------------------------------------

function renderStatus(s) {
  document.getElementById("site-name").textContent = s.site.hostname;
  const facts = [
    ["Version", s.version],
    ["Uptime", duration(s.uptimeSeconds)],
    ["Ready", s.ready ? el("span", { class: "ok" }, "yes") : el("span", { class: "bad" }, "no")],
    ["Site", s.site.hostname + " (domain " + s.site.domain + ", addresses " + s.site.addresses.join(", ") + ")"],
    ["Data dir", s.dataDir],
    ["Disk", s.disk.totalBytes ? bytes(s.disk.totalBytes - s.disk.freeBytes) + " used of " + bytes(s.disk.totalBytes) + " (" + s.disk.usedPercent + " %), " + bytes(s.disk.freeBytes) + " free" : s.disk.error],
    ["CA", el("span", {}, copyable(s.ca.sha256, "CA fingerprint"), " ", el("span", { class: "muted" }, s.ca.file))],
  ];
  document.getElementById("facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  const banners = document.getElementById("banners");
  banners.replaceChildren(...s.warnings.map(w => el("p", { class: "banner" }, w)));
  table("services", "Services", [
    { label: "Service", value: r => r.name },
    { label: "State", value: r => r.state, cell: r => el("span", {}, stateBadge(r.state), r.error ? " " + r.error : "") },
    { label: "Listening on", value: r => r.addresses.join(" "), cell: r => el("code", {}, r.addresses.join(", ")) },
    { label: "Client URLs", value: r => r.urls.join(" "), cell: r => el("code", {}, r.urls.join(", ")) },
    { label: "Counters", value: r => Object.keys(r.counters).length, cell: r => countersText(r.counters) },
  ], s.services, "No services.");
  table("certificates", "Certificates", [
    { label: "Certificate", value: r => r.name },
    { label: "Expires", value: r => r.notAfter, cell: r => relative(r.notAfter) },
    { label: "Days left", value: r => r.daysLeft, cell: r => el("span", { class: r.daysLeft < 30 ? "bad" : "" }, String(r.daysLeft)) },
  ], s.certificates, "No certificates.");
}

function countersText(c) {
  const keys = Object.keys(c).filter(k => c[k]);
  return el("span", { class: "muted" }, keys.length ? keys.slice(0, 6).map(k => k + " " + c[k]).join(", ") : "—");
}

function renderRegistry(r) {
  const rows = r.repositories.flatMap(repo => repo.tags.map(t => Object.assign({ repository: repo.name }, t)));
  document.getElementById("registry-summary").replaceChildren(
    stateBadge(r.state), " · " + r.repositories.length + " repositories, " + r.tagCount + " tags",
    r.hostPort ? el("span", {}, " · clients use ", el("code", {}, r.hostPort)) : "");
  table("registry-tags", "Repositories and tags", [
    { label: "Repository", value: x => x.repository, cell: x => el("code", {}, x.repository) },
    { label: "Tag", value: x => x.tag, cell: x => el("code", {}, x.tag) },
    { label: "Digest", value: x => x.digest, cell: x => copyable(x.digest, "digest of " + x.repository + ":" + x.tag) },
    { label: "Size", value: x => x.size, cell: x => bytes(x.size) },
    { label: "Pushed", value: x => x.pushed || "", cell: x => relative(x.pushed) },
  ], rows, "No images yet: push one, or run airgap mirror.");
  const runs = document.getElementById("mirror-runs");
  if (!r.mirror.length) {
    runs.replaceChildren(el("p", { class: "placeholder" }, "No airgap mirror run has reported yet."));
    return;
  }
  runs.replaceChildren(...r.mirror.map(m => el("div", { class: "run" },
    el("strong", {}, m.file), " ", el("span", { class: "muted" }, "updated "), relative(m.modified),
    m.error ? el("p", { class: "bad" }, m.error) : runFacts(m.data))));
}

function runFacts(data) {
  if (!data || typeof data !== "object") return el("p", {}, String(data));
  const entries = Object.entries(data).slice(0, 20);
  return el("dl", {}, entries.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, plain(k, v))]));
}

function plain(k, v) {
  if (v === null) return "—";
  if (typeof v === "number" && /bytes/i.test(k)) return bytes(v);
  if (typeof v === "object") return el("code", {}, JSON.stringify(v).slice(0, 300));
  return String(v);
}

function renderImages(im) {
  document.getElementById("images-summary").replaceChildren(
    stateBadge(im.state), " · " + im.images.length + " files",
    im.baseUrl ? el("span", {}, " at ", el("code", {}, im.baseUrl)) : "",
    " · ", countersText(im.counters));
  table("images-table", "Images served", [
    { label: "File", value: x => x.file, cell: x => x.url ? el("a", { href: x.url }, x.file) : x.file },
    { label: "Kind", value: x => x.kind },
    { label: "Architecture", value: x => x.architecture || "" },
    { label: "RHCOS", value: x => x.version || "" },
    { label: "OpenShift", value: x => x.openshiftVersion || "" },
    { label: "SHA-256", value: x => x.sha256 || "", cell: x => x.sha256 ? copyable(x.sha256, "checksum of " + x.file) : "—" },
    { label: "Verified", value: x => x.verified ? "yes" : "no", cell: x => el("span", { class: x.verified ? "ok" : "bad" }, x.verified ? "yes" : "no") },
    { label: "Size", value: x => x.size, cell: x => bytes(x.size) },
  ], im.images, "No RHCOS artifacts: airgap images fetch or add.");
}

function renderDns(d) {
  document.getElementById("dns-summary").replaceChildren(
    stateBadge(d.state), " · zones ", el("code", {}, d.zones.join(", ") || "—"),
    " · upstreams ", el("code", {}, d.upstreams.join(", ") || "none"),
    " · " + (d.counters.queries || 0) + " queries, " + d.queriesPerSecond + " per second");
  table("dns-records", "DNS records", [
    { label: "Name", value: x => x.name, cell: x => el("code", {}, x.name) },
    { label: "Type", value: x => x.type },
    { label: "Value", value: x => x.value, cell: x => el("code", {}, x.value) },
    { label: "Source", value: x => x.source },
  ], d.records, "No records.");
}

function renderDhcp(h) {
  const text = !h.enabled ? "DHCP is off (dhcp.enabled: false)." : !h.available ? h.note : "";
  document.getElementById("dhcp-summary").replaceChildren(stateBadge(h.enabled ? h.state : "off"), text ? " · " + text : "");
  table("dhcp-leases", "DHCP leases", [
    { label: "MAC / DUID", value: x => x.client, cell: x => el("code", {}, x.client) },
    { label: "Address", value: x => x.address, cell: x => el("code", {}, x.address) },
    { label: "Host name", value: x => x.hostname || "" },
    { label: "Expires", value: x => x.expires || "", cell: x => relative(x.expires) },
  ], h.leases, h.available ? "No leases." : "Not available.");
  table("dhcp-hosts", "DHCP static hosts", [
    { label: "MAC", value: x => x.client, cell: x => el("code", {}, x.client) },
    { label: "Address", value: x => x.address || "", cell: x => el("code", {}, x.address || "—") },
    { label: "Host name", value: x => x.hostname || "" },
  ], h.staticHosts, h.available ? "No static hosts." : "Not available.");
}

function renderBmc(b) {
  document.getElementById("bmc-summary").replaceChildren(
    stateBadge(b.state), " · driver " + b.driver + " · " + b.machines.length + " machines",
    b.url ? el("span", {}, " · ", el("code", {}, b.url)) : "",
    state.user ? "" : el("span", { class: "muted" }, " · log in to power or eject"));
  table("bmc-machines", "Machines", [
    { label: "Machine", value: x => x.name, cell: x => el("span", {}, el("strong", {}, x.name), el("br"), el("code", { class: "muted" }, x.mac)) },
    { label: "Power", value: x => x.power, cell: x => el("span", { class: "state-" + x.power, id: "power-" + x.name }, x.power) },
    { label: "Boot override", value: x => x.boot ? x.boot.target : "", cell: x => x.boot ? x.boot.target + " (" + x.boot.enabled + ", " + x.boot.mode + ")" : "—" },
    { label: "Media", value: x => x.media ? x.media.name : "", cell: x => x.media ? el("code", { title: x.media.image, id: "media-" + x.name }, x.media.name) : el("span", { class: "muted", id: "media-" + x.name }, "empty") },
    { label: "Actions", value: () => "", cell: x => el("div", { class: "actions" },
      action("Power on", x, "power", { reset: "On" }, x.power === "On"),
      action("Power off", x, "power", { reset: "ForceOff" }, x.power === "Off"),
      action("Eject", x, "eject", {}, !x.media)) },
  ], b.machines, b.enabled ? "No machines." : "Redfish is off.");
}

function action(label, machine, what, body, pointless) {
  const id = label.toLowerCase().replace(/ /g, "-") + "-" + machine.name;
  return el("button", {
    type: "button", id, "aria-label": label + " " + machine.name,
    disabled: !state.user || pointless,
    title: state.user ? null : "log in first",
    onclick: async () => {
      const r = await post("/api/bmc/" + encodeURIComponent(machine.name) + "/" + what, body);
      if (r.ok) { state.last.bmc = null; render("bmc", await r.json()); }
    },
  }, label);
}

function renderCluster(c) {
  const body = document.getElementById("cluster-body");
  if (!c.configured) {
    body.replaceChildren(el("p", { class: "placeholder" }, "No site spec is configured: the control module's phases appear here once one is."));
    return;
  }
  body.replaceChildren(el("div", { class: "table-wrap", id: "cluster-phases" }),
    el("h3", {}, "Workers"), el("div", { class: "table-wrap", id: "cluster-workers" }));
  state.tables["cluster-phases"] = null;
  state.tables["cluster-workers"] = null;
  table("cluster-workers", "Workers", [
    { label: "Worker", value: x => x.name, cell: x => el("span", {}, el("strong", {}, x.name), el("br"), el("code", { class: "muted" }, x.mac)) },
    { label: "Cluster", value: x => x.cluster },
    { label: "Address", value: x => x.address || "", cell: x => x.address ? el("code", {}, x.address) : "—" },
    { label: "BMC", value: x => x.bmc, cell: x => stateBadge(x.bmc) },
    { label: "Power", value: x => x.power, cell: x => el("span", { class: "state-" + x.power }, x.power) },
  ], c.workers || [], "No workers in the spec.");
  table("cluster-phases", "Phases", [
    { label: "Phase", value: x => x.name },
    { label: "State", value: x => x.state, cell: x => stateBadge(x.state) },
    { label: "Objects", value: x => (x.objects || []).length, cell: x => (x.objects || []).join(", ") },
    { label: "Conditions", value: x => JSON.stringify(x.conditions || []), cell: x => el("code", {}, JSON.stringify(x.conditions || [])) },
  ], c.phases || [], "No phases.");
}

const RENDERERS = { status: renderStatus, registry: renderRegistry, images: renderImages, dns: renderDns, dhcp: renderDhcp, bmc: renderBmc, cluster: renderCluster };

function render(name, data) {
  const text = JSON.stringify(data);
  if (state.last[name] === text) return;
  state.last[name] = text;
  RENDERERS[name](data);
}

// ---- talking to the API --------------------------------------------------------------------

async function get(path) {
  return fetch(path, { headers: { "X-Requested-With": "airgap-console" }, credentials: "same-origin", cache: "no-store" });
}

async function post(path, body) {
  const r = await fetch(path, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "airgap-console", "X-CSRF-Token": state.csrf || "" },
    body: JSON.stringify(body),
  });
  if (!r.ok) {
    let msg = r.status + "";
    try { msg = (await r.clone().json()).error.message; } catch (e) { /* not JSON */ }
    say(msg);
    if (r.status === 401) await session();
  }
  return r;
}

function say(text) {
  document.getElementById("auth-message").textContent = text;
}

async function session() {
  const r = await get("/api/session");
  const s = await r.json();
  state.user = s.user;
  state.csrf = s.csrf || null;
  document.getElementById("login-form").hidden = !!s.user;
  document.getElementById("logged-in").hidden = !s.user;
  document.getElementById("user-name").textContent = s.user || "";
  state.last.bmc = null; // redraw the buttons
}

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  try {
    const answers = await Promise.all(ENDPOINTS.map(e => get("/api/" + e).then(async r => [e, r.status, r.ok ? await r.json() : null])));
    let locked = false;
    for (const [name, status, data] of answers) {
      if (data) render(name, data);
      if (status === 401) locked = true;
    }
    const stamp = new Date().toLocaleTimeString();
    document.getElementById("updated").textContent = locked ? "Log in to read this console." : "Live · updated " + stamp;
  } catch (e) {
    document.getElementById("updated").textContent = "The appliance does not answer (" + e.message + "); retrying.";
  } finally {
    state.busy = false;
  }
}

document.getElementById("login-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const user = document.getElementById("login-user").value;
  const password = document.getElementById("login-password").value;
  const r = await post("/api/login", { user, password });
  if (r.ok) {
    document.getElementById("login-password").value = "";
    say("");
    await session();
    state.last = {};
    await refresh();
  }
});

document.getElementById("logout-button").addEventListener("click", async () => {
  await post("/api/logout", {});
  await session();
  state.last = {};
  await refresh();
});

session().then(refresh);
setInterval(refresh, POLL_MS);
