// Markdown for the bench results, and the section-preserving update of bench/RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const f = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const ms = (x) => (x >= 100 ? f(x, 0) : x >= 10 ? f(x, 1) : x >= 1 ? f(x, 2) : f(x, 3));
const si = (x) => {
  if (!Number.isFinite(x)) return '–';
  const units = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (x >= v) return `${f(x / v, 2)} ${u}`;
  return f(x, 0);
};

const verdict = (ok) => (ok ? 'met' : '**missed**');

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function header(title, meta) {
  return [
    `## ${title}`,
    '',
    `Command: \`${meta.command}\` · date: ${meta.date} · took ${f(meta.durationS, 0)} s · ${meta.browser} · Node ${meta.node}`,
    '',
    ...machineLines(meta.machine, meta.attempts),
  ];
}

function machineLines(m, attempts) {
  if (!m) return [];
  const others = m.othersCpuShare * 100;
  const line =
    `Machine: ${m.cores} CPUs; during the run other processes took ${f(others, 1)}% of all CPU time, this bench ${f(m.oursCpuShare * 100, 1)}% ` +
    `(load average ${m.loadStart?.[0] ?? '?'} at start, ${m.loadEnd?.[0] ?? '?'} at end)` +
    (attempts ? `; the least disturbed of up to ${attempts} complete runs (\`--attempts=${attempts}\`).` : '.') +
    (m.probes
      ? ` Cache probe (bench/machine.mjs, \`cacheProbe\`: median over best of 20 runs of a read of an L2-resident array; 1.00× is a steady machine; a snapshot, not the conditions during the run) ` +
        `before the run ${m.probes.map((p) => `${f(p.cache, 2)}×`).join(', after it ')} (a loop in registers: ${m.probes.map((p) => `${f(p.registers, 2)}×`).join(', ')}).` +
        ` Twin probe (\`twinProbe\`: a loop bound by the floating-point units on both vCPUs at once, over its time alone; 1.00× is two independent cores, ~2× two hyperthreads of one core) ` +
        `before the run ${m.probes.map((p) => `${f(p.twin.throughput, 2)}×`).join(', after it ')} (a latency-bound loop: ${m.probes.map((p) => `${f(p.twin.latency, 2)}×`).join(', ')}; the throughput-bound loop alone: ${m.probes.map((p) => `${f(p.twin.aloneMs, 1)} ms`).join(', ')}, slower when the core's other hyperthread runs someone else's work).`
      : '');
  return others > 5
    ? [`> **Warning: the machine was shared** — ${line} Timings are disturbed; re-run on a quiet machine before drawing conclusions.`, '']
    : [line, ''];
}

function envLines(result, meta) {
  const info = result.info;
  return [
    `- Browser: ${meta.browser}; \`navigator.hardwareConcurrency\` = ${result.env.hardwareConcurrency}, crossOriginIsolated = ${result.env.crossOriginIsolated}`,
    `- \`rt.info()\`: mode **${info.mode}**, simd **${info.simd}**, threads (budget) **${info.threads}**, composition ${info.composition}, heap ${f(info.memoryBytes / 2 ** 20, 1)} MiB at start`,
    `- User agent: \`${result.env.userAgent}\``,
  ];
}

/** The kernel-performance issue's SGEMM targets, judged on medians. */
function sgemmTargets(r, budget) {
  const square = (rows, n) => rows.find((row) => row.m === n && row.k === n && row.n === n);
  const at1024 = square(r.sgemm, 1024);
  const rows = [
    ['n = 1024, 1 thread, relaxed SIMD: ≥ 45 GFLOP/s', at1024.weft1, 45],
    ['n = 1024, 1 thread, plain SIMD128: ≥ 30 GFLOP/s', square(r.sgemmSimd128, 1024).weft1, 30],
    ['n = 256, 1 thread: ≥ 30 GFLOP/s', square(r.sgemm, 256).weft1, 30],
  ].map(([what, x, goal]) => [what, `${f(x.gflops, 1)} (best ${f(x.bestGflops, 1)})`, verdict(x.gflops >= goal)]);
  const scaling = at1024.weftAll.gflops / at1024.weft1.gflops;
  rows.push([`n = 1024, ${budget} threads: ≥ 1.9× one thread`, `${f(scaling, 2)}×`, verdict(scaling >= 1.9)]);
  return rows;
}

