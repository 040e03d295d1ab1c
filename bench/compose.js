// The composition bench (`npm run bench:compose`), after Malakhov et al., "Composable
// Multi-Threading and Multi-Processing for Numeric Libraries" (SciPy 2018): nested parallelism
// (parallel tasks, each calling a parallel kernel) in three shapes, each timed in three
// configurations in the same run — weft's dynamic and static composition, and the naive
// setup where every task's worker brings its own thread pool (budget² threads).
import { createRuntime } from 'weft';
import { assertShared, environment, log, runBench } from './page.js';
import { median, now } from './timing.js';

const SMALL = 128;
const MANY = 256;
const BIG = 1024;
const RUNS = 11;
const CONFIGS = ['dynamic', 'static', 'naive'];

runBench(async () => {
  const rt = await createRuntime();
  const info = assertShared(rt);
  const budget = info.threads;
  log(`runtime ${JSON.stringify(info)}`);
  const url = new URL('./compose-tasks.js', import.meta.url);
  const dynamic = rt.limit({ composition: 'dynamic' });
  const stat = rt.limit({ composition: 'static' });
  const tasks = { dynamic: dynamic.module(url), static: stat.module(url), naive: dynamic.module(url) };
  const modeOf = { dynamic: 'composed', static: 'composed', naive: 'naive' };
  const matmuls = (cfg, count, size) =>
    Promise.all(Array.from({ length: count }, () => tasks[cfg].matmul({ size, mode: modeOf[cfg], budget })));
  const half = Math.max(1, Math.floor(budget / 2));
  const stages = [1, half, budget];

  const workloads = [
    {
      name: '(1) many small',
      description: `${MANY} tasks × matmul ${SMALL}×${SMALL}·${SMALL}×${SMALL}, all submitted at once; each task calls \`getRuntime().kernels.matmul\` (naive: its private pool's) on operands its worker built once`,
      speedupTarget: true,
      run: (cfg) => matmuls(cfg, MANY, SMALL),
    },
    {
      name: '(2) few big',
      description: `${budget} (= threads) concurrent tasks × matmul ${BIG}×${BIG}·${BIG}×${BIG}`,
      speedupTarget: true,
      run: (cfg) => matmuls(cfg, budget, BIG),
    },
    {
      name: '(3) unbalanced stages',
      description: `stages of ${stages.join(', then ')} concurrent tasks, one stage after the other, each task a matmul ${BIG}×${BIG}·${BIG}×${BIG}`,
      speedupTarget: false,
      run: async (cfg) => {
        for (const count of stages) await matmuls(cfg, count, BIG);
      },
    },
  ];

  // --- warm-up: every configuration's one-time costs happen here, outside the timings ---
  log('warm-up: naive private pools');
  const pools = new Map();
  for (let attempt = 0; attempt < 10 && pools.size < budget; attempt++) {
    const inits = await Promise.all(Array.from({ length: budget }, () => tasks.naive.naiveInit({ budget, holdMs: 300 })));
    for (const i of inits) pools.set(i.worker, i.info);
  }
  if (pools.size !== budget) throw new Error(`naive warm-up reached ${pools.size} of ${budget} pool workers`);
  for (const [worker, pinfo] of pools) {
    if (pinfo.mode !== 'shared' || pinfo.threads !== budget) {
      throw new Error(`naive pool on ${worker}: ${JSON.stringify(pinfo)} (expected shared mode, ${budget} threads)`);
    }
  }
  log('warm-up: every workload in every configuration');
  for (let i = 0; i < 2; i++) {
    for (const w of workloads) for (const cfg of CONFIGS) await w.run(cfg);
  }

  // --- timed runs, configurations interleaved (rotated each run) so drift hits all alike ---
  const times = workloads.map(() => ({ dynamic: [], static: [], naive: [] }));
  for (let r = 0; r < RUNS; r++) {
    for (const [wi, w] of workloads.entries()) {
      for (let c = 0; c < CONFIGS.length; c++) {
        const cfg = CONFIGS[(c + r) % CONFIGS.length];
        const t0 = now();
        await w.run(cfg);
        times[wi][cfg].push(now() - t0);
      }
    }
    log(`run ${r + 1}/${RUNS}: ` + workloads.map((w, wi) => `${w.name}: ${CONFIGS.map((c) => `${c} ${times[wi][c][r].toFixed(0)}`).join(' ')}`).join(' | '));
  }

  // --- budget check: one traced composed run of each workload, per composition ---
  log('traced runs');
  const traces = [];
  for (const w of workloads) {
    for (const cfg of ['dynamic', 'static']) {
      rt.trace.start();
      await w.run(cfg);
      rt.trace.stop();
      const exported = rt.trace.export();
      const report = rt.trace.check(exported);
      traces.push({
        workload: w.name,
        mode: cfg,
        events: exported.traceEvents.filter((e) => e.ph === 'X').length,
        report: { ok: report.ok, budget: report.budget, maxBusy: report.maxBusy, violations: report.violations.length },
      });
    }
  }

  // --- what "few big" could take at best here: one big matmul alone, on one thread and on all ---
  // Perfect composition of budget concurrent tasks costs what one task costs alone on one
  // thread (no interference between cores), and running them one after the other on every
  // thread costs budget × one task on all threads; neither can beat both.
  log('few-big bounds');
  const alone = { one: [], all: [] };
  const oneThread = rt.limit({ threads: 1 }).module(url);
  for (let r = 0; r < RUNS; r++) {
    let t0 = now();
    await oneThread.matmul({ size: BIG, mode: 'composed', budget });
    alone.one.push(now() - t0);
    t0 = now();
    await tasks.dynamic.matmul({ size: BIG, mode: 'composed', budget });
    alone.all.push(now() - t0);
  }
  const fewBigBounds = { size: BIG, oneThreadMs: median(alone.one), allThreadsMs: median(alone.all) };
  log(`few-big bounds ${JSON.stringify(fewBigBounds)}`);

  // --- naive really runs budget² threads: trace the private pools during one few-big run ---
  log('naive thread check');
  const traced = await Promise.all(Array.from({ length: budget }, () => tasks.naive.naiveTraced({ size: BIG, budget })));
  const edges = [];
  const kernelThreads = new Set();
  for (const t of traced) {
    for (const s of t.spans) {
      kernelThreads.add(`${t.worker}/${s.tid}`);
      edges.push([s.start, 1], [s.end, -1]);
    }
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let busy = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (busy += d));
  const naiveCheck = {
    workload: `${budget} tasks × matmul ${BIG}²`,
    pools: new Set(traced.map((t) => t.worker)).size,
    outerWorkers: [...new Set(traced.map((t) => t.worker))],
    poolThreads: traced.map((t) => t.info.threads),
    poolModes: [...new Set(traced.map((t) => t.info.mode))],
    kernelThreads: kernelThreads.size,
    peakConcurrentChunks: peak,
  };
  log(`naive check ${JSON.stringify(naiveCheck)}`);

  const result = {
    env: environment(),
    info,
    runs: RUNS,
    workloads: workloads.map((w, wi) => ({
      name: w.name,
      description: w.description,
      speedupTarget: w.speedupTarget,
      times: Object.fromEntries(CONFIGS.map((c) => [c, { median: median(times[wi][c]), all: times[wi][c] }])),
    })),
    traces,
    naiveCheck,
    fewBigBounds,
  };
  await rt.close();
  return result;
});
