// Panel 2: SGEMM throughput. For each size the user picks and each kernel build the browser
// can run (relaxed SIMD and SIMD128, forced with createRuntime({ simd, isolated: true })),
// GFLOP/s at 1..budget threads (per-call { threads }), beside a plain JS loop on one thread.
import { createRuntime } from 'weft';
import { lineChart } from '../lib/chart.js';
import { $, $$, el, formatNumber, LongRun, median, nextFrame } from '../lib/dom.js';
import { workerColor } from '../lib/theme.js';

const BUILD_LABEL = { relaxed: 'relaxed SIMD', simd128: 'SIMD128' };
/** Timed calls per point: at least MIN_REPS and until MIN_MS have passed, at most MAX_REPS. */
const MIN_REPS = 3;
const MAX_REPS = 15;
const MIN_MS = 250;

/** Deterministic fill in [-1, 1). */
function fill(array, seed) {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < array.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    array[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return array;
}

/**
 * The JS baseline: C = A·B with the cache-friendly i-k-j loop over Float32Array. Runs in
 * blocks of rows with a yield between them (so Cancel stays clickable); for large n it times
 * a subset of the rows and scales (rows are independent and equally costly).
 */
async function jsMatmulMs(n, signal) {
  const a = fill(new Float32Array(n * n), 1);
  const b = fill(new Float32Array(n * n), 2);
  const c = new Float32Array(n * n);
  const rowsOf = (r0, r1) => {
    for (let i = r0; i < r1; i++) {
      const ci = i * n;
      for (let k = 0; k < n; k++) {
        const aik = a[i * n + k];
        const bk = k * n;
        for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j];
      }
    }
  };
  const rows = Math.min(n, Math.max(8, Math.round((64 * 64 * 64 * 4) / (n * n))));
  const block = Math.max(1, Math.round((256 * 256 * 16) / (n * n)));
  rowsOf(0, Math.min(rows, block)); // warm-up: let the JIT optimise the loop first
  let ms = 0;
  for (let r0 = 0; r0 < rows; r0 += block) {
    signal.throwIfAborted();
    const r1 = Math.min(rows, r0 + block);
    const t0 = performance.now();
    rowsOf(r0, r1);
    ms += performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return (ms * n) / rows;
}

const gflops = (n, ms) => (2 * n * n * n) / (ms * 1e6);

export function initGemm({ rt, info }) {
  const budget = info.threads;
  const form = $('#gemm-form');
  const buildsBox = $('#gemm-builds');
  const note = $('#gemm-note');
  const chart = $('#gemm-chart');
  const thead = $('#gemm-results thead');
  const tbody = $('#gemm-results tbody');
  const job = new LongRun({
    name: 'GEMM measurement',
    runButtons: [$('#gemm-run')],
    cancelButton: $('#gemm-cancel'),
    progress: $('#gemm-progress'),
    progressText: $('#gemm-progress-text'),
  });
  for (const n of $$('.budget-n')) n.textContent = String(budget);

  // Which builds: the engine's best (what rt picked) and, if that is relaxed SIMD, SIMD128 too.
  const builds = info.simd === 'relaxed' ? ['relaxed', 'simd128'] : [info.simd];
  for (const b of builds) {
    buildsBox.append(el('label', {}, el('input', { type: 'checkbox', name: 'build', value: b, checked: true }), ` ${BUILD_LABEL[b] ?? b}`));
  }
  if (builds.length === 1) buildsBox.append(el('p', { class: 'muted', style: 'margin: .2rem 0 0; font-size: .85rem', text: 'This browser has no relaxed SIMD: one build.' }));

  let results = { builds: [], sizes: [], weft: new Map(), js: new Map() };
  const key = (build, n, t) => `${build}:${n}:${t}`;

  /** A runtime running `build`: this page's when it matches, else a private one (closed after). */
  async function runtimeFor(build) {
    if (build === info.simd) return { runtime: rt, close: async () => {} };
    try {
      const own = await createRuntime({ simd: build, isolated: true, threads: budget });
      if (own.info().simd !== build) {
        await own.close();
        return null;
      }
      return { runtime: own, close: () => own.close() };
    } catch {
      return null; // this weft has no `simd` option, or the engine cannot run the build
    }
  }

  async function measure(runtime, n, threads, signal) {
    const a = fill(runtime.alloc(Float32Array, n * n), 1);
    const b = fill(runtime.alloc(Float32Array, n * n), 2);
    const out = runtime.alloc(Float32Array, n * n);
    try {
      const call = () => runtime.kernels.matmul(a, b, { m: n, k: n, n, out, threads, signal });
      await call(); // warm-up
      const times = [];
      const start = performance.now();
      while (times.length < MIN_REPS || (performance.now() - start < MIN_MS && times.length < MAX_REPS)) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      return median(times);
    } finally {
      for (const x of [a, b, out]) runtime.free(x);
    }
  }

  function render() {
    const { sizes } = results;
    const series = [];
    const markers = [];
    sizes.forEach((n, si) => {
      const color = workerColor(si);
      for (const build of results.builds) {
        const points = [];
        for (let t = 1; t <= budget; t++) {
          const ms = results.weft.get(key(build, n, t));
          if (ms !== undefined) points.push({ x: t, y: gflops(n, ms) });
        }
        if (points.length) series.push({ label: `${n}² ${BUILD_LABEL[build]}`, color, dash: build === 'simd128' && results.builds.length > 1, points });
      }
      const js = results.js.get(n);
      if (js !== undefined) markers.push({ label: `${n}² plain JS`, color, x: 1, y: gflops(n, js) });
    });
    lineChart(chart, {
      title: 'SGEMM GFLOP/s by thread count',
      xLabel: 'threads',
      yLabel: 'GFLOP/s',
      xTicks: Array.from({ length: budget }, (_, i) => i + 1),
      series,
      markers,
      empty: 'Press Measure',
    });

    thead.replaceChildren(
      el('tr', {}, el('th', { scope: 'col', text: 'size' }), el('th', { scope: 'col', text: 'build' }),
        ...Array.from({ length: budget }, (_, i) => el('th', { scope: 'col', text: `${i + 1} thr` })),
        el('th', { scope: 'col', text: 'plain JS' }), el('th', { scope: 'col', text: 'best vs JS' })),
    );
    const rows = [];
    for (const n of sizes) {
      for (const build of results.builds) {
        const cells = [];
        let best = 0;
        for (let t = 1; t <= budget; t++) {
          const ms = results.weft.get(key(build, n, t));
          const g = ms === undefined ? NaN : gflops(n, ms);
          if (g > best) best = g;
          cells.push(el('td', { 'data-gflops': Number.isFinite(g) ? g.toFixed(3) : '', text: formatNumber(g, 2) }));
        }
        const js = results.js.get(n);
        const jsG = js === undefined ? NaN : gflops(n, js);
        rows.push(
          el('tr', { 'data-size': n, 'data-build': build },
            el('th', { scope: 'row', text: `${n}×${n}` }), el('td', { text: BUILD_LABEL[build] }), ...cells,
            el('td', { 'data-js-gflops': Number.isFinite(jsG) ? jsG.toFixed(3) : '', text: formatNumber(jsG, 2) }),
            el('td', { text: Number.isFinite(jsG) && best ? `×${formatNumber(best / jsG, 1)}` : '—' })),
        );
      }
    }
    tbody.replaceChildren(...rows);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const sizes = $$('input[name=size]:checked', form).map((i) => Number(i.value)).sort((a, b) => a - b);
    const wanted = $$('input[name=build]:checked', form).map((i) => i.value);
    const withJs = $('#gemm-js').checked;
    if (!sizes.length || (!wanted.length && !withJs)) {
      job.report(0, 'Pick at least one size and one build (or the JS baseline).');
      return;
    }
    chart.dataset.state = 'running';
    results = { builds: [], sizes, weft: new Map(), js: new Map() };
    render();
    note.hidden = true;
    await job.run(async (signal, report) => {
      const total = wanted.length * sizes.length * budget + (withJs ? sizes.length : 0);
      let done = 0;
      const step = (text) => report(done / total, text);
      for (const build of wanted) {
        step(`Loading the ${BUILD_LABEL[build]} build…`);
        const r = await runtimeFor(build);
        if (!r) {
          note.hidden = false;
          note.textContent = `The ${BUILD_LABEL[build]} build could not be loaded separately here; showing the build weft picked (${BUILD_LABEL[info.simd]}).`;
          done += sizes.length * budget;
          continue;
        }
        results.builds.push(build);
        try {
          for (const n of sizes) {
            for (let t = 1; t <= budget; t++) {
              step(`${BUILD_LABEL[build]}: ${n}×${n} on ${t} thread${t > 1 ? 's' : ''}…`);
              await nextFrame();
              results.weft.set(key(build, n, t), await measure(r.runtime, n, t, signal));
              done++;
              render();
            }
          }
        } finally {
          await r.close();
        }
      }
      if (withJs) {
        for (const n of sizes) {
          step(`Plain JavaScript: ${n}×${n}…`);
          await nextFrame();
          results.js.set(n, await jsMatmulMs(n, signal));
          done++;
          render();
        }
      }
      report(1, `Done: ${sizes.length} size${sizes.length > 1 ? 's' : ''}, ${results.builds.length} build${results.builds.length === 1 ? '' : 's'}, 1–${budget} threads.`);
    });
    chart.dataset.state = 'done';
  });

  render();
  return { show: () => {} };
}