export function formatFoundation(r, meta) {
  const budget = r.info.threads;
  const out = header('Foundation: kernels vs plain JS, call overhead, start-up', meta);
  out.push('### Environment', '', ...envLines(r, meta), '');

  out.push(
    '### SGEMM (GFLOP/s = 2·m·k·n / time; median time in parentheses)',
    '',
    `Heap arrays (\`rt.alloc\`, zero-copy, \`out\` given) unless marked *plain*: ordinary Float32Arrays, copied into the heap and the result out of it, inside the timing. ` +
      'Median of ≥7 timed calls after warm-up; the 1-thread and all-thread calls are interleaved (bench/timing.js, `measureEach`), so the machine\'s slow phases hit both alike. JS: i-k-j triple loop over Float32Array, one thread.',
    '',
  );
  const cell = (x) => (x ? `${f(x.gflops, 1)} (${ms(x.ms)} ms)` : '–');
  const withBest = (x) => `${cell(x)} · best ${f(x.bestGflops, 1)}`;
  const sg = r.sgemm.map((row) => {
    const js = row.js ? `${f(row.js.gflops, 2)} (${ms(row.js.ms)} ms${row.js.note ? `; ${row.js.note}` : ''})` : '–';
    const speedup = row.js ? `${f(row.weftAll.gflops / row.js.gflops, 1)}×` : '–';
    return [row.label, withBest(row.weft1), withBest(row.weftAll), f(row.weftAll.gflops / row.weft1.gflops, 2) + '×', cell(row.weftPlain), js, speedup];
  });
  out.push(
    table(['m×k×n', 'weft, 1 thread', `weft, ${budget} threads`, `${budget}T / 1T`, `weft, ${budget} threads, *plain* arrays`, 'JS i-k-j, 1 thread', `weft ${budget}T / JS`], sg),
    '',
  );
  out.push(
    '#### The plain SIMD128 build (`createRuntime({ simd: \'simd128\' })`: multiply then add, what engines without relaxed SIMD run)',
    '',
    table(
      ['m×k×n', 'weft simd128, 1 thread', `weft simd128, ${budget} threads`, `${budget}T / 1T`],
      r.sgemmSimd128.map((row) => [row.label, withBest(row.weft1), withBest(row.weftAll), f(row.weftAll.gflops / row.weft1.gflops, 2) + '×']),
    ),
    '',
  );
  out.push('#### SGEMM targets (median of the timed calls; best call in parentheses)', '', table(['target', 'measured', ''], sgemmTargets(r, budget)), '');

  out.push('### saxpy and sum (elements/s · GB/s of memory traffic; median time)', '', 'saxpy `out = α·x + y` moves 12 bytes per element, sum 4. JS: a plain loop over Float32Array.', '');
  const vec = r.vectors.map((row) => {
    const cell = (x) => `${si(x.elementsPerS)}/s · ${f(x.gbPerS, 2)} GB/s (${ms(x.ms)} ms)`;
    return [row.kernel, si(row.length), cell(row.weft1), cell(row.weftAll), cell(row.weftPlain), cell(row.js), `${f(row.weftAll.elementsPerS / row.js.elementsPerS, 1)}×`];
  });
  out.push(table(['kernel', 'n', 'weft, 1 thread', `weft, ${budget} threads`, `weft, ${budget} threads, *plain* arrays`, 'JS loop', `weft ${budget}T / JS`], vec), '');

  out.push(
    '### Overhead of one call (µs per awaited call, over 2000 calls after 300 warm-up)',
    '',
    '"page →" is a kernel called on the page (main thread): it never runs chunks itself, a pool worker does. ' +
      '"task →" is the same call from inside a task (`rt.module`, `getRuntime()`): the calling worker opens the job and runs its chunks itself.',
    '',
  );
  out.push(
    table(
      ['call', 'threads', 'median µs', 'p90 µs', 'mean µs'],
      r.overhead.map((o) => [o.what, String(o.threads), f(o.medianUs, 1), f(o.p90Us, 1), f(o.meanUs, 1)]),
    ),
    '',
  );

  const s = r.startup;
  out.push(
    `### Start-up (fresh page loads in new browser contexts, median of ${s.runs}, after one untimed load)`,
    '',
    'Served by the Vite dev server (unbundled modules, one request each, page and workers).',
    '',
    table(
      ['measure', 'median ms', 'min ms', 'max ms'],
      [
        ['`await createRuntime()` (compile kernels, start and initialise all workers)', ms(s.createMs.median), ms(s.createMs.min), ms(s.createMs.max)],
        ["`await import('weft')` before it", ms(s.importMs.median), ms(s.importMs.min), ms(s.importMs.max)],
        ['navigation start → runtime ready', ms(s.sinceNavigationMs.median), ms(s.sinceNavigationMs.min), ms(s.sinceNavigationMs.max)],
      ],
    ),
    '',
  );
  return out.join('\n');
}

