// The demo site, end to end: build it (Vite, as `npm run build:demo` does, into a temporary
// folder), serve the build three ways and drive every panel in headless Chromium (Debian's,
// through playwright-core; never a downloaded browser):
//   1. vite preview, which sends COOP/COEP: cross-origin isolated by headers, 'shared' mode;
//   2. a plain static server with no headers: the bundled coi-serviceworker must isolate the
//      page (first load registers it and reloads), workers and wasm must load through it;
//   3. the same server with service workers unavailable: the site runs in 'fallback' mode and
//      says why and what to change.
// Results are checked where they can be (blur and Mandelbrot against JS references, GEMM
// numbers > 0, the playground's traces: no budget violation composed, more busy threads than
// the budget naive), the console must stay free of errors, and screenshots of every panel go
// to test-artifacts/demo/ (or $WEFT_TEST_OUT/demo/).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { blurReference, compareBlur, mandelbrotSamples } from './reference.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, 'vite.config.ts');
const ARTIFACTS = join(process.env.WEFT_TEST_OUT || join(ROOT, 'test-artifacts'), 'demo');
const SITE = mkdtempSync(join(tmpdir(), 'weft-site-'));
const CHROMIUM = process.env.WEFT_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LONG = 240_000;

let browser;
let vitePreview;
let plain;
let origins;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await build({ configFile: CONFIG, root: ROOT, logLevel: 'warn', build: { outDir: SITE, emptyOutDir: true } });
  vitePreview = await preview({
    configFile: CONFIG,
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: SITE },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  plain = await staticServer(SITE);
  origins = { isolated: vitePreview.resolvedUrls.local[0].replace(/\/$/, ''), plain: `http://127.0.0.1:${plain.address().port}` };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  await vitePreview?.close().catch(() => {});
  await new Promise((resolve) => (plain ? plain.close(resolve) : resolve()));
  rmSync(SITE, { recursive: true, force: true });
});

/** A static file server with no special headers, as GitHub Pages (and most hosts) are. */
function staticServer(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml' };
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    try {
      if (!file.startsWith(dir) || !statSync(file).isFile()) throw new Error('not found');
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A fresh context and page that records console errors and uncaught exceptions. */
async function open(origin, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', noServiceWorker = false } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  if (noServiceWorker) {
    // As in a browser or private window without service workers.
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }));
  }
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack || error}`));
  page.on('crash', () => errors.push('page crashed'));
  await page.goto(`${origin}/demo/`);
  await page.waitForFunction(() => document.documentElement.dataset.weft, null, { timeout: 60_000 });
  return { context, page, errors };
}

const shot = (page, name, options = {}) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, ...options });

async function tab(page, id) {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#${id}:not([hidden])`);
}

/** Runs the playground in `modes` ('all' = the compare button) and returns the result rows. */
async function playground(page, { tasks, size, mode = 'all' }) {
  await tab(page, 'playground');
  await page.fill('#pg-tasks', String(tasks));
  await page.selectOption('#pg-size', String(size));
  const before = await page.locator('#pg-results tbody tr').count();
  const expected = before + (mode === 'all' ? 3 : 1);
  if (mode === 'all') await page.click('#pg-compare');
  else {
    await page.check(`#pg-form input[name=mode][value=${mode}]`);
    await page.click('#pg-run');
  }
  await page.waitForFunction(
    (n) => document.querySelectorAll('#pg-results tbody tr').length >= n || /Failed/.test(document.querySelector('#pg-progress-text').textContent),
    expected,
    { timeout: LONG },
  );
  const text = await page.textContent('#pg-progress-text');
  if (/Failed/.test(text)) await shot(page, 'failure-playground');
  assert.doesNotMatch(text, /Failed/, text);
  return page.$$eval('#pg-results tbody tr', (rows) => rows.map((r) => ({ ...r.dataset })));
}

async function gemm(page, sizes) {
  await tab(page, 'gemm');
  for (const box of await page.$$('#gemm-form input[name=size]')) {
    const value = Number(await box.getAttribute('value'));
    if (sizes.includes(value)) await box.check();
    else await box.uncheck();
  }
  await page.click('#gemm-run');
  await page.waitForFunction(() => /^(Done|Failed)/.test(document.querySelector('#gemm-progress-text').textContent), null, { timeout: LONG });
  const text = await page.textContent('#gemm-progress-text');
  assert.match(text, /^Done/, text);
  const rows = await page.$$eval('#gemm-results tbody tr', (trs) =>
    trs.map((tr) => ({
      size: Number(tr.dataset.size),
      build: tr.dataset.build,
      gflops: [...tr.querySelectorAll('td[data-gflops]')].map((td) => Number(td.dataset.gflops)),
      js: Number(tr.querySelector('td[data-js-gflops]').dataset.jsGflops),
    })),
  );
  assert.equal(rows.length > 0, true, 'GEMM table has rows');
  for (const r of rows) {
    assert.ok(sizes.includes(r.size));
    for (const g of r.gflops) assert.ok(g > 0, `GFLOP/s > 0 for ${r.size} ${r.build}: ${r.gflops}`);
    assert.ok(r.js > 0, `JS GFLOP/s > 0 for ${r.size}`);
  }
  assert.ok((await page.locator('#gemm-chart svg polyline').count()) >= 1, 'the chart has lines');
  return rows;
}

