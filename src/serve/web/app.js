// telemine displays: graphical (parameters over time, stacked), alphanumeric (values at the
// cursor), table (statistics or samples of a range) and one view per product. Plain JS, no
// library; every number comes from the JSON API of the same server.
'use strict';

const $ = (sel, el = document) => el.querySelector(sel);
const token = new URLSearchParams(location.search).get('token');
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const EVENT_COLORS = { anomaly: 'rgba(214,39,40,0.16)', gap: 'rgba(120,120,120,0.18)' };
const PANEL_HEIGHT = 110;

const state = {
  mission: null, catalog: [], selected: [], from: 0, to: 1, span: [0, 1],
  series: {}, events: [], detections: [], cursor: null, pinned: false,
};
// What the browser test reads: how often decimated data was fetched, how long drawing took.
const metrics = { fetches: 0, lastFetch: null, draws: 0, lastDrawMs: 0 };
window.telemine = { state, metrics, draw: () => draw() };

// ---------------------------------------------------------------------------------------------
// The API.

async function api(path) {
  const r = await fetch(path, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
  const type = r.headers.get('content-type') || '';
  if (!r.ok) {
    let text = r.statusText;
    if (type.includes('json')) text = (await r.json()).error;
    throw new Error(`${r.status}: ${text}`);
  }
  return type.includes('json') ? r.json() : r.text();
}
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const enc = encodeURIComponent;
const missionPath = () => `/api/missions/${enc(state.mission)}`;

function status(text) { $('#status').textContent = text || ''; }
function fail(e) { status(e.message || String(e)); }

// ---------------------------------------------------------------------------------------------
// Mission, parameters and the time range; the state lives in the URL's hash.

async function loadMissions() {
  const missions = await api('/api/missions');
  const sel = $('#mission');
  sel.innerHTML = '';
  for (const m of missions) sel.add(new Option(`${m.name} (${m.parameters} params)`, m.name));
  state.missions = missions;
  const h = readHash();
  sel.value = h.mission && missions.some((m) => m.name === h.mission) ? h.mission : (missions[0] || {}).name;
  await selectMission(sel.value, h);
}

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  return { mission: h.get('mission'), params: h.get('params'), from: h.get('from'), to: h.get('to'),
           product: h.get('product'), view: h.get('view') };
}

function writeHash() {
  const h = new URLSearchParams();
  h.set('mission', state.mission);
  h.set('params', state.selected.join(','));
  h.set('from', iso(state.from));
  h.set('to', iso(state.to));
  history.replaceState(null, '', '#' + h.toString());
}

async function selectMission(name, h = {}) {
  state.mission = name;
  const m = state.missions.find((x) => x.name === name);
  state.catalog = await api(`${missionPath()}/parameters`);
  state.span = [Date.parse(m.start), Date.parse(m.end)];
  const known = new Set(state.catalog.map((p) => p.name));
  const wanted = (h.params ? h.params.split(',') : []).filter((p) => known.has(p));
  state.selected = wanted.length ? wanted : state.catalog.slice(0, 4).map((p) => p.name);
  state.from = h.from ? Date.parse(h.from) : state.span[0];
  state.to = h.to ? Date.parse(h.to) : state.span[1];
  if (!(state.from < state.to)) [state.from, state.to] = state.span;
  state.events = await api(`${missionPath()}/events`);
  renderParamList();
  await refetch();
}

function renderParamList() {
  const box = $('#params');
  const filter = $('#filter').value.toLowerCase();
  box.innerHTML = '';
  let subsystem = null;
  for (const p of state.catalog) {
    if (filter && !p.name.toLowerCase().includes(filter)) continue;
    if (p.subsystem !== subsystem) {
      subsystem = p.subsystem;
      const d = document.createElement('div');
      d.className = 'sub';
      d.textContent = subsystem || '(no subsystem)';
      box.append(d);
    }
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.value = p.name;
    cb.checked = state.selected.includes(p.name);
    cb.onchange = () => {
      state.selected = cb.checked ? [...state.selected, p.name] : state.selected.filter((x) => x !== p.name);
      refetch().catch(fail);
    };
    label.title = `${p.name} [${p.unit}] ${p.description}`;
    label.append(cb, ' ' + p.name);
    box.append(label);
  }
}