export function formatCompose(r, meta) {
  const budget = r.info.threads;
  const out = header('Composition: nested parallelism, dynamic vs static vs naive', meta);
  out.push('### Environment', '', ...envLines(r, meta), '');
  out.push(
    '### Workloads',
    '',
    ...r.workloads.map((w) => `- **${w.name}**: ${w.description}`),
    '',
    '### Configurations',
    '',
    `- **dynamic**: tasks on the page's shared pool (budget ${budget}), \`composition: 'dynamic'\` (the default): a kernel called in a task runs on the calling worker plus any idle ones.`,
    `- **static**: the same pool and tasks, \`composition: 'static'\`: a kernel called in a task gets max(1, ⌊budget / running tasks⌋) threads.`,
    `- **naive**: the same tasks, but each pool worker creates (once, cached in a module variable) its own \`createRuntime({ isolated: true, threads: ${budget} })\` and runs its kernels there: ${budget} × ${budget} = ${budget * budget} kernel threads on ${r.env.hardwareConcurrency} cores.`,
    '',
    `Every configuration is warmed up first (pools created, inputs built, code compiled), so one-time costs are excluded; runs are interleaved across configurations. Times: median of ${r.runs} runs.`,
    '',
  );
  const rows = r.workloads.map((w) => {
    const d = w.times.dynamic.median;
    const s = w.times.static.median;
    const n = w.times.naive.median;
    const best = Math.min(d, s);
    return [w.name, ms(d), ms(s), ms(n), `${f(n / d, 2)}×`, `${f(n / s, 2)}×`, `${f(d / best, 3)}`, `${f(s / best, 3)}`];
  });
  out.push(
    table(['workload', 'dynamic ms', 'static ms', 'naive ms', 'naive / dynamic', 'naive / static', 'dynamic / best composed', 'static / best composed'], rows),
    '',
  );
  // The three configurations of one run are timed back to back, so per-run ratios cancel slow
  // drift of the machine (other load coming and going) that ratios of medians do not.
  const paired = (w, x, y) => {
    const xs = w.times[x].all;
    const ys = w.times[y].all;
    const r = xs.map((v, i) => v / ys[i]).sort((a, b) => a - b);
    const m = r.length >> 1;
    return r.length % 2 ? r[m] : (r[m - 1] + r[m]) / 2;
  };
  out.push(
    'The same ratios as medians of per-run ratios (the configurations of one run are timed back to back, so these are less sensitive to load that drifts during the bench):',
    '',
    table(
      ['workload', 'naive / dynamic', 'naive / static', 'dynamic / static'],
      r.workloads.map((w) => [w.name, `${f(paired(w, 'naive', 'dynamic'), 2)}×`, `${f(paired(w, 'naive', 'static'), 2)}×`, f(paired(w, 'dynamic', 'static'), 3)]),
    ),
    '',
  );
  out.push('All runs (ms):', '');
  out.push(
    table(
      ['workload', 'dynamic', 'static', 'naive'],
      r.workloads.map((w) => [w.name, ...['dynamic', 'static', 'naive'].map((c) => w.times[c].all.map(ms).join(', '))]),
    ),
    '',
  );

  out.push('### Targets', '');
  const tgt = [];
  for (const w of r.workloads) {
    const d = w.times.dynamic.median;
    const s = w.times.static.median;
    const n = w.times.naive.median;
    const best = Math.min(d, s);
    if (w.speedupTarget) {
      for (const [mode, t] of [['dynamic', d], ['static', s]]) {
        const x = n / t;
        tgt.push([w.name, `${mode} ≥ 1.5× faster than naive`, `${f(x, 2)}×`, verdict(x >= 1.5)]);
      }
    }
    // The target is on what weft does unless told otherwise (dynamic); the other mode's gap is
    // shown beside it for the record.
    const x = d / best;
    tgt.push([w.name, 'the default (dynamic) within 5% of the better of static/dynamic', `${f((x - 1) * 100, 1)}%`, verdict(x <= 1.05)]);
    tgt.push([w.name, 'for the record: static behind the better mode by', `${f((s / best - 1) * 100, 1)}%`, '–']);
  }
  out.push(table(['workload', 'target', 'measured', ''], tgt), '');

  const fb = r.fewBigBounds;
  const few = r.workloads.find((w) => w.name.startsWith('(2)'));
  if (fb && few) {
    const parallel = fb.oneThreadMs;
    const serial = budget * fb.allThreadsMs;
    const naive = few.times.naive.median;
    out.push(
      `### How fast "(2) few big" can be here`,
      '',
      table(
        ['measure', 'ms'],
        [
          [`one task, matmul ${fb.size}², alone on 1 thread (= ${budget} tasks perfectly in parallel, one core each, no interference)`, ms(parallel)],
          [`one task, matmul ${fb.size}², alone on all ${budget} threads`, ms(fb.allThreadsMs)],
          [`${budget} tasks one after the other on all threads (${budget} × the above)`, ms(serial)],
          [`measured: dynamic`, ms(few.times.dynamic.median)],
          [`measured: naive`, ms(naive)],
          [`naive / the faster bound: the most any composition could gain here`, `${f(naive / Math.min(parallel, serial), 2)}×`],
        ],
      ),
      '',
    );
  }

  out.push(
    '### Budget check (`rt.trace.check()` on one traced composed run of each workload)',
    '',
    table(
      ['workload', 'mode', 'ok', 'max busy threads', 'budget', 'violations', 'trace events'],
      r.traces.map((t) => [t.workload, t.mode, t.report.ok ? 'yes' : '**NO**', String(t.report.maxBusy), String(t.report.budget), String(t.report.violations), String(t.events)]),
    ),
    '',
  );

  const v = r.naiveCheck;
  out.push(
    '### Naive really runs budget² threads',
    '',
    `Each naive private pool traced its own workers during one run of "${v.workload}": ` +
      `${v.pools} private pools (one per outer worker: ${v.outerWorkers.join(', ')}), each \`info()\` = {threads: ${v.poolThreads.join(', ')}; mode: ${v.poolModes.join(', ')}}; ` +
      `${v.kernelThreads} distinct private-pool workers ran kernel chunks; at most **${v.peakConcurrentChunks}** chunks ran at the same instant across all private pools (budget ${budget}).`,
    '',
  );
  return out.join('\n');
}

