// The foundation bench (`npm run bench`): SGEMM, saxpy and sum against plain JS loops, the
// overhead of one parallel call from the page and from inside a task. Start-up time is
// measured by bench/startup.html (fresh page loads), driven by the same runner.
import { createRuntime } from 'weft';
import { assertShared, environment, log, runBench } from './page.js';
import { fillRandom, measure, measureEach, perCall } from './timing.js';

const SQUARE = [63, 127, 255, 256, 512, 513, 1024];
const RECT = [
  [64, 4096, 64],
  [4096, 64, 4096],
];
const SHAPES = [...SQUARE.map((s) => [s, s, s]), ...RECT];
/** Shapes also timed with the plain SIMD128 build (engines without relaxed SIMD get it). */
const SIMD128_SHAPES = [256, 512, 1024].map((s) => [s, s, s]);
/** Sizes that get the plain JS i-k-j baseline; 1024 is timed on a fraction of its rows. */
const JS_SIZES = new Set([256, 512, 1024]);
const JS_ROWS_1024 = 128;
const VECTOR_SIZES = [1e6, 1e7];

/** C = A·B, i-k-j order (row-major, unit stride inner loop): the natural plain-JS matmul. */
function jsMatmulRows(a, b, c, k, n, row0, row1) {
  for (let i = row0; i < row1; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

function jsAxpy(alpha, x, y, out) {
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i] + y[i];
}

function jsSum(x) {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Spot-checks a few entries of C against a float64 dot product: a bench of wrong results is worthless. */
function checkMatmul(a, b, c, m, k, n, what) {
  const picks = [[0, 0], [m - 1, n - 1], [m >> 1, n >> 1], [m - 1, 0], [0, n - 1]];
  for (const [i, j] of picks) {
    let ref = 0;
    let mag = 0;
    for (let p = 0; p < k; p++) {
      ref += a[i * k + p] * b[p * n + j];
      mag += Math.abs(a[i * k + p] * b[p * n + j]);
    }
    if (!(Math.abs(c[i * n + j] - ref) <= 1e-4 * mag + 1e-6)) {
      throw new Error(`${what}: C[${i},${j}] = ${c[i * n + j]}, expected ${ref}`);
    }
  }
}

const gflops = (m, k, n, ms) => (2 * m * k * n) / (ms * 1e-3) / 1e9;
const summary = (r, extra = {}) => ({ ms: r.ms, reps: r.reps, ...extra });

/**
 * SGEMM on `rt` for each shape: one thread and all threads, and unless `baselines` is false,
 * plain (copied) arrays and the JS loop too.
 */
async function sgemm(rt, budget, shapes, { baselines = true } = {}) {
  const rows = [];
  for (const [m, k, n] of shapes) {
    const label = m === k && k === n ? `${n}` : `${m}×${k}×${n}`;
    log(`sgemm ${label}`);
    const a = fillRandom(rt.alloc(Float32Array, m * k), 1);
    const b = fillRandom(rt.alloc(Float32Array, k * n), 2);
    const out = rt.alloc(Float32Array, m * n);
    const big = m * k * n >= 512 ** 3;
    const opts = big ? { warmup: 2, minReps: 7, maxReps: 21, minMs: 800 } : { warmup: 3, minReps: 15, maxReps: 80, minMs: 500 };
    const row = { label, m, k, n };
    try {
      const call = (threads) => () => rt.kernels.matmul(a, b, { m, k, n, out, threads });
      for (const threads of [1, budget]) {
        out.fill(NaN);
        await call(threads)();
        checkMatmul(a, b, out, m, k, n, `matmul ${label}, ${threads} thread(s)`);
      }
      const [one, all] = await measureEach([call(1), call(budget)], opts);
      row.weft1 = summary(one, { gflops: gflops(m, k, n, one.ms), bestGflops: gflops(m, k, n, one.min) });
      row.weftAll = summary(all, { gflops: gflops(m, k, n, all.ms), bestGflops: gflops(m, k, n, all.min) });
      if (baselines) {
        // Plain (non-heap) arrays: the runtime copies A and B into the heap and C out of it.
        const pa = a.slice();
        const pb = b.slice();
        const pc = new Float32Array(m * n);
        const plain = await measure(() => rt.kernels.matmul(pa, pb, { m, k, n, out: pc, threads: budget }), opts);
        checkMatmul(pa, pb, pc, m, k, n, `matmul ${label}, plain arrays`);
        row.weftPlain = summary(plain, { gflops: gflops(m, k, n, plain.ms) });
        if (m === k && k === n && JS_SIZES.has(n)) {
          const c = new Float32Array(m * n);
          if (n === 1024) {
            // One full 1024³ JS matmul takes seconds; rows are independent and cost the same,
            // so time JS_ROWS_1024 rows and scale to the full m.
            const r = await measure(() => jsMatmulRows(pa, pb, c, k, n, 0, JS_ROWS_1024), { warmup: 1, minReps: 3, maxReps: 3, minMs: 0 });
            const ms = (r.ms * m) / JS_ROWS_1024;
            row.js = { ms, reps: r.reps, gflops: gflops(m, k, n, ms), note: `${JS_ROWS_1024} of ${m} rows timed, scaled ×${m / JS_ROWS_1024}` };
          } else {
            const r = await measure(() => jsMatmulRows(pa, pb, c, k, n, 0, m), { warmup: 1, minReps: 3, maxReps: 9, minMs: 300 });
            checkMatmul(pa, pb, c, m, k, n, `JS matmul ${label}`);
            row.js = summary(r, { gflops: gflops(m, k, n, r.ms) });
          }
        }
      }
    } finally {
      rt.free(a);
      rt.free(b);
      rt.free(out);
    }
    log(`  ${JSON.stringify({ t1: row.weft1.gflops.toFixed(1), all: row.weftAll.gflops.toFixed(1), js: row.js?.gflops.toFixed(2) })}`);
    rows.push(row);
  }
  return rows;
}

const rate = (r, length, bytesPerElement) =>
  summary(r, { elementsPerS: length / (r.ms * 1e-3), gbPerS: (length * bytesPerElement) / (r.ms * 1e-3) / 1e9 });

async function vectors(rt, budget) {
  const rows = [];
  for (const length of VECTOR_SIZES) {
    log(`axpy / sum n=${length}`);
    const opts = { warmup: 3, minReps: 9, maxReps: 100, minMs: 500 };
    const x = fillRandom(rt.alloc(Float32Array, length), 3);
    const y = fillRandom(rt.alloc(Float32Array, length), 4);
    const out = rt.alloc(Float32Array, length);
    const px = x.slice();
    const py = y.slice();
    const pout = new Float32Array(length);
    const alpha = 0.75;
    try {
      // saxpy: reads x and y, writes out: 12 bytes per element.
      const axpy = { kernel: 'axpy', length, bytesPerElement: 12 };
      const [axpy1, axpyAll] = await measureEach([1, budget].map((threads) => () => rt.kernels.axpy(alpha, x, y, { out, threads })), opts);
      axpy.weft1 = rate(axpy1, length, 12);
      axpy.weftAll = rate(axpyAll, length, 12);
      for (const i of [0, length >> 1, length - 1]) {
        if (Math.abs(out[i] - (alpha * x[i] + y[i])) > 1e-6) throw new Error(`axpy: out[${i}] = ${out[i]}`);
      }
      axpy.weftPlain = rate(await measure(() => rt.kernels.axpy(alpha, px, py, { out: pout, threads: budget }), opts), length, 12);
      axpy.js = rate(await measure(() => jsAxpy(alpha, px, py, pout), opts), length, 12);
      rows.push(axpy);
      // sum: reads x: 4 bytes per element.
      const sum = { kernel: 'sum', length, bytesPerElement: 4 };
      const [sum1, sumAll] = await measureEach([1, budget].map((threads) => () => rt.kernels.sum(x, { threads })), opts);
      sum.weft1 = rate(sum1, length, 4);
      sum.weftAll = rate(sumAll, length, 4);
      const got = await rt.kernels.sum(x, { threads: budget });
      const ref = jsSum(px);
      if (Math.abs(got - ref) > 1e-3 * Math.sqrt(length)) throw new Error(`sum: ${got}, expected ${ref}`);
      sum.weftPlain = rate(await measure(() => rt.kernels.sum(px, { threads: budget }), opts), length, 4);
      sum.js = rate(await measure(() => jsSum(px), opts), length, 4);
      rows.push(sum);
    } finally {
      rt.free(x);
      rt.free(y);
      rt.free(out);
    }
  }
  return rows;
}

async function overhead(rt, budget) {
  log('call overhead');
  const calls = 2000;
  const warmup = 300;
  const tiny = rt.alloc(Float32Array, 16).fill(1);
  const twoChunks = rt.alloc(Float32Array, 2 * 65536).fill(1);
  const tasks = rt.module(new URL('./tasks.js', import.meta.url));
  try {
    const rows = [];
    rows.push({ what: 'page → sum of 16 (heap array)', threads: budget, ...(await perCall(() => rt.kernels.sum(tiny, { threads: budget }), { calls, warmup })) });
    rows.push({ what: 'page → sum of 16 (heap array)', threads: 1, ...(await perCall(() => rt.kernels.sum(tiny, { threads: 1 }), { calls, warmup })) });
    rows.push({ what: 'page → sum of 131072 (2 chunks, heap array)', threads: budget, ...(await perCall(() => rt.kernels.sum(twoChunks, { threads: budget }), { calls, warmup })) });
    const inTask = await tasks.kernelOverhead({ length: 16, threads: budget, calls, warmup });
    rows.push({ what: 'task → sum of 16 (heap array)', threads: budget, ...inTask, info: undefined });
    const inTask2 = await tasks.kernelOverhead({ length: 2 * 65536, threads: budget, calls, warmup });
    rows.push({ what: 'task → sum of 131072 (2 chunks, heap array)', threads: budget, ...inTask2, info: undefined });
    rows.push({ what: 'page → empty task (rt.module round trip)', threads: 1, ...(await perCall(() => tasks.noop(), { calls, warmup })) });
    return rows;
  } finally {
    rt.free(tiny);
    rt.free(twoChunks);
  }
}

runBench(async () => {
  const rt = await createRuntime();
  const info = assertShared(rt);
  const budget = info.threads;
  log(`runtime ${JSON.stringify(info)}`);
  const result = { env: environment(), info };
  result.sgemm = await sgemm(rt, budget, SHAPES);
  // The plain SIMD128 build, on a pool of its own (a page's shared pool has one build).
  const plain = await createRuntime({ isolated: true, simd: 'simd128' });
  try {
    log(`simd128 runtime ${JSON.stringify(plain.info())}`);
    result.sgemmSimd128 = await sgemm(plain, budget, SIMD128_SHAPES, { baselines: false });
  } finally {
    await plain.close();
  }
  result.vectors = await vectors(rt, budget);
  result.overhead = await overhead(rt, budget);
  result.infoAfter = rt.info();
  await rt.close();
  return result;
});
