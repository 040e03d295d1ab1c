// The kernel-family bench (`npm run bench:kernels`): every kernel of every family module against
// its plain-JS reference, measured in the same run, at 1 thread, 2 threads and the whole budget.
//
// A family module (bench/kernels-<family>.js) exports `family` and `cases`; see
// bench/kernels-image.js for the shape of a case. `?only=image,data` runs some families only.
import { createRuntime } from 'weft';
import { assertShared, environment, log, runBench } from './page.js';
import { measure, measureEach } from './timing.js';

/** One line per family module. */
const MODULES = [
  () => import('./kernels-image.js'),
  () => import('./kernels-data.js'),
];

const WEFT = { warmup: 2, minReps: 5, maxReps: 25, minMs: 600 };
/** The JS references are slow: fewer, but still several, timed calls. */
const JS = { warmup: 1, minReps: 3, maxReps: 7, minMs: 600 };
const DIVISOR = { 'Mpixel/s': 1e6, 'GFLOP/s': 1e9, 'Melem/s': 1e6, 'GB/s': 1e9 };

const rate = (work, unit, r) => ({ ms: r.ms, reps: r.reps, rate: work / (r.ms / 1e3) / (DIVISOR[unit] ?? 1) });

/**
 * Where the time of a call at the full budget goes, from weft's own trace: `PROFILE_CALLS`
 * calls back to back (as the timed ones are: a pool left idle between calls wakes slower) are
 * traced together, and their wall time is split, per call, into time with two or more threads
 * running chunks, time with one, and time with none (the page handing the job to the pool and
 * the result back, phase barriers, wake-ups).
 */
const PROFILE_CALLS = 7;
async function profile(rt, call) {
  await call();
  rt.trace.start();
  const t0 = performance.now();
  for (let i = 0; i < PROFILE_CALLS; i++) await call();
  const wallMs = performance.now() - t0;
  rt.trace.stop();
  const chunks = rt.trace.export().traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel');
  const c = coverage(chunks);
  const per = (x) => x / PROFILE_CALLS;
  return {
    wallMs: per(wallMs),
    twoPlusMs: per(c.twoPlusMs),
    oneMs: per(c.oneMs),
    noneMs: per(Math.max(0, wallMs - c.oneMs - c.twoPlusMs)),
    busyMs: per(c.busyMs),
    chunks: per(c.chunks),
    threads: c.threads,
  };
}

/** Milliseconds during which exactly one, and two or more, chunk spans overlap. */
function coverage(spans) {
  const edges = spans.flatMap((e) => [[e.ts, 1], [e.ts + e.dur, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0, last = 0, one = 0, twoPlus = 0;
  for (const [t, d] of edges) {
    if (running === 1) one += t - last;
    else if (running >= 2) twoPlus += t - last;
    running += d;
    last = t;
  }
  const busy = spans.reduce((sum, e) => sum + e.dur, 0);
  return { chunks: spans.length, threads: new Set(spans.map((e) => e.tid)).size, busyMs: busy / 1e3, oneMs: one / 1e3, twoPlusMs: twoPlus / 1e3 };
}

runBench(async () => {
  const only = new URLSearchParams(location.search).get('only')?.split(',');
  const rt = await createRuntime();
  try {
    const info = assertShared(rt);
    const budget = info.threads;
    const threads = [...new Set([1, Math.min(2, budget), budget])];
    const rows = [];
    for (const load of MODULES) {
      const mod = await load();
      if (only && !only.includes(mod.family)) continue;
      for (const c of mod.cases) {
        log(`${mod.family}: ${c.kernel} ${c.size}`);
        const s = await c.setup(rt);
        try {
          const row = { family: mod.family, kernel: c.kernel, size: c.size, unit: c.unit, weft: {} };
          const timed = await measureEach(threads.map((t) => () => s.weft(t)), WEFT);
          threads.forEach((t, i) => (row.weft[t] = rate(s.work, c.unit, timed[i])));
          if (s.weftPlain) row.weftPlain = rate(s.work, c.unit, await measure(() => s.weftPlain(budget), WEFT));
          let want;
          row.js = rate(s.work, c.unit, await measure(() => { want = s.js(); }, JS));
          row.profile = await profile(rt, () => s.weft(budget));
          s.check(want);
          rows.push(row);
          const w1 = row.weft[1].rate, wn = row.weft[budget].rate;
          log(`  ${c.unit}: weft 1T ${w1.toFixed(2)}, ${budget}T ${wn.toFixed(2)}, JS ${row.js.rate.toFixed(2)}; ×JS ${(w1 / row.js.rate).toFixed(1)}, scaling ${(wn / w1).toFixed(2)}`);
        } finally {
          s.dispose?.();
        }
      }
    }
    return { env: environment(), info, threads, rows };
  } finally {
    await rt.close();
  }
});