/** The kernel-family bench (bench/kernels.js): one table, a row per kernel and size. */
export function formatKernels(r, meta) {
  const budget = r.info.threads;
  const out = header('Kernel families: each kernel vs its plain-JS reference', meta);
  out.push('### Environment', '', ...envLines(r, meta), '');
  out.push(
    'Throughput (median time in parentheses; the weft calls at each thread count are interleaved, so the machine\'s slow phases hit both alike). weft columns use heap arrays (zero-copy, `out` given) unless marked *plain*: ordinary typed arrays, ' +
      'copied into the heap and the result out of it, inside the timing. JS: the plain-JS reference the tests check the kernel against ' +
      '(test/shared/image-reference.js for the image family; test/shared/data-reference.js for the data family, whose sort baseline is the engine\'s own TypedArray.prototype.sort), one thread, same run; every case checks the weft result against it.',
    '',
  );
  const cell = (x) => (x ? `${f(x.rate, x.rate >= 100 ? 0 : 2)} (${ms(x.ms)} ms)` : '–');
  const top = r.threads[r.threads.length - 1];
  const rows = r.rows.map((row) => [
    row.family,
    row.kernel,
    row.size,
    row.unit,
    ...r.threads.map((t) => cell(row.weft[t])),
    cell(row.weftPlain),
    cell(row.js),
    `${f(row.weft[1].rate / row.js.rate, 1)}×`,
    ...r.threads.slice(1).map((t) => `${f(row.weft[t].rate / row.weft[1].rate, 2)}×`),
  ]);
  out.push(
    table(
      [
        'family', 'kernel', 'size', 'unit',
        ...r.threads.map((t) => `weft, ${t} thread${t > 1 ? 's' : ''}`),
        `weft, ${top} threads, *plain*`,
        'plain JS',
        'weft 1T / JS',
        ...r.threads.slice(1).map((t) => `${t}T / 1T`),
      ],
      rows,
    ),
    '',
  );
  out.push(...kernelTargets(r, budget));
  return out.join('\n');
}