// ---------------------------------------------------------------------------------------------
// Graphical display: one panel per parameter on one time axis, M4-decimated to the pixel width.

let fetchSerial = 0;
async function refetch() {
  writeHash();
  $('#from').value = iso(state.from);
  $('#to').value = iso(state.to);
  const serial = ++fetchSerial;
  const width = Math.max(100, Math.round($('#panels').clientWidth || 800));
  const range = `from=${enc(iso(state.from))}&to=${enc(iso(state.to))}&points=${width}`;
  status('loading...');
  const results = await Promise.all(state.selected.map((p) =>
    api(`${missionPath()}/parameters/${enc(p)}/samples?${range}`)));
  if (serial !== fetchSerial) return;  // a newer range was asked for meanwhile
  metrics.fetches += 1;
  metrics.lastFetch = { from: state.from, to: state.to, points: width, params: [...state.selected] };
  state.series = {};
  results.forEach((r, i) => { state.series[state.selected[i]] = r; });
  status('');
  buildPanels();
  draw();
  renderEvents();
  if (!$('#view-table').classList.contains('hidden')) renderTable().catch(fail);
}

function buildPanels() {
  const box = $('#panels');
  if (box.dataset.params === state.selected.join(',')) return;
  box.dataset.params = state.selected.join(',');
  box.innerHTML = '';
  state.selected.forEach((p) => {
    const div = document.createElement('div');
    div.className = 'panel';
    div.innerHTML = `<canvas height="${PANEL_HEIGHT}"></canvas><span class="label"></span><span class="range"></span>`;
    div.dataset.param = p;
    box.append(div);
    attachMouse(div.querySelector('canvas'));
  });
}

const xOf = (t, w) => ((t - state.from) / (state.to - state.from)) * w;
const tOf = (x, w) => state.from + (x / w) * (state.to - state.from);

function sizeCanvas(c, h) {
  const ratio = window.devicePixelRatio || 1;
  const w = c.clientWidth;
  if (c.width !== Math.round(w * ratio)) c.width = Math.round(w * ratio);
  c.height = Math.round(h * ratio);
  const g = c.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [g, w];
}

function draw() {
  const t0 = performance.now();
  document.querySelectorAll('#panels .panel').forEach((div, i) => drawPanel(div, i));
  drawAxis();
  metrics.lastDrawMs = performance.now() - t0;
  metrics.draws += 1;
}

function drawPanel(div, i) {
  const p = div.dataset.param;
  const s = state.series[p];
  const [g, w] = sizeCanvas(div.querySelector('canvas'), PANEL_HEIGHT);
  const h = PANEL_HEIGHT;
  g.clearRect(0, 0, w, h);
  shadeEvents(g, w, h, p);
  const info = state.catalog.find((x) => x.name === p) || {};
  div.querySelector('.label').textContent = `${p} [${info.unit || ''}]`;
  if (!s || !s.t.length) {
    div.querySelector('.range').textContent = 'no samples in view';
    return;
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of s.v) if (v !== null) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo === hi) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const y = (v) => h - ((v - lo) / (hi - lo)) * (h - 18) - 2;
  g.strokeStyle = COLORS[i % COLORS.length];
  g.lineWidth = 1;
  g.beginPath();
  let pen = false;
  for (let k = 0; k < s.t.length; ++k) {
    if (s.v[k] === null) { pen = false; continue; }
    const x = xOf(s.t[k], w), yy = y(s.v[k]);
    if (pen) g.lineTo(x, yy); else g.moveTo(x, yy);
    pen = true;
  }
  g.stroke();
  drawDetections(g, w, h, p);
  if (state.cursor !== null) {
    g.strokeStyle = '#333';
    g.beginPath();
    const x = xOf(state.cursor, w);
    g.moveTo(x, 0); g.lineTo(x, h);
    g.stroke();
  }
  div.querySelector('.range').textContent =
    `${fmt(lo + pad)} .. ${fmt(hi - pad)}   ${s.samples.toLocaleString()} samples, ${s.count} drawn`;
}

