// The kernel-family bench (`npm run bench:kernels`): every kernel of every family module against
// its plain-JS reference, measured in the same run, at 1 thread, 2 threads and the whole budget.
//
// A family module (bench/kernels-<family>.js) exports `family` and `cases`; see
// bench/kernels-image.js for the shape of a case. `?only=image,data` runs some families only.
import { createRuntime } from 'weft';
import { assertShared, environment, log, runBench } from './page.js';
import { measure } from './timing.js';

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
          for (const t of threads) row.weft[t] = rate(s.work, c.unit, await measure(() => s.weft(t), WEFT));
          if (s.weftPlain) row.weftPlain = rate(s.work, c.unit, await measure(() => s.weftPlain(budget), WEFT));
          let want;
          row.js = rate(s.work, c.unit, await measure(() => { want = s.js(); }, JS));
          await s.weft(budget);
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