/**
 * The kernel-performance issue's targets for the families. A kernel counts as memory-bound when
 * moving its data, not arithmetic, sets its one-thread speed; the reason is printed with it.
 */
const MEMORY_BOUND = {
  transpose: 'moves 8 bytes per element and computes nothing',
  prefixSum: 'one add per 8 bytes moved',
  sort: 'radix passes: each element read and scattered once per pass',
  argsort: 'radix passes: each key and index read and scattered once per pass',
  histogram: 'one read and one read-modify-write of a counter per element',
  boxBlur: 'running sums: about two adds per byte moved, whatever the radius',
};

function kernelTargets(r, budget) {
  const rows = r.rows.map((row) => {
    const vsJs = row.weft[1].rate / row.js.rate;
    const scaling = row.weft[budget].rate / row.weft[1].rate;
    const jsGoal = row.kernel === 'sort' ? 1.5 : 2;
    const memory = MEMORY_BOUND[row.kernel];
    const scaleGoal = memory ? 1.3 : 1.8;
    return {
      row,
      missed: scaling < scaleGoal,
      cells: [
        `${row.kernel} ${row.size}`,
        memory ? `memory: ${memory}` : 'compute',
        `${f(vsJs, 1)}× (≥ ${jsGoal}×) ${verdict(vsJs >= jsGoal)}`,
        `${f(scaling, 2)}× (≥ ${scaleGoal}×) ${verdict(scaling >= scaleGoal)}`,
      ],
    };
  });
  const p = (x) => f(x, 2);
  const out = [
    '### Targets',
    '',
    'Each kernel ≥ 2× its plain-JS reference at one thread (sort: ≥ 1.5× `TypedArray.prototype.sort`); ' +
      `scaling from 1 to ${budget} threads ≥ 1.8× for compute-bound kernels, ≥ 1.3× for memory-bound ones.`,
    '',
    table(['case', 'bound', 'weft 1T / JS', `${budget}T / 1T`], rows.map((x) => x.cells)),
    '',
    `### Where the time of a ${budget}-thread call goes (weft's trace)`,
    '',
    `Seven calls at ${budget} threads traced back to back (as the timed calls run), per call: the wall time (page-side), how long two or more threads ran chunks at once, ` +
      'how long one did, and how long none did (the page handing the job to the pool and the result back, the barrier between phases, waking workers). ' +
      'Chunk time is the sum over threads; threads seen is over all seven calls. Trace timestamps have the browser\'s 5 µs resolution.',
    '',
    table(
      ['case', `${budget}T / 1T`, 'wall ms', `≥ 2 threads ms`, '1 thread ms', 'no thread ms', 'chunk ms (all threads)', 'chunks', 'threads seen'],
      rows.map(({ row, missed }) => {
        const q = row.profile;
        return [
          `${row.kernel} ${row.size}${missed ? ' (**missed**)' : ''}`,
          `${p(row.weft[budget].rate / row.weft[1].rate)}×`,
          p(q.wallMs), p(q.twoPlusMs), p(q.oneMs), p(q.noneMs), p(q.busyMs), f(q.chunks, 0), String(q.threads),
        ];
      }),
    ),
    '',
  ];
  return out;
}

/** Replaces (or appends) this suite's section of RESULTS.md, keeping every other section. */
export function updateResults(url, suite, markdown) {
  const path = fileURLToPath(url);
  const begin = `<!-- weft-bench:${suite}:begin -->`;
  const end = `<!-- weft-bench:${suite}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# weft benchmark results\n\nWritten by `npm run bench` and `npm run bench:compose` (bench/run.mjs); each keeps the other\'s section.\n';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text.endsWith('\n') ? text : text + '\n');
  return path;
}