function shadeEvents(g, w, h, param) {
  for (const e of state.events) {
    if (e.param && e.param !== param) continue;
    const a = Math.max(0, xOf(Date.parse(e.start), w)), b = Math.min(w, xOf(Date.parse(e.end), w));
    if (b < 0 || a > w) continue;
    g.fillStyle = EVENT_COLORS[e.kind] || 'rgba(75,143,214,0.15)';
    g.fillRect(a, 0, Math.max(1, b - a), h);
  }
}

// Novelty detections of the product opened last, as red marks along the top of the panel.
function drawDetections(g, w, h, param) {
  g.fillStyle = '#d62728';
  for (const d of state.detections) {
    if (d.mission !== state.mission) continue;
    if (d.param !== param && !(d.contributors || '').includes(param + ':')) continue;
    const a = xOf(d.start, w), b = xOf(d.end, w);
    if (b < 0 || a > w) continue;
    g.fillRect(a, 0, Math.max(2, b - a), 4);
  }
}

function drawAxis() {
  const [g, w] = sizeCanvas($('#axis'), 28);
  g.clearRect(0, 0, w, 28);
  g.fillStyle = '#333';
  g.font = '11px system-ui';
  const step = tickStep((state.to - state.from) / Math.max(2, w / 140));
  for (let t = Math.ceil(state.from / step) * step; t < state.to; t += step) {
    const x = xOf(t, w);
    g.fillRect(x, 0, 1, 5);
    g.fillText(iso(t).replace('T', ' ').replace('Z', ''), x + 2, 16);
  }
}

function tickStep(raw) {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  const steps = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800].map((x) => x * s)
    .concat([h, 2 * h, 6 * h, 12 * h, d, 2 * d, 7 * d, 14 * d, 30 * d, 91 * d, 365 * d]);
  return steps.find((x) => x >= raw) || 365 * d;
}

const fmt = (v) => (v === null || v === undefined ? '' : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
  ? v.toExponential(4) : Number(v.toPrecision(6)).toString());

// Mouse: drag pans, the wheel zooms around the pointer, moving sets the cursor (a click holds it).
function attachMouse(canvas) {
  let drag = null;
  canvas.addEventListener('mousedown', (ev) => { drag = { x: ev.clientX, from: state.from, to: state.to, moved: false }; });
  window.addEventListener('mouseup', (ev) => {
    if (!drag) return;
    if (!drag.moved && ev.target === canvas) state.pinned = !state.pinned;
    if (drag.moved) scheduleRefetch();
    drag = null;
  });
  canvas.addEventListener('mousemove', (ev) => {
    const w = canvas.clientWidth, x = ev.offsetX;
    if (drag && Math.abs(ev.clientX - drag.x) > 2) {
      drag.moved = true;
      const dt = ((ev.clientX - drag.x) / w) * (drag.to - drag.from);
      state.from = drag.from - dt;
      state.to = drag.to - dt;
      draw();
      return;
    }
    if (!state.pinned) setCursor(tOf(x, w));
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    zoom(ev.deltaY < 0 ? 0.5 : 2, tOf(ev.offsetX, canvas.clientWidth));
  }, { passive: false });
}

function zoom(factor, around) {
  const c = around ?? (state.from + state.to) / 2;
  const from = c - (c - state.from) * factor, to = c + (state.to - c) * factor;
  if (to - from < 10) return;  // 10 ms: below that there is nothing left to see
  state.from = from;
  state.to = to;
  draw();
  scheduleRefetch();
}

let refetchTimer = null;
function scheduleRefetch() {
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => refetch().catch(fail), 120);
}

// ---------------------------------------------------------------------------------------------
// Alphanumeric display: each selected parameter's last valid value at or before the cursor.

let valuesTimer = null;
function setCursor(t) {
  state.cursor = t;
  draw();
  clearTimeout(valuesTimer);
  valuesTimer = setTimeout(() => showValues(t).catch(fail), 60);
}

async function showValues(t) {
  if (!state.selected.length) return;
  const r = await api(`${missionPath()}/values?at=${enc(iso(t))}&params=${enc(state.selected.join(','))}`);
  if (state.cursor !== t) return;
  $('#cursor-time').textContent = r.at;
  const body = $('#values tbody');
  body.innerHTML = '';
  for (const v of r.values)
    body.append(row([v.param, { num: v.value === null ? '(none)' : String(v.value) }, v.unit, v.time || '']));
}

