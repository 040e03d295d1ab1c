// Composition: tasks, tasks in tasks and kernels sharing ONE thread budget. Random nested trees
// checked against references (./composition-stress.js), then the guarantees one at a time —
// limits (views, per-call, carried into tasks, static vs dynamic), several runtimes on one pool,
// isolated pools, leases, maxQueue, progress, transfer, remote errors, crashed and killed
// workers — proved where it matters from the trace (which thread ran which chunk, when).
//
// Mode 'fallback' (browser without cross-origin isolation) has one worker and no shared memory:
// the trace shows no per-thread chunks there, so the tests that read thread ids are skipped.
import { useRuntime } from './harness.js';
import { equal, fail, fmt, ok, rejects, checkWeftError } from './assert.js';
import { checkReduction } from './checks.js';
import { randomF32, refSum, seedOf } from './reference.js';
import { HANG_MS, runStress, summarize, waitQuiet } from './composition-stress.js';
import { bigMatmulCheck } from './tasks/probe.js';
import { kernelInputs } from './tasks/tree.js';

const PROBE = new URL('./tasks/probe.js', import.meta.url).href;
const TREE = new URL('./tasks/tree.js', import.meta.url).href;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Bounds for one stress run, so that a wedged pool fails the test with a report well inside
 * mocha's 300 s per test (the browser runner) instead of timing out without one.
 */
const STRESS_LIMITS = { treeTimeoutMs: 45_000, deadlineMs: 180_000, maxHung: 3 };

/** Polls `cond` every 5 ms; fails with `label` if it does not hold within `ms`. */
async function waitFor(cond, ms, label) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) fail(`timed out after ${ms} ms waiting for: ${label}`);
    await sleep(5);
  }
}

/** Races `promise` against `ms`: a hang becomes a failure naming `label`. */
async function bounded(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: did not settle within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles `promise` into { ok, value } or { ok: false, error }. */
const settle = (promise) => promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));

// ---- reading the trace ---------------------------------------------------------------------------

/** Kernel jobs in a trace: job id → { tids, chunks }. */
function jobsIn(trace) {
  const jobs = new Map();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || e.cat !== 'kernel') continue;
    const job = jobs.get(e.args.job) ?? { tids: new Set(), chunks: 0 };
    job.tids.add(e.tid);
    job.chunks++;
    jobs.set(e.args.job, job);
  }
  return jobs;
}

/** Task spans in a trace, by start time: { tid, start, end, name } (µs). */
function tasksIn(trace, nameSuffix) {
  return trace.traceEvents
    .filter((e) => e.ph === 'X' && e.cat === 'task' && (!nameSuffix || e.name.endsWith(nameSuffix)))
    .map((e) => ({ tid: e.tid, start: e.ts, end: e.ts + e.dur, name: e.name }))
    .sort((a, b) => a.start - b.start);
}

/** Chunk spans of `kernel` in the runtime's current recording (raw trace events). */
const chunksOf = (r, kernel) => r.trace.export().traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel' && e.name === kernel);

/**
 * Starts a sort of `keys` from the page with { threads: 1 } (while `r` is tracing) and waits for
 * its first chunk: its one participant is the worker that runs every chunk and drives the phases
 * (SCHEDULER.md, "Who drives"). Returns the settling sort and that worker's trace thread id.
 */
async function soloSort(r, keys, round) {
  const sorting = settle(r.kernels.sort(keys, { threads: 1 }));
  await waitFor(() => chunksOf(r, 'sort').length > 0, 10_000, `round ${round}: the sort's first chunk`);
  return { sorting, tid: chunksOf(r, 'sort')[0].tid };
}

/** Side of the all-ones product the thread-count tests run: several chunks even when planned
 *  for one thread (a chunk is at most 2^27 multiply-adds), so "one thread only" means something. */
const ONES = 1024;
let onesMatrix;
/** ONES × ONES all-ones matrix squared through `view`; every element of the result is ONES. */
const onesProduct = (view, options = {}) => {
  onesMatrix ??= new Float32Array(ONES * ONES).fill(1);
  return view.kernels.matmul(onesMatrix, onesMatrix, { m: ONES, k: ONES, n: ONES, ...options });
};
const describeJobs = (jobs) => JSON.stringify([...jobs].map(([id, j]) => ({ job: id, chunks: j.chunks, tids: [...j.tids] })));

/** Runs `fn` with tracing on; returns its value and the trace. */
async function traced(rt, fn) {
  rt.trace.start();
  try {
    const value = await fn();
    return { value, trace: rt.trace.export() };
  } finally {
    rt.trace.stop();
  }
}

/** Retries `attempt` (which returns { proved, ...evidence }) up to `times` until proved; returns the last result. */
async function eventually(times, attempt) {
  let last;
  for (let i = 0; i < times; i++) {
    last = await attempt(i);
    if (last && last.proved) return last;
  }
  return last;
}

