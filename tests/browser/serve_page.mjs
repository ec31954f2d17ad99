// The serve page in headless Chromium, as a user would use it: the graphical display, a zoom
// (the decimated data must be fetched again, for the narrower range), the alphanumeric values
// at the cursor (equal to the API's), the table, a dependency and a novelty product; no console
// error. Screenshots go to the folder given. With --bench: the time to draw 8 stacked
// parameters of 2,000 pixels, measured in the page (median of 21 draws).
//   node serve_page.mjs URL SCREENSHOT_DIR MISSION PARAM,PARAM,... [--bench]
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [url, shots, mission, params, flag] = process.argv.slice(2);
const bench = flag === '--bench';
mkdirSync(shots, { recursive: true });
const fail = (text) => { console.error('FAIL: ' + text); process.exit(1); };
const ok = (text) => console.log('ok: ' + text);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: bench ? 2300 : 1400, height: 1100 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text() + ' ' + JSON.stringify(m.location())); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}#mission=${mission}&params=${params}`);
  await page.waitForFunction(() => window.telemine.metrics.fetches >= 1 && window.telemine.metrics.draws >= 1, null, { timeout: 20000 });
  const n = params.split(',').length;
  const panels = await page.locator('#panels .panel').count();
  if (panels !== n) fail(`${panels} panels for ${n} parameters`);

  if (bench) {
    const ms = await page.evaluate(() => {
      const t = [];
      for (let i = 0; i < 21; ++i) { window.telemine.draw(); t.push(window.telemine.metrics.lastDrawMs); }
      t.sort((a, b) => a - b);
      const s = window.telemine.state;
      return { median: t[10], min: t[0], max: t[20], points: Object.values(s.series).map((x) => x.count),
               width: window.telemine.metrics.lastFetch.points };
    });
    console.log(JSON.stringify(ms));
    await page.screenshot({ path: `${shots}/bench-8-panels.png`, fullPage: true });
    process.exit(0);
  }

  // Something was drawn: the first panel's canvas has coloured pixels.
  const inked = await page.evaluate(() => {
    const c = document.querySelector('#panels canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let k = 0;
    for (let i = 3; i < d.length; i += 4) k += d[i] > 0;
    return k;
  });
  if (inked < 100) fail(`the first panel is blank (${inked} pixels)`);
  await page.screenshot({ path: `${shots}/1-graphs.png`, fullPage: true });
  ok(`${n} stacked panels drawn`);

  // Zoom in with the wheel: a new fetch of decimated data for a narrower range.
  const before = await page.evaluate(() => ({ ...window.telemine.metrics.lastFetch, fetches: window.telemine.metrics.fetches }));
  const box = await page.locator('#panels canvas').first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -200);
  await page.mouse.wheel(0, -200);
  await page.waitForFunction((f) => window.telemine.metrics.fetches > f, before.fetches, { timeout: 10000 });
  await page.waitForTimeout(400);
  const after = await page.evaluate(() => window.telemine.metrics.lastFetch);
  if (!(after.to - after.from < (before.to - before.from) / 1.9)) fail(`zoom did not narrow the fetched range: ${JSON.stringify([before, after])}`);
  ok(`zoom refetched decimated data: ${((before.to - before.from) / (after.to - after.from)).toFixed(1)}x narrower, ${after.points} points`);

  // The alphanumeric display at the cursor equals the API's values at that instant.
  await page.mouse.move(box.x + box.width * 0.4, box.y + 30);
  await page.waitForFunction((k) => document.querySelectorAll('#values tbody tr').length === k &&
    document.querySelector('#cursor-time').textContent.endsWith('Z'), n, { timeout: 10000 });
  await page.waitForTimeout(300);
  const check = await page.evaluate(async () => {
    const at = document.querySelector('#cursor-time').textContent;
    const s = window.telemine.state;
    const r = await (await fetch(`/api/missions/${s.mission}/values?at=${encodeURIComponent(at)}&params=${s.selected.join(',')}`)).json();
    const shown = [...document.querySelectorAll('#values tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));
    return { at, shown, api: r.values.map((v) => [v.param, v.value === null ? '(none)' : String(v.value), v.unit, v.time || '']) };
  });
  if (JSON.stringify(check.shown) !== JSON.stringify(check.api)) fail(`values at ${check.at}: ${JSON.stringify(check)}`);
  await page.screenshot({ path: `${shots}/2-zoomed-values.png`, fullPage: true });
  ok(`the values at ${check.at} equal the API's`);

  // The table display.
  await page.click('nav button[data-view=table]');
  await page.waitForFunction((k) => document.querySelectorAll('#table tbody tr').length === k, n, { timeout: 10000 });
  await page.click('#table th:nth-child(4)');
  await page.screenshot({ path: `${shots}/3-table.png`, fullPage: true });
  ok('table of the range, sorted by a column');

  // Products: a dependency and a novelty one.
  await page.click('nav button[data-view=products]');
  await page.waitForSelector('#product-list tbody tr');
  for (const kind of ['dependency', 'novelty']) {
    const row = page.locator('#product-list tbody tr', { hasText: kind }).first();
    await row.click();
    await page.waitForFunction((k) => document.querySelector('#product').dataset.kind === k, kind, { timeout: 20000 });
    if (kind === 'dependency') {
      await page.waitForSelector('#heatmap');
      await page.waitForSelector('#partners canvas, #partners .legend', { timeout: 10000 });
    } else {
      const rows = await page.locator('#detections tbody tr').count();
      if (rows < 1) fail('no detection shown');
      await page.waitForSelector('#around canvas', { timeout: 10000 });
    }
    await page.screenshot({ path: `${shots}/4-${kind}.png`, fullPage: true });
    ok(`${kind} product opened`);
  }
  if (errors.length) fail(`console errors: ${errors.join(' | ')}`);
  ok('no console errors');
} finally {
  await browser.close();
}