function row(cells, cls) {
  const tr = document.createElement('tr');
  if (cls) tr.className = cls;
  for (const c of cells) {
    const td = document.createElement('td');
    if (c !== null && typeof c === 'object') { td.className = 'num'; td.textContent = c.num; } else td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function renderEvents() {
  const body = $('#events tbody');
  body.innerHTML = '';
  for (const e of state.events) {
    const a = Date.parse(e.start), b = Date.parse(e.end);
    if (b <= state.from || a >= state.to) continue;
    const tr = row([e.kind, e.param, e.class, e.start, e.end, e.text], 'clickable');
    tr.onclick = () => { const pad = (b - a) * 2 + 60000; state.from = a - pad; state.to = b + pad; refetch().catch(fail); };
    body.append(tr);
  }
}

// ---------------------------------------------------------------------------------------------
// Table display: statistics of the range per parameter, or the first parameter's samples;
// sortable by any column, exported as CSV.

let tableRows = { header: [], rows: [] };
async function renderTable() {
  const mode = document.querySelector('input[name=tmode]:checked').value;
  const range = `from=${enc(iso(state.from))}&to=${enc(iso(state.to))}`;
  if (mode === 'samples') {
    const p = state.selected[0];
    if (!p) return;
    const s = await api(`${missionPath()}/parameters/${enc(p)}/samples?${range}`);
    tableRows = { header: ['time', p], rows: s.t.map((t, i) => [iso(t), s.v[i]]) };
  } else {
    const rows = [];
    for (const p of state.selected) {
      const s = state.series[p] || await api(`${missionPath()}/parameters/${enc(p)}/samples?${range}&points=1000`);
      const vals = s.v.filter((v) => v !== null);
      const info = state.catalog.find((x) => x.name === p) || {};
      rows.push([p, info.unit || '', s.samples, vals.length ? Math.min(...vals) : null,
                 vals.length ? Math.max(...vals) : null, vals.length ? vals[0] : null,
                 vals.length ? vals[vals.length - 1] : null]);
    }
    tableRows = { header: ['parameter', 'unit', 'samples', 'min', 'max', 'first', 'last'], rows };
  }
  fillTable($('#table'), tableRows);
}

function fillTable(table, data, onRow) {
  table.innerHTML = '';
  const head = document.createElement('thead');
  const htr = document.createElement('tr');
  data.header.forEach((h, i) => {
    const th = document.createElement('th');
    th.textContent = h;
    th.onclick = () => {
      const dir = table.dataset.sort === String(i) ? -1 : 1;
      table.dataset.sort = dir === 1 ? String(i) : '';
      data.rows.sort((a, b) => dir * compare(a[i], b[i]));
      fillBody(table, data, onRow);
    };
    htr.append(th);
  });
  head.append(htr);
  table.append(head, document.createElement('tbody'));
  fillBody(table, data, onRow);
}

function fillBody(table, data, onRow) {
  const body = table.querySelector('tbody');
  body.innerHTML = '';
  for (const r of data.rows.slice(0, 5000)) {
    const tr = row(r.map((c) => (typeof c === 'number' || c === null ? { num: c === null ? '' : fmt(c) } : c)),
                   onRow ? 'clickable' : '');
    if (onRow) tr.onclick = () => onRow(r);
    body.append(tr);
  }
}

const compare = (a, b) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

function exportCsv() {
  const q = (c) => (c === null ? '' : /[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c));
  const text = [tableRows.header, ...tableRows.rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = `${state.mission}-${iso(state.from)}.csv`;
  a.click();
}

// ---------------------------------------------------------------------------------------------
// Products: the job outputs under --products, one view per kind.

function parseCsv(text) {
  const lines = text.trim().split('\n');
  const header = lines.shift().split(',');
  return lines.map((line) => {
    const cells = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; ++i) {
      const ch = line[i];
      if (quoted) { if (ch === '"' && line[i + 1] === '"') { cur += '"'; ++i; } else if (ch === '"') quoted = false; else cur += ch; }
      else if (ch === '"') quoted = true;
      else if (ch === ',') { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
}
const num = (s) => (s === undefined || s === '' || s === 'nan' ? null : Number(s));

async function loadProducts() {
  const list = await api('/api/products').catch(() => []);
  const body = $('#product-list tbody');
  body.innerHTML = '';
  for (const p of list) {
    const tr = row([p.id, p.product.replace('telemine ', ''), p.created, p.outputs.join(' ')], 'clickable');
    tr.dataset.id = p.id;
    tr.onclick = () => openProduct(p).catch(fail);
    body.append(tr);
  }
  return list;
}

async function openProduct(p) {
  const box = $('#product');
  box.innerHTML = `<h2>${p.id}</h2>`;
  box.dataset.id = p.id;
  const file = (name) => api(`/api/products/${enc(p.id)}/files/${enc(name)}`);
  if (p.outputs.includes('report.html'))
    box.insertAdjacentHTML('beforeend', `<p><a href="/api/products/${enc(p.id)}/files/report.html${token ? '?token=' + enc(token) : ''}" target="_blank">report.html</a></p>`);
  const kind = p.product.replace('telemine ', '');
  if (kind === 'stats') await statsView(box, parseCsv(await file('stats.csv')));
  else if (kind === 'dependency') await dependencyView(box, parseCsv(await file('pairs.csv')));
  else if (kind === 'novelty') await noveltyView(box, parseCsv(await file('detections.csv')));
  else if (kind === 'campaign' && p.outputs.includes('campaign.csv')) {
    const t = document.createElement('table');
    t.className = 'grid sortable';
    const rows = parseCsv(await file('campaign.csv'));
    fillTable(t, { header: Object.keys(rows[0] || {}), rows: rows.map((r) => Object.values(r)) });
    box.append(t);
  }
  box.dataset.kind = kind;
}

function chart(box, height = 220) {
  const c = document.createElement('canvas');
  c.className = 'chart';
  c.style.height = height + 'px';
  box.append(c);
  return c;
}

// Statistics: per parameter the min..max band of each bucket and the mean through it.
async function statsView(box, rows) {
  const params = [...new Set(rows.map((r) => `${r.mission}/${r.param}`))];
  const sel = document.createElement('select');
  params.forEach((p) => sel.add(new Option(p, p)));
  box.append('parameter ', sel);
  const c = chart(box);
  const t = document.createElement('table');
  t.className = 'grid sortable';
  box.append(t);
  const show = () => {
    const mine = rows.filter((r) => `${r.mission}/${r.param}` === sel.value);
    const pts = mine.map((r) => ({ t: Date.parse(r.bucket_start), min: num(r.min), max: num(r.max), mean: num(r.mean) }));
    drawBands(c, pts);
    fillTable(t, { header: ['bucket_start', 'count', 'min', 'max', 'mean', 'std', 'first', 'last'],
                   rows: mine.map((r) => [r.bucket_start, num(r.count), num(r.min), num(r.max), num(r.mean), num(r.std), num(r.first), num(r.last)]) });
  };
  sel.onchange = show;
  show();
}

function drawBands(c, pts) {
  const [g, w] = sizeCanvas(c, c.clientHeight);
  const h = c.clientHeight;
  g.clearRect(0, 0, w, h);
  const ok = pts.filter((p) => p.min !== null);
  if (!ok.length) return;
  const t0 = ok[0].t, t1 = ok[ok.length - 1].t + 1;
  const lo = Math.min(...ok.map((p) => p.min)), hi = Math.max(...ok.map((p) => p.max)) + 1e-12;
  const x = (t) => ((t - t0) / (t1 - t0)) * (w - 20) + 10, y = (v) => h - 10 - ((v - lo) / (hi - lo)) * (h - 20);
  g.fillStyle = 'rgba(31,119,180,0.25)';
  g.beginPath();
  ok.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.max)) : g.moveTo(x(p.t), y(p.max))));
  [...ok].reverse().forEach((p) => g.lineTo(x(p.t), y(p.min)));
  g.fill();
  g.strokeStyle = '#1f77b4';
  g.beginPath();
  ok.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.mean)) : g.moveTo(x(p.t), y(p.mean))));
  g.stroke();
}