export function compositionSuite(env) {
  const { describe, it, WeftError } = env;
  const shared = env.expectedMode === 'shared';
  const itShared = shared ? it : it.skip;
  const BUDGET = shared ? 2 : 1;

  describe('composition', () => {
    const rt = useRuntime(env, { threads: 2 });
    const probe = (r = rt()) => r.module(PROBE);

    /** Waits until the shared pool is idle (kills from the previous test replaced their workers). */
    const quiet = async (r = rt()) => {
      const info = await waitQuiet(r, HANG_MS + 10_000);
      if (info.busy || info.tasks || info.queued || info.leased) fail(`the pool did not become idle: ${JSON.stringify(info)}`);
      return info;
    };

    /** Starts `n` sleeping tasks and waits until all of them run. */
    const occupy = async (n, ms, r = rt()) => {
      const before = r.info().tasks;
      const held = Array.from({ length: n }, () => probe(r).sleep(ms));
      await waitFor(() => r.info().tasks >= before + n, 5000, `${n} sleeping tasks to start`);
      return held;
    };

    /** The end-of-run health check: idle pool, a kernel and a task both work. Returns what is wrong. */
    const healthProblems = async (r, label) => {
      const problems = [];
      const info = await waitQuiet(r, HANG_MS + 10_000);
      for (const key of ['busy', 'tasks', 'queued', 'leased']) {
        if (info[key] !== 0) problems.push(`${label}: info().${key} is ${info[key]} after everything settled (${JSON.stringify(info)})`);
      }
      if (info.idle !== info.threads) problems.push(`${label}: info().idle is ${info.idle} of ${info.threads} after everything settled`);
      try {
        const x = randomF32(`${label}/final`, 40_000);
        checkReduction(await bounded(r.kernels.sum(x), 10_000, `${label}: final kernel`), refSum(x), `${label}: final sum`);
        const node = { t: 'k', id: 1, op: 'sum', len: 3000, seed: 'final' };
        const out = await bounded(r.module(TREE).run({ par: true, nodes: [node] }), 10_000, `${label}: final task`);
        ok(out.results[0].ok, `${label}: final task's kernel failed: ${fmt(out.results[0])}`);
        checkReduction(out.results[0].value, refSum(kernelInputs(node)[0]), `${label}: final task's sum`);
      } catch (e) {
        problems.push(String(e && e.message));
      }
      return problems;
    };

    const healthy = async (r, label) => {
      const problems = await healthProblems(r, label);
      if (problems.length) fail(problems.join('\n'));
    };

    const stressReport = (report, r) =>
      `${report.trees} trees, ${report.nodes} nodes in ${report.ms} ms (slowest tree ${report.maxTreeMs} ms); outcomes ${JSON.stringify(report.stats)}; ` +
      `trace: ${report.traceChecks} checks, maxBusy ${report.maxBusy} of ${r.info().threads}`;

    /** Everything a stress run must end with: no mismatch, a trace within the budget, a healthy pool. */
    const assertStress = async (report, r, label) => {
      const problems = [];
      if (report.stopped) problems.push(report.stopped);
      if (report.mismatches.length) problems.push(`${report.mismatches.length} mismatches\n${summarize(report.mismatches)}`);
      if (report.violations.length) problems.push(`the trace exceeded the budget (maxBusy ${report.maxBusy} of ${r.info().threads}): first violations ${JSON.stringify(report.violations.slice(0, 5))}`);
      problems.push(...(await healthProblems(r, `after the ${label}`)));
      if (problems.length) fail(`${label}:\n${problems.join('\n')}\n(${stressReport(report, r)})`);
    };

    // ---- randomized nested stress ----------------------------------------------------------------

    describe('random nested trees', () => {
      it('1000 random trees (the task API the runtime supports in tasks today): every result right, every failure the one asked for', async () => {
        // Its own pool (isolated), so whatever the run leaves behind shows here and not in later tests.
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const report = await runStress({ rt: r, trees: 1000, seed: `composition/${env.platform}/${env.expectedMode}`, profile: 'reduced', ...STRESS_LIMITS });
          console.log(`[composition] reduced stress: ${stressReport(report, r)}, ${report.mismatches.length} mismatches, ${report.violations.length} trace violations`);
          await assertStress(report, r, 'reduced stress');
          // The run must actually have exercised the failure paths it claims to.
          const s = report.stats;
          for (const key of ['taskOk', 'kernelOk', 'abortedQueued', 'abortedRunning', 'taskCrashed', 'taskFailed', 'transfers', 'probes', 'leases', 'leasesRefused', 'kernelInvalid']) {
            ok(s[key] > 0, `reduced stress: no ${key} in 1000 trees (${JSON.stringify(s)})`);
          }
          ok(s.timedOutQueued + s.timedOutRunning > 0, `reduced stress: no timeout in 1000 trees (${JSON.stringify(s)})`);
        } finally {
          await r.close();
        }
      });

      it('300 random trees using the whole task API at every depth (tasks in tasks: abort, timeout, progress, transfer, errors, crashes)', async () => {
        // Its own pool: what this may leave behind does not reach the other tests.
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const report = await runStress({ rt: r, trees: 300, seed: `composition-full/${env.platform}/${env.expectedMode}`, profile: 'full', ...STRESS_LIMITS });
          console.log(`[composition] full stress: ${stressReport(report, r)}, ${report.mismatches.length} mismatches, ${report.violations.length} trace violations`);
          await assertStress(report, r, 'full stress');
        } finally {
          await r.close();
        }
      });
    });

    // ---- limits --------------------------------------------------------------------------------------

    describe('limits', () => {
      it('views nest (the smallest limit wins), carry composition, and leave the original unchanged', async () => {
        const base = rt();
        const budget = base.info().threads;
        equal(budget, BUDGET, 'budget');
        equal(base.info().limit, budget, 'unlimited view: info().limit');
        const one = base.limit({ threads: 1 });
        equal(one.info().limit, 1, 'limit({threads:1}).info().limit');
        equal(one.limit({ threads: 3 }).info().limit, 1, 'limit(1).limit(3): the smaller wins');
        equal(base.limit({ threads: 3 }).limit({ threads: 1 }).info().limit, 1, 'limit(3).limit(1)');
        equal(base.limit({ threads: 8 }).info().limit, budget, 'a limit above the budget is capped at the budget');
        equal(base.info().limit, budget, 'the original view after limit(): info().limit');
        const st = base.limit({ composition: 'static' });
        equal(st.info().composition, 'static', "limit({composition:'static'})");
        equal(st.limit({ threads: 1 }).info().composition, 'static', 'a nested limit without composition keeps it');
        equal(st.limit({ composition: 'dynamic' }).info().composition, 'dynamic', 'a nested composition overrides');
        equal(base.info().composition, 'dynamic', 'the original composition');
        await rejects(async () => base.limit({ threads: 0 }), { code: 'INVALID_ARGUMENT', WeftError }, 'limit({threads: 0})');
        await rejects(async () => base.limit({ composition: 'greedy' }), { code: 'INVALID_ARGUMENT', WeftError }, "limit({composition:'greedy'})");
        const x = randomF32('limits/x', 70_000);
        checkReduction(await one.kernels.sum(x), refSum(x), 'sum through limit({threads:1})');
      });

      it('limits are carried into tasks and survive awaits there (getRuntime().info().limit)', async () => {
        await quiet();
        const got = await probe(rt().limit({ threads: 1, composition: 'static' })).kernelsAfterAwait(1);
        equal(got.limit, 1, 'limit inside a task started through limit({threads:1}), after awaits');
        equal(got.composition, 'static', 'composition inside that task');
        equal(got.sums[0], bigMatmulCheck(), 'the task kernel result');
        const free = await probe().kernelsAfterAwait(1);
        equal(free.limit, BUDGET, 'limit inside a task started through the unlimited view');
        equal(free.composition, 'dynamic', 'composition inside that task');
      });

      itShared('a kernel through limit({threads:1}) runs all its chunks on one thread; the unlimited view uses more', async () => {
        await quiet();
        const limited = await traced(rt(), () => onesProduct(rt().limit({ threads: 1 })));
        equal(limited.value[0], ONES, 'limited matmul result');
        let jobs = jobsIn(limited.trace);
        equal(jobs.size, 1, `jobs in the trace of one call ${describeJobs(jobs)}`);
        const [job] = jobs.values();
        ok(job.chunks > 1, `the ${ONES}³ matmul should have several chunks, has ${job.chunks}`);
        equal(job.tids.size, 1, `threads that ran the chunks of a limit({threads:1}) call ${describeJobs(jobs)}`);
        // A product of a few milliseconds: long enough that the second worker is scheduled
        // before the first finishes alone, even on a loaded machine.
        const b = new Float32Array(512 * 512).fill(1);
        const free = await eventually(20, async () => {
          const t = await traced(rt(), () => rt().kernels.matmul(b, b, { m: 512, k: 512, n: 512 }));
          jobs = jobsIn(t.trace);
          return { proved: [...jobs.values()].some((j) => j.tids.size > 1), jobs };
        });
        ok(free.proved, `the unlimited view never used more than one thread in 20 tries: ${describeJobs(free.jobs)}`);
      });

      itShared('per-call { threads } overrides the view; the smallest of the two wins', async () => {
        await quiet();
        const cases = [
          ['kernels.matmul(…, {threads:1})', (r) => r, 1],
          ['limit({threads:1}) then {threads:2}', (r) => r.limit({ threads: 1 }), 2],
          ['limit({threads:2}) then {threads:1}', (r) => r.limit({ threads: 2 }), 1],
        ];
        for (const [label, view, threads] of cases) {
          const t = await traced(rt(), () => onesProduct(view(rt()), { threads }));
          equal(t.value[0], ONES, `${label}: result`);
          const jobs = jobsIn(t.trace);
          const [job] = jobs.values();
          equal(jobs.size, 1, `${label}: one job`);
          equal(job.tids.size, 1, `${label}: threads that ran its chunks ${describeJobs(jobs)}`);
        }
      });

      itShared('a task started through limit({threads:1}) runs its kernels on its own thread only, across awaits', async () => {
        await quiet();
        const t = await traced(rt(), () => probe(rt().limit({ threads: 1 })).kernelsAfterAwait(3));
        equal(t.value.limit, 1, 'getRuntime().info().limit inside the task');
        t.value.sums.forEach((s, i) => equal(s, bigMatmulCheck(), `kernel ${i} result`));
        const [task, ...others] = tasksIn(t.trace, '#kernelsAfterAwait');
        ok(task && others.length === 0, `expected one task span, got ${JSON.stringify(tasksIn(t.trace))}`);
        const jobs = jobsIn(t.trace);
        equal(jobs.size, 3, `kernel jobs of the task ${describeJobs(jobs)}`);
        for (const [id, job] of jobs) {
          ok(job.tids.size === 1 && job.tids.has(task.tid), `job ${id}: chunks on threads ${[...job.tids]}, expected only the task's thread ${task.tid} ${describeJobs(jobs)}`);
        }
        // The control: the same task through the unlimited view gets help from the idle worker.
        const free = await eventually(10, async () => {
          await quiet();
          const u = await traced(rt(), () => probe().kernelsAfterAwait(2));
          const j = jobsIn(u.trace);
          const [own] = tasksIn(u.trace, '#kernelsAfterAwait');
          // The idle worker took part (the caller may even have been preempted and run none).
          return { proved: [...j.values()].some((x) => [...x.tids].some((tid) => tid !== own.tid)), jobs: j };
        });
        ok(free.proved, `unlimited task: only the task's own thread ever ran its kernels' chunks in 10 tries ${describeJobs(free.jobs)}`);
      });

      itShared("static: a kernel called from a task while 2 tasks run gets floor(2/2) = 1 thread; dynamic: the other task's worker joins", async () => {
        const run = async (composition) => {
          await quiet();
          const view = rt().limit({ composition });
          return traced(rt(), async () => {
            const other = probe(view).sleep(600); // suspended in an await: its worker is idle and holds a token
            await waitFor(() => rt().info().tasks >= 1, 5000, 'the sleeping task to start');
            const got = await probe(view).kernelWhenTasks(2);
            await other;
            return got;
          });
        };
        const st = await run('static');
        equal(st.value.tasksSeen, 2, 'static: tasks running when the kernel started');
        equal(st.value.composition, 'static', 'static: composition inside the task');
        equal(st.value.sum, bigMatmulCheck(), 'static: kernel result');
        const [kt] = tasksIn(st.trace, '#kernelWhenTasks');
        const jobs = jobsIn(st.trace);
        equal(jobs.size, 1, `static: one job ${describeJobs(jobs)}`);
        const [job] = jobs.values();
        ok(job.tids.size === 1 && job.tids.has(kt.tid), `static: chunks ran on ${[...job.tids]}, expected only the task's thread ${kt.tid}`);

        const dyn = await eventually(10, async () => {
          const d = await run('dynamic');
          equal(d.value.sum, bigMatmulCheck(), 'dynamic: kernel result');
          equal(d.value.tasksSeen, 2, 'dynamic: tasks running when the kernel started');
          const [sleeper] = tasksIn(d.trace, '#sleep');
          const j = jobsIn(d.trace);
          const [one] = j.values();
          return { proved: one && one.tids.has(sleeper.tid) && sleeper.tid !== tasksIn(d.trace, '#kernelWhenTasks')[0].tid, jobs: j };
        });
        ok(dyn.proved, `dynamic: the sleeping task's worker never joined the kernel in 10 tries ${describeJobs(dyn.jobs)}`);
      });

      itShared('dynamic: a small kernel that starts while every other thread runs a task is one chunk, on its caller; with a thread free it is cut for two', async () => {
        // Planned for the threads that can work on it when it starts (SCHEDULER.md, "Publish"):
        // cutting a 128³ product for a helper that cannot come only adds packing and bookkeeping.
        const SMALL = 128;
        const run = async (busy) => {
          await quiet();
          return traced(rt(), async () => {
            const spinning = busy ? probe().spin(400) : null; // synchronous: its worker and token stay taken
            if (busy) await waitFor(() => rt().info().tasks >= 1, 5000, 'the spinning task to start');
            const got = await probe().kernelWhenTasks(busy ? 2 : 1, 5000, SMALL);
            await spinning;
            return got;
          });
        };
        for (const busy of [true, false]) {
          const label = busy ? 'every other thread busy' : 'a thread free';
          const t = await run(busy);
          equal(t.value.tasksSeen, busy ? 2 : 1, `${label}: tasks running when the kernel started`);
          equal(t.value.sum, bigMatmulCheck(SMALL), `${label}: kernel result`);
          const jobs = jobsIn(t.trace);
          equal(jobs.size, 1, `${label}: one job ${describeJobs(jobs)}`);
          const [job] = jobs.values();
          if (busy) equal(job.chunks, 1, `${label}: chunks of the ${SMALL}³ matmul ${describeJobs(jobs)}`);
          else ok(job.chunks > 1, `${label}: the ${SMALL}³ matmul should be cut for two threads, has ${job.chunks} chunk(s) ${describeJobs(jobs)}`);
        }
      });

      itShared('page kernels called back to back are each planned for the whole budget, though a worker may still be leaving the last one', async () => {
        // 512³ is one tile when planned for one thread; a helper finishing the previous call
        // holds its token for a moment, which must not make the next call plan for one thread.
        await quiet();
        const side = 512, ones = new Float32Array(side * side).fill(1);
        const t = await traced(rt(), async () => {
          for (let i = 0; i < 20; i++) equal((await rt().kernels.matmul(ones, ones, { m: side, k: side, n: side }))[0], side, `call ${i}: result`);
        });
        const jobs = jobsIn(t.trace);
        equal(jobs.size, 20, `jobs traced ${describeJobs(jobs)}`);
        for (const [id, job] of jobs) ok(job.chunks > 1, `job ${id} of 20 back-to-back page calls was planned as ${job.chunks} chunk(s) ${describeJobs(jobs)}`);
      });
    });

    // ---- several runtimes ------------------------------------------------------------------------

    describe('runtimes and pools', () => {
      it("two runtimes on a page share one pool and one budget: each sees the other's tasks, together they never exceed it", async () => {
        await quiet();
        const r2 = await env.createRuntime({ threads: 1 });
        try {
          equal(r2.info().threads, BUDGET, 'second runtime: info().threads (the shared pool budget)');
          equal(r2.info().limit, 1, 'second runtime: info().limit (it asked for 1 thread)');
          const t = await traced(rt(), async () => {
            const held = await occupy(BUDGET, 300);
            equal(r2.info().tasks, BUDGET, "second runtime's info().tasks counts the first runtime's tasks");
            equal(r2.info().busy, BUDGET, "second runtime's info().busy");
            equal(r2.info().idle, 0, "second runtime's info().idle");
            const late = probe(r2).sleep(1);
            equal(rt().info().queued, 1, "first runtime's info().queued counts the second runtime's queued task");
            // A mixed load from both at once.
            const x = randomF32('two/x', 100_003);
            const mixed = [rt().kernels.sum(x), r2.kernels.sum(x), probe(rt()).sleep(5), probe(r2).sleep(5), r2.kernels.max(x)];
            await Promise.all([...held, late, ...mixed]);
          });
          const report = rt().trace.check(t.trace);
          ok(report.ok, `combined trace exceeded the budget: ${JSON.stringify(report)}`);
          ok(report.maxBusy <= BUDGET, `maxBusy ${report.maxBusy} > ${BUDGET}`);
          const spans = tasksIn(t.trace, '#sleep');
          const holders = spans.filter((s) => s.end - s.start > 250_000);
          equal(holders.length, BUDGET, `holder task spans ${JSON.stringify(spans)}`);
          const firstFree = Math.min(...holders.map((s) => s.end));
          const later = spans.filter((s) => s.end - s.start < 250_000);
          ok(later.every((s) => s.start >= firstFree - 1000), `a task started before a thread was free: ${JSON.stringify({ firstFree, later })}`);
        } finally {
          await r2.close();
        }
        // The pool outlives the second runtime.
        const x = randomF32('two/after', 5000);
        checkReduction(await rt().kernels.sum(x), refSum(x), 'first runtime after the second closed');
        equal(await probe().sleep(1), 1, 'a task on the first runtime after the second closed');
      });

      it('isolated: true gets a pool and budget of its own', async () => {
        await quiet();
        const r3 = await env.createRuntime({ threads: 1, isolated: true });
        try {
          equal(r3.info().threads, 1, 'isolated runtime budget');
          const held = await occupy(BUDGET, 1500);
          // The page pool is full; the isolated pool is not: its task runs (and ends) meanwhile.
          const t0 = Date.now();
          equal(await bounded(probe(r3).sleep(5), 5000, 'isolated task'), 5, 'isolated task result');
          ok(Date.now() - t0 < 1200, `the isolated task waited ${Date.now() - t0} ms: it queued behind the page pool`);
          equal(rt().info().tasks, BUDGET, "page pool's info().tasks right after the isolated task ended (its tasks still run)");
          const started = probe(r3).sleep(200);
          await waitFor(() => r3.info().tasks === 1, 5000, 'isolated task to start');
          equal(rt().info().tasks, BUDGET, "page pool's info().tasks does not count the isolated pool's task");
          await Promise.all([...held, started]);
          equal(r3.info().tasks, 0, 'isolated info().tasks after');
          // Separate traces too.
          const t = await traced(r3, () => probe(r3).sleep(1));
          rt().trace.start();
          await probe().sleep(2);
          rt().trace.stop();
          equal(tasksIn(t.trace).length, 1, "isolated runtime's trace has only its own task");
          equal(tasksIn(rt().trace.export()).length, 1, "page pool's trace has only its own task");
        } finally {
          await r3.close();
        }
        equal(await probe().sleep(1), 1, 'page pool after the isolated runtime closed');
      });

      it('maxQueue: one task more than maxQueue waiting rejects with QUEUE_FULL; the allowance is per runtime', async () => {
        await quiet();
        const r = await env.createRuntime({ maxQueue: 1 });
        try {
          const held = await occupy(BUDGET, 300, r);
          const queued = probe(r).sleep(1);
          equal(r.info().queued, 1, 'queued after one more');
          await rejects(() => probe(r).sleep(1), { code: 'QUEUE_FULL', WeftError }, 'a second waiting task with maxQueue: 1');
          // Another runtime on the same pool has its own (unbounded) allowance.
          const other = probe().sleep(1);
          equal(rt().info().queued, 2, 'queued with the other runtime');
          await Promise.all([...held, queued, other]);
          equal(await probe(r).sleep(1), 1, 'after the queue drained, a task runs');
        } finally {
          await r.close();
        }
      });

      it('maxQueue: 0 runs a task a free worker can take at once, and refuses one that would wait', async () => {
        const r0 = await env.createRuntime({ maxQueue: 0 });
        try {
          await quiet();
          const free = await settle(probe(r0).sleep(1));
          ok(free.ok && free.value === 1, `maxQueue: 0 with every worker free: ${fmt(free.ok ? free.value : free.error)} (nothing had to wait)`);
          const held = await occupy(BUDGET, 200);
          await rejects(() => probe(r0).sleep(1), { code: 'QUEUE_FULL', WeftError }, 'maxQueue: 0 with no free worker');
          await Promise.all(held);
        } finally {
          await r0.close();
        }
      });
    });

    // ---- leases ------------------------------------------------------------------------------------

    describe('leases', () => {
      it('a lease of the whole budget holds tasks back until release(); release is idempotent', async () => {
        await quiet();
        const lease = await bounded(rt().lease(BUDGET), 5000, 'lease on an idle pool');
        equal(lease.threads, BUDGET, 'lease.threads');
        equal(rt().info().leased, BUDGET, 'info().leased');
        equal(rt().info().idle, 0, 'info().idle while leased');
        let done = false;
        const task = probe().sleep(1).then((v) => { done = true; return v; });
        await sleep(150);
        ok(!done, 'a task ran while the whole budget was leased');
        equal(rt().info().queued, 1, 'info().queued while leased');
        lease.release();
        lease.release();
        equal(await bounded(task, 5000, 'task after release'), 1, 'task result');
        equal(rt().info().leased, 0, 'info().leased after release (twice)');
        const info = await quiet();
        equal(info.idle, BUDGET, 'info().idle after release');
      });

      itShared('with budget 2 and a lease of 1, two long tasks run one after the other (trace); after release, side by side', async () => {
        await quiet();
        const lease = await rt().lease(1);
        const serial = await traced(rt(), () => Promise.all([probe().spin(150), probe().spin(150)]));
        lease.release();
        const spans = tasksIn(serial.trace, '#spin');
        equal(spans.length, 2, `spin task spans ${JSON.stringify(spans)}`);
        ok(spans[1].start >= spans[0].end - 1000, `with one thread leased the two tasks overlapped: ${JSON.stringify(spans)}`);
        const leases = serial.trace.traceEvents.filter((e) => e.cat === 'lease');
        ok(leases.length === 1 && leases[0].args.threads === 1, `lease span in the trace: ${JSON.stringify(leases)}`);
        ok(leases[0].ts <= spans[0].start && leases[0].ts + leases[0].dur >= spans[1].end - 1000, `the lease span does not cover the tasks: ${JSON.stringify({ leases, spans })}`);
        const report = rt().trace.check(serial.trace);
        ok(report.ok, `trace check with the lease: ${JSON.stringify(report)}`);
        equal(report.maxBusy, 2, 'maxBusy (lease + one task)');
        await quiet();
        const parallel = await traced(rt(), () => Promise.all([probe().spin(150), probe().spin(150)]));
        const p = tasksIn(parallel.trace, '#spin');
        ok(p.length === 2 && p[1].start < p[0].end, `after release the two tasks did not overlap: ${JSON.stringify(p)}`);
      });

      it('a lease waits while every thread is busy and resolves when one frees', async () => {
        await quiet();
        const t = await traced(rt(), async () => {
          const spins = Array.from({ length: BUDGET }, () => probe().spin(600));
          await waitFor(() => rt().info().busy === BUDGET, 5000, 'all threads busy');
          let got = false;
          const pending = rt().lease(1).then((l) => { got = true; return l; });
          await sleep(100);
          ok(!got, 'the lease resolved while every thread was busy');
          const lease = await bounded(pending, 5000, 'lease after the tasks end');
          equal(rt().info().leased, 1, 'info().leased');
          lease.release();
          await Promise.all(spins);
        });
        const spans = tasksIn(t.trace, '#spin');
        const [leaseSpan] = t.trace.traceEvents.filter((e) => e.cat === 'lease');
        ok(leaseSpan, 'no lease span in the trace');
        const firstEnd = Math.min(...spans.map((s) => s.end));
        ok(leaseSpan.ts >= firstEnd - 1000, `the lease started at ${leaseSpan.ts} µs, before the first task ended at ${firstEnd} µs`);
        ok(rt().trace.check(t.trace).ok, 'trace check');
      });

      it('invalid leases: more than the budget, 0, inside a task', async () => {
        await rejects(() => rt().lease(BUDGET + 1), { code: 'INVALID_ARGUMENT', WeftError }, `lease(${BUDGET + 1}) with budget ${BUDGET}`);
        await rejects(() => rt().lease(0), { code: 'INVALID_ARGUMENT', WeftError }, 'lease(0)');
        const inside = await probe().leaseInside();
        ok(!inside.ok && inside.code === 'INVALID_ARGUMENT', `lease inside a task: ${JSON.stringify(inside)}`);
        equal(rt().info().leased, 0, 'info().leased after the refused leases');
      });
    });

    // ---- the task API from the main thread ----------------------------------------------------------

    describe('tasks', () => {
      it('progress values arrive in order (with and without awaits in the task)', async () => {
        for (const withAwaits of [false, true]) {
          const seen = [];
          equal(await probe().with({ onProgress: (v) => seen.push(v) }).emit(200, withAwaits), 200, 'emit result');
          await waitFor(() => seen.length >= 200, 2000, `200 progress values (got ${seen.length})`);
          await sleep(20);
          equal(JSON.stringify(seen), JSON.stringify(Array.from({ length: 200 }, (_, i) => i)), `progress values (awaits: ${withAwaits})`);
        }
      });

      it('every progress value arrives before the task settles (100 runs)', async () => {
        let late = 0;
        const examples = [];
        for (let i = 0; i < 100; i++) {
          const seen = [];
          await probe().with({ onProgress: (v) => seen.push(v) }).emit(5, false);
          if (seen.length < 5) {
            late++;
            if (examples.length < 3) examples.push(seen.length);
          }
        }
        equal(late, 0, `runs where progress values were still missing when the task resolved (values seen then: ${examples.join(', ')})`);
      });

      it('transferables are transferred: the source buffer is detached after the call', async () => {
        const x = randomF32('transfer/x', 10_000);
        const ref = refSum(x);
        const buffer = x.buffer;
        const got = await probe().with({ transfer: [buffer] }).sumArray(x);
        equal(buffer.byteLength, 0, 'source buffer byteLength after the call');
        equal(got.length, 10_000, 'length seen by the task');
        checkReduction(got.sum, ref, 'sum in the task');
        const back = await probe().makeArray(1000);
        ok(back instanceof Float32Array && back.length === 1000 && back[999] === 1.5, `transferred result: ${fmt(back)}`);
      });

      it('a task that throws rejects with TASK_FAILED carrying the remote message and stack', async () => {
        const e = await rejects(() => probe().failingTaskFunction('the remote message 42'), { code: 'TASK_FAILED', WeftError }, 'throwing task');
        ok(e.message.includes('the remote message 42'), `message: ${e.message}`);
        ok(e.message.includes('failingTaskFunction'), `message should name the task: ${e.message}`);
        ok(/remote stack/.test(e.stack) && e.stack.includes('failingTaskFunction') && e.stack.includes('probe.js'), `stack should carry the remote one: ${e.stack}`);
        ok(e.cause && e.cause.message === 'the remote message 42', `cause: ${fmt(e.cause)}`);
        const s = await rejects(() => probe().throwsString(), { code: 'TASK_FAILED', WeftError }, 'task throwing a string');
        ok(s.message.includes('a plain string'), `message for a thrown string: ${s.message}`);
        const n = await rejects(() => probe().noSuchExport(), { code: 'TASK_FAILED', WeftError }, 'missing export');
        ok(n.message.includes('noSuchExport'), `message for a missing export: ${n.message}`);
        equal(await probe().sleep(1), 1, 'a task after the failures');
      });

      it('a task that crashes its worker rejects with WORKER_CRASHED and the pool recovers', async () => {
        await quiet();
        await rejects(() => bounded(probe().crash(), 8000, 'crashing task'), { code: 'WORKER_CRASHED', WeftError }, 'crashing task');
        await quiet();
        // info() cannot tell when the replacement is ready; it must be, soon.
        const back = await eventually(50, async () => {
          const t = await traced(rt(), () => Promise.all(Array.from({ length: BUDGET }, () => probe().spin(30))));
          const tids = new Set(tasksIn(t.trace, '#spin').map((s) => s.tid));
          if (tids.size < BUDGET) await sleep(20);
          return { proved: tids.size === BUDGET, tids };
        });
        ok(back.proved, `after the crash, ${BUDGET} concurrent tasks never ran on ${BUDGET} threads: ${[...back.tids]}`);
        await healthy(rt(), 'after a crash');
      });

      it('aborting a running task kills its worker: ABORTED at once, the worker is replaced', async () => {
        await quiet();
        for (const body of ['sleep', 'spin']) {
          const ac = new AbortController();
          let started;
          const running = new Promise((resolve) => { started = resolve; });
          const p = body === 'sleep'
            ? probe().with({ signal: ac.signal, onProgress: started }).sleep(10_000)
            : probe().with({ signal: ac.signal }).spin(10_000);
          if (body === 'spin') await waitFor(() => rt().info().tasks === 1, 5000, 'spinning task to start');
          else await bounded(running, 5000, 'sleeping task to start');
          const t0 = Date.now();
          ac.abort();
          await rejects(() => bounded(p, 5000, `aborted ${body} task`), { code: 'ABORTED', WeftError }, `aborted running ${body} task`);
          ok(Date.now() - t0 < 1000, `aborting took ${Date.now() - t0} ms`);
          await quiet();
        }
        await healthy(rt(), 'after killing running tasks');
      });

      it('tiny timeouts: TIMEOUT while running (worker killed) and while queued (dropped)', async () => {
        await quiet();
        await rejects(() => bounded(probe().with({ timeout: 50 }).spin(10_000), 5000, 'timed-out task'), { code: 'TIMEOUT', WeftError }, 'running task with timeout 50');
        await quiet();
        const held = await occupy(BUDGET, 300);
        await rejects(() => probe().with({ timeout: 5 }).sleep(1), { code: 'TIMEOUT', WeftError }, 'queued task with timeout 5');
        equal(rt().info().queued, 0, 'info().queued after the queued task timed out');
        const ac = new AbortController();
        const aborted = probe().with({ signal: ac.signal }).sleep(1);
        equal(rt().info().queued, 1, 'queued');
        ac.abort();
        await rejects(() => aborted, { code: 'ABORTED', WeftError }, 'queued task aborted');
        equal(rt().info().queued, 0, 'info().queued after the abort');
        await Promise.all(held);
        await healthy(rt(), 'after timeouts');
      });
    });

    // ---- tasks in tasks -----------------------------------------------------------------------------

    describe('tasks in tasks have the task API of the main thread', () => {
      // A pool of their own: what these leave behind (see the report) does not reach other tests.
      const nrt = useRuntime(env, { threads: 2, isolated: true });
      it('a nested task that throws rejects (inside the task) with TASK_FAILED — dispatched to a free worker, and run inline', async () => {
        await quiet(nrt());
        const free = await probe(nrt()).nestedThrow();
        const held = await occupy(BUDGET - 1, 400, nrt());
        const inline = await probe(nrt()).nestedThrow();
        await Promise.all(held);
        const show = (o) => JSON.stringify({ ok: o.ok, code: o.code, name: o.name, message: o.message });
        if (shared) ok(!free.ok && free.code === 'TASK_FAILED' && free.message.includes('nested boom'), `free worker: ${show(free)}`);
        ok(!inline.ok && inline.code === 'TASK_FAILED' && inline.message.includes('nested boom'), `inline (caller-runs): ${show(inline)}`);
      });

      it('a nested task honours timeout and signal (TIMEOUT / ABORTED, not a full run)', async () => {
        const timeout = await bounded(probe(nrt()).nestedTimeout(20, 1500), 10_000, 'nestedTimeout');
        const abort = await bounded(probe(nrt()).nestedAbort(20, 1500), 10_000, 'nestedAbort');
        const pre = await probe(nrt()).nestedPreAborted();
        const inFlight = await bounded(probe(nrt()).nestedAbortedInFlight(1500), 10_000, 'nestedAbortedInFlight');
        ok(!timeout.ok && timeout.code === 'TIMEOUT' && timeout.ms < 1000, `timeout: 20 on a 1500 ms nested task: ${JSON.stringify(timeout)}`);
        ok(!abort.ok && abort.code === 'ABORTED' && abort.ms < 1000, `abort after 20 ms of a 1500 ms nested task: ${JSON.stringify(abort)}`);
        ok(!pre.ok && pre.code === 'ABORTED', `already-aborted signal on a nested task: ${JSON.stringify(pre)}`);
        // The abort lands while the host is still deciding where the task runs; run inline, it
        // must not start (its signal already fired once, nothing would stop it afterwards).
        ok(!inFlight.ok && inFlight.code === 'ABORTED' && inFlight.ms < 1000, `abort right after submitting a 1500 ms nested task: ${JSON.stringify(inFlight)}`);
      });

      it('a nested task delivers onProgress and transfers its transferables', async () => {
        const progress = await probe(nrt()).nestedProgress(10);
        ok(progress.result.ok, `nested emit: ${JSON.stringify(progress.result)}`);
        equal(JSON.stringify(progress.seen), JSON.stringify(Array.from({ length: 10 }, (_, i) => i)), 'progress values seen by the parent task');
        const xfer = await probe(nrt()).nestedTransfer(1000);
        ok(xfer.result.ok && xfer.result.value.sum === 2000, `nested sumArray: ${JSON.stringify(xfer.result)}`);
        equal(xfer.byteLengthAfter, 0, "the parent's buffer byteLength after a nested call with transfer");
      });


      it('after tasks in tasks settle, info().tasks is back to 0', async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          equal(JSON.stringify(await probe(r).parentOfSleepers(3, 5)), '[5,5,5]', 'parent of 3 nested tasks');
          const info = await waitQuiet(r, 2000);
          equal(info.tasks, 0, `info().tasks after a task and its 3 nested tasks settled ${JSON.stringify(info)}`);
        } finally {
          await r.close();
        }
      });
    });

    // ---- aborts, kills, crashes: what they may and may not take with them ---------------------------

    describe('aborts and killed workers', () => {
      it('an already-aborted signal on a kernel call rejects with ABORTED (main thread and in a task)', async () => {
        const ac = new AbortController();
        ac.abort();
        await rejects(() => rt().kernels.sum(new Float32Array(16), { signal: ac.signal }), { code: 'ABORTED', WeftError }, 'sum with an aborted signal (main)');
        const inTask = await probe().preAbortedKernel();
        ok(!inTask.ok && inTask.code === 'ABORTED', `sum with an aborted signal (in a task): ${JSON.stringify(inTask)}`);
      });

      it('a lease aborted while waiting rejects with ABORTED', async () => {
        await quiet();
        const held = Array.from({ length: BUDGET }, () => probe().spin(300));
        await waitFor(() => rt().info().busy === BUDGET, 5000, 'all threads busy');
        const ac = new AbortController();
        const p = rt().lease(1, { signal: ac.signal });
        ac.abort();
        const r = await settle(bounded(p, 5000, 'aborted lease'));
        await Promise.all(held);
        ok(!r.ok, 'the aborted lease resolved');
        checkWeftError(r.error, { code: 'ABORTED', WeftError }, 'aborted lease');
        equal(rt().info().leased, 0, 'info().leased after the aborted lease');
      });

      it('a killed task\'s trace span ends when its worker dies (a later lease is no budget violation)', async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const budget = r.info().threads;
          r.trace.start();
          const ac = new AbortController();
          let started;
          const running = new Promise((resolve) => { started = resolve; });
          const victim = settle(probe(r).with({ signal: ac.signal, onProgress: started }).sleep(10_000));
          await bounded(running, 5000, 'victim task to start');
          ac.abort();
          const v = await victim;
          ok(!v.ok && v.error.code === 'ABORTED', `victim: ${fmt(v.ok ? v.value : v.error)}`);
          await waitQuiet(r, 5000);
          const lease = await bounded(r.lease(budget), 5000, 'lease of the whole budget after the kill');
          await sleep(20);
          lease.release();
          r.trace.stop();
          const trace = r.trace.export();
          const report = r.trace.check(trace);
          const spans = tasksIn(trace, '#sleep');
          ok(report.ok, `trace check: ${JSON.stringify(report)}; the killed task's span: ${JSON.stringify(spans)}`);
        } finally {
          await r.close();
        }
      });

            it('killing a worker that runs inline nested tasks leaves info().tasks at 0', async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const ac = new AbortController();
          let started;
          const running = new Promise((resolve) => { started = resolve; });
          const p = settle(probe(r).with({ signal: ac.signal, onProgress: started }).parentOfSleepers(3, 800));
          await bounded(running, 5000, 'parent task to start');
          await sleep(100);
          ac.abort();
          const res = await p;
          ok(!res.ok && res.error.code === 'ABORTED', `parent: ${fmt(res.error ?? res.value)}`);
          const info = await waitQuiet(r, 3000);
          equal(info.tasks, 0, `info().tasks after the parent was killed and its nested tasks ended (${JSON.stringify(info)})`);
        } finally {
          await r.close();
        }
      });

      itShared('aborting a task also stops the nested tasks it started on other workers (nothing keeps running for nobody)', async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const ac = new AbortController();
          const p = settle(probe(r).with({ signal: ac.signal }).parentOfSleepers(1, 2000));
          await waitFor(() => r.info().tasks === 2, 5000, 'parent and nested child to run');
          ac.abort();
          await p;
          const info = await waitQuiet(r, 500);
          equal(info.busy, 0, `info().busy 500 ms after aborting the parent (its orphaned child sleeps 2000 ms) ${JSON.stringify(info)}`);
        } finally {
          await r.close();
        }
      });

      /**
       * Kills `rounds` running tasks (worker terminated while its event loop is free, so it may be
       * helping with the host's kernels), each while 6 multi-chunk host kernels run. Returns the
       * kernels' outcomes; fails (instead of hanging) if a round's kernels do not settle.
       */
      const killWhileHelping = async (r, rounds) => {
        const x = new Float32Array(32768 * 16).fill(1);
        const y = new Float32Array(32768 * 16).fill(2);
        const outcomes = [];
        for (let round = 0; round < rounds; round++) {
          const ac = new AbortController();
          let started;
          const running = new Promise((resolve) => { started = resolve; });
          const victim = settle(probe(r).with({ signal: ac.signal, onProgress: started }).sleep(10_000));
          await bounded(running, 5000, 'victim task to start');
          const kernels = Array.from({ length: 6 }, () => settle(r.kernels.add(x, y)));
          await sleep((round % 4) * 0.5);
          ac.abort();
          const settled = await Promise.race([Promise.all(kernels), sleep(10_000).then(() => null)]);
          if (!settled) fail(`round ${round}: host kernel calls did not settle within 10 s after the worker helping them was killed (hang); info() ${JSON.stringify(r.info())}`);
          for (const k of settled) {
            if (k.ok && k.value[12345] !== 3) fail(`round ${round}: add result wrong: ${k.value[12345]}`);
            if (!k.ok && k.error?.code !== 'WORKER_CRASHED') throw k.error;
            outcomes.push(k.ok ? 'ok' : k.error.code);
          }
          await victim;
        }
        return outcomes;
      };

      itShared('killing a worker that helps with host kernels never leaves them hanging', async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          await killWhileHelping(r, 80);
        } finally {
          await r.close();
        }
      });

      itShared("aborting one task never fails another caller's kernel (a killed helper's chunk is not lost)", async () => {
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const outcomes = await killWhileHelping(r, 40);
          const crashed = outcomes.filter((o) => o === 'WORKER_CRASHED').length;
          equal(crashed, 0, `host kernel calls (of ${outcomes.length}) that failed with WORKER_CRASHED because an unrelated task was aborted`);
        } finally {
          await r.close();
        }
      });

      itShared('a task given to the pool while a page kernel runs on one thread goes to the idle worker, not behind the kernel', async () => {
        // The worker running a { threads: 1 } kernel (soloSort) reads no message until it ends.
        // The pool used to take the lowest free index, so whenever worker 0 was sorting the task
        // waited for the whole sort while worker 1 idled; the sorter is either, so rounds repeat.
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const keys = randomF32(seedOf('idle worker'), 1 << 22);
          for (let round = 0; round < 8; round++) {
            r.trace.start();
            try {
              const { sorting, tid: sorter } = await soloSort(r, keys, round);
              await bounded(probe(r).sleep(1), 10_000, `round ${round}: the task`);
              const sorted = await bounded(sorting, 60_000, `round ${round}: the sort`);
              ok(sorted.ok, `round ${round}: sort failed: ${fmt(sorted.error)}`);
              const task = tasksIn(r.trace.export(), '#sleep');
              equal(task.length, 1, `round ${round}: task spans`);
              ok(task[0].tid !== sorter, `round ${round}: the task ran on thread ${task[0].tid}, the one sorting, while the other idled`);
            } finally {
              r.trace.stop();
            }
          }
        } finally {
          await r.close();
        }
      });

      itShared("a worker that dies while it drives a host kernel's phases: the host takes them over, the result is right", async () => {
        // No task reaches a worker that helps a kernel (the test above), so what can still stop
        // a driving worker is a crash or the browser terminating it. The test stops it the way
        // the pool does after an abort (park at a safe point, terminate, settle what it held,
        // replace), calling the pool's private replace() because no public call can reach it.
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const pool = r.backend.pool;
          const keys = randomF32(seedOf('driver death'), 1 << 22);
          const expected = Float32Array.from(keys).sort();
          const proof = await eventually(8, async (round) => {
            r.trace.start();
            try {
              const { sorting, tid } = await soloSort(r, keys, round);
              const driver = tid - 1;
              const slot = pool.slots[driver];
              const killedAt = performance.timeOrigin + performance.now();
              await bounded(pool.replace(slot, slot.spawned, new Error('stopped by the test'), false), 10_000, `round ${round}: replacing worker ${driver}`);
              const sorted = await bounded(sorting, 60_000, `round ${round}: the sort (its driver ${driver} stopped)`);
              ok(sorted.ok, `round ${round}: sort failed: ${fmt(sorted.error)}`);
              equal(sorted.value.length, expected.length, 'sorted length');
              const wrong = sorted.value.findIndex((v, i) => !Object.is(v, expected[i]));
              equal(wrong, -1, `round ${round}: first wrong index of the sort (driver ${driver} stopped)`);
              // Rounds where the sort had finished its phases before the driver parked prove nothing.
              const origin = r.trace.export().otherData.origin;
              const after = chunksOf(r, 'sort').filter((e) => origin + e.ts / 1000 > killedAt).length;
              return { proved: after > 0, driver, chunksAfterKill: after };
            } finally {
              r.trace.stop();
            }
          });
          ok(proof.proved, `no round stopped the driver while the sort still had phases to run: ${fmt(proof)}`);
          await healthy(r, 'after the driver was stopped');
        } finally {
          await r.close();
        }
      });

      itShared('killing a worker never shows up in the trace as a budget violation', async () => {
        // A lease holds one thread and a task the other; host kernels wait for a token. Killing the
        // task hands its token to the other worker at once: the dead worker's last span must end
        // before that, not when the host gets round to closing it.
        const r = await env.createRuntime({ threads: 2, isolated: true });
        try {
          const bad = [];
          for (let round = 0; round < 60; round++) {
            r.trace.start();
            const lease = await r.lease(1);
            const ac = new AbortController();
            let started;
            const running = new Promise((resolve) => { started = resolve; });
            const victim = settle(probe(r).with({ signal: ac.signal, onProgress: started }).sleep(10_000));
            await bounded(running, 5000, 'victim task to start');
            const x = new Float32Array(4096).fill(1);
            const kernels = Array.from({ length: 50 }, () => settle(r.kernels.sum(x)));
            await sleep(5);
            ac.abort();
            await victim;
            await bounded(Promise.all(kernels), 10_000, `round ${round}: host kernels`);
            lease.release();
            r.trace.stop();
            const report = r.trace.check();
            if (!report.ok) bad.push({ round, maxBusy: report.maxBusy, violations: report.violations.length });
          }
          equal(bad.length, 0, `rounds whose trace exceeded the budget ${JSON.stringify(bad)}`);
        } finally {
          await r.close();
        }
      });
    });
  });
}