/** The blur panel: against the JS reference when the kernels exist, else the notice. */
async function blurPanel(page, name) {
  await tab(page, 'blur');
  const available = await page.evaluate(() => ['gaussianBlur', 'boxBlur'].filter((k) => k in window.weft.rt.kernels));
  if (!available.length) {
    await page.waitForFunction(() => document.querySelector('#blur-src').width > 300);
    assert.match(await page.textContent('#blur-unavailable'), /kernel not available in this build/);
    assert.equal(await page.isVisible('#blur-unavailable'), true);
    await shot(page, name);
    return { available };
  }
  const results = {};
  for (const kernel of available) {
    await page.selectOption('#blur-kind', kernel);
    const radius = kernel === 'gaussianBlur' ? 5 : 4;
    await page.$eval('#blur-radius', (el, r) => {
      el.value = String(r);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, radius);
    await page.waitForFunction(
      ({ kernel, radius }) => {
        const d = document.querySelector('#blur-out').dataset;
        return d.state === 'done' && d.kernel === kernel && d.radius === String(radius);
      },
      { kernel, radius },
      { timeout: 60_000 },
    );
    const diff = await page.evaluate(
      ({ kernel, radius, reference, compare }) => {
        const src = document.querySelector('#blur-src');
        const out = document.querySelector('#blur-out');
        const { width, height } = src;
        const input = src.getContext('2d').getImageData(0, 0, width, height).data;
        const got = out.getContext('2d').getImageData(0, 0, width, height).data;
        let changed = 0;
        for (let i = 0; i < got.length; i++) if (got[i] !== input[i]) changed++;
        const fit = new Function(`return (${compare})`)()(reference, kernel, input, got, width, height, radius);
        return { ...fit, changed: changed / got.length };
      },
      { kernel, radius, reference: blurReference.toString(), compare: compareBlur.toString() },
    );
    results[kernel] = diff;
    assert.ok(diff.changed > 0.2, `${kernel} changed the image (${diff.changed})`);
    assert.ok(diff.max <= 2, `${kernel} radius ${radius} matches the JS reference within 2 away from the edges (best σ ${diff.sigma}: max ${diff.max}, mean ${diff.mean})`);
  }
  await shot(page, name);
  return { available, results };
}

/** The Mandelbrot panel: inside-set pixels black, escape counts consistent with a JS reference. */
async function mandelbrotPanel(page, name) {
  await tab(page, 'mandelbrot');
  const available = await page.evaluate(() => 'mandelbrot' in window.weft.rt.kernels);
  if (!available) {
    assert.match(await page.textContent('#mb-unavailable'), /kernel not available in this build/);
    await shot(page, name);
    return { available };
  }
  await page.waitForFunction(() => document.querySelector('#mb-canvas').dataset.state === 'done', null, { timeout: 60_000 });
  const check = await page.evaluate(
    ({ samples }) => {
      const canvas = document.querySelector('#mb-canvas');
      const d = canvas.dataset;
      const view = { width: Number(d.width), height: Number(d.height), cx: Number(d.cx), cy: Number(d.cy), scale: Number(d.scale), maxIter: Number(d.maxIter) };
      const pixels = canvas.getContext('2d').getImageData(0, 0, view.width, view.height).data;
      const points = new Function(`return (${samples})`)()(view);
      return {
        view,
        workers: Number(d.workers || 0),
        points: points.map((p) => ({ ...p, rgba: [...pixels.subarray((p.y * view.width + p.x) * 4, (p.y * view.width + p.x) * 4 + 4)] })),
      };
    },
    { samples: mandelbrotSamples.toString() },
  );
  const inside = check.points.filter((p) => p.count === check.view.maxIter);
  const outside = check.points.filter((p) => p.count < check.view.maxIter);
  assert.ok(inside.length >= 3 && outside.length >= 3, `enough sample pixels (${inside.length} in, ${outside.length} out)`);
  for (const p of inside) assert.deepEqual(p.rgba.slice(0, 3), [0, 0, 0], `pixel (${p.x}, ${p.y}) inside the set is black`);
  for (const p of outside) assert.notDeepEqual(p.rgba.slice(0, 3), [0, 0, 0], `pixel (${p.x}, ${p.y}) escaping after ${p.count} is not black`);
  // The colour is a function of the escape count: equal counts, equal colours.
  const byCount = new Map();
  for (const p of outside) {
    const key = p.count;
    const colour = p.rgba.join(',');
    if (byCount.has(key)) assert.equal(colour, byCount.get(key), `escape count ${key} has one colour`);
    else byCount.set(key, colour);
  }
  await shot(page, name);
  return { available, workers: check.workers };
}

describe('demo site served with COOP/COEP (vite preview)', () => {
  let s;
  before(async () => {
    s = await open(origins.isolated);
  });
  after(async () => {
    await s?.context.close();
  });

  it('starts weft in shared mode, isolated by the headers', async () => {
    const { page } = s;
    assert.equal(await page.evaluate(() => document.documentElement.dataset.weft), 'shared');
    const info = await page.evaluate(() => ({ ...window.weft.info, via: window.weft.isolation.via }));
    assert.equal(info.crossOriginIsolated, true);
    assert.equal(info.via, 'headers');
    assert.match(await page.textContent('#status'), /Shared memory · \d+ threads?/);
  });

  it('playground: composed modes stay within the budget, naive exceeds it', async () => {
    const { page } = s;
    const rows = await playground(page, { tasks: 12, size: 384 });
    const byMode = Object.fromEntries(rows.slice(0, 3).map((r) => [r.mode, r]));
    const budget = Number(byMode.dynamic.budget);
    for (const mode of ['static', 'dynamic']) {
      assert.equal(byMode[mode].violations, '0', `${mode}: rt.trace.check() finds no violation`);
      assert.ok(Number(byMode[mode].checkMaxBusy) <= budget, `${mode}: maxBusy ${byMode[mode].checkMaxBusy} ≤ ${budget}`);
      assert.ok(Number(byMode[mode].ms) > 0);
    }
    if (budget > 1) {
      assert.ok(Number(byMode.naive.peak) > budget, `naive: ${byMode.naive.peak} busy threads > budget ${budget} (${JSON.stringify(byMode.naive)})`);
      assert.ok(Number(byMode.naive.lanes) > budget, 'naive: the private pools have lanes of their own');
    }
    // The naive timeline, then the last (dynamic) one, for the screenshots.
    await page.click('#pg-results tbody tr[data-mode=naive] button');
    await page.locator('#pg-timeline').screenshot({ path: join(ARTIFACTS, 'playground-naive-timeline.png') });
    await page.click('#pg-results tbody tr[data-mode=dynamic] button');
    await shot(page, 'playground');
  });

  it('GEMM: GFLOP/s for every size, thread count and build, and the JS baseline', async () => {
    const rows = await gemm(s.page, [64, 128, 256]);
    const builds = new Set(rows.map((r) => r.build));
    const simd = await s.page.evaluate(() => window.weft.info.simd);
    assert.ok(builds.has(simd));
    if (simd === 'relaxed') assert.ok(builds.has('simd128'), 'both builds measured where relaxed SIMD exists');
    await shot(s.page, 'gemm');
  });

  it('image blur matches the JS reference (or says the kernel is not in this build)', async () => {
    await blurPanel(s.page, 'blur');
  });

  it('Mandelbrot: set pixels black, escape counts consistent with the JS reference', async () => {
    const r = await mandelbrotPanel(s.page, 'mandelbrot');
    if (r.available) {
      // Pan and zoom with the keyboard, then render again.
      await s.page.focus('#mb-canvas');
      await s.page.keyboard.press('+');
      await s.page.keyboard.press('ArrowLeft');
      await s.page.waitForFunction(() => document.querySelector('#mb-canvas').dataset.state === 'done' && !document.querySelector('#mb-zoom').textContent.startsWith('×1.00'), null, { timeout: 60_000 });
      await mandelbrotPanel(s.page, 'mandelbrot-zoomed');
    }
  });

  it('runtime info: rt.info() and the isolation status', async () => {
    const { page } = s;
    await tab(page, 'info');
    assert.equal(await page.textContent('#info-table td[data-key=mode]'), 'shared');
    assert.match(await page.textContent('#info-isolation'), /Cross-origin isolated/);
    await shot(page, 'info');
  });

  it('dark scheme and a phone-sized viewport render', async () => {
    const dark = await open(origins.isolated, { colorScheme: 'dark' });
    try {
      await playground(dark.page, { tasks: 8, size: 256, mode: 'dynamic' });
      await shot(dark.page, 'playground-dark');
      await tab(dark.page, 'mandelbrot');
      await dark.page.waitForTimeout(1000);
      await shot(dark.page, 'mandelbrot-dark');
      assert.deepEqual(dark.errors, []);
    } finally {
      await dark.context.close();
    }
    const phone = await open(origins.isolated, { viewport: { width: 390, height: 844 } });
    try {
      await playground(phone.page, { tasks: 4, size: 256, mode: 'static' });
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scrolling on a phone (${overflow}px)`);
      await shot(phone.page, 'playground-phone');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });

  it('long runs show progress and can be cancelled; the runtime stays usable', async () => {
    const { page } = s;
    await tab(page, 'playground');
    await page.fill('#pg-tasks', '64');
    await page.selectOption('#pg-size', '1024');
    await page.check('#pg-form input[name=mode][value=dynamic]');
    const rows = await page.locator('#pg-results tbody tr').count();
    await page.click('#pg-run');
    await page.waitForFunction(() => /tasks done|warming up/.test(document.querySelector('#pg-progress-text').textContent), null, { timeout: 60_000 });
    assert.equal(await page.isEnabled('#pg-cancel'), true);
    assert.equal(await page.isEnabled('#gemm-run'), false, 'GEMM waits while the playground measures');
    await page.click('#pg-cancel');
    await page.waitForFunction(() => document.querySelector('#pg-progress-text').textContent === 'Cancelled.', null, { timeout: 60_000 });
    assert.equal(await page.locator('#pg-results tbody tr').count(), rows, 'a cancelled run adds no result');
    assert.equal(await page.isEnabled('#pg-run'), true);
    const after = await playground(page, { tasks: 4, size: 128, mode: 'dynamic' });
    assert.equal(after[0].violations, '0');

    await tab(page, 'gemm');
    for (const box of await page.$$('#gemm-form input[name=size]')) {
      if ((await box.getAttribute('value')) === '1024') await box.check();
      else await box.uncheck();
    }
    await page.click('#gemm-run');
    await page.waitForFunction(() => /threads?…/.test(document.querySelector('#gemm-progress-text').textContent), null, { timeout: 60_000 });
    await page.click('#gemm-cancel');
    await page.waitForFunction(() => document.querySelector('#gemm-progress-text').textContent === 'Cancelled.', null, { timeout: 60_000 });
  });

  it('keyboard: the tabs are operable with arrow keys and focus is visible', async () => {
    const { page } = s;
    await page.focus('#tab-info');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-mandelbrot');
    assert.equal(await page.getAttribute('#tab-mandelbrot', 'aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-playground');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
  });

  it('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});

describe('demo site on a static host without headers: the service worker isolates it', () => {
  let s;
  before(async () => {
    s = await open(origins.plain);
    // The first load registers coi-serviceworker and reloads; wait for the isolated page.
    await s.page.waitForFunction(() => document.documentElement.dataset.weft && window.crossOriginIsolated, null, { timeout: 60_000 });
  });
  after(async () => {
    await s?.context.close();
  });

  it('is cross-origin isolated through the service worker, weft in shared mode', async () => {
    const { page } = s;
    const state = await page.evaluate(() => ({ mode: window.weft.info.mode, via: window.weft.isolation.via, controlled: !!navigator.serviceWorker.controller }));
    assert.deepEqual(state, { mode: 'shared', via: 'service-worker', controlled: true });
    assert.match(await page.textContent('#status'), /isolated by service worker/);
  });

  it('workers, task modules and wasm load through it: playground and GEMM run', async () => {
    const rows = await playground(s.page, { tasks: 6, size: 256, mode: 'dynamic' });
    assert.equal(rows[0].violations, '0');
    await gemm(s.page, [64]);
    await tab(s.page, 'info');
    assert.match(await s.page.textContent('#info-isolation'), /service worker/);
    await shot(s.page, 'service-worker-info');
  });

  it('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});

describe('demo site on a static host without headers or service workers: fallback mode', () => {
  let s;
  before(async () => {
    s = await open(origins.plain, { noServiceWorker: true });
  });
  after(async () => {
    await s?.context.close();
  });

  it('runs in fallback mode and says why and what to change', async () => {
    const { page } = s;
    const state = await page.evaluate(() => ({ mode: window.weft.info.mode, threads: window.weft.info.threads, reason: window.weft.isolation.reason }));
    assert.deepEqual(state, { mode: 'fallback', threads: 1, reason: 'no-service-worker' });
    assert.match(await page.textContent('#status'), /Fallback mode/);
    await tab(page, 'info');
    const text = await page.textContent('#info-isolation');
    assert.match(text, /Fallback mode/);
    assert.match(text, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(text, /Cross-Origin-Embedder-Policy: require-corp/);
    await shot(page, 'fallback-info');
  });

  it('the panels still work on one worker', async () => {
    const { page } = s;
    const rows = await playground(page, { tasks: 4, size: 128, mode: 'dynamic' });
    assert.equal(rows[0].violations, '0');
    assert.equal(rows[0].budget, '1');
    await shot(page, 'fallback-playground');
    await gemm(page, [64]);
    await blurPanel(page, 'fallback-blur');
    await mandelbrotPanel(page, 'fallback-mandelbrot');
  });

  it('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