// Dependency: the pairs (sortable), the NMI matrix as a heat map, and a parameter's partners,
// each partner's series drawn shifted by its lag against the parameter's own.
async function dependencyView(box, pairs) {
  const names = [...new Set(pairs.flatMap((p) => [p.param_a, p.param_b]))].sort();
  const sel = document.createElement('select');
  names.forEach((n) => sel.add(new Option(n, n)));
  // Start with the parameter of the strongest significant pair: the one with something to show.
  const strongest = pairs.find((p) => p.significant === 'true');
  if (strongest) sel.value = strongest.param_a;
  box.append('partners of ', sel);
  const partners = document.createElement('div');
  partners.id = 'partners';
  box.append(partners);
  box.insertAdjacentHTML('beforeend', '<h3>normalised mutual information (at each pair\'s strongest lag)</h3>');
  const heat = chart(box, Math.min(600, 24 + names.length * 14));
  heat.id = 'heatmap';
  drawHeatmap(heat, names, pairs);
  const t = document.createElement('table');
  t.className = 'grid sortable';
  box.append(t);
  fillTable(t, { header: ['param_a', 'param_b', 'lag_seconds', 'mi', 'nmi', 'score', 'significant'],
                 rows: pairs.map((p) => [p.param_a, p.param_b, num(p.lag_seconds), num(p.mi), num(p.nmi), num(p.score), p.significant]) });
  const show = () => showPartners(partners, sel.value, pairs).catch(fail);
  sel.onchange = show;
  await showPartners(partners, sel.value, pairs);
}

function drawHeatmap(c, names, pairs) {
  const [g, w] = sizeCanvas(c, c.clientHeight);
  const h = c.clientHeight, n = names.length, label = 120;
  const cell = Math.max(2, Math.min((w - label) / n, (h - 4) / n));
  const at = new Map(names.map((x, i) => [x, i]));
  g.font = `${Math.min(11, cell)}px system-ui`;
  for (const p of pairs) {
    const a = at.get(p.param_a), b = at.get(p.param_b), v = num(p.nmi) || 0;
    g.fillStyle = `rgba(214,39,40,${Math.min(1, v * 1.5)})`;
    g.fillRect(label + a * cell, b * cell, cell, cell);
    g.fillRect(label + b * cell, a * cell, cell, cell);
  }
  g.fillStyle = '#333';
  if (cell >= 7) names.forEach((x, i) => g.fillText(x, 2, i * cell + cell * 0.85));
}

async function showPartners(box, name, pairs) {
  box.innerHTML = '';
  const mine = pairs.filter((p) => p.significant === 'true' && (p.param_a === name || p.param_b === name))
    .sort((a, b) => num(b.nmi) - num(a.nmi)).slice(0, 5);
  const legend = document.createElement('div');
  legend.className = 'legend';
  box.append(legend);
  if (!mine.length) { legend.textContent = 'no significant partner'; return; }
  const [from, to] = [state.from, state.to];
  const width = 800;
  const get = (p, shift) => api(`${missionPath()}/parameters/${enc(p)}/samples?from=${enc(iso(from + shift))}&to=${enc(iso(to + shift))}&points=${width}`);
  // lag > 0: param_b follows param_a; seen from `name`, a partner that follows is drawn earlier.
  const lines = [{ name, shift: 0, data: await get(name, 0) }];
  for (const p of mine) {
    const other = p.param_a === name ? p.param_b : p.param_a;
    const lagMs = num(p.lag_seconds) * 1000 * (p.param_a === name ? 1 : -1);
    lines.push({ name: other, shift: lagMs, nmi: num(p.nmi), data: await get(other, lagMs) });
  }
  const c = chart(box);
  const [g, w] = sizeCanvas(c, c.clientHeight);
  const h = c.clientHeight;
  lines.forEach((l, i) => {
    const s = l.data, vals = s.v.filter((v) => v !== null);
    const lo = Math.min(...vals), hi = Math.max(...vals) + 1e-12;
    g.strokeStyle = COLORS[i % COLORS.length];
    g.beginPath();
    s.t.forEach((t, k) => {
      if (s.v[k] === null) return;
      const x = ((t - l.shift - from) / (to - from)) * w, y = h - 6 - ((s.v[k] - lo) / (hi - lo)) * (h - 12);
      k ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
    legend.insertAdjacentHTML('beforeend', `<span><i class="swatch" style="background:${COLORS[i % COLORS.length]}"></i>${l.name}${i ? ` lag ${l.shift / 1000} s, nmi ${fmt(l.nmi)}` : ''}</span>`);
  });
}

// Novelty: the detections with score and contributors; one opens the series around it, and
// the detections are marked on the graphical display.
async function noveltyView(box, rows) {
  state.detections = rows.map((r) => ({ ...r, start: Date.parse(r.start), end: Date.parse(r.end), score: num(r.score) }));
  const around = document.createElement('div');
  around.id = 'around';
  const t = document.createElement('table');
  t.className = 'grid sortable';
  t.id = 'detections';
  box.append(around, t);
  fillTable(t, { header: ['mission', 'param', 'start', 'end', 'score', 'contributors'],
                 rows: rows.map((r) => [r.mission, r.param, r.start, r.end, num(r.score), r.contributors]) },
            (r) => showAround(around, { mission: r[0], param: r[1], start: Date.parse(r[2]), end: Date.parse(r[3]), contributors: r[5] }).catch(fail));
  if (state.detections.length) await showAround(around, state.detections[0]);
  draw();
}

async function showAround(box, d) {
  box.innerHTML = `<h3>${d.param} ${iso(d.start)} .. ${iso(d.end)}</h3>`;
  const params = (d.contributors || d.param).split(';').map((c) => c.split(':')[0]).filter(Boolean).slice(0, 4);
  const pad = Math.max(d.end - d.start, 600000) * 3;
  const from = d.start - pad, to = d.end + pad;
  for (const p of params) {
    if (!state.catalog.some((x) => x.name === p)) continue;
    const s = await api(`/api/missions/${enc(d.mission)}/parameters/${enc(p)}/samples?from=${enc(iso(from))}&to=${enc(iso(to))}&points=800`);
    box.append(p);
    const c = chart(box, 90);
    const [g, w] = sizeCanvas(c, 90);
    const x = (t) => ((t - from) / (to - from)) * w;
    g.fillStyle = 'rgba(214,39,40,0.18)';
    g.fillRect(x(d.start), 0, Math.max(2, x(d.end) - x(d.start)), 90);
    const vals = s.v.filter((v) => v !== null);
    const lo = Math.min(...vals), hi = Math.max(...vals) + 1e-12;
    g.strokeStyle = '#1f77b4';
    g.beginPath();
    s.t.forEach((t, k) => { if (s.v[k] !== null) (k ? g.lineTo(x(t), 84 - ((s.v[k] - lo) / (hi - lo)) * 78) : g.moveTo(x(t), 84 - ((s.v[k] - lo) / (hi - lo)) * 78)); });
    g.stroke();
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring.

function showView(name) {
  document.querySelectorAll('.view').forEach((v) => v.classList.toggle('hidden', v.id !== 'view-' + name));
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.view === name));
  if (name === 'table') renderTable().catch(fail);
  if (name === 'products') loadProducts().catch(fail);
  if (name === 'graph') draw();
}

function wire() {
  $('#mission').onchange = (ev) => selectMission(ev.target.value).catch(fail);
  $('#filter').oninput = renderParamList;
  $('#apply').onclick = () => {
    const f = Date.parse($('#from').value), t = Date.parse($('#to').value);
    if (!(f < t)) return status('from must come before to (ISO-8601)');
    state.from = f; state.to = t;
    refetch().catch(fail);
  };
  $('#zoom-in').onclick = () => zoom(0.5);
  $('#zoom-out').onclick = () => zoom(2);
  $('#reset').onclick = () => { [state.from, state.to] = state.span; refetch().catch(fail); };
  $('#export').onclick = exportCsv;
  document.querySelectorAll('input[name=tmode]').forEach((r) => { r.onchange = () => renderTable().catch(fail); });
  document.querySelectorAll('nav button').forEach((b) => { b.onclick = () => showView(b.dataset.view); });
  window.addEventListener('resize', () => { draw(); scheduleRefetch(); });
}

wire();
loadMissions().catch(fail);
